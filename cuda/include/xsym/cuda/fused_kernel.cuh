#pragma once
// The fused CUDA kernel: one kernel for a whole static graph, running the program its plan
// lowers to (include/xsym/exec/program.hpp: every node once per element, every output written;
// trivially copyable, positional inputs, no names, no Hana). The runtime executor's per-op
// kernels run one-node functor trees (exec/lower.hpp: exec::output_stage) through the same
// kernel. Include it from a translation unit compiled by nvcc.
//
// How it is fast (the way the best elementwise kernels are):
// - 16-byte vector loads and stores: each array is read and written in vectors of
//   V = 16 / (widest element of the graph) elements (float4 for float32), when every array can
//   reach a V-aligned index after the same number of leading elements (the head);
// - several vectors per thread (U = 2), all loads issued before the first store;
// - head, tail and the one partial tile are handled outside the hot loop (thread_work.hpp),
//   never by falling back to scalar code for the whole array;
// - 32-bit indices: a launch covers at most 2^30 elements; larger arrays take several launches;
// - one tile per block, so the grid grows with the array and the block scheduler balances it.
// Arrays whose alignments differ (views at different offsets) run the scalar kernel: the same
// code with V = 1 and 8 elements per thread. So a graph has at most two kernel instantiations
// per set of element types: fused_kernel<V, 2, ...> and fused_kernel<1, 8, ...>.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <xsym/exec/cpu_loop.hpp>
#include <xsym/exec/lower.hpp>
#include <xsym/exec/program.hpp>

#include <xsym/core/error.hpp>

#include "error.hpp"
#include "thread_work.hpp"

#if defined(__CUDACC__)
#define XSYM_UNROLL _Pragma("unroll")
#else
#define XSYM_UNROLL
#endif

namespace xsym::cuda::fused {

inline constexpr unsigned block_dim = 256;
inline constexpr unsigned vector_bytes = 16;
inline constexpr unsigned vectors_per_thread = 2;  // U of the vector kernel
inline constexpr unsigned scalars_per_thread = 8;  // U of the scalar kernel
/// Elements per launch: 32-bit indices never overflow, and a multiple of every V keeps each
/// piece's alignment.
inline constexpr std::ptrdiff_t max_launch_elements = std::ptrdiff_t(1) << 30;

/// V elements of T, aligned for one vector access.
template <class T, unsigned V>
struct alignas(sizeof(T) * V) lanes {
  T v[V];
};

/// A leaf that returns lane j of a vector loaded once (the kernel's registers).
template <class T, unsigned V>
struct lane_values {
  lanes<T, V> x;
  template <class I>
  XSYM_HD XSYM_INLINE T operator()(I j) const { return x.v[j]; }
};

// ---- rebuilding a lowered tree with other leaves -------------------------------------------
// map_leaves(f, leaf) returns f's tree with every load<T> replaced by leaf(load): vectors for
// the kernel, shifted pointers for pieces of a large array.

template <class T, class Leaf>
XSYM_HD XSYM_INLINE auto map_leaves(const lowered::load<T>& f, const Leaf& leaf);
template <class Op, class P, class A, class Leaf>
XSYM_HD XSYM_INLINE auto map_leaves(const lowered::apply<Op, P, A>& f, const Leaf& leaf);
template <class Op, class P, class A, class B, class Leaf>
XSYM_HD XSYM_INLINE auto map_leaves(const lowered::apply<Op, P, A, B>& f, const Leaf& leaf);
template <class Op, class P, class A, class B, class C, class Leaf>
XSYM_HD XSYM_INLINE auto map_leaves(const lowered::apply<Op, P, A, B, C>& f, const Leaf& leaf);
template <class Op, class P, class A, class B, class C, class D, class Leaf>
XSYM_HD XSYM_INLINE auto map_leaves(const lowered::apply<Op, P, A, B, C, D>& f, const Leaf& leaf);

template <class T, class Leaf>
XSYM_HD XSYM_INLINE auto map_leaves(const lowered::load<T>& f, const Leaf& leaf) {
  return leaf(f);
}
template <class Op, class P, class A, class Leaf>
XSYM_HD XSYM_INLINE auto map_leaves(const lowered::apply<Op, P, A>& f, const Leaf& leaf) {
  auto a = map_leaves(f.a, leaf);
  return lowered::apply<Op, P, decltype(a)>{f.param, a};
}
template <class Op, class P, class A, class B, class Leaf>
XSYM_HD XSYM_INLINE auto map_leaves(const lowered::apply<Op, P, A, B>& f, const Leaf& leaf) {
  auto a = map_leaves(f.a, leaf);
  auto b = map_leaves(f.b, leaf);
  return lowered::apply<Op, P, decltype(a), decltype(b)>{f.param, a, b};
}
template <class Op, class P, class A, class B, class C, class Leaf>
XSYM_HD XSYM_INLINE auto map_leaves(const lowered::apply<Op, P, A, B, C>& f, const Leaf& leaf) {
  auto a = map_leaves(f.a, leaf);
  auto b = map_leaves(f.b, leaf);
  auto c = map_leaves(f.c, leaf);
  return lowered::apply<Op, P, decltype(a), decltype(b), decltype(c)>{f.param, a, b, c};
}
template <class Op, class P, class A, class B, class C, class D, class Leaf>  // a binary op's backward
XSYM_HD XSYM_INLINE auto map_leaves(const lowered::apply<Op, P, A, B, C, D>& f, const Leaf& leaf) {
  auto a = map_leaves(f.a, leaf);
  auto b = map_leaves(f.b, leaf);
  auto c = map_leaves(f.c, leaf);
  auto d = map_leaves(f.d, leaf);
  return lowered::apply<Op, P, decltype(a), decltype(b), decltype(c), decltype(d)>{f.param, a, b, c, d};
}

template <class Load>
using element_of = std::remove_cv_t<std::remove_pointer_t<decltype(Load::p)>>;

/// The widest element a lowered tree reads, in bytes.
template <class F>
struct widest_leaf;
template <class T>
struct widest_leaf<lowered::load<T>> : std::integral_constant<std::size_t, sizeof(T)> {};
template <class Op, class P, class... In>
struct widest_leaf<lowered::apply<Op, P, In...>>
    : std::integral_constant<std::size_t, std::max({std::size_t(1), widest_leaf<In>::value...})> {};

/// The widest element a stage reads or writes, in bytes.
template <class Out, class F>
constexpr std::size_t widest_element(const exec::output_stage<Out, F>*) {
  return std::max(sizeof(Out), widest_leaf<F>::value);
}
template <class... A, class N, class... O>
constexpr std::size_t widest_element(const lowered::fused_stage<type_list<A...>, N, type_list<O...>>*) {
  return std::max({sizeof(A)..., sizeof(typename O::type)...});
}

// ---- the per-thread work -------------------------------------------------------------------

/// The tree of `f` with every argument read as one vector of V elements at `first`.
template <unsigned V, class F>
XSYM_HD XSYM_INLINE auto load_lanes(const F& f, unsigned first) {
  return map_leaves(f, [first](const auto& leaf) {
    using T = element_of<std::remove_cvref_t<decltype(leaf)>>;
    return lane_values<T, V>{*reinterpret_cast<const lanes<T, V>*>(leaf.p + first)};
  });
}

/// Computes U vectors of an output, at first + u*stride: loads all of them, then stores.
template <unsigned V, unsigned U, class Out, class F>
XSYM_HD XSYM_INLINE void compute_vectors(const exec::output_stage<Out, F>& s, unsigned first, unsigned stride) {
  decltype(load_lanes<V>(s.f, first)) in[U];
  XSYM_UNROLL
  for (unsigned u = 0; u < U; ++u) in[u] = load_lanes<V>(s.f, first + u * stride);
  XSYM_UNROLL
  for (unsigned u = 0; u < U; ++u) {
    lanes<Out, V> r;
    XSYM_UNROLL
    for (unsigned j = 0; j < V; ++j) r.v[j] = static_cast<Out>(in[u](j));
    *reinterpret_cast<lanes<Out, V>*>(s.out + first + u * stride) = r;
  }
}

template <class Out, class F>
XSYM_HD XSYM_INLINE void compute_element(const exec::output_stage<Out, F>& s, unsigned i) {
  s.out[i] = static_cast<Out>(s.f(i));
}

// A lowered program (exec/program.hpp): every argument is loaded as vectors first, then the whole
// program runs lane by lane, each node once per lane, and every output is stored as vectors.
// (A twin's `merged` is the same for the whole launch: a uniform branch.)

/// Argument K of every argument type, loaded as one vector of V elements at `first`.
template <unsigned V, class... A, class N, class O, std::size_t... K>
XSYM_HD XSYM_INLINE auto load_arguments(
    const lowered::fused_stage<type_list<A...>, N, O>& s, unsigned first, std::index_sequence<K...>) {
  lowered::slots<lanes<A, V>...> in;
  ((lowered::at<K>(in) = *reinterpret_cast<const lanes<A, V>*>(lowered::at<K>(s.in) + first)), ...);
  return in;
}

/// Computes U vectors of every output, at first + u*stride: loads all of them, then stores.
template <unsigned V, unsigned U, class... A, class N, class... O>
XSYM_HD XSYM_INLINE void compute_vectors(const lowered::fused_stage<type_list<A...>, N, type_list<O...>>& s,
                                         unsigned first, unsigned stride) {
  lowered::slots<lanes<A, V>...> in[U];
  XSYM_UNROLL
  for (unsigned u = 0; u < U; ++u) in[u] = load_arguments<V>(s, first + u * stride, std::index_sequence_for<A...>{});
  XSYM_UNROLL
  for (unsigned u = 0; u < U; ++u) {
    lowered::slots<lanes<typename O::type, V>...> r;
    XSYM_UNROLL
    for (unsigned j = 0; j < V; ++j) {
      const auto v = s.values(
          [&](auto k) { return lowered::at<std::size_t(decltype(k)::value)>(in[u]).v[j]; });
      s.outputs(v, [&](auto k, auto x) { lowered::at<decltype(k)::value>(r).v[j] = x; });
    }
    [&]<std::size_t... K>(std::index_sequence<K...>) {
      ((*reinterpret_cast<lanes<typename O::type, V>*>(lowered::at<K>(s.out) + first + u * stride) =
            lowered::at<K>(r)),
       ...);
    }(std::index_sequence_for<O...>{});
  }
}

template <class A, class N, class O>
XSYM_HD XSYM_INLINE void compute_element(const lowered::fused_stage<A, N, O>& s, unsigned i) {
  s(i);
}

/// Everything thread `thread` of block `block` computes, for every output stage: the kernel's
/// body, callable on the host for a simulated launch over host arrays.
template <unsigned V, unsigned U, class... Stage>
XSYM_HD XSYM_INLINE void fused_thread(const element_split& s, unsigned block, unsigned thread, unsigned grid,
                                      unsigned threads_per_block, const Stage&... stages) {
  thread_work<V, U>(
      s, block, thread, grid, threads_per_block,
      [&](unsigned first, unsigned stride) { (compute_vectors<V, U>(stages, first, stride), ...); },
      [&](unsigned first) { (compute_vectors<V, 1>(stages, first, 0u), ...); },
      [&](unsigned i) { (compute_element(stages, i), ...); });
}

#if defined(__CUDACC__)
template <unsigned V, unsigned U, class... Stage>
__global__ void __launch_bounds__(block_dim) fused_kernel(element_split s, Stage... stages) {
  fused_thread<V, U>(s, blockIdx.x, threadIdx.x, gridDim.x, blockDim.x, stages...);
}

// The <<<>>> arguments stay plain parameters (TOOLCHAIN.md, pitfall 3).
template <unsigned V, unsigned U, class... Stage>
void launch_piece(cudaStream_t stream, const element_split& s, const Stage&... stages) {
  unsigned grid = grid_for(s, U, block_dim, 0x7fffffffu);
  fused_kernel<V, U><<<grid, block_dim, 0, stream>>>(s, stages...);
}
#endif

// ---- the launch ----------------------------------------------------------------------------

/// The vector width of a launch over these stages.
template <class... Stage>
constexpr unsigned vector_width() {
  return unsigned(vector_bytes / std::max({widest_element(static_cast<const Stage*>(nullptr))...}));
}

/// Calls f(p) for every array pointer of a stage.
template <class Out, class F, class Visit>
void for_each_pointer(const exec::output_stage<Out, F>& s, const Visit& f) {
  f(s.out);
  map_leaves(s.f, [&](const auto& leaf) {
    f(leaf.p);
    return leaf;
  });
}
template <class A, class N, class O, class Visit>
void for_each_pointer(const lowered::fused_stage<A, N, O>& s, const Visit& f) {
  s.for_each_pointer([&](auto* p) { f(p); });
}

/// The head (leading scalar elements) after which every array the stages read or write sits at
/// a V-aligned address, or -1 when no common head exists (the arrays' offsets differ).
template <unsigned V, class... Stage>
int common_head(const Stage&... stages) {
  int residue = -2;  // -2: no array seen yet; -1: no common residue
  auto see = [&](const void* p, std::size_t size) {
    auto address = reinterpret_cast<std::uintptr_t>(p);
    int r = address % size ? -1 : int(address / size % V);
    residue = residue == -2 || residue == r ? r : -1;
  };
  (for_each_pointer(stages, [&](const auto* p) { see(p, sizeof(*p)); }), ...);
  return residue < 0 ? -1 : int((V - unsigned(residue)) % V);
}

/// The stage for elements [first, ...): every pointer moved by `first`.
template <class A, class N, class O>
lowered::fused_stage<A, N, O> shifted(const lowered::fused_stage<A, N, O>& s, std::ptrdiff_t first) {
  return s.shifted(first);
}
template <class Out, class F>
exec::output_stage<Out, F> shifted(const exec::output_stage<Out, F>& s, std::ptrdiff_t first) {
  return {s.out + first, map_leaves(s.f, [first](auto leaf) {
            leaf.p += first;
            return leaf;
          })};
}

#if defined(__CUDACC__)
/// What launch() does with arrays that share no head (views at different offsets).
enum class misaligned { scalar_kernel, error };

/// Enqueues the fused kernel over elements [0, n) of every stage on `stream` (of the current
/// device): the vector kernel when the arrays share a head, otherwise the scalar kernel (or, with
/// `misaligned::error`, an xsym::error: for callers whose arrays are all ndarrays, 64-byte
/// aligned, which need not compile the scalar kernel). In pieces of at most 2^30 elements.
/// Asynchronous; launch errors throw xsym::error.
template <misaligned Otherwise = misaligned::scalar_kernel, class... Stage>
void launch(cudaStream_t stream, std::ptrdiff_t n, const Stage&... stages) {
  constexpr unsigned V = vector_width<Stage...>();
  const int head = common_head<V>(stages...);
  if constexpr (Otherwise == misaligned::error)
    if (head < 0) throw xsym::error("xsym fused kernel launch: the arrays are not aligned alike");
  for (std::ptrdiff_t first = 0; first < n; first += max_launch_elements) {
    const auto m = unsigned(std::min(n - first, max_launch_elements));
    if constexpr (Otherwise == misaligned::scalar_kernel) {
      if (head < 0) {
        launch_piece<1, scalars_per_thread>(stream, split_elements(m, 0, 1), shifted(stages, first)...);
        XSYM_CUDA_CHECK(cudaGetLastError(), "xsym fused kernel launch");
        continue;
      }
    }
    launch_piece<V, vectors_per_thread>(stream, split_elements(m, unsigned(head), V), shifted(stages, first)...);
    XSYM_CUDA_CHECK(cudaGetLastError(), "xsym fused kernel launch");
  }
}
#endif

}  // namespace xsym::cuda::fused
