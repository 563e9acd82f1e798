#pragma once
// The runtime op registry: what a Symbol needs to know about an op by its MXNet name. The
// elementwise entries are generated from the operator table (ops/table.hpp); the neural-network
// ops that real MXNet models use (FullyConnected, Convolution, BatchNorm, ...) are registered
// for loading, introspection and inference.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../core/dtype.hpp"
#include "graph_node.hpp"

namespace xsym {

// ---- inference (MXNet's FInferShape / FInferType; the rules: src/symbol/infer_rules.hpp) -----
/// A shape while inference runs (MXNet's TShape in NumPy mode): no value when even the number of
/// dimensions is unknown; a dimension of -1 is unknown.
using partial_shape = std::optional<std::vector<std::int64_t>>;
/// A dtype while inference runs: no value when unknown.
using partial_dtype = std::optional<dtype>;
/// An op's rule: from what is known of the node's inputs and outputs (one element each, in
/// order), fills in what it can, in either direction; throws xsym::error on a conflict or a
/// malformed attribute (the caller prefixes "Error in operator <node>: ").
using shape_rule = void (*)(const graph_node& node, std::vector<partial_shape>& inputs,
                            std::vector<partial_shape>& outputs);
using type_rule = void (*)(const graph_node& node, std::vector<partial_dtype>& inputs,
                           std::vector<partial_dtype>& outputs);

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
  /// An elementwise op's number attributes, which its kernels take (ops/parameterized.hpp):
  /// "scalar" of the scalar forms, clip's "a_min" and "a_max"; a backward op has its forward op's.
  std::span<const std::string_view> number_attributes;
  /// Inputs that depend on attributes (FullyConnected with no_bias drops "bias"); null: all.
  std::size_t (*count_inputs)(const std::map<std::string, std::string>& attrs) = nullptr;
  /// Outputs, all visible, that depend on attributes (SliceChannel's num_outputs); null: the
  /// fixed counts above.
  std::uint32_t (*count_outputs)(const std::map<std::string, std::string>& attrs) = nullptr;
  /// Shape and dtype rules; null: inference leaves the op's outputs unknown.
  shape_rule infer_shape = nullptr;
  type_rule infer_type = nullptr;
  /// The gradient (MXNet's FGradient), for ops that have one in xsym (has_gradient): per input,
  /// the `_backward_*` op that computes the input's gradient from (ograd, out, inputs...), or
  /// null where the gradient is zero everywhere (sign, the comparisons); one node per input,
  /// as the static gradient graphs have it (ops/backward.hpp).
  bool has_gradient = false;
  std::vector<const op_def*> input_gradients;
  /// Network ops: one backward node computes every input's gradient, as MXNet's
  /// `_backward_<op>`, with inputs (the head gradient unless the op is a loss head, the node's
  /// outputs, its inputs) and output k the gradient of input k; input_gradients[k] is that op,
  /// or null for an input without gradient (a label, an auxiliary state).
  bool joint_backward = false;
  /// A loss head (SoftmaxOutput, the regression outputs, MakeLoss): its gradient ignores the
  /// head gradient, and backward() needs none for its output.
  bool loss = false;
  /// A joint backward op's forward op.
  const op_def* forward = nullptr;

  /// The backward op of input k, or null (variadic ops: every input as the last one).
  const op_def* gradient_of_input(std::size_t k) const {
    if (k < input_gradients.size()) return input_gradients[k];
    return variadic && !input_gradients.empty() ? input_gradients.back() : nullptr;
  }

  /// Number of outputs, all and visible, of a node with these attributes.
  std::uint32_t outputs_of(const std::map<std::string, std::string>& attrs) const {
    return count_outputs ? count_outputs(attrs) : num_outputs;
  }
  std::uint32_t visible_outputs_of(const std::map<std::string, std::string>& attrs) const {
    return count_outputs ? count_outputs(attrs) : num_visible_outputs;
  }
  /// Whether each visible output gets its own gradient (SliceChannel): its joint backward node
  /// takes one head gradient per visible output.
  bool gradient_per_output() const { return count_outputs != nullptr; }

  /// Number of inputs of a node with these attributes.
  std::size_t num_inputs(const std::map<std::string, std::string>& attrs) const;
  /// Name of input i (for auto-created variables: `<node>_<input name>`).
  std::string input_name(std::size_t i) const;
};

/// The registry entry of op `name` (canonical name or alias), or null when xsym does not know it.
const op_def* find_op(std::string_view name);

/// Up to `count` registered op names (canonical names and aliases) nearest to `name` in
/// case-insensitive edit distance, nearest first; empty when none is close.
std::vector<std::string> nearest_ops(std::string_view name, std::size_t count = 3);

/// "node 'conv0' has op 'Convolutoin', which xsym does not know (did you mean Convolution?)".
std::string unknown_op_message(std::string_view op, std::string_view node);

/// Every registered op, in registration order.
const std::vector<const op_def*>& registered_ops();

}  // namespace xsym
