#pragma once
// Roots and powers for float and double: rsqrt, cbrt, hypot, pow (see exp_log.hpp for the
// conventions). The float functions evaluate in double and round once.
#include "exp_log.hpp"

namespace xsym::math {

namespace detail {
// cbrt_d: 5 coefficients on [1, 8], fit error 0.00344
inline constexpr std::array<double, 5> cbrt_d{0.6538962985569791, 0.4121814779629245, -0.06797280035500547, 0.0069891694835587225, -0.0002882199346276574};
}  // namespace detail

/// 1 / sqrt(x): +inf at +0, -inf at -0, NaN below 0, +0 at +inf.
XSYM_INLINE double rsqrt(double x) { return 1.0 / __builtin_sqrt(x); }
XSYM_INLINE float rsqrt(float x) { return float(1.0 / __builtin_sqrt(double(x))); }

/// Cube root: odd, exact for cubes of small integers, +-0, +-inf and NaN pass through.
XSYM_INLINE double cbrt(double x) {
  using namespace detail;
  const double a = abs(x);
  const bool sub = a < 0x1p-1022;
  const std::uint64_t b = bits(a * (sub ? 0x1p54 : 1.0));
  const double e = from_bits<double>((b >> 52) | bits(0x1p52)) - (0x1p52 + 1023.0);
  const double m = from_bits<double>((b & 0x000fffffffffffffull) | 0x3ff0000000000000ull);  // [1, 2)
  const double q = round_small((e - 1.0) * (1.0 / 3.0));  // floor(e / 3), exactly
  const double mm = m * exp2i(e - 3.0 * q);               // [1, 8); cbrt(a) = cbrt(mm) 2^q
  double y = poly(mm, cbrt_d);
  auto halley = [mm](double v) {  // cubic convergence: 1.7e-3 -> 5e-9 -> 1e-25
    const double t = v * v * v;
    return v * (t + 2.0 * mm) / (2.0 * t + mm);
  };
  y = halley(halley(y));
  y = y - (y - mm / (y * y)) * (1.0 / 3.0);  // one Newton step: the last rounding
  const double r = mulsign(y * exp2i(q + (sub ? -18.0 : 0.0)), x);
  return a > std::numeric_limits<double>::max() ? x : x == 0.0 ? x : x != x ? x : r;
}
XSYM_INLINE float cbrt(float x) { return float(cbrt(double(x))); }

/// sqrt(x^2 + y^2) without overflow or underflow in between; +inf if either is infinite (even
/// with a NaN), else NaN if either is NaN.
XSYM_INLINE double hypot(double x, double y) {
  using namespace detail;
  const double a = abs(x), b = abs(y);
  const double big = a > b ? a : b, small = a > b ? b : a;
  // big = 2^e m, m in [1, 2): sqrt(m^2 + (small 2^-e)^2) 2^e.
  const bool sub = big < 0x1p-1022;
  const double bs = big * (sub ? 0x1p54 : 1.0);
  const double e = from_bits<double>((bits(bs) >> 52) | bits(0x1p52)) - (0x1p52 + 1023.0) + (sub ? -54.0 : 0.0);
  const double m = scale(big, -e), s = scale(small, -e);
  const double r = scale(__builtin_sqrt(m * m + s * s), e);
  return a == inf<double> ? inf<double> : b == inf<double> ? inf<double> : x != x ? x + y : y != y ? x + y : big == 0.0 ? 0.0 : r;
}
XSYM_INLINE float hypot(float x, float y) {
  const double a = x, b = y;  // squares exact in double, one rounding of the sum: no overflow
  const float r = float(__builtin_sqrt(a * a + b * b));
  return detail::abs(x) == detail::inf<float> ? detail::inf<float> : detail::abs(y) == detail::inf<float> ? detail::inf<float> : r;
}

namespace detail {
/// log_d without its first coefficient: (L(z) - 2/3) / z.
inline constexpr auto log_d_tail = [] {
  std::array<double, log_d.size() - 1> t{};
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = log_d[i + 1];
  return t;
}();

/// log(x) for x > 0 finite as hi + lo, relative error about 2^-68: 2 atanh(s), s = f / (2 + f),
/// with s and the s^3 term in double-double.
XSYM_INLINE void log_dd(double x, double& hi, double& lo) {
  const auto [k, f] = log_reduce(x);
  const double d = 2.0 + f, d_lo = f - (d - 2.0);  // 2 + f = d + d_lo exactly
  const double s = f / d;
  double p, p_lo;
  two_prod(s, d, p, p_lo);
  const double s_lo = (((f - p) - p_lo) - s * d_lo) / d;  // f / (2 + f) = s + s_lo
  // 2 atanh(s) = 2 s + (2/3) s^3 + s^5 L'(z), z = s^2.
  const two_sq z(s);
  double c, c_lo;
  two_prod(s, z.hi, c, c_lo);
  c_lo += s * z.lo + 3.0 * s_lo * z.hi;  // s^3 = c + c_lo
  constexpr double two_thirds = 0.6666666666666666, two_thirds_lo = 3.700743415417188e-17;
  double t, t_lo;
  two_prod(c, two_thirds, t, t_lo);
  t_lo += c_lo * two_thirds + c * two_thirds_lo;
  const double r5 = c * z.hi * poly(z.hi, log_d_tail);
  // k ln2 + 2 s + t + r5, largest first, the errors carried (k ln2_hi is exact).
  const double a = k * ln2_hi;
  double u, u_lo;
  two_sum(a, 2.0 * s, u, u_lo);
  u_lo += k * ln2_lo + 2.0 * s_lo;
  double w, w_lo;
  two_sum(u, t, w, w_lo);
  w_lo += u_lo + (t_lo + r5);
  hi = w + w_lo;
  lo = w_lo - (hi - w);
}

/// e^(h + l), |l| <= ulp(h).
XSYM_INLINE double exp_dd(double h, double l) {
  using C = exp_consts<double>;
  l = h < C::lo ? 0.0 : h > C::hi ? 0.0 : l;  // beyond the range (l may be NaN then): 0 or inf anyway
  h = clamp_opaque(h, C::lo, C::hi);
  const double n = round_small(h * C::log2e);
  const double r = ((h - n * C::ln2_hi) + l) - n * C::ln2_lo;
  return scale(1.0 + (r + r * r * poly(r, C::c)), n);
}
}  // namespace detail

/// x^y, with C's special cases (pow(x, +-0) = 1, pow(1, y) = 1, pow(-1, +-inf) = 1, +-0 and
/// +-inf bases by the parity of y, NaN for a negative base and a non-integer y).
XSYM_INLINE double pow(double x, double y) {
  using namespace detail;
  // Written as selects between doubles only (see detail.hpp: no && or ||).
  const double a = abs(x), ay = abs(y), half = ay * 0.5;
  const double ay_int = ay >= 0x1p52 ? ay : (ay + 0x1p52) - 0x1p52;        // rint(|y|)
  const double half_int = half >= 0x1p52 ? half : (half + 0x1p52) - 0x1p52;  // rint(|y| / 2)
  const double odd = ay_int == ay ? (half_int != half ? 1.0 : 0.0) : 0.0;  // y an odd integer
  const double neg = x < 0.0 ? odd : 0.0;                                   // the result's sign is -
  double lh, ll, eh, el;
  log_dd(a, lh, ll);
  // |y| beyond 2^990 decides nothing (y log|x| overflows unless |x| = 1), and would overflow
  // the split of the exact product.
  const double yc = clamp_opaque(y, -0x1p990, 0x1p990);
  two_prod(yc, lh, eh, el);
  el += yc * ll;
  const double sign = neg == 1.0 ? -1.0 : 1.0;
  double r = exp_dd(eh, el) * sign;
  r = x < 0.0 ? (ay_int == ay ? r : nan<double>) : r;  // a negative base needs an integer y
  const double at_zero = y < 0.0 ? (odd == 1.0 ? 1.0 / x : inf<double>) : (odd == 1.0 ? x : 0.0);
  r = a == 0.0 ? at_zero : r;
  r = a == inf<double> ? (y < 0.0 ? 0.0 * sign : inf<double> * sign) : r;
  r = ay == inf<double> ? (a == 1.0 ? 1.0 : (a < 1.0 ? (y < 0.0 ? inf<double> : 0.0) : (y < 0.0 ? 0.0 : inf<double>))) : r;
  r = x != x ? x + y : r;
  r = y != y ? x + y : r;
  r = y == 0.0 ? 1.0 : r;
  return x == 1.0 ? 1.0 : r;
}
XSYM_INLINE float pow(float x, float y) { return float(pow(double(x), double(y))); }

}  // namespace xsym::math
