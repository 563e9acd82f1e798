// Binding a runtime Symbol (Symbol::bind and simple_bind, executor.cpp): the arguments checked
// and the shapes inferred, the path chosen (executor.hpp), and the executor built from the parts
// that each do one job:
//   runtime_plan.hpp   the plan: the planner's stages (the static graphs' planner, run at bind)
//   memory_plan.hpp    where each stored entry lives: an output array or a reused buffer
//   cpu_program.hpp    a step per stage on the CPU (blocked program, or one node's kernel)
//   gpu_program.hpp    a step per stage on gpu(i) (one CUDA kernel per node, on the stream)
// forward() runs the steps; it allocates nothing. The static_fused path's one step is the
// static graph's fused loop. Bound with gradients, the backward stages' steps come after the
// forward ones.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bind_gradients.hpp"
#include "cpu_program.hpp"
#include "executor_impl.hpp"
#include "gpu_program.hpp"
#include "indexed_graph.hpp"
#include "kernels.hpp"
#include "memory_plan.hpp"
#include "runtime_plan.hpp"
#include "xsym/core/error.hpp"

namespace xsym {

namespace {

using detail::runtime_plan;

using detail::indexed_graph;
using kernels::tensor;

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

bool runnable_dtype(dtype t) { return t != dtype::float16; }

// ---- building an executor ---------------------------------------------------------------

class builder {
 public:
  // With gradients, `s` is the gradient binding's graph: the symbol's outputs, then its gradients.
  builder(const Symbol& s, context ctx, const bind_options& options, Executor::impl& ex,
          const detail::gradient_binding* gradients = nullptr)
      : s_(s), g_(s, "xsym::Symbol::bind"), options_(options), ex_(ex), grad_(gradients) {
    ex_.ctx = ctx;
    ex_.state.seed = options.seed;
    if (grad_) {
      ex_.has_gradients = true;
      ex_.grads = grad_->grads;
      ex_.reqs = grad_->reqs;
      ex_.head_grads = grad_->head_grads;
      ex_.needs_head_grad = grad_->needs_head_grad;
    }
  }

  void bind(const std::map<std::string, ndarray>& args) {
    const bool gpu = ex_.ctx.type != context::device::cpu;
    // What the graph alone can tell comes first (an op xsym does not know is the cause of
    // everything after it); on a GPU the checks that need no device come before the device.
    if (gpu)
      prepare_gpu();
    else
      check_ops();
    collect_inputs(args);
    infer();
    allocate_outputs();
    ex_.path = choose_path();
    if (ex_.path != execution_path::static_fused && may_run_static())  // check_ops left it to here
      for (const auto& n : g_.nodes) check_runnable(*n);
    switch (ex_.path) {
      case execution_path::static_fused: build_static(); break;
      case execution_path::blocked_fused: build_steps(true); break;
      default: build_steps(false); break;
    }
  }

 private:
  const Symbol& s_;
  indexed_graph g_;
  const bind_options& options_;
  Executor::impl& ex_;
  std::vector<tensor> entries_;  // by entry id: shape, dtype and (once assigned) data
  std::vector<int> head_output_;  // by entry id: the head it is written into directly, or -1
  const detail::gradient_binding* grad_;
  std::vector<ndarray> head_arrays_;  // by head: the output, or the gradient array it is written into
  std::size_t num_forward_heads_ = 0;  // heads [0, this) are the symbol's outputs

  // Whether node nid runs in backward() (it is not one of the symbol's own nodes).
  bool is_backward(std::size_t nid) const { return grad_ && !grad_->forward_nodes.count(g_.nodes[nid].get()); }
  bool is_internal(const std::string& n) const { return grad_ && grad_->internal.count(n); }

  const std::string& name(std::size_t nid) const { return g_.nodes[nid]->name; }
  bool on_gpu() const { return ex_.gpu != nullptr; }

  // A Symbol on gpu(i) runs per op, through the CUDA layer's elementwise kernels. What can be
  // told from the graph alone is checked before the device is touched, so that these errors
  // read the same on machines without a GPU.
  void prepare_gpu() {
    const symbol_gpu_backend* b = detail::symbol_gpu_backend_slot();
    if (!b)
      throw error("xsym::Symbol::bind: no runtime backend for " + ex_.ctx.str() +
                  ": link xsym::cuda (build with CUDA)");
    if (options_.path == execution_path::static_fused || options_.path == execution_path::blocked_fused)
      throw error("xsym::Symbol::bind: the " + std::string(execution_path_name(options_.path)) +
                  " path runs on the CPU only; on " + ex_.ctx.str() + " a Symbol runs per_op (per-op CUDA kernels)");
    check_ops();
    for (const auto& n : g_.nodes)
      if (!n->is_variable() && !kernels::is_elementwise(*n))
        throw error("xsym::Symbol::bind: no GPU kernel for " + n->op + " node '" + n->name +
                    "'; network ops run on the CPU");
    b->require_device(ex_.ctx.id, "xsym::Symbol::bind");
    ex_.gpu = b;
    ex_.own_stream = b->make_stream(ex_.ctx.id);
    ex_.stream = ex_.own_stream.get();
  }

  // Arguments and auxiliary states: every one bound, none unknown, all on the executor's context.
  void collect_inputs(const std::map<std::string, ndarray>& args) {
    for (std::size_t nid : g_.arguments)
      if (!is_internal(name(nid))) ex_.arg_names.push_back(name(nid));
    for (std::size_t nid : g_.auxiliary) ex_.aux_names.push_back(name(nid));
    ex_.out_names = s_.list_outputs();
    num_forward_heads_ = grad_ ? g_.heads.size() - grad_->gradient_outputs.size() : g_.heads.size();
    ex_.out_names.resize(num_forward_heads_);
    auto is = [](const std::vector<std::string>& v, const std::string& n) {
      return std::find(v.begin(), v.end(), n) != v.end();
    };
    for (const auto& [key, _] : args) {
      if (is(ex_.aux_names, key))
        throw error("xsym::Symbol::bind: '" + key + "' is an auxiliary state, not an argument; pass it in "
                    "bind_options::aux_states");
      if (!is(ex_.arg_names, key) && !is_internal(key))
        throw error("xsym::Symbol::bind: '" + key + "' is not an argument of the symbol; its arguments are " +
                    joined(ex_.arg_names));
    }
    for (const auto& [key, _] : options_.aux_states)
      if (!is(ex_.aux_names, key))
        throw error("xsym::Symbol::bind: '" + key + "' in aux_states is not an auxiliary state of the symbol" +
                    (ex_.aux_names.empty() ? std::string(", which has none") : "; they are " + joined(ex_.aux_names)));
    auto take = [&](const std::map<std::string, ndarray>& from, const std::string& n, const char* what,
                    const char* where) {
      auto it = from.find(n);
      if (it == from.end())
        throw error("xsym::Symbol::bind: " + std::string(what) + " '" + n + "' is not bound" + where);
      const ndarray& a = it->second;
      if (!a.has_storage())
        throw error("xsym::Symbol::bind: " + std::string(what) + " '" + n + "' is bound to an empty ndarray");
      if (a.context() != ex_.ctx)
        throw error("xsym::Symbol::bind: " + std::string(what) + " '" + n + "' is on " + a.context().str() +
                    ", but the symbol is bound to " + ex_.ctx.str());
      if (!runnable_dtype(a.dtype()))
        throw error("xsym::Symbol::bind: " + std::string(what) + " '" + n + "' is " +
                    std::string(dtype_name(a.dtype())) + ", which xsym's " + (on_gpu() ? "GPU" : "CPU") +
                    " kernels do not run");
      return a;
    };
    for (const auto& n : ex_.arg_names)
      ex_.args.push_back(take(args, n, "argument", ("; the symbol's arguments are " + joined(ex_.arg_names)).c_str()));
    for (const auto& n : ex_.aux_names)
      ex_.aux.push_back(take(options_.aux_states, n, "auxiliary state", " (pass it in bind_options::aux_states, "
                                                                        "or use simple_bind)"));
  }

  // The shape and dtype of every entry, from the bound arrays.
  void infer() {
    std::map<std::string, shape> shapes;
    std::map<std::string, dtype> dtypes;
    for (std::size_t k = 0; k < ex_.args.size(); ++k) {
      shapes[ex_.arg_names[k]] = ex_.args[k].shape();
      dtypes[ex_.arg_names[k]] = ex_.args[k].dtype();
    }
    for (std::size_t k = 0; k < ex_.aux.size(); ++k) {
      shapes[ex_.aux_names[k]] = ex_.aux[k].shape();
      dtypes[ex_.aux_names[k]] = ex_.aux[k].dtype();
    }
    if (grad_)
      for (const auto& n : grad_->internal) {
        shapes[n] = grad_->args.at(n).shape();
        dtypes[n] = grad_->args.at(n).dtype();
      }
    // Inference takes the bound shapes as they are (a 0 dimension is empty, not unknown); then
    // every bound array must match what the graph needs of it.
    detail::entry_attributes attrs;
    try {
      attrs = detail::infer_entries(g_, shapes, dtypes);
    } catch (const error& e) {
      throw error(std::string("xsym::Symbol::bind: ") + e.what());
    }
    entries_.resize(g_.total);
    for (std::size_t e = 0; e < g_.total; ++e) entries_[e] = tensor{nullptr, attrs.dtypes[e], attrs.shapes[e]};
    auto check = [&](std::size_t nid, const ndarray& a, const char* what) {
      const tensor& t = entries_[g_.first_entry[nid]];
      if (t.dims != a.shape() || t.type != a.dtype())
        throw error("xsym::Symbol::bind: " + std::string(what) + " '" + name(nid) + "' is " +
                    std::string(dtype_name(a.dtype())) + " " + a.shape().str() + ", but the graph needs " +
                    std::string(dtype_name(t.type)) + " " + t.dims.str());
      entries_[g_.first_entry[nid]].data = a.raw_data();
    };
    std::size_t k = 0;
    for (std::size_t nid : g_.arguments)
      if (is_internal(name(nid)))
        check(nid, grad_->args.at(name(nid)), "head or accumulated gradient");
      else
        check(nid, ex_.args[k++], "argument");
    for (k = 0; k < ex_.aux.size(); ++k) check(g_.auxiliary[k], ex_.aux[k], "auxiliary state");
  }

  void check_ops() const {
    for (std::size_t nid = 0; nid < g_.nodes.size(); ++nid) {
      const graph_node& n = *g_.nodes[nid];
      if (n.is_variable()) continue;
      if (n.def && !n.def->variadic && n.inputs.size() != n.def->num_inputs(n.attrs)) {
        std::string names;
        for (std::size_t i = 0; i < n.def->num_inputs(n.attrs); ++i) names += (i ? ", " : "") + n.def->input_name(i);
        throw error("xsym::Symbol::bind: node '" + n.name + "' (" + n.op + ") has " + std::to_string(n.inputs.size()) +
                    " input" + (n.inputs.size() == 1 ? "" : "s") + ", but the op takes " +
                    std::to_string(n.def->num_inputs(n.attrs)) + " (" + names + ")");
      }
      if (kernels::is_elementwise(n) || kernels::has_nn_kernel(n)) continue;
      if (!n.def) throw error("xsym::Symbol::bind: " + unknown_op_message(n.op, n.name));
      // A known op without a kernel (a gradient graph's _backward_* op) runs in the loop kept
      // from the static graph; check_runnable says so if that path is not taken.
      if (!may_run_static()) check_runnable(n);
    }
  }
  // Whether the kept static loop may run this symbol (it decides once the dtypes are known).
  bool may_run_static() const {
    return s_.compiled() && options_.path != execution_path::per_op && options_.path != execution_path::blocked_fused;
  }
  static void check_runnable(const graph_node& n) {
    if (n.is_variable() || kernels::is_elementwise(n) || kernels::has_nn_kernel(n)) return;
    throw error("xsym::Symbol::bind: node '" + n.name + "' has op '" + n.op +
                "', which xsym cannot run (it is registered for loading, introspection and inference only)");
  }

  void allocate_outputs() {
    head_output_.assign(g_.total, -1);
    for (std::size_t k = 0; k < g_.heads.size(); ++k) {
      std::size_t e = g_.heads[k];
      if (k < num_forward_heads_) {
        ex_.outputs.emplace_back(entries_[e].dims, entries_[e].type, ex_.ctx);
        head_arrays_.push_back(ex_.outputs.back());
      } else {
        head_arrays_.push_back(grad_->gradient_outputs[k - num_forward_heads_]);
      }
      bool variable = g_.nodes[g_.node_of(e)]->is_variable();  // copied at the end of forward()
      if (head_output_[e] < 0 && !variable) head_output_[e] = int(k);
    }
  }

  // ---- choosing the path ----
  std::string static_unavailable() const {
    const auto& c = s_.compiled();
    if (grad_) return "it is bound with gradients, which the kept static loop does not compute in this version";
    if (!c) return "the symbol was not converted from a static graph (or was derived from one)";
    std::vector<dtype> types;
    for (const auto& a : ex_.args) types.push_back(a.dtype());
    if (!c->find(types)) return "its static graph was not compiled for these argument dtypes (" + c->compiled_for() + ")";
    for (const auto& o : ex_.outputs)
      if (o.size() != ex_.outputs[0].size()) return "its outputs differ in size, and one fused loop writes them all";
    return {};
  }

  execution_path choose_path() const {
    if (on_gpu()) return execution_path::per_op;  // prepare_gpu refused the other paths
    bool any_elementwise = false;
    for (const auto& n : g_.nodes) any_elementwise |= kernels::is_elementwise(*n);
    switch (options_.path) {
      case execution_path::static_fused:
        if (auto why = static_unavailable(); !why.empty())
          throw error("xsym::Symbol::bind: the static_fused path cannot run this symbol: " + why);
        return execution_path::static_fused;
      case execution_path::blocked_fused:
      case execution_path::per_op: return options_.path;
      case execution_path::automatic: break;
    }
    if (static_unavailable().empty()) return execution_path::static_fused;
    return any_elementwise ? execution_path::blocked_fused : execution_path::per_op;
  }

  // ---- static_fused: the kept fused loop writes every output ----
  void build_static() {
    std::vector<dtype> types;
    for (const auto& a : ex_.args) types.push_back(a.dtype());
    ex_.compiled = s_.compiled();
    auto run = ex_.compiled->find(types);
    std::vector<const void*> in;
    std::vector<void*> out;
    for (const auto& a : ex_.args) in.push_back(a.raw_data());
    for (const auto& o : ex_.outputs) out.push_back(o.raw_data());
    auto n = ex_.outputs.empty() ? std::ptrdiff_t(0) : std::ptrdiff_t(ex_.outputs[0].size());
    ex_.steps.push_back([run, in, out, n] { run(in.data(), out.data(), n); });
    ex_.forward_steps = ex_.steps.size();
    ex_.plan = runtime_plan(g_, entries_, [](std::size_t) { return false; }, true).describe(s_.list_outputs());
    std::string types_text;
    for (const auto& o : ex_.outputs) types_text += (types_text.empty() ? "" : ", ") + std::string(dtype_name(o.dtype()));
    ex_.description = "static fused CPU loop kept from the static graph (" + types_text + ")";
  }

  // ---- per_op and blocked_fused: the plan's stages (runtime_plan.hpp) over the storage the
  // memory plan assigns (memory_plan.hpp), as CPU or GPU steps (cpu_program.hpp, gpu_program.hpp)
  void build_steps(bool blocked) {
    const runtime_plan plan(g_, entries_, [this](std::size_t nid) { return is_backward(nid); }, blocked);
    ex_.plan = plan.describe(s_.list_outputs());
    detail::assign_storage(g_, plan, entries_, head_output_, head_arrays_, ex_.buffers, ex_.ctx);
    const std::size_t planned = ex_.buffers.size();
    std::size_t regions = 0, folds = 0, per_op_nodes = 0;
    ex_.forward_steps = std::size_t(-1);
    for (int u = 0; u < plan.num_stages(); ++u) {
      const plan::stage_record& w = plan.stage(u);
      if (w.backward && ex_.forward_steps == std::size_t(-1)) {
        copy_remaining_outputs(0, num_forward_heads_);
        ex_.forward_steps = ex_.steps.size();
      }
      if (on_gpu())
        detail::add_gpu_stage(*ex_.gpu, g_, plan, u, entries_, &ex_.stream, ex_.steps);
      else
        detail::add_cpu_stage(g_, plan, u, entries_, block_size(), &ex_.state, ex_.buffers, ex_.steps);
      const bool region = w.kind == plan::stage_kind::fused_elementwise;
      regions += region;
      folds += w.fold >= 0;
      per_op_nodes += !region;
    }
    if (ex_.forward_steps == std::size_t(-1)) {
      copy_remaining_outputs(0, num_forward_heads_);
      ex_.forward_steps = ex_.steps.size();
    }
    copy_remaining_outputs(num_forward_heads_, g_.heads.size());

    std::size_t bytes = 0;
    for (const auto& b : ex_.buffers) bytes += b.nbytes();
    ex_.intermediate_bytes = bytes;
    if (blocked)
      ex_.description = "blocked fused interpreter (" + std::to_string(regions) + " elementwise region" +
                        (regions == 1 ? "" : "s") +
                        (folds ? " (" + std::to_string(folds) + " folding a reduction)" : std::string()) +
                        ", blocks of " + std::to_string(block_size()) + " elements" +
                        (per_op_nodes ? ", " + std::to_string(per_op_nodes) + " other node" +
                                            (per_op_nodes == 1 ? "" : "s") + " per op"
                                      : std::string()) +
                        ")";
    else if (on_gpu())
      ex_.description = "per-op CUDA kernels on " + ex_.ctx.str() + " (" + std::to_string(per_op_nodes) + " node" +
                        (per_op_nodes == 1 ? "" : "s") + ", " + std::to_string(planned) + " intermediate buffer" +
                        (planned == 1 ? "" : "s") + ")";
    else
      ex_.description = "per-op interpreter (" + std::to_string(per_op_nodes) + " node" +
                        (per_op_nodes == 1 ? "" : "s") + ", " + std::to_string(planned) + " intermediate buffer" +
                        (planned == 1 ? "" : "s") + ", " + std::to_string(bytes) + " bytes)";
    if (grad_) {
      std::size_t backward_nodes = 0;
      for (std::size_t nid = 0; nid < g_.nodes.size(); ++nid)
        backward_nodes += !g_.nodes[nid]->is_variable() && is_backward(nid);
      ex_.description += ", with " + std::to_string(backward_nodes) + " backward node" +
                         (backward_nodes == 1 ? "" : "s") + " in backward()";
    }
  }

  std::ptrdiff_t block_size() const { return std::max<std::ptrdiff_t>(64, (options_.block_size + 63) / 64 * 64); }

  // Heads [begin, end) not written directly: a variable given out as an output, or an entry
  // given out twice.
  void copy_remaining_outputs(std::size_t begin, std::size_t end) {
    for (std::size_t k = begin; k < end; ++k) {
      std::size_t e = g_.heads[k];
      if (head_output_[e] == int(k)) continue;
      const ndarray& to = head_arrays_[k];
      if (on_gpu())
        detail::add_gpu_copy(*ex_.gpu, entries_[e], tensor{to.raw_data(), to.dtype(), to.shape()},
                             "output '" + (k < ex_.out_names.size() ? ex_.out_names[k] : s_.list_outputs()[k]) + "'",
                             &ex_.stream, ex_.steps);
      else
        detail::add_cpu_copy(entries_[e].data, to.raw_data(), to.nbytes(), ex_.steps);
    }
  }
};

}  // namespace

void detail::build_executor(const Symbol& s, context ctx, const bind_options& options, Executor::impl& ex,
                            const std::map<std::string, ndarray>& args, const gradient_binding* gradients) {
  builder(s, ctx, options, ex, gradients).bind(args);
}

}  // namespace xsym
