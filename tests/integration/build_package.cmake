# The Debian package the PackageTest tests read, built from this tree: OUT is emptied first, so
# that a package from an earlier build is never what they read.
#   cmake -D OUT=dir -D CONFIG=build/CPackConfig.cmake -P build_package.cmake
if(NOT OUT OR NOT CONFIG)
  message(FATAL_ERROR "build_package.cmake needs -D OUT=dir and -D CONFIG=CPackConfig.cmake")
endif()
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}")
execute_process(COMMAND "${CMAKE_CPACK_COMMAND}" -G DEB -B "${OUT}" --config "${CONFIG}"
                OUTPUT_FILE "${OUT}/cpack.log" ERROR_FILE "${OUT}/cpack.log"
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  file(READ "${OUT}/cpack.log" log)
  message(FATAL_ERROR "cpack failed (${result}):\n${log}")
endif()
file(GLOB debs "${OUT}/*.deb")
if(NOT debs)
  message(FATAL_ERROR "cpack made no .deb in ${OUT}")
endif()
