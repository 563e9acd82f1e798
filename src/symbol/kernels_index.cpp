// The indexing ops on the CPU, after MXNet 1.9's indexing_op.h and broadcast_reduce_op.h:
// one_hot, pick and take, forward on every element type (indices of any dtype, truncated to
// integers as MXNet casts them), backward in float32 and float64. Out-of-range indices follow
// `mode`: clip (the default) to the nearest end, wrap around, or (take) raise an error naming
// the index; one_hot leaves such a row all off_value. The gradient of pick scatters the head gradient to the picked elements; take's sums
// it over repeated indices, in output order (the same bits at any thread count). Indices get no
// gradient.
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

#include "kernels.hpp"
#include "layout_shapes.hpp"
#include "nn_support.hpp"
#include "xsym/ops/arithmetic.hpp"

namespace xsym::kernels {

namespace {

using namespace nn;

// An index read as MXNet reads one (cast to an integer), then placed in [0, size) by `mode`.
template <class I>
i64 place(I raw, i64 size, bool wrap) {
  i64 k = arith::convert<i64>(raw);
  if (size <= 0) return 0;
  if (wrap) return ((k % size) + size) % size;
  return std::clamp<i64>(k, 0, size - 1);
}

bool wrap_mode(const graph_node& n) {
  return get_choice(params(n), "mode", "clip", {"clip", "wrap"}) == "wrap";
}

// Calls f(T{}, I{}) for the data's and the indices' element types.
template <class F>
void with_types(dtype data, dtype indices, const F& f) {
  visit_element_type(data, [&]<class T>(T) { visit_element_type(indices, [&]<class I>(I) { f(T{}, I{}); }); });
}

// pick's geometry: data as (outer, size, inner), the index as (outer, inner).
struct pick_plan {
  i64 outer = 1, size = 1, inner = 1;
  bool wrap = false;
};
pick_plan plan_pick(const graph_node& n, const dims& data) {
  const std::size_t axis = detail::pick_axis(params(n), data);
  return {product(data, 0, axis), data[axis], product(data, axis + 1, data.size()), wrap_mode(n)};
}

// take's geometry: a as (outer, size, inner), the indices as `count` entries; mode raise checks
// every index when the kernel runs (then clipping changes nothing).
struct take_plan {
  i64 outer = 1, size = 1, inner = 1, count = 1;
  bool wrap = false, raise = false;
};
take_plan plan_take(const graph_node& n, const dims& a, std::size_t count) {
  const params p(n);
  const std::size_t axis = detail::layout_axis(p.get_int("axis", 0), a.size());
  const std::string mode = get_choice(p, "mode", "clip", {"clip", "wrap", "raise"});
  return {product(a, 0, axis), a[axis], product(a, axis + 1, a.size()), i64(count), mode == "wrap", mode == "raise"};
}

// mode raise: MXNet's "take operator contains indices out of bound", with the first such index.
// `node` names the node ("take node 't0'"): the kernel may outlive the graph.
template <class I>
void check_indices(const std::string& node, const I* idx, const take_plan& P) {
  for (i64 c = 0; c < P.count; ++c)
    if (const i64 k = arith::convert<i64>(idx[c]); k < 0 || k >= P.size)
      throw error(node + ": take operator contains indices out of bound: index " + std::to_string(k) + " (entry " +
                  std::to_string(c) + " of the indices) is not in [0, " + std::to_string(P.size) + ")");
}

// ---- forward --------------------------------------------------------------------------------

nn_kernel make_one_hot(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  expect_counts(n, in, 1, out, 1);
  const params p(n);
  expect_dims(n, out[0], detail::one_hot_shape(p, dims_of(in[0])), "output 0");
  const i64 depth = p.required_int("depth");
  const double on = get_double(p, "on_value", 1.0), off = get_double(p, "off_value", 0.0);
  nn_kernel k;
  with_types(out[0].type, in[0].type, [&]<class T, class I>(T, I) {
    k = [depth, on, off](std::span<const tensor> inputs, std::span<const tensor> outputs) {
      const I* idx = inputs[0].as<I>();
      T* y = outputs[0].as<T>();
      std::fill(y, y + outputs[0].size(), arith::convert<T>(off));
      for (std::size_t i = 0; i < inputs[0].size(); ++i) {
        const i64 j = arith::convert<i64>(idx[i]);
        if (j >= 0 && j < depth) y[i64(i) * depth + j] = arith::convert<T>(on);
      }
    };
  });
  return k;
}

nn_kernel make_pick(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  expect_counts(n, in, 2, out, 1);
  expect_dims(n, out[0], detail::pick_shape(params(n), dims_of(in[0]), dims_of(in[1])), "output 0");
  const pick_plan P = plan_pick(n, dims_of(in[0]));
  nn_kernel k;
  with_types(in[0].type, in[1].type, [&]<class T, class I>(T, I) {
    k = [P](std::span<const tensor> inputs, std::span<const tensor> outputs) {
      const T* x = inputs[0].as<T>();
      const I* idx = inputs[1].as<I>();
      T* y = outputs[0].as<T>();
      for (i64 o = 0; o < P.outer; ++o)
        for (i64 t = 0; t < P.inner; ++t)
          y[o * P.inner + t] = x[(o * P.size + place(idx[o * P.inner + t], P.size, P.wrap)) * P.inner + t];
    };
  });
  return k;
}

nn_kernel make_take(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  expect_counts(n, in, 2, out, 1);
  expect_dims(n, out[0], detail::take_shape(params(n), dims_of(in[0]), dims_of(in[1])), "output 0");
  const take_plan P = plan_take(n, dims_of(in[0]), in[1].size());
  nn_kernel k;
  with_types(in[0].type, in[1].type, [&]<class T, class I>(T, I) {
    k = [P, node = std::string(op_name(n)) + " node '" + n.name + "'"](std::span<const tensor> inputs,
                                                                     std::span<const tensor> outputs) {
      const T* a = inputs[0].as<T>();
      const I* idx = inputs[1].as<I>();
      T* y = outputs[0].as<T>();
      if (P.raise) check_indices(node, idx, P);
      for (i64 o = 0; o < P.outer; ++o)
        for (i64 c = 0; c < P.count; ++c)
          std::memcpy(y + (o * P.count + c) * P.inner, a + (o * P.size + place(idx[c], P.size, P.wrap)) * P.inner,
                      std::size_t(P.inner) * sizeof(T));
    };
  });
  return k;
}

// ---- backward: in (ograd, out, data, indices), out (d data, d indices = 0) --------------------

nn_kernel make_index_backward(const graph_node& n, std::string_view op, std::span<const tensor> in,
                              std::span<const tensor> out) {
  expect_counts(n, in, 4, out, 2);
  const dtype t = in[0].type;
  if (!runs(t)) unsupported_dtype(n, t);
  expect_dims(n, out[0], dims_of(in[2]), "output 0");
  const bool pick = op == ops::pick::names.mxnet;
  const pick_plan pp = pick ? plan_pick(n, dims_of(in[2])) : pick_plan{};
  const take_plan tp = pick ? take_plan{} : plan_take(n, dims_of(in[2]), in[3].size());
  nn_kernel k;
  with_types(t, in[3].type, [&]<class T, class I>(T, I) {
    if constexpr (std::is_floating_point_v<T>) {
      k = [pick, pp, tp](std::span<const tensor> inputs, std::span<const tensor> outputs) {
        const T* g = inputs[0].as<T>();
        const I* idx = inputs[3].as<I>();
        T* d = outputs[0].as<T>();
        std::fill(d, d + outputs[0].size(), T(0));
        if (pick) {
          for (i64 o = 0; o < pp.outer; ++o)
            for (i64 s = 0; s < pp.inner; ++s)
              d[(o * pp.size + place(idx[o * pp.inner + s], pp.size, pp.wrap)) * pp.inner + s] += g[o * pp.inner + s];
        } else {
          for (i64 o = 0; o < tp.outer; ++o)
            for (i64 c = 0; c < tp.count; ++c) {
              T* row = d + (o * tp.size + place(idx[c], tp.size, tp.wrap)) * tp.inner;
              const T* grow = g + (o * tp.count + c) * tp.inner;
              for (i64 s = 0; s < tp.inner; ++s) row[s] += grow[s];
            }
        }
        std::memset(outputs[1].data, 0, outputs[1].size() * dtype_size(outputs[1].type));
      };
    }
  });
  return k;
}

}  // namespace

bool is_index_op(std::string_view op) {
  op = forward_name(op);
  return op == ops::one_hot::names.mxnet || op == ops::pick::names.mxnet || op == ops::take::names.mxnet;
}

nn_kernel make_index_kernel(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  const std::string_view op = op_name(n);
  if (is_backward_name(op)) return make_index_backward(n, forward_name(op), in, out);
  if (op == ops::one_hot::names.mxnet) return make_one_hot(n, in, out);
  if (op == ops::pick::names.mxnet) return make_pick(n, in, out);
  return make_take(n, in, out);
}

}  // namespace xsym::kernels
