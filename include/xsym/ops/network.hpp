#pragma once
// The network ops (MXNet's layers): FullyConnected, Convolution, BatchNorm, Activation, LeakyReLU,
// Pooling, Dropout, the loss heads and BlockGrad, each with MXNet's name, node-name hint and attribute
// struct. The layer functions of static graphs (expr/layers.hpp) build nodes of them; they run
// in the runtime executor, forward and backward, under the same MXNet names.
#include <string>
#include <string_view>

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
  static constexpr unsigned mutated_inputs = 0b11000;
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
};

struct regression_output_param {
  double grad_scale = 1;
};
inline attributes attributes_of(const regression_output_param& p) {
  return attribute_writer(p).if_set("grad_scale", &regression_output_param::grad_scale).done();
}
struct linear_regression_output : tensor_op<op_kind::network, regression_output_param, 2> {
  static constexpr op_names names{"LinearRegressionOutput", "linearregressionoutput"};
};
struct logistic_regression_output : tensor_op<op_kind::network, regression_output_param, 2> {
  static constexpr op_names names{"LogisticRegressionOutput", "logisticregressionoutput"};
};
struct mae_regression_output : tensor_op<op_kind::network, regression_output_param, 2> {
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
};

struct block_grad : tensor_op<op_kind::network, no_param> {
  static constexpr op_names names{"BlockGrad", "blockgrad"};
};

}  // namespace xsym::ops
