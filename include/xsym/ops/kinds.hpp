#pragma once
// The kinds of operator, and what each kind supplies to the entries of the operator table
// (table.hpp): how an element function is evaluated for every element type, and which run-time
// parameter a node of the op carries.
#include <map>
#include <string>
#include <string_view>
#include <type_traits>

#include "../core/config.hpp"
#include "arithmetic.hpp"

namespace xsym::ops {

/// How MXNet names an op: its registered name (the JSON `op`) and the node-name hint
/// from which the name manager makes `_plus0`, `_plus1`, ...
struct op_names {
  std::string_view mxnet;
  std::string_view hint;
};

/// Node attributes as MXNet writes them (`{"scalar": "1.5"}`), sorted by key.
using attributes = std::map<std::string, std::string>;

/// The parameter of an op without one.
struct no_param {
  friend constexpr bool operator==(no_param, no_param) { return true; }
};

/// How an element function treats integer element types.
enum class integers {
  exact,       // the entry's `apply` is written for every element type
  via_double,  // computed in double, converted back with saturation (as MXNet computes in float)
};

/// Evaluates Op's `apply` for element type T, following Op's integer rule.
template <class Op, class T, class... U>
XSYM_HD XSYM_INLINE T apply_as(T x, U... y) {
  if constexpr (std::is_integral_v<T> && Op::integer_rule == integers::via_double)
    return arith::convert<T>(Op::apply(double(x), double(y)...));
  else
    return Op::apply(x, y...);
}

/// Base of elementwise ops with `arity` inputs and no parameter; `Rule` says how integers are
/// computed. The entry adds `names` and `template <class T> static T apply(T...)`.
template <class Op, int Arity, integers Rule>
struct elementwise {
  static constexpr int arity = Arity;
  static constexpr integers integer_rule = Rule;
  using param = no_param;
  template <class T>
  using lowered_param = no_param;
  template <class T>
  static constexpr no_param lower(no_param) { return {}; }
  static attributes attrs(no_param) { return {}; }

  template <class T, class... U>
  XSYM_HD XSYM_INLINE static T eval(no_param, T x, U... y) { return apply_as<Op>(x, y...); }
};

template <class Op, integers Rule = integers::via_double>
using unary = elementwise<Op, 1, Rule>;
template <class Op, integers Rule = integers::via_double>
using binary = elementwise<Op, 2, Rule>;

}  // namespace xsym::ops
