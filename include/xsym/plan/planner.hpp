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

/// `s[i]` for an int index (the planner counts in ints, as graph_info does).
template <class T>
constexpr T& item(std::span<T> s, int i) {
  return s[std::size_t(i)];
}

/// The input entries of node r.
constexpr std::span<const int> inputs_of(const graph_view& g, const node_record& r) {
  return g.inputs.subspan(std::size_t(r.first_input), std::size_t(r.num_inputs));
}

/// Plans `g` into `out`. With `fuse`, consecutive elementwise nodes of one size and phase form
/// one fused stage, which takes in a row reduction whose input only it computes and only that
/// reduction reads; without, every op node is a materialized stage of its own (the per-op path).
/// Forward nodes come first, then the backward ones, so the order stays topological.
constexpr plan_size plan_graph(const graph_view& g, const plan_spans& out, bool fuse) {
  const int n = int(g.nodes.size());
  auto node_of = [&](int e) { return item(g.node_of_entry, e); };
  // Nodes the heads need (consumers come after their inputs), marked in stage_of as -2; the
  // heads, marked in `stored` until the end.
  for (int& s : out.stage_of) s = -1;
  for (int& r : out.readers) r = 0;
  for (int& u : out.last_use) u = -1;
  for (bool& s : out.stored) s = false;
  for (int h : g.heads) item(out.stage_of, node_of(h)) = -2, item(out.stored, h) = true;
  for (int i = n - 1; i >= 0; --i)
    if (item(out.stage_of, i) == -2)
      for (int e : inputs_of(g, item(g.nodes, i))) ++item(out.readers, e), item(out.stage_of, node_of(e)) = -2;

  plan_size size;
  for (bool backward : {false, true})
    for (int i = 0; i < n; ++i) {
      const node_record& r = item(g.nodes, i);
      if (r.role == node_role::variable) item(out.stage_of, i) = -1;
      if (item(out.stage_of, i) != -2 || r.backward != backward) continue;
      stage_record* last = size.num_stages > 0 ? &item(out.stages, size.num_stages - 1) : nullptr;
      const bool open = fuse && last && last->kind == stage_kind::fused_elementwise && last->backward == backward &&
                        last->fold < 0;
      bool joins = false;
      if (open && r.role == node_role::elementwise) {
        joins = item(g.nodes, item(out.order, last->begin)).size == r.size;
      } else if (open && r.role == node_role::row_fold && r.num_inputs == 1) {
        const int e = inputs_of(g, r)[0];
        joins = item(out.readers, e) == 1 && !item(out.stored, e) &&  // stored: a head, so far
                item(out.stage_of, node_of(e)) == size.num_stages - 1;
        if (joins) last->fold = i;
      }
      if (!joins) {
        const bool fused = fuse && r.role == node_role::elementwise;
        last = &item(out.stages, size.num_stages++);
        *last = {fused ? stage_kind::fused_elementwise : stage_kind::materialized, backward, size.num_nodes,
                 size.num_nodes, -1};
      }
      item(out.order, size.num_nodes++) = i;
      last->end = size.num_nodes;
      item(out.stage_of, i) = size.num_stages - 1;
    }

  // Lifetimes, and what lives in memory.
  for (int k = 0; k < size.num_nodes; ++k) {
    const int i = item(out.order, k);
    for (int e : inputs_of(g, item(g.nodes, i))) item(out.last_use, e) = item(out.stage_of, i);
  }
  for (int i = 0; i < n; ++i) {
    const node_record& r = item(g.nodes, i);
    const int s = item(out.stage_of, i);
    const bool materialized = s >= 0 && item(out.stages, s).kind == stage_kind::materialized;
    const bool folded = s >= 0 && item(out.stages, s).fold == i;
    for (int e = r.first_entry; e < r.first_entry + r.num_entries; ++e)
      item(out.stored, e) = item(out.stored, e) || r.role == node_role::variable || materialized || folded ||
                            (s >= 0 && item(out.last_use, e) > s);
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
    const stage_record& st = item(p.stages, k);
    s += (k ? "\n" : "") + std::string("stage ") + std::to_string(k) + " (" + stage_kind_name(st.kind) +
         (st.backward ? ", backward" : "") + "):";
    for (int j = st.begin; j < st.end; ++j) {
      const int i = item(p.order, j);
      s += std::string(j > st.begin ? "; " : " ") + std::string(node_name(i)) + (i == st.fold ? " (folded)" : "") +
           " <-";
      const auto inputs = inputs_of(g, item(g.nodes, i));
      for (std::size_t q = 0; q < inputs.size(); ++q)
        s += std::string(q ? ", " : " ") + std::string(entry_name(inputs[q]));
    }
    // Heads written by this stage; a variable given out as an output is written by the last.
    std::string outputs, stores;
    for (std::size_t h = 0; h < g.heads.size(); ++h) {
      const int owner = item(p.stage_of, item(g.node_of_entry, g.heads[h]));
      if (owner == k || (owner < 0 && k == num_stages - 1))
        outputs += std::string(outputs.empty() ? " " : ", ") + std::string(head_name(int(h)));
    }
    for (int j = st.begin; j < st.end; ++j) {
      const node_record& r = item(g.nodes, item(p.order, j));
      for (int e = r.first_entry; e < r.first_entry + r.num_entries; ++e)
        if (item(p.stored, e) && !is_head(g, e) && item(p.last_use, e) > k)
          stores += std::string(stores.empty() ? " " : ", ") + std::string(entry_name(e));
    }
    if (!outputs.empty()) s += " -> outputs" + outputs;
    if (!stores.empty()) s += " -> stores" + stores;
  }
  return s;
}

}  // namespace xsym::plan
