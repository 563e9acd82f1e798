// The GPU benchmark suite: workload W1, E = A*B + C*D in float32, on gpu(0), with xsym's fused
// kernel and runtime per-op path beside a hand-written kernel and a copy kernel (the bandwidth
// reference), all measured in the same process. A standalone program (no Google Benchmark).
//
// Contenders (per size n):
//   hand_written   float4 loads and stores, two float4 per thread per input, blocks of 256
//                  threads, grid = n / (256 * 8); the tail (n % 2048 elements) in a second, scalar
//                  kernel. a*b + c*d as __fadd_rn(__fmul_rn(a, b), __fmul_rn(c, d)): never
//                  contracted into an FMA, so it rounds as xsym (--fmad=false) and the CPU do.
//   xsym_fused     xsym::bind(e, xsym::gpu(0), ...): forward() timed on ex.stream(). forward()
//                  also orders itself against the storage stream (two event records and two
//                  stream waits); that cost is in the numbers, as a user pays it.
//   xsym_per_op    xsym::Symbol s = e; s.bind(gpu(0), args, {.path = per_op}): MXNet's way, one
//                  kernel per op with full-size intermediates. "not available" when the runtime
//                  has no GPU backend (bind throws xsym::error) or the executor has no stream.
//   copy           Y = X with four float4 per thread (blocks of 256, grid = n / (256 * 16), tail
//                  as above): the bandwidth reference, workload "copy", 2 * 4 * n bytes.
// Timing: every launch between two cudaEvents recorded on the contender's stream, back to back
// (one synchronization after all of them); --warmup untimed launches first. Reported: the median
// (and min/max) of --reps timed launches (>= 30). GB/s = compulsory bytes / median time: W1 moves
// 20 bytes per element (4 inputs read, 1 output written, float32), copy 8.
// Caches: no L2 flush between launches. At 2^20 the five W1 arrays (20 MiB) fit in an H100's
// 50 MiB L2, so that size measures L2, not HBM; 2^24 and 2^26 do not fit.
// Correctness: after timing, each contender's output is compared bit for bit with a CPU
// computation of float(a*b) + float(c*d) (the host part of this file is compiled with
// -ffp-contract=off); copy with its input. A mismatch makes the program exit 1.
//
// Output: a Markdown table on stdout (per size: median ms, GB/s, fraction of the copy bandwidth
// at the same size, time ratio vs hand_written = t_hand / t, > 1 faster) and, with --json PATH,
// the results as JSON (schema "xsym-gpu-bench/1", shared with benchmarks/gpu_peers.py).
// Without a usable GPU it prints "no GPU: skipped (<reason>)", writes {"skipped": ...} to --json
// and exits 77.
//
// Usage: gpu_suite [--sizes N,N,...] [--reps R] [--warmup W] [--json PATH]
//   sizes: element counts, or 2^k (default 2^20,2^24,2^26).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <cuda_runtime.h>

#include <xsym/xsym.hpp>
#include <xsym/cuda.cuh>

namespace {

// ---- checked CUDA calls -------------------------------------------------------------------
struct cuda_failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void check(cudaError_t err, const char* call, int line) {
  if (err != cudaSuccess) {
    std::ostringstream m;
    m << "gpu_suite.cu:" << line << ": " << call << ": " << cudaGetErrorName(err) << ": " << cudaGetErrorString(err);
    throw cuda_failure(m.str());
  }
}
#define CK(call) check((call), #call, __LINE__)
// After a <<<>>> launch: configuration errors now, execution errors at the next synchronization.
#define CK_LAUNCH() check(cudaGetLastError(), "kernel launch", __LINE__)

// ---- kernels --------------------------------------------------------------------------------
constexpr int block = 256;
constexpr int w1_vecs = 2;    // float4 per thread per input
constexpr int copy_vecs = 4;  // float4 per thread

__device__ __forceinline__ float w1(float a, float b, float c, float d) {
  return __fadd_rn(__fmul_rn(a, b), __fmul_rn(c, d));
}
__device__ __forceinline__ float4 w1(float4 a, float4 b, float4 c, float4 d) {
  return make_float4(w1(a.x, b.x, c.x, d.x), w1(a.y, b.y, c.y, d.y), w1(a.z, b.z, c.z, d.z), w1(a.w, b.w, c.w, d.w));
}

// Block k covers float4 [k * 512, (k + 1) * 512); thread t loads t and t + 256 of each input
// (coalesced: a warp reads 512 contiguous bytes per load), all loads before the stores.
__global__ void __launch_bounds__(block) w1_hand(const float4* __restrict__ a, const float4* __restrict__ b,
                                                 const float4* __restrict__ c, const float4* __restrict__ d,
                                                 float4* __restrict__ e) {
  const unsigned base = blockIdx.x * unsigned(block * w1_vecs) + threadIdx.x;
  float4 va[w1_vecs], vb[w1_vecs], vc[w1_vecs], vd[w1_vecs];
#pragma unroll
  for (int k = 0; k < w1_vecs; ++k) {
    va[k] = a[base + k * block];
    vb[k] = b[base + k * block];
    vc[k] = c[base + k * block];
    vd[k] = d[base + k * block];
  }
#pragma unroll
  for (int k = 0; k < w1_vecs; ++k) e[base + k * block] = w1(va[k], vb[k], vc[k], vd[k]);
}

__global__ void w1_tail(const float* __restrict__ a, const float* __restrict__ b, const float* __restrict__ c,
                        const float* __restrict__ d, float* __restrict__ e, unsigned begin, unsigned n) {
  const unsigned i = begin + blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) e[i] = w1(a[i], b[i], c[i], d[i]);
}

__global__ void __launch_bounds__(block) copy_main(const float4* __restrict__ x, float4* __restrict__ y) {
  const unsigned base = blockIdx.x * unsigned(block * copy_vecs) + threadIdx.x;
  float4 v[copy_vecs];
#pragma unroll
  for (int k = 0; k < copy_vecs; ++k) v[k] = x[base + k * block];
#pragma unroll
  for (int k = 0; k < copy_vecs; ++k) y[base + k * block] = v[k];
}

__global__ void copy_tail(const float* __restrict__ x, float* __restrict__ y, unsigned begin, unsigned n) {
  const unsigned i = begin + blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = x[i];
}

template <class T>
const float4* as_float4(const T* p) {
  if (reinterpret_cast<std::uintptr_t>(p) % 16 != 0) throw std::runtime_error("buffer not 16-byte aligned");
  return reinterpret_cast<const float4*>(p);
}

void launch_w1_hand(cudaStream_t s, const float* a, const float* b, const float* c, const float* d, float* e,
                    unsigned n) {
  constexpr unsigned per_block = block * w1_vecs * 4;
  const unsigned blocks = n / per_block, done = blocks * per_block;
  if (blocks > 0) {
    w1_hand<<<blocks, block, 0, s>>>(as_float4(a), as_float4(b), as_float4(c), as_float4(d),
                                     const_cast<float4*>(as_float4(e)));
    CK_LAUNCH();
  }
  if (done < n) {
    w1_tail<<<(n - done + block - 1) / block, block, 0, s>>>(a, b, c, d, e, done, n);
    CK_LAUNCH();
  }
}

void launch_copy(cudaStream_t s, const float* x, float* y, unsigned n) {
  constexpr unsigned per_block = block * copy_vecs * 4;
  const unsigned blocks = n / per_block, done = blocks * per_block;
  if (blocks > 0) {
    copy_main<<<blocks, block, 0, s>>>(as_float4(x), const_cast<float4*>(as_float4(y)));
    CK_LAUNCH();
  }
  if (done < n) {
    copy_tail<<<(n - done + block - 1) / block, block, 0, s>>>(x, y, done, n);
    CK_LAUNCH();
  }
}

// ---- timing ---------------------------------------------------------------------------------
struct timing {
  double median_ms = NAN, min_ms = NAN, max_ms = NAN;
  int samples = 0;
};

/// `warmup` untimed calls of launch(), then `reps` calls each between two events on `s`.
timing time_launches(cudaStream_t s, int warmup, int reps, const std::function<void()>& launch) {
  for (int i = 0; i < warmup; ++i) launch();
  CK(cudaStreamSynchronize(s));
  std::vector<cudaEvent_t> ev(2 * std::size_t(reps));
  for (auto& e : ev) CK(cudaEventCreate(&e));
  std::vector<float> ms(std::size_t(reps), 0.f);
  std::exception_ptr failed;
  try {
    for (int r = 0; r < reps; ++r) {
      CK(cudaEventRecord(ev[2 * r], s));
      launch();
      CK(cudaEventRecord(ev[2 * r + 1], s));
    }
    CK(cudaStreamSynchronize(s));
    for (int r = 0; r < reps; ++r) CK(cudaEventElapsedTime(&ms[r], ev[2 * r], ev[2 * r + 1]));
  } catch (...) {
    failed = std::current_exception();
  }
  for (auto& e : ev) (void)cudaEventDestroy(e);  // best effort: the first error is the one reported
  if (failed) std::rethrow_exception(failed);
  std::vector<float> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  timing t;
  t.samples = reps;
  t.median_ms = reps % 2 ? sorted[reps / 2] : 0.5 * (double(sorted[reps / 2 - 1]) + sorted[reps / 2]);
  t.min_ms = sorted.front();
  t.max_ms = sorted.back();
  return t;
}

// ---- results --------------------------------------------------------------------------------
struct result {
  std::string workload, contender;
  std::int64_t n = 0;
  double bytes = 0;
  bool available = true;
  std::string reason;  // why not available, or what failed
  timing t;
  bool checked = false, correct = false;
  std::int64_t mismatches = 0;
  double max_abs_error = 0;
  std::string path;

  double gbps() const { return available ? bytes / (t.median_ms * 1e-3) / 1e9 : NAN; }
};

struct check_result {
  std::int64_t mismatches = 0;
  double max_abs_error = 0;
};

check_result compare_bits(const std::vector<float>& got, const std::vector<float>& want) {
  check_result c;
  if (got.size() != want.size()) {
    c.mismatches = std::int64_t(std::max(got.size(), want.size()));
    c.max_abs_error = INFINITY;
    return c;
  }
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::bit_cast<std::uint32_t>(got[i]) != std::bit_cast<std::uint32_t>(want[i])) {
      ++c.mismatches;
      const double err = std::fabs(double(got[i]) - double(want[i]));
      c.max_abs_error = std::isnan(err) ? INFINITY : std::max(c.max_abs_error, err);
    }
  }
  return c;
}

void set_check(result& r, const std::vector<float>& got, const std::vector<float>& want) {
  const check_result c = compare_bits(got, want);
  r.checked = true;
  r.correct = c.mismatches == 0;
  r.mismatches = c.mismatches;
  r.max_abs_error = c.max_abs_error;
}

std::string json_string(const std::string& s) {
  std::string o = "\"";
  for (char ch : s) {
    switch (ch) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\t': o += "\\t"; break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", ch);
          o += buf;
        } else {
          o += ch;
        }
    }
  }
  return o + "\"";
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  std::ostringstream o;
  o.precision(9);
  o << v;
  return o.str();
}

// ---- the device -----------------------------------------------------------------------------
struct device_info {
  std::string name;
  int major = 0, minor = 0, sms = 0, driver = 0, runtime = 0;
  std::size_t memory = 0;
  int l2 = 0;
  double peak_gbps = NAN;  // from the memory clock and bus width attributes (DDR: x2)
};

device_info query_device() {
  device_info d;
  cudaDeviceProp p{};
  CK(cudaGetDeviceProperties(&p, 0));
  d.name = p.name;
  d.major = p.major;
  d.minor = p.minor;
  d.sms = p.multiProcessorCount;
  d.memory = p.totalGlobalMem;
  d.l2 = p.l2CacheSize;
  CK(cudaDriverGetVersion(&d.driver));
  CK(cudaRuntimeGetVersion(&d.runtime));
  int clock_khz = 0, bus_bits = 0;
  if (cudaDeviceGetAttribute(&clock_khz, cudaDevAttrMemoryClockRate, 0) == cudaSuccess &&
      cudaDeviceGetAttribute(&bus_bits, cudaDevAttrGlobalMemoryBusWidth, 0) == cudaSuccess && clock_khz > 0 &&
      bus_bits > 0)
    d.peak_gbps = 2.0 * clock_khz * 1e3 * (bus_bits / 8.0) / 1e9;
  (void)cudaGetLastError();  // an attribute this driver lacks is not an error of the suite
  return d;
}

std::string version(int v) { return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10); }

// ---- one size -------------------------------------------------------------------------------
struct options {
  std::vector<std::int64_t> sizes{1 << 20, 1 << 24, 1 << 26};
  int reps = 30, warmup = 5;
  std::string json;
};

std::vector<float> random_floats(std::size_t n, std::uint64_t seed) {
  std::vector<float> v(n);
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (auto& f : v) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    f = float(double(x >> 40) / double(1ull << 24) * 4.0 - 2.0);  // [-2, 2), 24 random bits
  }
  return v;
}

std::vector<float> device_to_host(const float* p, std::size_t n) {
  std::vector<float> v(n);
  CK(cudaMemcpy(v.data(), p, n * sizeof(float), cudaMemcpyDeviceToHost));
  return v;
}

void run_size(std::int64_t n64, const options& opt, std::vector<result>& out) {
  if (n64 <= 0 || n64 > (std::int64_t(1) << 31))
    throw std::runtime_error("size " + std::to_string(n64) + " out of range (1 .. 2^31)");
  const auto n = std::size_t(n64);
  const auto un = unsigned(n64);
  using xsym::ndarray;
  const xsym::context gpu = xsym::gpu(0);

  const std::vector<float> ha = random_floats(n, 1), hb = random_floats(n, 2), hc = random_floats(n, 3),
                           hd = random_floats(n, 4);
  std::vector<float> ref(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float p = ha[i] * hb[i];  // -ffp-contract=off on this file's host code: rounded twice,
    const float q = hc[i] * hd[i];  // then once more for the sum, as every contender must
    ref[i] = p + q;
  }
  const std::map<std::string, ndarray> args{{"A", ndarray::array<float>(ha, {n64}, gpu)},
                                            {"B", ndarray::array<float>(hb, {n64}, gpu)},
                                            {"C", ndarray::array<float>(hc, {n64}, gpu)},
                                            {"D", ndarray::array<float>(hd, {n64}, gpu)}};
  const auto* A = static_cast<const float*>(args.at("A").raw_data());
  const auto* B = static_cast<const float*>(args.at("B").raw_data());
  const auto* C = static_cast<const float*>(args.at("C").raw_data());
  const auto* D = static_cast<const float*>(args.at("D").raw_data());
  xsym::cuda::synchronize(0);  // uploads done before any stream of ours reads them

  xsym::cuda::stream own(0);
  const auto s = static_cast<cudaStream_t>(own.get());
  const double w1_bytes = 20.0 * double(n), copy_bytes = 8.0 * double(n);

  auto base = [&](const char* workload, const char* contender, double bytes) {
    result r;
    r.workload = workload;
    r.contender = contender;
    r.n = n64;
    r.bytes = bytes;
    return r;
  };

  // copy
  {
    result r = base("copy", "copy", copy_bytes);
    float* y = nullptr;
    CK(cudaMalloc(&y, n * sizeof(float)));
    try {
      CK(cudaMemsetAsync(y, 0xff, n * sizeof(float), s));
      r.t = time_launches(s, opt.warmup, opt.reps, [&] { launch_copy(s, A, y, un); });
      r.path = "float4 x " + std::to_string(copy_vecs) + " per thread, blocks of 256";
      set_check(r, device_to_host(y, n), ha);
    } catch (...) {
      cudaFree(y);
      throw;
    }
    CK(cudaFree(y));
    out.push_back(r);
  }

  // hand_written
  {
    result r = base("W1", "hand_written", w1_bytes);
    float* e = nullptr;
    CK(cudaMalloc(&e, n * sizeof(float)));
    try {
      CK(cudaMemsetAsync(e, 0xff, n * sizeof(float), s));
      r.t = time_launches(s, opt.warmup, opt.reps, [&] { launch_w1_hand(s, A, B, C, D, e, un); });
      r.path = "float4 x " + std::to_string(w1_vecs) + " per thread per input, blocks of 256";
      set_check(r, device_to_host(e, n), ref);
    } catch (...) {
      cudaFree(e);
      throw;
    }
    CK(cudaFree(e));
    out.push_back(r);
  }

  const auto a = xsym::variable<"A">();
  const auto b = xsym::variable<"B">();
  const auto c = xsym::variable<"C">();
  const auto d = xsym::variable<"D">();
  const auto e = a * b + c * d;

  // xsym_fused: the static graph's own kernel. A bind that throws xsym::error makes the
  // contender "not available"; anything failing after a successful bind is a failure.
  {
    result r = base("W1", "xsym_fused", w1_bytes);
    std::optional<decltype(xsym::bind(e, gpu, args))> ex;
    try {
      ex.emplace(xsym::bind(e, gpu, args));
      r.path = ex->path();
      if (ex->stream() == nullptr) throw xsym::error("the executor has no stream (path: " + r.path + ")");
    } catch (const xsym::error& err) {
      r.available = false;
      r.reason = err.what();
    }
    if (r.available) {
      const auto es = static_cast<cudaStream_t>(ex->stream());
      r.t = time_launches(es, opt.warmup, opt.reps, [&] { ex->forward(); });
      xsym::cuda::wait_to_read(ex->outputs()[0]);
      set_check(r, ex->outputs()[0].to_vector<float>(), ref);
    }
    out.push_back(r);
  }

  // xsym_per_op: the runtime Symbol, per-op GPU kernels
  {
    result r = base("W1", "xsym_per_op", w1_bytes);
    std::optional<xsym::Executor> rex;
    try {
      const xsym::Symbol sym = e;
      xsym::bind_options bo;
      bo.path = xsym::execution_path::per_op;
      rex.emplace(sym.bind(gpu, args, bo));
      r.path = rex->path_description();
      if (rex->stream() == nullptr) throw xsym::error("the runtime executor has no stream (path: " + r.path + ")");
    } catch (const xsym::error& err) {
      r.available = false;
      r.reason = err.what();
    }
    if (r.available) {
      const auto rs = static_cast<cudaStream_t>(rex->stream());
      r.t = time_launches(rs, opt.warmup, opt.reps, [&] { rex->forward(); });
      CK(cudaStreamSynchronize(rs));
      xsym::cuda::wait_to_read(rex->outputs()[0]);
      set_check(r, rex->outputs()[0].to_vector<float>(), ref);
    }
    out.push_back(r);
  }
}

// ---- output ---------------------------------------------------------------------------------
const result* find(const std::vector<result>& rs, std::int64_t n, const std::string& contender) {
  for (const auto& r : rs)
    if (r.n == n && r.contender == contender && r.available) return &r;
  return nullptr;
}

std::string size_name(std::int64_t n) {
  if (n > 0 && std::has_single_bit(std::uint64_t(n))) return "2^" + std::to_string(std::countr_zero(std::uint64_t(n)));
  return std::to_string(n);
}

std::string fixed(double v, int digits) {
  if (!std::isfinite(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

void print_markdown(const device_info& dev, const options& opt, const std::vector<result>& rs) {
  std::cout << "## GPU suite: W1 (E = A*B + C*D), float32, " << dev.name << "\n\n";
  std::cout << "Medians of " << opt.reps << " timed launches (cudaEvents, " << opt.warmup
            << " warm-up launches); GB/s = compulsory bytes / median (W1: 20 B per element, copy: 8);"
               " \"x copy\" = fraction of the copy kernel's GB/s at the same n;"
               " \"x hand\" = t_hand_written / t (> 1 is faster). Outputs checked bit for bit against the CPU.\n\n";
  std::cout << "| n | contender | median ms | min ms | GB/s | x copy | x hand | output | path |\n";
  std::cout << "|---|---|---:|---:|---:|---:|---:|---|---|\n";
  for (const auto& r : rs) {
    std::cout << "| " << size_name(r.n) << " | " << r.contender << " | ";
    if (!r.available) {
      std::cout << "- | - | - | - | - | not available | " << r.reason << " |\n";
      continue;
    }
    const result* copy = find(rs, r.n, "copy");
    const result* hand = find(rs, r.n, "hand_written");
    std::cout << fixed(r.t.median_ms, 4) << " | " << fixed(r.t.min_ms, 4) << " | " << fixed(r.gbps(), 0) << " | "
              << (copy ? fixed(r.gbps() / copy->gbps(), 3) : "-") << " | "
              << (hand && r.workload == "W1" ? fixed(hand->t.median_ms / r.t.median_ms, 3) : "-") << " | "
              << (r.correct ? "exact" : std::to_string(r.mismatches) + " wrong (max abs err " +
                                            fixed(r.max_abs_error, 6) + ")")
              << " | " << r.path << " |\n";
  }
  // The target of issue 6: the fused kernel at >= 0.98x the hand-written kernel's speed.
  std::cout << "\n";
  for (std::int64_t n : opt.sizes) {
    const result* hand = find(rs, n, "hand_written");
    const result* fused = find(rs, n, "xsym_fused");
    if (!hand || !fused) continue;
    const double ratio = hand->t.median_ms / fused->t.median_ms;
    std::cout << "- target xsym_fused >= 0.98x hand_written at " << size_name(n) << ": " << fixed(ratio, 3) << "x, "
              << (ratio >= 0.98 ? "met" : "missed") << "\n";
  }
}

std::string device_json(const device_info& d) {
  std::ostringstream o;
  o << "{\"name\": " << json_string(d.name) << ", \"compute_capability\": \"" << d.major << "." << d.minor
    << "\", \"sms\": " << d.sms << ", \"memory_bytes\": " << d.memory << ", \"l2_bytes\": " << d.l2
    << ", \"peak_gb_per_s\": " << json_number(d.peak_gbps) << ", \"driver\": \"" << version(d.driver)
    << "\", \"runtime\": \"" << version(d.runtime) << "\"}";
  return o.str();
}

void write_json(const std::string& path, const std::string& body) {
  std::ofstream f(path);
  f << body;
  f.close();
  if (!f) throw std::runtime_error("cannot write " + path);
}

std::string results_json(const device_info& dev, const options& opt, const std::vector<result>& rs) {
  std::ostringstream o;
  o << "{\n  \"schema\": \"xsym-gpu-bench/1\",\n  \"tool\": \"gpu_suite\",\n  \"skipped\": null,\n"
    << "  \"device\": " << device_json(dev) << ",\n  \"reps\": " << opt.reps << ",\n  \"warmup\": " << opt.warmup
    << ",\n  \"results\": [";
  for (std::size_t i = 0; i < rs.size(); ++i) {
    const result& r = rs[i];
    o << (i ? "," : "") << "\n    {\"workload\": " << json_string(r.workload)
      << ", \"contender\": " << json_string(r.contender) << ", \"dtype\": \"float32\", \"n\": " << r.n
      << ", \"bytes\": " << json_number(r.bytes) << ", \"available\": " << (r.available ? "true" : "false")
      << ", \"reason\": " << json_string(r.reason) << ", \"median_ms\": " << json_number(r.t.median_ms)
      << ", \"min_ms\": " << json_number(r.t.min_ms) << ", \"max_ms\": " << json_number(r.t.max_ms)
      << ", \"samples\": " << r.t.samples << ", \"gb_per_s\": " << json_number(r.gbps())
      << ", \"checked\": " << (r.checked ? "true" : "false") << ", \"exact\": " << (r.correct ? "true" : "false")
      << ", \"mismatches\": " << r.mismatches << ", \"max_abs_error\": " << json_number(r.max_abs_error)
      << ", \"path\": " << json_string(r.path) << "}";
  }
  o << "\n  ]\n}\n";
  return o.str();
}

[[noreturn]] void usage(int code) {
  (code ? std::cerr : std::cout)
      << "usage: gpu_suite [--sizes N,N,...] [--reps R] [--warmup W] [--json PATH]\n"
         "  --sizes   element counts or 2^k, comma-separated (default 2^20,2^24,2^26)\n"
         "  --reps    timed launches per contender, >= 30 (default 30)\n"
         "  --warmup  untimed launches first (default 5)\n"
         "  --json    also write the results as JSON to PATH\n"
         "Exit: 0 done, 1 a wrong result or a CUDA error, 2 usage, 77 no GPU (skipped).\n";
  std::exit(code);
}

std::int64_t parse_size(const std::string& s) {
  std::size_t used = 0;
  if (s.rfind("2^", 0) == 0) {
    const int k = std::stoi(s.substr(2), &used);
    if (used != s.size() - 2 || k < 0 || k > 31) throw std::invalid_argument(s);
    return std::int64_t(1) << k;
  }
  const long long v = std::stoll(s, &used);
  if (used != s.size() || v <= 0) throw std::invalid_argument(s);
  return v;
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(2);
      return argv[++i];
    };
    try {
      if (a == "-h" || a == "--help") usage(0);
      else if (a == "--sizes") {
        o.sizes.clear();
        std::stringstream ss(value());
        for (std::string item; std::getline(ss, item, ',');) o.sizes.push_back(parse_size(item));
        if (o.sizes.empty()) usage(2);
      } else if (a == "--reps") {
        o.reps = std::stoi(value());
      } else if (a == "--warmup") {
        o.warmup = std::stoi(value());
      } else if (a == "--json") {
        o.json = value();
      } else {
        std::cerr << "gpu_suite: unknown argument '" << a << "'\n";
        usage(2);
      }
    } catch (const std::logic_error&) {  // stoi/stoll/parse_size
      std::cerr << "gpu_suite: bad value for " << a << "\n";
      usage(2);
    }
  }
  if (o.reps < 30) {
    std::cerr << "gpu_suite: --reps must be at least 30 (medians of >= 30 launches)\n";
    usage(2);
  }
  if (o.warmup < 0) usage(2);
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const options opt = parse(argc, argv);

  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);  // any error counts as "no GPU" (no driver, ...)
  if (err != cudaSuccess || count == 0) {
    const std::string why = err != cudaSuccess ? cudaGetErrorString(err) : "no CUDA device";
    (void)cudaGetLastError();
    std::cout << "no GPU: skipped (" << why << ")\n";
    if (!opt.json.empty()) {
      try {
        write_json(opt.json, "{\n  \"schema\": \"xsym-gpu-bench/1\",\n  \"tool\": \"gpu_suite\",\n  \"skipped\": " +
                                 json_string("no GPU: " + why) + ",\n  \"results\": []\n}\n");
      } catch (const std::exception& e) {
        std::cerr << "gpu_suite: " << e.what() << "\n";
        return 1;
      }
    }
    return 77;
  }

  try {
    const device_info dev = query_device();
    std::cerr << "gpu_suite: " << dev.name << " (sm_" << dev.major << dev.minor << ", " << dev.sms << " SMs)\n";
    std::vector<result> rs;
    for (std::int64_t n : opt.sizes) {
      std::cerr << "gpu_suite: n = " << size_name(n) << "\n";
      run_size(n, opt, rs);
      xsym::cuda::trim(0);  // give the pool's blocks back before the next size
    }
    print_markdown(dev, opt, rs);
    if (!opt.json.empty()) write_json(opt.json, results_json(dev, opt, rs));
    bool ok = true;
    for (const auto& r : rs)
      if (r.available && !r.correct) {
        std::cerr << "gpu_suite: " << r.contender << " at n = " << r.n << ": " << r.mismatches
                  << " elements differ from the CPU result\n";
        ok = false;
      }
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "gpu_suite: FAILED: " << e.what() << "\n";
    return 1;
  }
}
