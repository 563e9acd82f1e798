#pragma once
// The executor of a bound static graph: it owns the output arrays, keeps the bound arguments
// alive, and runs the graph's fused loop on forward().
#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "../core/context.hpp"
#include "../expr/graph_info.hpp"
#include "../ndarray/ndarray.hpp"

namespace xsym {

template <class G>
class executor {
 public:
  /// The instantiation of G's fused loop chosen at bind: graph (for its scalars), argument
  /// pointers in list_arguments order, output pointers, element count.
  using run_fn = void (*)(const G&, const void* const*, void* const*, std::ptrdiff_t);

  /// Made by xsym::bind.
  executor(G graph, xsym::context ctx, std::vector<ndarray> args, std::vector<ndarray> outputs, run_fn run,
           std::string path)
      : graph_(std::move(graph)), ctx_(ctx), args_(std::move(args)), outputs_(std::move(outputs)), run_(run),
        path_(std::move(path)) {
    for (const auto& a : args_) arg_ptrs_.push_back(a.raw_data());
    for (const auto& o : outputs_) out_ptrs_.push_back(o.raw_data());
    size_ = outputs_.empty() ? 0 : std::ptrdiff_t(outputs_[0].size());
  }

  // One executor owns its outputs: copying would make two executors write the same arrays.
  executor(const executor&) = delete;
  executor& operator=(const executor&) = delete;
  executor(executor&&) noexcept = default;
  executor& operator=(executor&&) noexcept = default;

  /// Computes the outputs from the current contents of the bound arrays: one fused pass over
  /// the elements, no allocation.
  void forward() { run_(graph_, arg_ptrs_.data(), out_ptrs_.data(), size_); }

  /// The output arrays, one per graph output (list_outputs order). They keep their storage
  /// across forward() calls.
  const std::vector<ndarray>& outputs() const { return outputs_; }

  /// The bound arrays by argument name.
  std::map<std::string, ndarray> arg_dict() const {
    std::map<std::string, ndarray> d;
    for (std::size_t k = 0; k < args_.size(); ++k)
      d.emplace(std::string(detail::graph_info<G>::arguments[k]), args_[k]);
    return d;
  }

  xsym::context context() const { return ctx_; }
  /// Which execution path forward() takes, e.g. "static fused CPU loop (float32)".
  const std::string& path() const { return path_; }

 private:
  G graph_;
  xsym::context ctx_;
  std::vector<ndarray> args_, outputs_;
  std::vector<const void*> arg_ptrs_;
  std::vector<void*> out_ptrs_;
  std::ptrdiff_t size_ = 0;
  run_fn run_;
  std::string path_;
};

}  // namespace xsym
