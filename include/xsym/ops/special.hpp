#pragma once
// Special functions that derivatives need and no op computes: digamma, for gamma's derivative
// (MXNet's gamma_grad is tgamma(x) * psi(x), with Cephes' psi).
#include <cmath>
#include <numbers>

#include "../core/config.hpp"

namespace xsym::ops::special {

/// ψ(x) = Γ'(x)/Γ(x), after Cephes' psi (as MXNet's special_functions-inl.h): the reflection
/// ψ(1 − x) − π/tan(πx) for x ≤ 0, exact harmonic sums at small integers, the recurrence
/// ψ(x) = ψ(x + 1) − 1/x up to 10, then the asymptotic series. Poles (0, −1, ...) give +inf.
template <class T>
XSYM_HD T digamma(T x) {
  constexpr double euler = 0.57721566490153286061;
  double v = double(x), reflection = 0;
  bool negative = false;
  if (v <= 0) {
    double p = std::floor(v);
    if (p == v) return T(INFINITY);
    negative = true;
    double fraction = v - p;
    if (fraction != 0.5) {
      if (fraction > 0.5) fraction = v - (p + 1);
      reflection = std::numbers::pi / std::tan(std::numbers::pi * fraction);
    }
    v = 1 - v;
  }
  double y;
  if (v <= 10 && v == std::floor(v)) {
    y = -euler;
    for (int i = 1; i < int(v); ++i) y += 1.0 / i;
  } else {
    double w = 0;
    while (v < 10) w += 1 / v, v += 1;
    double series = 0;
    if (v < 1e17) {
      constexpr double a[] = {8.33333333333333333333E-2, -2.10927960927960927961E-2, 7.57575757575757575758E-3,
                              -4.16666666666666666667E-3, 3.96825396825396825397E-3, -8.33333333333333333333E-3,
                              8.33333333333333333333E-2};
      double z = 1 / (v * v), p = a[0];
      for (int i = 1; i < 7; ++i) p = p * z + a[i];
      series = z * p;
    }
    y = std::log(v) - 0.5 / v - series - w;
  }
  return T(negative ? y - reflection : y);
}

}  // namespace xsym::ops::special
