// The CPU steps of a planned runtime graph (cpu_program.hpp).
#include "cpu_program.hpp"

#include <cstring>
#include <memory>

#include "blocked_region.hpp"

namespace xsym::detail {

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
