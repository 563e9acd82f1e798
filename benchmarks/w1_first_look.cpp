// A first look at W1, E = A*B + C*D on 2^24 float32 elements: the fused static loop against a
// hand-written loop with the same threads, side by side in one process. The full benchmark
// suite (Google Benchmark, more workloads, peers) is its own piece of work.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <xsym/xsym.hpp>

template <class F>
double median_ms(F&& f, int reps = 31) {
  std::vector<double> t;
  f();  // warm-up: page faults, thread start
  for (int r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

int main() {
  const std::size_t n = std::size_t(1) << 24;
  auto make = [&](float v) { return xsym::ndarray::full<float>({std::int64_t(n)}, v); };
  auto A = make(1.5f), B = make(2.f), C = make(-0.5f), D = make(4.f);
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto c = xsym::variable<"C">();
  auto d = xsym::variable<"D">();
  auto ex = xsym::bind((a * b) + (c * d), a = A, b = B, c = C, d = D);

  auto out = xsym::ndarray::zeros<float>({std::int64_t(n)});
  const float *pa = A.data(), *pb = B.data(), *pc = C.data(), *pd = D.data();
  float* po = out.data();
  auto hand = [&] {
#pragma omp parallel for simd schedule(static)
    for (std::ptrdiff_t i = 0; i < std::ptrdiff_t(n); ++i) po[i] = pa[i] * pb[i] + pc[i] * pd[i];
  };
  // Copy bandwidth reference: the same bytes moved per element would be 20 (4 reads + 1 write).
  double fused = 0, handwritten = 0;
  for (int round = 0; round < 3; ++round) {  // interleave to even out machine noise
    fused += median_ms([&] { ex.forward(); });
    handwritten += median_ms(hand);
  }
  fused /= 3, handwritten /= 3;
  double gb = 20.0 * double(n) / 1e9;
  std::printf("W1 2^24 float32: fused %.3f ms (%.1f GB/s), hand-written %.3f ms (%.1f GB/s), fused/hand speed %.3f\n",
              fused, gb / (fused / 1e3), handwritten, gb / (handwritten / 1e3), handwritten / fused);
  bool same = ex.outputs()[0].to_vector<float>() == out.to_vector();
  std::printf("outputs identical: %s\n", same ? "yes" : "no");
  return same ? 0 : 1;
}
