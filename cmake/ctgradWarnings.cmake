# Strict compile options for the project's own test, example and benchmark
# targets. Never applied to the INTERFACE library target, so consumers are
# not affected.
include_guard(GLOBAL)

set(CTGRAD_SANITIZE_FLAGS
  -fsanitize=address,undefined
  -fno-omit-frame-pointer
  -fno-sanitize-recover=all)

set(CTGRAD_SANITIZE_THREAD_FLAGS
  -fsanitize=thread
  -fno-omit-frame-pointer)

if(CTGRAD_SANITIZE AND CTGRAD_SANITIZE_THREAD)
  message(FATAL_ERROR
    "CTGRAD_SANITIZE (ASan/UBSan) and CTGRAD_SANITIZE_THREAD (TSan) cannot be combined")
endif()

# _ctgrad_last_opt_level(<out> <config> <target>)
#   The last -O option that the compiler sees for <target> in <config>:
#   CMAKE_CXX_FLAGS, then CMAKE_CXX_FLAGS_<CONFIG>, then the target's own
#   compile options (the benchmarks add -O3 whatever the build type). "-O0"
#   when there is none.
function(_ctgrad_last_opt_level out config target)
  string(TOUPPER "${config}" config_uc)
  get_target_property(target_options ${target} COMPILE_OPTIONS)
  if(NOT target_options)
    set(target_options "")
  endif()
  separate_arguments(flags UNIX_COMMAND
    "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${config_uc}}")
  set(level -O0)
  foreach(flag IN LISTS flags target_options)
    if(flag MATCHES "^-O")
      set(level "${flag}")
    endif()
  endforeach()
  set(${out} "${level}" PARENT_SCOPE)
endfunction()

# _ctgrad_gcc12_o3_false_positives(<target>)
#   GCC 12 at -O3 reports two false positives in the standard library that
#   -Werror turns into errors (CMake's plain Release configuration is -O3):
#   - -Wrestrict in <bits/char_traits.h> for "text" + std::string&&
#     (GCC bugs 105329 and 105651);
#   - -Wmaybe-uninitialized for the payload of a disengaged std::optional
#     compared or copied after inlining (GCC bug 80635).
#   Both are silenced for GCC 12 only, and only in the configurations in
#   which the target is compiled at -O3 (at -O2, -Os, -O1 and -O0 they do
#   not fire, and the warnings stay on).
function(_ctgrad_gcc12_o3_false_positives target)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU"
     OR NOT CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
     OR NOT CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    return()
  endif()
  set(silenced -Wno-restrict -Wno-maybe-uninitialized)
  get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  if(multi_config)
    foreach(config IN LISTS CMAKE_CONFIGURATION_TYPES)
      _ctgrad_last_opt_level(level "${config}" ${target})
      if(level STREQUAL "-O3")
        target_compile_options(${target} PRIVATE
          "$<$<CONFIG:${config}>:${silenced}>")
      endif()
    endforeach()
  else()
    _ctgrad_last_opt_level(level "${CMAKE_BUILD_TYPE}" ${target})
    if(level STREQUAL "-O3")
      target_compile_options(${target} PRIVATE ${silenced})
    endif()
  endif()
endfunction()

# ctgrad_strict(<target> [NO_SANITIZE])
#   Enable warnings-as-errors and, with CTGRAD_SANITIZE=ON, ASan/UBSan, or
#   with CTGRAD_SANITIZE_THREAD=ON, TSan (not with NO_SANITIZE: a library that
#   programs built without the sanitizers link too). Call it after the
#   target's own compile options are set.
function(ctgrad_strict target)
  cmake_parse_arguments(PARSE_ARGV 1 strict "NO_SANITIZE" "" "")
  if(MSVC)
    target_compile_options(${target} PRIVATE /W4 /WX /permissive-)
  else()
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
    _ctgrad_gcc12_o3_false_positives(${target})
  endif()

  if((CTGRAD_SANITIZE OR CTGRAD_SANITIZE_THREAD) AND NOT strict_NO_SANITIZE)
    if(MSVC)
      message(FATAL_ERROR
        "CTGRAD_SANITIZE and CTGRAD_SANITIZE_THREAD are only supported with GCC and Clang")
    endif()
    if(CTGRAD_SANITIZE)
      set(flags ${CTGRAD_SANITIZE_FLAGS})
    else()
      set(flags ${CTGRAD_SANITIZE_THREAD_FLAGS})
    endif()
    target_compile_options(${target} PRIVATE ${flags})
    target_link_options(${target} PRIVATE ${flags})
  endif()
endfunction()
