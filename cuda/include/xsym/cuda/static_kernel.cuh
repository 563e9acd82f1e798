#pragma once
// The fused CUDA kernel of a static graph, as xsym::bind(e, xsym::gpu(i), ...) runs it. Included
// by <xsym/exec/bind.hpp> itself in translation units compiled by nvcc that have xsym::cuda's
// headers (see the note on inline namespaces there); not meant to be included directly.
#include <cuda_runtime_api.h>

#include <cstddef>

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
