#pragma once
// Node I of a static graph as the layers above see it (`node_view<G, I>`): its op type and its
// run-time parameter (scalars, clip bounds), which the node table does not carry. For graphs
// built from expressions they come from the expression objects: node I is found by following
// its placement (its first consumer and input position, up to a root). Graphs whose table is
// computed (gradient graphs, expr/gradient.hpp) specialize node_view.
#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "graph_info.hpp"

namespace xsym::detail {

/// Node i is input `position[i]` of node `consumer[i]` (its first consumer), or root `root[i]`
/// of the graph when no node consumes it. A node holding a parameter has exactly one consumer,
/// so this path reaches the very object whose parameter the node carries.
template <class G>
struct placement {
  using info = graph_info<G>;
  static constexpr std::size_t cap = info::num_nodes > 0 ? std::size_t(info::num_nodes) : 1;
  struct table {
    std::array<int, cap> consumer{}, position{}, root{};
  };
  static constexpr table places = [] {
    table p;
    for (int i = 0; i < info::num_nodes; ++i) p.consumer[std::size_t(i)] = p.root[std::size_t(i)] = -1;
    for (int i = 0; i < info::num_nodes; ++i)
      for (int k = 0; k < info::nodes[i].num_inputs; ++k)
        if (int c = info::nodes[i].inputs[k]; p.consumer[std::size_t(c)] < 0) {
          p.consumer[std::size_t(c)] = i;
          p.position[std::size_t(c)] = k;
        }
    for (int k = int(std::size(info::table.roots)) - 1; k >= 0; --k) p.root[std::size_t(info::table.roots[k])] = k;
    return p;
  }();
};

/// The expression object of node I of graph G, given G's roots (graph_traits<G>::roots_of).
template <class G, int I, class Roots>
constexpr const auto& node_object(const Roots& roots) {
  constexpr auto& places = placement<G>::places;
  if constexpr (places.consumer[std::size_t(I)] < 0)
    return std::get<std::size_t(places.root[std::size_t(I)])>(roots);
  else
    return std::get<std::size_t(places.position[std::size_t(I)])>(
        node_object<G, places.consumer[std::size_t(I)]>(roots).inputs);
}

/// The op of an expression type: void for a variable.
template <class E>
struct op_of {
  using type = void;
};
template <class Op, class... In>
struct op_of<node<Op, In...>> {
  using type = Op;
};

/// Node I of graph G: `op`, its op type (void for a variable), and `param(g)`, its run-time
/// parameter in graph object g.
template <class G, int I>
struct node_view {
  static constexpr const auto& object(const G& g) { return node_object<G, I>(graph_traits<G>::roots_of(g)); }
  using op = typename op_of<std::remove_cvref_t<decltype(object(std::declval<const G&>()))>>::type;
  static constexpr const auto& param(const G& g) { return object(g).param; }
};
// The views share their graph's nodes.
template <class G, int I>
struct node_view<internals_view<G>, I> {
  using op = typename node_view<G, I>::op;
  static constexpr const auto& param(const internals_view<G>& v) { return node_view<G, I>::param(v.graph); }
};
template <class G, int I>
struct node_view<children_view<G>, I> {
  using op = typename node_view<G, I>::op;
  static constexpr const auto& param(const children_view<G>& v) { return node_view<G, I>::param(v.graph); }
};

}  // namespace xsym::detail
