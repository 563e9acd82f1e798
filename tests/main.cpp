// The one Catch2 main of xsym's tests. It is compiled once (object library xsym_catch_main,
// about 12 s) and linked into every test binary, including the CUDA one.
//
// It is Catch2's default main plus one hook: a test binary may define
//     extern "C" const char* xsym_tests_skip_reason();
// returning a reason to skip all of its tests (nullptr: run them). The CUDA test binary does so
// when no GPU is usable. The binary then prints the reason and exits with 77, which CTest reports
// as "Skipped" (SKIP_RETURN_CODE 77). Listing (--list-*, -l, -t, -h) is never skipped, so
// catch_discover_tests can enumerate the tests at build time on a machine without a GPU.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstring>
#include <iostream>

extern "C" const char* xsym_tests_skip_reason() __attribute__((weak));

int main(int argc, char* argv[]) {
  bool listing = false;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (std::strncmp(a, "--list", 6) == 0 || std::strcmp(a, "-l") == 0 ||
        std::strcmp(a, "-t") == 0 || std::strcmp(a, "-h") == 0 || std::strcmp(a, "-?") == 0 ||
        std::strcmp(a, "--help") == 0)
      listing = true;
  }
  if (!listing && xsym_tests_skip_reason != nullptr) {
    if (const char* why = xsym_tests_skip_reason()) {
      std::cout << "SKIPPED: " << why << '\n';
      return 77;
    }
  }
  return Catch::Session().run(argc, argv);
}
