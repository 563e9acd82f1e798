#pragma once
// Everything the compiler knows about a static graph G, as constexpr data: its nodes with MXNet
// names, its arguments, outputs and heads, and its dtype classes (the nodes that must share an
// element type). `graph_info<G>` is computed once per graph type.
#include <array>
#include <bit>
#include <string_view>

#include "graph.hpp"

namespace xsym::detail {

constexpr int decimal_digits(int n) {
  int d = 1;
  while (n >= 10) n /= 10, ++d;
  return d;
}

inline constexpr std::string_view output_suffix = "_output";
/// Length of a node's name (`_mul12`) and of its output's name (`_mul12_output`).
constexpr int name_length(const node_record& n) {
  return int(n.base.size()) + (n.serial >= 0 ? decimal_digits(n.serial) : 0);
}
constexpr int output_length(const node_record& n) {
  return name_length(n) + (n.is_variable ? 0 : int(output_suffix.size()));
}

template <class G>
struct graph_info {
  // The unique nodes: found by walking the expression trees, or computed by the graph type
  // (gradient graphs, expr/gradient.hpp).
  static constexpr auto table = [] {
    if constexpr (requires { graph_traits<G>::table(); })
      return graph_traits<G>::table();
    else
      return build_table(typename graph_traits<G>::roots{});
  }();
  static_assert(!table.overflow,
                "xsym: this static graph has more than 4096 unique nodes; build it at run time "
                "as an xsym::Symbol instead");
  static_assert(!table.layer_named_twice,
                "xsym: two different layers have the same name (FullyConnected<\"fc1\"> twice, on "
                "different inputs); name each layer once, or reuse the layer's expression");
  static_assert(!table.typed_twice,
                "xsym: one variable name is declared with two different element types "
                "(variable<\"A\", float> and variable<\"A\", double>)");
  static constexpr int num_nodes = table.size;
  static constexpr auto& nodes = table.nodes;
  static constexpr auto head_list = graph_traits<G>::heads(table);
  static constexpr int num_outputs = head_list.size;

  // Variables are arguments, or auxiliary states when an op mutates them (BatchNorm's moving
  // statistics), each list in post-order of first visit.
  static constexpr int count_variables(bool auxiliary) {
    int n = 0;
    for (int i = 0; i < num_nodes; ++i) n += nodes[i].is_variable && nodes[i].auxiliary == auxiliary;
    return n;
  }
  template <int N>
  static constexpr std::array<int, N> variable_nodes(bool auxiliary) {
    std::array<int, N> a{};
    for (int i = 0, k = 0; i < num_nodes; ++i)
      if (nodes[i].is_variable && nodes[i].auxiliary == auxiliary) a[std::size_t(k++)] = i;
    return a;
  }
  static constexpr int num_arguments = count_variables(false);
  static constexpr int num_auxiliary = count_variables(true);
  /// Node index of each argument, in list_arguments order (post-order of first visit).
  static constexpr std::array<int, num_arguments> argument_nodes = variable_nodes<num_arguments>(false);
  /// Node index of each auxiliary state, in list_auxiliary_states order.
  static constexpr std::array<int, num_auxiliary> auxiliary_nodes = variable_nodes<num_auxiliary>(true);

  static constexpr std::array<int, num_outputs> heads = [] {
    std::array<int, num_outputs> h{};
    for (int k = 0; k < num_outputs; ++k) h[std::size_t(k)] = head_list.items[k];
    return h;
  }();

  // ---- names: all node names, then all output names, in one character array ------------------
  static constexpr std::size_t text_size = [] {
    std::size_t s = 1;
    for (int i = 0; i < num_nodes; ++i) s += std::size_t(name_length(nodes[i]));
    for (int h : heads) s += std::size_t(output_length(nodes[h]));
    return s;
  }();
  static constexpr std::array<char, text_size> text = [] {
    std::array<char, text_size> t{};
    std::size_t at = 0;
    auto put_name = [&](int i) {
      for (char c : nodes[i].base) t[at++] = c;
      if (int s = nodes[i].serial; s >= 0) {
        int d = decimal_digits(s);
        for (int k = d - 1; k >= 0; --k, s /= 10) t[at + std::size_t(k)] = char('0' + s % 10);
        at += std::size_t(d);
      }
    };
    for (int i = 0; i < num_nodes; ++i) put_name(i);
    for (int h : heads) {
      put_name(h);
      if (!nodes[h].is_variable)
        for (char c : output_suffix) t[at++] = c;
    }
    return t;
  }();

  /// MXNet name of every node, in post-order.
  static constexpr std::array<std::string_view, num_nodes> node_names = [] {
    std::array<std::string_view, num_nodes> v{};
    std::size_t at = 0;
    for (int i = 0; i < num_nodes; ++i) {
      v[std::size_t(i)] = std::string_view(text.data() + at, std::size_t(name_length(nodes[i])));
      at += std::size_t(name_length(nodes[i]));
    }
    return v;
  }();

  static constexpr std::array<std::string_view, num_outputs> outputs = [] {
    std::array<std::string_view, num_outputs> v{};
    std::size_t at = 0;
    for (int i = 0; i < num_nodes; ++i) at += std::size_t(name_length(nodes[i]));
    for (int k = 0; k < num_outputs; ++k) {
      auto len = std::size_t(output_length(nodes[heads[std::size_t(k)]]));
      v[std::size_t(k)] = std::string_view(text.data() + at, len);
      at += len;
    }
    return v;
  }();

  static constexpr std::array<std::string_view, num_arguments> arguments = [] {
    std::array<std::string_view, num_arguments> v{};
    for (int k = 0; k < num_arguments; ++k)
      v[std::size_t(k)] = node_names[std::size_t(argument_nodes[std::size_t(k)])];
    return v;
  }();

  static constexpr std::array<std::string_view, num_auxiliary> auxiliary_states = [] {
    std::array<std::string_view, num_auxiliary> v{};
    for (int k = 0; k < num_auxiliary; ++k)
      v[std::size_t(k)] = node_names[std::size_t(auxiliary_nodes[std::size_t(k)])];
    return v;
  }();

  /// Every variable, arguments and auxiliary states, in post-order (list_inputs).
  static constexpr std::array<std::string_view, num_arguments + num_auxiliary> inputs = [] {
    std::array<std::string_view, num_arguments + num_auxiliary> v{};
    for (int i = 0, k = 0; i < num_nodes; ++i)
      if (nodes[i].is_variable) v[std::size_t(k++)] = node_names[std::size_t(i)];
    return v;
  }();

  /// Index of the argument named `name` in list_arguments order, or -1.
  static constexpr int argument_index(std::string_view name) {
    for (int k = 0; k < num_arguments; ++k)
      if (arguments[std::size_t(k)] == name) return k;
    return -1;
  }

  // ---- dtype classes: an elementwise op ties its inputs and output to one element type --------
  struct dtype_classes {
    int of[num_nodes > 0 ? num_nodes : 1]{};      // class representative of each node
    int pinned[num_nodes > 0 ? num_nodes : 1]{};  // per representative: dtype code or -1
    int free_index[num_nodes > 0 ? num_nodes : 1]{};  // per representative: index among free classes or -1
    int num_free = 0;
    int conflict_node = -1;  // first op whose inputs are pinned to different element types
  };
  static constexpr dtype_classes classes = [] {
    dtype_classes c;
    auto find = [&](int i) {
      while (c.of[i] != i) i = c.of[i];
      return i;
    };
    for (int i = 0; i < num_nodes; ++i) {
      c.of[i] = i;
      c.pinned[i] = nodes[i].pinned;
      // An input tied to the output joins the output's class; `joined` inputs join the first
      // of them (a Cast's backward: its gradient and the Cast's output).
      const int first_joined = nodes[i].joined ? std::countr_zero(nodes[i].joined) : -1;
      for (int k = 0; k < nodes[i].num_inputs; ++k) {
        const bool tied = nodes[i].tied >> k & 1u, joined = nodes[i].joined >> k & 1u;
        if (!tied && !joined) continue;
        int a = find(tied ? i : nodes[i].inputs[first_joined]), b = find(nodes[i].inputs[k]);
        if (a == b) continue;
        int pa = c.pinned[a], pb = c.pinned[b];
        if (pa >= 0 && pb >= 0 && pa != pb && c.conflict_node < 0) c.conflict_node = i;
        int root = std::min(a, b), other = std::max(a, b);
        c.of[other] = root;
        c.pinned[root] = pa >= 0 ? pa : pb;
      }
    }
    for (int i = 0; i < num_nodes; ++i) c.of[i] = find(i);
    for (int i = 0; i < num_nodes; ++i)
      c.free_index[i] = (c.of[i] == i && c.pinned[i] < 0) ? c.num_free++ : -1;
    return c;
  }();
  static_assert(classes.conflict_node < 0,
                "xsym: an elementwise op mixes typed inputs of different element types; convert "
                "one of them with xsym::cast<T>(...)");

  /// Number of independent element types left to bind time.
  static constexpr int num_free_dtypes = classes.num_free;
  /// Element type of node i when the free classes get the dtypes `free`: a dtype code.
  static constexpr int node_dtype(int i, const int* free) {
    int r = classes.of[i];
    return classes.pinned[r] >= 0 ? classes.pinned[r] : free[classes.free_index[r]];
  }
  /// Free class of node i, or -1 when its element type is fixed at compile time.
  static constexpr int free_class(int i) { return classes.free_index[classes.of[i]]; }
};

}  // namespace xsym::detail
