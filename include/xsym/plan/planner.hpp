#pragma once
// The planner (DESIGN.md, Phase 2: graph -> plan -> executors): one algorithm that cuts a graph
// into stages, run in constant expressions for a static graph (static_plan.hpp, over
// graph_info's node table) and at bind for a runtime Symbol (the runtime executor, over its
// indexed graph). Both describe their graph to it as a graph_view of node records, and it
// writes the plan into spans they size, so it needs no allocation in either world.
//
// A stage is a fused elementwise cluster (consecutive elementwise nodes of one size, computed
// per element or per block with every shared node once, which may end with a row reduction it
// folds in), or one materialized node (a network op, a reduction, a contraction) reading and
// writing memory. For each entry (a node's output) the plan says whether it lives in memory
// (`stored`: a head, an output of a materialized node, or read by a later stage; the rest stay
// in registers) and which stage reads it last (`last_use`: its lifetime, for buffer reuse).
#include <cstddef>
#include <span>
#include <string>

namespace xsym::plan {

/// What a stage does with its nodes.
enum class stage_kind {
  fused_elementwise,  // one pass over the elements: every node computed per element (or block)
  materialized,       // one node, run by its own kernel from memory to memory
};

constexpr const char* stage_kind_name(stage_kind k) {
  return k == stage_kind::fused_elementwise ? "fused elementwise" : "materialized";
}

/// What the planner needs to know of a node's op.
enum class node_role {
  variable,      // an argument or an auxiliary state: in memory, computed by no stage
  elementwise,   // may join a fused stage of its size
  row_fold,      // a reduction over rows that a fused stage computing its input may end with
  materialized,  // runs on its own
};

/// One node, in topological order (every input entry comes from an earlier node).
struct node_record {
  node_role role = node_role::materialized;
  bool backward = false;  // runs in backward(): after every forward node, in a stage of its own kind
  std::size_t size = 0;   // elements of its output: a fused stage holds nodes of one size
  int first_input = 0;    // its input entries: graph_view::inputs[first_input, first_input + num_inputs)
  int num_inputs = 0;
  int first_entry = 0;  // its output entries: [first_entry, first_entry + num_entries)
  int num_entries = 1;
};

/// A graph as the planner sees it.
struct graph_view {
  std::span<const node_record> nodes;
  std::span<const int> inputs;  // input entry ids of every node, in node order
  std::span<const int> heads;   // output entry ids, in output order (may repeat)
  std::span<const int> node_of_entry;  // per entry: the node whose output it is
};

/// One stage: its nodes are plan_spans::order[begin, end), in run order.
struct stage_record {
  stage_kind kind = stage_kind::fused_elementwise;
  bool backward = false;
  int begin = 0, end = 0;
  int fold = -1;  // a fused stage: the row reduction it ends with (its last node), or -1
};

/// Where the plan goes; the caller sizes each span (nodes: one per node, entries: one per entry).
struct plan_spans {
  std::span<int> order;             // nodes: the op nodes the heads need, in run order
  std::span<stage_record> stages;   // nodes: at most one stage per op node
  std::span<int> stage_of;          // nodes: its stage, or -1 (variables, nodes no head needs)
  std::span<int> readers;           // entries: how many node inputs read it
  std::span<int> last_use;          // entries: the last stage that reads it, or -1
  std::span<bool> stored;           // entries: written to memory (or in memory: variables)
};

/// Sizes of a plan written by plan_graph.
struct plan_size {
  int num_nodes = 0;   // of order
  int num_stages = 0;  // of stages
};

/// A written plan, to read (plan_spans' spans, cut to their sizes where they hold stages).
struct plan_view {
  std::span<const int> order;
  std::span<const stage_record> stages;
  std::span<const int> stage_of, readers, last_use;
  std::span<const bool> stored;
};

/// Whether entry e is an output of g.
constexpr bool is_head(const graph_view& g, int e) {
  for (int h : g.heads)
    if (h == e) return true;
  return false;
}

/// Plans `g` into `out`. With `fuse`, consecutive elementwise nodes of one size and phase form
/// one fused stage, which takes in a row reduction whose input only it computes and only that
/// reduction reads; without, every op node is a materialized stage of its own (the per-op path).
/// Forward nodes come first, then the backward ones, so the order stays topological.
constexpr plan_size plan_graph(const graph_view& g, const plan_spans& out, bool fuse) {
  const int n = int(g.nodes.size());
  auto node_of = [&](int e) { return std::size_t(g.node_of_entry[std::size_t(e)]); };
  // Nodes the heads need (consumers come after their inputs), marked in stage_of as -2; the
  // heads, marked in `stored` until the end.
  for (int i = 0; i < n; ++i) out.stage_of[std::size_t(i)] = -1;
  for (std::size_t e = 0; e < g.node_of_entry.size(); ++e) out.readers[e] = 0, out.last_use[e] = -1, out.stored[e] = false;
  for (int h : g.heads) out.stage_of[node_of(h)] = -2, out.stored[std::size_t(h)] = true;
  for (int i = n - 1; i >= 0; --i) {
    const node_record& r = g.nodes[std::size_t(i)];
    if (out.stage_of[std::size_t(i)] != -2) continue;
    for (int k = 0; k < r.num_inputs; ++k) {
      const int e = g.inputs[std::size_t(r.first_input + k)];
      ++out.readers[std::size_t(e)];
      out.stage_of[node_of(e)] = -2;
    }
  }

  plan_size size;
  for (bool backward : {false, true})
    for (int i = 0; i < n; ++i) {
      const node_record& r = g.nodes[std::size_t(i)];
      if (r.role == node_role::variable) out.stage_of[std::size_t(i)] = -1;
      if (out.stage_of[std::size_t(i)] != -2 || r.backward != backward) continue;
      stage_record* last = size.num_stages > 0 ? &out.stages[std::size_t(size.num_stages - 1)] : nullptr;
      const bool open = fuse && last && last->kind == stage_kind::fused_elementwise && last->backward == backward &&
                        last->fold < 0;
      bool joins = false;
      if (open && r.role == node_role::elementwise) {
        joins = g.nodes[std::size_t(out.order[std::size_t(last->begin)])].size == r.size;
      } else if (open && r.role == node_role::row_fold && r.num_inputs == 1) {
        const int e = g.inputs[std::size_t(r.first_input)];
        joins = out.readers[std::size_t(e)] == 1 && !out.stored[std::size_t(e)] &&
                out.stage_of[node_of(e)] == size.num_stages - 1;
        if (joins) last->fold = i;
      }
      if (!joins) {
        const bool fused = fuse && r.role == node_role::elementwise;
        out.stages[std::size_t(size.num_stages++)] = {fused ? stage_kind::fused_elementwise : stage_kind::materialized,
                                                      backward, size.num_nodes, size.num_nodes, -1};
        last = &out.stages[std::size_t(size.num_stages - 1)];
      }
      out.order[std::size_t(size.num_nodes++)] = i;
      last->end = size.num_nodes;
      out.stage_of[std::size_t(i)] = size.num_stages - 1;
    }

  // Lifetimes, and what lives in memory.
  for (int k = 0; k < size.num_nodes; ++k) {
    const node_record& r = g.nodes[std::size_t(out.order[std::size_t(k)])];
    for (int j = 0; j < r.num_inputs; ++j)
      out.last_use[std::size_t(g.inputs[std::size_t(r.first_input + j)])] = out.stage_of[std::size_t(out.order[std::size_t(k)])];
  }
  for (int i = 0; i < n; ++i) {
    const node_record& r = g.nodes[std::size_t(i)];
    const int s = out.stage_of[std::size_t(i)];
    for (int e = r.first_entry; e < r.first_entry + r.num_entries; ++e)
      out.stored[std::size_t(e)] = out.stored[std::size_t(e)] || r.role == node_role::variable ||
                                   (s >= 0 && (out.stages[std::size_t(s)].kind == stage_kind::materialized ||
                                               out.stages[std::size_t(s)].fold == i || out.last_use[std::size_t(e)] > s));
  }
  return size;
}

/// The plan as text, one line per stage:
///   `stage 0 (fused elementwise): exp0 <- A; _mul0 <- exp0, exp0 -> outputs _mul0_output`
/// A stage lists its nodes with their inputs, then the heads it writes (`outputs`) and the other
/// entries it leaves in memory for later stages (`stores`). `node_name(i)` names node i,
/// `entry_name(e)` entry e, `head_name(k)` output k.
template <class NodeName, class EntryName, class HeadName>
std::string describe(const graph_view& g, const plan_view& p, NodeName node_name, EntryName entry_name,
                     HeadName head_name) {
  const int num_stages = int(p.stages.size());
  std::string s;
  for (int k = 0; k < num_stages; ++k) {
    const stage_record& st = p.stages[std::size_t(k)];
    s += (k ? "\n" : "") + std::string("stage ") + std::to_string(k) + " (" + stage_kind_name(st.kind) +
         (st.backward ? ", backward" : "") + "):";
    for (int j = st.begin; j < st.end; ++j) {
      const int i = p.order[std::size_t(j)];
      const node_record& r = g.nodes[std::size_t(i)];
      s += std::string(j > st.begin ? "; " : " ") + std::string(node_name(i)) + (i == st.fold ? " (folded)" : "") + " <-";
      for (int q = 0; q < r.num_inputs; ++q) s += std::string(q ? ", " : " ") + std::string(entry_name(g.inputs[std::size_t(r.first_input + q)]));
    }
    // Heads written by this stage; a variable given out as an output is written by the last.
    std::string outputs, stores;
    for (std::size_t h = 0; h < g.heads.size(); ++h) {
      const int owner = p.stage_of[std::size_t(g.node_of_entry[std::size_t(g.heads[h])])];
      if (owner == k || (owner < 0 && k == num_stages - 1))
        outputs += std::string(outputs.empty() ? " " : ", ") + std::string(head_name(int(h)));
    }
    for (int j = st.begin; j < st.end; ++j) {
      const node_record& r = g.nodes[std::size_t(p.order[std::size_t(j)])];
      for (int e = r.first_entry; e < r.first_entry + r.num_entries; ++e)
        if (p.stored[std::size_t(e)] && !is_head(g, e) && p.last_use[std::size_t(e)] > k)
          stores += std::string(stores.empty() ? " " : ", ") + std::string(entry_name(e));
    }
    if (!outputs.empty()) s += " -> outputs" + outputs;
    if (!stores.empty()) s += " -> stores" + stores;
  }
  return s;
}

}  // namespace xsym::plan
