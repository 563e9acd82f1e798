#pragma once
// The spellings of static graphs' tensor ops and layers (expr/tensor_functions.hpp,
// expr/layers.hpp) build Symbols too: `xsym::sum(s, {.axis = {1}})`,
// `xsym::FullyConnected<"fc1">(s, {.num_hidden = 128})`. Symbol is declared a runtime operand
// here; each function then makes its node with Symbol::create, which names it (the template
// argument, or the name manager's `sum0`) and creates a layer's variables (`fc1_weight`).
// A static expression among the inputs becomes its Symbol.
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "../expr/layers.hpp"
#include "../expr/tensor_functions.hpp"
#include "from_static.hpp"
#include "symbol.hpp"

namespace xsym {

template <>
struct runtime_operand<Symbol> : std::true_type {
  template <class Op, class... In>
  static Symbol make(ops::attributes attrs, std::string_view name, const In&... in) {
    return Symbol::create(Op::names.mxnet, std::vector<Symbol>{Symbol(in)...}, std::move(attrs), std::string(name),
                          Op::names.hint);
  }
};

/// SliceChannel (MXNet's split): a Symbol of num_outputs outputs, `parts[k]` the k-th part.
/// Static graphs have no op of several outputs yet: convert first, `xsym::Symbol(e)`.
template <fixed_string Name = "">
Symbol SliceChannel(const Symbol& data, const ops::slice_channel_param& attributes) {
  return runtime_operand<Symbol>::make<ops::slice_channel>(ops::slice_channel::attrs(attributes),
                                                           std::string_view(Name.v, Name.size()), data);
}
/// `split`, MXNet's other name of SliceChannel.
template <fixed_string Name = "">
Symbol split(const Symbol& data, const ops::slice_channel_param& attributes) {
  return SliceChannel<Name>(data, attributes);
}

}  // namespace xsym
