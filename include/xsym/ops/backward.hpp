#pragma once
// The backward op of an op's input: `backward<Op, K>` computes the gradient of input K of a node
// of Op from the node's output gradient g, its output and its inputs, with Op's derivative
// (table.hpp). It is an op like any other (a node of the gradient graph, fused with the rest),
// named after MXNet's `_backward_*` ops: `_backward_exp`, `_backward_mul_scalar`; a binary op's
// two inputs, one node in MXNet, are `_backward_mul_lhs` and `_backward_mul_rhs` here, since a
// static node has one output.
#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "kinds.hpp"

namespace xsym::ops {

namespace detail {
template <class Op, int K, std::size_t... I>
constexpr bool input_has_gradient(std::index_sequence<I...>) {
  using P = typename Op::template lowered_param<float>;
  return !std::is_same_v<decltype(Op::template gradient<K>(std::declval<P>(), 1.0f, 1.0f, ((void)I, 1.0f)...)),
                         zero_gradient>;
}

template <class Op, int K>
struct backward_name {
  static constexpr std::string_view prefix = "_backward_";
  // MXNet's backward ops drop the `elemwise_` and the leading `_` of the forward ones:
  // `_backward_add`, `_backward_mul_scalar`.
  static constexpr std::string_view forward = Op::names.mxnet.starts_with("elemwise_") ? Op::names.mxnet.substr(9)
                                              : Op::names.mxnet.starts_with("_")      ? Op::names.mxnet.substr(1)
                                                                                      : Op::names.mxnet;
  static constexpr std::string_view suffix = Op::arity == 1 ? "" : K == 0 ? "_lhs" : "_rhs";
  static constexpr std::size_t size = prefix.size() + forward.size() + suffix.size();
  static constexpr std::array<char, size + 1> chars = [] {
    std::array<char, size + 1> c{};
    std::size_t at = 0;
    for (std::string_view part : {prefix, forward, suffix})
      for (char ch : part) c[at++] = ch;
    return c;
  }();
  static constexpr std::string_view value{chars.data(), size};
};
}  // namespace detail

/// Whether input K of Op has a gradient that is not zero everywhere (sign's, the comparisons'
/// and round's are; the gradient graph leaves such paths out).
template <class Op, int K>
inline constexpr bool differentiable =
    detail::input_has_gradient<Op, K>(std::make_index_sequence<std::size_t(Op::arity)>{});

/// The gradient of input K of an Op node: inputs (g, out, x...) where g is the gradient of the
/// node's output `out` and x... are the node's inputs; the node's parameter is Op's.
template <class Op, int K>
struct backward {
  using forward_op = Op;
  static constexpr int input = K;
  static constexpr int arity = Op::arity + 2;
  static constexpr op_names names{detail::backward_name<Op, K>::value, detail::backward_name<Op, K>::value};
  /// Every input shares the output's dtype, except across a Cast: its backward's output has the
  /// dtype of the Cast's input (2 + K), its gradient and output the Cast's target.
  static constexpr unsigned tied_inputs = requires { typename Op::target; } ? 1u << (2 + K) : ~0u;
  /// Across a Cast, the gradient and the output share the Cast's target type.
  static constexpr unsigned joined_inputs = requires { typename Op::target; } ? 0b11u : 0u;
  using param = typename Op::param;
  template <class T>
  using lowered_param = typename Op::template lowered_param<T>;
  template <class T>
  static constexpr lowered_param<T> lower(const param& p) { return Op::template lower<T>(p); }
  static attributes attrs(const param& p) { return Op::attrs(p); }

  /// Integer element types have no gradients: bind refuses to ask for one (this 0 is never read).
  template <class P, class G, class O, class... X>
  XSYM_HD XSYM_INLINE static auto eval(P p, G g, O out, X... x) {
    using T = std::tuple_element_t<std::size_t(K), std::tuple<X...>>;
    if constexpr (std::is_integral_v<T>) return T(0);
    else return T(Op::template gradient<K>(p, g, out, x...));
  }
};

}  // namespace xsym::ops
