// libFuzzer target for Symbol::from_json (scripts/fuzz builds and runs it). Every input must
// either load or throw xsym::error; a loaded symbol must save, and its saved text must load
// again and save to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <xsym/core/error.hpp>
#include <xsym/symbol/symbol.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string saved;
  try {
    saved = xsym::Symbol::from_json(text).to_json();
  } catch (const xsym::error&) {
    return 0;  // rejected with a message: fine
  }
  std::string again;
  try {
    again = xsym::Symbol::from_json(saved).to_json();
  } catch (const xsym::error& e) {
    std::fprintf(stderr, "a saved symbol does not load again: %s\n--- saved text:\n%s\n", e.what(), saved.c_str());
    std::abort();
  }
  if (again != saved) {
    std::fprintf(stderr, "save/load/save is not stable\n--- first:\n%s\n--- second:\n%s\n", saved.c_str(),
                 again.c_str());
    std::abort();
  }
  return 0;
}
