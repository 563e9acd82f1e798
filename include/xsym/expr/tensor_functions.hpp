#pragma once
// MXNet's tensor ops as static functions, with MXNet's names and its attribute names in
// designated initializers: `xsym::sum(x, {.axis = {1}, .keepdims = true})`,
// `xsym::dot(a, b, {.transpose_b = true})`, `xsym::broadcast_add(a, b)`. Each makes one node of
// its op (ops/tensor.hpp); a graph holding one runs as its Symbol in the runtime executor
// (symbol/bind_network.hpp). A template argument names the node: `xsym::sum<"total">(x)`;
// without one the node is named MXNet's way (`sum0`, `sum1`, ...).
//
// The same spellings build runtime Symbols (symbol/network_symbols.hpp): every function here
// takes graph operands, which are static expressions or the types the upper layers declare
// runtime operands.
#include <string_view>
#include <type_traits>

#include "../core/fixed_string.hpp"
#include "../ops/tensor.hpp"
#include "operators.hpp"

namespace xsym {

/// Declares T a runtime graph operand: the functions here build T's graphs with
/// `runtime_operand<T>::make<Op>(attributes, name, inputs...)`. Symbol is one
/// (symbol/network_symbols.hpp).
template <class T>
struct runtime_operand : std::false_type {};

/// What the functions here take: a static expression or a runtime operand.
template <class T>
concept graph_operand = expression<T> || runtime_operand<std::remove_cvref_t<T>>::value;

namespace detail {

/// Op, named `Name` by the user: the node's name is the layer name (expr/analysis.hpp).
template <class Op, class Name>
struct named_op : Op {
  using layer_name = Name;
};
template <class Op, fixed_string Name>
using op_named = std::conditional_t<(Name.size() == 0), Op, named_op<Op, name_t<Name>>>;

template <class T, class... Rest>
struct first_runtime_operand {
  using type = typename first_runtime_operand<Rest...>::type;
};
template <class T, class... Rest>
  requires runtime_operand<T>::value
struct first_runtime_operand<T, Rest...> {
  using type = T;
};

/// The node of op Op with attributes p on inputs `in`: a static node when every input is an
/// expression, else the runtime operand's.
template <class Op, fixed_string Name, class... In>
constexpr auto tensor_node(const typename Op::param& p, const In&... in) {
  if constexpr ((expression<In> && ...)) {
    return make_node<op_named<Op, Name>>(p, in...);
  } else {
    using R = typename first_runtime_operand<In...>::type;
    return runtime_operand<R>::template make<Op>(Op::attrs(p), std::string_view(Name.v, Name.size()), in...);
  }
}

}  // namespace detail

// ---- broadcasting ----------------------------------------------------------------------------
// broadcast_add(a, b), ... for each op of ops::broadcast_binary_ops.
#define XSYM_BROADCAST_FUNCTIONS(X)                                                               \
  X(broadcast_add, plus) X(broadcast_plus, plus) X(broadcast_sub, minus) X(broadcast_minus, minus) \
  X(broadcast_mul, mul) X(broadcast_div, div) X(broadcast_mod, mod) X(broadcast_power, power)      \
  X(broadcast_maximum, maximum) X(broadcast_minimum, minimum) X(broadcast_hypot, hypot)            \
  X(broadcast_equal, equal) X(broadcast_not_equal, not_equal) X(broadcast_greater, greater)        \
  X(broadcast_greater_equal, greater_equal) X(broadcast_lesser, lesser)                            \
  X(broadcast_lesser_equal, lesser_equal) X(broadcast_logical_and, logical_and)                    \
  X(broadcast_logical_or, logical_or) X(broadcast_logical_xor, logical_xor)
#define XSYM_BROADCAST_FUNCTION(function, tag)                                           \
  template <fixed_string Name = "", graph_operand L, graph_operand R>                    \
  constexpr auto function(const L& lhs, const R& rhs) {                                  \
    return detail::tensor_node<ops::broadcasting<ops::tag>, Name>({}, lhs, rhs);         \
  }
XSYM_BROADCAST_FUNCTIONS(XSYM_BROADCAST_FUNCTION)
#undef XSYM_BROADCAST_FUNCTION

// ---- ops of one input and an attribute struct ------------------------------------------------
// function(x, {attributes}); `required` ones have no default attributes (MXNet requires one).
#define XSYM_UNARY_TENSOR_FUNCTION(function, Op)                                               \
  template <fixed_string Name = "", graph_operand E>                                           \
  constexpr auto function(const E& data, const typename Op::param& attributes = {}) {          \
    return detail::tensor_node<Op, Name>(attributes, data);                                    \
  }
#define XSYM_UNARY_TENSOR_FUNCTION_REQUIRED(function, Op)                                      \
  template <fixed_string Name = "", graph_operand E>                                           \
  constexpr auto function(const E& data, const typename Op::param& attributes) {               \
    return detail::tensor_node<Op, Name>(attributes, data);                                    \
  }

XSYM_UNARY_TENSOR_FUNCTION_REQUIRED(broadcast_to, ops::broadcast_to)
XSYM_UNARY_TENSOR_FUNCTION_REQUIRED(broadcast_axis, ops::broadcast_axis)
XSYM_UNARY_TENSOR_FUNCTION_REQUIRED(broadcast_axes, ops::broadcast_axis)

#define XSYM_REDUCTION_FUNCTION(tag, other_name) XSYM_UNARY_TENSOR_FUNCTION(tag, ops::tag##_reduction)
XSYM_REDUCTIONS(XSYM_REDUCTION_FUNCTION)
#undef XSYM_REDUCTION_FUNCTION
XSYM_UNARY_TENSOR_FUNCTION(norm, ops::norm)
XSYM_UNARY_TENSOR_FUNCTION(argmax, ops::argmax)
XSYM_UNARY_TENSOR_FUNCTION(argmin, ops::argmin)
XSYM_UNARY_TENSOR_FUNCTION(softmax, ops::softmax)
XSYM_UNARY_TENSOR_FUNCTION(log_softmax, ops::log_softmax)

XSYM_UNARY_TENSOR_FUNCTION_REQUIRED(reshape, ops::reshape)
XSYM_UNARY_TENSOR_FUNCTION_REQUIRED(Reshape, ops::reshape)
XSYM_UNARY_TENSOR_FUNCTION(flatten, ops::flatten)
XSYM_UNARY_TENSOR_FUNCTION(Flatten, ops::flatten)
XSYM_UNARY_TENSOR_FUNCTION(transpose, ops::transpose)
XSYM_UNARY_TENSOR_FUNCTION_REQUIRED(expand_dims, ops::expand_dims)
XSYM_UNARY_TENSOR_FUNCTION(squeeze, ops::squeeze)
XSYM_UNARY_TENSOR_FUNCTION_REQUIRED(reverse, ops::reverse)
XSYM_UNARY_TENSOR_FUNCTION_REQUIRED(flip, ops::reverse)
XSYM_UNARY_TENSOR_FUNCTION_REQUIRED(slice, ops::slice)
XSYM_UNARY_TENSOR_FUNCTION_REQUIRED(slice_axis, ops::slice_axis)
XSYM_UNARY_TENSOR_FUNCTION_REQUIRED(tile, ops::tile)
XSYM_UNARY_TENSOR_FUNCTION_REQUIRED(repeat, ops::repeat)
XSYM_UNARY_TENSOR_FUNCTION_REQUIRED(one_hot, ops::one_hot)
#undef XSYM_UNARY_TENSOR_FUNCTION
#undef XSYM_UNARY_TENSOR_FUNCTION_REQUIRED

// ---- ops of two or three inputs --------------------------------------------------------------
#define XSYM_BINARY_TENSOR_FUNCTION(function, Op, first, second)                                 \
  template <fixed_string Name = "", graph_operand A, graph_operand B>                            \
  constexpr auto function(const A& first, const B& second, const typename Op::param& attributes = {}) { \
    return detail::tensor_node<Op, Name>(attributes, first, second);                             \
  }
XSYM_BINARY_TENSOR_FUNCTION(broadcast_like, ops::broadcast_like, lhs, rhs)
XSYM_BINARY_TENSOR_FUNCTION(slice_like, ops::slice_like, data, shape_like)
XSYM_BINARY_TENSOR_FUNCTION(take, ops::take, a, indices)
XSYM_BINARY_TENSOR_FUNCTION(pick, ops::pick, data, index)
XSYM_BINARY_TENSOR_FUNCTION(dot, ops::dot, lhs, rhs)
XSYM_BINARY_TENSOR_FUNCTION(batch_dot, ops::batch_dot, lhs, rhs)
#undef XSYM_BINARY_TENSOR_FUNCTION

/// where(condition, x, y): x's element where condition's is nonzero, else y's.
template <fixed_string Name = "", graph_operand C, graph_operand X, graph_operand Y>
constexpr auto where(const C& condition, const X& x, const Y& y) {
  return detail::tensor_node<ops::where, Name>({}, condition, x, y);
}

// ---- Concat and stack, of 1 to 8 inputs ------------------------------------------------------
#define XSYM_VARIADIC_TENSOR_FUNCTION(function, Op, Param, ...)                                     \
  template <fixed_string Name = "", graph_operand... E>                                             \
    requires(sizeof...(E) >= 1 && sizeof...(E) <= 8)                                               \
  constexpr auto function(const E&... inputs) {                                                     \
    return detail::tensor_node<Op<int(sizeof...(E))>, Name>(Param{}, inputs...);                   \
  }                                                                                                 \
  /* With attributes: function({.dim = 0}, a, b), as the attributes cannot follow a pack. */       \
  template <fixed_string Name = "", graph_operand... E>                                             \
    requires(sizeof...(E) >= 1 && sizeof...(E) <= 8)                                               \
  constexpr auto function(const Param& attributes, const E&... inputs) {                           \
    return detail::tensor_node<Op<int(sizeof...(E))>, Name>(attributes, inputs...);                \
  }
XSYM_VARIADIC_TENSOR_FUNCTION(Concat, ops::concat, ops::concat_param)
XSYM_VARIADIC_TENSOR_FUNCTION(concat, ops::concat, ops::concat_param)
XSYM_VARIADIC_TENSOR_FUNCTION(stack, ops::stack, ops::stack_param)
#undef XSYM_VARIADIC_TENSOR_FUNCTION

}  // namespace xsym
