#pragma once
// xsym::viz::plot_network: a graph as Graphviz DOT text, drawn the way MXNet's
// `mx.viz.plot_network` draws it (MXNET-REFERENCE.md §4.1): variables as ovals, ops as boxes
// coloured by family, multi-line labels for FullyConnected, Convolution, Activation, LeakyReLU
// and Pooling, edges from each consumer to its inputs (`dir=back arrowtail=open`), labelled with
// the inferred shape without its batch dimension when shapes are given.
//
//   xsym::Symbol s = e;
//   auto dot = xsym::viz::plot_network(s, {{"A", {1}}, {"B", {1}}, {"C", {1}}, {"D", {1}}},
//                                      {.title = "e", .node_attrs = {{"shape", "oval"}}});
//   xsym::viz::render(dot, "e", "model_render");   // model_render/e.pdf
//
// The text is laid out as python-graphviz 0.8-0.16 writes it: `digraph <title> {`, one tab per
// line, `label` first and the other attributes in sorted key order, values quoted unless they are
// a plain DOT ID or numeral, lines joined by '\n', `}` last (no newline after it).
//
// Where xsym differs from MXNet (each keeps the plot correct where MXNet's would not be):
// - Names are always escaped: a name or label that is not a plain ASCII ID or numeral, or that is
//   a DOT keyword (node, edge, graph, digraph, subgraph, strict, any case), is quoted, with `"`
//   written `\"`, `\` written `\\` (so Graphviz shows it, instead of reading `\N`, `\l` ...),
//   a newline `\n` and any other control character shown as the text `\xNN`. Non-ASCII names are
//   always quoted (python-graphviz leaves Latin-1 ones bare). A ':' is never read as a port.
// - Duplicate node names: MXNet warns ("this may result in cyclic graph") and merges the nodes
//   into one Graphviz node. xsym keeps them apart: a node whose name is shared with another node
//   (or is empty) gets the DOT id `node<index>` (its index in topological_nodes(), made unique
//   against every other id) and keeps its name as its label, so the plot has one box per node.
//   Nodes with unique names keep their names as ids, as in MXNet.
// - A hidden weight is hidden by node, not by name (MXNet drops every edge to any node sharing
//   a hidden weight's name). With hide_weights = false a weight gets no node line, as in MXNet,
//   unless its DOT id differs from its name; then a bare `id [label=name]` line names it.
// - Edge labels use the shape of the output the edge actually reads; MXNet always takes the last
//   output of a multi-output node.
// - A `label` in node_attrs is ignored: the label is always the one computed here (MXNet raises
//   a TypeError).
#include <map>
#include <string>

#include "../core/dtype.hpp"
#include "../core/shape.hpp"
#include "../symbol/from_static.hpp"
#include "../symbol/symbol.hpp"

namespace xsym::viz {

struct plot_options {
  /// The graph's name: `digraph <title> {`.
  std::string title = "plot";
  /// Merged over the defaults shape=box, fixedsize=false, width=1.3, height=0.8034,
  /// style=filled: each box at least MXNet's size, and wider where its label needs it.
  std::map<std::string, std::string> node_attrs = {};
  /// MXNet's fixed-size boxes (fixedsize=true), which clip long labels ("ullyConnected"): the
  /// DOT text then equals MXNet's byte for byte.
  bool mxnet_sizes = false;
  /// Drop the variables that look like weights (`_weight _bias _beta _gamma _moving_var
  /// _moving_mean _running_var _running_mean`) and the edges to them.
  bool hide_weights = true;
  /// The format render makes of the result, as MXNet's `save_format` (one of render_formats()).
  std::string save_format = "pdf";
  /// Known argument dtypes: when not empty, edge labels end with the inferred dtype, `3(float32)`.
  std::map<std::string, dtype> dtypes = {};
};

/// DOT text, with the format it is meant to be rendered to (plot_options::save_format): what
/// plot_network returns. It is the text itself (a std::string), so it prints, compares and
/// searches as one; render(dot, name, dir) renders it to its format.
struct dot_graph : std::string {
  std::string format = "pdf";
};

/// DOT text for `graph`. `shapes` (argument name -> shape, batch dimension first): when not
/// empty, every edge is labelled with its inferred shape minus the first dimension ("3",
/// "5x12x12"); without shapes the labels are empty. Throws xsym::error when the shapes or dtypes
/// given do not determine every shape or dtype ("Input shape is incomplete"), name an unknown
/// argument or contradict each other, or when save_format is not a known format.
dot_graph plot_network(const Symbol& graph, const std::map<std::string, shape>& shapes = {},
                       const plot_options& options = {});

/// The same for a static graph (converted with `xsym::Symbol(g)`).
template <graph G>
dot_graph plot_network(const G& g, const std::map<std::string, shape>& shapes = {},
                       const plot_options& options = {}) {
  return plot_network(Symbol(g), shapes, options);
}

/// `s` as a DOT ID: bare when it is a plain ID ([A-Za-z_][A-Za-z0-9_]*, not a keyword) or a
/// numeral, otherwise quoted and escaped as described above.
std::string dot_quote(const std::string& s);

}  // namespace xsym::viz
