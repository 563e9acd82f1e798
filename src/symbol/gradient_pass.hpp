#pragma once
// The gradient pass over a runtime Symbol (nnvm's Gradient), shared by Symbol::gradient and by
// bind with gradients.
#include <string>
#include <vector>

#include "xsym/symbol/symbol.hpp"

namespace xsym::detail {

/// The gradient graph of `s` with respect to its arguments `wrt` (names; repeats allowed): s's
/// outputs first when `with_forward`, then one gradient per name, in order. The head gradient
/// of output k is the variable `<output>_head_grad`. `who` prefixes errors: an unknown name, or
/// an op on the way from a variable to an output that has no gradient in xsym.
Symbol gradient_symbol(const Symbol& s, const std::vector<std::string>& wrt, bool with_forward, const char* who);

/// "_head_grad": the suffix of the head gradients' variables.
inline constexpr const char* head_gradient_suffix = "_head_grad";

}  // namespace xsym::detail
