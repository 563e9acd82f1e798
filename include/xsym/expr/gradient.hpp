#pragma once
// Gradient graphs, built by the compiler: `xsym::gradient(e, a, c)` is a static graph whose
// outputs are the gradients of e with respect to a and c, given a head gradient for each of e's
// outputs. It is reverse-mode differentiation over graph_info's node table, as nnvm's gradient
// pass does it over MXNet's graph, computed as a table of its own (no expression tree, so a
// node shared by many paths is one node, whatever parameters it holds):
//   - the table is in DFS post-order from the outputs, like any graph's (list_arguments and
//     list_nodes agree with the graph's Symbol); e's nodes keep their names;
//   - the sweep visits e's nodes from the last to the first (reverse post-order). The gradient of
//     a node is the sum of its contributions: the head gradient first (when the node is an
//     output), then one per consumer, consumers from the last one back and a consumer's inputs
//     left to right; the sum runs left to right with elemwise_add (`_plus`), as MXNet's
//     ElementWiseSum does, so the order decides the bits;
//   - a consumer's contribution is a node of ops::backward<Op, K> (ops/backward.hpp), with
//     inputs (gradient, output, inputs...): g times the op's derivative, as MXNet's _backward_*
//     ops compute it, named `_backward_exp0`, `_backward_mul_lhs0`, ...;
//   - paths through an op whose derivative is zero (sign, round, the comparisons) are left out;
//     a variable no path reaches gets `zeros_like` of itself, as MXNet gives zeros;
//   - only nodes on a differentiable path from a requested variable to an output get a gradient.
// The head gradient of output k is the variable `<output name>_head_grad`. The executors run a
// gradient graph like any other: one fused stage, in which each node is computed once per
// element.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

#include "../ops/backward.hpp"
#include "../ops/table.hpp"
#include "analysis.hpp"
#include "graph.hpp"
#include "graph_info.hpp"
#include "node_object.hpp"

namespace xsym {

/// The gradient graph of graph G with respect to its arguments `Wrt...` (list_arguments
/// indices): G's outputs first when `Forward` (forward and backward in one graph, one pass),
/// then one gradient per argument. Made by xsym::gradient and by bind with gradients.
template <class G, bool Forward, int... Wrt>
struct gradient_graph {
  G forward;
};

namespace detail {

/// The node table of gradient_graph<G, Forward, Wrt...>, and where each node comes from.
template <class G, bool Forward, int... Wrt>
struct gradient_layout {
  using info = graph_info<G>;
  static constexpr int n = info::num_nodes;
  static constexpr int outputs = info::num_outputs;
  static constexpr std::size_t cap =
      std::size_t(n) * (1 + 2 * max_elementwise_inputs) + std::size_t(outputs) + sizeof...(Wrt) + 1;
  static_assert(sizeof...(Wrt) > 0, "xsym::gradient: name at least one variable");

  enum class kind { forward, head_gradient, backward, sum, zeros };
  /// Node i is forward node `node`, head gradient `node` (an output index), the backward node
  /// of input `input` of forward node `node`, a sum of gradients, or zeros_like.
  struct origin {
    kind what = kind::forward;
    int node = 0;
    int input = 0;
  };

  // What the sweep needs of each forward op's backward ops, from their types.
  struct backward_ops {
    bool differentiable[max_elementwise_inputs]{};
    std::string_view name[max_elementwise_inputs]{};
    std::uint64_t key[max_elementwise_inputs]{};
    unsigned tied[max_elementwise_inputs]{};
    unsigned joined[max_elementwise_inputs]{};
  };
  template <int J>
  static constexpr backward_ops backward_ops_of() {
    backward_ops b;
    if constexpr (!info::nodes[J].is_variable) {
      using Op = typename node_view<G, J>::op;
      [&]<std::size_t... K>(std::index_sequence<K...>) {
        ((b.differentiable[K] = ops::differentiable<Op, int(K)>, b.name[K] = ops::backward<Op, int(K)>::names.mxnet,
          b.key[K] = type_key<ops::backward<Op, int(K)>>, b.tied[K] = ops::backward<Op, int(K)>::tied_inputs,
          b.joined[K] = ops::backward<Op, int(K)>::joined_inputs),
         ...);
      }(std::make_index_sequence<std::size_t(Op::arity)>{});
    }
    return b;
  }
  static constexpr std::array<backward_ops, std::size_t(n)> forward_ops =
      []<std::size_t... J>(std::index_sequence<J...>) {
        return std::array<backward_ops, std::size_t(n)>{backward_ops_of<int(J)>()...};
      }(std::make_index_sequence<std::size_t(n)>{});

  // The head-gradient variables' names, `<output>_head_grad`, in one character array.
  static constexpr std::string_view suffix = "_head_grad";
  static constexpr std::size_t text_size = [] {
    std::size_t s = 1;
    for (auto o : info::outputs) s += o.size() + suffix.size();
    return s;
  }();
  static constexpr std::array<char, text_size> text = [] {
    std::array<char, text_size> t{};
    std::size_t at = 0;
    for (auto o : info::outputs)
      for (std::string_view part : {o, suffix})
        for (char c : part) t[at++] = c;
    return t;
  }();
  static constexpr std::string_view head_gradient_name(int k) {
    std::size_t at = 0;
    for (int j = 0; j < k; ++j) at += info::outputs[std::size_t(j)].size() + suffix.size();
    return {text.data() + at, info::outputs[std::size_t(k)].size() + suffix.size()};
  }

  struct result {
    node_table<cap, 1> table;
    origin of[cap]{};
    index_list<cap> heads;
  };

  static constexpr result build() {
    result r;
    auto& t = r.table;
    auto push = [&](node_record rec, origin o) {
      rec.serial = rec.is_variable ? -1 : t.count_hint(rec.base);
      int i = t.push(rec);
      r.of[i] = o;
      return i;
    };
    for (int i = 0; i < n; ++i) push(info::nodes[i], {kind::forward, i, 0});

    // The nodes that lead to a requested variable through differentiable inputs: only they get
    // a gradient.
    constexpr int wrt[] = {info::argument_nodes[std::size_t(Wrt)]...};
    bool reaches[n > 0 ? n : 1]{};
    for (int i = 0; i < n; ++i) {
      for (int w : wrt) reaches[i] = reaches[i] || w == i;
      for (int k = 0; k < info::nodes[i].num_inputs; ++k)
        reaches[i] = reaches[i] || (forward_ops[std::size_t(i)].differentiable[k] && reaches[info::nodes[i].inputs[k]]);
    }

    int head_var[outputs > 0 ? outputs : 1];
    for (int& h : head_var) h = -1;
    int gradient[n > 0 ? n : 1];
    for (int& g : gradient) g = -1;
    for (int i = n - 1; i >= 0; --i) {
      if (!reaches[i]) continue;
      int sum = -1;
      auto add = [&](int term) {
        if (sum < 0) {
          sum = term;
          return;
        }
        node_record plus;
        plus.op = ops::plus::names.mxnet;
        plus.base = ops::plus::names.hint;
        plus.num_inputs = 2;
        plus.inputs[0] = sum;
        plus.inputs[1] = term;
        plus.op_key = type_key<ops::plus>;
        sum = push(plus, {kind::sum, i, 0});
      };
      for (int k = 0; k < outputs; ++k) {
        if (info::heads[std::size_t(k)] != i) continue;
        if (head_var[k] < 0) {
          node_record v;
          v.is_variable = true;
          v.op = "null";
          v.base = head_gradient_name(k);
          head_var[k] = push(v, {kind::head_gradient, k, 0});
        }
        add(head_var[k]);
      }
      for (int j = n - 1; j > i; --j) {
        const node_record& c = info::nodes[j];
        for (int k = 0; k < c.num_inputs; ++k) {
          if (c.inputs[k] != i || gradient[j] < 0 || !forward_ops[std::size_t(j)].differentiable[k]) continue;
          node_record b;
          b.op = b.base = forward_ops[std::size_t(j)].name[k];
          b.num_inputs = 2 + c.num_inputs;
          b.inputs[0] = gradient[j];
          b.inputs[1] = j;
          for (int q = 0; q < c.num_inputs; ++q) b.inputs[2 + q] = c.inputs[q];
          b.op_key = forward_ops[std::size_t(j)].key[k];
          b.tied = forward_ops[std::size_t(j)].tied[k];
          b.joined = forward_ops[std::size_t(j)].joined[k];
          add(push(b, {kind::backward, j, k}));
        }
      }
      gradient[i] = sum;
    }

    if constexpr (Forward)
      for (int h : info::heads) r.heads.push(h);
    for (int w : wrt) {
      if (gradient[w] >= 0) {
        r.heads.push(gradient[w]);
        continue;
      }
      node_record z;  // nothing reaches it: zeros of its shape
      z.op = ops::zeros_like::names.mxnet;
      z.base = ops::zeros_like::names.hint;
      z.num_inputs = 1;
      z.inputs[0] = w;
      z.op_key = type_key<ops::zeros_like>;
      r.heads.push(push(z, {kind::zeros, w, 0}));
    }
    return r;
  }
  /// The table of build() in DFS post-order from the heads, inputs left to right: the order of
  /// MXNet's Symbol (and of any static graph), so that list_arguments and list_nodes agree with
  /// the graph's Symbol; a node no head needs is dropped. The forward nodes keep their names;
  /// a new node's number counts its hint among the forward nodes and the new nodes before it.
  static constexpr result in_post_order(const result& raw) {
    result r;
    auto& t = r.table;
    int placed[cap];
    for (int& p : placed) p = -1;
    struct frame {
      int node, next;
    };
    frame stack[cap]{};
    for (int h = 0; h < raw.heads.size; ++h) {
      if (placed[raw.heads.items[h]] >= 0) continue;
      int top = 0;
      stack[top++] = {raw.heads.items[h], 0};
      while (top > 0) {
        frame& f = stack[top - 1];
        const node_record& rec = raw.table.nodes[f.node];
        if (f.next < rec.num_inputs) {
          int in = rec.inputs[f.next++];
          if (placed[in] < 0) stack[top++] = {in, 0};
          continue;
        }
        node_record copy = rec;
        for (int k = 0; k < rec.num_inputs; ++k) copy.inputs[k] = placed[rec.inputs[k]];
        if (!copy.is_variable && raw.of[f.node].what != kind::forward) {
          copy.serial = 0;
          for (int i = 0; i < n; ++i) copy.serial += !info::nodes[i].is_variable && info::nodes[i].base == copy.base;
          for (int i = 0; i < t.size; ++i)
            copy.serial += !t.nodes[i].is_variable && r.of[i].what != kind::forward && t.nodes[i].base == copy.base;
        }
        int i = t.push(copy);
        r.of[i] = raw.of[f.node];
        placed[f.node] = i;
        --top;
      }
    }
    for (int h = 0; h < raw.heads.size; ++h) r.heads.push(placed[raw.heads.items[h]]);
    return r;
  }
  static constexpr result value = in_post_order(build());
  static_assert(!value.table.overflow, "xsym::gradient: the gradient graph has more nodes than its table holds");
};

}  // namespace detail

template <class G, bool Forward, int... Wrt>
struct graph_traits<gradient_graph<G, Forward, Wrt...>> {
  using layout = detail::gradient_layout<G, Forward, Wrt...>;
  using roots = typename graph_traits<G>::roots;
  static constexpr auto table() { return layout::value.table; }
  template <class Table>
  static constexpr auto heads(const Table&) {
    return layout::value.heads;
  }
};

namespace detail {

/// Node I of a gradient graph: a node of the forward graph, a backward op of one of them (with
/// its parameter), a sum, zeros_like or a head-gradient variable.
template <class G, bool Forward, int... Wrt, int I>
struct node_view<gradient_graph<G, Forward, Wrt...>, I> {
  using layout = gradient_layout<G, Forward, Wrt...>;
  using kind = typename layout::kind;
  static constexpr auto from = layout::value.of[I];
  static constexpr auto op_type() {
    if constexpr (from.what == kind::forward)
      return std::type_identity<typename node_view<G, from.node>::op>{};
    else if constexpr (from.what == kind::backward)
      return std::type_identity<ops::backward<typename node_view<G, from.node>::op, from.input>>{};
    else if constexpr (from.what == kind::sum)
      return std::type_identity<ops::plus>{};
    else if constexpr (from.what == kind::zeros)
      return std::type_identity<ops::zeros_like>{};
    else
      return std::type_identity<void>{};
  }
  using op = typename decltype(op_type())::type;
  static constexpr decltype(auto) param(const gradient_graph<G, Forward, Wrt...>& g) {
    if constexpr (from.what == kind::forward || from.what == kind::backward)
      return node_view<G, from.node>::param(g.forward);
    else
      return ops::no_param{};
  }
};

template <class G, class N>
constexpr int argument_of() {
  constexpr int k = graph_info<G>::argument_index(N::value);
  static_assert(k >= 0, "xsym::gradient: this variable is not an argument of the graph");
  constexpr int pinned = graph_info<G>::nodes[graph_info<G>::argument_nodes[std::size_t(k >= 0 ? k : 0)]].pinned;
  static_assert(pinned < 0 || pinned == int(dtype::float32) || pinned == int(dtype::float64),
                "xsym::gradient: integer variables have no gradient (MXNet's rule); ask for the gradients "
                "of floating-point variables only");
  return k >= 0 ? k : 0;  // after the error, nothing more to report
}

}  // namespace detail

/// `xsym::gradient(e, a, c)`: the gradient graph of e with respect to variables a, c, ... as a
/// static graph with one output per variable, in the order given. Its arguments are e's (those
/// the derivatives read) and one head gradient per output of e that a gradient depends on,
/// `<output>_head_grad`. Like any static graph it binds, runs fused, introspects at compile
/// time, prints, plots and converts to a Symbol; bound with e's arguments and head gradients g,
/// output k holds Σ g·∂e/∂(variable k).
template <graph G, class... N, class... T>
constexpr gradient_graph<G, false, detail::argument_of<G, N>()...> gradient(const G& g, var<N, T>...) {
  static_assert(sizeof...(N) > 0, "xsym::gradient: name at least one variable");
  static_assert(elementwise_graph<G>,
                "xsym::gradient: the static gradient graph is built for elementwise graphs; this one holds "
                "other ops (sum, dot, FullyConnected ...), whose backward runs in the runtime executor: bind "
                "it with gradient arrays instead, xsym::bind(g, ctx, args, args_grad)");
  return {g};
}

}  // namespace xsym
