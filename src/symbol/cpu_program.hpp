#pragma once
// The CPU steps of a planned runtime graph (runtime_plan.hpp), over the storage the memory plan
// assigned (memory_plan.hpp): a fused stage runs as a blocked program (blocked_region.hpp), a
// materialized node as its kernel (an elementwise kernel on all threads, or a network op's).
#include <cstddef>
#include <functional>
#include <vector>

#include "indexed_graph.hpp"
#include "kernels.hpp"
#include "runtime_plan.hpp"
#include "xsym/ndarray/ndarray.hpp"

namespace xsym::detail {

using step = std::function<void()>;

/// Appends the step of stage s to `steps`. A fused stage runs blocks of `block` elements; its
/// registers' scratch memory is appended to `buffers`. Network kernels read `state` as they run.
void add_cpu_stage(const indexed_graph& g, const runtime_plan& plan, int s, const std::vector<kernels::tensor>& entries,
                   std::ptrdiff_t block, const kernels::run_state* state, std::vector<ndarray>& buffers,
                   std::vector<step>& steps);

/// Appends a step copying `bytes` bytes from `from` to `to`.
void add_cpu_copy(const void* from, void* to, std::size_t bytes, std::vector<step>& steps);

}  // namespace xsym::detail
