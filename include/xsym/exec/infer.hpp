#pragma once
// Shape and dtype inference at bind time, over the nodes of a static graph, with MXNet's rules
// and messages: an elementwise op's inputs and output share one shape and one dtype; Cast
// changes the dtype; a typed variable must be bound to an array of its type.
#include <string>
#include <vector>

#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "../expr/graph_info.hpp"
#include "../ndarray/ndarray.hpp"

namespace xsym::exec {

/// The shape and dtype of every node of a bound graph, in post-order.
struct node_types {
  std::vector<xsym::shape> shapes;
  std::vector<dtype> dtypes;
};

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
                  std::string(dtype_name(dtype(pinned))) + " (a typed variable) but is bound to a " +
                  std::string(dtype_name(a.dtype())) + " array");
    t.shapes[i] = a.shape();
    t.dtypes[i] = a.dtype();
  }
  for (int i = 0; i < info::num_nodes; ++i) {
    const auto& n = info::nodes[i];
    if (n.is_variable) continue;
    auto name = std::string(info::node_names[std::size_t(i)]);
    auto in = [&](int k) { return std::size_t(n.inputs[k]); };
    auto mismatch = [&](int k, const std::string& expected, const std::string& got) {
      return error("xsym::bind: Error in operator " + name + ": Incompatible attr in node " + name + " at " +
                   std::to_string(k) + "-th input: expected " + expected + ", got " + got);
    };
    for (int k = 1; k < n.num_inputs; ++k)
      if (t.shapes[in(k)] != t.shapes[in(0)]) throw mismatch(k, t.shapes[in(0)].str(), t.shapes[in(k)].str());
    for (int k = 1; k < n.num_inputs; ++k)
      if (t.dtypes[in(k)] != t.dtypes[in(0)])
        throw mismatch(k, std::string(dtype_name(t.dtypes[in(0)])), std::string(dtype_name(t.dtypes[in(k)])));
    t.shapes[std::size_t(i)] = t.shapes[in(0)];
    t.dtypes[std::size_t(i)] = n.casts ? dtype(n.pinned) : t.dtypes[in(0)];
  }
  return t;
}

}  // namespace xsym::exec
