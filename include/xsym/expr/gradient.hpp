#pragma once
// Gradient graphs, built by the compiler: `xsym::gradient(e, a, c)` is a static graph whose
// outputs are the gradients of e with respect to a and c, given a head gradient for each of e's
// outputs. It is reverse-mode differentiation over graph_info's node table, as nnvm's gradient
// pass does it over MXNet's graph:
//   - the gradient of a node is the sum of its contributions: the head gradient first (when the
//     node is an output), then one per consumer, consumers in reverse post-order (the last
//     consumer first) and a consumer's inputs left to right; the sum runs left to right with
//     elemwise_add, as MXNet's ElementWiseSum does, so the order decides the bits;
//   - a consumer's contribution is a node of ops::backward<Op, K> (ops/backward.hpp): g times the
//     op's derivative, from its output and inputs, as MXNet's _backward_* ops compute it;
//   - paths through an op whose derivative is zero (sign, round, the comparisons) are left out;
//     a variable with no contribution at all gets `zeros_like` of itself, as MXNet gives zeros.
// The head gradient of output k is the variable `<output name>_head_grad`. Each node's gradient
// is one function instantiation (adjoint<I>), so a node shared by many paths costs one type, and
// the plan computes every shared node once per element when the gradient graph runs fused with
// the forward graph.
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../core/fixed_string.hpp"
#include "../ops/backward.hpp"
#include "graph.hpp"
#include "graph_info.hpp"
#include "node_object.hpp"
#include "operators.hpp"

namespace xsym {

namespace detail {

template <class G, std::size_t K, std::size_t... I>
auto head_grad_chars(std::index_sequence<I...>)
    -> name<graph_info<G>::outputs[K][I]..., '_', 'h', 'e', 'a', 'd', '_', 'g', 'r', 'a', 'd'>;
/// The head-gradient variable of output K of graph G: `_plus0_output_head_grad`.
template <class G, std::size_t K>
using head_grad_t = var<decltype(head_grad_chars<G, K>(std::make_index_sequence<graph_info<G>::outputs[K].size()>{}))>;

template <class E>
inline constexpr bool is_zero = std::is_same_v<std::remove_cvref_t<E>, ops::zero_gradient>;

/// a + b, where zero_gradient adds nothing.
template <class A, class B>
constexpr auto add_gradients(const A& a, const B& b) {
  if constexpr (is_zero<A>) return b;
  else if constexpr (is_zero<B>) return a;
  else return a + b;
}

/// Reverse-mode differentiation of graph G (an expression or a group).
template <class G>
struct gradient_builder {
  using info = graph_info<G>;
  using roots_type = std::remove_cvref_t<decltype(graph_traits<G>::roots_of(std::declval<const G&>()))>;
  static constexpr std::size_t cap = std::size_t(info::num_nodes) * max_inputs + std::size_t(info::num_outputs) + 1;

  /// The contributions to node i's gradient, in summation order: head k is encoded as -1 - k,
  /// input k of consumer j as j * max_inputs + k.
  struct terms {
    int items[cap]{};
    int size = 0;
  };
  static constexpr terms terms_of(int i) {
    terms t;
    for (int k = 0; k < info::num_outputs; ++k)
      if (info::heads[std::size_t(k)] == i) t.items[t.size++] = -1 - k;
    for (int j = info::num_nodes - 1; j > i; --j)
      for (int k = 0; k < info::nodes[j].num_inputs; ++k)
        if (info::nodes[j].inputs[k] == i) t.items[t.size++] = j * max_inputs + k;
    return t;
  }
  template <int I>
  static constexpr terms contributions = terms_of(I);

  /// The gradient of node I: an expression, or zero_gradient when nothing reaches it.
  template <int I>
  static constexpr auto adjoint(const roots_type& roots) {
    return sum<I, 0>(roots, ops::zero_gradient{});
  }

 private:
  template <int I, int T, class Acc>
  static constexpr auto sum(const roots_type& roots, const Acc& acc) {
    if constexpr (T == contributions<I>.size) return acc;
    else return sum<I, T + 1>(roots, add_gradients(acc, term<contributions<I>.items[T]>(roots)));
  }

  template <int Code>
  static constexpr auto term(const roots_type& roots) {
    if constexpr (Code < 0) {
      return head_grad_t<G, std::size_t(-1 - Code)>{};
    } else {
      constexpr int j = Code / max_inputs, k = Code % max_inputs;
      const auto& consumer = node_object<G, j>(roots);
      using Op = typename std::remove_cvref_t<decltype(consumer)>::op;
      if constexpr (!ops::differentiable<Op, k>) {
        return ops::zero_gradient{};
      } else {
        auto g = adjoint<j>(roots);
        if constexpr (is_zero<decltype(g)>)
          return ops::zero_gradient{};
        else
          return std::apply(
              [&](const auto&... in) { return make_node<ops::backward<Op, k>>(consumer.param, g, consumer, in...); },
              consumer.inputs);
      }
    }
  }
};

template <class G, class W>
constexpr auto gradient_of(const G& g, const W& wrt) {
  using info = graph_info<G>;
  constexpr int k = info::argument_index(W::name);
  static_assert(k >= 0, "xsym::gradient: this variable is not an argument of the graph");
  constexpr int node = info::argument_nodes[std::size_t(k)];
  constexpr int pinned = info::nodes[node].pinned;
  static_assert(pinned < 0 || pinned == int(dtype::float32) || pinned == int(dtype::float64),
                "xsym::gradient: integer variables have no gradient (MXNet's rule); ask for the gradients "
                "of floating-point variables only");
  auto a = gradient_builder<G>::template adjoint<node>(graph_traits<G>::roots_of(g));
  if constexpr (is_zero<decltype(a)>)
    return zeros_like(wrt);  // nothing reaches it: zeros of its shape, as MXNet's zero gradient
  else
    return a;
}

}  // namespace detail

/// `xsym::gradient(e, a, c)`: the gradient graph of e with respect to variables a, c, ... as a
/// static graph: a group with one output per variable, in the order given, whose arguments are
/// e's (those the derivatives read) and one head gradient per output of e,
/// `<output>_head_grad`. Like any static graph it binds, runs fused, prints, plots and converts;
/// bound with e's arguments and a head gradient g, output k holds g·∂e/∂(variable k).
template <graph G, class... N, class... T>
constexpr auto gradient(const G& g, var<N, T>... wrt) {
  static_assert(sizeof...(N) > 0, "xsym::gradient: name at least one variable");
  return group(detail::gradient_of(g, wrt)...);
}

}  // namespace xsym
