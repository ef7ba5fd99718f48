# Compiler flags shared by the host, every plugin and every test: the plugin build tag is
# derived from them, so a plugin built with other flags is refused at load time.
option(STAFFCHAIN_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(STAFFCHAIN_WERROR "Treat warnings as errors" ON)

add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
                    -Wcast-align -Wunused -Woverloaded-virtual -Wconversion -Wsign-conversion
                    -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
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

