// xsym::viz::plot_network (MXNET-REFERENCE.md §4.1). See include/xsym/viz/plot_network.hpp.
#include "xsym/viz/plot_network.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "xsym/core/error.hpp"
#include "xsym/viz/render.hpp"

namespace xsym::viz {
namespace {

bool is_plain_id(std::string_view s) {
  if (s.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (alpha(s[0])) {
    if (!std::all_of(s.begin(), s.end(), [&](char c) { return alpha(c) || digit(c); })) return false;
    std::string lower(s);
    for (char& c : lower) c = char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    static const std::set<std::string> keywords{"node", "edge", "graph", "digraph", "subgraph", "strict"};
    return !keywords.count(lower);
  }
  // numeral: -?(\.[0-9]+|[0-9]+(\.[0-9]*)?)
  std::size_t i = 0;
  if (s[i] == '-') ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (i == s.size()) return false;
    return std::all_of(s.begin() + std::ptrdiff_t(i), s.end(), digit);
  }
  std::size_t start = i;
  while (i < s.size() && digit(s[i])) ++i;
  if (i == start) return false;
  if (i == s.size()) return true;
  if (s[i] != '.') return false;
  return std::all_of(s.begin() + std::ptrdiff_t(i + 1), s.end(), digit);
}

// Escapes a label or id for a DOT quoted string (see plot_network.hpp).
std::string escape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (ch == '"') out += "\\\"";
    else if (ch == '\\') out += "\\\\";
    else if (ch == '\n') out += "\\n";
    else if (c < 0x20 || c == 0x7f) {
      static constexpr char hex[] = "0123456789ABCDEF";
      out += "\\\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else out += ch;
  }
  return out;
}

// A label made of lines: each escaped, joined by DOT's centred line break `\n`.
std::string quote_lines(const std::vector<std::string>& lines) {
  std::string joined;
  bool plain = lines.size() == 1;
  for (std::size_t i = 0; i < lines.size(); ++i) joined += (i ? "\\n" : "") + escape(lines[i]);
  if (plain && is_plain_id(lines[0])) return lines[0];
  return "\"" + joined + "\"";
}

bool looks_like_weight(std::string_view name) {
  static constexpr std::array<std::string_view, 8> suffixes{
      "_weight", "_bias", "_beta", "_gamma", "_moving_var", "_moving_mean", "_running_var", "_running_mean"};
  return std::any_of(suffixes.begin(), suffixes.end(), [&](std::string_view s) { return name.ends_with(s); });
}

// MXNet's _str2tuple: the digit runs of "(5, 5)", joined by "x".
std::string join_digits(std::string_view s) {
  std::string out, run;
  auto flush = [&] {
    if (!run.empty()) out += (out.empty() ? "" : "x") + run;
    run.clear();
  };
  for (char c : s) {
    if (c >= '0' && c <= '9') run += c;
    else flush();
  }
  flush();
  return out;
}

std::string attr_or(const graph_node& n, const std::string& key, std::string fallback) {
  auto it = n.attrs.find(key);
  return it == n.attrs.end() ? fallback : it->second;
}

constexpr std::array<const char*, 8> colors{"#8dd3c7", "#fb8072", "#ffffb3", "#bebada",
                                            "#80b1d3", "#fdb462", "#b3de69", "#fccde5"};

struct entry_key {
  const graph_node* node;
  std::uint32_t index;
  bool operator<(const entry_key& o) const { return std::pair(node, index) < std::pair(o.node, o.index); }
};

}  // namespace

std::string dot_quote(const std::string& s) {
  if (is_plain_id(s)) return s;
  return "\"" + escape(s) + "\"";
}

dot_graph plot_network(const Symbol& graph, const std::map<std::string, shape>& shapes,
                       const plot_options& options) {
  const auto& formats = render_formats();
  if (std::find(formats.begin(), formats.end(), options.save_format) == formats.end())
    throw error("xsym::viz::plot_network: unknown save_format \"" + options.save_format + "\"");

  // Shapes and dtypes of every node output, through the internals (as MXNet does).
  Symbol internals = graph.get_internals();
  std::map<entry_key, std::string> edge_labels;
  auto entry_of = [&](std::size_t i) {
    const auto& e = internals.outputs()[i];
    return entry_key{e.node.get(), e.index};
  };
  // MXNet's words for a graph the given shapes or dtypes do not determine, then why.
  auto incomplete = [](const char* what, const error& e) {
    std::string why = e.what();
    if (auto colon = why.find(": cannot infer every "); colon != std::string::npos) why = why.substr(colon + 2);
    return error(std::string("xsym::viz::plot_network: Input ") + what + " is incomplete (" + why + ")");
  };
  if (!shapes.empty()) {
    shape_inference inferred;
    try {
      inferred = internals.infer_shape(shapes);
    } catch (const error& e) {
      if (std::string(e.what()).find("cannot infer every") == std::string::npos) throw;
      throw incomplete("shape", e);
    }
    for (std::size_t i = 0; i < internals.size(); ++i) {
      const auto& dims = inferred.outputs[i].dims();
      std::string label;
      for (std::size_t d = 1; d < dims.size(); ++d) label += (d > 1 ? "x" : "") + std::to_string(dims[d]);
      edge_labels[entry_of(i)] = label;
    }
  }
  if (!options.dtypes.empty()) {
    type_inference inferred;
    try {
      inferred = internals.infer_type(options.dtypes);
    } catch (const error& e) {
      if (std::string(e.what()).find("cannot infer every") == std::string::npos) throw;
      throw incomplete("type", e);
    }
    for (std::size_t i = 0; i < internals.size(); ++i)
      edge_labels[entry_of(i)] += "(" + std::string(dtype_name(inferred.outputs[i])) + ")";
  }

  auto nodes = graph.topological_nodes();
  std::unordered_map<const graph_node*, std::size_t> index_of;
  std::map<std::string, std::size_t> name_count;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    index_of[nodes[i].get()] = i;
    ++name_count[nodes[i]->name];
  }
  // DOT ids: the name when it is unique and not empty, else node<index> (unique against names).
  std::vector<std::string> ids(nodes.size());
  std::set<std::string> used;
  for (const auto& [name, count] : name_count)
    if (count == 1 && !name.empty()) used.insert(name);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const std::string& name = nodes[i]->name;
    if (name_count[name] == 1 && !name.empty()) {
      ids[i] = name;
      continue;
    }
    std::string id = "node" + std::to_string(i);
    while (used.count(id)) id += "_";
    used.insert(id);
    ids[i] = id;
  }

  std::map<std::string, std::string> base{{"shape", "box"},
                                          {"fixedsize", options.mxnet_sizes ? "true" : "false"},
                                          {"width", "1.3"},
                                          {"height", "0.8034"},
                                          {"style", "filled"}};
  for (const auto& [k, v] : options.node_attrs) base[k] = v;
  base.erase("label");

  auto attr_list = [](const std::string& label, const std::map<std::string, std::string>& attrs) {
    std::string out = " [label=" + label;
    for (const auto& [k, v] : attrs) out += " " + dot_quote(k) + "=" + dot_quote(v);
    return out + "]";
  };

  std::string out = "digraph " + (options.title.empty() ? std::string() : dot_quote(options.title) + " ") + "{\n";
  std::vector<bool> hidden(nodes.size(), false);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const graph_node& n = *nodes[i];
    auto attrs = base;
    std::vector<std::string> label{n.name};
    const std::string& op = n.op;
    if (n.is_variable()) {
      if (looks_like_weight(n.name)) {
        if (options.hide_weights) hidden[i] = true;
        else if (ids[i] != n.name) out += "\t" + dot_quote(ids[i]) + " [label=" + quote_lines(label) + "]\n";
        continue;
      }
      attrs["shape"] = "oval";
      attrs["fillcolor"] = colors[0];
    } else if (op == "Convolution") {
      std::string stride = n.attrs.count("stride") ? join_digits(n.attrs.at("stride")) : "1";
      label = {"Convolution", join_digits(attr_or(n, "kernel", "")) + "/" + stride + ", " + attr_or(n, "num_filter", "")};
      attrs["fillcolor"] = colors[1];
    } else if (op == "FullyConnected") {
      label = {"FullyConnected", attr_or(n, "num_hidden", "")};
      attrs["fillcolor"] = colors[1];
    } else if (op == "BatchNorm") {
      attrs["fillcolor"] = colors[3];
    } else if (op == "Activation") {
      label = {"Activation", attr_or(n, "act_type", "")};
      attrs["fillcolor"] = colors[2];
    } else if (op == "LeakyReLU") {
      label = {"LeakyReLU", attr_or(n, "act_type", "Leaky")};
      attrs["fillcolor"] = colors[2];
    } else if (op == "Pooling") {
      std::string kernel = n.attrs.count("kernel") ? join_digits(n.attrs.at("kernel")) : "[]";
      std::string stride = n.attrs.count("stride") ? join_digits(n.attrs.at("stride")) : "1";
      label = {"Pooling", attr_or(n, "pool_type", "max") + ", " + kernel + "/" + stride};
      attrs["fillcolor"] = colors[4];
    } else if (op == "Concat" || op == "Flatten" || op == "Reshape") {
      attrs["fillcolor"] = colors[5];
    } else if (op == "Softmax") {
      attrs["fillcolor"] = colors[6];
    } else {
      attrs["fillcolor"] = colors[7];
      if (op == "Custom") label = {attr_or(n, "op_type", n.name)};
    }
    out += "\t" + dot_quote(ids[i]) + attr_list(quote_lines(label), attrs) + "\n";
  }

  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const graph_node& n = *nodes[i];
    if (n.is_variable()) continue;
    std::size_t count = n.op == "_contrib_BilinearResize2D" ? std::min<std::size_t>(1, n.inputs.size()) : n.inputs.size();
    for (std::size_t k = 0; k < count; ++k) {
      const node_entry& in = n.inputs[k];
      std::size_t j = index_of.at(in.node.get());
      if (hidden[j]) continue;
      std::string label;
      if (auto it = edge_labels.find({in.node.get(), in.index}); it != edge_labels.end()) label = it->second;
      out += "\t" + dot_quote(ids[i]) + " -> " + dot_quote(ids[j]) + " [label=" + dot_quote(label) +
             " arrowtail=open dir=back]\n";
    }
  }
  dot_graph result;
  static_cast<std::string&>(result) = out + "}";
  result.format = options.save_format;
  return result;
}

}  // namespace xsym::viz
