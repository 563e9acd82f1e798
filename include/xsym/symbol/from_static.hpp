#pragma once
// Static graph -> Symbol. The walk repeats the compile-time analysis (expr/analysis.hpp) in the
// same order, so node i of the Symbol is node i of graph_info<G>, with its name; the scalars and
// other run-time parameters come from the graph object and become the nodes' attributes.
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
#include "../expr/graph_info.hpp"
#include "compiled_graph.hpp"
#include "symbol.hpp"

namespace xsym::detail {

template <class G>
class static_to_symbol {
 public:
  using info = graph_info<G>;

  Symbol convert(const G& g) {
    std::apply([&](const auto&... root) { (visit(root), ...); }, graph_traits<G>::roots_of(g));
    std::vector<node_entry> heads;
    for (int h : info::heads) heads.push_back({nodes_[std::size_t(h)], 0, 0});
    return Symbol(std::move(heads));
  }

 private:
  std::vector<std::shared_ptr<graph_node>> nodes_;  // by node index of graph_info<G>
  std::unordered_map<std::uint64_t, int> merged_;     // identity -> node index, as the analysis merges

  std::shared_ptr<graph_node> next_node() {
    auto n = std::make_shared<graph_node>();
    n->name = std::string(info::node_names[nodes_.size()]);
    nodes_.push_back(n);
    return n;
  }

  template <class N, class T>
  int visit(const var<N, T>&) {
    if (auto it = merged_.find(type_key<N>); it != merged_.end()) return it->second;
    int index = int(nodes_.size());
    auto n = next_node();
    if (int pinned = info::nodes[index].pinned; pinned >= 0) n->attrs["__dtype__"] = std::to_string(pinned);
    merged_.emplace(type_key<N>, index);
    return index;
  }

  template <class Op, class... In>
  int visit(const node<Op, In...>& e) {
    using E = node<Op, In...>;
    if constexpr (!holds_param<E>)
      if (auto it = merged_.find(type_key<E>); it != merged_.end()) return it->second;
    auto inputs = visit_inputs(e, std::index_sequence_for<In...>{});
    int index = int(nodes_.size());
    auto n = next_node();
    n->op = std::string(Op::names.mxnet);
    n->def = find_op(n->op);
    n->attrs = Op::attrs(e.param);
    for (int i : inputs) n->inputs.push_back({nodes_[std::size_t(i)], 0, 0});
    if constexpr (!holds_param<E>) merged_.emplace(type_key<E>, index);
    return index;
  }

  // Inputs left to right, as the analysis numbers them (a braced list is evaluated in order).
  template <class Op, class... In, std::size_t... K>
  std::array<int, sizeof...(In)> visit_inputs(const node<Op, In...>& e, std::index_sequence<K...>) {
    return {visit(std::get<K>(e.inputs))...};
  }
};

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
      s += (k ? ", " : "") + std::string(info::arguments[std::size_t(k)]) + ": " +
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
  Symbol s = detail::static_to_symbol<G>{}.convert(g);
  if constexpr (bindable_graph<G>)
    if constexpr (detail::graph_info<G>::num_free_dtypes <= 2)
      s.compiled_ = std::make_shared<const detail::compiled_static_graph<G>>(g);
  return s;
}

template <graph G>
Symbol::Symbol(const G& g) : Symbol(to_symbol(g)) {}

namespace detail {

/// xsym::bind(g, gpu(i), ...) outside a unit with the fused kernel (exec/bind.hpp): g's Symbol
/// bound on gpu(i), run by the runtime executor (per-op GPU kernels) on its own stream.
template <class G>
executor<G> bind_through_runtime(const G& g, context ctx, std::vector<ndarray> args) {
  std::map<std::string, ndarray> named;
  for (std::size_t k = 0; k < args.size(); ++k) named.emplace(std::string(graph_info<G>::arguments[k]), args[k]);
  auto runtime = std::make_shared<Executor>(to_symbol(g).bind(ctx, named));
  using runner = typename executor<G>::device_runner;
  typename runner::launch_fn launch = [](const G&, const void* const*, void* const*, std::ptrdiff_t, int,
                                         void* stream, void* state) {
    auto& ex = *static_cast<Executor*>(state);
    if (ex.stream() != stream) ex.set_stream(stream);
    ex.forward();
  };
  void* stream = runtime->stream();
  std::string path = runtime->path_description();
  std::vector<ndarray> outputs = runtime->outputs();
  return executor<G>(g, ctx, std::move(args), std::move(outputs), runner{launch, stream, nullptr, runtime},
                     std::move(path));
}

}  // namespace detail

}  // namespace xsym
