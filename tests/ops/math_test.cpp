// xsym's vectorized math (include/xsym/ops/math.hpp) against higher-precision references
// (tests/support/math_sweep.hpp): at most 2 ulp from the correctly rounded result for every
// function and dtype, glibc's special values, and the same bits from a vectorized loop and a
// scalar call.
//   CI: 2^16 inputs per function and dtype (half random bit patterns over the whole domain).
//   The full sweep, 10^7 inputs per function and dtype, prints the table of maximum errors:
//     ./build/tests/xsym_ops_tests "[.sweep]" -s     (about a minute on one core)
#include <catch2/catch.hpp>

#include "../support/math_sweep.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

namespace sw = xsym_test::math_sweep;
namespace m = xsym::math;

namespace {

template <class F>
std::string show(F x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", std::numeric_limits<F>::max_digits10, double(x));
  return buf;
}

template <class F>
void check_sweep(const sw::function& fn, std::size_t n, bool print) {
  const auto r = sw::sweep<F>(fn, n, 42);
  const char* dtype = sizeof(F) == 4 ? "float32" : "float64";
  if (print)
    std::printf("| %-9s | %-7s | %3llu | %9zu | %s -> %s (want %s) |\n", fn.name, dtype, (unsigned long long)r.max_ulps, r.n,
                show(r.worst_x).c_str(), show(r.worst_got).c_str(), show(r.worst_want).c_str());
  INFO(fn.name << " " << dtype << ": " << r.max_ulps << " ulp at x = " << show(r.worst_x) << " (got "
               << show(r.worst_got) << ", want " << show(r.worst_want) << ")");
  CHECK(r.max_ulps <= 2);
}

template <class F>
void check_hypot(std::size_t n, bool print) {
  const auto r = sw::sweep_hypot<F>(n, 42);
  const char* dtype = sizeof(F) == 4 ? "float32" : "float64";
  if (print)
    std::printf("| %-9s | %-7s | %3llu | %9zu | x = %s -> %s (want %s) |\n", "hypot", dtype, (unsigned long long)r.max_ulps, r.n,
                show(r.worst_x).c_str(), show(r.worst_got).c_str(), show(r.worst_want).c_str());
  INFO("hypot " << dtype << ": " << r.max_ulps << " ulp at x = " << show(r.worst_x));
  CHECK(r.max_ulps <= 2);
}

template <class F>
void check_pow(std::size_t n, bool print) {
  const auto r = sw::sweep_pow<F>(n, 42);
  const char* dtype = sizeof(F) == 4 ? "float32" : "float64";
  if (print)
    std::printf("| %-9s | %-7s | %3llu | %9zu | x = %s, y = %s -> %s |\n", "power", dtype, (unsigned long long)r.max_ulps, r.n,
                show(r.worst_x).c_str(), show(r.worst_want).c_str(), show(r.worst_got).c_str());
  INFO("power " << dtype << ": " << r.max_ulps << " ulp at x = " << show(r.worst_x) << ", y = " << show(r.worst_want));
  CHECK(r.max_ulps <= 2);
}

/// Gamma, float32 only (float64 keeps glibc's tgamma): against glibc's double tgamma, rounded
/// once, over random bit patterns and [-45, 40] (the poles, and both sides of the overflow).
void check_gamma(std::size_t n, bool print) {
  sw::result<float> r;
  const std::size_t chunk = std::size_t(1) << 20;
  std::vector<float> y;
  for (std::size_t done = 0, seed = 42; done < n; done += chunk, ++seed) {
    const std::vector<float> x = sw::inputs<float>(std::min(chunk, n - done), -45, 40, seed);
    y.resize(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) y[i] = m::tgamma(x[i]);  // vectorized, as the fused loops
    for (std::size_t i = 0; i < x.size(); ++i) {
      const float want = float(std::tgamma(double(x[i])));
      const std::uint64_t e = sw::ulps(y[i], want);
      if (e > r.max_ulps || r.n == 0) r.max_ulps = e, r.worst_x = x[i], r.worst_got = y[i], r.worst_want = want;
      ++r.n;
    }
  }
  if (print)
    std::printf("| %-9s | %-7s | %3llu | %9zu | %s -> %s (want %s) |\n", "gamma", "float32",
                (unsigned long long)r.max_ulps, r.n, show(r.worst_x).c_str(), show(r.worst_got).c_str(),
                show(r.worst_want).c_str());
  INFO("gamma float32: " << r.max_ulps << " ulp at x = " << show(r.worst_x) << " (got " << show(r.worst_got)
                         << ", want " << show(r.worst_want) << ")");
  CHECK(r.max_ulps <= 2);
}

}  // namespace

TEST_CASE("vectorized math is within 2 ulp of the correctly rounded result (sample)", "[ops][math]") {
  for (const auto& fn : sw::functions()) {
    check_sweep<float>(fn, std::size_t(1) << 16, false);
    check_sweep<double>(fn, std::size_t(1) << 16, false);
  }
  check_hypot<float>(std::size_t(1) << 16, false);
  check_hypot<double>(std::size_t(1) << 16, false);
  check_pow<float>(std::size_t(1) << 16, false);
  check_pow<double>(std::size_t(1) << 16, false);
  check_gamma(std::size_t(1) << 16, false);
}

TEST_CASE("vectorized math: the full sweep, 10^7 inputs per function and dtype", "[.sweep]") {
  std::printf("| function  | dtype   | max ulp | inputs | worst x -> got (want) |\n|---|---|---|---|---|\n");
  for (const auto& fn : sw::functions()) {
    check_sweep<float>(fn, 10'000'000, true);
    check_sweep<double>(fn, 10'000'000, true);
  }
  check_hypot<float>(10'000'000, true);
  check_hypot<double>(10'000'000, true);
  check_pow<float>(10'000'000, true);
  check_pow<double>(10'000'000, true);
  check_gamma(10'000'000, true);
}

// ---- special values: the same as glibc's ---------------------------------------------------
namespace {

template <class F>
std::vector<F> specials() {
  using L = std::numeric_limits<F>;
  return {F(0), F(-0.0), F(1), F(-1), F(0.5), F(-0.5), F(2), F(-2), F(10), F(-10), F(100), F(-100),
          F(-104), F(-746), F(710), F(711), F(89), F(1e30), F(-1e30), L::max(), L::lowest(), L::min(),
          -L::min(), L::denorm_min(), -L::denorm_min(), L::infinity(), -L::infinity(), L::quiet_NaN()};
}

/// got agrees with glibc's want: both NaN, or the same bits where want is +-0 or +-inf, or
/// within 2 ulp (subnormal results included).
template <class F>
bool agrees(F got, F want) {
  if (want != want) return got != got;
  if (want == F(0) || std::isinf(want)) return std::signbit(got) == std::signbit(want) && got == want;
  return sw::ulps(got, want) <= 2;
}

template <class F, class Mine, class Glibc>
void check_specials(const char* name, Mine mine, Glibc glibc) {
  for (F x : specials<F>()) {
    const F got = mine(x), want = glibc(x);
    INFO(name << "<" << (sizeof(F) == 4 ? "float32" : "float64") << ">(" << show(x) << "): got " << show(got)
              << ", glibc " << show(want));
    CHECK(agrees(got, want));
  }
}

}  // namespace

// The functions glibc lacks: the formula in long double, rounded once.
template <class F>
F sigmoid_ref(F x) { return F(1 / (1 + std::exp(-(long double)x))); }
template <class F>
F softsign_ref(F x) { return F((long double)x / (1 + std::fabs((long double)x))); }
template <class F>
F rsqrt_ref(F x) { return F(1 / std::sqrt((long double)x)); }

#define XSYM_CHECK_SPECIALS(name, mine, glibc)                                        \
  check_specials<float>(name, [](float x) { return mine(x); }, [](float x) { return glibc(x); }); \
  check_specials<double>(name, [](double x) { return mine(x); }, [](double x) { return glibc(x); })

TEST_CASE("vectorized math has glibc's special values", "[ops][math]") {
  XSYM_CHECK_SPECIALS("exp", m::exp, std::exp);
  XSYM_CHECK_SPECIALS("expm1", m::expm1, std::expm1);
  XSYM_CHECK_SPECIALS("log", m::log, std::log);
  XSYM_CHECK_SPECIALS("log2", m::log2, std::log2);
  XSYM_CHECK_SPECIALS("log10", m::log10, std::log10);
  XSYM_CHECK_SPECIALS("log1p", m::log1p, std::log1p);
  XSYM_CHECK_SPECIALS("tanh", m::tanh, std::tanh);
  XSYM_CHECK_SPECIALS("sinh", m::sinh, std::sinh);
  XSYM_CHECK_SPECIALS("cosh", m::cosh, std::cosh);
  XSYM_CHECK_SPECIALS("erf", m::erf, std::erf);
  XSYM_CHECK_SPECIALS("cbrt", m::cbrt, std::cbrt);
  XSYM_CHECK_SPECIALS("sin", m::sin, std::sin);
  XSYM_CHECK_SPECIALS("cos", m::cos, std::cos);
  XSYM_CHECK_SPECIALS("tan", m::tan, std::tan);
  XSYM_CHECK_SPECIALS("arcsin", m::asin, std::asin);
  XSYM_CHECK_SPECIALS("arccos", m::acos, std::acos);
  XSYM_CHECK_SPECIALS("arctan", m::atan, std::atan);
  XSYM_CHECK_SPECIALS("arcsinh", m::asinh, std::asinh);
  XSYM_CHECK_SPECIALS("arccosh", m::acosh, std::acosh);
  XSYM_CHECK_SPECIALS("arctanh", m::atanh, std::atanh);
  // No glibc function: the formula in long double, rounded.
  XSYM_CHECK_SPECIALS("sigmoid", m::sigmoid, sigmoid_ref);
  XSYM_CHECK_SPECIALS("softsign", m::softsign, softsign_ref);
  XSYM_CHECK_SPECIALS("rsqrt", m::rsqrt, rsqrt_ref);
  // Gamma for float32 only; glibc's own float tgamma is the reference here.
  check_specials<float>("gamma", [](float x) { return m::tgamma(x); }, [](float x) { return ::tgammaf(x); });
  check_specials<float>("gamma", [](float x) { return m::tgamma(x); }, [](float x) { return float(std::tgamma(double(x))); });
}

TEST_CASE("vectorized hypot and power have glibc's special values", "[ops][math]") {
  auto check = [](auto zero) {
    using F = decltype(zero);
    std::vector<F> ys = specials<F>();
    for (F y : {F(3), F(-3), F(0.25), F(-0.5), F(1e20), F(-1e20), F(7), F(-8)}) ys.push_back(y);
    for (F x : specials<F>())
      for (F y : ys) {
        const F got = m::hypot(x, y), want = std::hypot(x, y);
        INFO("hypot(" << show(x) << ", " << show(y) << "): got " << show(got) << ", glibc " << show(want));
        CHECK(agrees(got, want));
        const F pgot = m::pow(x, y), pwant = std::pow(x, y);
        INFO("pow(" << show(x) << ", " << show(y) << "): got " << show(pgot) << ", glibc " << show(pwant));
        CHECK(agrees(pgot, pwant));
      }
  };
  check(0.0f);
  check(0.0);
}

TEST_CASE("vectorized math: subnormal results are not flushed", "[ops][math]") {
  CHECK(m::exp(-100.0f) == std::exp(-100.0f));  // 3.7e-44
  CHECK(m::exp(-100.0f) > 0.0f);
  CHECK(m::exp(-740.0) == std::exp(-740.0));
  CHECK(sw::ulps(m::sigmoid(-100.0f), float(1 / (1 + std::exp(100.0)))) <= 1);
  CHECK(m::sigmoid(-100.0f) > 0.0f);
  CHECK(m::exp(-104.0f) == 0.0f);
  CHECK(m::exp(88.8f) == std::numeric_limits<float>::infinity());
}

// ---- vectorized and scalar: the same bits ---------------------------------------------------
namespace {

template <class F>
[[gnu::noinline]] F scalar_call(const sw::function& fn, F x) {
  F y;  // a one-element call: the scalar code of the function
  if constexpr (sizeof(F) == 4) fn.f32(&x, &y, 1); else fn.f64(&x, &y, 1);
  return y;
}

template <class F>
void check_same_bits(const sw::function& fn) {
  const std::vector<F> x = sw::inputs<F>(4096, fn.lo, fn.hi, 7);
  std::vector<F> y(x.size());
  if constexpr (sizeof(F) == 4) fn.f32(x.data(), y.data(), x.size()); else fn.f64(x.data(), y.data(), x.size());
  int differ = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const F s = scalar_call(fn, x[i]);
    if (std::bit_cast<sw::detail_bits<F>>(s) != std::bit_cast<sw::detail_bits<F>>(y[i]) && !(s != s && y[i] != y[i])) {
      if (++differ <= 4) FAIL_CHECK(fn.name << ": x = " << show(x[i]) << " loop " << show(y[i]) << ", scalar " << show(s));
    }
  }
  CHECK(differ == 0);
}

}  // namespace

TEST_CASE("vectorized math: a vectorized loop and a scalar call give the same bits", "[ops][math]") {
  for (const auto& fn : sw::functions()) {
    check_same_bits<float>(fn);
    check_same_bits<double>(fn);
  }
}
