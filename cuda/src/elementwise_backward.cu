// The runtime Symbol's GPU kernels, part 5 of 5: the `_backward_` ops of the operator table
// (ops/backward.hpp), the gradient nodes that Symbol::gradient and bind with gradients make, as
// src/symbol/kernels_backward.cpp has them for the CPU. float32 and float64 only: integer
// arrays have no gradient.
#include <utility>

#include <xsym/ops/backward.hpp>

#include "elementwise_launch.cuh"

namespace xsym::cuda::elementwise {

namespace {

// Inputs (g, out, x...) of types In..., the result of type Out (across a Cast, the data's type).
template <class B, class Out, class... In>
void backward_kernel(const void* const* x, void* out, std::ptrdiff_t n, const elementwise_params& p, void* stream) {
  using P = typename B::template lowered_param<Out>;
  using F = lowered::apply<B, P, in<In>...>;
  const P param = lowered_param_of<B, Out>(p);
  [&]<std::size_t... J>(std::index_sequence<J...>) {
    launch_node<Out>(stream, n, out, F{param, {static_cast<const In*>(x[J])}...});
  }(std::index_sequence_for<In...>{});
}

template <class Make>
kernel_row floating_row(Make make) {
  kernel_row r{};
  r[std::size_t(dtype::float32)] = make(float{});
  r[std::size_t(dtype::float64)] = make(double{});
  return r;
}

// (nvcc rejects a pack expanded around a lambda that names it: one helper per pack element.)
template <class Op, int K>
void add(kernel_table& t) {
  if constexpr (ops::differentiable<Op, K>) {
    using B = ops::backward<Op, K>;
    if (t.ops.count(B::names.mxnet)) return;  // a commutative op's scalar forms share one name
    t.ops[B::names.mxnet] = floating_row([]<class T>(T) -> gpu_elementwise_launch {
      if constexpr (Op::arity == 1) return &backward_kernel<B, T, T, T, T>;
      else return &backward_kernel<B, T, T, T, T, T>;
    });
  }
}
template <class B>
void add_binary(kernel_table& t) {
  add<B, 0>(t);
  add<B, 1>(t);
  add<ops::scalar<B, false>, 0>(t);
  add<ops::scalar<B, true>, 0>(t);
}
template <class Target>
void add_cast_from(kernel_table& t) {
  t.backward_cast[std::size_t(dtype_of<Target>)] = floating_row([]<class Data>(Data) -> gpu_elementwise_launch {
    return &backward_kernel<ops::backward<ops::cast<Target>, 0>, Data, Target, Target, Data>;
  });
}

}  // namespace

void add_backward(kernel_table& t) {
  [&]<class... U>(type_list<U...>) { (add<U, 0>(t), ...); }(ops::unary_ops{});
  [&]<class... B>(type_list<B...>) { (add_binary<B>(t), ...); }(ops::binary_ops{});
  [&]<class... P>(type_list<P...>) { (add<P, 0>(t), ...); }(ops::parameterized_ops{});
  add_cast_from<float>(t);
  add_cast_from<double>(t);
}

}  // namespace xsym::cuda::elementwise
