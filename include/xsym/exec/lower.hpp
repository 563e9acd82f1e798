#pragma once
// Lowering: a static graph becomes a tree of small trivially copyable functors over raw
// pointers. Node i of the tree computes element i of its output; the tree has no names, no
// Hana and no std::tuple, so a CPU loop and a CUDA kernel can both run it (TOOLCHAIN.md).
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../core/config.hpp"
#include "../core/dtype.hpp"
#include "../expr/graph_info.hpp"

namespace xsym::lowered {

/// Reads argument element i.
template <class T>
struct load {
  const T* p;
  template <class I>
  XSYM_HD XSYM_INLINE T operator()(I i) const { return p[i]; }
};

/// Applies Op to its inputs' elements i, with Op's parameter lowered to the element type.
template <class Op, class P, class... In>
struct apply;

template <class Op, class P, class A>
struct apply<Op, P, A> {
  [[no_unique_address]] P param;
  A a;
  template <class I>
  XSYM_HD XSYM_INLINE auto operator()(I i) const { return Op::eval(param, a(i)); }
};

template <class Op, class P, class A, class B>
struct apply<Op, P, A, B> {
  [[no_unique_address]] P param;
  A a;
  B b;
  template <class I>
  XSYM_HD XSYM_INLINE auto operator()(I i) const { return Op::eval(param, a(i), b(i)); }
};

template <class Op, class P, class A, class B, class C>
struct apply<Op, P, A, B, C> {
  [[no_unique_address]] P param;
  A a;
  B b;
  C c;
  template <class I>
  XSYM_HD XSYM_INLINE auto operator()(I i) const { return Op::eval(param, a(i), b(i), c(i)); }
};

/// Element type a lowered functor produces.
template <class F>
using value_t = decltype(std::declval<const F&>()(std::ptrdiff_t{0}));

/// Lowers expressions of graph G, given the element type of each argument (`ArgTypes`, a
/// std::tuple in list_arguments order) and the arguments' data pointers.
template <class G, class ArgTypes>
struct lowering {
  using info = detail::graph_info<G>;
  const void* const* args;

  template <class N, class T>
  constexpr auto operator()(const var<N, T>&) const {
    constexpr int k = info::argument_index(N::value);
    using U = std::tuple_element_t<std::size_t(k), ArgTypes>;
    return load<U>{static_cast<const U*>(args[k])};
  }

  template <class Op, class... In>
  constexpr auto operator()(const node<Op, In...>& n) const {
    return lower_node(n, std::index_sequence_for<In...>{});
  }

 private:
  // Two template levels per graph level (no std::apply, which adds five): a chain of 128 nodes
  // stays far inside the compilers' instantiation depth limits.
  template <class Op, class... In, std::size_t... K>
  constexpr auto lower_node(const node<Op, In...>& n, std::index_sequence<K...>) const {
    return make<Op>(n.param, (*this)(std::get<K>(n.inputs))...);
  }

  // The parameter is lowered for the element type of the first input (all inputs share it).
  template <class Op, class First, class... Rest>
  static constexpr auto make(const typename Op::param& p, First first, Rest... rest) {
    using P = typename Op::template lowered_param<value_t<First>>;
    return apply<Op, P, First, Rest...>{Op::template lower<value_t<First>>(p), first, rest...};
  }
};

}  // namespace xsym::lowered
