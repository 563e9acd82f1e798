#pragma once
// A row of elementwise CPU kernels, one per element type indexed by MXNet's type code: how the
// forward (kernels_elementwise.cpp) and backward (kernels_backward.cpp) tables hold their kernels.
#include <array>
#include <cstddef>

#include "kernels.hpp"
#include "xsym/core/dtype.hpp"

namespace xsym::kernels {

inline constexpr std::size_t num_codes = 7;  // MXNet's type codes 0..6; float16 (2) has no kernels
using kernel_row = std::array<elementwise_fn, num_codes>;

/// make(T{}) for each element type T, at T's type code.
template <class Make>
kernel_row row(Make make) {
  kernel_row r{};
  [&]<class... T>(type_list<T...>) { ((r[std::size_t(dtype_of<T>)] = make(T{})), ...); }(element_types{});
  return r;
}

}  // namespace xsym::kernels
