#pragma once
// Elementwise ops with number attributes: clip's `a_min` and `a_max`, smooth_l1's `scalar`. An
// entry of the operator table derives from `parameterized` and names its attributes; the element
// function and its derivative take the attribute values, lowered to the element type, after the
// input. Every layer reads the rest from here: the static functions (`xsym::clip(a, 0, 1)`), the
// Symbol functions, the attribute text, the runtime registry, and the CPU and GPU kernels, which
// take the values from a node's attributes at bind (number_attributes, param_of_numbers).
#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include "kinds.hpp"
#include "scalar_value.hpp"

namespace xsym::ops {

/// The values of N number attributes as the user gave them, in the order of the op's
/// `attribute_names`: `numbers<2>{0, 1.5}`.
template <std::size_t N>
struct numbers {
  static constexpr std::size_t size = N;
  scalar_value values[N];
  friend constexpr bool operator==(const numbers&, const numbers&) = default;
};

/// The same values converted to element type T, as MXNet's `DType(param)`.
template <class T, std::size_t N>
struct lowered_numbers {
  T values[N];
};

/// Base of the unary ops with N number attributes. The entry adds `names`, its attribute names
/// `static constexpr std::array<std::string_view, N> attribute_names`, its element function
/// `template <class T> static T apply(T x, T p...)` and its derivative
/// `derivative(T g, T out, T x, T p...)` (as elementwise's, kinds.hpp).
template <class Op, std::size_t N, integers Rule, op_cost Cost, exactness Exactness>
struct parameterized {
  static constexpr int arity = 1;
  static constexpr integers integer_rule = Rule;
  static constexpr op_cost cost = Cost;
  static constexpr exactness float_exactness = Exactness;
  using param = numbers<N>;
  template <class T>
  using lowered_param = lowered_numbers<T, N>;

  template <class T>
  static constexpr lowered_param<T> lower(const param& p) {
    lowered_param<T> out{};
    for (std::size_t k = 0; k < N; ++k) out.values[k] = arith::convert<T>(p.values[k].value);
    return out;
  }
  static attributes attrs(const param& p) {
    attributes out;
    for (std::size_t k = 0; k < N; ++k) out[std::string(Op::attribute_names[k])] = p.values[k].str();
    return out;
  }

  template <class T>
  XSYM_HD XSYM_INLINE static T eval(lowered_param<T> p, T x) {
    return eval_with(p, x, std::make_index_sequence<N>{});
  }
  /// The gradient of the input, given the output's gradient g (ops/backward.hpp).
  template <int K, class T>
  XSYM_HD XSYM_INLINE static auto gradient(lowered_param<T> p, T g, T out, T x) {
    return gradient_with(p, g, out, x, std::make_index_sequence<N>{});
  }

 private:
  template <class T, std::size_t... I>
  XSYM_HD XSYM_INLINE static T eval_with(const lowered_param<T>& p, T x, std::index_sequence<I...>) {
    return apply_as<Op>(x, p.values[I]...);
  }
  template <class T, std::size_t... I>
  XSYM_HD XSYM_INLINE static auto gradient_with(const lowered_param<T>& p, T g, T out, T x, std::index_sequence<I...>) {
    return Op::derivative(g, out, x, p.values[I]...);
  }
};

/// The names of Op's number attributes, in the order its parameter holds them: an entry's own,
/// "scalar" for the scalar forms, the forward op's for a backward op, none for the others.
template <class Op>
constexpr std::span<const std::string_view> number_attributes() {
  if constexpr (requires { typename Op::forward_op; }) return number_attributes<typename Op::forward_op>();
  else if constexpr (requires { Op::attribute_names; }) return Op::attribute_names;
  else return {};
}

/// MXNet's default of number attribute `name` where a node omits it: MXNet 1.9 parses every
/// `scalar` attribute (the scalar forms, smooth_l1) with NumpyBinaryScalarParam, whose default is
/// 1; the others (clip's bounds) are required.
constexpr std::optional<double> number_attribute_default(std::string_view name) {
  if (name == "scalar") return 1.0;
  return std::nullopt;
}

/// The most number attributes an elementwise op has.
inline constexpr std::size_t max_number_attributes = 3;

/// Op's parameter from the values of its number attributes (number_attributes<Op>() order): how
/// the runtime kernels get a node's parameter from its attributes.
template <class Op>
typename Op::param param_of_numbers(const double* values) {
  using P = typename Op::param;
  static_assert(number_attributes<Op>().size() <= max_number_attributes, "raise max_number_attributes");
  if constexpr (std::is_same_v<P, scalar_value>) {
    return scalar_value(values[0]);
  } else if constexpr (requires { P::size; }) {
    static_assert(P::size == number_attributes<Op>().size(), "an op's attribute_names must name each of its numbers");
    P p{};
    for (std::size_t k = 0; k < P::size; ++k) p.values[k] = scalar_value(values[k]);
    return p;
  } else {
    return P{};
  }
}

}  // namespace xsym::ops
