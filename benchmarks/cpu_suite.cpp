// The CPU benchmark suite: xsym's execution paths side by side with a hand-written loop, Eigen and
// xtensor, and a copy loop for the machine's bandwidth, in one process (Google Benchmark).
//
// Workloads (float32 and float64; "compulsory" bytes are the inputs read and the output written once):
//   W1   E = A*B + C*D                                   memory-bound, 5 * sizeof(T) bytes per element
//   W2a  16 cheap ops on one input X (scalar add/mul, maximum, minimum with MXNet's NaN rule, and
//        X itself)                                     2 * sizeof(T)
//   W2b  16 ops on one input X, 6 of them exp/tanh       compute-bound: read items_per_second
//   W3   Black-Scholes call: S, K, T arrays, r and v scalars, d2 = d1 - v*sqrt(T)
//                                                        4 * sizeof(T)
//   copy Y = X, a plain parallel loop: the bandwidth reference, 2 * sizeof(T)
// Contenders:
//   hand_written   `#pragma omp parallel for simd schedule(static)` with xsym's element semantics
//                  (maximum/minimum propagate NaN): the limit
//   static_fused   xsym::bind(static graph), executor.forward()
//   symbol_static  xsym::Symbol s = e; s.bind(cpu, args, {.path = static_fused})
//   blocked        Symbol::from_json(s.to_json()) bound with execution_path::blocked_fused
//   per_op         the same loaded Symbol with execution_path::per_op (MXNet's runtime graph)
//   eigen          Eigen Array expressions over Eigen::Map of the same buffers, one contiguous
//                  chunk per OpenMP thread (only when built with Eigen: XSYM_BENCH_HAVE_EIGEN)
//   xtensor        xt::adapt over the same buffers, same chunking (XSYM_BENCH_HAVE_XTENSOR; its
//                  xsimd mode when xsimd was found, see the "xtensor_xsimd" context entry)
//   copy           the copy loop (workload "copy" only)
// Misaligned: views starting 1 element into a buffer, at n = 2^16, for hand_written_misaligned and
// eigen_misaligned only: xsym's ndarrays are always 64-byte aligned, so a misaligned xsym case is
// not representable (and xtensor is left out of it to keep the grid small).
//
// Names, parsed by the report script, exactly: "<workload>/<contender>/<dtype>/threads:<t>/<n>"
// with <t> in {1, omp_get_max_threads()} and <n> the element count (the benchmark's Arg).
// Google Benchmark appends "/min_time:..." and "/real_time" to the names of benchmarks that set
// MinTime and UseRealTime; main() wraps the reporters so that the reported names (console, JSON,
// CSV) leave those two parts out. A --benchmark_filter still sees them, so a filter must not be
// anchored after <n>: `--benchmark_filter='W1/.*/float32/.*/16777216'` works, `.../16777216$` not.
// Counters: bytes_per_second (compulsory bytes), items_per_second (elements), and max_rel_error:
// max |out - ref| / max(1, |ref|) against a float64 reference computed once per (workload, n)
// with a plain double loop on the same input values (generated as float32, so both dtypes see the
// same numbers). The label says which xsym path ran.
//
// Grid (see `sizes_for` below): sizes 2^10 .. 2^26 in powers of two plus 2^16+1, 2^20+1, 2^24+1,
// REDUCED for the compute-bound workloads so that the whole suite, with --benchmark_repetitions=3
// --benchmark_report_aggregates_only=true, stays within about 12 minutes on a 2-core machine:
//   W1, W2a, copy   every size, float32 and float64;
//   W2b, W3         float32 up to 2^24 (2^25 and 2^26 dropped: 30-75 ns per element, flat once
//                   the arrays leave the cache, they alone would take over 5 minutes);
//                   float64 only 2^16, 2^20 and 2^24.
// The misaligned case is at 2^16, which every workload has. 1820 benchmarks in all; the whole
// suite took 11 minutes on the 2-core development VM while other builds ran (it had 1.2 cores).
// MinTime is 0.02 s per benchmark; --benchmark_min_time=<s> on the command line replaces it.
// Run it on a quiet machine: with another process on a core, every OpenMP barrier of a
// threads:<all> run waits for a descheduled thread, and those numbers mean nothing.
//
// Data: inputs and the reference are allocated once per (workload, dtype, n) and (workload, n)
// and freed when the next benchmark needs other ones; each contender is bound once (per thread
// count: the blocked interpreter sizes its scratch for the threads it is bound with), warmed up
// with one untimed run (page faults, thread start), and checked against the reference, all outside
// the timed loop.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <numbers>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <unistd.h>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include <benchmark/benchmark.h>

#include <xsym/xsym.hpp>

#include "workloads.hpp"

namespace {

using namespace xsym_bench;
using xsym_bench::index;  // not POSIX index() of <strings.h>

#if defined(_OPENMP)
int max_threads() { return omp_get_max_threads(); }
void set_threads(int t) { omp_set_num_threads(t); }
#else
int max_threads() { return 1; }
void set_threads(int) {}
#endif

/// All threads, as found at start-up (before any benchmark sets fewer).
int all_threads = 1;

/// The parts joined (`"a" + std::string(b)` trips g++ 12's false -Wrestrict, GCC PR 105329).
template <class... S>
std::string cat(const S&... parts) {
  std::string s;
  (s.append(std::string_view(parts)), ...);
  return s;
}

/// Runs f(begin, end) on one contiguous chunk per OpenMP thread, chunks rounded to 64 elements
/// (as xsym's fused loop does), so that Eigen and xtensor run on the same threads and ranges.
template <class F>
void per_thread_chunks(index n, const F& f) {
#if defined(_OPENMP)
#pragma omp parallel
  {
    index threads = omp_get_num_threads(), t = omp_get_thread_num();
    index chunk = ((n + threads - 1) / threads + 63) / 64 * 64;
    index begin = std::min(n, t * chunk), end = std::min(n, begin + chunk);
    if (end > begin) f(begin, end);
  }
#else
  f(index(0), n);
#endif
}



// ---- contenders ----------------------------------------------------------------------------

enum class contender { hand_written, static_fused, symbol_static, blocked, per_op, eigen, xtensor, copy };

constexpr std::string_view contender_name(contender c, bool misaligned) {
  switch (c) {
    case contender::hand_written: return misaligned ? "hand_written_misaligned" : "hand_written";
    case contender::static_fused: return "static_fused";
    case contender::symbol_static: return "symbol_static";
    case contender::blocked: return "blocked";
    case contender::per_op: return "per_op";
    case contender::eigen: return misaligned ? "eigen_misaligned" : "eigen";
    case contender::xtensor: return "xtensor";
    case contender::copy: return "copy";
  }
  return "?";
}

template <class T> constexpr std::string_view dtype_label = sizeof(T) == 4 ? "float32" : "float64";

// ---- data, reference, bound contenders: one of each alive at a time --------------------------

/// The inputs and the output buffer of one (workload, dtype, n, misaligned). The inputs are xsym
/// ndarrays (64-byte aligned); misaligned views copy them into arrays one element longer and
/// start at element 1.
template <class T>
struct dataset {
  index n = 0;
  std::map<std::string, xsym::ndarray> arrays;  // by argument name, for binding
  std::vector<xsym::ndarray> shifted;           // misaligned copies (n + 1 elements)
  std::vector<const T*> in;                     // what the non-xsym contenders read
  xsym::ndarray out_storage;
  T* out = nullptr;                             // what the non-xsym contenders write
};

/// A contender bound to a dataset: `run` computes the output into `out`.
struct bound {
  std::function<void()> run;
  const void* out = nullptr;
  std::shared_ptr<void> keep;  // the executor
  std::string label;           // which xsym path runs
  double max_rel_error = 0;
};

struct cache {
  std::string data_key, ref_key, bound_key;
  std::shared_ptr<void> data;  // dataset<T>
  std::vector<double> ref;
  std::unique_ptr<bound> b;
};
cache& the_cache() {
  static cache c;
  return c;
}

template <class W, std::size_t... K>
double reference_element(std::size_t i, std::index_sequence<K...>) {
  return W::template f<double>(double(W::input(int(K), i))...);
}

template <class W>
const std::vector<double>& reference(index n) {
  auto& c = the_cache();
  std::string key = cat(W::name, "/", std::to_string(n));
  if (c.ref_key != key) {
    c.ref_key.clear();
    c.ref = {};  // free before allocating the next
    c.ref.resize(std::size_t(n));
    double* r = c.ref.data();
#pragma omp parallel for schedule(static) num_threads(all_threads)
    for (index i = 0; i < n; ++i)
      r[i] = reference_element<W>(std::size_t(i), std::make_index_sequence<W::args.size()>{});
    c.ref_key = key;
  }
  return c.ref;
}

template <class W, class T>
dataset<T>& data_for(index n, bool misaligned) {
  auto& c = the_cache();
  std::string key = cat(W::name, "/", dtype_label<T>, "/", std::to_string(n), misaligned ? "/misaligned" : "");
  if (c.data_key != key) {
    c.b.reset();
    c.data_key.clear();
    c.data.reset();
    auto d = std::make_shared<dataset<T>>();
    d->n = n;
    for (std::size_t k = 0; k < W::args.size(); ++k) {
      auto a = xsym::ndarray::zeros<T>({n});
      T* p = a.data();
#pragma omp parallel for schedule(static) num_threads(all_threads)
      for (index i = 0; i < n; ++i) p[i] = T(W::input(int(k), std::size_t(i)));
      d->arrays.emplace(W::args[k], a);
      if (misaligned) {
        auto s = xsym::ndarray::zeros<T>({n + 1});
        std::copy_n(p, n, s.data() + 1);
        d->shifted.push_back(s);
        d->in.push_back(s.data() + 1);
      } else {
        d->in.push_back(p);
      }
    }
    d->out_storage = xsym::ndarray::zeros<T>({misaligned ? n + 1 : n});
    d->out = d->out_storage.template data<T>() + (misaligned ? 1 : 0);
    c.data = d;
    c.data_key = key;
  }
  return *static_cast<dataset<T>*>(c.data.get());
}

template <class T>
double max_rel_error(const T* out, const std::vector<double>& ref) {
  double worst = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    double got = double(out[i]), want = ref[i];
    if (std::isnan(got) || std::isnan(want)) {
      if (std::isnan(got) != std::isnan(want)) return std::numeric_limits<double>::infinity();
      continue;
    }
    worst = std::max(worst, std::abs(got - want) / std::max(1.0, std::abs(want)));
  }
  return worst;
}

template <class W, class T, std::size_t... K>
std::function<void()> hand_written(const dataset<T>& d, std::index_sequence<K...>) {
  const index n = d.n;
  T* out = d.out;
  std::array<const T*, sizeof...(K)> in{d.in[K]...};
  return [=] {
#pragma omp parallel for simd schedule(static)
    for (index i = 0; i < n; ++i) out[i] = W::template f<T>(in[K][i]...);
  };
}

#if defined(XSYM_BENCH_HAVE_EIGEN)
template <class W, class T, std::size_t... K>
std::function<void()> eigen(const dataset<T>& d, std::index_sequence<K...>) {
  const index n = d.n;
  T* out = d.out;
  std::array<const T*, sizeof...(K)> in{d.in[K]...};
  return [=] {
    per_thread_chunks(n, [&](index b, index e) {
      eigen_out<T> o(out + b, e - b);
      W::eigen(o, eigen_in<T>(in[K] + b, e - b)...);
    });
  };
}
#endif

#if defined(XSYM_BENCH_HAVE_XTENSOR)
template <class W, class T, std::size_t... K>
std::function<void()> xtensor(const dataset<T>& d, std::index_sequence<K...>) {
  const index n = d.n;
  T* out = d.out;
  std::array<const T*, sizeof...(K)> in{d.in[K]...};
  return [=] {
    per_thread_chunks(n, [&](index b, index e) {
      auto o = xt_out(out, b, e);
      W::xtensor(o, xt_in(in[K], b, e)...);
    });
  };
}
#endif

template <class W, class T>
std::unique_ptr<bound> make_bound(contender c, dataset<T>& d) {
  auto b = std::make_unique<bound>();
  auto seq = std::make_index_sequence<W::args.size()>{};
  b->out = d.out;
  switch (c) {
    case contender::hand_written:
    case contender::copy: b->run = hand_written<W, T>(d, seq); break;
    case contender::eigen:
#if defined(XSYM_BENCH_HAVE_EIGEN)
      if constexpr (requires { W::graph(); }) b->run = eigen<W, T>(d, seq);
#endif
      break;
    case contender::xtensor:
#if defined(XSYM_BENCH_HAVE_XTENSOR)
      if constexpr (requires { W::graph(); }) b->run = xtensor<W, T>(d, seq);
#endif
      break;
    case contender::static_fused:
      if constexpr (requires { W::graph(); }) {
        using E = decltype(W::graph());
        auto ex = std::make_shared<xsym::executor<E>>(xsym::bind(W::graph(), xsym::cpu(0), d.arrays));
        b->run = [p = ex.get()] { p->forward(); };
        b->out = ex->outputs()[0].raw_data();
        b->label = ex->path();
        b->keep = ex;
      }
      break;
    case contender::symbol_static:
    case contender::blocked:
    case contender::per_op:
      if constexpr (requires { W::graph(); }) {
        xsym::Symbol s = W::graph();
        auto path = xsym::execution_path::static_fused;
        if (c != contender::symbol_static) {
          s = xsym::Symbol::from_json(s.to_json());
          path = c == contender::blocked ? xsym::execution_path::blocked_fused : xsym::execution_path::per_op;
        }
        auto ex = std::make_shared<xsym::Executor>(s.bind(xsym::cpu(0), d.arrays, {.path = path}));
        b->run = [p = ex.get()] { p->forward(); };
        b->out = ex->outputs()[0].raw_data();
        b->label = ex->path_description();
        b->keep = ex;
      }
      break;
  }
  return b;
}

template <class W, class T>
bound& bound_for(contender c, int threads, dataset<T>& d) {
  auto& cache = the_cache();
  std::string key = cat(cache.data_key, "/", contender_name(c, false), "/", std::to_string(threads));
  if (cache.bound_key != key || !cache.b) {
    cache.b.reset();
    cache.bound_key.clear();
    auto b = make_bound<W, T>(c, d);
    if (!b->run) throw std::logic_error("cpu_suite: contender not available for this workload");
    b->run();  // warm-up: page faults of the outputs and intermediates, thread start
    b->max_rel_error = max_rel_error(static_cast<const T*>(b->out), reference<W>(d.n));
    cache.b = std::move(b);
    cache.bound_key = key;
  }
  return *cache.b;
}

template <class W, class T>
void run_benchmark(benchmark::State& state, contender c, int threads, bool misaligned) {
  const index n = index(state.range(0));
  set_threads(threads);
  bound* b = nullptr;
  try {
    auto& d = data_for<W, T>(n, misaligned);
    b = &bound_for<W, T>(c, threads, d);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  for (auto _ : state) {
    b->run();
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(std::int64_t(state.iterations()) * W::compulsory * std::int64_t(sizeof(T)) * n);
  state.SetItemsProcessed(std::int64_t(state.iterations()) * n);
  state.counters["max_rel_error"] = benchmark::Counter(b->max_rel_error);
  if (!b->label.empty()) state.SetLabel(b->label);
}

// ---- the grid --------------------------------------------------------------------------------

double min_time = 0.02;  // 0: --benchmark_min_time was given, the flag applies

std::vector<index> full_sizes() {
  std::vector<index> s;
  for (int k = 10; k <= 26; ++k) s.push_back(index(1) << k);
  for (int k : {16, 20, 24}) s.push_back((index(1) << k) + 1);
  std::sort(s.begin(), s.end());
  return s;
}

/// The sizes of a workload and dtype: everything, less for the compute-bound W2b and W3 (see the top).
template <class W, class T>
std::vector<index> sizes_for() {
  const bool compute_bound = W::name == "W2b" || W::name == "W3";
  if (compute_bound && sizeof(T) == 8) return {index(1) << 16, index(1) << 20, index(1) << 24};
  auto s = full_sizes();
  if (compute_bound) std::erase_if(s, [](index n) { return n > (index(1) << 24) + 1; });
  return s;
}

void add(const std::string& name, index n, std::function<void(benchmark::State&)> fn) {
  auto* b = benchmark::RegisterBenchmark(name.c_str(), [fn](benchmark::State& s) { fn(s); });
  b->Arg(n)->UseRealTime()->Unit(benchmark::kMicrosecond);
  if (min_time > 0) b->MinTime(min_time);
}

template <class W, class T>
void register_workload(const std::vector<contender>& contenders, const std::vector<int>& thread_counts) {
  constexpr index misaligned_n = index(1) << 16;
  // Ordered so that consecutive benchmarks share their data: by size, then threads, contenders.
  for (index n : sizes_for<W, T>()) {
    for (bool misaligned : {false, true}) {
      if (misaligned && n != misaligned_n) continue;
      for (int t : thread_counts) {
        auto suffix = cat("/", dtype_label<T>, "/threads:", std::to_string(t));
        for (contender c : contenders) {
          if (misaligned && c != contender::hand_written && c != contender::eigen) continue;
          add(cat(W::name, "/", contender_name(c, misaligned), suffix), n,
              [c, t, misaligned](benchmark::State& s) { run_benchmark<W, T>(s, c, t, misaligned); });
        }
      }
    }
  }
}

template <class T>
void register_dtype(const std::vector<int>& thread_counts) {
  std::vector<contender> all{contender::hand_written, contender::static_fused, contender::symbol_static,
                             contender::blocked, contender::per_op};
#if defined(XSYM_BENCH_HAVE_EIGEN)
  all.push_back(contender::eigen);
#endif
#if defined(XSYM_BENCH_HAVE_XTENSOR)
  all.push_back(contender::xtensor);
#endif
  register_workload<W1, T>(all, thread_counts);
  register_workload<W2a, T>(all, thread_counts);
  register_workload<W2b, T>(all, thread_counts);
  register_workload<W3, T>(all, thread_counts);
  register_workload<Copy, T>({contender::copy}, thread_counts);
}

// ---- names without "/min_time:..." and "/real_time" ----------------------------------------

/// Forwards to a standard reporter, with the two name parts that MinTime and UseRealTime add
/// cleared (BenchmarkName exists for this: its fields can be cleared before str()).
class plain_names : public benchmark::BenchmarkReporter {
 public:
  explicit plain_names(std::unique_ptr<benchmark::BenchmarkReporter> inner) : inner_(std::move(inner)) {}
  bool ReportContext(const Context& context) override {
    inner_->SetOutputStream(&GetOutputStream());  // set by RunSpecifiedBenchmarks for --benchmark_out
    inner_->SetErrorStream(&GetErrorStream());
    return inner_->ReportContext(context);
  }
  void ReportRuns(const std::vector<Run>& runs) override {
    std::vector<Run> renamed = runs;
    for (auto& r : renamed) {
      r.run_name.min_time.clear();
      r.run_name.time_type.clear();
    }
    inner_->ReportRuns(renamed);
  }
  void Finalize() override { inner_->Finalize(); }

 private:
  std::unique_ptr<benchmark::BenchmarkReporter> inner_;
};

/// The value of `--flag=value` in argv, or `fallback`.
std::string flag_value(int argc, char** argv, std::string_view flag, std::string fallback) {
  std::string prefix = cat("--", flag, "=");
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]).starts_with(prefix)) fallback = argv[i] + prefix.size();
  return fallback;
}

std::unique_ptr<benchmark::BenchmarkReporter> make_reporter(const std::string& format, bool console_colors,
                                                            bool tabular) {
  if (format == "json") return std::make_unique<benchmark::JSONReporter>();
  if (format == "csv") {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    return std::make_unique<benchmark::CSVReporter>();  // deprecated by Google Benchmark, still offered
#pragma GCC diagnostic pop
  }
  int options = benchmark::ConsoleReporter::OO_None;
  if (console_colors) options |= benchmark::ConsoleReporter::OO_Color;
  if (tabular) options |= benchmark::ConsoleReporter::OO_Tabular;
  return std::make_unique<benchmark::ConsoleReporter>(benchmark::ConsoleReporter::OutputOptions(options));
}

bool truthy(const std::string& v) { return v == "true" || v == "1" || v == "yes"; }

}  // namespace

int main(int argc, char** argv) {
  all_threads = std::max(1, max_threads());
  // Read before benchmark::Initialize removes them from argv.
  const std::string format = flag_value(argc, argv, "benchmark_format", "console");
  const std::string out_file = flag_value(argc, argv, "benchmark_out", "");
  const std::string out_format = flag_value(argc, argv, "benchmark_out_format", "json");
  const std::string color = flag_value(argc, argv, "benchmark_color", "auto");
  const bool tabular = truthy(flag_value(argc, argv, "benchmark_counters_tabular", "false"));
  if (flag_value(argc, argv, "benchmark_min_time", "") != "") min_time = 0;

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  std::vector<int> thread_counts{1};
  if (all_threads > 1) thread_counts.push_back(all_threads);
  register_dtype<float>(thread_counts);
  register_dtype<double>(thread_counts);

  benchmark::AddCustomContext("xsym_threads_all", std::to_string(all_threads));
  benchmark::AddCustomContext("xsym_min_time_s", min_time > 0 ? std::to_string(min_time) : "from --benchmark_min_time");
#if defined(XSYM_BENCH_HAVE_EIGEN)
  benchmark::AddCustomContext("eigen", cat(std::to_string(EIGEN_WORLD_VERSION), ".", std::to_string(EIGEN_MAJOR_VERSION),
                                           ".", std::to_string(EIGEN_MINOR_VERSION)));
#else
  benchmark::AddCustomContext("eigen", "not built");
#endif
#if defined(XSYM_BENCH_HAVE_XTENSOR)
  benchmark::AddCustomContext("xtensor", cat(std::to_string(XTENSOR_VERSION_MAJOR), ".",
                                             std::to_string(XTENSOR_VERSION_MINOR), ".",
                                             std::to_string(XTENSOR_VERSION_PATCH)));
  benchmark::AddCustomContext("xtensor_xsimd", xtensor_xsimd ? "yes" : "no");
#else
  benchmark::AddCustomContext("xtensor", "not built");
#endif

  const bool colors = color == "auto" ? isatty(STDOUT_FILENO) != 0 : truthy(color);
  plain_names display(make_reporter(format, colors, tabular));
  std::unique_ptr<plain_names> file;
  if (!out_file.empty()) file = std::make_unique<plain_names>(make_reporter(out_format, false, false));
  benchmark::RunSpecifiedBenchmarks(&display, file.get());
  benchmark::Shutdown();
  return 0;
}
