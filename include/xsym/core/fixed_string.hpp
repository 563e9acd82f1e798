#pragma once
#include <cstddef>
#include <string_view>
#include <utility>

namespace xsym {

/// A string literal usable as a template argument: `xsym::variable<"A">()`.
/// It lives only at the API boundary: nvcc cannot carry class-type template arguments into the
/// types of kernels (TOOLCHAIN.md, pitfall 1), so it is converted at once to a `name<'A'>`.
template <std::size_t N>
struct fixed_string {
  char v[N]{};
  constexpr fixed_string() = default;
  constexpr fixed_string(const char (&s)[N]) {
    for (std::size_t i = 0; i < N; ++i) v[i] = s[i];
  }
  constexpr std::size_t size() const { return N - 1; }
};

/// A compile-time name carried as a char pack: the form names take inside graph types.
template <char... C>
struct name {
  static constexpr char chars[] = {C..., '\0'};
  static constexpr std::string_view value{chars, sizeof...(C)};
};

/// The `name<...>` type spelling the literal `S`.
template <fixed_string S>
constexpr auto name_of() {
  return []<std::size_t... I>(std::index_sequence<I...>) { return name<S.v[I]...>{}; }(
      std::make_index_sequence<S.size()>{});
}

template <fixed_string S>
using name_t = decltype(name_of<S>());

}  // namespace xsym
