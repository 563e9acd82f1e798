// Shape and dtype rules of dot and batch_dot (MXNet 1.9's DotShape and BatchDotShape in
// src/operator/tensor/dot-inl.h; one dtype for lhs, rhs and the output). Attributes:
// transpose_a, transpose_b (default False); forward_stype is accepted and ignored (xsym arrays
// are dense). Forward only: as in MXNet, the output's shape does not fill in an input's.
//
// dot: 1-D x 1-D is the inner product, shape (1,). Otherwise lhs keeps its axes but the last
// (the first when transpose_a), rhs its axes but the first (the last when transpose_b), and the
// output is the two kept lists in a row; a 1-D operand keeps nothing. (2,3,4) x (4,5,6) gives
// (2,3,5,6). The contracted sizes are compared only when both are known (MXNet skips the check
// when either is 0, legacy's unknown).
// batch_dot: (batch, m, k) x (batch, k, n) -> (batch, m, n); the transposes swap the last two axes.
#include <string>
#include <vector>

#include "infer_support.hpp"

namespace xsym::infer_rules {

using namespace infer_support;

namespace {

struct transposes {
  bool a = false, b = false;
};

transposes read_transposes(const graph_node& n) {
  const params p(n);
  return {p.get_bool("transpose_a", false), p.get_bool("transpose_b", false)};
}

// MXNet prints booleans in its messages as 0 and 1.
std::string flags(const transposes& t) {
  return std::string(" trans_a=") + (t.a ? "1" : "0") + " trans_b=" + (t.b ? "1" : "0");
}

// The operands' shapes once both ndims are known (legacy: no dimensions means unknown); null
// otherwise, and the rule waits.
bool operands_known(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  expect_inputs(n, in, 2, "lhs, rhs");
  expect_outputs(n, out, 1);
  return in[0] && in[1] && !in[0]->empty() && !in[1]->empty();
}

}  // namespace

void dot_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  if (!operands_known(n, in, out)) return;
  const transposes t = read_transposes(n);
  const dims& l = *in[0];
  const dims& r = *in[1];
  const std::string error_text = "dot shape error: " + shape_str(in[0]) + " X " + shape_str(in[1]);
  if (l.size() == 1 && r.size() == 1) {
    if (t.a || t.b) throw error("Cannot transpose vectors: " + shape_str(in[0]) + " X " + shape_str(in[1]) + flags(t));
    if (known_dim(l[0]) && known_dim(r[0]) && l[0] != r[0]) throw error(error_text);
    shape_assign_check(out, 0, dims{1});
    return;
  }
  // The contracted axis of each operand, and the axes each keeps: [from, to).
  const std::size_t l_axis = t.a ? 0 : l.size() - 1, r_axis = t.b ? r.size() - 1 : 0;
  if (known_dim(l[l_axis]) && known_dim(r[r_axis]) && l[l_axis] != r[r_axis]) throw error(error_text);
  dims o;
  if (l.size() > 1) o.insert(o.end(), l.begin() + (t.a ? 1 : 0), l.end() - (t.a ? 0 : 1));
  if (r.size() > 1) o.insert(o.end(), r.begin() + (t.b ? 0 : 1), r.end() - (t.b ? 1 : 0));
  shape_assign_check(out, 0, o);
}
void dot_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  elemwise_attr(n, in, 2, out, 1);
}

void batch_dot_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  if (!operands_known(n, in, out)) return;
  const transposes t = read_transposes(n);
  const dims& l = *in[0];
  const dims& r = *in[1];
  const std::string operands = shape_str(in[0]) + " X " + shape_str(in[1]);
  if (l.size() != 3 || r.size() != 3)
    throw error("batch_dot currently only support 3D*3D array " + shape_str(in[0]) + " v.s. " + shape_str(in[1]));
  auto differ = [](i64 x, i64 y) { return known_dim(x) && known_dim(y) && x != y; };
  if (differ(l[0], r[0]))
    throw error("batch_dot shape error(batch_size must be equal): " + operands + flags(t));
  const i64 m = t.a ? l[2] : l[1], lk = t.a ? l[1] : l[2];
  const i64 rk = t.b ? r[2] : r[1], n_out = t.b ? r[1] : r[2];
  if (differ(lk, rk)) throw error("batch_dot shape error(shape mismatch): " + operands + flags(t));
  shape_assign_check(out, 0, dims{known_dim(l[0]) ? l[0] : r[0], m, n_out});
}
void batch_dot_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  elemwise_attr(n, in, 2, out, 1);
}

}  // namespace xsym::infer_rules
