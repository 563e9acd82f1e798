// Shape and dtype rules of the layout ops (transpose, flip, slice, slice_axis, slice_like, tile,
// repeat, expand_dims, squeeze, stack, where, one_hot, pick, take), after MXNet 1.9's
// matrix_op-inl.h, control_flow_op.h and indexing_op.h; the shapes themselves are in
// layout_shapes.hpp, which the kernels share. Forward only, once the inputs' shapes are known.
#include <algorithm>
#include <string>
#include <vector>

#include "infer_support.hpp"
#include "layout_shapes.hpp"
#include "xsym/ops/tensor.hpp"

namespace xsym::infer_rules {

using namespace infer_support;

namespace {

// Runs `rule` on the known shapes of every input.
template <class Rule>
void when_known(std::vector<partial_shape>& in, std::vector<partial_shape>& out, const Rule& rule) {
  if (out.empty()) throw error("the node has no output");
  std::vector<dims> known;
  for (const auto& s : in) {
    if (!shape_known(s)) return;
    known.push_back(*s);
  }
  shape_assign_check(out, 0, partial_shape(rule(known)));
}

}  // namespace

void layout_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  expect_inputs(n, in, 1, "data");
  const params p(n);
  const std::string& op = n.def ? n.def->name : n.op;
  when_known(in, out, [&](const std::vector<dims>& d) -> dims {
    if (op == ops::transpose::names.mxnet) return detail::transpose_gather(p, d[0]).out;
    if (op == ops::reverse::names.mxnet) return detail::flip_gather(p, d[0]).out;
    if (op == ops::slice::names.mxnet) return detail::slice_gather(p, d[0]).out;
    if (op == ops::slice_axis::names.mxnet) return detail::slice_axis_gather(p, d[0]).out;
    if (op == ops::tile::names.mxnet) return detail::tile_gather(p, d[0]).out;
    if (op == ops::repeat::names.mxnet) return detail::repeat_gather(p, d[0]).out;
    if (op == ops::expand_dims::names.mxnet) return detail::expand_dims_shape(p, d[0]);
    if (op == ops::squeeze::names.mxnet) return detail::squeeze_shape(p, d[0]);
    throw error("xsym: internal: " + op + " has no layout rule");
  });
}
void layout_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  elemwise_attr(n, in, 1, out, 1);
}

// slice_like, one_hot, pick, take: two inputs (one_hot: one), whose second has its own dtype.
void indexing_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  const params p(n);
  const std::string& op = n.def ? n.def->name : n.op;
  expect_inputs(n, in, op == "one_hot" ? 1 : 2, op == "one_hot" ? "indices" : "data, index");
  when_known(in, out, [&](const std::vector<dims>& d) -> dims {
    if (op == ops::one_hot::names.mxnet) return detail::one_hot_shape(p, d[0]);
    if (op == ops::pick::names.mxnet) return detail::pick_shape(p, d[0], d[1]);
    if (op == ops::take::names.mxnet) return detail::take_shape(p, d[0], d[1]);
    return detail::slice_like_gather(p, d[0], d[1]).out;
  });
}
// The output has the data's dtype (one_hot: the "dtype" attribute, float32 by default).
void indexing_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  expect_outputs(n, out, 1);
  if ((n.def ? n.def->name : n.op) == ops::one_hot::names.mxnet) {
    type_assign_check(out, 0, params(n).opt_dtype("dtype").value_or(dtype::float32));
    return;
  }
  std::vector<partial_dtype> data{in.at(0)};
  elemwise_attr(n, data, 1, out, 1);
  in[0] = data[0];
}

void stack_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  const params p(n);
  const i64 num_args = p.get_int("num_args", i64(in.size()));
  if (num_args != i64(in.size()))
    throw error("stack: num_args is " + std::to_string(num_args) + " but the node has " + std::to_string(in.size()) +
                " inputs");
  when_known(in, out, [&](const std::vector<dims>& d) { return detail::stack_shape(p, d); });
}
void stack_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  elemwise_attr(n, in, in.size(), out, 1);
}

// SliceChannel: every output has the chunk's shape, and the data's dtype.
void slice_channel_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  expect_inputs(n, in, 1, "data");
  if (!shape_known(in[0])) return;
  const auto s = detail::slice_channel_split(params(n), *in[0]);
  if (out.size() != std::size_t(s.outputs))
    throw error("SliceChannel: num_outputs is " + std::to_string(s.outputs) + " but the node has " +
                std::to_string(out.size()) + " outputs");
  for (std::size_t k = 0; k < out.size(); ++k) shape_assign_check(out, k, partial_shape(s.out));
}
void slice_channel_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  elemwise_attr(n, in, 1, out, out.size());
}

void where_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  expect_inputs(n, in, 3, "condition, x, y");
  when_known(in, out, [&](const std::vector<dims>& d) { return detail::where_shape(d[0], d[1], d[2]); });
}
// x, y and the output share a dtype; the condition has its own.
void where_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  expect_inputs(n, in, 3, "condition, x, y");
  std::vector<partial_dtype> xy{in[1], in[2]};
  elemwise_attr(n, xy, 2, out, 1);
  in[1] = xy[0], in[2] = xy[1];
}

}  // namespace xsym::infer_rules
