# cmake -DCXX=<compiler> -DFLAGS=<flag|flag|...> -DSOURCE=<file.cpp> -P XsymExpectCompileFail.cmake
#
# Runs one compile-fail test: SOURCE's first line is `// expect: <regex>` (CMake regex syntax).
# Passes (exit 0) only when compiling SOURCE FAILS and the compiler output matches the regex.
# Exits non-zero when it compiles, or fails with another message. The compiler runs directly
# (not through the build system), so tests can run in parallel.
foreach(v CXX SOURCE)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "XsymExpectCompileFail.cmake: -D${v}=... is required")
  endif()
endforeach()

file(STRINGS "${SOURCE}" _first LIMIT_COUNT 1)
if(NOT _first MATCHES "^// expect: (.+)$")
  message(FATAL_ERROR "compile-fail: ${SOURCE}: the first line must be `// expect: <regex>`")
endif()
set(_expect "${CMAKE_MATCH_1}")
string(REPLACE "|" ";" _flags "${FLAGS}")

# LC_ALL=C: ASCII quotes in GCC's messages, so regexes can use ' and ".
execute_process(
  COMMAND "${CMAKE_COMMAND}" -E env LC_ALL=C
          "${CXX}" ${_flags} -fsyntax-only -fdiagnostics-color=never "${SOURCE}"
  RESULT_VARIABLE _rc
  OUTPUT_VARIABLE _out
  ERROR_VARIABLE _out)

if("${_rc}" STREQUAL "0")
  message("${_out}")
  message(FATAL_ERROR "compile-fail: ${SOURCE} COMPILED, but it must be rejected")
endif()
if(NOT _out MATCHES "${_expect}")
  message("${_out}")
  message(FATAL_ERROR "compile-fail: ${SOURCE} was rejected (exit ${_rc}), but the compiler "
                      "output above does not match the expected regex:\n  ${_expect}")
endif()
message("compile-fail: rejected as expected; output matches: ${CMAKE_MATCH_0}")
