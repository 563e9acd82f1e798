// Every op of the operator table, run through the static graph API and xsym::bind (one fused
// loop), agrees element by element with a plain loop over the reference semantics
// (tests/ops/reference.cpp), for every element type: float32, float64, int32 and int64 through
// untyped variables (one graph, instantiated at bind for the dtype bound), int8 and uint8 through
// typed variables (`xsym::variable<"A", std::int8_t>()`).
//
// Sizes: 0, 1, 7 (odd), 1000, 1 << 17 (above exec::parallel_threshold: OpenMP threads) and
// (1 << 17) + 7 (an odd tail split across threads).
//
// Tolerances: integers are exact. Floats are exact (same value, both NaN, same sign of zero)
// wherever the fused loop and the reference compute the same IEEE expression, which is every
// single op and the composite graphs, since the reference performs the same operations in the
// same order and type. The one comparison with a bound is the float32 composite graph against
// the same formula in float64: 8 float32 ulp (measured: 3), on inputs where the formula is well
// conditioned.
//
// Graph types: each test case builds one graph (a group with one output per op; its scalars are
// run-time values) and instantiates it for the six dtypes, never per size or scalar value: each
// graph type instantiates bind and its fused loops, which is most of the compile time.
//
// Known (reported): with g++ and -fsanitize=undefined (or null / nonnull-attribute) any graph of
// two distinct variables fails to compile: analysis.hpp compares the addresses of two
// `type_key<>` variables in a constant expression, which g++ refuses under those flags.

#include <catch2/catch.hpp>

#include "../ops/reference.cpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ops = xsym::ops;
using ref::show;

namespace {

constexpr std::size_t sizes[] = {0, 1, 7, 1000, std::size_t(1) << 17, (std::size_t(1) << 17) + 7};
constexpr std::size_t all_sizes = std::size_t(-1);

template <class T>
constexpr bool bindable = std::is_same_v<T, float> || std::is_same_v<T, double> ||
                          std::is_same_v<T, std::int32_t> || std::is_same_v<T, std::int64_t>;

/// Argument "A" or "B": untyped for the bindable dtypes (the graph is instantiated at bind),
/// typed for int8 and uint8, which bind only through typed variables.
template <class T>
constexpr auto var_a() {
  if constexpr (bindable<T>) return xsym::variable<"A">(); else return xsym::variable<"A", T>();
}
template <class T>
constexpr auto var_b() {
  if constexpr (bindable<T>) return xsym::variable<"B">(); else return xsym::variable<"B", T>();
}

/// Pseudo-random values of T from a mix of ranges: small integers and values near [-1, 1]
/// (inside the domains of arcsin, log1p, ...), moderate values, and for floats magnitudes from
/// 1e-30 to 1e30 with either sign (outside domains, overflow, float-to-int saturation); for
/// integers also the full range.
template <class T>
T random_value(std::mt19937_64& rng) {
  const std::uint64_t kind = rng() % 5;
  auto uniform = [&](double lo, double hi) { return lo + (hi - lo) * double(rng() >> 11) * 0x1p-53; };
  if constexpr (ref::is_float<T>) {
    switch (kind) {
      case 0: return T(uniform(-1.2, 1.2));
      case 1: return T(uniform(-30, 30));
      case 2: return T(std::round(uniform(-10, 10)));
      case 3: return T(uniform(0.9, 20));
      default: return T((rng() & 1 ? 1 : -1) * std::pow(10.0, uniform(-30, 30)));
    }
  } else {
    switch (kind) {
      case 0: return ref::wrap<T>(__int128(rng() % 41) - 20);
      case 1: return ref::wrap<T>(__int128(rng() % 200));
      case 2: return ref::wrap<T>(__int128(rng() % 2001) - 1000);
      default: return static_cast<T>(rng());  // the full range (modular)
    }
  }
}

/// Input `arg` (0 for "A", 1 for "B") of n elements: first every pair of interesting values
/// (A cycles fastest), then pseudo-random values. Cached: the same vector for every op.
template <class T>
const std::vector<T>& input(int arg, std::size_t n) {
  static std::map<std::pair<int, std::size_t>, std::vector<T>> cache;
  auto& v = cache[{arg, n}];
  if (v.size() == n) return v;
  const auto special = ref::interesting<T>();
  const std::size_t k = special.size();
  std::mt19937_64 rng(0x5eed + 7919 * std::uint64_t(arg) + n);
  v.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (i < k * k)
      v[i] = special[arg == 0 ? i % k : i / k];
    else
      v[i] = random_value<T>(rng);
  }
  return v;
}

/// Binds g to the given arrays on cpu(0), runs forward() and returns the outputs.
template <class G>
std::vector<xsym::ndarray> run(const G& g, const std::map<std::string, xsym::ndarray>& args) {
  auto ex = xsym::bind(g, xsym::cpu(0), args);
  ex.forward();
  return ex.outputs();
}

template <class T>
xsym::ndarray array_of(const std::vector<T>& v) {
  return xsym::ndarray::array<T>(v, xsym::shape{std::int64_t(v.size())});
}

struct tolerance {
  std::uint64_t ulps = 0;                     // floats: 0 is exact
  bool zero_signs = ref::compare_zero_signs;  // whether +0.0 and -0.0 differ
};

/// Compares output `out` with `want` element by element; one assertion, naming the first element
/// that differs and its inputs a[i] (and b[i] when b is given).
template <class Out, class T>
void compare(const xsym::ndarray& out, const std::vector<Out>& want, const std::vector<T>& a,
             const std::vector<T>* b, const std::string& what, tolerance tol = {}) {
  const std::size_t n = want.size();
  INFO(what << ", " << n << " elements");
  REQUIRE(out.dtype() == xsym::dtype_of<Out>);
  REQUIRE(out.size() == n);
  const std::vector<Out> got = out.to_vector<Out>();
  std::size_t bad = 0, first = 0;
  for (std::size_t i = 0; i < n; ++i) {
    bool ok;
    if constexpr (ref::is_float<Out>) {
      ok = tol.ulps == 0 ? ref::same(got[i], want[i], tol.zero_signs) : ref::ulp_distance(got[i], want[i]) <= tol.ulps;
    } else if (tol.ulps == 0) {
      ok = got[i] == want[i];
    } else {
      // An approximate op on integers: computed in double within tol.ulps, then converted; the
      // integer may differ from the reference's by that many ulp of the double (at least 1).
      const double g = double(got[i]), w = double(want[i]), aw = std::fabs(w);
      ok = std::fabs(g - w) <= std::max(1.0, double(tol.ulps) * (std::nextafter(aw, INFINITY) - aw));
    }
    if (!ok && bad++ == 0) first = i;
  }
  if (bad) {
    INFO(bad << " elements differ; the first is element " << first << " (a = " << show(a[first])
              << (b ? ", b = " + show((*b)[first]) : std::string()) << "): got " << show(got[first])
              << ", expected " << show(want[first]));
    CHECK(bad == 0);
  } else {
    CHECK(bad == 0);
  }
}

/// want(a_i, b_i) for every element of the inputs of size n (b_i is a_i for one argument).
template <class T, int Arity, class Want>
auto expected(const Want& want, std::size_t n) {
  const auto& a = input<T>(0, n);
  const auto& b = input<T>(Arity == 2 ? 1 : 0, n);
  std::vector<decltype(want(T{}, T{}))> e(n);
  for (std::size_t i = 0; i < n; ++i) e[i] = want(a[i], b[i]);
  return e;
}

/// One output of a checked graph: build(a, b) makes it from the graph's variables (b unused
/// for ops of one argument), want(x, y) is its reference for one element. Both are generic
/// lambdas, so one case serves every element type.
template <class Build, class Want>
struct check_case {
  Build build;
  Want want;
  std::string name;
  tolerance tol{};
};
template <class Build, class Want>
check_case<Build, Want> make_case(Build build, Want want, std::string name, tolerance tol = {}) {
  return {build, want, std::move(name), tol};
}

/// The graph of the cases' outputs on variables a and b: the expression itself for one case,
/// otherwise a group (one fused loop computing every output).
template <class A, class B, class... Case>
auto graph_of(A a, B b, const Case&... cases) {
  if constexpr (sizeof...(Case) == 1) return (cases.build(a, b), ...);
  else return xsym::group(cases.build(a, b)...);
}

/// Runs graph g on inputs of element type T ("A", and "B" for Arity 2) for every size up to
/// max_size; output k must agree with case k.
template <class T, int Arity, class G, class... Case>
void agree_for(const G& g, std::size_t max_size, const Case&... cases) {
  for (std::size_t n : sizes) {
    if (n > max_size) continue;
    const auto& a = input<T>(0, n);
    const auto* b = Arity == 2 ? &input<T>(1, n) : nullptr;
    std::map<std::string, xsym::ndarray> args{{"A", array_of(a)}};
    if (b) args.emplace("B", array_of(*b));
    const auto outs = run(g, args);
    REQUIRE(outs.size() == sizeof...(Case));
    std::size_t k = 0;
    (compare(outs[k++], expected<T, Arity>(cases.want, n), a, b, cases.name + " on " + ref::type_name<T>(),
             cases.tol),
     ...);
  }
}

/// Checks the cases for every element type: float32, float64, int32 and int64 through one graph
/// of untyped variables (instantiated at bind for the dtype bound), int8 and uint8 through
/// graphs of typed variables (`xsym::variable<"A", std::int8_t>()`).
template <int Arity, class... Case>
void agree(std::size_t max_size, const Case&... cases) {
  const auto g = graph_of(xsym::variable<"A">(), xsym::variable<"B">(), cases...);
  agree_for<float, Arity>(g, max_size, cases...);
  agree_for<double, Arity>(g, max_size, cases...);
  agree_for<std::int32_t, Arity>(g, max_size, cases...);
  agree_for<std::int64_t, Arity>(g, max_size, cases...);
  using i8 = std::int8_t;
  using u8 = std::uint8_t;
  agree_for<i8, Arity>(graph_of(xsym::variable<"A", i8>(), xsym::variable<"B", i8>(), cases...), max_size, cases...);
  agree_for<u8, Arity>(graph_of(xsym::variable<"A", u8>(), xsym::variable<"B", u8>(), cases...), max_size, cases...);
}

// The sign of a zero result of mod is not compared: see tests/ops/element_test.cpp.
template <class B>
tolerance tolerance_of() {
  return {ref::approximate<B> ? 2u : 0u, ref::compare_zero_signs && !std::is_same_v<B, ops::mod>};
}

template <class Op>
auto unary_case() {
  return make_case([](auto a, auto) { return xsym::detail::make_node<Op>({}, a); },
                   [](auto x, auto) { return ref::eval(Op{}, x); }, std::string(Op::names.mxnet),
                   tolerance{ref::approximate<Op> ? 2u : 0u});
}
template <class Op>
auto binary_case() {
  return make_case([](auto a, auto b) { return xsym::detail::make_node<Op>({}, a, b); },
                   [](auto x, auto y) { return ref::eval(Op{}, x, y); }, std::string(Op::names.mxnet),
                   tolerance_of<Op>());
}
// For integer dtypes the scalar is converted to the element type first (MXNet's DType(s)):
// `a + 1.5` on int32 adds 1.
template <class Op, bool Reversed>
auto scalar_case(ops::scalar_value s) {
  using S = ops::scalar<Op, Reversed>;
  return make_case([s](auto a, auto) { return xsym::detail::make_node<S>(s, a); },
                   [s](auto x, auto) { return ref::eval_scalar<Op, Reversed>(ref::to<decltype(x)>(s.value), x); },
                   std::string(S::names.mxnet) + " with scalar " + s.str(), tolerance_of<Op>());
}
template <class To>
auto cast_case() {
  return make_case([](auto a, auto) { return xsym::cast<To>(a); }, [](auto x, auto) { return ref::to<To>(x); },
                   std::string("Cast to ") + ref::type_name<To>());
}
auto clip_case(ops::clip::param p) {
  const ops::scalar_value lo = p.values[0], hi = p.values[1];
  return make_case([p](auto a, auto) { return xsym::detail::make_node<ops::clip>(p, a); },
                   [lo, hi](auto x, auto) {
                     using T = decltype(x);
                     return ref::eval_clip(ref::to<T>(lo.value), ref::to<T>(hi.value), x);
                   },
                   "clip(a, " + lo.str() + ", " + hi.str() + ")");
}
// MXNet's formula in the element type rounds up to four times; the reference rounds once.
auto smooth_l1_case(ops::scalar_value sigma) {
  return make_case([sigma](auto a, auto) { return xsym::smooth_l1(a, sigma.value); },
                   [sigma](auto x, auto) { return ref::eval_smooth_l1(ref::to<decltype(x)>(sigma.value), x); },
                   "smooth_l1(a, " + sigma.str() + ")", tolerance{4u});
}

template <class... Op>
void unary_ops_agree(xsym::type_list<Op...>) {
  agree<1>(all_sizes, unary_case<Op>()...);
}
template <class... Op>
void binary_ops_agree(xsym::type_list<Op...>) {
  agree<2>(all_sizes, binary_case<Op>()...);
}
template <bool Reversed, class... Op>
void scalar_ops_agree(xsym::type_list<Op...>) {
  // Scalars as users write them; the graph type is the same for each. The first two also run
  // on the large sizes.
  const ops::scalar_value scalars[] = {2, 1.5, -3, 0, -0.8, 1e10};
  for (std::size_t k = 0; k < std::size(scalars); ++k)
    agree<1>(k < 2 ? all_sizes : 1000, scalar_case<Op, Reversed>(scalars[k])...);
}
template <class... To>
void casts_agree(xsym::type_list<To...>) {
  agree<1>(all_sizes, cast_case<To>()...);
}

using element_types = xsym::type_list<float, double, std::int32_t, std::int64_t, std::int8_t, std::uint8_t>;

}  // namespace

// Each test case runs one graph (a group of one output per op) for every element type.

TEST_CASE("bind: every unary op agrees with the reference, for every dtype", "[exec][ops]") {
  unary_ops_agree(ops::unary_ops{});
}

TEST_CASE("bind: every binary op of two variables agrees with the reference, for every dtype", "[exec][ops]") {
  binary_ops_agree(ops::binary_ops{});
}

TEST_CASE("bind: every scalar form `a op s`, with int and double scalars, for every dtype", "[exec][ops]") {
  scalar_ops_agree<false>(ops::binary_ops{});
}

TEST_CASE("bind: every reversed scalar form `s op a`, with int and double scalars, for every dtype", "[exec][ops]") {
  scalar_ops_agree<true>(ops::binary_ops{});
}

TEST_CASE("bind: the ops with number attributes (clip, smooth_l1) and -a agree with the reference, for every dtype",
          "[exec][ops]") {
  agree<1>(all_sizes, clip_case({-1.5, 2}), clip_case({0, 1}), clip_case({-100, 100.5}), clip_case({2, -1}),
           clip_case({-1e10, 1e10}),
           // the public spelling builds the same node
           make_case([](auto a, auto) { return xsym::clip(a, -1.5, 2); },
                     [](auto x, auto) { return ref::eval_clip(ref::to<decltype(x)>(-1.5), decltype(x)(2), x); },
                     "xsym::clip(a, -1.5, 2)"),
           smooth_l1_case(1), smooth_l1_case(0.5), smooth_l1_case(3), smooth_l1_case(-2),
           // `-a` is `a * -1.0`: the scalar converted to T, so -1 for signed integers and,
           // saturated, 0 for uint8 (uint8 `-a` is all zeros; `negative(a)` wraps instead).
           make_case([](auto a, auto) { return -a; },
                     [](auto x, auto) { return ref::eval(ops::mul{}, x, ref::to<decltype(x)>(-1.0)); }, "-a"));
}

TEST_CASE("bind: scalars are converted to the element type first: `a + 1.5` on int32 adds 1", "[exec][ops]") {
  const auto a = xsym::variable<"A">();
  auto ex = xsym::bind(a + 1.5, xsym::cpu(0), {{"A", xsym::ndarray::array<std::int32_t>({1, 2, -3}, {3})}});
  ex.forward();
  CHECK(ex.outputs()[0].to_vector<std::int32_t>() == std::vector<std::int32_t>{2, 3, -2});
  auto ex2 = xsym::bind(2 - a, xsym::cpu(0), {{"A", xsym::ndarray::array<float>({0.5f, -1.0f}, {2})}});
  ex2.forward();
  CHECK(ex2.outputs()[0].to_vector<float>() == std::vector<float>{1.5f, 3.0f});
  const auto b = xsym::variable<"A", std::int8_t>();
  auto ex3 = xsym::bind(b * 1000, xsym::cpu(0), {{"A", xsym::ndarray::array<std::int8_t>({1, -1, 2}, {3})}});
  ex3.forward();  // 1000 saturates to 127; 2 * 127 wraps to -2
  CHECK(ex3.outputs()[0].to_vector<std::int8_t>() == std::vector<std::int8_t>{127, -127, -2});
}

TEST_CASE("bind: Cast between every pair of element types", "[exec][ops]") {
  casts_agree(element_types{});  // one group of six outputs of six dtypes, for each input dtype
}

// MXNet's test_operator.py::test_scalarop: 2 / (4 - ((1 + data + 1) * 2 / 5) - 0.8 - (data != 0)).
TEST_CASE("bind: a composite graph of scalar ops (MXNet's test_scalarop), for every dtype", "[exec][ops]") {
  auto graph = [](auto data, auto) { return 2 / (4 - ((1 + data + 1) * 2 / 5) - 0.8 - (data != 0)); };
  // The same operations in the same order, each scalar converted to the element type.
  auto formula = [](auto d, auto) {
    using T = decltype(d);
    using namespace ref;
    auto s = [](double v) { return to<T>(v); };
    T t = eval(ops::plus{}, s(1), d);                            // 1 + data
    t = eval(ops::plus{}, t, s(1));                              // ... + 1
    t = eval(ops::mul{}, t, s(2));                               // ... * 2
    t = eval(ops::div{}, t, s(5));                               // ... / 5
    t = eval(ops::minus{}, s(4), t);                             // 4 - ...
    t = eval(ops::minus{}, t, s(0.8));                           // ... - 0.8
    t = eval(ops::minus{}, t, eval(ops::not_equal{}, d, s(0)));  // ... - (data != 0)
    return eval(ops::div{}, s(2), t);                            // 2 / ...
  };
  agree<1>(all_sizes, make_case(graph, formula, "test_scalarop graph"));  // a single expression

  const auto g = graph(xsym::variable<"A">(), 0);
  auto ex = xsym::bind(g, xsym::cpu(0), {{"A", xsym::ndarray::array<float>({5.0f}, {1})}});
  ex.forward();
  const float r = ex.outputs()[0].to_vector<float>()[0];
  CHECK(r == Approx(-3.3333333f).epsilon(1e-6));
  CHECK(r == formula(5.0f, 5.0f));
  // Forward again after new data is written into the bound array.
  ex.arg_dict().at("A").copy_from(std::vector<float>{0.0f});
  ex.forward();
  CHECK(ex.outputs()[0].to_vector<float>()[0] == formula(0.0f, 0.0f));
  // int32: 7 * 2 / 5 == 2; 4 - 2 - 0 - 1 == 1; 2 / 1 == 2
  auto ex2 = xsym::bind(g, xsym::cpu(0), {{"A", xsym::ndarray::array<std::int32_t>({5}, {1})}});
  ex2.forward();
  CHECK(ex2.outputs()[0].to_vector<std::int32_t>()[0] == 2);
}

TEST_CASE("bind: float32 test_scalarop graph is within 8 ulp of the float64 formula", "[exec][ops]") {
  const auto data = xsym::variable<"A">();
  const auto g = 2 / (4 - ((1 + data + 1) * 2 / 5) - 0.8 - (data != 0));
  // Inputs in [10, 1000]: the denominator stays far from its zero at data == 3.5.
  std::vector<float> xs;
  for (int i = 0; i < 5000; ++i) xs.push_back(10.0f + float(i) * 0.198f);
  auto ex = xsym::bind(g, xsym::cpu(0), {{"A", array_of(xs)}});
  ex.forward();
  const auto got = ex.outputs()[0].to_vector<float>();
  std::uint64_t worst = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double d = xs[i];
    const double want = 2 / (4 - ((1 + d + 1) * 2 / 5) - 0.8 - (d != 0 ? 1.0 : 0.0));
    worst = std::max(worst, ref::ulp_distance(got[i], float(want)));
  }
  INFO("worst: " << worst << " ulp");
  CHECK(worst <= 8);
}

TEMPLATE_TEST_CASE("bind: a group with two outputs of different dtypes", "[exec][ops]", float, double,
                   std::int32_t, std::int64_t, std::int8_t, std::uint8_t) {
  using T = TestType;
  const auto a = var_a<T>();
  const auto b = var_b<T>();
  const auto t = a * b;  // shared by both outputs
  const auto g = xsym::group(xsym::cast<double>(t) * 2.5, xsym::maximum(t, a) % 3);
  for (std::size_t n : sizes) {
    const auto& av = input<T>(0, n);
    const auto& bv = input<T>(1, n);
    std::vector<double> want0(n);
    std::vector<T> want1(n);
    for (std::size_t i = 0; i < n; ++i) {
      const T ab = ref::eval(ops::mul{}, av[i], bv[i]);
      want0[i] = ref::to<double>(ab) * 2.5;
      want1[i] = ref::eval(ops::mod{}, ref::eval(ops::maximum{}, ab, av[i]), T(3));
    }
    const auto outs = run(g, {{"A", array_of(av)}, {"B", array_of(bv)}});
    REQUIRE(outs.size() == 2);
    compare(outs[0], want0, av, &bv, std::string("output 0, cast<double>(a * b) * 2.5, on ") + ref::type_name<T>());
    compare(outs[1], want1, av, &bv, std::string("output 1, maximum(a * b, a) % 3, on ") + ref::type_name<T>(),
            tolerance_of<ops::mod>());
  }
}
