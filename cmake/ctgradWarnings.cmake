# Strict compile options for the project's own test, example and benchmark
# targets. Never applied to the INTERFACE library target, so consumers are
# not affected.
include_guard(GLOBAL)

set(CTGRAD_SANITIZE_FLAGS
  -fsanitize=address,undefined
  -fno-omit-frame-pointer
  -fno-sanitize-recover=all)

# ctgrad_strict(<target>)
#   Enable warnings-as-errors and, with CTGRAD_SANITIZE=ON, ASan/UBSan.
function(ctgrad_strict target)
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 /WX /permissive-)
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
  endif()

  if(CTGRAD_SANITIZE)
    if(MSVC)
      message(FATAL_ERROR "CTGRAD_SANITIZE is only supported with GCC and Clang")
    endif()
    target_compile_options(${target} PRIVATE ${CTGRAD_SANITIZE_FLAGS})
    target_link_options(${target} PRIVATE ${CTGRAD_SANITIZE_FLAGS})
  endif()
endfunction()
