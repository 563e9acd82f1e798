// The runtime Symbol's GPU kernels, part 4 of 4: the binary ops, both scalar forms of each
// (`a + 1.5` and `1.5 - a`), the ops with number attributes (clip, smooth_l1), and the 36 casts.
#include "elementwise_launch.cuh"

namespace xsym::cuda::elementwise {

// (nvcc rejects a pack expanded around a lambda that names it: one helper per pack element.)
namespace {
template <class B>
void add_binary(kernel_table& t) {
  using S = ops::scalar<B, false>;
  using R = ops::scalar<B, true>;
  t.ops[B::names.mxnet] = row([]<class T>(T) -> gpu_elementwise_launch { return &binary_kernel<B, T>; });
  // A commutative op has one name for both scalar forms; the CPU table ends up with R for it, so
  // the GPU table takes R only (the same values, and half the kernels to compile).
  if constexpr (S::names.mxnet != R::names.mxnet)
    t.ops[S::names.mxnet] = row([]<class T>(T) -> gpu_elementwise_launch { return &parameterized_kernel<S, T>; });
  t.ops[R::names.mxnet] = row([]<class T>(T) -> gpu_elementwise_launch { return &parameterized_kernel<R, T>; });
}
template <class P>
void add_parameterized(kernel_table& t) {
  t.ops[P::names.mxnet] = row([]<class T>(T) -> gpu_elementwise_launch { return &parameterized_kernel<P, T>; });
}
template <class To>
void add_casts_to(kernel_table& t) {
  t.cast[std::size_t(dtype_of<To>)] =
      row([]<class From>(From) -> gpu_elementwise_launch { return &cast_kernel<To, From>; });
}
}  // namespace

void add_binary_scalar_parameterized_cast(kernel_table& t) {
  [&]<class... B>(type_list<B...>) { (add_binary<B>(t), ...); }(ops::binary_ops{});
  [&]<class... P>(type_list<P...>) { (add_parameterized<P>(t), ...); }(ops::parameterized_ops{});
  [&]<class... To>(type_list<To...>) { (add_casts_to<To>(t), ...); }(element_types{});
}

}  // namespace xsym::cuda::elementwise
