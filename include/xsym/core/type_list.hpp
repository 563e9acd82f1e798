#pragma once
#include <cstddef>

namespace xsym {

/// A list of types, for tables that other layers iterate over with a fold expression.
template <class... T>
struct type_list {
  static constexpr std::size_t size = sizeof...(T);
};

}  // namespace xsym
