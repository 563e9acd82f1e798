#pragma once
// Building message strings in headers. `"text" + std::string(...)` (operator+(const char*,
// std::string&&)) makes g++ 12 report a false -Wrestrict at -O2 and above wherever it is inlined
// (GCC PR 105329), and headers are inlined into users' code: a user's -Werror build must stay
// clean. cat() appends its parts to one string instead, which never warns.
#include <string>
#include <string_view>

namespace xsym::detail {

/// The parts (strings, string views, literals, chars) appended in order.
template <class... Part>
std::string cat(const Part&... parts) {
  std::string s;
  ((s += parts), ...);
  return s;
}

}  // namespace xsym::detail
