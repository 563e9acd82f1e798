#pragma once
// The state of a bound runtime Symbol's Executor (executor.hpp), shared by the code that builds
// it (executor_builder.cpp) and the code that runs it (executor.cpp).
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kernels.hpp"
#include "xsym/symbol/compiled_graph.hpp"
#include "xsym/symbol/executor.hpp"
#include "xsym/symbol/gpu_backend.hpp"
#include "xsym/symbol/symbol.hpp"

namespace xsym {

namespace detail {
struct gradient_binding;
}

struct Executor::impl {
  xsym::context ctx;
  execution_path path = execution_path::per_op;
  std::string description;
  std::string plan;  // the plan as text (plan_description)
  std::vector<std::string> arg_names, aux_names, out_names;
  std::vector<ndarray> args, aux, outputs;
  std::vector<ndarray> buffers;  // storage of intermediates and of the blocks' registers
  std::size_t intermediate_bytes = 0;
  std::vector<std::function<void()>> steps;
  // Bound with gradients: steps [0, forward_steps) are forward(), the rest backward(); per
  // argument its gradient array and request, per output its head gradient's array.
  std::size_t forward_steps = 0;
  kernels::run_state state;  // is_train and Dropout's seed, read by the kernels as they run
  bool has_gradients = false, forwarded = false;
  std::vector<ndarray> grads, head_grads;
  std::vector<grad_req> reqs;
  std::vector<bool> needs_head_grad;
  std::shared_ptr<const compiled_graph> compiled;  // keeps a static_fused step's graph alive
  // On a GPU: the CUDA layer, the executor's own stream (get() is its cudaStream_t), and the
  // stream forward() enqueues on (own_stream's, or the one set_stream chose).
  const symbol_gpu_backend* gpu = nullptr;
  std::shared_ptr<void> own_stream;
  void* stream = nullptr;
};

namespace detail {
/// Builds `ex` for `s` over `args`: the path, the memory plan and the steps (executor_builder.cpp).
/// With `gradients`, `s` is the gradient binding's graph (the symbol's outputs, then its
/// gradients) and `args` its arrays. Throws xsym::error naming what cannot be bound.
void build_executor(const Symbol& s, context ctx, const bind_options& options, Executor::impl& ex,
                    const std::map<std::string, ndarray>& args, const gradient_binding* gradients);
}  // namespace detail

}  // namespace xsym
