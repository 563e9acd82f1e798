#pragma once
// The accuracy sweep of xsym's vectorized math (include/xsym/ops/math.hpp): each function and
// dtype against a higher-precision reference, over inputs spread across the whole domain.
//   float32: reference = glibc's double function, rounded to float (correctly rounded for
//            practical purposes: glibc's double functions are within 1 ulp of double);
//   float64: reference = glibc's long double (x87, 64-bit significand) function, rounded.
// Inputs: half of them random bit patterns (every finite value equally likely: log-uniform
// magnitudes, both signs, subnormals, the overflow and underflow ends), half uniform in the
// function's interesting interval; deterministic (splitmix64).
// Used by tests/ops/math_test.cpp (CI sample and the [.sweep] table).
#include <xsym/ops/math.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace xsym_test::math_sweep {

template <class F>
using detail_bits = std::conditional_t<sizeof(F) == 4, std::uint32_t, std::uint64_t>;

struct rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double unit() { return double(next() >> 11) * 0x1p-53; }
};

/// Distance in representable values (+0 and -0 apart by 0); NaN against NaN 0, NaN against a
/// number: the maximum.
template <class F>
std::uint64_t ulps(F a, F b) {
  if (a != a || b != b) return a != a && b != b ? 0 : std::numeric_limits<std::uint64_t>::max();
  using I = std::conditional_t<sizeof(F) == 4, std::int32_t, std::int64_t>;
  auto key = [](F x) {
    I i = std::bit_cast<I>(x);
    __int128 m = i & std::numeric_limits<I>::max();
    return i < 0 ? -m : m;
  };
  __int128 d = key(a) - key(b);
  return std::uint64_t(d < 0 ? -d : d);
}

/// One function: xsym's float and double versions over arrays (a plain loop, which the compiler
/// vectorizes as it does the fused loops), the references, and the interesting interval.
struct function {
  const char* name;
  void (*f32)(const float*, float*, std::size_t);
  void (*f64)(const double*, double*, std::size_t);
  double (*ref32)(double);
  long double (*ref64)(long double);
  double lo, hi;
};

#define XSYM_SWEEP_FN(name, fn, expr, lo, hi)                                                           \
  function {                                                                                          \
    name, [](const float* x, float* y, std::size_t n) { for (std::size_t i = 0; i < n; ++i) y[i] = fn(x[i]); }, \
        [](const double* x, double* y, std::size_t n) { for (std::size_t i = 0; i < n; ++i) y[i] = fn(x[i]); }, \
        [](double v) -> double { return expr; }, [](long double v) -> long double { return expr; }, lo, hi     \
  }

inline const std::vector<function>& functions() {
  namespace m = xsym::math;
  using std::exp, std::expm1, std::log, std::log2, std::log10, std::log1p, std::tanh, std::sinh, std::cosh,
      std::erf, std::cbrt, std::sqrt, std::fabs, std::sin, std::cos, std::tan, std::asin, std::acos, std::atan,
      std::asinh, std::acosh, std::atanh;
  // The binary functions over (x, y) pairs: x from the inputs, y a second stream (x's neighbour
  // in the same array, so both cover the whole domain); see `binary`.
  static const std::vector<function> all{
      XSYM_SWEEP_FN("exp", m::exp, exp(v), -110, 90),
      XSYM_SWEEP_FN("expm1", m::expm1, expm1(v), -5, 5),
      XSYM_SWEEP_FN("log", m::log, log(v), 0, 4),
      XSYM_SWEEP_FN("log2", m::log2, log2(v), 0, 4),
      XSYM_SWEEP_FN("log10", m::log10, log10(v), 0, 4),
      XSYM_SWEEP_FN("log1p", m::log1p, log1p(v), -1, 3),
      XSYM_SWEEP_FN("tanh", m::tanh, tanh(v), -10, 10),
      XSYM_SWEEP_FN("sinh", m::sinh, sinh(v), -10, 10),
      XSYM_SWEEP_FN("cosh", m::cosh, cosh(v), -10, 10),
      XSYM_SWEEP_FN("sigmoid", m::sigmoid, 1 / (1 + exp(-v)), -120, 50),
      XSYM_SWEEP_FN("softsign", m::softsign, v / (1 + fabs(v)), -10, 10),
      XSYM_SWEEP_FN("erf", m::erf, erf(v), -6, 6),
      XSYM_SWEEP_FN("rsqrt", m::rsqrt, 1 / sqrt(v), 0, 10),
      XSYM_SWEEP_FN("cbrt", m::cbrt, cbrt(v), -10, 10),
      XSYM_SWEEP_FN("sin", m::sin, sin(v), -10, 10),
      XSYM_SWEEP_FN("cos", m::cos, cos(v), -10, 10),
      XSYM_SWEEP_FN("tan", m::tan, tan(v), -10, 10),
      XSYM_SWEEP_FN("arcsin", m::asin, asin(v), -1, 1),
      XSYM_SWEEP_FN("arccos", m::acos, acos(v), -1, 1),
      XSYM_SWEEP_FN("arctan", m::atan, atan(v), -10, 10),
      XSYM_SWEEP_FN("arcsinh", m::asinh, asinh(v), -10, 10),
      XSYM_SWEEP_FN("arccosh", m::acosh, acosh(v), 1, 10),
      XSYM_SWEEP_FN("arctanh", m::atanh, atanh(v), -1, 1),
  };
  return all;
}
#undef XSYM_SWEEP_FN

/// n inputs: even indices random finite bit patterns, odd ones uniform in [lo, hi].
template <class F>
std::vector<F> inputs(std::size_t n, double lo, double hi, std::uint64_t seed) {
  using U = std::conditional_t<sizeof(F) == 4, std::uint32_t, std::uint64_t>;
  rng r{seed};
  std::vector<F> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 2 == 0) {
      F v;
      do v = std::bit_cast<F>(U(r.next())); while (!std::isfinite(v));
      x[i] = v;
    } else {
      x[i] = F(lo + (hi - lo) * r.unit());
    }
  }
  return x;
}

template <class F>
struct result {
  std::uint64_t max_ulps = 0;
  F worst_x = 0, worst_got = 0, worst_want = 0;
  std::size_t n = 0;
};

/// Sweeps one function over n inputs of type F (in chunks) and returns the worst error.
template <class F>
result<F> sweep(const function& fn, std::size_t n, std::uint64_t seed) {
  result<F> res;
  const std::size_t chunk = std::size_t(1) << 20;
  std::vector<F> y;
  for (std::size_t done = 0; done < n; done += chunk, ++seed) {
    const std::size_t m = std::min(chunk, n - done);
    const std::vector<F> x = inputs<F>(m, fn.lo, fn.hi, seed);
    y.resize(m);
    if constexpr (sizeof(F) == 4) fn.f32(x.data(), y.data(), m); else fn.f64(x.data(), y.data(), m);
    for (std::size_t i = 0; i < m; ++i) {
      F want;
      if constexpr (sizeof(F) == 4) want = F(fn.ref32(double(x[i]))); else want = F(fn.ref64((long double)x[i]));
      const std::uint64_t d = ulps(y[i], want);
      if (d > res.max_ulps || (res.n == 0 && i == 0)) res.max_ulps = d, res.worst_x = x[i], res.worst_got = y[i], res.worst_want = want;
    }
    res.n += m;
  }
  return res;
}

}  // namespace xsym_test::math_sweep

namespace xsym_test::math_sweep {

/// hypot over n (x, y) pairs, both from `inputs` (different seeds): the worst error.
template <class F>
result<F> sweep_hypot(std::size_t n, std::uint64_t seed) {
  result<F> res;
  const std::size_t chunk = std::size_t(1) << 20;
  for (std::size_t done = 0; done < n; done += chunk, seed += 2) {
    const std::size_t m = std::min(chunk, n - done);
    const std::vector<F> x = inputs<F>(m, -10, 10, seed), y = inputs<F>(m, -10, 10, seed + 1);
    std::vector<F> z(m);
    for (std::size_t i = 0; i < m; ++i) z[i] = xsym::math::hypot(x[i], y[i]);
    for (std::size_t i = 0; i < m; ++i) {
      F want;
      if constexpr (sizeof(F) == 4) want = F(std::hypot(double(x[i]), double(y[i])));
      else want = F(std::hypot((long double)x[i], (long double)y[i]));
      const std::uint64_t d = ulps(z[i], want);
      if (d > res.max_ulps || (res.n == 0 && i == 0)) res.max_ulps = d, res.worst_x = x[i], res.worst_got = z[i], res.worst_want = want;
    }
    res.n += m;
  }
  return res;
}

}  // namespace xsym_test::math_sweep

namespace xsym_test::math_sweep {

/// pow over n (x, y) pairs: x from `inputs` over [0, 4] (a negative x gives NaN unless y is an
/// integer), y uniform in [-40, 40] for half the pairs and random bit patterns (small integers
/// included, for the negative bases) for the rest; the worst error.
template <class F>
result<F> sweep_pow(std::size_t n, std::uint64_t seed) {
  result<F> res;
  const std::size_t chunk = std::size_t(1) << 20;
  for (std::size_t done = 0; done < n; done += chunk, seed += 2) {
    const std::size_t m = std::min(chunk, n - done);
    const std::vector<F> x = inputs<F>(m, 0, 4, seed);
    std::vector<F> y = inputs<F>(m, -40, 40, seed + 1);
    for (std::size_t i = 0; i < m; i += 4) y[i] = F(std::int64_t(y[i] == y[i] ? std::fmod(double(y[i]), 64.0) : 0));
    std::vector<F> z(m);
    for (std::size_t i = 0; i < m; ++i) z[i] = xsym::math::pow(x[i], y[i]);
    for (std::size_t i = 0; i < m; ++i) {
      F want;
      if constexpr (sizeof(F) == 4) want = F(std::pow(double(x[i]), double(y[i])));
      else want = F(std::pow((long double)x[i], (long double)y[i]));
      const std::uint64_t d = ulps(z[i], want);
      if (d > res.max_ulps || (res.n == 0 && i == 0)) res.max_ulps = d, res.worst_x = x[i], res.worst_got = z[i], res.worst_want = y[i];
    }
    res.n += m;
  }
  return res;
}

}  // namespace xsym_test::math_sweep
