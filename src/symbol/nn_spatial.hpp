#pragma once
// The spatial layouts of Convolution and Pooling (NC(D)HW or N(D)HWC) as a 3-d geometry, shared
// by their forward kernels (kernels_nn.cpp) and backward kernels (kernels_nn_backward_spatial.cpp).
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

}  // namespace xsym::kernels::nn
