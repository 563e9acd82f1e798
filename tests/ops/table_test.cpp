// The operator table's names are MXNet's (MXNET-REFERENCE.md §2.2, §2.3), each op is listed once,
// and scalar operands are written the way Python's str() writes them.
#include <catch2/catch.hpp>

#include <xsym/xsym.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <vector>

namespace ops = xsym::ops;

namespace {

struct binary_names {
  std::string_view op, hint, scalar_op, scalar_hint, rscalar_op, rscalar_hint;
};

template <class B>
void check_binary(const binary_names& want) {
  INFO("binary op " << want.op);
  CHECK(B::names.mxnet == want.op);
  CHECK(B::names.hint == want.hint);
  CHECK(B::scalar_names.mxnet == want.scalar_op);
  CHECK(B::scalar_names.hint == want.scalar_hint);
  CHECK(B::rscalar_names.mxnet == want.rscalar_op);
  CHECK(B::rscalar_names.hint == want.rscalar_hint);
  // The scalar node types take their names from these.
  CHECK(ops::scalar<B, false>::names.mxnet == want.scalar_op);
  CHECK(ops::scalar<B, false>::names.hint == want.scalar_hint);
  CHECK(ops::scalar<B, true>::names.mxnet == want.rscalar_op);
  CHECK(ops::scalar<B, true>::names.hint == want.rscalar_hint);
  CHECK(B::arity == 2);
  CHECK(ops::scalar<B, false>::arity == 1);
  CHECK_FALSE(ops::scalar<B, false>::reversed);
  CHECK(ops::scalar<B, true>::reversed);
  STATIC_REQUIRE(std::is_same_v<typename ops::scalar<B, true>::binary_op, B>);
}

template <class... Op>
std::vector<std::string_view> mxnet_names(xsym::type_list<Op...>) {
  return {Op::names.mxnet...};
}
template <class... Op>
std::vector<std::string_view> hints(xsym::type_list<Op...>) {
  return {Op::names.hint...};
}
template <class... Op>
std::vector<const std::type_info*> types(xsym::type_list<Op...>) {
  return {&typeid(Op)...};
}
template <class... Op>
std::vector<int> arities(xsym::type_list<Op...>) {
  return {Op::arity...};
}

template <class T>
std::size_t distinct(const std::vector<T>& v) {
  return std::set<T>(v.begin(), v.end()).size();
}
std::size_t distinct(const std::vector<const std::type_info*>& v) {
  std::set<std::string> names;
  for (auto* t : v) names.insert(t->name());
  return names.size();
}

}  // namespace

TEST_CASE("binary ops carry MXNet's op names and hints, with their scalar and reversed forms", "[ops][table]") {
  check_binary<ops::plus>({"elemwise_add", "_plus", "_plus_scalar", "_plusscalar", "_plus_scalar", "_plusscalar"});
  check_binary<ops::minus>(
      {"elemwise_sub", "_minus", "_minus_scalar", "_minusscalar", "_rminus_scalar", "_rminusscalar"});
  check_binary<ops::mul>({"elemwise_mul", "_mul", "_mul_scalar", "_mulscalar", "_mul_scalar", "_mulscalar"});
  check_binary<ops::div>({"elemwise_div", "_div", "_div_scalar", "_divscalar", "_rdiv_scalar", "_rdivscalar"});
  check_binary<ops::mod>({"_mod", "_mod", "_mod_scalar", "_modscalar", "_rmod_scalar", "_rmodscalar"});
  // `mx.sym.pow(2, a)` is _RPowerScalar: op _rpower_scalar, hint _rpowerscalar.
  check_binary<ops::power>(
      {"_power", "_power", "_power_scalar", "_powerscalar", "_rpower_scalar", "_rpowerscalar"});
  // maximum(3, a) is _MaximumScalar, like maximum(a, 3).
  check_binary<ops::maximum>(
      {"_maximum", "_maximum", "_maximum_scalar", "_maximumscalar", "_maximum_scalar", "_maximumscalar"});
  check_binary<ops::minimum>(
      {"_minimum", "_minimum", "_minimum_scalar", "_minimumscalar", "_minimum_scalar", "_minimumscalar"});
  check_binary<ops::hypot>({"_hypot", "_hypot", "_hypot_scalar", "_hypotscalar", "_hypot_scalar", "_hypotscalar"});
  // Comparisons: the hint keeps the underscore (`_equal_scalar0`); a reversed comparison is the
  // mirrored one (`2 < a` is `a > 2`).
  check_binary<ops::equal>(
      {"_equal", "_equal", "_equal_scalar", "_equal_scalar", "_equal_scalar", "_equal_scalar"});
  check_binary<ops::not_equal>({"_not_equal", "_not_equal", "_not_equal_scalar", "_not_equal_scalar",
                                "_not_equal_scalar", "_not_equal_scalar"});
  check_binary<ops::greater>(
      {"_greater", "_greater", "_greater_scalar", "_greater_scalar", "_lesser_scalar", "_lesser_scalar"});
  check_binary<ops::greater_equal>({"_greater_equal", "_greater_equal", "_greater_equal_scalar",
                                    "_greater_equal_scalar", "_lesser_equal_scalar", "_lesser_equal_scalar"});
  check_binary<ops::lesser>(
      {"_lesser", "_lesser", "_lesser_scalar", "_lesser_scalar", "_greater_scalar", "_greater_scalar"});
  check_binary<ops::lesser_equal>({"_lesser_equal", "_lesser_equal", "_lesser_equal_scalar", "_lesser_equal_scalar",
                                   "_greater_equal_scalar", "_greater_equal_scalar"});

  // The spot checks of the brief, spelled out.
  STATIC_REQUIRE(ops::minus::rscalar_names.mxnet == "_rminus_scalar");
  STATIC_REQUIRE(ops::minus::rscalar_names.hint == "_rminusscalar");
  STATIC_REQUIRE(ops::power::rscalar_names.mxnet == "_rpower_scalar");
  STATIC_REQUIRE(ops::not_equal::scalar_names.hint == "_not_equal_scalar");
  STATIC_REQUIRE(ops::scalar<ops::lesser, true>::names.mxnet == "_greater_scalar");
}

TEST_CASE("binary_ops lists each binary op once", "[ops][table]") {
  using L = ops::binary_ops;
  STATIC_REQUIRE(L::size == 15);
  CHECK(distinct(types(L{})) == L::size);
  CHECK(distinct(mxnet_names(L{})) == L::size);
  CHECK(distinct(hints(L{})) == L::size);
  for (int a : arities(L{})) CHECK(a == 2);
  std::set<std::string_view> want{"elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div", "_mod",
                                  "_power", "_maximum", "_minimum", "_hypot", "_equal", "_not_equal",
                                  "_greater", "_greater_equal", "_lesser", "_lesser_equal"};
  auto got = mxnet_names(L{});
  CHECK(std::set<std::string_view>(got.begin(), got.end()) == want);
}

TEST_CASE("unary ops: MXNet's names (§2.3), each listed once, the name equals the function", "[ops][table]") {
  using L = ops::unary_ops;
  // Every unary math op of MXNet 1.9.1 that xsym has, zeros_like and ones_like, and identity,
  // which MXNet registers as _copy.
  const std::set<std::string_view> want{
      "negative", "abs",   "sign",  "round",  "rint",    "ceil",    "floor",   "trunc",       "fix",
      "square",   "sqrt",  "rsqrt", "cbrt",   "rcbrt",   "reciprocal", "exp",  "expm1",       "log",
      "log2",     "log10", "log1p", "sin",    "cos",     "tan",     "arcsin",  "arccos",      "arctan",
      "sinh",     "cosh",  "tanh",  "arcsinh", "arccosh", "arctanh", "degrees", "radians",    "relu",
      "sigmoid",  "softsign", "erf", "gamma", "logical_not", "zeros_like", "ones_like", "_copy"};
  auto names = mxnet_names(L{});
  CHECK(names.size() == L::size);
  CHECK(distinct(types(L{})) == L::size);
  CHECK(distinct(names) == L::size);
  CHECK(std::set<std::string_view>(names.begin(), names.end()) == want);
  for (int a : arities(L{})) CHECK(a == 1);

  // The hint is the Python function's name: the op name, except identity (`_copy`, hint identity).
  auto h = hints(L{});
  for (std::size_t i = 0; i < names.size(); ++i) {
    INFO("unary op " << names[i]);
    if (names[i] == "_copy")
      CHECK(h[i] == "identity");
    else
      CHECK(h[i] == names[i]);
  }
  STATIC_REQUIRE(ops::identity::names.mxnet == "_copy");
  STATIC_REQUIRE(ops::identity::names.hint == "identity");
  STATIC_REQUIRE(ops::exp::names.mxnet == "exp");
  STATIC_REQUIRE(ops::logical_not::names.hint == "logical_not");
}

TEST_CASE("clip and Cast carry MXNet's names", "[ops][table]") {
  STATIC_REQUIRE(ops::clip::names.mxnet == "clip");
  STATIC_REQUIRE(ops::clip::names.hint == "clip");
  STATIC_REQUIRE(ops::cast<float>::names.mxnet == "Cast");
  STATIC_REQUIRE(ops::cast<std::int8_t>::names.hint == "cast");
  STATIC_REQUIRE(std::is_same_v<ops::cast<std::uint8_t>::target, std::uint8_t>);
  STATIC_REQUIRE(ops::clip::arity == 1);
  STATIC_REQUIRE(ops::cast<double>::arity == 1);
}

TEST_CASE("integer rules: exact where the result is an integer anyway, via double otherwise", "[ops][table]") {
  using enum ops::integers;
  STATIC_REQUIRE(ops::plus::integer_rule == exact);
  STATIC_REQUIRE(ops::mod::integer_rule == exact);
  STATIC_REQUIRE(ops::power::integer_rule == exact);
  STATIC_REQUIRE(ops::greater::integer_rule == exact);
  STATIC_REQUIRE(ops::hypot::integer_rule == via_double);
  STATIC_REQUIRE(ops::abs::integer_rule == exact);
  STATIC_REQUIRE(ops::square::integer_rule == exact);
  STATIC_REQUIRE(ops::relu::integer_rule == exact);
  STATIC_REQUIRE(ops::logical_not::integer_rule == exact);
  STATIC_REQUIRE(ops::sqrt::integer_rule == via_double);
  STATIC_REQUIRE(ops::reciprocal::integer_rule == via_double);
  STATIC_REQUIRE(ops::gamma::integer_rule == via_double);
}

TEST_CASE("costs: transcendental functions, sqrt, power and hypot are math, the rest cheap", "[ops][table]") {
  using enum ops::op_cost;
  // The CPU loop compiles a fused loop for each instruction set from these (exec/program_loop.hpp).
  STATIC_REQUIRE(ops::cost_of<ops::exp>() == math);
  STATIC_REQUIRE(ops::cost_of<ops::tanh>() == math);
  STATIC_REQUIRE(ops::cost_of<ops::sqrt>() == math);
  STATIC_REQUIRE(ops::cost_of<ops::gamma>() == math);
  STATIC_REQUIRE(ops::cost_of<ops::power>() == math);
  STATIC_REQUIRE(ops::cost_of<ops::hypot>() == math);
  STATIC_REQUIRE(ops::cost_of<ops::scalar<ops::power, true>>() == math);  // `2 ** a`
  // Computed in double for integers, but a multiplication or a division all the same.
  STATIC_REQUIRE(ops::cost_of<ops::reciprocal>() == cheap);
  STATIC_REQUIRE(ops::cost_of<ops::degrees>() == cheap);
  STATIC_REQUIRE(ops::cost_of<ops::softsign>() == cheap);
  STATIC_REQUIRE(ops::cost_of<ops::plus>() == cheap);
  STATIC_REQUIRE(ops::cost_of<ops::scalar<ops::mul, false>>() == cheap);
  STATIC_REQUIRE(ops::cost_of<ops::clip>() == cheap);
  STATIC_REQUIRE(ops::cost_of<ops::cast<float>>() == cheap);
}

TEST_CASE("operator spellings build the table's nodes", "[ops][table]") {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  using A = decltype(a);
  using B = decltype(b);
  STATIC_REQUIRE(std::is_same_v<decltype(a + b), xsym::node<ops::plus, A, B>>);
  STATIC_REQUIRE(std::is_same_v<decltype(a - b), xsym::node<ops::minus, A, B>>);
  STATIC_REQUIRE(std::is_same_v<decltype(a % b), xsym::node<ops::mod, A, B>>);
  STATIC_REQUIRE(std::is_same_v<decltype(a <= b), xsym::node<ops::lesser_equal, A, B>>);
  STATIC_REQUIRE(std::is_same_v<decltype(xsym::pow(a, b)), xsym::node<ops::power, A, B>>);
  STATIC_REQUIRE(std::is_same_v<decltype(xsym::hypot(a, b)), xsym::node<ops::hypot, A, B>>);
  STATIC_REQUIRE(std::is_same_v<decltype(a + 1.5), xsym::node<ops::scalar<ops::plus, false>, A>>);
  STATIC_REQUIRE(std::is_same_v<decltype(1.5 + a), xsym::node<ops::scalar<ops::plus, true>, A>>);
  STATIC_REQUIRE(std::is_same_v<decltype(2 - a), xsym::node<ops::scalar<ops::minus, true>, A>>);
  STATIC_REQUIRE(std::is_same_v<decltype(2 / a), xsym::node<ops::scalar<ops::div, true>, A>>);
  STATIC_REQUIRE(std::is_same_v<decltype(a % 3), xsym::node<ops::scalar<ops::mod, false>, A>>);
  STATIC_REQUIRE(std::is_same_v<decltype(xsym::pow(a, 2)), xsym::node<ops::scalar<ops::power, false>, A>>);
  STATIC_REQUIRE(std::is_same_v<decltype(xsym::pow(2, a)), xsym::node<ops::scalar<ops::power, true>, A>>);
  STATIC_REQUIRE(std::is_same_v<decltype(xsym::maximum(3, a)), xsym::node<ops::scalar<ops::maximum, true>, A>>);
  STATIC_REQUIRE(std::is_same_v<decltype(2 < a), xsym::node<ops::scalar<ops::lesser, true>, A>>);
  STATIC_REQUIRE(std::is_same_v<decltype(-a), xsym::node<ops::scalar<ops::mul, false>, A>>);
  STATIC_REQUIRE(std::is_same_v<decltype(xsym::exp(a)), xsym::node<ops::exp, A>>);
  STATIC_REQUIRE(std::is_same_v<decltype(xsym::identity(a)), xsym::node<ops::identity, A>>);
  STATIC_REQUIRE(std::is_same_v<decltype(xsym::clip(a, 0, 1.5)), xsym::node<ops::clip, A>>);
  STATIC_REQUIRE(std::is_same_v<decltype(xsym::cast<std::int8_t>(a)), xsym::node<ops::cast<std::int8_t>, A>>);

  // The scalars the nodes carry, as the user wrote them.
  CHECK((2 < a).param == ops::scalar_value(2));
  CHECK((2 < a).param.str() == "2");
  CHECK((-a).param.str() == "-1.0");
  CHECK((a + 1.5).param.str() == "1.5");
  auto c = xsym::clip(a, 0, 1.5);
  CHECK(c.param.values[0].str() == "0");  // a_min
  CHECK(c.param.values[1].str() == "1.5");  // a_max
  CHECK(ops::clip::attrs(c.param) == ops::attributes{{"a_max", "1.5"}, {"a_min", "0"}});
  STATIC_REQUIRE(std::is_same_v<decltype(xsym::smooth_l1(a, 1)), xsym::node<ops::smooth_l1, A>>);
  CHECK(ops::smooth_l1::attrs(xsym::smooth_l1(a, 2.5).param) == ops::attributes{{"scalar", "2.5"}});
}

TEST_CASE("scalar_value::str writes numbers as Python's str()", "[ops][table]") {
  using ops::scalar_value;
  const double inf = std::numeric_limits<double>::infinity();
  struct example {
    scalar_value value;
    std::string_view python;
  };
  const example examples[] = {
      // integers, as the user wrote them
      {2, "2"},
      {0, "0"},
      {-3, "-3"},
      {std::int64_t(1) << 53, "9007199254740992"},
      {std::uint8_t(200), "200"},
      {std::int8_t(-128), "-128"},
      // floats: repr's shortest digits, fixed notation for exponents -4 .. 15
      {1.5, "1.5"},
      {-1.0, "-1.0"},
      {2.0, "2.0"},
      {0.0, "0.0"},
      {-0.0, "-0.0"},
      {0.1, "0.1"},
      {0.8, "0.8"},
      {100.0, "100.0"},
      {123456.25, "123456.25"},
      {123.456, "123.456"},
      {0.0001, "0.0001"},
      {0.00012, "0.00012"},
      {1e-05, "1e-05"},
      {1.2e-05, "1.2e-05"},
      {-2.5e-07, "-2.5e-07"},
      {1e15, "1000000000000000.0"},
      {1234567890123456.8, "1234567890123456.8"},
      {1e16, "1e+16"},
      {1e+16, "1e+16"},
      {1.5e16, "1.5e+16"},
      {1e22, "1e+22"},
      {1e100, "1e+100"},
      {-1e-100, "-1e-100"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {5e-324, "5e-324"},
      {2.5f, "2.5"},
      {std::nan(""), "nan"},
      {inf, "inf"},
      {-inf, "-inf"},
  };
  for (const auto& e : examples) {
    INFO("expected " << e.python);
    CHECK(e.value.str() == e.python);
  }
  CHECK(scalar_value(2).integral);
  CHECK_FALSE(scalar_value(2.0).integral);
  CHECK(scalar_value(2) != scalar_value(2.0));  // "2" and "2.0" are different attributes
}
