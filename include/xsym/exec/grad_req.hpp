#pragma once
// MXNet's gradient requests: what backward does with an argument's gradient array.
#include <string>
#include <string_view>

#include "../core/error.hpp"

namespace xsym {

/// MXNet's `grad_req`: `write` overwrites the gradient array, `add` adds to what it holds
/// (`add` accumulates over several backward calls), `null` computes nothing and leaves the array
/// untouched. An argument bound without a gradient array is `null`.
enum class grad_req { null, write, add };

/// "null", "write", "add": MXNet's spellings.
constexpr std::string_view grad_req_name(grad_req r) {
  return r == grad_req::write ? "write" : r == grad_req::add ? "add" : "null";
}

/// MXNet's spellings back: "null", "write", "add" (and "inplace", which MXNet treats as write).
inline grad_req parse_grad_req(std::string_view s) {
  if (s == "null") return grad_req::null;
  if (s == "write" || s == "inplace") return grad_req::write;
  if (s == "add") return grad_req::add;
  throw error("xsym: '" + std::string(s) + "' is not a grad_req; MXNet's are 'null', 'write' and 'add'");
}

}  // namespace xsym
