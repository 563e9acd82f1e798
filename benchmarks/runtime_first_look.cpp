// A first look at the execution paths, side by side in one process, on 2^24 float32 elements:
//   W1  E = A*B + C*D                 (memory-bound: 20 bytes per element fused, 36 unfused)
//   W2a a chain of 16 cheap ops on X  (8 bytes per element fused; 16 passes per op)
// Contenders: a hand-written loop (the limit), the static fused loop (xsym::bind), and a Symbol
// run three ways: static_fused (converted from the static graph), blocked_fused and per_op
// (loaded from JSON). The full benchmark suite (Google Benchmark, more workloads, peers) is its
// own piece of work; this prints medians, GB/s over compulsory bytes, ratios, and the machine's
// copy bandwidth for reference.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <xsym/xsym.hpp>

namespace {

double median_ms(const std::function<void()>& f, int reps = 15) {
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

struct contender {
  std::string name;
  std::function<void()> run;
  xsym::ndarray out;
  double ms = 0;
};

// Times every contender, interleaved over rounds to even out machine noise, and prints a table
// with ratios to the first (the hand-written loop) and to the static fused loop (the second).
bool report(const char* workload, double bytes_per_element, std::size_t n, std::vector<contender>& cs) {
  const int rounds = 3;
  for (int r = 0; r < rounds; ++r)
    for (auto& c : cs) c.ms += median_ms(c.run) / rounds;
  std::printf("\n%s, 2^24 float32 (%.0f compulsory bytes per element)\n", workload, bytes_per_element);
  std::printf("  %-44s %9s %8s %12s %12s\n", "path", "ms", "GB/s", "vs hand", "static fused vs it");
  bool agree = true;
  auto want = cs[0].out.to_vector<float>();
  for (const auto& c : cs) {
    std::printf("  %-44s %9.3f %8.1f %11.2fx %11.2fx\n", c.name.c_str(), c.ms,
                bytes_per_element * double(n) / 1e9 / (c.ms / 1e3), cs[0].ms / c.ms, c.ms / cs[1].ms);
    auto got = c.out.to_vector<float>();
    for (std::size_t i = 0; i < n; ++i)
      if (!(got[i] == want[i] || (std::isnan(got[i]) && std::isnan(want[i])))) {
        std::printf("  %s differs from the hand-written loop at element %zu: %g vs %g\n", c.name.c_str(), i,
                    double(got[i]), double(want[i]));
        agree = false;
        break;
      }
  }
  return agree;
}

// The Symbol of `e` three ways: converted (static_fused), and loaded from JSON (blocked, per-op).
template <class E>
void add_symbol_paths(std::vector<contender>& cs, const E& e, const std::map<std::string, xsym::ndarray>& args) {
  xsym::Symbol converted = e;
  auto loaded = xsym::Symbol::from_json(converted.to_json());
  auto add = [&](const char* name, const xsym::Symbol& s, xsym::execution_path path) {
    auto ex = std::make_shared<xsym::Executor>(s.bind(xsym::cpu(0), args, {.path = path}));
    cs.push_back({name, [ex] { ex->forward(); }, ex->outputs()[0]});
  };
  add("Symbol, static_fused (converted)", converted, xsym::execution_path::static_fused);
  add("Symbol, blocked_fused (loaded from JSON)", loaded, xsym::execution_path::blocked_fused);
  add("Symbol, per_op (loaded from JSON)", loaded, xsym::execution_path::per_op);
}

}  // namespace

int main() {
  const std::size_t n = std::size_t(1) << 24;
  const auto size = std::ptrdiff_t(n);
  auto make = [&](float v) { return xsym::ndarray::full<float>({size}, v); };
  bool ok = true;

  {  // W1
    auto A = make(1.5f), B = make(2.f), C = make(-0.5f), D = make(4.f);
    auto a = xsym::variable<"A">();
    auto b = xsym::variable<"B">();
    auto c = xsym::variable<"C">();
    auto d = xsym::variable<"D">();
    auto e = a * b + c * d;
    auto out = xsym::ndarray::zeros<float>({size});
    const float *pa = A.data(), *pb = B.data(), *pc = C.data(), *pd = D.data();
    float* po = out.data();
    auto ex = std::make_shared<xsym::executor<decltype(e)>>(xsym::bind(e, a = A, b = B, c = C, d = D));
    std::vector<contender> cs{
        {"hand-written loop (omp parallel for simd)",
         [=] {
#pragma omp parallel for simd schedule(static)
           for (std::ptrdiff_t i = 0; i < size; ++i) po[i] = pa[i] * pb[i] + pc[i] * pd[i];
         },
         out},
        {"static fused loop (xsym::bind)", [ex] { ex->forward(); }, ex->outputs()[0]}};
    add_symbol_paths(cs, e, {{"A", A}, {"B", B}, {"C", C}, {"D", D}});
    ok &= report("W1 E = A*B + C*D", 20, n, cs);
  }

  {  // W2a: 16 cheap ops (scalar ops, maximum, minimum, and X itself) in one chain
    std::vector<float> values(n);
    for (std::size_t i = 0; i < n; ++i) values[i] = float(int(i % 1000) - 500) / 100.0f;
    auto X = xsym::ndarray::array<float>(values, {size});
    auto x = xsym::variable<"X">();
    auto t1 = maximum(x * 0.5f + 1.0f, -1.0f);
    auto t2 = minimum(t1, 3.0f) - 0.25f;
    auto t3 = maximum(t2 * x + x, x);
    auto t4 = minimum(t3 * 0.75f + 2.0f, 4.0f) - x;
    auto w = (maximum(t4 * 1.25f, 0.0f) + x) * 0.5f;
    static_assert(xsym::detail::graph_info<decltype(w)>::node_names.size() == 17, "W2a: 16 ops on one variable");
    auto out = xsym::ndarray::zeros<float>({size});
    const float* px = X.data();
    float* po = out.data();
    // maximum and minimum as MXNet defines them: NaN in either input gives NaN.
    auto mx = [](float p, float q) { return p != p || p > q ? p : q; };
    auto mn = [](float p, float q) { return p != p || p < q ? p : q; };
    auto hand = [=] {
#pragma omp parallel for simd schedule(static)
      for (std::ptrdiff_t i = 0; i < size; ++i) {
        float v = px[i];
        float u1 = mx(v * 0.5f + 1.0f, -1.0f);
        float u2 = mn(u1, 3.0f) - 0.25f;
        float u3 = mx(u2 * v + v, v);
        float u4 = mn(u3 * 0.75f + 2.0f, 4.0f) - v;
        po[i] = (mx(u4 * 1.25f, 0.0f) + v) * 0.5f;
      }
    };
    auto ex = std::make_shared<xsym::executor<decltype(w)>>(xsym::bind(w, x = X));
    std::vector<contender> cs{{"hand-written loop (omp parallel for simd)", hand, out},
                              {"static fused loop (xsym::bind)", [ex] { ex->forward(); }, ex->outputs()[0]}};
    add_symbol_paths(cs, w, {{"X", X}});
    ok &= report("W2a 16 cheap ops", 8, n, cs);
  }
  {  // The machine's copy bandwidth, for the GB/s columns: 8 bytes per element moved.
    auto X = make(1.0f), Y = make(0.0f);
    const float* px = X.data();
    float* py = Y.data();
    auto copy = [=] {
#pragma omp parallel for simd schedule(static)
      for (std::ptrdiff_t i = 0; i < size; ++i) py[i] = px[i];
    };
    double ms = 0;
    for (int r = 0; r < 3; ++r) ms += median_ms(copy) / 3;
    std::printf("\ncopy loop (bandwidth reference), 2^24 float32: %.3f ms, %.1f GB/s\n", ms,
                8.0 * double(n) / 1e9 / (ms / 1e3));
  }
  std::printf("\nall paths agree with the hand-written loop: %s\n", ok ? "yes" : "no");
  return ok ? 0 : 1;
}
