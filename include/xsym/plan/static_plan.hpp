#pragma once
// The plan of a static graph (DESIGN.md, Phase 2: op descriptor -> graph -> plan -> executors):
// which nodes each stage computes, what it reads from memory and what it writes, all constexpr
// data computed once per graph type from graph_info<G>'s node table.
//
// The stages come from the planner (planner.hpp), the algorithm that also plans runtime Symbols
// at bind. A graph of elementwise ops is one stage, a fused elementwise cluster: every op node
// the heads need, each once, in post-order (so every node comes after its inputs), reading the
// graph's arguments and writing its heads. The executors run it as one program per element: each
// node's value is computed once, into a local, and read by index by its consumers. A graph with
// tensor or network ops has a materialized stage for each of them between fused clusters: a
// stage's inputs are arguments or entries earlier stages stored, its outputs heads or entries
// later stages read. (Such graphs run as their Symbol, whose runtime plan is the same.)
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
#include "planner.hpp"

namespace xsym::plan {

/// One stage of a static plan: node indices of graph_info's table (a node's index is also its
/// output entry's). Invariant: every input of a node of `nodes` is in `inputs` or earlier in
/// `nodes`; `outputs` are in `inputs` or `nodes`.
template <std::size_t Cap, std::size_t OutCap>
struct stage {
  stage_kind kind = stage_kind::fused_elementwise;
  detail::index_list<Cap> nodes;       // op nodes computed, in run order, each once
  detail::index_list<Cap> inputs;      // entries read from memory (arguments, stored entries), in node order
  detail::index_list<OutCap> outputs;  // entries written to memory: heads in output order (may
                                       // repeat), then entries later stages read
};

/// The plan of static graph G (an expression or a group; views plan their heads alike).
template <class G>
struct static_plan {
  using info = detail::graph_info<G>;
  static constexpr int num_nodes = info::num_nodes;
  static constexpr std::size_t cap = num_nodes > 0 ? std::size_t(num_nodes) : 1;
  static constexpr std::size_t out_cap = std::size_t(info::num_outputs) + cap;

  // ---- the graph as the planner sees it: one entry per node ----
  static constexpr std::size_t num_input_slots = [] {
    std::size_t k = 0;
    for (int i = 0; i < num_nodes; ++i) k += std::size_t(info::nodes[i].num_inputs);
    return k > 0 ? k : 1;
  }();
  static constexpr std::array<node_record, cap> records = [] {
    std::array<node_record, cap> r{};
    for (int i = 0, k = 0; i < num_nodes; ++i) {
      const auto& n = info::nodes[i];
      r[std::size_t(i)] = {n.is_variable ? node_role::variable
                           : n.elementwise ? node_role::elementwise
                                           : node_role::materialized,
                           false, 0, k, n.num_inputs, i, 1};
      k += n.num_inputs;
    }
    return r;
  }();
  static constexpr std::array<int, num_input_slots> input_entries = [] {
    std::array<int, num_input_slots> in{};
    for (int i = 0, k = 0; i < num_nodes; ++i)
      for (int q = 0; q < info::nodes[i].num_inputs; ++q) in[std::size_t(k++)] = info::nodes[i].inputs[q];
    return in;
  }();
  static constexpr std::array<int, cap> entry_nodes = [] {
    std::array<int, cap> e{};
    for (int i = 0; i < int(cap); ++i) e[std::size_t(i)] = i;
    return e;
  }();
  static constexpr graph_view view() {
    return {std::span(records.data(), std::size_t(num_nodes)), std::span(input_entries),
            std::span(info::heads),
            std::span(entry_nodes.data(), std::size_t(num_nodes))};
  }

  /// What the planner wrote (planner.hpp's plan_spans, in arrays).
  struct planned_graph {
    std::array<int, cap> order{}, stage_of{}, readers{}, last_use{};
    std::array<stage_record, cap> stages{};
    std::array<bool, cap> stored{};
    plan_size size{};
    constexpr plan_spans spans() {
      return {std::span(order), std::span(stages), std::span(stage_of), std::span(readers), std::span(last_use),
              std::span(stored)};
    }
    constexpr plan_view view() const {
      return {std::span(order), std::span(stages.data(), std::size_t(size.num_stages)), std::span(stage_of),
              std::span(readers), std::span(last_use), std::span(stored)};
    }
  };
  static constexpr planned_graph planned = [] {
    planned_graph p;
    p.size = plan_graph(view(), p.spans(), true);
    return p;
  }();

  /// At least one stage: a graph without op nodes is one empty fused stage that copies its heads.
  static constexpr int num_stages = planned.size.num_stages > 0 ? planned.size.num_stages : 1;
  /// The stages, in execution order.
  static constexpr std::array<stage<cap, out_cap>, std::size_t(num_stages)> stages = [] {
    std::array<stage<cap, out_cap>, std::size_t(num_stages)> out{};
    for (int k = 0; k < planned.size.num_stages; ++k) {
      const stage_record& r = planned.stages[std::size_t(k)];
      auto& st = out[std::size_t(k)];
      st.kind = r.kind;
      for (int j = r.begin; j < r.end; ++j) st.nodes.push(planned.order[std::size_t(j)]);
    }
    // Inputs: what a stage's nodes read that it does not compute; the last stage also reads the
    // variables given out as outputs. Outputs: heads, then the entries later stages read.
    const int last = num_stages - 1;
    for (int k = 0; k < num_stages; ++k) {
      auto& st = out[std::size_t(k)];
      std::array<bool, cap> reads{};
      for (int j = 0; j < st.nodes.size; ++j) {
        const auto& n = info::nodes[st.nodes.items[j]];
        for (int q = 0; q < n.num_inputs; ++q) reads[std::size_t(n.inputs[q])] = true;
      }
      if (k == last)
        for (int h : info::heads) reads[std::size_t(h)] = reads[std::size_t(h)] || info::nodes[h].is_variable;
      for (int i = 0; i < num_nodes; ++i)
        if (reads[std::size_t(i)] && planned.stage_of[std::size_t(i)] != k) st.inputs.push(i);
    }
    for (int h : info::heads) {
      const int s = planned.stage_of[std::size_t(h)];
      out[std::size_t(s >= 0 ? s : last)].outputs.push(h);
    }
    for (int i = 0; i < num_nodes; ++i) {
      const int s = planned.stage_of[std::size_t(i)];
      if (s >= 0 && planned.stored[std::size_t(i)] && planned.last_use[std::size_t(i)] > s &&
          !out[std::size_t(s)].outputs.contains(i))
        out[std::size_t(s)].outputs.push(i);
    }
    return out;
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

/// The plan as text (planner.hpp's describe), one line per stage:
///   `stage 0 (fused elementwise): exp0 <- A; _mul0 <- exp0, exp0; _plus0 <- _mul0, exp0 -> outputs _plus0_output`
/// then, when the graph has structural twins, a line `twins (computed once when their
/// parameters are equal): _mulscalar1 = _mulscalar0, ...`.
template <class G>
std::string describe() {
  using info = detail::graph_info<G>;
  using P = static_plan<G>;
  auto name = [](int i) { return info::node_names[std::size_t(i)]; };
  std::string s = plan::describe(P::view(), P::planned.view(), name, name,
                                 [](int k) { return info::outputs[std::size_t(k)]; });
  if (P::planned.size.num_stages == 0) {  // no op node: the heads are variables, copied
    s = "stage 0 (fused elementwise): -> outputs";
    for (int k = 0; k < info::num_outputs; ++k)
      s += std::string(k ? ", " : " ") + std::string(info::outputs[std::size_t(k)]);
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
