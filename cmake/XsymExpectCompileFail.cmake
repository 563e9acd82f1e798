# cmake -DCXX=<compiler> -DFLAGS=<flag|flag|...> -DSOURCE=<file.cpp> -P XsymExpectCompileFail.cmake
#
# Runs one compile-fail test: SOURCE's first line is `// expect: <regex>` (CMake regex syntax).
# Passes (exit 0) only when compiling SOURCE FAILS and the compiler output matches the regex.
# Exits non-zero when it compiles, or fails with another message. The compiler runs directly
# (not through the build system), so tests can run in parallel. Optional lines right after the
# first: `// max lines: <n>` (the compiler's whole output has at most n lines: a message buried
# in pages of instantiation context helps nobody) and `// not: <regex>` (a follow-on error that
# must not be reported).
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
file(STRINGS "${SOURCE}" _head LIMIT_COUNT 4)
set(_max_lines "")
set(_not "")
foreach(line IN LISTS _head)
  if(line MATCHES "^// max lines: ([0-9]+)$")
    set(_max_lines "${CMAKE_MATCH_1}")
  elseif(line MATCHES "^// not: (.+)$")
    set(_not "${CMAKE_MATCH_1}")
  endif()
endforeach()
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
set(_matched "${CMAKE_MATCH_0}")
if(_not AND _out MATCHES "${_not}")
  message("${_out}")
  message(FATAL_ERROR "compile-fail: ${SOURCE}: the output also reports what it must not: ${_not}")
endif()
if(_max_lines)
  string(REGEX MATCHALL "\n" _newlines "${_out}")
  list(LENGTH _newlines _lines)
  if(_lines GREATER _max_lines)
    message("${_out}")
    message(FATAL_ERROR "compile-fail: ${SOURCE}: ${_lines} lines of compiler output, more than ${_max_lines}")
  endif()
  message("compile-fail: ${_lines} lines (at most ${_max_lines})")
endif()
message("compile-fail: rejected as expected; output matches: ${_matched}")
