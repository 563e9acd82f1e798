#pragma once
// xsym::Symbol: a runtime, type-erased graph with MXNet's Symbol semantics. Any static graph
// converts to one (`xsym::Symbol s = e;`); programs build them at run time
// (`Symbol::variable("x")`, operators, `Symbol::create`); JSON in MXNet's exact format reads and
// writes them. A Symbol is a list of output entries into an immutable shared node graph: copies
// are cheap and never alias mutable state.
#include <concepts>
#include <cstddef>
#include <map>
#include <ostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../core/dtype.hpp"
#include "../core/shape.hpp"
#include "../expr/describe.hpp"
#include "../expr/graph.hpp"
#include "compiled_graph.hpp"
#include "executor.hpp"
#include "graph_node.hpp"
#include "op_def.hpp"

namespace xsym {

using attr_map = std::map<std::string, std::string>;

/// What infer_shape found, in list_arguments / list_outputs / list_auxiliary_states order:
/// `auto [args, outs, aux] = s.infer_shape({{"data", {1, 1, 28, 28}}});`. In the partial form an
/// unknown dimension is 0 and an unknown shape has no dimensions (MXNet's legacy convention).
struct shape_inference {
  std::vector<shape> arguments, outputs, auxiliary_states;
};
/// What infer_type found, in the same orders; the partial form leaves unknown dtypes empty.
struct type_inference {
  std::vector<dtype> arguments, outputs, auxiliary_states;
};
struct partial_type_inference {
  std::vector<std::optional<dtype>> arguments, outputs, auxiliary_states;
};

class Symbol {
 public:
  /// An empty symbol (no outputs).
  Symbol() = default;

  // ---- construction ------------------------------------------------------------------------
  /// A variable (MXNet's `sym.var`), with attributes such as `{"__shape__", "(2, 3)"}`.
  static Symbol variable(std::string name, attr_map attrs = {});
  /// Applies registered op `op` to `inputs` (single-output symbols, in input order). Inputs
  /// the op declares but that are not given become variables `<name>_<input>` (as
  /// `fc1_weight`), carrying the op's attributes. `name` empty: the name manager names the node
  /// from `hint`, or from the lower-cased op name when `hint` is empty (`fullyconnected0`).
  /// Throws xsym::error for an unknown op or too many inputs.
  static Symbol create(std::string_view op, const std::vector<Symbol>& inputs, attr_map attrs = {},
                       std::string name = {}, std::string_view hint = {});
  /// The outputs of several symbols as one (MXNet's `Group`). Throws for an empty list.
  static Symbol group(const std::vector<Symbol>& symbols);

  /// `xsym::Symbol s = e;`: the Symbol of static graph `e`, with the same nodes, names and
  /// outputs (defined in from_static.hpp).
  template <graph G>
  Symbol(const G& g);

  /// Builds a Symbol from its entries (used by conversions and the JSON loader).
  explicit Symbol(std::vector<node_entry> outputs) : outputs_(std::move(outputs)) {}

  // ---- introspection (MXNet's list_* functions) --------------------------------------------
  std::vector<std::string> list_arguments() const;
  std::vector<std::string> list_outputs() const;
  std::vector<std::string> list_inputs() const;
  std::vector<std::string> list_auxiliary_states() const;
  /// Every node's visible outputs, in DFS post-order.
  Symbol get_internals() const;
  /// The inputs of the distinct head nodes, concatenated; empty for variables.
  Symbol get_children() const;
  /// Output i as a symbol; throws when out of range.
  Symbol operator[](std::size_t i) const;
  /// The output named `name` (from list_outputs); throws when absent or ambiguous.
  Symbol operator[](std::string_view name) const;
  /// Number of outputs.
  std::size_t size() const { return outputs_.size(); }
  /// The head node's name, or nothing for a group of several nodes or an empty symbol.
  std::optional<std::string> name() const;

  // ---- attributes --------------------------------------------------------------------------
  /// The head node's attribute `key` (hidden keys such as `lr_mult` fall back to `__lr_mult__`;
  /// `name` and `op_name` are answered too); nothing for groups or absent keys.
  std::optional<std::string> attr(std::string_view key) const;
  /// The head node's attributes, with a stripped duplicate of each `__hidden__` key.
  attr_map list_attr() const;
  /// `{node name: attributes}` for every node with attributes, in DFS order.
  std::map<std::string, attr_map> attr_dict() const;

  // ---- composition -------------------------------------------------------------------------
  /// A copy where every variable named by a key is replaced by that symbol's single output;
  /// `name` (when given) renames the head node. Throws for a key that names no variable.
  Symbol compose(const std::map<std::string, Symbol>& replacements, std::string name = {}) const;
  /// A deep copy with the same names.
  Symbol copy() const;

  // ---- gradients ---------------------------------------------------------------------------
  /// The gradient graph with respect to arguments `wrt`: one output per name, in order, the
  /// gradient of the outputs given a head gradient for each, the variable `<output>_head_grad`
  /// (MXNet's Symbol.gradient; the graph xsym::gradient builds for a static graph, node for node
  /// and name for name). A value that feeds several consumers gets the sum of their gradients,
  /// left to right with `_plus`: the head gradient, then the consumers from the last one back.
  /// Throws xsym::error for a name that is not an argument, and naming the node when an op on
  /// the way from a variable to an output has no gradient in xsym.
  Symbol gradient(const std::vector<std::string>& wrt) const;

  // ---- JSON (MXNet's format, byte for byte) ------------------------------------------------
  std::string to_json() const;
  void save(const std::string& path) const;
  static Symbol from_json(std::string_view text);
  static Symbol load(const std::string& path);

  // ---- inference (MXNET-REFERENCE.md §3) ---------------------------------------------------
  /// Shapes of every argument, output and auxiliary state from the known ones (by argument
  /// name; a 0 dimension means unknown), propagated forward and backward through the graph.
  /// Every list is complete: where MXNet returns None because some shape stays unknown, this
  /// throws an xsym::error naming what blocked inference (an op xsym does not know, with the
  /// nearest known op names, or the first argument or node left unknown).
  /// Throws xsym::error too for an unknown name (MXNet's "InferShapeKeyword argument name X not
  /// found") or inconsistent shapes ("Error in operator _plus0: Incompatible attr in node _plus0
  /// at 1-th input: expected [2,3], got [3,2] (input 1 of _plus0 is the output of node '_mul1')").
  shape_inference infer_shape(const std::map<std::string, shape>& known = {}) const;
  /// The same, returning what is known even when incomplete (an unknown shape has no
  /// dimensions, an unknown dimension is 0). Never throws for missing information.
  shape_inference infer_shape_partial(const std::map<std::string, shape>& known = {}) const;
  /// dtypes of every argument, output and auxiliary state; throws as infer_shape does when some
  /// stay unknown.
  type_inference infer_type(const std::map<std::string, dtype>& known = {}) const;
  partial_type_inference infer_type_partial(const std::map<std::string, dtype>& known = {}) const;

  // ---- execution (MXNet's bind / simple_bind; executor.hpp says how a Symbol runs) ----------
  /// An executor over `args` (every argument, by name, on `ctx`). Throws xsym::error naming the
  /// argument that is missing, unknown, on another context, or of a shape or dtype that does not
  /// fit the graph, and the node whose op cannot run.
  Executor bind(context ctx, const std::map<std::string, ndarray>& args, bind_options options = {}) const;
  /// An executor with arguments and auxiliary states allocated (zeros) from the shapes and
  /// dtypes inferred from `shapes` and `dtypes` (float32 where nothing says otherwise).
  Executor simple_bind(context ctx, const std::map<std::string, shape>& shapes,
                       const std::map<std::string, dtype>& dtypes = {}, bind_options options = {}) const;
  /// The fused loops of the static graph this Symbol was converted from; null for a Symbol
  /// loaded, built at run time, or derived (get_internals, compose, ...).
  const std::shared_ptr<const compiled_graph>& compiled() const { return compiled_; }

  /// nnvm's Symbol::Print layout, for debugging.
  std::string debug_str() const;

  /// The output entries, and the nodes in DFS post-order (the order of JSON and get_internals).
  const std::vector<node_entry>& outputs() const { return outputs_; }
  std::vector<std::shared_ptr<const graph_node>> topological_nodes() const;

  /// How to_json writes the graph: what a loaded file had, so that it saves back byte for byte.
  struct json_style {
    /// Graph attributes in file order, each value as its JSON text: {"mxnet_version", `["int", 10901]`}.
    std::vector<std::pair<std::string, std::string>> graph_attrs{{"mxnet_version", R"(["int", 10901])"}};
    /// The per-node attribute key: "attrs" (MXNet >= 1.0) or "attr" (0.9 to 0.12).
    std::string node_attr_key = "attrs";
  };
  const json_style& style() const { return style_; }
  void set_style(json_style s) { style_ = std::move(s); }

 private:
  std::vector<node_entry> outputs_;
  json_style style_;
  std::shared_ptr<const compiled_graph> compiled_;

  template <graph G>
  friend Symbol to_symbol(const G& g);

  // A symbol over the same graph with other outputs: it keeps the JSON style.
  Symbol derived(std::vector<node_entry> outputs) const {
    Symbol s(std::move(outputs));
    s.style_ = style_;
    return s;
  }
};

/// MXNet's `Group([...])`, spelled both ways, with a list or with the symbols as arguments:
/// `xsym::Group({s1, s2})`, `xsym::group(s1, s2)` (as for static graphs, expr/graph.hpp).
inline Symbol Group(const std::vector<Symbol>& symbols) { return Symbol::group(symbols); }
inline Symbol group(const std::vector<Symbol>& symbols) { return Symbol::group(symbols); }
template <class... S>
  requires(std::convertible_to<const S&, Symbol> && ...)
Symbol Group(const Symbol& first, const S&... rest) {
  return Symbol::group({first, Symbol(rest)...});
}
template <class... S>
  requires(std::convertible_to<const S&, Symbol> && ...)
Symbol group(const Symbol& first, const S&... rest) {
  return Symbol::group({first, Symbol(rest)...});
}

/// The Symbol as plain data (expr/describe.hpp): its nodes in post-order with their op, name,
/// attributes and inputs, and its outputs.
graph_description describe(const Symbol& s);
/// The Symbol as an expression, as for static graphs (expr/print.hpp): `(A * B) + (C * D)`,
/// `FullyConnected(data, fc1_weight, fc1_bias, num_hidden=128)`.
std::string to_string(const Symbol& s);
/// MXNet's repr: `<Symbol _plusscalar0>`, or `<Symbol group [_mul0, _plus0]>` for several outputs.
std::ostream& operator<<(std::ostream& os, const Symbol& s);

/// MXNet's name manager: auto names are `<hint><counter>`, with counters per hint, per thread.
/// A `name_scope` gives fresh counters until it is destroyed (MXNet's `with NameManager():`).
class name_scope {
 public:
  name_scope();
  ~name_scope();
  name_scope(const name_scope&) = delete;
  name_scope& operator=(const name_scope&) = delete;

 private:
  std::map<std::string, int> saved_;
};

/// The next auto name for `hint` in the current thread's name manager.
std::string next_name(std::string_view hint);

}  // namespace xsym
