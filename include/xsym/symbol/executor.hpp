#pragma once
// The executor of a bound runtime Symbol (MXNet's Executor): made by Symbol::bind and
// Symbol::simple_bind, it owns the outputs and the intermediates and runs the graph on forward().
//
// A Symbol runs one of three ways, and the executor says which (path(), path_description()):
//   static_fused   a Symbol converted from a static graph (`xsym::Symbol s = e;`) keeps the fused
//                  loops e was compiled with; bound on cpu with those dtypes, it runs them.
//   blocked_fused  elementwise parts run as an op list over blocks of a few thousand elements
//                  that stay in cache (one pass over memory, no full-size temporaries); other
//                  nodes (FullyConnected, Convolution, ...) run per op between them.
//   per_op         MXNet's way: one pass per node with full-size intermediates, whose memory
//                  is planned (dead intermediates are reused, elementwise ops run in place).
// The default, `automatic`, takes the first of these that applies.
//
// On gpu(i) (a program linking xsym::cuda) a Symbol runs per_op only: one CUDA kernel per node,
// the same fused kernel a static graph instantiates, on a stream the executor owns. Every node
// must be elementwise (network ops run on the CPU); asking for static_fused or blocked_fused
// there is an xsym::error. Without xsym::cuda, binding on a GPU is an xsym::error saying so.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../core/context.hpp"
#include "../exec/grad_req.hpp"
#include "../ndarray/array_dict.hpp"
#include "../ndarray/ndarray.hpp"

namespace xsym {

enum class execution_path { automatic, static_fused, blocked_fused, per_op };

/// "automatic", "static_fused", "blocked_fused" or "per_op".
constexpr std::string_view execution_path_name(execution_path p) {
  switch (p) {
    case execution_path::automatic: return "automatic";
    case execution_path::static_fused: return "static_fused";
    case execution_path::blocked_fused: return "blocked_fused";
    case execution_path::per_op: return "per_op";
  }
  return "?";
}

/// MXNet's grad_req for Symbol::bind and simple_bind: one request for every argument
/// (`xsym::grad_req::write`), or one per argument name, where a name left out is null
/// (`{{"w", xsym::grad_req::add}}`). Left unspecified, bind writes the gradient of every argument
/// that has an array in args_grad (MXNet's default, 'write'), and simple_bind allocates no
/// gradients (MXNet's default is 'write'; xsym's keeps inference-only programs free of them).
class grad_requests {
 public:
  grad_requests() = default;
  grad_requests(grad_req all) : all_(all), specified_(true) {}
  grad_requests(std::map<std::string, grad_req> by_name)
      : by_name_(std::move(by_name)), named_(true), specified_(true) {}
  grad_requests(std::initializer_list<std::pair<const std::string, grad_req>> by_name)
      : grad_requests(std::map<std::string, grad_req>(by_name)) {}

  bool specified() const { return specified_; }
  /// The per-name form (names left out are null)?
  bool named() const { return named_; }
  const std::map<std::string, grad_req>& by_name() const { return by_name_; }
  /// The request of argument `name`; `unspecified` when none was given.
  grad_req of(const std::string& name, grad_req unspecified) const {
    if (!specified_) return unspecified;
    if (!named_) return all_;
    auto it = by_name_.find(name);
    return it == by_name_.end() ? grad_req::null : it->second;
  }

 private:
  grad_req all_ = grad_req::null;
  std::map<std::string, grad_req> by_name_;
  bool named_ = false, specified_ = false;
};

/// How Symbol::bind and simple_bind build the executor.
struct bind_options {
  /// The path to take; a path that cannot run this graph is an xsym::error saying why.
  execution_path path = execution_path::automatic;
  /// bind only: the gradient arrays by argument name (MXNet's args_grad). An argument without
  /// one gets no gradient (its request is null). simple_bind allocates them (zeros).
  std::map<std::string, ndarray> args_grad = {};
  /// What backward() does with each gradient array: write, add or null (see grad_requests).
  grad_requests grad_req = {};
  /// bind only: auxiliary states by name (BatchNorm's moving_mean, moving_var). simple_bind
  /// allocates them (zeros).
  std::map<std::string, ndarray> aux_states = {};
  /// The blocked fused interpreter's block, in elements (rounded up to a multiple of 64).
  std::ptrdiff_t block_size = 2048;
  /// The seed of Dropout's masks in training: the same seed gives the same masks, pass after
  /// pass, on any number of threads.
  std::uint64_t seed = 0;
};

class Executor {
 public:
  struct impl;
  explicit Executor(std::unique_ptr<impl> p);
  Executor(Executor&&) noexcept;
  Executor& operator=(Executor&&) noexcept;
  ~Executor();

  /// Computes the outputs from the current contents of the bound arrays. No allocation.
  /// `is_train` is MXNet's: in training, Dropout draws a new mask (bind_options::seed) and
  /// BatchNorm normalizes with the batch's statistics and updates its moving averages (unless
  /// use_global_stats); otherwise Dropout passes its data through and BatchNorm uses the moving
  /// statistics. What backward() reads stays in its planned buffers either way.
  /// On a GPU it is asynchronous: it enqueues the kernels on stream(), after the work on the
  /// device's storage stream, and returns; reading an output (to_vector, copyto,
  /// xsym::cuda::wait_to_read) waits for them.
  void forward(bool is_train = false);

  // ---- gradients (bound with args_grad and grad_req, or simple_bind with grad_req) ----------
  /// MXNet's backward: the gradient of every argument with a request, from the values the last
  /// forward() left and one head gradient per output (list_outputs order; each of the output's
  /// shape, dtype and context), copied in before the backward nodes run. `write` overwrites the
  /// gradient array, `add` adds to it, `null` leaves it untouched. Throws xsym::error when an
  /// output has no head gradient (MXNet's message, naming it), for a head gradient that does not
  /// fit its output, before any forward(), and when the executor has no gradients.
  void backward(const std::vector<ndarray>& out_grads);
  void backward(std::initializer_list<ndarray> out_grads) { backward(std::vector<ndarray>(out_grads)); }
  /// The head gradients by output name.
  void backward(const std::map<std::string, ndarray>& out_grads);
  /// Without head gradients: an error naming the first output that needs one.
  void backward() { backward(std::vector<ndarray>{}); }
  /// The gradient arrays, one per argument in list_arguments order; an empty ndarray where the
  /// request is null (MXNet's None).
  const std::vector<ndarray>& grad_arrays() const;
  /// The gradient arrays by argument name, in list_arguments order.
  array_dict grad_dict() const;
  /// The request of each argument, in list_arguments order.
  std::vector<grad_req> grad_reqs() const;

  /// One array per output of the Symbol (list_outputs order); they keep their storage across
  /// forward() calls.
  const std::vector<ndarray>& outputs() const;
  /// The bound arrays by argument name, the auxiliary states by name, the outputs by output name,
  /// in list_arguments, list_auxiliary_states and list_outputs order (as MXNet's dicts).
  array_dict arg_dict() const;
  array_dict aux_dict() const;
  array_dict output_dict() const;

  xsym::context context() const;
  /// The path forward() takes (never `automatic`).
  execution_path path() const;
  /// The path in words, e.g. "per-op interpreter (3 nodes, 1 intermediate buffer, 4096 bytes)"
  /// or "per-op CUDA kernels on gpu(0) (3 nodes, 1 intermediate buffer)".
  const std::string& path_description() const;
  /// The plan forward() and backward() run (plan/planner.hpp, the planner of static graphs
  /// too), one line per stage: `stage 1 (fused elementwise): exp0 <- fc1; _plus0 <- exp0, fc1
  /// -> stores _plus0`. per_op (and a GPU) plans every node as a materialized stage of its own;
  /// blocked_fused fuses elementwise nodes into stages run block by block; static_fused runs the
  /// whole graph as the one fused stage of its kept loop.
  const std::string& plan_description() const;
  /// Bytes of memory held for intermediate results: the memory plan's peak (per_op), or the
  /// blocks and materialized intermediates (blocked_fused); 0 for static_fused.
  std::size_t intermediate_bytes() const;

  /// On a GPU: the cudaStream_t that forward() runs on (the executor's own unless set_stream
  /// chose another). Null on the CPU.
  void* stream() const;
  /// On a GPU: runs later forward() calls on `stream`, a cudaStream_t of the executor's device
  /// that the caller keeps alive while the executor uses it; null returns to the executor's own
  /// stream. Throws xsym::error on the CPU.
  void set_stream(void* stream);

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace xsym
