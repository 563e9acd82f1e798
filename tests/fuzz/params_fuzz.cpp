// libFuzzer target for .params files (xsym::load_params_bytes; scripts/fuzz builds and runs it).
// Every input must either load or throw xsym::error; a loaded file must save (with its names, if
// it has them), and its saved bytes must load again and save to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <xsym/core/error.hpp>
#include <xsym/ndarray/ndarray.hpp>

namespace {

std::string save(const xsym::loaded_arrays& l) {
  if (!l.named()) return xsym::save_params_bytes(l.arrays);
  std::vector<std::pair<std::string, xsym::ndarray>> entries;  // keeps repeated names, as the file does
  for (std::size_t i = 0; i < l.arrays.size(); ++i) entries.emplace_back(l.names[i], l.arrays[i]);
  return xsym::save_params_bytes(entries);
}

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "%s: %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  xsym::loaded_arrays loaded;
  try {
    loaded = xsym::load_params_bytes(bytes, "fuzz input");
  } catch (const xsym::error&) {
    return 0;  // rejected with a message: fine
  }
  std::string saved, again;
  try {
    saved = save(loaded);
  } catch (const xsym::error& e) {
    fail("a loaded file does not save", e.what());
  }
  try {
    again = save(xsym::load_params_bytes(saved, "saved bytes"));
  } catch (const xsym::error& e) {
    fail("saved bytes do not load again", e.what());
  }
  if (again != saved)
    fail("save/load/save is not stable", std::to_string(saved.size()) + " bytes, then " + std::to_string(again.size()));
  return 0;
}
