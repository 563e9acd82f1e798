#pragma once
// exp, expm1, log, log2, log10, log1p for float and double: xsym's own branch-free
// implementations (detail.hpp), vectorized by the compiler inside the fused loops. Accuracy is
// measured against a correctly rounded reference by tests/ops/math_test.cpp (CI: a sample; the
// full sweep of 10^7 inputs per function and type: `xsym_ops_tests "[.sweep]"`). Special values
// follow glibc: NaN in, NaN out; exp(-inf) = +0, exp(+inf) = +inf, log(0) = -inf, log(x < 0) = NaN,
// f(-0) = -0 for expm1 and log1p; subnormal results are produced, not flushed.
// float exp and log compute in float; the other float functions evaluate the double algorithm
// and round once.
#include "detail.hpp"

namespace xsym::math {

namespace detail {
// Coefficients: scripts/fit_math.py (Chebyshev fits), ascending order.
// exp_d: 11 coefficients on [-0.346574, 0.346574], fit error 1.4e-18
inline constexpr std::array<double, 11> exp_d{0.5, 0.1666666666666667, 0.04166666666666667, 0.008333333333326141, 0.0013888888888883752, 0.00019841269874800493, 2.4801587325533363e-05, 2.7557255425746435e-06, 2.7557273661348637e-07, 2.510520637395701e-08, 2.0914679376583935e-09};
// exp_f: 5 coefficients on [-0.346574, 0.346574], fit error 6.49e-8
inline constexpr std::array<float, 5> exp_f{0.5f, 0.166665778f, 0.0416665561f, 0.00836317334f, 0.00139261759f};
// expm1_d: 14 coefficients on [-0.693147, 0.693147], fit error 3.61e-20
inline constexpr std::array<double, 14> expm1_d{0.5, 0.16666666666666666, 0.04166666666666666, 0.008333333333333333, 0.0013888888888891244, 0.00019841269841271226, 2.4801587298647186e-05, 2.7557319222257365e-06, 2.755732097190181e-07, 2.5052109413092476e-08, 2.087622368368607e-09, 1.6058730274577187e-10, 1.1551385323289579e-11, 7.694582196586241e-13};
// log_d: 8 coefficients on [0, 0.0294373], fit error 2.07e-18
inline constexpr std::array<double, 8> log_d{0.6666666666666666, 0.4000000000000088, 0.28571428570803614, 0.22222222391713917, 0.18181795640132906, 0.15386239702814658, 0.13268773138656886, 0.13086626147840102};
// log_f: 9 coefficients on [-0.292893, 0.414214], fit error 2.88e-8
inline constexpr std::array<float, 9> log_f{0.333333313f, -0.24999997f, 0.200007156f, -0.166678026f, 0.142490581f, -0.124256872f, 0.116854198f, -0.114797339f, 0.0697161183f};

template <class F>
struct exp_consts;
template <>
struct exp_consts<double> {
  static constexpr double lo = -746.0, hi = 711.0;  // beyond: 0 and inf (also e^x / 2)
  static constexpr double log2e = 1.4426950408889634;
  static constexpr double ln2_hi = 0.6931471805598903;  // 42 bits: n * ln2_hi is exact
  static constexpr double ln2_lo = 5.497923018708371e-14;
  static constexpr const auto& c = exp_d;
};
template <>
struct exp_consts<float> {
  static constexpr float lo = -104.0f, hi = 89.0f;
  static constexpr float log2e = 1.44269502f;
  static constexpr float ln2_hi = 0.693359375f;  // 9 bits
  static constexpr float ln2_lo = -2.12194440e-4f;
  static constexpr const auto& c = exp_f;
};

/// exp(x) * 2^k, k a small integer; NaN propagates.
template <class F>
XSYM_INLINE F exp_scaled(F x, F k) {
  using C = exp_consts<F>;
  x = clamp_opaque(x, C::lo, C::hi);
  F n = round_small(x * C::log2e);
  F r = (x - n * C::ln2_hi) - n * C::ln2_lo;  // |r| <= ln2 / 2
  F p = F(1) + (r + r * r * poly(r, C::c));
  return scale(p, n + k);
}

inline constexpr double sqrt2 = 1.4142135623730951;
inline constexpr double ln2_hi = 0.6931471805598903, ln2_lo = 5.497923018708371e-14;

/// x = 2^k * (1 + f), 1 + f in [sqrt(1/2), sqrt(2)); for x > 0 finite (other x: any k, f).
struct log_reduced {
  double k, f;
};
XSYM_INLINE log_reduced log_reduce(double x) {
  const bool sub = x < 0x1p-1022;
  const double xs = x * (sub ? 0x1p54 : 1.0);  // not a select of x: its bits are read next
  const std::uint64_t b = bits(xs);
  // The exponent field as a double, through the magic 2^52 (SSE2 cannot convert int64).
  const double e = from_bits<double>((b >> 52) | bits(0x1p52)) - 0x1p52;
  double m = from_bits<double>((b & 0x000fffffffffffffull) | 0x3ff0000000000000ull);
  const bool big = m > sqrt2;
  m = big ? m * 0.5 : m;
  return {e - 1023.0 + (sub ? -54.0 : 0.0) + (big ? 1.0 : 0.0), m - 1.0};
}

/// log(1 + f) = f - (hfsq - s * (hfsq + R)), s = f / (2 + f): the parts.
struct log1p_parts {
  double s, hfsq, r;
  XSYM_INLINE explicit log1p_parts(double f) {
    s = f / (2.0 + f);
    double z = s * s;
    hfsq = 0.5 * f * f;
    r = z * poly(z, log_d);
  }
};

/// log's answer for the special inputs, else r.
template <class F>
XSYM_INLINE F log_special(F x, F r) {
  r = x > std::numeric_limits<F>::max() ? x : r;
  r = x == F(0) ? -inf<F> : r;
  r = x < F(0) ? nan<F> : r;
  return x != x ? x : r;
}

/// log(1 + f) as hi + lo, hi with 21 significant bits (so hi * c is exact for a 32-bit c).
struct log1p_split {
  double hi, lo;
  XSYM_INLINE explicit log1p_split(double f) {
    log1p_parts p(f);
    hi = from_bits<double>(bits(f - p.hfsq) & 0xffffffff00000000ull);
    lo = ((f - hi) - p.hfsq) + p.s * (p.hfsq + p.r);
  }
};
}  // namespace detail

/// e^x.
/// Overflows to +inf above 709.78 (88.72 float); subnormal below -708.4 (-87.3 float), +0 below
/// -745.1 (-103.97 float).
XSYM_INLINE double exp(double x) { return detail::exp_scaled(x, 0.0); }
XSYM_INLINE float exp(float x) { return detail::exp_scaled(x, 0.0f); }

/// e^x - 1, accurate near 0. -1 below -37.5 (double), +inf above 709.78; expm1(-0) = -0.
XSYM_INLINE double expm1(double x) {
  using namespace detail;
  using C = exp_consts<double>;
  const double xc = clamp_opaque(x, -40.0, C::hi);
  double n = round_small(xc * C::log2e);
  n = abs(xc) < 0.6931471805599453 ? 0.0 : n;  // no reduction where the polynomial suffices
  const double r = (xc - n * C::ln2_hi) - n * C::ln2_lo;
  const double q = r + r * r * poly(r, expm1_d);  // expm1(r)
  // n > 0: 2^n (q + (1 - 2^-n)); n <= 0: 2^n q + (2^n - 1). Both without cancellation.
  const double up = scale(q + (1.0 - exp2i(-clamp_opaque(n, -60.0, 60.0))), n);
  const double p2 = exp2i(n > 0.0 ? 0.0 : n);
  const double down = p2 * q + (p2 - 1.0);
  const double res = n > 0.0 ? up : down;
  return x == 0.0 ? x : res;
}
XSYM_INLINE float expm1(float x) { return float(expm1(double(x))); }

/// Natural logarithm. log(+-0) = -inf, log(x < 0) = NaN, log(+inf) = +inf.
XSYM_INLINE double log(double x) {
  using namespace detail;
  const auto [k, f] = log_reduce(x);
  const log1p_parts p(f);
  const double r = k * ln2_hi - ((p.hfsq - (p.s * (p.hfsq + p.r) + k * ln2_lo)) - f);
  return log_special(x, r);
}
XSYM_INLINE float log(float x) {
  using namespace detail;
  const bool sub = x < 0x1p-126f;
  const float xs = x * (sub ? 0x1p23f : 1.0f);
  const std::uint32_t b = bits(xs);
  const float e = float(std::int32_t(b >> 23));
  float m = from_bits<float>((b & 0x007fffffu) | 0x3f800000u);
  const bool big = m > 1.41421354f;
  m = big ? m * 0.5f : m;
  const float k = e - 127.0f + (sub ? -23.0f : 0.0f) + (big ? 1.0f : 0.0f);
  const float f = m - 1.0f, f2 = f * f;
  const float y = f2 * f * poly(f, log_f) - 0.5f * f2;
  const float r = (f + (y + k * exp_consts<float>::ln2_lo)) + k * exp_consts<float>::ln2_hi;
  return log_special(x, r);
}

namespace detail {
/// log(1 + (x + dx)) for a small correction dx (|dx| <= ulp(x)): the inverse functions pass the
/// rounding error of their argument.
XSYM_INLINE double log1p_dd(double x, double dx) {
  const double u = 1.0 + x;
  const auto [k, f] = log_reduce(u);
  // u's rounding error, relative: log(1 + x + dx) = log(u) + c.
  const double c = ((u >= 2.0 ? 1.0 - (u - x) : x - (u - 1.0)) + dx) / u;  // exact differences
  const log1p_parts p(f);
  const double r = k * ln2_hi - ((p.hfsq - (p.s * (p.hfsq + p.r) + (k * ln2_lo + c))) - f);
  return x == 0.0 ? x : log_special(u, r);
}
}  // namespace detail

/// log(1 + x), accurate near 0. log1p(-1) = -inf, NaN below -1, log1p(-0) = -0.
XSYM_INLINE double log1p(double x) { return detail::log1p_dd(x, 0.0); }
XSYM_INLINE float log1p(float x) { return float(log1p(double(x))); }

/// Base-2 logarithm; exact for powers of two. Special values as log.
XSYM_INLINE double log2(double x) {
  using namespace detail;
  const auto [k, f] = log_reduce(x);
  const log1p_split l(f);
  constexpr double ivln2_hi = 1.4426950407214463, ivln2_lo = 1.6751713164886512e-10;
  const double v_hi = l.hi * ivln2_hi;
  double v_lo = (l.lo + l.hi) * ivln2_lo + l.lo * ivln2_hi;
  const double w = k + v_hi;  // exact sum w + ((k - w) + v_hi): |k| >= 1 > |v_hi| or k = 0
  v_lo += (k - w) + v_hi;
  return log_special(x, v_lo + w);
}
XSYM_INLINE float log2(float x) { return float(log2(double(x))); }

/// Base-10 logarithm. Special values as log.
XSYM_INLINE double log10(double x) {
  using namespace detail;
  const auto [k, f] = log_reduce(x);
  const log1p_split l(f);
  constexpr double ivln10_hi = 0.4342944818781689, ivln10_lo = 2.5082946711645275e-11;
  constexpr double log10_2hi = 0.30102999566395283, log10_2lo = 2.8363394551044964e-14;
  const double y = k * log10_2hi;
  const double v_hi = l.hi * ivln10_hi;
  double v_lo = (l.lo + l.hi) * ivln10_lo + l.lo * ivln10_hi;
  const double w = y + v_hi;
  v_lo += k * log10_2lo + ((y - w) + v_hi);
  return log_special(x, v_lo + w);
}
XSYM_INLINE float log10(float x) { return float(log10(double(x))); }

}  // namespace xsym::math
