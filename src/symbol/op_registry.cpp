// The runtime op registry. Elementwise entries come from the operator table, so no op is spelled
// twice; the network ops real MXNet models use are declared here with their inputs and outputs.
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

  void add(op_def d, std::initializer_list<const char*> aliases = {}) {
    if (by_name.count(d.name)) return;  // `1.5 + a` and `a + 1.5` share _plus_scalar
    defs.push_back(std::make_unique<op_def>(std::move(d)));
    const op_def* p = defs.back().get();
    by_name.emplace(p->name, p);
    for (const char* a : aliases) by_name.emplace(a, p);
  }

  template <class Op>
  void add_elementwise(std::vector<std::string> inputs, std::initializer_list<const char*> aliases = {}) {
    op_def d;
    d.name = Op::names.mxnet;
    d.hint = Op::names.hint;
    d.input_names = std::move(inputs);
    d.elementwise = true;
    d.infer_shape = infer_rules::elemwise_shape;
    d.infer_type = infer_rules::elemwise_type;
    add(std::move(d), aliases);
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
    add_elementwise<ops::clip>({"data"});
    add_backward<ops::clip, 0>({"data"});
    {
      op_def cast;
      cast.name = "Cast";
      cast.hint = "cast";
      cast.input_names = {"data"};
      cast.elementwise = true;
      cast.casts = true;
      cast.infer_shape = infer_rules::cast_shape;
      cast.infer_type = infer_rules::cast_type;
      add(std::move(cast), {"cast"});
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

    // Network ops: enough to load, introspect, infer and save real models.
    auto simple = [&](const char* name, std::vector<std::string> inputs, shape_rule shape_fn = nullptr,
                      type_rule type_fn = nullptr) {
      op_def d;
      d.name = name;
      d.input_names = std::move(inputs);
      d.infer_shape = shape_fn;
      d.infer_type = type_fn;
      return d;
    };
    using namespace infer_rules;
    {
      op_def d = simple("FullyConnected", {"data", "weight", "bias"}, fully_connected_shape, fully_connected_type);
      d.count_inputs = [](const std::map<std::string, std::string>& a) -> std::size_t { return is_true(a, "no_bias") ? 2 : 3; };
      add(std::move(d));
    }
    {
      op_def d = simple("Convolution", {"data", "weight", "bias"}, convolution_shape, convolution_type);
      d.count_inputs = [](const std::map<std::string, std::string>& a) -> std::size_t { return is_true(a, "no_bias") ? 2 : 3; };
      add(std::move(d));
    }
    add(simple("Activation", {"data"}, unary_shape, unary_type));
    {
      op_def d = simple("LeakyReLU", {"data", "gamma"}, leaky_relu_shape, leaky_relu_type);
      d.count_inputs = [](const std::map<std::string, std::string>& a) -> std::size_t {
        auto it = a.find("act_type");
        return it != a.end() && it->second == "prelu" ? 2 : 1;
      };
      add(std::move(d));
    }
    add(simple("Pooling", {"data"}, pooling_shape, pooling_type));
    add(simple("Flatten", {"data"}, flatten_shape, flatten_type), {"flatten"});
    add(simple("Reshape", {"data"}, reshape_shape, reshape_type), {"reshape"});
    {
      op_def d = simple("Concat", {}, concat_shape, concat_type);
      d.variadic = true;
      add(std::move(d), {"concat"});
    }
    {
      op_def d = simple("BatchNorm", {"data", "gamma", "beta", "moving_mean", "moving_var"}, batch_norm_shape,
                      batch_norm_type);
      d.num_outputs = 3;  // output, mean, var; only the first is visible
      d.num_visible_outputs = 1;
      d.mutated_inputs = {3, 4};
      add(std::move(d));
    }
    add(simple("SoftmaxOutput", {"data", "label"}, softmax_output_shape, softmax_output_type), {"Softmax"});
    {
      op_def d = simple("Dropout", {"data"}, dropout_shape, dropout_type);
      d.num_outputs = 2;  // output, mask
      d.num_visible_outputs = 1;
      add(std::move(d));
    }
    add(simple("softmax", {"data"}, softmax_shape, softmax_type));
    add(simple("log_softmax", {"data"}, softmax_shape, softmax_type));
    add(simple("SoftmaxActivation", {"data"}, unary_shape, unary_type));
    {
      op_def d = simple("BlockGrad", {"data"}, unary_shape, unary_type);
      d.has_gradient = true;  // zero: gradients stop here
      d.input_gradients = {nullptr};
      add(std::move(d), {"stop_gradient"});
    }
    for (const char* name : {"LinearRegressionOutput", "LogisticRegressionOutput", "MAERegressionOutput"})
      add(simple(name, {"data", "label"}, regression_output_shape, regression_output_type));
    add(simple("MakeLoss", {"data"}, unary_shape, unary_type), {"make_loss"});

    // Gradients of the network ops: one backward node each (kernels_nn_backward.cpp).
    add_joint_backward("Activation", {true});
    add_joint_backward("LeakyReLU", {true, true});
    add_joint_backward("softmax", {true});
    add_joint_backward("log_softmax", {true});
    add_joint_backward("SoftmaxActivation", {true});
    add_joint_backward("Flatten", {true});
    add_joint_backward("Reshape", {true});
    add_joint_backward("Dropout", {true});
    add_joint_backward("Concat", {true});
    add_joint_backward("FullyConnected", {true, true, true});
    add_joint_backward("Convolution", {true, true, true});
    add_joint_backward("Pooling", {true});
    add_joint_backward("BatchNorm", {true, true, true, false, false});
    add_joint_backward("SoftmaxOutput", {true, false}, true);
    for (const char* name : {"LinearRegressionOutput", "LogisticRegressionOutput", "MAERegressionOutput"})
      add_joint_backward(name, {true, false}, true);
    add_joint_backward("MakeLoss", {true}, true);

    // Broadcasting and reductions (infer_tensor.cpp, kernels_broadcast.cpp, kernels_reduce.cpp).
    std::apply(
        [&](const auto&... form) {
          (add(simple(form.name.data(), {"lhs", "rhs"}, broadcast_binary_shape, broadcast_binary_type),
               form.alias.empty() ? std::initializer_list<const char*>{} : std::initializer_list<const char*>{form.alias.data()}),
           ...);
          (add_broadcast_backward<typename std::remove_cvref_t<decltype(form)>::op>(form.name), ...);
        },
        ops::broadcast_binary_ops);
    add(simple("broadcast_to", {"data"}, broadcast_to_shape, broadcast_to_type));
    add(simple("broadcast_axis", {"data"}, broadcast_axis_shape, broadcast_axis_type), {"broadcast_axes"});
    add(simple("broadcast_like", {"lhs", "rhs"}, broadcast_like_shape, broadcast_like_type));
    add_joint_backward("broadcast_to", {true});
    add_joint_backward("broadcast_axis", {true});
    add_joint_backward("broadcast_like", {true, false});
    for (auto [name, alias] : {std::pair{"sum", "sum_axis"}, {"mean", ""}, {"prod", ""}, {"max", "max_axis"},
                               {"min", "min_axis"}, {"nansum", ""}, {"nanprod", ""}, {"norm", ""}}) {
      add(simple(name, {"data"}, reduce_shape, reduce_type),
          *alias ? std::initializer_list<const char*>{alias} : std::initializer_list<const char*>{});
      add_joint_backward(name, {true});
    }
    add(simple("dot", {"lhs", "rhs"}, dot_shape, dot_type));
    add(simple("batch_dot", {"lhs", "rhs"}, batch_dot_shape, batch_dot_type));
    add_joint_backward("dot", {true, true});
    add_joint_backward("batch_dot", {true, true});
    // Layout ops (infer_layout.cpp, kernels_layout.cpp).
    for (auto [name, alias] : {std::pair{"transpose", ""}, {"reverse", "flip"}, {"slice", "crop"}, {"slice_axis", ""},
                               {"tile", ""}, {"repeat", ""}, {"expand_dims", ""}, {"squeeze", ""}}) {
      add(simple(name, {"data"}, layout_shape, layout_type),
          *alias ? std::initializer_list<const char*>{alias} : std::initializer_list<const char*>{});
      add_joint_backward(name, {true});
    }
    {
      op_def d = simple("stack", {}, stack_shape, stack_type);
      d.variadic = true;
      add(std::move(d));
      add_joint_backward("stack", {true});
    }
    {
      op_def d = simple("SliceChannel", {"data"}, slice_channel_shape, slice_channel_type);
      d.count_outputs = [](const std::map<std::string, std::string>& a) -> std::uint32_t {
        // A count that does not parse, or is out of range, gives 1 output: inference reports it.
        auto it = a.find("num_outputs");
        const auto n = it == a.end() ? std::nullopt : detail::parse_int(it->second);
        return n && *n >= 1 && *n <= detail::max_split_outputs ? std::uint32_t(*n) : 1;
      };
      add(std::move(d), {"split"});
      add_joint_backward("SliceChannel", {true});
    }
    for (auto [name, inputs] : {std::pair{"slice_like", std::vector<std::string>{"data", "shape_like"}},
                                {"pick", {"data", "index"}}, {"take", {"a", "indices"}}}) {
      add(simple(name, inputs, indexing_shape, indexing_type));
      add_joint_backward(name, {true, false});
    }
    {
      op_def d = simple("one_hot", {"indices"}, indexing_shape, indexing_type);
      d.has_gradient = true;  // zero
      d.input_gradients = {nullptr};
      add(std::move(d));
    }
    add(simple("where", {"condition", "x", "y"}, where_shape, where_type));
    add_joint_backward("where", {false, true, true});
    for (const char* name : {"argmax", "argmin"}) {
      op_def d = simple(name, {"data"}, search_shape, search_type);
      d.has_gradient = true;  // zero (MXNet's MakeZeroGradNodes)
      d.input_gradients = {nullptr};
      add(std::move(d));
    }
  }
  /// A broadcast binary op's gradient: the joint `_backward_<name>` (both inputs), or none for
  /// the comparisons, whose gradient is zero.
  template <class B>
  void add_broadcast_backward(std::string_view name) {
    if constexpr (ops::differentiable<B, 0> || ops::differentiable<B, 1>) {
      add_joint_backward(name, {ops::differentiable<B, 0>, ops::differentiable<B, 1>});
    } else {
      op_def& forward = *mutable_def(name);
      forward.has_gradient = true;
      forward.input_gradients = {nullptr, nullptr};
    }
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
