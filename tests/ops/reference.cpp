// Reference semantics of every op of the operator table (include/xsym/ops/table.hpp), written
// out in the tests from the documented rules (MXNet's mshadow_op.h, Python, arithmetic.hpp's
// comments), not from the library's code:
//   - integer + - * and negation wrap modulo 2^bits (computed here in __int128, then reduced);
//   - integer x / 0 == 0, x % 0 == 0 (floats too for %), min / -1 wraps to min;
//   - % is Python's: the result has the sign of the divisor;
//   - integer power is exact modulo 2^bits for b >= 0 (here: left-to-right square-and-multiply
//     in uint64_t), and the real result truncated toward zero for b < 0;
//   - float -> integer conversion saturates, NaN gives 0; integer -> integer is modular;
//   - "via_double" ops compute an integer input in double and convert back with saturation;
//     float inputs are computed in their own type with the same std:: function, except the
//     `approximate` ops (xsym's own math): their reference is the correctly rounded result,
//     and a result agrees with it within 2 ulp (`agrees`);
//   - NaN propagates through maximum, minimum, relu and clip; comparisons give 0 or 1.
//
// This file is included by tests/ops/element_test.cpp and tests/exec/ops_agreement_test.cpp
// (the test layout allows only .cpp files there). Compiled on its own, as part of the ops test
// binary, it defines nothing but inline templates.
#ifndef XSYM_TESTS_OPS_REFERENCE_CPP
#define XSYM_TESTS_OPS_REFERENCE_CPP

#include <xsym/xsym.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace ref {

namespace ops = xsym::ops;

template <class T>
inline constexpr bool is_float = std::is_floating_point_v<T>;

/// Whether comparisons tell +0.0 from -0.0. MXNet (mshadow_op.h) and NumPy give abs(-0.0) ==
/// +0.0 and negative(+0.0) == -0.0; set to false only to silence those checks.
inline constexpr bool compare_zero_signs = true;

template <class T>
bool is_nan(T x) {
  if constexpr (is_float<T>) return x != x; else return false;
}

/// Modular reduction of an exact integer result to T's width.
template <class T>
T wrap(__int128 v) {
  return static_cast<T>(static_cast<std::uint64_t>(static_cast<unsigned __int128>(v)));
}

/// Float to integer: toward zero, saturating at T's bounds, NaN to 0.
template <class T>
T saturate(double d) {
  if (std::isnan(d)) return T(0);
  const double t = std::trunc(d);
  const double top = std::ldexp(1.0, std::numeric_limits<T>::digits);  // max + 1
  const double bottom = std::is_signed_v<T> ? -top : 0.0;              // min
  if (t >= top) return std::numeric_limits<T>::max();
  if (t <= bottom) return std::numeric_limits<T>::min();
  return static_cast<T>(t);
}

/// The element conversion of cast<To> (and of a scalar to the element type, MXNet's DType(s)).
template <class To, class From>
To to(From x) {
  if constexpr (std::is_integral_v<To> && is_float<From>) return saturate<To>(double(x));
  else if constexpr (std::is_integral_v<To>) return wrap<To>(__int128(x));
  else return static_cast<To>(x);
}

/// A via_double op: floats in their own type, integers in double then saturated back.
template <class T, class F>
T real(T x, F f) {
  if constexpr (is_float<T>) return f(x); else return saturate<T>(f(double(x)));
}
/// An op computed by xsym's own math on floats (include/xsym/ops/math.hpp): the reference is the
/// correctly rounded result (computed in long double, rounded once), and results may differ from
/// it by 2 ulp (`agrees`). Integers: computed in double and saturated, as `real`.
template <class Op>
inline constexpr bool approximate = false;
template <class T, class F>
T precise(T x, F f) {
  if constexpr (is_float<T>) return T(f((long double)x)); else return saturate<T>(f(double(x)));
}
template <class T, class F>
T real(T a, T b, F f) {
  if constexpr (is_float<T>) return f(a, b); else return saturate<T>(f(double(a), double(b)));
}

// ---- unary ops -----------------------------------------------------------------------------
template <class T> T eval(ops::negative, T x) { if constexpr (is_float<T>) return -x; else return wrap<T>(-__int128(x)); }
template <class T> T eval(ops::abs, T x) {
  if constexpr (is_float<T>) return std::fabs(x); else return wrap<T>(x < 0 ? -__int128(x) : __int128(x));
}
template <class T> T eval(ops::sign, T x) { return is_nan(x) ? T(0) : x > T(0) ? T(1) : x < T(0) ? T(-1) : T(0); }
template <class T> T eval(ops::round, T x) { if constexpr (is_float<T>) return std::round(x); else return x; }
template <class T> T eval(ops::rint, T x) { if constexpr (is_float<T>) return std::nearbyint(x); else return x; }
template <class T> T eval(ops::ceil, T x) { if constexpr (is_float<T>) return std::ceil(x); else return x; }
template <class T> T eval(ops::floor, T x) { if constexpr (is_float<T>) return std::floor(x); else return x; }
template <class T> T eval(ops::trunc, T x) { if constexpr (is_float<T>) return std::trunc(x); else return x; }
template <class T> T eval(ops::fix, T x) { if constexpr (is_float<T>) return std::trunc(x); else return x; }
template <class T> T eval(ops::square, T x) { if constexpr (is_float<T>) return x * x; else return wrap<T>(__int128(x) * x); }
template <class T> T eval(ops::sqrt, T x) { return real(x, [](auto v) { return std::sqrt(v); }); }
template <> inline constexpr bool approximate<ops::rsqrt> = true;
template <class T> T eval(ops::rsqrt, T x) { return precise(x, [](auto v) { return decltype(v)(1) / std::sqrt(v); }); }
template <> inline constexpr bool approximate<ops::cbrt> = true;
template <class T> T eval(ops::cbrt, T x) { return precise(x, [](auto v) { return std::cbrt(v); }); }
template <> inline constexpr bool approximate<ops::rcbrt> = true;
template <class T> T eval(ops::rcbrt, T x) { return precise(x, [](auto v) { return decltype(v)(1) / std::cbrt(v); }); }
template <class T> T eval(ops::reciprocal, T x) { return real(x, [](auto v) { return decltype(v)(1) / v; }); }
template <> inline constexpr bool approximate<ops::exp> = true;
template <class T> T eval(ops::exp, T x) { return precise(x, [](auto v) { return std::exp(v); }); }
template <> inline constexpr bool approximate<ops::expm1> = true;
template <class T> T eval(ops::expm1, T x) { return precise(x, [](auto v) { return std::expm1(v); }); }
template <> inline constexpr bool approximate<ops::log> = true;
template <class T> T eval(ops::log, T x) { return precise(x, [](auto v) { return std::log(v); }); }
template <> inline constexpr bool approximate<ops::log2> = true;
template <class T> T eval(ops::log2, T x) { return precise(x, [](auto v) { return std::log2(v); }); }
template <> inline constexpr bool approximate<ops::log10> = true;
template <class T> T eval(ops::log10, T x) { return precise(x, [](auto v) { return std::log10(v); }); }
template <> inline constexpr bool approximate<ops::log1p> = true;
template <class T> T eval(ops::log1p, T x) { return precise(x, [](auto v) { return std::log1p(v); }); }
template <> inline constexpr bool approximate<ops::sin> = true;
template <class T> T eval(ops::sin, T x) { return precise(x, [](auto v) { return std::sin(v); }); }
template <> inline constexpr bool approximate<ops::cos> = true;
template <class T> T eval(ops::cos, T x) { return precise(x, [](auto v) { return std::cos(v); }); }
template <> inline constexpr bool approximate<ops::tan> = true;
template <class T> T eval(ops::tan, T x) { return precise(x, [](auto v) { return std::tan(v); }); }
template <> inline constexpr bool approximate<ops::arcsin> = true;
template <class T> T eval(ops::arcsin, T x) { return precise(x, [](auto v) { return std::asin(v); }); }
template <> inline constexpr bool approximate<ops::arccos> = true;
template <class T> T eval(ops::arccos, T x) { return precise(x, [](auto v) { return std::acos(v); }); }
template <> inline constexpr bool approximate<ops::arctan> = true;
template <class T> T eval(ops::arctan, T x) { return precise(x, [](auto v) { return std::atan(v); }); }
template <> inline constexpr bool approximate<ops::sinh> = true;
template <class T> T eval(ops::sinh, T x) { return precise(x, [](auto v) { return std::sinh(v); }); }
template <> inline constexpr bool approximate<ops::cosh> = true;
template <class T> T eval(ops::cosh, T x) { return precise(x, [](auto v) { return std::cosh(v); }); }
template <> inline constexpr bool approximate<ops::tanh> = true;
template <class T> T eval(ops::tanh, T x) { return precise(x, [](auto v) { return std::tanh(v); }); }
template <> inline constexpr bool approximate<ops::arcsinh> = true;
template <class T> T eval(ops::arcsinh, T x) { return precise(x, [](auto v) { return std::asinh(v); }); }
template <> inline constexpr bool approximate<ops::arccosh> = true;
template <class T> T eval(ops::arccosh, T x) { return precise(x, [](auto v) { return std::acosh(v); }); }
template <> inline constexpr bool approximate<ops::arctanh> = true;
template <class T> T eval(ops::arctanh, T x) { return precise(x, [](auto v) { return std::atanh(v); }); }
// MXNet: a * (180 / pi) and a * (pi / 180), the constant rounded to the element type.
template <class T> T eval(ops::degrees, T x) {
  return real(x, [](auto v) { return v * decltype(v)(180.0 / std::numbers::pi_v<double>); });
}
template <class T> T eval(ops::radians, T x) {
  return real(x, [](auto v) { return v * decltype(v)(std::numbers::pi_v<double> / 180.0); });
}
template <class T> T eval(ops::relu, T x) { return is_nan(x) ? x : x > T(0) ? x : T(0); }
template <> inline constexpr bool approximate<ops::sigmoid> = true;
template <class T> T eval(ops::sigmoid, T x) {
  return precise(x, [](auto v) { using V = decltype(v); return V(1) / (V(1) + std::exp(-v)); });
}
template <> inline constexpr bool approximate<ops::softsign> = true;
template <class T> T eval(ops::softsign, T x) {
  return precise(x, [](auto v) { using V = decltype(v); return v / (V(1) + std::fabs(v)); });
}
template <> inline constexpr bool approximate<ops::erf> = true;
template <class T> T eval(ops::erf, T x) { return precise(x, [](auto v) { return std::erf(v); }); }
// float32 gamma is xsym's own (computed in double): the reference is glibc's double tgamma,
// rounded once; float64 gamma is glibc's tgamma itself.
template <> inline constexpr bool approximate<ops::gamma> = true;
template <class T> T eval(ops::gamma, T x) {
  if constexpr (std::is_same_v<T, float>) return float(std::tgamma(double(x)));
  else return real(x, [](auto v) { return std::tgamma(v); });
}
template <class T> T eval(ops::logical_not, T x) { return x == T(0) ? T(1) : T(0); }
template <class T> T eval(ops::zeros_like, T) { return T(0); }
template <class T> T eval(ops::ones_like, T) { return T(1); }
template <class T> T eval(ops::identity, T x) { return x; }

// ---- binary ops ----------------------------------------------------------------------------
template <class T> T eval(ops::plus, T a, T b) { if constexpr (is_float<T>) return a + b; else return wrap<T>(__int128(a) + b); }
template <class T> T eval(ops::minus, T a, T b) { if constexpr (is_float<T>) return a - b; else return wrap<T>(__int128(a) - b); }
template <class T> T eval(ops::mul, T a, T b) { if constexpr (is_float<T>) return a * b; else return wrap<T>(__int128(a) * b); }
template <class T> T eval(ops::div, T a, T b) {
  if constexpr (is_float<T>) return a / b;
  else return b == 0 ? T(0) : wrap<T>(__int128(a) / __int128(b));
}
template <class T> T eval(ops::mod, T a, T b) {
  if (b == T(0)) return T(0);
  if constexpr (is_float<T>) {
    // CPython's float_rem.
    T r = std::fmod(a, b);
    if (r != T(0)) {
      if ((b < T(0)) != (r < T(0))) r += b;
    } else {
      r = std::copysign(T(0), b);
    }
    return r;
  } else {
    // a - floor(a / b) * b, with floor division done exactly.
    __int128 q = __int128(a) / __int128(b);
    if (__int128(a) % __int128(b) != 0 && ((a < 0) != (b < 0))) --q;
    return wrap<T>(__int128(a) - q * __int128(b));
  }
}
template <> inline constexpr bool approximate<ops::power> = true;
template <class T> T eval(ops::power, T a, T b) {
  if constexpr (is_float<T>) {
    return T(std::pow((long double)a, (long double)b));
  } else {
    if (b < T(0)) return saturate<T>(std::pow(double(a), double(b)));
    const std::uint64_t base = static_cast<std::uint64_t>(static_cast<std::int64_t>(a));
    const std::uint64_t e = static_cast<std::uint64_t>(b);
    std::uint64_t r = 1;
    for (int bit = 63; bit >= 0; --bit) {
      r *= r;
      if ((e >> bit) & 1u) r *= base;
    }
    return static_cast<T>(r);
  }
}
template <class T> T eval(ops::maximum, T a, T b) { return is_nan(a) ? a : is_nan(b) ? b : a > b ? a : b; }
template <class T> T eval(ops::minimum, T a, T b) { return is_nan(a) ? a : is_nan(b) ? b : a < b ? a : b; }
template <> inline constexpr bool approximate<ops::hypot> = true;
template <class T> T eval(ops::hypot, T a, T b) {
  if constexpr (is_float<T>) return T(std::hypot((long double)a, (long double)b));
  else return real(a, b, [](auto x, auto y) { return std::hypot(x, y); });
}
template <class T> T eval(ops::equal, T a, T b) { return a == b ? T(1) : T(0); }
template <class T> T eval(ops::not_equal, T a, T b) { return a != b ? T(1) : T(0); }
template <class T> T eval(ops::greater, T a, T b) { return a > b ? T(1) : T(0); }
template <class T> T eval(ops::greater_equal, T a, T b) { return a >= b ? T(1) : T(0); }
template <class T> T eval(ops::lesser, T a, T b) { return a < b ? T(1) : T(0); }
template <class T> T eval(ops::lesser_equal, T a, T b) { return a <= b ? T(1) : T(0); }

/// `x op s` (or `s op x` when reversed), the scalar already converted to T.
template <class B, bool Reversed, class T>
T eval_scalar(T s, T x) {
  return Reversed ? eval(B{}, s, x) : eval(B{}, x, s);
}

/// clip: NaN passes; above a_max gives a_max, else below a_min gives a_min (MXNet's order).
template <class T>
T eval_clip(T lo, T hi, T x) {
  if (is_nan(x)) return x;
  if (x > hi) return hi;
  if (x < lo) return lo;
  return x;
}

/// smooth_l1 with sigma s (already converted to T), from its definition: 0.5 (s x)^2 where
/// |x| < 1 / s^2, else |x| - 0.5 / s^2; floats computed in long double and rounded once,
/// integers computed in double and saturated (via_double).
template <class T>
T eval_smooth_l1(T s, T x) {
  auto f = [](auto sigma, auto v) {
    using R = decltype(v);
    const R sq = R(sigma) * R(sigma);
    const R magnitude = v < 0 ? -v : v;
    return magnitude * sq >= R(1) ? magnitude - R(0.5) / sq : R(0.5) * v * v * sq;
  };
  if constexpr (is_float<T>) return T(f((long double)s, (long double)x));
  else return saturate<T>(f(double(s), double(x)));
}

// ---- comparing results ---------------------------------------------------------------------

/// Equal values, or both NaN; +0.0 and -0.0 differ when compare_zero_signs.
template <class T>
bool same(T got, T want, bool zero_signs = compare_zero_signs) {
  if constexpr (is_float<T>) {
    if (is_nan(got) || is_nan(want)) return is_nan(got) && is_nan(want);
    return got == want && (!zero_signs || std::signbit(got) == std::signbit(want));
  } else {
    return got == want;
  }
}

/// Distance in units in the last place: how many representable values lie between a and b
/// (+0.0 and -0.0 are one value, infinity is the value after the largest finite one).
/// NaN against NaN is 0, NaN against a number is the maximum.
template <class T>
std::uint64_t ulp_distance(T a, T b) {
  static_assert(is_float<T>);
  if (is_nan(a) || is_nan(b)) return is_nan(a) && is_nan(b) ? 0 : std::numeric_limits<std::uint64_t>::max();
  using Bits = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;
  auto key = [](T x) {
    Bits bits = std::bit_cast<Bits>(x);
    __int128 magnitude = bits & std::numeric_limits<Bits>::max();
    return bits < 0 ? -magnitude : magnitude;
  };
  __int128 d = key(a) - key(b);
  return static_cast<std::uint64_t>(d < 0 ? -d : d);
}

/// got and want are the same (ref::same), or floats at most `ulps` apart.
template <class T>
bool within_ulp(T got, T want, std::uint64_t ulps) {
  if constexpr (is_float<T>) return same(got, want) || ulp_distance(got, want) <= ulps;
  else return same(got, want);
}

/// got agrees with the reference want of op Op: the same (ref::same), or for an `approximate`
/// op on floats: both NaN, the same infinity or signed zero, else at most 2 ulp apart.
template <class Op, class T>
bool agrees(T got, T want) {
  if constexpr (is_float<T> && approximate<Op>) {
    if (is_nan(want) || want == T(0) || std::isinf(want)) return same(got, want);
    return ulp_distance(got, want) <= 2;
  } else {
    return same(got, want);
  }
}

/// A value for messages: int8/uint8 as numbers, floats with all their digits.
template <class T>
std::string show(T x) {
  std::ostringstream os;
  os.precision(std::numeric_limits<T>::max_digits10);
  if constexpr (is_float<T>) os << x; else os << static_cast<long long>(x);
  return os.str();
}

template <class T> constexpr const char* type_name() {
  if constexpr (std::is_same_v<T, float>) return "float32";
  else if constexpr (std::is_same_v<T, double>) return "float64";
  else if constexpr (std::is_same_v<T, std::int32_t>) return "int32";
  else if constexpr (std::is_same_v<T, std::int64_t>) return "int64";
  else if constexpr (std::is_same_v<T, std::int8_t>) return "int8";
  else return "uint8";
}

// ---- inputs --------------------------------------------------------------------------------

/// Interesting element values of T: zeros, +-1, small integers, halves (rounding ties),
/// values outside the domains of sqrt/log/arcsin/arccosh/arctanh, large values, the type's
/// bounds, and for floats -0.0, the smallest normal and subnormal, infinities and NaN.
template <class T>
std::vector<T> interesting() {
  using L = std::numeric_limits<T>;
  if constexpr (is_float<T>) {
    return {T(0), T(-0.0), T(1), T(-1), T(0.5), T(-0.5), T(1.5), T(-1.5), T(2.5), T(-2.5), T(3.5),
            T(2), T(-2), T(3), T(-3), T(7), T(-7), T(0.1), T(-0.3), T(0.999), T(1.001), T(10), T(13),
            T(-27), T(100), T(-100), T(88.5), T(-104), T(710), T(1e10), T(-1e10), T(1e30), L::max(),
            L::lowest(), L::min(), L::denorm_min(), L::infinity(), -L::infinity(), L::quiet_NaN()};
  } else {
    std::vector<T> v;
    for (long long x : {0LL, 1LL, -1LL, 2LL, -2LL, 3LL, -3LL, 5LL, 7LL, -7LL, 10LL, 13LL, -27LL, 100LL, -100LL,
                        127LL, -128LL, 200LL, 255LL, 65536LL, -65536LL, 3000000000LL})
      v.push_back(wrap<T>(x));
    for (T x : {L::max(), L::min(), T(L::max() - 1), T(L::min() + 1)}) v.push_back(x);
    return v;
  }
}

}  // namespace ref

#endif  // XSYM_TESTS_OPS_REFERENCE_CPP
