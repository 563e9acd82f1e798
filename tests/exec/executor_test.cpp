// The executor of a bound static graph: forward() after the inputs change, outputs that keep
// their storage, arg_dict, path and context; groups and shared subexpressions; sizes 0, 1, odd
// and large (OpenMP threads); multidimensional shapes. Every result is compared with a plain
// loop written here.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include <xsym/static.hpp>

namespace {

auto a = xsym::variable<"A">();
auto b = xsym::variable<"B">();
auto c = xsym::variable<"C">();
auto d = xsym::variable<"D">();

/// Small integer-valued floats (exact sums and products), varied so that a wrong index shows.
std::vector<float> values(std::size_t n, int seed) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = float(int((i * 31 + std::size_t(seed) * 7 + 3) % 29) - 14);
  return v;
}

std::vector<float> w1(const std::vector<float>& A, const std::vector<float>& B, const std::vector<float>& C,
                      const std::vector<float>& D) {
  std::vector<float> out(A.size());
  for (std::size_t i = 0; i < A.size(); ++i) out[i] = A[i] * B[i] + C[i] * D[i];
  return out;
}

/// Element-wise comparison that reports a count and the first differing index (Catch would
/// print a million-element vector otherwise).
struct agreement {
  std::size_t mismatches = 0, first = 0;
};
template <class T>
agreement compare(const std::vector<T>& got, const std::vector<T>& want) {
  agreement r;
  r.mismatches = got.size() == want.size() ? 0 : std::max(got.size(), want.size());
  for (std::size_t i = 0; i < std::min(got.size(), want.size()); ++i)
    if (got[i] != want[i] && r.mismatches++ == 0) r.first = i;
  return r;
}

/// Runs the scope on one OpenMP thread more than the default (an odd count on machines with an
/// even number of cores, so the chunks are uneven); no-op without OpenMP. It never grows the
/// team by more than twice: LLVM's libomp 14 leaks (LeakSanitizer reports it, in a ten-line
/// program without xsym) when a parallel region grows its team from 2 to 5 or 64 threads.
struct one_more_thread {
#if defined(_OPENMP)
  int saved = omp_get_max_threads();
  one_more_thread() { omp_set_num_threads(saved + 1); }
  ~one_more_thread() { omp_set_num_threads(saved); }
#else
  one_more_thread() {}
  ~one_more_thread() {}  // user-provided, so that an unused guard is no warning
#endif
  one_more_thread(const one_more_thread&) = delete;
  one_more_thread& operator=(const one_more_thread&) = delete;
};

/// Binds W1 and a second, non-symmetric graph on n float32 elements and checks both against
/// plain loops, twice (the second time after changing A).
void check_size(std::size_t n) {
  CAPTURE(n);
  auto va = values(n, 1), vb = values(n, 2), vc = values(n, 3), vd = values(n, 4);
  auto A = xsym::ndarray::array<float>(va), B = xsym::ndarray::array<float>(vb);
  auto C = xsym::ndarray::array<float>(vc), D = xsym::ndarray::array<float>(vd);
  auto ex = xsym::bind((a * b) + (c * d), {{"A", A}, {"B", B}, {"C", C}, {"D", D}});
  ex.forward();
  REQUIRE(ex.outputs()[0].size() == n);
  auto r = compare(ex.outputs()[0].to_vector<float>(), w1(va, vb, vc, vd));
  CAPTURE(r.first);
  REQUIRE(r.mismatches == 0);

  for (std::size_t i = 0; i < n; ++i) va[i] = float(int(i % 7) - 3);
  A.copy_from(va);
  ex.forward();
  r = compare(ex.outputs()[0].to_vector<float>(), w1(va, vb, vc, vd));
  CAPTURE(r.first);
  REQUIRE(r.mismatches == 0);

  auto e2 = xsym::maximum(a - b, c) * 0.5 + xsym::abs(d);
  auto ex2 = xsym::bind(e2, a = A, b = B, c = C, d = D);
  ex2.forward();
  std::vector<float> want(n);
  for (std::size_t i = 0; i < n; ++i) want[i] = std::max(va[i] - vb[i], vc[i]) * 0.5f + std::abs(vd[i]);
  r = compare(ex2.outputs()[0].to_vector<float>(), want);
  CAPTURE(r.first);
  REQUIRE(r.mismatches == 0);
}

}  // namespace

TEST_CASE("executor: forward again after the inputs change", "[exec][executor]") {
  auto e = (a * b) + (c * d);
  std::vector<float> va{1, 2, 3}, vb{4, 5, 6}, vc{7, 8, 9}, vd{10, 11, 12};
  auto A = xsym::ndarray::array<float>(va), B = xsym::ndarray::array<float>(vb);
  auto C = xsym::ndarray::array<float>(vc), D = xsym::ndarray::array<float>(vd);
  auto ex = xsym::bind(e, {{"A", A}, {"B", B}, {"C", C}, {"D", D}});

  // Outputs exist (zero-filled) before the first forward.
  REQUIRE(ex.outputs().size() == 1);
  REQUIRE(ex.outputs()[0].to_vector<float>() == std::vector<float>{0, 0, 0});
  ex.forward();
  REQUIRE(ex.outputs()[0].to_vector<float>() == w1(va, vb, vc, vd));

  xsym::ndarray out = ex.outputs()[0];
  const void* storage = out.raw_data();

  SECTION("through copy_from") {
    va = {-1, 0, 100};
    A.copy_from(va);
    ex.forward();
  }
  SECTION("through data<T>() of the typed and the untyped handle") {
    A.data()[0] = 5;  // typed_ndarray<float>::data()
    xsym::ndarray untyped = D;
    untyped.data<float>()[2] = -2;
    va[0] = 5;
    vd[2] = -2;
    ex.forward();
  }
  SECTION("through the handles of arg_dict") {
    auto args = ex.arg_dict();
    args.at("B").copy_from(std::vector<float>{0, 0, 1});
    vb = {0, 0, 1};
    ex.forward();
  }
  REQUIRE(ex.outputs()[0].to_vector<float>() == w1(va, vb, vc, vd));
  // Outputs keep their storage: the handle taken before sees the new values.
  REQUIRE(ex.outputs()[0].same_storage(out));
  REQUIRE(ex.outputs()[0].raw_data() == storage);
  REQUIRE(out.to_vector<float>() == w1(va, vb, vc, vd));
}

TEST_CASE("executor: arg_dict path and context", "[exec][executor]") {
  auto e = (a * b) + (c * d);
  auto A = xsym::ndarray::array<double>({1, 2}, {2}), B = xsym::ndarray::array<double>({3, 4}, {2});
  auto C = xsym::ndarray::array<double>({5, 6}, {2}), D = xsym::ndarray::array<double>({7, 8}, {2});
  auto ex = xsym::bind(e, xsym::cpu(0), a = A, b = B, c = C, d = D);
  auto args = ex.arg_dict();
  REQUIRE(args.size() == 4);
  REQUIRE(args.at("A").same_storage(A));
  REQUIRE(args.at("B").same_storage(B));
  REQUIRE(args.at("C").same_storage(C));
  REQUIRE(args.at("D").same_storage(D));
  REQUIRE_FALSE(args.at("A").same_storage(B));
  REQUIRE(ex.path() == "static fused CPU loop (float64)");
  REQUIRE(ex.context() == xsym::cpu(0));
  REQUIRE(ex.outputs()[0].context() == xsym::cpu(0));

  // Binding does not copy the arguments: bound handles are the caller's storage.
  struct args4 {
    xsym::ndarray A, B, C, D;
  };
  auto ex2 = xsym::bind(e, args4{A, B, C, D});
  REQUIRE(ex2.arg_dict().at("C").same_storage(C));

  // A moved executor keeps working on the same arrays.
  auto moved = std::move(ex);
  moved.forward();
  REQUIRE(moved.outputs()[0].to_vector<double>() == std::vector<double>{1 * 3 + 5 * 7, 2 * 4 + 6 * 8});
  REQUIRE(moved.arg_dict().at("A").same_storage(A));
}

TEST_CASE("executor: groups run all outputs in one loop in list_outputs order", "[exec][executor][group]") {
  constexpr std::size_t n = 101;
  auto va = values(n, 1), vb = values(n, 2), vc = values(n, 3);
  auto A = xsym::ndarray::array<float>(va), B = xsym::ndarray::array<float>(vb), C = xsym::ndarray::array<float>(vc);

  SECTION("two expressions") {
    auto g = xsym::group(a * b, a - c);
    auto names = xsym::list_outputs(g);
    REQUIRE(names.size() == 2);
    REQUIRE(names[0] == "_mul0_output");
    REQUIRE(names[1] == "_minus0_output");
    auto ex = xsym::bind(g, {{"A", A}, {"B", B}, {"C", C}});
    ex.forward();
    REQUIRE(ex.outputs().size() == 2);
    std::vector<float> w0(n), w1v(n);
    for (std::size_t i = 0; i < n; ++i) w0[i] = va[i] * vb[i], w1v[i] = va[i] - vc[i];
    REQUIRE(ex.outputs()[0].to_vector<float>() == w0);
    REQUIRE(ex.outputs()[1].to_vector<float>() == w1v);
    REQUIRE_FALSE(ex.outputs()[0].same_storage(ex.outputs()[1]));
    REQUIRE(ex.path() == "static fused CPU loop (float32, float32)");
  }
  SECTION("reversed order gives reversed outputs") {
    auto ex = xsym::bind(xsym::group(a - c, a * b), {{"A", A}, {"B", B}, {"C", C}});
    ex.forward();
    std::vector<float> w0(n);
    for (std::size_t i = 0; i < n; ++i) w0[i] = va[i] - vc[i];
    REQUIRE(ex.outputs()[0].to_vector<float>() == w0);
  }
  SECTION("outputs of different dtypes, and a variable as an output") {
    auto g = xsym::group(a * b, xsym::cast<std::int64_t>(c), a);
    auto ex = xsym::bind(g, a = A, b = B, c = C);
    ex.forward();
    REQUIRE(ex.path() == "static fused CPU loop (float32, int64, float32)");
    REQUIRE(ex.outputs()[1].dtype() == xsym::dtype::int64);
    std::vector<std::int64_t> wc(n);
    for (std::size_t i = 0; i < n; ++i) wc[i] = std::int64_t(vc[i]);
    REQUIRE(ex.outputs()[1].to_vector<std::int64_t>() == wc);
    REQUIRE(ex.outputs()[2].to_vector<float>() == va);
    REQUIRE_FALSE(ex.outputs()[2].same_storage(A));  // an output is the executor's own array
  }
  SECTION("one output feeds another") {
    auto t = a * b;
    auto g = xsym::group(t, t + c);
    auto nodes = xsym::list_nodes(g);
    REQUIRE(std::count(nodes.begin(), nodes.end(), "_mul0") == 1);
    REQUIRE(std::count(nodes.begin(), nodes.end(), "_mul1") == 0);
    auto ex = xsym::bind(g, {{"A", A}, {"B", B}, {"C", C}});
    ex.forward();
    std::vector<float> w0(n), w1v(n);
    for (std::size_t i = 0; i < n; ++i) w0[i] = va[i] * vb[i], w1v[i] = va[i] * vb[i] + vc[i];
    REQUIRE(ex.outputs()[0].to_vector<float>() == w0);
    REQUIRE(ex.outputs()[1].to_vector<float>() == w1v);
  }
  SECTION("the same head twice gives two arrays with the same values") {
    auto t = a * b;
    auto g = xsym::group(t, t, a);
    REQUIRE(xsym::list_outputs(g)[0] == "_mul0_output");
    REQUIRE(xsym::list_outputs(g)[1] == "_mul0_output");
    REQUIRE(xsym::list_outputs(g)[2] == "A");
    auto ex = xsym::bind(g, {{"A", A}, {"B", B}});
    ex.forward();
    std::vector<float> w0(n);
    for (std::size_t i = 0; i < n; ++i) w0[i] = va[i] * vb[i];
    REQUIRE(ex.outputs().size() == 3);
    REQUIRE(ex.outputs()[0].to_vector<float>() == w0);
    REQUIRE(ex.outputs()[1].to_vector<float>() == w0);
    REQUIRE(ex.outputs()[2].to_vector<float>() == va);
  }
  SECTION("outputs of the same size but different shapes keep their shapes") {
    auto X = xsym::ndarray::array<float>({1, 2, 3, 4, 5, 6}, {2, 3});
    auto Y = xsym::ndarray::array<float>({6, 5, 4, 3, 2, 1}, {3, 2});
    auto ex = xsym::bind(xsym::group(a + 1, b * 2), {{"A", X}, {"B", Y}});
    ex.forward();
    REQUIRE(ex.outputs()[0].shape() == xsym::shape{2, 3});
    REQUIRE(ex.outputs()[1].shape() == xsym::shape{3, 2});
    REQUIRE(ex.outputs()[0].to_vector<float>() == std::vector<float>{2, 3, 4, 5, 6, 7});
    REQUIRE(ex.outputs()[1].to_vector<float>() == std::vector<float>{12, 10, 8, 6, 4, 2});
  }
}

TEST_CASE("executor: shared subexpressions and repeated variables", "[exec][executor]") {
  constexpr std::size_t n = 53;
  auto va = values(n, 5), vb = values(n, 6);
  auto A = xsym::ndarray::array<float>(va), B = xsym::ndarray::array<float>(vb);

  SECTION("t + t has one _mul0") {
    auto t = a * b;
    auto e = t + t;
    auto nodes = xsym::list_nodes(e);
    REQUIRE(nodes.size() == 4);  // A B _mul0 _plus0
    REQUIRE(nodes[2] == "_mul0");
    REQUIRE(nodes[3] == "_plus0");
    auto ex = xsym::bind(e, {{"A", A}, {"B", B}});
    ex.forward();
    std::vector<float> want(n);
    for (std::size_t i = 0; i < n; ++i) want[i] = va[i] * vb[i] + va[i] * vb[i];
    REQUIRE(ex.outputs()[0].to_vector<float>() == want);
  }
  SECTION("one variable used many times") {
    auto e = a * a * a - a * b + a;
    REQUIRE(xsym::list_arguments(e).size() == 2);
    auto ex = xsym::bind(e, a = A, b = B);
    ex.forward();
    std::vector<float> want(n);
    for (std::size_t i = 0; i < n; ++i) want[i] = va[i] * va[i] * va[i] - va[i] * vb[i] + va[i];
    REQUIRE(ex.outputs()[0].to_vector<float>() == want);
  }
  SECTION("subtrees with scalars are not merged and keep their own values") {
    auto e = (a + 1) * (a + 2) - (2 - b);
    REQUIRE(xsym::list_nodes(e).size() == 7);  // A _plusscalar0 _plusscalar1 _mul0 B _rminusscalar0 _minus0
    auto ex = xsym::bind(e, a = A, b = B);
    ex.forward();
    std::vector<float> want(n);
    for (std::size_t i = 0; i < n; ++i) want[i] = (va[i] + 1) * (va[i] + 2) - (2 - vb[i]);
    REQUIRE(ex.outputs()[0].to_vector<float>() == want);
  }
}

TEST_CASE("executor: sizes 0 1 odd and large agree with a plain loop", "[exec][executor][size]") {
  SECTION("0") { check_size(0); }
  SECTION("1") { check_size(1); }
  SECTION("1001") { check_size(1001); }
  SECTION("around the parallel threshold") {
    check_size(std::size_t(xsym::exec::parallel_threshold) - 1);
    check_size(std::size_t(xsym::exec::parallel_threshold));
    check_size(std::size_t(xsym::exec::parallel_threshold) + 1);
  }
  SECTION("1 << 20, default threads") { check_size(std::size_t(1) << 20); }
  SECTION("1 << 20 + 13 on one more thread than the default (uneven chunks)") {
    one_more_thread t;
    check_size((std::size_t(1) << 20) + 13);
    check_size(std::size_t(xsym::exec::parallel_threshold) + 1);
  }
}

TEST_CASE("executor: large int64 arrays on threads", "[exec][executor][size]") {
  one_more_thread t;
  const std::size_t n = (std::size_t(1) << 20) + 7;
  std::vector<std::int64_t> va(n), vb(n);
  for (std::size_t i = 0; i < n; ++i) va[i] = std::int64_t(i) * 4099, vb[i] = std::int64_t(i % 1000) - 500;
  auto ex = xsym::bind(a * b - a, {{"A", xsym::ndarray::array<std::int64_t>(va)},
                                   {"B", xsym::ndarray::array<std::int64_t>(vb)}});
  ex.forward();
  std::vector<std::int64_t> want(n);
  for (std::size_t i = 0; i < n; ++i) want[i] = va[i] * vb[i] - va[i];
  auto r = compare(ex.outputs()[0].to_vector<std::int64_t>(), want);
  CAPTURE(r.first);
  REQUIRE(r.mismatches == 0);
}

TEST_CASE("executor: multidimensional shapes are kept", "[exec][executor][shape]") {
  std::vector<float> v(24);
  for (std::size_t i = 0; i < 24; ++i) v[i] = float(i) - 7;
  auto A = xsym::ndarray::array<float>(v, {2, 3, 4});
  auto B = xsym::ndarray::array<float>(v, {2, 3, 4});
  auto ex = xsym::bind(a * b + 1, a = A, b = B);
  ex.forward();
  REQUIRE(ex.outputs()[0].shape() == xsym::shape{2, 3, 4});
  REQUIRE(ex.outputs()[0].ndim() == 3);
  std::vector<float> want(24);
  for (std::size_t i = 0; i < 24; ++i) want[i] = v[i] * v[i] + 1;
  REQUIRE(ex.outputs()[0].to_vector<float>() == want);

  SECTION("0-d arrays") {
    auto S = xsym::ndarray::array<float>({3.f}, xsym::shape{});
    auto ex0 = xsym::bind(a * a, {{"A", S}});
    ex0.forward();
    REQUIRE(ex0.outputs()[0].ndim() == 0);
    REQUIRE(ex0.outputs()[0].to_vector<float>() == std::vector<float>{9.f});
  }
  SECTION("a zero dimension") {
    auto Z = xsym::ndarray::zeros({3, 0}, xsym::dtype::int32);
    auto exz = xsym::bind(a + a, {{"A", Z}});
    exz.forward();
    REQUIRE(exz.outputs()[0].shape() == xsym::shape{3, 0});
    REQUIRE(exz.outputs()[0].size() == 0);
  }
}
