#pragma once
// Small trivially copyable functors over raw pointers: a load, and one op applied to its
// inputs' elements i. The runtime executors' per-op kernels run one-node trees of them through
// the static path's CPU loop and CUDA kernel (static graphs lower to exec/program.hpp instead).
// No names, no Hana and no std::tuple, so a CPU loop and a CUDA kernel can both run them
// (TOOLCHAIN.md).
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../core/config.hpp"
#include "../core/dtype.hpp"

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

template <class Op, class P, class A, class B, class C, class D>
struct apply<Op, P, A, B, C, D> {
  [[no_unique_address]] P param;
  A a;
  B b;
  C c;
  D d;
  template <class I>
  XSYM_HD XSYM_INLINE auto operator()(I i) const { return Op::eval(param, a(i), b(i), c(i), d(i)); }
};

/// Element type a lowered functor produces.
template <class F>
using value_t = decltype(std::declval<const F&>()(std::ptrdiff_t{0}));

}  // namespace xsym::lowered
