# Compile-failure test: SOURCE must NOT compile, and the compiler must say why in the
# library's own words, first and briefly. The file starts with a block of lines
#
#   // expect: <text>          checked with every compiler
#   // expect-gcc: <text>      checked only with GCC
#   // expect-clang: <text>    checked only with Clang
#   // max-lines: <n>          the diagnostics' length limit (default 15); also
#   // max-lines-gcc: <n>      per compiler, for the cases the library cannot word
#   // max-lines-clang: <n>
#   // compiler-message: <why> the expected texts are the compiler's own words, because
#                              the library cannot word this error (<why> says why)
#
# (the first line of the file must be one of them; the block ends at the first other line).
# The first applicable `expect` text is the sentence: it must be on the first line of the
# diagnostics that contains "error" (no other error before it). Every further applicable
# text must occur somewhere in the diagnostics (e.g. the name of the variable at fault).
# The diagnostics must be at most max-lines lines long (no cascade of errors after the
# sentence).
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

# Parse the leading "// key: value" lines without CMake lists, so that the expected text
# may contain ';', '[' or ']'.
file(READ "${SOURCE}" rest)
string(REPLACE "\r" "" rest "${rest}")
set(found_expect_line FALSE)
set(expected_count 0)
set(max_lines 15)
set(compiler_message "")
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
  if(NOT line MATCHES "^[ \t]*//[ \t]*(expect|max-lines|compiler-message)(-[a-z]+)?:[ \t]*([^ \t].*)$")
    break()
  endif()
  set(key "${CMAKE_MATCH_1}")
  set(tag "${CMAKE_MATCH_2}")
  string(STRIP "${CMAKE_MATCH_3}" text)
  if(NOT tag MATCHES "^(|-gcc|-clang)$")
    message(FATAL_ERROR "${SOURCE}: unknown tag '${key}${tag}:'")
  endif()
  if(NOT (tag STREQUAL "" OR tag STREQUAL "-${compiler_tag}"))
    continue()
  endif()
  if(key STREQUAL "expect")
    set(found_expect_line TRUE)
    set(expected_${expected_count} "${text}")
    math(EXPR expected_count "${expected_count} + 1")
  elseif(key STREQUAL "max-lines")
    if(NOT text MATCHES "^[0-9]+$")
      message(FATAL_ERROR "${SOURCE}: max-lines takes a number, not '${text}'")
    endif()
    set(max_lines "${text}")
  else()
    set(compiler_message "${text}")
  endif()
endwhile()
if(NOT found_expect_line AND NOT compiler_tag STREQUAL "")
  message(FATAL_ERROR
    "${SOURCE}: the file must start with '// expect: <text>' naming the sentence that must "
    "be the first error of the compiler diagnostics")
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

# The number of lines, and the first line that contains "error".
string(REGEX MATCHALL "\n" newlines "${output}")
list(LENGTH newlines line_count)
if(NOT output MATCHES "\n$" AND NOT output STREQUAL "")
  math(EXPR line_count "${line_count} + 1")
endif()
set(first_error_line "")
if(output MATCHES "[^\n]*error[^\n]*")
  set(first_error_line "${CMAKE_MATCH_0}")
endif()

set(problems "")
set(expected_text "")
set(i 0)
while(i LESS expected_count)
  set(text "${expected_${i}}")
  if(i EQUAL 0)
    string(FIND "${first_error_line}" "${text}" pos)
    if(pos EQUAL -1)
      string(APPEND problems "  not on the first line that contains \"error\": ${text}\n")
    endif()
  else()
    string(FIND "${output}" "${text}" pos)
    if(pos EQUAL -1)
      string(APPEND problems "  missing from the diagnostics: ${text}\n")
    endif()
  endif()
  if(i EQUAL 0)
    set(expected_text "'${text}' first")
  elseif(i EQUAL 1)
    string(APPEND expected_text " (and '${text}')")
  else()
    string(REGEX REPLACE "\\)$" ", '${text}')" expected_text "${expected_text}")
  endif()
  math(EXPR i "${i} + 1")
endwhile()
if(line_count GREATER max_lines)
  string(APPEND problems "  ${line_count} lines of diagnostics, more than ${max_lines}\n")
endif()

# Diagnostics are printed verbatim (FATAL_ERROR messages get re-wrapped).
if(NOT problems STREQUAL "")
  message("Command: ${command_line}\nCompiler output:\n${output}")
  message("Problems:\n${problems}")
  message(FATAL_ERROR
    "${SOURCE} failed to compile, but not as expected.")
endif()

set(origin "")
if(NOT compiler_message STREQUAL "")
  set(origin " (the compiler's words: ${compiler_message})")
endif()
if(expected_count GREATER 0)
  message(STATUS "OK: compilation failed with ${expected_text}, in ${line_count} lines${origin}")
else()
  message(STATUS "OK: compilation failed in ${line_count} lines (no expectation for this compiler)")
endif()
