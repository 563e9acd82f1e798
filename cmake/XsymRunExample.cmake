# cmake -DEXE=<program> -P XsymRunExample.cmake
# Runs an example, echoes its output, and appends `xsym-example: FAILED ...` when it exits
# non-zero or crashes. Used for examples whose output CTest checks with
# PASS_REGULAR_EXPRESSION (which alone ignores the exit code); such tests also set
# FAIL_REGULAR_EXPRESSION "xsym-example: FAILED", so both the output and the exit code count.
execute_process(COMMAND "${EXE}" RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
message("${_out}")
if(NOT "${_rc}" STREQUAL "0")
  message(FATAL_ERROR "xsym-example: FAILED (exit: ${_rc})")
endif()
