#pragma once
// The spellings that build static graphs: C++ operators and MXNet's math functions, each
// naming an entry of the operator table (ops/table.hpp). Scalar forms follow MXNet:
// `a + 1.5` is `_plus_scalar`, `2 - a` is `_rminus_scalar`, `-a` is `_mul_scalar` by -1.0.
#include "../ops/table.hpp"
#include "expression.hpp"

namespace xsym {

namespace detail {
template <class Op, expression... In>
constexpr node<Op, std::remove_cvref_t<In>...> make_node(typename Op::param p, In... in) {
  return {p, {in...}};
}
template <class B, bool Reversed, expression E>
constexpr auto make_scalar_node(E e, ops::scalar_value s) {
  return make_node<ops::scalar<B, Reversed>>(s, e);
}
}  // namespace detail

// `a op b`, `a op s` and `s op a` for each binary op of the table: `a + b`, `maximum(a, 3)`,
// `pow(2, a)` (the spellings are XSYM_BINARY_OPERATORS in ops/table.hpp).
#define XSYM_BINARY(function, tag)                                                 \
  template <expression L, expression R>                                            \
  constexpr auto function(L l, R r) {                                              \
    return detail::make_node<ops::tag>({}, l, r);                                  \
  }                                                                                \
  template <expression L, scalar_operand S>                                        \
  constexpr auto function(L l, S s) {                                              \
    return detail::make_scalar_node<ops::tag, false>(l, s);                        \
  }                                                                                \
  template <scalar_operand S, expression R>                                        \
  constexpr auto function(S s, R r) {                                              \
    return detail::make_scalar_node<ops::tag, true>(r, s);                         \
  }
XSYM_BINARY_OPERATORS(XSYM_BINARY)
#undef XSYM_BINARY

/// `-a`: MXNet's `__neg__`, a `_mul_scalar` node with scalar -1.0 (`negative(a)` is its own op).
template <expression E>
constexpr auto operator-(E e) { return detail::make_scalar_node<ops::mul, false>(e, -1.0); }

// `exp(a)`, `relu(a)`, ...: one function for each unary op of the table.
#define XSYM_UNARY_FUNCTION(tag, ...) \
  template <expression E>             \
  constexpr auto tag(E e) { return detail::make_node<ops::tag>({}, e); }
XSYM_UNARY_OPS(XSYM_UNARY_FUNCTION)
XSYM_UNARY_FUNCTION(identity)
#undef XSYM_UNARY_FUNCTION

// `clip(a, a_min, a_max)`, `smooth_l1(a, scalar)`: one function for each op with number
// attributes, which it takes in the order of the op's attribute_names (ops/parameterized.hpp).
#define XSYM_PARAMETERIZED_FUNCTION(tag)                                              \
  template <expression E, scalar_operand... S>                                        \
    requires(sizeof...(S) == ops::tag::attribute_names.size())                        \
  constexpr auto tag(E e, S... values) {                                              \
    return detail::make_node<ops::tag>(typename ops::tag::param{values...}, e);       \
  }
XSYM_PARAMETERIZED_OPS(XSYM_PARAMETERIZED_FUNCTION)
#undef XSYM_PARAMETERIZED_FUNCTION

/// `cast<T>(a)`: MXNet's `Cast` to element type T; the only op whose output dtype differs from
/// its input's.
template <element_type T, expression E>
constexpr auto cast(E e) { return detail::make_node<ops::cast<T>>({}, e); }

}  // namespace xsym
