// The derivatives of the operator table (ops/table.hpp), through ops::backward<Op, K>::eval:
// 1. every op of the table, float64: against g times a Richardson-extrapolated central difference
//    of the op's own double forward function, at points inside its domain; float32: against the
//    float64 derivative at the same points. Which ops have a zero gradient (ops::differentiable)
//    is asserted for the whole table, and their difference quotient is checked to be 0.
// 2. MXNet 1.9's values at special points (mshadow_op.h, the _backward_* registrations,
//    MXNET-REFERENCE.md §5.4): ties, bounds, zeros, NaN, derivatives taken from the output.
// 3. special::digamma against values computed with mpmath (30 digits).
#include <catch2/catch.hpp>

#include <xsym/ops/backward.hpp>
#include <xsym/ops/table.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <set>
#include <sstream>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace ops = xsym::ops;

namespace {

constexpr ops::no_param np{};
constexpr double g64 = 0.7;  // the head gradient
constexpr float g32 = 0.7f;
constexpr double nan64 = std::numeric_limits<double>::quiet_NaN();

template <class Op, int K = 0>
constexpr auto bw = [](auto... v) { return ops::backward<Op, K>::eval(v...); };

template <class... Op, class F>
void for_each_op(xsym::type_list<Op...>, F f) {
  (f(std::type_identity<Op>{}), ...);
}

/// MXNet's ops whose gradient is zero everywhere (MakeZeroGradNodes, or a zero _grad function).
const std::set<std::string_view> zero_gradient_ops{
    "sign",       "round",     "rint",     "ceil",           "floor",   "trunc",          "fix",
    "logical_not", "zeros_like", "ones_like", "_equal",      "_not_equal", "_greater", "_greater_equal",
    "_lesser",    "_lesser_equal"};

template <class Op, std::size_t N>
double forward(const typename Op::template lowered_param<double>& p, const std::array<double, N>& x) {
  return std::apply([&](auto... v) { return double(Op::eval(p, v...)); }, x);
}

/// Checks input K of Op at x: float64 against the difference quotient, float32 against float64.
template <class Op, int K, std::size_t N>
void check_input(const typename Op::param& param, std::array<double, N> x, std::string_view name) {
  for (double& v : x) v = double(float(v));  // the same point in both element types
  const auto p64 = Op::template lower<double>(param);
  const auto p32 = Op::template lower<float>(param);
  auto central = [&](double h) {
    auto up = x, down = x;
    up[K] += h;
    down[K] -= h;
    return (forward<Op>(p64, up) - forward<Op>(p64, down)) / (2 * h);
  };
  const double h = 1e-3 * std::max(1.0, std::abs(x[K]));
  const double quotient = (4 * central(h / 2) - central(h)) / 3;  // error O(h^4)
  std::ostringstream at;
  for (std::size_t i = 0; i < N; ++i) at << (i ? ", " : "") << x[i];
  INFO(name << " input " << K << " at (" << at.str() << "), difference quotient " << quotient);
  if constexpr (!ops::differentiable<Op, K>) {
    CHECK(quotient == 0.0);  // the op is piecewise constant here
  } else {
    const double out64 = forward<Op>(p64, x);
    const double d64 = std::apply([&](auto... v) { return bw<Op, K>(p64, g64, out64, v...); }, x);
    CHECK(d64 == Approx(g64 * quotient).epsilon(1e-7).margin(1e-10));

    std::array<float, N> xf{};
    for (std::size_t i = 0; i < N; ++i) xf[i] = float(x[i]);
    const float out32 = std::apply([&](auto... v) { return Op::eval(p32, v...); }, xf);
    const auto d32 = std::apply([&](auto... v) { return bw<Op, K>(p32, g32, out32, v...); }, xf);
    STATIC_REQUIRE(std::is_same_v<decltype(d32), const float>);
    CHECK(d32 == Approx(d64).epsilon(2e-5).margin(1e-9));
  }
}

/// Points inside the domain of a unary op, away from its kinks and poles.
std::vector<double> unary_points(std::string_view op) {
  const std::set<std::string_view> positive{"log", "log2", "log10", "sqrt", "rsqrt"};
  if (positive.contains(op)) return {0.3, 0.9, 2.3, 7.5};
  if (op == "log1p") return {-0.6, 0.3, 2.3};
  if (op == "arcsin" || op == "arccos" || op == "arctanh") return {-0.7, -0.2, 0.3, 0.6};
  if (op == "arccosh") return {1.3, 2.0, 5.5};
  if (op == "gamma") return {-1.5, -0.5, 0.3, 1.7, 3.2, 5.5};
  return {-1.3, -0.6, 0.3, 0.9, 2.3};
}

/// Operand pairs inside the domain of a binary op (also used for its scalar forms).
std::vector<std::array<double, 2>> binary_points(std::string_view op) {
  if (op == "_power") return {{1.3, 2.5}, {2.2, -0.7}, {0.6, 3.1}};
  if (op == "_mod") return {{5.3, 2.0}, {-5.3, 2.0}, {5.3, -2.0}, {0.8, 3.2}, {-2.1, 0.45}};
  return {{1.3, -0.7}, {-2.1, 0.45}, {0.8, 3.2}, {5.3, 2.0}};
}

}  // namespace

TEST_CASE("derivatives: zero gradients are exactly MXNet's, every other op is differentiable", "[derivative]") {
  for_each_op(ops::unary_ops{}, [](auto t) {
    using Op = typename decltype(t)::type;
    INFO(Op::names.mxnet);
    CHECK(ops::differentiable<Op, 0> == !zero_gradient_ops.contains(Op::names.mxnet));
  });
  for_each_op(ops::binary_ops{}, [](auto t) {
    using B = typename decltype(t)::type;
    INFO(B::names.mxnet);
    const bool want = !zero_gradient_ops.contains(B::names.mxnet);
    CHECK(ops::differentiable<B, 0> == want);
    CHECK(ops::differentiable<B, 1> == want);
    CHECK(ops::differentiable<ops::scalar<B, false>, 0> == want);
    CHECK(ops::differentiable<ops::scalar<B, true>, 0> == want);
  });
  STATIC_REQUIRE(ops::differentiable<ops::clip, 0>);
  STATIC_REQUIRE(ops::differentiable<ops::cast<float>, 0>);
  STATIC_REQUIRE(ops::differentiable<ops::cast<double>, 0>);
  STATIC_REQUIRE(ops::differentiable<ops::cast<std::int32_t>, 0>);
}

TEST_CASE("derivatives: unary ops against finite differences, float32 and float64", "[derivative]") {
  for_each_op(ops::unary_ops{}, [](auto t) {
    using Op = typename decltype(t)::type;
    for (double x : unary_points(Op::names.mxnet)) check_input<Op, 0>(np, std::array{x}, Op::names.mxnet);
  });
}

TEST_CASE("derivatives: binary ops, both inputs, against finite differences", "[derivative]") {
  for_each_op(ops::binary_ops{}, [](auto t) {
    using B = typename decltype(t)::type;
    for (auto ab : binary_points(B::names.mxnet)) {
      check_input<B, 0>(np, ab, B::names.mxnet);
      check_input<B, 1>(np, ab, B::names.mxnet);
    }
  });
}

TEST_CASE("derivatives: scalar forms a op s and s op a against finite differences", "[derivative]") {
  for_each_op(ops::binary_ops{}, [](auto t) {
    using B = typename decltype(t)::type;
    for (auto [a, b] : binary_points(B::names.mxnet)) {
      // `a op s` differentiates B in its left operand, `s op b` in its right one.
      check_input<ops::scalar<B, false>, 0>(ops::scalar_value(double(float(b))), std::array{a},
                                            B::scalar_names.mxnet);
      check_input<ops::scalar<B, true>, 0>(ops::scalar_value(double(float(a))), std::array{b},
                                           B::rscalar_names.mxnet);
    }
  });
}

TEST_CASE("derivatives: clip against finite differences", "[derivative]") {
  const ops::clip::param p{-1.0, 2.0};
  for (double x : {-1.7, -0.3, 0.9, 1.6, 2.6}) check_input<ops::clip, 0>(p, std::array{x}, "clip");
}

TEST_CASE("derivatives: smooth_l1 against finite differences, in both of its parts", "[derivative]") {
  // The quadratic part ends at |x| = 1 / sigma^2: 1, 4 and 0.25 here; no point lies near it.
  for (double sigma : {1.0, 0.5, 2.0, -2.0})
    for (double x : {-6.5, -3.1, -0.7, -0.05, 0.3, 0.45, 1.9, 6.5})
      check_input<ops::smooth_l1, 0>(ops::smooth_l1::param{sigma}, std::array{x}, "smooth_l1");
}

namespace {
template <class From, class To>
void check_cast() {
  using C = ops::cast<To>;
  for (double v : {-1.5, 0.75, 3.25}) {  // dyadic: the difference quotient below is exact
    const From x = From(v), h = From(1.0 / 64);
    const double quotient = (double(C::eval(np, From(x + h))) - double(C::eval(np, From(x - h)))) / (2 * double(h));
    const auto d = bw<C>(np, To(0.7), C::eval(np, x), x);
    STATIC_REQUIRE(std::is_same_v<decltype(d), const From>);
    CHECK(quotient == 1.0);
    CHECK(d == Approx(0.7 * quotient).epsilon(1e-6));
  }
}
}  // namespace

TEST_CASE("derivatives: Cast against finite differences, float32 and float64 inputs", "[derivative]") {
  check_cast<float, float>();
  check_cast<float, double>();
  check_cast<double, float>();
  check_cast<double, double>();
}

// ---- MXNet's values at special points ---------------------------------------------------------

TEST_CASE("derivatives: relu and abs at 0, relu's gradient from the output, NaN", "[derivative]") {
  CHECK(bw<ops::relu>(np, g64, 0.0, 0.0) == 0.0);       // relu_grad(0) = 0
  CHECK(bw<ops::relu>(np, g64, 2.0, -1.0) == g64);      // g * (out > 0): x is not read
  CHECK(bw<ops::relu>(np, g64, 0.0, 3.0) == 0.0);
  CHECK(std::isnan(bw<ops::relu>(np, g64, nan64, nan64)));  // relu_grad(NaN) is NaN
  CHECK(std::isnan(bw<ops::relu>(np, g32, std::numeric_limits<float>::quiet_NaN(), 1.0f)));
  CHECK(bw<ops::abs>(np, g64, 0.0, 0.0) == 0.0);        // g * sign(0)
  CHECK(bw<ops::abs>(np, g64, 0.0, -0.0) == 0.0);
  CHECK(bw<ops::abs>(np, g64, 2.0, -2.0) == -g64);
  CHECK(bw<ops::abs>(np, g64, 2.0, 2.0) == g64);
}

TEST_CASE("derivatives: maximum and minimum send a tie to the left operand", "[derivative]") {
  // _backward_maximum: g * (a >= b), g * (a < b); _backward_minimum: g * (a <= b), g * (a > b).
  CHECK(bw<ops::maximum, 0>(np, g64, 2.0, 2.0, 2.0) == g64);
  CHECK(bw<ops::maximum, 1>(np, g64, 2.0, 2.0, 2.0) == 0.0);
  CHECK(bw<ops::maximum, 0>(np, g64, 3.0, 1.0, 3.0) == 0.0);
  CHECK(bw<ops::maximum, 1>(np, g64, 3.0, 1.0, 3.0) == g64);
  CHECK(bw<ops::minimum, 0>(np, g64, 2.0, 2.0, 2.0) == g64);
  CHECK(bw<ops::minimum, 1>(np, g64, 2.0, 2.0, 2.0) == 0.0);
  CHECK(bw<ops::minimum, 0>(np, g64, 1.0, 3.0, 1.0) == 0.0);
  CHECK(bw<ops::minimum, 1>(np, g64, 1.0, 3.0, 1.0) == g64);
}

TEST_CASE("derivatives: scalar maximum and minimum pass the gradient at a tie, in both orders", "[derivative]") {
  // `maximum(a, s)` and `maximum(s, a)` are both `_maximum_scalar(a, scalar=s)`, whose backward
  // is g * (a >= s) (mshadow_op::ge); `_backward_minimum_scalar` is g * (a <= s) (le).
  using max_r = ops::scalar<ops::maximum, false>;
  using max_l = ops::scalar<ops::maximum, true>;
  using min_r = ops::scalar<ops::minimum, false>;
  using min_l = ops::scalar<ops::minimum, true>;
  CHECK(bw<max_r>(2.0, g64, 2.0, 2.0) == g64);
  CHECK(bw<max_l>(2.0, g64, 2.0, 2.0) == g64);
  CHECK(bw<min_r>(2.0, g64, 2.0, 2.0) == g64);
  CHECK(bw<min_l>(2.0, g64, 2.0, 2.0) == g64);
  CHECK(bw<max_r>(2.0, g64, 2.0, 1.0) == 0.0);
  CHECK(bw<max_l>(2.0, g64, 2.0, 1.0) == 0.0);
  CHECK(bw<min_r>(2.0, g64, 2.0, 3.0) == 0.0);
  CHECK(bw<min_l>(2.0, g64, 2.0, 3.0) == 0.0);
  CHECK(bw<max_l>(2.0f, g32, 2.0f, 2.0f) == g32);
  CHECK(bw<min_l>(2.0f, g32, 2.0f, 2.0f) == g32);
}

TEST_CASE("derivatives: clip passes the gradient at its bounds, inclusively, and NaN", "[derivative]") {
  const ops::clip::lowered_param<double> p{-1.0, 2.0};
  CHECK(bw<ops::clip>(p, g64, -1.0, -1.0) == g64);
  CHECK(bw<ops::clip>(p, g64, 2.0, 2.0) == g64);
  CHECK(bw<ops::clip>(p, g64, 0.5, 0.5) == g64);
  CHECK(bw<ops::clip>(p, g64, -1.0, std::nextafter(-1.0, -2.0)) == 0.0);
  CHECK(bw<ops::clip>(p, g64, 2.0, std::nextafter(2.0, 3.0)) == 0.0);
  CHECK(bw<ops::clip>(p, g64, nan64, nan64) == g64);
}

TEST_CASE("derivatives: power, rpower_scalar, power_scalar, hypot and mod formulas", "[derivative]") {
  const double ln2 = std::numbers::ln2;
  CHECK(bw<ops::power, 0>(np, g64, 8.0, 2.0, 3.0) == Approx(g64 * 3 * 4));     // b * a^(b-1)
  CHECK(bw<ops::power, 1>(np, g64, 8.0, 2.0, 3.0) == Approx(g64 * 8 * ln2));   // a^b * ln a
  CHECK(bw<ops::power, 0>(np, g64, 0.0, 0.0, 2.0) == 0.0);
  CHECK(bw<ops::scalar<ops::power, false>>(3.0, g64, 8.0, 2.0) == Approx(g64 * 12));
  // _backward_rpower_scalar is rpower_grad(out, s) = out * ln s: it reads the output.
  CHECK(bw<ops::scalar<ops::power, true>>(2.0, g64, 5.0, 3.0) == Approx(g64 * 5 * ln2));
  CHECK(bw<ops::hypot, 0>(np, g64, 5.0, 3.0, 4.0) == Approx(g64 * 0.6));       // a / hypot(a, b)
  CHECK(bw<ops::hypot, 1>(np, g64, 5.0, 3.0, 4.0) == Approx(g64 * 0.8));
  CHECK(bw<ops::scalar<ops::hypot, false>>(4.0, g64, 5.0, 3.0) == Approx(g64 * 0.6));
  CHECK(bw<ops::scalar<ops::hypot, true>>(3.0, g64, 5.0, 4.0) == Approx(g64 * 0.8));
  CHECK(bw<ops::mod, 1>(np, g64, 0.7, -5.3, 2.0) == Approx(g64 * 3));         // -floor(a / b)
  CHECK(bw<ops::scalar<ops::div, true>>(3.0, g64, 1.5, 2.0) == Approx(-g64 * 3 / 4));  // -s / x^2
}

TEST_CASE("derivatives: exp, tanh, sigmoid, sqrt, cbrt and tan are computed from the output", "[derivative]") {
  const double x = 0.3, out = 0.5;  // out != f(x): the result must follow out
  CHECK(bw<ops::exp>(np, g64, out, x) == Approx(g64 * out));
  CHECK(bw<ops::tanh>(np, g64, out, x) == Approx(g64 * (1 - out * out)));
  CHECK(bw<ops::sigmoid>(np, g64, out, x) == Approx(g64 * out * (1 - out)));
  CHECK(bw<ops::sqrt>(np, g64, out, x) == Approx(g64 * 0.5 / out));
  CHECK(bw<ops::cbrt>(np, g64, out, x) == Approx(g64 / (3 * out * out)));
  CHECK(bw<ops::tan>(np, g64, out, x) == Approx(g64 * (out * out + 1)));
  // ... and these from the input (MXNet's log_grad, sin_grad, reciprocal_grad read x).
  CHECK(bw<ops::log>(np, g64, out, x) == Approx(g64 / x));
  CHECK(bw<ops::sin>(np, g64, out, x) == Approx(g64 * std::cos(x)));
  CHECK(bw<ops::reciprocal>(np, g64, out, x) == Approx(-g64 / (x * x)));
}

TEST_CASE("derivatives: _div_scalar's gradient is g / s to the bit", "[derivative]") {
  int differs = 0;  // pairs where g * (1 / s) would round differently
  for (double g : {0.7, 0.3, 1.1, 0.9, 1e-3})
    for (double s : {3.0, 7.0, 10.0, 0.3, 1.7, 49.0}) {
      INFO("g=" << g << " s=" << s);
      CHECK(bw<ops::scalar<ops::div, false>>(s, g, 0.0, 1.0) == g / s);
      CHECK(bw<ops::scalar<ops::div, false>>(float(s), float(g), 0.0f, 1.0f) == float(g) / float(s));
      differs += g / s != g * (1 / s);
    }
  REQUIRE(differs > 0);
}

TEST_CASE("derivatives: Cast's gradient is g converted to the input type", "[derivative]") {
  const auto to_double = bw<ops::cast<float>>(np, 0.1f, 0.1f, 0.1);  // float32 <- float64 input
  STATIC_REQUIRE(std::is_same_v<decltype(to_double), const double>);
  CHECK(to_double == double(0.1f));
  const auto to_float = bw<ops::cast<double>>(np, 0.1, 0.1, 0.1f);
  STATIC_REQUIRE(std::is_same_v<decltype(to_float), const float>);
  CHECK(to_float == 0.1f);
  CHECK(bw<ops::cast<double>>(np, 1e300, 1e300, 1.0f) == std::numeric_limits<float>::infinity());
  const auto from_int = bw<ops::cast<std::int32_t>>(np, std::int32_t(3), std::int32_t(2), 2.5f);
  STATIC_REQUIRE(std::is_same_v<decltype(from_int), const float>);
  CHECK(from_int == 3.0f);
}

TEST_CASE("derivatives: integer element types have a zero gradient", "[derivative]") {
  const auto plus0 = bw<ops::plus, 0>(np, 3, 3, 1, 2);
  STATIC_REQUIRE(std::is_same_v<decltype(plus0), const int>);
  CHECK(plus0 == 0);
  CHECK(bw<ops::mul, 1>(np, std::int64_t(5), std::int64_t(6), std::int64_t(2), std::int64_t(3)) == 0);
  CHECK(bw<ops::exp>(np, 1, 2, 1) == 0);
  CHECK(bw<ops::negative>(np, std::int8_t(4), std::int8_t(-1), std::int8_t(1)) == 0);
  CHECK(bw<ops::scalar<ops::mul, false>>(2, 3, 6, 3) == 0);
  CHECK(bw<ops::clip>(ops::clip::lowered_param<int>{0, 5}, 1, 2, 2) == 0);
  const auto from_int = bw<ops::cast<float>>(np, 0.7f, 1.0f, 1);
  STATIC_REQUIRE(std::is_same_v<decltype(from_int), const int>);
  CHECK(from_int == 0);
}

// ---- digamma ----------------------------------------------------------------------------------

TEST_CASE("derivatives: digamma against mpmath, poles give +inf", "[derivative]") {
  // mpmath.digamma at 30 digits.
  const std::pair<double, double> known[] = {
      {1.0, -0.57721566490153286061},   {0.5, -1.9635100260214234794},  {10.0, 2.2517525890667211076},
      {-0.5, 0.036489973978576520559},  {3.7, 1.1671535393615113859},   {0.1, -10.423754940411076795},
      {-1.3, 2.8825405488661679494},    {2.5, 0.70315664064524318723},  {25.25, 3.2088934898690552952},
      {1e-3, -1000.5755719318103005},   {-2.75, -1.9590552649779970098}, {7.0, 1.8727843350984671394}};
  for (auto [x, want] : known) {
    INFO("psi(" << x << ")");
    CHECK(ops::special::digamma(x) == Approx(want).epsilon(1e-13));
    CHECK(ops::special::digamma(float(x)) == Approx(float(want)).epsilon(1e-6));
  }
  for (double pole : {0.0, -0.0, -1.0, -2.0, -7.0}) {
    INFO("pole " << pole);
    CHECK(ops::special::digamma(pole) == std::numeric_limits<double>::infinity());
    CHECK(ops::special::digamma(float(pole)) == std::numeric_limits<float>::infinity());
  }
  // gamma's derivative is out * digamma(x) (MXNet's gamma_grad: tgamma(x) * psi(x)).
  CHECK(bw<ops::gamma>(np, g64, std::tgamma(3.7), 3.7) == Approx(g64 * std::tgamma(3.7) * 1.1671535393615113859));
}
