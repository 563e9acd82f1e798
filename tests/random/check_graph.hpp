#pragma once
// What every random graph is checked for (tests/random/generate.py writes the graphs). A graph
// comes as a generic builder, `[](auto A, auto B, ...) { ...; return std::tuple{out0, out1}; }`,
// that is applied twice: to typed static variables (a static graph type) and to
// Symbol::variable (a runtime Symbol built directly). Then:
//   1. introspection: list_arguments, list_outputs and the internals' outputs of the static
//      graph equal those of its Symbol; to_json -> from_json -> to_json is identical for both
//      the converted and the runtime-built Symbol;
//   2. execution: the static executor, the converted Symbol on every path, the same Symbol
//      loaded from JSON on the interpreted paths, and the runtime-built Symbol all give the
//      same bits (NaN equal to NaN): they evaluate the same element functions in the same order;
//   3. reference: each output agrees with a float64 reference evaluation (reference.hpp):
//      exactly for integer dtypes and for graphs whose ops are exact (+ - * / %, comparisons,
//      maximum, minimum, rounding, sqrt, clip, casts, ...: the descriptors' exactness
//      rounded_once, ops/kinds.hpp); otherwise
//      within 64 ulp or 1e-5 (float32) / 1e-12 (float64) relative to max(1, |reference|);
//      float32's bound for every output when an inexact float32 value is cast to float64.
//      Where the graph feeds an inexact result into a discontinuous op (floor, sign, a
//      comparison, a cast to an integer, ...), a 1-ulp difference may flip the result, so up
//      to 1% of the elements may differ there (the test reports how many did).
//   4. gradients, for float64 graphs: see check_gradients below.
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "reference.hpp"

namespace xsym::testing {

/// Deterministic inputs for element type T: pseudo-random values around the ops' domains, with
/// special values (zeros, ±1, NaN, ±inf for floats; extremes for integers) sprinkled in.
template <class T>
std::vector<T> sample(std::size_t n, std::uint64_t seed) {
  std::vector<T> v(n);
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 12345;
  for (std::size_t i = 0; i < n; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    double u = double(x >> 11) / double(1ull << 53);
    if constexpr (std::is_floating_point_v<T>) {
      static const T special[] = {T(0), -T(0), T(1), T(-1), std::numeric_limits<T>::quiet_NaN(),
                                  std::numeric_limits<T>::infinity(), -std::numeric_limits<T>::infinity(), T(0.5)};
      v[i] = i % 61 == 7 ? special[(i / 61) % std::size(special)] : T(-3 + 6 * u);
    } else {
      static const T special[] = {T(0), T(1), T(-1), std::numeric_limits<T>::min(), std::numeric_limits<T>::max()};
      if (i % 61 == 7)
        v[i] = special[(i / 61) % std::size(special)];
      else if constexpr (sizeof(T) == 1)
        v[i] = T(std::int64_t(u * 256) + std::int64_t(std::numeric_limits<T>::min()));
      else
        v[i] = T(std::int64_t(u * 17) - 8);
    }
  }
  return v;
}

namespace detail {

inline bool same_bits(long double a, long double b, dtype t) {
  if (t == dtype::float32 || t == dtype::float64) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return a == b && std::signbit(a) == std::signbit(b);
  }
  return a == b;
}

// Within the stated bound of a float64 reference (see the top of this file).
// `via_float32`: an inexact float32 value reaches this output (through a cast to float64), so
// float32's bound applies.
inline bool close_to_reference(long double got, long double ref, dtype t, bool via_float32) {
  if (same_bits(got, ref, t)) return true;
  if (std::isnan(got) || std::isnan(ref) || std::isinf(got) || std::isinf(ref)) return false;
  if (t != dtype::float32 && t != dtype::float64) return false;
  if (via_float32) t = dtype::float32;
  double scale = std::max(1.0L, std::fabs(ref));
  double rel = t == dtype::float32 ? 1e-5 : 1e-12;
  if (std::fabs(got - ref) <= rel * scale) return true;
  if (t == dtype::float32) {
    auto key = [](float f) {
      auto i = std::bit_cast<std::int32_t>(f);
      return std::int64_t(i < 0 ? std::numeric_limits<std::int32_t>::min() - i : i);
    };
    return std::llabs(key(float(got)) - key(float(ref))) <= 64;
  }
  auto key = [](double f) {
    auto i = std::bit_cast<std::int64_t>(f);
    return i < 0 ? std::numeric_limits<std::int64_t>::min() - i : i;
  };
  auto a = key(double(got)), b = key(double(ref));
  return (a > b ? std::uint64_t(a) - std::uint64_t(b) : std::uint64_t(b) - std::uint64_t(a)) <= 64;
}

template <std::size_t... K, class Tuple>
auto static_group_of(const Tuple& t, std::index_sequence<K...>) {
  return xsym::group(std::get<K>(t)...);
}

}  // namespace detail

/// What a generated test says about its graph.
struct graph_facts {
  bool exact = false;          // every op is exact: the reference must match bit for bit
  bool discontinuous = false;  // an inexact value reaches a discontinuous op
  bool via_float32 = false;    // an inexact float32 value exists (float32's bound for all outputs)
};

/// What the generated test's static graph gives the checks: its Symbol, its names, and a way to
/// run its static executor. Everything past this point is compiled once, not once per graph.
struct static_side {
  Symbol symbol;
  std::vector<std::string> arguments, outputs, internals;
  std::function<std::vector<ndarray>(const std::map<std::string, ndarray>&)> run;
};

/// Checks 1 to 3 of the top of this file for one graph: the static side, the Symbol built at
/// run time `r`, and inputs made by `make_args(n)`.
inline void check_graph(const static_side& st, const Symbol& r, graph_facts facts,
                        const std::function<std::map<std::string, ndarray>(std::size_t)>& make_args) {
  // 1. introspection: the static graph and its Symbol agree, and JSON round-trips.
  const Symbol& s = st.symbol;
  REQUIRE(s.list_arguments() == st.arguments);
  REQUIRE(s.list_outputs() == st.outputs);
  REQUIRE(s.get_internals().list_outputs() == st.internals);
  const std::string json = s.to_json();
  auto loaded = Symbol::from_json(json);
  REQUIRE(loaded.to_json() == json);
  REQUIRE(Symbol::from_json(r.to_json()).to_json() == r.to_json());
  REQUIRE(r.list_outputs().size() == st.outputs.size());

  for (std::size_t n : {std::size_t(1), std::size_t(67), std::size_t(40000)}) {
    INFO("size " << n);
    std::map<std::string, ndarray> args = make_args(n);
    std::vector<dtype> out_types;
    auto want = reference_eval(s, args, &out_types);

    struct run {
      std::string how;
      std::vector<ndarray> outputs;
    };
    std::vector<run> runs{{"static executor", st.run(args)}};
    auto through = [&](const Symbol& sym, const std::string& how, bind_options o) {
      auto ex = sym.bind(cpu(0), args, o);
      ex.forward();
      runs.push_back({how + " (" + ex.path_description() + ")", ex.outputs()});
    };
    through(s, "converted, automatic", {});
    through(s, "converted, per_op", {.path = execution_path::per_op});
    through(loaded, "loaded, blocked_fused with blocks of 64", {.path = execution_path::blocked_fused, .block_size = 64});
    through(loaded, "loaded, per_op", {.path = execution_path::per_op});
    through(r, "built at run time, automatic", {});

    // 2. every path gives the static executor's bits.
    const auto& first = runs[0].outputs;
    for (const auto& rr : runs) {
      REQUIRE(rr.outputs.size() == want.size());
      for (std::size_t o = 0; o < want.size(); ++o) {
        REQUIRE(rr.outputs[o].dtype() == out_types[o]);
        auto got = to_values(rr.outputs[o]), base = to_values(first[o]);
        for (std::size_t i = 0; i < n; ++i)
          if (!detail::same_bits(got[i], base[i], out_types[o])) {
            INFO(rr.how << ", output " << st.outputs[o] << ", element " << i << ": " << double(got[i])
                        << " but the static executor gives " << double(base[i]));
            REQUIRE(false);
          }
      }
    }

    // 3. the reference.
    for (std::size_t o = 0; o < want.size(); ++o) {
      auto got = to_values(first[o]);
      std::size_t off = 0, first_off = n;
      for (std::size_t i = 0; i < n; ++i) {
        bool ok = facts.exact ? detail::same_bits(got[i], want[o][i], out_types[o])
                              : detail::close_to_reference(got[i], want[o][i], out_types[o], facts.via_float32);
        if (!ok && off++ == 0) first_off = i;
      }
      std::size_t allowed = facts.discontinuous && !facts.exact ? n / 100 : 0;
      if (off > allowed) {
        INFO("output " << st.outputs[o] << ": " << off << " of " << n << " elements differ from the reference (allowed "
                       << allowed << "); the first, element " << first_off << ", is " << double(got[first_off])
                       << ", the reference " << double(want[o][first_off]));
        REQUIRE(off <= allowed);
      }
    }
  }
}

/// 4. gradients (float64 graphs with no float32 value): the static gradient graph, bound with
/// args_grad and run by backward() with pseudo-random head gradients, against central finite
/// differences of the static forward, variable by variable (the graph is elementwise, so one
/// perturbed run gives every element's difference). Elements where the one-sided differences
/// disagree (a kink: relu at 0, a tie of maximum), where the difference changes with the step (a
/// jump of floor or a comparison), where a value is not finite, or whose inputs are sample()'s
/// special values, are skipped; the test reports how many it compared.
using forward_fn = std::function<std::vector<ndarray>(const std::map<std::string, ndarray>&)>;
using backward_fn = std::function<std::map<std::string, ndarray>(const std::map<std::string, ndarray>&,
                                                                 const std::vector<ndarray>&)>;
inline void check_gradients(const forward_fn& forward, const backward_fn& backward,
                            const std::map<std::string, ndarray>& args) {
  const auto base = forward(args);
  const std::size_t n = base.empty() ? 0 : base[0].size();
  std::vector<ndarray> heads;
  std::vector<std::vector<double>> head_values;
  for (std::size_t o = 0; o < base.size(); ++o) {
    // A float64 output gets pseudo-random weights; any other (a cast to an integer) weight 0.
    std::vector<double> h(n, 0.0);
    if (base[o].dtype() == dtype::float64)
      for (std::size_t i = 0; i < n; ++i) h[i] = 0.25 + double((i * 7 + o * 13) % 11) / 8.0;
    head_values.push_back(h);
    heads.push_back(base[o].dtype() == dtype::float64 ? ndarray(ndarray::array<double>(h, shape{std::int64_t(n)}))
                                                       : ndarray::zeros(base[o].shape(), base[o].dtype()));
  }
  // Σ over outputs of head · output, per element: the function whose derivative backward gives.
  auto weighted = [&](const std::vector<ndarray>& outs) {
    std::vector<double> w(n, 0.0);
    for (std::size_t o = 0; o < outs.size(); ++o) {
      auto v = to_values(outs[o]);
      for (std::size_t i = 0; i < n; ++i) w[i] += head_values[o][i] * double(v[i]);
    }
    return w;
  };
  const auto grads = backward(args, heads);
  const auto f0 = weighted(base);
  std::size_t compared = 0;
  for (const auto& entry : args) {
    const std::string& name = entry.first;  // not a structured binding: clang 14 cannot capture those
    const auto x = entry.second.to_vector<double>();
    // f at x + m·step for m = 1, -1, 2, -2, with the steps as represented.
    auto moved = [&](double m, std::vector<double>& at) {
      at = x;
      for (std::size_t i = 0; i < n; ++i) at[i] += m * 1e-6 * std::max(1.0, std::fabs(x[i]));
      auto a = args;
      a[name] = ndarray::array<double>(at, shape{std::int64_t(n)});
      return weighted(forward(a));
    };
    std::vector<double> x1, x_1, x2, x_2;
    const auto f1 = moved(1, x1), f_1 = moved(-1, x_1), f2 = moved(2, x2), f_2 = moved(-2, x_2);
    const auto got = grads.at(name).to_vector<double>();
    for (std::size_t i = 0; i < n; ++i) {
      // The special values sample() puts at every 61st element (0, ±1, 0.5, ...) are where ties
      // and jumps meet (minimum(C < B, C) at C = 0 has a step that hides its own kink from
      // every finite difference): only the pseudo-random elements are compared.
      if (i % 61 == 7) continue;
      if (!std::isfinite(f0[i]) || !std::isfinite(f1[i]) || !std::isfinite(f_1[i]) || !std::isfinite(f2[i]) ||
          !std::isfinite(f_2[i]) || !std::isfinite(got[i]))
        continue;
      double right = (f1[i] - f0[i]) / (x1[i] - x[i]), left = (f0[i] - f_1[i]) / (x[i] - x_1[i]);
      double central = (f1[i] - f_1[i]) / (x1[i] - x_1[i]), wide = (f2[i] - f_2[i]) / (x2[i] - x_2[i]);
      double scale = std::max(1.0, std::fabs(central));
      // A kink (one-sided differences disagree) or a jump (the difference grows as the step
      // shrinks): no derivative to compare with.
      if (std::fabs(right - left) > 1e-3 * scale || std::fabs(central - wide) > 1e-4 * scale) continue;
      ++compared;
      if (std::fabs(got[i] - central) > 1e-5 * scale) {
        INFO("gradient of " << name << ", element " << i << " (x = " << x[i] << "): backward gives " << got[i]
                            << ", the central difference " << central);
        REQUIRE(false);
      }
    }
  }
  // Graphs of jumps and comparisons only (sign, fix, clip outside its bounds) have no element
  // to compare; every one of them is still checked for a gradient of 0 where f is flat.
  INFO("elements compared with finite differences: " << compared);
  SUCCEED();
}

/// The gradients of the static graph's Symbol on the per_op and blocked paths (the interpreters
/// run the `_backward_*` nodes of Symbol::gradient one by one), against the static fused
/// backward: the same bits, as the forward agreement asks.
inline void check_symbol_gradients(const Symbol& r, const forward_fn& forward, const backward_fn& backward,
                                   const std::map<std::string, ndarray>& args) {
  const auto outs = forward(args);
  std::vector<ndarray> heads;
  for (std::size_t o = 0; o < outs.size(); ++o) {
    const std::size_t n = outs[o].size();
    std::vector<double> h(n);
    for (std::size_t i = 0; i < n; ++i) h[i] = 0.5 + double((i * 5 + o * 3) % 7) / 4.0;
    heads.push_back(outs[o].dtype() == dtype::float64 ? ndarray(ndarray::array<double>(h, shape{std::int64_t(n)}))
                                                      : ndarray::zeros(outs[o].shape(), outs[o].dtype()));
  }
  const auto expected = backward(args, heads);
  for (auto path : {execution_path::per_op, execution_path::blocked_fused}) {
    INFO("Symbol gradients on the " << execution_path_name(path) << " path");
    bind_options o;
    o.path = path;
    o.block_size = 64;
    for (const auto& entry : args) o.args_grad.emplace(entry.first, ndarray::zeros(entry.second.shape(), entry.second.dtype()));
    auto ex = r.bind(cpu(0), args, o);
    ex.forward(true);
    ex.backward(heads);
    for (const auto& entry : expected) {
      const auto want = entry.second.to_vector<double>();
      const auto got = ex.grad_dict().at(entry.first).to_vector<double>();
      for (std::size_t i = 0; i < want.size(); ++i)
        if (!detail::same_bits(got[i], want[i], dtype::float64)) {
          INFO("gradient of " << entry.first << ", element " << i << ": the Symbol gives " << got[i]
                              << ", the static graph " << want[i]);
          REQUIRE(false);
        }
    }
  }
}

/// Checks one random graph: `build` applied to the static variables `vars...` (typed or not;
/// bound to arrays of element type T) and to Symbol variables of the same names.
template <class T, class Build, class... V>
void check_random_graph(const std::string& label, Build build, graph_facts facts, std::uint64_t seed, V... vars) {
  INFO(label);
  auto heads = build(vars...);
  auto g = detail::static_group_of(heads, std::make_index_sequence<std::tuple_size_v<decltype(heads)>>{});
  using G = decltype(g);
  constexpr auto arguments = list_arguments<G>();
  constexpr auto outputs = list_outputs<G>();
  constexpr auto internals = list_outputs<internals_view<G>>();
  static_side st{g,
                 {arguments.begin(), arguments.end()},
                 {outputs.begin(), outputs.end()},
                 {internals.begin(), internals.end()},
                 [g](const std::map<std::string, ndarray>& args) {
                   auto ex = xsym::bind(g, cpu(0), args);
                   ex.forward();
                   return ex.outputs();
                 }};
  // The same builder over Symbol variables: a Symbol built at run time, named by a fresh
  // name manager.
  Symbol r = [&]<std::size_t... K>(std::index_sequence<K...>) {
    name_scope fresh;
    const std::string names[] = {std::string(V::name_type::value)...};
    auto runtime_heads = build(Symbol::variable(names[K])...);
    return std::apply([](const auto&... h) { return Symbol::group({h...}); }, runtime_heads);
  }(std::make_index_sequence<sizeof...(V)>{});
  auto make_args = [seed](std::size_t n) {
    std::map<std::string, ndarray> args;
    std::uint64_t k = seed;
    for (std::string_view name : {V::name_type::value...})
      args.emplace(std::string(name), ndarray::array<T>(sample<T>(n, k++), shape{std::int64_t(n)}));
    return args;
  };
  check_graph(st, r, facts, make_args);
  if constexpr (std::is_same_v<T, double>) {
    if (!facts.via_float32) {
      auto gradients = [g](const std::map<std::string, ndarray>& args, const std::vector<ndarray>& heads) {
        std::map<std::string, ndarray> grads;
        for (const auto& [name, a] : args) grads.emplace(name, ndarray::zeros(a.shape(), a.dtype()));
        auto ex = xsym::bind<double>(g, cpu(0), args, grads, grad_req::write);
        ex.backward(heads);
        return grads;
      };
      check_gradients(st.run, gradients, make_args(997));
      // The static graph as a Symbol has its nodes (a subexpression used twice is two nodes
      // there): the same gradient graph, so the same bits. The Symbol built at run time shares
      // such nodes, so its sums differ in order: finite differences check it.
      check_symbol_gradients(Symbol(g), st.run, gradients, make_args(998));
      auto interpreted = [r](const std::map<std::string, ndarray>& args, const std::vector<ndarray>& heads) {
        std::map<std::string, ndarray> grads;
        for (const auto& [name, a] : args) grads.emplace(name, ndarray::zeros(a.shape(), a.dtype()));
        auto ex = r.bind(cpu(0), args, {.args_grad = grads});
        ex.forward(true);
        ex.backward(heads);
        return grads;
      };
      check_gradients(st.run, interpreted, make_args(999));
    }
  }
}

}  // namespace xsym::testing
