#pragma once
// The fused CUDA kernel of a static graph, as xsym::bind(e, xsym::gpu(i), ...) runs it: the
// definition of the plug point xsym::detail::fused_gpu_path (exec/gpu_plug.hpp). Included by
// <xsym/xsym.hpp> in translation units compiled by nvcc of a target that links xsym::cuda (see
// the note on inline namespaces in exec/bind.hpp); not meant to be included directly.
#include <cuda_runtime_api.h>

#include <cstddef>

#include <memory>
#include <vector>

#include <xsym/exec/bind.hpp>

#include "device.hpp"
#include "fused_kernel.cuh"
#include "stream.hpp"

namespace xsym::cuda::detail {

/// Graph G with free dtypes `Free`, as one fused kernel: the same lowered stages as the CPU
/// loop (xsym::detail::instance), launched on the executor's stream.
template <class G, dtype... Free>
struct fused_instance {
  static void run(const G& g, const void* const* args, void* const* outs, std::ptrdiff_t n, int device,
                  void* stream, void* /*state*/) {
    auto s = static_cast<cudaStream_t>(stream);
    run_ordered(device, s, [&] {
      xsym::detail::instance<G, Free...>::with_stages(
          g, args, outs, [&](const auto&... stages) { fused::launch(s, n, stages...); });
    });
  }
};

}  // namespace xsym::cuda::detail

namespace xsym::detail {

template <class G>
struct fused_gpu_path {
  /// The launch of G's fused kernel for the free dtypes chosen at bind (`Dtypes` says which
  /// instantiations exist, as for the CPU loop), on a new stream of gpu(device) that the
  /// executor owns.
  template <class Dtypes>
  static typename executor<G>::device_runner runner(int device, const std::vector<dtype>& free_dtypes) {
    using runner_t = typename executor<G>::device_runner;
    auto own = std::make_shared<cuda::stream>(device);
    auto launch = Dtypes::template pick<typename runner_t::launch_fn, cuda::detail::fused_instance, G>(free_dtypes);
    return runner_t{launch, own->get(), own, nullptr};
  }
};

}  // namespace xsym::detail
