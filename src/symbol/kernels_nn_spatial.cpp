// Convolution's and Pooling's forward kernels (kernels.hpp), in inference mode, after MXNet
// 1.9's CPU operators (convolution-inl.h, pooling-inl.h, pool.h).
//
// Convolution is im2col + a cache-blocked GEMM (nn_support.hpp) whose register tile accumulates
// MR x NR outputs over a slice of K, with the innermost loop contiguous. Work is split across
// OpenMP threads where there is enough of it: (image, group) units of a convolution, or the tiles
// of one GEMM when there are fewer units than threads; (batch, channel) planes of a pooling.
// Scratch memory (the im2col columns) is allocated when the kernel is made, once.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "kernels.hpp"
#include "nn_spatial.hpp"
#include "nn_support.hpp"

namespace xsym::kernels {

namespace {

using namespace nn;

// ---- Convolution ----------------------------------------------------------------------------

template <class T>
struct conv_plan {
  geometry3 g;
  i64 batch = 0, channels = 0, filters = 0, groups = 1;
  i64 cg = 0, fg = 0;  // channels and filters per group
  i64 rows = 0;        // cg * kernel volume: rows of the im2col matrix, columns of a weight row
  i64 positions = 0;   // output positions per image
  bool channel_last = false, bias = true, direct = false;  // direct: 1x1, stride 1, no pad: no im2col
  // Row r of the im2col matrix, in the weight's memory order: its input channel (times the
  // channel stride) and kernel offsets per slot.
  std::vector<i64> row_channel;
  std::vector<std::array<i64, 3>> row_offset;
  bool per_unit_threads = false;  // threads take whole (image, group) units; otherwise they share each GEMM
  int threads = 1;
};

// Columns of image `img` (the group's first channel) for rows [r0, r1): col[r][o] is the input
// element that kernel tap r sees at output position o, or 0 in the padding.
template <class T>
void im2col(const conv_plan<T>& P, const T* img, T* col, i64 r0, i64 r1) {
  const geometry3& g = P.g;
  const i64 O = P.positions;
  for (i64 r = r0; r < r1; ++r) {
    const T* src = img + P.row_channel[size_t(r)];
    T* dst = col + r * O;
    const auto& off = P.row_offset[size_t(r)];
    for (i64 od = 0; od < g.out[0]; ++od) {
      const i64 id = od * g.stride[0] - g.pad[0] + off[0];
      if (id < 0 || id >= g.in[0]) {
        std::fill(dst, dst + g.out[1] * g.out[2], T(0));
        dst += g.out[1] * g.out[2];
        continue;
      }
      for (i64 oh = 0; oh < g.out[1]; ++oh, dst += g.out[2]) {
        const i64 ih = oh * g.stride[1] - g.pad[1] + off[1];
        if (ih < 0 || ih >= g.in[1]) {
          std::fill(dst, dst + g.out[2], T(0));
          continue;
        }
        const T* line = src + id * g.in_step[0] + ih * g.in_step[1];
        // Output columns [lo, hi) read inside the row: iw = ow * stride + iw0 in [0, W).
        const i64 s = g.stride[2], iw0 = off[2] - g.pad[2], W = g.in[2], OW = g.out[2];
        i64 hi = W - 1 - iw0 >= 0 ? std::min(OW, (W - 1 - iw0) / s + 1) : 0;
        i64 lo = iw0 >= 0 ? 0 : std::min(hi, (-iw0 + s - 1) / s);
        std::fill(dst, dst + lo, T(0));
        const i64 step = g.in_step[2];
        if (s == 1 && step == 1) {
          std::memcpy(dst + lo, line + lo + iw0, std::size_t(hi - lo) * sizeof(T));
        } else {
          for (i64 ow = lo; ow < hi; ++ow) dst[ow] = line[(ow * s + iw0) * step];
        }
        std::fill(dst + hi, dst + OW, T(0));
      }
    }
  }
}

}  // namespace

template <class T>
nn_kernel make_convolution(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  params p(n);
  const dims kernel = kernel_param(p, "(3, 3)");
  const std::size_t k = kernel.size();
  const i64 num_filter = p.required_int("num_filter");
  if (num_filter < 1) p.bad("num_filter", *p.raw("num_filter"), "a positive integer");
  const i64 num_group = p.int_at_least("num_group", 1, 1);
  const bool no_bias = p.get_bool("no_bias", false);
  const dims stride = spatial_param(p, "stride", k, 1, false);
  const dims dilate = spatial_param(p, "dilate", k, 1, false);
  const dims pad = spatial_param(p, "pad", k, 0, true);
  expect_counts(n, in, no_bias ? 2 : 3, out, 1);
  const tensor& data = in[0];
  if (data.dims.ndim() != k + 2)
    fail(n, "data has shape " + data.dims.str() + ", expected " + std::to_string(k + 2) + " dimensions for a " +
                std::to_string(k) + "-d kernel");
  const layout_axes L = read_layout(n, p, k + 2);

  expect_ndim(n, out[0], k + 2);
  auto P = std::make_shared<conv_plan<T>>();
  P->g = make_geometry(L, data, out[0]);
  geometry3& g = P->g;
  P->channel_last = L.channel != 1;
  P->batch = data.dims[0];
  P->channels = data.dims[L.channel];
  P->filters = num_filter;
  P->groups = num_group;
  P->bias = !no_bias;
  if (P->channels % num_group != 0 || num_filter % num_group != 0)
    fail(n, "num_group " + std::to_string(num_group) + " must divide the input channels (" +
                std::to_string(P->channels) + ") and num_filter (" + std::to_string(num_filter) + ")");
  P->cg = P->channels / num_group;
  P->fg = num_filter / num_group;
  for (std::size_t s = 0; s < k; ++s) {
    std::size_t slot = 3 - k + s;
    g.kernel[slot] = kernel[s];
    g.stride[slot] = stride[s];
    g.pad[slot] = pad[s];
    g.dilate[slot] = dilate[s];
  }
  // The output shape the attributes give; the executor's must be the same.
  std::vector<i64> expected(k + 2);
  expected[0] = P->batch;
  expected[L.channel] = num_filter;
  for (std::size_t s = 0; s < k; ++s) {
    std::size_t slot = 3 - k + s;
    i64 span = g.dilate[slot] * (g.kernel[slot] - 1) + 1;
    if (span > g.in[slot] + 2 * g.pad[slot]) fail(n, "the dilated kernel exceeds the padded input " + data.dims.str());
    expected[L.spatial[s]] = (g.in[slot] + 2 * g.pad[slot] - span) / g.stride[slot] + 1;
  }
  if (out[0].dims.dims() != expected)
    fail(n, "output 0 has shape " + out[0].dims.str() + ", expected " + shape(expected).str());
  const i64 volume = g.kernel[0] * g.kernel[1] * g.kernel[2];
  P->rows = P->cg * volume;
  P->positions = g.out_positions();
  expect_size(n, in[1], std::size_t(num_filter * P->rows), "weight (input 1)");
  if (!no_bias) expect_size(n, in[2], std::size_t(num_filter), "bias (input 2)");

  // The weight of one filter is (cg, kernel...) in the data's layout: C first, or C last.
  P->row_channel.resize(std::size_t(P->rows));
  P->row_offset.resize(std::size_t(P->rows));
  for (i64 r = 0; r < P->rows; ++r) {
    i64 c, tap;
    if (P->channel_last)
      c = r % P->cg, tap = r / P->cg;
    else
      c = r / volume, tap = r % volume;
    std::array<i64, 3> t{tap / (g.kernel[1] * g.kernel[2]), tap / g.kernel[2] % g.kernel[1], tap % g.kernel[2]};
    P->row_channel[std::size_t(r)] = c * g.in_c;
    P->row_offset[std::size_t(r)] = {t[0] * g.dilate[0], t[1] * g.dilate[1], t[2] * g.dilate[2]};
  }
  P->direct = !P->channel_last && volume == 1 && g.stride == std::array<i64, 3>{1, 1, 1} &&
              g.pad == std::array<i64, 3>{0, 0, 0};
  const i64 work = P->batch * num_filter * P->rows * P->positions;
  P->threads = max_threads();
  P->per_unit_threads = P->threads > 1 && P->batch * num_group >= P->threads && work >= parallel_work;
  const std::size_t slots = std::size_t(P->per_unit_threads ? P->threads : 1);
  const std::size_t col_size = P->direct ? 0 : std::size_t(P->rows * P->positions);
  const std::size_t tmp_size = P->channel_last ? std::size_t(P->fg * P->positions) : 0;
  auto scratch = std::make_shared<std::vector<T>>(slots * (col_size + tmp_size));

  return [P, scratch, col_size, tmp_size](std::span<const tensor> inputs, std::span<const tensor> outputs) {
    const conv_plan<T>& c = *P;
    const T* x = inputs[0].as<T>();
    const T* w = inputs[1].as<T>();
    const T* b = c.bias ? inputs[2].as<T>() : nullptr;
    T* y = outputs[0].as<T>();
    const i64 O = c.positions;
    const bool inner_parallel = !c.per_unit_threads;
    // One image's group: im2col, then the group's filters times the columns.
    auto unit = [&](i64 u, int slot) {
      const i64 n = u / c.groups, gr = u % c.groups;
      T* col = scratch->data() + std::size_t(slot) * (col_size + tmp_size);
      T* tmp = col + col_size;
      const T* img = x + n * c.g.in_n + gr * c.cg * c.g.in_c;
      const T* B = img;
      if (!c.direct) {
        parallel_for(c.rows, inner_parallel && c.rows * O >= parallel_work, c.threads,
                     [&](i64 r, int) { im2col(c, img, col, r, r + 1); });
        B = col;
      }
      // C: the group's filters x positions, straight into the output when C comes first.
      T* C = c.channel_last ? tmp : y + n * c.g.out_n + gr * c.fg * c.g.out_c;
      for (i64 f = 0; f < c.fg; ++f) std::fill(C + f * O, C + (f + 1) * O, b ? b[gr * c.fg + f] : T(0));
      gemm_nn(c.fg, O, c.rows, w + gr * c.fg * c.rows, c.rows, B, O, C, O, inner_parallel);
      if (c.channel_last) {
        T* dst = y + n * c.g.out_n + gr * c.fg;
        for (i64 o = 0; o < O; ++o)
          for (i64 f = 0; f < c.fg; ++f) dst[o * c.filters + f] = tmp[f * O + o];
      }
    };
    parallel_for(c.batch * c.groups, c.per_unit_threads, c.threads, unit);
  };
}

// ---- Pooling --------------------------------------------------------------------------------

template <class T>
nn_kernel make_pooling(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  expect_counts(n, in, 1, out, 1);
  const pooling_plan P = read_pooling(n, in[0], out[0], "output 0");
  const geometry3 g = P.g;
  const i64 batch = P.batch, channels = P.channels;
  const pool_kind kind = P.kind;
  const bool count_include_pad = P.count_include_pad;
  const int p_value = P.p_value;
  const bool workspace = out.size() > 1;  // MKLDNN's max-pooling workspace: written as zeros

  return [g, batch, channels, kind, count_include_pad, p_value, workspace](std::span<const tensor> inputs,
                                                                         std::span<const tensor> outputs) {
    const T* x = inputs[0].as<T>();
    T* y = outputs[0].as<T>();
    const i64 planes = batch * channels;
    const i64 cost = g.out_positions() * g.kernel[0] * g.kernel[1] * g.kernel[2];
    parallel_for(planes, planes * cost >= parallel_work, max_threads(), [&](i64 plane, int) {
      const i64 nn = plane / channels, c = plane % channels;
      const T* src = x + nn * g.in_n + c * g.in_c;
      T* dst = y + nn * g.out_n + c * g.out_c;
      for (i64 od = 0; od < g.out[0]; ++od)
        for (i64 oh = 0; oh < g.out[1]; ++oh)
          for (i64 ow = 0; ow < g.out[2]; ++ow) {
            const auto [lo, hi, count, padded_count] = window_at(g, od, oh, ow);
            T result;
            if (kind == pool_kind::max) {
              T m = std::numeric_limits<T>::lowest();
              for (i64 d = lo[0]; d < hi[0]; ++d)
                for (i64 h = lo[1]; h < hi[1]; ++h) {
                  const T* line = src + d * g.in_step[0] + h * g.in_step[1];
                  for (i64 w = lo[2]; w < hi[2]; ++w) {
                    const T v = line[w * g.in_step[2]];
                    m = v > m ? v : m;
                  }
                }
              result = m;
            } else {
              T sum = 0;
              for (i64 d = lo[0]; d < hi[0]; ++d)
                for (i64 h = lo[1]; h < hi[1]; ++h) {
                  const T* line = src + d * g.in_step[0] + h * g.in_step[1];
                  for (i64 w = lo[2]; w < hi[2]; ++w) {
                    const T v = line[w * g.in_step[2]];
                    sum += kind != pool_kind::lp || p_value == 1 ? v : p_value == 2 ? v * v : v * v * v;
                  }
                }
              if (kind == pool_kind::avg) {
                const i64 size = count_include_pad ? padded_count : count;
                result = size > 0 ? sum / T(size) : std::numeric_limits<T>::quiet_NaN();
              } else if (kind == pool_kind::lp) {
                result = p_value == 1 ? sum : p_value == 2 ? std::sqrt(sum) : std::cbrt(sum);
              } else {
                result = sum;
              }
            }
            dst[od * g.out_step[0] + oh * g.out_step[1] + ow * g.out_step[2]] = result;
          }
    });
    if (workspace && outputs[1].data) std::memset(outputs[1].data, 0, outputs[1].size() * dtype_size(outputs[1].type));
  };
}

template nn_kernel make_convolution<float>(const graph_node&, std::span<const tensor>, std::span<const tensor>);
template nn_kernel make_convolution<double>(const graph_node&, std::span<const tensor>, std::span<const tensor>);
template nn_kernel make_pooling<float>(const graph_node&, std::span<const tensor>, std::span<const tensor>);
template nn_kernel make_pooling<double>(const graph_node&, std::span<const tensor>, std::span<const tensor>);

}  // namespace xsym::kernels
