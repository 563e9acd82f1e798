#pragma once
// The launch functions behind the runtime Symbol's per-op GPU kernels (elementwise_table.hpp):
// for one op and element type, the static path's fused kernel (fused_kernel.cuh) over a one-node
// lowered tree, exactly as kernels_elementwise.cpp runs the static path's CPU loop. So a per-op
// kernel gets the same vector loads and stores, and the same element function, as a fused graph.
// The element functions compare unsigned values with zero in generic code (arith::mod, pow):
// right for signed types, and what nvcc's front end calls "pointless" for uint8.
#pragma nv_diag_suppress 186

#include <cuda_runtime_api.h>

#include <cstddef>
#include <type_traits>
#include <utility>

#include <xsym/cuda/fused_kernel.cuh>
#include <xsym/exec/lower.hpp>
#include <xsym/ops/table.hpp>

#include "elementwise_table.hpp"

namespace xsym::cuda::elementwise {

template <class T>
using in = lowered::load<T>;

template <class Out, class F>
void launch_node(void* stream, std::ptrdiff_t n, void* out, const F& f) {
  // The runtime's arrays are ndarrays (64-byte aligned), so the vector kernel always applies:
  // the scalar twin for misaligned views is not compiled (half the nvcc time of these files).
  fused::launch<fused::misaligned::error>(static_cast<cudaStream_t>(stream), n,
                                          exec::output_stage<Out, F>{static_cast<Out*>(out), f});
}

template <class Op, class T>
void unary_kernel(const void* const* x, void* out, std::ptrdiff_t n, const elementwise_params&, void* stream) {
  using F = lowered::apply<Op, ops::no_param, in<T>>;
  launch_node<T>(stream, n, out, F{{}, {static_cast<const T*>(x[0])}});
}

template <class Op, class T>
void binary_kernel(const void* const* x, void* out, std::ptrdiff_t n, const elementwise_params&, void* stream) {
  using F = lowered::apply<Op, ops::no_param, in<T>, in<T>>;
  launch_node<T>(stream, n, out, F{{}, {static_cast<const T*>(x[0])}, {static_cast<const T*>(x[1])}});
}

// An op with a parameter (a scalar form, clip, smooth_l1), read from the node's attributes.
template <class Op, class T>
void parameterized_kernel(const void* const* x, void* out, std::ptrdiff_t n, const elementwise_params& p,
                          void* stream) {
  using F = lowered::apply<Op, typename Op::template lowered_param<T>, in<T>>;
  launch_node<T>(stream, n, out, F{lowered_param_of<Op, T>(p), {static_cast<const T*>(x[0])}});
}

template <class To, class From>
void cast_kernel(const void* const* x, void* out, std::ptrdiff_t n, const elementwise_params&, void* stream) {
  using F = lowered::apply<ops::cast<To>, ops::no_param, in<From>>;
  launch_node<To>(stream, n, out, F{{}, {static_cast<const From*>(x[0])}});
}

/// A row of kernels, one per element type, indexed by type code: make(T{}) for each T.
template <class Make>
kernel_row row(Make make) {
  kernel_row r{};
  [&]<class... T>(type_list<T...>) { ((r[std::size_t(dtype_of<T>)] = make(T{})), ...); }(element_types{});
  return r;
}

/// f(std::type_identity<U>{}) for the entries U of `list` at positions [Begin, End); the others
/// are not instantiated (each file compiles only its part).
template <std::size_t Begin, std::size_t End, class... U, class F>
void for_each_in(type_list<U...>, F f) {
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    (
        [&] {
          if constexpr (K >= Begin && K < End) f(std::type_identity<U>{});
        }(),
        ...);
  }(std::index_sequence_for<U...>{});
}

template <std::size_t Begin, std::size_t End>
void add_unary(kernel_table& t) {
  for_each_in<Begin, End>(ops::unary_ops{}, [&]<class U>(std::type_identity<U>) {
    t.ops[U::names.mxnet] = row([]<class T>(T) -> gpu_elementwise_launch { return &unary_kernel<U, T>; });
  });
}

}  // namespace xsym::cuda::elementwise
