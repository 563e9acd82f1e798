#pragma once
// MXNet's layers as static functions: `FullyConnected<"fc1">(x, {.num_hidden = 128})`,
// `Activation<"relu1">(h, {.act_type = "relu"})`, `SoftmaxOutput<"softmax">(h)`. A named layer
// creates its parameter variables as MXNet does, named after it: fc1_weight and fc1_bias,
// softmax_label. The same layer object used twice is one node; two different layers with one
// name are a compile-time error. They run, forward and backward, as the graph's Symbol in the
// runtime executor (symbol/bind_network.hpp), and build Symbols with the same spellings
// (symbol/network_symbols.hpp).
#include <cstddef>
#include <string_view>
#include <utility>

#include "../ops/network.hpp"
#include "tensor_functions.hpp"

namespace xsym {

/// The form of FullyConnected and Convolution without a bias input (MXNet's no_bias=True):
/// `FullyConnected<"fc1">(x, xsym::no_bias, {.num_hidden = 10})`.
struct no_bias_t {};
inline constexpr no_bias_t no_bias{};

namespace detail {

/// `<Layer>_<input>`: the name MXNet gives the variable it creates for input K of a layer named
/// Layer (`fc1_weight`), from the input names of the layer's op descriptor.
template <class Op, fixed_string Layer, std::size_t K>
constexpr auto input_variable_name() {
  constexpr std::string_view input = Op::inputs[K];
  fixed_string<Layer.size() + 1 + input.size() + 1> s;
  std::size_t at = 0;
  for (std::size_t i = 0; i < Layer.size(); ++i) s.v[at++] = Layer.v[i];
  s.v[at++] = '_';
  for (char c : input) s.v[at++] = c;
  return s;
}
template <class Op, fixed_string Layer, std::size_t K>
using layer_variable = var<name_t<input_variable_name<Op, Layer, K>()>>;

/// A layer node of Op on `data` and the variables `<Name>_<input>` MXNet would create for its
/// other inputs. A Symbol gets them from Symbol::create, which makes the same variables.
template <class Op, fixed_string Name, class E>
constexpr auto layer_node(const typename Op::param& p, const E& data) {
  if constexpr (expression<E>)
    return [&]<std::size_t... K>(std::index_sequence<K...>) {
      return tensor_node<Op, Name>(p, data, layer_variable<Op, Name, K + 1>{}...);
    }(std::make_index_sequence<Op::inputs.size() - 1>{});
  else
    return tensor_node<Op, Name>(p, data);
}

}  // namespace detail

// The layers that create variables need a name; the message says so at compile time.
#define XSYM_LAYER_NEEDS_NAME(layer, variables)                                                  \
  static_assert(Name.size() > 0, "xsym::" #layer ": name the layer, as in " #layer                \
                                 "<\"name\">(...): its variables (" variables ") are named after it")

// FullyConnected and Convolution: named, they create `<name>_weight` and `<name>_bias`
// (`<name>_weight` alone with xsym::no_bias); or they take the weight and bias given.
#define XSYM_WEIGHTED_LAYER(layer, Op, Param)                                                          \
  template <fixed_string Name = "", graph_operand E>                                                  \
  constexpr auto layer(const E& data, const Param& attributes) {                                      \
    XSYM_LAYER_NEEDS_NAME(layer, "<name>_weight, <name>_bias");                                       \
    return detail::layer_node<Op<true>, Name>(attributes, data);                                      \
  }                                                                                                   \
  template <fixed_string Name = "", graph_operand E>                                                  \
  constexpr auto layer(const E& data, no_bias_t, const Param& attributes) {                           \
    XSYM_LAYER_NEEDS_NAME(layer, "<name>_weight");                                                    \
    return detail::layer_node<Op<false>, Name>(attributes, data);                                     \
  }                                                                                                   \
  template <fixed_string Name = "", graph_operand E, graph_operand W, graph_operand B>                \
  constexpr auto layer(const E& data, const W& weight, const B& bias, const Param& attributes) {      \
    return detail::tensor_node<Op<true>, Name>(attributes, data, weight, bias);                       \
  }                                                                                                   \
  template <fixed_string Name = "", graph_operand E, graph_operand W>                                 \
  constexpr auto layer(const E& data, const W& weight, no_bias_t, const Param& attributes) {          \
    return detail::tensor_node<Op<false>, Name>(attributes, data, weight);                            \
  }
/// FullyConnected: data (flattened to 2-D unless `.flatten = false`) times weight transposed,
/// plus bias.
XSYM_WEIGHTED_LAYER(FullyConnected, ops::fully_connected, ops::fully_connected_param)
/// Convolution (NCW, NCHW, NCDHW).
XSYM_WEIGHTED_LAYER(Convolution, ops::convolution, ops::convolution_param)
#undef XSYM_WEIGHTED_LAYER

/// BatchNorm over axis 1 (the channels): creates `<name>_gamma`, `<name>_beta` (arguments) and
/// `<name>_moving_mean`, `<name>_moving_var` (auxiliary states, which list_auxiliary_states
/// gives and the module initializes to 0 and 1).
template <fixed_string Name = "", graph_operand E>
constexpr auto BatchNorm(const E& data, const ops::batch_norm_param& attributes = {}) {
  XSYM_LAYER_NEEDS_NAME(BatchNorm, "<name>_gamma, <name>_beta, <name>_moving_mean, <name>_moving_var");
  return detail::layer_node<ops::batch_norm, Name>(attributes, data);
}
template <fixed_string Name = "", graph_operand E, graph_operand G, graph_operand B, graph_operand M, graph_operand V>
constexpr auto BatchNorm(const E& data, const G& gamma, const B& beta, const M& moving_mean, const V& moving_var,
                         const ops::batch_norm_param& attributes = {}) {
  return detail::tensor_node<ops::batch_norm, Name>(attributes, data, gamma, beta, moving_mean, moving_var);
}

/// Activation: relu, sigmoid, tanh, softrelu or softsign.
template <fixed_string Name = "", graph_operand E>
constexpr auto Activation(const E& data, const ops::activation_param& attributes) {
  return detail::tensor_node<ops::activation, Name>(attributes, data);
}

/// LeakyReLU: leaky (the default), elu, selu, gelu or rrelu.
template <fixed_string Name = "", graph_operand E>
constexpr auto LeakyReLU(const E& data, const ops::leaky_relu_param& attributes = {}) {
  return detail::tensor_node<ops::leaky_relu<1>, Name>(attributes, data);
}
/// LeakyReLU with a learned slope: `LeakyReLU(x, gamma, {.act_type = "prelu"})`.
template <fixed_string Name = "", graph_operand E, graph_operand G>
constexpr auto LeakyReLU(const E& data, const G& gamma, const ops::leaky_relu_param& attributes) {
  return detail::tensor_node<ops::leaky_relu<2>, Name>(attributes, data, gamma);
}

/// Pooling: max, avg or sum over `kernel`, or over everything (`.global_pool = true`).
template <fixed_string Name = "", graph_operand E>
constexpr auto Pooling(const E& data, const ops::pooling_param& attributes) {
  return detail::tensor_node<ops::pooling, Name>(attributes, data);
}

/// Dropout: in training, zeroes each element with probability p and scales the rest by
/// 1/(1-p); in inference, the identity.
template <fixed_string Name = "", graph_operand E>
constexpr auto Dropout(const E& data, const ops::dropout_param& attributes = {}) {
  return detail::tensor_node<ops::dropout, Name>(attributes, data);
}

/// SoftmaxOutput: softmax forward; a loss head whose gradient is (softmax - onehot(label)) *
/// grad_scale. Creates `<name>_label`.
template <fixed_string Name = "", graph_operand E>
constexpr auto SoftmaxOutput(const E& data, const ops::softmax_output_param& attributes = {}) {
  XSYM_LAYER_NEEDS_NAME(SoftmaxOutput, "<name>_label");
  return detail::layer_node<ops::softmax_output, Name>(attributes, data);
}
template <fixed_string Name = "", graph_operand E, graph_operand L>
constexpr auto SoftmaxOutput(const E& data, const L& label, const ops::softmax_output_param& attributes = {}) {
  return detail::tensor_node<ops::softmax_output, Name>(attributes, data, label);
}

// LinearRegressionOutput, LogisticRegressionOutput, MAERegressionOutput: loss heads that create
// `<name>_label`, or take the label.
#define XSYM_REGRESSION_LAYER(layer, Op)                                                          \
  template <fixed_string Name = "", graph_operand E>                                              \
  constexpr auto layer(const E& data, const ops::regression_output_param& attributes = {}) {      \
    XSYM_LAYER_NEEDS_NAME(layer, "<name>_label");                                                 \
    return detail::layer_node<Op, Name>(attributes, data);                                        \
  }                                                                                               \
  template <fixed_string Name = "", graph_operand E, graph_operand L>                             \
  constexpr auto layer(const E& data, const L& label, const ops::regression_output_param& attributes = {}) { \
    return detail::tensor_node<Op, Name>(attributes, data, label);                                \
  }
XSYM_REGRESSION_LAYER(LinearRegressionOutput, ops::linear_regression_output)
XSYM_REGRESSION_LAYER(LogisticRegressionOutput, ops::logistic_regression_output)
XSYM_REGRESSION_LAYER(MAERegressionOutput, ops::mae_regression_output)
#undef XSYM_REGRESSION_LAYER
#undef XSYM_LAYER_NEEDS_NAME

/// MakeLoss: its input is the loss; the head gradient is grad_scale (normalized).
template <fixed_string Name = "", graph_operand E>
constexpr auto MakeLoss(const E& data, const ops::make_loss_param& attributes = {}) {
  return detail::tensor_node<ops::make_loss, Name>(attributes, data);
}

/// BlockGrad: the identity forward, a zero gradient backward.
template <fixed_string Name = "", graph_operand E>
constexpr auto BlockGrad(const E& data) {
  return detail::tensor_node<ops::block_grad, Name>({}, data);
}

}  // namespace xsym
