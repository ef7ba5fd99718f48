# staffchain_add_plugin(NAME SOURCES ... [LIBS ...] [OUTPUT_DIR dir] [NO_INSTALL]):
# builds lib<NAME>.so against the SDK only (headers and its compiled helpers), into the plugin
# directory beside the executables.
function(staffchain_add_plugin name)
  cmake_parse_arguments(ARG "NO_INSTALL" "OUTPUT_DIR" "SOURCES;LIBS;DEFINITIONS" ${ARGN})
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE staffchain::sdk staffchain_sdk_support ${ARG_LIBS})
  if(ARG_DEFINITIONS)
    target_compile_definitions(${name} PRIVATE ${ARG_DEFINITIONS})
  endif()
  set(out ${STAFFCHAIN_PLUGIN_BUILD_DIR})
  if(ARG_OUTPUT_DIR)
    set(out ${ARG_OUTPUT_DIR})
  endif()
  set_target_properties(${name} PROPERTIES
    PREFIX "lib" OUTPUT_NAME "staffchain_${name}"
    LIBRARY_OUTPUT_DIRECTORY ${out})
  # Unresolved symbols are a load-time surprise; make them a link-time error instead.
  target_link_options(${name} PRIVATE -Wl,--no-undefined)
  if(NOT ARG_NO_INSTALL)
    install(TARGETS ${name} LIBRARY DESTINATION ${STAFFCHAIN_PLUGIN_INSTALL_SUBDIR})
  endif()
endfunction()
