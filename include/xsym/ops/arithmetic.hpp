#pragma once
// Element arithmetic without undefined behaviour. Signed overflow wraps (as NumPy and MXNet do in
// practice), integer division by zero gives 0, and float-to-integer conversion saturates
// (NaN gives 0). Every function here is usable on the host and on the device.
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../core/config.hpp"

namespace xsym::arith {

template <class T>
inline constexpr bool is_float = std::is_floating_point_v<T>;

/// Converts `x` to `To`: to an integer type with saturation (NaN gives 0), otherwise as
/// `static_cast` (integer to integer is modular, which C++20 defines).
template <class To, class From>
XSYM_HD constexpr To convert(From x) {
  if constexpr (std::is_integral_v<To> && is_float<From>) {
    if (x != x) return To(0);
    if (x >= From(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
    if (x <= From(std::numeric_limits<To>::min())) return std::numeric_limits<To>::min();
    return static_cast<To>(x);
  } else {
    return static_cast<To>(x);
  }
}

// Integer + - * in the unsigned type of the same width: wraps instead of overflowing.
template <class T>
XSYM_HD constexpr T add(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<decltype(a + b)>;
    return T(U(a) + U(b));
  } else {
    return a + b;
  }
}
template <class T>
XSYM_HD constexpr T sub(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<decltype(a - b)>;
    return T(U(a) - U(b));
  } else {
    return a - b;
  }
}
template <class T>
XSYM_HD constexpr T mul(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<decltype(a * b)>;
    return T(U(a) * U(b));
  } else {
    return a * b;
  }
}
/// -a; wraps for the most negative integer; for floats flips the sign (so -0.0 for 0.0).
template <class T>
XSYM_HD constexpr T neg(T a) {
  if constexpr (std::is_integral_v<T>) return sub(T(0), a); else return -a;
}

/// a / b; for integers b == 0 gives 0 and the one overflowing case (min / -1) wraps.
template <class T>
XSYM_HD constexpr T div(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b == 0) return T(0);
    if constexpr (std::is_signed_v<T>)
      if (b == T(-1)) return neg(a);
    return T(a / b);
  } else {
    return a / b;
  }
}

/// Python's modulo (the result has the sign of b), as MXNet's `mod`; b == 0 gives 0.
template <class T>
XSYM_HD T mod(T a, T b) {
  if (b == T(0)) return T(0);
  T r;
  if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_signed_v<T>)
      if (b == T(-1)) return T(0);
    r = T(a % b);
  } else {
    r = std::fmod(a, b);
  }
  if (r != T(0) && ((r < T(0)) != (b < T(0)))) r = add(r, b);
  return r;
}

/// a to the power b. Integers: exact (wrapping) for b >= 0; for b < 0 the real result
/// truncated toward zero (saturated where it is infinite).
template <class T>
XSYM_HD T pow(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b < T(0)) return convert<T>(std::pow(double(a), double(b)));
    T result = 1;
    for (T base = a; b != T(0); b = T(b / 2), base = mul(base, base))
      if (b & T(1)) result = mul(result, base);
    return result;
  } else {
    return std::pow(a, b);
  }
}

template <class T>
XSYM_HD constexpr bool is_nan(T x) {
  if constexpr (is_float<T>) return x != x; else return false;
}

}  // namespace xsym::arith
