// CSVIter and its CSV reader: batches equal to the file's rows, labels by line, MXNet's
// round_batch, and an error naming the file, line and column for malformed text.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <xsym/train/csv_iter.hpp>

using Catch::Matchers::Contains;
using xsym::io::read_csv;

namespace {
std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("xsym_csv_test_" + name);
  std::ofstream(path) << text;
  return path.string();
}
}  // namespace

TEST_CASE("read_csv reads rows of numbers into (rows, row shape)") {
  const auto a = read_csv("1, 2.5,-3\n4,5e-1 ,6\r\n\n", "t.csv", {3});
  CHECK(a.shape() == xsym::shape{2, 3});
  CHECK(a.to_vector<float>() == std::vector<float>{1, 2.5f, -3, 4, 0.5f, 6});
  CHECK(read_csv("1,2,3,4\n", "t.csv", {2, 2}).shape() == xsym::shape{1, 2, 2});
}

TEST_CASE("read_csv: malformed text is an error naming the file, line and column") {
  REQUIRE_THROWS_WITH(read_csv("1,2,3\n4,x,6\n", "bad.csv", {3}), Contains("bad.csv:2:3: expected a number, got 'x,6'"));
  REQUIRE_THROWS_WITH(read_csv("1,2\n", "bad.csv", {3}), Contains("bad.csv:1: 2 values, a row [3] needs 3"));
  REQUIRE_THROWS_WITH(read_csv("1,2,3,4\n", "bad.csv", {3}), Contains("bad.csv:1:7: more than the 3 values"));
  REQUIRE_THROWS_WITH(read_csv("1 2 3\n", "bad.csv", {3}), Contains("bad.csv:1:3: expected ',' or the end of the line"));
  REQUIRE_THROWS_WITH(read_csv("1,,3\n", "bad.csv", {3}), Contains("bad.csv:1:3: expected a number"));
  REQUIRE_THROWS_WITH(read_csv(" \n\n", "empty.csv", {3}), Contains("empty.csv: no rows"));
  REQUIRE_THROWS_WITH(read_csv("1e999\n", "big.csv", {1}), Contains("big.csv:1:1: expected a number"));
}

TEST_CASE("CSVIter batches the rows with their labels, padding the last batch as round_batch does") {
  const auto data = write_temp("data.csv", "1,2\n3,4\n5,6\n7,8\n9,10\n");
  const auto label = write_temp("label.csv", "0\n1\n2\n3\n4\n");
  xsym::io::CSVIter it({.data_csv = data, .data_shape = {2}, .label_csv = label, .batch_size = 2});
  CHECK(it.provide_data()[0].shape == xsym::shape{2, 2});
  CHECK(it.provide_label()[0].shape == xsym::shape{2});
  std::vector<float> xs, ys;
  std::vector<std::size_t> pads;
  while (auto b = it.next()) {
    for (float v : b->data[0].to_vector<float>()) xs.push_back(v);
    for (float v : b->label[0].to_vector<float>()) ys.push_back(v);
    pads.push_back(b->pad);
  }
  CHECK(xs == std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2});
  CHECK(ys == std::vector<float>{0, 1, 2, 3, 4, 0});
  CHECK(pads == std::vector<std::size_t>{0, 0, 1});

  xsym::io::CSVIter no_round({.data_csv = data, .data_shape = {2}, .batch_size = 2, .round_batch = false});
  std::size_t batches = 0;
  while (auto b = no_round.next()) {
    CHECK(b->label[0].to_vector<float>() == std::vector<float>{0, 0});  // no label_csv: labels 0
    ++batches;
  }
  CHECK(batches == 2);
  REQUIRE_THROWS_WITH(xsym::io::CSVIter({.data_csv = "/nonexistent.csv", .data_shape = {2}}),
                      Contains("cannot open data_csv '/nonexistent.csv'"));
  const auto short_label = write_temp("short_label.csv", "0\n1\n");
  REQUIRE_THROWS_WITH(xsym::io::CSVIter({.data_csv = data, .data_shape = {2}, .label_csv = short_label}),
                      Contains("'softmax_label' has 2 samples"));
}
