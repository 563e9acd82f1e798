// NDArrayIter against MXNet 1.x's semantics, worked out by hand for 10 samples in batches of 4:
// pad fills the last batch from the start, discard drops it, roll_over opens the next epoch with
// it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <vector>

#include <xsym/train/data_iter.hpp>

using xsym::io::last_batch;
using xsym::io::NDArrayIter;
using xsym::io::NDArrayIterOptions;

namespace {

// Sample i has data row (i, 10 i) and label 100 + i, so a batch tells which samples it holds.
NDArrayIter ten_samples(NDArrayIterOptions options) {
  std::vector<float> x, y;
  for (int i = 0; i < 10; ++i) x.push_back(float(i)), x.push_back(float(10 * i)), y.push_back(float(100 + i));
  return NDArrayIter(xsym::ndarray::array<float>(x, {10, 2}), xsym::ndarray::array<float>(y, {10}), options);
}

// The samples of each batch of one epoch, and the pads.
std::vector<std::vector<int>> epoch(NDArrayIter& it, std::vector<std::size_t>* pads = nullptr) {
  std::vector<std::vector<int>> batches;
  while (auto b = it.next()) {
    const auto x = b->data.at(0).to_vector<float>(), y = b->label.at(0).to_vector<float>();
    std::vector<int> ids;
    for (std::size_t r = 0; r < y.size(); ++r) {
      ids.push_back(int(x[2 * r]));
      REQUIRE(x[2 * r + 1] == 10 * x[2 * r]);  // rows stay whole
      REQUIRE(y[r] == 100 + x[2 * r]);         // labels follow their rows
    }
    batches.push_back(ids);
    if (pads) pads->push_back(b->pad);
  }
  return batches;
}

using batches = std::vector<std::vector<int>>;

}  // namespace

TEST_CASE("NDArrayIter pads the last batch with the first samples and says how many") {
  auto it = ten_samples({.batch_size = 4});
  std::vector<std::size_t> pads;
  CHECK(epoch(it, &pads) == batches{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 0, 1}});
  CHECK(pads == std::vector<std::size_t>{0, 0, 2});
  CHECK(!it.next());
  it.reset();
  CHECK(epoch(it) == batches{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 0, 1}});
  const auto d = it.provide_data(), l = it.provide_label();
  REQUIRE(d.size() == 1);
  CHECK(d[0].name == "data");
  CHECK(d[0].shape == xsym::shape{4, 2});
  CHECK(l[0].name == "softmax_label");
  CHECK(l[0].shape == xsym::shape{4});
}

TEST_CASE("NDArrayIter discards the incomplete last batch") {
  auto it = ten_samples({.batch_size = 4, .last_batch_handle = last_batch::discard});
  CHECK(epoch(it) == batches{{0, 1, 2, 3}, {4, 5, 6, 7}});
  CHECK(it.num_data() == 8);
  it.reset();
  CHECK(epoch(it) == batches{{0, 1, 2, 3}, {4, 5, 6, 7}});
}

TEST_CASE("NDArrayIter rolls the incomplete last batch over into the next epoch") {
  auto it = ten_samples({.batch_size = 4, .last_batch_handle = last_batch::roll_over});
  CHECK(epoch(it) == batches{{0, 1, 2, 3}, {4, 5, 6, 7}});
  it.reset();
  CHECK(epoch(it) == batches{{8, 9, 0, 1}, {2, 3, 4, 5}, {6, 7, 8, 9}});
  it.reset();
  CHECK(epoch(it) == batches{{0, 1, 2, 3}, {4, 5, 6, 7}});
}

TEST_CASE("NDArrayIter shuffles with its seed: every sample once per epoch, the same order for the same seed") {
  auto a = ten_samples({.batch_size = 5, .shuffle = true, .seed = 3});
  auto b = ten_samples({.batch_size = 5, .shuffle = true, .seed = 3});
  auto c = ten_samples({.batch_size = 5, .shuffle = true, .seed = 4});
  const auto ea = epoch(a), eb = epoch(b), ec = epoch(c);
  CHECK(ea == eb);
  CHECK(ea != ec);
  std::multiset<int> seen;
  for (const auto& batch : ea) seen.insert(batch.begin(), batch.end());
  CHECK(seen == std::multiset<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(ea != batches{{0, 1, 2, 3, 4}, {5, 6, 7, 8, 9}});
  a.reset();
  CHECK(epoch(a) != ea);  // reshuffled each epoch, as MXNet's reset does
}

TEST_CASE("NDArrayIter errors name the array and the counts") {
  using Catch::Matchers::Contains;
  auto x = xsym::ndarray::zeros<float>({10, 2});
  auto y = xsym::ndarray::zeros<float>({9});
  REQUIRE_THROWS_WITH(NDArrayIter(x, y, {.batch_size = 2}), Contains("'softmax_label' has 9 samples") && Contains("'data' has 10"));
  REQUIRE_THROWS_WITH(NDArrayIter(x, y, {.batch_size = 0}), Contains("batch_size must be positive"));
  REQUIRE_THROWS_WITH(NDArrayIter(x, {.batch_size = 11, .last_batch_handle = last_batch::discard}),
                      Contains("no batch would remain"));
}
