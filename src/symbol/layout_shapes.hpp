#pragma once
// The layout ops' shapes and index maps, after MXNet 1.9 (matrix_op-inl.h, indexing_op.h):
// transpose, flip (reverse), slice, slice_axis, slice_like, tile, repeat, expand_dims, squeeze,
// stack, where, one_hot, pick and take. Inference
// (infer_layout.cpp) and the CPU kernels (kernels_layout.cpp) share them. Each gathering op is a
// `gather`: out[i] = in[base + Σ_a idx_a · strides[a]], idx the row-major index of i in `space`
// (the output's shape, or a finer one whose product is the same: tile's (reps, dim) pairs).
// Errors are MXNet's words; the caller names the node.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "node_params.hpp"
#include "tensor_shapes.hpp"
#include "xsym/core/error.hpp"

namespace xsym::detail {

struct gather {
  dims space;    // the iteration space, row-major = the output's element order
  dims strides;  // the input's stride per space axis (0: the axis repeats the input)
  i64 base = 0;  // the input offset of output element 0
  dims out;      // the output's shape
  /// Every input element is read at most once (a gradient can be scattered, not summed).
  bool injective() const {
    for (std::size_t a = 0; a < space.size(); ++a)
      if (strides[a] == 0 && space[a] > 1) return false;
    return true;
  }
};

inline dims row_major_strides(const dims& d) {
  dims s(d.size(), 1);
  for (std::size_t i = d.size(); i-- > 1;) s[i - 1] = s[i] * d[i];
  return s;
}

/// The most outputs SliceChannel makes: a bound on what a hostile file can ask for.
inline constexpr i64 max_split_outputs = 4096;

inline std::size_t layout_axis(i64 axis, std::size_t ndim, const char* what = "axis") {
  if (axis < -i64(ndim) || axis >= i64(ndim))
    throw error(std::string(what) + " " + std::to_string(axis) + " exceeds the input dimension of " +
                std::to_string(ndim));
  return std::size_t(axis < 0 ? axis + i64(ndim) : axis);
}

/// transpose: `axes` a permutation (absent or (): reversed axes).
inline gather transpose_gather(const params& p, const dims& in) {
  const std::size_t n = in.size();
  dims axes = p.opt_tuple("axes").value_or(dims{});
  if (axes.empty())
    for (std::size_t a = n; a-- > 0;) axes.push_back(i64(a));
  if (axes.size() != n)
    throw error("transpose: axes " + dims_str(axes) + " must list each of the " + std::to_string(n) +
                " axes of the input " + dims_str(in) + " once");
  std::vector<bool> seen(n, false);
  const dims s = row_major_strides(in);
  gather g;
  for (i64 a : axes) {
    const std::size_t k = layout_axis(a, n);
    if (seen[k]) throw error("transpose: axes " + dims_str(axes) + " repeat axis " + std::to_string(a));
    seen[k] = true;
    g.out.push_back(in[k]);
    g.strides.push_back(s[k]);
  }
  g.space = g.out;
  return g;
}

/// flip / reverse: the listed axes run backwards.
inline gather flip_gather(const params& p, const dims& in) {
  auto axes = p.opt_tuple("axis");
  if (!axes) p.missing("axis", "an axis or a tuple of axes");
  gather g{in, row_major_strides(in), 0, in};
  std::vector<bool> done(in.size(), false);
  for (i64 a : *axes) {
    const std::size_t k = layout_axis(a, in.size());
    if (done[k]) throw error("reverse: axis " + std::to_string(a) + " is listed twice");
    done[k] = true;
    if (in[k] > 0) g.base += (in[k] - 1) * g.strides[k];
    g.strides[k] = -g.strides[k];
  }
  return g;
}

/// A tuple whose entries may be None ("(None, 2)"): MXNet's begin/end/step of slice.
inline std::vector<std::optional<i64>> optional_tuple(const params& p, const char* key) {
  std::vector<std::optional<i64>> out;
  auto raw = p.raw(key);
  if (!raw) return out;
  std::string_view s = trim(*raw);
  if (s.size() >= 2 && (s.front() == '(' || s.front() == '[')) s = trim(s.substr(1, s.size() - 2));
  while (!s.empty()) {
    const auto comma = s.find(',');
    const std::string_view item = trim(s.substr(0, comma));
    if (item == "None") {
      out.emplace_back();
    } else {
      auto v = parse_int(item);
      if (!v) p.bad(key, *raw, "a tuple of integers or None such as (0, None)");
      out.emplace_back(*v);
    }
    if (comma == std::string_view::npos) break;
    s = trim(s.substr(comma + 1));
  }
  return out;
}

/// One axis of a slice (MXNet's GetIndexRange): from begin by step to before end, clipped to
/// [0, dim); returns the length and sets `start`.
inline i64 slice_range(i64 dim, std::optional<i64> begin, std::optional<i64> end, i64 step, i64& start) {
  if (step == 0) throw error("slice step cannot be 0");
  i64 b, e;
  if (step > 0) {
    b = begin.value_or(0), e = end.value_or(dim);
    if (b < 0) b += dim;
    if (e < 0) e += dim;
    b = std::clamp<i64>(b, 0, dim), e = std::clamp<i64>(e, 0, dim);
    start = b;
    return e > b ? (e - b + step - 1) / step : 0;
  }
  b = begin.value_or(dim - 1), e = end.value_or(-1 - dim);
  if (b < 0) b += dim;
  if (e < 0) e += dim;  // an end of None is -1 here: before element 0
  b = std::clamp<i64>(b, -1, dim - 1), e = std::clamp<i64>(e, -1, dim - 1);
  start = b;
  return b > e ? (b - e + (-step) - 1) / (-step) : 0;
}

/// slice: begin, end (required, entries may be None) and step over the leading axes.
inline gather slice_gather(const params& p, const dims& in) {
  if (!p.raw("begin")) p.missing("begin", "a tuple such as (0, 1)");
  if (!p.raw("end")) p.missing("end", "a tuple such as (2, None)");
  const auto begin = optional_tuple(p, "begin"), end = optional_tuple(p, "end"), step = optional_tuple(p, "step");
  if (begin.size() != end.size() || begin.size() > in.size() || (!step.empty() && step.size() != begin.size()))
    throw error("slice: begin " + std::string(*p.raw("begin")) + " and end " + std::string(*p.raw("end")) +
                (step.empty() ? "" : " and step " + std::string(*p.raw("step"))) +
                " must have one entry each for at most the " + std::to_string(in.size()) + " axes of " +
                dims_str(in));
  gather g{in, row_major_strides(in), 0, in};
  for (std::size_t a = 0; a < begin.size(); ++a) {
    const i64 st = step.empty() || !step[a] ? 1 : *step[a];
    if (st == 0) throw error("slice op step[" + std::to_string(a) + "] cannot be 0");
    i64 start = 0;
    g.out[a] = slice_range(in[a], begin[a], end[a], st, start);
    if (g.out[a] > 0) g.base += start * g.strides[a];
    g.strides[a] *= st;
  }
  g.space = g.out;
  return g;
}

/// slice_axis: axis, begin, end (None: the whole axis).
inline gather slice_axis_gather(const params& p, const dims& in) {
  const std::size_t axis = layout_axis(p.required_int("axis"), in.size());
  const i64 dim = in[axis];
  i64 b = p.get_int("begin", 0);
  std::optional<i64> e = p.opt_int("end");
  if (b < 0) b += dim;
  i64 end = e ? (*e < 0 ? *e + dim : *e) : dim;
  if (b < 0 || b > dim || end < 0 || end > dim || b >= end)
    throw error("slice_axis: the range [" + std::to_string(p.get_int("begin", 0)) + ", " +
                (e ? std::to_string(*e) : std::string("None")) + ") of axis " + std::to_string(axis) +
                " is empty or exceeds its size " + std::to_string(dim));
  gather g{in, row_major_strides(in), 0, in};
  g.base = b * g.strides[axis];
  g.out[axis] = end - b;
  g.space = g.out;
  return g;
}

/// tile: reps, aligned right (NumPy's rule): the input seen as (1, d) pairs stretched to (rep, d).
inline gather tile_gather(const params& p, const dims& in) {
  auto reps = p.opt_tuple("reps");
  if (!reps) p.missing("reps", "a tuple such as (2, 3)");
  for (i64 r : *reps)
    if (r < 0) p.bad("reps", *p.raw("reps"), "non-negative entries");
  const std::size_t n = std::max(in.size(), reps->size());
  dims d(n, 1), r(n, 1);
  std::copy(in.begin(), in.end(), d.begin() + std::ptrdiff_t(n - in.size()));
  std::copy(reps->begin(), reps->end(), r.begin() + std::ptrdiff_t(n - reps->size()));
  const dims s = row_major_strides(d);
  gather g;
  for (std::size_t a = 0; a < n; ++a) {
    g.space.push_back(r[a]), g.strides.push_back(0);
    g.space.push_back(d[a]), g.strides.push_back(s[a]);
    g.out.push_back(r[a] * d[a]);
  }
  return g;
}

/// repeat: each element `repeats` times along `axis` (None: of the flattened input).
inline gather repeat_gather(const params& p, const dims& in) {
  const i64 repeats = p.required_int("repeats");
  if (repeats < 0) p.bad("repeats", *p.raw("repeats"), "a non-negative integer");
  auto axis = p.opt_int("axis");
  dims d = in;
  std::size_t k = 0;
  if (!axis) {
    i64 size = 1;
    for (i64 x : in) size *= x;
    d = {size};
  } else {
    k = layout_axis(*axis, in.size());
  }
  const dims s = row_major_strides(d);
  gather g;
  g.out = d;
  g.out[k] *= repeats;
  for (std::size_t a = 0; a < d.size(); ++a) {
    g.space.push_back(d[a]), g.strides.push_back(s[a]);
    if (a == k) g.space.push_back(repeats), g.strides.push_back(0);
  }
  return g;
}

/// expand_dims: a new axis of size 1 at `axis` (in [-ndim-1, ndim]).
inline dims expand_dims_shape(const params& p, const dims& in) {
  const i64 axis = p.required_int("axis");
  const i64 n = i64(in.size());
  if (axis < -n - 1 || axis > n)
    throw error("axis " + std::to_string(axis) + " is out of the range [" + std::to_string(-n - 1) + ", " +
                std::to_string(n) + "] of expand_dims on " + dims_str(in));
  dims out = in;
  out.insert(out.begin() + (axis < 0 ? axis + n + 1 : axis), 1);
  return out;
}

/// squeeze: drops the listed axes, which must have size 1 (none listed: every axis of size 1);
/// nothing left gives (1,).
inline dims squeeze_shape(const params& p, const dims& in) {
  std::vector<bool> drop(in.size(), false);
  if (auto axes = p.opt_tuple("axis"); axes && !axes->empty()) {
    for (i64 a : *axes) {
      const std::size_t k = layout_axis(a, in.size());
      if (in[k] != 1)
        throw error("cannot select an axis to squeeze out which has size=" + std::to_string(in[k]) +
                    " not equal to one: axis " + std::to_string(a) + " of " + dims_str(in));
      drop[k] = true;
    }
  } else {
    for (std::size_t k = 0; k < in.size(); ++k) drop[k] = in[k] == 1;
  }
  dims out;
  for (std::size_t k = 0; k < in.size(); ++k)
    if (!drop[k]) out.push_back(in[k]);
  if (out.empty()) out.push_back(1);
  return out;
}

/// stack: num_args inputs of one shape, joined along a new axis.
inline dims stack_shape(const params& p, const std::vector<dims>& in) {
  if (in.empty()) throw error("stack needs at least one input");
  for (std::size_t i = 1; i < in.size(); ++i)
    if (in[i] != in[0])
      throw error("stack: input " + std::to_string(i) + " has shape " + dims_str(in[i]) + " but input 0 has " +
                  dims_str(in[0]) + "; all inputs must have one shape");
  const i64 axis = p.get_int("axis", 0), n = i64(in[0].size());
  if (axis < -n - 1 || axis > n)
    throw error("axis " + std::to_string(axis) + " is out of the range [" + std::to_string(-n - 1) + ", " +
                std::to_string(n) + "] of stack on " + dims_str(in[0]));
  dims out = in[0];
  out.insert(out.begin() + (axis < 0 ? axis + n + 1 : axis), i64(in.size()));
  return out;
}

/// where: condition of the data's shape, or 1-D with the data's first dimension.
/// SliceChannel (split): `num_outputs` equal chunks of `axis` (default 1); squeeze_axis drops the
/// axis, which then must have exactly num_outputs entries (MXNet's SliceChannelOp).
struct channel_split {
  std::size_t axis = 1;
  i64 outputs = 1, chunk = 1;  // chunk: each output's extent along the axis
  dims out;                    // each output's shape
};
inline channel_split slice_channel_split(const params& p, const dims& in) {
  channel_split s;
  s.outputs = p.required_int("num_outputs");
  if (s.outputs < 1 || s.outputs > max_split_outputs)
    p.bad("num_outputs", *p.raw("num_outputs"), "an integer in [1, " + std::to_string(max_split_outputs) + "]");
  if (in.empty()) throw error("SliceChannel: the data must have at least one axis");
  s.axis = layout_axis(p.get_int("axis", 1), in.size());
  const i64 d = in[s.axis];
  if (d % s.outputs != 0)
    throw error("You are trying to split the " + std::to_string(s.axis) + "-th axis of input tensor with shape " +
                dims_str(in) + " into num_outputs=" + std::to_string(s.outputs) +
                " evenly sized chunks, but this is not possible because " + std::to_string(s.outputs) +
                " does not evenly divide " + std::to_string(d));
  s.chunk = d / s.outputs;
  s.out = in;
  s.out[s.axis] = s.chunk;
  if (p.get_bool("squeeze_axis", false)) {
    if (s.chunk != 1)
      throw error("If squeeze axis is True, the dimension of the axis to be squeezed must be the same as the number "
                  "of outputs: axis " + std::to_string(s.axis) + " has " + std::to_string(d) + ", num_outputs is " +
                  std::to_string(s.outputs));
    s.out.erase(s.out.begin() + std::ptrdiff_t(s.axis));
  }
  return s;
}

inline dims where_shape(const dims& cond, const dims& x, const dims& y) {
  if (x != y)
    throw error("where: x " + dims_str(x) + " and y " + dims_str(y) + " must have the same shape");
  if (cond != x && !(cond.size() == 1 && !x.empty() && cond[0] == x[0]))
    throw error("where: condition " + dims_str(cond) + " must have the shape of x " + dims_str(x) +
                " or be 1-D with its first dimension");
  return x;
}

// ---- indexing: one_hot, pick, take, slice_like ----------------------------------------------

/// one_hot: indices' shape + (depth,).
inline dims one_hot_shape(const params& p, const dims& indices) {
  const i64 depth = p.required_int("depth");
  if (depth < 0) p.bad("depth", *p.raw("depth"), "a non-negative integer");
  dims out = indices;
  out.push_back(depth);
  return out;
}

/// pick: the data without `axis` (kept as 1 with keepdims); the index has the output's shape.
inline std::size_t pick_axis(const params& p, const dims& data) {
  return layout_axis(p.get_int("axis", -1), data.size());
}
inline dims pick_shape(const params& p, const dims& data, const dims& index) {
  const std::size_t axis = pick_axis(p, data);
  dims out = data, dropped = data;
  out[axis] = 1;
  dropped.erase(dropped.begin() + std::ptrdiff_t(axis));
  if (dropped.empty()) dropped.push_back(1);
  if (index != out && index != dropped)
    throw error("pick: index " + dims_str(index) + " must have the shape " + dims_str(dropped) + " (or " +
                dims_str(out) + " with keepdims) of data " + dims_str(data) + " without axis " +
                std::to_string(axis));
  return p.get_bool("keepdims", false) ? out : dropped;
}

/// take: a's axes before `axis`, the indices' shape, a's axes after it.
inline dims take_shape(const params& p, const dims& a, const dims& indices) {
  const std::size_t axis = layout_axis(p.get_int("axis", 0), a.size());
  dims out(a.begin(), a.begin() + std::ptrdiff_t(axis));
  out.insert(out.end(), indices.begin(), indices.end());
  out.insert(out.end(), a.begin() + std::ptrdiff_t(axis) + 1, a.end());
  return out;
}

/// slice_like: data cut to shape_like's size on `axes` (none listed: every axis), from 0.
inline gather slice_like_gather(const params& p, const dims& data, const dims& like) {
  const dims axes = p.opt_tuple("axes").value_or(dims{});
  gather g{data, row_major_strides(data), 0, data};
  auto cut = [&](std::size_t a, std::size_t b) {
    if (like[b] > data[a])
      throw error("slice_like: shape_like " + dims_str(like) + " is larger than data " + dims_str(data) +
                  " on axis " + std::to_string(a));
    g.out[a] = like[b];
  };
  if (axes.empty()) {
    if (like.size() != data.size())
      throw error("slice_like: data " + dims_str(data) + " and shape_like " + dims_str(like) +
                  " need the same number of dimensions when no axes are given");
    for (std::size_t a = 0; a < data.size(); ++a) cut(a, a);
  } else {
    for (i64 x : axes) {
      const std::size_t a = layout_axis(x, data.size());
      if (a >= like.size())
        throw error("slice_like: axis " + std::to_string(x) + " is beyond shape_like " + dims_str(like));
      cut(a, a);
    }
  }
  g.space = g.out;
  return g;
}

}  // namespace xsym::detail
