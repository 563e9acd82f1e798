#pragma once
// xsym's CUDA layer. Include it after <xsym/xsym.hpp> in a translation unit compiled by nvcc,
// and link xsym::cuda (CMake: `target_link_libraries(app PRIVATE xsym::cuda)`; from an installed
// xsym, `find_package(xsym CONFIG REQUIRED COMPONENTS cuda)`):
//
//   #include <xsym/xsym.hpp>
//   #include <xsym/cuda.cuh>
//   auto A = xsym::ndarray::array<float>({1, 2, 3}, {3}, xsym::gpu(0));
//   A.to_vector<float>();                                    // {1, 2, 3}
//
// What it provides (cuda/README.md):
// - static graphs on the GPU: in a unit compiled by nvcc that links xsym::cuda,
//   `xsym::bind(e, xsym::gpu(0), {...})` returns an executor whose forward() enqueues ONE fused
//   kernel for the whole graph on the executor's stream (<xsym/cuda/fused_kernel.cuh>; bind
//   itself is in <xsym/exec/bind.hpp>, switched on by XSYM_WITH_CUDA, which linking xsym::cuda
//   defines, not by this header). Elsewhere the same call runs the runtime per-op GPU kernels. ex.stream() / ex.set_stream(s) give or choose the cudaStream_t;
// - the runtime Symbol on the GPU: Symbol::bind(gpu(i), ...) runs per-op kernels compiled once
//   in xsym::cuda;
// - device arrays: ndarray storage on gpu(i), through a stream-ordered memory pool per device;
// - xsym::cuda::device_count(), available(), require_device(), storage_stream(), synchronize(),
//   stream_wait(), wait_to_read(), memory(), trim(), device_guard   <xsym/cuda/device.hpp>
// - xsym::cuda::stream, an owning non-blocking stream                  <xsym/cuda/stream.hpp>
// - xsym::cuda::check / XSYM_CUDA_CHECK: CUDA errors as xsym::error    <xsym/cuda/error.hpp>
//
// The CUDA backend of ndarray is registered by including this header (below) and also, at
// start-up, by linking xsym::cuda. Without either, arrays on gpu(i) are an xsym::error that says so.
#include "ndarray/ndarray.hpp"

#include <xsym/cuda/device.hpp>
#include <xsym/cuda/error.hpp>
#include <xsym/cuda/stream.hpp>

namespace xsym::detail {
/// Initialized in every translation unit that includes this header, before the arrays with
/// static storage duration that the unit defines after the include: registers the backend.
/// (In xsym::detail, not xsym::cuda::detail, which would hide xsym::detail inside xsym::cuda.)
inline const bool cuda_backend_registered = ::xsym::cuda::register_backend();
}  // namespace xsym::detail
