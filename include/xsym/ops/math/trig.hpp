#pragma once
// sin, cos, tan, asin, acos, atan for float and double (see exp_log.hpp for the conventions).
// The float functions evaluate the double algorithm and round once.
// Argument reduction of sin, cos, tan: x = q pi/2 + (y0 + y1), with pi/2 in three 33-bit parts
// (Cody and Waite, with the rounding error of each step carried): exact enough for
// |x| < 2^20 pi/2 (1.6e6); beyond, Payne and Hanek's reduction with a table of 2/pi
// (trig_reduce_large).
#include <utility>

#include "exp_log.hpp"

namespace xsym::math {

namespace detail {
// asin_d: 13 coefficients on [0, 0.25], fit error 1.5e-17
inline constexpr std::array<double, 13> asin_d{0.16666666666666669, 0.07499999999998433, 0.04464285714635543, 0.030381944138531247, 0.02237217294214989, 0.017352392720869973, 0.013971212973552933, 0.011479177415184906, 0.01032281435018578, 0.005457506718640358, 0.01740087944269402, -0.014851887071247204, 0.028757851367421566};
// atan_d: 12 coefficients on [0, 0.191406], fit error 3.91e-18
inline constexpr std::array<double, 12> atan_d{-0.3333333333333333, 0.1999999999999941, -0.14285714285566806, 0.11111111096645038, -0.09090908355602592, 0.07692285554889286, -0.06666241923359964, 0.05876946456755061, -0.05216679739313656, 0.04492259293193656, -0.033128134256069586, 0.014773184616983806};
// sin_d: 8 coefficients on [0, 0.61685], fit error 5.23e-24
inline constexpr std::array<double, 8> sin_d{-0.16666666666666666, 0.008333333333333333, -0.00019841269841269839, 2.75573192239811e-06, -2.5052108382390036e-08, 1.6059042781086055e-10, -7.646961352094323e-13, 2.7912442433471976e-15};
// cos_d: 7 coefficients on [0, 0.61685], fit error 6.44e-22
inline constexpr std::array<double, 7> cos_d{0.041666666666666664, -0.0013888888888888887, 2.4801587301584645e-05, -2.7557319221402824e-07, 2.087675579108042e-09, -1.1470460887609959e-11, 4.7458719020432915e-14};

inline constexpr double invpio2 = 0.6366197723675814;
inline constexpr double pio2_1 = 1.5707963267341256, pio2_1t = 6.077100506506192e-11;
inline constexpr double pio2_2 = 6.077100506303966e-11, pio2_2t = 2.0222662487959506e-21;
inline constexpr double pio2_3 = 2.0222662487111665e-21, pio2_3t = 8.4784276603689e-32;
inline constexpr double pio2_hi = 1.5707963267948966, pio2_lo = 6.123233995736766e-17;
inline constexpr double pio4_hi = 0.7853981633974483;
inline constexpr double pi_hi = 3.141592653589793;

/// x = q pi/2 + (y0 + y1), |y0| <= pi/4 (a little more), n = q mod 4.
struct trig_reduced {
  double y0, y1, n;
};
XSYM_INLINE trig_reduced trig_reduce(double x) {
  const double q = round_small(x * invpio2);
  double r = x - q * pio2_1;  // exact: q has at most 20 bits, pio2_1 33
  double w = q * pio2_1t;
  double t = r;  // two more parts of pi/2, each step's rounding error carried in w
  w = q * pio2_2;
  r = t - w;
  w = q * pio2_2t - ((t - r) - w);
  t = r;
  w = q * pio2_3;
  r = t - w;
  w = q * pio2_3t - ((t - r) - w);
  const double y0 = r - w;
  return {y0, (r - y0) - w, q - 4.0 * round_small(q * 0.25 - 0.375)};
}

// 2/pi in 24-bit chunks (scripts/fit_math.py two_over_pi), after 48 zero chunks: enough for
// every double exponent.
inline constexpr std::array<double, 100> two_over_pi_24{0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 10680707.0, 7228996.0, 1387004.0, 2578385.0, 16069853.0, 12639074.0, 9804092.0, 4427841.0, 16666979.0, 11263675.0, 12935607.0, 2387514.0, 4345298.0, 14681673.0, 3074569.0, 13734428.0, 16653803.0, 1880361.0, 10960616.0, 8533493.0, 3062596.0, 8710556.0, 7349940.0, 6258241.0, 3772886.0, 3769171.0, 3798172.0, 8675211.0, 12450088.0, 3874808.0, 9961438.0, 366607.0, 15675153.0, 9132554.0, 7151469.0, 3571407.0, 2607881.0, 12013382.0, 4155038.0, 6285869.0, 7677882.0, 13102053.0, 15825725.0, 473591.0, 9065106.0, 15363067.0, 6271263.0, 9264392.0, 5636912.0, 4652155.0, 7056368.0, 13614112.0};

/// A sum of residues mod 4 of exact products, as s + lo.
struct residue_sum {
  double s = 0.0, lo = 0.0;
  XSYM_INLINE void add(double p) {
    const double v = p * 0.25;
    const double n = v >= 0x1p52 ? v : (v + 0x1p52) - 0x1p52;  // p >= 0: p - 4 n exact, in [-2, 2]
    double t, err;
    two_sum(s, p - 4.0 * n, t, err);
    s = t;
    lo += err;
  }
  /// c a 2/pi chunk (24 bits), x2 + x1 + x0 the argument (24-bit pieces): products exact.
  XSYM_INLINE void add_chunk(double c, double x2, double x1, double x0) {
    add(x2 * c);
    add(x1 * c);
    add(x0 * c);
  }
};

/// Payne and Hanek's reduction for |x| >= 2^19 (any x gives some answer): x 2/pi mod 4 from the
/// 2/pi chunks that matter for x's exponent, as exact products of 24-bit pieces, summed exactly
/// up to a final error of about 2^-92 (so sin, cos, tan stay within 2 ulp unless x is within
/// 2^-37 of a multiple of pi/2, relatively).
XSYM_INLINE trig_reduced trig_reduce_large(double x) {
  const double a = abs(x);
  const double e = from_bits<double>((bits(a) >> 52) | bits(0x1p52)) - (0x1p52 + 1023.0);
  // Chunks before J give multiples of 4: start there, with a scaled to [2^54, 2^78).
  // J in [-45, 40]; the table starts with 48 zero chunks (2/pi has none before its point), so
  // that no clamp (a branch before the load, which g++ then cannot vectorize) is needed.
  const double jd = round_small((e - 54.0 - 11.5) * (1.0 / 24.0));
  const std::uint64_t j = bits(jd + (48.0 + 0x1p52)) & 0xfff;
  const double as = scale(a, -24.0 * jd);
  // as = x2 + x1 + x0, 24, 24 and 5 significant bits.
  const double x2 = from_bits<double>(bits(as) & ~((std::uint64_t(1) << 29) - 1)), r2 = as - x2;
  const double x1 = from_bits<double>(bits(r2) & ~((std::uint64_t(1) << 29) - 1)), x0 = r2 - x1;
  residue_sum acc;
  [&]<std::size_t... I>(std::index_sequence<I...>) XSYM_LAMBDA_INLINE {  // 9 chunks, unrolled
    (acc.add_chunk(two_over_pi_24[j + I] * exp2i(-24.0 * double(I + 1)), x2, x1, x0), ...);
  }(std::make_index_sequence<9>{});
  const double s = acc.s, lo = acc.lo;
  // s + lo = q + f, q an integer, |f| <= 1/2 (a little more); r = f pi/2 as y0 + y1.
  const double q = round_small(s);
  double f, f_lo;
  two_sum(s - q, lo, f, f_lo);
  const double fh = split_hi(f), fl = f - fh, ph = split_hi(pio2_hi), pl = pio2_hi - ph;
  const double y0 = f * pio2_hi;
  const double y0_err = ((fh * ph - y0) + fh * pl + fl * ph) + fl * pl;
  const double y1 = y0_err + (f * pio2_lo + f_lo * pio2_hi);
  const double r0 = y0 + y1, r1 = y1 - (r0 - y0);
  const double sq = x < 0.0 ? -q : q;
  return {x < 0.0 ? -r0 : r0, x < 0.0 ? -r1 : r1, sq - 4.0 * round_small(sq * 0.25 - 0.375)};
}

/// The reduction for x: Cody and Waite's below 2^19, Payne and Hanek's above.
XSYM_INLINE trig_reduced trig_reduce_any(double x) {
  const trig_reduced m = trig_reduce(x), l = trig_reduce_large(x);
  const bool big = abs(x) >= 0x1p19;
  return {big ? l.y0 : m.y0, big ? l.y1 : m.y1, big ? l.n : m.n};
}

/// sin(x + y) and cos(x + y) for |x| <= pi/4, |y| <= ulp(x) / 2, as hi + lo.
struct dd {
  double hi, lo;
};
XSYM_INLINE dd ksin(double x, double y) {
  const double z = x * x, v = z * x;
  const double corr = v * poly(z, sin_d) + (y - 0.5 * z * y), hi = x + corr;
  return {hi, corr - (hi - x)};
}
XSYM_INLINE dd kcos(double x, double y) {
  const double z = x * x, hz = 0.5 * z, w = 1.0 - hz;
  const double corr = ((1.0 - w) - hz) + (z * z * poly(z, cos_d) - x * y), hi = w + corr;
  return {hi, corr - (hi - w)};
}
}  // namespace detail

/// Sine. sin(+-0) = +-0, sin(+-inf) = NaN.
XSYM_INLINE double sin(double x) {
  using namespace detail;
  const auto [y0, y1, n] = trig_reduce_any(x);
  const double s = ksin(y0, y1).hi, c = kcos(y0, y1).hi;
  const double r = n == 1.0 ? c : n == 3.0 ? c : s;
  const double res = n >= 2.0 ? -r : r;
  return x == 0.0 ? x : abs(x) > std::numeric_limits<double>::max() ? nan<double> : res;
}
XSYM_INLINE float sin(float x) { return float(sin(double(x))); }

/// Cosine. cos(+-inf) = NaN.
XSYM_INLINE double cos(double x) {
  using namespace detail;
  const auto [y0, y1, n] = trig_reduce_any(x);
  const double s = ksin(y0, y1).hi, c = kcos(y0, y1).hi;
  const double r = n == 1.0 ? s : n == 3.0 ? s : c;
  const double res = n == 1.0 ? -r : n == 2.0 ? -r : r;
  return abs(x) > std::numeric_limits<double>::max() ? nan<double> : res;
}
XSYM_INLINE float cos(float x) { return float(cos(double(x))); }

/// Tangent. tan(+-0) = +-0, tan(+-inf) = NaN.
XSYM_INLINE double tan(double x) {
  using namespace detail;
  const auto [y0, y1, n] = trig_reduce_any(x);
  const dd s = ksin(y0, y1), c = kcos(y0, y1);
  const bool odd = (n == 1.0 ? 1.0 : n == 3.0 ? 1.0 : 0.0) == 1.0;
  const dd num = odd ? dd{-c.hi, -c.lo} : s, den = odd ? s : c;
  // (num.hi + num.lo) / (den.hi + den.lo): t, plus the residual over den, t den.hi exactly.
  const double t = num.hi / den.hi;
  const double th = split_hi(t), tl = t - th, dh = split_hi(den.hi), dl = den.hi - dh;
  const double p = t * den.hi, p_lo = ((th * dh - p) + th * dl + tl * dh) + tl * dl;
  const double res = t + (((num.hi - p) - p_lo) + (num.lo - t * den.lo)) / den.hi;
  return x == 0.0 ? x : abs(x) > std::numeric_limits<double>::max() ? nan<double> : res;
}
XSYM_INLINE float tan(float x) { return float(tan(double(x))); }

/// Arc sine, in [-pi/2, pi/2]; NaN outside [-1, 1]; asin(-0) = -0.
XSYM_INLINE double asin(double x) {
  using namespace detail;
  const double a = abs(x), z = x * x;
  const double small = x + x * (z * poly(z, asin_d));
  // asin(a) = pi/2 - 2 asin(w), w = sqrt((1 - a) / 2) = f + c, f with 21 bits.
  const double t = (1.0 - a) * 0.5, w = __builtin_sqrt(t);
  const double f = from_bits<double>(bits(w) & 0xffffffff00000000ull);
  const double c = t == 0.0 ? 0.0 : (t - f * f) / (w + f);
  const double p = 2.0 * w * (t * poly(t, asin_d)) - (pio2_lo - 2.0 * c);
  const double large = mulsign(pio4_hi - (p - (pio4_hi - 2.0 * f)), x);
  const double r = a <= 0.5 ? small : large;
  return x == 0.0 ? x : r;
}
XSYM_INLINE float asin(float x) { return float(asin(double(x))); }

/// Arc cosine, in [0, pi]; NaN outside [-1, 1].
XSYM_INLINE double acos(double x) {
  using namespace detail;
  const double z = x * x;
  const double mid = pio2_hi - (x - (pio2_lo - x * (z * poly(z, asin_d))));
  const double t = (1.0 - abs(x)) * 0.5, w = __builtin_sqrt(t), wr = w * (t * poly(t, asin_d));
  const double f = from_bits<double>(bits(w) & 0xffffffff00000000ull);
  const double c = t == 0.0 ? 0.0 : (t - f * f) / (w + f);
  const double pos = 2.0 * (f + (wr + c));           // x > 1/2: 2 asin(w)
  const double neg = pi_hi - 2.0 * (w + (wr - pio2_lo));  // x < -1/2: pi - 2 asin(w)
  return x > 0.5 ? pos : x < -0.5 ? neg : mid;
}
XSYM_INLINE float acos(float x) { return float(acos(double(x))); }

/// Arc tangent, in [-pi/2, pi/2]; atan(+-inf) = +-pi/2, atan(-0) = -0.
XSYM_INLINE double atan(double x) {
  using namespace detail;
  const double a = abs(x);
  // atan(a) = atan(b) + atan(t), t = (a - b) / (1 + a b), for b in {0, 1/2, 1, 3/2, inf}.
  const bool i1 = a >= 0.4375, i2 = a >= 0.6875, i3 = a >= 1.1875, i4 = a >= 2.4375;
  const double num = i4 ? -1.0 : i3 ? a - 1.5 : i2 ? a - 1.0 : i1 ? 2.0 * a - 1.0 : a;
  const double den = i4 ? a : i3 ? 1.0 + 1.5 * a : i2 ? a + 1.0 : i1 ? 2.0 + a : 1.0;
  const double b_hi = i4 ? 1.5707963267948966 : i3 ? 0.982793723247329 : i2 ? 0.7853981633974483
                     : i1 ? 0.4636476090008061 : 0.0;
  const double b_lo = i4 ? 6.123233995736766e-17 : i3 ? 1.3903311031230998e-17 : i2 ? 3.061616997868383e-17
                     : i1 ? 2.2698777452961687e-17 : 0.0;
  const double t = num / den, z = t * t;
  const double r = mulsign(b_hi + ((t * (z * poly(z, atan_d)) + b_lo) + t), x);
  return x == 0.0 ? x : x != x ? x : r;
}
XSYM_INLINE float atan(float x) { return float(atan(double(x))); }

}  // namespace xsym::math
