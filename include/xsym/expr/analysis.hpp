#pragma once
// Compile-time analysis of a static graph: its unique nodes in DFS post-order (the order of
// MXNet's JSON and get_internals), with MXNet's names. Everything here is constexpr code over a
// table of node records; the only type-level recursion is the walk over the expression tree.
//
// Rules (DESIGN.md): variables with the same name are one node; identical scalar-free subtrees
// are one node; a subtree that holds a run-time parameter is never merged with another; names
// are counted per hint in post-order (`_mul0`, `_mul1`, `_plus0`).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "../core/type_list.hpp"
#include "expression.hpp"

namespace xsym::detail {

/// Inputs of one node: Concat and stack take up to 8 in a static graph.
inline constexpr int max_inputs = 8;
/// Inputs of an elementwise node: a binary op's backward has four (gradient, output, lhs, rhs).
inline constexpr int max_elementwise_inputs = 4;
/// Upper bound on the unique nodes of one static graph: keeps compile-time tables bounded.
inline constexpr std::size_t max_graph_nodes = 4096;

/// One unique node of a static graph.
struct node_record {
  bool is_variable = false;
  bool elementwise = true;  // an op of kind elementwise (ops::kind_of; gradient graphs' ops are):
                            // may join a fused stage
  bool auxiliary = false;   // a variable an op mutates (BatchNorm's moving_mean): an auxiliary state
  std::string_view op{};    // MXNet op name; "null" for variables, as in MXNet's JSON
  std::string_view base{};  // the variable's name, or the op's hint
  int serial = -1;          // per-hint counter (-1 for variables): name = base + serial
  int num_inputs = 0;
  int inputs[max_inputs]{};
  std::uint64_t key = 0;      // identity for merging (type_key's hash); 0: never merged
  std::uint64_t op_key = 0;   // identity of the op's C++ type (0 for variables): with the inputs,
                              // what makes two unmerged nodes structurally identical
  std::uint64_t tree_key = 0;  // a named layer's whole expression type: one name, one layer
  int pinned = -1;            // dtype code fixed at compile time (typed variable, Cast output)
  bool casts = false;         // output dtype independent of the inputs' (Cast)
  unsigned tied = ~0u;        // bit k: input k has the output's dtype (all, for most ops)
  unsigned joined = 0;        // inputs that share one dtype among themselves, not the output's
};

/// A fixed-capacity list of node indices.
template <std::size_t Cap>
struct index_list {
  int items[Cap]{};
  int size = 0;
  constexpr void push(int i) { items[size++] = i; }
  constexpr bool contains(int i) const { return std::find(items, items + size, i) != items + size; }
};

/// The unique nodes reached from `NumRoots` roots, in post-order.
template <std::size_t Cap, std::size_t NumRoots>
struct node_table {
  node_record nodes[Cap]{};
  int size = 0;
  int roots[NumRoots > 0 ? NumRoots : 1]{};
  bool overflow = false;        // more unique nodes than max_graph_nodes
  bool typed_twice = false;     // one variable name declared with two element types
  bool layer_named_twice = false;  // two different layers with one name

  constexpr int find(std::uint64_t key) const {
    for (int i = 0; i < size; ++i)
      if (nodes[i].key == key) return i;
    return -1;
  }
  constexpr int count_hint(std::string_view hint) const {
    int n = 0;
    for (int i = 0; i < size; ++i) n += !nodes[i].is_variable && nodes[i].base == hint;
    return n;
  }
  constexpr int push(const node_record& r) {
    if (std::size_t(size) == Cap) {
      overflow = true;
      return size - 1;
    }
    nodes[size] = r;
    return size++;
  }
};

// A constexpr identity for a type: the FNV-1a hash of the compiler's spelling of it. (Comparing
// addresses of per-type objects would be simpler, but g++ refuses such comparisons in constant
// expressions under -fsanitize=undefined.) 64 bits make a collision between the few thousand
// types of one graph vanishingly unlikely.
template <class T>
constexpr std::uint64_t type_hash() {
  std::uint64_t h = 14695981039346656037ull;
  for (const char* p = __PRETTY_FUNCTION__; *p; ++p) h = (h ^ std::uint64_t(static_cast<unsigned char>(*p))) * 1099511628211ull;
  return h | 1;  // never 0, which means "never merged"
}
template <class T>
inline constexpr std::uint64_t type_key = type_hash<T>();

// Nodes of the expression tree counted with repetition (saturating), the table's capacity bound.
template <class E>
inline constexpr std::size_t tree_size = 1;
template <class Op, class... In>
inline constexpr std::size_t tree_size<node<Op, In...>> =
    std::min(max_graph_nodes + 1, 1 + (tree_size<In> + ...));

template <class Op>
concept casting_op = requires { typename Op::target; };
/// An op node named by the user (`FullyConnected<"fc1">`): its name is the layer name, and
/// every use of the layer is one node.
template <class Name>
struct layer_key {};  // a layer's identity: its name, apart from a variable's of the same name
template <class Op>
concept named_layer = requires { typename Op::layer_name; };

template <class Table, class N, class T>
constexpr int add_postorder(Table& t, std::type_identity<var<N, T>>) {
  int pinned = -1;
  if constexpr (!std::is_void_v<T>) pinned = int(dtype_of<T>);
  if (int i = t.find(type_key<N>); i >= 0) {
    int& p = t.nodes[i].pinned;
    if (pinned >= 0 && p >= 0 && p != pinned) t.typed_twice = true;
    if (p < 0) p = pinned;
    return i;
  }
  node_record r;
  r.is_variable = true;
  r.op = "null";
  r.base = N::value;
  r.key = type_key<N>;
  r.pinned = pinned;
  return t.push(r);
}

template <class Table, class Op, class... In>
constexpr int add_postorder(Table& t, std::type_identity<node<Op, In...>>) {
  using E = node<Op, In...>;
  static_assert(sizeof...(In) <= max_inputs, "xsym: an op has more inputs than the analysis supports");
  if constexpr (named_layer<Op>) {
    // A layer reached again is the same node; one name on two different layers is an error.
    if (int i = t.find(type_key<layer_key<typename Op::layer_name>>); i >= 0) {
      t.layer_named_twice |= t.nodes[i].tree_key != type_key<E>;
      return i;
    }
  } else if constexpr (!holds_param<E>) {
    if (int i = t.find(type_key<E>); i >= 0) return i;
  }
  const int inputs[] = {add_postorder(t, std::type_identity<In>{})...};  // left to right
  node_record r;
  r.op = Op::names.mxnet;
  r.base = Op::names.hint;
  r.serial = t.count_hint(r.base);
  r.num_inputs = int(sizeof...(In));
  for (int k = 0; k < r.num_inputs; ++k) r.inputs[k] = inputs[k];
  r.key = holds_param<E> ? 0 : type_key<E>;
  r.op_key = type_key<Op>;
  r.elementwise = ops::kind_of<Op>() == ops::op_kind::elementwise;
  if constexpr (named_layer<Op>) {
    r.base = Op::layer_name::value;
    r.serial = -1;
    r.key = type_key<layer_key<typename Op::layer_name>>;
    r.tree_key = type_key<E>;
  }
  if constexpr (casting_op<Op>) {
    r.casts = true;
    r.tied = 0;
    r.pinned = int(dtype_of<typename Op::target>);
  }
  if constexpr (requires { Op::mutated_inputs; })  // MXNet's FMutateInputs: those are auxiliary states
    for (int k = 0; k < r.num_inputs; ++k)
      if (Op::mutated_inputs >> k & 1u && t.nodes[inputs[k]].is_variable) t.nodes[inputs[k]].auxiliary = true;
  if constexpr (requires { Op::tied_inputs; }) r.tied = Op::tied_inputs;
  if constexpr (requires { Op::joined_inputs; }) r.joined = Op::joined_inputs;
  return t.push(r);
}

/// The node table of the graph whose roots are `Roots...`.
template <class... Roots>
constexpr auto build_table(type_list<Roots...>) {
  constexpr std::size_t cap = std::max<std::size_t>(
      1, std::min(max_graph_nodes, (std::size_t{0} + ... + tree_size<Roots>)));
  node_table<cap, sizeof...(Roots)> t;
  int k = 0;
  ((t.roots[k++] = add_postorder(t, std::type_identity<Roots>{})), ...);
  return t;
}

}  // namespace xsym::detail
