#pragma once
// Shape and dtype inference at bind time, over the nodes of a static graph, with MXNet's rules
// and messages: an elementwise op's inputs and output share one shape and one dtype; Cast
// changes the dtype; a typed variable must be bound to an array of its type.
#include <string>
#include <vector>

#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "../core/text.hpp"
#include "../expr/graph_info.hpp"
#include "../ndarray/ndarray.hpp"

namespace xsym::exec {

/// The shape and dtype of every node of a bound graph, in post-order.
struct node_types {
  std::vector<xsym::shape> shapes;
  std::vector<dtype> dtypes;
};

/// The first input of node n whose dtype is the output's, or -1 (Cast).
constexpr int first_tied(const detail::node_record& n) {
  for (int k = 0; k < n.num_inputs; ++k)
    if (n.tied >> k & 1u) return k;
  return -1;
}

/// Where node `i`'s shape (or, with `dtypes`, its dtype) comes from, in words: "argument 'x'",
/// or "the output of node '_mul1', whose shape comes from argument 'C'". An elementwise op takes both
/// from its first input, so the chain of first inputs leads to the argument (or to the Cast
/// that set the dtype).
template <class G>
std::string origin(int i, bool dtypes) {
  using info = detail::graph_info<G>;
  auto name = [](int k) { return detail::cat("'", info::node_names[std::size_t(k)], "'"); };
  if (info::nodes[i].is_variable) return "argument " + name(i);
  int source = i;
  while (!info::nodes[source].is_variable && !(dtypes && info::nodes[source].casts))
    source = info::nodes[source].inputs[dtypes ? first_tied(info::nodes[source]) : 0];
  std::string what = dtypes ? "dtype" : "shape";
  std::string from = info::nodes[source].is_variable ? "argument " + name(source) : "the Cast " + name(source);
  if (source == i) return "the Cast " + name(i);
  return "the output of node " + name(i) + ", whose " + what + " comes from " + from;
}

/// Infers every node's shape and dtype from the bound arguments (`args` in list_arguments
/// order). Throws xsym::error naming the argument or node at fault.
template <class G>
node_types infer_node_types(const std::vector<ndarray>& args) {
  using info = detail::graph_info<G>;
  node_types t;
  t.shapes.resize(std::size_t(info::num_nodes));
  t.dtypes.resize(std::size_t(info::num_nodes));
  for (int k = 0; k < info::num_arguments; ++k) {
    auto i = std::size_t(info::argument_nodes[std::size_t(k)]);
    const ndarray& a = args[std::size_t(k)];
    if (int pinned = info::nodes[i].pinned; pinned >= 0 && dtype(pinned) != a.dtype())
      throw error("xsym::bind: argument '" + std::string(info::arguments[std::size_t(k)]) + "' is declared " +
                  std::string(dtype_name(dtype(pinned))) + " (a typed variable) but is bound to " +
                  with_article(dtype_name(a.dtype())) + " array");
    t.shapes[i] = a.shape();
    t.dtypes[i] = a.dtype();
  }
  for (int i = 0; i < info::num_nodes; ++i) {
    const auto& n = info::nodes[i];
    if (n.is_variable) continue;
    auto name = std::string(info::node_names[std::size_t(i)]);
    auto in = [&](int k) { return std::size_t(n.inputs[k]); };
    // MXNet's message, then where the mismatching input came from (`dtypes`: a Cast can be the
    // source of a dtype, never of a shape).
    auto mismatch = [&](int k, const std::string& expected, const std::string& got, bool dtypes) {
      return error("xsym::bind: Error in operator " + name + ": Incompatible attr in node " + name + " at " +
                   std::to_string(k) + "-th input: expected " + expected + ", got " + got + " (input " +
                   std::to_string(k) + " of " + name + " is " + origin<G>(n.inputs[k], dtypes) + ")");
    };
    for (int k = 1; k < n.num_inputs; ++k)
      if (t.shapes[in(k)] != t.shapes[in(0)]) throw mismatch(k, t.shapes[in(0)].str(), t.shapes[in(k)].str(), false);
    const int f = first_tied(n);  // the inputs tied to the output share its dtype
    for (int k = f + 1; f >= 0 && k < n.num_inputs; ++k)
      if ((n.tied >> k & 1u) && t.dtypes[in(k)] != t.dtypes[in(f)])
        throw mismatch(k, std::string(dtype_name(t.dtypes[in(f)])), std::string(dtype_name(t.dtypes[in(k)])), true);
    for (int k = 0, j = -1; k < n.num_inputs; ++k)  // `joined` inputs share a dtype too
      if (n.joined >> k & 1u) {
        if (j < 0) j = k;
        else if (t.dtypes[in(k)] != t.dtypes[in(j)])
          throw mismatch(k, std::string(dtype_name(t.dtypes[in(j)])), std::string(dtype_name(t.dtypes[in(k)])), true);
      }
    t.shapes[std::size_t(i)] = t.shapes[in(0)];
    t.dtypes[std::size_t(i)] = n.casts ? dtype(n.pinned) : t.dtypes[in(f)];
  }
  return t;
}

}  // namespace xsym::exec
