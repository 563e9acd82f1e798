#pragma once
// The shape rules of broadcasting and reductions, after MXNet 1.9 (broadcast_reduce_op.h,
// elemwise_binary_broadcast_op.h), shared by inference (infer_tensor.cpp) and the CPU kernels
// (kernels_broadcast.cpp, kernels_reduce.cpp). A dimension of -1 is unknown (inference only;
// the kernels see known shapes). Errors are MXNet's words; the caller names the node.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "node_params.hpp"
#include "xsym/core/error.hpp"

namespace xsym::detail {

/// mxnet::Tuple's operator<<: "[2,3]".
inline std::string dims_str(const dims& d) {
  std::string s = "[";
  for (std::size_t i = 0; i < d.size(); ++i) s += (i ? "," : "") + std::to_string(d[i]);
  return s + "]";
}

/// PReLU's gamma against its data (MXNet 1.9's expand_shape in leaky_relu-inl.h): gamma's axes,
/// from the last, take data axes 1 and 0 where equal or 1 ((C,) is per channel, (N, C) per
/// sample and channel, (1,) one for all). Returns gamma's extent along data axes 0 and 1 (1:
/// the same value along the axis); throws MXNet's error when gamma does not fit.
inline std::pair<i64, i64> prelu_gamma_extents(const dims& gamma, const dims& data) {
  dims result(data.size(), 1);
  i64 s = i64(gamma.size()) - 1;
  for (i64 i = i64(data.size()) - 1; i >= 0; --i)
    if (s >= 0 && i <= 1 && (data[std::size_t(i)] == gamma[std::size_t(s)] || gamma[std::size_t(s)] == 1))
      result[std::size_t(i)] = gamma[std::size_t(s--)];
  if (s != -1)
    throw error("Cannot broadcast gamma to data. gamma: " + dims_str(gamma) + ", data: " + dims_str(data));
  return {data.empty() ? 1 : result[0], data.size() < 2 ? 1 : result[1]};
}

/// BinaryBroadcastShapeCompact: NumPy's rule, right-aligned, a dimension of 1 stretches. An
/// unknown dimension stays unknown unless the other side fixes it.
inline dims broadcast_shape(const dims& lhs, const dims& rhs) {
  if (lhs == rhs) return lhs;
  const std::size_t n = std::max(lhs.size(), rhs.size());
  dims out(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    const i64 l = i + lhs.size() < n ? 1 : lhs[i + lhs.size() - n];
    const i64 r = i + rhs.size() < n ? 1 : rhs[i + rhs.size() - n];
    if (l < 0 || r < 0) {
      out[i] = l == 1 ? r : r == 1 ? l : std::max(l, r);
      continue;
    }
    if (l != r && l != 1 && r != 1)
      throw error("operands could not be broadcast together with shapes " + dims_str(lhs) + " " + dims_str(rhs));
    out[i] = l == 1 ? r : l;
  }
  return out;
}

/// A reduction's attributes: axis (absent, None or () = every axis), keepdims, exclude.
struct reduce_spec {
  std::optional<dims> axis;
  bool keepdims = false;
  bool exclude = false;
};
inline reduce_spec parse_reduce(const params& p) {
  reduce_spec s;
  s.axis = p.opt_tuple("axis");
  s.keepdims = p.get_bool("keepdims", false);
  s.exclude = p.get_bool("exclude", false);
  return s;
}

/// Which of the `ndim` input axes the reduction folds (ReduceAxesShapeImpl's checks): negative
/// axes count from the end; duplicates and axes out of range are errors.
inline std::vector<bool> reduced_axes(const reduce_spec& s, const dims& in) {
  const std::size_t ndim = in.size();
  if (!s.axis || s.axis->empty()) return std::vector<bool>(ndim, true);
  dims axes = *s.axis;
  for (i64& a : axes)
    if (a < 0) a += i64(ndim);
  std::sort(axes.begin(), axes.end());
  for (std::size_t i = 1; i < axes.size(); ++i)
    if (axes[i - 1] == axes[i]) throw error("Reduction axes have duplicates " + dims_str(*s.axis));
  if (axes.back() >= i64(ndim) || axes.front() < 0)
    throw error("Reduction axis " + dims_str(*s.axis) + " Exceeds input dimensions " + dims_str(in));
  std::vector<bool> mask(ndim, s.exclude);
  for (i64 a : axes) mask[std::size_t(a)] = !s.exclude;
  return mask;
}

/// ReduceAxesShapeImpl: the output shape. Every axis folded without keepdims gives (1,)
/// (MXNet's legacy rule); exclude without keepdims keeps the listed axes.
inline dims reduce_shape(const dims& in, const reduce_spec& s) {
  const std::vector<bool> mask = reduced_axes(s, in);
  dims out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (!mask[i]) out.push_back(in[i]);
    else if (s.keepdims) out.push_back(1);
  }
  if (out.empty()) out.push_back(1);
  return out;
}

/// argmax / argmin: an axis (None: the flattened array, giving (1,)) and keepdims.
struct search_spec {
  std::optional<std::size_t> axis;
  bool keepdims = false;
};
inline search_spec parse_search(const params& p, std::size_t ndim) {
  search_spec s;
  s.keepdims = p.get_bool("keepdims", false);
  if (auto a = p.opt_int("axis")) {
    if (*a >= i64(ndim) || *a < -i64(ndim))
      throw error("axis " + std::to_string(*a) + " exceeds the input dimension of " + std::to_string(ndim));
    s.axis = std::size_t(*a < 0 ? *a + i64(ndim) : *a);
  }
  return s;
}
inline dims search_shape(const dims& in, const search_spec& s) {
  if (!s.axis) return s.keepdims ? dims(in.size(), 1) : dims{1};
  dims out = in;
  if (s.keepdims) out[*s.axis] = 1;
  else out.erase(out.begin() + std::ptrdiff_t(*s.axis));
  if (out.empty()) out.push_back(1);
  return out;
}

/// broadcast_to's target: `shape`, where a 0 keeps the input's dimension (BroadcastToShape).
inline dims broadcast_to_shape(const params& p, const dims& in) {
  auto target = p.opt_tuple("shape");
  if (!target) p.missing("shape", "a tuple such as (2, 3)");
  if (target->size() != in.size())
    throw error("Operand of shape " + dims_str(in) + " cannot be broadcasted to " + dims_str(*target));
  dims out = *target;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (out[i] == 0) out[i] = in[i];
    else if (in[i] >= 0 && in[i] != 1 && in[i] != out[i])
      throw error("Array cannot be broadcasted from " + dims_str(in) + " to " + dims_str(*target));
  }
  return out;
}

/// broadcast_axis (broadcast_axes): each listed axis, of size 1, becomes `size` (BroadcastAxesShape).
inline dims broadcast_axis_shape(const params& p, const dims& in) {
  const dims axes = p.opt_tuple("axis").value_or(dims{});
  const dims sizes = p.opt_tuple("size").value_or(dims{});
  if (axes.size() != sizes.size())
    throw error("Input axis and size should be of same length: axis " + dims_str(axes) + ", size " +
                dims_str(sizes));
  dims out = in;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    const i64 a = axes[i] < 0 ? axes[i] + i64(in.size()) : axes[i];
    if (a < 0 || a >= i64(in.size()))
      throw error("axis " + std::to_string(axes[i]) + " exceeds the input dimension of " +
                  std::to_string(in.size()));
    if (in[std::size_t(a)] >= 0 && in[std::size_t(a)] != 1)
      throw error("Broadcasting axis must have size 1, received input shape " + dims_str(in) + " with axis " +
                  std::to_string(axes[i]));
    if (sizes[i] < 0) throw error("broadcast_axis: size " + std::to_string(sizes[i]) + " is negative");
    out[std::size_t(a)] = sizes[i];
  }
  return out;
}

/// broadcast_like: rhs's shape (same ndim, lhs dims 1 or equal), or, with lhs_axes/rhs_axes,
/// lhs's shape with those axes taken from rhs (BroadcastLikeShape).
inline dims broadcast_like_shape(const params& p, const dims& lhs, const dims& rhs) {
  const auto lhs_axes = p.opt_tuple("lhs_axes"), rhs_axes = p.opt_tuple("rhs_axes");
  if (!lhs_axes || lhs_axes->empty()) {
    if (lhs.size() != rhs.size())
      throw error("Operand of shape " + dims_str(lhs) + " cannot be broadcasted to " + dims_str(rhs));
    for (std::size_t i = 0; i < lhs.size(); ++i)
      if (lhs[i] >= 0 && rhs[i] >= 0 && lhs[i] != 1 && lhs[i] != rhs[i])
        throw error("Array cannot be broadcasted from " + dims_str(lhs) + " to " + dims_str(rhs));
    return rhs;
  }
  if (!rhs_axes || rhs_axes->size() != lhs_axes->size())
    throw error("Input_axis and other_axis size does not match: lhs_axes " + dims_str(*lhs_axes) + ", rhs_axes " +
                dims_str(rhs_axes.value_or(dims{})));
  dims out = lhs;
  for (std::size_t i = 0; i < lhs_axes->size(); ++i) {
    i64 l = (*lhs_axes)[i], r = (*rhs_axes)[i];
    if (l < 0) l += i64(lhs.size());
    if (r < 0) r += i64(rhs.size());
    if (l < 0 || l >= i64(lhs.size()) || r < 0 || r >= i64(rhs.size()))
      throw error("broadcast_like: axis pair (" + std::to_string((*lhs_axes)[i]) + ", " +
                  std::to_string((*rhs_axes)[i]) + ") is out of range for shapes " + dims_str(lhs) + " and " +
                  dims_str(rhs));
    if (lhs[std::size_t(l)] >= 0 && lhs[std::size_t(l)] != 1)
      throw error("Broadcasting axis must have size 1, received input shape " + dims_str(lhs) + " with axis " +
                  std::to_string(l));
    out[std::size_t(l)] = rhs[std::size_t(r)];
  }
  return out;
}

}  // namespace xsym::detail
