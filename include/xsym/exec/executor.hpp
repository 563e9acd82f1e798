#pragma once
// The executor of a bound static graph: it owns the output arrays, keeps the bound arguments
// alive, and runs the graph's fused loop (CPU) or fused kernel (GPU) on forward(). Bound with
// gradients (exec/bind_grad.hpp), it also runs backward() and forward_backward(): MXNet's
// executor semantics, each call one fused pass.
#include <cstddef>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../core/context.hpp"
#include "../core/error.hpp"
#include "../expr/graph_info.hpp"
#include "../ndarray/array_dict.hpp"
#include "../ndarray/ndarray.hpp"
#include "grad_req.hpp"

namespace xsym {

template <class G>
class executor {
 public:
  /// The instantiation of G's fused loop chosen at bind: graph (for its scalars), argument
  /// pointers in list_arguments order, output pointers, element count.
  using run_fn = void (*)(const G&, const void* const*, void* const*, std::ptrdiff_t);

  /// How forward() runs on a GPU, made by xsym::bind: `launch` enqueues the graph on `stream`
  /// (a cudaStream_t of gpu(device)) and orders it against the arrays' storage stream
  /// (cuda/README.md); `state` is what a launch needs besides the graph (the runtime executor
  /// of the per-op path), `owned_stream` keeps the executor's own stream alive.
  struct device_runner {
    using launch_fn = void (*)(const G& graph, const void* const* args, void* const* outs, std::ptrdiff_t n,
                               int device, void* stream, void* state);
    launch_fn launch = nullptr;
    void* stream = nullptr;
    std::shared_ptr<void> owned_stream;
    std::shared_ptr<void> state;
  };

  /// What backward() and forward_backward() run, made by xsym::bind with gradients: the fused
  /// loops of the backward graph (the gradients of every argument that can have one) and of
  /// the forward and backward graphs together, with each output written as its request says.
  struct gradient_runner {
    using run_fn = void (*)(const void* graph, const void* const* args, void* const* outs, const grad_req* reqs,
                            std::ptrdiff_t n);
    std::shared_ptr<const void> backward_graph, fused_graph;
    run_fn backward = nullptr, fused = nullptr;
    /// The arguments of the backward and fused graphs: forward argument k, or head gradient j
    /// as -1 - j.
    std::vector<int> backward_args, fused_args;
    /// The forward argument whose gradient each gradient output is.
    std::vector<int> gradient_of;
    /// Per forward argument: its gradient array (empty when it has none) and request.
    std::vector<ndarray> grads;
    std::vector<grad_req> reqs;
  };

  /// Made by xsym::bind: on the CPU, `run` is the fused loop.
  executor(G graph, xsym::context ctx, std::vector<ndarray> args, std::vector<ndarray> outputs, run_fn run,
           std::string path)
      : graph_(std::move(graph)), ctx_(ctx), args_(std::move(args)), outputs_(std::move(outputs)), run_(run),
        path_(std::move(path)) {
    for (const auto& a : args_) arg_ptrs_.push_back(a.raw_data());
    for (const auto& o : outputs_) out_ptrs_.push_back(o.raw_data());
    size_ = outputs_.empty() ? 0 : std::ptrdiff_t(outputs_[0].size());
  }
  /// Made by xsym::bind: on a GPU.
  executor(G graph, xsym::context ctx, std::vector<ndarray> args, std::vector<ndarray> outputs,
           device_runner device, std::string path)
      : executor(std::move(graph), ctx, std::move(args), std::move(outputs), run_fn{}, std::move(path)) {
    device_ = std::move(device);
    own_stream_ = device_.stream;
  }

  // One executor owns its outputs: copying would make two executors write the same arrays.
  executor(const executor&) = delete;
  executor& operator=(const executor&) = delete;
  executor(executor&&) noexcept = default;
  executor& operator=(executor&&) noexcept = default;

  /// Computes the outputs from the current contents of the bound arrays: one fused pass over
  /// the elements, no allocation. `is_train` is MXNet's; an elementwise graph keeps no
  /// intermediate for backward(), which recomputes from the arguments what it needs. On a GPU
  /// it is asynchronous: it enqueues the work on stream() and returns; reading an output
  /// (to_vector, copyto, xsym::cuda::wait_to_read) waits for it.
  void forward(bool is_train = false) {
    (void)is_train;  // an elementwise graph keeps nothing for backward: it recomputes what it needs
    if (device_.launch)
      device_.launch(graph_, arg_ptrs_.data(), out_ptrs_.data(), size_, ctx_.id, device_.stream, device_.state.get());
    else
      run_(graph_, arg_ptrs_.data(), out_ptrs_.data(), size_);
  }

  /// The cudaStream_t that forward() runs on (the executor's own unless set_stream chose
  /// another); null on the CPU.
  void* stream() const { return device_.stream; }
  /// Runs later forward() calls on `stream`, a cudaStream_t of the executor's GPU that the
  /// caller keeps alive while the executor uses it; null returns to the executor's own stream.
  /// Throws xsym::error on the CPU.
  void set_stream(void* stream) {
    if (!device_.launch)
      throw error("xsym::executor::set_stream: the executor runs on " + ctx_.str() + ", which has no streams");
    device_.stream = stream ? stream : own_stream_;
  }

  /// The output arrays, one per graph output (list_outputs order). They keep their storage
  /// across forward() calls.
  const std::vector<ndarray>& outputs() const { return outputs_; }

  /// The bound arrays by argument name, in list_arguments order.
  array_dict arg_dict() const {
    std::vector<array_dict::value_type> d;
    for (std::size_t k = 0; k < args_.size(); ++k) d.emplace_back(detail::graph_info<G>::arguments[k], args_[k]);
    return array_dict(std::move(d));
  }
  /// The outputs by output name, in list_outputs order.
  array_dict output_dict() const {
    std::vector<array_dict::value_type> d;
    for (std::size_t k = 0; k < outputs_.size(); ++k) d.emplace_back(detail::graph_info<G>::outputs[k], outputs_[k]);
    return array_dict(std::move(d));
  }

  // ---- gradients (bound with args_grad) -----------------------------------------------------

  /// MXNet's backward: computes the gradient of every argument with a gradient request, given
  /// one head gradient per output (list_outputs order; shape and dtype of the output), from the
  /// current contents of the arguments: one fused pass that recomputes the forward values it
  /// needs, so call it after changing no argument since forward(). `write` overwrites the
  /// gradient array, `add` adds to it, `null` leaves it untouched. Throws xsym::error for a
  /// missing head gradient (MXNet's message, naming the output) or one of the wrong shape,
  /// dtype or context, and when the executor was bound without gradients.
  void backward(const std::vector<ndarray>& out_grads) { run_gradients(out_grads, false); }
  void backward(std::initializer_list<ndarray> out_grads) { backward(std::vector<ndarray>(out_grads)); }
  /// The head gradients by output name.
  void backward(const std::map<std::string, ndarray>& out_grads) { backward(heads_by_name(out_grads)); }
  /// Without head gradients: an error naming the first output, since static graphs have no loss
  /// outputs (MXNet's rule for a plain output).
  void backward() { backward(std::vector<ndarray>{}); }

  /// forward() and backward(out_grads) in one fused pass over the elements (one loop on the
  /// CPU), reading each argument once: the outputs and every requested gradient.
  void forward_backward(const std::vector<ndarray>& out_grads) { run_gradients(out_grads, true); }
  void forward_backward(std::initializer_list<ndarray> out_grads) { forward_backward(std::vector<ndarray>(out_grads)); }
  void forward_backward(const std::map<std::string, ndarray>& out_grads) {
    forward_backward(heads_by_name(out_grads));
  }

  /// The gradient arrays, one per argument in list_arguments order; an empty ndarray for an
  /// argument without one (MXNet's None).
  const std::vector<ndarray>& grad_arrays() const {
    static const std::vector<ndarray> none;
    return gradients_ ? gradients_->grads : none;
  }
  /// The gradient arrays by argument name, in list_arguments order (empty where MXNet has None).
  array_dict grad_dict() const {
    std::vector<array_dict::value_type> d;
    for (std::size_t k = 0; k < args_.size(); ++k)
      d.emplace_back(detail::graph_info<G>::arguments[k], k < grad_arrays().size() ? grad_arrays()[k] : ndarray());
    return array_dict(std::move(d));
  }
  /// The gradient request of each argument, in list_arguments order.
  std::vector<grad_req> grad_reqs() const {
    return gradients_ ? gradients_->reqs : std::vector<grad_req>(args_.size(), grad_req::null);
  }
  /// Made by xsym::bind with gradients.
  void set_gradients(gradient_runner r) { gradients_ = std::make_shared<gradient_runner>(std::move(r)); }

  xsym::context context() const { return ctx_; }
  /// Which execution path forward() takes, e.g. "static fused CPU loop (float32)" or
  /// "fused CUDA kernel on gpu(0) (float32)".
  const std::string& path() const { return path_; }

 private:
  G graph_;
  xsym::context ctx_;
  std::vector<ndarray> args_, outputs_;
  std::vector<const void*> arg_ptrs_;
  std::vector<void*> out_ptrs_;
  std::ptrdiff_t size_ = 0;
  run_fn run_;
  device_runner device_;
  void* own_stream_ = nullptr;
  std::string path_;
  std::shared_ptr<const gradient_runner> gradients_;

  std::vector<ndarray> heads_by_name(const std::map<std::string, ndarray>& named) const {
    using info = detail::graph_info<G>;
    for (const auto& [name, _] : named) {
      bool known = false;
      for (std::string_view o : info::outputs) known = known || o == name;
      if (!known) throw error("xsym::executor::backward: '" + name + "' is not an output of the graph");
    }
    std::vector<ndarray> heads;
    for (std::string_view o : info::outputs) {
      auto it = named.find(std::string(o));
      if (it == named.end()) return heads;  // run_gradients names the first missing output
      heads.push_back(it->second);
    }
    return heads;
  }

  void run_gradients(const std::vector<ndarray>& out_grads, bool with_forward) {
    using info = detail::graph_info<G>;
    const char* who = with_forward ? "xsym::executor::forward_backward: " : "xsym::executor::backward: ";
    if (!gradients_)
      throw error(std::string(who) + "the executor was bound without gradients; bind with args_grad "
                  "(xsym::bind(e, ctx, args, args_grad, grad_req))");
    const gradient_runner& r = *gradients_;
    if (out_grads.size() < outputs_.size())
      throw error(std::string(who) + "output '" + std::string(info::outputs[out_grads.size()]) +
                  "' has no head gradient: because the last operator is not Loss function, head_gradient is "
                  "required when calling backward (give one array per output)");
    if (out_grads.size() > outputs_.size())
      throw error(std::string(who) + "got " + std::to_string(out_grads.size()) + " head gradients for " +
                  std::to_string(outputs_.size()) + " outputs");
    for (std::size_t k = 0; k < outputs_.size(); ++k) {
      const ndarray& h = out_grads[k];
      auto what = [&] { return std::string(who) + "the head gradient of output '" + std::string(info::outputs[k]) + "'"; };
      if (!h.has_storage()) throw error(what() + " is an empty ndarray");
      if (h.shape() != outputs_[k].shape())
        throw error(what() + " has shape " + h.shape().str() + ", but the output has shape " + outputs_[k].shape().str());
      if (h.dtype() != outputs_[k].dtype())
        throw error(what() + " is " + std::string(dtype_name(h.dtype())) + ", but the output is " +
                    std::string(dtype_name(outputs_[k].dtype())));
      if (h.context() != ctx_)
        throw error(what() + " is on " + h.context().str() + ", but the executor is on " + ctx_.str());
    }
    if (!r.backward || !r.fused) {  // no gradient can be asked for (integers): nothing to compute
      if (with_forward) forward();
      return;
    }
    auto pointers = [&](const std::vector<int>& sources) {
      std::vector<const void*> p;
      for (int s : sources) p.push_back(s >= 0 ? arg_ptrs_[std::size_t(s)] : out_grads[std::size_t(-1 - s)].raw_data());
      return p;
    };
    std::vector<void*> outs;
    std::vector<grad_req> reqs;
    if (with_forward)
      for (void* o : out_ptrs_) outs.push_back(o), reqs.push_back(grad_req::write);
    for (int k : r.gradient_of) {
      outs.push_back(r.grads[std::size_t(k)].raw_data());
      reqs.push_back(r.reqs[std::size_t(k)]);
    }
    if (with_forward)
      r.fused(r.fused_graph.get(), pointers(r.fused_args).data(), outs.data(), reqs.data(), size_);
    else
      r.backward(r.backward_graph.get(), pointers(r.backward_args).data(), outs.data(), reqs.data(), size_);
  }
};

}  // namespace xsym
