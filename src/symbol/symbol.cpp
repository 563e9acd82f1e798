// Symbol: construction, traversal, introspection, attributes and composition.
#include "xsym/symbol/symbol.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "xsym/core/error.hpp"
#include "xsym/expr/print.hpp"

namespace xsym {

graph_node::~graph_node() {
  // Move out the inputs that only this node holds, and free them from a work list.
  std::vector<std::shared_ptr<const graph_node>> pending;
  auto take = [&](std::shared_ptr<const graph_node>& p) {
    if (p && p.use_count() == 1) pending.push_back(std::move(p));
  };
  for (auto& e : inputs) take(e.node);
  for (auto& d : control_deps) take(d);
  while (!pending.empty()) {
    std::shared_ptr<const graph_node> n = std::move(pending.back());
    pending.pop_back();
    auto& m = const_cast<graph_node&>(*n);  // sole owner: nobody else can observe it
    for (auto& e : m.inputs) take(e.node);
    for (auto& d : m.control_deps) take(d);
  }
}

namespace {

// nnvm's PostOrderDFSVisit: iterative, heads in order, inputs then control deps; a node is
// marked when pushed, so each is visited once. `visit` gets the node's owning pointer.
template <class F>
void post_order(const std::vector<node_entry>& heads, F&& visit) {
  using ptr = std::shared_ptr<const graph_node>;
  std::unordered_set<const graph_node*> seen;
  std::vector<std::pair<const ptr*, std::size_t>> stack;
  for (const auto& h : heads) {
    if (!h.node || !seen.insert(h.node.get()).second) continue;
    stack.emplace_back(&h.node, 0);
    while (!stack.empty()) {
      auto& [p, next] = stack.back();
      const graph_node& n = **p;
      std::size_t total = n.inputs.size() + n.control_deps.size();
      if (next == total) {
        visit(*p);
        stack.pop_back();
        continue;
      }
      const ptr& child = next < n.inputs.size() ? n.inputs[next].node : n.control_deps[next - n.inputs.size()];
      ++next;
      if (child && seen.insert(child.get()).second) stack.emplace_back(&child, 0);
    }
  }
}

std::uint32_t visible_outputs(const graph_node& n) {
  if (n.is_variable()) return 1;
  if (n.def) return std::min(n.def->visible_outputs_of(n.attrs), n.num_outputs);
  return n.num_outputs;
}

std::string output_name(const graph_node& n, std::uint32_t i) {
  if (n.is_variable()) return n.name;
  if (n.def && i < n.def->output_names.size()) return n.name + "_" + n.def->output_names[i];
  if (visible_outputs(n) == 1 && n.num_outputs == 1) return n.name + "_output";
  if (n.def && n.def->visible_outputs_of(n.attrs) == 1 && i == 0) return n.name + "_output";
  return n.name + "_output" + std::to_string(i);
}

// Whether input k of node n is an auxiliary state (an input the op mutates).
bool is_mutated_input(const graph_node& n, std::size_t k) {
  if (!n.def) return false;
  const auto& m = n.def->mutated_inputs;
  return std::find(m.begin(), m.end(), std::uint32_t(k)) != m.end();
}

// Variables in DFS order, split into arguments and auxiliary states as nnvm's ListInputs.
enum class input_kind { all, arguments, auxiliary };
std::vector<std::string> list_variables(const std::vector<node_entry>& heads, input_kind kind) {
  std::unordered_set<const graph_node*> mutated;
  std::vector<const graph_node*> order;
  post_order(heads, [&](const std::shared_ptr<const graph_node>& n) {
    for (std::size_t k = 0; k < n->inputs.size(); ++k)
      if (is_mutated_input(*n, k)) mutated.insert(n->inputs[k].node.get());
    order.push_back(n.get());
  });
  std::vector<std::string> out;
  for (const graph_node* n : order) {
    if (!n->is_variable()) continue;
    bool aux = mutated.count(n) != 0;
    if (kind == input_kind::all || (kind == input_kind::auxiliary) == aux) out.push_back(n->name);
  }
  return out;
}

// A __hidden__ key's stripped form ("__lr_mult__" -> "lr_mult"), or empty.
std::string stripped_hidden(const std::string& key) {
  if (key.size() > 4 && key.starts_with("__") && key.ends_with("__")) {
    std::string inner = key.substr(2, key.size() - 4);
    if (is_hidden_attribute_key(inner)) return inner;
  }
  return {};
}

attr_map with_stripped_duplicates(const attr_map& attrs) {
  attr_map out = attrs;
  for (const auto& [k, v] : attrs)
    if (auto s = stripped_hidden(k); !s.empty()) out.emplace(s, v);
  return out;
}

// MXSymbolCreateAtomicSymbol's rule: a hidden key is stored as `__key__`; a key that only ends
// with one (`weight_lr_mult`) is the deprecated way to set an input's attribute.
attr_map hide_keys(attr_map attrs, bool reject_suffixed) {
  attr_map out;
  for (auto& [k, v] : attrs) {
    if (is_hidden_attribute_key(k)) {
      out["__" + k + "__"] = std::move(v);
      continue;
    }
    if (reject_suffixed)
      for (std::string_view h : hidden_attribute_keys)
        if (k.size() > h.size() && k.ends_with("_" + std::string(h)))
          throw error("xsym::Symbol::create: setting variable attributes with " + k +
                      " is deprecated; set the attribute on the variable instead");
    out[k] = std::move(v);
  }
  return out;
}

thread_local std::map<std::string, int> name_counters;

}  // namespace

std::string next_name(std::string_view hint) {
  int& counter = name_counters[std::string(hint)];
  return std::string(hint) + std::to_string(counter++);
}

name_scope::name_scope() : saved_(std::move(name_counters)) { name_counters.clear(); }
name_scope::~name_scope() { name_counters = std::move(saved_); }

std::vector<std::shared_ptr<const graph_node>> Symbol::topological_nodes() const {
  std::vector<std::shared_ptr<const graph_node>> order;
  post_order(outputs_, [&](const std::shared_ptr<const graph_node>& n) { order.push_back(n); });
  return order;
}

Symbol Symbol::variable(std::string name, attr_map attrs) {
  auto n = std::make_shared<graph_node>();
  n->name = std::move(name);
  n->attrs = hide_keys(std::move(attrs), false);
  return Symbol({{std::move(n), 0, 0}});
}

Symbol Symbol::create(std::string_view op, const std::vector<Symbol>& inputs, attr_map attrs, std::string name,
                      std::string_view hint) {
  const op_def* def = find_op(op);
  if (!def) throw error("xsym::Symbol::create: unknown op '" + std::string(op) + "'");
  attrs = hide_keys(std::move(attrs), true);
  if (def->variadic && !attrs.count("num_args")) attrs["num_args"] = std::to_string(inputs.size());
  if (name.empty()) {
    std::string h(hint);
    if (h.empty())
      for (char c : def->name) h += char(std::tolower(static_cast<unsigned char>(c)));
    name = next_name(h);
  }
  std::size_t expected = def->num_inputs(attrs);
  if (inputs.size() > expected)
    throw error("xsym::Symbol::create: op " + def->name + " takes " + std::to_string(expected) + " inputs, got " +
                std::to_string(inputs.size()));
  auto n = std::make_shared<graph_node>();
  n->op = def->name;
  n->def = def;
  n->name = std::move(name);
  n->attrs = std::move(attrs);
  n->num_outputs = def->outputs_of(n->attrs);
  for (std::size_t i = 0; i < expected; ++i) {
    if (i < inputs.size()) {
      const Symbol& s = inputs[i];
      if (s.size() != 1)
        throw error("xsym::Symbol::create: input " + std::to_string(i) + " of " + n->name + " (" + def->name +
                    ") has " + std::to_string(s.size()) + " outputs; an input must have exactly one");
      n->inputs.push_back(s.outputs_[0]);
    } else {  // nnvm's Compose: a variable per missing input, carrying the op's attributes
      auto v = std::make_shared<graph_node>();
      v->name = n->name + "_" + def->input_name(i);
      v->attrs = n->attrs;
      n->inputs.push_back({std::move(v), 0, 0});
    }
  }
  std::vector<node_entry> outs;
  for (std::uint32_t i = 0; i < visible_outputs(*n); ++i) outs.push_back({n, i, 0});
  return Symbol(std::move(outs));
}

Symbol Symbol::group(const std::vector<Symbol>& symbols) {
  if (symbols.empty()) throw error("xsym::Group: expected a list of symbols, got an empty one");
  std::vector<node_entry> outs;
  for (const auto& s : symbols) outs.insert(outs.end(), s.outputs_.begin(), s.outputs_.end());
  return symbols[0].derived(std::move(outs));
}

std::vector<std::string> Symbol::list_arguments() const { return list_variables(outputs_, input_kind::arguments); }
std::vector<std::string> Symbol::list_inputs() const { return list_variables(outputs_, input_kind::all); }
std::vector<std::string> Symbol::list_auxiliary_states() const {
  return list_variables(outputs_, input_kind::auxiliary);
}

std::vector<std::string> Symbol::list_outputs() const {
  std::vector<std::string> out;
  for (const auto& e : outputs_) out.push_back(output_name(*e.node, e.index));
  return out;
}

Symbol Symbol::get_internals() const {
  std::vector<node_entry> outs;
  for (const auto& n : topological_nodes())
    for (std::uint32_t i = 0; i < visible_outputs(*n); ++i) outs.push_back({n, i, 0});
  return derived(std::move(outs));
}

Symbol Symbol::get_children() const {
  std::vector<node_entry> outs;
  std::unordered_set<const graph_node*> seen;
  for (const auto& h : outputs_)
    if (seen.insert(h.node.get()).second) outs.insert(outs.end(), h.node->inputs.begin(), h.node->inputs.end());
  return derived(std::move(outs));
}

Symbol Symbol::operator[](std::size_t i) const {
  if (i >= outputs_.size())
    throw error("xsym::Symbol: output index " + std::to_string(i) + " is out of range; the symbol has " +
                std::to_string(outputs_.size()) + " outputs");
  return derived({outputs_[i]});
}

Symbol Symbol::operator[](std::string_view name) const {
  auto names = list_outputs();
  std::size_t found = names.size();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] != name) continue;
    if (found != names.size())
      throw error("xsym::Symbol: there are several outputs named '" + std::string(name) + "'");
    found = i;
  }
  if (found == names.size()) throw error("xsym::Symbol: no output named '" + std::string(name) + "'");
  return (*this)[found];
}

std::optional<std::string> Symbol::name() const {
  if (outputs_.empty()) return std::nullopt;
  for (const auto& e : outputs_)
    if (e.node != outputs_[0].node) return std::nullopt;
  return outputs_[0].node->name;
}

std::optional<std::string> Symbol::attr(std::string_view key) const {
  if (!name()) return std::nullopt;
  const graph_node& n = *outputs_[0].node;
  if (key == "name") return n.name;
  if (key == "op_name") return n.op;
  if (auto it = n.attrs.find(std::string(key)); it != n.attrs.end()) return it->second;
  if (is_hidden_attribute_key(key))
    if (auto it = n.attrs.find("__" + std::string(key) + "__"); it != n.attrs.end()) return it->second;
  return std::nullopt;
}

attr_map Symbol::list_attr() const {
  if (!name()) return {};
  return with_stripped_duplicates(outputs_[0].node->attrs);
}

std::map<std::string, attr_map> Symbol::attr_dict() const {
  std::map<std::string, attr_map> d;
  for (const auto& n : topological_nodes())
    if (!n->attrs.empty()) {
      auto& slot = d[n->name];
      for (const auto& [k, v] : with_stripped_duplicates(n->attrs)) slot[k] = v;
    }
  return d;
}

namespace {

// Copies the graph reachable from `heads`, replacing variables named in `replace` by those
// symbols' outputs (a plain deep copy when `replace` is empty). `used` collects the names replaced.
std::vector<node_entry> copy_graph(const std::vector<node_entry>& heads, const std::map<std::string, Symbol>& replace,
                                   std::set<std::string>& used) {
  std::unordered_map<const graph_node*, std::shared_ptr<graph_node>> fresh;  // copied nodes
  std::unordered_map<const graph_node*, node_entry> replaced;                // replaced variables
  auto map_entry = [&](const node_entry& e) {
    if (auto it = replaced.find(e.node.get()); it != replaced.end()) return it->second;
    return node_entry{fresh.at(e.node.get()), e.index, e.version};
  };
  post_order(heads, [&](const std::shared_ptr<const graph_node>& p) {
    const graph_node* n = p.get();
    if (auto it = n->is_variable() ? replace.find(n->name) : replace.end(); it != replace.end()) {
      used.insert(n->name);
      replaced[n] = it->second.outputs()[0];
      return;
    }
    auto c = std::make_shared<graph_node>(*n);
    for (auto& e : c->inputs) e = map_entry(e);
    for (auto& d : c->control_deps)
      if (auto f = fresh.find(d.get()); f != fresh.end()) d = f->second;
    fresh[n] = std::move(c);
  });
  std::vector<node_entry> out;
  for (const auto& h : heads) out.push_back(map_entry(h));
  return out;
}

}  // namespace

Symbol Symbol::compose(const std::map<std::string, Symbol>& replacements, std::string name) const {
  for (const auto& [key, s] : replacements)
    if (s.size() != 1)
      throw error("xsym::Symbol::compose: the symbol for '" + key + "' has " + std::to_string(s.size()) +
                  " outputs; composition needs single-output symbols");
  std::set<std::string> used;
  auto outs = copy_graph(outputs_, replacements, used);
  for (const auto& [key, s] : replacements)
    if (!used.count(key)) {
      std::string candidates;
      auto args = list_arguments();
      for (std::size_t i = 0; i < args.size(); ++i) candidates += "\n\t[" + std::to_string(i) + "]" + args[i];
      throw error("xsym::Symbol::compose: keyword argument name " + key + " not found.\nCandidate arguments:" +
                  candidates);
    }
  if (!name.empty() && !outs.empty()) {
    auto renamed = std::make_shared<graph_node>(*outs[0].node);
    renamed->name = std::move(name);
    std::shared_ptr<const graph_node> old = outs[0].node;
    for (auto& e : outs)
      if (e.node == old) e.node = renamed;
  }
  return derived(std::move(outs));
}

Symbol Symbol::copy() const {
  std::set<std::string> used;
  Symbol s = derived(copy_graph(outputs_, {}, used));
  s.compiled_ = compiled_;  // the same graph, names and all
  return s;
}

std::string Symbol::debug_str() const {
  std::string s = "Symbol Outputs:\n";
  for (std::size_t i = 0; i < outputs_.size(); ++i)
    s += "\toutput[" + std::to_string(i) + "]=" + outputs_[i].node->name + "(" + std::to_string(outputs_[i].index) +
         ")\n";
  for (const auto& n : topological_nodes()) {
    if (n->is_variable()) {
      s += "Variable:" + n->name + "\n";
      continue;
    }
    s += "--------------------\nOp:" + n->op + ", Name=" + n->name + "\nInputs:\n";
    for (std::size_t k = 0; k < n->inputs.size(); ++k) {
      const auto& e = n->inputs[k];
      s += "\targ[" + std::to_string(k) + "]=" + e.node->name + "(" + std::to_string(e.index) + ")";
      if (e.node->is_variable()) s += " version=" + std::to_string(e.version);
      s += "\n";
    }
    if (!n->attrs.empty()) {
      s += "Attrs:\n";
      for (const auto& [k, v] : n->attrs) s += "\t" + k + "=" + v + "\n";
    }
  }
  return s;
}

graph_description describe(const Symbol& s) {
  graph_description d;
  const auto nodes = s.topological_nodes();
  std::unordered_map<const graph_node*, int> index;
  for (const auto& n : nodes) {
    index.emplace(n.get(), int(d.nodes.size()));
    described_node& dn = d.nodes.emplace_back();
    dn.op = n->op;
    dn.name = n->name;
    dn.attrs = n->attrs;
    for (const auto& in : n->inputs) dn.inputs.push_back({index.at(in.node.get()), int(in.index)});
  }
  for (const auto& h : s.outputs()) d.heads.push_back({index.at(h.node.get()), int(h.index)});
  return d;
}

std::string to_string(const Symbol& s) { return to_string(describe(s)); }

std::ostream& operator<<(std::ostream& os, const Symbol& s) {
  std::vector<std::string> heads;
  for (const auto& h : s.outputs()) heads.push_back(h.node ? h.node->name : std::string());
  return os << detail::repr(heads);
}

}  // namespace xsym
