// The network ops' CPU kernels (kernels.hpp), in inference mode, after MXNet 1.9's CPU
// operators: FullyConnected, Activation, LeakyReLU, the softmax family, the copies (Flatten,
// Reshape, BlockGrad, Concat), and the table that finds every network op's kernel (Convolution
// and Pooling: kernels_nn_spatial.cpp; BatchNorm and Dropout: kernels_nn_train.cpp).
//
// make_nn_kernel reads a node's attributes once, with the defaults and meanings of the shape
// rules in infer.cpp, checks them against the shapes it is given, and returns a closure over
// the parsed parameters. Scratch memory (Convolution's im2col columns, softmax's per-position
// maxima and sums) is allocated there, once, and reused by every call: an executor runs one
// forward at a time.
//
// Convolution is im2col + a cache-blocked GEMM whose register tile accumulates MR x NR outputs
// over a slice of K, with the innermost loop contiguous; FullyConnected is the same blocking on
// A * B^T (both operands read along K). Work is split across OpenMP threads where there is
// enough of it: (image, group) units of a convolution, or the tiles of one GEMM when there are
// fewer units than threads; rows of a softmax; (batch, channel) planes of a pooling.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "kernels.hpp"
#include "nn_spatial.hpp"
#include "nn_support.hpp"
#include "node_params.hpp"
#include "xsym/core/error.hpp"
#include "xsym/symbol/op_def.hpp"

namespace xsym::kernels {

namespace {

using namespace nn;

// ---- FullyConnected -------------------------------------------------------------------------

template <class T>
nn_kernel make_fully_connected(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  params p(n);
  const i64 num_hidden = p.required_int("num_hidden");
  if (num_hidden < 1) p.bad("num_hidden", *p.raw("num_hidden"), "a positive integer");
  const bool no_bias = p.get_bool("no_bias", false);
  const bool flatten = p.get_bool("flatten", true);
  expect_counts(n, in, no_bias ? 2 : 3, out, 1);
  const auto& d = in[0].dims.dims();
  if (d.empty()) fail(n, "data needs at least one dimension, got []");
  const i64 K = flatten ? product(d, 1, d.size()) : d.back();
  const i64 M = K == 0 ? (flatten ? d[0] : product(d, 0, d.size() - 1)) : i64(in[0].size()) / K;
  const i64 N = num_hidden;
  expect_size(n, in[1], std::size_t(N * K), "weight (input 1)");
  if (!no_bias) expect_size(n, in[2], std::size_t(N), "bias (input 2)");
  expect_size(n, out[0], std::size_t(M * N), "output 0");
  return [M, N, K, no_bias](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    const T* b = no_bias ? nullptr : inputs[2].as<T>();
    T* y = outputs[0].as<T>();
    for (i64 i = 0; i < M; ++i)
      for (i64 j = 0; j < N; ++j) y[i * N + j] = b ? b[j] : T(0);
    gemm_nt(M, N, K, inputs[0].as<T>(), K, inputs[1].as<T>(), K, y, N);
  };
}

// ---- elementwise activations ----------------------------------------------------------------

template <class T, class F>
void map_elements(const T* x, T* y, i64 n, F f) {
  parallel_chunks(n, 16, [&](i64 b, i64 e) {
    for (i64 i = b; i < e; ++i) y[i] = f(x[i]);
  });
}

template <class T>
T softrelu(T a) {
  return a > T(20) ? a : std::log1p(std::exp(a));  // MXNet: log(1 + exp(a)) is a above 20
}

template <class T>
nn_kernel make_activation(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  params p(n);
  auto raw = p.raw("act_type");
  if (!raw) p.missing("act_type", "relu, sigmoid, tanh, softrelu or softsign");
  const std::string act = get_choice(p, "act_type", "", {"relu", "sigmoid", "tanh", "softrelu", "softsign",
                                                         "log_sigmoid", "mish"});
  expect_counts(n, in, 1, out, 1);
  expect_size(n, out[0], in[0].size(), "output 0");
  using fn = T (*)(T);
  fn f = act == "relu"       ? fn([](T a) { return a > T(0) ? a : T(0); })
         : act == "sigmoid"  ? fn([](T a) { return T(1) / (T(1) + std::exp(-a)); })
         : act == "tanh"     ? fn([](T a) { return std::tanh(a); })
         : act == "softrelu" ? fn([](T a) { return softrelu(a); })
         : act == "softsign" ? fn([](T a) { return a / (T(1) + std::abs(a)); })
         : act == "log_sigmoid" ? fn([](T a) { return std::log(T(1) / (T(1) + std::exp(-a))); })
                                : fn([](T a) { return a * std::tanh(softrelu(a)); });  // mish
  const i64 size = i64(in[0].size());
  if (act == "relu")  // the one a compiler vectorizes: keep it inlined
    return [size](std::span<const tensor> inputs, std::span<const tensor> outputs) {
      map_elements(inputs[0].as<T>(), outputs[0].as<T>(), size, [](T a) { return a > T(0) ? a : T(0); });
    };
  return [size, f](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    map_elements(inputs[0].as<T>(), outputs[0].as<T>(), size, f);
  };
}

template <class T>
nn_kernel make_leaky_relu(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  params p(n);
  const std::string act =
      get_choice(p, "act_type", "leaky", {"leaky", "prelu", "elu", "selu", "gelu", "gelu_erf", "gelu_tanh", "rrelu"});
  const T slope = T(get_double(p, "slope", 0.25));
  const double lower = get_double(p, "lower_bound", 0.125), upper = get_double(p, "upper_bound", 0.334);
  const bool prelu = act == "prelu";
  expect_counts(n, in, prelu ? 2 : 1, out, 1);
  const i64 size = i64(in[0].size());
  expect_size(n, out[0], std::size_t(size), "output 0");
  // rrelu's optional mask output (the random slopes in training) gets the slope used.
  const bool mask = act == "rrelu" && out.size() > 1;
  if (mask) expect_size(n, out[1], std::size_t(size), "output 1 (mask)");

  if (prelu) {
    // gamma varies along data axes 0 and/or 1 (MXNet's expand_shape), or is one value for all.
    const dims d = dims_of(in[0]);
    const auto extents = prelu_gamma_of(n, in[1], d);
    const i64 e0 = extents.first, e1 = extents.second;
    const i64 rows = d.empty() ? 1 : d[0], channels = d.size() < 2 ? 1 : d[1], inner = product(d, 2, d.size());
    return [rows, channels, inner, e0, e1](std::span<const tensor> inputs, std::span<const tensor> outputs) {
      const T* x = inputs[0].as<T>();
      const T* gamma = inputs[1].as<T>();
      T* y = outputs[0].as<T>();
      parallel_for(rows * channels, rows * channels * inner >= parallel_work, max_threads(), [&](i64 rc, int) {
        const T a = gamma[(e0 == 1 ? 0 : rc / channels) * e1 + (e1 == 1 ? 0 : rc % channels)];
        const T* xs = x + rc * inner;
        T* ys = y + rc * inner;
        for (i64 i = 0; i < inner; ++i) ys[i] = xs[i] > T(0) ? xs[i] : xs[i] * a;
      });
    };
  }
  constexpr double selu_alpha = 1.6732632423543772848170429916717;
  constexpr double selu_lambda = 1.0507009873554804934193349852946;
  const T rslope = T((lower + upper) / 2);
  return [act, slope, rslope, size, mask](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    const T* x = inputs[0].as<T>();
    T* y = outputs[0].as<T>();
    if (act == "leaky") {
      map_elements(x, y, size, [slope](T a) { return a > T(0) ? a : a * slope; });
    } else if (act == "rrelu") {
      map_elements(x, y, size, [rslope](T a) { return a > T(0) ? a : a * rslope; });
      if (mask) std::fill(outputs[1].as<T>(), outputs[1].as<T>() + size, rslope);
    } else if (act == "elu") {
      map_elements(x, y, size, [slope](T a) { return a > T(0) ? a : slope * std::expm1(a); });
    } else if (act == "selu") {
      map_elements(x, y, size, [](T a) { return T(selu_lambda) * (a > T(0) ? a : T(selu_alpha) * std::expm1(a)); });
    } else if (act == "gelu_tanh") {
      map_elements(x, y, size, [](T a) {
        return T(0.5) * a * (T(1) + std::tanh(T(0.7978845608028654) * (a + T(0.044715) * a * a * a)));
      });
    } else {  // gelu, gelu_erf
      map_elements(x, y, size, [](T a) { return T(0.5) * a * (T(1) + std::erf(a / T(1.4142135623730951))); });
    }
  };
}

// BatchNorm and Dropout: kernels_nn_train.cpp (their forward depends on is_train).

// ---- softmax family -------------------------------------------------------------------------

// Softmax along the middle axis of an (outer, len, inner) view, of exp((x - max) / temperature);
// with Log, its logarithm, (x - max) / temperature - log(sum).
// In, Out: the input and output element types (softmax's "dtype" may widen or narrow); sums and
// maxima are kept in the wider of the two.
struct softmax_view {
  i64 outer = 1, len = 1, inner = 1;
};

template <class In, class Out, bool Log = false>
nn_kernel softmax_kernel(softmax_view v, double temperature) {
  using A = std::conditional_t<std::is_same_v<In, double> || std::is_same_v<Out, double>, double, float>;
  constexpr i64 chunk = 256;  // inner positions a work item handles
  const int threads = max_threads();
  auto scratch = std::make_shared<std::vector<A>>(v.inner > 1 ? std::size_t(threads) * 2 * chunk : 0);
  return [v, temperature, threads, scratch](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    const In* x = inputs[0].as<In>();
    Out* y = outputs[0].as<Out>();
    const A t = A(temperature);
    const bool scaled = temperature != 1.0;
    const i64 row = v.len * v.inner;
    if (v.len == 0) return;
    if (v.inner == 1) {
      parallel_for(v.outer, v.outer * v.len * 8 >= parallel_work, threads, [&](i64 o, int) {
        const In* xs = x + o * row;
        Out* ys = y + o * row;
        A m = A(xs[0]);
        for (i64 l = 1; l < v.len; ++l) m = std::max(m, A(xs[l]));
        A sum = 0;
        for (i64 l = 0; l < v.len; ++l) {
          const A z = scaled ? (A(xs[l]) - m) / t : A(xs[l]) - m, e = std::exp(z);
          ys[l] = Out(Log ? z : e);
          sum += e;
        }
        const A log_sum = Log ? std::log(sum) : A(0);
        for (i64 l = 0; l < v.len; ++l) ys[l] = Out(Log ? A(ys[l]) - log_sum : A(ys[l]) / sum);
      });
      return;
    }
    const i64 pieces = (v.inner + chunk - 1) / chunk;
    parallel_for(v.outer * pieces, v.outer * row * 8 >= parallel_work, threads, [&](i64 item, int thread) {
      const i64 o = item / pieces, i0 = item % pieces * chunk, i1 = std::min(v.inner, i0 + chunk), w = i1 - i0;
      A* m = scratch->data() + std::size_t(thread) * 2 * chunk;
      A* sum = m + chunk;
      const In* xs = x + o * row + i0;
      Out* ys = y + o * row + i0;
      for (i64 i = 0; i < w; ++i) m[i] = A(xs[i]), sum[i] = 0;
      for (i64 l = 1; l < v.len; ++l)
        for (i64 i = 0; i < w; ++i) m[i] = std::max(m[i], A(xs[l * v.inner + i]));
      for (i64 l = 0; l < v.len; ++l)
        for (i64 i = 0; i < w; ++i) {
          const A d = A(xs[l * v.inner + i]) - m[i];
          const A z = scaled ? d / t : d, e = std::exp(z);
          ys[l * v.inner + i] = Out(Log ? z : e);
          sum[i] += e;
        }
      if constexpr (Log)
        for (i64 i = 0; i < w; ++i) sum[i] = std::log(sum[i]);
      for (i64 l = 0; l < v.len; ++l)
        for (i64 i = 0; i < w; ++i)
          ys[l * v.inner + i] = Out(Log ? A(ys[l * v.inner + i]) - sum[i] : A(ys[l * v.inner + i]) / sum[i]);
    });
  };
}

softmax_view view_around(const std::vector<i64>& d, std::size_t axis) {
  return {product(d, 0, axis), d[axis], product(d, axis + 1, d.size())};
}

// softmax and log_softmax: along `axis` (default -1), with `temperature` (default 1); output
// dtype "dtype".
template <bool Log>
nn_kernel make_softmax(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  params p(n);
  const i64 axis_attr = p.get_int("axis", -1);
  const double temperature = get_double(p, "temperature", 1.0);
  if (p.get_bool("use_length", false)) p.bad("use_length", *p.raw("use_length"), "False (no length input)");
  expect_counts(n, in, 1, out, 1);
  const auto& d = in[0].dims.dims();
  if (d.empty()) fail(n, "data needs at least one dimension, got []");
  const std::size_t axis = normalize_axis(n, "axis", axis_attr, d.size());
  expect_size(n, out[0], in[0].size(), "output 0");
  const dtype ti = in[0].type, to = out[0].type;
  if (!runs(ti)) unsupported_dtype(n, ti);
  if (!runs(to)) unsupported_dtype(n, to);
  const softmax_view v = view_around(d, axis);
  if (ti == dtype::float32)
    return to == dtype::float32 ? softmax_kernel<float, float, Log>(v, temperature)
                                : softmax_kernel<float, double, Log>(v, temperature);
  return to == dtype::float32 ? softmax_kernel<double, float, Log>(v, temperature)
                              : softmax_kernel<double, double, Log>(v, temperature);
}

template <class T>
nn_kernel make_softmax_output(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  params p(n);
  const bool multi = p.get_bool("multi_output", false);
  const bool preserve = p.get_bool("preserve_shape", false);
  expect_counts(n, in, 2, out, 1);
  const auto& d = in[0].dims.dims();
  if (d.empty()) fail(n, "data needs at least one dimension, got []");
  expect_size(n, out[0], in[0].size(), "output 0");
  softmax_view v;
  const i64 size = i64(in[0].size());
  if (multi) {  // over axis 1, at every other position: (n, k, rest)
    if (d.size() < 2) fail(n, "multi_output needs data with at least 2 dimensions, got " + in[0].dims.str());
    v = {d[0], d[1], product(d, 2, d.size())};
  } else if (preserve) {  // over the last axis
    v = view_around(d, d.size() - 1);
  } else {  // over everything but the first axis: (n, size / n)
    v = {d[0], d[0] ? size / d[0] : 0, 1};
  }
  return softmax_kernel<T, T>(v, 1.0);
}

template <class T>
nn_kernel make_softmax_activation(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  params p(n);
  const std::string mode = get_choice(p, "mode", "instance", {"instance", "channel"});
  expect_counts(n, in, 1, out, 1);
  const auto& d = in[0].dims.dims();
  expect_size(n, out[0], in[0].size(), "output 0");
  softmax_view v;
  if (mode == "channel") {
    if (d.size() < 2) fail(n, "mode 'channel' needs data with at least 2 dimensions, got " + in[0].dims.str());
    v = {d[0], d[1], product(d, 2, d.size())};
  } else {
    if (d.empty()) fail(n, "data needs at least one dimension, got []");
    v = {d[0], d[0] ? i64(in[0].size()) / d[0] : 0, 1};
  }
  return softmax_kernel<T, T>(v, 1.0);
}

// ---- copies ---------------------------------------------------------------------------------

// Flatten, Reshape, BlockGrad, the regression outputs, MakeLoss: output 0 is the data,
// reinterpreted.
template <class T>
nn_kernel make_copy(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  expect_counts(n, in, 1, out, 1);
  expect_size(n, out[0], in[0].size(), "output 0");
  const std::size_t bytes = in[0].size() * sizeof(T);
  return [bytes](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    if (bytes) std::memcpy(outputs[0].data, inputs[0].data, bytes);
  };
}

template <class T>
nn_kernel make_concat(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  params p(n);
  const i64 dim = p.get_int("dim", 1);
  if (in.empty()) fail(n, "Concat needs at least one input");
  if (auto num_args = p.opt_int("num_args"); num_args && *num_args != i64(in.size()))
    fail(n, "num_args is " + std::to_string(*num_args) + " but the kernel has " + std::to_string(in.size()) + " inputs");
  expect_counts(n, in, in.size(), out, 1);
  const auto& od = out[0].dims.dims();
  if (od.empty()) fail(n, "zero-dimensional arrays cannot be concatenated");
  const std::size_t axis = normalize_axis(n, "dim", dim, od.size());
  const i64 outer = product(od, 0, axis), after = product(od, axis + 1, od.size());
  std::vector<i64> widths;  // each input's contiguous run per outer index
  i64 total = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto& d = in[i].dims.dims();
    bool ok = d.size() == od.size();
    for (std::size_t a = 0; ok && a < d.size(); ++a) ok = a == axis || d[a] == od[a];
    if (!ok)
      fail(n, "input " + std::to_string(i) + " has shape " + in[i].dims.str() + ", which does not fit output " +
                  out[0].dims.str() + " along axis " + std::to_string(axis));
    widths.push_back(d[axis] * after);
    total += d[axis];
  }
  if (total != od[axis])
    fail(n, "the inputs add up to " + std::to_string(total) + " along axis " + std::to_string(axis) +
                ", but the output has " + std::to_string(od[axis]));
  const i64 row = od[axis] * after;
  return [outer, row, widths](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    T* y = outputs[0].as<T>();
    i64 offset = 0;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const T* x = inputs[i].as<T>();
      const i64 w = widths[i];
      if (w > 0)
        for (i64 o = 0; o < outer; ++o) std::memcpy(y + o * row + offset, x + o * w, std::size_t(w) * sizeof(T));
      offset += w;
    }
  };
}

// ---- the table ------------------------------------------------------------------------------

template <class T>
nn_kernel make_reinterpret(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  return make_copy<T>(n, in, out);
}
// Linear and MAERegressionOutput: the data (the label is read by backward only).
template <class T>
nn_kernel make_regression(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  expect_counts(n, in, 2, out, 1);
  return make_copy<T>(n, in.first(1), out);
}
// LogisticRegressionOutput: the sigmoid of the data.
template <class T>
nn_kernel make_logistic(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  expect_counts(n, in, 2, out, 1);
  expect_size(n, out[0], in[0].size(), "output 0");
  const i64 size = i64(in[0].size());
  return [size](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    map_elements(inputs[0].as<T>(), outputs[0].as<T>(), size, [](T a) { return T(1) / (T(1) + std::exp(-a)); });
  };
}

using maker = nn_kernel (*)(const graph_node&, std::span<const tensor>, std::span<const tensor>);
using stateful_maker = nn_kernel (*)(const graph_node&, std::span<const tensor>, std::span<const tensor>,
                                     const run_state*);
constexpr std::size_t all = std::size_t(-1);

// An op, its kernel makers for float32 and float64, and how many of its inputs and outputs
// share the data's dtype (the others are not read, or have their own dtype). `any`: the maker
// dispatches on dtypes itself.
struct nn_op {
  std::string_view name;
  std::size_t n_in, n_out;
  maker f32, f64, any = nullptr;
  stateful_maker s32 = nullptr, s64 = nullptr;  // instead of f32, f64: the kernel reads the run_state
};

const nn_op table[] = {
    {ops::fully_connected<true>::names.mxnet, all, 1, make_fully_connected<float>, make_fully_connected<double>},
    {ops::convolution<true>::names.mxnet, all, 1, make_convolution<float>, make_convolution<double>},
    {ops::activation::names.mxnet, 1, 1, make_activation<float>, make_activation<double>},
    {ops::leaky_relu<2>::names.mxnet, all, all, make_leaky_relu<float>, make_leaky_relu<double>},
    {ops::pooling::names.mxnet, 1, 1, make_pooling<float>, make_pooling<double>},  // output 1: MKLDNN's int32 workspace
    {ops::flatten::names.mxnet, 1, 1, make_reinterpret<float>, make_reinterpret<double>},
    {ops::reshape::names.mxnet, 1, 1, make_reinterpret<float>, make_reinterpret<double>},
    {ops::block_grad::names.mxnet, 1, 1, make_reinterpret<float>, make_reinterpret<double>},
    {ops::concat<1>::names.mxnet, all, 1, make_concat<float>, make_concat<double>},
    {ops::batch_norm::names.mxnet, all, 3, nullptr, nullptr, nullptr, make_batch_norm<float>, make_batch_norm<double>},
    // The loss heads do not read the label.
    {ops::softmax_output::names.mxnet, 1, 1, make_softmax_output<float>, make_softmax_output<double>},
    {ops::dropout::names.mxnet, 1, 2, nullptr, nullptr, nullptr, make_dropout<float>, make_dropout<double>},
    {ops::linear_regression_output::names.mxnet, 1, 1, make_regression<float>, make_regression<double>},
    {ops::mae_regression_output::names.mxnet, 1, 1, make_regression<float>, make_regression<double>},
    {ops::logistic_regression_output::names.mxnet, 1, 1, make_logistic<float>, make_logistic<double>},
    {ops::make_loss::names.mxnet, 1, 1, make_reinterpret<float>, make_reinterpret<double>},
    // softmax's output dtype is its "dtype" attribute.
    {ops::softmax::names.mxnet, 0, 0, nullptr, nullptr, make_softmax<false>},
    {ops::log_softmax::names.mxnet, 0, 0, nullptr, nullptr, make_softmax<true>},
    {ops::softmax_activation::names.mxnet, 1, 1, make_softmax_activation<float>, make_softmax_activation<double>},
};

const nn_op* find_nn_op(const graph_node& n) {
  const std::string_view name = op_name(n);
  for (const auto& op : table)
    if (op.name == name) return &op;
  return nullptr;
}

// The tensor-op families, each recognizing its ops (forward and backward) by name.
struct kernel_family {
  bool (*is)(std::string_view op);
  nn_kernel (*make)(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out);
};
constexpr kernel_family families[] = {
    {is_broadcast_op, make_broadcast_kernel}, {is_reduce_op, make_reduce_kernel}, {is_dot_op, make_dot_kernel},
    {is_layout_op, make_layout_kernel},       {is_index_op, make_index_kernel},
};
const kernel_family* find_family(const graph_node& n) {
  for (const auto& f : families)
    if (f.is(op_name(n))) return &f;
  return nullptr;
}

}  // namespace

bool has_nn_kernel(const graph_node& n) {
  return !n.is_variable() && (find_nn_op(n) != nullptr || has_nn_backward_kernel(n) || find_family(n) != nullptr);
}

nn_kernel make_nn_kernel(const graph_node& n, std::span<const tensor> inputs, std::span<const tensor> outputs,
                         const run_state* state) {
  if (!n.is_variable()) {
    if (const kernel_family* f = find_family(n)) return f->make(n, inputs, outputs);
    if (has_nn_backward_kernel(n)) return make_nn_backward_kernel(n, inputs, outputs, state);
  }
  const nn_op* op = n.is_variable() ? nullptr : find_nn_op(n);
  if (!op) throw error("xsym: node '" + n.name + "' (op " + n.op + ") has no network-op CPU kernel");
  if (op->any) return op->any(n, inputs, outputs);
  const dtype t = uniform_dtype(n, inputs, op->n_in, outputs, op->n_out);
  if (op->s32) return (t == dtype::float32 ? op->s32 : op->s64)(n, inputs, outputs, state);
  return (t == dtype::float32 ? op->f32 : op->f64)(n, inputs, outputs);
}

}  // namespace xsym::kernels
