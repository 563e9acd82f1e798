// Static graphs bound with gradients: MXNet's executor semantics (write, add, null; head
// gradients by position and by name; forward_backward in one pass), MXNet's own gradient
// expectations from tests/python/unittest/test_operator.py, gradients against central finite
// differences in float64, and every error a user can provoke. Expected values come from the
// formulas of those tests or from plain loops written here, never from the code under test.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include <xsym/static.hpp>

#include "../support/error_message.hpp"

namespace {

auto a = xsym::variable<"A">();
auto b = xsym::variable<"B">();
auto data = xsym::variable<"data">();

using xsym::grad_req;
using xsym::ndarray;

template <class T = float>
std::vector<T> read(const ndarray& x) { return x.to_vector<T>(); }

template <class T = float>
ndarray filled(std::size_t n, T value) { return ndarray::array<T>(std::vector<T>(n, value)); }

using xsym::test::message_of;

/// Central finite difference of f at x along coordinate i of argument k, in float64.
template <class F>
double central_difference(F f, std::vector<std::vector<double>> x, std::size_t k, std::size_t i) {
  double h = 1e-6 * std::max(1.0, std::fabs(x[k][i]));
  x[k][i] += h;
  double up = f(x)[i];
  x[k][i] -= 2 * h;
  double down = f(x)[i];
  return (up - down) / (2 * h);
}

}  // namespace

TEST_CASE("backward: MXNet's test_scalarop, forward -3.3333333 and gradient 4.4444444 with head gradient 2") {
  auto test = 2 / (4 - ((1 + data + 1) * 2 / 5) - 0.8 - (data != 0));
  auto x = filled(12, 5.0f), gx = filled(12, 0.0f);
  auto ex = xsym::bind(test, xsym::cpu(0), {{"data", x}}, {{"data", gx}});
  ex.forward(true);
  ex.backward({filled(12, 2.0f)});
  const double out1 = 4 - ((1 + 5.0 + 1) * 2 / 5) - 0.8 - 1;  // numpy's npout_1
  for (float v : read(ex.outputs()[0])) CHECK(v == Approx(2 / out1));
  for (float v : read(gx)) CHECK(v == Approx(2 * (2.0 * 2 / 5) / (out1 * out1)));
  CHECK(2 / out1 == Approx(-3.3333333));
  CHECK(2 * (2.0 * 2 / 5) / (out1 * out1) == Approx(4.4444444));
}

TEST_CASE("backward: MXNet's test_symbol_pow, d base 12 and d exp 8 ln 2") {
  auto e = xsym::power(data, xsym::variable<"exp">());
  auto x = filled(1, 2.0f), p = filled(1, 3.0f), gx = filled(1, 0.0f), gp = filled(1, 0.0f);
  auto ex = xsym::bind(e, xsym::cpu(0), {{"data", x}, {"exp", p}}, {{"data", gx}, {"exp", gp}});
  ex.forward_backward({filled(1, 1.0f)});
  CHECK(read(ex.outputs()[0])[0] == 8.0f);
  CHECK(read(gx)[0] == Approx(12.0));
  CHECK(read(gp)[0] == Approx(8 * std::log(2.0)));
}

TEST_CASE("backward: MXNet's test_maximum_minimum, ties and the gradient of both operands") {
  auto e = xsym::maximum(a, b) + xsym::minimum(a, b);
  auto x = filled(12, 2.0f), y = filled(12, 3.0f), gx = filled(12, 2.0f), gy = filled(12, 3.0f);
  auto ex = xsym::bind(e, xsym::cpu(0), {{"A", x}, {"B", y}}, {{"A", gx}, {"B", gy}});
  ex.forward(true);
  ex.backward({filled(12, 2.0f)});
  // numpy: mask1 = x > y, mask2 = x < y; grad1 = 2·mask1 + 2·mask2, grad2 = (2 − 2·mask1) + (2 − 2·mask2).
  for (float v : read(ex.outputs()[0])) CHECK(v == 5.0f);
  for (float v : read(gx)) CHECK(v == 2.0f);
  for (float v : read(gy)) CHECK(v == 2.0f);
  // A tie: maximum sends it to the left operand (a >= b), minimum too (a <= b).
  auto t = filled(1, 4.0f), gt1 = filled(1, 0.0f), gt2 = filled(1, 0.0f);
  auto tie = xsym::bind(xsym::maximum(a, b), xsym::cpu(0), {{"A", t}, {"B", t.copy()}}, {{"A", gt1}, {"B", gt2}});
  tie.backward({filled(1, 1.0f)});
  CHECK(read(gt1)[0] == 1.0f);
  CHECK(read(gt2)[0] == 0.0f);
  auto tie_min = xsym::bind(xsym::minimum(a, b), xsym::cpu(0), {{"A", t}, {"B", t.copy()}}, {{"A", gt1}, {"B", gt2}});
  tie_min.backward({filled(1, 1.0f)});
  CHECK(read(gt1)[0] == 1.0f);
  CHECK(read(gt2)[0] == 0.0f);
}

TEST_CASE("backward: MXNet's test_maximum_minimum_scalar, forward 16 and gradient 4") {
  auto e = xsym::maximum(data, 3) + xsym::maximum(9, data) + xsym::minimum(5, data) + xsym::minimum(data, 4);
  auto x = filled(12, 2.0f), gx = filled(12, 0.0f);
  auto ex = xsym::bind(e, xsym::cpu(0), {{"data", x}}, {{"data", gx}});
  ex.forward_backward({filled(12, 2.0f)});
  for (float v : read(ex.outputs()[0])) CHECK(v == 16.0f);
  for (float v : read(gx)) CHECK(v == 4.0f);
}

TEST_CASE("backward: MXNet's test_abs, test_sign, test_relu and test_clip") {
  std::vector<float> v{-2.5f, -0.6f, -0.0f, 0.0f, 0.3f, 0.6f, 0.61f, 4.0f};
  auto x = ndarray::array<float>(v);
  auto head = filled(v.size(), 2.0f);
  auto check = [&](auto e, auto expected) {
    auto g = filled(v.size(), 3.0f);  // written over: grad_req write
    auto ex = xsym::bind(e, xsym::cpu(0), {{"data", x}}, {{"data", g}});
    ex.backward({head});
    auto got = read(g);
    for (std::size_t i = 0; i < v.size(); ++i) {
      INFO("x = " << v[i]);
      CHECK(got[i] == expected(v[i]));
    }
  };
  check(xsym::abs(data), [](float x) { return 2.0f * (x > 0 ? 1.0f : x < 0 ? -1.0f : 0.0f); });
  check(xsym::sign(data), [](float) { return 0.0f; });  // zero, even over the 3 that was there
  check(xsym::relu(data), [](float x) { return x > 0 ? 2.0f : 0.0f; });
  check(xsym::clip(data, -0.6, 0.6), [](float x) { return x <= 0.6f && x >= -0.6f ? 2.0f : 0.0f; });
}

TEST_CASE("backward: MXNet's test_rsqrt_cos_sin") {
  auto e = xsym::rsqrt(data) + xsym::cos(data) + xsym::sin(data);
  auto x = filled<double>(12, 5.0), gx = filled<double>(12, 3.0);
  auto ex = xsym::bind(e, xsym::cpu(0), {{"data", x}}, {{"data", gx}});
  ex.forward(true);
  ex.backward({filled<double>(12, 2.0)});
  // numpy: g·−1/(2x√x) + g·−sin x + g·cos x, with g = 2 and x = 5.
  double want = 2 * -(1.0 / (2.0 * 5 * std::sqrt(5.0))) + 2 * -1 * std::sin(5.0) + 2 * std::cos(5.0);
  for (double v : read<double>(gx)) CHECK(v == Approx(want).epsilon(1e-12));
}

TEST_CASE("backward: write overwrites, add accumulates, null and no array leave the gradient untouched") {
  auto e = a * b;
  auto x = ndarray::array<float>({1, 2, 3}), y = ndarray::array<float>({4, 5, 6});
  auto gx = ndarray::array<float>({10, 10, 10}), gy = ndarray::array<float>({20, 20, 20});
  auto head = ndarray::array<float>({1, 2, 3});
  SECTION("one request for all") {
    auto ex = xsym::bind(e, xsym::cpu(0), {{"A", x}, {"B", y}}, {{"A", gx}, {"B", gy}}, grad_req::add);
    ex.backward({head});
    ex.backward({head});
    CHECK(read(gx) == std::vector<float>{10 + 2 * 4, 10 + 2 * 10, 10 + 2 * 18});
    CHECK(read(gy) == std::vector<float>{20 + 2 * 1, 20 + 2 * 4, 20 + 2 * 9});
  }
  SECTION("by name: a name left out is null") {
    auto ex = xsym::bind(e, xsym::cpu(0), {{"A", x}, {"B", y}}, {{"A", gx}, {"B", gy}}, {{"A", grad_req::write}});
    ex.forward_backward({head});
    CHECK(read(gx) == std::vector<float>{4, 10, 18});
    CHECK(read(gy) == std::vector<float>{20, 20, 20});
    CHECK(ex.grad_reqs() == std::vector<grad_req>{grad_req::write, grad_req::null});
  }
  SECTION("an argument without an array is null, and grad_dict says so with an empty array") {
    auto ex = xsym::bind(e, xsym::cpu(0), {{"A", x}, {"B", y}}, {{"B", gy}});
    ex.backward({head});
    CHECK(read(gy) == std::vector<float>{1, 4, 9});
    CHECK(ex.grad_reqs() == std::vector<grad_req>{grad_req::null, grad_req::write});
    CHECK_FALSE(ex.grad_dict().at("A").has_storage());
    CHECK(ex.grad_dict().at("B").raw_data() == gy.raw_data());
    CHECK(ex.grad_arrays().size() == 2);
  }
  SECTION("null for every argument: backward computes nothing") {
    auto ex = xsym::bind(e, xsym::cpu(0), {{"A", x}, {"B", y}}, {{"A", gx}, {"B", gy}}, grad_req::null);
    ex.backward({head});
    CHECK(read(gx) == std::vector<float>{10, 10, 10});
    CHECK(read(gy) == std::vector<float>{20, 20, 20});
  }
}

TEST_CASE("backward: forward_backward gives the bits of forward then backward, and head gradients by name") {
  auto e = xsym::group(xsym::tanh(a) * b, xsym::exp(a - b));
  std::vector<double> va, vb, h0, h1;
  for (int i = 0; i < 1000; ++i) {
    va.push_back(std::sin(i * 0.37) * 2);
    vb.push_back(std::cos(i * 0.11) * 3);
    h0.push_back(1 + i % 7);
    h1.push_back(0.5 - i % 3);
  }
  auto x = ndarray::array<double>(va), y = ndarray::array<double>(vb);
  auto g1x = filled<double>(va.size(), 0), g1y = filled<double>(va.size(), 0);
  auto g2x = filled<double>(va.size(), 0), g2y = filled<double>(va.size(), 0);
  auto one = xsym::bind(e, xsym::cpu(0), {{"A", x}, {"B", y}}, {{"A", g1x}, {"B", g1y}});
  auto two = xsym::bind(e, xsym::cpu(0), {{"A", x}, {"B", y}}, {{"A", g2x}, {"B", g2y}});
  one.forward_backward({ndarray::array<double>(h0), ndarray::array<double>(h1)});
  two.forward(true);
  two.backward({{"_mul0_output", ndarray::array<double>(h0)}, {"exp0_output", ndarray::array<double>(h1)}});
  CHECK(read<double>(g1x) == read<double>(g2x));
  CHECK(read<double>(g1y) == read<double>(g2y));
  CHECK(read<double>(one.outputs()[1]) == read<double>(two.outputs()[1]));
  // The gradients against g·∂f/∂x written out by hand.
  auto gx = read<double>(g1x), gy = read<double>(g1y);
  for (std::size_t i = 0; i < va.size(); i += 97) {
    double t = std::tanh(va[i]), ex = std::exp(va[i] - vb[i]);
    CHECK(gx[i] == Approx(h0[i] * vb[i] * (1 - t * t) + h1[i] * ex).epsilon(1e-12));
    CHECK(gy[i] == Approx(h0[i] * t - h1[i] * ex).epsilon(1e-12));
  }
}

TEST_CASE("backward: a value used several times sums its contributions in MXNet's order") {
  // A feeds exp0, _mul0 (twice) and sin0. nnvm's order: the last consumer first (sin0, then
  // _mul0's inputs left to right, then exp0), summed left to right.
  auto e = xsym::exp(a) + a * a + xsym::sin(a);
  std::vector<float> v{0.3f, -1.7f, 2.9f, 0.001f};
  ndarray x = ndarray::array<float>(v), g = filled(v.size(), 0.0f), head = ndarray::array<float>({1.5f, -2, 0.25f, 3});
  auto ex = xsym::bind<float>(e, xsym::cpu(0), {{"A", x}}, {{"A", g}});
  ex.backward({head});
  auto got = read(g), h = read(head);
  for (std::size_t i = 0; i < v.size(); ++i) {
    // Each contribution in float, as the backward ops compute it: g·cos, g·a, g·a, g·out.
    float s = h[i] * xsym::ops::apply_as<xsym::ops::cos>(v[i]);
    s = s + h[i] * v[i];
    s = s + h[i] * v[i];
    s = s + h[i] * xsym::ops::apply_as<xsym::ops::exp>(v[i]);
    CHECK(got[i] == s);
  }
}

TEST_CASE("backward: gradients agree with central finite differences in float64") {
  auto e = xsym::group(xsym::sigmoid(a * b + 0.5) / (1 + b * b), xsym::log1p(xsym::exp(a)) - xsym::hypot(a, b) * 0.3);
  std::vector<std::vector<double>> x{{0.3, -1.2, 2.0, 0.7}, {1.1, 0.4, -0.9, 2.5}};
  auto forward = [&](const std::vector<std::vector<double>>& v) {
    auto ex = xsym::bind(e, xsym::cpu(0), {{"A", ndarray::array<double>(v[0])}, {"B", ndarray::array<double>(v[1])}});
    ex.forward();
    auto o0 = read<double>(ex.outputs()[0]), o1 = read<double>(ex.outputs()[1]);
    for (std::size_t i = 0; i < o0.size(); ++i) o0[i] = 0.7 * o0[i] - 1.3 * o1[i];  // the heads below
    return o0;
  };
  auto ga = filled<double>(4, 0), gb = filled<double>(4, 0);
  auto ex = xsym::bind(e, xsym::cpu(0), {{"A", ndarray::array<double>(x[0])}, {"B", ndarray::array<double>(x[1])}},
                       {{"A", ga}, {"B", gb}});
  ex.backward({filled<double>(4, 0.7), filled<double>(4, -1.3)});
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(read<double>(ga)[i] == Approx(central_difference(forward, x, 0, i)).epsilon(1e-7));
    CHECK(read<double>(gb)[i] == Approx(central_difference(forward, x, 1, i)).epsilon(1e-7));
  }
}

TEST_CASE("backward: Cast sends the gradient back in the input's type, integers get none") {
  auto i = xsym::variable<"I", std::int32_t>();
  auto e = xsym::cast<double>(a) * xsym::cast<double>(i) + xsym::cast<double>(a);
  ndarray x = ndarray::array<float>({1.5f, -2}), k = ndarray::array<std::int32_t>({3, 4});
  auto gx = filled(2, 0.0f);
  auto ex = xsym::bind(e, xsym::cpu(0), {{"A", x}, {"I", k}}, {{"A", gx}});
  ex.backward({ndarray::array<double>({0.5, 2})});
  CHECK(read(gx) == std::vector<float>{0.5f * 3 + 0.5f, 2.0f * 4 + 2.0f});
  auto gi = ndarray::array<std::int32_t>({0, 0});
  CHECK(message_of([&] { (void)xsym::bind(e, xsym::cpu(0), {{"A", x}, {"I", k}}, {{"A", gx}, {"I", gi}}); }) ==
        "xsym::bind: the gradient of argument 'I' is requested (grad_req write), but the argument is int32: integer "
        "arrays have no gradient; give it grad_req null");
  // An untyped argument bound to integers is refused the same way; null is fine.
  auto ints = ndarray::array<std::int64_t>({1, 2});
  CHECK(message_of([&] { (void)xsym::bind(a * b, xsym::cpu(0), {{"A", ints}, {"B", ints}}, {{"A", ints.copy()}}); })
            .find("argument 'A' is requested (grad_req write), but the argument is int64") != std::string::npos);
  auto nulls = xsym::bind(a * b, xsym::cpu(0), {{"A", ints}, {"B", ints}}, {{"A", ints.copy()}}, grad_req::null);
  CHECK_NOTHROW(nulls.backward({ints.copy()}));
}

TEST_CASE("backward: every mistake is an error naming what is wrong") {
  auto e = a * b;
  auto x = filled(3, 1.0f), y = filled(3, 2.0f), g = filled(3, 0.0f);
  std::map<std::string, ndarray> args{{"A", x}, {"B", y}};
  CHECK(message_of([&] { (void)xsym::bind(e, xsym::cpu(0), args, {{"C", g}}); }) ==
        "xsym::bind: args_grad names 'C', which is not an argument of the graph; its arguments are A, B");
  CHECK(message_of([&] { (void)xsym::bind(e, xsym::cpu(0), args, {{"A", g}}, {{"Z", grad_req::add}}); }) ==
        "xsym::bind: grad_req names 'Z', which is not an argument of the graph; its arguments are A, B");
  CHECK(message_of([&] { (void)xsym::bind(e, xsym::cpu(0), args, {{"A", filled(4, 0.0f)}}); }) ==
        "xsym::bind: the gradient of argument 'A' has shape [4], but the argument has shape [3]");
  CHECK(message_of([&] { (void)xsym::bind(e, xsym::cpu(0), args, {{"A", filled<double>(3, 0)}}); }) ==
        "xsym::bind: the gradient of argument 'A' is float64, but the argument is float32");
  CHECK(message_of([&] { (void)xsym::bind(e, xsym::cpu(0), args, {{"A", x}}, grad_req::add); }) ==
        "xsym::bind: the gradient of argument 'A' is the argument's own array, with grad_req add: the gradient would "
        "be added to the values it is computed from; give it an array of its own");
  CHECK(xsym::parse_grad_req("inplace") == grad_req::write);
  CHECK(message_of([] { (void)xsym::parse_grad_req("sum"); }) ==
        "xsym: 'sum' is not a grad_req; MXNet's are 'null', 'write' and 'add'");

  auto ex = xsym::bind(e, xsym::cpu(0), args, {{"A", g}});
  CHECK(message_of([&] { ex.backward(); }) ==
        "xsym::executor::backward: output '_mul0_output' has no head gradient: because the last operator is not Loss "
        "function, head_gradient is required when calling backward (give one array per output)");
  CHECK(message_of([&] { ex.backward({filled(2, 1.0f)}); }) ==
        "xsym::executor::backward: the head gradient of output '_mul0_output' has shape [2], but the output has shape [3]");
  CHECK(message_of([&] { ex.forward_backward({filled<double>(3, 1)}); }) ==
        "xsym::executor::forward_backward: the head gradient of output '_mul0_output' is float64, but the output is float32");
  CHECK(message_of([&] { ex.backward({{"out", filled(3, 1.0f)}}); }) ==
        "xsym::executor::backward: 'out' is not an output of the graph");
  CHECK(message_of([&] { ex.backward({g, g}); }) == "xsym::executor::backward: got 2 head gradients for 1 outputs");

  auto plain = xsym::bind(e, xsym::cpu(0), args);
  CHECK(message_of([&] { plain.backward({g}); }) ==
        "xsym::executor::backward: the executor was bound without gradients; bind with args_grad "
        "(xsym::bind(e, ctx, args, args_grad, grad_req))");
}

TEST_CASE("backward: a variable no path reaches gets zeros, and large arrays run on every thread") {
  auto e = xsym::sign(a) * 2 + b;
  const std::size_t n = (1 << 16) + 3;
  auto x = filled(n, 1.0f), y = filled(n, 2.0f), gx = filled(n, 5.0f), gy = filled(n, 5.0f);
  auto ex = xsym::bind(e, xsym::cpu(0), {{"A", x}, {"B", y}}, {{"A", gx}, {"B", gy}});
  std::vector<float> h(n);
  for (std::size_t i = 0; i < n; ++i) h[i] = float(i % 13);
  ex.forward_backward({ndarray::array<float>(h)});
  CHECK(read(gx) == std::vector<float>(n, 0.0f));
  CHECK(read(gy) == h);
}
