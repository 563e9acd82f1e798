// Symbol::from_json and Symbol::load: MXNet's symbol JSON (MXNET-REFERENCE.md §1.7, §1.8).
//
// The text is parsed with Boost.JSON (depth and size limits), then checked field by field as
// nnvm's LoadJSON and dmlc's JSONObjectReadHelper do: unknown keys and missing keys are errors,
// entries are [node, index] or [node, index, version], numbers are non-negative integers. It is
// stricter than MXNet where MXNet would crash or build a corrupt graph: inputs must name earlier
// nodes (files are in topological order, so anything else is a cycle), indices must be below the
// node's output count, node_row_ptr must be consistent. Files older than the running version go
// through MXNet's legacy upgraders (legacy_json_util.cc). A file that needed no upgrade keeps its
// style (node attribute key, graph attributes) so that to_json gives back the same bytes.
//
// Memory is bounded by the input: nothing is allocated from a number in the file (output counts
// are checked against a budget derived from the graph, legacy-created variables against one
// derived from the text size), and nothing recurses on the file's structure.
#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "xsym/core/error.hpp"
#include "xsym/symbol/symbol.hpp"

namespace xsym {
namespace {

namespace json = boost::json;

constexpr std::size_t max_text_bytes = std::size_t(256) << 20;  // far above any real symbol file
constexpr std::size_t max_json_depth = 64;                        // the format needs 5
constexpr int current_version = 10901;                            // MXNet 1.9.1
constexpr std::uint64_t max_u32 = std::numeric_limits<std::uint32_t>::max();

[[noreturn]] void fail(const std::string& msg) { throw error(msg); }

// A node name or key for a message: quoted, cut when long.
std::string quoted(std::string_view s) {
  constexpr std::size_t max = 64;
  if (s.size() <= max) return "'" + std::string(s) + "'";
  return "'" + std::string(s.substr(0, max)) + "...' (" + std::to_string(s.size()) + " bytes)";
}

const char* kind_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64: return "an integer";
    case json::kind::double_: return "a non-integer number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "a value";
}

// "line L, column C (byte B)" of a byte offset.
std::string position(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, line_start = 0;
  for (std::size_t i = 0; i < offset; ++i)
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  return "line " + std::to_string(line) + ", column " + std::to_string(offset - line_start + 1) + " (byte " +
         std::to_string(offset) + ")";
}

const json::object& as_object(const json::value& v, const std::string& where) {
  if (const json::object* o = v.if_object()) return *o;
  fail(where + ": expected an object, got " + kind_name(v));
}
const json::array& as_array(const json::value& v, const std::string& where) {
  if (const json::array* a = v.if_array()) return *a;
  fail(where + ": expected an array, got " + kind_name(v));
}

// Strings are taken as they are: the writer escapes control characters that MXNet's writer
// would write raw (as \u00XX), so every string read can be written back and read again.
std::string checked_string(std::string_view s, const std::string&) { return std::string(s); }

std::string as_string(const json::value& v, const std::string& where) {
  const json::string* s = v.if_string();
  if (!s) fail(where + ": expected a string, got " + kind_name(v));
  return checked_string(*s, where);
}

// A non-negative integer no larger than `max` (dmlc reads these with `istream >>` into uint32).
std::uint64_t as_uint(const json::value& v, const std::string& where, std::uint64_t max = max_u32) {
  std::uint64_t n = 0;
  if (const std::int64_t* i = v.if_int64()) {
    if (*i < 0) fail(where + ": expected a non-negative integer, got " + std::to_string(*i));
    n = std::uint64_t(*i);
  } else if (const std::uint64_t* u = v.if_uint64()) {
    n = *u;
  } else if (v.is_double()) {
    fail(where + ": expected a non-negative integer, got a non-integer or out-of-range number");
  } else {
    fail(where + ": expected a non-negative integer, got " + kind_name(v));
  }
  if (n > max) fail(where + ": " + std::to_string(n) + " is out of range (at most " + std::to_string(max) + ")");
  return n;
}

// An int (dmlc's `int`, e.g. backward_source_id and graph attributes of type "int").
std::int64_t as_int32(const json::value& v, const std::string& where) {
  if (const std::int64_t* i = v.if_int64()) {
    if (*i < std::numeric_limits<std::int32_t>::min() || *i > std::numeric_limits<std::int32_t>::max())
      fail(where + ": " + std::to_string(*i) + " does not fit in a 32-bit int");
    return *i;
  }
  if (v.is_uint64()) fail(where + ": " + std::to_string(v.get_uint64()) + " does not fit in a 32-bit int");
  fail(where + ": expected an integer, got " + kind_name(v));
}

// dmlc's JSONObjectReadHelper message for a key it does not know.
[[noreturn]] void unknown_field(const std::string& where, std::string_view key,
                                std::initializer_list<const char*> candidates) {
  std::vector<std::string> sorted(candidates.begin(), candidates.end());
  std::sort(sorted.begin(), sorted.end());
  std::string msg = where + ": JSONReader: Unknown field " + quoted(key) + ", candidates are: ";
  for (std::size_t i = 0; i < sorted.size(); ++i) msg += (i ? ", \"" : "\"") + sorted[i] + "\"";
  fail(msg);
}

bool is_one_of(std::string_view key, std::initializer_list<const char*> keys) {
  return std::any_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; });
}

void check_fields(const json::object& o, const std::string& where, std::initializer_list<const char*> required,
                  std::initializer_list<const char*> all) {
  for (const auto& kv : o)
    if (!is_one_of(kv.key(), all)) unknown_field(where, kv.key(), all);
  for (const char* k : required)
    if (!o.contains(k)) fail(where + ": JSONReader: Missing field \"" + std::string(k) + "\"");
}

attr_map read_string_map(const json::value& v, const std::string& where) {
  attr_map m;
  for (const auto& kv : as_object(v, where)) {
    std::string key = checked_string(kv.key(), where + " key " + quoted(kv.key()));
    m[key] = as_string(kv.value(), where + "[" + quoted(kv.key()) + "]");
  }
  return m;
}

// ---- graph attributes: dmlc `any` values, re-written as dmlc writes them -----------------------

std::string escaped(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '\r': out += "\\r"; break;
      case '\n': out += "\\n"; break;
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '"': out += "\\\""; break;
      default: out += c;
    }
  }
  return out + "\"";
}

// The graph `attrs` map sits at writer depth 2, the [type, value] pair at 3, a list value at 4:
// dmlc writes a multi-line list's items after "\n" + 8 spaces and its closing bracket after
// "\n" + 6 spaces. Lists of ints are multi-line when they have more than 10 items, lists of
// strings always (not POD).
std::string list_text(const std::vector<std::string>& items, bool multi_line) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    if (multi_line) out += "\n        ";
    out += items[i];
  }
  if (multi_line && !items.empty()) out += "\n      ";
  return out + "]";
}

struct graph_attr {
  std::string key, type, text;      // text: the value as the writer writes it
  std::optional<std::int64_t> int_value;
};

graph_attr read_graph_attr(const std::string& key, const json::value& v) {
  std::string where = "attrs[" + quoted(key) + "]";
  const json::array& pair = as_array(v, where);
  if (pair.size() != 2) fail(where + ": invalid any json format: expected [type name, value]");
  std::string type = as_string(pair[0], where + "[0]");
  const json::value& value = pair[1];
  graph_attr a{key, type, {}, {}};
  if (type == "int") {
    a.int_value = as_int32(value, where + "[1]");
    a.text = "[\"int\", " + std::to_string(*a.int_value) + "]";
  } else if (type == "str") {
    a.text = "[\"str\", " + escaped(as_string(value, where + "[1]")) + "]";
  } else if (type == "list_int") {
    const json::array& list = as_array(value, where + "[1]");
    std::vector<std::string> items;
    for (std::size_t i = 0; i < list.size(); ++i)
      items.push_back(std::to_string(as_int32(list[i], where + "[1][" + std::to_string(i) + "]")));
    a.text = "[\"list_int\", " + list_text(items, items.size() > 10) + "]";
  } else if (type == "list_str") {
    const json::array& list = as_array(value, where + "[1]");
    std::vector<std::string> items;
    for (std::size_t i = 0; i < list.size(); ++i)
      items.push_back(escaped(as_string(list[i], where + "[1][" + std::to_string(i) + "]")));
    a.text = "[\"list_str\", " + list_text(items, true) + "]";
  } else {
    fail(where + ": Typename " + quoted(type) + " has not been registered via DMLC_JSON_ENABLE_ANY");
  }
  return a;
}

// ---- nodes ---------------------------------------------------------------------------------

struct loader {
  std::vector<std::shared_ptr<graph_node>> nodes;
  bool used_attr = false, used_attrs = false;

  std::string node_where(std::size_t i) const {
    std::string w = "node " + std::to_string(i);
    if (i < nodes.size() && nodes[i]) w += " (" + quoted(nodes[i]->name) + ")";
    return w;
  }

  // [node, index] or [node, index, version], pointing at an existing output of an earlier node
  // (`limit` = the number of nodes it may refer to).
  node_entry read_entry(const json::value& v, const std::string& where, std::size_t limit, std::size_t self) {
    const json::array& a = as_array(v, where);
    if (a.size() != 2 && a.size() != 3)
      fail(where + ": invalid json format: an entry is [node, index] or [node, index, version], got " +
           std::to_string(a.size()) + " elements");
    std::uint64_t id = as_uint(a[0], where + "[0]");
    std::uint64_t index = as_uint(a[1], where + "[1]");
    std::uint64_t version = a.size() == 3 ? as_uint(a[2], where + "[2]") : 0;
    if (id >= nodes.size())
      fail(where + ": node id " + std::to_string(id) + " is out of range; the graph has " +
           std::to_string(nodes.size()) + " nodes");
    if (id >= limit)
      fail(where + ": node id " + std::to_string(id) + (id == self ? " is the node itself" : " is a later node") +
           "; inputs must refer to earlier nodes (a cycle, or a file not in topological order)");
    std::uint32_t count = nodes[id]->num_outputs;
    if (index >= count)
      fail(where + ": output index " + std::to_string(index) + " is out of range; node " + std::to_string(id) +
           " (" + quoted(nodes[id]->name) + ") has " + std::to_string(count) + " output" + (count == 1 ? "" : "s"));
    return {nodes[id], std::uint32_t(index), std::uint32_t(version)};
  }

  void read_node(std::size_t i, const json::value& v, const std::vector<std::uint64_t>* row_ptr) {
    std::string where = "node " + std::to_string(i);
    const json::object& o = as_object(v, where);
    check_fields(o, where, {"op", "name", "inputs"},
                 {"op", "name", "inputs", "attrs", "attr", "control_deps", "subgraphs", "param",
                  "backward_source_id"});
    auto n = std::make_shared<graph_node>();
    n->name = as_string(o.at("name"), where + ": \"name\"");
    nodes[i] = n;
    where = node_where(i);
    std::string op = as_string(o.at("op"), where + ": \"op\"");

    attr_map param;
    bool has_param = false;
    for (const auto& kv : o) {  // in file order: of "attr" and "attrs" the later one wins
      std::string_view key = kv.key();
      if (key == "attrs" || key == "attr") {
        n->attrs = read_string_map(kv.value(), where + ": \"" + std::string(key) + "\"");
        (key == "attr" ? used_attr : used_attrs) = true;
      } else if (key == "param") {
        param = read_string_map(kv.value(), where + ": \"param\"");
        has_param = true;
      } else if (key == "backward_source_id") {
        as_int32(kv.value(), where + ": \"backward_source_id\"");  // read and discarded
      } else if (key == "subgraphs") {
        if (!as_array(kv.value(), where + ": \"subgraphs\"").empty())
          fail(where + ": \"subgraphs\" (control-flow operators) are not supported");
      }
    }
    if (has_param) {
      n->attrs.insert(param.begin(), param.end());  // never overrides attr/attrs
    }

    if (op == "null") {
      n->op = "null";
    } else if (const op_def* def = find_op(op)) {
      n->def = def;
      n->op = def->name;
    } else {
      n->op = std::move(op);
    }

    // Output count: node_row_ptr when present, else the registry's.
    std::uint64_t count = n->def ? n->def->outputs_of(n->attrs) : 1;
    if (row_ptr) {
      count = (*row_ptr)[i + 1] - (*row_ptr)[i];
      if (n->is_variable() && count != 1)
        fail(where + ": node_row_ptr gives the variable " + std::to_string(count) +
             " outputs; a variable has exactly one");
      std::uint64_t at_least = n->def ? n->def->visible_outputs_of(n->attrs) : 1;
      if (count < at_least)
        fail(where + ": node_row_ptr gives op " + quoted(n->op) + " " + std::to_string(count) +
             " outputs; it has at least " +
             std::to_string(at_least));
    }
    n->num_outputs = std::uint32_t(count);

    const json::array& inputs = as_array(o.at("inputs"), where + ": \"inputs\"");
    if (n->is_variable() && !inputs.empty()) fail(where + ": a variable (op \"null\") cannot have inputs");
    n->inputs.reserve(inputs.size());
    for (std::size_t k = 0; k < inputs.size(); ++k)
      n->inputs.push_back(read_entry(inputs[k], where + ": inputs[" + std::to_string(k) + "]", i, i));

    if (auto it = o.find("control_deps"); it != o.end()) {
      const json::array& deps = as_array(it->value(), where + ": \"control_deps\"");
      for (std::size_t k = 0; k < deps.size(); ++k) {
        std::string w = where + ": control_deps[" + std::to_string(k) + "]";
        std::uint64_t id = as_uint(deps[k], w);
        if (id >= i)
          fail(w + ": node id " + std::to_string(id) +
               " is not an earlier node (a cycle, or a file not in topological order)");
        n->control_deps.push_back(nodes[id]);
      }
    }
  }
};

// ---- legacy upgrade (legacy_json_util.cc) ----------------------------------------------------

graph_node& mut(const std::shared_ptr<const graph_node>& p) {
  return const_cast<graph_node&>(*p);  // every node was created by this loader, non-const
}

// The names FListInputNames gives for this node (empty: the op does not declare any).
std::vector<std::string> input_names(const graph_node& n) {
  std::vector<std::string> names;
  if (!n.def) return names;
  std::size_t count = n.def->num_inputs(n.attrs);
  for (std::size_t i = 0; i < count; ++i) names.push_back(n.def->input_name(i));
  return names;
}

// UpgradeJSON_FixParsing: `lr_mult` -> `__lr_mult__`; `weight_lr_mult` on an op moves to its
// input variable `weight` as `__lr_mult__`. Returns whether anything changed.
bool fix_hidden_keys(const std::vector<std::shared_ptr<const graph_node>>& order) {
  bool changed = false;
  for (const auto& p : order) {
    graph_node& n = mut(p);
    std::vector<std::pair<std::string, std::string>> hidden;
    for (auto it = n.attrs.begin(); it != n.attrs.end();) {
      bool erase = false;
      for (std::string_view key : hidden_attribute_keys) {
        std::size_t pos = it->first.rfind(key);
        if (pos == 0 || (pos != std::string::npos && pos == it->first.size() - key.size())) {
          erase = true;
          break;
        }
      }
      if (erase) {
        hidden.emplace_back(it->first, it->second);
        it = n.attrs.erase(it);
      } else {
        ++it;
      }
    }
    for (const auto& [k, v] : hidden) {
      bool moved = false;
      for (std::string_view key : hidden_attribute_keys) {
        std::size_t pos = k.rfind(key);
        if (pos == 0 && key.size() == k.size()) {
          n.attrs["__" + std::string(key) + "__"] = v;
          moved = true;
          break;
        }
        if (pos != std::string::npos && pos > 1 && pos == k.size() - key.size()) {
          if (n.is_variable()) break;
          auto names = input_names(n);
          auto found = std::find(names.begin(), names.end(), k.substr(0, pos - 1));
          if (found != names.end()) {
            std::size_t idx = std::size_t(found - names.begin());
            // MXNet indexes inputs[idx] unchecked; a missing input keeps the key on the op.
            if (idx < n.inputs.size() && n.inputs[idx].node->is_variable()) {
              mut(n.inputs[idx].node).attrs["__" + std::string(key) + "__"] = v;
              moved = true;
            }
          }
          break;
        }
      }
      if (moved)
        changed = true;
      else
        n.attrs[k] = v;
    }
  }
  return changed;
}

// UpgradeJSON_000800_000900: before 0.9 auxiliary inputs were not stored; create the missing
// variables `<node>_<input>` with the op's attributes. `budget` bounds the bytes created.
bool add_missing_inputs(const std::vector<std::shared_ptr<const graph_node>>& order, std::size_t budget) {
  bool changed = false;
  std::size_t spent = 0;
  for (const auto& p : order) {
    graph_node& n = mut(p);
    if (n.is_variable() || !n.def) continue;
    std::size_t want = n.def->num_inputs(n.attrs);
    if (n.inputs.size() >= want) continue;
    std::size_t missing = want - n.inputs.size(), attr_bytes = 64;
    for (const auto& [k, v] : n.attrs) attr_bytes += k.size() + v.size() + 64;
    for (std::size_t i = n.inputs.size(); i < want; ++i) {
      std::string arg = n.def->input_name(i);
      spent += attr_bytes + n.name.size() + arg.size() + sizeof(graph_node);
      if (spent > budget)
        fail("node " + quoted(n.name) + " (" + n.op + "): the legacy upgrade would create " +
             std::to_string(missing) +
             " missing input variables, more than a file of this size can justify");
      auto var = std::make_shared<graph_node>();
      var->name = n.name.empty() ? arg : n.name + "_" + arg;
      var->attrs = n.attrs;
      n.inputs.push_back({std::move(var), 0, 0});
      changed = true;
    }
  }
  return changed;
}

// UpgradeJSON_000903_000904: each op's FSetInputVarAttrOnCompose on its variable inputs
// (BatchNorm: __init__ of moving_mean and moving_var).
bool set_input_var_attrs(const std::vector<std::shared_ptr<const graph_node>>& order) {
  struct rule {
    std::string_view op;
    std::size_t input;
    const char* init;
  };
  static constexpr rule rules[] = {{"BatchNorm", 3, R"(["zero", {}])"},
                                   {"BatchNorm", 4, R"(["one", {}])"},
                                   {"_contrib_SyncBatchNorm", 3, R"(["zero", {}])"},
                                   {"_contrib_SyncBatchNorm", 4, R"(["one", {}])"},
                                   {"IdentityAttachKLSparseReg", 1, R"(["zero", {}])"}};
  bool changed = false;
  for (const auto& p : order) {
    const graph_node& n = *p;
    for (const rule& r : rules) {
      if (n.op != r.op || r.input >= n.inputs.size() || !n.inputs[r.input].node->is_variable()) continue;
      graph_node& var = mut(n.inputs[r.input].node);
      if (var.attrs.emplace("__init__", r.init).second) changed = true;
    }
  }
  return changed;
}

// UpgradeJSON_000904_000905: argmin/argmax lose axis "-1".
bool fix_reduce_axis(const std::vector<std::shared_ptr<const graph_node>>& order) {
  bool changed = false;
  for (const auto& p : order) {
    graph_node& n = mut(p);
    if (n.op != "argmin" && n.op != "argmax") continue;
    if (auto it = n.attrs.find("axis"); it != n.attrs.end() && it->second == "-1") {
      n.attrs.erase(it);
      changed = true;
    }
  }
  return changed;
}

Symbol parse(std::string_view text) {
  if (text.size() > max_text_bytes)
    fail("the text is " + std::to_string(text.size()) + " bytes; the limit is " + std::to_string(max_text_bytes));

  json::monotonic_resource resource;
  json::parse_options options;
  options.max_depth = max_json_depth;
  options.allow_invalid_utf8 = true;  // dmlc's reader takes any bytes in strings
  json::parser parser(&resource, options);
  json::error_code ec;
  std::size_t used = parser.write(text.data(), text.size(), ec);
  if (ec) fail("invalid JSON at " + position(text, used) + ": " + ec.message());
  json::value root = parser.release();

  const json::object& top = as_object(root, "the top level");
  check_fields(top, "the top level", {"nodes", "arg_nodes", "heads"},
               {"nodes", "arg_nodes", "node_row_ptr", "heads", "attrs"});

  // Graph attributes, in file order (their order is the writer's unordered_map order).
  std::vector<graph_attr> graph_attrs;
  if (auto it = top.find("attrs"); it != top.end())
    for (const auto& kv : as_object(it->value(), "attrs")) {
      std::string key = checked_string(kv.key(), "attrs key " + quoted(kv.key()));
      graph_attrs.push_back(read_graph_attr(key, kv.value()));
    }
  int version = 800;  // no mxnet_version: saved by 0.8
  for (const auto& a : graph_attrs)
    if (a.key == "mxnet_version") {
      if (!a.int_value) fail("attrs['mxnet_version']: expected type \"int\", got " + quoted(a.type));
      version = int(*a.int_value);
    }

  const json::array& jnodes = as_array(top.at("nodes"), "nodes");
  loader l;
  l.nodes.resize(jnodes.size());

  std::vector<std::uint64_t> row_ptr;
  bool has_row_ptr = false;
  if (auto it = top.find("node_row_ptr"); it != top.end()) {
    const json::array& a = as_array(it->value(), "node_row_ptr");
    if (a.size() != jnodes.size() + 1)
      fail("node_row_ptr: expected " + std::to_string(jnodes.size() + 1) + " entries (nodes + 1), got " +
           std::to_string(a.size()));
    row_ptr.reserve(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      std::string w = "node_row_ptr[" + std::to_string(i) + "]";
      row_ptr.push_back(as_uint(a[i], w));
      if (i == 0 && row_ptr[0] != 0) fail(w + ": expected 0, got " + std::to_string(row_ptr[0]));
      if (i > 0 && row_ptr[i] < row_ptr[i - 1])
        fail(w + ": " + std::to_string(row_ptr[i]) + " is less than the entry before it (" +
             std::to_string(row_ptr[i - 1]) + "); node_row_ptr must not decrease");
    }
    has_row_ptr = true;
  }

  for (std::size_t i = 0; i < jnodes.size(); ++i) l.read_node(i, jnodes[i], has_row_ptr ? &row_ptr : nullptr);

  const json::array& jargs = as_array(top.at("arg_nodes"), "arg_nodes");
  for (std::size_t k = 0; k < jargs.size(); ++k) {
    std::string w = "arg_nodes[" + std::to_string(k) + "]";
    std::uint64_t id = as_uint(jargs[k], w);
    if (id >= l.nodes.size())
      fail(w + ": node id " + std::to_string(id) + " is out of range; the graph has " +
           std::to_string(l.nodes.size()) + " nodes");
    if (!l.nodes[id]->is_variable())
      fail(w + ": node " + std::to_string(id) + " (" + quoted(l.nodes[id]->name) + ") is op " +
           quoted(l.nodes[id]->op) + ", not a variable");
  }

  const json::array& jheads = as_array(top.at("heads"), "heads");
  std::vector<node_entry> heads;
  heads.reserve(jheads.size());
  for (std::size_t k = 0; k < jheads.size(); ++k)
    heads.push_back(l.read_entry(jheads[k], "heads[" + std::to_string(k) + "]", l.nodes.size(), l.nodes.size()));

  Symbol s(std::move(heads));
  l.nodes.clear();  // unreachable nodes go now, as in MXNet

  // Legacy upgrades, in MXNet's list order, each over the graph as it then is.
  bool changed = false;
  if (version < current_version) changed |= fix_hidden_keys(s.topological_nodes());
  if (version < 900) changed |= add_missing_inputs(s.topological_nodes(), 4 * text.size() + (std::size_t(1) << 20));
  if (version < 904) changed |= set_input_var_attrs(s.topological_nodes());
  if (version < 905) changed |= fix_reduce_axis(s.topological_nodes());

  // Output counts bound what introspection allocates (get_internals, inference): 16 per node on
  // average plus a constant, over the nodes kept, so a saved graph always loads again.
  auto kept = s.topological_nodes();
  std::uint64_t total = 0;
  for (const auto& n : kept) total += n->num_outputs;
  std::uint64_t budget = 16 * std::uint64_t(kept.size()) + 65536;
  if (total > budget)
    fail("node_row_ptr: the nodes have " + std::to_string(total) + " outputs in all; at most " +
         std::to_string(budget) + " are accepted for a graph of " + std::to_string(kept.size()) + " nodes");

  // An upgraded (or pre-nnvm) file saves in the current format; otherwise keep what the file had.
  if (!changed && version >= 900) {
    Symbol::json_style style;
    style.graph_attrs.clear();
    for (auto& a : graph_attrs) style.graph_attrs.emplace_back(std::move(a.key), std::move(a.text));
    style.node_attr_key = l.used_attr && !l.used_attrs ? "attr" : "attrs";
    s.set_style(std::move(style));
  }
  return s;
}

}  // namespace

Symbol Symbol::from_json(std::string_view text) {
  try {
    return parse(text);
  } catch (const error& e) {
    throw error(std::string("xsym::Symbol::from_json: ") + e.what());
  }
}

Symbol Symbol::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error("xsym::Symbol::load: cannot open '" + path + "' for reading");
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  if (size < 0) throw error("xsym::Symbol::load: cannot read '" + path + "'");
  if (std::uint64_t(size) > max_text_bytes)
    throw error("xsym::Symbol::load: '" + path + "' is " + std::to_string(size) + " bytes; the limit is " +
                std::to_string(max_text_bytes));
  in.seekg(0, std::ios::beg);
  std::string text(std::size_t(size), '\0');
  if (!in.read(text.data(), size)) throw error("xsym::Symbol::load: reading '" + path + "' failed");
  try {
    return parse(text);
  } catch (const error& e) {
    throw error("xsym::Symbol::load: '" + path + "': " + e.what());
  }
}

}  // namespace xsym
