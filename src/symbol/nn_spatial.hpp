#pragma once
// The spatial layouts of Convolution and Pooling (NC(D)HW or N(D)HWC) as a 3-d geometry, shared
// by their forward kernels (kernels_nn.cpp) and backward kernels (kernels_nn_backward_spatial.cpp).
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "nn_support.hpp"

namespace xsym::kernels::nn {

// ---- spatial layouts (Convolution, Pooling) -------------------------------------------------

// Where N, C and the spatial axes of an NC(D)HW or N(D)HWC array sit; spatial axes are placed in
// slots 3 - k .. 2 of a 3-d (D, H, W) geometry, the missing outer ones of size 1.
struct layout_axes {
  std::size_t channel = 1;
  std::size_t k = 0;                    // number of spatial axes
  std::array<std::size_t, 3> spatial{};  // their positions, outermost first
};

// The same rule as infer.cpp's: the default NCW / NCHW / NCDHW, or any layout with N first, C
// first or last after N, and the spatial letters in D, H, W order.
inline layout_axes read_layout(const graph_node& n, const params& p, std::size_t ndim) {
  static const char* defaults[] = {"NCW", "NCHW", "NCDHW"};
  if (ndim < 3 || ndim > 5) fail(n, "expected data with 3, 4 or 5 dimensions, got " + std::to_string(ndim));
  std::string layout = p.get_string("layout", defaults[ndim - 3]);
  const std::string canonical = ndim == 3 ? "W" : ndim == 4 ? "HW" : "DHW";
  layout_axes L;
  L.k = ndim - 2;
  std::string order;
  bool ok = layout.size() == ndim && layout[0] == 'N';
  for (std::size_t i = 1; ok && i < layout.size(); ++i) {
    if (layout[i] == 'C')
      L.channel = i;
    else if (canonical.find(layout[i]) != std::string::npos && order.find(layout[i]) == std::string::npos)
      L.spatial[order.size()] = i, order += layout[i];
    else
      ok = false;
  }
  if (!ok || order != canonical || (L.channel != 1 && L.channel != ndim - 1))
    p.bad("layout", layout, "a layout such as " + std::string(defaults[ndim - 3]) + " for " + std::to_string(ndim) +
                                "-d data");
  return L;
}


inline std::vector<i64> row_major_strides(const std::vector<i64>& d) {
  std::vector<i64> s(d.size(), 1);
  for (std::size_t i = d.size(); i-- > 1;) s[i - 1] = s[i] * d[i];
  return s;
}

// A spatial geometry in 3 slots (D, H, W): the unused outer slots have size 1, kernel 1.
struct geometry3 {
  std::array<i64, 3> in{1, 1, 1}, out{1, 1, 1}, kernel{1, 1, 1}, stride{1, 1, 1}, pad{0, 0, 0}, dilate{1, 1, 1};
  std::array<i64, 3> in_step{0, 0, 0}, out_step{0, 0, 0};  // element strides in the arrays
  i64 in_n = 0, in_c = 0, out_n = 0, out_c = 0;
  i64 out_positions() const { return out[0] * out[1] * out[2]; }
};

inline geometry3 make_geometry(const layout_axes& L, const tensor& data, const tensor& output) {
  geometry3 g;
  const auto& id = data.dims.dims();
  const auto& od = output.dims.dims();
  auto is = row_major_strides(id), os = row_major_strides(od);
  g.in_n = is[0];
  g.out_n = os[0];
  g.in_c = is[L.channel];
  g.out_c = os[L.channel];
  for (std::size_t s = 0; s < L.k; ++s) {
    std::size_t slot = 3 - L.k + s;
    g.in[slot] = id[L.spatial[s]];
    g.out[slot] = od[L.spatial[s]];
    g.in_step[slot] = is[L.spatial[s]];
    g.out_step[slot] = os[L.spatial[s]];
  }
  return g;
}

// ---- Pooling --------------------------------------------------------------------------------

enum class pool_kind { max, avg, sum, lp };

/// Pooling's attributes and geometry, read once by its forward and its backward kernel.
struct pooling_plan {
  geometry3 g;
  pool_kind kind = pool_kind::max;
  bool count_include_pad = true;
  int p_value = 1;  // lp
  i64 batch = 0, channels = 0;
};

/// The plan of Pooling node `n` over `data`; `output` (`what` in errors) must have the shape
/// the attributes give.
inline pooling_plan read_pooling(const graph_node& n, const tensor& data, const tensor& output, const std::string& what) {
  params p(n);
  pooling_plan P;
  const bool global = p.get_bool("global_pool", false);
  const std::string convention = get_choice(p, "pooling_convention", "valid", {"valid", "full", "same"});
  const std::string type = get_choice(p, "pool_type", "max", {"max", "avg", "sum", "lp"});
  P.count_include_pad = p.get_bool("count_include_pad", true);
  P.kind = type == "max" ? pool_kind::max : type == "avg" ? pool_kind::avg : type == "sum" ? pool_kind::sum : pool_kind::lp;
  if (P.kind == pool_kind::lp) {
    auto v = p.opt_int("p_value");
    if (!v) p.missing("p_value", "1, 2 or 3, for lp pooling");
    if (*v < 1 || *v > 3) p.bad("p_value", *p.raw("p_value"), "1, 2 or 3");
    P.p_value = int(*v);
  }
  const std::size_t ndim = data.dims.ndim();
  if (ndim < 3 || ndim > 5) fail(n, "data has shape " + data.dims.str() + ", expected 3, 4 or 5 dimensions");
  const std::size_t k = ndim - 2;
  const layout_axes L = read_layout(n, p, ndim);
  if (output.dims.ndim() != ndim)
    fail(n, what + " has shape " + output.dims.str() + ", expected " + std::to_string(ndim) + " dimensions");
  geometry3& g = P.g;
  g = make_geometry(L, data, output);
  std::vector<i64> expected = data.dims.dims();
  if (global) {
    for (std::size_t s = 0; s < 3; ++s) g.kernel[s] = g.in[s];  // stride 1, no padding
    for (std::size_t s = 0; s < k; ++s) expected[L.spatial[s]] = 1;
  } else {
    const dims kernel = kernel_param(p, "(2, 2)");
    if (kernel.size() != k) p.bad("kernel", *p.raw("kernel"), std::to_string(k) + " entries for " + data.dims.str());
    const dims stride = spatial_param(p, "stride", k, 1, false);
    const dims pad = spatial_param(p, "pad", k, 0, true);
    for (std::size_t s = 0; s < k; ++s) {
      const std::size_t slot = 3 - k + s;
      g.kernel[slot] = kernel[s];
      g.stride[slot] = stride[s];
      g.pad[slot] = pad[s];
      const i64 d = g.in[slot];
      i64& o = expected[L.spatial[s]];
      if (convention == "same") {
        o = (d + stride[s] - 1) / stride[s];
      } else {
        const i64 span = d + 2 * pad[s] - kernel[s];
        if (span < 0) fail(n, "the kernel exceeds the padded input " + data.dims.str());
        o = 1 + (convention == "valid" ? span / stride[s] : (span + stride[s] - 1) / stride[s]);
      }
    }
  }
  if (output.dims.dims() != expected)
    fail(n, what + " has shape " + output.dims.str() + ", expected " + shape(expected).str());
  P.batch = data.dims[0];
  P.channels = data.dims[L.channel];
  return P;
}

/// The window of output position (od, oh, ow), clipped to the input: [lo, hi) per slot, its
/// element count, and the count of the window clipped to the padded input (avg's divisor with
/// count_include_pad).
struct pool_window {
  std::array<i64, 3> lo, hi;
  i64 count = 1, padded_count = 1;
};
inline pool_window window_at(const geometry3& g, i64 od, i64 oh, i64 ow) {
  const std::array<i64, 3> start{od * g.stride[0] - g.pad[0], oh * g.stride[1] - g.pad[1], ow * g.stride[2] - g.pad[2]};
  pool_window w;
  for (int s = 0; s < 3; ++s) {
    const i64 end = start[s] + g.kernel[s];
    w.padded_count *= std::max<i64>(std::min(end, g.in[s] + g.pad[s]) - start[s], 0);
    w.lo[s] = std::max<i64>(start[s], 0);
    w.hi[s] = std::min(end, g.in[s]);
    w.count *= std::max<i64>(w.hi[s] - w.lo[s], 0);
  }
  return w;
}

}  // namespace xsym::kernels::nn
