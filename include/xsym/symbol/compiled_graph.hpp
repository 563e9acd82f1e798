#pragma once
// The fused loops a static graph was compiled with, kept by the Symbol converted from it
// (`xsym::Symbol s = e;`), so that binding the Symbol on the CPU runs them with no
// interpretation (executor.hpp's static_fused path). from_static.hpp implements it for each graph.
#include <cstddef>
#include <functional>
#include <span>
#include <string>

#include "../core/dtype.hpp"

namespace xsym {

class compiled_graph {
 public:
  /// Computes every output from the arguments (list_arguments order, list_outputs order), n
  /// elements each.
  using run_fn = std::function<void(const void* const* arguments, void* const* outputs, std::ptrdiff_t n)>;

  virtual ~compiled_graph() = default;
  /// The fused loop for arguments of these dtypes, in list_arguments order; empty when the
  /// graph was not compiled for them.
  virtual run_fn find(std::span<const dtype> argument_dtypes) const = 0;
  /// The argument dtypes it was compiled for, in words, for messages and path descriptions.
  virtual std::string compiled_for() const = 0;
};

}  // namespace xsym
