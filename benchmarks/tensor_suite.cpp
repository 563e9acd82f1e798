// Issue 16's CPU workloads, side by side in one process, float32:
//   R1  y = sum(exp(x - 1), axis=1), x of shape (4096, 4096)
//       symbol per_op     the runtime Symbol: `_minus_scalar`, `exp`, `sum`, one pass per node
//       symbol blocked    the same on the blocked_fused path: x - 1 and exp fused over cached
//                         blocks, then the sum reads their result
//       eigen             Eigen Tensor's (x - 1).exp().sum({1}) on a ThreadPoolDevice
//       hand-written      one fused loop: rows across OpenMP threads, `omp simd reduction`
//       copy              y = x row by row: the bandwidth reference (GB/s of 4 bytes per element read)
//   F1  FullyConnected 784 -> 128 + bias + relu, batch 100 and 1024
//       symbol per_op     FullyConnected then Activation(relu), forward (is_train = false)
//       sgemm + pass      OpenBLAS cblas_sgemm (Debian's serial library, as xsym calls it), then a
//                         separate bias+relu pass over the output (OpenMP)
//       symbol fwd+bwd    forward(true) then backward({head}) with gradients of data, weight and bias
// Timings: median of --repeat runs after one warm-up, at 1 thread and at all threads. Results of
// the paths are compared (max relative difference, printed). PyTorch's numbers come from
// benchmarks/torch_tensor_peer.py, run beside it.
// Usage: tensor_suite [--repeat R]   (default 9)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#if defined(XSYM_BENCH_HAVE_EIGEN)
#define EIGEN_USE_THREADS
#include <unsupported/Eigen/CXX11/Tensor>
#endif

#include <xsym/xsym.hpp>

#include "timing.hpp"

#if defined(XSYM_BENCH_HAVE_BLAS)
extern "C" void cblas_sgemm(int order, int trans_a, int trans_b, int m, int n, int k, float alpha, const float* a,
                            int lda, const float* b, int ldb, float beta, float* c, int ldc);
#endif

namespace {

using xsym::ndarray;
using xsym::shape;
using xsym::Symbol;

using xsym_bench::median_ms;

void set_threads(int t) {
#if defined(_OPENMP)
  omp_set_num_threads(t);
#else
  (void)t;
#endif
}

int all_threads() {
#if defined(_OPENMP)
  return omp_get_num_procs();
#else
  return 1;
#endif
}

std::vector<float> values(std::size_t n, float lo, float hi, unsigned seed) {
  std::vector<float> v(n);
  std::uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
  for (auto& x : v) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    x = lo + (hi - lo) * float(double(s >> 11) / double(1ull << 53));
  }
  return v;
}

// max |a - b| over max |b|: relu outputs near 0 would make an elementwise relative difference
// meaningless.
double max_rel_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double m = 0, scale = 1e-30;
  for (std::size_t i = 0; i < a.size(); ++i) {
    m = std::max(m, std::fabs(double(a[i]) - double(b[i])));
    scale = std::max(scale, std::fabs(double(b[i])));
  }
  return m / scale;
}

void row(const char* workload, const char* path, int threads, double ms, double base_ms, const char* extra = "") {
  std::printf("| %s | %s | %d | %.3f | %.2fx | %s |\n", workload, path, threads, ms, base_ms / ms, extra);
}

// ---- R1 -------------------------------------------------------------------------------------

void reduction(int repeat) {
  const std::int64_t R = 4096, C = 4096;
  const auto xv = values(std::size_t(R * C), -2.f, 2.f, 1);
  const ndarray x = ndarray::array<float>(xv, shape{R, C});
  const Symbol s = Symbol::create("sum", {xsym::exp(Symbol::variable("x") - 1.0)}, {{"axis", "1"}});
  std::vector<float> hand(static_cast<std::size_t>(R)), copy(static_cast<std::size_t>(R * C));
  auto run_hand = [&] {
    const float* p = xv.data();
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < R; ++i) {
      float acc = 0;
#pragma omp simd reduction(+ : acc)
      for (std::int64_t j = 0; j < C; ++j) acc += std::exp(p[i * C + j] - 1.f);
      hand[std::size_t(i)] = acc;
    }
  };
  auto run_copy = [&] {
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < R; ++i) std::memcpy(copy.data() + i * C, xv.data() + i * C, std::size_t(C) * 4);
  };
  for (int threads : {1, all_threads()}) {
    set_threads(threads);
    auto per_op = s.bind(xsym::cpu(), {{"x", x}}, {.path = xsym::execution_path::per_op});
    auto blocked = s.bind(xsym::cpu(), {{"x", x}}, {.path = xsym::execution_path::blocked_fused});
    const double t_per_op = median_ms(repeat, [&] { per_op.forward(); });
    const double t_blocked = median_ms(repeat, [&] { blocked.forward(); });
    const double t_hand = median_ms(repeat, run_hand);
    const double t_copy = median_ms(repeat, run_copy);
    const auto y = per_op.outputs()[0].to_vector<float>();
    char note[160];
    std::snprintf(note, sizeof note, "max rel. diff. to hand-written %.1e; blocked: %s", max_rel_diff(y, hand),
                  blocked.path_description().c_str());
    row("R1 sum(exp(x-1), axis=1)", "symbol per_op", threads, t_per_op, t_per_op, note);
    row("R1 sum(exp(x-1), axis=1)", "symbol blocked", threads, t_blocked, t_per_op);
#if defined(XSYM_BENCH_HAVE_EIGEN)
    {
      Eigen::ThreadPool pool(threads);
      Eigen::ThreadPoolDevice device(&pool, threads);
      Eigen::TensorMap<Eigen::Tensor<const float, 2, Eigen::RowMajor>> ex(xv.data(), R, C);
      Eigen::Tensor<float, 1, Eigen::RowMajor> ey(R);
      const Eigen::array<int, 1> along{1};
      const double t_eigen = median_ms(repeat, [&] { ey.device(device) = (ex - 1.f).exp().sum(along); });
      std::vector<float> ev(ey.data(), ey.data() + R);
      std::snprintf(note, sizeof note, "max rel. diff. to hand-written %.1e", max_rel_diff(ev, hand));
      row("R1 sum(exp(x-1), axis=1)", "eigen", threads, t_eigen, t_per_op, note);
    }
#endif
    row("R1 sum(exp(x-1), axis=1)", "hand-written", threads, t_hand, t_per_op);
    std::snprintf(note, sizeof note, "%.1f GB/s read", double(R * C) * 4 / (t_copy * 1e6));
    row("R1 sum(exp(x-1), axis=1)", "copy", threads, t_copy, t_per_op, note);
  }
}

// ---- F1 -------------------------------------------------------------------------------------

void dense(int repeat, std::int64_t batch) {
  const std::int64_t K = 784, N = 128;
  const auto xv = values(std::size_t(batch * K), 0.f, 1.f, 2), wv = values(std::size_t(N * K), -0.05f, 0.05f, 3),
             bv = values(std::size_t(N), -0.1f, 0.1f, 4);
  const Symbol net = Symbol::create(
      "Activation",
      {Symbol::create("FullyConnected", {Symbol::variable("data"), Symbol::variable("w"), Symbol::variable("b")},
                      {{"num_hidden", std::to_string(N)}})},
      {{"act_type", "relu"}});
  std::map<std::string, ndarray> args{{"data", ndarray::array<float>(xv, shape{batch, K})},
                                      {"w", ndarray::array<float>(wv, shape{N, K})},
                                      {"b", ndarray::array<float>(bv, shape{N})}};
  std::map<std::string, ndarray> grads{{"data", ndarray::zeros(shape{batch, K}, xsym::dtype::float32)},
                                       {"w", ndarray::zeros(shape{N, K}, xsym::dtype::float32)},
                                       {"b", ndarray::zeros(shape{N}, xsym::dtype::float32)}};
  const ndarray head = ndarray::array<float>(values(std::size_t(batch * N), 0.f, 1.f, 5), shape{batch, N});
  std::vector<float> y(std::size_t(batch * N));
#if defined(XSYM_BENCH_HAVE_BLAS)
  auto sgemm_pass = [&] {
    cblas_sgemm(101 /*row major*/, 111 /*no trans*/, 112 /*trans*/, int(batch), int(N), int(K), 1.f, xv.data(),
                int(K), wv.data(), int(K), 0.f, y.data(), int(N));
    float* p = y.data();
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < batch; ++i)
      for (std::int64_t j = 0; j < N; ++j) p[i * N + j] = std::max(p[i * N + j] + bv[std::size_t(j)], 0.f);
  };
#endif
  const std::string name = "F1 FC 784->128+bias+relu, batch " + std::to_string(batch);
  for (int threads : {1, all_threads()}) {
    set_threads(threads);
    auto fwd = net.bind(xsym::cpu(), args, {.path = xsym::execution_path::per_op});
    auto train = net.bind(xsym::cpu(), args, {.path = xsym::execution_path::per_op, .args_grad = grads});
    const double t_fwd = median_ms(repeat, [&] { fwd.forward(); });
    const double t_train = median_ms(repeat, [&] {
      train.forward(true);
      train.backward({head});
    });
    row(name.c_str(), "symbol per_op", threads, t_fwd, t_fwd);
#if defined(XSYM_BENCH_HAVE_BLAS)
    const double t_sgemm = median_ms(repeat, sgemm_pass);
    char note[96];
    std::snprintf(note, sizeof note, "max rel. diff. to symbol %.1e", max_rel_diff(y, fwd.outputs()[0].to_vector<float>()));
    row(name.c_str(), "sgemm + pass", threads, t_sgemm, t_fwd, note);
#endif
    row(name.c_str(), "symbol fwd+bwd", threads, t_train, t_fwd);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 9;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) repeat = std::max(1, std::atoi(argv[++i]));
    else {
      std::fprintf(stderr, "usage: tensor_suite [--repeat R]\n");
      return 2;
    }
  }
  std::printf("| workload | path | threads | ms (median of %d) | speed vs first row | notes |\n", repeat);
  std::printf("| --- | --- | --- | --- | --- | --- |\n");
  reduction(repeat);
  dense(repeat, 100);
  dense(repeat, 1024);
}
