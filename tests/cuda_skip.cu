// Linked into xsym_cuda_tests only: skip every GPU test (exit 77, CTest "Skipped") when no GPU is
// usable. Without a driver cudaGetDeviceCount returns cudaErrorInsufficientDriver rather than
// cudaErrorNoDevice, so any error counts as "no GPU". See tests/main.cpp for the hook.
#include <cuda_runtime.h>

#include <cstdio>

extern "C" const char* xsym_tests_skip_reason() {
  static char msg[256];
  int n = 0;
  const cudaError_t err = cudaGetDeviceCount(&n);
  if (err != cudaSuccess) {
    std::snprintf(msg, sizeof msg, "no usable CUDA device (%s)", cudaGetErrorString(err));
    return msg;
  }
  if (n == 0) return "no CUDA device";
  return nullptr;
}
