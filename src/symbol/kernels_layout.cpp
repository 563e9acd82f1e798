// The layout ops on the CPU, forward (every element type) and backward (float32, float64), after
// MXNet 1.9's matrix_op-inl.h: transpose, reverse (flip), slice, slice_axis, tile and repeat are
// gathers (layout_shapes.hpp) whose gradient is a scatter, or for tile and repeat a sum over the
// copies in row-major order; expand_dims and squeeze copy; stack interleaves its inputs; where
// picks x or y by a condition of any dtype; SliceChannel (split) cuts the data into equal parts
// along an axis, and its gradient puts the parts' gradients back. (zeros_like and ones_like are
// operator-table ops.)
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "kernels.hpp"
#include "layout_shapes.hpp"
#include "nn_support.hpp"
#include "tensor_loops.hpp"

namespace xsym::kernels {

namespace {

using namespace nn;
using loops::offsets;

constexpr std::string_view gathers[] = {ops::transpose::names.mxnet, ops::reverse::names.mxnet,
                                        ops::slice::names.mxnet,     ops::slice_axis::names.mxnet,
                                        ops::slice_like::names.mxnet, ops::tile::names.mxnet,
                                        ops::repeat::names.mxnet};
constexpr std::string_view copies[] = {ops::expand_dims::names.mxnet, ops::squeeze::names.mxnet};

template <std::size_t N>
bool one_of(std::string_view op, const std::string_view (&names)[N]) {
  return std::find(std::begin(names), std::end(names), op) != std::end(names);
}

// `like`: slice_like's second input's shape.
detail::gather gather_of(const graph_node& n, std::string_view op, const dims& in, const dims& like = {}) {
  const params p(n);
  if (op == ops::slice_like::names.mxnet) return detail::slice_like_gather(p, in, like);
  if (op == ops::transpose::names.mxnet) return detail::transpose_gather(p, in);
  if (op == ops::reverse::names.mxnet) return detail::flip_gather(p, in);
  if (op == ops::slice::names.mxnet) return detail::slice_gather(p, in);
  if (op == ops::slice_axis::names.mxnet) return detail::slice_axis_gather(p, in);
  if (op == ops::tile::names.mxnet) return detail::tile_gather(p, in);
  return detail::repeat_gather(p, in);
}

void expect_type(const graph_node& n, const tensor& x, dtype t, const std::string& what) {
  if (x.type != t)
    fail(n, what + " is " + std::string(dtype_name(x.type)) + ", expected " + std::string(dtype_name(t)));
}

dtype gradient_type(const graph_node& n, std::span<const tensor> in) {
  const dtype t = in[0].type;
  if (!runs(t)) unsupported_dtype(n, t);
  return t;
}

// ---- forward --------------------------------------------------------------------------------

nn_kernel make_gather(const graph_node& n, std::string_view op, std::span<const tensor> in,
                      std::span<const tensor> out) {
  const bool like = op == ops::slice_like::names.mxnet;
  expect_counts(n, in, like ? 2 : 1, out, 1);
  expect_type(n, out[0], in[0].type, "output 0");
  const detail::gather g = gather_of(n, op, dims_of(in[0]), like ? dims_of(in[1]) : dims{});
  expect_dims(n, out[0], g.out, "output 0");
  nn_kernel k;
  visit_element_type(in[0].type, [&]<class T>(T) {
    k = [g](std::span<const tensor> inputs, std::span<const tensor> outputs) {
      const T* x = inputs[0].as<T>() + g.base;
      T* y = outputs[0].as<T>();
      loops::for_each_element<1>(g.space, {g.strides}, [&](i64 i, const offsets<1>& o) { y[i] = x[o[0]]; });
    };
  });
  return k;
}

nn_kernel make_copy(const graph_node& n, std::string_view op, std::span<const tensor> in, std::span<const tensor> out) {
  expect_counts(n, in, 1, out, 1);
  expect_type(n, out[0], in[0].type, "output 0");
  const params p(n);
  const dims d = dims_of(in[0]);
  expect_dims(n, out[0],
              op == ops::expand_dims::names.mxnet ? detail::expand_dims_shape(p, d) : detail::squeeze_shape(p, d),
              "output 0");
  return [](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    std::memcpy(outputs[0].data, inputs[0].data, inputs[0].size() * dtype_size(inputs[0].type));
  };
}

// stack: input k becomes index k of the new axis; `inner` elements per (outer, k) block.
nn_kernel make_stack(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  if (in.empty() || out.empty()) fail(n, "the kernel takes at least one input and one output");
  std::vector<dims> shapes;
  for (std::size_t k = 0; k < in.size(); ++k) {
    expect_type(n, in[k], in[0].type, "input " + std::to_string(k));
    shapes.push_back(dims_of(in[k]));
  }
  expect_type(n, out[0], in[0].type, "output 0");
  const dims shape = detail::stack_shape(params(n), shapes);
  expect_dims(n, out[0], shape, "output 0");
  i64 axis = params(n).get_int("axis", 0);
  if (axis < 0) axis += i64(shape.size());
  const i64 outer = product(shapes[0], 0, std::size_t(axis)), inner = product(shapes[0], std::size_t(axis), shapes[0].size());
  nn_kernel k;
  visit_element_type(in[0].type, [&]<class T>(T) {
    k = [outer, inner](std::span<const tensor> inputs, std::span<const tensor> outputs) {
      const i64 count = i64(inputs.size());
      T* y = outputs[0].as<T>();
      for (i64 o = 0; o < outer; ++o)
        for (i64 j = 0; j < count; ++j)
          std::memcpy(y + (o * count + j) * inner, inputs[std::size_t(j)].as<T>() + o * inner, std::size_t(inner) * sizeof(T));
    };
  });
  return k;
}

// where: `row` elements share one condition value (1 unless the condition is 1-D of x's first dim).
nn_kernel make_where(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  expect_counts(n, in, 3, out, 1);
  expect_type(n, in[2], in[1].type, "y (input 2)");
  expect_type(n, out[0], in[1].type, "output 0");
  const dims shape = detail::where_shape(dims_of(in[0]), dims_of(in[1]), dims_of(in[2]));
  expect_dims(n, out[0], shape, "output 0");
  const i64 row = in[0].size() == in[1].size() ? 1 : i64(in[1].size()) / std::max<i64>(1, i64(in[0].size()));
  nn_kernel k;
  visit_element_type(in[0].type, [&]<class C>(C) {
    visit_element_type(in[1].type, [&]<class T>(T) {
      k = [row](std::span<const tensor> inputs, std::span<const tensor> outputs) {
        const C* c = inputs[0].as<C>();
        const T* x = inputs[1].as<T>();
        const T* y = inputs[2].as<T>();
        T* z = outputs[0].as<T>();
        parallel_chunks(i64(outputs[0].size()), 1, [&](i64 b, i64 e) {
          for (i64 i = b; i < e; ++i) z[i] = c[i / row] != C(0) ? x[i] : y[i];
        });
      };
    });
  });
  return k;
}

// ---- backward: in (ograd, out, inputs...), out (d inputs...) ----------------------------------

template <class T>
nn_kernel gather_backward(const detail::gather& g, std::size_t input_size) {
  if (g.injective())
    return [g, input_size](std::span<const tensor> in, std::span<const tensor> out) {
      const T* gy = in[0].as<T>();
      T* d = out[0].as<T>();
      std::fill(d, d + input_size, T(0));
      T* at = d + g.base;
      loops::for_each_element<1>(g.space, {g.strides}, [&](i64 i, const offsets<1>& o) { at[o[0]] = gy[i]; });
    };
  std::vector<bool> folded(g.space.size());
  for (std::size_t a = 0; a < g.space.size(); ++a) folded[a] = g.strides[a] == 0;
  const loops::reduction_loop<1> sum(g.space, folded, {detail::row_major_strides(g.space)});
  return [sum](std::span<const tensor> in, std::span<const tensor> out) {
    const T* gy = in[0].as<T>();
    T* d = out[0].as<T>();
    sum.for_each_group([&](i64 j) {
      loops::sum_type<T> s = 0;
      sum.visit(j, [&](const offsets<1>& o, i64) { s += gy[o[0]]; });
      d[j] = T(s);
    });
  };
}

nn_kernel make_layout_backward(const graph_node& n, std::string_view op, std::span<const tensor> in,
                               std::span<const tensor> out) {
  const dtype t = gradient_type(n, in);
  if (op == ops::stack<1>::names.mxnet) {
    if (in.size() != out.size() + 2) fail(n, "the kernel takes the head gradient, the output and each input");
    i64 axis = params(n).get_int("axis", 0);
    const dims od = dims_of(in[1]);
    if (axis < 0) axis += i64(od.size());
    const i64 outer = product(od, 0, std::size_t(axis)), inner = product(od, std::size_t(axis) + 1, od.size());
    auto split = [outer, inner]<class T>(T, std::span<const tensor> inputs, std::span<const tensor> outputs) {
      const i64 count = i64(outputs.size());
      const T* g = inputs[0].as<T>();
      for (i64 j = 0; j < count; ++j)
        if (outputs[std::size_t(j)].needed)
          for (i64 o = 0; o < outer; ++o)
            std::memcpy(outputs[std::size_t(j)].as<T>() + o * inner, g + (o * count + j) * inner, std::size_t(inner) * sizeof(T));
    };
    if (t == dtype::float32) return [split](auto i, auto o) { split(float{}, i, o); };
    return [split](auto i, auto o) { split(double{}, i, o); };
  }
  if (op == ops::where::names.mxnet) {
    expect_counts(n, in, 5, out, 3);
    const i64 row = in[2].size() == in[3].size() ? 1 : i64(in[3].size()) / std::max<i64>(1, i64(in[2].size()));
    nn_kernel k;
    visit_element_type(in[2].type, [&]<class C>(C) {
      auto pick = [row]<class T>(T, std::span<const tensor> inputs, std::span<const tensor> outputs) {
        const T* g = inputs[0].as<T>();
        const C* c = inputs[2].as<C>();
        T *dx = outputs[1].as<T>(), *dy = outputs[2].as<T>();
        // The condition gets no gradient (zeros, in its own dtype: all bytes 0).
        if (outputs[0].data) std::memset(outputs[0].data, 0, outputs[0].size() * dtype_size(outputs[0].type));
        for (std::size_t i = 0; i < outputs[1].size(); ++i) {
          const bool take_x = c[i64(i) / row] != C(0);
          dx[i] = take_x ? g[i] : T(0);
          dy[i] = take_x ? T(0) : g[i];
        }
      };
      if (t == dtype::float32) k = [pick](auto i, auto o) { pick(float{}, i, o); };
      else k = [pick](auto i, auto o) { pick(double{}, i, o); };
    });
    return k;
  }
  const bool like = op == ops::slice_like::names.mxnet;  // in (ograd, out, data, shape_like), out (d data, d shape_like)
  expect_counts(n, in, like ? 4 : 3, out, like ? 2 : 1);
  const dims x = dims_of(in[2]);
  expect_dims(n, out[0], x, "output 0");
  if (one_of(op, copies))
    return [](std::span<const tensor> inputs, std::span<const tensor> outputs) {
      std::memcpy(outputs[0].data, inputs[0].data, inputs[0].size() * dtype_size(inputs[0].type));
    };
  const detail::gather g = gather_of(n, op, x, like ? dims_of(in[3]) : dims{});
  expect_dims(n, in[0], g.out, "the head gradient");
  nn_kernel k = t == dtype::float32 ? gather_backward<float>(g, in[2].size()) : gather_backward<double>(g, in[2].size());
  if (!like) return k;
  return [k](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    k(inputs, outputs);  // shape_like gets no gradient: zeros, in its own dtype
    std::memset(outputs[1].data, 0, outputs[1].size() * dtype_size(outputs[1].type));
  };
}

// SliceChannel: the data as (outer, num_outputs x part) bytes; output k is part k of each outer
// row. Its backward (ograd 0..n-1, out 0..n-1, data) -> (d data) puts the parts back. Bytes, so
// every element type.
struct channel_parts {
  i64 outer = 1, outputs = 1, part = 0;  // part: bytes of one output per outer row
};
channel_parts parts_of(const graph_node& n, const tensor& data) {
  const dims d = dims_of(data);
  const auto s = detail::slice_channel_split(params(n), d);
  return {product(d, 0, s.axis), s.outputs, s.chunk * product(d, s.axis + 1, d.size()) * i64(dtype_size(data.type))};
}

nn_kernel make_slice_channel(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  if (in.size() != 1) fail(n, "the kernel takes the data alone");
  const channel_parts P = parts_of(n, in[0]);
  expect_counts(n, in, 1, out, std::size_t(P.outputs));
  for (std::size_t k = 0; k < out.size(); ++k) expect_size(n, out[k], in[0].size() / out.size(), "output " + std::to_string(k));
  return [P](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    const auto* x = static_cast<const std::byte*>(inputs[0].data);
    for (i64 o = 0; o < P.outer; ++o)
      for (i64 k = 0; k < P.outputs; ++k)
        std::memcpy(static_cast<std::byte*>(outputs[std::size_t(k)].data) + o * P.part, x + (o * P.outputs + k) * P.part,
                    std::size_t(P.part));
  };
}

nn_kernel make_slice_channel_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  if (in.empty() || out.size() != 1) fail(n, "the kernel takes the head gradients, the outputs and the data");
  const channel_parts P = parts_of(n, in.back());
  expect_counts(n, in, std::size_t(2 * P.outputs + 1), out, 1);
  return [P](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    auto* dx = static_cast<std::byte*>(outputs[0].data);
    for (i64 o = 0; o < P.outer; ++o)
      for (i64 k = 0; k < P.outputs; ++k)
        std::memcpy(dx + (o * P.outputs + k) * P.part,
                    static_cast<const std::byte*>(inputs[std::size_t(k)].data) + o * P.part, std::size_t(P.part));
  };
}

}  // namespace

bool is_layout_op(std::string_view op) {
  op = forward_name(op);
  return one_of(op, gathers) || one_of(op, copies) || op == ops::stack<1>::names.mxnet ||
         op == ops::where::names.mxnet || op == ops::slice_channel::names.mxnet;
}

nn_kernel make_layout_kernel(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  std::string_view op = op_name(n);
  if (forward_name(op) == ops::slice_channel::names.mxnet)
    return is_backward_name(op) ? make_slice_channel_backward(n, in, out) : make_slice_channel(n, in, out);
  if (is_backward_name(op)) return make_layout_backward(n, forward_name(op), in, out);
  if (one_of(op, gathers)) return make_gather(n, op, in, out);
  if (op == ops::stack<1>::names.mxnet) return make_stack(n, in, out);
  if (op == ops::where::names.mxnet) return make_where(n, in, out);
  return make_copy(n, op, in, out);
}

}  // namespace xsym::kernels
