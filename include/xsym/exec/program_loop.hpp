#pragma once
// How the CPU runs a lowered program (exec/program.hpp) over a range of elements, when xsym is
// built with XSYM_CPU_BLOCKS (CMake option, on by default; it costs compile time, up to 1.8x for
// static-graph-heavy translation units; without it the fused loop runs every program per
// element, exec/cpu_loop.hpp). Two ways:
//
// - **Per element**: the whole program for element i, in one vectorized loop. Used for short
//   floating-point programs with at most one costly op and no twin (W1's a*b + c*d,
//   exp(a) + b), and for integer programs: nothing goes through memory but the arguments and
//   outputs, and each program is compiled once.
// - **By blocks** (other floating-point programs, and whenever an output is not simply
//   written): a block of B consecutive elements at a time, node by node. Each node is one loop
//   over the block into a buffer on the stack (an argument node is its input pointer), and
//   each output one loop from its node's buffer; the buffers stay in L1.
//   A long program evaluated per element is one long dependency chain (W2b: six transcendental
//   functions in a row) that the CPU cannot overlap with the next element's, and g++ 12
//   vectorizes no loop that branches per element on a loop-invariant bool, which a structural
//   twin merged at bind does (W3 ran scalar). By blocks, each node's loop has a vector's worth
//   of independent work per instruction, and a merged twin copies its twin's buffer, a branch
//   taken once per block. The elements after the last whole block run per element.
//
// Either way every node's element function is the one every other path calls, on the same
// values, so the bits do not change. Outputs are stored as their gradient requests ask
// (exec/grad_req.hpp); a program with requests other than `write` runs by blocks.
//
// Run-time dispatch by instruction set: the loop of a compute-bound floating-point program (at
// least 8 cheap ops per array it streams, a costly op counting 16: W2a, W2b, W3, exp(a)) is
// compiled for baseline x86-64, x86-64-v3 (AVX2) and x86-64-v4 (AVX-512), and the loader picks
// the best one this CPU runs (an ifunc). Only the instruction set changes, not the operations:
// with -ffp-contract=off (XSYM_EXACT_FP) no FMA is formed, so every clone gives the same bits.
// Memory-bound programs (exp(a) + b, an optimizer's update) and integer programs keep the
// baseline loop alone: wider vectors gain them little, and each clone costs compile time. g++
// only (clang's target_clones does not clone templates); XSYM_NO_CPU_DISPATCH builds the
// baseline alone.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "../core/config.hpp"
#include "../core/type_list.hpp"
#include "../ops/kinds.hpp"
#include "../ops/table.hpp"
#include "grad_req.hpp"
#include "program.hpp"

// clang reports every loop that a vectorize request could not vectorize (integer division,
// libm calls) with a backend warning that no diagnostic pragma silences, which breaks -Werror
// builds; its own vectorizer with run-time alias checks handles the fused loop without a hint.
#if defined(__clang__)
#define XSYM_SIMD_LOOP
#elif defined(_OPENMP)
#define XSYM_SIMD_LOOP _Pragma("omp simd")
#elif defined(__GNUC__)
#define XSYM_SIMD_LOOP _Pragma("GCC ivdep")
#else
#define XSYM_SIMD_LOOP
#endif

#if !defined(XSYM_CPU_BLOCKS)
#define XSYM_CPU_BLOCKS 1
#endif

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__CUDACC__) && \
    !defined(XSYM_NO_CPU_DISPATCH)
#define XSYM_CPU_DISPATCH __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define XSYM_CPU_DISPATCH
#endif

// Keeps a loop a loop: g++ unrolls a loop of up to 16 vectors completely (eval_op_block below).
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#define XSYM_NO_UNROLL _Pragma("GCC unroll 1")
#else
#define XSYM_NO_UNROLL
#endif

namespace xsym::lowered {

// ---- which way a program runs ----------------------------------------------------------------
/// An op whose element function is long: the operator table's cost class (ops/kinds.hpp).
template <class Op>
inline constexpr bool costly_op = ops::cost_of<Op>() == ops::op_cost::math;

template <class N>
inline constexpr bool costly_node = false;
template <class T, class Op, class P, int... In>
inline constexpr bool costly_node<op_node<T, Op, P, In...>> = costly_op<Op>;

template <class N>
inline constexpr bool is_twin = false;
template <int W, class T, class Op, class P, int... In>
inline constexpr bool is_twin<twin_node<W, T, Op, P, In...>> = true;

template <class N>
inline constexpr bool is_argument = false;
template <class T, int K>
inline constexpr bool is_argument<arg_node<T, K>> = true;

/// The longest program that runs per element, with at most one costly op: its dependency chain
/// is short enough for the CPU to overlap consecutive elements. W1 (three ops) runs per
/// element; W2a (sixteen cheap ops) and W2b (six costly ones in a chain) run faster by blocks.
inline constexpr int max_ops_per_element = 4;

/// The cost model of the instruction-set clones: a costly op (a polynomial of 15 to 30
/// instructions) counts as this many cheap ones (1 to 3), and a program is compute-bound from
/// this many cheap ops per array it reads or writes: about what one core streams an array's
/// vector in here, in SSE2. W2a (16 cheap ops, 2 arrays) is 3x faster in AVX-512; an
/// optimizer's update (12 to 30 ops over 5 to 7 arrays) is not compute-bound.
inline constexpr int costly_op_work = 16, min_work_per_array = 8;

/// One op's work in that cost model.
template <class Op>
inline constexpr int op_work = costly_op<Op> ? costly_op_work : 1;

/// Whether `work` over `arrays` arrays read or written is compute-bound: worth compiling for
/// each instruction set (a program here, a runtime one-op kernel in kernels_elementwise.cpp).
constexpr bool compute_bound(int work, int arrays) { return work >= min_work_per_array * arrays; }

/// A node's work: its op's, none for an argument or a twin (merged at bind in practice).
template <class N>
inline constexpr int node_work = 0;
template <class T, class Op, class P, int... In>
inline constexpr int node_work<op_node<T, Op, P, In...>> = op_work<Op>;

template <class Stage>
struct program_traits;
template <class... A, class... N, class... O>
struct program_traits<fused_stage<type_list<A...>, type_list<N...>, type_list<O...>>> {
  static constexpr int ops = (0 + ... + int(!is_argument<N>));
  static constexpr int costly_ops = (0 + ... + int(costly_node<N>));
  static constexpr bool floating = (std::is_floating_point_v<typename N::type> && ...);
  static constexpr bool per_element =
      !floating || (ops <= max_ops_per_element && costly_ops <= 1 && !(is_twin<N> || ...));
  /// Compiled for each instruction set: compute-bound floating-point programs. The wider
  /// vectors pay there (W2a, W2b, W3: 2x to 5x); a memory-bound program (an optimizer's update,
  /// exp(a) + b) would only compile three times longer.
  static constexpr int work = (0 + ... + node_work<N>);
  static constexpr bool dispatched = floating && compute_bound(work, int(sizeof...(A) + sizeof...(O)));
  /// Elements per block: buffers of about 16 KiB in all, so that L1 holds them beside the lines
  /// streamed through; between 16 and 128 elements, a multiple of every vector width.
  static constexpr std::size_t block = std::clamp<std::size_t>(
      std::bit_floor(std::size_t(16384) / (sizeof...(N) * std::max({sizeof(typename N::type)...}))), 16, 128);
};

// ---- by blocks ---------------------------------------------------------------------------------
/// The values of one node over a block of B elements.
template <class T, std::size_t B>
struct block_buffer {
  T v[B];
  XSYM_INLINE T operator[](std::size_t j) const { return v[j]; }
  XSYM_INLINE T& operator[](std::size_t j) { return v[j]; }
};

/// A node's slot in a block: its input pointer for an argument, a buffer for an op.
template <class N, std::size_t B>
struct block_slot {
  using type = block_buffer<typename N::type, B>;
};
template <class T, int K, std::size_t B>
struct block_slot<arg_node<T, K>, B> {
  using type = const T*;
};

template <std::size_t B, class T, int K, class V, class Stage>
XSYM_INLINE void eval_block(const arg_node<T, K>&, const T*& out, const V&, const Stage& s, std::ptrdiff_t i) {
  out = at<std::size_t(K)>(s.in) + i;
}
/// Op over a block. In a compute-bound program (one compiled for each instruction set), a cheap
/// op's loop unrolls into a few vector instructions and the block stays in registers from node
/// to node (W2a: 3x faster). Other loops stay loops: unrolled, a costly op's math would compile
/// 8 or 16 more times, and a memory-bound program gains nothing for the compile time.
template <class Op, bool Unroll, std::size_t B, class T, class P, class... In>
XSYM_INLINE void eval_op_block(block_buffer<T, B>& out, const P& param, const In&... in) {
  if constexpr (Unroll) {
    for (std::size_t j = 0; j < B; ++j) out[j] = Op::eval(param, in[j]...);
  } else {
    XSYM_NO_UNROLL for (std::size_t j = 0; j < B; ++j) out[j] = Op::eval(param, in[j]...);
  }
}
template <class Stage, class Op>
inline constexpr bool unrolled_block = program_traits<Stage>::dispatched && !costly_op<Op>;

template <std::size_t B, class T, class Op, class P, int... In, class V, class Stage>
XSYM_INLINE void eval_block(const op_node<T, Op, P, In...>& n, block_buffer<T, B>& out, const V& v, const Stage&,
                            std::ptrdiff_t) {
  eval_op_block<Op, unrolled_block<Stage, Op>>(out, n.param, at<std::size_t(In)>(v)...);
}
template <std::size_t B, int W, class T, class Op, class P, int... In, class V, class Stage>
XSYM_INLINE void eval_block(const twin_node<W, T, Op, P, In...>& n, block_buffer<T, B>& out, const V& v,
                            const Stage&, std::ptrdiff_t) {
  if (n.merged) out = at<std::size_t(W)>(v);
  else eval_op_block<Op, unrolled_block<Stage, Op>>(out, n.param, at<std::size_t(In)>(v)...);
}

/// Stores element i of one output as `req` asks. A `null` output may be a null pointer, so it is
/// offset only when stored to.
template <class T, class U>
XSYM_INLINE void store_one(T* out, std::ptrdiff_t i, U value, grad_req req) {
  if (req == grad_req::write) out[i] = value;
  else if (req == grad_req::add) out[i] = static_cast<T>(out[i] + value);
}

/// Element i of every output of program `stage`, stored as reqs[k] asks.
template <class Stage>
XSYM_INLINE void store_element(const Stage& stage, std::ptrdiff_t i, const grad_req* reqs) {
  stage.outputs(stage.values([&](auto k) { return at<std::size_t(decltype(k)::value)>(stage.in)[i]; }),
                [&](auto k, auto x) { store_one(at<decltype(k)::value>(stage.out), i, x, reqs[decltype(k)::value]); });
}

/// Stores the block at element i of one output: written, or as `req` asks when Requested (a
/// `null` output may be a null pointer, never offset).
template <std::size_t B, bool Requested, class T, class V>
XSYM_INLINE void store_block(T* out, std::ptrdiff_t i, const V& values, grad_req req) {
  if (!Requested || req == grad_req::write) {
    T* block = out + i;
    for (std::size_t j = 0; j < B; ++j) block[j] = values[j];
  } else if (req == grad_req::add) {
    T* block = out + i;
    for (std::size_t j = 0; j < B; ++j) block[j] = static_cast<T>(block[j] + values[j]);
  }
}

template <class Stage>
struct block_program;

/// Program `fused_stage<A..., N..., O...>`, a block of B elements at a time. Requested: output
/// k is stored as reqs[k] asks; otherwise every output is written.
template <class... A, class... N, class... O>
struct block_program<fused_stage<type_list<A...>, type_list<N...>, type_list<O...>>> {
  using stage_type = fused_stage<type_list<A...>, type_list<N...>, type_list<O...>>;
  static constexpr std::size_t B = program_traits<stage_type>::block;
  using values = slots<typename block_slot<N, B>::type...>;

  /// Elements [i, i + B).
  template <bool Requested>
  static XSYM_INLINE void run(const stage_type& s, std::ptrdiff_t i, const grad_req* reqs) {
    values v;
    compute(s, i, v, std::index_sequence_for<N...>{});
    store<Requested>(s, i, v, reqs, std::index_sequence_for<O...>{});
  }

 private:
  template <std::size_t... I>
  static XSYM_INLINE void compute(const stage_type& s, std::ptrdiff_t i, values& v, std::index_sequence<I...>) {
    (eval_block<B>(at<I>(s.nodes), at<I>(v), v, s, i), ...);  // in post-order: inputs first
  }
  template <bool Requested, std::size_t... K>
  static XSYM_INLINE void store(const stage_type& s, std::ptrdiff_t i, const values& v, const grad_req* reqs,
                                std::index_sequence<K...>) {
    (store_block<B, Requested>(at<K>(s.out), i, at<std::size_t(O::node)>(v), Requested ? reqs[K] : grad_req::write),
     ...);
  }
};

// ---- the loop ----------------------------------------------------------------------------------
/// Elements [begin, end) of per-element stages (callables of the element index), in one
/// vectorized loop.
template <class... Stage>
XSYM_INLINE void run_elements(std::ptrdiff_t begin, std::ptrdiff_t end, const Stage&... stages) {
  XSYM_SIMD_LOOP
  for (std::ptrdiff_t i = begin; i < end; ++i) (stages(i), ...);
}

/// Elements [begin, end) of a program, every output written (Requested false) or stored as
/// reqs[k] asks: a per-element program all of them, a block program its whole blocks. Returns
/// where the blocks end. Only the way the program runs is compiled.
template <bool Requested, class Stage>
XSYM_INLINE std::ptrdiff_t run_vectorized(std::ptrdiff_t begin, std::ptrdiff_t end, const Stage& stage,
                                          const grad_req* reqs) {
  if constexpr (!Requested && program_traits<Stage>::per_element) {
    run_elements(begin, end, stage);
    return end;
  } else {
    using program = block_program<Stage>;
    constexpr auto B = std::ptrdiff_t(program::B);
    std::ptrdiff_t i = begin;
    for (; end - i >= B; i += B) program::template run<Requested>(stage, i, reqs);
    return i;
  }
}
// The stage is taken by value: each thread holds its own copy, so the compiler keeps the
// pointers in registers.
template <bool Requested, class Stage>
XSYM_CPU_DISPATCH std::ptrdiff_t run_dispatched(std::ptrdiff_t begin, std::ptrdiff_t end, Stage stage,
                                                const grad_req* reqs) {
  return run_vectorized<Requested>(begin, end, stage, reqs);
}
template <bool Requested, class Stage>
std::ptrdiff_t run_baseline(std::ptrdiff_t begin, std::ptrdiff_t end, Stage stage, const grad_req* reqs) {
  return run_vectorized<Requested>(begin, end, stage, reqs);
}

/// Elements [begin, end), fewer than a block, one at a time: the elements after a block
/// program's last block. Compiled once, outside the instruction-set clones; the empty asm keeps
/// it a plain scalar loop, which the compiler would otherwise vectorize too, compiling the whole
/// program once more (with its own remainder loop) for at most B - 1 elements.
template <bool Requested, class Stage>
void run_tail(std::ptrdiff_t begin, std::ptrdiff_t end, const Stage& stage, const grad_req* reqs) {
  for (std::ptrdiff_t i = begin; i < end; ++i) {
    if constexpr (Requested) store_element(stage, i, reqs);
    else stage(i);
    asm volatile("" ::: "memory");
  }
}

template <bool Requested, class Stage>
void run_program(std::ptrdiff_t begin, std::ptrdiff_t end, const Stage& stage, const grad_req* reqs) {
  std::ptrdiff_t done;
  if constexpr (program_traits<Stage>::dispatched) done = run_dispatched<Requested>(begin, end, stage, reqs);
  else done = run_baseline<Requested>(begin, end, stage, reqs);
  if constexpr (Requested || !program_traits<Stage>::per_element)
    if (done < end) run_tail<Requested>(done, end, stage, reqs);
}

}  // namespace xsym::lowered

namespace xsym::exec {

/// Runs a lowered program for elements [begin, end), per element or by blocks, writing every
/// output.
template <class Stage>
void run_program(std::ptrdiff_t begin, std::ptrdiff_t end, const Stage& stage) {
  lowered::run_program<false>(begin, end, stage, nullptr);
}

/// The same, storing output k as reqs[k] asks (by blocks).
template <class Stage>
void run_program(std::ptrdiff_t begin, std::ptrdiff_t end, const Stage& stage, const grad_req* reqs) {
  lowered::run_program<true>(begin, end, stage, reqs);
}

}  // namespace xsym::exec
