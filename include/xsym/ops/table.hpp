#pragma once
// THE operator table. Every op is defined here once: its MXNet name and node-name hint, its kind
// (kinds.hpp), its integer rule and cost class (kinds.hpp), its attributes (parameterized.hpp),
// its element function and its derivative. The static graph, the executors, JSON, the runtime
// registry, the CPU and GPU kernels and the gradients all read these entries; adding an op is
// one entry here, its line in the op list of its kind, and its tests.
//
// Element functions follow MXNet's mshadow_op.h: NaN propagates through maximum, minimum,
// relu and clip; comparisons give 0 or 1 in the input's type; integer arithmetic never has
// undefined behaviour (arithmetic.hpp).
#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <type_traits>

#include "../core/dtype.hpp"
#include "../core/type_list.hpp"
#include "arithmetic.hpp"
#include "kinds.hpp"
#include "math.hpp"
#include "parameterized.hpp"
#include "scalar_value.hpp"
#include "special.hpp"

// XSYM_MATH(cpu, device): the transcendental functions are xsym's own vectorized ones on the
// CPU (math.hpp) and CUDA's in device code.
#if defined(__CUDA_ARCH__)
#define XSYM_MATH(cpu, device) device
#else
#define XSYM_MATH(cpu, device) cpu
#endif

namespace xsym::ops {

using enum integers;

// The derivatives follow MXNet 1.9's (mshadow_op.h and the _backward_* ops of
// src/operator/tensor/elemwise_*): the same formula in the same order of operations, so that
// gradients match MXNet's to the bit wherever the element functions do. A unary op's derivative
// may use the output (`out`) or the input (`x`), as MXNet's does.
struct log;
struct sign;
struct sqrt;
struct cbrt;
struct exp;
struct sin;
struct cos;
struct sinh;
struct cosh;
struct hypot;

/// The derivatives of an op whose gradient is zero for both inputs (the comparisons).
#define XSYM_ZERO_BINARY_GRADIENT                                                   \
  template <class T> XSYM_HD static zero_gradient dlhs(T, T, T, T) { return {}; } \
  template <class T> XSYM_HD static zero_gradient drhs(T, T, T, T) { return {}; }

// ---- binary ops, with the names of their scalar forms (`a + 1.5` and `1.5 + a`) -------------
struct plus : binary<plus, exact> {
  static constexpr op_names names{"elemwise_add", "_plus"};
  static constexpr op_names scalar_names{"_plus_scalar", "_plusscalar"};
  static constexpr op_names rscalar_names = scalar_names;
  template <class T> XSYM_HD static T apply(T a, T b) { return arith::add(a, b); }
  template <class T> XSYM_HD static T dlhs(T g, T, T, T) { return g; }
  template <class T> XSYM_HD static T drhs(T g, T, T, T) { return g; }
};
struct minus : binary<minus, exact> {
  static constexpr op_names names{"elemwise_sub", "_minus"};
  static constexpr op_names scalar_names{"_minus_scalar", "_minusscalar"};
  static constexpr op_names rscalar_names{"_rminus_scalar", "_rminusscalar"};
  template <class T> XSYM_HD static T apply(T a, T b) { return arith::sub(a, b); }
  template <class T> XSYM_HD static T dlhs(T g, T, T, T) { return g; }
  template <class T> XSYM_HD static T drhs(T g, T, T, T) { return -g; }
};
struct mul : binary<mul, exact> {
  static constexpr op_names names{"elemwise_mul", "_mul"};
  static constexpr op_names scalar_names{"_mul_scalar", "_mulscalar"};
  static constexpr op_names rscalar_names = scalar_names;
  template <class T> XSYM_HD static T apply(T a, T b) { return arith::mul(a, b); }
  template <class T> XSYM_HD static T dlhs(T g, T, T, T b) { return g * b; }
  template <class T> XSYM_HD static T drhs(T g, T, T a, T) { return g * a; }
};
struct div : binary<div, exact> {
  static constexpr op_names names{"elemwise_div", "_div"};
  static constexpr op_names scalar_names{"_div_scalar", "_divscalar"};
  static constexpr op_names rscalar_names{"_rdiv_scalar", "_rdivscalar"};
  template <class T> XSYM_HD static T apply(T a, T b) { return arith::div(a, b); }
  template <class T> XSYM_HD static T dlhs(T g, T, T, T b) { return g * (T(1) / b); }
  template <class T> XSYM_HD static T drhs(T g, T, T a, T b) { return g * (-a / (b * b)); }
  // `_div_scalar`'s gradient is `_div_scalar` of the head gradient, not g * (1 / s).
  template <class T> XSYM_HD static T dlhs_scalar(T g, T, T, T s) { return g / s; }
};
struct mod : binary<mod, exact> {
  static constexpr op_names names{"_mod", "_mod"};
  static constexpr op_names scalar_names{"_mod_scalar", "_modscalar"};
  static constexpr op_names rscalar_names{"_rmod_scalar", "_rmodscalar"};
  template <class T> XSYM_HD static T apply(T a, T b) { return arith::mod(a, b); }
  template <class T> XSYM_HD static T dlhs(T g, T, T, T) { return g; }
  template <class T> XSYM_HD static T drhs(T g, T, T a, T b) { return g * -std::floor(a / b); }
};
struct power : binary<power, exact, op_cost::math, exactness::approximate> {
  static constexpr op_names names{"_power", "_power"};
  static constexpr op_names scalar_names{"_power_scalar", "_powerscalar"};
  static constexpr op_names rscalar_names{"_rpower_scalar", "_rpowerscalar"};
  template <class T> XSYM_HD XSYM_INLINE static T apply(T a, T b) {
    if constexpr (arith::is_float<T>) return XSYM_MATH(math::pow, std::pow)(a, b); else return arith::pow(a, b);
  }
  template <class T> XSYM_HD static T dlhs(T g, T, T a, T b) { return g * (apply(a, b - T(1)) * b); }
  template <class T> XSYM_HD static T drhs(T g, T out, T a, T) { return g * (out * apply_as<log>(a)); }
};
struct maximum : binary<maximum, exact> {
  static constexpr op_names names{"_maximum", "_maximum"};
  static constexpr op_names scalar_names{"_maximum_scalar", "_maximumscalar"};
  static constexpr op_names rscalar_names = scalar_names;
  template <class T> XSYM_HD static T apply(T a, T b) { return arith::is_nan(a) || a > b ? a : b; }
  template <class T> XSYM_HD static T dlhs(T g, T, T a, T b) { return g * T(a >= b); }
  template <class T> XSYM_HD static T drhs(T g, T, T a, T b) { return g * T(a < b); }
  // `maximum(s, a)` is MXNet's `_maximum_scalar(a, scalar=s)` too: g * (a >= s), 1 at a tie.
  template <class T> XSYM_HD static T drhs_scalar(T g, T out, T s, T x) { return dlhs(g, out, x, s); }
};
struct minimum : binary<minimum, exact> {
  static constexpr op_names names{"_minimum", "_minimum"};
  static constexpr op_names scalar_names{"_minimum_scalar", "_minimumscalar"};
  static constexpr op_names rscalar_names = scalar_names;
  template <class T> XSYM_HD static T apply(T a, T b) { return arith::is_nan(a) || a < b ? a : b; }
  template <class T> XSYM_HD static T dlhs(T g, T, T a, T b) { return g * T(a <= b); }
  template <class T> XSYM_HD static T drhs(T g, T, T a, T b) { return g * T(a > b); }
  // `minimum(s, a)` is MXNet's `_minimum_scalar(a, scalar=s)` too: g * (a <= s), 1 at a tie.
  template <class T> XSYM_HD static T drhs_scalar(T g, T out, T s, T x) { return dlhs(g, out, x, s); }
};
struct hypot : binary<hypot, via_double, op_cost::math, exactness::approximate> {
  static constexpr op_names names{"_hypot", "_hypot"};
  static constexpr op_names scalar_names{"_hypot_scalar", "_hypotscalar"};
  static constexpr op_names rscalar_names = scalar_names;
  template <class F> XSYM_HD XSYM_INLINE static F apply(F a, F b) { return XSYM_MATH(math::hypot, std::hypot)(a, b); }
  template <class T> XSYM_HD static T dlhs(T g, T, T a, T b) { return g * (a / apply(a, b)); }
  template <class T> XSYM_HD static T drhs(T g, T, T a, T b) { return g * (b / apply(a, b)); }
};
struct equal : binary<equal, exact> {
  static constexpr op_names names{"_equal", "_equal"};
  static constexpr op_names scalar_names{"_equal_scalar", "_equal_scalar"};
  static constexpr op_names rscalar_names = scalar_names;
  template <class T> XSYM_HD static T apply(T a, T b) { return T(a == b); }
  XSYM_ZERO_BINARY_GRADIENT
};
struct not_equal : binary<not_equal, exact> {
  static constexpr op_names names{"_not_equal", "_not_equal"};
  static constexpr op_names scalar_names{"_not_equal_scalar", "_not_equal_scalar"};
  static constexpr op_names rscalar_names = scalar_names;
  template <class T> XSYM_HD static T apply(T a, T b) { return T(a != b); }
  XSYM_ZERO_BINARY_GRADIENT
};
// `2 > a` is `a < 2`: a reversed comparison takes the mirrored op's scalar name.
struct greater : binary<greater, exact> {
  static constexpr op_names names{"_greater", "_greater"};
  static constexpr op_names scalar_names{"_greater_scalar", "_greater_scalar"};
  static constexpr op_names rscalar_names{"_lesser_scalar", "_lesser_scalar"};
  template <class T> XSYM_HD static T apply(T a, T b) { return T(a > b); }
  XSYM_ZERO_BINARY_GRADIENT
};
struct greater_equal : binary<greater_equal, exact> {
  static constexpr op_names names{"_greater_equal", "_greater_equal"};
  static constexpr op_names scalar_names{"_greater_equal_scalar", "_greater_equal_scalar"};
  static constexpr op_names rscalar_names{"_lesser_equal_scalar", "_lesser_equal_scalar"};
  template <class T> XSYM_HD static T apply(T a, T b) { return T(a >= b); }
  XSYM_ZERO_BINARY_GRADIENT
};
struct lesser : binary<lesser, exact> {
  static constexpr op_names names{"_lesser", "_lesser"};
  static constexpr op_names scalar_names{"_lesser_scalar", "_lesser_scalar"};
  static constexpr op_names rscalar_names{"_greater_scalar", "_greater_scalar"};
  template <class T> XSYM_HD static T apply(T a, T b) { return T(a < b); }
  XSYM_ZERO_BINARY_GRADIENT
};
struct lesser_equal : binary<lesser_equal, exact> {
  static constexpr op_names names{"_lesser_equal", "_lesser_equal"};
  static constexpr op_names scalar_names{"_lesser_equal_scalar", "_lesser_equal_scalar"};
  static constexpr op_names rscalar_names{"_greater_equal_scalar", "_greater_equal_scalar"};
  template <class T> XSYM_HD static T apply(T a, T b) { return T(a <= b); }
  XSYM_ZERO_BINARY_GRADIENT
};

// The C++ spellings of the binary ops, for the static graph and the runtime Symbol alike:
// X(operator or function name, tag). `pow` is MXNet's `sym.pow`, the same op as `power`.
#define XSYM_BINARY_OPERATORS(X) \
  X(operator+, plus)             \
  X(operator-, minus)            \
  X(operator*, mul)              \
  X(operator/, div)              \
  X(operator%, mod)              \
  X(operator==, equal)           \
  X(operator!=, not_equal)       \
  X(operator>, greater)          \
  X(operator>=, greater_equal)   \
  X(operator<, lesser)           \
  X(operator<=, lesser_equal)    \
  X(power, power)                \
  X(pow, power)                  \
  X(maximum, maximum)            \
  X(minimum, minimum)            \
  X(hypot, hypot)

// ---- unary ops: exact for integers where the result is an integer anyway -------------------
// X(tag, integer rule, cost, exactness (kinds.hpp), derivative, body of
// `template <class T> static T apply(T x)`); the MXNet name and the hint are the tag. The
// derivative is an expression in the output's gradient g, the output `out` and the input x (all
// of type T), or zero_gradient{} (ops/kinds.hpp). The static graph expands this list into the
// functions `xsym::exp(e)`, ...
#define XSYM_UNARY_OPS(X) \
  X(negative, exact, cheap, rounded_once, (-g), return arith::neg(x);) \
  X(abs, exact, cheap, rounded_once, (g * apply_as<sign>(x)), \
    if constexpr (arith::is_float<T>) return std::abs(x); else return x < T(0) ? arith::neg(x) : x;) \
  X(sign, exact, cheap, rounded_once, zero_gradient{}, return x < T(0) ? T(-1) : x > T(0) ? T(1) : T(0);) \
  X(round, exact, cheap, rounded_once, zero_gradient{}, if constexpr (std::is_integral_v<T>) return x; else return std::round(x);) \
  X(rint, exact, cheap, rounded_once, zero_gradient{}, if constexpr (std::is_integral_v<T>) return x; else return std::rint(x);) \
  X(ceil, exact, cheap, rounded_once, zero_gradient{}, if constexpr (std::is_integral_v<T>) return x; else return std::ceil(x);) \
  X(floor, exact, cheap, rounded_once, zero_gradient{}, if constexpr (std::is_integral_v<T>) return x; else return std::floor(x);) \
  X(trunc, exact, cheap, rounded_once, zero_gradient{}, if constexpr (std::is_integral_v<T>) return x; else return std::trunc(x);) \
  X(fix, exact, cheap, rounded_once, zero_gradient{}, if constexpr (std::is_integral_v<T>) return x; else return std::trunc(x);) \
  X(square, exact, cheap, rounded_once, (g * (T(2) * x)), return arith::mul(x, x);) \
  X(sqrt, via_double, math, rounded_once, (g * (T(0.5) / out)), return std::sqrt(x);) \
  X(rsqrt, via_double, math, approximate, (g * (T(-0.5) / (apply_as<sqrt>(x) * x))), \
    XSYM_MATH(return math::rsqrt(x);, return T(1) / std::sqrt(x);)) \
  X(cbrt, via_double, math, approximate, (g * (T(1) / (T(3) * (out * out)))), return XSYM_MATH(math::cbrt, std::cbrt)(x);) \
  X(rcbrt, via_double, math, approximate, (g * (T(-1) / (T(3) * apply_as<cbrt>(x) * x))), \
    return T(1) / XSYM_MATH(math::cbrt, std::cbrt)(x);) \
  X(reciprocal, via_double, cheap, rounded_once, (g * (T(-1) / (x * x))), return T(1) / x;) \
  X(exp, via_double, math, approximate, (g * out), return XSYM_MATH(math::exp, std::exp)(x);) \
  X(expm1, via_double, math, approximate, (g * apply_as<exp>(x)), return XSYM_MATH(math::expm1, std::expm1)(x);) \
  X(log, via_double, math, approximate, (g * (T(1) / x)), return XSYM_MATH(math::log, std::log)(x);) \
  X(log2, via_double, math, approximate, (g * (T(sizeof(T) == 4 ? 1.442695041 : 1.44269504088896340737) / x)), \
    return XSYM_MATH(math::log2, std::log2)(x);) \
  X(log10, via_double, math, approximate, (g * (T(sizeof(T) == 4 ? 0.4342944819 : 0.43429448190325182765) / x)), \
    return XSYM_MATH(math::log10, std::log10)(x);) \
  X(log1p, via_double, math, approximate, (g * (T(1) / (T(1) + x))), return XSYM_MATH(math::log1p, std::log1p)(x);) \
  X(sin, via_double, math, approximate, (g * apply_as<cos>(x)), return XSYM_MATH(math::sin, std::sin)(x);) \
  X(cos, via_double, math, approximate, (g * -apply_as<sin>(x)), return XSYM_MATH(math::cos, std::cos)(x);) \
  X(tan, via_double, math, approximate, (g * (out * out + T(1))), return XSYM_MATH(math::tan, std::tan)(x);) \
  X(arcsin, via_double, math, approximate, (g * (T(1) / apply_as<sqrt>(T(1) - x * x))), return XSYM_MATH(math::asin, std::asin)(x);) \
  X(arccos, via_double, math, approximate, (g * (T(-1) / apply_as<sqrt>(T(1) - x * x))), return XSYM_MATH(math::acos, std::acos)(x);) \
  X(arctan, via_double, math, approximate, (g * (T(1) / (x * x + T(1)))), return XSYM_MATH(math::atan, std::atan)(x);) \
  X(sinh, via_double, math, approximate, (g * apply_as<cosh>(x)), return XSYM_MATH(math::sinh, std::sinh)(x);) \
  X(cosh, via_double, math, approximate, (g * apply_as<sinh>(x)), return XSYM_MATH(math::cosh, std::cosh)(x);) \
  X(tanh, via_double, math, approximate, (g * (T(1) - out * out)), return XSYM_MATH(math::tanh, std::tanh)(x);) \
  X(arcsinh, via_double, math, approximate, (g * (T(1) / apply_as<hypot>(x, T(1)))), return XSYM_MATH(math::asinh, std::asinh)(x);) \
  X(arccosh, via_double, math, approximate, (g * (T(1) / apply_as<sqrt>(x * x - T(1)))), return XSYM_MATH(math::acosh, std::acosh)(x);) \
  X(arctanh, via_double, math, approximate, (g * (T(1) / (T(1) - x * x))), return XSYM_MATH(math::atanh, std::atanh)(x);) \
  X(degrees, via_double, cheap, fixed_order, (g * T(180.0f / float(std::numbers::pi))), return x * T(180 / std::numbers::pi);) \
  X(radians, via_double, cheap, fixed_order, (g * T(float(std::numbers::pi) / 180.0f)), return x * T(std::numbers::pi / 180);) \
  X(relu, exact, cheap, rounded_once, (g * (arith::is_nan(out) ? out : out > T(0) ? T(1) : T(0))), \
    return arith::is_nan(x) || x > T(0) ? x : T(0);) \
  X(sigmoid, via_double, math, approximate, (g * (out * (T(1) - out))), \
    XSYM_MATH(return math::sigmoid(x);, return T(1) / (T(1) + std::exp(-x));)) \
  X(softsign, via_double, cheap, approximate, (g * (T(1) / ((T(1) + std::abs(x)) * (T(1) + std::abs(x))))), \
    XSYM_MATH(return math::softsign(x);, return x / (T(1) + std::abs(x));)) \
  X(erf, via_double, math, approximate, (g * T(2.0 / double(std::sqrt(float(std::numbers::pi))) * double(apply_as<exp>(-(x * x))))), \
    return XSYM_MATH(math::erf, std::erf)(x);) \
  X(gamma, via_double, math, approximate, (g * (out * special::digamma(x))), \
    if constexpr (std::is_same_v<T, float>) return XSYM_MATH(math::tgamma, std::tgamma)(x); \
    else return std::tgamma(x);) \
  X(logical_not, exact, cheap, rounded_once, zero_gradient{}, return T(x == T(0));) \
  X(zeros_like, exact, cheap, rounded_once, zero_gradient{}, (void)x; return T(0);) \
  X(ones_like, exact, cheap, rounded_once, zero_gradient{}, (void)x; return T(1);)

#define XSYM_DEFINE_UNARY_OP(tag, rule, cost, exact, derivative_expr, ...)               \
  struct tag : unary<tag, rule, op_cost::cost, exactness::exact> {                        \
    static constexpr op_names names{#tag, #tag};                                          \
    template <class T> XSYM_HD XSYM_INLINE static T apply(T x) { __VA_ARGS__ }            \
    template <class T> XSYM_HD XSYM_INLINE static auto derivative(T g, T out, T x) {      \
      (void)g, (void)out, (void)x;                                                        \
      return derivative_expr;                                                             \
    }                                                                                     \
  };
XSYM_UNARY_OPS(XSYM_DEFINE_UNARY_OP)
#undef XSYM_DEFINE_UNARY_OP

/// `identity(a)`: MXNet registers it as `_copy`, and the hint is the function's name.
struct identity : unary<identity, exact, op_cost::cheap, exactness::rounded_once> {
  static constexpr op_names names{"_copy", "identity"};
  template <class T> XSYM_HD static T apply(T x) { return x; }
  template <class T> XSYM_HD static T derivative(T g, T, T) { return g; }
};

// ---- ops with a run-time parameter ----------------------------------------------------------

/// The scalar form of binary op B: `a + 1.5` (Reversed = false) or `2 - a` (Reversed = true).
/// The scalar is converted to the element type first, as MXNet's `DType(scalar)`.
template <class B, bool Reversed>
struct scalar {
  using binary_op = B;
  static constexpr bool reversed = Reversed;
  static constexpr int arity = 1;
  static constexpr op_names names = Reversed ? B::rscalar_names : B::scalar_names;
  static constexpr std::array<std::string_view, 1> attribute_names{"scalar"};
  using param = scalar_value;
  template <class T>
  using lowered_param = T;
  template <class T>
  static constexpr T lower(const scalar_value& s) { return arith::convert<T>(s.value); }
  static attributes attrs(const scalar_value& s) { return {{"scalar", s.str()}}; }

  template <class T>
  XSYM_HD XSYM_INLINE static T eval(T s, T x) {
    if constexpr (Reversed) return apply_as<B>(s, x); else return apply_as<B>(x, s);
  }
  /// The binary op's derivative for the operand the node has: `2 - a` is minus's right operand.
  template <int K, class T>
  XSYM_HD XSYM_INLINE static auto gradient(T s, T g, T out, T x) {
    if constexpr (Reversed && requires { B::drhs_scalar(g, out, s, x); }) return B::drhs_scalar(g, out, s, x);
    else if constexpr (Reversed) return B::drhs(g, out, s, x);
    else if constexpr (requires { B::dlhs_scalar(g, out, x, s); }) return B::dlhs_scalar(g, out, x, s);
    else return B::dlhs(g, out, x, s);
  }
};

// The unary ops with number attributes (parameterized.hpp), and the C++ functions that make
// them: `clip(a, 0, 1)` takes the attributes in the order of the entry's attribute_names.
#define XSYM_PARAMETERIZED_OPS(X) \
  X(clip)                         \
  X(smooth_l1)

/// `clip(a, a_min, a_max)`: limits every element to [a_min, a_max]; NaN passes through.
struct clip : parameterized<clip, 2, exact, op_cost::cheap, exactness::rounded_once> {
  static constexpr op_names names{"clip", "clip"};
  static constexpr std::array<std::string_view, 2> attribute_names{"a_min", "a_max"};
  template <class T> XSYM_HD static T apply(T x, T lo, T hi) { return x > hi ? hi : x < lo ? lo : x; }
  /// The gradient passes where x is within the bounds, inclusively (and where x is NaN).
  template <class T> XSYM_HD static T derivative(T g, T, T x, T lo, T hi) { return x > hi || x < lo ? T(0) : g; }
};

/// `smooth_l1(a, scalar)`: MXNet's smooth L1 loss with sigma = scalar, Huber's loss at delta = 1
/// when sigma is 1: 0.5 (sigma x)^2 where |x| < 1 / sigma^2, |x| - 0.5 / sigma^2 elsewhere.
/// The formula and its order of operations are mshadow_op.h's (smooth_l1_loss, smooth_l1_gradient).
struct smooth_l1 : parameterized<smooth_l1, 1, via_double, op_cost::cheap, exactness::fixed_order> {
  static constexpr op_names names{"smooth_l1", "smooth_l1"};
  static constexpr std::array<std::string_view, 1> attribute_names{"scalar"};
  template <class T> XSYM_HD static T apply(T x, T sigma) {
    const T bsq = sigma * sigma, ibsq = T(1) / bsq;
    return x > ibsq ? x - T(0.5) * ibsq : x < -ibsq ? -x - T(0.5) * ibsq : T(0.5) * x * x * bsq;
  }
  template <class T> XSYM_HD static T derivative(T g, T, T x, T sigma) {
    const T bsq = sigma * sigma, ibsq = T(1) / bsq;
    return g * (x > ibsq ? T(1) : x < -ibsq ? T(-1) : bsq * x);
  }
};

/// `cast<To>(a)`: MXNet's `Cast` with attribute `dtype`. Float to integer saturates (NaN gives 0).
template <element_type To>
struct cast {
  using target = To;
  static constexpr int arity = 1;
  static constexpr op_names names{"Cast", "cast"};
  using param = no_param;
  template <class T>
  using lowered_param = no_param;
  template <class T>
  static constexpr no_param lower(no_param) { return {}; }
  static attributes attrs(no_param) { return {{"dtype", std::string(dtype_name(dtype_of<To>))}}; }
  template <class T>
  XSYM_HD XSYM_INLINE static To eval(no_param, T x) { return arith::convert<To>(x); }
  /// MXNet's `_backward_Cast`: the gradient, cast back to the input's element type.
  template <int K, class T>
  XSYM_HD XSYM_INLINE static T gradient(no_param, To g, To, T) { return arith::convert<T>(g); }
};

// ---- the lists other layers iterate over ---------------------------------------------------
#define XSYM_OP_TAG_COMMA(tag, ...) tag,
using unary_ops = type_list<XSYM_UNARY_OPS(XSYM_OP_TAG_COMMA) identity>;
#undef XSYM_OP_TAG_COMMA
using binary_ops = type_list<plus, minus, mul, div, mod, power, maximum, minimum, hypot, equal,
                             not_equal, greater, greater_equal, lesser, lesser_equal>;
template <class Void, class... Op>
type_list<Op...> without_first(type_list<Void, Op...>);
#define XSYM_COMMA_OP_TAG(tag) , tag
using parameterized_ops = decltype(without_first(type_list<void XSYM_PARAMETERIZED_OPS(XSYM_COMMA_OP_TAG)>{}));
#undef XSYM_COMMA_OP_TAG

}  // namespace xsym::ops
