// Units of work of the per-op and blocked paths, and the blocked programs of regions
// (execution_units.hpp).
#include "execution_units.hpp"

#include <algorithm>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace xsym::detail {

namespace {

// The row fold of reduction node nid when region r can compute it: its input is a value of the
// region that nothing else reads and no output gives out, and its rows are long enough for the
// fold to run block by block (blocked_region.hpp).
std::optional<kernels::row_reduction> region_fold(const indexed_graph& g, const std::vector<kernels::tensor>& entries,
                                                  const unit& r, std::size_t nid, const std::vector<int>& readers) {
  const auto& inputs = g.input_entries[nid];
  if (!r.region || r.fold != no_node || inputs.size() != 1) return std::nullopt;
  const std::size_t e = inputs[0];
  if (readers[e] != 1 || std::find(g.heads.begin(), g.heads.end(), e) != g.heads.end() ||
      std::find(r.nodes.begin(), r.nodes.end(), g.node_of(e)) == r.nodes.end())
    return std::nullopt;
  auto fold = kernels::as_row_reduction(*g.nodes[nid], entries[e]);
  if (!fold || fold->length < 64) return std::nullopt;
  return fold;
}

}  // namespace

std::vector<unit> form_units(const indexed_graph& g, const std::vector<kernels::tensor>& entries,
                             const std::function<bool(std::size_t)>& is_backward, bool blocked) {
  std::vector<unit> out;
  std::vector<int> readers(g.total, 0);
  for (const auto& inputs : g.input_entries)
    for (std::size_t e : inputs) ++readers[e];
  for (bool backward : {false, true}) {
    bool phase_start = true;
    for (std::size_t nid = 0; nid < g.nodes.size(); ++nid) {
      const graph_node& n = *g.nodes[nid];
      if (n.is_variable() || is_backward(nid) != backward) continue;
      bool ew = kernels::is_elementwise(n);
      if (blocked && ew) {
        std::size_t size = entries[g.first_entry[nid]].size();
        if (!phase_start && !out.empty() && out.back().region && out.back().fold == no_node &&
            entries[g.first_entry[out.back().nodes[0]]].size() == size) {
          out.back().nodes.push_back(nid);
          continue;
        }
        out.push_back({{nid}, true, backward});
      } else if (auto fold = blocked && !phase_start && !out.empty() ? region_fold(g, entries, out.back(), nid, readers)
                                                                     : std::nullopt) {
        out.back().nodes.push_back(nid);
        out.back().fold = nid;
        out.back().fold_plan = fold;
      } else {
        out.push_back({{nid}, false, backward});
      }
      phase_start = false;
    }
  }
  return out;
}

std::shared_ptr<region_program> compile_region(const indexed_graph& g, const unit& w,
                                               const std::vector<kernels::tensor>& entries,
                                               const std::function<bool(std::size_t)>& stored, std::ptrdiff_t block) {
  auto p = std::make_shared<region_program>();
  p->block = block;
  p->n = std::ptrdiff_t(entries[g.first_entry[w.nodes[0]]].size());
  // Registers for entries that never leave the region, reused once their last reader ran.
  std::vector<int> reg(g.total, -1);
  std::vector<std::size_t> last_reader(g.total, 0);  // index in w.nodes
  for (std::size_t k = 0; k < w.nodes.size(); ++k)
    for (std::size_t e : g.input_entries[w.nodes[k]]) last_reader[e] = k;
  std::vector<int> free_regs;
  auto operand_of = [&](std::size_t e) {
    operand o;
    if (reg[e] >= 0)
      o.reg = reg[e];
    else
      o.base = static_cast<std::byte*>(entries[e].data), o.element_size = std::ptrdiff_t(dtype_size(entries[e].type));
    return o;
  };
  const std::size_t instructions = w.nodes.size() - (w.fold != no_node);
  for (std::size_t k = 0; k < instructions; ++k) {
    std::size_t nid = w.nodes[k], e = g.first_entry[nid];
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
    if (!stored(e)) {
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
  if (w.fold != no_node) {  // the folded value lives in a register, never in memory
    const std::size_t e = g.input_entries[w.fold][0];
    p->fold = w.fold_plan;
    p->fold_reg = reg[e];
    p->fold_out = entries[g.first_entry[w.fold]].data;
  }
#if defined(_OPENMP)
  p->threads = std::max(1, omp_get_max_threads());
#endif
  return p;
}

}  // namespace xsym::detail
