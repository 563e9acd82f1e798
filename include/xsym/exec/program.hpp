#pragma once
// The lowered form of a fused elementwise stage (plan/static_plan.hpp): a flat program in SSA
// form. Node I of the program computes its value once per element into slot I of a local
// `slots` object, reading its inputs' slots by compile-time index, in post-order; then every
// output is written from its node's slot. So a node shared by several consumers or outputs is
// evaluated once, and the compiler keeps the slots in registers.
//
// Everything here is trivially copyable plain data over raw pointers, with no names, no Hana,
// no std::tuple and no class-type template arguments, so the CPU loop and the CUDA kernel run
// the same program (TOOLCHAIN.md, pitfalls 1 and 4).
#include <cstddef>
#include <type_traits>
#include <utility>

#include "../core/config.hpp"
#include "../core/type_list.hpp"

namespace xsym::lowered {

// ---- slots: a flat record of values (or objects) indexed by position -----------------------
template <std::size_t I, class T>
struct slot {
  [[no_unique_address]] T value;
};
template <class Seq, class... T>
struct slots_impl;
template <std::size_t... I, class... T>
struct slots_impl<std::index_sequence<I...>, T...> : slot<I, T>... {};
/// slot<0, T0>, slot<1, T1>, ...: what std::tuple gives, as an aggregate usable in device code.
/// (A class, not an alias: g++ cannot mangle the alias's pack expansion in nvcc's host stubs.)
template <class... T>
struct slots : slots_impl<std::index_sequence_for<T...>, T...> {};

/// Slot I of a `slots` (deduced through its base slot<I, T>).
template <std::size_t I, class T>
XSYM_HD XSYM_INLINE T& at(slot<I, T>& s) { return s.value; }
template <std::size_t I, class T>
XSYM_HD XSYM_INLINE const T& at(const slot<I, T>& s) { return s.value; }

// ---- the nodes of a program ------------------------------------------------------------------
/// A node whose value of type T is argument K's element (a graph variable).
template <class T, int K>
struct arg_node {
  using type = T;
};

/// A node whose value of type T is Op applied to the values of nodes In..., with Op's parameter
/// lowered to the element type (P: no_param, a scalar, clip bounds).
template <class T, class Op, class P, int... In>
struct op_node {
  using type = T;
  [[no_unique_address]] P param;
};

/// An op node with an earlier structural twin, node Twin (static_plan::twin_of): when bind
/// found their values equal (`merged`: equal lowered parameters, value-equal inputs), its value
/// is Twin's; otherwise it is computed as an op_node's. `merged` is the same for every element,
/// so the branch is perfectly predicted on a CPU and uniform on a GPU.
template <int Twin, class T, class Op, class P, int... In>
struct twin_node {
  using type = T;
  [[no_unique_address]] P param;
  bool merged = false;
};

/// Where output k goes: an array of T written from node Node's value.
template <class T, int Node>
struct head {
  using type = T;
  static constexpr int node = Node;
};

// Node values, given `leaf(std::integral_constant<int, K>)`, the value of argument K.
template <class T, int K, class V, class Leaf>
XSYM_HD XSYM_INLINE T eval(const arg_node<T, K>&, const V&, const Leaf& leaf) {
  return leaf(std::integral_constant<int, K>{});
}
template <class T, class Op, class P, int... In, class V, class Leaf>
XSYM_HD XSYM_INLINE T eval(const op_node<T, Op, P, In...>& n, const V& v, const Leaf&) {
  return Op::eval(n.param, at<std::size_t(In)>(v)...);
}
template <int W, class T, class Op, class P, int... In, class V, class Leaf>
XSYM_HD XSYM_INLINE T eval(const twin_node<W, T, Op, P, In...>& n, const V& v, const Leaf&) {
  if (n.merged) return at<std::size_t(W)>(v);
  return Op::eval(n.param, at<std::size_t(In)>(v)...);
}

/// A fused elementwise stage, lowered: arguments of element types A... (list_arguments order),
/// nodes N... (the stage's nodes and its arguments' nodes, in post-order), outputs Out...
/// (head<T, node>, in output order). Holds the argument and output pointers and the nodes'
/// lowered parameters (and their twins' `merged`). Called with element index i, it computes
/// element i of every output: the CPU loop's stage.
template <class Args, class Nodes, class Outs>
struct fused_stage;

template <class... A, class... N, class... O>
struct fused_stage<type_list<A...>, type_list<N...>, type_list<O...>> {
  using argument_types = type_list<A...>;
  using output_types = type_list<typename O::type...>;
  static constexpr std::size_t num_arguments = sizeof...(A), num_outputs = sizeof...(O);
  slots<const A*...> in;
  slots<typename O::type*...> out;
  slots<N...> nodes;

  /// Every node's value for one element, each computed once: slot I holds node I's value.
  /// `leaf(std::integral_constant<int, K>{})` gives argument K's element.
  template <class Leaf>
  XSYM_HD XSYM_INLINE slots<typename N::type...> values(const Leaf& leaf) const {
    slots<typename N::type...> v;
    fill(v, leaf, std::index_sequence_for<N...>{});
    return v;
  }

  /// Calls `write(std::integral_constant<std::size_t, k>{}, value)` for every output k.
  template <class V, class Write>
  XSYM_HD XSYM_INLINE void outputs(const V& v, const Write& write) const {
    put(v, write, std::index_sequence_for<O...>{});
  }

  /// Computes element i of every output from element i of the arguments.
  template <class I>
  XSYM_HD XSYM_INLINE void operator()(I i) const {
    const auto v = values([&](auto k) { return at<std::size_t(decltype(k)::value)>(in)[i]; });
    outputs(v, [&](auto k, auto x) { at<decltype(k)::value>(out)[i] = x; });
  }

  /// The same stage over elements [first, ...): every pointer moved by `first`.
  fused_stage shifted(std::ptrdiff_t first) const {
    fused_stage s = *this;
    s.for_each_pointer([first](auto*& p) { p += first; });
    return s;
  }

  /// Calls f(p) on a reference to every argument and output pointer.
  template <class F>
  void for_each_pointer(F&& f) {
    each(std::index_sequence_for<A...>{}, [&](auto k) { f(at<decltype(k)::value>(in)); });
    each(std::index_sequence_for<O...>{}, [&](auto k) { f(at<decltype(k)::value>(out)); });
  }
  template <class F>
  void for_each_pointer(F&& f) const {
    each(std::index_sequence_for<A...>{}, [&](auto k) { f(at<decltype(k)::value>(in)); });
    each(std::index_sequence_for<O...>{}, [&](auto k) { f(at<decltype(k)::value>(out)); });
  }

 private:
  template <class V, class Leaf, std::size_t... I>
  XSYM_HD XSYM_INLINE void fill(V& v, const Leaf& leaf, std::index_sequence<I...>) const {
    ((at<I>(v) = eval(at<I>(nodes), v, leaf)), ...);  // in post-order: inputs first
  }
  template <class V, class Write, std::size_t... K>
  XSYM_HD XSYM_INLINE void put(const V& v, const Write& write, std::index_sequence<K...>) const {
    (write(std::integral_constant<std::size_t, K>{}, at<std::size_t(O::node)>(v)), ...);
  }
  template <class F, std::size_t... K>
  static void each(std::index_sequence<K...>, F&& f) {
    (f(std::integral_constant<std::size_t, K>{}), ...);
  }
};

/// Whether S is a lowered program.
template <class S>
inline constexpr bool is_program = false;
template <class A, class N, class O>
inline constexpr bool is_program<fused_stage<A, N, O>> = true;

}  // namespace xsym::lowered
