#pragma once
// nnvm's IndexedGraph, as much as inference and the executors need: nodes in topological order,
// one entry per output of each node, the argument and auxiliary-state variables.
#include <algorithm>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "xsym/core/error.hpp"
#include "xsym/symbol/symbol.hpp"

namespace xsym::detail {

struct indexed_graph {
  std::vector<std::shared_ptr<const graph_node>> nodes;
  std::vector<std::size_t> first_entry, num_entries;  // per node
  std::vector<std::vector<std::size_t>> input_entries;  // per node
  std::vector<std::size_t> arguments, auxiliary, inputs;  // variable node ids, list_* order
  std::vector<std::size_t> heads;                          // entry ids
  std::size_t total = 0;

  explicit indexed_graph(const Symbol& s, const char* who) {
    nodes = s.topological_nodes();
    std::unordered_map<const graph_node*, std::size_t> id;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      id.emplace(nodes[i].get(), i);
      first_entry.push_back(total);
      num_entries.push_back(nodes[i]->is_variable() ? 1 : nodes[i]->num_outputs);
      total += num_entries.back();
    }
    auto entry = [&](const node_entry& e, const std::string& user) {
      auto it = e.node ? id.find(e.node.get()) : id.end();
      if (it == id.end()) throw error(std::string(who) + ": " + user + " refers to a missing node");
      if (e.index >= num_entries[it->second])
        throw error(std::string(who) + ": " + user + " refers to output " + std::to_string(e.index) + " of node '" +
                    e.node->name + "', which has " + std::to_string(num_entries[it->second]) + " outputs");
      return first_entry[it->second] + e.index;
    };
    std::unordered_set<std::size_t> mutated;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const graph_node& n = *nodes[i];
      input_entries.emplace_back();
      for (std::size_t k = 0; k < n.inputs.size(); ++k) {
        input_entries.back().push_back(entry(n.inputs[k], "input " + std::to_string(k) + " of node '" + n.name + "'"));
        if (n.def && std::find(n.def->mutated_inputs.begin(), n.def->mutated_inputs.end(), std::uint32_t(k)) !=
                         n.def->mutated_inputs.end())
          mutated.insert(id.at(n.inputs[k].node.get()));
      }
    }
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (!nodes[i]->is_variable()) continue;
      inputs.push_back(i);
      (mutated.count(i) ? auxiliary : arguments).push_back(i);
    }
    for (const auto& h : s.outputs()) heads.push_back(entry(h, "an output of the symbol"));
  }

  /// The node whose output entry e is.
  std::size_t node_of(std::size_t e) const {
    return std::size_t(std::upper_bound(first_entry.begin(), first_entry.end(), e) - first_entry.begin()) - 1;
  }
};

/// The shape and dtype of every entry of `g` (index: entry id), inferred from the given ones
/// by name as Symbol::infer_shape and infer_type do. Throws xsym::error for a conflict, or naming
/// the first entry that stays unknown.
struct entry_attributes {
  std::vector<shape> shapes;
  std::vector<dtype> dtypes;
};
entry_attributes infer_entries(const indexed_graph& g, const std::map<std::string, shape>& shapes,
                               const std::map<std::string, dtype>& dtypes);

}  // namespace xsym::detail
