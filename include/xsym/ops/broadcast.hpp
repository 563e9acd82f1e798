#pragma once
// MXNet's broadcast binary ops (broadcast_add, ...) and the operator-table entries whose element
// functions and derivatives they use: broadcast_add computes exactly what elemwise_add does, on
// operands whose dimensions of size 1 stretch; the logical ops, which MXNet has in broadcast
// form only, are defined here. The runtime registry and kernels read this list.
#include <string_view>
#include <tuple>
#include <type_traits>

#include "table.hpp"

namespace xsym::ops {

// The logical ops exist in MXNet 1.9 only in broadcast form (mshadow_op::logical_and, ...): 1 or
// 0 in the inputs' type, zero gradient.
struct logical_and : binary<logical_and, exact> {
  template <class T> XSYM_HD static T apply(T a, T b) { return T(a && b); }
  XSYM_ZERO_BINARY_GRADIENT
};
struct logical_or : binary<logical_or, exact> {
  template <class T> XSYM_HD static T apply(T a, T b) { return T(a || b); }
  XSYM_ZERO_BINARY_GRADIENT
};
struct logical_xor : binary<logical_xor, exact> {
  template <class T> XSYM_HD static T apply(T a, T b) { return T((a || b) && !(a && b)); }
  XSYM_ZERO_BINARY_GRADIENT
};

template <class B>
struct broadcast_form {
  std::string_view name;   // MXNet's op name
  std::string_view alias;  // MXNet's other name, or empty
  using op = B;
};

inline constexpr auto broadcast_binary_ops = std::tuple{
    broadcast_form<plus>{"broadcast_add", "broadcast_plus"},
    broadcast_form<minus>{"broadcast_sub", "broadcast_minus"},
    broadcast_form<mul>{"broadcast_mul", ""},
    broadcast_form<div>{"broadcast_div", ""},
    broadcast_form<mod>{"broadcast_mod", ""},
    broadcast_form<power>{"broadcast_power", ""},
    broadcast_form<maximum>{"broadcast_maximum", ""},
    broadcast_form<minimum>{"broadcast_minimum", ""},
    broadcast_form<hypot>{"broadcast_hypot", ""},
    broadcast_form<equal>{"broadcast_equal", ""},
    broadcast_form<not_equal>{"broadcast_not_equal", ""},
    broadcast_form<greater>{"broadcast_greater", ""},
    broadcast_form<greater_equal>{"broadcast_greater_equal", ""},
    broadcast_form<lesser>{"broadcast_lesser", ""},
    broadcast_form<lesser_equal>{"broadcast_lesser_equal", ""},
    broadcast_form<logical_and>{"broadcast_logical_and", ""},
    broadcast_form<logical_or>{"broadcast_logical_or", ""},
    broadcast_form<logical_xor>{"broadcast_logical_xor", ""},
};

/// f(form) for the broadcast op named `name` (its name or alias); false when there is none.
template <class F>
constexpr bool with_broadcast_binary(std::string_view name, const F& f) {
  return std::apply(
      [&](const auto&... form) {
        return ((form.name == name || (!form.alias.empty() && form.alias == name) ? (f(form), true) : false) || ...);
      },
      broadcast_binary_ops);
}

}  // namespace xsym::ops
