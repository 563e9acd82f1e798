#pragma once
// Checked CUDA runtime calls. Every CUDA call xsym makes goes through `check` (or
// XSYM_CUDA_CHECK), so that a failing call becomes an xsym::error whose message names the xsym
// operation and the CUDA error:
//   "xsym::ndarray copy to host from gpu(0): cudaErrorIllegalAddress: an illegal memory access was encountered"
// Compiles with nvcc or with a plain C++ compiler (it needs only the CUDA runtime API header).
#include <cuda_runtime_api.h>

#include <string>
#include <string_view>

#include <xsym/core/error.hpp>

namespace xsym::cuda {

/// "<operation>: <cudaGetErrorName(err)>: <cudaGetErrorString(err)>". Needs no device or driver.
inline std::string error_message(cudaError_t err, std::string_view operation) {
  std::string m(operation);
  m += ": ";
  m += cudaGetErrorName(err);
  m += ": ";
  m += cudaGetErrorString(err);
  return m;
}

/// Throws xsym::error(error_message(err, operation)). Clears the runtime's last-error state first,
/// so that a later, unrelated call is not blamed for this one (sticky errors stay, as CUDA keeps them).
[[noreturn]] inline void throw_error(cudaError_t err, std::string_view operation) {
  (void)cudaGetLastError();
  throw xsym::error(error_message(err, operation));
}

/// Returns when `err` is cudaSuccess; otherwise throws as throw_error.
inline void check(cudaError_t err, std::string_view operation) {
  if (err != cudaSuccess) [[unlikely]]
    throw_error(err, operation);
}

}  // namespace xsym::cuda

/// XSYM_CUDA_CHECK(call, operation): as xsym::cuda::check, but `operation` (anything that
/// converts to std::string_view, e.g. a std::string built on the spot) is evaluated only when the
/// call fails.
#define XSYM_CUDA_CHECK(call, operation)                               \
  do {                                                                 \
    const cudaError_t xsym_cuda_check_err_ = (call);                   \
    if (xsym_cuda_check_err_ != cudaSuccess) [[unlikely]]              \
      ::xsym::cuda::throw_error(xsym_cuda_check_err_, (operation));    \
  } while (false)
