// dot and batch_dot on runtime Symbols (infer_dot.cpp, kernels_dot.cpp): MXNet 1.9's shape
// rules and messages, the forward against plain loops written here (every transpose, float32
// and float64, sizes large enough for BLAS), gradients against central finite differences in
// float64 and against plain loops at BLAS sizes, dtype errors at bind and the JSON round trip.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include <xsym/xsym.hpp>

#include "../support/arrays.hpp"
#include "../support/error_message.hpp"
#include "../support/symbol_gradients.hpp"

namespace {

using xsym::dtype;
using xsym::execution_path;
using xsym::ndarray;
using xsym::shape;
using xsym::Symbol;
using i64 = std::int64_t;
using xsym::test::check_against_differences;
using xsym::test::message_of;
using xsym::test::pseudo;

constexpr execution_path paths[] = {execution_path::per_op, execution_path::blocked_fused};


ndarray array(const std::vector<double>& v, shape s) { return ndarray::array<double>(v, s); }

template <class T>
ndarray typed(const std::vector<double>& v, shape s) {
  return ndarray::array<T>(std::vector<T>(v.begin(), v.end()), s);
}

// The values as T holds them, back in double: the reference's inputs for T = float.
template <class T>
std::vector<double> rounded(const std::vector<double>& v) {
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) r[i] = double(T(v[i]));
  return r;
}

Symbol make(const char* op, bool ta = false, bool tb = false) {
  return Symbol::create(op, {Symbol::variable("a"), Symbol::variable("b")},
                        {{"transpose_a", ta ? "True" : "False"}, {"transpose_b", tb ? "True" : "False"}});
}

// C = op(A) op(B) on row-major storage, A stored M x K (K x M when ta), B K x N (N x K when
// tb), `batch` of them back to back: the plain triple loop.
std::vector<double> reference(const std::vector<double>& A, const std::vector<double>& B, i64 batch, i64 M, i64 N,
                              i64 K, bool ta, bool tb) {
  std::vector<double> C(std::size_t(batch * M * N), 0.0);
  for (i64 s = 0; s < batch; ++s) {
    const double* a = A.data() + s * M * K;
    const double* b = B.data() + s * K * N;
    for (i64 i = 0; i < M; ++i)
      for (i64 j = 0; j < N; ++j) {
        double sum = 0;
        for (i64 p = 0; p < K; ++p) sum += (ta ? a[p * M + i] : a[i * K + p]) * (tb ? b[j * K + p] : b[p * N + j]);
        C[std::size_t(s * M * N + i * N + j)] = sum;
      }
  }
  return C;
}

template <class T>
std::vector<double> run_forward(const Symbol& s, const std::vector<double>& a, shape as, const std::vector<double>& b,
                                shape bs, execution_path path = execution_path::automatic) {
  auto ex = s.bind(xsym::cpu(), {{"a", typed<T>(a, as)}, {"b", typed<T>(b, bs)}}, {.path = path});
  ex.forward();
  auto y = ex.outputs()[0].template to_vector<T>();
  return std::vector<double>(y.begin(), y.end());
}

template <class T>
void check_close(const std::vector<double>& got, const std::vector<double>& want, i64 K) {
  REQUIRE(got.size() == want.size());
  const double eps = std::is_same_v<T, float> ? 1e-5 : 1e-12;
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("element " << i);
    CHECK(got[i] == Approx(want[i]).epsilon(eps).margin(eps * double(std::max<i64>(K, 1))));
  }
}

// One forward on both interpreters against reference(): a and b hold `batch` stored matrices.
template <class T>
void check_forward(const char* op, bool ta, bool tb, shape as, shape bs, shape out, i64 batch, i64 M, i64 N, i64 K) {
  INFO(op << " transpose_a=" << ta << " transpose_b=" << tb << " " << as << " X " << bs);
  const auto a = pseudo(as.size(), 1.0 + double(M)), b = pseudo(bs.size(), 2.0 + double(N));
  const auto want = reference(rounded<T>(a), rounded<T>(b), batch, M, N, K, ta, tb);
  const Symbol s = make(op, ta, tb);
  CHECK(s.infer_shape({{"a", as}, {"b", bs}}).outputs[0] == out);
  for (auto path : paths) {
    INFO(xsym::execution_path_name(path));
    auto ex = s.bind(xsym::cpu(), {{"a", typed<T>(a, as)}, {"b", typed<T>(b, bs)}}, {.path = path});
    ex.forward();
    CHECK(ex.outputs()[0].shape() == out);
    auto y = ex.outputs()[0].template to_vector<T>();
    check_close<T>(std::vector<double>(y.begin(), y.end()), want, K);
  }
}


void check_gradient(const char* op, bool ta, bool tb, shape as, shape bs) {
  INFO(op << " transpose_a=" << ta << " transpose_b=" << tb << " " << as << " X " << bs);
  const std::map<std::string, ndarray> args{{"a", array(pseudo(as.size(), 3.0), as)},
                                            {"b", array(pseudo(bs.size(), 4.0), bs)}};
  check_against_differences(make(op, ta, tb), args, {"a", "b"});
}


}  // namespace

TEST_CASE("dot: shape inference after MXNet's DotShape", "[symbol][dot]") {
  auto out = [](bool ta, bool tb, shape a, shape b) { return make("dot", ta, tb).infer_shape({{"a", a}, {"b", b}}); };
  CHECK(out(false, false, {2, 3, 4}, {4, 5, 6}).outputs[0] == shape{2, 3, 5, 6});
  CHECK(out(true, false, {4, 2, 3}, {4, 5}).outputs[0] == shape{2, 3, 5});
  CHECK(out(false, true, {2, 3}, {5, 3}).outputs[0] == shape{2, 5});
  CHECK(out(true, true, {3, 2}, {5, 6, 3}).outputs[0] == shape{2, 5, 6});
  CHECK(out(false, false, {3}, {3}).outputs[0] == shape{1});
  CHECK(out(false, false, {3}, {3, 4}).outputs[0] == shape{4});
  CHECK(out(false, false, {2, 3}, {3}).outputs[0] == shape{2});
  CHECK(out(false, false, {3}, {3, 4, 5}).outputs[0] == shape{4, 5});
  CHECK(out(true, false, {3}, {3, 4}).outputs[0] == shape{4});  // a vector transposed is itself
  auto r = out(false, false, {2, 3}, {3, 4});
  CHECK(r.arguments == std::vector<shape>{{2, 3}, {3, 4}});

  // Forward only: an unknown operand leaves the output unknown; unknown dimensions pass through.
  auto p = make("dot").infer_shape_partial({{"a", {2, 3}}});
  CHECK(p.outputs[0] == shape{});
  CHECK(make("dot").infer_shape_partial({{"a", {0, 3}}, {"b", {3, 4}}}).outputs[0] == shape{0, 4});
  CHECK(make("dot").infer_shape_partial({{"a", {2, 0}}, {"b", {3, 4}}}).outputs[0] == shape{2, 4});

  // One dtype for lhs, rhs and output.
  auto t = make("dot").infer_type({{"a", dtype::float64}});
  CHECK(t.arguments == std::vector<dtype>{dtype::float64, dtype::float64});
  CHECK(t.outputs[0] == dtype::float64);
  CHECK_THROWS_WITH(make("dot").infer_type({{"a", dtype::float64}, {"b", dtype::float32}}),
                    Catch::Contains("Incompatible attr"));
}

TEST_CASE("batch_dot: shape inference after MXNet's BatchDotShape", "[symbol][dot]") {
  auto out = [](bool ta, bool tb, shape a, shape b) {
    return make("batch_dot", ta, tb).infer_shape({{"a", a}, {"b", b}}).outputs[0];
  };
  CHECK(out(false, false, {7, 2, 3}, {7, 3, 4}) == shape{7, 2, 4});
  CHECK(out(true, false, {7, 3, 2}, {7, 3, 4}) == shape{7, 2, 4});
  CHECK(out(false, true, {7, 2, 3}, {7, 4, 3}) == shape{7, 2, 4});
  CHECK(out(true, true, {7, 3, 2}, {7, 4, 3}) == shape{7, 2, 4});
  CHECK(make("batch_dot").infer_shape_partial({{"a", {0, 2, 3}}, {"b", {7, 3, 4}}}).outputs[0] == shape{7, 2, 4});
  CHECK(make("batch_dot").infer_type({{"b", dtype::float64}}).outputs[0] == dtype::float64);
}

TEST_CASE("dot and batch_dot: shape errors name the node and both shapes", "[symbol][dot]") {
  auto infer = [](const Symbol& s, shape a, shape b) { return message_of([&] { s.infer_shape({{"a", a}, {"b", b}}); }); };
  const Symbol dot = make("dot"), dot_ta = make("dot", true, false);
  const std::string name = *dot.name(), name_ta = *dot_ta.name();
  CHECK(infer(dot, {2, 3}, {4, 5}) == "Error in operator " + name + ": dot shape error: [2,3] X [4,5]");
  CHECK(infer(dot, {3}, {4}) == "Error in operator " + name + ": dot shape error: [3] X [4]");
  CHECK_THAT(infer(dot_ta, {2, 3}, {3, 5}), Catch::Contains(name_ta) && Catch::Contains("dot shape error: [2,3] X [3,5]"));
  CHECK_THAT(infer(make("dot", true, false), {3}, {3}), Catch::Contains("Cannot transpose vectors"));

  const Symbol bd = make("batch_dot", false, true);
  CHECK_THAT(infer(bd, {2, 3, 4}, {5, 6, 4}),
             Catch::Contains(*bd.name()) &&
                 Catch::Contains("batch_dot shape error(batch_size must be equal): [2,3,4] X [5,6,4] trans_a=0 trans_b=1"));
  CHECK_THAT(infer(bd, {2, 3, 4}, {2, 6, 5}),
             Catch::Contains("batch_dot shape error(shape mismatch): [2,3,4] X [2,6,5] trans_a=0 trans_b=1"));
  CHECK_THAT(infer(bd, {3, 4}, {2, 4, 5}), Catch::Contains("batch_dot currently only support 3D*3D array"));

  // bind checks the same way, before any kernel runs.
  auto bind = [&](shape a, shape b) {
    return message_of([&] { dot.bind(xsym::cpu(), {{"a", array(pseudo(a.size(), 1), a)}, {"b", array(pseudo(b.size(), 2), b)}}); });
  };
  CHECK_THAT(bind({2, 3}, {4, 5}), Catch::Contains(name) && Catch::Contains("dot shape error: [2,3] X [4,5]"));
}

TEST_CASE("dot and batch_dot: int32 operands are a clear error at bind", "[symbol][dot]") {
  auto i32 = [](shape s) { return ndarray::array<std::int32_t>(std::vector<std::int32_t>(s.size(), 1), s); };
  const Symbol dot = make("dot"), bd = make("batch_dot");
  for (auto path : paths) {
    INFO(xsym::execution_path_name(path));
    CHECK_THAT(message_of([&] { dot.bind(xsym::cpu(), {{"a", i32({2, 3})}, {"b", i32({3, 4})}}, {.path = path}); }),
               Catch::Contains("dot node '" + *dot.name() + "'") && Catch::Contains("int32 is not supported") &&
                   Catch::Contains("float32 and float64"));
    CHECK_THAT(message_of([&] { bd.bind(xsym::cpu(), {{"a", i32({2, 2, 3})}, {"b", i32({2, 3, 4})}}, {.path = path}); }),
               Catch::Contains("batch_dot node '" + *bd.name() + "'") && Catch::Contains("int32 is not supported"));
  }
}

TEMPLATE_TEST_CASE("dot: forward against a triple loop, every transpose", "[symbol][dot]", float, double) {
  using T = TestType;
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      // small, and large enough for the BLAS / blocked GEMM (64x100 x 100x33)
      for (auto [M, N, K] : {std::tuple<i64, i64, i64>{3, 4, 5}, {64, 33, 100}, {1, 7, 9}})
        check_forward<T>("dot", ta, tb, ta ? shape{K, M} : shape{M, K}, tb ? shape{N, K} : shape{K, N}, shape{M, N},
                         1, M, N, K);
    }
  // Vectors: 1-D x 1-D (1,), 1-D x 2-D, 2-D x 1-D; a transposed vector is itself.
  check_forward<T>("dot", false, false, {100}, {100}, {1}, 1, 1, 1, 100);
  check_forward<T>("dot", false, false, {5}, {5, 6}, {6}, 1, 1, 6, 5);
  check_forward<T>("dot", true, false, {5}, {5, 6}, {6}, 1, 1, 6, 5);
  check_forward<T>("dot", false, true, {5}, {6, 5}, {6}, 1, 1, 6, 5);
  check_forward<T>("dot", false, false, {6, 5}, {5}, {6}, 1, 6, 1, 5);
  check_forward<T>("dot", true, false, {5, 6}, {5}, {6}, 1, 6, 1, 5);
}

TEMPLATE_TEST_CASE("dot: N-d operands contract lhs's last (first) axis with rhs's first (last)", "[symbol][dot]",
                   float, double) {
  using T = TestType;
  // Indexed loops over the real axes, independent of the kernel's flattening.
  const auto a = pseudo(2 * 3 * 4, 5.0), b = pseudo(4 * 5 * 6, 6.0);
  const auto ar = rounded<T>(a), br = rounded<T>(b);
  std::vector<double> want(2 * 3 * 5 * 6, 0.0);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 5; ++k)
        for (int l = 0; l < 6; ++l)
          for (int p = 0; p < 4; ++p)
            want[std::size_t(((i * 3 + j) * 5 + k) * 6 + l)] += ar[std::size_t((i * 3 + j) * 4 + p)] * br[std::size_t((p * 5 + k) * 6 + l)];
  for (auto path : paths) check_close<T>(run_forward<T>(make("dot"), a, {2, 3, 4}, b, {4, 5, 6}, path), want, 4);

  // transpose_a: lhs (4, 2, 3) contracts its first axis; transpose_b: rhs (5, 6, 4) its last.
  const auto c = pseudo(4 * 2 * 3, 7.0), d = pseudo(5 * 6 * 4, 8.0);
  const auto cr = rounded<T>(c), dr = rounded<T>(d);
  std::vector<double> want_t(2 * 3 * 5 * 6, 0.0);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 5; ++k)
        for (int l = 0; l < 6; ++l)
          for (int p = 0; p < 4; ++p)
            want_t[std::size_t(((i * 3 + j) * 5 + k) * 6 + l)] += cr[std::size_t((p * 2 + i) * 3 + j)] * dr[std::size_t((k * 6 + l) * 4 + p)];
  for (auto path : paths)
    check_close<T>(run_forward<T>(make("dot", true, true), c, {4, 2, 3}, d, {5, 6, 4}, path), want_t, 4);
}

TEMPLATE_TEST_CASE("batch_dot: forward against a triple loop per batch entry, every transpose", "[symbol][dot]",
                   float, double) {
  using T = TestType;
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (auto [B, M, N, K] : {std::tuple<i64, i64, i64, i64>{3, 2, 4, 5}, {2, 64, 33, 100}})
        check_forward<T>("batch_dot", ta, tb, ta ? shape{B, K, M} : shape{B, M, K}, tb ? shape{B, N, K} : shape{B, K, N},
                         shape{B, M, N}, B, M, N, K);
}

TEST_CASE("dot: gradients against central differences, every transpose and rank", "[symbol][dot][gradient]") {
  for (bool ta : {false, true})
    for (bool tb : {false, true}) check_gradient("dot", ta, tb, ta ? shape{4, 3} : shape{3, 4}, tb ? shape{5, 4} : shape{4, 5});
  check_gradient("dot", false, false, {6}, {6});
  check_gradient("dot", false, false, {4}, {4, 3});
  check_gradient("dot", false, true, {4}, {3, 4});
  check_gradient("dot", false, false, {3, 4}, {4});
  check_gradient("dot", true, false, {4, 3}, {4});
  check_gradient("dot", false, false, {2, 3, 2}, {2, 2, 3});
  check_gradient("dot", true, true, {2, 3, 2}, {2, 3, 2});
}

TEST_CASE("batch_dot: gradients against central differences, every transpose", "[symbol][dot][gradient]") {
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      check_gradient("batch_dot", ta, tb, ta ? shape{2, 4, 3} : shape{2, 3, 4}, tb ? shape{2, 2, 4} : shape{2, 4, 2});
}

TEST_CASE("dot and batch_dot: one operand's gradient alone, and float32 gradients", "[symbol][dot][gradient]") {
  // The other operand's gradient is not needed: the kernel skips it.
  const std::map<std::string, ndarray> args{{"a", array(pseudo(12, 1.0), {3, 4})}, {"b", array(pseudo(20, 2.0), {4, 5})}};
  check_against_differences(make("dot", false, false), args, {"a"});
  check_against_differences(make("dot", false, false), args, {"b"});
  const std::map<std::string, ndarray> bargs{{"a", array(pseudo(24, 3.0), {2, 4, 3})},
                                             {"b", array(pseudo(16, 4.0), {2, 4, 2})}};
  check_against_differences(make("batch_dot", true, false), bargs, {"b"});

  // float32's backward agrees with float64's.
  for (const char* op : {"dot", "batch_dot"}) {
    INFO(op);
    const shape as = op == std::string("dot") ? shape{3, 4} : shape{2, 4, 3};
    const shape bs = op == std::string("dot") ? shape{5, 4} : shape{2, 5, 4};
    const Symbol s = make(op, op == std::string("batch_dot"), true);
    const auto a = pseudo(as.size(), 5.0), b = pseudo(bs.size(), 6.0);
    std::vector<std::vector<double>> results;
    for (dtype t : {dtype::float32, dtype::float64}) {
      const bool f = t == dtype::float32;
      std::map<std::string, ndarray> grads{{"a", ndarray::zeros(as, t)}, {"b", ndarray::zeros(bs, t)}};
      auto ex = s.bind(xsym::cpu(), {{"a", f ? typed<float>(a, as) : typed<double>(a, as)},
                                     {"b", f ? typed<float>(b, bs) : typed<double>(b, bs)}},
                       {.args_grad = grads});
      ex.forward(true);
      const shape os = ex.outputs()[0].shape();
      const auto head = pseudo(os.size(), 7.0);
      ex.backward({f ? typed<float>(head, os) : typed<double>(head, os)});
      for (const char* name : {"a", "b"}) {
        std::vector<double> g;
        if (f) {
          auto v = grads.at(name).to_vector<float>();
          g.assign(v.begin(), v.end());
        } else {
          g = grads.at(name).to_vector<double>();
        }
        results.push_back(g);
      }
    }
    check_close<float>(results[0], results[2], 5);
    check_close<float>(results[1], results[3], 5);
  }
}

TEST_CASE("dot and batch_dot: gradients at BLAS sizes against plain loops", "[symbol][dot][gradient]") {
  // d op(A) = G op(B)^T and d op(B) = op(A)^T G, stored back transposed where the operand is.
  const i64 B = 2, M = 64, N = 33, K = 100;
  for (const char* op : {"dot", "batch_dot"})
    for (bool ta : {false, true})
      for (bool tb : {false, true}) {
        const bool batched = op == std::string("batch_dot");
        const i64 b = batched ? B : 1;
        INFO(op << " transpose_a=" << ta << " transpose_b=" << tb);
        shape as = ta ? shape{K, M} : shape{M, K}, bs = tb ? shape{N, K} : shape{K, N}, os{M, N};
        if (batched) as = shape{b, as[0], as[1]}, bs = shape{b, bs[0], bs[1]}, os = shape{b, M, N};
        const auto a = pseudo(as.size(), 1.0), bv = pseudo(bs.size(), 2.0), g = pseudo(os.size(), 3.0);
        std::map<std::string, ndarray> grads{{"a", ndarray::zeros(as, dtype::float64)},
                                             {"b", ndarray::zeros(bs, dtype::float64)}};
        auto ex = make(op, ta, tb).bind(xsym::cpu(), {{"a", array(a, as)}, {"b", array(bv, bs)}}, {.args_grad = grads});
        ex.forward(true);
        ex.backward({array(g, os)});
        // dA stored M x K: G (M x N) · op(B)^T (N x K); stored K x M: op(B) (K x N) · G^T (N x M).
        const auto want_a = ta ? reference(bv, g, b, K, M, N, tb, true) : reference(g, bv, b, M, K, N, false, !tb);
        // dB stored K x N: op(A)^T (K x M) · G (M x N); stored N x K: G^T (N x M) · op(A) (M x K).
        const auto want_b = tb ? reference(g, a, b, N, K, M, true, ta) : reference(a, g, b, K, N, M, !ta, false);
        check_close<double>(grads.at("a").to_vector<double>(), want_a, N);
        check_close<double>(grads.at("b").to_vector<double>(), want_b, M);
      }
}

TEST_CASE("dot and batch_dot: a JSON round trip keeps transpose_a and transpose_b", "[symbol][dot]") {
  for (const char* op : {"dot", "batch_dot"}) {
    INFO(op);
    const Symbol s = Symbol::create(op, {Symbol::variable("a"), Symbol::variable("b")},
                                    {{"transpose_a", "True"}, {"transpose_b", "False"}, {"forward_stype", "None"}});
    const Symbol back = Symbol::from_json(s.to_json());
    CHECK(back.to_json() == s.to_json());
    CHECK(back.attr("transpose_a") == "True");
    CHECK(back.attr("transpose_b") == "False");
    CHECK(back.attr("op_name") == op);
    const bool batched = op == std::string("batch_dot");
    const shape as = batched ? shape{2, 4, 3} : shape{4, 3}, bs = batched ? shape{2, 4, 5} : shape{4, 5};
    CHECK(back.infer_shape({{"a", as}, {"b", bs}}).outputs[0] == (batched ? shape{2, 3, 5} : shape{3, 5}));
    const auto a = pseudo(as.size(), 1.0), b = pseudo(bs.size(), 2.0);
    CHECK(run_forward<double>(back, a, as, b, bs) == run_forward<double>(s, a, as, b, bs));
  }
}
