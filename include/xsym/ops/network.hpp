#pragma once
// The network ops (MXNet's layers): FullyConnected, Convolution, BatchNorm, Activation, LeakyReLU,
// Pooling, Dropout, the loss heads, BlockGrad and SoftmaxActivation, each with MXNet's name, node-name hint and attribute
// struct. The layer functions of static graphs (expr/layers.hpp) build nodes of them; they run
// in the runtime executor, forward and backward, under the same MXNet names.
#include <string>
#include <string_view>

#include "../core/type_list.hpp"
#include "attributes.hpp"
#include "tensor.hpp"

namespace xsym::ops {

struct fully_connected_param {
  int num_hidden = 0;
  bool flatten = true;  // false: a dense layer over the last axis
};
/// FullyConnected with a bias input (data, weight, bias) or without (data, weight: no_bias).
template <bool Bias>
struct fully_connected : tensor_op<op_kind::network, fully_connected_param, Bias ? 3 : 2> {
  static constexpr op_names names{"FullyConnected", "fullyconnected"};
  static constexpr auto inputs = input_names<Bias ? 3 : 2>({"data", "weight", "bias"});
  static attributes attrs(const fully_connected_param& p) {
    attribute_writer w(p);
    w.always("num_hidden", &fully_connected_param::num_hidden).if_set("flatten", &fully_connected_param::flatten);
    if (!Bias) w.with("no_bias", "True");
    return w.done();
  }
};

struct convolution_param {
  int_tuple kernel{};
  int_tuple stride{};  // () is 1 along every axis
  int_tuple dilate{};
  int_tuple pad{};
  int num_filter = 0;
  int num_group = 1;
};
template <bool Bias>
struct convolution : tensor_op<op_kind::network, convolution_param, Bias ? 3 : 2> {
  static constexpr op_names names{"Convolution", "convolution"};
  static constexpr auto inputs = input_names<Bias ? 3 : 2>({"data", "weight", "bias"});
  static attributes attrs(const convolution_param& p) {
    using P = convolution_param;
    attribute_writer w(p);
    w.always("kernel", &P::kernel).if_set("stride", &P::stride).if_set("dilate", &P::dilate).if_set("pad", &P::pad);
    w.always("num_filter", &P::num_filter).if_set("num_group", &P::num_group);
    if (!Bias) w.with("no_bias", "True");
    return w.done();
  }
};

/// BatchNorm's attributes (MXNet 1.9's defaults): in training, the batch's statistics, with the
/// moving ones updated by `momentum`; in inference, or with use_global_stats, the moving ones.
struct batch_norm_param {
  double eps = 1e-3;
  double momentum = 0.9;
  bool fix_gamma = true;  // gamma counts as 1 (and gets no gradient)
  bool use_global_stats = false;
  int axis = 1;  // the channel axis
};
inline attributes attributes_of(const batch_norm_param& p) {
  using P = batch_norm_param;
  return attribute_writer(p)
      .if_set("eps", &P::eps)
      .if_set("momentum", &P::momentum)
      .if_set("fix_gamma", &P::fix_gamma)
      .if_set("use_global_stats", &P::use_global_stats)
      .if_set("axis", &P::axis)
      .done();
}
/// BatchNorm of data, gamma, beta, moving_mean and moving_var; it updates the moving statistics,
/// which makes them auxiliary states (MXNet's FMutateInputs).
struct batch_norm : tensor_op<op_kind::network, batch_norm_param, 5> {
  static constexpr op_names names{"BatchNorm", "batchnorm"};
  static constexpr std::array<std::string_view, 5> inputs{"data", "gamma", "beta", "moving_mean", "moving_var"};
  static constexpr unsigned mutated_inputs = 0b11000;
  static constexpr unsigned gradient_inputs = 0b00111;
  static constexpr int outputs = 3;  // the output, the batch's mean and var
};

struct activation_param {
  std::string_view act_type{};  // relu, sigmoid, tanh, softrelu or softsign
};
inline attributes attributes_of(const activation_param& p) {
  return attribute_writer(p).always("act_type", &activation_param::act_type).done();
}
struct activation : tensor_op<op_kind::network, activation_param> {
  static constexpr op_names names{"Activation", "activation"};
};

struct leaky_relu_param {
  std::string_view act_type = "leaky";  // leaky, elu, selu, gelu, rrelu; prelu takes a gamma input
  double slope = 0.25;
  double lower_bound = 0.125;
  double upper_bound = 0.334;
};
inline attributes attributes_of(const leaky_relu_param& p) {
  using P = leaky_relu_param;
  return attribute_writer(p)
      .if_set("act_type", &P::act_type)
      .if_set("slope", &P::slope)
      .if_set("lower_bound", &P::lower_bound)
      .if_set("upper_bound", &P::upper_bound)
      .done();
}
/// LeakyReLU of data alone, or of data and gamma (act_type prelu).
template <int Arity>
struct leaky_relu : tensor_op<op_kind::network, leaky_relu_param, Arity> {
  static constexpr op_names names{"LeakyReLU", "leakyrelu"};
  static constexpr auto inputs = input_names<Arity>({"data", "gamma"});
};

struct pooling_param {
  int_tuple kernel{};
  std::string_view pool_type = "max";  // max, avg or sum
  bool global_pool = false;
  std::string_view pooling_convention = "valid";  // valid, full or same
  int_tuple stride{};
  int_tuple pad{};
};
inline attributes attributes_of(const pooling_param& p) {
  using P = pooling_param;
  return attribute_writer(p)
      .if_set("kernel", &P::kernel)
      .if_set("pool_type", &P::pool_type)
      .if_set("global_pool", &P::global_pool)
      .if_set("pooling_convention", &P::pooling_convention)
      .if_set("stride", &P::stride)
      .if_set("pad", &P::pad)
      .done();
}
struct pooling : tensor_op<op_kind::network, pooling_param> {
  static constexpr op_names names{"Pooling", "pooling"};
};

struct dropout_param {
  double p = 0.5;
  std::string_view mode = "training";  // training or always
};
inline attributes attributes_of(const dropout_param& p) {
  return attribute_writer(p).if_set("p", &dropout_param::p).if_set("mode", &dropout_param::mode).done();
}
struct dropout : tensor_op<op_kind::network, dropout_param> {
  static constexpr op_names names{"Dropout", "dropout"};
  static constexpr int outputs = 2;  // the output, the mask
};

/// SoftmaxOutput's attributes: its gradient is (softmax - onehot(label)) * grad_scale, normalized
/// as `normalization` says (null, batch or valid).
struct softmax_output_param {
  double grad_scale = 1;
  double ignore_label = -1;
  bool multi_output = false;
  bool use_ignore = false;
  bool preserve_shape = false;
  std::string_view normalization = "null";
  bool out_grad = false;
  double smooth_alpha = 0;
};
inline attributes attributes_of(const softmax_output_param& p) {
  using P = softmax_output_param;
  return attribute_writer(p)
      .if_set("grad_scale", &P::grad_scale)
      .if_set("ignore_label", &P::ignore_label)
      .if_set("multi_output", &P::multi_output)
      .if_set("use_ignore", &P::use_ignore)
      .if_set("preserve_shape", &P::preserve_shape)
      .if_set("normalization", &P::normalization)
      .if_set("out_grad", &P::out_grad)
      .if_set("smooth_alpha", &P::smooth_alpha)
      .done();
}
struct softmax_output : tensor_op<op_kind::network, softmax_output_param, 2> {
  static constexpr op_names names{"SoftmaxOutput", "softmaxoutput"};
  static constexpr std::array<std::string_view, 2> inputs{"data", "label"};
  static constexpr std::string_view alias = "Softmax";
  static constexpr unsigned gradient_inputs = 0b01;
  static constexpr bool loss = true;
};

struct regression_output_param {
  double grad_scale = 1;
};
inline attributes attributes_of(const regression_output_param& p) {
  return attribute_writer(p).if_set("grad_scale", &regression_output_param::grad_scale).done();
}
/// The regression heads: a loss of data against label, which gets no gradient.
struct regression_output : tensor_op<op_kind::network, regression_output_param, 2> {
  static constexpr std::array<std::string_view, 2> inputs{"data", "label"};
  static constexpr unsigned gradient_inputs = 0b01;
  static constexpr bool loss = true;
};
struct linear_regression_output : regression_output {
  static constexpr op_names names{"LinearRegressionOutput", "linearregressionoutput"};
};
struct logistic_regression_output : regression_output {
  static constexpr op_names names{"LogisticRegressionOutput", "logisticregressionoutput"};
};
struct mae_regression_output : regression_output {
  static constexpr op_names names{"MAERegressionOutput", "maeregressionoutput"};
};

struct make_loss_param {
  double grad_scale = 1;
  double valid_thresh = 0;
  std::string_view normalization = "null";
};
inline attributes attributes_of(const make_loss_param& p) {
  using P = make_loss_param;
  return attribute_writer(p)
      .if_set("grad_scale", &P::grad_scale)
      .if_set("valid_thresh", &P::valid_thresh)
      .if_set("normalization", &P::normalization)
      .done();
}
struct make_loss : tensor_op<op_kind::network, make_loss_param> {
  static constexpr op_names names{"MakeLoss", "makeloss"};
  static constexpr std::string_view alias = "make_loss";
  static constexpr bool loss = true;
};

/// BlockGrad: the identity, whose gradient is zero (gradients stop here).
struct block_grad : tensor_op<op_kind::network, no_param> {
  static constexpr op_names names{"BlockGrad", "blockgrad"};
  static constexpr std::string_view alias = "stop_gradient";
  static constexpr unsigned gradient_inputs = 0;
};

/// SoftmaxActivation (deprecated in MXNet for softmax): a softmax over each instance's
/// flattened features (mode instance) or over the channel axis 1 (mode channel).
struct softmax_activation_param {
  std::string_view mode = "instance";  // instance or channel
};
inline attributes attributes_of(const softmax_activation_param& p) {
  return attribute_writer(p).if_set("mode", &softmax_activation_param::mode).done();
}
struct softmax_activation : tensor_op<op_kind::network, softmax_activation_param> {
  static constexpr op_names names{"SoftmaxActivation", "softmaxactivation"};
};

// ---- the list other layers iterate over -------------------------------------------------------
/// Every op of tensor.hpp and this file, in the form with the most inputs (FullyConnected with a
/// bias, LeakyReLU with a gamma; a variadic op with one), the broadcast binary ops apart
/// (tensor.hpp's broadcast_ops). The runtime registry registers each one under its MXNet name.
using tensor_ops =
    type_list<broadcast_to, broadcast_axis, broadcast_like, sum_reduction, mean_reduction, prod_reduction, max_reduction,
              min_reduction, nansum_reduction, nanprod_reduction, norm, argmax, argmin, softmax, log_softmax, reshape,
              flatten, transpose, expand_dims, squeeze, reverse, slice, slice_axis, slice_like, slice_channel,
              concat<1>, stack<1>, tile, repeat, take, pick, one_hot, where, dot, batch_dot, fully_connected<true>,
              convolution<true>, batch_norm, activation, leaky_relu<2>, pooling, dropout, softmax_output,
              linear_regression_output, logistic_regression_output, mae_regression_output, make_loss, block_grad,
              softmax_activation>;

}  // namespace xsym::ops
