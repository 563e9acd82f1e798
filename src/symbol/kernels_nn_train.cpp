// The ops whose forward depends on MXNet's is_train, forward and backward: Dropout (a seeded
// mask in training) and BatchNorm (batch statistics in training, and the moving averages
// updated; the moving statistics otherwise). The executor's run_state says which mode a pass
// is in; the kernels read it when they run.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "kernels.hpp"
#include "nn_support.hpp"

namespace xsym::kernels {

namespace {

using namespace nn;

// A counter-based generator: the same seed, pass and element give the same number on any
// number of threads (splitmix64's finalizer over the three).
double uniform(std::uint64_t seed, std::uint64_t pass, std::uint64_t i) {
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ull ^ (pass + 0x632BE59BD9B4E019ull) * 0xBF58476D1CE4E5B9ull ^
                    (i + 1) * 0x94D049BB133111EBull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return double(z >> 11) * 0x1.0p-53;
}

// The mask element of data element i: the mask has 1 along Dropout's `axes`.
struct mask_index {
  std::vector<i64> dims, mask_strides;  // per data axis: its size, and the mask's stride (0 along axes)
  i64 operator()(i64 i) const {
    i64 m = 0;
    for (std::size_t a = dims.size(); a-- > 0;) {
      m += (i % dims[a]) * mask_strides[a];
      i /= dims[a];
    }
    return m;
  }
};

std::uint64_t node_salt(const graph_node& n) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a of the node's name: two Dropouts draw apart
  for (char c : n.name) h = (h ^ std::uint64_t(static_cast<unsigned char>(c))) * 1099511628211ull;
  return h;
}

}  // namespace

// ---- Dropout ----------------------------------------------------------------------------
// out (output, mask): in training (or mode 'always'), mask = bernoulli(1 - p) / (1 - p) of the
// mask's shape and output = data x mask; otherwise output = data and mask = 1.
template <class T>
nn_kernel make_dropout(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out,
                       const run_state* state) {
  params p(n);
  const double ratio = get_double(p, "p", 0.5);
  const bool always = get_choice(p, "mode", "training", {"training", "always"}) == "always";
  if (ratio < 0 || ratio > 1) p.bad("p", *p.raw("p"), "a probability in [0, 1]");
  expect_counts(n, in, 1, out, 1);
  expect_size(n, out[0], in[0].size(), "output 0");
  const i64 size = i64(in[0].size());
  const bool has_mask = out.size() > 1;
  mask_index index{in[0].dims.dims(), {}};
  if (has_mask) {
    const auto& md = out[1].dims.dims();
    if (md.size() != index.dims.size()) fail(n, "the mask (output 1) has shape " + out[1].dims.str() + ", not of rank " +
                                                    std::to_string(index.dims.size()));
    i64 stride = 1;
    index.mask_strides.assign(md.size(), 0);
    for (std::size_t a = md.size(); a-- > 0;) {
      if (md[a] != 1 && md[a] != index.dims[a]) fail(n, "the mask (output 1) has shape " + out[1].dims.str());
      index.mask_strides[a] = md[a] == 1 ? 0 : stride;
      stride *= md[a];
    }
  }
  const std::uint64_t salt = node_salt(n);
  const T keep_scale = ratio < 1 ? T(1 / (1 - ratio)) : T(0);
  return [=](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    const T* x = inputs[0].as<T>();
    T* y = outputs[0].as<T>();
    const bool drop = (always || (state && state->is_train)) && ratio > 0;
    if (!drop) {
      if (size) std::memcpy(y, x, std::size_t(size) * sizeof(T));
      if (has_mask) std::fill(outputs[1].as<T>(), outputs[1].as<T>() + outputs[1].size(), T(1));
      return;
    }
    const std::uint64_t seed = (state ? state->seed : 0) ^ salt, pass = state ? state->passes : 0;
    std::vector<T> own;  // without a mask output, the mask lives here for the pass
    T* mask = has_mask ? outputs[1].as<T>() : (own.resize(std::size_t(size)), own.data());
    const i64 masks = has_mask ? i64(outputs[1].size()) : size;
    parallel_chunks(masks, 8, [&](i64 b, i64 e) {
      for (i64 i = b; i < e; ++i) mask[i] = uniform(seed, pass, std::uint64_t(i)) < 1 - ratio ? keep_scale : T(0);
    });
    parallel_chunks(size, 8, [&](i64 b, i64 e) {
      for (i64 i = b; i < e; ++i) y[i] = x[i] * mask[has_mask ? index(i) : i];
    });
  };
}

// _backward_Dropout: in (ograd, output, mask, data), out (d data) = ograd x mask.
template <class T>
nn_kernel make_dropout_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  if (in.size() != 4) fail(n, "the kernel takes the head gradient, the output, the mask and the data");
  expect_size(n, out[0], in[3].size(), "output 0");
  const i64 size = i64(in[3].size());
  mask_index index{in[3].dims.dims(), {}};
  const auto& md = in[2].dims.dims();
  i64 stride = 1;
  index.mask_strides.assign(md.size(), 0);
  for (std::size_t a = md.size(); a-- > 0;) {
    index.mask_strides[a] = md[a] == 1 ? 0 : stride;
    stride *= md[a];
  }
  return [size, index](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    const T* g = inputs[0].as<T>();
    const T* mask = inputs[2].as<T>();
    T* dx = outputs[0].as<T>();
    parallel_chunks(size, 8, [&](i64 b, i64 e) {
      for (i64 i = b; i < e; ++i) dx[i] = g[i] * mask[index(i)];
    });
  };
}

// ---- BatchNorm ------------------------------------------------------------------------------
// in (data, gamma, beta, moving_mean, moving_var), out (output, mean, invstd) along `axis`. In
// training without use_global_stats: the batch's mean and (biased) variance, saved as outputs 1
// and 2 (the inverse standard deviation, as MXNet's CPU kernel saves it), and the moving
// averages updated: moving = moving x momentum + batch x (1 - momentum). Otherwise the moving
// statistics. fix_gamma: gamma counts as 1.

namespace {

struct batch_norm_params {
  double eps = 1e-3, momentum = 0.9;
  bool fix_gamma = true, use_global_stats = false;
  i64 outer = 1, channels = 1, inner = 1;
};

batch_norm_params read_batch_norm(const graph_node& n, const tensor& data) {
  params p(n);
  batch_norm_params b;
  b.eps = get_double(p, "eps", 1e-3);
  b.momentum = get_double(p, "momentum", 0.9);
  b.fix_gamma = p.get_bool("fix_gamma", true);
  b.use_global_stats = p.get_bool("use_global_stats", false);
  const auto& d = data.dims.dims();
  if (d.empty()) fail(n, "data needs at least one dimension, got []");
  const std::size_t axis = normalize_axis(n, "axis", p.get_int("axis", 1), d.size());
  b.channels = d[axis];
  b.outer = product(d, 0, axis);
  b.inner = product(d, axis + 1, d.size());
  return b;
}

}  // namespace

template <class T>
nn_kernel make_batch_norm(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out,
                          const run_state* state) {
  expect_counts(n, in, 5, out, 1);
  const batch_norm_params b = read_batch_norm(n, in[0]);
  for (std::size_t i = 1; i < 5; ++i) {
    static const char* names[] = {"data", "gamma", "beta", "moving_mean", "moving_var"};
    expect_size(n, in[i], std::size_t(b.channels), std::string(names[i]) + " (input " + std::to_string(i) + ")");
  }
  expect_size(n, out[0], in[0].size(), "output 0");
  for (std::size_t i = 1; i < out.size() && i < 3; ++i)
    expect_size(n, out[i], std::size_t(b.channels), "output " + std::to_string(i));
  const std::size_t stats = std::min<std::size_t>(out.size(), 3);
  // Per channel: mean, inverse standard deviation, scale and shift of this pass.
  auto work = std::make_shared<std::vector<T>>(std::size_t(4 * b.channels));
  return [b, stats, work, state](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    const T* x = inputs[0].as<T>();
    const T* gamma = inputs[1].as<T>();
    const T* beta = inputs[2].as<T>();
    T* moving_mean = inputs[3].as<T>();  // auxiliary states: updated in training
    T* moving_var = inputs[4].as<T>();
    T* mean = work->data();
    T* invstd = mean + b.channels;
    T* scale = invstd + b.channels;
    T* shift = scale + b.channels;
    const bool batch_stats = state && state->is_train && !b.use_global_stats;
    const double count = double(b.outer * b.inner);
    parallel_for(b.channels, b.outer * b.channels * b.inner >= parallel_work, max_threads(), [&](i64 c, int) {
      T m = moving_mean[c], v = moving_var[c];
      if (batch_stats) {
        double sum = 0, squares = 0;
        for (i64 o = 0; o < b.outer; ++o)
          for (i64 i = 0; i < b.inner; ++i) sum += double(x[(o * b.channels + c) * b.inner + i]);
        const double mu = count > 0 ? sum / count : 0;
        for (i64 o = 0; o < b.outer; ++o)
          for (i64 i = 0; i < b.inner; ++i) {
            const double dev = double(x[(o * b.channels + c) * b.inner + i]) - mu;
            squares += dev * dev;
          }
        m = T(mu), v = T(count > 0 ? squares / count : 0);
        moving_mean[c] = T(double(moving_mean[c]) * b.momentum + double(m) * (1 - b.momentum));
        moving_var[c] = T(double(moving_var[c]) * b.momentum + double(v) * (1 - b.momentum));
      }
      mean[c] = m;
      invstd[c] = T(1) / std::sqrt(v + T(b.eps));
      scale[c] = (b.fix_gamma ? T(1) : gamma[c]) * invstd[c];
      shift[c] = beta[c] - m * scale[c];
    });
    T* y = outputs[0].as<T>();
    parallel_for(b.outer * b.channels, b.outer * b.channels * b.inner >= parallel_work, max_threads(), [&](i64 oc, int) {
      const i64 c = oc % b.channels;
      const T* xs = x + oc * b.inner;
      T* ys = y + oc * b.inner;
      for (i64 i = 0; i < b.inner; ++i) ys[i] = xs[i] * scale[c] + shift[c];
    });
    // Saved for backward: in training the batch's mean and inverse standard deviation (as
    // MXNet's CPU kernel saves them), otherwise the moving mean and variance (as its inference
    // writes them).
    if (stats > 1) std::copy(mean, mean + b.channels, outputs[1].as<T>());
    if (stats > 2) {
      if (batch_stats) std::copy(invstd, invstd + b.channels, outputs[2].as<T>());
      else std::copy(moving_var, moving_var + b.channels, outputs[2].as<T>());
    }
  };
}

// _backward_BatchNorm: in (ograd, output, mean, invstd, data, gamma, beta, moving_mean,
// moving_var), out (d data, d gamma, d beta, 0, 0). After a training forward, with batch
// statistics (the saved mean and invstd),
// d x = gamma invstd (g - mean(g) - x̂ mean(g x̂)), x̂ = (x - mean) invstd; with the moving ones
// (use_global_stats) the statistics are constants: d x = gamma invstd g. d gamma = Σ g x̂ (0 with
// fix_gamma), d beta = Σ g.
template <class T>
nn_kernel make_batch_norm_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out,
                                   const run_state* state) {
  if (in.size() != 9 || out.size() != 5) fail(n, "the kernel takes 9 inputs and writes 5 outputs");
  const batch_norm_params b = read_batch_norm(n, in[4]);
  auto moving_invstd = std::make_shared<std::vector<T>>(std::size_t(b.channels));
  return [b, state, moving_invstd](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    const bool batch_stats = state && state->is_train && !b.use_global_stats;
    const T* g = inputs[0].as<T>();
    const T* mean = batch_stats ? inputs[2].as<T>() : inputs[7].as<T>();
    const T* invstd = inputs[3].as<T>();
    if (!batch_stats) {
      const T* moving_var = inputs[8].as<T>();
      for (i64 c = 0; c < b.channels; ++c) (*moving_invstd)[std::size_t(c)] = T(1) / std::sqrt(moving_var[c] + T(b.eps));
      invstd = moving_invstd->data();
    }
    const T* x = inputs[4].as<T>();
    const T* gamma = inputs[5].as<T>();
    T* dx = outputs[0].as<T>();
    T* dgamma = outputs[1].as<T>();
    T* dbeta = outputs[2].as<T>();
    const double count = double(b.outer * b.inner);
    parallel_for(b.channels, b.outer * b.channels * b.inner >= parallel_work, max_threads(), [&](i64 c, int) {
      double sum_g = 0, sum_gx = 0;
      for (i64 o = 0; o < b.outer; ++o)
        for (i64 i = 0; i < b.inner; ++i) {
          const i64 at = (o * b.channels + c) * b.inner + i;
          sum_g += double(g[at]);
          sum_gx += double(g[at]) * (double(x[at]) - double(mean[c])) * double(invstd[c]);
        }
      const double scale = (b.fix_gamma ? 1.0 : double(gamma[c])) * double(invstd[c]);
      for (i64 o = 0; o < b.outer; ++o)
        for (i64 i = 0; i < b.inner; ++i) {
          const i64 at = (o * b.channels + c) * b.inner + i;
          if (!batch_stats || count == 0) {
            dx[at] = T(double(g[at]) * scale);
          } else {
            const double xhat = (double(x[at]) - double(mean[c])) * double(invstd[c]);
            dx[at] = T(scale * (double(g[at]) - sum_g / count - xhat * sum_gx / count));
          }
        }
      dgamma[c] = b.fix_gamma ? T(0) : T(sum_gx);
      dbeta[c] = T(sum_g);
    });
    for (std::size_t k = 3; k < 5; ++k) std::fill(outputs[k].as<T>(), outputs[k].as<T>() + outputs[k].size(), T(0));
  };
}

#define XSYM_TRAIN_KERNELS(T)                                                                                \
  template nn_kernel make_dropout<T>(const graph_node&, std::span<const tensor>, std::span<const tensor>,    \
                                     const run_state*);                                                      \
  template nn_kernel make_dropout_backward<T>(const graph_node&, std::span<const tensor>,                    \
                                              std::span<const tensor>);                                      \
  template nn_kernel make_batch_norm<T>(const graph_node&, std::span<const tensor>, std::span<const tensor>, \
                                        const run_state*);                                                   \
  template nn_kernel make_batch_norm_backward<T>(const graph_node&, std::span<const tensor>,                 \
                                                 std::span<const tensor>, const run_state*);
XSYM_TRAIN_KERNELS(float)
XSYM_TRAIN_KERNELS(double)
#undef XSYM_TRAIN_KERNELS

}  // namespace xsym::kernels
