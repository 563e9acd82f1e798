// The blocked interpreter's region folds (blocked_region.hpp): a sum or mean over the trailing
// axes of a value that only it reads is folded block by block as the elementwise region computes
// the value, which never reaches memory. The result must have the per-op path's bits, for rows
// split into several blocks, rows of a length that is not a multiple of 8, float32 and float64,
// at any thread count; and values that something else reads, or folds over leading axes, stay
// unfolded.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <xsym/xsym.hpp>

#include "../support/arrays.hpp"

namespace {

using xsym::ndarray;
using xsym::Symbol;

struct run {
  std::vector<ndarray> outputs;
  std::string path;
};

run forward(const Symbol& s, const std::map<std::string, ndarray>& args, xsym::execution_path path,
            std::ptrdiff_t block = 2048) {
  auto ex = s.bind(xsym::cpu(), args, {.path = path, .block_size = block});
  ex.forward();
  run r{{}, ex.path_description()};
  for (const auto& o : ex.outputs()) r.outputs.push_back(o.copy());
  return r;
}

bool same_bits(const ndarray& a, const ndarray& b) {
  return a.shape() == b.shape() && a.dtype() == b.dtype() && std::memcmp(a.raw_data(), b.raw_data(), a.nbytes()) == 0;
}

}  // namespace

TEST_CASE("a region folds the row sum it feeds, with the per-op path's bits") {
  const auto x = Symbol::variable("x");
  for (auto t : {xsym::dtype::float32, xsym::dtype::float64})
    for (std::ptrdiff_t block : {64, 2048})
      for (auto [rows, length] : {std::pair{37, 1003}, {300, 64}, {3, 5000}}) {
        INFO(xsym::dtype_name(t) << " block " << block << " rows " << rows << " length " << length);
        const ndarray X = xsym::test::typed_array(xsym::test::pseudo(std::size_t(rows * length), 7), {rows, length}, t);
        const Symbol s = xsym::sum(xsym::exp(x - 1.0), {.axis = {1}});
        const run folded = forward(s, {{"x", X}}, xsym::execution_path::blocked_fused, block);
        const run reference = forward(s, {{"x", X}}, xsym::execution_path::per_op);
        CHECK_THAT(folded.path, Catch::Contains("1 folding a reduction"));
        CHECK(same_bits(folded.outputs[0], reference.outputs[0]));
        // And against a plain loop in double.
        const auto out = xsym::test::as_doubles(folded.outputs[0]);
        const auto in = xsym::test::as_doubles(X);
        for (int r = 0; r < rows; r += 7) {
          double sum = 0;
          for (int j = 0; j < length; ++j) sum += std::exp(in[std::size_t(r * length + j)] - 1.0);
          CHECK(out[std::size_t(r)] == Approx(sum).epsilon(t == xsym::dtype::float32 ? 1e-5 : 1e-12));
        }
      }
}

TEST_CASE("a region folds a mean over several trailing axes, keepdims, beside another output") {
  const auto x = Symbol::variable("x"), y = Symbol::variable("y");
  const ndarray X = xsym::test::typed_array(xsym::test::pseudo(5 * 30 * 40, 3), {5, 30, 40}, xsym::dtype::float32);
  const ndarray Y = xsym::test::typed_array(xsym::test::pseudo(5 * 30 * 40, 4), {5, 30, 40}, xsym::dtype::float32);
  // The region computes x*y (an output too) and x*x + y, which only the mean reads.
  const Symbol s = Symbol::group({xsym::mean(x * x + y, {.axis = {1, 2}, .keepdims = true}), x * y});
  const run folded = forward(s, {{"x", X}, {"y", Y}}, xsym::execution_path::blocked_fused, 256);
  const run reference = forward(s, {{"x", X}, {"y", Y}}, xsym::execution_path::per_op);
  CHECK_THAT(folded.path, Catch::Contains("folding a reduction"));
  CHECK(folded.outputs[0].shape() == xsym::shape{5, 1, 1});
  CHECK(same_bits(folded.outputs[0], reference.outputs[0]));
  CHECK(same_bits(folded.outputs[1], reference.outputs[1]));
}

TEST_CASE("values read elsewhere, folds over leading axes and short rows stay unfolded") {
  const auto x = Symbol::variable("x");
  const ndarray X = xsym::test::typed_array(xsym::test::pseudo(64 * 200, 5), {64, 200}, xsym::dtype::float32);
  const auto e = xsym::exp(x * 0.5);
  for (const Symbol& s : {Symbol::group({xsym::sum(e, {.axis = {1}}), e}),  // e is an output too
                          xsym::broadcast_add(xsym::sum(e, {.axis = {1}}), xsym::sum(e)),  // e read twice
                          xsym::sum(e, {.axis = {0}}),                       // folds the leading axis
                          xsym::max(e, {.axis = {1}})}) {                    // not a sum or mean
    const run blocked = forward(s, {{"x", X}}, xsym::execution_path::blocked_fused);
    const run reference = forward(s, {{"x", X}}, xsym::execution_path::per_op);
    CHECK_THAT(blocked.path, !Catch::Contains("folding"));
    for (std::size_t k = 0; k < reference.outputs.size(); ++k) CHECK(same_bits(blocked.outputs[k], reference.outputs[k]));
  }
  const ndarray short_rows = xsym::test::typed_array(xsym::test::pseudo(1000 * 10, 6), {1000, 10}, xsym::dtype::float32);
  CHECK_THAT(forward(xsym::sum(e, {.axis = {1}}), {{"x", short_rows}}, xsym::execution_path::blocked_fused).path,
             !Catch::Contains("folding"));
}

TEST_CASE("bound with gradients, the folded sum's backward still gets its gradient") {
  const auto x = Symbol::variable("x");
  const Symbol s = xsym::sum(xsym::square(x), {.axis = {1}});
  const int rows = 9, length = 300;
  const auto xv = xsym::test::pseudo(std::size_t(rows * length), 8);
  const ndarray X = xsym::test::typed_array(xv, {rows, length});
  std::map<std::string, ndarray> grads{{"x", ndarray::zeros({rows, length}, xsym::dtype::float64)}};
  auto ex = s.bind(xsym::cpu(), {{"x", X}}, {.path = xsym::execution_path::blocked_fused, .args_grad = grads});
  ex.forward(true);
  ex.backward({ndarray::ones({rows}, xsym::dtype::float64)});
  const auto g = grads.at("x").to_vector<double>();
  for (std::size_t i = 0; i < g.size(); ++i) CHECK(g[i] == Approx(2 * xv[i]));
  auto plain = s.bind(xsym::cpu(), {{"x", X}}, {.path = xsym::execution_path::per_op});
  plain.forward();
  CHECK(same_bits(ex.outputs()[0], plain.outputs()[0]));
}
