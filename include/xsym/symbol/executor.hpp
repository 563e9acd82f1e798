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
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "../core/context.hpp"
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

/// How Symbol::bind and simple_bind build the executor.
struct bind_options {
  /// The path to take; a path that cannot run this graph is an xsym::error saying why.
  execution_path path = execution_path::automatic;
  /// bind only: auxiliary states by name (BatchNorm's moving_mean, moving_var). simple_bind
  /// allocates them (zeros).
  std::map<std::string, ndarray> aux_states = {};
  /// The blocked fused interpreter's block, in elements (rounded up to a multiple of 64).
  std::ptrdiff_t block_size = 2048;
};

class Executor {
 public:
  struct impl;
  explicit Executor(std::unique_ptr<impl> p);
  Executor(Executor&&) noexcept;
  Executor& operator=(Executor&&) noexcept;
  ~Executor();

  /// Computes the outputs from the current contents of the bound arrays (inference mode:
  /// Dropout passes data through, BatchNorm uses the moving statistics). No allocation.
  /// On a GPU it is asynchronous: it enqueues the kernels on stream(), after the work on the
  /// device's storage stream, and returns; reading an output (to_vector, copyto,
  /// xsym::cuda::wait_to_read) waits for them.
  void forward();

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
