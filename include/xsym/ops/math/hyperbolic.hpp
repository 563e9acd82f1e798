#pragma once
// tanh, sinh, cosh and their inverses, sigmoid and softsign, for float and double (see
// exp_log.hpp for the conventions). float tanh computes in float; the other float functions
// evaluate the double algorithm and round once.
#include "exp_log.hpp"

namespace xsym::math {

namespace detail {
// tanh_d: 12 coefficients on [0, 0.30250000000000005], fit error 2.23e-19
inline constexpr std::array<double, 12> tanh_d{-0.3333333333333333, 0.1333333333333331, -0.05396825396822037, 0.021869488534073906, -0.0088632354631468, 0.0035921267699626346, -0.001455819097151351, 0.0005899052969492733, -0.0002384727248015252, 9.455133052924858e-05, -3.372080112046316e-05, 7.874274345344419e-06};
// tanh_f: 5 coefficients on [0, 0.30250000000000005], fit error 1.31e-8
inline constexpr std::array<float, 5> tanh_f{-0.333333313f, 0.133331135f, -0.0539094284f, 0.0213093888f, -0.00661022775f};
// sinh_d: 10 coefficients on [0, 4], fit error 8.05e-23
inline constexpr std::array<double, 10> sinh_d{0.16666666666666666, 0.008333333333333333, 0.00019841269841269839, 2.7557319223986947e-06, 2.5052108385270325e-08, 1.6059043852806157e-10, 7.647162824643673e-13, 2.8114890977692666e-15, 8.213889383765696e-18, 2.0361588422670037e-20};
}  // namespace detail

/// Hyperbolic tangent: odd, +-1 beyond 19.1 (9.01 float), tanh(-0) = -0.
template <class F>
  requires std::is_floating_point_v<F>
XSYM_INLINE F tanh(F x) {
  using namespace detail;
  const F a = abs(x), z = x * x;
  F small;
  if constexpr (sizeof(F) == 8) small = x + x * (z * poly(z, tanh_d)); else small = x + x * (z * poly(z, tanh_f));
  // 1 - 2 / (e^(2|x|) + 1): e^(2|x|) overflows to inf for large |x|, giving 1.
  const F large = mulsign(F(1) - F(2) / (exp_scaled(a + a, F(0)) + F(1)), x);
  const F r = a < F(0.55) ? small : large;
  return x == F(0) ? x : r;
}

/// Hyperbolic sine: odd, +-inf beyond 710.5, sinh(-0) = -0.
XSYM_INLINE double sinh(double x) {
  using namespace detail;
  const double a = abs(x), z = x * x;
  const double small = x + x * (z * poly(z, sinh_d));
  const double h = exp_scaled(a, -1.0);  // e^|x| / 2, finite up to |x| = 710.47
  const double large = mulsign(h - 0.25 / h, x);
  const double r = a < 2.0 ? small : large;
  return x == 0.0 ? x : r;
}
XSYM_INLINE float sinh(float x) { return float(sinh(double(x))); }

/// Hyperbolic cosine: even, >= 1, +inf beyond 710.5.
XSYM_INLINE double cosh(double x) {
  const double h = detail::exp_scaled(detail::abs(x), -1.0);
  return h + 0.25 / h;
}
XSYM_INLINE float cosh(float x) { return float(cosh(double(x))); }

/// The logistic function 1 / (1 + e^-x), in (0, 1]: e^x / (1 + e^x) for x < 0, so that it has
/// subnormal results (sigmoid(-100f) = 3.7e-44) instead of underflowing early.
XSYM_INLINE double sigmoid(double x) {
  using namespace detail;
  const double e = exp_scaled(-abs(x), 0.0);  // in (0, 1]
  const double s = 1.0 + e, lo = (1.0 - s) + e;  // 1 + e = s + lo exactly
  const double q = (x < 0.0 ? e : 1.0) / s;
  return q - q * (lo / s);
}
XSYM_INLINE float sigmoid(float x) { return float(sigmoid(double(x))); }

/// x / (1 + |x|), in (-1, 1); odd.
XSYM_INLINE double softsign(double x) { return x / (1.0 + detail::abs(x)); }
XSYM_INLINE float softsign(float x) { return float(double(x) / (1.0 + double(detail::abs(x)))); }

/// Inverse hyperbolic sine: odd; asinh(-0) = -0.
XSYM_INLINE double asinh(double x) {
  using namespace detail;
  const double a = abs(x), a2 = a * a;
  const double q = a2 / (1.0 + __builtin_sqrt(1.0 + a2)), s = a + q;                // a < 2:
  const double small = log1p_dd(s, q - (s - a));                                  // log1p(a + q)
  const double mid = log(2.0 * a + 1.0 / (__builtin_sqrt(a2 + 1.0) + a));         // 2 <= a < 2^28
  const double large = log(a) + 0.6931471805599453;                               // a >= 2^28
  const double r = mulsign(a < 2.0 ? small : a < 0x1p28 ? mid : large, x);
  return x == 0.0 ? x : x != x ? x : r;
}
XSYM_INLINE float asinh(float x) { return float(asinh(double(x))); }

/// Inverse hyperbolic cosine, for x >= 1 (NaN below).
XSYM_INLINE double acosh(double x) {
  using namespace detail;
  const double t = x - 1.0;
  const double v = __builtin_sqrt(2.0 * t + t * t), s = v + t;                     // x < 2:
  const double small = log1p_dd(s, t - (s - v));                                  // log1p(t + v)
  const double mid = log(2.0 * x - 1.0 / (x + __builtin_sqrt(x * x - 1.0)));      // 2 <= x < 2^28
  const double large = log(x) + 0.6931471805599453;                               // x >= 2^28
  const double r = x < 2.0 ? small : x < 0x1p28 ? mid : large;
  return x < 1.0 ? nan<double> : r;
}
XSYM_INLINE float acosh(float x) { return float(acosh(double(x))); }

/// Inverse hyperbolic tangent, for |x| <= 1 (+-inf at +-1, NaN beyond); atanh(-0) = -0.
XSYM_INLINE double atanh(double x) {
  using namespace detail;
  // atanh(a) = log1p(2a / (1 - a)) / 2, with the rounding errors of 1 - a and of the quotient.
  const double a = abs(x), twice = a + a;
  const double d = 1.0 - a, d_lo = (1.0 - d) - a;  // 1 - a = d + d_lo
  const double u = twice / d;
  const double uh = split_hi(u), ul = u - uh, dh = split_hi(d), dl = d - dh;
  const double p = u * d, p_lo = ((uh * dh - p) + uh * dl + ul * dh) + ul * dl;  // u d = p + p_lo
  const double du = ((twice - p) - p_lo) / d - u * (d_lo / d);
  const double r = mulsign(0.5 * log1p_dd(u, du), x);
  return x == 0.0 ? x : x != x ? x : a > 1.0 ? nan<double> : r;
}
XSYM_INLINE float atanh(float x) { return float(atanh(double(x))); }

}  // namespace xsym::math
