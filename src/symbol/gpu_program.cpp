// The GPU steps of a planned runtime graph (gpu_program.hpp).
#include "gpu_program.hpp"

#include <array>

#include "xsym/core/error.hpp"
#include "xsym/ops/table.hpp"

namespace xsym::detail {

namespace {

void add_launch(gpu_elementwise_launch launch, const std::vector<kernels::tensor>& in, const kernels::tensor& out,
                elementwise_params params, void* const* stream, std::vector<step>& steps) {
  std::array<const void*, kernels::max_elementwise_inputs> ptrs{};
  for (std::size_t j = 0; j < in.size() && j < ptrs.size(); ++j) ptrs[j] = in[j].data;
  auto n = std::ptrdiff_t(out.size());
  steps.push_back([launch, ptrs, to = out.data, n, params, stream] { launch(ptrs.data(), to, n, params, *stream); });
}

}  // namespace

void add_gpu_stage(const symbol_gpu_backend& gpu, const indexed_graph& g, const runtime_plan& plan, int s,
                   const std::vector<kernels::tensor>& entries, void* const* stream, std::vector<step>& steps) {
  const std::size_t nid = std::size_t(plan.nodes(s)[0]);
  const graph_node& n = *g.nodes[nid];
  std::vector<kernels::tensor> in;
  for (std::size_t e : g.input_entries[nid]) in.push_back(entries[e]);
  const kernels::tensor& out = entries[g.first_entry[nid]];
  gpu_elementwise_launch launch = gpu.find_elementwise(n.def->name, in.at(0).type, out.type);
  if (!launch)
    throw error(n.op + " node '" + n.name + "': no GPU kernel for " + std::string(dtype_name(in.at(0).type)) +
                (in.at(0).type == out.type ? "" : " to " + std::string(dtype_name(out.type))));
  auto k = kernels::find_elementwise(n, in.at(0).type, out.type);  // parses the attributes
  add_launch(launch, in, out, k.params, stream, steps);
}

void add_gpu_copy(const symbol_gpu_backend& gpu, const kernels::tensor& from, const kernels::tensor& to,
                  const std::string& what, void* const* stream, std::vector<step>& steps) {
  gpu_elementwise_launch copy = gpu.find_elementwise(ops::identity::names.mxnet, to.type, to.type);
  if (!copy)
    throw error("xsym::Symbol::bind: no GPU copy kernel for " + what + " (" + std::string(dtype_name(to.type)) + ")");
  add_launch(copy, {from}, to, {}, stream, steps);
}

}  // namespace xsym::detail
