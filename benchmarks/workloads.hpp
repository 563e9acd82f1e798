#pragma once
// The workloads of the CPU benchmarks (cpu_suite.cpp, backward_suite.cpp): each has its name,
// argument names, compulsory bytes per element in units of sizeof(T), the input values (float32
// numbers, so float32 and float64 runs and the reference see the same inputs), the element
// function `f` (hand-written loop and reference), the static graph, and, where the including
// suite has those peers, the Eigen and xtensor forms for one chunk.
#include <array>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <string_view>
#include <type_traits>
#include <utility>

#include <xsym/xsym.hpp>

#if defined(XSYM_BENCH_HAVE_EIGEN)
#include <Eigen/Core>
#include <unsupported/Eigen/SpecialFunctions>
#endif

#if defined(XSYM_BENCH_HAVE_XTENSOR)
#include <xtensor/xadapt.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xtensor_config.hpp>
#if defined(XTENSOR_USE_XSIMD)
#include <xsimd/xsimd.hpp>
#endif
#endif

namespace xsym_bench {

using index = std::ptrdiff_t;

// maximum and minimum as MXNet (and xsym) define them: NaN in either input gives NaN.
template <class T> inline T nan_max(T a, T b) { return a != a || a > b ? a : b; }
template <class T> inline T nan_min(T a, T b) { return a != a || a < b ? a : b; }

#if defined(XSYM_BENCH_HAVE_EIGEN)
// Eigen 3.4's Array::max/min do not propagate NaN; its functors with PropagateNaN do (vectorized).
template <class T> using eigen_array = Eigen::Array<T, Eigen::Dynamic, 1>;
template <class T> using eigen_in = Eigen::Map<const eigen_array<T>>;
template <class T> using eigen_out = Eigen::Map<eigen_array<T>>;
template <class T, class A>
  requires std::is_arithmetic_v<T>
auto eigen_max(const A& a, T c) {
  return a.binaryExpr(eigen_array<T>::Constant(a.size(), c),
                      Eigen::internal::scalar_max_op<T, T, Eigen::PropagateNaN>());
}
template <class T, class A>
  requires std::is_arithmetic_v<T>
auto eigen_min(const A& a, T c) {
  return a.binaryExpr(eigen_array<T>::Constant(a.size(), c),
                      Eigen::internal::scalar_min_op<T, T, Eigen::PropagateNaN>());
}
template <class A, class B>
  requires(!std::is_arithmetic_v<B>)
auto eigen_max(const A& a, const B& b) {
  using T = typename A::Scalar;
  return a.binaryExpr(b, Eigen::internal::scalar_max_op<T, T, Eigen::PropagateNaN>());
}
#endif

#if defined(XSYM_BENCH_HAVE_XTENSOR)
#if defined(XTENSOR_USE_XSIMD)
constexpr bool xtensor_xsimd = true;
#else
constexpr bool xtensor_xsimd = false;
#endif
template <class T>
auto xt_in(const T* p, index begin, index end) {
  std::array<std::size_t, 1> shape{std::size_t(end - begin)};
  return xt::adapt(p + begin, std::size_t(end - begin), xt::no_ownership(), shape);
}
template <class T>
auto xt_out(T* p, index begin, index end) {
  std::array<std::size_t, 1> shape{std::size_t(end - begin)};
  return xt::adapt(p + begin, std::size_t(end - begin), xt::no_ownership(), shape);
}
// xt::maximum/minimum do not propagate NaN; these lambdas do, on scalars and (with xsimd) on
// batches. The trailing return type is what lets xtensor see that they take batches.
template <class V>
V xt_select_max(V a, V b) {
  if constexpr (std::is_arithmetic_v<V>) return nan_max(a, b);
#if defined(XTENSOR_USE_XSIMD)
  else return xsimd::select((a != a) | (a > b), a, b);
#endif
}
template <class V>
V xt_select_min(V a, V b) {
  if constexpr (std::is_arithmetic_v<V>) return nan_min(a, b);
#if defined(XTENSOR_USE_XSIMD)
  else return xsimd::select((a != a) | (a < b), a, b);
#endif
}
template <class T, class E>
  requires std::is_arithmetic_v<T>
auto xt_max(E&& e, T c) {
  return xt::make_lambda_xfunction([c](auto a) -> decltype(a + a) { return xt_select_max(a, decltype(a)(c)); },
                                   std::forward<E>(e));
}
template <class T, class E>
  requires std::is_arithmetic_v<T>
auto xt_min(E&& e, T c) {
  return xt::make_lambda_xfunction([c](auto a) -> decltype(a + a) { return xt_select_min(a, decltype(a)(c)); },
                                   std::forward<E>(e));
}
template <class E1, class E2>
  requires(!std::is_arithmetic_v<std::remove_cvref_t<E2>>)
auto xt_max(E1&& a, E2&& b) {
  return xt::make_lambda_xfunction([](auto p, auto q) -> decltype(p + q) { return xt_select_max(p, q); },
                                   std::forward<E1>(a), std::forward<E2>(b));
}
#endif

// A deterministic value in [0, 1): element i of input k, 4096 steps.
inline float unit(int k, std::size_t i) {
  return float((i * (2 * std::size_t(k) + 7919) + std::size_t(k) * 104729 + 13) % 4096) / 4096.0f;
}

struct W1 {
  static constexpr std::string_view name = "W1";
  static constexpr std::array<const char*, 4> args{"A", "B", "C", "D"};
  static constexpr int compulsory = 5;
  static float input(int k, std::size_t i) { return 4.0f * unit(k, i) - 2.0f; }  // [-2, 2)
  template <class T> static T f(T a, T b, T c, T d) { return a * b + c * d; }
  static auto graph() {
    auto a = xsym::variable<"A">();
    auto b = xsym::variable<"B">();
    auto c = xsym::variable<"C">();
    auto d = xsym::variable<"D">();
    return a * b + c * d;
  }
#if defined(XSYM_BENCH_HAVE_EIGEN)
  template <class O, class A>
  static void eigen(O& o, const A& a, const A& b, const A& c, const A& d) { o = a * b + c * d; }
#endif
#if defined(XSYM_BENCH_HAVE_XTENSOR)
  template <class O, class A>
  static void xtensor(O& o, const A& a, const A& b, const A& c, const A& d) { xt::noalias(o) = a * b + c * d; }
#endif
};

struct W2a {
  static constexpr std::string_view name = "W2a";
  static constexpr std::array<const char*, 1> args{"X"};
  static constexpr int compulsory = 2;
  static float input(int, std::size_t i) { return float(int(i % 1000) - 500) / 100.0f; }  // [-5, 5)
  template <class T> static T f(T x) {
    T u1 = nan_max(x * T(0.5f) + T(1.0f), T(-1.0f));
    T u2 = nan_min(u1, T(3.0f)) - T(0.25f);
    T u3 = nan_max(u2 * x + x, x);
    T u4 = nan_min(u3 * T(0.75f) + T(2.0f), T(4.0f)) - x;
    return (nan_max(u4 * T(1.25f), T(0.0f)) + x) * T(0.5f);
  }
  static auto graph() {
    auto x = xsym::variable<"X">();
    auto t1 = maximum(x * 0.5f + 1.0f, -1.0f);
    auto t2 = minimum(t1, 3.0f) - 0.25f;
    auto t3 = maximum(t2 * x + x, x);
    auto t4 = minimum(t3 * 0.75f + 2.0f, 4.0f) - x;
    auto w = (maximum(t4 * 1.25f, 0.0f) + x) * 0.5f;
    static_assert(xsym::detail::graph_info<decltype(w)>::node_names.size() == 17, "W2a: 16 ops on one variable");
    return w;
  }
#if defined(XSYM_BENCH_HAVE_EIGEN)
  template <class O, class A>
  static void eigen(O& o, const A& x) {
    using T = typename A::Scalar;
    auto t1 = eigen_max(x * T(0.5f) + T(1.0f), T(-1.0f));
    auto t2 = eigen_min(t1, T(3.0f)) - T(0.25f);
    auto t3 = eigen_max(t2 * x + x, x);
    auto t4 = eigen_min(t3 * T(0.75f) + T(2.0f), T(4.0f)) - x;
    o = (eigen_max(t4 * T(1.25f), T(0.0f)) + x) * T(0.5f);
  }
#endif
#if defined(XSYM_BENCH_HAVE_XTENSOR)
  template <class O, class A>
  static void xtensor(O& o, const A& x) {
    using T = typename A::value_type;
    auto t1 = xt_max(x * T(0.5f) + T(1.0f), T(-1.0f));
    auto t2 = xt_min(t1, T(3.0f)) - T(0.25f);
    auto t3 = xt_max(t2 * x + x, x);
    auto t4 = xt_min(t3 * T(0.75f) + T(2.0f), T(4.0f)) - x;
    xt::noalias(o) = (xt_max(t4 * T(1.25f), T(0.0f)) + x) * T(0.5f);
  }
#endif
};

// 16 ops on X, 6 of them transcendental (3 tanh, 3 exp); only X is used more than once, so
// every node is its own (a reused subtree holding a scalar would be duplicated, see W3).
struct W2b {
  static constexpr std::string_view name = "W2b";
  static constexpr std::array<const char*, 1> args{"X"};
  static constexpr int compulsory = 2;
  static float input(int, std::size_t i) { return float(int(i % 1000) - 500) / 100.0f; }  // [-5, 5)
  template <class T> static T f(T x) {
    T u1 = std::tanh(x * T(0.5f));
    T u2 = std::exp(u1 - T(0.25f));
    T u3 = std::tanh(u2 * x);
    T u4 = std::exp(u3 * T(0.75f));
    T u5 = std::tanh(u4 - x);
    T u6 = std::exp(u5 * T(0.5f)) + x;
    return (u6 * T(0.25f) + T(1.0f)) * x;
  }
  static auto graph() {
    auto x = xsym::variable<"X">();
    auto u1 = xsym::tanh(x * 0.5f);
    auto u2 = xsym::exp(u1 - 0.25f);
    auto u3 = xsym::tanh(u2 * x);
    auto u4 = xsym::exp(u3 * 0.75f);
    auto u5 = xsym::tanh(u4 - x);
    auto u6 = xsym::exp(u5 * 0.5f) + x;
    auto w = (u6 * 0.25f + 1.0f) * x;
    static_assert(xsym::detail::graph_info<decltype(w)>::node_names.size() == 17, "W2b: 16 ops on one variable");
    return w;
  }
#if defined(XSYM_BENCH_HAVE_EIGEN)
  template <class O, class A>
  static void eigen(O& o, const A& x) {
    using T = typename A::Scalar;
    auto u1 = (x * T(0.5f)).tanh();
    auto u2 = (u1 - T(0.25f)).exp();
    auto u3 = (u2 * x).tanh();
    auto u4 = (u3 * T(0.75f)).exp();
    auto u5 = (u4 - x).tanh();
    auto u6 = (u5 * T(0.5f)).exp() + x;
    o = (u6 * T(0.25f) + T(1.0f)) * x;
  }
#endif
#if defined(XSYM_BENCH_HAVE_XTENSOR)
  template <class O, class A>
  static void xtensor(O& o, const A& x) {
    using T = typename A::value_type;
    auto u1 = xt::tanh(x * T(0.5f));
    auto u2 = xt::exp(u1 - T(0.25f));
    auto u3 = xt::tanh(u2 * x);
    auto u4 = xt::exp(u3 * T(0.75f));
    auto u5 = xt::tanh(u4 - x);
    auto u6 = xt::exp(u5 * T(0.5f)) + x;
    xt::noalias(o) = (u6 * T(0.25f) + T(1.0f)) * x;
  }
#endif
};

// Black-Scholes call price. d1 and v*sqrt(T) are each used twice. xsym merges identical
// subtrees only when they hold no run-time scalar (DESIGN.md), so the static graph and its JSON
// hold d1 twice and v*sqrt(T) three times (30 nodes; log(S/K) and sqrt(T) are shared): the
// interpreters evaluate them that many times; the static fused loop's plan knows them as
// structural twins and, their scalars being equal, computes each once, as the hand-written loop. Eigen and xtensor, like the static graph, are trees.
struct W3 {
  static constexpr std::string_view name = "W3";
  static constexpr std::array<const char*, 3> args{"S", "K", "T"};
  static constexpr int compulsory = 4;
  static constexpr double r = 0.05, v = 0.2, c1 = r + 0.5 * v * v;
  static constexpr double inv_sqrt2 = 1.0 / std::numbers::sqrt2;
  static float input(int k, std::size_t i) {
    float u = unit(k, i);
    return k == 2 ? 0.1f + 1.9f * u : 50.0f + 100.0f * u;  // S, K in [50, 150), T in [0.1, 2)
  }
  template <class T> static T f(T s, T k, T t) {
    T vsq = std::sqrt(t) * T(v);
    T d1 = (std::log(s / k) + t * T(c1)) / vsq;
    T d2 = d1 - vsq;
    T n1 = (std::erf(d1 * T(inv_sqrt2)) + T(1.0)) * T(0.5);
    T n2 = (std::erf(d2 * T(inv_sqrt2)) + T(1.0)) * T(0.5);
    return s * n1 - k * std::exp(t * T(-r)) * n2;
  }
  static auto graph() {
    auto s = xsym::variable<"S">();
    auto k = xsym::variable<"K">();
    auto t = xsym::variable<"T">();
    auto vsq = xsym::sqrt(t) * v;
    auto d1 = (xsym::log(s / k) + t * c1) / vsq;
    auto d2 = d1 - vsq;
    auto n = [](auto d) { return (xsym::erf(d * inv_sqrt2) + 1.0) * 0.5; };
    auto call = s * n(d1) - k * xsym::exp(t * -r) * n(d2);
    static_assert(xsym::detail::graph_info<decltype(call)>::node_names.size() == 30,
                  "W3: d1 and v*sqrt(T) hold scalars, so they are not merged");
    return call;
  }
#if defined(XSYM_BENCH_HAVE_EIGEN)
  template <class O, class A>
  static void eigen(O& o, const A& s, const A& k, const A& t) {
    using T = typename A::Scalar;
    auto vsq = t.sqrt() * T(v);
    auto d1 = ((s / k).log() + t * T(c1)) / vsq;
    auto d2 = d1 - vsq;
    auto n1 = ((d1 * T(inv_sqrt2)).erf() + T(1.0)) * T(0.5);
    auto n2 = ((d2 * T(inv_sqrt2)).erf() + T(1.0)) * T(0.5);
    o = s * n1 - k * (t * T(-r)).exp() * n2;
  }
#endif
#if defined(XSYM_BENCH_HAVE_XTENSOR)
  template <class O, class A>
  static void xtensor(O& o, const A& s, const A& k, const A& t) {
    using T = typename A::value_type;
    auto vsq = xt::sqrt(t) * T(v);
    auto d1 = (xt::log(s / k) + t * T(c1)) / vsq;
    auto d2 = d1 - vsq;
    auto n1 = (xt::erf(d1 * T(inv_sqrt2)) + T(1.0)) * T(0.5);
    auto n2 = (xt::erf(d2 * T(inv_sqrt2)) + T(1.0)) * T(0.5);
    xt::noalias(o) = s * n1 - k * xt::exp(t * T(-r)) * n2;
  }
#endif
};

struct Copy {
  static constexpr std::string_view name = "copy";
  static constexpr std::array<const char*, 1> args{"X"};
  static constexpr int compulsory = 2;
  static float input(int, std::size_t i) { return float(int(i % 1000) - 500) / 100.0f; }
  template <class T> static T f(T x) { return x; }
};

}  // namespace xsym_bench
