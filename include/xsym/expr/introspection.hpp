#pragma once
// MXNet's list_* functions for static graphs. All are constexpr: for a graph without run-time
// scalars, `static_assert(xsym::list_arguments(e)[2] == "C");` compiles (g++, clang). A graph
// holding scalars must itself be `constexpr` for that, or use the `<decltype(e)>` forms.
#include <array>
#include <string_view>

#include "graph_info.hpp"

namespace xsym {

/// The argument names: variables in DFS post-order of first visit (`A B C D` for (A*B)+(C*D)).
template <graph G>
constexpr auto list_arguments() { return detail::graph_info<G>::arguments; }
template <graph G>
constexpr auto list_arguments(G) { return list_arguments<G>(); }

/// The output names: `name_output` for an op head, the plain name for a variable head.
template <graph G>
constexpr auto list_outputs() { return detail::graph_info<G>::outputs; }
template <graph G>
constexpr auto list_outputs(G) { return list_outputs<G>(); }

/// All variables, arguments and auxiliary states, in DFS post-order.
template <graph G>
constexpr auto list_inputs() { return detail::graph_info<G>::inputs; }
template <graph G>
constexpr auto list_inputs(G) { return list_inputs<G>(); }

/// Auxiliary states: variables that an op mutates (BatchNorm's moving_mean and moving_var).
template <graph G>
constexpr auto list_auxiliary_states() { return detail::graph_info<G>::auxiliary_states; }
template <graph G>
constexpr auto list_auxiliary_states(G) { return list_auxiliary_states<G>(); }

/// Names of all nodes in post-order (`A B _mul0 C D _mul1 _plus0`).
template <graph G>
constexpr auto list_nodes(G) { return detail::graph_info<G>::node_names; }

}  // namespace xsym
