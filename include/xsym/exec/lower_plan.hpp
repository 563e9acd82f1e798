#pragma once
// Lowering a static graph's plan: its fused elementwise stage (plan/static_plan.hpp) becomes a
// lowered::fused_stage (exec/program.hpp), one flat program with one node per graph node, for
// the element types chosen at bind.
//
// Each node's op type and run-time parameter come from detail::node_view (expr/node_object.hpp):
// the expression objects of an expression graph, the forward graph of a gradient graph.
#include <cstddef>
#include <cstring>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../core/dtype.hpp"
#include "../core/type_list.hpp"
#include "../expr/graph_info.hpp"
#include "../expr/node_object.hpp"
#include "../plan/static_plan.hpp"
#include "program.hpp"

namespace xsym::exec {

/// The fused stage of graph G for the element types `Free...` of its free dtype classes.
template <class G, dtype... Free>
struct fused_program {
  using info = detail::graph_info<G>;
  using plan_type = plan::static_plan<G>;
  static_assert(plan_type::num_stages == 1 && plan_type::stages[0].nodes.size + plan_type::stages[0].inputs.size ==
                                                  info::num_nodes,
                "xsym: a bound graph is one fused stage over all its nodes (slot i is node i)");

  static constexpr int free_dtypes[] = {int(Free)..., -1};
  /// Element type of node I.
  template <int I>
  using value_type = type_of<dtype(info::node_dtype(I, free_dtypes))>;
  /// The op of node I (detail::node_view).
  template <int I>
  using op_type = typename detail::node_view<G, I>::op;

  /// Position of node I among the arguments (list_arguments order).
  static constexpr int argument_of(int i) {
    int k = 0;
    for (int j = 0; j < i; ++j) k += info::nodes[j].is_variable;
    return k;
  }

  template <int I, class Op, class P, std::size_t... K>
  static auto op_node_of(std::index_sequence<K...>) {
    constexpr int twin = plan_type::twin_of[std::size_t(I)];
    if constexpr (twin != I)
      return lowered::twin_node<twin, value_type<I>, Op, P, info::nodes[I].inputs[K]...>{};
    else
      return lowered::op_node<value_type<I>, Op, P, info::nodes[I].inputs[K]...>{};
  }
  /// The program node of graph node I.
  template <int I>
  static auto node_of() {
    if constexpr (info::nodes[I].is_variable) {
      return lowered::arg_node<value_type<I>, argument_of(I)>{};
    } else {
      using Op = op_type<I>;
      using P = typename Op::template lowered_param<value_type<info::nodes[I].inputs[0]>>;
      return op_node_of<I, Op, P>(std::make_index_sequence<std::size_t(info::nodes[I].num_inputs)>{});
    }
  }

  template <std::size_t... I>
  static auto nodes(std::index_sequence<I...>) -> type_list<decltype(node_of<int(I)>())...>;
  template <std::size_t... K>
  static auto arguments(std::index_sequence<K...>) -> type_list<value_type<info::argument_nodes[K]>...>;
  template <std::size_t... K>
  static auto heads(std::index_sequence<K...>) -> type_list<lowered::head<value_type<info::heads[K]>, info::heads[K]>...>;

  using stage_type = lowered::fused_stage<
      decltype(arguments(std::make_index_sequence<std::size_t(info::num_arguments)>{})),
      decltype(nodes(std::make_index_sequence<std::size_t(info::num_nodes)>{})),
      decltype(heads(std::make_index_sequence<std::size_t(info::num_outputs)>{}))>;

  /// The stage of graph `g` over argument pointers `args` (list_arguments order) and output
  /// pointers `outs` (list_outputs order), with every parameter lowered. A structural twin is
  /// `merged` with its class's first node when their lowered parameters are equal bit for bit
  /// (so `a * 0.0` and `a * -0.0` stay apart) and their inputs are the same or merged twins.
  static stage_type make(const G& g, const void* const* args, void* const* outs) {
    stage_type s;
    [&]<std::size_t... K>(std::index_sequence<K...>) {
      ((lowered::at<K>(s.in) = static_cast<const value_type<info::argument_nodes[K]>*>(args[K])), ...);
    }(std::make_index_sequence<std::size_t(info::num_arguments)>{});
    [&]<std::size_t... K>(std::index_sequence<K...>) {
      ((lowered::at<K>(s.out) = static_cast<value_type<info::heads[K]>*>(outs[K])), ...);
    }(std::make_index_sequence<std::size_t(info::num_outputs)>{});
    int same[plan_type::cap];  // the node whose value equals node i's: i or its twin
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (set_param<int(I)>(s, g), ...);
      (link_twin<int(I)>(s, same), ...);
    }(std::make_index_sequence<std::size_t(info::num_nodes)>{});
    return s;
  }

 private:
  template <int I>
  static void set_param(stage_type& s, const G& g) {
    auto& n = lowered::at<std::size_t(I)>(s.nodes);
    if constexpr (requires { n.param; }) {
      using Op = op_type<I>;
      if constexpr (!std::is_empty_v<decltype(n.param)>)
        n.param = Op::template lower<value_type<info::nodes[I].inputs[0]>>(detail::node_view<G, I>::param(g));
    }
  }
  // Runs in node order, so `same` is set for every input of node I.
  template <int I>
  static void link_twin(stage_type& s, int* same) {
    constexpr int twin = plan_type::twin_of[std::size_t(I)];
    same[I] = I;
    if constexpr (twin != I) {
      auto& n = lowered::at<std::size_t(I)>(s.nodes);
      const auto& t = lowered::at<std::size_t(twin)>(s.nodes);
      using P = std::remove_cvref_t<decltype(n.param)>;
      static_assert(std::is_same_v<P, std::remove_cvref_t<decltype(t.param)>> && std::is_trivially_copyable_v<P>);
      bool equal = true;
      if constexpr (!std::is_empty_v<P>) equal = std::memcmp(&n.param, &t.param, sizeof(P)) == 0;
      for (int k = 0; k < info::nodes[I].num_inputs; ++k)
        equal = equal && same[info::nodes[I].inputs[k]] == same[info::nodes[twin].inputs[k]];
      n.merged = equal;
      if (equal) same[I] = twin;
    }
  }
};

}  // namespace xsym::exec
