#pragma once
// Symbol::bind with gradients: MXNet's rules for args_grad and grad_req, and the graph the
// executor binds in place of the symbol (its outputs, then the requested gradients).
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "xsym/symbol/executor.hpp"
#include "xsym/symbol/symbol.hpp"

namespace xsym::detail {

struct gradient_binding {
  /// s's outputs, then one gradient per argument whose request is not null: the gradient
  /// itself (write) or `_plus(<its array>, gradient)` over the gradient array (add).
  Symbol graph;
  /// The arrays of graph's arguments: s's, the head gradients (zeros until backward() copies
  /// them in) and, for add, the gradient arrays themselves.
  std::map<std::string, ndarray> args;
  /// graph's arguments that are not s's, and s's nodes (backward() runs the others).
  std::set<std::string> internal;
  std::unordered_set<const graph_node*> forward_nodes;
  /// Per argument of s: its gradient array (empty where null) and request.
  std::vector<ndarray> grads;
  std::vector<grad_req> reqs;
  /// Per output of s: the head gradient's array, empty when no gradient reads it, and whether
  /// backward() needs one (not for a loss head's output).
  std::vector<ndarray> head_grads;
  std::vector<bool> needs_head_grad;
  /// Per gradient output of graph (after s's outputs): the array it is written into.
  std::vector<ndarray> gradient_outputs;
};

/// The binding for `args` under options.args_grad and options.grad_req, or nothing when every
/// request is null. Throws xsym::error for an args_grad or grad_req name that is no argument,
/// a gradient array that does not fit its argument, one shared with an argument or another
/// gradient, and a request for an integer argument.
std::optional<gradient_binding> bind_gradients(const Symbol& s, context ctx, const std::map<std::string, ndarray>& args,
                                               const bind_options& options);

}  // namespace xsym::detail
