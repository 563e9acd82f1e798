// The runtime op registry, generated from the op descriptors, so no op is spelled twice: the
// elementwise entries from the operator table (ops/table.hpp), the tensor and network ops from
// ops/tensor.hpp and ops/network.hpp, each with its inference rules.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>
#include <unordered_map>

#include "xsym/ops/backward.hpp"
#include "xsym/ops/broadcast.hpp"
#include "xsym/ops/network.hpp"
#include "xsym/ops/table.hpp"
#include "infer_rules.hpp"
#include "layout_shapes.hpp"
#include "xsym/symbol/op_def.hpp"

namespace xsym {

std::size_t op_def::num_inputs(const std::map<std::string, std::string>& attrs) const {
  if (variadic) {
    auto it = attrs.find("num_args");
    if (it == attrs.end()) return 0;
    std::size_t n = 0;
    for (char c : it->second) {
      if (c < '0' || c > '9' || n > 100000) return 0;  // a bad count is reported by inference
      n = n * 10 + std::size_t(c - '0');
    }
    return n;
  }
  if (forward)  // a joint backward op: (ograds unless loss, the forward outputs, the forward inputs)
    return (forward->loss ? 0 : forward->gradient_per_output() ? forward->visible_outputs_of(attrs) : 1) +
           forward->outputs_of(attrs) + forward->num_inputs(attrs);
  return count_inputs ? count_inputs(attrs) : input_names.size();
}

std::string op_def::input_name(std::size_t i) const {
  if (variadic || forward) return "arg" + std::to_string(i);
  return i < input_names.size() ? input_names[i] : "arg" + std::to_string(i);
}

namespace {

bool is_true(const std::map<std::string, std::string>& attrs, const char* key) {
  auto it = attrs.find(key);
  return it != attrs.end() && (it->second == "True" || it->second == "true" || it->second == "1");
}

struct registry {
  std::vector<std::unique_ptr<op_def>> defs;
  std::unordered_map<std::string, const op_def*> by_name;

  void add(op_def d, std::string_view alias = {}) {
    if (by_name.count(d.name)) return;  // `1.5 + a` and `a + 1.5` share _plus_scalar
    defs.push_back(std::make_unique<op_def>(std::move(d)));
    const op_def* p = defs.back().get();
    by_name.emplace(p->name, p);
    if (!alias.empty()) by_name.emplace(std::string(alias), p);
  }

  template <class Op>
  void add_elementwise(std::vector<std::string> inputs, std::string_view alias = {}) {
    op_def d;
    d.name = Op::names.mxnet;
    d.hint = Op::names.hint;
    d.input_names = std::move(inputs);
    d.elementwise = true;
    d.number_attributes = ops::number_attributes<Op>();
    d.infer_shape = infer_rules::elemwise_shape;
    d.infer_type = infer_rules::elemwise_type;
    add(std::move(d), alias);
  }

  template <class... U>
  void add_unary(type_list<U...>) {
    (add_elementwise<U>({"data"}), ...);
    (add_backward<U, 0>({"data"}), ...);
  }
  template <class... B>
  void add_binary(type_list<B...>) {
    ((add_elementwise<B>({"lhs", "rhs"}), add_elementwise<ops::scalar<B, false>>({"data"}),
      add_elementwise<ops::scalar<B, true>>({"data"})),
     ...);
    ((add_backward<B, 0>({"lhs", "rhs"}), add_backward<B, 1>({"lhs", "rhs"}),
      add_backward<ops::scalar<B, false>, 0>({"data"}), add_backward<ops::scalar<B, true>, 0>({"data"})),
     ...);
  }

  template <class... P>
  void add_parameterized(type_list<P...>) {
    (add_elementwise<P>({"data"}), ...);
    (add_backward<P, 0>({"data"}), ...);
  }

  /// The backward op of input K of Op (ops/backward.hpp), as the gradient graphs of static
  /// graphs name it, and the forward op's gradient entry that points to it. Its kernels are the
  /// elementwise ones (kernels_backward.cpp); across a Cast its dtypes are the backward Cast's.
  template <class Op, int K>
  void add_backward(std::vector<std::string> forward_inputs, type_rule types = infer_rules::elemwise_type) {
    op_def& forward = *mutable_def(Op::names.mxnet);
    forward.has_gradient = true;
    forward.input_gradients.resize(forward_inputs.size());
    if constexpr (ops::differentiable<Op, K>) {
      const std::string name(ops::backward<Op, K>::names.mxnet);
      op_def d;
      d.name = name;
      d.hint = ops::backward<Op, K>::names.hint;
      d.input_names = {"ograd", "out"};
      d.input_names.insert(d.input_names.end(), forward_inputs.begin(), forward_inputs.end());
      d.elementwise = true;
      d.number_attributes = ops::number_attributes<ops::backward<Op, K>>();
      d.infer_shape = infer_rules::elemwise_shape;
      d.infer_type = types;
      add(std::move(d));
      forward.input_gradients[std::size_t(K)] = by_name.at(name);
    }
  }
  /// The joint backward op of network op `name` (op_def::joint_backward), `_backward_<name>`:
  /// `differentiable[k]` says whether input k gets a gradient (a variadic op's last entry stands
  /// for the rest). Its kernel is in kernels_nn_backward.cpp.
  void add_joint_backward(std::string_view name, std::vector<bool> differentiable, bool loss = false) {
    op_def& forward = *mutable_def(name);
    op_def d;
    d.name = "_backward_" + forward.name;
    d.hint = d.name;
    d.forward = &forward;
    d.num_outputs = std::uint32_t(differentiable.size());
    d.infer_shape = infer_rules::joint_backward_shape;
    d.infer_type = infer_rules::joint_backward_type;
    const std::string backward_name = d.name;
    add(std::move(d));
    forward.has_gradient = true;
    forward.joint_backward = true;
    forward.loss = loss;
    for (bool g : differentiable) forward.input_gradients.push_back(g ? by_name.at(backward_name) : nullptr);
  }
  op_def* mutable_def(std::string_view name) {
    const op_def* p = by_name.at(std::string(name));
    for (auto& d : defs)
      if (d.get() == p) return d.get();
    return nullptr;
  }

  registry() {
    add_unary(ops::unary_ops{});
    add_binary(ops::binary_ops{});
    add_parameterized(ops::parameterized_ops{});
    {
      op_def cast;
      cast.name = "Cast";
      cast.hint = "cast";
      cast.input_names = {"data"};
      cast.elementwise = true;
      cast.casts = true;
      cast.infer_shape = infer_rules::cast_shape;
      cast.infer_type = infer_rules::cast_type;
      add(std::move(cast), "cast");
    }
    add_backward<ops::cast<float>, 0>({"data"}, infer_rules::backward_cast_type);
    // MXNet's aliases of the basic binary ops (elemwise_binary_op_basic.cc).
    by_name.emplace("_add", by_name.at("elemwise_add"));
    by_name.emplace("_plus", by_name.at("elemwise_add"));
    by_name.emplace("_Plus", by_name.at("elemwise_add"));
    by_name.emplace("_sub", by_name.at("elemwise_sub"));
    by_name.emplace("_minus", by_name.at("elemwise_sub"));
    by_name.emplace("_Minus", by_name.at("elemwise_sub"));
    by_name.emplace("_Mul", by_name.at("elemwise_mul"));
    by_name.emplace("_Div", by_name.at("elemwise_div"));
    by_name.emplace("identity", by_name.at("_copy"));

    // The tensor and network ops (ops/tensor.hpp, ops/network.hpp): names, inputs, outputs and
    // gradients from their descriptors; their rules (infer_*.cpp) here, their kernels in
    // kernels_*.cpp.
    using namespace infer_rules;
    add_tensors(ops::broadcast_ops{}, broadcast_binary_shape, broadcast_binary_type);
    add_tensor<ops::broadcast_to>(broadcast_to_shape, broadcast_to_type);
    add_tensor<ops::broadcast_axis>(broadcast_axis_shape, broadcast_axis_type);
    add_tensor<ops::broadcast_like>(broadcast_like_shape, broadcast_like_type);
    add_tensors(type_list<ops::sum_reduction, ops::mean_reduction, ops::prod_reduction, ops::max_reduction,
                          ops::min_reduction, ops::nansum_reduction, ops::nanprod_reduction, ops::norm>{},
                reduce_shape, reduce_type);
    add_tensors(type_list<ops::argmax, ops::argmin>{}, search_shape, search_type);
    add_tensors(type_list<ops::softmax, ops::log_softmax>{}, softmax_shape, softmax_type);
    add_tensor<ops::reshape>(reshape_shape, reshape_type);
    add_tensor<ops::flatten>(flatten_shape, flatten_type);
    add_tensors(type_list<ops::transpose, ops::expand_dims, ops::squeeze, ops::reverse, ops::slice, ops::slice_axis,
                          ops::tile, ops::repeat>{},
                layout_shape, layout_type);
    add_tensors(type_list<ops::slice_like, ops::pick, ops::take, ops::one_hot>{}, indexing_shape, indexing_type);
    add_tensor<ops::slice_channel>(slice_channel_shape, slice_channel_type).count_outputs =
        [](const std::map<std::string, std::string>& a) -> std::uint32_t {
      // A count that does not parse, or is out of range, gives 1 output: inference reports it.
      auto it = a.find("num_outputs");
      const auto n = it == a.end() ? std::nullopt : detail::parse_int(it->second);
      return n && *n >= 1 && *n <= detail::max_split_outputs ? std::uint32_t(*n) : 1;
    };
    add_tensor<ops::concat<1>>(concat_shape, concat_type);
    add_tensor<ops::stack<1>>(stack_shape, stack_type);
    add_tensor<ops::where>(where_shape, where_type);
    add_tensor<ops::dot>(dot_shape, dot_type);
    add_tensor<ops::batch_dot>(batch_dot_shape, batch_dot_type);
    auto without_bias = [](const std::map<std::string, std::string>& a) -> std::size_t {
      return is_true(a, "no_bias") ? 2 : 3;
    };
    add_tensor<ops::fully_connected<true>>(fully_connected_shape, fully_connected_type).count_inputs = without_bias;
    add_tensor<ops::convolution<true>>(convolution_shape, convolution_type).count_inputs = without_bias;
    add_tensor<ops::batch_norm>(batch_norm_shape, batch_norm_type);
    add_tensors(type_list<ops::activation, ops::softmax_activation, ops::block_grad, ops::make_loss>{}, unary_shape,
                unary_type);
    add_tensor<ops::leaky_relu<2>>(leaky_relu_shape, leaky_relu_type).count_inputs =
        [](const std::map<std::string, std::string>& a) -> std::size_t {
      auto it = a.find("act_type");
      return it != a.end() && it->second == "prelu" ? 2 : 1;
    };
    add_tensor<ops::pooling>(pooling_shape, pooling_type);
    add_tensor<ops::dropout>(dropout_shape, dropout_type);
    add_tensor<ops::softmax_output>(softmax_output_shape, softmax_output_type);
    add_tensors(type_list<ops::linear_regression_output, ops::logistic_regression_output,
                          ops::mae_regression_output>{},
                regression_output_shape, regression_output_type);
  }

  /// Tensor op Op as its descriptor says, with its rules, and its gradient: the joint backward
  /// op `_backward_<name>` (op_def::joint_backward), or zero.
  template <class Op>
  op_def& add_tensor(shape_rule shape_fn, type_rule type_fn) {
    op_def d;
    d.name = Op::names.mxnet;
    d.hint = Op::names.hint;
    if constexpr (!Op::variadic) d.input_names.assign(Op::inputs.begin(), Op::inputs.end());
    d.variadic = Op::variadic;
    d.num_outputs = Op::outputs;
    d.num_visible_outputs = Op::visible_outputs;
    for (std::uint32_t k = 0; k < std::uint32_t(Op::arity); ++k)
      if (Op::mutated_inputs >> k & 1u) d.mutated_inputs.push_back(k);
    d.infer_shape = shape_fn;
    d.infer_type = type_fn;
    add(std::move(d), Op::alias);
    op_def& def = *mutable_def(Op::names.mxnet);
    if constexpr (Op::gradient_inputs == 0) {
      def.has_gradient = true;  // zero: gradients stop here
      def.input_gradients.assign(std::size_t(Op::arity), nullptr);
    } else {
      std::vector<bool> differentiable;
      for (int k = 0; k < Op::arity; ++k) differentiable.push_back(Op::gradient_inputs >> k & 1u);
      add_joint_backward(def.name, differentiable, Op::loss);
    }
    return def;
  }
  template <class... Op>
  void add_tensors(type_list<Op...>, shape_rule shape_fn, type_rule type_fn) {
    (add_tensor<Op>(shape_fn, type_fn), ...);
  }
};
const registry& the_registry() {
  static const registry r;
  return r;
}

}  // namespace

const op_def* find_op(std::string_view name) {
  const auto& r = the_registry();
  auto it = r.by_name.find(std::string(name));
  return it == r.by_name.end() ? nullptr : it->second;
}

std::vector<std::string> nearest_ops(std::string_view name, std::size_t count) {
  // Levenshtein distance, ignoring case: "Convolutoin" is 2 from "Convolution".
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
  auto distance = [&](std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (lower(a[i - 1]) != lower(b[j - 1]))});
        diagonal = up;
      }
    }
    return row[b.size()];
  };
  const std::size_t limit = std::max<std::size_t>(2, name.size() / 3);
  std::vector<std::pair<std::size_t, std::string>> near;
  for (const auto& [known, _] : the_registry().by_name)
    if (std::size_t d = distance(name, known); d <= limit) near.emplace_back(d, known);
  std::sort(near.begin(), near.end());
  std::vector<std::string> names;
  for (std::size_t i = 0; i < near.size() && names.size() < count; ++i) names.push_back(near[i].second);
  return names;
}

std::string unknown_op_message(std::string_view op, std::string_view node) {
  std::string m = "node '" + std::string(node) + "' has op '" + std::string(op) + "', which xsym does not know";
  auto near = nearest_ops(op);
  for (std::size_t i = 0; i < near.size(); ++i) {
    m += i == 0 ? " (did you mean " : i + 1 == near.size() ? " or " : ", ";
    m += near[i];
  }
  if (!near.empty()) m += "?)";
  return m;
}

const std::vector<const op_def*>& registered_ops() {
  static const std::vector<const op_def*> all = [] {
    std::vector<const op_def*> v;
    for (const auto& d : the_registry().defs) v.push_back(d.get());
    return v;
  }();
  return all;
}

}  // namespace xsym
