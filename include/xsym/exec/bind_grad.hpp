#pragma once
// xsym::bind with gradients, MXNet's `bind(ctx, args, args_grad, grad_req)`:
//   auto ex = xsym::bind(e, xsym::cpu(0), {{"A", A}, {"B", B}}, {{"A", gA}}, xsym::grad_req::write);
//   ex.forward(true); ex.backward({head});            // or ex.forward_backward({head}): one pass
//
// The gradient graphs are built by the compiler (expr/gradient.hpp) for every argument that can
// have a gradient (every one not typed as an integer): the backward graph, and the forward and
// backward graphs as one group, which runs as one fused loop reading each argument once.
// MXNet's rules: an argument without a gradient array is `null`; `add` accumulates; `null`
// leaves the array untouched; integer arrays get no gradient (asking is an error).
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "../expr/gradient.hpp"
#include "bind.hpp"
#include "check_gradient.hpp"
#include "grad_req.hpp"

namespace xsym {

namespace detail {

/// The gradient graphs of static graph G: with respect to each argument that can have a
/// gradient, in list_arguments order.
template <class G>
struct gradient_graphs {
  using info = graph_info<G>;
  static constexpr auto gradable = [] {
    index_list<std::size_t(info::num_arguments) + 1> l;
    for (int k = 0; k < info::num_arguments; ++k) {
      int pinned = info::nodes[info::argument_nodes[std::size_t(k)]].pinned;
      if (pinned < 0 || pinned == int(dtype::float32) || pinned == int(dtype::float64)) l.push(k);
    }
    return l;
  }();
  static constexpr bool any = gradable.size > 0;

  template <bool Forward, std::size_t... J>
  static auto graph_type(std::index_sequence<J...>) -> gradient_graph<G, Forward, gradable.items[J]...>;
  /// The gradients alone; the forward outputs, then the gradients (one pass).
  using backward_type = decltype(graph_type<false>(std::make_index_sequence<std::size_t(gradable.size)>{}));
  using fused_type = decltype(graph_type<true>(std::make_index_sequence<std::size_t(gradable.size)>{}));
};

/// Graph G's fused loop for the free dtypes `Free...`, writing its outputs as requested.
template <class G, dtype... Free>
struct requested_instance {
  static void run(const void* graph, const void* const* args, void* const* outs, const grad_req* reqs,
                  std::ptrdiff_t n) {
    exec::run_fused(n, exec::fused_program<G, Free...>::make(*static_cast<const G*>(graph), args, outs), reqs);
  }
};

/// Where each argument of gradient graph B comes from: forward argument k of G, or the head
/// gradient of output j as -1 - j.
template <class G, class B>
std::vector<int> argument_sources() {
  using info = graph_info<G>;
  std::vector<int> sources;
  for (std::string_view name : graph_info<B>::arguments) {
    int k = info::argument_index(name);
    for (int j = 0; k < 0 && j < info::num_outputs; ++j)
      if (name == std::string(info::outputs[std::size_t(j)]) + "_head_grad") k = -1 - j;
    sources.push_back(k);
  }
  return sources;
}

}  // namespace detail

inline namespace XSYM_BIND_NAMESPACE {
namespace bind_impl {

/// The request of every argument (list_arguments order) under MXNet's rules.
template <class G>
std::vector<grad_req> requests(const std::map<std::string, ndarray>& args_grad,
                               const std::map<std::string, grad_req>* by_name, grad_req all) {
  using info = detail::graph_info<G>;
  const std::string arguments = detail::joined(info::arguments);
  for (const auto& [name, _] : args_grad)
    if (info::argument_index(name) < 0)
      throw error("xsym::bind: args_grad names '" + name + "', which is not an argument of the graph; its arguments are " +
                  arguments);
  if (by_name)
    for (const auto& [name, _] : *by_name)
      if (info::argument_index(name) < 0)
        throw error("xsym::bind: grad_req names '" + name + "', which is not an argument of the graph; its arguments are " +
                    arguments);
  std::vector<grad_req> reqs;
  for (std::string_view name : info::arguments) {
    grad_req r = all;
    if (by_name) {  // MXNet's dict form: a name left out is null
      auto it = by_name->find(std::string(name));
      r = it == by_name->end() ? grad_req::null : it->second;
    }
    if (!args_grad.count(std::string(name))) r = grad_req::null;  // no array: null, as MXNet forces it
    reqs.push_back(r);
  }
  return reqs;
}

template <class Dtypes, class G>
executor<G> bind_with_gradients(const G& g, context ctx, const std::map<std::string, ndarray>& args,
                                const std::map<std::string, ndarray>& args_grad, std::vector<grad_req> reqs) {
  using info = detail::graph_info<G>;
  using graphs = detail::gradient_graphs<G>;
  executor<G> ex = bind_graph<Dtypes>(g, ctx, args);
  typename executor<G>::gradient_runner r;
  r.reqs = std::move(reqs);
  const auto& bound = ex.arg_dict();
  for (int k = 0; k < info::num_arguments; ++k) {
    const std::string name(info::arguments[std::size_t(k)]);
    const ndarray& arg = bound.at(name);
    auto it = args_grad.find(name);
    r.grads.push_back(it == args_grad.end() ? ndarray() : it->second);
    if (r.reqs[std::size_t(k)] == grad_req::null) continue;
    const ndarray& grad = it->second;
    check_gradient_array("xsym::bind: ", name, arg, grad, r.reqs[std::size_t(k)], ctx, "graph");
    auto what = [&] { return "xsym::bind: the gradient of argument '" + name + "'"; };
    if (r.reqs[std::size_t(k)] == grad_req::add && grad.raw_data() == arg.raw_data())
      throw error(what() + " is the argument's own array, with grad_req add: the gradient would be added to the "
                  "values it is computed from; give it an array of its own");
  }
  if constexpr (graphs::any) {
    if (ctx.type == context::device::gpu)
      throw error("xsym::bind: gradients of static graphs run on the CPU in this version; bind to cpu(0), or "
                  "bind without args_grad on " + ctx.str());
    using B = typename graphs::backward_type;
    using F = typename graphs::fused_type;
    auto backward = std::make_shared<const B>(B{g});
    auto fused = std::make_shared<const F>(F{g});
    r.backward_args = detail::argument_sources<G, B>();
    r.fused_args = detail::argument_sources<G, F>();
    for (int j = 0; j < graphs::gradable.size; ++j) r.gradient_of.push_back(graphs::gradable.items[j]);
    // The dtypes of the gradient graphs' free classes: those of the arrays their arguments take.
    auto free_dtypes = [&]<class X>(std::type_identity<X>, const std::vector<int>& sources) {
      using xi = detail::graph_info<X>;
      std::vector<dtype> free(static_cast<std::size_t>(xi::num_free_dtypes));
      for (int a = 0; a < xi::num_arguments; ++a) {
        int c = xi::free_class(xi::argument_nodes[std::size_t(a)]);
        int s = sources[std::size_t(a)];
        if (c >= 0)
          free[std::size_t(c)] = s >= 0 ? bound.at(std::string(info::arguments[std::size_t(s)])).dtype()
                                        : ex.outputs()[std::size_t(-1 - s)].dtype();
      }
      return free;
    };
    // Compiled for the floating dtypes: a part of the graph bound to integers has no gradient.
    // Where every request is null, backward has nothing to do; otherwise the integer part
    // must be typed, so that it is not a free dtype of the gradient graphs.
    using run_fn = typename executor<G>::gradient_runner::run_fn;
    const auto backward_dtypes = free_dtypes(std::type_identity<B>{}, r.backward_args);
    r.backward = Dtypes::template pick_gradient<run_fn, detail::requested_instance, B>(backward_dtypes);
    r.fused = Dtypes::template pick_gradient<run_fn, detail::requested_instance, F>(
        free_dtypes(std::type_identity<F>{}, r.fused_args));
    bool requested = false;
    for (grad_req q : r.reqs) requested = requested || q != grad_req::null;
    if (requested && (!r.backward || !r.fused))
      for (int k = 0; k < info::num_arguments; ++k) {
        const std::string name(info::arguments[std::size_t(k)]);
        const dtype t = bound.at(name).dtype();
        if (info::free_class(info::argument_nodes[std::size_t(k)]) >= 0 && !is_floating(t))
          throw error("xsym::bind: gradients are compiled for float32 and float64, but the untyped argument '" + name +
                      "' is " + std::string(dtype_name(t)) + " in a graph with gradients; declare it with its type "
                      "(xsym::variable<\"" + name + "\", T>()), as integers have no gradient");
      }
    r.backward_graph = std::move(backward);
    r.fused_graph = std::move(fused);
  }
  ex.set_gradients(std::move(r));
  return ex;
}

}  // namespace bind_impl

/// MXNet's `bind(ctx, args, args_grad, grad_req)` for a static graph: `args_grad` maps argument
/// names to gradient arrays (shape and dtype of the argument), `req` applies to every argument
/// that has one. The executor's backward() and forward_backward() fill them (executor.hpp).
/// Throws xsym::error for an args_grad name that is not an argument, a gradient array of the
/// wrong shape, dtype or context, a gradient requested for an integer array, and an argument's
/// own array given as its gradient under `add`; and for everything plain bind checks.
template <bindable_graph G>
executor<G> bind(const G& g, context ctx, const std::map<std::string, ndarray>& args,
                 const std::map<std::string, ndarray>& args_grad, grad_req req = grad_req::write) {
  return bind_impl::bind_with_gradients<detail::every_bindable_dtype>(
      g, ctx, args, args_grad, bind_impl::requests<G>(args_grad, nullptr, req));
}
/// The same, with a request per argument name; a name left out is `null` (MXNet's dict form).
template <bindable_graph G>
executor<G> bind(const G& g, context ctx, const std::map<std::string, ndarray>& args,
                 const std::map<std::string, ndarray>& args_grad, const std::map<std::string, grad_req>& reqs) {
  return bind_impl::bind_with_gradients<detail::every_bindable_dtype>(
      g, ctx, args, args_grad, bind_impl::requests<G>(args_grad, &reqs, grad_req::null));
}
/// `xsym::bind<float>(e, ctx, args, args_grad, req)`: compiled for T alone, forward and backward.
template <element_type T, bindable_graph G>
executor<G> bind(const G& g, context ctx, const std::map<std::string, ndarray>& args,
                 const std::map<std::string, ndarray>& args_grad, grad_req req = grad_req::write) {
  return bind_impl::bind_with_gradients<detail::only_dtype<dtype_of<T>>>(
      g, ctx, args, args_grad, bind_impl::requests<G>(args_grad, nullptr, req));
}
template <element_type T, bindable_graph G>
executor<G> bind(const G& g, context ctx, const std::map<std::string, ndarray>& args,
                 const std::map<std::string, ndarray>& args_grad, const std::map<std::string, grad_req>& reqs) {
  return bind_impl::bind_with_gradients<detail::only_dtype<dtype_of<T>>>(
      g, ctx, args, args_grad, bind_impl::requests<G>(args_grad, &reqs, grad_req::null));
}

}  // inline namespace XSYM_BIND_NAMESPACE
}  // namespace xsym
