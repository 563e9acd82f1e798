// MXNet 1.9's broadcasting and reduction ops on runtime Symbols (broadcast_add ... broadcast_hypot,
// the comparisons, broadcast_to / _axis / _like, sum, mean, prod, max, min, nansum, nanprod, norm,
// argmax, argmin): forward against NumPy's values (tensor_ops_literals.hpp, written by
// tensor_ops_numpy.py) in float64 and in every other dtype where a case is exact, with the shape
// infer_shape gives; gradients against central differences in float64 and MXNet's rules (ties,
// NaN, zero gradients) as plain loops; the error messages; a JSON round trip; and larger cases
// against plain loops, big enough to be split into parallel chunks.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <tuple>
#include <vector>
#include <xsym/xsym.hpp>

#include "../support/arrays.hpp"
#include "../support/error_message.hpp"
#include "../support/symbol_gradients.hpp"
#include "tensor_ops_literals.hpp"

namespace {

using xsym::ndarray;
using xsym::shape;
using xsym::Symbol;
namespace lit = xsym_test::tensor_ops_literal;
using xsym::test::as_doubles;
using xsym::test::check_against_differences;
using xsym::test::pseudo;
using xsym::test::typed_array;

constexpr xsym::execution_path paths[] = {xsym::execution_path::per_op, xsym::execution_path::blocked_fused};


ndarray array(const std::vector<double>& v, shape s) { return ndarray::array<double>(v, s); }



xsym::dtype dtype_named(std::string_view name) {
  for (auto t : {xsym::dtype::float32, xsym::dtype::uint8, xsym::dtype::int8, xsym::dtype::int32, xsym::dtype::int64})
    if (xsym::dtype_name(t) == name) return t;
  FAIL("unknown dtype " << name);
  return xsym::dtype::float64;
}


std::vector<double> run_forward(const Symbol& s, const std::map<std::string, ndarray>& args,
                                xsym::execution_path path = xsym::execution_path::automatic) {
  auto ex = s.bind(xsym::cpu(), args, {.path = path});
  ex.forward();
  return ex.outputs()[0].to_vector<double>();
}


// backward() on both paths leaves the gradients of `wrt` (zeros before) at zero.
void check_zero_gradient(const Symbol& s, const std::map<std::string, ndarray>& args,
                         const std::vector<std::string>& wrt) {
  for (auto path : paths) {
    INFO(xsym::execution_path_name(path));
    std::map<std::string, ndarray> grads;
    for (const auto& name : wrt) grads[name] = ndarray::zeros(args.at(name).shape(), xsym::dtype::float64);
    auto ex = s.bind(xsym::cpu(), args, {.path = path, .args_grad = grads});
    ex.forward(true);
    const shape out_shape = ex.outputs()[0].shape();
    ex.backward({array(pseudo(out_shape.size(), 8.0, 0.5, 1.5), out_shape)});
    for (const auto& name : wrt) {
      INFO(name);
      CHECK(grads.at(name).to_vector<double>() == std::vector<double>(args.at(name).size(), 0.0));
    }
  }
}

// ---- the NumPy cases --------------------------------------------------------------------------
std::vector<std::string> input_names(const lit::op_case& c) {
  return c.inputs.size() == 2 ? std::vector<std::string>{"lhs", "rhs"} : std::vector<std::string>{"data"};
}

Symbol build(const lit::op_case& c) {
  std::vector<Symbol> inputs;
  for (const auto& name : input_names(c)) inputs.push_back(Symbol::variable(name));
  xsym::attr_map attrs;
  for (const auto& [k, v] : c.attrs) attrs[k] = v;
  return Symbol::create(c.op, inputs, attrs);
}

// "case 3: sum(axis=1 keepdims=True ) on [2,3,4]" (appended piece by piece: see core/text.hpp on
// g++ 12's false -Wrestrict).
std::string describe(const lit::op_case& c, std::size_t index) {
  std::string s = "case ";
  s += std::to_string(index);
  s += ": ";
  s += c.op;
  s += "(";
  for (const auto& [k, v] : c.attrs) ((((s += k) += "=") += v) += " ");
  s += ") on";
  for (const auto& t : c.inputs) (s += " ") += shape(t.shape).str();
  return s;
}

// Binds case `c` with its inputs in dtype t on `path`, runs forward, and checks the output's
// shape, dtype and values (float64: exact or within c.rtol; float32: within float rounding;
// integers: exact).
void check_case(const lit::op_case& c, xsym::dtype t, xsym::execution_path path) {
  const auto names = input_names(c);
  std::map<std::string, ndarray> args;
  for (std::size_t i = 0; i < names.size(); ++i)
    args[names[i]] = typed_array(c.inputs[i].values, shape(c.inputs[i].shape), t);
  auto ex = build(c).bind(xsym::cpu(), args, {.path = path});
  ex.forward();
  const ndarray& out = ex.outputs()[0];
  CHECK(out.shape() == shape(c.output.shape));
  CHECK(out.dtype() == t);
  if (out.shape() != shape(c.output.shape) || out.dtype() != t) return;
  const auto got = as_doubles(out);
  const auto& want = c.output.values;
  if (t != xsym::dtype::float64 && t != xsym::dtype::float32) {
    CHECK(got == want);
    return;
  }
  for (std::size_t i = 0; i < want.size(); ++i) {
    INFO("element " << i);
    if (std::isnan(want[i]))
      CHECK(std::isnan(got[i]));
    else if (t == xsym::dtype::float32)
      CHECK(got[i] == Approx(want[i]).epsilon(1e-5).margin(1e-6));
    else if (c.rtol == 0)
      CHECK(got[i] == want[i]);
    else
      CHECK(got[i] == Approx(want[i]).epsilon(c.rtol).margin(1e-14));
  }
}

// Runs `f`, turning an exception into a failed check, so that one op that throws does not hide
// the cases after it.
template <class F>
void guarded(const std::string& what, F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    FAIL_CHECK(what << ": threw " << e.what());
  }
}

}  // namespace

TEST_CASE("tensor ops: the NumPy cases cover every op and alias", "[symbol][tensor]") {
  std::set<std::string> ops;
  for (const auto& c : lit::cases) ops.insert(c.op);
  for (const char* op :
       {"broadcast_add", "broadcast_plus", "broadcast_sub", "broadcast_minus", "broadcast_mul", "broadcast_div",
        "broadcast_mod", "broadcast_power", "broadcast_maximum", "broadcast_minimum", "broadcast_hypot",
        "broadcast_equal", "broadcast_not_equal", "broadcast_greater", "broadcast_greater_equal", "broadcast_lesser",
        "broadcast_lesser_equal", "broadcast_logical_and", "broadcast_logical_or", "broadcast_logical_xor",
        "broadcast_to", "broadcast_axis", "broadcast_axes", "broadcast_like", "sum",
        "sum_axis", "mean", "prod", "max", "max_axis", "min", "min_axis", "nansum", "nanprod", "norm", "argmax",
        "argmin"}) {
    INFO(op);
    CHECK(ops.count(op) == 1);
  }
}

TEST_CASE("tensor ops: forward of every NumPy case in float64 on both paths, and infer_shape", "[symbol][tensor]") {
  for (std::size_t i = 0; i < lit::cases.size(); ++i) {
    const auto& c = lit::cases[i];
    const std::string what = describe(c, i);
    INFO(what);
    guarded(what, [&] {
      std::map<std::string, shape> known;
      const auto names = input_names(c);
      for (std::size_t k = 0; k < names.size(); ++k) known[names[k]] = shape(c.inputs[k].shape);
      const auto inferred = build(c).infer_shape(known);
      REQUIRE(inferred.outputs.size() == 1);
      CHECK(inferred.outputs[0] == shape(c.output.shape));
      for (auto path : paths) {
        INFO(xsym::execution_path_name(path));
        check_case(c, xsym::dtype::float64, path);
      }
    });
  }
}

TEST_CASE("tensor ops: forward in float32 and the integer dtypes where a NumPy case is exact", "[symbol][tensor]") {
  std::map<std::string, int> runs;
  for (std::size_t i = 0; i < lit::cases.size(); ++i) {
    const auto& c = lit::cases[i];
    for (const char* name : c.dtypes) {
      const std::string what = describe(c, i) + " in " + name;
      INFO(what);
      const xsym::dtype t = dtype_named(name);
      ++runs[name];
      guarded(what, [&] {
        std::map<std::string, xsym::dtype> known;
        for (const auto& input : input_names(c)) known[input] = t;
        CHECK(build(c).infer_type(known).outputs == std::vector<xsym::dtype>{t});
        for (auto path : paths) {
          INFO(xsym::execution_path_name(path));
          check_case(c, t, path);
        }
      });
    }
  }
  for (const char* name : {"float32", "int32", "uint8", "int8", "int64"}) CHECK(runs[name] >= 20);
}

TEST_CASE("tensor ops: broadcast_mod by zero gives 0, as MXNet's mod does", "[symbol][tensor]") {
  auto s = Symbol::create("broadcast_mod", {Symbol::variable("lhs"), Symbol::variable("rhs")});
  for (auto t : {xsym::dtype::float64, xsym::dtype::float32, xsym::dtype::int32}) {
    INFO(xsym::dtype_name(t));
    auto ex =
        s.bind(xsym::cpu(), {{"lhs", typed_array({5, -7, 3, 6}, {2, 2}, t)}, {"rhs", typed_array({0, 4}, {2}, t)}});
    ex.forward();
    CHECK(as_doubles(ex.outputs()[0]) == std::vector<double>{0, 1, 0, 2});
  }
}

TEST_CASE("broadcast binary ops: gradients are summed over the stretched axes (central differences)",
          "[symbol][tensor][gradient]") {
  auto lhs = Symbol::variable("lhs"), rhs = Symbol::variable("rhs");
  // (lhs shape, rhs shape): rhs stretched, both stretched, none.
  const std::vector<std::pair<shape, shape>> pairs{{{2, 1, 4}, {3, 1}}, {{1, 3, 1}, {2, 1, 4}}, {{2, 3}, {2, 3}}};
  for (const char* op :
       {"broadcast_add", "broadcast_plus", "broadcast_sub", "broadcast_minus", "broadcast_mul", "broadcast_div",
        "broadcast_power", "broadcast_maximum", "broadcast_minimum", "broadcast_hypot"}) {
    const std::string name = op;
    for (std::size_t p = 0; p < pairs.size(); ++p) {
      INFO(op << " on " << pairs[p].first.str() << " " << pairs[p].second.str());
      auto a = pseudo(pairs[p].first.size(), 1.0 + double(p)), b = pseudo(pairs[p].second.size(), 11.0 + double(p));
      if (name == "broadcast_div")  // |b| in [0.5, 1.5], both signs
        for (std::size_t i = 0; i < b.size(); ++i) b[i] = (i % 2 ? -1 : 1) * (1.0 + b[i] / 3);
      if (name == "broadcast_power")  // a positive base
        for (auto& e : a) e = 1.0 + e / 3;
      guarded(op, [&] {
        check_against_differences(Symbol::create(op, {lhs, rhs}),
                                  {{"lhs", array(a, pairs[p].first)}, {"rhs", array(b, pairs[p].second)}},
                                  {"lhs", "rhs"});
      });
    }
  }
  // mod: d lhs = 1, d rhs = -floor(lhs / rhs); every lhs / rhs at least 0.05 from an integer.
  const std::vector<double> dividends{-1.2, 0.4, 2.3, 1.1, -0.3, 2.7, 0.9, -1.4};
  const std::vector<double> divisors{1.7, -1.8, 1.6, 1.9, -1.65, 1.75, -1.9, 1.85};
  guarded("broadcast_mod", [&] {
    Symbol mod = Symbol::create("broadcast_mod", {lhs, rhs});
    check_against_differences(mod, {{"lhs", array(dividends, {2, 1, 4})}, {"rhs", array({1.7, -1.8, 1.6}, {3, 1})}},
                              {"lhs", "rhs"});
    check_against_differences(mod, {{"lhs", array({-1.2, 2.3, 0.4}, {1, 3, 1})}, {"rhs", array(divisors, {2, 1, 4})}},
                              {"lhs", "rhs"});
  });
}

TEST_CASE("broadcast comparisons, argmax and argmin: backward leaves the gradients at zero",
          "[symbol][tensor][gradient]") {
  auto lhs = Symbol::variable("lhs"), rhs = Symbol::variable("rhs"), data = Symbol::variable("data");
  std::map<std::string, ndarray> args{{"lhs", array({1, 2, 0, 3, 2, 2, 1, 0}, {2, 1, 4})},
                                      {"rhs", array({2, 0, 1}, {3, 1})}};
  for (const char* op : {"broadcast_equal", "broadcast_not_equal", "broadcast_greater", "broadcast_greater_equal",
                         "broadcast_lesser", "broadcast_lesser_equal", "broadcast_logical_and", "broadcast_logical_or",
                         "broadcast_logical_xor"}) {
    INFO(op);
    guarded(op, [&] { check_zero_gradient(Symbol::create(op, {lhs, rhs}), args, {"lhs", "rhs"}); });
  }
  for (const char* op : {"argmax", "argmin"})
    for (const xsym::attr_map& attrs : {xsym::attr_map{{"axis", "1"}}, xsym::attr_map{}}) {
      INFO(op << " axis " << (attrs.empty() ? "None" : attrs.at("axis")));
      guarded(op, [&] {
        check_zero_gradient(Symbol::create(op, {data}, attrs), {{"data", array(pseudo(24, 3.0), {2, 3, 4})}}, {"data"});
      });
    }
}

TEST_CASE("broadcast_to, broadcast_axis, broadcast_like: gradients summed back, and broadcast_like's rhs gets none",
          "[symbol][tensor][gradient]") {
  auto data = Symbol::variable("data"), lhs = Symbol::variable("lhs"), rhs = Symbol::variable("rhs");
  auto x = array(pseudo(8, 2.0), {2, 1, 4});
  guarded("broadcast_to", [&] {
    check_against_differences(Symbol::create("broadcast_to", {data}, {{"shape", "(2, 3, 4)"}}), {{"data", x}},
                              {"data"});
    check_against_differences(Symbol::create("broadcast_to", {data}, {{"shape", "(3, 0, 5)"}}),
                              {{"data", array(pseudo(2, 3.0), {1, 2, 1})}}, {"data"});
  });
  guarded("broadcast_axis", [&] {
    check_against_differences(Symbol::create("broadcast_axis", {data}, {{"axis", "(0, 2)"}, {"size", "(2, 4)"}}),
                              {{"data", array(pseudo(3, 4.0), {1, 3, 1})}}, {"data"});
    check_against_differences(Symbol::create("broadcast_axes", {data}, {{"axis", "1"}, {"size", "3"}}), {{"data", x}},
                              {"data"});
  });
  guarded("broadcast_like", [&] {
    std::map<std::string, ndarray> args{{"lhs", x}, {"rhs", array(pseudo(24, 5.0), {2, 3, 4})}};
    Symbol like = Symbol::create("broadcast_like", {lhs, rhs});
    check_against_differences(like, args, {"lhs"});
    for (auto path : paths) {
      INFO(xsym::execution_path_name(path));
      auto gl = ndarray::zeros({2, 1, 4}, xsym::dtype::float64), gr = ndarray::zeros({2, 3, 4}, xsym::dtype::float64);
      auto ex = like.bind(xsym::cpu(), args, {.path = path, .args_grad = {{"lhs", gl}, {"rhs", gr}}});
      ex.forward(true);
      ex.backward({array(std::vector<double>(24, 1.0), {2, 3, 4})});
      CHECK(gl.to_vector<double>() == std::vector<double>(8, 3.0));
      CHECK(gr.to_vector<double>() == std::vector<double>(24, 0.0));
    }
    check_against_differences(
        Symbol::create("broadcast_like", {lhs, rhs}, {{"lhs_axes", "(0, 2)"}, {"rhs_axes", "(1, 0)"}}),
        {{"lhs", array(pseudo(3, 6.0), {1, 3, 1})}, {"rhs", array(pseudo(10, 7.0), {5, 2})}}, {"lhs"});
  });
}

TEST_CASE("reductions: gradients against central differences, NaN inputs getting zero", "[symbol][tensor][gradient]") {
  auto data = Symbol::variable("data");
  const std::vector<xsym::attr_map> attr_sets{
      {}, {{"axis", "1"}}, {{"axis", "(0, 2)"}, {"keepdims", "True"}}, {{"axis", "-1"}, {"exclude", "True"}}};
  auto x = pseudo(24, 9.0);  // distinct values: no ties for max and min
  for (auto& e : x)
    if (std::fabs(e) < 0.1) e += 0.2;  // away from 0: prod's out/x, norm 1's sign
  // For the products, magnitudes near 1 so that no gradient falls under the checks' margin.
  auto factors = pseudo(24, 10.0, 0.7, 1.4);
  for (std::size_t i = 0; i < factors.size(); i += 3) factors[i] = -factors[i];
  auto with_nan = x, factors_with_nan = factors;
  for (std::size_t i : {1u, 6u, 7u, 15u, 22u}) with_nan[i] = factors_with_nan[i] = std::nan("");
  for (const char* op : {"sum", "mean", "prod", "max", "min", "nansum", "nanprod", "norm", "norm1"}) {
    const std::string name = op;
    for (auto attrs : attr_sets) {
      if (name.starts_with("norm") && attrs.count("exclude")) continue;  // norm has no exclude
      if (name == "norm1") attrs["ord"] = "1";
      std::string what = name;
      for (const auto& [k, v] : attrs) what += " " + k + "=" + v;
      INFO(what);
      guarded(what, [&] {
        Symbol s = Symbol::create(name.starts_with("norm") ? "norm" : op, {data}, attrs);
        const bool product = name.ends_with("prod"), nan = name.starts_with("nan");
        const auto& values = product ? (nan ? factors_with_nan : factors) : (nan ? with_nan : x);
        check_against_differences(s, {{"data", array(values, {2, 3, 4})}}, {"data"});
      });
    }
  }
}

TEST_CASE("max and min: every element equal to the result gets the whole head gradient", "[symbol][tensor][gradient]") {
  auto data = Symbol::variable("data");
  // Small integers in a (3, 4, 5): many ties along axis 1; MXNet's rule by a plain loop.
  std::vector<double> x(60);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = double((i * 7 + i / 5) % 3);
  for (const char* op : {"max", "min"})
    for (const char* keepdims : {"True", "False"}) {
      INFO(op << " keepdims " << keepdims);
      guarded(op, [&] {
        Symbol s = Symbol::create(op, {data}, {{"axis", "1"}, {"keepdims", keepdims}});
        for (auto path : paths) {
          INFO(xsym::execution_path_name(path));
          auto g = ndarray::zeros({3, 4, 5}, xsym::dtype::float64);
          auto ex = s.bind(xsym::cpu(), {{"data", array(x, {3, 4, 5})}}, {.path = path, .args_grad = {{"data", g}}});
          ex.forward(true);
          const auto head = pseudo(15, 10.0, 0.5, 1.5);
          ex.backward({array(head, ex.outputs()[0].shape())});
          const auto out = ex.outputs()[0].to_vector<double>(), got = g.to_vector<double>();
          for (std::size_t i = 0; i < 3; ++i)
            for (std::size_t j = 0; j < 4; ++j)
              for (std::size_t k = 0; k < 5; ++k) {
                const std::size_t at = (i * 4 + j) * 5 + k, slot = i * 5 + k;
                INFO("[" << i << "," << j << "," << k << "]");
                CHECK(got[at] == (x[at] == out[slot] ? head[slot] : 0.0));
              }
        }
      });
    }
  // Over all axes: both tied maxima get the head gradient, nothing is split.
  guarded("max over all axes", [&] {
    auto g = ndarray::zeros({2, 3}, xsym::dtype::float64);
    auto ex = Symbol::create("max", {data})
                  .bind(xsym::cpu(), {{"data", array({1, 3, 3, 2, 2, 0}, {2, 3})}}, {.args_grad = {{"data", g}}});
    ex.forward(true);
    ex.backward({array({1.5}, {1})});
    CHECK(g.to_vector<double>() == std::vector<double>{0, 1.5, 1.5, 0, 0, 0});
  });
}

TEST_CASE("tensor ops: error messages name the node and say what is wrong", "[symbol][tensor]") {
  using Catch::Contains;
  const auto no_case = Catch::CaseSensitive::No;
  auto lhs = Symbol::variable("lhs"), rhs = Symbol::variable("rhs"), data = Symbol::variable("data");
  // Each: the symbol, the input shapes, the words its message must hold besides the node's name.
  struct bad {
    Symbol s;
    std::map<std::string, shape> shapes;
    std::vector<std::string> words;
  };
  const std::vector<bad> cases{
      {Symbol::create("broadcast_add", {lhs, rhs}, {}, "bad_add"),
       {{"lhs", {2, 3}}, {"rhs", {4}}},
       {"could not be broadcast", "[2,3]", "[4]"}},
      {Symbol::create("broadcast_greater", {lhs, rhs}, {}, "bad_greater"),
       {{"lhs", {2, 3, 4}}, {"rhs", {3, 1, 2}}},
       {"could not be broadcast", "[2,3,4]", "[3,1,2]"}},
      {Symbol::create("sum", {data}, {{"axis", "3"}}, "bad_sum"), {{"data", {2, 3, 4}}}, {"exceeds", "[2,3,4]"}},
      {Symbol::create("mean", {data}, {{"axis", "(0, -4)"}}, "bad_mean"), {{"data", {2, 3, 4}}}, {"exceeds"}},
      {Symbol::create("max", {data}, {{"axis", "(1, -2)"}}, "bad_max"), {{"data", {2, 3, 4}}}, {"duplicate"}},
      {Symbol::create("argmax", {data}, {{"axis", "3"}}, "bad_argmax"), {{"data", {2, 3, 4}}}, {"exceeds"}},
      {Symbol::create("broadcast_to", {data}, {{"shape", "(2, 3, 4)"}}, "bad_to_ndim"),
       {{"data", {2, 3}}},
       {"cannot be broadcast", "[2,3]"}},
      {Symbol::create("broadcast_to", {data}, {{"shape", "(4, 3)"}}, "bad_to_dim"),
       {{"data", {2, 3}}},
       {"cannot be broadcast", "[2,3]"}},
      {Symbol::create("broadcast_axis", {data}, {{"axis", "0"}, {"size", "3"}}, "bad_axis"),
       {{"data", {2, 3}}},
       {"size 1"}},
  };
  for (const auto& c : cases) {
    const std::string node = *c.s.name();
    INFO(node);
    const auto message = xsym::test::message_of([&] { (void)c.s.infer_shape(c.shapes); });
    CHECK_THAT(message, Contains(node));
    for (const auto& w : c.words) CHECK_THAT(message, Contains(w, no_case));
    // bind reports it too.
    std::map<std::string, ndarray> args;
    for (const auto& [name, sh] : c.shapes) args[name] = ndarray::zeros(sh, xsym::dtype::float64);
    const auto at_bind = xsym::test::message_of([&] { (void)c.s.bind(xsym::cpu(), args); });
    CHECK_THAT(at_bind, Contains(node) && Contains(c.words[0], no_case));
  }
}

TEST_CASE("tensor ops: a JSON round trip keeps the broadcast and reduction attributes", "[symbol][tensor]") {
  auto lhs = Symbol::variable("lhs"), rhs = Symbol::variable("rhs");
  Symbol to = Symbol::create("broadcast_to", {lhs}, {{"shape", "(2, 0, 4)"}}, "stretch");
  Symbol add = Symbol::create("broadcast_add", {to, rhs}, {}, "badd");
  Symbol s = Symbol::create("sum", {add}, {{"axis", "(0, 2)"}, {"keepdims", "True"}, {"exclude", "False"}}, "total");
  const std::string json = s.to_json();
  CHECK_THAT(json, Catch::Contains(R"j("op": "broadcast_add")j") && Catch::Contains(R"j("axis": "(0, 2)")j") &&
                       Catch::Contains(R"j("shape": "(2, 0, 4)")j"));
  Symbol back = Symbol::from_json(json);
  CHECK(back.to_json() == json);
  CHECK(back.attr_dict() == s.attr_dict());
  CHECK(back.attr("axis") == "(0, 2)");
  CHECK(back.attr("keepdims") == "True");
  CHECK(back.list_arguments() == std::vector<std::string>{"lhs", "rhs"});
  std::map<std::string, ndarray> args{{"lhs", array(pseudo(12, 1.0), {1, 3, 4})},
                                      {"rhs", array(pseudo(3, 2.0), {3, 1})}};
  guarded("forward", [&] {
    CHECK(back.infer_shape({{"lhs", {1, 3, 4}}, {"rhs", {3, 1}}}).outputs == std::vector<shape>{{1, 3, 1}});
    CHECK(run_forward(back, args) == run_forward(s, args));
  });
}

TEST_CASE("tensor ops: larger cases against plain loops, past one parallel chunk", "[symbol][tensor]") {
  auto data = Symbol::variable("data"), lhs = Symbol::variable("lhs"), rhs = Symbol::variable("rhs");
  // Reductions of an R x C array along each axis: (37, 53), and (300, 129) = 38700 > 2^15 elements.
  for (const auto& rc : {std::pair<std::size_t, std::size_t>{37, 53}, {300, 129}}) {
    const std::size_t R = rc.first, C = rc.second;  // not a structured binding: lambdas capture them
    INFO(R << " x " << C);
    const auto x = pseudo(R * C, double(R));
    const shape xs{std::int64_t(R), std::int64_t(C)};
    std::vector<double> row_sum(R, 0.0), col_sum(C, 0.0), col_max(C, -1e300), row_argmax(R, 0.0);
    for (std::size_t i = 0; i < R; ++i)
      for (std::size_t j = 0; j < C; ++j) {
        const double v = x[i * C + j];
        row_sum[i] += v, col_sum[j] += v, col_max[j] = std::max(col_max[j], v);
        if (v > x[i * C + std::size_t(row_argmax[i])]) row_argmax[i] = double(j);
      }
    auto close = [](const std::vector<double>& got, const std::vector<double>& want) {
      REQUIRE(got.size() == want.size());
      for (std::size_t i = 0; i < want.size(); ++i) CHECK(got[i] == Approx(want[i]).epsilon(1e-12).margin(1e-11));
    };
    for (auto path : paths) {
      INFO(xsym::execution_path_name(path));
      guarded("reductions", [&] {
        std::map<std::string, ndarray> args{{"data", array(x, xs)}};
        close(run_forward(Symbol::create("sum", {data}, {{"axis", "1"}}), args, path), row_sum);
        close(run_forward(Symbol::create("sum", {data}, {{"axis", "0"}}), args, path), col_sum);
        CHECK(run_forward(Symbol::create("max", {data}, {{"axis", "0"}}), args, path) == col_max);
        CHECK(run_forward(Symbol::create("argmax", {data}, {{"axis", "1"}}), args, path) == row_argmax);
        const double total = std::accumulate(row_sum.begin(), row_sum.end(), 0.0);
        close(run_forward(Symbol::create("mean", {data}), args, path), {total / double(R * C)});
        // sum's gradient along axis 0: the head broadcast down every column.
        auto g = ndarray::zeros(xs, xsym::dtype::float64);
        auto ex = Symbol::create("sum", {data}, {{"axis", "0"}})
                      .bind(xsym::cpu(), args, {.path = path, .args_grad = {{"data", g}}});
        ex.forward(true);
        const auto head = pseudo(C, 3.0);
        ex.backward({array(head, {std::int64_t(C)})});
        const auto got = g.to_vector<double>();
        std::size_t wrong = 0;
        for (std::size_t i = 0; i < R * C; ++i) wrong += got[i] != head[i % C];
        CHECK(wrong == 0);
      });
    }
  }
  // broadcast_add of (64, 1) and (1, 33), and broadcast_mul of (300, 1) and (1, 129): forward,
  // and the gradients (row and column sums of head x the other operand) by plain loops.
  for (const auto& case_ :
       {std::tuple<const char*, std::size_t, std::size_t>{"broadcast_add", 64, 33}, {"broadcast_mul", 300, 129}}) {
    const char* op = std::get<0>(case_);
    const std::size_t R = std::get<1>(case_), C = std::get<2>(case_);
    const std::string name = op;
    INFO(op << " " << R << " x " << C);
    const auto a = pseudo(R, 4.0), b = pseudo(C, 5.0), head = pseudo(R * C, 6.0);
    std::vector<double> out(R * C), ga(R, 0.0), gb(C, 0.0);
    for (std::size_t i = 0; i < R; ++i)
      for (std::size_t j = 0; j < C; ++j) {
        const bool mul = name == "broadcast_mul";
        out[i * C + j] = mul ? a[i] * b[j] : a[i] + b[j];
        ga[i] += head[i * C + j] * (mul ? b[j] : 1.0);
        gb[j] += head[i * C + j] * (mul ? a[i] : 1.0);
      }
    for (auto path : paths) {
      INFO(xsym::execution_path_name(path));
      guarded(op, [&] {
        auto da = ndarray::zeros({std::int64_t(R), 1}, xsym::dtype::float64);
        auto db = ndarray::zeros({1, std::int64_t(C)}, xsym::dtype::float64);
        auto ex =
            Symbol::create(op, {lhs, rhs})
                .bind(xsym::cpu(), {{"lhs", array(a, {std::int64_t(R), 1})}, {"rhs", array(b, {1, std::int64_t(C)})}},
                      {.path = path, .args_grad = {{"lhs", da}, {"rhs", db}}});
        ex.forward(true);
        CHECK(ex.outputs()[0].shape() == shape{std::int64_t(R), std::int64_t(C)});
        CHECK(ex.outputs()[0].to_vector<double>() == out);
        ex.backward({array(head, {std::int64_t(R), std::int64_t(C)})});
        const auto got_a = da.to_vector<double>(), got_b = db.to_vector<double>();
        for (std::size_t i = 0; i < R; ++i) CHECK(got_a[i] == Approx(ga[i]).epsilon(1e-12).margin(1e-11));
        for (std::size_t j = 0; j < C; ++j) CHECK(got_b[j] == Approx(gb[j]).epsilon(1e-12).margin(1e-11));
      });
    }
  }
}
