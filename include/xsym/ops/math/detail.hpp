#pragma once
// The building blocks of xsym's vectorized math (ops/math/*.hpp): bit access through std::bit_cast,
// polynomial evaluation, round-to-nearest and powers of two without libm. Everything is
// branch-free and uses only what SSE2 vectorizes: + - * / sqrt, compares and selects on floats;
// 32-bit integer add, and, or, shift and compare; 64-bit integer add, and, or and shift (no 64-bit
// compare, multiply or conversion to double, which SSE2 lacks). Rounding is IEEE round-to-nearest
// and nothing is contracted (-ffp-contract=off): the vectorized loop and a scalar call give the
// same bits. Two habits keep g++ 12 vectorizing these functions when they are composed in one
// loop: selects choose between floating-point values, never between bit patterns or bools
// (no && or || in a select's condition: nest the selects), and bits are read from arithmetic
// results, not from select results (so abs is fabs and the split of a double is Veltkamp's).
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../../core/config.hpp"

#if defined(__GNUC__) || defined(__clang__)
#define XSYM_LAMBDA_INLINE __attribute__((always_inline))
#else
#define XSYM_LAMBDA_INLINE
#endif

namespace xsym::math::detail {

template <class F>
using bits_t = std::conditional_t<sizeof(F) == 4, std::uint32_t, std::uint64_t>;

template <class F>
XSYM_INLINE constexpr bits_t<F> bits(F x) { return std::bit_cast<bits_t<F>>(x); }
template <class F>
XSYM_INLINE constexpr F from_bits(bits_t<F> b) { return std::bit_cast<F>(b); }

template <class F>
inline constexpr int mantissa_bits = std::numeric_limits<F>::digits - 1;  // 23, 52
template <class F>
inline constexpr bits_t<F> sign_mask = bits_t<F>(1) << (sizeof(F) * 8 - 1);
template <class F>
inline constexpr F inf = std::numeric_limits<F>::infinity();
template <class F>
inline constexpr F nan = std::numeric_limits<F>::quiet_NaN();

/// |x| as a floating-point operation (andpd), not through the bits: g++ would turn a select
/// that feeds a bit operation into a 64-bit integer select, which SSE2 cannot vectorize.
template <class F>
XSYM_INLINE constexpr F abs(F x) {
  if constexpr (sizeof(F) == 4) return __builtin_fabsf(x); else return __builtin_fabs(x);
}
/// |x| with the sign of s.
template <class F>
XSYM_INLINE constexpr F copysign(F x, F s) { return from_bits<F>((bits(x) & ~sign_mask<F>) | (bits(s) & sign_mask<F>)); }
/// x with its sign flipped where s < 0: a multiplication by +-1 (exact), not a bit operation,
/// since g++ turns a select between bit-built doubles into a 64-bit integer select, which SSE2
/// cannot vectorize.
template <class F>
XSYM_INLINE constexpr F mulsign(F x, F s) { return x * (s < F(0) ? F(-1) : F(1)); }

/// x limited to [lo, hi] (lo < 0 < hi), NaN passing through. The bound is taken with x's sign
/// (copysign, which g++ 12 cannot fold knowing x < lo < 0) rather than as a constant: with a
/// constant, g++ threads the clamped paths, folds the function to a constant there (exp(-746) =
/// 0), and merges the paths with bool or integer selects that SSE2 cannot vectorize.
template <class F>
XSYM_INLINE F clamp_opaque(F x, F lo, F hi) {
  if constexpr (sizeof(F) == 4) {
    x = x < lo ? __builtin_copysignf(lo, x) : x;
    return x > hi ? __builtin_copysignf(hi, x) : x;
  } else {
    x = x < lo ? __builtin_copysign(lo, x) : x;
    return x > hi ? __builtin_copysign(hi, x) : x;
  }
}

/// c[0] + x*(c[1] + x*(c[2] + ...)): Horner's scheme, unrolled.
template <std::size_t I = 0, class F, std::size_t N>
XSYM_INLINE constexpr F poly(F x, const std::array<F, N>& c) {
  if constexpr (I + 1 == N) return c[I]; else return c[I] + x * poly<I + 1>(x, c);
}

/// 1.5 * 2^mantissa_bits: adding it rounds a float of magnitude below 2^(mantissa_bits - 1) to
/// an integer (round to nearest even), which sits in the low bits of the sum.
template <class F>
inline constexpr F round_magic = F(1.5) * F(bits_t<F>(1) << mantissa_bits<F>);

/// x rounded to the nearest integer (ties to even), for |x| < 2^(mantissa_bits - 1).
template <class F>
XSYM_INLINE F round_small(F x) {
  // volatile-free: the compiler may not fold (x + m) - m, since that is not exact in IEEE.
  return (x + round_magic<F>) - round_magic<F>;
}

/// 2^n for an integer-valued n of a normal exponent: [-126, 127] (float), [-1022, 1023] (double).
template <class F>
XSYM_INLINE F exp2i(F n) {
  // n + magic holds n in its low bits; the magic's low bits are zero, so shifting the sum by
  // mantissa_bits leaves (n + bias) in the exponent field.
  constexpr bits_t<F> bias = std::numeric_limits<F>::max_exponent - 1;
  return from_bits<F>((bits(n + round_magic<F>) + bias) << mantissa_bits<F>);
}

/// p * 2^n for an integer-valued n with |n| up to twice the exponent range: two steps, so that
/// neither factor overflows and a subnormal result is rounded once.
template <class F>
XSYM_INLINE F scale(F p, F n) {
  F n1 = round_small(n * F(0.5));
  return p * exp2i(n1) * exp2i(n - n1);
}

/// hi, the upper half of x's significand (26 bits for double, 12 for float): hi * hi and
/// hi * (x - hi) are exact products (Veltkamp's split: arithmetic, not a bit mask, for the same
/// reason as abs). For |x| below 2^995 (double), 2^114 (float).
template <class F>
XSYM_INLINE F split_hi(F x) {
  constexpr F c = F((bits_t<F>(1) << ((mantissa_bits<F> + 2) / 2)) + 1);  // 2^27 + 1, 2^12 + 1
  const F t = c * x;
  return t - (t - x);
}

/// x * x as hi + lo, |lo| <= ulp(hi) / 2 (up to the last, negligible, product).
template <class F>
struct two_sq {
  F hi, lo;
  XSYM_INLINE explicit two_sq(F x) {
    F xh = split_hi(x), xl = x - xh;
    hi = x * x;
    lo = ((xh * xh - hi) + F(2) * xh * xl) + xl * xl;
  }
};

/// a + b = s + err exactly (Knuth's two-sum).
XSYM_INLINE void two_sum(double a, double b, double& s, double& err) {
  s = a + b;
  const double bb = s - a;
  err = (a - (s - bb)) + (b - bb);
}

/// a * b = p + e exactly (Dekker's product, without FMA).
XSYM_INLINE void two_prod(double a, double b, double& p, double& e) {
  p = a * b;
  const double ah = split_hi(a), al = a - ah, bh = split_hi(b), bl = b - bh;
  e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

}  // namespace xsym::math::detail
