// Shape and dtype rules of broadcasting and reductions (MXNet 1.9's BinaryBroadcastShape,
// BroadcastToShape, BroadcastAxesShape, BroadcastLikeShape, ReduceAxesShape and SearchAxisShape;
// the rules themselves are in tensor_shapes.hpp, which the kernels share). Forward only: as in
// MXNet, an output shape does not fill in an unknown input.
#include <string>
#include <vector>

#include "infer_support.hpp"
#include "tensor_shapes.hpp"

namespace xsym::infer_rules {

using namespace infer_support;

namespace {

// Runs `rule` on the first `count` input shapes once each one's ndim is known.
template <class Rule>
void forward_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out,
                   std::size_t count, const char* names, Rule rule) {
  expect_inputs(n, in, count, names);
  expect_outputs(n, out, 1);
  for (std::size_t i = 0; i < count; ++i)
    if (!in[i]) return;
  shape_assign_check(out, 0, partial_shape(rule()));
}

}  // namespace

void broadcast_binary_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  forward_shape(n, in, out, 2, "lhs, rhs", [&] { return detail::broadcast_shape(*in[0], *in[1]); });
}
void broadcast_binary_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  elemwise_attr(n, in, 2, out, 1);
}

void broadcast_to_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  forward_shape(n, in, out, 1, "data", [&] { return detail::broadcast_to_shape(params(n), *in[0]); });
}
void broadcast_to_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  elemwise_attr(n, in, 1, out, 1);
}

void broadcast_axis_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  forward_shape(n, in, out, 1, "data", [&] { return detail::broadcast_axis_shape(params(n), *in[0]); });
}
void broadcast_axis_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  elemwise_attr(n, in, 1, out, 1);
}

void broadcast_like_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  forward_shape(n, in, out, 2, "lhs, rhs",
                [&] { return detail::broadcast_like_shape(params(n), *in[0], *in[1]); });
}
void broadcast_like_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  elemwise_attr(n, in, 2, out, 1);
}

void reduce_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  forward_shape(n, in, out, 1, "data", [&] { return detail::reduce_shape(*in[0], detail::parse_reduce(params(n))); });
}
void reduce_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  elemwise_attr(n, in, 1, out, 1);
}

// argmax / argmin: the index, in the data's dtype (MXNet's legacy ops).
void search_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  forward_shape(n, in, out, 1, "data", [&] {
    return detail::search_shape(*in[0], detail::parse_search(params(n), in[0]->size()));
  });
}
void search_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  elemwise_attr(n, in, 1, out, 1);
}

}  // namespace xsym::infer_rules
