// The plan of a bound runtime Symbol (runtime_plan.hpp).
#include "runtime_plan.hpp"


namespace xsym::detail {

namespace {

// Whether reduction node n, reading `in`, can be folded into the fused stage computing its
// input: its rows are long enough for the fold to run block by block (blocked_region.hpp).
bool foldable(const graph_node& n, const kernels::tensor& in) {
  auto fold = kernels::as_row_reduction(n, in);
  return fold && fold->length >= 64;
}

}  // namespace

runtime_plan::runtime_plan(const indexed_graph& g, const std::vector<kernels::tensor>& entries,
                           const std::function<bool(std::size_t)>& is_backward, bool fuse)
    : g_(g) {
  for (std::size_t nid = 0; nid < g.nodes.size(); ++nid) {
    const graph_node& n = *g.nodes[nid];
    const auto& in = g.input_entries[nid];
    plan::node_record r;
    r.role = n.is_variable()                                           ? plan::node_role::variable
             : kernels::is_elementwise(n)                              ? plan::node_role::elementwise
             : in.size() == 1 && foldable(n, entries[in[0]])           ? plan::node_role::row_fold
                                                                       : plan::node_role::materialized;
    r.backward = !n.is_variable() && is_backward(nid);
    r.size = entries[g.first_entry[nid]].size();
    r.first_input = int(inputs_.size());
    r.num_inputs = int(in.size());
    r.first_entry = int(g.first_entry[nid]);
    r.num_entries = int(g.num_entries[nid]);
    records_.push_back(r);
    for (std::size_t e : in) inputs_.push_back(int(e));
    for (std::size_t k = 0; k < g.num_entries[nid]; ++k) node_of_entry_.push_back(int(nid));
  }
  for (std::size_t e : g.heads) heads_.push_back(int(e));
  const std::size_t n = g.nodes.size();
  order_.resize(n);
  stage_of_.resize(n);
  stages_.resize(n);
  readers_.resize(g.total);
  last_use_.resize(g.total);
  stored_ = std::make_unique<bool[]>(g.total);
  const plan::plan_spans out{order_, stages_, stage_of_, readers_, last_use_, std::span(stored_.get(), g.total)};
  size_ = plan::plan_graph(graph(), out, fuse);
}

plan::graph_view runtime_plan::graph() const { return {records_, inputs_, heads_, node_of_entry_}; }

std::string runtime_plan::describe(const std::vector<std::string>& head_names) const {
  auto node_name = [&](int i) { return g_.nodes[std::size_t(i)]->name; };
  auto entry_name = [&](int e) {
    const std::size_t nid = g_.node_of(std::size_t(e));
    const graph_node& n = *g_.nodes[nid];
    if (n.is_variable()) return n.name;
    if (g_.num_entries[nid] == 1) return n.name;
    return n.name + "[" + std::to_string(std::size_t(e) - g_.first_entry[nid]) + "]";
  };
  auto head_name = [&](int k) { return head_names.at(std::size_t(k)); };
  const plan::plan_view p{order_, std::span(stages_).first(std::size_t(size_.num_stages)), stage_of_, readers_,
                          last_use_, std::span<const bool>(stored_.get(), g_.total)};
  return plan::describe(graph(), p, node_name, entry_name, head_name);
}

}  // namespace xsym::detail
