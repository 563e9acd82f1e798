#pragma once
// The runtime op registry: what a Symbol needs to know about an op by its MXNet name. The
// elementwise entries are generated from the operator table (ops/table.hpp); the neural-network
// ops that real MXNet models use (FullyConnected, Convolution, BatchNorm, ...) are registered
// for loading, introspection and inference.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "graph_node.hpp"

namespace xsym {

struct op_def {
  std::string name;                          // canonical MXNet name, the JSON "op"
  std::string hint;                          // auto-name hint of the C++ operator or function
  std::vector<std::string> input_names;      // FListInputNames ("lhs", "rhs"; "data", "weight", ...)
  bool variadic = false;                     // inputs counted by the "num_args" attribute (Concat)
  std::vector<std::string> output_names;     // FListOutputNames; empty: "output" / "output<i>"
  std::uint32_t num_outputs = 1;             // all outputs (BatchNorm: 3)
  std::uint32_t num_visible_outputs = 1;     // FNumVisibleOutputs (BatchNorm: 1)
  std::vector<std::uint32_t> mutated_inputs; // FMutateInputs: these inputs are auxiliary states
  bool elementwise = false;                  // one shape and one dtype for all inputs and outputs
  bool casts = false;                        // output dtype from the "dtype" attribute (Cast)
  /// Inputs that depend on attributes (FullyConnected with no_bias drops "bias"); null: all.
  std::size_t (*count_inputs)(const std::map<std::string, std::string>& attrs) = nullptr;

  /// Number of inputs of a node with these attributes.
  std::size_t num_inputs(const std::map<std::string, std::string>& attrs) const;
  /// Name of input i (for auto-created variables: `<node>_<input name>`).
  std::string input_name(std::size_t i) const;
};

/// The registry entry of op `name` (canonical name or alias), or null when xsym does not know it.
const op_def* find_op(std::string_view name);

/// Every registered op, in registration order.
const std::vector<const op_def*>& registered_ops();

}  // namespace xsym
