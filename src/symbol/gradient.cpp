// The gradient pass over a runtime Symbol: the algorithm of the static gradient graphs
// (expr/gradient.hpp), over the Symbol's nodes instead of a compile-time table, so that the
// Symbol of `xsym::gradient(e, a)` and `Symbol(e).gradient({"a"})` are the same graph, node for
// node and name for name:
//   - the sweep visits the nodes from the last to the first in DFS post-order. A node's gradient
//     is the sum of its contributions, the head gradient first (when the node is an output),
//     then one per consumer, consumers from the last one back and a consumer's inputs left to
//     right, summed left to right with elemwise_add (`_plus`): the order decides the bits;
//   - a contribution is a node of the consumer's `_backward_*` op for that input (op_def's
//     input_gradients), with inputs (gradient, output, inputs...) and the consumer's attributes;
//   - paths through a zero derivative are left out; a variable no path reaches gets zeros_like.
#include "gradient_pass.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "indexed_graph.hpp"
#include "xsym/core/error.hpp"
#include "xsym/ops/table.hpp"

namespace xsym::detail {

namespace {

using node_ptr = std::shared_ptr<graph_node>;

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

node_ptr make_node(const op_def* def, std::vector<node_entry> inputs, std::map<std::string, std::string> attrs = {}) {
  auto n = std::make_shared<graph_node>();
  n->op = def->name;
  n->def = def;
  n->name = def->hint;  // numbered once the graph's order is known
  n->inputs = std::move(inputs);
  n->attrs = std::move(attrs);
  return n;
}

// The attributes a backward node takes from its forward node: the op's parameters, not the
// user's hidden ones (`__lr_mult__`).
std::map<std::string, std::string> op_attributes(const graph_node& n) {
  std::map<std::string, std::string> a;
  for (const auto& [k, v] : n.attrs)
    if (!(k.size() > 4 && k.starts_with("__") && k.ends_with("__"))) a.emplace(k, v);
  return a;
}

}  // namespace

Symbol gradient_symbol(const Symbol& s, const std::vector<std::string>& wrt, bool with_forward, const char* who) {
  const std::string prefix = std::string(who) + ": ";
  if (wrt.empty()) throw error(prefix + "name at least one variable");
  indexed_graph g(s, who);
  const std::size_t n = g.nodes.size();
  std::vector<std::string> arguments;
  for (std::size_t nid : g.arguments) arguments.push_back(g.nodes[nid]->name);
  std::vector<std::size_t> wrt_nodes;
  for (const auto& name : wrt) {
    auto it = std::find(arguments.begin(), arguments.end(), name);
    if (it == arguments.end())
      throw error(prefix + "'" + name + "' is not an argument of the symbol; its arguments are " + joined(arguments));
    wrt_nodes.push_back(g.arguments[std::size_t(it - arguments.begin())]);
  }
  auto entry_of = [&](std::size_t nid) { return g.first_entry[nid]; };

  // The nodes that lead to a requested variable through differentiable inputs: only they get a
  // gradient. An op without a gradient on such a path is an error naming it.
  std::vector<bool> reaches(n, false);
  for (std::size_t w : wrt_nodes) reaches[w] = true;
  for (std::size_t i = 0; i < n; ++i) {
    const graph_node& node = *g.nodes[i];
    if (node.is_variable()) continue;
    for (std::size_t k = 0; k < g.input_entries[i].size(); ++k) {
      std::size_t e = g.input_entries[i][k], from = g.node_of(e);
      if (!reaches[from]) continue;
      if (!node.def) throw error(prefix + unknown_op_message(node.op, node.name));
      if (!node.def->has_gradient)
        throw error(prefix + "node '" + node.name + "' (" + node.op + ") has no gradient in xsym yet, and input " +
                    std::to_string(k) + " of it depends on a variable whose gradient is asked for");
      if (e != entry_of(from) && !(g.nodes[from]->def && g.nodes[from]->def->gradient_per_output()))
        throw error(prefix + "node '" + node.name + "' reads output " + std::to_string(e - entry_of(from)) +
                    " of node '" + g.nodes[from]->name + "', which has no gradient in xsym yet");
      if (node.def->gradient_of_input(k)) reaches[i] = true;
    }
  }

  std::vector<std::string> output_names = s.list_outputs();
  std::vector<node_ptr> made;  // the new nodes, named at the end
  std::vector<node_entry> head_var(g.heads.size());
  std::vector<node_entry> gradient(g.total);  // by entry: its gradient, or no node
  // By node: whether its inputs get gradients from it (a loss head does, with no gradient of
  // its own), and its joint backward node (network ops), made once.
  std::vector<bool> active(n, false);
  std::vector<node_ptr> joint(n);
  const op_def* plus = find_op(ops::plus::names.mxnet);
  const op_def* zeros = find_op(ops::zeros_like::names.mxnet);
  auto is_loss = [&](std::size_t i) { return g.nodes[i]->def && g.nodes[i]->def->loss; };
  // The head gradients a joint backward node of j reads: its output's, or (SliceChannel) one per
  // visible output, zeros for an output no path gives a gradient.
  auto head_gradients_of = [&](std::size_t j, std::vector<node_entry>& inputs) {
    const graph_node& node = *g.nodes[j];
    if (!node.def->gradient_per_output()) {
      inputs.push_back(gradient[entry_of(j)]);
      return;
    }
    const auto visible = std::min<std::size_t>(g.num_entries[j], node.def->visible_outputs_of(node.attrs));
    for (std::size_t o = 0; o < visible; ++o) {
      if (!gradient[entry_of(j) + o].node) {
        made.push_back(make_node(zeros, {{g.nodes[j], std::uint32_t(o), 0}}));
        gradient[entry_of(j) + o] = {made.back(), 0, 0};
      }
      inputs.push_back(gradient[entry_of(j) + o]);
    }
  };
  for (std::size_t i = n; i-- > 0;) {
    if (!reaches[i]) continue;
    // Each output's gradient: the head gradient first (when it is a head), then the consumers'
    // contributions, from the last consumer back.
    for (std::size_t e = entry_of(i); e < entry_of(i) + g.num_entries[i]; ++e) {
      node_entry sum;
      auto add = [&](node_entry term) {
        if (!sum.node) {
          sum = term;
          return;
        }
        made.push_back(make_node(plus, {sum, term}));
        sum = {made.back(), 0, 0};
      };
      for (std::size_t k = 0; k < g.heads.size() && !is_loss(i); ++k) {
        if (g.heads[k] != e) continue;
        if (!head_var[k].node) {
          auto v = std::make_shared<graph_node>();
          v->name = output_names[k] + head_gradient_suffix;
          if (std::find(arguments.begin(), arguments.end(), v->name) != arguments.end())
            throw error(prefix + "the head gradient of output '" + output_names[k] + "' would be the variable '" +
                        v->name + "', but an argument of the symbol has that name; rename it");
          head_var[k] = {v, 0, 0};
        }
        add(head_var[k]);
      }
      for (std::size_t j = n; j-- > i + 1;) {
        if (!active[j]) continue;
        const graph_node& consumer = *g.nodes[j];
        for (std::size_t k = 0; k < g.input_entries[j].size(); ++k) {
          if (g.input_entries[j][k] != e) continue;
          const op_def* backward = consumer.def->gradient_of_input(k);
          if (!backward) continue;
          if (consumer.def->joint_backward) {  // output k of the node's one backward node
            if (!joint[j]) {
              std::vector<node_entry> inputs;
              if (!consumer.def->loss) head_gradients_of(j, inputs);
              // The op's own outputs: a node loaded from MXNet may have more (a Gluon export's
              // Pooling lists a workspace output), which xsym neither computes nor reads.
              const auto outputs =
                  std::uint32_t(std::min<std::size_t>(g.num_entries[j], consumer.def->outputs_of(consumer.attrs)));
              for (std::uint32_t o = 0; o < outputs; ++o) inputs.push_back({g.nodes[j], o, 0});
              inputs.insert(inputs.end(), consumer.inputs.begin(), consumer.inputs.end());
              joint[j] = make_node(backward, std::move(inputs), op_attributes(consumer));
              joint[j]->num_outputs = std::uint32_t(consumer.inputs.size());
              made.push_back(joint[j]);
            }
            add({joint[j], std::uint32_t(k), 0});
            continue;
          }
          std::vector<node_entry> inputs{gradient[entry_of(j)], {g.nodes[j], 0, 0}};
          inputs.insert(inputs.end(), consumer.inputs.begin(), consumer.inputs.end());
          made.push_back(make_node(backward, std::move(inputs), op_attributes(consumer)));
          add({made.back(), 0, 0});
        }
      }
      gradient[e] = sum;
      active[i] = active[i] || sum.node != nullptr;
    }
    active[i] = active[i] || is_loss(i);
  }

  std::vector<node_entry> heads;
  if (with_forward) heads = s.outputs();
  for (std::size_t w : wrt_nodes) {
    if (gradient[entry_of(w)].node) {
      heads.push_back(gradient[entry_of(w)]);
      continue;
    }
    made.push_back(make_node(zeros, {{g.nodes[w], 0, 0}}));  // nothing reaches it: zeros of its shape
    heads.push_back({made.back(), 0, 0});
  }

  // Names: `<hint><k>`, k counting the hint among the forward nodes and the new nodes before this
  // one in DFS post-order (the static gradient graphs' numbering).
  Symbol result(std::move(heads));
  std::unordered_map<const graph_node*, graph_node*> is_new;
  for (const auto& m : made) is_new.emplace(m.get(), m.get());
  std::map<std::string, int> forward_count, new_count;
  for (const auto& node : g.nodes)
    if (!node->is_variable() && node->def) ++forward_count[node->def->hint];
  for (const auto& node : result.topological_nodes())
    if (auto it = is_new.find(node.get()); it != is_new.end()) {
      graph_node& m = *it->second;
      const std::string& hint = m.def->hint;
      m.name = hint + std::to_string(forward_count[hint] + new_count[hint]++);
    }
  return result;
}

}  // namespace xsym::detail

namespace xsym {

Symbol Symbol::gradient(const std::vector<std::string>& wrt) const {
  return derived(detail::gradient_symbol(*this, wrt, false, "xsym::Symbol::gradient").outputs());
}

}  // namespace xsym
