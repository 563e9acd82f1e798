// xsym::bind for static graphs: every spelling (map with and without context, named arguments,
// Boost.PFR aggregates), dtype handling (untyped graphs, typed variables, int8/uint8, cast), and
// every bind error with its message. Results are compared against plain loops written here,
// never against xsym itself.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include <xsym/static.hpp>

namespace {

using Catch::Contains;
using Catch::EndsWith;
using Catch::Equals;

auto a = xsym::variable<"A">();
auto b = xsym::variable<"B">();
auto c = xsym::variable<"C">();
auto d = xsym::variable<"D">();

/// Deterministic small values: integers in [-11, 11], halves of them for floating types (so
/// that products and sums are exact in every element type).
template <class T>
std::vector<T> sample(std::size_t n, int seed) {
  std::vector<T> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    int k = int((i * 37 + std::size_t(seed) * 11 + 5) % 23) - 11;
    if constexpr (std::is_floating_point_v<T>)
      v[i] = T(k) / T(2);
    else if constexpr (std::is_unsigned_v<T>)
      v[i] = T(k + 11);
    else
      v[i] = T(k);
  }
  return v;
}

/// a * b and a + b in T, wrapping for integers (computed without undefined behaviour).
template <class T>
T wrap_mul(T x, T y) {
  if constexpr (std::is_integral_v<T>)
    return T(std::uint64_t(std::int64_t(x)) * std::uint64_t(std::int64_t(y)));
  else
    return x * y;
}
template <class T>
T wrap_add(T x, T y) {
  if constexpr (std::is_integral_v<T>)
    return T(std::uint64_t(std::int64_t(x)) + std::uint64_t(std::int64_t(y)));
  else
    return x + y;
}

/// The seed graph W1 = (A*B) + (C*D), as a plain loop.
template <class T>
std::vector<T> w1_loop(const std::vector<T>& A, const std::vector<T>& B, const std::vector<T>& C,
                       const std::vector<T>& D) {
  std::vector<T> out(A.size());
  for (std::size_t i = 0; i < A.size(); ++i) out[i] = wrap_add(wrap_mul(A[i], B[i]), wrap_mul(C[i], D[i]));
  return out;
}

/// (A - B) * C - D: not symmetric in any pair of arguments, so a binding that swaps two
/// arrays gives other results.
std::vector<float> asym_loop(const std::vector<float>& A, const std::vector<float>& B, const std::vector<float>& C,
                             const std::vector<float>& D) {
  std::vector<float> out(A.size());
  for (std::size_t i = 0; i < A.size(); ++i) out[i] = (A[i] - B[i]) * C[i] - D[i];
  return out;
}

struct args4 {
  xsym::ndarray A, B, C, D;
};
template <class T>
struct typed_args4 {
  xsym::typed_ndarray<T> A, B, C, D;
};
struct mixed_args4 {
  xsym::typed_ndarray<float> first;
  xsym::ndarray second;
  xsym::typed_ndarray<float> third;
  xsym::ndarray fourth;
};

/// Checks that `arrays` still hold `values` and can be bound correctly: after a failed bind
/// nothing is lost.
void require_intact_and_bindable(const std::vector<xsym::ndarray>& arrays, const std::vector<std::vector<float>>& values) {
  REQUIRE(arrays.size() == 4);
  for (std::size_t k = 0; k < arrays.size(); ++k) {
    REQUIRE(arrays[k].has_storage());
    REQUIRE(arrays[k].dtype() == xsym::dtype::float32);
    REQUIRE(arrays[k].to_vector<float>() == values[k]);
  }
  auto ex = xsym::bind((a * b) + (c * d), {{"A", arrays[0]}, {"B", arrays[1]}, {"C", arrays[2]}, {"D", arrays[3]}});
  ex.forward();
  REQUIRE(ex.outputs()[0].to_vector<float>() == w1_loop(values[0], values[1], values[2], values[3]));
}

}  // namespace

TEST_CASE("bind: the seed walkthrough gives 14", "[exec][bind]") {
  auto e = (a * b) + (c * d);
  auto A = xsym::ndarray::array<std::int32_t>({1}, {1});
  auto B = xsym::ndarray::array<std::int32_t>({2}, {1});
  auto C = xsym::ndarray::array<std::int32_t>({3}, {1});
  auto D = xsym::ndarray::array<std::int32_t>({4}, {1});
  auto ex = xsym::bind(e, xsym::cpu(0), {{"A", A}, {"B", B}, {"C", C}, {"D", D}});
  ex.forward();
  REQUIRE(ex.outputs().size() == 1);
  REQUIRE(ex.outputs()[0].dtype() == xsym::dtype::int32);
  REQUIRE(ex.outputs()[0].shape() == xsym::shape{1});
  REQUIRE(ex.outputs()[0].to_vector<std::int32_t>() == std::vector<std::int32_t>{14});
  REQUIRE(ex.path() == "static fused CPU loop (int32)");
}

TEST_CASE("bind: every spelling gives the plain loop's results", "[exec][bind]") {
  constexpr std::size_t n = 37;
  auto va = sample<float>(n, 1), vb = sample<float>(n, 2), vc = sample<float>(n, 3), vd = sample<float>(n, 4);
  auto A = xsym::ndarray::array<float>(va), B = xsym::ndarray::array<float>(vb);
  auto C = xsym::ndarray::array<float>(vc), D = xsym::ndarray::array<float>(vd);
  xsym::ndarray uA = A, uB = B, uC = C, uD = D;  // untyped handles on the same storage

  auto w1 = (a * b) + (c * d);
  auto asym = (a - b) * c - d;
  const auto want_w1 = w1_loop(va, vb, vc, vd);
  const auto want_asym = asym_loop(va, vb, vc, vd);
  REQUIRE(want_asym != asym_loop(vb, va, vc, vd));  // the data tell swapped arguments apart
  REQUIRE(want_asym != asym_loop(va, vb, vd, vc));

  auto check = [&](auto&& ex, const std::vector<float>& want) {
    ex.forward();
    REQUIRE(ex.outputs().size() == 1);
    REQUIRE(ex.outputs()[0].shape() == xsym::shape{std::int64_t(n)});
    REQUIRE(ex.outputs()[0].template to_vector<float>() == want);
    REQUIRE(ex.context() == xsym::cpu(0));
  };

  SECTION("map with a context") {
    check(xsym::bind(w1, xsym::cpu(0), {{"A", A}, {"B", B}, {"C", C}, {"D", D}}), want_w1);
    check(xsym::bind(asym, xsym::cpu(0), {{"D", uD}, {"C", uC}, {"B", uB}, {"A", uA}}), want_asym);
  }
  SECTION("map on cpu(0) by default") {
    check(xsym::bind(w1, {{"A", A}, {"B", B}, {"C", C}, {"D", D}}), want_w1);
    check(xsym::bind(asym, {{"A", uA}, {"B", uB}, {"C", uC}, {"D", uD}}), want_asym);
    std::map<std::string, xsym::ndarray> m{{"A", A}, {"B", B}, {"C", C}, {"D", D}};
    check(xsym::bind(asym, m), want_asym);
  }
  SECTION("named arguments") {
    check(xsym::bind(w1, a = A, b = B, c = C, d = D), want_w1);
    check(xsym::bind(asym, a = uA, b = uB, c = uC, d = uD), want_asym);
    check(xsym::bind(asym, d = D, c = C, b = B, a = A), want_asym);  // any order
    check(xsym::bind(asym, c = uC, a = A, d = uD, b = B), want_asym);
  }
  SECTION("named arguments with a context") {
    check(xsym::bind(w1, xsym::cpu(0), a = A, b = B, c = C, d = D), want_w1);
    check(xsym::bind(asym, xsym::cpu(0), b = B, d = uD, a = uA, c = C), want_asym);
  }
  SECTION("named argument through another variable object of the same name") {
    auto a2 = xsym::variable<"A">();
    check(xsym::bind(asym, a2 = A, b = B, c = C, d = D), want_asym);
  }
  SECTION("a Boost.PFR aggregate of ndarray, in list_arguments order") {
    check(xsym::bind(w1, args4{A, B, C, D}), want_w1);
    check(xsym::bind(asym, args4{A, B, C, D}), want_asym);
    check(xsym::bind(asym, xsym::cpu(0), args4{uA, uB, uC, uD}), want_asym);
    // Field names do not matter, only their order.
    check(xsym::bind(asym, mixed_args4{A, uB, C, uD}), want_asym);
  }
  SECTION("a Boost.PFR aggregate of typed_ndarray<T>") {
    check(xsym::bind(w1, typed_args4<float>{A, B, C, D}), want_w1);
    check(xsym::bind(asym, xsym::cpu(0), typed_args4<float>{A, B, C, D}), want_asym);
  }
  SECTION("aggregate order follows list_arguments, not the names in the source") {
    // list_arguments of (B - A) is B, A: the first field binds B.
    auto e = b - a;
    static_assert(xsym::list_arguments(decltype(e){})[0] == "B");
    struct two {
      xsym::ndarray x, y;
    };
    auto ex = xsym::bind(e, two{A, B});
    ex.forward();
    std::vector<float> want(n);
    for (std::size_t i = 0; i < n; ++i) want[i] = va[i] - vb[i];
    REQUIRE(ex.outputs()[0].to_vector<float>() == want);
  }
}

TEST_CASE("bind: one array bound to several arguments", "[exec][bind]") {
  auto X = xsym::ndarray::array<std::int32_t>({1, -2, 3, 40000}, {4});
  auto ex = xsym::bind(a * b + a, {{"A", X}, {"B", X}});
  ex.forward();
  REQUIRE(ex.outputs()[0].to_vector<std::int32_t>() == std::vector<std::int32_t>{2, 2, 12, 1600040000});
}

TEMPLATE_TEST_CASE("bind: an untyped graph is instantiated for the bound dtype", "[exec][bind][dtype]", float,
                   double, std::int32_t, std::int64_t) {
  using T = TestType;
  constexpr std::size_t n = 19;
  auto va = sample<T>(n, 5), vb = sample<T>(n, 6), vc = sample<T>(n, 7), vd = sample<T>(n, 8);
  // Element 0 tells the element types apart: 4097^2 is exact in double, not in float;
  // 65536^2 wraps to 0 in int32 but not in int64.
  if constexpr (std::is_floating_point_v<T>)
    va[0] = vb[0] = T(4097);
  else
    va[0] = vb[0] = T(65536);
  if constexpr (std::is_same_v<T, float>) REQUIRE(wrap_mul(va[0], vb[0]) == 16785408.0f);
  if constexpr (std::is_same_v<T, double>) REQUIRE(wrap_mul(va[0], vb[0]) == 16785409.0);
  if constexpr (std::is_same_v<T, std::int32_t>) REQUIRE(wrap_mul(va[0], vb[0]) == 0);
  if constexpr (std::is_same_v<T, std::int64_t>) REQUIRE(wrap_mul(va[0], vb[0]) == (std::int64_t(1) << 32));

  auto A = xsym::ndarray::array<T>(va), B = xsym::ndarray::array<T>(vb);
  auto C = xsym::ndarray::array<T>(vc), D = xsym::ndarray::array<T>(vd);
  auto ex = xsym::bind((a * b) + (c * d), {{"A", A}, {"B", B}, {"C", C}, {"D", D}});
  ex.forward();
  REQUIRE(ex.outputs()[0].dtype() == xsym::dtype_of<T>);
  REQUIRE(ex.outputs()[0].template to_vector<T>() == w1_loop(va, vb, vc, vd));
  REQUIRE(ex.path() == "static fused CPU loop (" + std::string(xsym::dtype_name(xsym::dtype_of<T>)) + ")");
}

TEST_CASE("bind: typed variables pin the dtype", "[exec][bind][dtype]") {
  auto af = xsym::variable<"A", float>();
  auto e = af * b + c * d;  // A's type pins B, C and D through the ops
  auto va = sample<float>(9, 1), vb = sample<float>(9, 2), vc = sample<float>(9, 3), vd = sample<float>(9, 4);
  auto A = xsym::ndarray::array<float>(va), B = xsym::ndarray::array<float>(vb);
  auto C = xsym::ndarray::array<float>(vc), D = xsym::ndarray::array<float>(vd);

  SECTION("bound as float32") {
    auto ex = xsym::bind(e, {{"A", A}, {"B", B}, {"C", C}, {"D", D}});
    ex.forward();
    REQUIRE(ex.outputs()[0].to_vector<float>() == w1_loop(va, vb, vc, vd));
    REQUIRE(ex.path() == "static fused CPU loop (float32)");
    auto ex2 = xsym::bind(e, af = A, b = B, c = C, d = D);  // typed_ndarray<float> on a float variable
    ex2.forward();
    REQUIRE(ex2.outputs()[0].to_vector<float>() == w1_loop(va, vb, vc, vd));
  }
  SECTION("an untyped argument joined to it cannot take another dtype") {
    auto B64 = xsym::ndarray::array<double>(std::vector<double>(9, 1.0));
    REQUIRE_THROWS_AS(xsym::bind(e, {{"A", A}, {"B", B64}, {"C", C}, {"D", D}}), xsym::error);
    REQUIRE_THROWS_WITH(xsym::bind(e, {{"A", A}, {"B", B64}, {"C", C}, {"D", D}}),
                        Contains("_mul0") && Contains("1-th input") && Contains("expected float32, got float64"));
  }
  SECTION("two spellings of one name are one argument, pinned by the typed one") {
    auto e2 = af + a;
    static_assert(xsym::list_arguments(decltype(e2){}).size() == 1);
    auto ex = xsym::bind(e2, {{"A", A}});
    ex.forward();
    std::vector<float> want(9);
    for (std::size_t i = 0; i < 9; ++i) want[i] = va[i] + va[i];
    REQUIRE(ex.outputs()[0].to_vector<float>() == want);
    auto I = xsym::ndarray::array<std::int32_t>(std::vector<std::int32_t>(9, 1));
    REQUIRE_THROWS_WITH(xsym::bind(e2, {{"A", I}}), Contains("'A'") && Contains("float32") && Contains("int32"));
  }
}

TEST_CASE("bind: int8 and uint8 work through typed variables", "[exec][bind][dtype]") {
  SECTION("int8 wraps like the plain loop") {
    auto a8 = xsym::variable<"A", std::int8_t>();
    auto b8 = xsym::variable<"B", std::int8_t>();
    auto c8 = xsym::variable<"C", std::int8_t>();
    auto d8 = xsym::variable<"D", std::int8_t>();
    std::vector<std::int8_t> va{100, -128, 7, 0, 127}, vb{2, -1, -3, 5, 127}, vc{1, 1, 2, -9, 1}, vd{1, 0, 3, 9, 1};
    auto A = xsym::ndarray::array<std::int8_t>(va), B = xsym::ndarray::array<std::int8_t>(vb);
    auto C = xsym::ndarray::array<std::int8_t>(vc), D = xsym::ndarray::array<std::int8_t>(vd);
    auto ex = xsym::bind(a8 * b8 + c8 * d8, {{"A", A}, {"B", B}, {"C", C}, {"D", D}});
    ex.forward();
    auto want = w1_loop(va, vb, vc, vd);
    REQUIRE(want[0] == std::int8_t(-55));  // 200 + 1 wraps
    REQUIRE(ex.outputs()[0].dtype() == xsym::dtype::int8);
    REQUIRE(ex.outputs()[0].to_vector<std::int8_t>() == want);
    REQUIRE(ex.path() == "static fused CPU loop (int8)");
  }
  SECTION("uint8, with untyped variables pinned through the ops") {
    auto au = xsym::variable<"A", std::uint8_t>();
    std::vector<std::uint8_t> va{200, 255, 3, 0}, vb{2, 255, 4, 9}, vc{1, 0, 250, 1}, vd{1, 7, 2, 1};
    auto A = xsym::ndarray::array<std::uint8_t>(va), B = xsym::ndarray::array<std::uint8_t>(vb);
    auto C = xsym::ndarray::array<std::uint8_t>(vc), D = xsym::ndarray::array<std::uint8_t>(vd);
    auto ex = xsym::bind(au * b + c * d, a = A, b = B, c = C, d = D);
    ex.forward();
    auto want = w1_loop(va, vb, vc, vd);
    REQUIRE(want[0] == std::uint8_t(145));  // 400 + 1 wraps
    REQUIRE(ex.outputs()[0].to_vector<std::uint8_t>() == want);
    REQUIRE(ex.path() == "static fused CPU loop (uint8)");
  }
  SECTION("int8 pinned through a cast") {
    auto e = xsym::cast<std::int8_t>(a) + b;
    std::vector<float> va{1.5f, 300.f, -300.f, 100.f};
    std::vector<std::int8_t> vb{1, 1, -1, 100};
    auto ex = xsym::bind(e, {{"A", xsym::ndarray::array<float>(va)}, {"B", xsym::ndarray::array<std::int8_t>(vb)}});
    ex.forward();
    // cast saturates (1.5 -> 1, 300 -> 127, -300 -> -128), then + wraps.
    REQUIRE(ex.outputs()[0].to_vector<std::int8_t>() == std::vector<std::int8_t>{2, -128, 127, -56});
  }
}

TEST_CASE("bind: an untyped int8 or uint8 argument is an error that suggests a typed variable", "[exec][bind][dtype]") {
  auto A8 = xsym::ndarray::array<std::int8_t>({1, 2}, {2});
  auto B8 = xsym::ndarray::array<std::int8_t>({3, 4}, {2});
  REQUIRE_THROWS_AS(xsym::bind(a * b, {{"A", A8}, {"B", B8}}), xsym::error);
  REQUIRE_THROWS_WITH(xsym::bind(a * b, {{"A", A8}, {"B", B8}}),
                      Contains("'A'") && Contains("int8") && Contains("xsym::variable<\"A\", T>()"));
  REQUIRE_THROWS_WITH(xsym::bind(a * b, a = A8, b = B8), Contains("'A'") && Contains("int8"));

  // Only the offending argument is named.
  auto I = xsym::ndarray::array<std::int32_t>({1, 2}, {2});
  auto U = xsym::ndarray::array<std::uint8_t>({1, 2}, {2});
  REQUIRE_THROWS_WITH(xsym::bind(a + xsym::cast<std::int32_t>(b), {{"A", I}, {"B", U}}),
                      Contains("'B'") && Contains("uint8") && Contains("xsym::variable<\"B\", T>()") &&
                          !Contains("'A'"));
  // The arrays are untouched.
  REQUIRE(A8.to_vector() == std::vector<std::int8_t>{1, 2});
  REQUIRE(U.to_vector() == std::vector<std::uint8_t>{1, 2});
}

TEST_CASE("bind: cast lets parts of a graph differ in dtype", "[exec][bind][dtype]") {
  SECTION("cast<double>(a) + b with A int32 and B float64") {
    std::vector<std::int32_t> va{1, -2, 2147483647, 0};
    std::vector<double> vb{0.25, 0.5, 1.0, -1e300};
    auto ex = xsym::bind(xsym::cast<double>(a) + b,
                         {{"A", xsym::ndarray::array<std::int32_t>(va)}, {"B", xsym::ndarray::array<double>(vb)}});
    ex.forward();
    std::vector<double> want(4);
    for (std::size_t i = 0; i < 4; ++i) want[i] = double(va[i]) + vb[i];
    REQUIRE(ex.outputs()[0].dtype() == xsym::dtype::float64);
    REQUIRE(ex.outputs()[0].to_vector<double>() == want);
    REQUIRE(ex.path() == "static fused CPU loop (float64)");
  }
  SECTION("without the matching dtype on the other side it is an error") {
    auto A = xsym::ndarray::array<std::int32_t>({1}, {1});
    auto B = xsym::ndarray::array<float>({1.f}, {1});
    REQUIRE_THROWS_WITH(xsym::bind(xsym::cast<double>(a) + b, {{"A", A}, {"B", B}}),
                        Contains("_plus0") && Contains("1-th input") && Contains("expected float64, got float32"));
  }
}

namespace {

/// cast<double>(A*B) + cast<double>(C*D): two independent dtype classes, here T1 and T2.
template <class T1, class T2>
void check_two_parts() {
  CAPTURE(xsym::dtype_name(xsym::dtype_of<T1>), xsym::dtype_name(xsym::dtype_of<T2>));
  constexpr std::size_t n = 11;
  auto va = sample<T1>(n, 1), vb = sample<T1>(n, 2);
  auto vc = sample<T2>(n, 3), vd = sample<T2>(n, 4);
  // Element 0 differs between the element types (see the untyped-graph test).
  va[0] = vb[0] = std::is_floating_point_v<T1> ? T1(4097) : T1(65536);
  vc[0] = vd[0] = std::is_floating_point_v<T2> ? T2(4097) : T2(65536);
  auto e = xsym::cast<double>(a * b) + xsym::cast<double>(c * d);
  auto ex = xsym::bind(e, {{"A", xsym::ndarray::array<T1>(va)},
                           {"B", xsym::ndarray::array<T1>(vb)},
                           {"C", xsym::ndarray::array<T2>(vc)},
                           {"D", xsym::ndarray::array<T2>(vd)}});
  ex.forward();
  std::vector<double> want(n);
  for (std::size_t i = 0; i < n; ++i) want[i] = double(wrap_mul(va[i], vb[i])) + double(wrap_mul(vc[i], vd[i]));
  REQUIRE(ex.outputs()[0].dtype() == xsym::dtype::float64);
  REQUIRE(ex.outputs()[0].template to_vector<double>() == want);
}

template <class T1>
void check_two_parts_for_all_second() {
  check_two_parts<T1, float>();
  check_two_parts<T1, double>();
  check_two_parts<T1, std::int32_t>();
  check_two_parts<T1, std::int64_t>();
}

}  // namespace

TEST_CASE("bind: a graph with two independent dtype parts binds every combination", "[exec][bind][dtype]") {
  check_two_parts_for_all_second<float>();
  check_two_parts_for_all_second<double>();
  check_two_parts_for_all_second<std::int32_t>();
  check_two_parts_for_all_second<std::int64_t>();
}

// ---- errors ---------------------------------------------------------------------------------

TEST_CASE("bind errors: missing and unknown arguments", "[exec][bind][error]") {
  auto e = (a * b) + (c * d);
  auto va = sample<float>(3, 1), vb = sample<float>(3, 2), vc = sample<float>(3, 3), vd = sample<float>(3, 4);
  auto A = xsym::ndarray::array<float>(va), B = xsym::ndarray::array<float>(vb);
  auto C = xsym::ndarray::array<float>(vc), D = xsym::ndarray::array<float>(vd);

  SECTION("a missing argument is named, with the graph's arguments") {
    REQUIRE_THROWS_AS(xsym::bind(e, {{"A", A}, {"B", B}, {"D", D}}), xsym::error);
    REQUIRE_THROWS_WITH(xsym::bind(e, {{"A", A}, {"B", B}, {"D", D}}),
                        Contains("'C'") && Contains("not bound") && Contains("A, B, C, D"));
    REQUIRE_THROWS_WITH(xsym::bind(e, xsym::cpu(0), {}), Contains("'A'") && Contains("A, B, C, D"));
  }
  SECTION("an unknown name is named, with the graph's arguments") {
    REQUIRE_THROWS_AS(xsym::bind(e, {{"A", A}, {"B", B}, {"C", C}, {"D", D}, {"E", D}}), xsym::error);
    REQUIRE_THROWS_WITH(xsym::bind(e, {{"A", A}, {"B", B}, {"C", C}, {"D", D}, {"E", D}}),
                        Contains("'E'") && Contains("not an argument") && Contains("A, B, C, D"));
    // Names are case-sensitive.
    REQUIRE_THROWS_WITH(xsym::bind(e, {{"a", A}, {"B", B}, {"C", C}, {"D", D}}), Contains("'a'"));
  }
  require_intact_and_bindable({A, B, C, D}, {va, vb, vc, vd});
}

TEST_CASE("bind errors: dtypes meeting at an op", "[exec][bind][error]") {
  auto e = (a * b) + (c * d);
  auto va = sample<float>(3, 1), vb = sample<float>(3, 2), vc = sample<float>(3, 3), vd = sample<float>(3, 4);
  auto A = xsym::ndarray::array<float>(va), B = xsym::ndarray::array<float>(vb);
  auto C = xsym::ndarray::array<float>(vc), D = xsym::ndarray::array<float>(vd);
  auto I = xsym::ndarray::array<std::int32_t>({1, 2, 3}, {3});
  auto J = xsym::ndarray::array<std::int32_t>({4, 5, 6}, {3});

  REQUIRE_THROWS_AS(xsym::bind(e, {{"A", A}, {"B", I}, {"C", C}, {"D", D}}), xsym::error);
  REQUIRE_THROWS_WITH(xsym::bind(e, {{"A", A}, {"B", I}, {"C", C}, {"D", D}}),
                      Equals("xsym::bind: Error in operator _mul0: Incompatible attr in node _mul0 at 1-th input: expected "
                             "float32, got int32 (input 1 of _mul0 is argument 'B')"));
  REQUIRE_THROWS_WITH(xsym::bind(e, {{"A", A}, {"B", B}, {"C", C}, {"D", I}}),
                      EndsWith("expected float32, got int32 (input 1 of _mul1 is argument 'D')"));
  // Each side is consistent; they meet at _plus0.
  REQUIRE_THROWS_WITH(xsym::bind(e, {{"A", I}, {"B", J}, {"C", C}, {"D", D}}),
                      EndsWith("Incompatible attr in node _plus0 at 1-th input: expected int32, got float32 "
                               "(input 1 of _plus0 is the output of node '_mul1', whose dtype comes from argument 'C')"));
  REQUIRE_THROWS_WITH(xsym::bind(e, a = A, b = I, c = C, d = D), Contains("_mul0") && Contains("1-th input"));
  REQUIRE(I.to_vector() == std::vector<std::int32_t>{1, 2, 3});
  require_intact_and_bindable({A, B, C, D}, {va, vb, vc, vd});
}

TEST_CASE("bind errors: shapes meeting at an op", "[exec][bind][error]") {
  auto e = (a * b) + (c * d);
  std::vector<float> v6{1, 2, 3, 4, 5, 6};
  auto A = xsym::ndarray::array<float>(v6, {2, 3}), B = xsym::ndarray::array<float>(v6, {3, 2});
  auto C = xsym::ndarray::array<float>(v6, {2, 3}), D = xsym::ndarray::array<float>(v6, {2, 3});
  auto B23 = xsym::ndarray::array<float>(v6, {2, 3});
  // Same number of elements, different shapes: still an error.
  REQUIRE_THROWS_AS(xsym::bind(e, {{"A", A}, {"B", B}, {"C", C}, {"D", D}}), xsym::error);
  REQUIRE_THROWS_WITH(xsym::bind(e, {{"A", A}, {"B", B}, {"C", C}, {"D", D}}),
                      EndsWith("Incompatible attr in node _mul0 at 1-th input: expected [2,3], got [3,2] "
                               "(input 1 of _mul0 is argument 'B')"));
  auto C6 = xsym::ndarray::array<float>(v6, {6});
  auto D6 = xsym::ndarray::array<float>(v6, {6});
  REQUIRE_THROWS_WITH(xsym::bind(e, {{"A", A}, {"B", B23}, {"C", C6}, {"D", D6}}),
                      EndsWith("Incompatible attr in node _plus0 at 1-th input: expected [2,3], got [6] "
                               "(input 1 of _plus0 is the output of node '_mul1', whose shape comes from argument 'C')"));
  auto ex = xsym::bind(e, {{"A", A}, {"B", B23}, {"C", C}, {"D", D}});
  ex.forward();
  std::vector<float> want(6);
  for (std::size_t i = 0; i < 6; ++i) want[i] = v6[i] * v6[i] * 2;
  REQUIRE(ex.outputs()[0].shape() == xsym::shape{2, 3});
  REQUIRE(ex.outputs()[0].to_vector<float>() == want);
}

TEST_CASE("bind errors: a typed variable bound to another dtype at run time", "[exec][bind][error]") {
  auto ad = xsym::variable<"A", double>();
  auto e = ad * b;
  auto F = xsym::ndarray::array<float>({1.f, 2.f}, {2});
  auto G = xsym::ndarray::array<float>({3.f, 4.f}, {2});
  REQUIRE_THROWS_AS(xsym::bind(e, {{"A", F}, {"B", G}}), xsym::error);
  REQUIRE_THROWS_WITH(xsym::bind(e, {{"A", F}, {"B", G}}),
                      Equals("xsym::bind: argument 'A' is declared float64 (a typed variable) but is bound to a "
                             "float32 array"));
  // The article follows the dtype's name.
  REQUIRE_THROWS_WITH(xsym::bind(e, {{"A", xsym::ndarray::array<std::int64_t>({1, 2}, {2})}, {"B", G}}),
                      EndsWith("is bound to an int64 array"));
  // The named and aggregate forms with untyped ndarray handles check at run time too.
  xsym::ndarray uF = F, uG = G;
  REQUIRE_THROWS_WITH(xsym::bind(e, ad = uF, b = uG), Contains("'A'") && Contains("declared float64"));
  struct two {
    xsym::ndarray x, y;
  };
  REQUIRE_THROWS_WITH(xsym::bind(e, two{F, G}), Contains("'A'") && Contains("declared float64"));
  REQUIRE(F.to_vector() == std::vector<float>{1.f, 2.f});
  auto ex = xsym::bind(e, {{"A", xsym::ndarray::array<double>({1.5, 2.5}, {2})},
                           {"B", xsym::ndarray::array<double>({2.0, -4.0}, {2})}});
  ex.forward();
  REQUIRE(ex.outputs()[0].to_vector<double>() == std::vector<double>{3.0, -10.0});
}

TEST_CASE("bind errors: contexts", "[exec][bind][error]") {
  auto e = (a * b) + (c * d);
  auto va = sample<float>(3, 1), vb = sample<float>(3, 2), vc = sample<float>(3, 3), vd = sample<float>(3, 4);
  auto A = xsym::ndarray::array<float>(va), B = xsym::ndarray::array<float>(vb);
  auto C = xsym::ndarray::array<float>(vc), D = xsym::ndarray::array<float>(vd);

  SECTION("an argument on another context") {
    auto B1 = xsym::ndarray::array<float>(vb, xsym::cpu(1));
    REQUIRE(B1.context() == xsym::cpu(1));
    REQUIRE_THROWS_AS(xsym::bind(e, {{"A", A}, {"B", B1}, {"C", C}, {"D", D}}), xsym::error);
    REQUIRE_THROWS_WITH(xsym::bind(e, {{"A", A}, {"B", B1}, {"C", C}, {"D", D}}),
                        Contains("'B'") && Contains("cpu(1)") && Contains("cpu(0)"));
    REQUIRE_THROWS_WITH(xsym::bind(e, xsym::cpu(1), {{"A", A}, {"B", B1}, {"C", C}, {"D", D}}),
                        Contains("'A'") && Contains("cpu(0)") && Contains("cpu(1)"));
    // All on cpu(1), bound to cpu(1): fine.
    auto ex = xsym::bind(e, xsym::cpu(1),
                         {{"A", A.copyto(xsym::cpu(1))}, {"B", B1}, {"C", C.copyto(xsym::cpu(1))},
                          {"D", D.copyto(xsym::cpu(1))}});
    ex.forward();
    REQUIRE(ex.context() == xsym::cpu(1));
    REQUIRE(ex.outputs()[0].context() == xsym::cpu(1));
    REQUIRE(ex.outputs()[0].to_vector<float>() == w1_loop(va, vb, vc, vd));
  }
  SECTION("gpu(0), with the arguments on the CPU, in a program without the CUDA layer") {
    // This unit is plain C++: bind would take the runtime per-op GPU path (XSYM_FUSED_CUDA is 0),
    // but the arguments are checked first.
    static_assert(XSYM_FUSED_CUDA == 0);
    const auto on_cpu = Contains("argument 'A' is on cpu(0), but the graph is bound to gpu(0)");
    REQUIRE_THROWS_AS(xsym::bind(e, xsym::gpu(0), {{"A", A}, {"B", B}, {"C", C}, {"D", D}}), xsym::error);
    REQUIRE_THROWS_WITH(xsym::bind(e, xsym::gpu(0), {{"A", A}, {"B", B}, {"C", C}, {"D", D}}), on_cpu);
    REQUIRE_THROWS_WITH(xsym::bind(e, xsym::gpu(0), a = A, b = B, c = C, d = D), on_cpu);
    REQUIRE_THROWS_WITH(xsym::bind(e, xsym::gpu(0), args4{A, B, C, D}), on_cpu);
    REQUIRE_THROWS_WITH(xsym::ndarray::zeros({2}, xsym::dtype::float32, xsym::gpu(0)),
                        Contains("no backend for gpu(0)"));
  }
  require_intact_and_bindable({A, B, C, D}, {va, vb, vc, vd});
}

TEST_CASE("bind errors: an empty ndarray", "[exec][bind][error]") {
  auto e = (a * b) + (c * d);
  auto va = sample<float>(3, 1), vb = sample<float>(3, 2), vc = sample<float>(3, 3), vd = sample<float>(3, 4);
  auto A = xsym::ndarray::array<float>(va), B = xsym::ndarray::array<float>(vb);
  auto C = xsym::ndarray::array<float>(vc), D = xsym::ndarray::array<float>(vd);
  xsym::ndarray empty;
  REQUIRE_THROWS_AS(xsym::bind(e, {{"A", A}, {"B", B}, {"C", empty}, {"D", D}}), xsym::error);
  REQUIRE_THROWS_WITH(xsym::bind(e, {{"A", A}, {"B", B}, {"C", empty}, {"D", D}}),
                      Contains("'C'") && Contains("empty"));
  REQUIRE_THROWS_WITH(xsym::bind(e, a = A, b = B, c = C, d = xsym::ndarray{}), Contains("'D'") && Contains("empty"));
  REQUIRE_THROWS_WITH(xsym::bind(e, args4{xsym::ndarray{}, B, C, D}), Contains("'A'") && Contains("empty"));
  REQUIRE_FALSE(empty.has_storage());
  require_intact_and_bindable({A, B, C, D}, {va, vb, vc, vd});
}

TEST_CASE("bind errors: a group whose outputs have different sizes", "[exec][bind][error][group]") {
  auto A = xsym::ndarray::array<float>({1.f, 2.f}, {2});
  auto B = xsym::ndarray::array<float>({1.f, 2.f, 3.f}, {3});
  auto g = xsym::group(a * 2, b + 1);
  REQUIRE_THROWS_AS(xsym::bind(g, {{"A", A}, {"B", B}}), xsym::error);
  REQUIRE_THROWS_WITH(xsym::bind(g, {{"A", A}, {"B", B}}),
                      Contains("one size") && Contains("_plusscalar0_output") && Contains("[3]") &&
                          Contains("_mulscalar0_output") && Contains("[2]"));
  REQUIRE(A.to_vector() == std::vector<float>{1.f, 2.f});
  REQUIRE(B.to_vector() == std::vector<float>{1.f, 2.f, 3.f});
  // The same arrays bind fine once the sizes agree.
  auto ex = xsym::bind(g, {{"A", A}, {"B", xsym::ndarray::array<float>({5.f, 6.f}, {2})}});
  ex.forward();
  REQUIRE(ex.outputs()[0].to_vector<float>() == std::vector<float>{2.f, 4.f});
  REQUIRE(ex.outputs()[1].to_vector<float>() == std::vector<float>{6.f, 7.f});
}

TEST_CASE("bind<T>: an untyped graph compiled for one element type", "[exec][bind]") {
  auto e = a * 0.5f - 0.25f;
  auto F = xsym::ndarray::array<float>({1, 2, 3}, {3});
  auto ex = xsym::bind<float>(e, {{"A", F}});
  ex.forward();
  CHECK(ex.outputs()[0].to_vector<float>() == std::vector<float>{0.25f, 0.75f, 1.25f});
  CHECK(ex.path() == "static fused CPU loop (float32)");
  // Every spelling of bind takes the element type: named, aggregate, on a context.
  struct one {
    xsym::ndarray A;
  };
  auto named = xsym::bind<float>(e, xsym::cpu(0), a = F);
  auto aggregate = xsym::bind<float>(e, one{F});
  named.forward();
  aggregate.forward();
  CHECK(named.outputs()[0].to_vector<float>() == ex.outputs()[0].to_vector<float>());
  CHECK(aggregate.outputs()[0].to_vector<float>() == ex.outputs()[0].to_vector<float>());

  // The trap it closes: an int64 array bound to the untyped graph runs in int64, where 0.5f and
  // 0.25f become 0 (MXNet's DType(scalar)), so every output is 0; bind<float> refuses it.
  auto I = xsym::ndarray::array<std::int64_t>({1, 2, 3}, {3});
  auto untyped = xsym::bind(e, {{"A", I}});
  untyped.forward();
  CHECK(untyped.outputs()[0].to_vector<std::int64_t>() == std::vector<std::int64_t>{0, 0, 0});
  CHECK_THROWS_WITH(xsym::bind<float>(e, {{"A", I}}),
                    "xsym::bind: argument 'A' is int64, but the graph is bound for float32 only (xsym::bind<float32>)");
  CHECK_THROWS_WITH(xsym::bind<double>(e, a = F), Catch::Contains("argument 'A' is float32"));

  // Typed variables keep their own type; bind<T> applies to the untyped parts only.
  auto mixed = xsym::cast<double>(xsym::variable<"X", std::int32_t>()) + b;
  auto mex = xsym::bind<double>(mixed, {{"X", xsym::ndarray::array<std::int32_t>({1, 2}, {2})},
                                         {"B", xsym::ndarray::array<double>({0.5, 0.25}, {2})}});
  mex.forward();
  CHECK(mex.outputs()[0].to_vector<double>() == std::vector<double>{1.5, 2.25});
}
