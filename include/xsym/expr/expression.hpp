#pragma once
// What a static graph is made of: variables and op nodes. A graph is a type; its values carry
// only the run-time parameters of its nodes (scalars, clip bounds), so a scalar-free graph is an
// empty object.
#include <concepts>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "../core/dtype.hpp"
#include "../core/fixed_string.hpp"
#include "../ops/kinds.hpp"

namespace xsym {

/// A named argument for the compile-time-checked bind: `a = A` where `a` is a variable.
template <class Name, class T, class Value>
struct named_argument {
  using name_type = Name;
  using declared_type = T;  // the variable's element type, or void when untyped
  Value value;
};

/// A variable (MXNet's `sym.var`): a named graph input. `T` pins its element type at compile
/// time; `void` leaves it to bind. Two variables with the same name are one argument.
template <class Name, class T = void>
struct var {
  using name_type = Name;
  using value_type = T;
  static constexpr std::string_view name = Name::value;

  /// `a = A`: names `A` as this variable's array in `xsym::bind(e, a = A, ...)`.
  template <class Value>
    requires(!std::is_base_of_v<var, std::remove_cvref_t<Value>>)
  constexpr named_argument<Name, T, std::remove_cvref_t<Value>> operator=(Value&& v) const {
    return {std::forward<Value>(v)};
  }
};

/// An op node: operator `Op` (an entry of the operator table) applied to `In...`, with the op's
/// run-time parameter (`no_param`, a scalar, clip bounds).
template <class Op, class... In>
struct node {
  using op = Op;
  [[no_unique_address]] typename Op::param param{};
  std::tuple<In...> inputs{};
};

namespace detail {
template <class T> inline constexpr bool is_variable = false;
template <class N, class T> inline constexpr bool is_variable<var<N, T>> = true;
template <class T> inline constexpr bool is_node = false;
template <class Op, class... In> inline constexpr bool is_node<node<Op, In...>> = true;

// True when a subtree holds a run-time parameter: such subtrees are never merged, since equal
// types do not mean equal values.
template <class E> inline constexpr bool holds_param = false;
template <class Op, class... In>
inline constexpr bool holds_param<node<Op, In...>> =
    !std::is_same_v<typename Op::param, ops::no_param> || (holds_param<In> || ...);
}  // namespace detail

/// A static graph with one output: a variable or an op node.
template <class E>
concept expression = detail::is_variable<std::remove_cvref_t<E>> || detail::is_node<std::remove_cvref_t<E>>;

/// A number usable as a scalar operand (`a + 1.5`, `2 / a`). bool is not one, as in MXNet's C++ API.
template <class S>
concept scalar_operand = std::is_arithmetic_v<std::remove_cvref_t<S>> &&
                         !std::is_same_v<std::remove_cvref_t<S>, bool>;

/// `xsym::variable<"A">()`: an untyped variable; its dtype comes from the array bound to it.
template <fixed_string Name>
constexpr var<name_t<Name>> variable() { return {}; }

/// `xsym::variable<"A", float>()`: a variable whose dtype is fixed at compile time.
template <fixed_string Name, element_type T>
constexpr var<name_t<Name>, T> variable() { return {}; }

}  // namespace xsym
