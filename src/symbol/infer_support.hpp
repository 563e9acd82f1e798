#pragma once
// What the inference rules share (infer.cpp: the passes and the elementwise rules; infer_nn.cpp:
// the network ops; infer_tensor.cpp: broadcasting and reductions): MXNet's shape_assign /
// type_assign with their messages, checked shape arithmetic, axis checks and ElemwiseAttrHelper.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "node_params.hpp"
#include "xsym/core/error.hpp"
#include "infer_rules.hpp"
#include "xsym/symbol/op_def.hpp"

namespace xsym::infer_support {

using detail::dims;
using detail::i64;
using detail::kernel_param;
using detail::params;
using detail::parse_int;
using detail::parse_tuple;
using detail::spatial_param;
using detail::trim;
inline constexpr i64 unknown_dim = -1;

// ---- partial shapes and dtypes: MXNet's shape_assign / type_assign and their spellings ------

inline bool known_dim(i64 d) { return d >= 0; }
inline bool shape_known(const partial_shape& s) {
  return s && std::all_of(s->begin(), s->end(), known_dim);
}

// mxnet::Tuple's operator<<: "[2,3]", unknown ndim "None".
inline std::string shape_str(const partial_shape& s) {
  if (!s) return "None";
  std::string out = "[";
  for (std::size_t i = 0; i < s->size(); ++i) out += std::string(i ? "," : "") + std::to_string((*s)[i]);
  return out + "]";
}

// operator_common.h shape_assign: merges x into y; false on a conflict (y may be partly filled).
inline bool shape_assign(partial_shape& y, const partial_shape& x) {
  if (!y) {
    y = x;
    return true;
  }
  if (!x) return true;
  if (y->size() != x->size()) return false;
  for (std::size_t i = 0; i < y->size(); ++i) {
    if (!known_dim((*y)[i]))
      (*y)[i] = (*x)[i];
    else if ((*y)[i] != (*x)[i] && known_dim((*x)[i]))
      return false;
  }
  return true;
}

// SHAPE_ASSIGN_CHECK.
inline void shape_assign_check(std::vector<partial_shape>& v, std::size_t i, const partial_shape& x) {
  if (!shape_assign(v.at(i), x))
    throw error("Shape inconsistent, Provided = " + shape_str(v[i]) + ", inferred shape=" + shape_str(x));
}

inline std::string type_str(const partial_dtype& t) { return t ? std::string(dtype_name(*t)) : "unknown"; }

inline bool type_assign(partial_dtype& y, const partial_dtype& x) {
  if (!y) {
    y = x;
    return true;
  }
  return !x || *y == *x;
}

// TYPE_ASSIGN_CHECK.
inline void type_assign_check(std::vector<partial_dtype>& v, std::size_t i, const partial_dtype& x) {
  if (!type_assign(v.at(i), x))
    throw error("Type inconsistent, Provided = " + type_str(v[i]) + ", inferred type = " + type_str(x));
}

// UNIFORM_TYPE_CHECK.
inline void uniform_type_check(const partial_dtype& got, const partial_dtype& expected, std::string_view arg) {
  if (got != expected)
    throw error("This layer requires uniform type. Expected '" + type_str(expected) + "' v.s. given '" +
                type_str(got) + "' at '" + std::string(arg) + "'");
}

inline bool assign(partial_shape& y, const partial_shape& x) { return shape_assign(y, x); }
inline bool assign(partial_dtype& y, const partial_dtype& x) { return type_assign(y, x); }
inline std::string str(const partial_shape& s) { return shape_str(s); }
inline std::string str(const partial_dtype& t) { return type_str(t); }

// ---- checked arithmetic: hostile attributes must give an error, never overflow --------------

inline i64 checked_add(i64 a, i64 b) {
  i64 r;
  if (__builtin_add_overflow(a, b, &r)) throw error("shape arithmetic overflows int64");
  return r;
}
inline i64 checked_mul(i64 a, i64 b) {
  i64 r;
  if (__builtin_mul_overflow(a, b, &r)) throw error("shape arithmetic overflows int64");
  return r;
}
// Product of dims [from, to): -1 when one of them is unknown.
inline i64 product(const dims& d, std::size_t from, std::size_t to) {
  i64 p = 1;
  bool unknown = false;
  for (std::size_t i = from; i < to && i < d.size(); ++i) {
    if (!known_dim(d[i]))
      unknown = true;
    else
      p = checked_mul(p, d[i]);
  }
  return unknown ? unknown_dim : p;
}


template <class T>
inline void expect_inputs(const graph_node& n, const std::vector<T>& in, std::size_t count, const char* names) {
  if (in.size() != count)
    throw error(n.op + " takes " + std::to_string(count) + " inputs [" + names + "], got " +
                std::to_string(in.size()));
}
template <class T>
inline void expect_outputs(const graph_node& n, const std::vector<T>& out, std::size_t count) {
  if (out.size() < count)
    throw error(n.op + " has " + std::to_string(count) + " outputs, but the node has only " +
                std::to_string(out.size()));
}

// CheckAxis: an axis in [-ndim, ndim), normalized.
inline std::size_t check_axis(i64 axis, std::size_t ndim) {
  i64 n = i64(ndim);
  if (axis >= n || axis < -n)
    throw error("axis " + std::to_string(axis) + " exceeds the input dimension of " + std::to_string(ndim));
  return std::size_t(axis < 0 ? axis + n : axis);
}

// Where input i of node n comes from, appended to MXNet's message so that the user finds the
// array at fault: " (input 1 of _mul0 is argument 'x')".
inline std::string input_origin(const graph_node& n, std::size_t i) {
  if (i >= n.inputs.size() || !n.inputs[i].node) return {};
  const node_entry& e = n.inputs[i];
  std::string from = e.node->is_variable() ? "argument '" + e.node->name + "'"
                     : e.node->num_outputs > 1
                         ? "output " + std::to_string(e.index) + " of node '" + e.node->name + "'"
                         : "the output of node '" + e.node->name + "'";
  return " (input " + std::to_string(i) + " of " + n.name + " is " + from + ")";
}

// ElemwiseAttrHelper: the first n_in inputs and n_out outputs share one attribute, deduced from
// the inputs then (reverse inference) the outputs, and written back to all of them.
template <class T>
inline void elemwise_attr(const graph_node& n, std::vector<T>& in, std::size_t n_in, std::vector<T>& out,
                   std::size_t n_out) {
  expect_outputs(n, out, n_out);
  if (in.size() < n_in)
    throw error(n.op + " takes " + std::to_string(n_in) + " inputs, got " + std::to_string(in.size()));
  T d{};
  auto check = [&](T& target, const T& value, std::size_t i, const char* what, const T& shown) {
    if (!assign(target, value))
      throw error("Incompatible attr in node " + n.name + " at " + std::to_string(i) + "-th " + what +
                  ": expected " + str(d) + ", got " + str(shown) +
                  (std::string_view(what) == "input" ? input_origin(n, i) : std::string()));
  };
  for (std::size_t i = 0; i < n_in; ++i) check(d, in[i], i, "input", in[i]);
  for (std::size_t i = 0; i < n_out; ++i) check(d, out[i], i, "output", out[i]);
  for (std::size_t i = 0; i < n_in; ++i) check(in[i], d, i, "input", in[i]);
  for (std::size_t i = 0; i < n_out; ++i) check(out[i], d, i, "output", out[i]);
}

// Spatial layouts of Convolution and Pooling: where N, C and each spatial axis sit.
struct layout_map {
  std::size_t channel = 1;
  std::vector<std::size_t> spatial;  // positions of the spatial axes, outermost first
};
inline layout_map parse_layout(const params& p, std::size_t ndim, const char* key) {
  static const char* defaults[] = {"NCW", "NCHW", "NCDHW"};
  if (ndim < 3 || ndim > 5) throw error("expected data with 3, 4 or 5 dimensions, got " + std::to_string(ndim));
  std::string layout = p.get_string(key, defaults[ndim - 3]);
  const std::string canonical = ndim == 3 ? "W" : ndim == 4 ? "HW" : "DHW";
  layout_map m;
  std::string order;  // spatial letters in the layout's order
  bool ok = layout.size() == ndim && layout[0] == 'N';
  for (std::size_t i = 1; ok && i < layout.size(); ++i) {
    if (layout[i] == 'C')
      m.channel = i;
    else if (canonical.find(layout[i]) != std::string::npos && order.find(layout[i]) == std::string::npos)
      order += layout[i], m.spatial.push_back(i);
    else
      ok = false;
  }
  if (!ok || order != canonical || (m.channel != 1 && m.channel != ndim - 1))
    p.bad(key, layout, "a layout such as " + std::string(defaults[ndim - 3]) + " for " + std::to_string(ndim) +
                           "-d data");
  return m;
}

}  // namespace xsym::infer_support
