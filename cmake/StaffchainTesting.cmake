# staffchain_add_test(NAME SOURCES ... LIBS ... [PREFIX P]): one GoogleTest executable, its cases
# registered with CTest one by one (discovered when ctest runs, not at build time).
include(GoogleTest)
function(staffchain_add_test name)
  cmake_parse_arguments(ARG "" "PREFIX" "SOURCES;LIBS;LABELS;FIXTURES" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    STAFFCHAIN_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    STAFFCHAIN_BINARY_DIR="${PROJECT_BINARY_DIR}"
    STAFFCHAIN_PLUGIN_BUILD_DIR="${STAFFCHAIN_PLUGIN_BUILD_DIR}")
  set(labels unit)
  if(ARG_LABELS)
    set(labels ${ARG_LABELS})
  endif()
  # FIXTURES: ctest tests (FIXTURES_SETUP) that must have run before any of these.
  set(fixture_properties)
  if(ARG_FIXTURES)
    set(fixture_properties FIXTURES_REQUIRED "${ARG_FIXTURES}")
  endif()
  # PREFIX: put before each case's name, for sources built into a second executable (the
  # same cases on another backend).
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60 TEST_PREFIX "${ARG_PREFIX}"
                       PROPERTIES LABELS "${labels}" TIMEOUT 600 ${fixture_properties})
endfunction()
