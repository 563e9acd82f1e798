#pragma once
// Building Symbols at run time with the spellings of static graphs: `a * b + 1.5`,
// `xsym::exp(s)`, `xsym::clip(s, 0, 1)`, `xsym::cast(s, xsym::dtype::float64)`. Each reads its
// op's names from the operator table; node names come from the thread's name manager.
#include <string>

#include "../expr/expression.hpp"
#include "../ops/table.hpp"
#include "symbol.hpp"

namespace xsym {

namespace detail {
template <class Op>
Symbol make_symbol(const std::vector<Symbol>& inputs, ops::attributes attrs = {}) {
  return Symbol::create(Op::names.mxnet, inputs, std::move(attrs), {}, Op::names.hint);
}
}  // namespace detail

// Each binary op of the table, with its spellings from XSYM_BINARY_OPERATORS (ops/table.hpp).
#define XSYM_SYMBOL_BINARY(function, tag)                                                           \
  inline Symbol function(const Symbol& l, const Symbol& r) { return detail::make_symbol<ops::tag>({l, r}); } \
  template <scalar_operand S>                                                                       \
  Symbol function(const Symbol& l, S s) {                                                           \
    using op = ops::scalar<ops::tag, false>;                                                        \
    return detail::make_symbol<op>({l}, op::attrs(s));                                              \
  }                                                                                                 \
  template <scalar_operand S>                                                                       \
  Symbol function(S s, const Symbol& r) {                                                           \
    using op = ops::scalar<ops::tag, true>;                                                         \
    return detail::make_symbol<op>({r}, op::attrs(s));                                              \
  }
XSYM_BINARY_OPERATORS(XSYM_SYMBOL_BINARY)
#undef XSYM_SYMBOL_BINARY

/// `-s`: `_mul_scalar` by -1.0, as MXNet's `__neg__`.
inline Symbol operator-(const Symbol& s) {
  using op = ops::scalar<ops::mul, false>;
  return detail::make_symbol<op>({s}, op::attrs(-1.0));
}

#define XSYM_SYMBOL_UNARY(tag, ...) \
  inline Symbol tag(const Symbol& s) { return detail::make_symbol<ops::tag>({s}); }
XSYM_UNARY_OPS(XSYM_SYMBOL_UNARY)
XSYM_SYMBOL_UNARY(identity)
#undef XSYM_SYMBOL_UNARY

// `clip(s, a_min, a_max)`, `smooth_l1(s, scalar)`: each op with number attributes
// (ops/parameterized.hpp), which it takes in the order of the op's attribute_names.
#define XSYM_SYMBOL_PARAMETERIZED(tag)                                                        \
  template <scalar_operand... S>                                                              \
    requires(sizeof...(S) == ops::tag::attribute_names.size())                                \
  Symbol tag(const Symbol& s, S... values) {                                                  \
    return detail::make_symbol<ops::tag>({s}, ops::tag::attrs(typename ops::tag::param{values...})); \
  }
XSYM_PARAMETERIZED_OPS(XSYM_SYMBOL_PARAMETERIZED)
#undef XSYM_SYMBOL_PARAMETERIZED

/// `cast<T>(s)` and `cast(s, dtype)`: MXNet's Cast.
template <element_type T>
Symbol cast(const Symbol& s) {
  return detail::make_symbol<ops::cast<T>>({s}, ops::cast<T>::attrs({}));
}
inline Symbol cast(const Symbol& s, dtype t) {
  return Symbol::create("Cast", {s}, {{"dtype", std::string(dtype_name(t))}}, {}, "cast");
}

}  // namespace xsym
