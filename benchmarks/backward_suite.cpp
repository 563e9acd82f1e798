// Forward plus backward of the static graphs W1, W2b and W3 (workloads.hpp), with respect to every
// input, side by side in one process (issue 15's acceptance):
//   forward            static fused forward alone (ex.forward())
//   fwd_bwd            ex.forward_backward({head}): outputs and all gradients in one fused pass
//   fwd_then_bwd       ex.forward(true); ex.backward({head}): two passes
//   hand_fwd_bwd       a hand-written fused forward+backward loop, `omp parallel for simd`, the
//                      same compiler and flags, libm's functions (as cpu_suite's hand-written loop)
//   symbol per_op      the graph as a runtime Symbol bound with gradients on the per_op path,
//                      forward(true) then backward({head}): MXNet's way, one pass per node,
//                      forward intermediates kept for backward
//   symbol blocked     the same on the blocked_fused path (elementwise regions over cached blocks)
//   copy               Y = X: the bandwidth reference; GB/s count the compulsory bytes (inputs,
//                      head gradient, output and gradients, each once)
// Timings: median of --repeat runs after one warm-up, at 1 thread and at all threads. The
// gradients of xsym and of the hand-written loop are compared (max relative difference, printed).
// Usage: backward_suite [--n N] [--repeat R]   (default 2^24 float32, 9 repetitions)
// PyTorch's numbers come from benchmarks/torch_cpu_peer.py --backward, run beside it.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <numbers>
#include <string>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include <xsym/xsym.hpp>

#include "timing.hpp"
#include "workloads.hpp"

namespace {

using namespace xsym_bench;
using xsym_bench::index;  // not POSIX index() of <strings.h>

// ---- hand-written fused forward+backward loops: reverse mode written out per workload ------

void hand_w1(index n, const float* a, const float* b, const float* c, const float* d, const float* h, float* o,
             float* ga, float* gb, float* gc, float* gd) {
#pragma omp parallel for simd schedule(static)
  for (index i = 0; i < n; ++i) {
    o[i] = a[i] * b[i] + c[i] * d[i];
    ga[i] = h[i] * b[i], gb[i] = h[i] * a[i], gc[i] = h[i] * d[i], gd[i] = h[i] * c[i];
  }
}

void hand_w2b(index n, const float* x, const float* h, float* o, float* gx) {
#pragma omp parallel for simd schedule(static)
  for (index i = 0; i < n; ++i) {
    float X = x[i];
    float u1 = std::tanh(X * 0.5f), u2 = std::exp(u1 - 0.25f), u3 = std::tanh(u2 * X), u4 = std::exp(u3 * 0.75f);
    float u5 = std::tanh(u4 - X), e6 = std::exp(u5 * 0.5f), u6 = e6 + X, r = u6 * 0.25f + 1.0f;
    o[i] = r * X;
    float g = h[i], g_x = g * r, g_u6 = g * X * 0.25f;
    g_x += g_u6;
    float g_z = g_u6 * e6 * 0.5f * (1 - u5 * u5);
    g_x -= g_z;
    float g_w = g_z * u4 * 0.75f * (1 - u3 * u3);
    g_x += g_w * u2;
    float g_u0 = g_w * X * u2 * (1 - u1 * u1);
    gx[i] = g_x + g_u0 * 0.5f;
  }
}

void hand_w3(index n, const float* s, const float* k, const float* t, const float* h, float* o, float* gs, float* gk,
             float* gt) {
  constexpr float v = float(W3::v), r = float(W3::r), c1 = float(W3::c1), is2 = float(W3::inv_sqrt2);
  constexpr float erf_scale = float(2 * std::numbers::inv_sqrtpi / std::numbers::sqrt2);  // erf'(u)·is2 = this·e^(−u²)
#pragma omp parallel for simd schedule(static)
  for (index i = 0; i < n; ++i) {
    float S = s[i], K = k[i], T = t[i], sq = std::sqrt(T), vsq = sq * v, L = std::log(S / K);
    float d1 = (L + T * c1) / vsq, d2 = d1 - vsq, e1 = d1 * is2, e2 = d2 * is2;
    float n1 = (std::erf(e1) + 1) * 0.5f, n2 = (std::erf(e2) + 1) * 0.5f, disc = std::exp(T * -r);
    o[i] = S * n1 - K * disc * n2;
    float g = h[i];
    float g_s = g * n1, g_n1 = g * S, g_n2 = -g * K * disc, g_k = -g * n2 * disc, g_t = -g * n2 * K * disc * -r;
    float g_d2 = g_n2 * 0.5f * erf_scale * std::exp(-e2 * e2);
    float g_d1 = g_n1 * 0.5f * erf_scale * std::exp(-e1 * e1) + g_d2;
    float g_vsq = -g_d2 - g_d1 * d1 / vsq, g_num = g_d1 / vsq;
    g_t += g_num * c1 + g_vsq * v * 0.5f / sq;
    gs[i] = g_s + g_num / S;
    gk[i] = g_k - g_num / K;
    gt[i] = g_t;
  }
}

void copy_loop(index n, const float* x, float* y) {
#pragma omp parallel for simd schedule(static)
  for (index i = 0; i < n; ++i) y[i] = x[i];
}

float max_rel_difference(const xsym::ndarray& a, const std::vector<float>& b) {
  auto va = a.to_vector<float>();
  float m = 0;
  for (std::size_t i = 0; i < b.size(); ++i) m = std::max(m, std::fabs(va[i] - b[i]) / std::max(1.0f, std::fabs(b[i])));
  return m;
}

struct row {
  std::string workload;
  int threads;
  double forward, fwd_bwd, fwd_then_bwd, hand, copy_gbs, per_op, blocked;
  int arrays;  // compulsory arrays of forward+backward
  float difference;
};

template <class W, class Hand>
row measure(index n, int repeat, int threads, Hand hand) {
  constexpr std::size_t k = W::args.size();
  std::map<std::string, xsym::ndarray> args, grads;
  std::vector<std::vector<float>> in(k);
  for (std::size_t a = 0; a < k; ++a) {
    in[a].resize(std::size_t(n));
    for (std::size_t i = 0; i < std::size_t(n); ++i) in[a][i] = W::input(int(a), i);
    args.emplace(W::args[a], xsym::ndarray::array<float>(in[a]));
    grads.emplace(W::args[a], xsym::ndarray::zeros({std::int64_t(n)}));
  }
  std::vector<float> hv(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < hv.size(); ++i) hv[i] = 0.5f + unit(7, i);
  auto head = xsym::ndarray::array<float>(hv);
  auto g = W::graph();
  auto forward = xsym::bind<float>(g, xsym::cpu(0), args);
  auto train = xsym::bind<float>(g, xsym::cpu(0), args, grads, xsym::grad_req::write);

  row r{std::string(W::name), threads, 0, 0, 0, 0, 0, 0, 0, int(2 * k + 2), 0};
  r.forward = median_ms(repeat, [&] { forward.forward(); });
  r.fwd_bwd = median_ms(repeat, [&] { train.forward_backward({head}); });
  r.fwd_then_bwd = median_ms(repeat, [&] {
    train.forward(true);
    train.backward({head});
  });
  xsym::Symbol s = g;
  for (auto path : {xsym::execution_path::per_op, xsym::execution_path::blocked_fused}) {
    std::map<std::string, xsym::ndarray> symbol_grads;
    for (const auto& name : W::args) symbol_grads.emplace(name, xsym::ndarray::zeros({std::int64_t(n)}));
    auto ex = s.bind(xsym::cpu(0), args, {.path = path, .args_grad = symbol_grads});
    double ms = median_ms(repeat, [&] {
      ex.forward(true);
      ex.backward({head});
    });
    (path == xsym::execution_path::per_op ? r.per_op : r.blocked) = ms;
  }
  std::vector<std::vector<float>> hg(k, std::vector<float>(std::size_t(n)));
  std::vector<float> ho(static_cast<std::size_t>(n));
  r.hand = median_ms(repeat, [&] { hand(n, in, hv.data(), ho.data(), hg); });
  std::vector<float> y(static_cast<std::size_t>(n));
  double copy_ms = median_ms(repeat, [&] { copy_loop(n, in[0].data(), y.data()); });
  r.copy_gbs = 2.0 * double(n) * sizeof(float) / copy_ms / 1e6;
  train.forward_backward({head});
  for (std::size_t a = 0; a < k; ++a) r.difference = std::max(r.difference, max_rel_difference(grads.at(W::args[a]), hg[a]));
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  xsym_bench::index n = xsym_bench::index(1) << 24;
  int repeat = 9;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--n")) n = std::atol(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--repeat")) repeat = std::atoi(argv[i + 1]);
  }
#if defined(_OPENMP)
  const int all = omp_get_max_threads();
#else
  const int all = 1;
#endif
  std::printf("| workload | threads | forward ms | fwd_bwd ms | fwd_bwd / forward | fwd, then bwd ms | hand-written "
              "fwd+bwd ms | fwd_bwd vs hand | Symbol per_op fwd, bwd ms | fwd_bwd vs per_op | Symbol blocked fwd, bwd "
              "ms | fwd_bwd GB/s | copy GB/s | max rel. difference |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (int threads : {1, all}) {
#if defined(_OPENMP)
    omp_set_num_threads(threads);
#endif
    std::vector<row> rows;
    rows.push_back(measure<W1>(n, repeat, threads, [](xsym_bench::index m, auto& in, const float* h, float* o, auto& g) {
      hand_w1(m, in[0].data(), in[1].data(), in[2].data(), in[3].data(), h, o, g[0].data(), g[1].data(), g[2].data(),
              g[3].data());
    }));
    rows.push_back(measure<W2b>(n, repeat, threads, [](xsym_bench::index m, auto& in, const float* h, float* o, auto& g) {
      hand_w2b(m, in[0].data(), h, o, g[0].data());
    }));
    rows.push_back(measure<W3>(n, repeat, threads, [](xsym_bench::index m, auto& in, const float* h, float* o, auto& g) {
      hand_w3(m, in[0].data(), in[1].data(), in[2].data(), h, o, g[0].data(), g[1].data(), g[2].data());
    }));
    for (const row& r : rows)
      std::printf("| %s | %d | %.2f | %.2f | %.2fx | %.2f | %.2f | %.2fx | %.2f | %.2fx | %.2f | %.1f | %.1f | %.1e |\n",
                  r.workload.c_str(), r.threads, r.forward, r.fwd_bwd, r.fwd_bwd / r.forward, r.fwd_then_bwd, r.hand,
                  r.hand / r.fwd_bwd, r.per_op, r.per_op / r.fwd_bwd, r.blocked,
                  double(r.arrays) * double(n) * sizeof(float) / r.fwd_bwd / 1e6, r.copy_gbs, double(r.difference));
    if (all == 1) break;
  }
}
