# Compiler flags shared by the host, every plugin and every test: the plugin build tag is
# derived from them, so a plugin built with other flags is refused at load time.
option(STAFFCHAIN_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(STAFFCHAIN_WERROR "Treat warnings as errors" ON)

add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
                    -Wcast-align -Wunused -Woverloaded-virtual -Wconversion -Wsign-conversion
                    -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
# g++ 12 at -O2/-O3 reports -Wrestrict inside std::string's own code for ordinary appends and
# inserts (GCC bug 105329); it is a compiler false positive, not a finding in this code.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  add_compile_options(-Wno-restrict)
endif()
if(STAFFCHAIN_WERROR)
  add_compile_options(-Werror)
endif()
add_compile_definitions(BOOST_DLL_USE_STD_FS BOOST_ASIO_NO_DEPRECATED)

set(_staffchain_flags_tag "")
if(STAFFCHAIN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  string(APPEND _staffchain_flags_tag " asan+ubsan")
endif()

