// Static graphs in the runtime: the Symbol of a described graph (symbol/from_static.hpp), and
// the path that runs a static graph bound to a GPU outside an nvcc unit (exec/gpu_plug.hpp):
// its Symbol, bound on the per-op GPU kernels. The path is registered before main by the
// anchor below, which xsym::runtime's link options pull into every program that links it.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "xsym/exec/gpu_plug.hpp"
#include "xsym/symbol/from_static.hpp"
#include "xsym/symbol/symbol.hpp"

namespace xsym::detail {

Symbol symbol_from(const graph_description& d) {
  std::vector<std::shared_ptr<graph_node>> nodes;
  nodes.reserve(d.nodes.size());
  for (const described_node& dn : d.nodes) {
    auto n = std::make_shared<graph_node>();
    n->name = dn.name;
    if (dn.is_variable()) {
      n->attrs = dn.attrs;  // a layer's variables carry its attributes, as in MXNet
      if (dn.pinned_dtype >= 0) n->attrs["__dtype__"] = std::to_string(dn.pinned_dtype);
    } else {
      n->op = dn.op;
      n->def = find_op(n->op);
      n->attrs = dn.attrs;
      if (n->def) n->num_outputs = n->def->outputs_of(n->attrs);  // BatchNorm's hidden mean and var
      for (const auto& in : dn.inputs)
        n->inputs.push_back({nodes.at(std::size_t(in.node)), std::uint32_t(in.index), 0});
    }
    nodes.push_back(std::move(n));
  }
  std::vector<node_entry> heads;
  for (const auto& h : d.heads) heads.push_back({nodes.at(std::size_t(h.node)), std::uint32_t(h.index), 0});
  return Symbol(std::move(heads));
}

namespace {

runtime_gpu_binding bind_on_gpu(const graph_description& graph, context ctx, const std::vector<ndarray>& args) {
  Symbol s = symbol_from(graph);
  std::map<std::string, ndarray> named;
  const auto names = s.list_arguments();
  for (std::size_t k = 0; k < args.size() && k < names.size(); ++k) named.emplace(names[k], args[k]);
  auto ex = std::make_shared<Executor>(s.bind(ctx, named));
  runtime_gpu_binding b;
  b.launch = [](void* state, void* stream) {
    auto& e = *static_cast<Executor*>(state);
    if (e.stream() != stream) e.set_stream(stream);
    e.forward();
  };
  b.stream = ex->stream();
  b.outputs = ex->outputs();
  b.path = ex->path_description();
  b.state = std::move(ex);
  return b;
}

}  // namespace
}  // namespace xsym::detail

// Referenced by xsym::runtime's link options (CMakeLists.txt: --undefined), so that this object
// is linked, and the path registered, in every program that links xsym::runtime.
extern "C" const int xsym_runtime_static_gpu_anchor = (xsym::detail::runtime_gpu_binder_slot() = &xsym::detail::bind_on_gpu, 1);
