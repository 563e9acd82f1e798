#pragma once
// The fused CPU loop: one pass over the elements for a whole graph, split across OpenMP threads.
// A stage is a static graph's plan lowered to one program that computes every node once and
// writes every output (exec/program.hpp), or a runtime per-op kernel's output_stage below: a
// callable of the element index, whose loop is vectorized (OpenMP simd, or the compiler's
// no-alias hint). Built with XSYM_CPU_BLOCKS, a program runs per element or by blocks, its math
// compiled for each instruction set (exec/program_loop.hpp). There are no temporaries in memory.
#include <algorithm>
#include <cstddef>
#include <type_traits>

#include "../core/config.hpp"
#include "grad_req.hpp"
#include "parallel.hpp"
#include "program.hpp"
#include "program_loop.hpp"

namespace xsym::exec {

/// Writes output element i from a lowered functor (exec/lower.hpp): the runtime per-op kernels.
template <class Out, class F>
struct output_stage {
  Out* out;
  F f;
  XSYM_INLINE void operator()(std::ptrdiff_t i) const { out[i] = static_cast<Out>(f(i)); }
};

/// Runs every stage for elements [begin, end). Stages are taken by value: each thread holds
/// its own copy, so the compiler keeps the pointers in registers.
template <class... Stage>
void run_range(std::ptrdiff_t begin, std::ptrdiff_t end, Stage... stages) {
  lowered::run_elements(begin, end, stages...);
}

/// run_range compiled for each instruction set (exec/program_loop.hpp): the runtime's one-op
/// kernels of costly math in floating point, with XSYM_CPU_BLOCKS.
template <class... Stage>
XSYM_CPU_DISPATCH void run_range_dispatched(std::ptrdiff_t begin, std::ptrdiff_t end, Stage... stages) {
  lowered::run_elements(begin, end, stages...);
}

/// A lowered program whose outputs are written as `reqs` asks (exec/grad_req.hpp): `write`
/// stores, `add` adds to the element there, `null` stores nothing. The requests are the same
/// for every element, so the branches are perfectly predicted (run_fused below runs the plain
/// stage when that is faster).
template <class Stage>
struct requested_outputs {
  Stage stage;
  grad_req reqs[Stage::num_outputs > 0 ? Stage::num_outputs : 1]{};

  XSYM_INLINE void operator()(std::ptrdiff_t i) const { lowered::store_element(stage, i, reqs); }
};

/// Runs one stage for elements [begin, end): with XSYM_CPU_BLOCKS, a lowered program as
/// exec/program_loop.hpp says (per element or by blocks, math compiled for each instruction
/// set); otherwise, and for other stages, a per-element callable in a vectorized loop.
template <class Stage>
void run_stage(std::ptrdiff_t begin, std::ptrdiff_t end, const Stage& stage) {
#if XSYM_CPU_BLOCKS
  if constexpr (lowered::is_program<Stage>) {
    run_program(begin, end, stage);
    return;
  } else if constexpr (requires { stage.reqs; }) {
    run_program(begin, end, stage.stage, stage.reqs);
    return;
  }
#endif
  run_range(begin, end, stage);
}

/// Runs a stage for elements [0, n), on all OpenMP threads when n is large, in contiguous
/// chunks rounded to 128 elements: threads meet at cache-line boundaries, and a lowered
/// program's blocks are whole (exec/program_loop.hpp).
template <class Stage>
void run_fused(std::ptrdiff_t n, const Stage& stage) {
  for_each_chunk(n, 128, runs_parallel(n), 0,
                 [&](std::ptrdiff_t begin, std::ptrdiff_t end, std::ptrdiff_t) { run_stage(begin, end, stage); });
}

/// Runs a lowered program for elements [0, n), storing output k as reqs[k] asks. A program run
/// by blocks checks the requests once per block, so it is compiled that one way; a program run
/// per element gets the plain loop when every request is `write`.
template <class Stage>
void run_fused(std::ptrdiff_t n, const Stage& stage, const grad_req* reqs) {
  if constexpr (!XSYM_CPU_BLOCKS || lowered::program_traits<Stage>::per_element) {
    if (std::all_of(reqs, reqs + Stage::num_outputs, [](grad_req r) { return r == grad_req::write; })) {
      run_fused(n, stage);
      return;
    }
  }
  requested_outputs<Stage> requested{stage};
  std::copy(reqs, reqs + Stage::num_outputs, requested.reqs);
  run_fused(n, requested);
}

}  // namespace xsym::exec
