#pragma once
// Static graph -> Symbol. The walk repeats the compile-time analysis (expr/analysis.hpp) in the
// same order, so node i of the Symbol is node i of graph_info<G>, with its name; the scalars and
// other run-time parameters come from the graph object and become the nodes' attributes.
#include <array>
#include <cstdint>
#include <memory>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "../expr/graph_info.hpp"
#include "symbol.hpp"

namespace xsym::detail {

template <class G>
class static_to_symbol {
 public:
  using info = graph_info<G>;

  Symbol convert(const G& g) {
    std::apply([&](const auto&... root) { (visit(root), ...); }, graph_traits<G>::roots_of(g));
    std::vector<node_entry> heads;
    for (int h : info::heads) heads.push_back({nodes_[std::size_t(h)], 0, 0});
    return Symbol(std::move(heads));
  }

 private:
  std::vector<std::shared_ptr<graph_node>> nodes_;  // by node index of graph_info<G>
  std::unordered_map<std::uint64_t, int> merged_;     // identity -> node index, as the analysis merges

  std::shared_ptr<graph_node> next_node() {
    auto n = std::make_shared<graph_node>();
    n->name = std::string(info::node_names[nodes_.size()]);
    nodes_.push_back(n);
    return n;
  }

  template <class N, class T>
  int visit(const var<N, T>&) {
    if (auto it = merged_.find(type_key<N>); it != merged_.end()) return it->second;
    int index = int(nodes_.size());
    auto n = next_node();
    if (int pinned = info::nodes[index].pinned; pinned >= 0) n->attrs["__dtype__"] = std::to_string(pinned);
    merged_.emplace(type_key<N>, index);
    return index;
  }

  template <class Op, class... In>
  int visit(const node<Op, In...>& e) {
    using E = node<Op, In...>;
    if constexpr (!holds_param<E>)
      if (auto it = merged_.find(type_key<E>); it != merged_.end()) return it->second;
    auto inputs = std::apply([&](const auto&... in) { return std::array<int, sizeof...(In)>{visit(in)...}; },
                             e.inputs);
    int index = int(nodes_.size());
    auto n = next_node();
    n->op = std::string(Op::names.mxnet);
    n->def = find_op(n->op);
    n->attrs = Op::attrs(e.param);
    for (int i : inputs) n->inputs.push_back({nodes_[std::size_t(i)], 0, 0});
    if constexpr (!holds_param<E>) merged_.emplace(type_key<E>, index);
    return index;
  }
};

}  // namespace xsym::detail

namespace xsym {

/// The Symbol of static graph `g`: the same nodes, names, attributes and outputs.
template <graph G>
Symbol to_symbol(const G& g) {
  return detail::static_to_symbol<G>{}.convert(g);
}

template <graph G>
Symbol::Symbol(const G& g) : Symbol(to_symbol(g)) {}

}  // namespace xsym
