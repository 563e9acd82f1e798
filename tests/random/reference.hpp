#pragma once
// The reference evaluation of the random-graph tests: a Symbol of elementwise ops evaluated
// node by node and element by element, in float64 for floating-point nodes (each node's value
// rounded to its dtype, as the graph defines it) and in the element type for integer nodes.
// It uses nothing of xsym's execution (no lowering, no fused loop, no executor, no kernels):
// only the operator table's element functions, and its own walk over the runtime graph.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include <xsym/xsym.hpp>

namespace xsym::testing {

// A node's elements, whatever its dtype: long double holds every value of every element type
// exactly (64-bit integers included).
using values = std::vector<long double>;

namespace detail {

// What one op computes for one element, in the element type T of its input: floating-point
// inputs are widened to double, computed, and rounded back to T.
using element_rule = std::function<long double(dtype in, dtype out, const std::vector<long double>& x,
                                               const graph_node& n)>;

template <class T>
using compute_t = std::conditional_t<std::is_floating_point_v<T>, double, T>;

inline double attribute(const graph_node& n, const char* key) { return std::stod(n.attrs.at(key)); }

template <class Op>
element_rule plain_rule() {
  return [](dtype in, dtype, const std::vector<long double>& x, const graph_node&) {
    long double r = 0;
    visit_element_type(in, [&]<class T>(T) {
      using C = compute_t<T>;
      if constexpr (Op::arity == 1)
        r = static_cast<T>(Op::eval(ops::no_param{}, C(static_cast<T>(x[0]))));
      else
        r = static_cast<T>(Op::eval(ops::no_param{}, C(static_cast<T>(x[0])), C(static_cast<T>(x[1]))));
    });
    return r;
  };
}

// The scalar is converted to the element type first (MXNet's DType(scalar)), then widened.
template <class Op>
element_rule scalar_rule() {
  return [](dtype in, dtype, const std::vector<long double>& x, const graph_node& n) {
    long double r = 0;
    visit_element_type(in, [&]<class T>(T) {
      using C = compute_t<T>;
      C s = C(Op::template lower<T>(ops::scalar_value(attribute(n, "scalar"))));
      r = static_cast<T>(Op::eval(s, C(static_cast<T>(x[0]))));
    });
    return r;
  };
}

// An op with number attributes (clip, smooth_l1): the values converted to the element type
// first (MXNet's DType(value)), then widened as the input is.
template <class Op>
element_rule parameterized_rule() {
  return [](dtype in, dtype, const std::vector<long double>& x, const graph_node& n) {
    long double r = 0;
    visit_element_type(in, [&]<class T>(T) {
      using C = compute_t<T>;
      typename Op::param given{};
      for (std::size_t k = 0; k < Op::attribute_names.size(); ++k)
        given.values[k] = ops::scalar_value(attribute(n, std::string(Op::attribute_names[k]).c_str()));
      const auto lowered = Op::template lower<T>(given);
      typename Op::template lowered_param<C> widened{};
      for (std::size_t k = 0; k < Op::attribute_names.size(); ++k) widened.values[k] = C(lowered.values[k]);
      r = static_cast<T>(Op::eval(widened, C(static_cast<T>(x[0]))));
    });
    return r;
  };
}

inline element_rule cast_rule() {
  return [](dtype in, dtype out, const std::vector<long double>& x, const graph_node&) {
    long double r = 0;
    visit_element_type(in, [&]<class From>(From) {
      visit_element_type(out, [&]<class To>(To) { r = ops::cast<To>::eval(ops::no_param{}, static_cast<From>(x[0])); });
    });
    return r;
  };
}

inline const std::unordered_map<std::string, element_rule>& rules() {
  static const auto table = [] {
    std::unordered_map<std::string, element_rule> m;
    [&]<class... U>(type_list<U...>) { ((m[std::string(U::names.mxnet)] = plain_rule<U>()), ...); }(ops::unary_ops{});
    [&]<class... B>(type_list<B...>) {
      ((m[std::string(B::names.mxnet)] = plain_rule<B>(),
        m.emplace(std::string(ops::scalar<B, false>::names.mxnet), scalar_rule<ops::scalar<B, false>>()),
        m.emplace(std::string(ops::scalar<B, true>::names.mxnet), scalar_rule<ops::scalar<B, true>>())),
       ...);
    }(ops::binary_ops{});
    [&]<class... P>(type_list<P...>) { ((m[std::string(P::names.mxnet)] = parameterized_rule<P>()), ...); }(
        ops::parameterized_ops{});
    m["Cast"] = cast_rule();
    return m;
  }();
  return table;
}

}  // namespace detail

inline values to_values(const ndarray& a) {
  values v;
  visit_element_type(a.dtype(), [&]<class T>(T) {
    for (T x : a.to_vector<T>()) v.push_back(static_cast<long double>(x));
  });
  return v;
}

/// The outputs of Symbol `s` (elementwise ops only) for `args`, one `values` per output, with
/// each output's dtype in `dtypes`.
inline std::vector<values> reference_eval(const Symbol& s, const std::map<std::string, ndarray>& args,
                                          std::vector<dtype>* dtypes = nullptr) {
  std::map<std::string, dtype> arg_types;
  for (const auto& [name, a] : args) arg_types[name] = a.dtype();
  std::unordered_map<const graph_node*, values> value;
  std::unordered_map<const graph_node*, dtype> type;
  std::size_t n = args.empty() ? 0 : args.begin()->second.size();
  for (const auto& node : s.topological_nodes()) {
    const graph_node* p = node.get();
    if (node->is_variable()) {
      const ndarray& a = args.at(node->name);
      value[p] = to_values(a);
      type[p] = a.dtype();
      continue;
    }
    const auto& rule = detail::rules().at(node->op);
    dtype in = type.at(node->inputs.at(0).node.get());
    dtype out = in;
    if (node->op == "Cast") out = dtype_from_name(node->attrs.at("dtype"));
    values result(n);
    std::vector<long double> x(node->inputs.size());
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < x.size(); ++j) x[j] = value.at(node->inputs[j].node.get())[i];
      result[i] = rule(in, out, x, *node);
    }
    value[p] = std::move(result);
    type[p] = out;
  }
  std::vector<values> outs;
  for (const auto& e : s.outputs()) {
    outs.push_back(value.at(e.node.get()));
    if (dtypes) dtypes->push_back(type.at(e.node.get()));
  }
  return outs;
}

}  // namespace xsym::testing
