#pragma once
// The timing of the standalone benchmark programs (backward_suite, tensor_suite): the median of
// `repeat` runs of f after one warm-up run, in milliseconds.
#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

namespace xsym_bench {

inline double median_ms(int repeat, const std::function<void()>& f) {
  f();  // warm-up: page faults, thread start
  std::vector<double> t;
  for (int r = 0; r < repeat; ++r) {
    auto start = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace xsym_bench
