#pragma once
// Test inputs and outputs as doubles, whatever the dtype: deterministic pseudo-random values, an
// ndarray of any dtype made from doubles, and an ndarray's elements read back as doubles.
#include <cmath>
#include <cstddef>
#include <vector>

#include <xsym/ndarray/ndarray.hpp>

namespace xsym::test {

/// n values in [lo, hi), a fixed function of (i, seed): the same inputs on every machine.
inline std::vector<double> pseudo(std::size_t n, double seed, double lo = -1.5, double hi = 1.5) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    double u = std::fmod(std::sin(double(i) * 12.9898 + seed * 78.233) * 43758.5453, 1.0);
    v[i] = lo + (hi - lo) * std::fabs(u);
  }
  return v;
}

/// `v` converted (static_cast) to dtype t, with shape s.
inline ndarray typed_array(const std::vector<double>& v, const shape& s, dtype t = dtype::float64) {
  return visit_element_type(t, [&]<class T>(T) -> ndarray {
    std::vector<T> c(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) c[i] = static_cast<T>(v[i]);
    return ndarray::array<T>(c, s);
  });
}

/// The elements of `a`, any dtype, as doubles.
inline std::vector<double> as_doubles(const ndarray& a) {
  return visit_element_type(a.dtype(), [&]<class T>(T) {
    auto v = a.to_vector<T>();
    return std::vector<double>(v.begin(), v.end());
  });
}

}  // namespace xsym::test
