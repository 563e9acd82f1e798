#pragma once
// Test inputs shared by the agreement tests (tests/symbol/executor_agreement_test.cpp on the CPU,
// tests/cuda/symbol_gpu_test.cu on a GPU), so both check the same values.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <type_traits>
#include <vector>

namespace xsym_test {

// Deterministic inputs: mostly pseudo-random in a range where every op is defined, with special
// values (zeros, ±1, NaN, ±inf, extremes) sprinkled in.
template <class T>
std::vector<T> sample(std::size_t n, std::uint64_t seed) {
  std::vector<T> v(n);
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (std::size_t i = 0; i < n; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    double u = double(x >> 11) / double(1ull << 53);  // [0, 1)
    if constexpr (std::is_floating_point_v<T>) {
      static const T special[] = {T(0), -T(0), T(1), T(-1), T(0.5), T(2), std::numeric_limits<T>::quiet_NaN(),
                                  std::numeric_limits<T>::infinity(), -std::numeric_limits<T>::infinity(),
                                  T(1e-30), T(-7.25), T(3)};
      v[i] = i % 37 == 5 ? special[(i / 37) % std::size(special)] : T(-4 + 8 * u);
    } else {
      static const T special[] = {T(0), T(1), T(-1), std::numeric_limits<T>::min(), std::numeric_limits<T>::max(),
                                  T(2), T(7)};
      if (i % 37 == 5)
        v[i] = special[(i / 37) % std::size(special)];
      else if constexpr (sizeof(T) == 1)
        v[i] = T(std::int64_t(u * 256) + std::int64_t(std::numeric_limits<T>::min()));
      else
        v[i] = T(std::int64_t(u * 41) - 20);
    }
  }
  return v;
}

}  // namespace xsym_test
