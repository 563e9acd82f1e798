// The plan of a bound runtime Symbol, and the blocked programs of its fused stages
// (runtime_plan.hpp).
#include "runtime_plan.hpp"

#include <algorithm>

#if defined(_OPENMP)
#include <omp.h>
#endif

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
  size_ = plan::plan_graph(graph(), {order_, stages_, stage_of_, readers_, last_use_, std::span(stored_.get(), g.total)},
                           fuse);
}

plan::graph_view runtime_plan::graph() const { return {records_, inputs_, heads_, node_of_entry_}; }

std::string runtime_plan::describe(const std::vector<std::string>& head_names) const {
  auto node_name = [&](int i) { return g_.nodes[std::size_t(i)]->name; };
  auto entry_name = [&](int e) {
    const std::size_t nid = g_.node_of(std::size_t(e));
    const graph_node& n = *g_.nodes[nid];
    if (n.is_variable()) return n.name;
    return g_.num_entries[nid] == 1 ? n.name : n.name + "[" + std::to_string(std::size_t(e) - g_.first_entry[nid]) + "]";
  };
  auto head_name = [&](int k) { return head_names.at(std::size_t(k)); };
  const plan::plan_view p{order_, std::span(stages_).first(std::size_t(size_.num_stages)), stage_of_, readers_,
                          last_use_, std::span<const bool>(stored_.get(), g_.total)};
  return plan::describe(graph(), p, node_name, entry_name, head_name);
}

std::shared_ptr<region_program> compile_region(const indexed_graph& g, const runtime_plan& plan, int s,
                                               const std::vector<kernels::tensor>& entries, std::ptrdiff_t block) {
  const std::span<const int> nodes = plan.nodes(s);
  const int fold = plan.stage(s).fold;
  auto p = std::make_shared<region_program>();
  p->block = block;
  p->n = std::ptrdiff_t(entries[g.first_entry[std::size_t(nodes[0])]].size());
  // Registers for entries that never leave the region, reused once their last reader ran.
  std::vector<int> reg(g.total, -1);
  std::vector<std::size_t> last_reader(g.total, 0);  // index in nodes
  for (std::size_t k = 0; k < nodes.size(); ++k)
    for (std::size_t e : g.input_entries[std::size_t(nodes[k])]) last_reader[e] = k;
  std::vector<int> free_regs;
  auto operand_of = [&](std::size_t e) {
    operand o;
    if (reg[e] >= 0)
      o.reg = reg[e];
    else
      o.base = static_cast<std::byte*>(entries[e].data), o.element_size = std::ptrdiff_t(dtype_size(entries[e].type));
    return o;
  };
  const std::size_t instructions = nodes.size() - (fold >= 0);
  for (std::size_t k = 0; k < instructions; ++k) {
    std::size_t nid = std::size_t(nodes[k]), e = g.first_entry[nid];
    instruction ins;
    const auto& inputs = g.input_entries[nid];
    ins.kernel = kernels::find_elementwise(*g.nodes[nid], entries[inputs.at(0)].type, entries[e].type);
    ins.num_inputs = int(inputs.size());
    for (std::size_t j = 0; j < inputs.size() && j < kernels::max_elementwise_inputs; ++j) ins.in[j] = operand_of(inputs[j]);
    // Registers read for the last time here are free again; the output may take one of them
    // when its elements have the same size (in place), never a narrower one (Cast widening).
    std::vector<int> dying;
    for (std::size_t j = 0; j < inputs.size(); ++j)
      if (reg[inputs[j]] >= 0 && last_reader[inputs[j]] == k &&
          std::find(dying.begin(), dying.end(), reg[inputs[j]]) == dying.end())
        dying.push_back(reg[inputs[j]]);
    if (!plan.stored(e)) {
      if (dtype_size(entries[inputs[0]].type) == dtype_size(entries[e].type) && !dying.empty()) {
        reg[e] = dying.back();
        dying.pop_back();
      } else if (!free_regs.empty()) {
        reg[e] = free_regs.back();
        free_regs.pop_back();
      } else {
        reg[e] = p->registers++;
      }
    }
    free_regs.insert(free_regs.end(), dying.begin(), dying.end());
    ins.out = operand_of(e);
    p->code.push_back(ins);
  }
  if (fold >= 0) {  // the folded value lives in a register, never in memory
    const std::size_t e = g.input_entries[std::size_t(fold)][0];
    p->fold = kernels::as_row_reduction(*g.nodes[std::size_t(fold)], entries[e]);
    p->fold_reg = reg[e];
    p->fold_out = entries[g.first_entry[std::size_t(fold)]].data;
  }
#if defined(_OPENMP)
  p->threads = std::max(1, omp_get_max_threads());
#endif
  return p;
}

}  // namespace xsym::detail
