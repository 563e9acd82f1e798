// Broadcasting on the CPU, forward and backward (MXNet 1.9's elemwise_binary_broadcast_op.h and
// broadcast_reduce_op.h): the broadcast binary ops, whose element functions and derivatives are
// the operator table's (so broadcast_add computes exactly what elemwise_add does), and
// broadcast_to / broadcast_axis / broadcast_like. A gradient is the elementwise one summed over
// the axes where the input was stretched, each sum in row-major order on one thread (the same
// bits at any thread count), in double for float32.
#include <array>
#include <string>
#include <string_view>
#include <type_traits>

#include "kernels.hpp"
#include "nn_support.hpp"
#include "tensor_loops.hpp"
#include "tensor_shapes.hpp"
#include "xsym/ops/backward.hpp"
#include "xsym/ops/broadcast.hpp"

namespace xsym::kernels {

namespace {

using namespace nn;
using loops::broadcast_strides;
using loops::contiguous_strides;
using loops::offsets;
using loops::sum_type;

using ops::with_broadcast_binary;

// One dtype for the inputs and outputs that carry data.
dtype common_dtype(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  const dtype t = in[0].type;
  for (std::size_t i = 0; i < in.size(); ++i)
    if (in[i].type != t)
      fail(n, "input " + std::to_string(i) + " is " + std::string(dtype_name(in[i].type)) + " but input 0 is " +
                  std::string(dtype_name(t)) + "; the op needs one dtype (use Cast)");
  for (std::size_t i = 0; i < out.size(); ++i)
    if (out[i].type != t) fail(n, "output " + std::to_string(i) + " is " + std::string(dtype_name(out[i].type)) +
                                      " but the inputs are " + std::string(dtype_name(t)));
  return t;
}

// ---- forward --------------------------------------------------------------------------------

template <class B, class T>
nn_kernel binary_forward(dims space, dims sl, dims sr) {
  return [space, sl, sr](std::span<const tensor> in, std::span<const tensor> out) {
    const T* a = in[0].as<T>();
    const T* b = in[1].as<T>();
    T* y = out[0].as<T>();
    loops::for_each_element<2>(space, {sl, sr}, [&](i64 i, const offsets<2>& o) {
      y[i] = B::eval(ops::no_param{}, a[o[0]], b[o[1]]);
    });
  };
}

nn_kernel make_binary(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  expect_counts(n, in, 2, out, 1);
  const dtype t = common_dtype(n, in, out.first(1));
  const dims l = dims_of(in[0]), r = dims_of(in[1]);
  const dims space = detail::broadcast_shape(l, r);
  expect_dims(n, out[0], space, "output 0");
  nn_kernel k;
  with_broadcast_binary(op_name(n), [&](const auto& e) {
    using B = typename std::remove_cvref_t<decltype(e)>::op;
    visit_element_type(t, [&]<class T>(T) {
      k = binary_forward<B, T>(space, broadcast_strides(l, space), broadcast_strides(r, space));
    });
  });
  return k;
}

// broadcast_to, broadcast_axis, broadcast_like: input 0 stretched to output 0's shape.
nn_kernel make_stretch(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  const std::string_view op = op_name(n);
  expect_counts(n, in, op == ops::broadcast_like::names.mxnet ? 2 : 1, out, 1);
  const dtype t = common_dtype(n, in.first(1), out.first(1));
  const dims x = dims_of(in[0]);
  const params p(n);
  const dims space = op == ops::broadcast_like::names.mxnet ? detail::broadcast_like_shape(p, x, dims_of(in[1]))
                     : op == ops::broadcast_to::names.mxnet ? detail::broadcast_to_shape(p, x)
                                            : detail::broadcast_axis_shape(p, x);
  expect_dims(n, out[0], space, "output 0");
  const dims sx = broadcast_strides(x, space);
  nn_kernel k;
  visit_element_type(t, [&]<class T>(T) {
    k = [space, sx](std::span<const tensor> inputs, std::span<const tensor> outputs) {
      const T* a = inputs[0].as<T>();
      T* y = outputs[0].as<T>();
      loops::for_each_element<1>(space, {sx}, [&](i64 i, const offsets<1>& o) { y[i] = a[o[0]]; });
    };
  });
  return k;
}

// ---- backward -------------------------------------------------------------------------------

/// The axes of `space` where an operand of shape `d` (right-aligned) is stretched.
std::vector<bool> stretched_axes(const dims& d, const dims& space) {
  std::vector<bool> s(space.size(), false);
  const std::size_t lead = space.size() - d.size();
  for (std::size_t a = 0; a < space.size(); ++a) s[a] = space[a] != 1 && (a < lead || d[a - lead] == 1);
  return s;
}

// _backward_broadcast_<op>: in (ograd, out, lhs, rhs), out (d lhs, d rhs).
template <class B, class T>
nn_kernel binary_backward(const dims& space, const dims& l, const dims& r, bool need_l, bool need_r) {
  const dims sg = contiguous_strides(space), sl = broadcast_strides(l, space), sr = broadcast_strides(r, space);
  std::array<dims, 4> strides{sg, sg, sl, sr};
  const loops::reduction_loop<4> to_lhs(space, stretched_axes(l, space), strides);
  const loops::reduction_loop<4> to_rhs(space, stretched_axes(r, space), strides);
  return [to_lhs, to_rhs, need_l, need_r](std::span<const tensor> in, std::span<const tensor> out) {
    const T* g = in[0].as<T>();
    const T* y = in[1].as<T>();
    const T* a = in[2].as<T>();
    const T* b = in[3].as<T>();
    auto run = [&]<int K>(const loops::reduction_loop<4>& loop, T* d) {
      loop.for_each_group([&](i64 j) {
        sum_type<T> s = 0;
        if constexpr (ops::differentiable<B, K>)
          loop.visit(j, [&](const offsets<4>& o, i64) {
            s += B::template gradient<K>(ops::no_param{}, g[o[0]], y[o[1]], a[o[2]], b[o[3]]);
          });
        d[j] = T(s);
      });
    };
    if (need_l) run.template operator()<0>(to_lhs, out[0].as<T>());
    if (need_r) run.template operator()<1>(to_rhs, out[1].as<T>());
  };
}

nn_kernel make_binary_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  expect_counts(n, in, 4, out, 2);
  const dtype t = common_dtype(n, in, out);
  if (!runs(t)) unsupported_dtype(n, t);
  const dims l = dims_of(in[2]), r = dims_of(in[3]);
  const dims space = detail::broadcast_shape(l, r);
  expect_dims(n, in[0], space, "the head gradient");
  expect_dims(n, out[0], l, "output 0");
  expect_dims(n, out[1], r, "output 1");
  const std::string_view forward = forward_name(op_name(n));
  nn_kernel k;
  with_broadcast_binary(forward, [&](const auto& e) {
    using B = typename std::remove_cvref_t<decltype(e)>::op;
    if (t == dtype::float32) k = binary_backward<B, float>(space, l, r, out[0].needed, out[1].needed);
    else k = binary_backward<B, double>(space, l, r, out[0].needed, out[1].needed);
  });
  return k;
}

// _backward_broadcast_to / _axis / _like: in (ograd, out, data[, rhs]), out (d data[, d rhs]):
// the head gradient summed over the stretched axes; broadcast_like's rhs gets zeros.
template <class T>
nn_kernel stretch_backward(const dims& space, const dims& x) {
  const loops::reduction_loop<1> fold(space, stretched_axes(x, space), {contiguous_strides(space)});
  return [fold](std::span<const tensor> in, std::span<const tensor> out) {
    const T* g = in[0].as<T>();
    T* d = out[0].as<T>();
    fold.for_each_group([&](i64 j) {
      sum_type<T> s = 0;
      fold.visit(j, [&](const offsets<1>& o, i64) { s += g[o[0]]; });
      d[j] = T(s);
    });
    if (out.size() > 1) std::fill(out[1].as<T>(), out[1].as<T>() + out[1].size(), T(0));
  };
}

nn_kernel make_stretch_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  const bool like = forward_name(op_name(n)) == ops::broadcast_like::names.mxnet;
  expect_counts(n, in, like ? 4 : 3, out, like ? 2 : 1);
  const dtype t = common_dtype(n, in.first(3), out.first(1));
  if (!runs(t)) unsupported_dtype(n, t);
  const dims space = dims_of(in[1]), x = dims_of(in[2]);
  expect_dims(n, in[0], space, "the head gradient");
  expect_dims(n, out[0], x, "output 0");
  return t == dtype::float32 ? stretch_backward<float>(space, x) : stretch_backward<double>(space, x);
}

// broadcast_to, broadcast_axis, broadcast_like: one input stretched to the output's shape.
bool is_stretch(std::string_view op) {
  return op == ops::broadcast_to::names.mxnet || op == ops::broadcast_axis::names.mxnet ||
         op == ops::broadcast_like::names.mxnet;
}

}  // namespace

nn_kernel make_broadcast_kernel(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  const std::string_view op = op_name(n);
  const bool backward = is_backward_name(op);
  if (is_stretch(forward_name(op))) return backward ? make_stretch_backward(n, in, out) : make_stretch(n, in, out);
  if (backward) return make_binary_backward(n, in, out);
  return make_binary(n, in, out);
}

bool is_broadcast_op(std::string_view op) {
  op = forward_name(op);
  return is_stretch(op) || with_broadcast_binary(op, [](const auto&) {});
}

}  // namespace xsym::kernels
