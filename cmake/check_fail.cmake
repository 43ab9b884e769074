# Compile-failure test: SOURCE must NOT compile, and the compiler diagnostics
# must contain the expected text. The file starts with one or more lines
#
#   // expect: <text>          checked with every compiler
#   // expect-gcc: <text>      checked only with GCC
#   // expect-clang: <text>    checked only with Clang
#
# (the first line of the file must be one of them; the block ends at the first
# other line). Every applicable text must occur in the compiler output.
#
# Variables: CXX_COMPILER, CXX_COMPILER_ID (GNU, Clang, ...), SOURCE,
#            INCLUDE_DIRS ('|'-separated)

foreach(var CXX_COMPILER SOURCE)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "check_fail.cmake: ${var} is not set")
  endif()
endforeach()

if(CXX_COMPILER_ID STREQUAL "GNU")
  set(compiler_tag gcc)
elseif(CXX_COMPILER_ID MATCHES "Clang")
  set(compiler_tag clang)
else()
  set(compiler_tag "")
endif()

# Parse the leading "// expect...:" lines without CMake lists, so that the
# expected text may contain ';', '[' or ']'.
file(READ "${SOURCE}" rest)
string(REPLACE "\r" "" rest "${rest}")
set(found_expect_line FALSE)
set(expected_count 0)
while(NOT rest STREQUAL "")
  string(FIND "${rest}" "\n" eol)
  if(eol EQUAL -1)
    set(line "${rest}")
    set(rest "")
  else()
    string(SUBSTRING "${rest}" 0 ${eol} line)
    math(EXPR next "${eol} + 1")
    string(SUBSTRING "${rest}" ${next} -1 rest)
  endif()
  if(NOT line MATCHES "^[ \t]*//[ \t]*expect(-[a-z]+)?:[ \t]*([^ \t].*)$")
    break()
  endif()
  set(found_expect_line TRUE)
  set(tag "${CMAKE_MATCH_1}")
  string(STRIP "${CMAKE_MATCH_2}" text)
  if(NOT tag MATCHES "^(|-gcc|-clang)$")
    message(FATAL_ERROR "${SOURCE}: unknown expectation 'expect${tag}:'")
  endif()
  if(tag STREQUAL "" OR tag STREQUAL "-${compiler_tag}")
    set(expected_${expected_count} "${text}")
    math(EXPR expected_count "${expected_count} + 1")
  endif()
endwhile()
if(NOT found_expect_line)
  message(FATAL_ERROR
    "${SOURCE}: the first line must be '// expect: <text>' naming text "
    "that must appear in the compiler diagnostics")
endif()

set(include_args)
if(INCLUDE_DIRS)
  string(REPLACE "|" ";" include_dirs "${INCLUDE_DIRS}")
  foreach(dir IN LISTS include_dirs)
    list(APPEND include_args "-I${dir}")
  endforeach()
endif()

# Plain ASCII diagnostics without colour, independent of the user's locale.
set(ENV{LC_ALL} C)
set(ENV{LANG} C)
unset(ENV{GCC_COLORS})

set(command "${CXX_COMPILER}" -std=c++20 -fsyntax-only
            -fdiagnostics-color=never ${include_args} "${SOURCE}")
execute_process(
  COMMAND ${command}
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)

list(JOIN command " " command_line)

if(result EQUAL 0)
  message("Command: ${command_line}\n${output}")
  message(FATAL_ERROR "${SOURCE} compiled successfully, but it must not compile.")
endif()

set(missing "")
set(expected_text "")
set(i 0)
while(i LESS expected_count)
  set(text "${expected_${i}}")
  string(FIND "${output}" "${text}" pos)
  if(pos EQUAL -1)
    string(APPEND missing "  ${text}\n")
  endif()
  string(APPEND expected_text " '${text}'")
  math(EXPR i "${i} + 1")
endwhile()

# Diagnostics are printed verbatim (FATAL_ERROR messages get re-wrapped).
if(NOT missing STREQUAL "")
  message("Command: ${command_line}\nCompiler output:\n${output}")
  message("Missing from the diagnostics:\n${missing}")
  message(FATAL_ERROR
    "${SOURCE} failed to compile, but not for the expected reason.")
endif()

if(expected_count GREATER 0)
  message(STATUS "OK: compilation failed with${expected_text}")
else()
  message(STATUS "OK: compilation failed (no expectation for this compiler)")
endif()
