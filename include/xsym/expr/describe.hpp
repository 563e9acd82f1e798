#pragma once
// A static graph as plain data: its unique nodes in post-order with MXNet's op names, node
// names, inputs and attributes (the run-time scalars included), and its heads. This is what
// leaves the type system: the runtime Symbol is built from it (symbol/from_static.hpp), the
// expression printer reads it (expr/print.hpp), and a graph bound to a GPU outside an nvcc unit
// reaches the runtime through it, so none of them instantiates a walk of its own per graph.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../ops/kinds.hpp"
#include "graph_info.hpp"
#include "node_object.hpp"

namespace xsym {

/// One node of a described graph.
struct described_node {
  /// An input: output `index` of node `node` (an index into graph_description::nodes).
  struct input {
    int node = 0;
    int index = 0;
  };
  std::string op = "null";  // MXNet op name; "null" for a variable
  std::string name;
  std::vector<input> inputs;
  ops::attributes attrs;     // the op's parameters in MXNet's attribute text ({"scalar": "1.5"})
  int pinned_dtype = -1;     // a typed variable's dtype code, else -1

  bool is_variable() const { return op == "null"; }
};

/// A graph as plain data: nodes in post-order (inputs before their users) and the outputs.
struct graph_description {
  std::vector<described_node> nodes;
  std::vector<described_node::input> heads;
};

namespace detail {

/// The structure of a graph from its node table (op names, node names, inputs, typed
/// variables, heads): one function for every graph, so that describing a graph compiles only
/// the attributes of its nodes that have a parameter.
inline graph_description describe_structure(std::span<const node_record> nodes,
                                            std::span<const std::string_view> names, std::span<const int> heads) {
  graph_description d;
  d.nodes.resize(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const node_record& r = nodes[i];
    described_node& n = d.nodes[i];
    n.name = std::string(names[i]);
    if (r.is_variable) {
      n.pinned_dtype = r.pinned;
      continue;
    }
    n.op = std::string(r.op);
    for (int k = 0; k < r.num_inputs; ++k) n.inputs.push_back({r.inputs[k], 0});
  }
  for (int h : heads) d.heads.push_back({h, 0});
  return d;
}

/// MXNet gives the variables a layer creates (fc1_weight, softmax_label) the layer's
/// attributes; a named layer's own variables are those named after it.
inline void give_layer_attributes(graph_description& d) {
  for (const described_node& n : d.nodes)
    for (std::size_t k = 1; k < n.inputs.size(); ++k) {
      described_node& v = d.nodes[std::size_t(n.inputs[k].node)];
      if (v.is_variable() && v.attrs.empty() && v.name.size() > n.name.size() + 1 && v.name.starts_with(n.name) &&
          v.name[n.name.size()] == '_')
        v.attrs = n.attrs;
    }
}

/// The attributes of node I of graph G, from its run-time parameter (read through node_view);
/// nothing for variables and for the elementwise ops without a parameter (ops::has_attributes).
template <class G, int I>
void describe_attributes(described_node& n, const G& g) {
  if constexpr (!graph_info<G>::nodes[I].is_variable) {
    using view = node_view<G, I>;
    if constexpr (ops::has_attributes<typename view::op>()) n.attrs = view::op::attrs(view::param(g));
  }
}

}  // namespace detail

/// Static graph `g` as plain data, with the names list_nodes gives and the attributes of its
/// scalars: node i is node i of graph_info<G>.
template <graph G>
graph_description describe(const G& g) {
  using info = detail::graph_info<G>;
  graph_description d = detail::describe_structure(std::span(info::nodes, std::size_t(info::num_nodes)),
                                                   info::node_names, info::heads);
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (detail::describe_attributes<G, int(I)>(d.nodes[I], g), ...);
  }(std::make_index_sequence<std::size_t(info::num_nodes)>{});
  detail::give_layer_attributes(d);
  return d;
}

}  // namespace xsym
