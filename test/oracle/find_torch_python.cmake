# find_torch_python.cmake -- the Python interpreter that runs the PyTorch oracle.
#
#   include(${PROJECT_SOURCE_DIR}/test/oracle/find_torch_python.cmake)
#
# Sets the cache variable CTGRAD_TORCH_PYTHON (FILEPATH) to the first interpreter that can
# `import torch`, or to "" when none can (the oracle tests then compare with the outputs
# recorded under torch, test/oracle/expected/ and examples/pytorch/expected/). Candidates, in
# order:
#
#   1. CTGRAD_TORCH_PYTHON, when given (-DCTGRAD_TORCH_PYTHON=/path/to/python3)
#   2. Python3_EXECUTABLE, when set (by the user or an earlier find_package(Python3))
#   3. find_program over the names python3, python3.11, python3.12 in /usr/bin, then
#      /usr/local/bin, then every directory of PATH
#
# The first python3 on PATH is often not the one torch is installed into (e.g. Debian's
# python3-torch lives in /usr/bin/python3 while pyenv or a venv comes first on PATH), so every
# candidate is tried with `<python> -c "import torch"`. A validated interpreter is remembered
# (internal cache entry CTGRAD_TORCH_PYTHON_VALIDATED) so that reconfiguring does not pay for
# importing torch again. Also sets CTGRAD_TORCH_VERSION (normal variable) to torch.__version__.
#
# -DCTGRAD_TORCH_PYTHON=OFF (or any CMake false constant but "": NO, FALSE, 0, ...) searches
# nothing and acts as if no interpreter had torch: the tests then use the recorded outputs even
# on a machine with torch. The value stays in the cache; the including scope sees "". An empty
# value searches again (so torch installed later is found on the next configure).
include_guard(GLOBAL)

# _ctgrad_torch_version(<python> <out-var>): torch.__version__, or "" if the import fails.
function(_ctgrad_torch_version python out_var)
  set(version "")
  if(python AND EXISTS "${python}" AND NOT IS_DIRECTORY "${python}")
    execute_process(
      COMMAND "${python}" -c "import torch; print(torch.__version__)"
      RESULT_VARIABLE rc
      OUTPUT_VARIABLE out
      ERROR_QUIET
      OUTPUT_STRIP_TRAILING_WHITESPACE
      TIMEOUT 120)
    if(rc EQUAL 0 AND NOT out STREQUAL "")
      set(version "${out}")
    endif()
  endif()
  set(${out_var} "${version}" PARENT_SCOPE)
endfunction()

function(_ctgrad_find_torch_python)
  set(explicit "${CTGRAD_TORCH_PYTHON}")

  # Switched off: no interpreter, without searching.
  if(NOT explicit STREQUAL "" AND NOT explicit)
    set(CTGRAD_TORCH_PYTHON "" PARENT_SCOPE)
    set(CTGRAD_TORCH_VERSION "" PARENT_SCOPE)
    message(STATUS "ctgrad: torch oracle switched off (CTGRAD_TORCH_PYTHON=${explicit}); "
                   "the oracle tests compare with the outputs recorded under torch")
    return()
  endif()

  # A value validated by an earlier configure run is trusted while the file exists.
  if(explicit AND explicit STREQUAL "${CTGRAD_TORCH_PYTHON_VALIDATED}"
     AND EXISTS "${explicit}" AND DEFINED CACHE{CTGRAD_TORCH_VERSION_VALIDATED})
    set(CTGRAD_TORCH_VERSION "${CTGRAD_TORCH_VERSION_VALIDATED}" PARENT_SCOPE)
    message(STATUS "ctgrad: torch oracle interpreter: ${explicit} "
                   "(torch ${CTGRAD_TORCH_VERSION_VALIDATED}, cached)")
    return()
  endif()

  set(candidates)
  if(explicit)
    if(NOT IS_ABSOLUTE "${explicit}")
      # A bare name such as python3.11: resolve it on PATH.
      find_program(resolved NAMES "${explicit}" NO_CACHE)
      if(resolved)
        set(explicit "${resolved}")
      endif()
    endif()
    list(APPEND candidates "${explicit}")
  endif()
  if(Python3_EXECUTABLE)
    list(APPEND candidates "${Python3_EXECUTABLE}")
  endif()

  cmake_path(CONVERT "$ENV{PATH}" TO_CMAKE_PATH_LIST path_dirs NORMALIZE)
  set(dirs /usr/bin /usr/local/bin ${path_dirs})
  foreach(dir IN LISTS dirs)
    if(dir STREQUAL "")
      continue()
    endif()
    foreach(name IN ITEMS python3 python3.11 python3.12)
      unset(candidate) # find_program() does not search again while the variable is set
      find_program(candidate NAMES ${name} PATHS "${dir}" NO_DEFAULT_PATH NO_CACHE)
      if(candidate)
        list(APPEND candidates "${candidate}")
      endif()
    endforeach()
  endforeach()
  list(REMOVE_DUPLICATES candidates)

  set(found "")
  set(found_version "")
  foreach(python IN LISTS candidates)
    _ctgrad_torch_version("${python}" version)
    if(NOT version STREQUAL "")
      set(found "${python}")
      set(found_version "${version}")
      break()
    endif()
    if(python STREQUAL explicit)
      message(WARNING "ctgrad: CTGRAD_TORCH_PYTHON=${explicit} cannot `import torch`; "
                      "searching for another interpreter")
    endif()
  endforeach()

  set(CTGRAD_TORCH_PYTHON "${found}" CACHE FILEPATH
      "Python interpreter that can import torch (runs the PyTorch oracle tests); empty: skip them"
      FORCE)
  set(CTGRAD_TORCH_PYTHON_VALIDATED "${found}" CACHE INTERNAL "")
  set(CTGRAD_TORCH_VERSION_VALIDATED "${found_version}" CACHE INTERNAL "")
  set(CTGRAD_TORCH_VERSION "${found_version}" PARENT_SCOPE)

  if(found)
    message(STATUS "ctgrad: torch oracle interpreter: ${found} (torch ${found_version})")
  else()
    list(JOIN candidates ", " tried)
    if(tried STREQUAL "")
      set(tried "none found")
    endif()
    message(STATUS "ctgrad: no Python interpreter can `import torch` (tried: ${tried}); "
                   "the oracle tests compare with the outputs recorded under torch. "
                   "Set -DCTGRAD_TORCH_PYTHON=<python> to choose one.")
  endif()
endfunction()

_ctgrad_find_torch_python()
