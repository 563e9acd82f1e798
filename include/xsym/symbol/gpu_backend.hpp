#pragma once
// How a runtime Symbol bound on gpu(i) reaches xsym's CUDA layer. The runtime library
// (xsym::runtime) is plain C++ without CUDA: xsym::cuda fills in a `symbol_gpu_backend` and
// registers it when it registers the ndarray backend (cuda/src/elementwise_registry.cpp), the
// same way `device_backend` plugs device memory into ndarray (ndarray/storage.hpp). Without it,
// Symbol::bind on a GPU is an xsym::error saying that xsym::cuda is not linked.
#include <cstddef>
#include <memory>
#include <string_view>

#include "../core/dtype.hpp"
#include "../ops/table.hpp"

namespace xsym {

/// The run-time parameters of an elementwise node, read from its attributes at bind: the values
/// of its op's number attributes (ops::number_attributes: `scalar` of the scalar forms, clip's
/// `a_min` and `a_max`), in the op's order. The same struct for the CPU kernels
/// (src/symbol/kernels.hpp) and the GPU ones.
struct elementwise_params {
  double numbers[ops::max_number_attributes] = {};
};

/// Op's parameter lowered to element type T, from a node's run-time parameters (a `_backward_`
/// op takes its forward op's). The CPU and GPU kernels share it.
template <class Op, class T>
typename Op::template lowered_param<T> lowered_param_of(const elementwise_params& p) {
  return Op::template lower<T>(ops::param_of_numbers<Op>(p.numbers));
}

/// Enqueues out[i] = op(in[0][i], in[1][i], ...) for i in [0, n) on `stream`, a cudaStream_t of
/// the current device. `out` may be one of `in` (in place). Asynchronous; a failed launch throws
/// xsym::error.
using gpu_elementwise_launch = void (*)(const void* const* in, void* out, std::ptrdiff_t n,
                                        const elementwise_params& params, void* stream);

/// What the runtime executor needs from the CUDA layer.
struct symbol_gpu_backend {
  /// The kernel of elementwise op `op` (canonical MXNet name, "Cast" for casts) from dtype `in`
  /// to dtype `out` (equal except for Cast); null when there is none.
  gpu_elementwise_launch (*find_elementwise)(std::string_view op, dtype in, dtype out) = nullptr;
  /// Returns when gpu(device) is usable; otherwise throws xsym::cuda::require_device's error.
  void (*require_device)(int device, std::string_view operation) = nullptr;
  /// A new non-blocking stream on gpu(device): get() is its cudaStream_t; the last copy of the
  /// pointer destroys it.
  std::shared_ptr<void> (*make_stream)(int device) = nullptr;
  /// Calls launches(context) with gpu(device) current, ordered on `stream` after the work on the
  /// device's storage stream, and orders the storage stream after it (cuda/README.md, "Rules for
  /// work on other streams"). Returns without waiting for the GPU.
  void (*run_on_stream)(int device, void* stream, void (*launches)(void* context), void* context) = nullptr;
};

namespace detail {

/// The registered backend, or null when xsym::cuda is not linked in.
inline const symbol_gpu_backend*& symbol_gpu_backend_slot() {
  static const symbol_gpu_backend* backend = nullptr;
  return backend;
}

}  // namespace detail
}  // namespace xsym
