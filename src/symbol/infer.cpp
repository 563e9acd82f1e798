// Shape and dtype inference for runtime Symbols, after MXNet 1.9 (MXNET-REFERENCE.md §3):
// src/executor/infer_graph_attr_pass.cc for the passes, each op's FInferShape / FInferType for
// the rules, operator_common.h for shape_assign / type_assign and the check messages.
//
// Shapes are kept in MXNet's NumPy form while the passes run (partial_shape: unknown ndim, or -1
// for an unknown dimension) and converted from and to the legacy form (0 = unknown) at the API.
#include <algorithm>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "indexed_graph.hpp"
#include "infer_support.hpp"
#include "xsym/symbol/symbol.hpp"

namespace xsym {

using namespace infer_support;
using detail::indexed_graph;

// ---- the rules ------------------------------------------------------------------------------
namespace infer_rules {

void elemwise_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  elemwise_attr(n, in, in.size(), out, out.size());
}
void elemwise_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  elemwise_attr(n, in, in.size(), out, out.size());
}

void cast_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  elemwise_attr(n, in, 1, out, 1);
}
// CastType: the output's dtype is the attribute; the input is free.
void cast_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  expect_inputs(n, in, 1, "data");
  expect_outputs(n, out, 1);
  auto t = params(n).opt_dtype("dtype");
  if (!t) params(n).missing("dtype", "a dtype name");
  type_assign_check(out, 0, t);
}

// _backward_Cast (the gradient graphs of expr/gradient.hpp): inputs (gradient, output, data);
// the gradient has the output's dtype, the result the data's.
void backward_cast_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  expect_inputs(n, in, 3, "ograd, out, data");
  expect_outputs(n, out, 1);
  std::vector<partial_dtype> head{in[0], in[1]}, none;
  elemwise_attr(n, head, 2, none, 0);
  in[0] = head[0], in[1] = head[1];
  std::vector<partial_dtype> data{in[2]};
  elemwise_attr(n, data, 1, out, 1);
  in[2] = data[0];
}

// A joint backward op: output k has the shape and dtype of the forward node's input k, which
// are its last inputs.
template <class A>
void joint_backward_attr(const graph_node& n, std::vector<A>& in, std::vector<A>& out) {
  if (in.size() < out.size()) throw error("the backward op has fewer inputs than outputs");
  const std::size_t offset = in.size() - out.size();
  for (std::size_t k = 0; k < out.size(); ++k) {
    std::vector<A> x{in[offset + k]}, y{out[k]};
    elemwise_attr(n, x, 1, y, 1);
    in[offset + k] = x[0], out[k] = y[0];
  }
}
void joint_backward_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  joint_backward_attr(n, in, out);
}
void joint_backward_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  joint_backward_attr(n, in, out);
}

// ElemwiseShape<1, 1> / ElemwiseType<1, 1>: Activation, SoftmaxActivation, BlockGrad.
void unary_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  elemwise_attr(n, in, 1, out, 1);
}
void unary_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  elemwise_attr(n, in, 1, out, 1);
}

}  // namespace infer_rules

// ---- the passes -----------------------------------------------------------------------------
namespace {

// What differs between shape and dtype inference.
struct shape_traits {
  using value = partial_shape;
  static constexpr const char* source = "InferShape";
  static constexpr const char* attribute = "shape";
  static bool known(const value& v) { return shape_known(v); }
  static shape_rule rule(const op_def& d) { return d.infer_shape; }
  // Progress: unknown ndims first, then unknown dimensions.
  static std::pair<std::size_t, std::size_t> unknowns(const std::vector<value>& v) {
    std::pair<std::size_t, std::size_t> u{0, 0};
    for (const auto& s : v) {
      if (!s)
        ++u.first;
      else
        u.second += std::size_t(std::count_if(s->begin(), s->end(), [](i64 d) { return !known_dim(d); }));
    }
    return u;
  }
  // A variable's __shape__ ("(2, 3)"; 0 or -1 unknown), used when the caller gave none.
  static value from_attr(const graph_node& n) {
    auto it = n.attrs.find("__shape__");
    if (it == n.attrs.end()) return std::nullopt;
    auto t = parse_tuple(it->second);
    if (!t || std::any_of(t->begin(), t->end(), [](i64 d) { return d < -1; }))
      throw error("xsym::Symbol::infer_shape: variable '" + n.name + "' has an invalid __shape__ attribute '" +
                  it->second + "': expected a tuple of dimensions such as (2, 3)");
    if (t->empty()) return std::nullopt;  // legacy: no dimensions means unknown
    for (auto& d : *t)
      if (d == 0) d = unknown_dim;
    return t;
  }
};

struct type_traits {
  using value = partial_dtype;
  static constexpr const char* source = "InferType";
  static constexpr const char* attribute = "dtype";
  static bool known(const value& v) { return v.has_value(); }
  static type_rule rule(const op_def& d) { return d.infer_type; }
  static std::pair<std::size_t, std::size_t> unknowns(const std::vector<value>& v) {
    return {std::size_t(std::count_if(v.begin(), v.end(), [](const value& t) { return !t; })), 0};
  }
  // A variable's __dtype__: MXNet's type code as a string ("0" is float32).
  static value from_attr(const graph_node& n) {
    auto it = n.attrs.find("__dtype__");
    if (it == n.attrs.end()) return std::nullopt;
    auto code = parse_int(it->second);
    if (!code || *code < -1 || *code > 6)
      throw error("xsym::Symbol::infer_type: variable '" + n.name + "' has an invalid __dtype__ attribute '" +
                  it->second + "': expected a type code 0 to 6 (float32, float64, float16, uint8, int32, int8, int64)");
    if (*code == -1) return std::nullopt;
    return dtype(int(*code));
  }
};

template <class Traits>
struct inference_result {
  std::vector<typename Traits::value> arguments, outputs, auxiliary;
  bool complete = false;
  std::string blocked;  // when incomplete: what stopped inference, for infer_shape's error
};

// Why inference stayed incomplete: an op xsym does not know (the usual cause: a misspelled op in
// a hand-edited file), else the first input variable left unknown, else the first node output.
template <class Traits>
std::string first_unknown(const indexed_graph& g, const std::vector<typename Traits::value>& v) {
  auto known = [&](std::size_t e) { return Traits::known(v[e]); };
  for (std::size_t nid = 0; nid < g.nodes.size(); ++nid) {
    const graph_node& n = *g.nodes[nid];
    if (n.is_variable() || n.def) continue;
    bool blocks = !std::all_of(g.input_entries[nid].begin(), g.input_entries[nid].end(), known);
    for (std::size_t i = 0; i < g.num_entries[nid]; ++i) blocks = blocks || !known(g.first_entry[nid] + i);
    if (blocks) return unknown_op_message(n.op, n.name) + ", so inference cannot pass through it";
  }
  std::unordered_set<std::size_t> auxiliary(g.auxiliary.begin(), g.auxiliary.end());
  for (std::size_t nid : g.inputs) {
    std::size_t e = g.first_entry[nid];
    if (known(e)) continue;
    std::string value = Traits::known(v[e]) || !v[e] ? "" : " (" + str(v[e]) + ")";
    return std::string("the ") + Traits::attribute + " of " + (auxiliary.count(nid) ? "auxiliary state" : "argument") +
           " '" + g.nodes[nid]->name + "' is unknown" + value + "; give it";
  }
  for (std::size_t nid = 0; nid < g.nodes.size(); ++nid)
    for (std::size_t i = 0; i < g.num_entries[nid]; ++i)
      if (!known(g.first_entry[nid] + i))
        return std::string("the ") + Traits::attribute + " of output " + std::to_string(i) + " of node '" +
               g.nodes[nid]->name + "' (" + g.nodes[nid]->op + ") cannot be inferred";
  return "inference stopped";
}

// MatchArguments, the variables' attributes, then InferAttr's alternating passes.
template <class Traits, class Known>
std::vector<typename Traits::value> run_entries(const indexed_graph& g, const std::map<std::string, Known>& known,
                                               typename Traits::value (*convert)(const Known&)) {
  using value = typename Traits::value;
  std::vector<value> v(g.total);

  std::unordered_set<std::string> names;
  for (std::size_t i : g.inputs) names.insert(g.nodes[i]->name);
  for (const auto& [key, _] : known)
    if (!names.count(key)) {
      std::string msg = std::string(Traits::source) + "Keyword argument name " + key + " not found.\nCandidate arguments:\n";
      for (std::size_t j = 0; j < g.inputs.size(); ++j)
        msg += "\t[" + std::to_string(j) + "]" + g.nodes[g.inputs[j]]->name + "\n";
      throw error(msg);
    }
  for (std::size_t i : g.inputs) {
    const graph_node& n = *g.nodes[i];
    value& slot = v[g.first_entry[i]];
    if (auto it = known.find(n.name); it != known.end()) slot = convert(it->second);
    if (!slot) slot = Traits::from_attr(n);
  }

  std::vector<value> in, out;
  auto step = [&](std::size_t nid) {
    const graph_node& n = *g.nodes[nid];
    if (n.is_variable() || !n.def) return;  // an unknown op: its outputs stay unknown
    auto rule = Traits::rule(*n.def);
    if (!rule) return;
    const auto& ins = g.input_entries[nid];
    in.clear();
    out.clear();
    bool all_known = true;
    for (std::size_t e : ins) in.push_back(v[e]), all_known = all_known && Traits::known(v[e]);
    for (std::size_t i = 0; i < g.num_entries[nid]; ++i) {
      out.push_back(v[g.first_entry[nid] + i]);
      all_known = all_known && Traits::known(out.back());
    }
    if (all_known) return;
    try {
      rule(n, in, out);
    } catch (const std::exception& e) {
      throw error("Error in operator " + n.name + ": " + e.what());
    }
    if (in.size() != ins.size() || out.size() != g.num_entries[nid])
      throw error("Error in operator " + n.name + ": the inference rule changed the number of inputs or outputs");
    for (std::size_t k = 0; k < ins.size(); ++k) v[ins[k]] = std::move(in[k]);
    for (std::size_t i = 0; i < out.size(); ++i) v[g.first_entry[nid] + i] = std::move(out[i]);
  };

  // Forward, backward, forward, ... while the number of unknowns decreases.
  auto unknowns = Traits::unknowns(v);
  for (int pass = 0; unknowns != std::pair<std::size_t, std::size_t>{0, 0}; ++pass) {
    if (pass % 2 == 0)
      for (std::size_t i = 0; i < g.nodes.size(); ++i) step(i);
    else
      for (std::size_t i = g.nodes.size(); i-- > 0;) step(i);
    auto now = Traits::unknowns(v);
    if (!(now < unknowns)) break;
    unknowns = now;
  }

  return v;
}

template <class Traits, class Known>
inference_result<Traits> run(const Symbol& s, const std::map<std::string, Known>& known,
                             typename Traits::value (*convert)(const Known&), const char* who) {
  using value = typename Traits::value;
  indexed_graph g(s, who);
  std::vector<value> v = run_entries<Traits>(g, known, convert);
  inference_result<Traits> r;
  r.complete = std::all_of(v.begin(), v.end(), [](const value& x) { return Traits::known(x); });
  if (!r.complete) r.blocked = first_unknown<Traits>(g, v);
  for (std::size_t i : g.arguments) r.arguments.push_back(v[g.first_entry[i]]);
  for (std::size_t i : g.auxiliary) r.auxiliary.push_back(v[g.first_entry[i]]);
  for (std::size_t e : g.heads) r.outputs.push_back(v[e]);
  return r;
}

partial_shape shape_from_legacy(const shape& s) {
  if (s.ndim() == 0) return std::nullopt;  // legacy: no dimensions means unknown
  dims d(s.begin(), s.end());
  for (auto& x : d)
    if (x == 0) x = unknown_dim;
  return d;
}
shape shape_to_legacy(const partial_shape& s) {
  if (!s) return shape{};
  dims d = *s;
  for (auto& x : d)
    if (!known_dim(x)) x = 0;
  return shape(std::move(d));
}
partial_dtype dtype_given(const dtype& t) { return t; }

shape_inference shapes(const Symbol& s, const std::map<std::string, shape>& known, bool partial) {
  auto r = run<shape_traits>(s, known, shape_from_legacy, partial ? "xsym::Symbol::infer_shape_partial"
                                                                  : "xsym::Symbol::infer_shape");
  shape_inference out;
  // MXNet returns (None, None, None), which a C++ caller would index into: an error instead.
  if (!partial && !r.complete)
    throw error("xsym::Symbol::infer_shape: cannot infer every shape: " + r.blocked +
                " (infer_shape_partial returns what is known)");
  auto convert = [](const std::vector<partial_shape>& from, std::vector<shape>& to) {
    for (const auto& x : from) to.push_back(shape_to_legacy(x));
  };
  convert(r.arguments, out.arguments);
  convert(r.outputs, out.outputs);
  convert(r.auxiliary, out.auxiliary_states);
  return out;
}

}  // namespace

shape_inference Symbol::infer_shape(const std::map<std::string, shape>& known) const {
  return shapes(*this, known, false);
}

shape_inference Symbol::infer_shape_partial(const std::map<std::string, shape>& known) const {
  return shapes(*this, known, true);
}

type_inference Symbol::infer_type(const std::map<std::string, dtype>& known) const {
  auto r = run<type_traits>(*this, known, dtype_given, "xsym::Symbol::infer_type");
  type_inference out;
  if (!r.complete)  // MXNet: (None, None, None); see infer_shape
    throw error("xsym::Symbol::infer_type: cannot infer every dtype: " + r.blocked +
                " (infer_type_partial returns what is known)");
  for (const auto& t : r.arguments) out.arguments.push_back(*t);
  for (const auto& t : r.outputs) out.outputs.push_back(*t);
  for (const auto& t : r.auxiliary) out.auxiliary_states.push_back(*t);
  return out;
}

partial_type_inference Symbol::infer_type_partial(const std::map<std::string, dtype>& known) const {
  auto r = run<type_traits>(*this, known, dtype_given, "xsym::Symbol::infer_type_partial");
  return {std::move(r.arguments), std::move(r.outputs), std::move(r.auxiliary)};
}

namespace detail {

entry_attributes infer_entries(const indexed_graph& g, const std::map<std::string, shape>& shapes,
                               const std::map<std::string, dtype>& dtypes) {
  // Bound arrays' shapes are exact: a 0 dimension is an empty array, not an unknown one.
  auto exact = [](const shape& x) -> partial_shape { return dims(x.begin(), x.end()); };
  auto s = run_entries<shape_traits>(g, shapes, +exact);
  auto t = run_entries<type_traits>(g, dtypes, dtype_given);
  entry_attributes r;
  for (std::size_t nid = 0; nid < g.nodes.size(); ++nid)
    for (std::size_t i = 0; i < g.num_entries[nid]; ++i) {
      std::size_t e = g.first_entry[nid] + i;
      const std::string& name = g.nodes[nid]->name;
      std::string what = g.nodes[nid]->is_variable() ? "variable '" + name + "'"
                                                     : "output " + std::to_string(i) + " of node '" + name + "'";
      if (!shape_known(s[e])) throw error("the shape of " + what + " cannot be inferred (" + shape_str(s[e]) + ")");
      if (!t[e]) throw error("the dtype of " + what + " cannot be inferred");
      r.shapes.push_back(shape_to_legacy(s[e]));
      r.dtypes.push_back(*t[e]);
    }
  return r;
}

}  // namespace detail

}  // namespace xsym
