#pragma once
// The fused CPU loop: one pass over the elements for a whole graph. A stage is a callable of the
// element index: a static graph's plan lowered to one program that computes every node once and
// writes every output (exec/program.hpp), or a runtime per-op kernel's output_stage below;
// there are no temporaries. The loop body is vectorized
// (OpenMP simd, or the compiler's no-alias hint) and split across OpenMP threads.
#include <algorithm>
#include <cstddef>
#include <type_traits>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "../core/config.hpp"
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

namespace xsym::exec {

/// Writes output element i from a lowered functor (exec/lower.hpp): the runtime per-op kernels.
template <class Out, class F>
struct output_stage {
  Out* out;
  F f;
  XSYM_INLINE void operator()(std::ptrdiff_t i) const { out[i] = static_cast<Out>(f(i)); }
};

/// A stage whose outputs are written as `reqs` asks (exec/grad_req.hpp): `write` stores, `add`
/// adds to the element there, `null` stores nothing. The requests are the same for every
/// element, so the branches are perfectly predicted; bind uses the plain stage when every
/// request is `write`.
template <class Stage>
struct requested_outputs {
  Stage stage;
  grad_req reqs[Stage::num_outputs > 0 ? Stage::num_outputs : 1]{};

  XSYM_INLINE void operator()(std::ptrdiff_t i) const {
    const auto v = stage.values([&](auto k) { return lowered::at<std::size_t(decltype(k)::value)>(stage.in)[i]; });
    stage.outputs(v, [&](auto k, auto x) {
      auto* p = lowered::at<decltype(k)::value>(stage.out);
      using T = std::remove_cvref_t<decltype(*p)>;
      if (reqs[decltype(k)::value] == grad_req::write) p[i] = x;
      else if (reqs[decltype(k)::value] == grad_req::add) p[i] = static_cast<T>(p[i] + x);
    });
  }
};

/// Below this many elements the loop runs on one thread: waking threads costs more.
inline constexpr std::ptrdiff_t parallel_threshold = 1 << 15;

/// Runs every stage for elements [begin, end). Stages are taken by value: each thread holds
/// its own copy, so the compiler keeps the pointers in registers.
template <class... Stage>
void run_range(std::ptrdiff_t begin, std::ptrdiff_t end, Stage... stages) {
  XSYM_SIMD_LOOP
  for (std::ptrdiff_t i = begin; i < end; ++i) (stages(i), ...);
}

/// Runs every stage for elements [0, n), on all OpenMP threads when n is large.
template <class... Stage>
void run_fused(std::ptrdiff_t n, const Stage&... stages) {
#if defined(_OPENMP)
  if (n >= parallel_threshold && omp_get_max_threads() > 1) {
#pragma omp parallel
    {
      // Contiguous chunks rounded to 64 elements, so threads meet at cache-line boundaries.
      std::ptrdiff_t threads = omp_get_num_threads(), t = omp_get_thread_num();
      std::ptrdiff_t chunk = ((n + threads - 1) / threads + 63) / 64 * 64;
      std::ptrdiff_t begin = std::min(n, t * chunk), end = std::min(n, begin + chunk);
      run_range(begin, end, stages...);
    }
    return;
  }
#endif
  run_range(0, n, stages...);
}

}  // namespace xsym::exec
