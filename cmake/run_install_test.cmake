# Installs the build tree BUILD_DIR into PREFIX, then configures, builds and
# runs the consumer project in CONSUMER_SOURCE_DIR against that installation.
#
# Variables: BUILD_DIR, PREFIX, CONSUMER_SOURCE_DIR, CONSUMER_BINARY_DIR,
#            CXX_COMPILER, GENERATOR, MAKE_PROGRAM (optional), CONFIG (optional)

foreach(var BUILD_DIR PREFIX CONSUMER_SOURCE_DIR CONSUMER_BINARY_DIR
            CXX_COMPILER GENERATOR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_install_test.cmake: ${var} is not set")
  endif()
endforeach()

if(NOT CONFIG)
  set(CONFIG Release)
endif()

function(run_step what)
  message(STATUS "${what}")
  execute_process(COMMAND ${ARGN}
                  RESULT_VARIABLE result
                  OUTPUT_VARIABLE output
                  ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    list(JOIN ARGN " " command_line)
    message("Command: ${command_line}\n${output}")
    message(FATAL_ERROR "${what} failed (${result})")
  endif()
  set(step_output "${output}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${PREFIX}" "${CONSUMER_BINARY_DIR}")

run_step("Installing ctgrad to ${PREFIX}"
  "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
                     --config "${CONFIG}")

set(configure_args
  -S "${CONSUMER_SOURCE_DIR}"
  -B "${CONSUMER_BINARY_DIR}"
  -G "${GENERATOR}"
  "-DCMAKE_BUILD_TYPE=${CONFIG}"
  "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
  "-DCMAKE_PREFIX_PATH=${PREFIX}"
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
if(MAKE_PROGRAM)
  list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()

run_step("Configuring the consumer project"
  "${CMAKE_COMMAND}" ${configure_args})
run_step("Building the consumer project"
  "${CMAKE_COMMAND}" --build "${CONSUMER_BINARY_DIR}" --config "${CONFIG}")

# ctgrad_consumer: headers only; ctgrad_consumer_runtime: linked with ctgrad::runtime.
foreach(program ctgrad_consumer ctgrad_consumer_runtime)
  set(consumer "${CONSUMER_BINARY_DIR}/${program}")
  if(NOT EXISTS "${consumer}")
    set(consumer "${CONSUMER_BINARY_DIR}/${CONFIG}/${program}")
  endif()
  run_step("Running ${program}" "${consumer}")
  message(STATUS "${program} output: ${step_output}")
endforeach()
