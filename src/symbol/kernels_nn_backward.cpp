// The network ops' backward kernels (MXNet's `_backward_<op>`, one node per forward node, made by
// the gradient pass, gradient.cpp): inputs (the head gradient unless the op is a loss head, the
// forward node's outputs, its inputs), output k the gradient of input k. The formulas are MXNet
// 1.9's (activation-inl.h, leaky_relu-inl.h, softmax-inl.h, softmax_output-inl.h,
// regression_output-inl.h, make_loss-inl.h, fully_connected-inl.h); where MXNet computes a
// derivative from the output (relu, sigmoid, tanh, elu, selu), so does xsym.
//
// Convolution and Pooling have theirs in kernels_nn_backward_spatial.cpp, Dropout and BatchNorm in
// kernels_nn_train.cpp.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <numbers>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels.hpp"
#include "nn_support.hpp"

namespace xsym::kernels {

namespace {

using namespace nn;

// Elementwise over [0, n), split across threads.
template <class F>
void for_elements(i64 n, F f) {
  parallel_chunks(n, 16, [&](i64 b, i64 e) {
    for (i64 i = b; i < e; ++i) f(i);
  });
}

// ---- Activation -----------------------------------------------------------------------------
// in (ograd, out, data), out (d data).

template <class T>
nn_kernel make_activation_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  params p(n);
  const std::string act = get_choice(p, "act_type", "", {"relu", "sigmoid", "tanh", "softrelu", "softsign",
                                                         "log_sigmoid", "mish"});
  expect_counts(n, in, 3, out, 1);
  const i64 size = i64(in[2].size());
  expect_size(n, out[0], std::size_t(size), "output 0");
  return [act, size](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    const T* g = inputs[0].as<T>();
    const T* y = inputs[1].as<T>();
    const T* x = inputs[2].as<T>();
    T* dx = outputs[0].as<T>();
    if (act == "relu")  // relu_grad(y): 1 where y > 0
      for_elements(size, [&](i64 i) { dx[i] = g[i] * (y[i] > T(0) ? T(1) : T(0)); });
    else if (act == "sigmoid")
      for_elements(size, [&](i64 i) { dx[i] = g[i] * (y[i] * (T(1) - y[i])); });
    else if (act == "tanh")
      for_elements(size, [&](i64 i) { dx[i] = g[i] * (T(1) - y[i] * y[i]); });
    else if (act == "softrelu")  // softrelu_grad(y) = -expm1(-y)
      for_elements(size, [&](i64 i) { dx[i] = g[i] * -std::expm1(-y[i]); });
    else if (act == "softsign")  // softsign_grad(x) = 1 / (1 + |x|)^2
      for_elements(size, [&](i64 i) {
        const T d = T(1) + std::abs(x[i]);
        dx[i] = g[i] * (T(1) / (d * d));
      });
    else if (act == "log_sigmoid")  // log_sigmoid_grad(y) = 1 - exp(y)
      for_elements(size, [&](i64 i) { dx[i] = g[i] * (T(1) - std::exp(y[i])); });
    else  // mish_grad(x) = tanh(softrelu(x)) + x sigmoid(x) (1 - tanh(softrelu(x))^2)
      for_elements(size, [&](i64 i) {
        const T a = x[i], sp = a > T(20) ? a : std::log1p(std::exp(a)), t = std::tanh(sp);
        const T s = T(1) / (T(1) + std::exp(-a));
        dx[i] = g[i] * (t + a * s * (T(1) - t * t));
      });
  };
}

// ---- LeakyReLU ------------------------------------------------------------------------------
// in (ograd, out, data[, gamma]), out (d data[, d gamma]).

template <class T>
nn_kernel make_leaky_relu_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  params p(n);
  const std::string act =
      get_choice(p, "act_type", "leaky", {"leaky", "prelu", "elu", "selu", "gelu", "gelu_erf", "gelu_tanh", "rrelu"});
  const T slope = T(get_double(p, "slope", 0.25));
  const double lower = get_double(p, "lower_bound", 0.125), upper = get_double(p, "upper_bound", 0.334);
  const bool prelu = act == "prelu";
  expect_counts(n, in, prelu ? 4 : 3, out, prelu ? 2 : 1);
  const i64 size = i64(in[2].size());
  expect_size(n, out[0], std::size_t(size), "output 0");
  if (prelu) {
    const dims d = dims_of(in[2]);
    const auto extents = prelu_gamma_of(n, in[3], d);
    const i64 e0 = extents.first, e1 = extents.second;
    const i64 rows = d.empty() ? 1 : d[0], channels = d.size() < 2 ? 1 : d[1], inner = product(d, 2, d.size());
    auto sums = std::make_shared<std::vector<T>>(std::size_t(channels));  // d gamma per channel
    return [rows, channels, inner, e0, e1, sums](std::span<const tensor> inputs, std::span<const tensor> outputs) {
      const T* g = inputs[0].as<T>();
      const T* x = inputs[2].as<T>();
      const T* gamma = inputs[3].as<T>();
      T* dx = outputs[0].as<T>();
      T* dgamma = outputs[1].as<T>();
      // Each gamma element sums g·x over its positions (where x <= 0) in row-major order, on one
      // thread: the same bits on any number of threads. A gamma that does not vary along axis 0
      // sums per channel first, then (one gamma for all) the channels in order.
      auto slice = [&](i64 r, i64 c, T a, T& sum) {
        const i64 at = (r * channels + c) * inner;
        for (i64 i = 0; i < inner; ++i) {
          const T v = x[at + i];
          dx[at + i] = v > T(0) ? g[at + i] : g[at + i] * a;
          if (!(v > T(0))) sum += g[at + i] * v;
        }
      };
      const bool big = rows * channels * inner >= parallel_work;
      if (e0 == 1) {
        T* sum_of = sums->data();
        parallel_for(channels, big, max_threads(), [&](i64 c, int) {
          const T a = gamma[e1 == 1 ? 0 : c];
          T sum = 0;
          for (i64 r = 0; r < rows; ++r) slice(r, c, a, sum);
          sum_of[c] = sum;
        });
        if (e1 != 1) {
          std::copy(sum_of, sum_of + channels, dgamma);
        } else {
          T all = 0;
          for (i64 c = 0; c < channels; ++c) all += sum_of[c];
          dgamma[0] = all;
        }
        return;
      }
      parallel_for(e0 * e1, big, max_threads(), [&](i64 k, int) {  // gamma (rows, channels or 1)
        const i64 r = k / e1;
        T sum = 0;
        if (e1 == 1)
          for (i64 c = 0; c < channels; ++c) slice(r, c, gamma[k], sum);
        else
          slice(r, k % e1, gamma[k], sum);
        dgamma[k] = sum;
      });
    };
  }
  constexpr T selu_alpha = T(1.6732632423543772848170429916717);
  constexpr T selu_lambda = T(1.0507009873554804934193349852946);
  const T rslope = T((lower + upper) / 2);
  return [act, slope, rslope, size](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    const T* g = inputs[0].as<T>();
    const T* y = inputs[1].as<T>();
    const T* x = inputs[2].as<T>();
    T* dx = outputs[0].as<T>();
    if (act == "leaky")  // xelu_grad(y, slope)
      for_elements(size, [&](i64 i) { dx[i] = g[i] * (y[i] > T(0) ? T(1) : slope); });
    else if (act == "rrelu")  // inference: the mean slope
      for_elements(size, [&](i64 i) { dx[i] = g[i] * (y[i] > T(0) ? T(1) : rslope); });
    else if (act == "elu")  // elu_grad(y, slope) = y > 0 ? 1 : y + slope
      for_elements(size, [&](i64 i) { dx[i] = g[i] * (y[i] > T(0) ? T(1) : y[i] + slope); });
    else if (act == "selu")  // selu_grad(y) = y > 0 ? lambda : y + alpha lambda
      for_elements(size, [&](i64 i) { dx[i] = g[i] * (y[i] > T(0) ? selu_lambda : y[i] + selu_alpha * selu_lambda); });
    else if (act == "gelu_tanh")
      for_elements(size, [&](i64 i) {
        const T a = x[i], k = T(0.7978845608028654), c = T(0.044715);
        const T t = std::tanh(k * (a + c * a * a * a));
        dx[i] = g[i] * (T(0.5) * (T(1) + t) + T(0.5) * a * (T(1) - t * t) * k * (T(1) + T(3) * c * a * a));
      });
    else  // gelu, gelu_erf: Φ(x) + x φ(x)
      for_elements(size, [&](i64 i) {
        const T a = x[i];
        const T cdf = T(0.5) * (T(1) + std::erf(a / T(1.4142135623730951)));
        const T pdf = std::exp(T(-0.5) * a * a) * T(0.3989422804014327);
        dx[i] = g[i] * (cdf + a * pdf);
      });
  };
}

// ---- the softmax family ---------------------------------------------------------------------
// (outer, len, inner) views as in kernels_nn.cpp: d x = (g - Σ g y) y / temperature along len.

struct axis_view {
  i64 outer = 1, len = 1, inner = 1;
};

axis_view around(const std::vector<i64>& d, std::size_t axis) {
  return {product(d, 0, axis), d[axis], product(d, axis + 1, d.size())};
}

// G: the head gradient's and the output's type; X: the data's (and its gradient's). With Log
// (log_softmax, y = log p): d x = (g - p Σ g) / temperature.
template <class G, class X, bool Log = false>
void softmax_grad(axis_view v, double temperature, const G* g, const G* y, X* dx) {
  using A = std::conditional_t<std::is_same_v<G, double> || std::is_same_v<X, double>, double, float>;
  const A t = A(temperature);
  parallel_for(v.outer * v.inner, v.outer * v.len * v.inner * 4 >= parallel_work, max_threads(), [&](i64 item, int) {
    const i64 o = item / v.inner, i = item % v.inner, base = o * v.len * v.inner + i;
    A dot = 0;
    for (i64 l = 0; l < v.len; ++l) dot += Log ? A(g[base + l * v.inner]) : A(g[base + l * v.inner]) * A(y[base + l * v.inner]);
    for (i64 l = 0; l < v.len; ++l) {
      const i64 at = base + l * v.inner;
      const A r = Log ? A(g[at]) - std::exp(A(y[at])) * dot : (A(g[at]) - dot) * A(y[at]);
      dx[at] = X(temperature != 1.0 ? r / t : r);
    }
  });
}

template <bool Log>
nn_kernel make_softmax_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  params p(n);
  const i64 axis_attr = p.get_int("axis", -1);
  const double temperature = get_double(p, "temperature", 1.0);
  expect_counts(n, in, 3, out, 1);
  const auto& d = in[2].dims.dims();
  if (d.empty()) fail(n, "data needs at least one dimension, got []");
  const axis_view v = around(d, normalize_axis(n, "axis", axis_attr, d.size()));
  const dtype to = in[1].type, ti = in[2].type;
  if (!runs(to)) unsupported_dtype(n, to);
  if (!runs(ti)) unsupported_dtype(n, ti);
  auto make = [&]<class G, class X>(G*, X*) -> nn_kernel {
    return [v, temperature](std::span<const tensor> inputs, std::span<const tensor> outputs) {
      softmax_grad<G, X, Log>(v, temperature, inputs[0].as<G>(), inputs[1].as<G>(), outputs[0].as<X>());
    };
  };
  if (to == dtype::float32)
    return ti == dtype::float32 ? make((float*)nullptr, (float*)nullptr) : make((float*)nullptr, (double*)nullptr);
  return ti == dtype::float32 ? make((double*)nullptr, (float*)nullptr) : make((double*)nullptr, (double*)nullptr);
}

template <class T>
nn_kernel make_softmax_activation_backward(const graph_node& n, std::span<const tensor> in,
                                           std::span<const tensor> out) {
  params p(n);
  const std::string mode = get_choice(p, "mode", "instance", {"instance", "channel"});
  expect_counts(n, in, 3, out, 1);
  const auto& d = in[2].dims.dims();
  if (d.empty() || (mode == "channel" && d.size() < 2))
    fail(n, "data has shape " + in[2].dims.str() + ", too few dimensions for mode '" + mode + "'");
  const axis_view v = mode == "channel" ? axis_view{d[0], d[1], product(d, 2, d.size())}
                                        : axis_view{d[0], d[0] ? i64(in[2].size()) / d[0] : 0, 1};
  return [v](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    softmax_grad<T, T>(v, 1.0, inputs[0].as<T>(), inputs[1].as<T>(), outputs[0].as<T>());
  };
}

// ---- loss heads: no head gradient ---------------------------------------------------------
// SoftmaxOutput: in (out, data, label), out (d data, d label = 0).
// grad = (softmax - onehot(label)) grad_scale / valid_cnt; a row whose label is ignore_label
// (use_ignore) gets 0; valid_cnt is 1 (null), the batch (batch) or the labels that are not
// ignore_label (valid, at least 1), as softmax_output-inl.h counts them.
template <class T>
nn_kernel make_softmax_output_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  params p(n);
  const bool multi = p.get_bool("multi_output", false);
  const bool preserve = p.get_bool("preserve_shape", false);
  const bool use_ignore = p.get_bool("use_ignore", false);
  const double ignore_label = get_double(p, "ignore_label", -1.0);
  const double grad_scale = get_double(p, "grad_scale", 1.0);
  const std::string normalization = get_choice(p, "normalization", "null", {"null", "batch", "valid"});
  if (p.get_bool("out_grad", false)) p.bad("out_grad", *p.raw("out_grad"), "False (the head gradient is not used)");
  expect_counts(n, in, 3, out, 2);
  const auto& d = in[1].dims.dims();
  if (d.empty()) fail(n, "data needs at least one dimension, got []");
  const i64 size = i64(in[1].size());
  axis_view v;  // the classes run along len; a label per (outer, inner)
  if (multi) {
    if (d.size() < 2) fail(n, "multi_output needs data with at least 2 dimensions, got " + in[1].dims.str());
    v = {d[0], d[1], product(d, 2, d.size())};
  } else if (preserve) {
    v = around(d, d.size() - 1);
  } else {
    v = {d[0], d[0] ? size / d[0] : 0, 1};
  }
  expect_size(n, in[2], std::size_t(v.outer * v.inner), "label (input 1)");
  const i64 batch = d[0];
  return [v, use_ignore, ignore_label, grad_scale, normalization, batch](std::span<const tensor> inputs,
                                                                          std::span<const tensor> outputs) {
    const T* y = inputs[0].as<T>();
    const T* label = inputs[2].as<T>();
    T* dx = outputs[0].as<T>();
    const int ignored = int(ignore_label);
    i64 valid = v.outer * v.inner;
    if (normalization == "batch") {
      valid = batch;
    } else if (normalization == "valid") {
      for (i64 k = 0; k < v.outer * v.inner; ++k) valid -= int(label[k]) == ignored;
      valid = std::max<i64>(valid, 1);
    } else {
      valid = 1;
    }
    const T scale = T(grad_scale / double(valid));
    parallel_for(v.outer * v.inner, v.outer * v.len * v.inner >= parallel_work, max_threads(), [&](i64 item, int) {
      const i64 o = item / v.inner, i = item % v.inner, base = o * v.len * v.inner + i;
      const int k = int(label[item]);
      const bool skip = use_ignore && k == ignored;
      for (i64 l = 0; l < v.len; ++l) {
        const i64 at = base + l * v.inner;
        dx[at] = skip ? T(0) : (l == k ? y[at] - T(1) : y[at]) * scale;
      }
    });
    std::fill(outputs[1].as<T>(), outputs[1].as<T>() + outputs[1].size(), T(0));
  };
}

// LinearRegressionOutput, LogisticRegressionOutput, MAERegressionOutput: in (out, data, label),
// out (d data, d label = 0): (out - label) (sign of it for MAE) times grad_scale / (label.Size /
// batch), as regression_output-inl.h.
template <class T, bool Sign>
nn_kernel make_regression_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  params p(n);
  const double grad_scale = get_double(p, "grad_scale", 1.0);
  expect_counts(n, in, 3, out, 2);
  const i64 size = i64(in[1].size());
  expect_size(n, in[2], std::size_t(size), "label (input 1)");
  const auto& ld = in[2].dims.dims();
  const i64 batch = ld.empty() ? 1 : ld[0];
  const i64 per_sample = batch ? size / batch : 1;
  const T scale = T(grad_scale / double(per_sample ? per_sample : 1));
  return [size, scale](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    const T* y = inputs[0].as<T>();
    const T* label = inputs[2].as<T>();
    T* dx = outputs[0].as<T>();
    for_elements(size, [&](i64 i) {
      const T r = y[i] - label[i];
      dx[i] = (Sign ? T((r > T(0)) - (r < T(0))) : r) * scale;
    });
    std::fill(outputs[1].as<T>(), outputs[1].as<T>() + outputs[1].size(), T(0));
  };
}

// MakeLoss: in (out, data), out (d data): grad_scale, divided by the batch (batch) or by the
// count of outputs above valid_thresh (valid, at least 1), as make_loss-inl.h.
template <class T>
nn_kernel make_make_loss_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  params p(n);
  const double grad_scale = get_double(p, "grad_scale", 1.0);
  const double valid_thresh = get_double(p, "valid_thresh", 0.0);
  const std::string normalization = get_choice(p, "normalization", "null", {"null", "batch", "valid"});
  expect_counts(n, in, 2, out, 1);
  const i64 size = i64(in[1].size());
  const auto& d = in[1].dims.dims();
  const i64 batch = d.empty() ? 1 : d[0];
  return [size, grad_scale, valid_thresh, normalization, batch](std::span<const tensor> inputs,
                                                                std::span<const tensor> outputs) {
    const T* y = inputs[0].as<T>();
    double count = 1;
    if (normalization == "batch") {
      count = double(batch);
    } else if (normalization == "valid") {
      i64 above = 0;
      for (i64 i = 0; i < size; ++i) above += y[i] > T(valid_thresh);
      count = double(std::max<i64>(above, 1));
    }
    std::fill(outputs[0].as<T>(), outputs[0].as<T>() + size, T(grad_scale / count));
  };
}

// ---- copies -----------------------------------------------------------------------------
// Flatten, Reshape: in (ograd, out, data), out (d data): the head gradient, reinterpreted.
template <class T>
nn_kernel make_copy_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  if (in.size() < 3) fail(n, "the kernel takes the head gradient, the outputs and the data");
  expect_size(n, out[0], in[0].size(), "output 0");
  const std::size_t bytes = in[0].size() * sizeof(T);
  return [bytes](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    if (bytes) std::memcpy(outputs[0].data, inputs[0].data, bytes);
  };
}

// Concat: in (ograd, out, x0, x1, ...), out (d x0, d x1, ...): the head gradient, split.
template <class T>
nn_kernel make_concat_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  params p(n);
  const i64 dim = p.get_int("dim", 1);
  if (in.size() != out.size() + 2) fail(n, "the kernel takes the head gradient, the output and each input");
  const auto& od = in[1].dims.dims();
  if (od.empty()) fail(n, "zero-dimensional arrays cannot be concatenated");
  const std::size_t axis = normalize_axis(n, "dim", dim, od.size());
  const i64 outer = product(od, 0, axis), after = product(od, axis + 1, od.size()), row = od[axis] * after;
  std::vector<i64> widths;
  for (std::size_t k = 0; k < out.size(); ++k) widths.push_back(in[2 + k].dims.dims()[axis] * after);
  return [outer, row, widths](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    const T* g = inputs[0].as<T>();
    i64 offset = 0;
    for (std::size_t k = 0; k < widths.size(); ++k) {
      T* dx = outputs[k].as<T>();
      const i64 w = widths[k];
      if (w > 0)
        for (i64 o = 0; o < outer; ++o) std::memcpy(dx + o * w, g + o * row + offset, std::size_t(w) * sizeof(T));
      offset += w;
    }
  };
}

// ---- FullyConnected ---------------------------------------------------------------------
// in (ograd, out, data, weight[, bias]), out (d data, d weight[, d bias]), with data as M x K,
// weight N x K and ograd M x N: d data = ograd weight, d weight = ograd^T data, d bias = the
// column sums of ograd (rows in order).
template <class T>
nn_kernel make_fully_connected_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  params p(n);
  const i64 N = p.required_int("num_hidden");
  const bool no_bias = p.get_bool("no_bias", false);
  const bool flatten = p.get_bool("flatten", true);
  expect_counts(n, in, no_bias ? 4 : 5, out, no_bias ? 2 : 3);
  const auto& d = in[2].dims.dims();
  if (d.empty() || N < 1) fail(n, "data needs at least one dimension and num_hidden must be positive");
  const i64 K = flatten ? product(d, 1, d.size()) : d.back();
  const i64 M = K == 0 ? (flatten ? d[0] : product(d, 0, d.size() - 1)) : i64(in[2].size()) / K;
  expect_size(n, in[0], std::size_t(M * N), "the head gradient");
  expect_size(n, in[3], std::size_t(N * K), "weight (input 1)");
  auto transposed = std::make_shared<std::vector<T>>();  // ograd^T, N x M, where BLAS cannot run
  const bool need_dx = out[0].needed;  // not for a first layer: its data gets no gradient
  return [M, N, K, no_bias, need_dx, transposed](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    const T* g = inputs[0].as<T>();
    const T* x = inputs[2].as<T>();
    const T* w = inputs[3].as<T>();
    T* dx = outputs[0].as<T>();
    T* dw = outputs[1].as<T>();
    // Through BLAS, d data and d weight are written directly (ograd^T read in place); else
    // xsym's tiles accumulate into zeros, from ograd transposed.
    if (need_dx && !blas_gemm(false, false, M, K, N, g, N, w, K, T(0), dx, K)) {
      std::fill(dx, dx + M * K, T(0));
      gemm_nn(M, K, N, g, N, w, K, dx, K, true);
    }
    if (!blas_gemm(true, false, N, K, M, g, N, x, K, T(0), dw, K)) {
      transposed->resize(std::size_t(M * N));
      T* gt = transposed->data();
      for (i64 i = 0; i < M; ++i)
        for (i64 j = 0; j < N; ++j) gt[j * M + i] = g[i * N + j];
      std::fill(dw, dw + N * K, T(0));
      gemm_nn(N, K, M, gt, M, x, K, dw, K, true);
    }
    if (!no_bias) {  // the column sums of ograd, rows in order
      T* db = outputs[2].as<T>();
      std::fill(db, db + N, T(0));
      for (i64 i = 0; i < M; ++i)
        for (i64 j = 0; j < N; ++j) db[j] += g[i * N + j];
    }
  };
}

// ---- the table ------------------------------------------------------------------------------

using maker = nn_kernel (*)(const graph_node&, std::span<const tensor>, std::span<const tensor>);
using stateful_maker = nn_kernel (*)(const graph_node&, std::span<const tensor>, std::span<const tensor>,
                                     const run_state*);

// The backward op of a network op (op_def::joint_backward, `_backward_<name>`), by the forward
// op, and its makers by the data's dtype (float32, float64); `any` dispatches itself; s32, s64
// instead of f32, f64 read the run_state (the mode of the forward pass before).
struct backward_op {
  std::string_view forward;
  maker f32, f64, any = nullptr;
  std::size_t data = 2;  // the input whose dtype picks the kernel (loss heads have no ograd: 1); last: -1
  stateful_maker s32 = nullptr, s64 = nullptr;
};

const backward_op table[] = {
    {ops::activation::names.mxnet, make_activation_backward<float>, make_activation_backward<double>},
    {ops::leaky_relu<2>::names.mxnet, make_leaky_relu_backward<float>, make_leaky_relu_backward<double>},
    {ops::softmax::names.mxnet, nullptr, nullptr, make_softmax_backward<false>},
    {ops::log_softmax::names.mxnet, nullptr, nullptr, make_softmax_backward<true>},
    {ops::softmax_activation::names.mxnet, make_softmax_activation_backward<float>,
     make_softmax_activation_backward<double>},
    {ops::softmax_output::names.mxnet, make_softmax_output_backward<float>, make_softmax_output_backward<double>,
     nullptr, 1},
    {ops::linear_regression_output::names.mxnet, make_regression_backward<float, false>,
     make_regression_backward<double, false>, nullptr, 1},
    {ops::logistic_regression_output::names.mxnet, make_regression_backward<float, false>,
     make_regression_backward<double, false>, nullptr, 1},
    {ops::mae_regression_output::names.mxnet, make_regression_backward<float, true>,
     make_regression_backward<double, true>, nullptr, 1},
    {ops::make_loss::names.mxnet, make_make_loss_backward<float>, make_make_loss_backward<double>, nullptr, 1},
    {ops::flatten::names.mxnet, make_copy_backward<float>, make_copy_backward<double>},
    {ops::reshape::names.mxnet, make_copy_backward<float>, make_copy_backward<double>},
    {ops::dropout::names.mxnet, make_dropout_backward<float>, make_dropout_backward<double>, nullptr, 3},
    {ops::batch_norm::names.mxnet, nullptr, nullptr, nullptr, 4, make_batch_norm_backward<float>,
     make_batch_norm_backward<double>},
    {ops::concat<1>::names.mxnet, make_concat_backward<float>, make_concat_backward<double>},
    {ops::fully_connected<true>::names.mxnet, make_fully_connected_backward<float>,
     make_fully_connected_backward<double>},
    {ops::convolution<true>::names.mxnet, make_convolution_backward<float>, make_convolution_backward<double>},
    // The data comes last: a loaded Pooling may have MKLDNN's workspace as a second output.
    {ops::pooling::names.mxnet, make_pooling_backward<float>, make_pooling_backward<double>, nullptr, std::size_t(-1)},
};

const backward_op* find(const graph_node& n) {
  if (!n.def || !n.def->forward) return nullptr;
  for (const auto& op : table)
    if (op.forward == n.def->forward->name) return &op;
  return nullptr;
}

}  // namespace

bool has_nn_backward_kernel(const graph_node& n) { return find(n) != nullptr; }

nn_kernel make_nn_backward_kernel(const graph_node& n, std::span<const tensor> inputs, std::span<const tensor> outputs,
                                  const run_state* state) {
  const backward_op* op = find(n);
  if (!op) throw error("xsym: node '" + n.name + "' (op " + n.op + ") has no backward CPU kernel");
  if (op->any) return op->any(n, inputs, outputs);
  const std::size_t data = op->data == std::size_t(-1) ? inputs.size() - 1 : op->data;
  if (inputs.empty() || inputs.size() <= data) fail(n, "the kernel takes at least " + std::to_string(data + 1) + " inputs");
  const dtype t = inputs[data].type;
  if (!runs(t)) unsupported_dtype(n, t);
  for (std::size_t k = 0; k < outputs.size(); ++k)
    if (outputs[k].type != t && runs(outputs[k].type))
      fail(n, "output " + std::to_string(k) + " is " + std::string(dtype_name(outputs[k].type)) + " but the data is " +
                  std::string(dtype_name(t)) + "; the CPU kernel needs one dtype");
  if (op->s32) return (t == dtype::float32 ? op->s32 : op->s64)(n, inputs, outputs, state);
  return (t == dtype::float32 ? op->f32 : op->f64)(n, inputs, outputs);
}

}  // namespace xsym::kernels
