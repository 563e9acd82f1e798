// Gradients of Convolution and Pooling on runtime Symbols (kernels_nn_backward_spatial.cpp):
// every case against central finite differences in float64 of Σ head·output, on the per_op and
// blocked_fused paths; float32 against float64; the two paths against each other, bit for bit.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include <xsym/xsym.hpp>

namespace {

using xsym::ndarray;
using xsym::shape;
using xsym::Symbol;
using attrs = std::map<std::string, std::string>;

// Distinct values in [lo, hi), spaced (hi - lo) / n apart, shuffled: no ties in a max window,
// and none within a finite-difference step.
std::vector<double> distinct(std::size_t n, std::size_t seed, double lo = -1.5, double hi = 1.5) {
  static const std::size_t primes[] = {10007, 10009, 10037, 10039, 10061, 10067, 10069, 10079};
  const std::size_t step = primes[seed % 8];  // a prime above n: i -> i * step mod n is one-to-one
  REQUIRE(n < step);
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = lo + (hi - lo) * double((i * step + seed) % n) / double(n);
  return v;
}

ndarray array(const std::vector<double>& v, const shape& s) { return ndarray::array<double>(v, s); }

// Arguments of `s` with distinct values, shapes from inference given the data's.
std::map<std::string, ndarray> arguments(const Symbol& s, const shape& data, double lo = -1.5, double hi = 1.5) {
  auto shapes = s.infer_shape({{"data", data}}).arguments;
  auto names = s.list_arguments();
  std::map<std::string, ndarray> args;
  for (std::size_t i = 0; i < names.size(); ++i)
    args[names[i]] = array(distinct(shapes[i].size(), i + 1, lo, hi), shapes[i]);
  return args;
}

std::vector<double> run_forward(const Symbol& s, const std::map<std::string, ndarray>& args) {
  auto ex = s.bind(xsym::cpu(), args);
  ex.forward();
  return ex.outputs()[0].to_vector<double>();
}

// backward() of Σ head·output against central differences, for every argument.
void check_gradients(const Symbol& s, const std::map<std::string, ndarray>& args) {
  std::map<std::string, ndarray> grads;
  for (const auto& [name, a] : args) grads[name] = ndarray::zeros(a.shape(), xsym::dtype::float64);
  for (auto path : {xsym::execution_path::per_op, xsym::execution_path::blocked_fused}) {
    INFO(xsym::execution_path_name(path));
    auto ex = s.bind(xsym::cpu(), args, {.path = path, .args_grad = grads});
    ex.forward(true);
    const shape out_shape = ex.outputs()[0].shape();
    const auto head = distinct(out_shape.size(), 11, 0.5, 1.5);
    ex.backward({array(head, out_shape)});
    for (const auto& entry : args) {  // not a structured binding: clang 14 cannot capture those
      const std::string& name = entry.first;
      const ndarray& a = entry.second;
      const auto got = grads.at(name).to_vector<double>();
      const auto x = a.to_vector<double>();
      for (std::size_t i = 0; i < x.size(); ++i) {
        const double h = 1e-5;
        auto moved = [&](double by) {
          auto m = args;
          auto v = x;
          v[i] += by;
          m[name] = array(v, a.shape());
          auto y = run_forward(s, m);
          return std::inner_product(y.begin(), y.end(), head.begin(), 0.0);
        };
        const double fd = (moved(h) - moved(-h)) / (2 * h);
        INFO(name << "[" << i << "]");
        CHECK(got[i] == Approx(fd).epsilon(1e-6).margin(1e-8));
      }
    }
  }
}

Symbol convolution(attrs a, bool bias = true) {
  auto data = Symbol::variable("data"), w = Symbol::variable("w");
  if (!bias) {
    a["no_bias"] = "True";
    return Symbol::create("Convolution", {data, w}, a, "conv0");
  }
  return Symbol::create("Convolution", {data, w, Symbol::variable("b")}, a, "conv0");
}

Symbol pooling(const attrs& a) { return Symbol::create("Pooling", {Symbol::variable("data")}, a, "pool0"); }

}  // namespace

TEST_CASE("Convolution gradients: 2-d with stride, pad and bias", "[symbol][gradient][spatial]") {
  Symbol s = convolution({{"kernel", "(3, 3)"}, {"num_filter", "4"}, {"stride", "(2, 1)"}, {"pad", "(1, 0)"}});
  check_gradients(s, arguments(s, {2, 3, 7, 6}));
}

TEST_CASE("Convolution gradients: 1-d with stride, pad and dilate", "[symbol][gradient][spatial]") {
  Symbol s = convolution({{"kernel", "(3,)"}, {"num_filter", "3"}, {"stride", "(2,)"}, {"pad", "(1,)"},
                          {"dilate", "(2,)"}});
  check_gradients(s, arguments(s, {2, 2, 11}));
}

TEST_CASE("Convolution gradients: 3-d with stride and pad", "[symbol][gradient][spatial]") {
  Symbol s = convolution({{"kernel", "(2, 3, 2)"}, {"num_filter", "2"}, {"stride", "(1, 2, 1)"},
                          {"pad", "(1, 0, 1)"}});
  check_gradients(s, arguments(s, {1, 2, 3, 5, 4}));
}

TEST_CASE("Convolution gradients: groups, dilation, no bias", "[symbol][gradient][spatial]") {
  Symbol s = convolution({{"kernel", "(3, 3)"}, {"num_filter", "4"}, {"num_group", "2"}, {"dilate", "(2, 1)"},
                          {"pad", "(1, 1)"}},
                         false);
  CHECK(s.list_arguments() == std::vector<std::string>{"data", "w"});
  check_gradients(s, arguments(s, {2, 4, 6, 5}));
}

TEST_CASE("Convolution gradients: 1x1 kernel with groups (no im2col)", "[symbol][gradient][spatial]") {
  Symbol s = convolution({{"kernel", "(1, 1)"}, {"num_filter", "6"}, {"num_group", "2"}});
  check_gradients(s, arguments(s, {2, 4, 3, 3}));
}

TEST_CASE("Convolution gradients: channel-last layout NHWC", "[symbol][gradient][spatial]") {
  Symbol s = convolution({{"kernel", "(2, 3)"}, {"num_filter", "4"}, {"num_group", "2"}, {"stride", "(1, 2)"},
                          {"pad", "(1, 1)"}, {"layout", "NHWC"}});
  check_gradients(s, arguments(s, {2, 5, 6, 4}));
}

TEST_CASE("Convolution gradients: a batch large enough for threads per image", "[symbol][gradient][spatial]") {
  // 16 images x 2 groups: units on separate threads, each summing d weight on its own.
  Symbol s = convolution({{"kernel", "(3, 3)"}, {"num_filter", "8"}, {"num_group", "2"}, {"pad", "(1, 1)"}});
  auto args = arguments(s, {16, 4, 8, 8});
  std::map<std::string, ndarray> grads;
  for (const auto& [name, a] : args) grads[name] = ndarray::zeros(a.shape(), xsym::dtype::float64);
  auto ex = s.bind(xsym::cpu(), args, {.args_grad = grads});
  ex.forward(true);
  const shape out_shape = ex.outputs()[0].shape();
  const auto head = distinct(out_shape.size(), 3, -1, 1);
  ex.backward({array(head, out_shape)});
  // d bias = Σ head over images and positions; d weight against one finite difference per filter.
  const auto db = grads.at("b").to_vector<double>();
  for (std::size_t f = 0; f < 8; ++f) {
    double sum = 0;
    for (std::size_t n = 0; n < 16; ++n)
      for (std::size_t o = 0; o < 64; ++o) sum += head[(n * 8 + f) * 64 + o];
    CHECK(db[f] == Approx(sum).epsilon(1e-12).margin(1e-12));
  }
  const auto dw = grads.at("w").to_vector<double>();
  const auto w = args.at("w").to_vector<double>();
  for (std::size_t i = 0; i < w.size(); i += 17) {
    auto moved = [&](double by) {
      auto m = args;
      auto v = w;
      v[i] += by;
      m["w"] = array(v, args.at("w").shape());
      auto y = run_forward(s, m);
      return std::inner_product(y.begin(), y.end(), head.begin(), 0.0);
    };
    INFO("w[" << i << "]");
    CHECK(dw[i] == Approx((moved(1e-5) - moved(-1e-5)) / 2e-5).epsilon(1e-6).margin(1e-8));
  }
  // A second backward overwrites (grad_req write): the same numbers.
  ex.backward({array(head, out_shape)});
  CHECK(grads.at("b").to_vector<double>() == db);
  CHECK(grads.at("w").to_vector<double>() == dw);
}

TEST_CASE("Pooling gradients: max, overlapping windows with padding, 1-d, 2-d and 3-d", "[symbol][gradient][spatial]") {
  SECTION("2-d, kernel 3, stride 2, pad 1") {
    Symbol s = pooling({{"kernel", "(3, 3)"}, {"stride", "(2, 2)"}, {"pad", "(1, 1)"}, {"pool_type", "max"}});
    check_gradients(s, arguments(s, {2, 3, 7, 6}));
  }
  SECTION("1-d, kernel 3, stride 1") {
    Symbol s = pooling({{"kernel", "(3,)"}, {"stride", "(1,)"}});
    check_gradients(s, arguments(s, {2, 2, 9}));
  }
  SECTION("3-d, kernel 2, stride 1, pad (0, 1, 0)") {
    Symbol s = pooling({{"kernel", "(2, 2, 2)"}, {"stride", "(1, 1, 1)"}, {"pad", "(0, 1, 0)"}});
    check_gradients(s, arguments(s, {1, 2, 3, 4, 3}));
  }
  SECTION("2-d, channel-last NHWC") {
    Symbol s = pooling({{"kernel", "(2, 3)"}, {"stride", "(1, 2)"}, {"pad", "(1, 1)"}, {"layout", "NHWC"}});
    check_gradients(s, arguments(s, {2, 5, 6, 3}));
  }
}

TEST_CASE("Pooling gradients: max sends a tie's gradient to the first maximum only", "[symbol][gradient][spatial]") {
  // MXNet's unpool_max: the first element of the window equal to the output, in (h, w) order.
  Symbol s = pooling({{"kernel", "(2, 2)"}, {"stride", "(2, 2)"}});
  auto data = ndarray::array<double>({1, 3, 3, 0, 3, 2, 3, 1}, shape{1, 1, 2, 4});
  auto grad = ndarray::zeros({1, 1, 2, 4}, xsym::dtype::float64);
  auto ex = s.bind(xsym::cpu(), {{"data", data}}, {.args_grad = {{"data", grad}}});
  ex.forward(true);
  CHECK(ex.outputs()[0].to_vector<double>() == std::vector<double>{3, 3});
  ex.backward({ndarray::array<double>({10, 20}, shape{1, 1, 1, 2})});
  CHECK(grad.to_vector<double>() == std::vector<double>{0, 10, 20, 0, 0, 0, 0, 0});
}

TEST_CASE("Pooling gradients: avg divides by the padded window or by its real elements",
          "[symbol][gradient][spatial]") {
  for (const char* include : {"True", "False"}) {
    INFO("count_include_pad " << include);
    Symbol s = pooling({{"kernel", "(3, 3)"}, {"stride", "(2, 1)"}, {"pad", "(1, 1)"}, {"pool_type", "avg"},
                        {"count_include_pad", include}});
    check_gradients(s, arguments(s, {2, 2, 6, 5}));
  }
  // One window over a 2x2 input padded by 1: 9 places, 4 of them real.
  for (bool include : {true, false}) {
    Symbol s = pooling({{"kernel", "(3, 3)"}, {"stride", "(2, 2)"}, {"pad", "(1, 1)"}, {"pool_type", "avg"},
                        {"count_include_pad", include ? "True" : "False"}});
    auto grad = ndarray::zeros({1, 1, 2, 2}, xsym::dtype::float64);
    auto ex = s.bind(xsym::cpu(), {{"data", ndarray::array<double>({1, 2, 3, 4}, shape{1, 1, 2, 2})}},
                     {.args_grad = {{"data", grad}}});
    ex.forward(true);
    ex.backward({ndarray::array<double>({9}, shape{1, 1, 1, 1})});
    CHECK(grad.to_vector<double>() == std::vector<double>(4, include ? 1.0 : 9.0 / 4));
  }
}

TEST_CASE("Pooling gradients: sum with overlapping windows, and lp", "[symbol][gradient][spatial]") {
  SECTION("sum") {
    Symbol s = pooling({{"kernel", "(2, 3)"}, {"stride", "(1, 1)"}, {"pad", "(0, 1)"}, {"pool_type", "sum"}});
    check_gradients(s, arguments(s, {2, 2, 5, 4}));
  }
  for (const char* p : {"1", "2", "3"}) {
    SECTION(std::string("lp, p_value ") + p) {
      Symbol s = pooling({{"kernel", "(2, 2)"}, {"stride", "(1, 1)"}, {"pool_type", "lp"}, {"p_value", p}});
      check_gradients(s, arguments(s, {1, 2, 4, 5}, 0.5, 2.0));
    }
  }
}

TEST_CASE("Pooling gradients: global_pool, and pooling_convention full", "[symbol][gradient][spatial]") {
  for (const char* type : {"max", "avg", "sum"}) {
    INFO(type);
    Symbol global = pooling({{"kernel", "(1, 1)"}, {"global_pool", "True"}, {"pool_type", type}});
    check_gradients(global, arguments(global, {2, 3, 4, 5}));
    // Full rounds up: the last window sticks out past the padding in both axes.
    Symbol full = pooling({{"kernel", "(3, 2)"}, {"stride", "(2, 2)"}, {"pad", "(1, 0)"}, {"pool_type", type},
                           {"pooling_convention", "full"}});
    CHECK(full.infer_shape({{"data", {1, 2, 8, 5}}}).outputs == std::vector<shape>{{1, 2, 5, 3}});
    check_gradients(full, arguments(full, {1, 2, 8, 5}));
  }
}

TEST_CASE("Convolution and Pooling gradients: float32 agrees with float64", "[symbol][gradient][spatial]") {
  auto conv = convolution({{"kernel", "(3, 3)"}, {"num_filter", "4"}, {"pad", "(1, 1)"}, {"num_group", "2"}});
  auto act = Symbol::create("Activation", {conv}, {{"act_type", "tanh"}}, "act0");
  Symbol s = Symbol::create("Pooling", {act}, {{"kernel", "(2, 2)"}, {"stride", "(1, 1)"}, {"pool_type", "avg"}},
                            "pool0");
  auto args = arguments(s, {2, 4, 6, 6});
  auto run = [&](bool single) {
    // The float64 arguments, as float32 when `single`.
    auto convert = [&](const ndarray& v) {
      if (!single) return v.copy();
      auto d = v.to_vector<double>();
      return ndarray(ndarray::array<float>(std::vector<float>(d.begin(), d.end()), v.shape()));
    };
    const xsym::dtype t = single ? xsym::dtype::float32 : xsym::dtype::float64;
    std::map<std::string, ndarray> a, grads;
    for (const auto& [name, v] : args) {
      a[name] = convert(v);
      grads[name] = ndarray::zeros(v.shape(), t);
    }
    auto ex = s.bind(xsym::cpu(), a, {.args_grad = grads});
    ex.forward(true);
    const shape out_shape = ex.outputs()[0].shape();
    ex.backward({convert(array(distinct(out_shape.size(), 5, -1, 1), out_shape))});
    std::map<std::string, std::vector<double>> result;
    for (const auto& [name, g] : grads) {
      if (!single) {
        result[name] = g.to_vector<double>();
        continue;
      }
      auto v = g.to_vector<float>();
      result[name] = std::vector<double>(v.begin(), v.end());
    }
    return result;
  };
  auto single = run(true), twice = run(false);
  for (const auto& [name, g] : twice)
    for (std::size_t i = 0; i < g.size(); ++i) {
      INFO(name << "[" << i << "]");
      CHECK(single.at(name)[i] == Approx(g[i]).epsilon(1e-4).margin(1e-5));
    }
}

TEST_CASE("Convolution gradients: per_op and blocked_fused give the same bits", "[symbol][gradient][spatial]") {
  auto conv = convolution({{"kernel", "(3, 3)"}, {"num_filter", "4"}, {"stride", "(2, 2)"}, {"pad", "(1, 1)"}});
  Symbol s = Symbol::create("Pooling", {Symbol::create("Activation", {conv}, {{"act_type", "relu"}}, "relu0")},
                            {{"kernel", "(2, 2)"}, {"pool_type", "max"}}, "pool0");
  auto args = arguments(s, {3, 3, 9, 9});
  const shape out_shape = s.infer_shape({{"data", {3, 3, 9, 9}}}).outputs[0];
  auto head = array(distinct(out_shape.size(), 2, -1, 1), out_shape);
  std::map<xsym::execution_path, std::map<std::string, std::vector<double>>> by_path;
  for (auto path : {xsym::execution_path::per_op, xsym::execution_path::blocked_fused}) {
    std::map<std::string, ndarray> grads;
    for (const auto& [name, a] : args) grads[name] = ndarray::zeros(a.shape(), xsym::dtype::float64);
    auto ex = s.bind(xsym::cpu(), args, {.path = path, .args_grad = grads});
    ex.forward(true);
    ex.backward({head});
    for (const auto& [name, g] : grads) by_path[path][name] = g.to_vector<double>();
  }
  CHECK(by_path[xsym::execution_path::per_op] == by_path[xsym::execution_path::blocked_fused]);

  // The same gradients from the gradient Symbol, bound on both paths.
  Symbol grad = s.gradient({"data", "w", "b"});
  auto grad_args = args;
  grad_args["pool0_output_head_grad"] = head;
  for (auto path : {xsym::execution_path::per_op, xsym::execution_path::blocked_fused}) {
    INFO(xsym::execution_path_name(path));
    auto ex = grad.bind(xsym::cpu(), grad_args, {.path = path});
    ex.forward();
    REQUIRE(ex.outputs().size() == 3);
    CHECK(ex.outputs()[0].to_vector<double>() == by_path[xsym::execution_path::per_op]["data"]);
    CHECK(ex.outputs()[1].to_vector<double>() == by_path[xsym::execution_path::per_op]["w"]);
    CHECK(ex.outputs()[2].to_vector<double>() == by_path[xsym::execution_path::per_op]["b"]);
  }
}
