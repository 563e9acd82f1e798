#pragma once
// The plan of a static graph (DESIGN.md, Phase 2: op descriptor -> graph -> plan -> executors):
// which nodes each stage computes, what it reads from memory and what it writes, all constexpr
// data computed once per graph type from graph_info<G>'s node table.
//
// Today a plan has one stage, a fused elementwise cluster: every op node the heads need, each
// once, in post-order (so every node comes after its inputs), reading the graph's arguments and
// writing its heads. The executors run a stage as one program per element: each node's value is
// computed once, into a local, and read by index by its consumers. Stages that materialize a
// node in memory (reductions, contractions) will sit between fused clusters: a stage's inputs
// are then arguments or materialized nodes, its outputs heads or materialized nodes.
//
// The plan also knows which nodes are *structurally identical* though unmerged: nodes holding a
// run-time parameter are never merged by the analysis (their values are not in their types), so
// W3's d1 appears twice. Two such nodes with the same op type and the same inputs (after
// merging, and up to their own structural twins) compute equal values whenever their parameters
// are equal, which only bind can tell. `twin_of` names, for each node, the first node of its
// class; the executors compare the parameters at run time and then compute each class once.
// Names, list_nodes and JSON do not see any of this: they keep MXNet's nodes.
#include <array>
#include <cstddef>
#include <string>

#include "../expr/graph_info.hpp"

namespace xsym::plan {

/// What a stage does with its nodes.
enum class stage_kind {
  fused_elementwise,  // one pass over the elements: every node computed per element, in registers
};

/// One stage of a plan: node indices of graph_info's table. Invariant: every input of a node of
/// `nodes` is in `inputs` or earlier in `nodes`; `outputs` are in `inputs` or `nodes`.
template <std::size_t Cap, std::size_t OutCap>
struct stage {
  stage_kind kind = stage_kind::fused_elementwise;
  detail::index_list<Cap> nodes;       // op nodes computed, post-order, each once
  detail::index_list<Cap> inputs;      // nodes read from memory (graph arguments), in node order
  detail::index_list<OutCap> outputs;  // nodes written to memory, in output order (may repeat)
};

/// The plan of static graph G (an expression or a group; views plan their heads alike).
template <class G>
struct static_plan {
  using info = detail::graph_info<G>;
  static constexpr int num_nodes = info::num_nodes;
  static constexpr std::size_t cap = num_nodes > 0 ? std::size_t(num_nodes) : 1;
  static constexpr std::size_t out_cap = info::num_outputs > 0 ? std::size_t(info::num_outputs) : 1;

  /// Whether node i is needed by a head (every node of an expression or group is).
  static constexpr std::array<bool, cap> needed = [] {
    std::array<bool, cap> n{};
    for (int h : info::heads) n[std::size_t(h)] = true;
    for (int i = num_nodes - 1; i >= 0; --i)  // consumers come after their inputs
      if (n[std::size_t(i)])
        for (int k = 0; k < info::nodes[i].num_inputs; ++k) n[std::size_t(info::nodes[i].inputs[k])] = true;
    return n;
  }();

  static constexpr int num_stages = 1;
  /// The stages, in execution order.
  static constexpr std::array<stage<cap, out_cap>, num_stages> stages = [] {
    stage<cap, out_cap> s;
    for (int i = 0; i < num_nodes; ++i)
      if (needed[std::size_t(i)]) (info::nodes[i].is_variable ? s.inputs : s.nodes).push(i);
    for (int h : info::heads) s.outputs.push(h);
    return std::array<stage<cap, out_cap>, num_stages>{s};
  }();

  // ---- structural twins --------------------------------------------------------------------
  /// For each node, the first node structurally identical to it (itself when none is earlier).
  /// Only unmerged op nodes (holding a parameter in their subtree) have twins other than
  /// themselves: same op type, same number of inputs, inputs pairwise equal or twins.
  static constexpr std::array<int, cap> twin_of = [] {
    std::array<int, cap> t{};
    for (int i = 0; i < num_nodes; ++i) {
      t[std::size_t(i)] = i;
      const auto& n = info::nodes[i];
      if (n.is_variable || n.key != 0) continue;
      for (int j = 0; j < i; ++j) {
        const auto& m = info::nodes[j];
        bool same = !m.is_variable && m.key == 0 && m.op_key == n.op_key && m.num_inputs == n.num_inputs;
        for (int k = 0; same && k < n.num_inputs; ++k) same = t[std::size_t(m.inputs[k])] == t[std::size_t(n.inputs[k])];
        if (same && t[std::size_t(j)] == j) {
          t[std::size_t(i)] = j;
          break;
        }
      }
    }
    return t;
  }();
  /// Number of nodes that have an earlier twin: what a forward saves per element when the
  /// parameters of every class agree.
  static constexpr int num_twins = [] {
    int n = 0;
    for (int i = 0; i < num_nodes; ++i) n += twin_of[std::size_t(i)] != i;
    return n;
  }();
};

/// The plan as text, one line per stage:
///   `stage 0 (fused elementwise): exp0 <- A; _mul0 <- exp0, exp0; _plus0 <- _mul0, exp0 -> outputs _plus0_output`
/// then, when the graph has structural twins, a line `twins (computed once when their
/// parameters are equal): _mulscalar1 = _mulscalar0, ...`.
template <class G>
std::string describe() {
  using info = detail::graph_info<G>;
  using P = static_plan<G>;
  std::string s;
  for (int k = 0; k < P::num_stages; ++k) {
    const auto& st = P::stages[std::size_t(k)];
    s += "stage " + std::to_string(k) + " (fused elementwise):";
    for (int j = 0; j < st.nodes.size; ++j) {
      const auto& n = info::nodes[st.nodes.items[j]];
      s += std::string(j ? "; " : " ") + std::string(info::node_names[std::size_t(st.nodes.items[j])]) + " <-";
      for (int q = 0; q < n.num_inputs; ++q)
        s += std::string(q ? ", " : " ") + std::string(info::node_names[std::size_t(n.inputs[q])]);
    }
    s += " -> outputs";
    for (int j = 0; j < st.outputs.size; ++j) s += std::string(j ? ", " : " ") + std::string(info::outputs[std::size_t(j)]);
  }
  if constexpr (P::num_twins > 0) {
    s += "\ntwins (computed once when their parameters are equal):";
    for (int i = 0, first = 1; i < info::num_nodes; ++i)
      if (int t = P::twin_of[std::size_t(i)]; t != i) {
        s += std::string(first ? " " : ", ") + std::string(info::node_names[std::size_t(i)]) + " = " +
             std::string(info::node_names[std::size_t(t)]);
        first = 0;
      }
  }
  return s;
}

}  // namespace xsym::plan
