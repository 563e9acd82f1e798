#pragma once
// Where each node of a static graph sits in the expression objects, and the object itself: the
// way from a node index of graph_info's table back to the run-time values its type does not
// carry (scalars, clip bounds). Lowering reads parameters through it; the gradient builder
// takes subexpressions through it.
#include <array>
#include <cstddef>
#include <tuple>
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

}  // namespace xsym::detail
