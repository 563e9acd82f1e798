#pragma once
// A static graph as plain data: its unique nodes in post-order with MXNet's op names, node
// names, inputs and attributes (the run-time scalars included), and its heads. This is what
// leaves the type system: the runtime Symbol is built from it (symbol/from_static.hpp), the
// expression printer reads it (expr/print.hpp), and a graph bound to a GPU outside an nvcc unit
// reaches the runtime through it, so none of them instantiates a walk of its own per graph.
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../ops/kinds.hpp"
#include "graph_info.hpp"

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

// The walk repeats the compile-time analysis (analysis.hpp) in the same order, so node i here
// is node i of graph_info<G>, with its name; only the run-time parameters are read from the
// graph object.
template <class G>
class describer {
 public:
  using info = graph_info<G>;

  graph_description run(const G& g) {
    std::apply([&](const auto&... root) { (visit(root), ...); }, graph_traits<G>::roots_of(g));
    for (int h : info::heads) d_.heads.push_back({h, 0});
    return std::move(d_);
  }

 private:
  graph_description d_;
  std::unordered_map<std::uint64_t, int> merged_;  // identity -> node index, as the analysis merges

  // The node at the next index, named as the analysis names it.
  described_node& next_node() {
    auto& n = d_.nodes.emplace_back();
    n.name = std::string(info::node_names[d_.nodes.size() - 1]);
    return n;
  }

  template <class N, class T>
  int visit(const var<N, T>&) {
    if (auto it = merged_.find(type_key<N>); it != merged_.end()) return it->second;
    const int index = int(d_.nodes.size());
    next_node().pinned_dtype = info::nodes[index].pinned;
    merged_.emplace(type_key<N>, index);
    return index;
  }

  template <class Op, class... In>
  int visit(const node<Op, In...>& e) {
    using E = node<Op, In...>;
    if constexpr (!holds_param<E>)
      if (auto it = merged_.find(type_key<E>); it != merged_.end()) return it->second;
    // Inputs left to right, as the analysis numbers them (a braced list is evaluated in order).
    auto inputs = [&]<std::size_t... K>(std::index_sequence<K...>) {
      return std::vector<described_node::input>{{visit(std::get<K>(e.inputs)), 0}...};
    }(std::index_sequence_for<In...>{});
    const int index = int(d_.nodes.size());
    auto& n = next_node();
    n.op = std::string(Op::names.mxnet);
    n.attrs = Op::attrs(e.param);
    n.inputs = std::move(inputs);
    if constexpr (!holds_param<E>) merged_.emplace(type_key<E>, index);
    return index;
  }
};

}  // namespace detail

/// Static graph `g` as plain data, with the names list_nodes gives and the attributes of its
/// scalars. Linear in the size of the expression tree.
template <graph G>
graph_description describe(const G& g) {
  return detail::describer<G>{}.run(g);
}

}  // namespace xsym
