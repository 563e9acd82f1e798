#pragma once
// MXNet's checks of a gradient array at bind, shared by static graphs (exec/bind_grad.hpp) and
// runtime Symbols (src/symbol/bind_gradients.cpp).
#include <string>
#include <string_view>

#include "../core/context.hpp"
#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../ndarray/ndarray.hpp"
#include "grad_req.hpp"

namespace xsym {

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
