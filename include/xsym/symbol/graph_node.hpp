#pragma once
// The nodes of a runtime graph (nnvm's Node and NodeEntry). A node is immutable once built and
// shared between the Symbols that reach it.
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace xsym {

struct op_def;
struct graph_node;

/// MXNet's hidden attribute keys: set as `lr_mult`, stored as `__lr_mult__`.
inline constexpr std::array<std::string_view, 5> hidden_attribute_keys{"ctx_group", "lr_mult", "wd_mult",
                                                                       "force_mirroring", "mirror_stage"};
constexpr bool is_hidden_attribute_key(std::string_view key) {
  return std::find(hidden_attribute_keys.begin(), hidden_attribute_keys.end(), key) != hidden_attribute_keys.end();
}

/// Output `index` of `node`, at mutation `version` (non-zero only for inputs an op mutates,
/// such as BatchNorm's moving statistics).
struct node_entry {
  std::shared_ptr<const graph_node> node;
  std::uint32_t index = 0;
  std::uint32_t version = 0;
};

/// One operator or variable. Attributes hold both the op's parameters and user attributes
/// (`__shape__`, `__lr_mult__`), as MXNet's `attrs.dict`; std::map keeps them sorted as MXNet
/// writes them.
struct graph_node {
  std::string op = "null";          // MXNet op name; "null" for a variable
  const op_def* def = nullptr;      // registry entry; null for variables and unknown ops
  std::string name;
  std::map<std::string, std::string> attrs;
  std::vector<node_entry> inputs;
  std::vector<std::shared_ptr<const graph_node>> control_deps;
  std::uint32_t num_outputs = 1;    // every output, visible or not (JSON node_row_ptr)

  bool is_variable() const { return op == "null"; }

  graph_node() = default;
  graph_node(const graph_node&) = default;
  graph_node& operator=(const graph_node&) = default;
  /// Releases long input chains iteratively: a graph a million nodes deep (as hostile JSON can
  /// describe) must not overflow the stack when it is freed.
  ~graph_node();
};

}  // namespace xsym
