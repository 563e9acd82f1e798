#pragma once
// The training layer's seeded random stream: splitmix64, with the transforms written out so
// that the same seed gives the same bits with any standard library (std::shuffle and the
// std:: distributions are implementation-defined).
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace xsym::train {

/// SplitMix64 (Steele, Lea, Flood 2014): its output function, and output k (k >= 1) of the
/// generator started at state `key` (counter-based: any output can be made alone).
constexpr std::uint64_t splitmix64_mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
inline constexpr std::uint64_t golden_gamma = 0x9e3779b97f4a7c15ULL;
constexpr std::uint64_t splitmix64_at(std::uint64_t key, std::uint64_t k) { return splitmix64_mix(key + k * golden_gamma); }
/// Uniform in [0, 1) from the top 53 bits.
constexpr double unit_double(std::uint64_t b) { return double(b >> 11) * 0x1p-53; }

/// A sequential SplitMix64 stream.
class random_stream {
 public:
  explicit random_stream(std::uint64_t seed = 0) : state_(seed) {}

  std::uint64_t next_u64() { return splitmix64_mix(state_ += golden_gamma); }
  /// Uniform in [0, n), without modulo bias (Lemire's multiply-and-reject).
  std::uint64_t below(std::uint64_t n) {
    for (;;) {
      const unsigned __int128 m = static_cast<unsigned __int128>(next_u64()) * n;
      const auto low = static_cast<std::uint64_t>(m);
      if (low >= n || low >= (0 - n) % n) return static_cast<std::uint64_t>(m >> 64);
    }
  }
  /// Fisher-Yates.
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
  }

 private:
  std::uint64_t state_;
};

}  // namespace xsym::train
