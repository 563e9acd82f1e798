#pragma once
// The GPU steps of a planned runtime graph (runtime_plan.hpp, planned per op): one kernel of
// xsym's CUDA layer per node, reached through <xsym/symbol/gpu_backend.hpp>, enqueued on the
// stream the executor holds when the step runs (set_stream may change it between forwards).
#include <string>
#include <vector>

#include "cpu_program.hpp"
#include "xsym/symbol/gpu_backend.hpp"

namespace xsym::detail {

/// Appends the kernel of stage s (one elementwise node) to `steps`, enqueued on `*stream`.
/// Throws xsym::error naming the node when the CUDA layer has no kernel for its dtypes.
void add_gpu_stage(const symbol_gpu_backend& gpu, const indexed_graph& g, const runtime_plan& plan, int s,
                   const std::vector<kernels::tensor>& entries, void* const* stream, std::vector<step>& steps);

/// Appends a copy of `from` into `to` (one dtype, one size) as an identity kernel: ordered on the
/// stream with the others, never through the host. `what` names the destination in errors.
void add_gpu_copy(const symbol_gpu_backend& gpu, const kernels::tensor& from, const kernels::tensor& to,
                  const std::string& what, void* const* stream, std::vector<step>& steps);

}  // namespace xsym::detail
