// Reductions on the CPU, forward and backward (MXNet 1.9's broadcast_reduce_op_value.cc and
// mshadow's reducers): sum, mean, prod, max, min, nansum, nanprod, norm (ord 1 and 2), argmax
// and argmin, with axis, keepdims and exclude. Each output element folds its group in an order
// fixed by the shape, on one thread, so the bits do not depend on the thread count (float sums
// keep eight running sums, see lane_sum); float32 accumulates in double. max and min propagate NaN (mshadow's red::maximum); argmax and argmin give the first
// index of the extreme, a NaN counting as the extreme (NumPy's rule), as an index in the data's
// dtype (MXNet's legacy argmax).
//
// Gradients (MXNet's ReduceAxesBackwardUseInOut with the same element functions): sum the head
// gradient broadcast back; mean that over the count; prod g·out/x; max and min g where x equals
// the result (every tie gets it); nansum g where x is not NaN; nanprod g·out/x there; norm ord 2
// g·x/out, ord 1 g·sign(x).
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "kernels.hpp"
#include "nn_support.hpp"
#include "tensor_loops.hpp"
#include "tensor_shapes.hpp"
#include "xsym/ops/arithmetic.hpp"

namespace xsym::kernels {

namespace {

using namespace nn;
using loops::broadcast_strides;
using loops::contiguous_strides;
using loops::offsets;

enum class reducer { sum, mean, prod, max, min, nansum, nanprod, norm, argmax, argmin };

struct reducer_name {
  std::string_view name;
  reducer r;
};
constexpr reducer_name reducers[] = {
    {ops::sum_reduction::names.mxnet, reducer::sum},         {ops::mean_reduction::names.mxnet, reducer::mean},
    {ops::prod_reduction::names.mxnet, reducer::prod},       {ops::max_reduction::names.mxnet, reducer::max},
    {ops::min_reduction::names.mxnet, reducer::min},         {ops::nansum_reduction::names.mxnet, reducer::nansum},
    {ops::nanprod_reduction::names.mxnet, reducer::nanprod}, {ops::norm::names.mxnet, reducer::norm},
    {ops::argmax::names.mxnet, reducer::argmax},             {ops::argmin::names.mxnet, reducer::argmin},
};

// By the op's registered name (op_name: an alias such as sum_axis is the same op_def).
const reducer_name* find_reducer(std::string_view op) {
  for (const auto& r : reducers)
    if (r.name == op) return &r;
  return nullptr;
}

template <class T>
bool is_nan(T x) {
  if constexpr (std::is_floating_point_v<T>) return std::isnan(x);
  else return false;
}

// The geometry: the data's shape, which axes fold, and the output's shape with keepdims.
struct fold_geometry {
  dims data, kept;        // kept: the output's shape with every folded axis as 1
  std::vector<bool> folded;
  i64 count = 1;          // elements per output element
};

fold_geometry geometry(const graph_node& n, const dims& data) {
  fold_geometry g;
  g.data = data;
  const std::string_view forward = forward_name(op_name(n));
  if (forward == ops::argmax::names.mxnet || forward == ops::argmin::names.mxnet) {
    const auto s = detail::parse_search(params(n), data.size());
    g.folded.assign(data.size(), !s.axis);
    if (s.axis) g.folded[*s.axis] = true;
  } else {
    g.folded = detail::reduced_axes(detail::parse_reduce(params(n)), data);
  }
  g.kept = data;
  for (std::size_t a = 0; a < data.size(); ++a)
    if (g.folded[a]) g.count *= data[a], g.kept[a] = 1;
  return g;
}

std::size_t elements(const dims& d) {
  i64 p = 1;
  for (i64 x : d) p *= x;
  return std::size_t(p);
}

// ---- forward --------------------------------------------------------------------------------

// A float sum over a group: eight running sums, element t of a contiguous row going to sum
// t mod 8, added pairwise at the end. The order is fixed by the shape alone (the same bits at
// any thread count), and the loop vectorizes and is not one long chain of dependent adds.
// Elements [0, len) of a contiguous row, added to the running sums: in eights, the rest to sum 0.
// A row added in pieces whose lengths (but the last's) are multiples of 8 gets the same sums.
template <class T, class A>
void add_to_lanes(A* lanes, const T* p, i64 len) {
  i64 t = 0;
  for (; t + 8 <= len; t += 8)
    for (int k = 0; k < 8; ++k) lanes[k] += A(p[t + k]);
  for (; t < len; ++t) lanes[0] += A(p[t]);
}
template <class A>
A combine_lanes(const A* lanes) {
  return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

template <class T>
loops::sum_type<T> lane_sum(const loops::reduction_loop<1>& loop, const T* x, i64 j) {
  using A = loops::sum_type<T>;
  A lanes[8] = {};
  loop.visit_rows(j, [&](const offsets<1>& o, i64 len, const offsets<1>& step) {
    const T* p = x + o[0];
    if (step[0] == 1) {
      add_to_lanes(lanes, p, len);
      return;
    }
    for (i64 t = 0; t < len; ++t) lanes[0] += A(p[t * step[0]]);
  });
  return combine_lanes(lanes);
}

// The row fold of a float sum or mean (kernels.hpp, row_reduction): the same steps as
// fold_group's for a group that is one contiguous row.
template <class T>
void add_row_piece(const void* piece, i64 len, double* lanes) {
  add_to_lanes(lanes, static_cast<const T*>(piece), len);
}
template <class T>
void finish_row(const double* lanes, i64 count, bool mean, void* out, i64 row) {
  const double s = combine_lanes(lanes);
  static_cast<T*>(out)[row] = mean ? T(s / double(count)) : T(s);
}

template <class T>
T fold_group(reducer r, int ord, const loops::reduction_loop<1>& loop, const T* x, i64 j, i64 count) {
  using A = loops::sum_type<T>;
  switch (r) {
    case reducer::sum:
    case reducer::mean:
      if constexpr (std::is_floating_point_v<T>) {
        const A s = lane_sum<T>(loop, x, j);
        return r == reducer::mean ? T(s / A(count)) : T(s);
      }
      [[fallthrough]];
    case reducer::nansum: {
      A s = 0;
      loop.visit(j, [&](const offsets<1>& o, i64) {
        const T v = x[o[0]];
        if (r == reducer::nansum && is_nan(v)) return;
        if constexpr (std::is_integral_v<T>) s = arith::add(s, v);
        else s += v;
      });
      if (r != reducer::mean) return T(s);
      if constexpr (std::is_integral_v<T>) return arith::div(T(s), T(count));
      else return T(s / A(count));
    }
    case reducer::prod:
    case reducer::nanprod: {
      A s = 1;
      loop.visit(j, [&](const offsets<1>& o, i64) {
        const T v = x[o[0]];
        if (r == reducer::nanprod && is_nan(v)) return;
        if constexpr (std::is_integral_v<T>) s = arith::mul(s, v);
        else s *= v;
      });
      return T(s);
    }
    case reducer::max:
    case reducer::min: {
      // mshadow's red::maximum / red::minimum: a NaN, once met, stays.
      T s = r == reducer::max ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
      loop.visit(j, [&](const offsets<1>& o, i64) {
        const T v = x[o[0]];
        if (is_nan(s)) return;
        if (r == reducer::max ? !(s >= v) : !(s <= v)) s = v;
      });
      return s;
    }
    case reducer::norm: {
      if constexpr (std::is_integral_v<T>) {
        return T(0);  // refused at bind
      } else if (ord == 1) {
        A s = 0;
        loop.visit(j, [&](const offsets<1>& o, i64) { s += std::fabs(x[o[0]]); });
        return T(s);
      } else {
        // LAPACK's nrm2: a running scale and scaled sum of squares, so that no square overflows.
        A scale = 0, ssq = 1;
        loop.visit(j, [&](const offsets<1>& o, i64) {
          const A v = std::fabs(A(x[o[0]]));
          if (v == 0) return;
          if (scale < v || std::isnan(v)) {
            ssq = 1 + ssq * (scale / v) * (scale / v);
            scale = v;
          } else {
            ssq += (v / scale) * (v / scale);
          }
        });
        return T(scale * std::sqrt(ssq));
      }
    }
    case reducer::argmax:
    case reducer::argmin: {
      T best{};
      i64 at = -1;
      loop.visit(j, [&](const offsets<1>& o, i64 r_index) {
        const T v = x[o[0]];
        if (at >= 0 && is_nan(best)) return;
        if (at < 0 || is_nan(v) || (r == reducer::argmax ? v > best : v < best)) best = v, at = r_index;
      });
      return T(at < 0 ? 0 : at);
    }
  }
  return T(0);
}

nn_kernel make_forward(const graph_node& n, reducer r, std::span<const tensor> in, std::span<const tensor> out) {
  expect_counts(n, in, 1, out, 1);
  const dtype t = in[0].type;
  if (out[0].type != t)
    fail(n, "output 0 is " + std::string(dtype_name(out[0].type)) + " but the data is " +
                std::string(dtype_name(t)));
  const fold_geometry g = geometry(n, dims_of(in[0]));
  expect_size(n, out[0], elements(g.kept), "output 0");
  int ord = 2;
  if (r == reducer::norm) {
    if (!runs(t)) unsupported_dtype(n, t);
    ord = int(params(n).get_int("ord", 2));
    if (ord != 1 && ord != 2) params(n).bad("ord", *params(n).raw("ord"), "1 or 2");
  }
  const loops::reduction_loop<1> loop(g.data, g.folded, {contiguous_strides(g.data)});
  nn_kernel k;
  visit_element_type(t, [&]<class T>(T) {
    k = [r, ord, loop, count = g.count](std::span<const tensor> inputs, std::span<const tensor> outputs) {
      const T* x = inputs[0].as<T>();
      T* y = outputs[0].as<T>();
      loop.for_each_group([&](i64 j) { y[j] = fold_group<T>(r, ord, loop, x, j, count); });
    };
  });
  return k;
}

// ---- backward: in (ograd, out, data), out (d data) --------------------------------------------

template <class T>
nn_kernel backward_kernel(reducer r, int ord, const fold_geometry& g) {
  const dims sy = broadcast_strides(g.kept, g.data);  // the head gradient and the output
  const dims sx = contiguous_strides(g.data);
  return [r, ord, g, sy, sx](std::span<const tensor> in, std::span<const tensor> out) {
    const T* gy = in[0].as<T>();
    const T* y = in[1].as<T>();
    const T* x = in[2].as<T>();
    T* d = out[0].as<T>();
    const T count = T(g.count);
    loops::for_each_element<2>(g.data, {sy, sx}, [&](i64 i, const offsets<2>& o) {
      const T gi = gy[o[0]], yi = y[o[0]], xi = x[o[1]];
      T v{};
      switch (r) {
        case reducer::sum: v = gi; break;
        case reducer::mean: v = gi / count; break;
        case reducer::prod: v = gi * (yi / xi); break;
        case reducer::max:
        case reducer::min: v = gi * T(xi == yi); break;
        case reducer::nansum: v = std::isnan(xi) ? T(0) : gi; break;
        case reducer::nanprod: v = std::isnan(xi) ? T(0) : gi * (yi / xi); break;
        case reducer::norm: v = ord == 1 ? gi * T((xi > 0) - (xi < 0)) : gi * (xi / yi); break;
        case reducer::argmax:
        case reducer::argmin: v = T(0); break;
      }
      d[i] = v;
    });
  };
}

nn_kernel make_backward(const graph_node& n, reducer r, std::span<const tensor> in, std::span<const tensor> out) {
  expect_counts(n, in, 3, out, 1);
  const dtype t = uniform_dtype(n, in, 3, out, 1);
  const fold_geometry g = geometry(n, dims_of(in[2]));
  expect_size(n, in[0], elements(g.kept), "the head gradient");
  expect_size(n, in[1], elements(g.kept), "input 1 (the output)");
  expect_size(n, out[0], elements(g.data), "output 0");
  const int ord = r == reducer::norm ? int(params(n).get_int("ord", 2)) : 2;
  return t == dtype::float32 ? backward_kernel<float>(r, ord, g) : backward_kernel<double>(r, ord, g);
}

}  // namespace

std::optional<row_reduction> as_row_reduction(const graph_node& n, const tensor& in) {
  const reducer_name* r = find_reducer(op_name(n));
  if (!r || (r->r != reducer::sum && r->r != reducer::mean)) return std::nullopt;
  if (in.type != dtype::float32 && in.type != dtype::float64) return std::nullopt;
  const fold_geometry g = geometry(n, dims_of(in));
  const loops::reduction_loop<1> loop(g.data, g.folded, {contiguous_strides(g.data)});
  if (!loop.one_contiguous_row()) return std::nullopt;
  row_reduction f;
  f.rows = loop.groups();
  f.length = loop.group_size();
  f.mean = r->r == reducer::mean;
  const bool single = in.type == dtype::float32;
  f.add = single ? &add_row_piece<float> : &add_row_piece<double>;
  f.finish = single ? &finish_row<float> : &finish_row<double>;
  return f;
}

bool is_reduce_op(std::string_view op) {
  return find_reducer(forward_name(op)) != nullptr;
}

nn_kernel make_reduce_kernel(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  const std::string_view op = op_name(n);
  const bool backward = is_backward_name(op);
  const reducer_name* r = find_reducer(forward_name(op));
  if (!r) fail(n, "is not a reduction");
  return backward ? make_backward(n, r->r, in, out) : make_forward(n, r->r, in, out);
}

}  // namespace xsym::kernels
