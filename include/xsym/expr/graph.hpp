#pragma once
// Static graphs: a set of unique nodes (from the roots' expression trees) and a list of heads,
// the nodes whose outputs are the graph's outputs. An expression has one head, its root; a group
// has one per expression; get_internals and get_children are views on the same nodes with
// other heads, so their names are those of the original graph.
#include <tuple>

#include "analysis.hpp"

namespace xsym {

/// `xsym::group(e1, e2)`: the static counterpart of MXNet's `Group([e1, e2])`, whose outputs are
/// those of e1 then e2, named within one graph.
template <expression... Es>
struct static_group {
  std::tuple<Es...> heads;
};
template <expression... Es>
constexpr static_group<Es...> group(Es... es) { return {{es...}}; }
/// MXNet's capitalized spelling of `group`, as for Symbols (`xsym::Group(e1, e2)`).
template <expression... Es>
constexpr static_group<Es...> Group(Es... es) { return {{es...}}; }

/// `get_internals(g)`: every node of g as an output, in post-order.
template <class G>
struct internals_view {
  G graph;
};
/// `get_children(g)`: the inputs of g's heads, concatenated.
template <class G>
struct children_view {
  G graph;
};

/// How a graph type names its roots and picks its heads among the analysed nodes.
template <class G>
struct graph_traits;

template <expression E>
struct graph_traits<E> {
  using roots = type_list<E>;
  static constexpr auto roots_of(const E& e) { return std::tie(e); }
  template <class Table>
  static constexpr auto heads(const Table& t) {
    detail::index_list<sizeof(t.nodes) / sizeof(t.nodes[0])> h;
    h.push(t.roots[0]);
    return h;
  }
};

template <class... Es>
struct graph_traits<static_group<Es...>> {
  using roots = type_list<Es...>;
  static constexpr const auto& roots_of(const static_group<Es...>& g) { return g.heads; }
  template <class Table>
  static constexpr auto heads(const Table& t) {
    detail::index_list<sizeof(t.nodes) / sizeof(t.nodes[0]) + sizeof...(Es)> h;
    for (std::size_t k = 0; k < sizeof...(Es); ++k) h.push(t.roots[k]);
    return h;
  }
};

template <class G>
struct graph_traits<internals_view<G>> {
  using roots = typename graph_traits<G>::roots;
  static constexpr auto table()
    requires requires { graph_traits<G>::table(); }
  {
    return graph_traits<G>::table();
  }
  static constexpr auto roots_of(const internals_view<G>& v) { return graph_traits<G>::roots_of(v.graph); }
  template <class Table>
  static constexpr auto heads(const Table& t) {
    detail::index_list<sizeof(t.nodes) / sizeof(t.nodes[0])> h;
    for (int i = 0; i < t.size; ++i) h.push(i);
    return h;
  }
};

template <class G>
struct graph_traits<children_view<G>> {
  using roots = typename graph_traits<G>::roots;
  static constexpr auto table()
    requires requires { graph_traits<G>::table(); }
  {
    return graph_traits<G>::table();
  }
  static constexpr auto roots_of(const children_view<G>& v) { return graph_traits<G>::roots_of(v.graph); }
  template <class Table>
  static constexpr auto heads(const Table& t) {
    auto parents = graph_traits<G>::heads(t);
    // Each distinct head contributes its inputs once, as nnvm's Symbol::GetChildren.
    detail::index_list<sizeof(parents.items) / sizeof(int) * detail::max_inputs> seen, h;
    for (int k = 0; k < parents.size; ++k) {
      int p = parents.items[k];
      if (seen.contains(p)) continue;
      seen.push(p);
      for (int j = 0; j < t.nodes[p].num_inputs; ++j) h.push(t.nodes[p].inputs[j]);
    }
    return h;
  }
};

/// Any static graph: an expression, a group, or a view on one.
template <class G>
concept graph = requires { typename graph_traits<G>::roots; };

namespace detail {
template <class E>
inline constexpr bool elementwise_only = true;  // a variable
template <class Op, class... In>
inline constexpr bool elementwise_only<node<Op, In...>> =
    ops::kind_of<Op>() == ops::op_kind::elementwise && (elementwise_only<In> && ...);
template <class Roots>
inline constexpr bool elementwise_roots = false;
template <class... R>
inline constexpr bool elementwise_roots<type_list<R...>> = (elementwise_only<R> && ...);
}  // namespace detail

/// A static graph of elementwise ops only, which one fused loop runs (exec/bind.hpp). A graph
/// holding other ops (sum, dot, FullyConnected ...) runs as its Symbol in the runtime executor
/// (symbol/bind_network.hpp).
template <class G>
concept elementwise_graph = graph<G> && detail::elementwise_roots<typename graph_traits<G>::roots>;

/// `get_internals(g)`: a static graph whose outputs are all of g's nodes (`A B _mul0_output ...`).
template <graph G>
constexpr internals_view<G> get_internals(G g) { return {g}; }

/// `get_children(g)`: a static graph whose outputs are the inputs of g's heads.
template <graph G>
constexpr children_view<G> get_children(G g) { return {g}; }

}  // namespace xsym
