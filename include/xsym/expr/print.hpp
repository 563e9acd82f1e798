#pragma once
// Printing graphs, for static graphs and Symbols alike (symbol/symbol.hpp uses the same code):
//   std::cout << e;        <Symbol _plus0>            MXNet's repr; a group: <Symbol group [a, b]>
//   xsym::to_string(e);    (A * B) + (C * D)          the graph as an expression
// The expression form spells each op as the C++ API does: operators infix with their scalars
// (`A + 1.5`, `2 - A`), functions by name (`exp(A)`, `maximum(A, B)`, `clip(A, 0, 1)`,
// `smooth_l1(A, 1.0)`), and any other op MXNet's way, with its attributes
// (`FullyConnected(data, fc1_weight, fc1_bias, num_hidden=128)`). A node used twice is printed
// twice: the expression is a tree.
#include <algorithm>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "../core/text.hpp"
#include "../ops/table.hpp"
#include "describe.hpp"

namespace xsym {

namespace detail {

/// How the C++ API spells an op: `infix` ("+", "==") or a function name ("maximum").
struct op_spelling {
  std::string_view text;
  bool infix = false;
  bool reversed = false;  // the scalar comes first (`2 - A`, MXNet's _rminus_scalar)
};

constexpr op_spelling spell(std::string_view function) {
  constexpr std::string_view prefix = "operator";
  if (function.starts_with(prefix)) return {function.substr(prefix.size()), true};
  return {function, false};
}

/// The spelling of MXNet op `op` for the expression printer; empty text for an op without one.
/// Binary ops come from XSYM_BINARY_OPERATORS (the first spelling of each wins: `power`, not
/// `pow`), with their scalar forms; unary ops are spelled by their names.
/// `2 - A` is _rminus_scalar, reversed; `2 > A` is MXNet's _lesser_scalar, printed `A < 2` (an op's
/// own scalar form wins over another's reversed one).
constexpr op_spelling spelling_of(std::string_view op) {
  op_spelling direct{}, reversed{};
#define XSYM_SPELLING_OF(function, tag)                                                      \
  {                                                                                          \
    constexpr op_spelling s = spell(#function);                                              \
    if (direct.text.empty() && (op == ops::tag::names.mxnet || op == ops::tag::scalar_names.mxnet)) \
      direct = s;                                                                            \
    if (reversed.text.empty() && op == ops::tag::rscalar_names.mxnet) reversed = {s.text, s.infix, true}; \
  }
  XSYM_BINARY_OPERATORS(XSYM_SPELLING_OF)
#undef XSYM_SPELLING_OF
  if (op == ops::identity::names.mxnet) return {ops::identity::names.hint};
  return direct.text.empty() ? reversed : direct;
}

// The number attributes of an op with such (ops/parameterized.hpp), as its function takes them.
inline std::span<const std::string_view> number_attributes_of(std::string_view op) {
  std::span<const std::string_view> found;
  [&]<class... P>(type_list<P...>) {
    ((op == P::names.mxnet ? void(found = P::attribute_names) : void()), ...);
  }(ops::parameterized_ops{});
  return found;
}

inline bool has_all(const ops::attributes& attrs, std::span<const std::string_view> keys) {
  return std::ranges::all_of(keys, [&](std::string_view k) { return attrs.count(std::string(k)) > 0; });
}

inline std::string print_entry(const graph_description& d, described_node::input in);

inline std::string print_operand(const graph_description& d, described_node::input in) {
  std::string s = print_entry(d, in);
  const described_node& n = d.nodes[std::size_t(in.node)];
  bool atomic = n.is_variable() || !spelling_of(n.op).infix;
  return atomic ? s : cat("(", s, ")");
}

inline std::string print_entry(const graph_description& d, described_node::input in) {
  const described_node& n = d.nodes[std::size_t(in.node)];
  if (n.is_variable()) return n.name;
  const op_spelling s = spelling_of(n.op);
  auto scalar = n.attrs.find("scalar");
  if (s.infix && n.inputs.size() == 2)
    return cat(print_operand(d, n.inputs[0]), " ", s.text, " ", print_operand(d, n.inputs[1]));
  if (s.infix && n.inputs.size() == 1 && scalar != n.attrs.end()) {
    std::string x = print_operand(d, n.inputs[0]);
    return s.reversed ? cat(scalar->second, " ", s.text, " ", x) : cat(x, " ", s.text, " ", scalar->second);
  }
  std::string args;
  auto add = [&](std::string_view a) {
    if (!args.empty()) args += ", ";
    args += a;
  };
  for (const auto& i : n.inputs) add(print_entry(d, i));
  if (!s.text.empty() && scalar != n.attrs.end() && n.inputs.size() == 1) {  // maximum(A, 2)
    args = s.reversed ? cat(scalar->second, ", ", args) : cat(args, ", ", scalar->second);
  } else if (auto numbers = number_attributes_of(n.op); !numbers.empty() && has_all(n.attrs, numbers)) {
    for (std::string_view k : numbers) add(n.attrs.at(std::string(k)));  // clip(A, 0, 1)
  } else {
    for (const auto& [key, value] : n.attrs)
      if (!key.starts_with("__")) add(cat(key, "=", value));
  }
  std::string suffix = in.index > 0 ? cat("[", std::to_string(in.index), "]") : std::string();
  return cat(s.text.empty() ? std::string_view(n.op) : s.text, "(", args, ")", suffix);
}

/// MXNet's repr of a graph with these head node names: `<Symbol _plus0>`, or for several
/// outputs `<Symbol group [_mul0, _plus0]>`.
inline std::string repr(const std::vector<std::string>& head_names) {
  if (head_names.size() == 1) return cat("<Symbol ", head_names[0], ">");
  std::string s = "<Symbol group [";
  for (std::size_t i = 0; i < head_names.size(); ++i) {
    if (i) s += ", ";
    s += head_names[i];
  }
  return s + "]>";
}

}  // namespace detail

/// The graph as an expression: `(A * B) + (C * D)`; a graph with several outputs as
/// `[e1, e2]`.
inline std::string to_string(const graph_description& d) {
  if (d.heads.size() == 1) return detail::print_entry(d, d.heads[0]);
  std::string s = "[";
  for (std::size_t i = 0; i < d.heads.size(); ++i) {
    if (i) s += ", ";
    s += detail::print_entry(d, d.heads[i]);
  }
  return s + "]";
}

template <graph G>
std::string to_string(const G& g) {
  return to_string(describe(g));
}

/// `std::cout << e` prints MXNet's repr, `<Symbol _plus0>` (to_string gives the expression).
template <graph G>
std::ostream& operator<<(std::ostream& os, const G&) {
  using info = detail::graph_info<G>;
  std::vector<std::string> heads;
  for (int h : info::heads) heads.emplace_back(info::node_names[std::size_t(h)]);
  return os << detail::repr(heads);
}

}  // namespace xsym
