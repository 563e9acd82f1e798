#pragma once
// Distance in units in the last place between two floats (NaN excluded): the float tests' bound.
#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace xsym_test {

/// How many representable floats lie between a and b (0 when equal; +0 and -0 are 0 apart).
template <class F>
std::uint64_t ulps(F a, F b) {
  static_assert(std::is_floating_point_v<F> && (sizeof(F) == 4 || sizeof(F) == 8));
  using I = std::conditional_t<sizeof(F) == 4, std::int32_t, std::int64_t>;
  auto key = [](F f) {
    I i = std::bit_cast<I>(f);
    return i < 0 ? std::numeric_limits<I>::min() - i : i;  // monotonic order of the floats
  };
  auto ka = std::int64_t(key(a)), kb = std::int64_t(key(b));
  return std::uint64_t(ka > kb ? ka - kb : kb - ka);
}

}  // namespace xsym_test
