// Random graphs built at run time: a differential test of the runtime Symbol's execution paths.
//
// A small generator (std::mt19937_64 with fixed seeds, so every run checks the same graphs) builds
// xsym::Symbols directly, the way a program does at run time: 1 to 4 variables of one element
// type, then 2 to 16 ops drawn from the whole operator table (every unary op, every binary op as
// the two-input form and both scalar forms, unary minus, clip, Cast to every element type), each
// made through the C++ spelling of operators.hpp or through Symbol::create with the op's MXNet
// name and attributes. Operands are the variables and earlier results, so subexpressions are
// shared; binary ops only join values of one dtype; every value nobody reads is an output.
// tests/random/generate.py makes the same kind of graph for the static path; both take which op
// results are exact from the op descriptors (their exactness), this file follows its rule of
// which ops jump, and tests/random/check_graph.hpp's comparison rules. A third of the graphs are cast-heavy: casts between element types of
// different sizes are what the per-op memory plan (buffers reused in place) must get right.
// For each graph:
//   - to_json -> from_json -> to_json gives the same text;
//   - infer_shape and infer_type give the executors' output shapes and dtypes;
//   - per_op, blocked_fused (blocks of 64 and the default), automatic, and the graph loaded from
//     JSON give the same bits (NaN equal to NaN);
//   - the outputs agree with reference_eval (tests/random/reference.hpp), exactly for integer
//     dtypes and for graphs of exact ops, within check_graph.hpp's tolerance otherwise (1% of the
//     elements may differ where an inexact value reaches a discontinuous op). An element of an
//     inexact graph outside that bound still passes when it is bit for bit what the graph's
//     element functions give evaluated in the graph's own types (native_eval below) and within a
//     relative 1e-3: the fixed bound does not allow for error amplification by ill-conditioned ops
//     (nor does an integer output, where such a value is cast: gamma(12.6) cast to int32).
// Mixed graphs put network ops (FullyConnected, Activation, Flatten, Concat, softmax, ...) between
// elementwise regions, in float32 and float64: blocked_fused splits them into regions and runs
// the other nodes per op, and must give per_op's bits.
//
// A failure prints the graph's JSON, the input seed and the sizes, so it can be reproduced.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <iomanip>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>
#include <xsym/xsym.hpp>

#include "../random/check_graph.hpp"
#include "../random/reference.hpp"
#include "../support/sanitizer.hpp"

namespace {

using xsym::dtype;
using xsym::execution_path;
using xsym::ndarray;
using xsym::Symbol;
namespace xt = xsym::testing;

constexpr dtype element_types[] = {dtype::float32, dtype::float64, dtype::uint8,
                                   dtype::int8,    dtype::int32,   dtype::int64};

bool is_float(dtype t) { return t == dtype::float32 || t == dtype::float64; }

// mt19937_64's output is fixed by the standard; the std distributions are not, so the draws are
// made here from its raw output and the graphs are the same with every standard library.
class random_source {
 public:
  explicit random_source(std::uint64_t seed) : g_(seed) {}
  std::uint64_t below(std::uint64_t n) { return g_() % n; }
  double unit() { return double(g_() >> 11) * 0x1p-53; }
  bool chance(double p) { return unit() < p; }
  template <class C>
  const auto& choose(const C& c) {
    return c[below(std::size(c))];
  }
  // Index in [0, k), index i with weight i + 1: recent values more often than old ones.
  std::size_t recent(std::size_t k) {
    std::uint64_t r = below(k * (k + 1) / 2);
    for (std::size_t i = 0; i < k; ++i) {
      if (r < i + 1) return i;
      r -= i + 1;
    }
    return k - 1;
  }

 private:
  std::mt19937_64 g_;
};

// ---- the operator table, as a program spells it -----------------------------------------------

// A scalar operand as a program writes it: an int, a double or a float.
struct literal {
  double value = 0;
  char kind = 'i';  // 'i', 'd' or 'f'

  template <class F>
  Symbol visit(F f) const {
    switch (kind) {
      case 'i': return f(int(value));
      case 'f': return f(float(value));
      default: return f(value);
    }
  }
  std::string text() const {
    switch (kind) {
      case 'i': return xsym::ops::scalar_value(int(value)).str();
      case 'f': return xsym::ops::scalar_value(float(value)).str();
      default: return xsym::ops::scalar_value(value).str();
    }
  }
};

// float_exact: the op's float result is the same bits computed in the element type or in double
// and rounded back, as the reference computes (the descriptor's exactness, ops/kinds.hpp).
struct unary_op {
  std::string_view tag, mxnet;
  bool float_exact;
  Symbol (*apply)(const Symbol&);
};
struct binary_op {
  std::string_view spelling, tag, mxnet, scalar_name, rscalar_name;
  bool float_exact;
  Symbol (*apply)(const Symbol&, const Symbol&);
  Symbol (*apply_scalar)(const Symbol&, const literal&, bool reversed);
};

template <class Op>
constexpr bool exact_in_double() {
  return xsym::ops::exactness_of<Op>() == xsym::ops::exactness::rounded_once;
}

#define XSYM_RANDOM_UNARY(tag, ...) \
  unary_op{#tag, xsym::ops::tag::names.mxnet, exact_in_double<xsym::ops::tag>(), [](const Symbol& s) { return xsym::tag(s); }},
const std::vector<unary_op>& unary_table() {
  static const std::vector<unary_op> table{XSYM_UNARY_OPS(XSYM_RANDOM_UNARY) XSYM_RANDOM_UNARY(identity)};
  return table;
}
#undef XSYM_RANDOM_UNARY

#define XSYM_RANDOM_BINARY(function, tag)                                                                  \
  binary_op{#function,                                                                                     \
            #tag,                                                                                          \
            xsym::ops::tag::names.mxnet,                                                                   \
            xsym::ops::scalar<xsym::ops::tag, false>::names.mxnet,                                         \
            xsym::ops::scalar<xsym::ops::tag, true>::names.mxnet,                                          \
            exact_in_double<xsym::ops::tag>(),                                                             \
            [](const Symbol& l, const Symbol& r) { return xsym::function(l, r); },                         \
            [](const Symbol& a, const literal& s, bool reversed) {                                         \
              return s.visit([&](auto v) { return reversed ? xsym::function(v, a) : xsym::function(a, v); }); \
            }},
const std::vector<binary_op>& binary_table() {
  static const std::vector<binary_op> table{XSYM_BINARY_OPERATORS(XSYM_RANDOM_BINARY)};
  return table;
}
#undef XSYM_RANDOM_BINARY

// Ops whose result jumps: a 1-ulp change of an inexact input may change it completely.
const std::set<std::string_view>& discontinuous_ops() {
  static const std::set<std::string_view> table{"sign",  "round",     "rint",    "ceil",          "floor",
                                                "trunc", "fix",       "logical_not", "mod",       "equal",
                                                "not_equal", "greater", "greater_equal", "lesser", "lesser_equal"};
  return table;
}
bool jumps(std::string_view tag) { return discontinuous_ops().count(tag) > 0; }

Symbol cast_to(const Symbol& s, dtype t, random_source& rng) {
  switch (rng.below(3)) {
    case 0: return xsym::cast(s, t);
    case 1: return Symbol::create("Cast", {s}, {{"dtype", std::string(xsym::dtype_name(t))}});
    default: {
      Symbol r;
      xsym::visit_element_type(t, [&]<class T>(T) { r = xsym::cast<T>(s); });
      return r;
    }
  }
}

// ---- inputs and messages ------------------------------------------------------------------

ndarray input_array(dtype t, const xsym::shape& dims, std::uint64_t seed) {
  ndarray a;
  xsym::visit_element_type(t, [&]<class T>(T) {
    a = ndarray::array<T>(xt::sample<T>(std::size_t(dims.size()), seed), dims);
  });
  return a;
}

std::string show(long double v, dtype t) {
  std::ostringstream os;
  if (t == dtype::float32)
    os << std::setprecision(9) << double(v);
  else if (t == dtype::float64)
    os << std::setprecision(17) << double(v);
  else
    os << static_cast<long long>(v);
  return os.str();
}

struct path_run {
  std::string how;
  std::vector<ndarray> outputs;
};

// Binds `s` with `options`, checks the path taken and runs it; nullopt (after a failed check)
// when bind throws.
std::optional<path_run> run_path(const Symbol& s, const std::string& label, const std::map<std::string, ndarray>& args,
                                 xsym::bind_options options, execution_path expected) {
  try {
    auto ex = s.bind(xsym::cpu(0), args, std::move(options));
    if (ex.path() != expected) {
      FAIL_CHECK(label << " ran on " << xsym::execution_path_name(ex.path()) << ", expected "
                       << xsym::execution_path_name(expected));
      return std::nullopt;
    }
    ex.forward();
    return path_run{label + " (" + ex.path_description() + ")", ex.outputs()};
  } catch (const std::exception& e) {
    FAIL_CHECK(label << ": bind or forward threw: " << e.what());
    return std::nullopt;
  }
}

// Every run gives the first run's bits (NaN equal to NaN), in `types` and `shapes`.
// `reference`, when given, is shown next to a disagreement, to tell which path is wrong.
bool same_bits_everywhere(const std::vector<path_run>& runs, const std::vector<std::string>& names,
                          const std::vector<dtype>& types, const std::vector<xsym::shape>& shapes,
                          const std::vector<xt::values>* reference = nullptr) {
  const path_run& base = runs.at(0);
  std::vector<xt::values> want;
  for (const auto& o : base.outputs) want.push_back(xt::to_values(o));
  for (const auto& r : runs) {
    if (r.outputs.size() != names.size()) {
      FAIL_CHECK(r.how << " gives " << r.outputs.size() << " outputs, the symbol has " << names.size());
      return false;
    }
    for (std::size_t o = 0; o < names.size(); ++o) {
      if (r.outputs[o].dtype() != types[o] || r.outputs[o].shape() != shapes[o]) {
        FAIL_CHECK(r.how << ", output " << names[o] << ": " << xsym::dtype_name(r.outputs[o].dtype()) << " "
                         << r.outputs[o].shape().str() << ", but inference says " << xsym::dtype_name(types[o]) << " "
                         << shapes[o].str());
        return false;
      }
      auto got = xt::to_values(r.outputs[o]);
      for (std::size_t i = 0; i < got.size(); ++i)
        if (!xt::detail::same_bits(got[i], want[o][i], types[o])) {
          FAIL_CHECK(r.how << ", output " << names[o] << ", element " << i << ": " << show(got[i], types[o]) << " but "
                           << base.how << " gives " << show(want[o][i], types[o])
                           << (reference ? "; the reference: " + show((*reference)[o][i], types[o]) : std::string()));
          return false;
        }
    }
  }
  return true;
}

// ---- the graph in its own element types ----------------------------------------------------

// What the graph's element functions give evaluated in the graph's own element types (a float32
// node in float, as the executors compute it), node by node: like reference_eval, a walk of its
// own over the runtime graph that uses nothing of xsym's execution. check_graph.hpp's fixed
// bound does not allow for error amplification: an inexact float32 value a few ulp off, fed to
// an ill-conditioned op (sinh of 39, a power), can land more than 64 ulp from the float64
// reference. A float element of an inexact graph outside the bound still passes when it is
// exactly this evaluation's value and within a relative 1e-3 of the reference (amplified_only):
// the executors then computed what the graph defines, and only the rounding of the inexact
// functions differs from the float64 reference.
using native_rule = std::function<long double(dtype in, dtype out, const std::vector<long double>& x,
                                              const xsym::graph_node& n)>;

double number_attribute(const xsym::graph_node& n, const char* key) { return std::stod(n.attrs.at(key)); }

template <class Op>
native_rule native_plain() {
  return [](dtype in, dtype, const std::vector<long double>& x, const xsym::graph_node&) {
    long double r = 0;
    xsym::visit_element_type(in, [&]<class T>(T) {
      if constexpr (Op::arity == 1)
        r = Op::eval(xsym::ops::no_param{}, static_cast<T>(x[0]));
      else
        r = Op::eval(xsym::ops::no_param{}, static_cast<T>(x[0]), static_cast<T>(x[1]));
    });
    return r;
  };
}

template <class Op>
native_rule native_scalar() {
  return [](dtype in, dtype, const std::vector<long double>& x, const xsym::graph_node& n) {
    long double r = 0;
    xsym::visit_element_type(in, [&]<class T>(T) {
      r = Op::eval(Op::template lower<T>(xsym::ops::scalar_value(number_attribute(n, "scalar"))), static_cast<T>(x[0]));
    });
    return r;
  };
}

// An op with number attributes (clip, smooth_l1), in the element type.
template <class Op>
native_rule native_parameterized() {
  return [](dtype in, dtype, const std::vector<long double>& x, const xsym::graph_node& n) {
    long double r = 0;
    xsym::visit_element_type(in, [&]<class T>(T) {
      typename Op::param given{};
      for (std::size_t k = 0; k < Op::attribute_names.size(); ++k)
        given.values[k] = xsym::ops::scalar_value(number_attribute(n, std::string(Op::attribute_names[k]).c_str()));
      r = Op::eval(Op::template lower<T>(given), static_cast<T>(x[0]));
    });
    return r;
  };
}

const std::map<std::string, native_rule>& native_rules() {
  static const auto table = [] {
    std::map<std::string, native_rule> m;
    []<class... U>(std::map<std::string, native_rule>& into, xsym::type_list<U...>) {
      ((into[std::string(U::names.mxnet)] = native_plain<U>()), ...);
    }(m, xsym::ops::unary_ops{});
    []<class... B>(std::map<std::string, native_rule>& into, xsym::type_list<B...>) {
      ((into[std::string(B::names.mxnet)] = native_plain<B>(),
        into.emplace(std::string(xsym::ops::scalar<B, false>::names.mxnet), native_scalar<xsym::ops::scalar<B, false>>()),
        into.emplace(std::string(xsym::ops::scalar<B, true>::names.mxnet), native_scalar<xsym::ops::scalar<B, true>>())),
       ...);
    }(m, xsym::ops::binary_ops{});
    []<class... P>(std::map<std::string, native_rule>& into, xsym::type_list<P...>) {
      ((into[std::string(P::names.mxnet)] = native_parameterized<P>()), ...);
    }(m, xsym::ops::parameterized_ops{});
    m["Cast"] = [](dtype in, dtype out, const std::vector<long double>& x, const xsym::graph_node&) {
      long double r = 0;
      xsym::visit_element_type(in, [&]<class From>(From) {
        xsym::visit_element_type(out, [&]<class To>(To) {
          r = xsym::ops::cast<To>::eval(xsym::ops::no_param{}, static_cast<From>(x[0]));
        });
      });
      return r;
    };
    return m;
  }();
  return table;
}

// How far amplification may take a float result from the float64 reference: a relative 1e-3 of
// max(1, |reference|), far outside any rounding error, far inside what a wrong result gives.
bool amplified_only(long double got, long double ref) {
  if (!std::isfinite(got) || !std::isfinite(ref)) return false;
  return std::fabs(got - ref) <= 1e-3L * std::max(1.0L, std::fabs(ref));
}

std::vector<xt::values> native_eval(const Symbol& s, const std::map<std::string, ndarray>& args) {
  std::map<const xsym::graph_node*, xt::values> value;
  std::map<const xsym::graph_node*, dtype> type;
  const std::size_t n = args.empty() ? 0 : args.begin()->second.size();
  for (const auto& node : s.topological_nodes()) {
    const xsym::graph_node* p = node.get();
    if (node->is_variable()) {
      value[p] = xt::to_values(args.at(node->name));
      type[p] = args.at(node->name).dtype();
      continue;
    }
    const native_rule& rule = native_rules().at(node->op);
    const dtype in = type.at(node->inputs.at(0).node.get());
    const dtype out = node->op == "Cast" ? xsym::dtype_from_name(node->attrs.at("dtype")) : in;
    xt::values result(n);
    std::vector<long double> x(node->inputs.size());
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < x.size(); ++j) x[j] = value.at(node->inputs[j].node.get())[i];
      result[i] = rule(in, out, x, *node);
    }
    value[p] = std::move(result);
    type[p] = out;
  }
  std::vector<xt::values> outs;
  for (const auto& e : s.outputs()) outs.push_back(value.at(e.node.get()));
  return outs;
}

// ---- elementwise graphs -------------------------------------------------------------------

struct ew_value {
  Symbol symbol;
  dtype type;
  bool uncertain = false;  // an inexact float result reaches it
  std::string name;
};

struct elementwise_graph {
  Symbol symbol;
  dtype input_type = dtype::float32;
  std::vector<std::string> variables;
  xt::graph_facts facts;
  std::string program;  // the ops, one per line, for the failure message
};

literal random_literal(random_source& rng, dtype t) {
  static const literal floats[] = {{2, 'i'},   {3, 'i'},    {-1, 'i'},    {0.5, 'd'},
                                   {1.5, 'd'}, {-2.5, 'd'}, {0.25, 'f'}, {4.0, 'f'}};
  static const literal integers[] = {{2, 'i'}, {3, 'i'}, {-1, 'i'}, {7, 'i'}, {0, 'i'}, {-4, 'i'}, {2.5, 'd'}, {300, 'i'}};
  return is_float(t) ? rng.choose(floats) : rng.choose(integers);
}

// One graph, as tests/random/generate.py makes them (with up to 16 ops instead of 12), built at
// run time. A fresh name manager: the node names depend on the graph alone.
elementwise_graph make_elementwise_graph(random_source& rng) {
  xsym::name_scope fresh;
  elementwise_graph g;
  g.input_type = rng.choose(element_types);
  std::vector<ew_value> pool;
  std::vector<std::size_t> unused;
  const int num_vars = 1 + int(rng.below(4));
  for (int k = 0; k < num_vars; ++k) {
    std::string name(1, char('A' + k));
    pool.push_back({Symbol::variable(name), g.input_type, false, name});
    unused.push_back(pool.size() - 1);
    g.variables.push_back(name);
  }
  // Unused variables first, then recent values more often than old ones.
  auto pick = [&](std::optional<dtype> want) -> std::optional<std::size_t> {
    for (auto it = unused.begin(); it != unused.end(); ++it)
      if (!want || pool[*it].type == *want) {
        std::size_t v = *it;
        unused.erase(it);
        return v;
      }
    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < pool.size(); ++i)
      if (!want || pool[i].type == *want) candidates.push_back(i);
    if (candidates.empty()) return std::nullopt;
    return candidates[rng.recent(candidates.size())];
  };

  std::vector<std::size_t> made;
  std::set<std::size_t> consumed;
  std::ostringstream program;
  const int num_ops = 2 + int(rng.below(15));
  // Casts between element types of different sizes are what the per_op memory plan must get
  // right (buffers reused in place); a third of the graphs have many.
  const double cast_share = rng.chance(0.33) ? 0.4 : 0.12;
  for (int k = 0; k < num_ops; ++k) {
    const std::size_t ia = *pick(std::nullopt);
    const ew_value a = pool[ia];
    std::vector<std::size_t> inputs{ia};
    Symbol s;
    dtype type = a.type;
    bool exact = true, jump = false;
    std::string text;
    // Symbol::create with the op's MXNet name and attributes instead of the C++ spelling.
    const bool by_name = rng.chance(0.2);
    // The op's kind: 12% casts, or 40% in cast-heavy graphs; the rest as generate.py draws them.
    const double draw = rng.unit();
    const double kind = draw < cast_share ? 1.0 : (draw - cast_share) / (1 - cast_share) * 0.88;
    if (kind < 0.33) {
      const unary_op& op = rng.choose(unary_table());
      s = by_name ? Symbol::create(op.mxnet, {a.symbol}) : op.apply(a.symbol);
      exact = op.float_exact || !is_float(a.type);
      jump = jumps(op.tag);
      text = std::string(op.tag) + "(" + a.name + ")";
    } else if (kind < 0.6) {
      const binary_op& op = rng.choose(binary_table());
      const std::size_t ib = pick(a.type).value_or(ia);
      inputs.push_back(ib);
      const ew_value& b = pool[ib];
      s = by_name ? Symbol::create(op.mxnet, {a.symbol, b.symbol}) : op.apply(a.symbol, b.symbol);
      exact = op.float_exact || !is_float(a.type);
      jump = jumps(op.tag);
      text = std::string(op.spelling) + "(" + a.name + ", " + b.name + ")";
    } else if (kind < 0.78) {
      const binary_op& op = rng.choose(binary_table());
      const literal lit = random_literal(rng, a.type);
      const bool reversed = rng.chance(0.5);
      s = by_name ? Symbol::create(reversed ? op.rscalar_name : op.scalar_name, {a.symbol}, {{"scalar", lit.text()}})
                  : op.apply_scalar(a.symbol, lit, reversed);
      exact = op.float_exact || !is_float(a.type);
      jump = jumps(op.tag);
      text = std::string(op.spelling) + (reversed ? "(" + lit.text() + ", " + a.name + ")" : "(" + a.name + ", " + lit.text() + ")");
    } else if (kind < 0.83) {
      s = -a.symbol;
      text = "-" + a.name;
    } else if (kind < 0.88) {
      static const int bounds[] = {-2, -1, 0, 1, 2, 3};
      double lo = rng.choose(bounds), hi = rng.choose(bounds);
      while (hi == lo) hi = rng.choose(bounds);
      if (lo > hi) std::swap(lo, hi);
      if (is_float(a.type) && rng.chance(0.3)) lo -= 0.5, hi += 0.25;
      const bool integral = lo == double(int(lo)) && hi == double(int(hi));
      if (by_name)
        s = Symbol::create("clip", {a.symbol},
                           {{"a_min", xsym::ops::scalar_value(lo).str()}, {"a_max", xsym::ops::scalar_value(hi).str()}});
      else
        s = integral ? xsym::clip(a.symbol, int(lo), int(hi)) : xsym::clip(a.symbol, lo, hi);
      text = "clip(" + a.name + ", " + xsym::ops::scalar_value(lo).str() + ", " + xsym::ops::scalar_value(hi).str() + ")";
    } else {
      type = rng.choose(element_types);
      s = cast_to(a.symbol, type, rng);
      jump = !is_float(type);  // a float cut to an integer
      text = "cast<" + std::string(xsym::dtype_name(type)) + ">(" + a.name + ")";
    }
    bool uncertain_input = false;
    for (std::size_t i : inputs) {
      consumed.insert(i);
      uncertain_input |= pool[i].uncertain;
    }
    const bool uncertain = !exact || uncertain_input;
    g.facts.via_float32 |= uncertain && type == dtype::float32;
    g.facts.discontinuous |= jump && uncertain_input;
    const std::string name = "t" + std::to_string(k);
    program << name << " = " << text << " : " << xsym::dtype_name(type) << (uncertain ? ", inexact" : "") << "\n";
    pool.push_back({s, type, uncertain, name});
    made.push_back(pool.size() - 1);
  }
  // Variables nobody used join the last value, so that every variable is an argument.
  for (std::size_t iv : std::vector<std::size_t>(unused)) {
    const ew_value last = pool[made.back()];
    const ew_value& v = pool[iv];
    Symbol s = last.type == v.type ? last.symbol + v.symbol : xsym::cast(v.symbol, last.type) + last.symbol;
    consumed.insert(made.back());
    const std::string name = "t" + std::to_string(made.size());
    program << name << " = " << last.name << " + " << v.name << " : " << xsym::dtype_name(last.type) << "\n";
    pool.push_back({s, last.type, last.uncertain, name});
    made.push_back(pool.size() - 1);
  }
  // The outputs: every value no op reads, the last one first.
  std::vector<Symbol> outputs{pool[made.back()].symbol};
  bool exact = !pool[made.back()].uncertain;
  program << "outputs: " << pool[made.back()].name;
  for (std::size_t k = 0; k + 1 < made.size(); ++k)
    if (!consumed.count(made[k])) {
      outputs.push_back(pool[made[k]].symbol);
      exact &= !pool[made[k]].uncertain;
      program << ", " << pool[made[k]].name;
    }
  g.facts.exact = exact;
  g.symbol = Symbol::group(outputs);
  g.program = program.str();
  return g;
}

// Checks one elementwise graph for inputs of each size in `sizes`; false after the first failure.
// `amplified` counts the elements that passed through the native evaluation only.
bool check_elementwise_graph(const elementwise_graph& g, std::uint64_t input_seed, const std::vector<std::size_t>& sizes,
                             std::size_t& amplified) {
  const Symbol& s = g.symbol;
  const std::string json = s.to_json();
  INFO("graph, built from\n" << g.program << "\nas JSON:\n" << json);
  INFO("inputs: xsym::testing::sample<" << xsym::dtype_name(g.input_type) << ">(n, " << input_seed
                                        << " + k) for variable k; facts: exact " << g.facts.exact << ", discontinuous "
                                        << g.facts.discontinuous << ", via_float32 " << g.facts.via_float32);
  Symbol loaded;
  try {
    loaded = Symbol::from_json(json);
  } catch (const std::exception& e) {
    FAIL_CHECK("from_json threw: " << e.what());
    return false;
  }
  if (loaded.to_json() != json) {
    FAIL_CHECK("JSON round trip changed the text:\n" << loaded.to_json());
    return false;
  }
  auto arguments = s.list_arguments();
  std::sort(arguments.begin(), arguments.end());
  if (arguments != g.variables) {
    FAIL_CHECK("the arguments are not the variables");
    return false;
  }
  const auto names = s.list_outputs();
  for (std::size_t n : sizes) {
    INFO("size " << n);
    std::map<std::string, ndarray> args;
    std::map<std::string, xsym::shape> known_shapes;
    std::map<std::string, dtype> known_types;
    for (std::size_t k = 0; k < g.variables.size(); ++k) {
      const xsym::shape dims{std::int64_t(n)};
      args.emplace(g.variables[k], input_array(g.input_type, dims, input_seed + k));
      known_shapes.emplace(g.variables[k], dims);
      known_types.emplace(g.variables[k], g.input_type);
    }
    std::vector<dtype> types;
    const auto want = xt::reference_eval(s, args, &types);
    const auto inferred_shapes = s.infer_shape(known_shapes);
    const auto inferred_types = s.infer_type(known_types);
    if (inferred_types.outputs != types) {
      FAIL_CHECK("infer_type's output dtypes differ from the reference's");
      return false;
    }
    if (inferred_shapes.outputs != std::vector<xsym::shape>(names.size(), xsym::shape{std::int64_t(n)})) {
      FAIL_CHECK("infer_shape's output shapes are not all (" << n << ",)");
      return false;
    }

    std::vector<path_run> runs;
    auto through = [&](const Symbol& sym, const std::string& label, xsym::bind_options o, execution_path expected) {
      auto r = run_path(sym, label, args, std::move(o), expected);
      if (r) runs.push_back(std::move(*r));
      return r.has_value();
    };
    if (!through(s, "per_op", {.path = execution_path::per_op}, execution_path::per_op) ||
        !through(s, "blocked_fused with blocks of 64", {.path = execution_path::blocked_fused, .block_size = 64},
                 execution_path::blocked_fused) ||
        !through(s, "blocked_fused", {.path = execution_path::blocked_fused}, execution_path::blocked_fused) ||
        !through(s, "automatic", {}, execution_path::blocked_fused) ||
        !through(loaded, "loaded from JSON, automatic", {}, execution_path::blocked_fused))
      return false;
    if (!same_bits_everywhere(runs, names, types, inferred_shapes.outputs, &want)) return false;

    // The reference, with check_graph.hpp's rules; for inexact graphs, an element outside the
    // bound passes when it is the native evaluation's value (see native_eval).
    std::optional<std::vector<xt::values>> native;
    for (std::size_t o = 0; o < want.size(); ++o) {
      const auto got = xt::to_values(runs[0].outputs[o]);
      std::size_t off = 0, first_off = n;
      for (std::size_t i = 0; i < n; ++i) {
        bool ok = g.facts.exact ? xt::detail::same_bits(got[i], want[o][i], types[o])
                                : xt::detail::close_to_reference(got[i], want[o][i], types[o], g.facts.via_float32);
        if (!ok && !g.facts.exact) {  // an integer output too: a cast of an amplified value
          if (!native) native = native_eval(s, args);
          ok = xt::detail::same_bits(got[i], (*native)[o][i], types[o]) && amplified_only(got[i], want[o][i]);
          amplified += ok;
        }
        if (!ok && off++ == 0) first_off = i;
      }
      const std::size_t allowed = g.facts.discontinuous && !g.facts.exact ? n / 100 : 0;
      if (off > allowed) {
        std::ostringstream inputs;
        for (const auto& [name, a] : args)
          inputs << " " << name << " = " << show(xt::to_values(a)[first_off], g.input_type);
        FAIL_CHECK("output " << names[o] << ": " << off << " of " << n
                             << " elements differ from the reference and from the native evaluation (allowed "
                             << allowed << "); the first, element " << first_off << ", is "
                             << show(got[first_off], types[o]) << ", the reference " << show(want[o][first_off], types[o])
                             << (native ? ", the native evaluation " + show((*native)[o][first_off], types[o]) : std::string())
                             << "; its inputs:" << inputs.str());
        return false;
      }
    }
  }
  return true;
}

// ---- graphs with network ops between elementwise regions ----------------------------------

struct nn_value {
  Symbol symbol;
  dtype type;
  std::int64_t rows = 0, cols = 0;
  std::string name;
};

struct mixed_graph {
  Symbol symbol;
  dtype input_type = dtype::float32;
  std::int64_t rows = 0, cols = 0;
  std::vector<std::string> variables;
  std::string program;
  int network_ops = 0;
};

std::string dims_text(std::int64_t r, std::int64_t c) { return "(" + std::to_string(r) + ", " + std::to_string(c) + ")"; }

mixed_graph make_mixed_graph(random_source& rng) {
  xsym::name_scope fresh;
  static const std::int64_t shapes[][2] = {{3, 5}, {1, 7}, {4, 1}, {2, 3}, {20, 9}, {67, 3}, {5, 40}};
  mixed_graph g;
  g.input_type = rng.chance(0.5) ? dtype::float32 : dtype::float64;
  const auto& sh = rng.choose(shapes);
  g.rows = sh[0], g.cols = sh[1];
  std::vector<nn_value> pool;
  std::vector<std::size_t> unused, made;
  std::set<std::size_t> consumed;
  const int num_vars = 1 + int(rng.below(3));
  for (int k = 0; k < num_vars; ++k) {
    std::string name(1, char('A' + k));
    pool.push_back({Symbol::variable(name), g.input_type, g.rows, g.cols, name});
    unused.push_back(pool.size() - 1);
    g.variables.push_back(name);
  }
  auto pick = [&]() {
    if (!unused.empty()) {
      std::size_t v = unused.front();
      unused.erase(unused.begin());
      return v;
    }
    return rng.recent(pool.size());
  };
  // A partner for `a`: same dtype and `fits`; `a` itself when there is none.
  auto partner = [&](std::size_t ia, auto fits) {
    std::vector<std::size_t> c;
    for (std::size_t i = 0; i < pool.size(); ++i)
      if (pool[i].type == pool[ia].type && fits(pool[i])) c.push_back(i);
    return c.empty() ? ia : c[rng.recent(c.size())];
  };
  std::ostringstream program;
  auto add = [&](Symbol s, dtype t, std::int64_t r, std::int64_t c, const std::vector<std::size_t>& inputs,
                 const std::string& text) {
    for (std::size_t i : inputs) consumed.insert(i);
    const std::string name = "t" + std::to_string(made.size());
    program << name << " = " << text << " : " << xsym::dtype_name(t) << " " << dims_text(r, c) << "\n";
    pool.push_back({std::move(s), t, r, c, name});
    made.push_back(pool.size() - 1);
  };
  auto fully_connected = [&](std::size_t ia) {
    static const int hidden[] = {1, 3, 8, 70};
    const int h = rng.choose(hidden);
    xsym::attr_map attrs{{"num_hidden", std::to_string(h)}};
    if (rng.chance(0.25)) attrs["no_bias"] = "True";
    const nn_value a = pool[ia];
    add(Symbol::create("FullyConnected", {a.symbol}, attrs), a.type, a.rows, h, {ia},
        "FullyConnected(" + a.name + ", num_hidden=" + std::to_string(h) + (attrs.count("no_bias") ? ", no_bias" : "") + ")");
    ++g.network_ops;
  };

  const int num_ops = 3 + int(rng.below(10));
  for (int k = 0; k < num_ops; ++k) {
    const std::size_t ia = pick();
    const nn_value a = pool[ia];
    const double kind = rng.unit();
    if (kind < 0.2) {
      const unary_op& op = rng.choose(unary_table());
      add(op.apply(a.symbol), a.type, a.rows, a.cols, {ia}, std::string(op.tag) + "(" + a.name + ")");
    } else if (kind < 0.32) {
      const binary_op& op = rng.choose(binary_table());
      const std::size_t ib = partner(ia, [&](const nn_value& v) { return v.rows == a.rows && v.cols == a.cols; });
      add(op.apply(a.symbol, pool[ib].symbol), a.type, a.rows, a.cols, {ia, ib},
          std::string(op.spelling) + "(" + a.name + ", " + pool[ib].name + ")");
    } else if (kind < 0.42) {
      if (rng.chance(0.2)) {
        add(xsym::clip(a.symbol, -1, 2), a.type, a.rows, a.cols, {ia}, "clip(" + a.name + ", -1, 2)");
      } else {
        const binary_op& op = rng.choose(binary_table());
        const literal lit = random_literal(rng, a.type);
        const bool reversed = rng.chance(0.5);
        add(op.apply_scalar(a.symbol, lit, reversed), a.type, a.rows, a.cols, {ia},
            std::string(op.spelling) + (reversed ? "(" + lit.text() + ", " + a.name + ")" : "(" + a.name + ", " + lit.text() + ")"));
      }
    } else if (kind < 0.47) {
      const dtype t = a.type == dtype::float32 ? dtype::float64 : dtype::float32;
      add(cast_to(a.symbol, t, rng), t, a.rows, a.cols, {ia}, "cast(" + a.name + ")");
    } else {
      ++g.network_ops;
      switch (rng.below(11)) {
        case 0:
        case 1: --g.network_ops, fully_connected(ia); break;
        case 2: {
          static const char* acts[] = {"relu", "sigmoid", "tanh", "softrelu", "softsign"};
          const std::string act = rng.choose(acts);
          add(Symbol::create("Activation", {a.symbol}, {{"act_type", act}}), a.type, a.rows, a.cols, {ia},
              "Activation(" + a.name + ", " + act + ")");
          break;
        }
        case 3:
          add(Symbol::create("Flatten", {a.symbol}), a.type, a.rows, a.cols, {ia}, "Flatten(" + a.name + ")");
          break;
        case 4: {
          // Along axis 1 with a partner of as many rows, else along axis 0 with one of as many columns.
          std::size_t ib = partner(ia, [&](const nn_value& v) { return v.rows == a.rows; });
          if (ib != ia || rng.chance(0.5)) {
            xsym::attr_map attrs;
            if (rng.chance(0.5)) attrs["dim"] = "1";
            add(Symbol::create("Concat", {a.symbol, pool[ib].symbol}, attrs), a.type, a.rows, a.cols + pool[ib].cols,
                {ia, ib}, "Concat(" + a.name + ", " + pool[ib].name + ", dim=1)");
          } else {
            ib = partner(ia, [&](const nn_value& v) { return v.cols == a.cols; });
            add(Symbol::create("Concat", {a.symbol, pool[ib].symbol}, {{"dim", "0"}}), a.type, a.rows + pool[ib].rows,
                a.cols, {ia, ib}, "Concat(" + a.name + ", " + pool[ib].name + ", dim=0)");
          }
          break;
        }
        case 5: {
          xsym::attr_map attrs;
          if (rng.chance(0.3)) attrs["axis"] = "0";
          dtype t = a.type;
          if (rng.chance(0.2)) {
            t = a.type == dtype::float32 ? dtype::float64 : dtype::float32;
            attrs["dtype"] = std::string(xsym::dtype_name(t));
          }
          add(Symbol::create("softmax", {a.symbol}, attrs), t, a.rows, a.cols, {ia},
              "softmax(" + a.name + (attrs.count("axis") ? ", axis=0" : "") + ")");
          break;
        }
        case 6:
          add(Symbol::create("Dropout", {a.symbol}, {{"p", "0.5"}}), a.type, a.rows, a.cols, {ia}, "Dropout(" + a.name + ")");
          break;
        case 7:
          add(Symbol::create("BlockGrad", {a.symbol}), a.type, a.rows, a.cols, {ia}, "BlockGrad(" + a.name + ")");
          break;
        case 8: {
          // Another 2-D shape of as many elements: the region split goes by size, not shape.
          std::int64_t r = a.cols, c = a.rows;
          std::string spec = dims_text(r, c);
          if (rng.chance(0.5)) r = 1, c = a.rows * a.cols, spec = "(1, -1)";
          add(Symbol::create("Reshape", {a.symbol}, {{"shape", spec}}), a.type, r, c, {ia},
              "Reshape(" + a.name + ", " + spec + ")");
          break;
        }
        case 9:
          add(Symbol::create("LeakyReLU", {a.symbol}, {{"act_type", "leaky"}, {"slope", "0.25"}}), a.type, a.rows, a.cols,
              {ia}, "LeakyReLU(" + a.name + ")");
          break;
        default:
          add(Symbol::create("BatchNorm", {a.symbol}, {{"fix_gamma", rng.chance(0.5) ? "True" : "False"}}), a.type, a.rows,
              a.cols, {ia}, "BatchNorm(" + a.name + ")");
          break;
      }
    }
  }
  if (g.network_ops == 0) fully_connected(made.back());
  std::vector<Symbol> outputs{pool[made.back()].symbol};
  program << "outputs: " << pool[made.back()].name;
  for (std::size_t k = 0; k + 1 < made.size(); ++k)
    if (!consumed.count(made[k])) {
      outputs.push_back(pool[made[k]].symbol);
      program << ", " << pool[made[k]].name;
    }
  g.symbol = Symbol::group(outputs);
  g.program = program.str();
  return g;
}

// `split` counts the graphs that blocked_fused ran as several elementwise regions.
bool check_mixed_graph(const mixed_graph& g, std::uint64_t input_seed, int& split) {
  const Symbol& s = g.symbol;
  const std::string json = s.to_json();
  INFO("graph, built from\n" << g.program << "\nas JSON:\n" << json);
  INFO("variables " << dims_text(g.rows, g.cols) << " " << xsym::dtype_name(g.input_type)
                    << "; argument k: xsym::testing::sample(size, " << input_seed << " + k), auxiliary state k: sample(size, "
                    << input_seed + 100 << " + k)");
  Symbol loaded;
  try {
    loaded = Symbol::from_json(json);
  } catch (const std::exception& e) {
    FAIL_CHECK("from_json threw: " << e.what());
    return false;
  }
  if (loaded.to_json() != json) {
    FAIL_CHECK("JSON round trip changed the text:\n" << loaded.to_json());
    return false;
  }
  const auto arguments = s.list_arguments(), aux_names = s.list_auxiliary_states(), names = s.list_outputs();
  std::map<std::string, xsym::shape> known_shapes;
  std::map<std::string, dtype> known_types;
  for (const auto& v : g.variables)
    if (std::find(arguments.begin(), arguments.end(), v) != arguments.end()) {
      known_shapes.emplace(v, xsym::shape{g.rows, g.cols});
      known_types.emplace(v, g.input_type);
    }
  xsym::shape_inference shapes;
  xsym::type_inference types;
  try {
    shapes = s.infer_shape(known_shapes);
    types = s.infer_type(known_types);
  } catch (const std::exception& e) {
    FAIL_CHECK("inference threw: " << e.what());
    return false;
  }
  if (shapes.arguments.size() != arguments.size() || types.arguments.size() != arguments.size() ||
      shapes.outputs.size() != names.size() || types.outputs.size() != names.size() ||
      shapes.auxiliary_states.size() != aux_names.size() || types.auxiliary_states.size() != aux_names.size()) {
    FAIL_CHECK("inference left shapes or dtypes unknown");
    return false;
  }
  std::map<std::string, ndarray> args;
  for (std::size_t k = 0; k < arguments.size(); ++k)
    args.emplace(arguments[k], input_array(types.arguments[k], shapes.arguments[k], input_seed + k));
  std::map<std::string, ndarray> aux;
  for (std::size_t k = 0; k < aux_names.size(); ++k)
    aux.emplace(aux_names[k], input_array(types.auxiliary_states[k], shapes.auxiliary_states[k], input_seed + 100 + k));

  // automatic: blocked_fused when there is an elementwise node, per_op otherwise.
  bool any_elementwise = false;
  for (const auto& node : s.topological_nodes()) any_elementwise |= node->def && node->def->elementwise;
  const execution_path automatic = any_elementwise ? execution_path::blocked_fused : execution_path::per_op;
  std::vector<path_run> runs;
  auto through = [&](const Symbol& sym, const std::string& label, xsym::bind_options o, execution_path expected) {
    o.aux_states = aux;
    auto r = run_path(sym, label, args, std::move(o), expected);
    if (r) runs.push_back(std::move(*r));
    return r.has_value();
  };
  if (!through(s, "per_op", {.path = execution_path::per_op}, execution_path::per_op) ||
      !through(s, "blocked_fused with blocks of 64", {.path = execution_path::blocked_fused, .block_size = 64},
               execution_path::blocked_fused) ||
      !through(s, "blocked_fused", {.path = execution_path::blocked_fused}, execution_path::blocked_fused) ||
      !through(s, "automatic", {}, automatic) ||
      !through(loaded, "loaded from JSON, per_op", {.path = execution_path::per_op}, execution_path::per_op))
    return false;
  split += runs[2].how.find(" elementwise regions") != std::string::npos;
  return same_bits_everywhere(runs, names, types.outputs, shapes.outputs);
}

constexpr std::uint64_t elementwise_seed = 20240611;
// 128 under AddressSanitizer, where each graph costs ten times as much.
constexpr int elementwise_graphs = xsym::test::address_sanitized ? 128 : 320;
constexpr std::uint64_t mixed_seed = 777;
constexpr int mixed_graphs = 60;

}  // namespace

TEST_CASE("runtime random graphs draw from the whole operator table", "[random]") {
  std::set<std::string_view> unary, binary;
  for (const auto& op : unary_table()) unary.insert(op.mxnet);
  for (const auto& op : binary_table()) binary.insert(op.mxnet);
  const auto table_unary = []<class... U>(xsym::type_list<U...>) {
    return std::set<std::string_view>{U::names.mxnet...};
  }(xsym::ops::unary_ops{});
  const auto table_binary = []<class... B>(xsym::type_list<B...>) {
    return std::set<std::string_view>{B::names.mxnet...};
  }(xsym::ops::binary_ops{});
  CHECK(unary == table_unary);
  CHECK(binary == table_binary);
}

TEST_CASE("runtime random elementwise graphs agree on every path and with the reference", "[random]") {
  random_source rng(elementwise_seed);
  int checked = 0, failed = 0, ops_total = 0;
  std::size_t amplified = 0;
  std::map<dtype, int> by_type;
  for (int index = 0; index < elementwise_graphs; ++index) {
    const elementwise_graph g = make_elementwise_graph(rng);
    const std::uint64_t input_seed = rng.below(1u << 30);
    INFO("elementwise graph " << index << " of seed " << elementwise_seed);
    // Every eighth graph also above the OpenMP threshold (exec::parallel_threshold).
    std::vector<std::size_t> sizes{1, 67, 5000};
    if (index % 8 == 0) sizes.push_back(40000);
    if (check_elementwise_graph(g, input_seed, sizes, amplified))
      ++checked;
    else
      ++failed;
    ops_total += int(g.symbol.topological_nodes().size() - g.variables.size());
    ++by_type[g.input_type];
  }
  CAPTURE(checked, failed, ops_total, amplified);
  CHECK(by_type.size() == std::size(element_types));
  CHECK(checked == elementwise_graphs);
}

TEST_CASE("runtime random graphs with network ops agree on per_op and blocked_fused", "[random]") {
  random_source rng(mixed_seed);
  int checked = 0, failed = 0, network_ops = 0, split = 0;
  for (int index = 0; index < mixed_graphs; ++index) {
    const mixed_graph g = make_mixed_graph(rng);
    const std::uint64_t input_seed = rng.below(1u << 30);
    INFO("mixed graph " << index << " of seed " << mixed_seed);
    if (check_mixed_graph(g, input_seed, split))
      ++checked;
    else
      ++failed;
    network_ops += g.network_ops;
  }
  CAPTURE(checked, failed, network_ops, split);
  CHECK(checked == mixed_graphs);
}
