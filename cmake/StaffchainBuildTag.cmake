# The build tag names compiler, Boost and the flags that change object layout or runtime.
# Host and plugins include the same generated header, so a plugin built elsewhere, with other
# flags, carries another tag and is refused with both tags named.
set(STAFFCHAIN_BUILD_TAG
    "${CMAKE_CXX_COMPILER_ID}-${CMAKE_CXX_COMPILER_VERSION} boost-${Boost_VERSION_STRING} c++${CMAKE_CXX_STANDARD} ${CMAKE_BUILD_TYPE}${_staffchain_flags_tag}")
set(STAFFCHAIN_GENERATED_INCLUDE_DIR ${CMAKE_BINARY_DIR}/generated/include)
configure_file(${CMAKE_CURRENT_LIST_DIR}/build_info.hpp.in
               ${STAFFCHAIN_GENERATED_INCLUDE_DIR}/staffchain/plugin/build_info.hpp @ONLY)
