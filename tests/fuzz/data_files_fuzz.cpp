// libFuzzer target for the data-set readers (scripts/fuzz builds and runs it), each input read as
// an MNIST digit file and as CSV text: each either gives what it promises (whole 784-pixel images
// with every pixel in [0, 1]; rows of three numbers) or throws xsym::error.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <xsym/core/error.hpp>
#include <xsym/train/csv_iter.hpp>
#include <xsym/train/mnist.hpp>

namespace {
[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "%s\n", what);
  std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto images = xsym::io::parse_mnist_digit_file(text, "fuzz");
    if (images.ndim() != 2 || images.shape()[1] != 784 || images.shape()[0] < 1) fail("MNIST: images of a wrong shape");
    for (float x : images.to_vector<float>())
      if (!(x >= 0 && x <= 1)) fail("MNIST: a pixel outside [0, 1]");
  } catch (const xsym::error&) {
  }
  try {
    const auto rows = xsym::io::read_csv(text, "fuzz", xsym::shape{3});
    if (rows.ndim() != 2 || rows.shape()[1] != 3 || rows.shape()[0] < 1) fail("CSV: rows of a wrong shape");
  } catch (const xsym::error&) {
  }
  return 0;
}
