// libFuzzer target for the MNIST digit files (scripts/fuzz builds and runs it): every input either
// gives whole 784-pixel images with every pixel in [0, 1], or throws xsym::error.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <xsym/core/error.hpp>
#include <xsym/train/mnist.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  xsym::ndarray images;
  try {
    images = xsym::io::parse_mnist_digit_file(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  } catch (const xsym::error&) {
    return 0;  // rejected with a message: fine
  }
  if (images.ndim() != 2 || images.shape()[1] != 784 || images.shape()[0] < 1) {
    std::fprintf(stderr, "accepted images of shape %s\n", images.shape().str().c_str());
    std::abort();
  }
  for (float x : images.to_vector<float>())
    if (!(x >= 0 && x <= 1)) {
      std::fprintf(stderr, "accepted a pixel %g outside [0, 1]\n", double(x));
      std::abort();
    }
  return 0;
}
