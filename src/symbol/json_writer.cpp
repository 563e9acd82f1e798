// Symbol::to_json: MXNet's symbol JSON, byte for byte. The layout is dmlc's JSONWriter
// (MXNET-REFERENCE.md §1.5): a multi-line scope puts ", " plus a newline and two spaces per depth
// between items, closes on its own line at the parent's depth; maps with one key and vectors of
// at most ten plain items are written on one line; no trailing newline. Strings escape as
// dmlc does (\r \n \t \\ \"); other control characters, which dmlc writes raw, as \u00XX.
#include <fstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "xsym/core/error.hpp"
#include "xsym/symbol/symbol.hpp"

namespace xsym {
namespace {

class json_writer {
 public:
  std::string text;

  void begin(char bracket, bool multi_line) {
    text += bracket;
    scopes_.push_back({multi_line, 0});
  }
  void end(char bracket) {
    scope s = scopes_.back();
    scopes_.pop_back();
    if (s.multi_line && s.items != 0) separator();
    text += bracket;
  }
  // Starts the next item of the current scope; for objects, `key` is written too.
  void item() {
    if (scopes_.back().items++ != 0) text += ", ";
    separator();
  }
  void item(const std::string& key) {
    item();
    string(key);
    text += ": ";
  }
  void string(const std::string& s) {
    text += '"';
    for (char c : s) {
      switch (c) {
        case '\r': text += "\\r"; break;
        case '\n': text += "\\n"; break;
        case '\\': text += "\\\\"; break;
        case '\t': text += "\\t"; break;
        case '"': text += "\\\""; break;
        default:
          // dmlc writes other control characters raw, which no JSON parser reads back; \u00XX
          // keeps such (rare) names loadable.
          if (static_cast<unsigned char>(c) < 0x20) {
            const char* hex = "0123456789abcdef";
            text += "\\u00";
            text += hex[(c >> 4) & 0xf];
            text += hex[c & 0xf];
          } else {
            text += c;
          }
      }
    }
    text += '"';
  }
  void number(std::uint64_t n) { text += std::to_string(n); }
  void raw(const std::string& s) { text += s; }

  // A vector of plain items: one line when it has at most ten.
  template <class T, class F>
  void array(const std::vector<T>& items, F&& write_item) {
    begin('[', items.size() > 10);
    for (const auto& x : items) {
      item();
      write_item(x);
    }
    end(']');
  }
  void entry(std::uint64_t node, std::uint64_t index, std::uint64_t version) {
    begin('[', false);
    item();
    number(node);
    item();
    number(index);
    item();
    number(version);
    end(']');
  }

 private:
  struct scope {
    bool multi_line;
    std::size_t items;
  };
  std::vector<scope> scopes_;

  void separator() {
    if (scopes_.empty() || scopes_.back().multi_line) text += '\n' + std::string(scopes_.size() * 2, ' ');
  }
};

struct entry_ids {
  std::uint64_t node, index, version;
};

}  // namespace

std::string Symbol::to_json() const {
  auto nodes = topological_nodes();
  std::unordered_map<const graph_node*, std::uint64_t> id;
  for (std::size_t i = 0; i < nodes.size(); ++i) id.emplace(nodes[i].get(), i);

  std::vector<std::uint64_t> arg_nodes, row_ptr{0};
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i]->is_variable()) arg_nodes.push_back(i);
    row_ptr.push_back(row_ptr.back() + nodes[i]->num_outputs);
  }

  json_writer w;
  w.begin('{', true);
  w.item("nodes");
  w.begin('[', true);
  for (const auto& n : nodes) {
    w.item();
    w.begin('{', true);
    w.item("op");
    w.string(n->op);
    w.item("name");
    w.string(n->name);
    if (!n->attrs.empty()) {
      w.item(style_.node_attr_key);
      w.begin('{', n->attrs.size() > 1);
      for (const auto& [k, v] : n->attrs) {
        w.item(k);
        w.string(v);
      }
      w.end('}');
    }
    std::vector<entry_ids> inputs;
    for (const auto& e : n->inputs) inputs.push_back({id.at(e.node.get()), e.index, e.version});
    w.item("inputs");
    w.array(inputs, [&](const entry_ids& e) { w.entry(e.node, e.index, e.version); });
    if (!n->control_deps.empty()) {
      std::vector<std::uint64_t> deps;
      for (const auto& d : n->control_deps) deps.push_back(id.at(d.get()));
      w.item("control_deps");
      w.array(deps, [&](std::uint64_t d) { w.number(d); });
    }
    w.end('}');
  }
  w.end(']');
  w.item("arg_nodes");
  w.array(arg_nodes, [&](std::uint64_t i) { w.number(i); });
  w.item("node_row_ptr");
  w.array(row_ptr, [&](std::uint64_t i) { w.number(i); });
  std::vector<entry_ids> heads;
  for (const auto& e : outputs_) heads.push_back({id.at(e.node.get()), e.index, e.version});
  w.item("heads");
  w.array(heads, [&](const entry_ids& e) { w.entry(e.node, e.index, e.version); });
  if (!style_.graph_attrs.empty()) {
    w.item("attrs");
    w.begin('{', style_.graph_attrs.size() > 1);
    for (const auto& [k, v] : style_.graph_attrs) {
      w.item(k);
      w.raw(v);
    }
    w.end('}');
  }
  w.end('}');
  return std::move(w.text);
}

void Symbol::save(const std::string& path) const {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw error("xsym::Symbol::save: cannot open '" + path + "' for writing");
  out << to_json();
  if (!out.flush()) throw error("xsym::Symbol::save: writing '" + path + "' failed");
}

}  // namespace xsym
