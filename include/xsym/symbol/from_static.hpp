#pragma once
// Static graph -> Symbol: the graph's description (expr/describe.hpp: node i is node i of
// graph_info<G>, with its name; the scalars and other run-time parameters become the nodes'
// attributes) made into Symbol nodes by compiled code, plus the graph's fused loops.
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "../exec/bind.hpp"
#include "../expr/describe.hpp"
#include "../expr/graph_info.hpp"
#include "compiled_graph.hpp"
#include "symbol.hpp"

namespace xsym::detail {

/// The Symbol of a described graph: its nodes, names, attributes and outputs (from_static.cpp).
Symbol symbol_from(const graph_description& d);

/// Graph G's fused loops for every dtype xsym::bind compiles it for (bindable_dtypes for each
/// free dtype class, the declared type for typed variables): the instantiations that
/// `xsym::bind(g, ...)` uses, shared with it.
template <class G>
class compiled_static_graph final : public compiled_graph {
 public:
  using info = graph_info<G>;
  explicit compiled_static_graph(const G& g) : graph_(g) {}

  run_fn find(std::span<const dtype> argument_dtypes) const override {
    if (argument_dtypes.size() != std::size_t(info::num_arguments)) return {};
    std::array<dtype, 2> free{};  // to_symbol keeps loops only for graphs of <= 2 free classes
    std::array<bool, 2> seen{};
    for (std::size_t k = 0; k < argument_dtypes.size(); ++k) {
      int node = info::argument_nodes[k];
      dtype t = argument_dtypes[k];
      if (int pinned = info::nodes[node].pinned; pinned >= 0) {
        if (int(t) != pinned) return {};
        continue;
      }
      int c = info::free_class(node);
      if (c < 0 || c >= int(free.size())) return {};
      if (std::find(bindable_dtypes.begin(), bindable_dtypes.end(), t) == bindable_dtypes.end()) return {};
      if (seen[c] && free[c] != t) return {};
      seen[c] = true;
      free[c] = t;
    }
    auto run = pick_instance<G>(std::vector<dtype>(free.begin(), free.begin() + info::num_free_dtypes));
    return [this, run](const void* const* args, void* const* outs, std::ptrdiff_t n) { run(graph_, args, outs, n); };
  }

  std::string compiled_for() const override {
    std::string s;
    for (int k = 0; k < info::num_arguments; ++k) {
      int pinned = info::nodes[info::argument_nodes[std::size_t(k)]].pinned;
      s += std::string(k ? ", " : "") + std::string(info::arguments[std::size_t(k)]) + ": " +
           (pinned >= 0 ? std::string(dtype_name(dtype(pinned))) : joined(bindable_dtype_names()));
    }
    return s;
  }

 private:
  G graph_;
};

}  // namespace xsym::detail

namespace xsym {

/// The Symbol of static graph `g`: the same nodes, names, attributes and outputs. A Symbol of a
/// bindable graph (an expression or a group) keeps its fused CPU loops (Symbol::compiled()).
template <graph G>
Symbol to_symbol(const G& g) {
  Symbol s = detail::symbol_from(describe(g));
  if constexpr (bindable_graph<G>)
    if constexpr (detail::graph_info<G>::num_free_dtypes <= 2)
      s.compiled_ = std::make_shared<const detail::compiled_static_graph<G>>(g);
  return s;
}

template <graph G>
Symbol::Symbol(const G& g) : Symbol(to_symbol(g)) {}


}  // namespace xsym
