#pragma once
// The one OpenMP chunking loop of the CPU executors: the static fused loop (cpu_loop.hpp), the
// runtime per-op elementwise kernels and the blocked programs (src/symbol/) all split their
// items this way, into one contiguous chunk per thread.
#include <algorithm>
#include <cstddef>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace xsym::exec {

/// Below this many elements a loop runs on one thread: waking threads costs more.
inline constexpr std::ptrdiff_t parallel_threshold = 1 << 15;

/// Whether a loop over n elements runs on several threads.
inline bool runs_parallel(std::ptrdiff_t n) {
#if defined(_OPENMP)
  return n >= parallel_threshold && omp_get_max_threads() > 1;
#else
  (void)n;
  return false;
#endif
}

#if defined(_OPENMP)
/// The parallel half of for_each_chunk, in a function of its own: clang asks the OpenMP runtime
/// for the thread's id on entry to any function holding a parallel region, and the runtime
/// allocates on its first call. A loop that stays on one thread must not pay that (the
/// no-temporaries tests count operator new calls in forward()).
template <class F>
[[gnu::noinline]] void run_chunks_in_parallel(std::ptrdiff_t items, std::ptrdiff_t grain, int threads, const F& f) {
#pragma omp parallel num_threads(threads > 0 ? threads : omp_get_max_threads())
  {
    const std::ptrdiff_t count = omp_get_num_threads(), t = omp_get_thread_num();
    const std::ptrdiff_t chunk = ((items + count - 1) / count + grain - 1) / grain * grain;
    const std::ptrdiff_t begin = std::min(items, t * chunk), end = std::min(items, begin + chunk);
    f(begin, end, t);
  }
}
#endif

/// Runs `f(begin, end, thread)` over [0, items): with `parallel`, on a team of OpenMP threads
/// (`threads` of them, or OpenMP's default when 0), one contiguous chunk each whose length is a
/// multiple of `grain` (so threads meet at cache-line or block boundaries), a chunk empty when
/// the items run out; otherwise once, on the calling thread, as f(0, items, 0).
template <class F>
void for_each_chunk(std::ptrdiff_t items, std::ptrdiff_t grain, bool parallel, int threads, const F& f) {
#if defined(_OPENMP)
  if (parallel) {
    run_chunks_in_parallel(items, grain, threads, f);
    return;
  }
#else
  (void)grain, (void)parallel, (void)threads;
#endif
  f(std::ptrdiff_t(0), items, std::ptrdiff_t(0));
}

}  // namespace xsym::exec
