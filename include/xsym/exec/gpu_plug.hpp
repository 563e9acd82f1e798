#pragma once
// How a static graph bound to a GPU reaches the layers that can run it. exec/ knows neither the
// CUDA layer nor the runtime Symbol (layers go bottom-up, DESIGN.md); they plug in here:
//
// - In a translation unit compiled by nvcc of a target that links xsym::cuda (which defines
//   XSYM_WITH_CUDA), `fused_gpu_path<G>` is the graph's own fused kernel. exec/bind.hpp only
//   names it; <xsym/cuda/static_kernel.cuh>, which <xsym/xsym.hpp> includes in such units,
//   defines it.
// - In any other unit, a graph bound to gpu(i) runs as a runtime Symbol on the per-op GPU
//   kernels. xsym::runtime registers that path at start-up (src/symbol/static_gpu.cpp); it
//   receives the graph as plain data (expr/describe.hpp), so a program that binds static graphs
//   on the CPU only needs xsym::xsym and nothing compiled.
#include <memory>
#include <string>
#include <vector>

#include "../core/context.hpp"
#include "../core/dtype.hpp"
#include "../expr/describe.hpp"
#include "../ndarray/ndarray.hpp"

namespace xsym::detail {

/// The fused CUDA kernel of graph G, defined by <xsym/cuda/static_kernel.cuh>:
///   template <class Chooser> static executor<G>::device_runner runner(int device, free_dtypes);
template <class G>
struct fused_gpu_path;

/// A graph bound through the runtime on a GPU: what the static executor needs to run it.
struct runtime_gpu_binding {
  /// Runs the bound graph on `stream` (a cudaStream_t of the device), asynchronously.
  void (*launch)(void* state, void* stream) = nullptr;
  std::shared_ptr<void> state;  // the runtime executor
  void* stream = nullptr;       // its own stream
  std::vector<ndarray> outputs;
  std::string path;             // its path_description()
};

/// Binds `graph` (arguments in list_arguments order) on GPU context `ctx` through the runtime.
using runtime_gpu_binder = runtime_gpu_binding (*)(const graph_description& graph, context ctx,
                                                   const std::vector<ndarray>& args);

/// The registered runtime path, or null when xsym::runtime is not linked in.
inline runtime_gpu_binder& runtime_gpu_binder_slot() {
  static runtime_gpu_binder binder = nullptr;
  return binder;
}

}  // namespace xsym::detail
