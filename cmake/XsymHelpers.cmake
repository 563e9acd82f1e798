# Helpers for xsym's own targets (tests, examples, benchmarks). Never applied to xsym::xsym
# itself, so consumers never inherit warnings-as-errors or sanitizers.

# xsym_test_flags(<target>)
#   XSYM_WERROR   -> -Wall -Wextra -Werror                       (C++ sources)
#   XSYM_SANITIZE -> -fsanitize=address,undefined -fno-omit-frame-pointer
#                    -fno-sanitize-recover=all                   (C++ compile and link)
# CUDA sources (nvcc) get neither: nvcc does not take these flags, and the sanitizer build
# (scripts/test) configures with CUDA off.
function(xsym_test_flags target)
  if(XSYM_WERROR)
    target_compile_options(${target} PRIVATE
      $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang,AppleClang>:-Wall -Wextra -Werror>)
    # g++ 12 at -O2/-O3 reports a false -Wrestrict inside libstdc++'s `const char* +
    # std::string&&` (GCC PR 105329) wherever it is inlined, test code included. xsym's headers
    # avoid that spelling (core/text.hpp), so users' -Werror builds stay clean: the package test
    # builds a consumer with -O3 -Wall -Wextra -Werror and no such exception.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
      target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wno-restrict>)
    endif()
  endif()
  if(XSYM_SANITIZE)
    set(_san -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:${_san}>)
    target_link_options(${target} PRIVATE $<$<LINK_LANGUAGE:CXX>:${_san}>)
  endif()
endfunction()
