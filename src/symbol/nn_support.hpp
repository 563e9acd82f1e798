#pragma once
// What the network ops' CPU kernels share (kernels_nn.cpp for forward, kernels_nn_backward.cpp
// for backward): errors that name the node, attribute parsing, dtype checks, OpenMP helpers and
// the cache-blocked GEMMs.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "kernels.hpp"
#include "node_params.hpp"
#include "tensor_shapes.hpp"
#include "xsym/core/error.hpp"
#include "xsym/ops/network.hpp"  // the op descriptors: the kernels find their ops by these names
#include "xsym/symbol/op_def.hpp"

namespace xsym::kernels::nn {

using detail::dims;
using detail::i64;
using detail::kernel_param;
using detail::params;
using detail::spatial_param;

// ---- errors, attributes, dtypes -------------------------------------------------------------

inline std::string_view op_name(const graph_node& n) { return n.def ? std::string_view(n.def->name) : std::string_view(n.op); }

/// Whether op names a backward op (MXNet's `_backward_<op>`), and the forward op's name it
/// stands for (`_backward_dot` -> `dot`; any other name as it is).
inline bool is_backward_name(std::string_view op) { return op.starts_with("_backward_"); }
inline std::string_view forward_name(std::string_view op) {
  return is_backward_name(op) ? op.substr(std::string_view("_backward_").size()) : op;
}

[[noreturn]] inline void fail(const graph_node& n, const std::string& what) {
  throw error(std::string(op_name(n)) + " node '" + n.name + "': " + what);
}

// A floating-point attribute ("0.001", "1e-05", "-2"); "None" counts as absent.
inline double get_double(const params& p, const char* key, double fallback) {
  auto v = p.raw(key);
  if (!v) return fallback;
  std::string_view s = detail::trim(*v);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double d = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) p.bad(key, *v, "a number");
  return d;
}

// One of `allowed`, or an error that lists them.
inline std::string get_choice(const params& p, const char* key, const char* fallback,
                       std::initializer_list<std::string_view> allowed) {
  std::string v = p.get_string(key, fallback);
  if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) return v;
  std::string list;
  std::size_t i = 0;
  for (auto a : allowed) {
    list += i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ";
    list += a;
    ++i;
  }
  p.bad(key, v, list);
}

inline bool runs(dtype t) { return t == dtype::float32 || t == dtype::float64; }

[[noreturn]] inline void unsupported_dtype(const graph_node& n, dtype t) {
  fail(n, std::string(dtype_name(t)) + " is not supported by the CPU kernel; it runs float32 and float64");
}

// The node's element type: the data's (input 0). The first `n_in` inputs and `n_out` outputs
// must have it; others are not read, or are checked by the op.
inline dtype uniform_dtype(const graph_node& n, std::span<const tensor> in, std::size_t n_in, std::span<const tensor> out,
                    std::size_t n_out) {
  if (in.empty() && out.empty()) fail(n, "the kernel needs at least one input or output");
  dtype t = in.empty() ? out[0].type : in[0].type;
  if (!runs(t)) unsupported_dtype(n, t);
  auto check = [&](const tensor& x, const char* what, std::size_t i) {
    if (x.type == t) return;
    if (!runs(x.type)) unsupported_dtype(n, x.type);
    fail(n, std::string(what) + " " + std::to_string(i) + " is " + std::string(dtype_name(x.type)) + " but input 0 is " +
                std::string(dtype_name(t)) + "; the CPU kernel needs one dtype for all of them");
  };
  for (std::size_t i = 0; i < std::min(n_in, in.size()); ++i) check(in[i], "input", i);
  for (std::size_t i = 0; i < std::min(n_out, out.size()); ++i) check(out[i], "output", i);
  return t;
}

inline void expect_counts(const graph_node& n, std::span<const tensor> in, std::size_t n_in, std::span<const tensor> out,
                   std::size_t min_out) {
  if (in.size() != n_in)
    fail(n, "the kernel takes " + std::to_string(n_in) + " inputs, got " + std::to_string(in.size()));
  if (out.size() < min_out)
    fail(n, "the kernel writes " + std::to_string(min_out) + " outputs, got " + std::to_string(out.size()));
}

inline void expect_size(const graph_node& n, const tensor& x, std::size_t size, const std::string& what) {
  if (x.size() != size)
    fail(n, what + " has shape " + x.dims.str() + " (" + std::to_string(x.size()) + " elements), expected " +
                std::to_string(size) + " elements");
}

// A tensor's dimensions as the shape rules take them.
inline dims dims_of(const tensor& t) { return dims(t.dims.begin(), t.dims.end()); }

inline void expect_dims(const graph_node& n, const tensor& x, const dims& expected, const std::string& what) {
  if (dims_of(x) == expected) return;
  std::string e = "[";
  for (std::size_t i = 0; i < expected.size(); ++i) e += (i ? "," : "") + std::to_string(expected[i]);
  fail(n, what + " has shape " + x.dims.str() + ", expected " + e + "]");
}

inline void expect_ndim(const graph_node& n, const tensor& output, std::size_t ndim) {
  if (output.dims.ndim() != ndim)
    fail(n, "output 0 has shape " + output.dims.str() + ", expected " + std::to_string(ndim) + " dimensions");
}

inline i64 product(const std::vector<i64>& d, std::size_t from, std::size_t to) {
  i64 p = 1;
  for (std::size_t i = from; i < to && i < d.size(); ++i) p *= d[i];
  return p;
}

// An axis in [-ndim, ndim), normalized.
/// PReLU's gamma (input `gamma`) against data of shape `d`: its extents along data axes 0 and 1
/// (tensor_shapes.hpp), checked against its size; an error names the node.
inline std::pair<i64, i64> prelu_gamma_of(const graph_node& n, const tensor& gamma, const dims& d) {
  try {
    const auto e = detail::prelu_gamma_extents(dims_of(gamma), d);
    if (e.first * e.second != i64(gamma.size())) throw error("gamma has " + std::to_string(gamma.size()) + " elements");
    return e;
  } catch (const error& e) {
    fail(n, std::string("gamma (input 1): ") + e.what());
  }
}

inline std::size_t normalize_axis(const graph_node& n, const char* key, i64 axis, std::size_t ndim) {
  i64 nd = i64(ndim);
  if (axis >= nd || axis < -nd)
    fail(n, "axis " + std::to_string(axis) + " (attribute '" + key + "') is out of range for " + std::to_string(ndim) +
                "-d data");
  return std::size_t(axis < 0 ? axis + nd : axis);
}

// ---- threads --------------------------------------------------------------------------------

// Below this many elementary operations a kernel runs on one thread: waking threads costs more.
constexpr i64 parallel_work = i64(1) << 15;

inline int max_threads() {
#if defined(_OPENMP)
  return std::max(1, omp_get_max_threads());
#else
  return 1;
#endif
}

// f(i, thread) for i in [0, n); on up to `threads` OpenMP threads when `parallel` (thread < threads).
template <class F>
void parallel_for(i64 n, bool parallel, int threads, const F& f) {
#if defined(_OPENMP)
  if (parallel && n > 1 && threads > 1 && !omp_in_parallel()) {
    int t = int(std::min<i64>(threads, n));
#pragma omp parallel for schedule(static) num_threads(t)
    for (i64 i = 0; i < n; ++i) f(i, omp_get_thread_num());
    return;
  }
#else
  (void)parallel;
  (void)threads;
#endif
  for (i64 i = 0; i < n; ++i) f(i, 0);
}

// f(begin, end) over [0, n) in contiguous chunks, one per thread when the work is large.
template <class F>
void parallel_chunks(i64 n, i64 cost_per_item, const F& f) {
  int threads = max_threads();
  if (threads <= 1 || n * cost_per_item < parallel_work) {
    f(i64(0), n);
    return;
  }
  i64 chunk = ((n + threads - 1) / threads + 63) / 64 * 64;
  i64 pieces = (n + chunk - 1) / chunk;
  parallel_for(pieces, true, threads, [&](i64 k, int) { f(k * chunk, std::min(n, (k + 1) * chunk)); });
}

// ---- GEMM -----------------------------------------------------------------------------------
// Row-major with leading dimensions; C is accumulated into (the caller sets it to the bias).
// The register tiles are written with GCC/Clang vector types: left to itself, the compiler
// vectorizes the K loop of the plain-loop form with gathers, three times slower.

#if defined(__AVX__)
constexpr int vector_bytes = 32;
#else
constexpr int vector_bytes = 16;
#endif

template <class T, int Bytes = vector_bytes>
struct simd {
  typedef T type __attribute__((vector_size(Bytes)));
  static constexpr int width = Bytes / int(sizeof(T));
  static type load(const T* p) {
    type v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static void store(T* p, type v) { std::memcpy(p, &v, sizeof v); }
};

// C[MR x NV vectors] += A[MR x kc] * B[kc x NV vectors], accumulated in registers.
template <class T, int MR, int NV>
void micro_nn(i64 kc, const T* __restrict a, i64 lda, const T* __restrict b, i64 ldb, T* __restrict c, i64 ldc) {
  using S = simd<T>;
  using V = typename S::type;
  V acc[MR][NV] = {};
  for (i64 p = 0; p < kc; ++p) {
    V bv[NV];
    for (int j = 0; j < NV; ++j) bv[j] = S::load(b + p * ldb + j * S::width);
    for (int r = 0; r < MR; ++r) {
      const T ar = a[r * lda + p];
      for (int j = 0; j < NV; ++j) acc[r][j] += ar * bv[j];
    }
  }
  for (int r = 0; r < MR; ++r)
    for (int j = 0; j < NV; ++j) S::store(c + r * ldc + j * S::width, S::load(c + r * ldc + j * S::width) + acc[r][j]);
}

// The ragged edge: fewer columns than a vector.
template <class T>
void edge_nn(i64 mr, i64 nr, i64 kc, const T* a, i64 lda, const T* b, i64 ldb, T* c, i64 ldc) {
  for (i64 r = 0; r < mr; ++r)
    for (i64 p = 0; p < kc; ++p) {
      const T ar = a[r * lda + p];
      const T* bp = b + p * ldb;
      T* cr = c + r * ldc;
      for (i64 j = 0; j < nr; ++j) cr[j] += ar * bp[j];
    }
}

// Rows [i, i + mr) (mr <= 6) times NV vectors of columns.
template <class T, int NV>
void rows_nn(i64 mr, i64 kc, const T* a, i64 lda, const T* b, i64 ldb, T* c, i64 ldc) {
  switch (mr) {
    case 6: return micro_nn<T, 6, NV>(kc, a, lda, b, ldb, c, ldc);
    case 5: return micro_nn<T, 5, NV>(kc, a, lda, b, ldb, c, ldc);
    case 4: return micro_nn<T, 4, NV>(kc, a, lda, b, ldb, c, ldc);
    case 3: return micro_nn<T, 3, NV>(kc, a, lda, b, ldb, c, ldc);
    case 2: return micro_nn<T, 2, NV>(kc, a, lda, b, ldb, c, ldc);
    default: return micro_nn<T, 1, NV>(kc, a, lda, b, ldb, c, ldc);
  }
}

// Register tile: 6 rows x 2 vectors (12 accumulators), best with both SSE2 and AVX2. A tile of
// C (64 x 256) is one unit of work; its K slices of 256 keep the B panel in L1/L2.
constexpr i64 nn_mr = 6, nn_kc = 256, nn_mb = 64, nn_nb = 256;

template <class T>
void gemm_nn_tile(i64 m0, i64 m1, i64 n0, i64 n1, i64 K, const T* A, i64 lda, const T* B, i64 ldb, T* C, i64 ldc) {
  constexpr i64 w = simd<T>::width;
  for (i64 p0 = 0; p0 < K; p0 += nn_kc) {
    const i64 kc = std::min(nn_kc, K - p0);
    for (i64 j = n0; j < n1;) {
      const i64 left = n1 - j;
      const i64 step = left >= 2 * w ? 2 * w : left >= w ? w : left;
      for (i64 i = m0; i < m1; i += nn_mr) {
        const i64 mr = std::min(nn_mr, m1 - i);
        const T* a = A + i * lda + p0;
        const T* b = B + p0 * ldb + j;
        T* c = C + i * ldc + j;
        if (step == 2 * w)
          rows_nn<T, 2>(mr, kc, a, lda, b, ldb, c, ldc);
        else if (step == w)
          rows_nn<T, 1>(mr, kc, a, lda, b, ldb, c, ldc);
        else
          edge_nn(mr, step, kc, a, lda, b, ldb, c, ldc);
      }
      j += step;
    }
  }
}

// ---- BLAS -----------------------------------------------------------------------------------
// With XSYM_HAVE_BLAS (CMake found Debian's serial OpenBLAS), float and double products go to
// cblas_?gemm: 5-6x the hand-written tiles below on one core here (AVX-512 kernels chosen at run
// time). The serial build is not safe to call from two threads at once (its buffer pool has no
// lock: measured, two threads calling it gave results that changed from run to run), so it is
// called from one thread only, outside parallel regions; inside one (a convolution's per-image
// units), xsym's own tiles run.
#if XSYM_HAVE_BLAS
extern "C" {
void cblas_sgemm(int order, int trans_a, int trans_b, int m, int n, int k, float alpha, const float* a, int lda,
                 const float* b, int ldb, float beta, float* c, int ldc);
void cblas_dgemm(int order, int trans_a, int trans_b, int m, int n, int k, double alpha, const double* a, int lda,
                 const double* b, int ldb, double beta, double* c, int ldc);
}
#endif

// C = op(A) op(B) + beta C through BLAS, op(A) = A (M x K) or A^T (A is K x M), op(B) = B
// (K x N) or B^T (B is N x K); beta 0 ignores what C holds. False where BLAS cannot (no BLAS,
// another element type, dimensions past int, or inside a parallel region).
template <class T>
bool blas_gemm(bool a_transposed, bool b_transposed, i64 M, i64 N, i64 K, const T* A, i64 lda, const T* B, i64 ldb,
               T beta, T* C, i64 ldc) {
#if XSYM_HAVE_BLAS
  constexpr bool is_float = std::is_same_v<T, float>, is_double = std::is_same_v<T, double>;
  if constexpr (is_float || is_double) {
    constexpr i64 int_max = 0x7fffffff;
    if (M > int_max || N > int_max || K > int_max || lda > int_max || ldb > int_max || ldc > int_max) return false;
#if defined(_OPENMP)
    if (omp_in_parallel()) return false;
#endif
    if (M == 0 || N == 0) return true;
    constexpr int row_major = 101, no_trans = 111, trans = 112;
    const auto call = [&](auto gemm) {
      gemm(row_major, a_transposed ? trans : no_trans, b_transposed ? trans : no_trans, int(M), int(N), int(K), T(1),
           A, int(lda), B, int(ldb), beta, C, int(ldc));
    };
    if constexpr (is_float) call(cblas_sgemm);
    else call(cblas_dgemm);
    return true;
  }
#else
  (void)a_transposed, (void)b_transposed, (void)M, (void)N, (void)K, (void)A, (void)lda, (void)B, (void)ldb,
      (void)beta, (void)C, (void)ldc;
#endif
  return false;
}

// C[M x N] += A[M x K] * B[K x N], split in tiles across threads when `parallel`.
template <class T>
void gemm_nn(i64 M, i64 N, i64 K, const T* A, i64 lda, const T* B, i64 ldb, T* C, i64 ldc, bool parallel) {
  if (blas_gemm(false, false, M, N, K, A, lda, B, ldb, T(1), C, ldc)) return;
  const i64 tm = (M + nn_mb - 1) / nn_mb, tn = (N + nn_nb - 1) / nn_nb;
  parallel = parallel && M * N * K >= parallel_work;
  parallel_for(tm * tn, parallel, max_threads(), [&](i64 t, int) {
    const i64 bi = t / tn, bj = t % tn;
    gemm_nn_tile(bi * nn_mb, std::min(M, (bi + 1) * nn_mb), bj * nn_nb, std::min(N, (bj + 1) * nn_nb), K, A, lda, B,
                 ldb, C, ldc);
  });
}

// C[MR x NR] += A[MR x kc] * B[NR x kc]^T: MR x NR dot products along K, each a vector of
// partial sums added up at the end. 16-byte vectors: measured faster than 32 here, with AVX2 too.
template <class T, int MR, int NR>
void micro_nt(i64 kc, const T* __restrict a, i64 lda, const T* __restrict b, i64 ldb, T* __restrict c, i64 ldc) {
  using S = simd<T, 16>;
  using V = typename S::type;
  V acc[MR][NR] = {};
  i64 p = 0;
  for (; p + S::width <= kc; p += S::width) {
    V av[MR], bv[NR];
    for (int r = 0; r < MR; ++r) av[r] = S::load(a + r * lda + p);
    for (int j = 0; j < NR; ++j) bv[j] = S::load(b + j * ldb + p);
    for (int r = 0; r < MR; ++r)
      for (int j = 0; j < NR; ++j) acc[r][j] += av[r] * bv[j];
  }
  for (int r = 0; r < MR; ++r)
    for (int j = 0; j < NR; ++j) {
      T s = 0;
      for (int l = 0; l < S::width; ++l) s += acc[r][j][l];
      for (i64 q = p; q < kc; ++q) s += a[r * lda + q] * b[j * ldb + q];
      c[r * ldc + j] += s;
    }
}

template <class T>
void edge_nt(i64 mr, i64 nr, i64 kc, const T* a, i64 lda, const T* b, i64 ldb, T* c, i64 ldc) {
  for (i64 r = 0; r < mr; ++r)
    for (i64 j = 0; j < nr; ++j) {
      T s = 0;
      for (i64 p = 0; p < kc; ++p) s += a[r * lda + p] * b[j * ldb + p];
      c[r * ldc + j] += s;
    }
}

// C[M x N] += A[M x K] * B[N x K]^T (FullyConnected: data times weight transposed).
template <class T>
void gemm_nt(i64 M, i64 N, i64 K, const T* A, i64 lda, const T* B, i64 ldb, T* C, i64 ldc) {
  if (blas_gemm(false, true, M, N, K, A, lda, B, ldb, T(1), C, ldc)) return;
  constexpr int mr = 2, nr = 4;
  constexpr i64 kc = 512, mb = 64, nb = 64;
  const i64 tm = (M + mb - 1) / mb, tn = (N + nb - 1) / nb;
  parallel_for(tm * tn, M * N * K >= parallel_work, max_threads(), [&](i64 t, int) {
    const i64 bi = t / tn, bj = t % tn;
    const i64 m0 = bi * mb, m1 = std::min(M, m0 + mb), n0 = bj * nb, n1 = std::min(N, n0 + nb);
    for (i64 p0 = 0; p0 < K; p0 += kc) {
      const i64 k = std::min(kc, K - p0);
      for (i64 j = n0; j < n1; j += nr)
        for (i64 i = m0; i < m1; i += mr) {
          const T* a = A + i * lda + p0;
          const T* b = B + j * ldb + p0;
          T* c = C + i * ldc + j;
          if (i + mr <= m1 && j + nr <= n1)
            micro_nt<T, mr, nr>(k, a, lda, b, ldb, c, ldc);
          else if (j + nr <= n1)
            micro_nt<T, 1, nr>(k, a, lda, b, ldb, c, ldc);  // one row left (mr == 2)
          else
            edge_nt(std::min<i64>(mr, m1 - i), n1 - j, k, a, lda, b, ldb, c, ldc);
        }
    }
  });
}

}  // namespace xsym::kernels::nn
