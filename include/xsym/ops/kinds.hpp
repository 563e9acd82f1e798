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

/// What an op does to its operands' shapes, which decides how it runs. Elementwise ops fuse into
/// one loop (the static fused loop, the runtime's blocked path); every other kind is one kernel
/// over whole tensors (the runtime executor's), with its shape rule in the runtime registry.
enum class op_kind {
  elementwise,  // same shape in and out, one element at a time
  broadcast,    // elementwise, with dimensions of size 1 stretched (broadcast_add, broadcast_to)
  reduce,       // sum, mean, max, norm, argmax, softmax ...
  layout,       // reshape, transpose, slice, concat, take ...: moves elements
  contraction,  // dot, batch_dot
  network,      // FullyConnected, Convolution, Pooling, Activation, SoftmaxOutput ...
};

/// The kind of op Op; an entry without one is elementwise (the operator table's, their scalar
/// and backward forms).
template <class Op>
constexpr op_kind kind_of() {
  if constexpr (requires { Op::kind; }) return Op::kind;
  else return op_kind::elementwise;
}

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

/// How long an op's element function is, for the CPU loop's cost model (exec/program_loop.hpp
/// decides from it which fused loops are compiled for each instruction set): a few instructions,
/// or a polynomial or libm call of 15 to 30 (exp, tanh, sqrt, power, hypot, gamma ...).
enum class op_cost { cheap, math };

/// Op's cost; a scalar form costs what its binary op does, an op that says nothing is cheap
/// (clip, Cast, the backward ops: most derivatives read the output, as tanh's does).
template <class Op>
constexpr op_cost cost_of() {
  if constexpr (requires { Op::cost; }) return Op::cost;
  else if constexpr (requires { typename Op::binary_op; }) return cost_of<typename Op::binary_op>();
  else return op_cost::cheap;
}

/// How exactly an op's floating-point result is determined, for the tests to choose their bound:
enum class exactness {
  rounded_once,  // the op computed in double and rounded once to the element type: the bits of
                 // every path and device, and of a reference computed in double (+ - * / sqrt,
                 // comparisons, rounding, maximum, clip, Cast ...)
  fixed_order,   // a fixed sequence of float operations: the same bits on every path and device
                 // (no FMA contraction), not those of the double computation (degrees, smooth_l1)
  approximate,   // a math function: xsym's own on the CPU, CUDA's on the GPU, each within a few ulp
};

/// Op's exactness; a scalar form's is its binary op's, a Cast's rounded_once.
template <class Op>
constexpr exactness exactness_of() {
  if constexpr (requires { Op::float_exactness; }) return Op::float_exactness;
  else if constexpr (requires { typename Op::binary_op; }) return exactness_of<typename Op::binary_op>();
  else return exactness::rounded_once;
}

/// Whether a node of Op may carry attributes: false for the elementwise ops without a parameter
/// (their attrs() is always empty, and describing a graph skips them).
template <class Op>
constexpr bool has_attributes() {
  if constexpr (requires { Op::attribute_free; }) return !Op::attribute_free;
  else if constexpr (requires { typename Op::forward_op; }) return has_attributes<typename Op::forward_op>();
  else return true;
}

/// What an op's derivative returns for an input whose gradient is zero everywhere (sign, the
/// comparisons, round, ...): the gradient graph leaves such paths out (MXNet's MakeZeroGradNodes).
struct zero_gradient {};

/// Base of elementwise ops with `arity` inputs and no parameter; `Rule` says how integers are
/// computed, `Cost` how long the element function is, `Exactness` how exact its float results
/// are. The entry adds `names`, `template <class T> static T apply(T...)` and its derivative:
/// `derivative(g, out, x)` for a unary op, `dlhs(g, out, a, b)` and `drhs(g, out, a, b)` for a
/// binary one, where g is the gradient of the output `out`. A derivative returns the gradient of
/// its input (g times the local derivative, in MXNet's order of operations) or zero_gradient.
template <class Op, int Arity, integers Rule, op_cost Cost, exactness Exactness>
struct elementwise {
  static constexpr int arity = Arity;
  static constexpr integers integer_rule = Rule;
  static constexpr op_cost cost = Cost;
  static constexpr exactness float_exactness = Exactness;
  static constexpr bool attribute_free = true;  // attrs() is always empty
  using param = no_param;
  template <class T>
  using lowered_param = no_param;
  template <class T>
  static constexpr no_param lower(no_param) { return {}; }
  static attributes attrs(no_param) { return {}; }

  template <class T, class... U>
  XSYM_HD XSYM_INLINE static T eval(no_param, T x, U... y) { return apply_as<Op>(x, y...); }

  /// The gradient of input K, given the output's gradient g (ops/backward.hpp).
  template <int K, class T, class... X>
  XSYM_HD XSYM_INLINE static auto gradient(no_param, T g, T out, X... x) {
    if constexpr (Arity == 1) return Op::derivative(g, out, x...);
    else if constexpr (K == 0) return Op::dlhs(g, out, x...);
    else return Op::drhs(g, out, x...);
  }
};

template <class Op, integers Rule, op_cost Cost = op_cost::cheap, exactness Exactness = exactness::rounded_once>
using unary = elementwise<Op, 1, Rule, Cost, Exactness>;
template <class Op, integers Rule, op_cost Cost = op_cost::cheap, exactness Exactness = exactness::rounded_once>
using binary = elementwise<Op, 2, Rule, Cost, Exactness>;

}  // namespace xsym::ops
