#pragma once
// Binding a static graph that holds ops other than elementwise ones (sum, dot, FullyConnected,
// SoftmaxOutput ...): it runs as its Symbol in the runtime executor, which fuses its elementwise
// parts (the blocked path) and runs the other ops as kernels, forward and backward. The forms
// are those of Symbol::bind and simple_bind, and of xsym::bind with gradient arrays; the result
// is the runtime's xsym::Executor. Elementwise graphs keep their own fused loop (exec/bind.hpp).
#include <map>
#include <string>

#include "../exec/grad_req.hpp"
#include "../expr/graph.hpp"
#include "executor.hpp"
#include "from_static.hpp"
#include "symbol.hpp"

namespace xsym {

/// A static graph that the runtime executor runs: one holding a non-elementwise op.
template <class G>
concept network_graph = graph<G> && !elementwise_graph<G>;

/// `xsym::bind(net, ctx, args)`: Symbol(net).bind(ctx, args, options).
template <network_graph G>
Executor bind(const G& g, context ctx, const std::map<std::string, ndarray>& args, bind_options options = {}) {
  return Symbol(g).bind(ctx, args, std::move(options));
}
template <network_graph G>
Executor bind(const G& g, const std::map<std::string, ndarray>& args) {
  return Symbol(g).bind(cpu(0), args);
}
/// With gradient arrays by name (MXNet's args_grad), and one request for all of them or one per
/// name (a name left out is null).
template <network_graph G>
Executor bind(const G& g, context ctx, const std::map<std::string, ndarray>& args,
              const std::map<std::string, ndarray>& args_grad, grad_requests req = grad_req::write) {
  return Symbol(g).bind(ctx, args, {.args_grad = args_grad, .grad_req = std::move(req)});
}

/// `xsym::simple_bind(net, ctx, shapes)`: arguments (and gradients, as options.grad_req asks)
/// allocated from the shapes given, as Symbol::simple_bind.
template <network_graph G>
Executor simple_bind(const G& g, context ctx, const std::map<std::string, shape>& shapes,
                     const std::map<std::string, dtype>& dtypes = {}, bind_options options = {}) {
  return Symbol(g).simple_bind(ctx, shapes, dtypes, std::move(options));
}

}  // namespace xsym
