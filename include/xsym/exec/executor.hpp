#pragma once
// The executor of a bound static graph: it owns the output arrays, keeps the bound arguments
// alive, and runs the graph's fused loop (CPU) or fused kernel (GPU) on forward().
#include <cstddef>
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
  /// the elements, no allocation. On a GPU it is asynchronous: it enqueues the work on stream()
  /// and returns; reading an output (to_vector, copyto, xsym::cuda::wait_to_read) waits for it.
  void forward() {
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
};

}  // namespace xsym
