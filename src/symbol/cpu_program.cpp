// The CPU steps of a planned runtime graph (cpu_program.hpp).
#include "cpu_program.hpp"

#include <algorithm>
#include <cstring>
#include <memory>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "blocked_region.hpp"

namespace xsym::detail {

namespace {

// The blocked program of fused stage s, over `block` elements at a time. Entries the plan stores
// are read from and written to their arrays (`entries[e].data`); the others live in block
// registers, reused once their last reader ran. The caller gives it scratch memory for
// `threads x registers x register_bytes()` bytes.
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

}  // namespace

void add_cpu_stage(const indexed_graph& g, const runtime_plan& plan, int s, const std::vector<kernels::tensor>& entries,
                   std::ptrdiff_t block, const kernels::run_state* state, std::vector<ndarray>& buffers,
                   std::vector<step>& steps) {
  if (plan.stage(s).kind == plan::stage_kind::fused_elementwise) {
    std::shared_ptr<region_program> p = compile_region(g, plan, s, entries, block);
    std::size_t scratch = std::size_t(p->threads) * std::size_t(p->registers) * std::size_t(p->register_bytes());
    if (scratch > 0) {
      buffers.emplace_back(shape{std::int64_t(scratch)}, dtype::uint8, cpu());
      p->scratch = static_cast<std::byte*>(buffers.back().raw_data());
    }
    steps.push_back([p] { p->run(); });
    return;
  }
  const std::size_t nid = std::size_t(plan.nodes(s)[0]);
  const graph_node& n = *g.nodes[nid];
  std::vector<kernels::tensor> in;
  for (std::size_t e : g.input_entries[nid]) in.push_back(entries[e]);
  std::vector<kernels::tensor> out(entries.begin() + std::ptrdiff_t(g.first_entry[nid]),
                                   entries.begin() + std::ptrdiff_t(g.first_entry[nid] + g.num_entries[nid]));
  if (kernels::is_elementwise(n)) {
    auto k = kernels::find_elementwise(n, in.at(0).type, out.at(0).type);
    steps.push_back([k, in, o = out[0]] { kernels::run_parallel(k, in, o); });
  } else {
    auto k = kernels::make_nn_kernel(n, in, out, state);
    steps.push_back([k, in, out] { k(in, out); });
  }
}

void add_cpu_copy(const void* from, void* to, std::size_t bytes, std::vector<step>& steps) {
  steps.push_back([from, to, bytes] {
    if (bytes) std::memcpy(to, from, bytes);
  });
}

}  // namespace xsym::detail
