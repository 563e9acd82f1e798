#pragma once
// The error function for float and double (see exp_log.hpp for the conventions); float erf
// computes in float. The gamma function for float, computed in double. Gamma for double is not
// here: the operator table keeps libm's std::tgamma for it (not vectorized; a branch-free tgamma
// within 2 ulp in double needs a Stirling series with an exactly split exponent, not done yet).
#include "exp_log.hpp"
#include "trig.hpp"

namespace xsym::math {

namespace detail {
// erf_small_d: 14 coefficients on [0, 1], fit error 2.16e-21
inline constexpr std::array<double, 14> erf_small_d{0.1283791670955126, -0.37612638903183754, 0.1128379167095512, -0.02686617064512984, 0.0052239776254232985, -0.000854832702193483, 0.00012055332902888736, -1.4925647567519332e-05, 1.6462045441468418e-06, -1.6364642158167616e-07, 1.4792401209404813e-08, -1.216456005728345e-09, 8.709045129053106e-11, -4.230945824295338e-12};
// erf_small_f: 7 coefficients on [0, 1], fit error 1.24e-9
inline constexpr std::array<float, 7> erf_small_f{0.128379166f, -0.37612626f, 0.112835944f, -0.0268542115f, 0.00518908724f, -0.00080168643f, 7.87587487e-05f};
// erfc_g1_d: 17 coefficients on [1, 2] in x - 1.5, fit error 4.61e-19
inline constexpr std::array<double, 17> erfc_g1_d{0.3215854164543175, -0.16362291773256005, 0.0761510398554774, -0.03293090529956527, 0.013377340953067394, -0.0051459575478377826, 0.0018861348769919975, -0.0006619300701084315, 0.0002233099453004411, -7.265887301589559e-05, 2.2864299608127746e-05, -6.97536222785843e-06, 2.0670657912156654e-06, -5.944961119917664e-07, 1.6714292901928126e-07, -4.9545807838901603e-08, 1.3242541506849586e-08};
// erfc_g2_d: 16 coefficients on [2, 3.5] in x - 2.75, fit error 3.18e-17
inline constexpr std::array<double, 16> erfc_g2_d{0.19366209627906866, -0.06323763756063483, 0.01975859298732897, -0.005934337896999284, 0.001719581885061462, -0.0004821950849322654, 0.0001311818037632169, -3.4698610270387155e-05, 8.940133543917338e-06, -2.247368610883161e-06, 5.520607070345556e-07, -1.3264363071840677e-07, 3.103266553704028e-08, -7.162110554563578e-09, 1.819371994210045e-09, -4.029989243785423e-10};
// erfc_g3_d: 12 coefficients on [3.5, 6] in x - 4.75, fit error 1.88e-12
inline constexpr std::array<double, 12> erfc_g3_d{0.11630270720874594, -0.023503448597910273, 0.004661326438113046, -0.000908098908675339, 0.00017392778941474965, -3.277569444797808e-05, 6.082510682228709e-06, -1.1118029273174716e-06, 1.9859009944209772e-07, -3.5308951693218504e-08, 7.185117567525625e-09, -1.2397154955686125e-09};
// erfc_g_f: 14 coefficients on [1, 4] in x - 2.5, fit error 3.11e-10
inline constexpr std::array<float, 14> erfc_g_f{0.21080637f, -0.074347347f, 0.0249379873f, -0.00800156686f, 0.00246710097f, -0.000733605528f, 0.000210851067f, -5.88304538e-05f, 1.61716616e-05f, -4.2622105e-06f, 9.53581662e-07f, -2.42851286e-07f, 1.0640273e-07f, -2.51718273e-08f};
}  // namespace detail

/// The error function: odd, +-1 beyond 5.93 (3.92 float), erf(-0) = -0.
XSYM_INLINE double erf(double x) {
  using namespace detail;
  const double a = abs(x);
  const double small = x + x * poly(x * x, erf_small_d);  // |x| < 1
  // |x| >= 1: 1 - e^(-x^2) G(|x|), e^(-x^2) from x^2 as an exact sum hi + lo.
  const double b = clamp_opaque(a, -1.0, 6.0);
  const two_sq sq(b);
  const double e = exp_scaled(-sq.hi, 0.0) * (1.0 - sq.lo);
  const double g = b < 2.0 ? poly(b - 1.5, erfc_g1_d) : b < 3.5 ? poly(b - 2.75, erfc_g2_d) : poly(b - 4.75, erfc_g3_d);
  const double large = mulsign(1.0 - e * g, x);
  const double r = a < 1.0 ? small : large;
  return x == 0.0 ? x : x != x ? x : r;
}
XSYM_INLINE float erf(float x) {
  using namespace detail;
  const float a = abs(x);
  const float small = x + x * poly(x * x, erf_small_f);
  const float b = clamp_opaque(a, -1.0f, 4.0f);
  const float large = mulsign(1.0f - exp_scaled(-(b * b), 0.0f) * poly(b - 2.5f, erfc_g_f), x);
  const float r = a < 1.0f ? small : large;
  return x == 0.0f ? x : x != x ? x : r;
}

namespace detail {
// Lanczos's approximation, g = 7, 9 terms: relative error below 2e-15 for z >= 0.5.
inline constexpr double lanczos_g = 7;
inline constexpr std::array<double, 9> lanczos_c{0.99999999999980993,   676.5203681218851,   -1259.1392167224028,
                                                 771.32342877765313,    -176.61502916214059, 12.507343278686905,
                                                 -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
/// Gamma(z) for z >= 0.5 (+inf where it overflows double), by Lanczos's approximation.
XSYM_INLINE double lanczos_gamma(double z) {
  const double w = z - 1.0;
  double a = lanczos_c[0];
  for (std::size_t k = 1; k < lanczos_c.size(); ++k) a += lanczos_c[k] / (w + double(k));
  const double t = w + lanczos_g + 0.5;
  // sqrt(2 pi) t^(w + 1/2) e^-t A(w); the exponent's rounding error, up to 1e-13 relative near
  // float's overflow, is far below float's half ulp.
  return 2.5066282746310002 * exp((w + 0.5) * log(t) - t) * a;
}
}  // namespace detail

/// The gamma function for float (tgamma), computed in double and rounded once. Negative x by
/// the reflection Gamma(x) = pi / (sin(pi x) Gamma(1 - x)), sin(pi x) from x's distance to the
/// nearest integer (exact). As glibc: Gamma(+-0) = +-inf, NaN at the negative integers and -inf,
/// +inf above 35.04, +-0 (the sign of Gamma) where the result underflows.
XSYM_INLINE float tgamma(float xf) {
  using namespace detail;
  const double x = xf;
  const bool reflect = x < 0.5;
  const double g = lanczos_gamma(reflect ? 1.0 - x : x);  // Gamma(1 - x) when reflecting
  // x = n + r, n an integer, |r| <= 1/2; every float from 2^23 up is an integer.
  const bool integral_range = abs(x) >= 8388608.0;
  const double n = integral_range ? 0.0 : round_small(x), r = integral_range ? 0.0 : x - n;
  const double half = n * 0.5;
  const bool odd = half != round_small(half);
  const double sin_pi_x = odd ? -sin(3.141592653589793 * r) : sin(3.141592653589793 * r);
  const double reflected = 3.141592653589793 / (sin_pi_x * g);
  const bool pole = x < 0.0 && (integral_range || r == 0.0);  // the negative integers, -inf
  const double res = reflect ? reflected : x == inf<double> ? x : g;
  return pole ? nan<float> : float(res);
}

}  // namespace xsym::math
