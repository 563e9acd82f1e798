#pragma once
// Which elements each thread of a fused kernel computes: a plain function of the block and
// thread index, so that the kernel runs it on the device and tests/nvcc/fused_kernel_host_test.cu
// runs it over every thread of a simulated launch on the host. Plain C++ (XSYM_HD is empty
// outside nvcc).
//
// A launch covers n < 2^31 elements with 32-bit indices (larger arrays are launched in pieces,
// see fused_kernel.cuh). With vector width V (the elements of one 16-byte access):
//
//   [0, head)                      scalar elements before every array reaches a V-aligned index
//   [head, head + chunks*V)        `chunks` vectors of V elements: the hot loop, U vectors per
//                                  thread per step, every load issued before the first store
//   [head + chunks*V, n)           the tail, fewer than V scalar elements
//
// The vectors are dealt out in tiles of block_dim * U vectors: thread t of a block takes vectors
// t, t + block_dim, ..., t + (U-1)*block_dim of its tile, so each warp's accesses stay contiguous.
// Full tiles need no bounds check; the one partial tile, the head and the tail are handled once,
// outside the hot loop.
#include "xsym/core/config.hpp"

// thread_work calls the callables it is given: device code in the kernel, host code in the
// simulation tests. This tells nvcc not to warn about the host-only instantiations.
#if defined(__CUDACC__)
#define XSYM_HOST_OR_DEVICE_CALLABLES _Pragma("nv_exec_check_disable")
#else
#define XSYM_HOST_OR_DEVICE_CALLABLES
#endif

namespace xsym::cuda {

/// The three parts of a launch's elements (see above).
struct element_split {
  unsigned n = 0;       // elements in the launch
  unsigned head = 0;    // scalar elements first
  unsigned chunks = 0;  // then vectors of V elements
  unsigned tail = 0;    // then scalar elements (< V)
};

/// Splits n elements for vector width `vector_width`, of which the first `head` are scalar
/// (head < vector_width; clamped to n).
XSYM_HD constexpr element_split split_elements(unsigned n, unsigned head, unsigned vector_width) {
  head = head < n ? head : n;
  const unsigned chunks = (n - head) / vector_width;
  return {n, head, chunks, n - head - chunks * vector_width};
}

/// Blocks needed so that every tile has its own block (the grid a launch uses, capped by
/// `max_blocks`; at least 1 so that head and tail run). With block_dim >= 32 the first block's
/// threads outnumber head + tail (at most 2 * (16 - 1) elements), which thread_work needs.
XSYM_HD constexpr unsigned grid_for(const element_split& s, unsigned U, unsigned block_dim, unsigned max_blocks) {
  const unsigned tile_chunks = block_dim * U;
  const unsigned tiles = s.chunks / tile_chunks + (s.chunks % tile_chunks != 0);
  const unsigned blocks = tiles ? tiles : 1;
  return blocks < max_blocks ? blocks : max_blocks;
}

/// The work of thread `thread` of block `block`, in a launch of `grid` blocks of `block_dim`
/// threads. Calls
///   tile(first, stride)   U vectors, at first + u*stride for u < U, all in range (the hot loop);
///   vector(first)         one vector at first (the partial tile);
///   element(i)            one scalar element (head and tail).
/// `first` and `i` index elements. Over all threads of the launch, every element of [0, n) is
/// covered by exactly one call (tests/nvcc/fused_kernel_host_test.cu checks this).
XSYM_HOST_OR_DEVICE_CALLABLES
template <unsigned V, unsigned U, class Tile, class Vector, class Element>
XSYM_HD XSYM_INLINE void thread_work(const element_split& s, unsigned block, unsigned thread, unsigned grid,
                                     unsigned block_dim, Tile&& tile, Vector&& vector, Element&& element) {
  const unsigned tile_chunks = block_dim * U;
  const unsigned full_tiles = s.chunks / tile_chunks;
  for (unsigned t = block; t < full_tiles; t += grid) tile(s.head + (t * tile_chunks + thread) * V, block_dim * V);
  // The partial tile goes to the block whose turn it would be next in the grid-stride order.
  if (block == full_tiles % grid)
    for (unsigned c = full_tiles * tile_chunks + thread; c < s.chunks; c += block_dim) vector(s.head + c * V);
  const unsigned g = block * block_dim + thread;
  if (g < s.head)
    element(g);
  else if (g - s.head < s.tail)
    element(s.head + s.chunks * V + (g - s.head));
}

}  // namespace xsym::cuda
