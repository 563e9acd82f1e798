#pragma once
// MXNet's gradient requests: what backward does with an argument's gradient array.
#include <string>
#include <string_view>

#include "../core/context.hpp"
#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../ndarray/ndarray.hpp"

namespace xsym {

/// MXNet's `grad_req`: `write` overwrites the gradient array, `add` adds to what it holds
/// (`add` accumulates over several backward calls), `null` computes nothing and leaves the array
/// untouched. An argument bound without a gradient array is `null`.
enum class grad_req { null, write, add };

/// "null", "write", "add": MXNet's spellings.
constexpr std::string_view grad_req_name(grad_req r) {
  return r == grad_req::write ? "write" : r == grad_req::add ? "add" : "null";
}

/// MXNet's spellings back: "null", "write", "add" (and "inplace", which MXNet treats as write).
inline grad_req parse_grad_req(std::string_view s) {
  if (s == "null") return grad_req::null;
  if (s == "write" || s == "inplace") return grad_req::write;
  if (s == "add") return grad_req::add;
  throw error("xsym: '" + std::string(s) + "' is not a grad_req; MXNet's are 'null', 'write' and 'add'");
}

/// MXNet's checks of the gradient array `grad` of argument `name` (bound to `arg`) under a
/// request that is not null, for a graph (`bound` names it: "graph", "symbol") bound to `ctx`:
/// an xsym::error starting with `who` for an empty array, an integer argument (no gradient),
/// and a shape, dtype or context that does not fit.
inline void check_gradient_array(std::string_view who, const std::string& name, const ndarray& arg, const ndarray& grad,
                                 grad_req req, context ctx, std::string_view bound) {
  auto what = [&] { return std::string(who) + "the gradient of argument '" + name + "'"; };
  if (!grad.has_storage()) throw error(what() + " is an empty ndarray");
  if (!is_floating(arg.dtype()))
    throw error(what() + " is requested (grad_req " + std::string(grad_req_name(req)) + "), but the argument is " +
                std::string(dtype_name(arg.dtype())) + ": integer arrays have no gradient; give it grad_req null");
  if (grad.shape() != arg.shape())
    throw error(what() + " has shape " + grad.shape().str() + ", but the argument has shape " + arg.shape().str());
  if (grad.dtype() != arg.dtype())
    throw error(what() + " is " + std::string(dtype_name(grad.dtype())) + ", but the argument is " +
                std::string(dtype_name(arg.dtype())));
  if (grad.context() != ctx)
    throw error(what() + " is on " + grad.context().str() + ", but the " + std::string(bound) + " is bound to " +
                ctx.str());
}

}  // namespace xsym
