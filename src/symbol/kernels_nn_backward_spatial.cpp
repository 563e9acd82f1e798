// Convolution's and Pooling's backward kernels (kernels.hpp), after MXNet 1.9's CPU operators
// (convolution-inl.h, pooling-inl.h, pool.h). Attributes have the defaults and meanings of the
// forward kernels in kernels_nn.cpp; every output is overwritten.
//
// Convolution, per (image, group) unit: with G the unit's head gradient (filters x positions)
// and X its im2col columns, d weight += G X^T, d data = col2im(W^T G), d bias = Σ G. Units run
// on separate threads when there are enough of them; each thread then sums d weight into its own
// buffer, added up at the end, and writes a disjoint part of d data. col2im adds a channel's taps
// on one thread, since taps of a channel overlap in the input.
//
// Pooling scatters each output's gradient back into its window, (batch, channel) planes on
// separate threads: max to the first element of the window, in (d, h, w) order, equal to the
// output (MXNet's unpool_max_*: the first maximum); avg divided by the forward's divisor; sum
// and lp as MXNet's lp_grad.
#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "kernels.hpp"
#include "nn_spatial.hpp"
#include "nn_support.hpp"

namespace xsym::kernels {

namespace {

using namespace nn;

// Output columns [lo, hi) of a row whose input column is ow * s + iw0 land inside [0, W).
inline void inside(i64 iw0, i64 s, i64 W, i64 OW, i64& lo, i64& hi) {
  hi = W - 1 - iw0 >= 0 ? std::min(OW, (W - 1 - iw0) / s + 1) : 0;
  lo = iw0 >= 0 ? 0 : std::min(hi, (-iw0 + s - 1) / s);
}

// ---- Convolution ----------------------------------------------------------------------------

struct conv_plan {
  geometry3 g;
  i64 batch = 0, channels = 0, filters = 0, groups = 1;
  i64 cg = 0, fg = 0;    // channels and filters per group
  i64 rows = 0;          // cg * kernel volume: rows of the im2col matrix, columns of a weight row
  i64 volume = 1;        // kernel taps
  i64 positions = 0;     // output positions per image
  bool channel_last = false, bias = true, direct = false;  // direct: 1x1, stride 1, no pad, C first
  std::vector<i64> row_channel;                 // row r's input channel times the channel stride
  std::vector<std::array<i64, 3>> row_offset;  // and its kernel offsets per slot
  bool per_unit_threads = false;
  int threads = 1;
  i64 row(i64 c, i64 tap) const { return channel_last ? tap * cg + c : c * volume + tap; }
};

// col[r][o]: the input element tap r sees at output position o, 0 in the padding.
template <class T>
void im2col(const conv_plan& P, const T* img, T* col, i64 r) {
  const geometry3& g = P.g;
  const T* src = img + P.row_channel[std::size_t(r)];
  T* dst = col + r * P.positions;
  const auto& off = P.row_offset[std::size_t(r)];
  const i64 s = g.stride[2], iw0 = off[2] - g.pad[2], OW = g.out[2];
  for (i64 od = 0; od < g.out[0]; ++od) {
    const i64 id = od * g.stride[0] - g.pad[0] + off[0];
    for (i64 oh = 0; oh < g.out[1]; ++oh, dst += OW) {
      const i64 ih = oh * g.stride[1] - g.pad[1] + off[1];
      if (id < 0 || id >= g.in[0] || ih < 0 || ih >= g.in[1]) {
        std::fill(dst, dst + OW, T(0));
        continue;
      }
      const T* line = src + id * g.in_step[0] + ih * g.in_step[1];
      i64 lo, hi;
      inside(iw0, s, g.in[2], OW, lo, hi);
      std::fill(dst, dst + lo, T(0));
      for (i64 ow = lo; ow < hi; ++ow) dst[ow] = line[(ow * s + iw0) * g.in_step[2]];
      std::fill(dst + hi, dst + OW, T(0));
    }
  }
}

// The adjoint of im2col for row r: img[...] += col[r][o] where tap r reads inside the input.
template <class T>
void col2im(const conv_plan& P, const T* col, T* img, i64 r) {
  const geometry3& g = P.g;
  T* dst = img + P.row_channel[std::size_t(r)];
  const T* src = col + r * P.positions;
  const auto& off = P.row_offset[std::size_t(r)];
  const i64 s = g.stride[2], iw0 = off[2] - g.pad[2], OW = g.out[2];
  for (i64 od = 0; od < g.out[0]; ++od) {
    const i64 id = od * g.stride[0] - g.pad[0] + off[0];
    for (i64 oh = 0; oh < g.out[1]; ++oh, src += OW) {
      const i64 ih = oh * g.stride[1] - g.pad[1] + off[1];
      if (id < 0 || id >= g.in[0] || ih < 0 || ih >= g.in[1]) continue;
      T* line = dst + id * g.in_step[0] + ih * g.in_step[1];
      i64 lo, hi;
      inside(iw0, s, g.in[2], OW, lo, hi);
      for (i64 ow = lo; ow < hi; ++ow) line[(ow * s + iw0) * g.in_step[2]] += src[ow];
    }
  }
}

// The forward's attribute parsing and shape checks; `output` has the forward output's shape.
conv_plan make_conv_plan(const graph_node& n, const tensor& data, const tensor& output, const tensor& weight,
                         std::size_t inputs_before_data) {
  params p(n);
  const dims kernel = kernel_param(p, "(3, 3)");
  const std::size_t k = kernel.size();
  const i64 num_filter = p.required_int("num_filter");
  if (num_filter < 1) p.bad("num_filter", *p.raw("num_filter"), "a positive integer");
  const i64 num_group = p.int_at_least("num_group", 1, 1);
  const dims stride = spatial_param(p, "stride", k, 1, false);
  const dims dilate = spatial_param(p, "dilate", k, 1, false);
  const dims pad = spatial_param(p, "pad", k, 0, true);
  if (data.dims.ndim() != k + 2)
    fail(n, "data (input " + std::to_string(inputs_before_data) + ") has shape " + data.dims.str() + ", expected " +
                std::to_string(k + 2) + " dimensions for a " + std::to_string(k) + "-d kernel");
  const layout_axes L = read_layout(n, p, k + 2);
  conv_plan P;
  P.bias = !p.get_bool("no_bias", false);
  P.channel_last = L.channel != 1;
  P.batch = data.dims[0];
  P.channels = data.dims[L.channel];
  P.filters = num_filter;
  P.groups = num_group;
  if (P.channels % num_group != 0 || num_filter % num_group != 0)
    fail(n, "num_group " + std::to_string(num_group) + " must divide the input channels (" +
                std::to_string(P.channels) + ") and num_filter (" + std::to_string(num_filter) + ")");
  P.cg = P.channels / num_group;
  P.fg = num_filter / num_group;
  std::vector<i64> expected(k + 2);
  expected[0] = P.batch;
  expected[L.channel] = num_filter;
  geometry3 g;
  for (std::size_t s = 0; s < k; ++s) {
    const std::size_t slot = 3 - k + s;
    const i64 d = data.dims[L.spatial[s]];
    const i64 span = dilate[s] * (kernel[s] - 1) + 1;
    if (span > d + 2 * pad[s]) fail(n, "the dilated kernel exceeds the padded input " + data.dims.str());
    expected[L.spatial[s]] = (d + 2 * pad[s] - span) / stride[s] + 1;
    g.kernel[slot] = kernel[s];
    g.stride[slot] = stride[s];
    g.pad[slot] = pad[s];
    g.dilate[slot] = dilate[s];
  }
  if (output.dims.dims() != expected)
    fail(n, "the head gradient (input 0) has shape " + output.dims.str() + ", expected the output's " +
                shape(expected).str());
  P.g = make_geometry(L, data, output);
  for (int s = 0; s < 3; ++s) {
    P.g.kernel[s] = g.kernel[s];
    P.g.stride[s] = g.stride[s];
    P.g.pad[s] = g.pad[s];
    P.g.dilate[s] = g.dilate[s];
  }
  const geometry3& G = P.g;
  P.volume = G.kernel[0] * G.kernel[1] * G.kernel[2];
  P.rows = P.cg * P.volume;
  P.positions = G.out_positions();
  expect_size(n, weight, std::size_t(num_filter * P.rows), "weight (input " + std::to_string(inputs_before_data + 1) + ")");
  // A filter's weight is (cg, kernel...) in the data's layout: C first, or C last.
  P.row_channel.resize(std::size_t(P.rows));
  P.row_offset.resize(std::size_t(P.rows));
  for (i64 r = 0; r < P.rows; ++r) {
    const i64 c = P.channel_last ? r % P.cg : r / P.volume;
    const i64 tap = P.channel_last ? r / P.cg : r % P.volume;
    const std::array<i64, 3> t{tap / (G.kernel[1] * G.kernel[2]), tap / G.kernel[2] % G.kernel[1], tap % G.kernel[2]};
    P.row_channel[std::size_t(r)] = c * G.in_c;
    P.row_offset[std::size_t(r)] = {t[0] * G.dilate[0], t[1] * G.dilate[1], t[2] * G.dilate[2]};
  }
  P.direct = !P.channel_last && P.volume == 1 && G.stride == std::array<i64, 3>{1, 1, 1} &&
             G.pad == std::array<i64, 3>{0, 0, 0};
  // Twice the forward's work (d data and d weight).
  const i64 work = 2 * P.batch * num_filter * P.rows * P.positions;
  P.threads = max_threads();
  P.per_unit_threads = P.threads > 1 && P.batch * num_group >= P.threads && work >= parallel_work;
  return P;
}

}  // namespace

template <class T>
nn_kernel make_convolution_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  params p(n);
  const bool no_bias = p.get_bool("no_bias", false);
  expect_counts(n, in, no_bias ? 4 : 5, out, no_bias ? 2 : 3);
  uniform_dtype(n, in, in.size(), out, out.size());
  auto P = std::make_shared<const conv_plan>(make_conv_plan(n, in[2], in[0], in[3], 2));
  const conv_plan& plan = *P;
  if (in[1].dims != in[0].dims)
    fail(n, "the output (input 1) has shape " + in[1].dims.str() + ", expected the head gradient's " + in[0].dims.str());
  if (!no_bias) expect_size(n, in[4], std::size_t(plan.filters), "bias (input 4)");
  expect_size(n, out[0], in[2].size(), "d data (output 0)");
  expect_size(n, out[1], in[3].size(), "d weight (output 1)");
  if (!no_bias) expect_size(n, out[2], std::size_t(plan.filters), "d bias (output 2)");

  // Scratch, per thread slot: im2col columns, and the unit's head gradient transposed when C is
  // last. Shared: the weight transposed per group (rows x fg), and per-slot d weight sums.
  const std::size_t slots = std::size_t(plan.per_unit_threads ? plan.threads : 1);
  const std::size_t col_size = plan.direct ? 0 : std::size_t(plan.rows * plan.positions);
  const std::size_t tmp_size = plan.channel_last ? std::size_t(plan.fg * plan.positions) : 0;
  const std::size_t w_size = std::size_t(plan.filters * plan.rows);
  const std::size_t partial_size = slots > 1 ? slots * w_size : 0;
  auto scratch = std::make_shared<std::vector<T>>(slots * (col_size + tmp_size) + w_size + partial_size);

  const bool need_dx = out[0].needed;  // not for a first layer: its data gets no gradient
  return [P, scratch, slots, col_size, tmp_size, w_size, need_dx](std::span<const tensor> inputs,
                                                                  std::span<const tensor> outputs) {
    const conv_plan& c = *P;
    const T* og = inputs[0].as<T>();
    const T* x = inputs[2].as<T>();
    const T* w = inputs[3].as<T>();
    T* dx = outputs[0].as<T>();
    T* dw = outputs[1].as<T>();
    const i64 O = c.positions;
    T* wt = scratch->data() + slots * (col_size + tmp_size);
    T* partial = wt + w_size;
    for (i64 gr = 0; gr < c.groups; ++gr)
      for (i64 f = 0; f < c.fg; ++f)
        for (i64 r = 0; r < c.rows; ++r) wt[(gr * c.rows + r) * c.fg + f] = w[(gr * c.fg + f) * c.rows + r];
    if (need_dx) parallel_chunks(i64(outputs[0].size()), 1, [&](i64 b, i64 e) { std::fill(dx + b, dx + e, T(0)); });
    std::fill(dw, dw + w_size, T(0));
    if (slots > 1) std::fill(partial, partial + slots * w_size, T(0));

    const bool inner = !c.per_unit_threads;
    auto unit = [&](i64 u, int slot) {
      const i64 nn = u / c.groups, gr = u % c.groups;
      T* col = scratch->data() + std::size_t(slot) * (col_size + tmp_size);
      T* tmp = col + col_size;
      const T* img = x + nn * c.g.in_n + gr * c.cg * c.g.in_c;
      T* dimg = dx + nn * c.g.in_n + gr * c.cg * c.g.in_c;
      // G: the group's filters x positions.
      const T* G = og + nn * c.g.out_n + gr * c.fg * c.g.out_c;
      if (c.channel_last) {
        for (i64 o = 0; o < O; ++o)
          for (i64 f = 0; f < c.fg; ++f) tmp[f * O + o] = G[o * c.filters + f];
        G = tmp;
      }
      // d weight += G X^T.
      const T* X = img;
      if (!c.direct) {
        parallel_for(c.rows, inner && c.rows * O >= parallel_work, c.threads,
                     [&](i64 r, int) { im2col(c, img, col, r); });
        X = col;
      }
      T* dwg = (slots > 1 ? partial + std::size_t(slot) * w_size : dw) + gr * c.fg * c.rows;
      gemm_nt(c.fg, c.rows, O, G, O, X, O, dwg, c.rows);
      if (!need_dx) return;
      // d data: W^T G, straight into d data when the columns are the image, else through col2im.
      const T* Wt = wt + gr * c.rows * c.fg;
      if (c.direct) {
        gemm_nn(c.rows, O, c.fg, Wt, c.fg, G, O, dimg, O, inner);
        return;
      }
      std::fill(col, col + col_size, T(0));
      gemm_nn(c.rows, O, c.fg, Wt, c.fg, G, O, col, O, inner);
      parallel_for(c.cg, inner && c.rows * O >= parallel_work, c.threads, [&](i64 ch, int) {
        for (i64 tap = 0; tap < c.volume; ++tap) col2im(c, col, dimg, c.row(ch, tap));
      });
    };
    parallel_for(c.batch * c.groups, c.per_unit_threads, c.threads, unit);
    for (std::size_t s = 0; s < (slots > 1 ? slots : 0); ++s)
      for (std::size_t i = 0; i < w_size; ++i) dw[i] += partial[s * w_size + i];

    if (c.bias) {  // d bias[f] = Σ over images and positions of the head gradient
      T* db = outputs[2].as<T>();
      parallel_for(c.filters, c.batch * c.filters * O >= parallel_work, c.threads, [&](i64 f, int) {
        T s = 0;
        for (i64 nn = 0; nn < c.batch; ++nn) {
          const T* G = og + nn * c.g.out_n + f * c.g.out_c;
          const i64 step = c.channel_last ? c.filters : 1;
          for (i64 o = 0; o < O; ++o) s += G[o * step];
        }
        db[f] = s;
      });
    }
  };
}

// ---- Pooling --------------------------------------------------------------------------------

template <class T>
nn_kernel make_pooling_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  // (ograd, out, data), or (ograd, out, workspace, data) for a forward node with MKLDNN's workspace.
  if (in.size() != 3 && in.size() != 4) fail(n, "the kernel takes 3 inputs, got " + std::to_string(in.size()));
  expect_counts(n, in, in.size(), out, 1);
  const tensor& data = in.back();
  const tensor checked[] = {in[0], in[1], data};  // a workspace (int32) is not read
  uniform_dtype(n, checked, 3, out, 1);
  const pooling_plan P = read_pooling(n, data, in[0], "the head gradient (input 0)");
  if (in[1].dims != in[0].dims)
    fail(n, "the output (input 1) has shape " + in[1].dims.str() + ", expected the head gradient's " + in[0].dims.str());
  expect_size(n, out[0], data.size(), "d data (output 0)");
  const geometry3 g = P.g;
  const i64 batch = P.batch, channels = P.channels;
  const pool_kind kind = P.kind;
  const bool count_include_pad = P.count_include_pad;
  const int p_value = P.p_value;

  return [g, batch, channels, kind, count_include_pad, p_value](std::span<const tensor> inputs,
                                                                std::span<const tensor> outputs) {
    const T* og = inputs[0].as<T>();
    const T* y = inputs[1].as<T>();
    const T* x = inputs.back().as<T>();
    T* dx = outputs[0].as<T>();
    const i64 planes = batch * channels;
    const i64 cost = g.out_positions() * g.kernel[0] * g.kernel[1] * g.kernel[2];
    // A plane's elements are disjoint from every other plane's (also when C is last).
    parallel_for(planes, planes * cost >= parallel_work, max_threads(), [&](i64 plane, int) {
      const i64 nn = plane / channels, c = plane % channels;
      const T* src = x + nn * g.in_n + c * g.in_c;
      T* dst = dx + nn * g.in_n + c * g.in_c;
      const i64 oplane = nn * g.out_n + c * g.out_c;
      for (i64 d = 0; d < g.in[0]; ++d)
        for (i64 h = 0; h < g.in[1]; ++h)
          for (i64 w = 0; w < g.in[2]; ++w) dst[d * g.in_step[0] + h * g.in_step[1] + w * g.in_step[2]] = T(0);
      for (i64 od = 0; od < g.out[0]; ++od)
        for (i64 oh = 0; oh < g.out[1]; ++oh)
          for (i64 ow = 0; ow < g.out[2]; ++ow) {
            const auto [lo, hi, count, padded_count] = window_at(g, od, oh, ow);  // the forward's window
            if (count == 0) continue;
            const i64 o = oplane + od * g.out_step[0] + oh * g.out_step[1] + ow * g.out_step[2];
            const T grad = og[o], out = y[o];
            auto at = [&](i64 d, i64 h, i64 w) { return d * g.in_step[0] + h * g.in_step[1] + w * g.in_step[2]; };
            if (kind == pool_kind::max) {  // the first element equal to the output, as MXNet
              bool found = false;
              for (i64 d = lo[0]; d < hi[0] && !found; ++d)
                for (i64 h = lo[1]; h < hi[1] && !found; ++h)
                  for (i64 w = lo[2]; w < hi[2]; ++w)
                    if (src[at(d, h, w)] == out) {
                      dst[at(d, h, w)] += grad;
                      found = true;
                      break;
                    }
              continue;
            }
            if (kind == pool_kind::lp && p_value > 1) {  // lp_grad: grad (x / out)^(p - 1), 0 where out is 0
              for (i64 d = lo[0]; d < hi[0]; ++d)
                for (i64 h = lo[1]; h < hi[1]; ++h)
                  for (i64 w = lo[2]; w < hi[2]; ++w) {
                    const T r = src[at(d, h, w)] / out;
                    dst[at(d, h, w)] += out == T(0) ? T(0) : p_value == 2 ? grad * r : grad * r * r;
                  }
              continue;
            }
            const T v = kind == pool_kind::avg ? grad / T(count_include_pad ? padded_count : count) : grad;
            for (i64 d = lo[0]; d < hi[0]; ++d)
              for (i64 h = lo[1]; h < hi[1]; ++h)
                for (i64 w = lo[2]; w < hi[2]; ++w) dst[at(d, h, w)] += v;
          }
    });
  };
}

template nn_kernel make_convolution_backward<float>(const graph_node&, std::span<const tensor>, std::span<const tensor>);
template nn_kernel make_convolution_backward<double>(const graph_node&, std::span<const tensor>, std::span<const tensor>);
template nn_kernel make_pooling_backward<float>(const graph_node&, std::span<const tensor>, std::span<const tensor>);
template nn_kernel make_pooling_backward<double>(const graph_node&, std::span<const tensor>, std::span<const tensor>);

}  // namespace xsym::kernels
