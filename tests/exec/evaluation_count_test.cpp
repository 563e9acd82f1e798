// Issue 13: the fused loop evaluates every node of the plan once per element. An op defined
// here counts the calls of its element function (atomically: large arrays run on every OpenMP
// thread), so a test can see how often the node was evaluated:
// - a node shared by its consumers (`t = exp(a); t*t + t`) and by the outputs of a group;
// - structural twins (subtrees holding equal run-time scalars, built as separate objects, as
//   W3's d1): once when their scalars are equal bit for bit, twice otherwise (`a * 0.0` and
//   `a * -0.0` differ), while names, list_nodes and JSON keep MXNet's separate nodes.
// Every result is compared with a plain loop, bit for bit.
#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <xsym/xsym.hpp>

namespace {

std::atomic<long> calls{0};

/// exp, counting its calls: a test-only entry in the style of the operator table.
struct counted_exp : xsym::ops::unary<counted_exp, xsym::ops::integers::via_double, xsym::ops::op_cost::math,
                                             xsym::ops::exactness::approximate> {
  static constexpr xsym::ops::op_names names{"exp", "counted"};
  template <class T>
  static T apply(T x) {
    calls.fetch_add(1, std::memory_order_relaxed);
    return std::exp(x);
  }
};
template <xsym::expression E>
constexpr auto counted(E e) { return xsym::detail::make_node<counted_exp>({}, e); }

auto a = xsym::variable<"A">();
auto b = xsym::variable<"B">();

std::vector<float> values(std::size_t n, int seed) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = float(int((i * 31 + std::size_t(seed) * 7 + 3) % 29) - 14) / 8.0f;
  return v;
}

/// Binds g to A (and B), runs forward once, and returns the calls it made and its outputs.
template <class G>
std::vector<std::vector<float>> run(const G& g, const std::vector<float>& A, const std::vector<float>& B,
                                    long& counted_calls) {
  std::map<std::string, xsym::ndarray> args{{"A", xsym::ndarray::array<float>(A, {std::int64_t(A.size())})}};
  if (xsym::list_arguments(g).size() > 1) args.emplace("B", xsym::ndarray::array<float>(B, {std::int64_t(B.size())}));
  auto ex = xsym::bind(g, xsym::cpu(0), args);
  calls = 0;
  ex.forward();
  counted_calls = calls.load();
  std::vector<std::vector<float>> out;
  for (const auto& o : ex.outputs()) out.push_back(o.template to_vector<float>());
  return out;
}

bool same_bits(const std::vector<float>& x, const std::vector<float>& y) {
  return x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0);
}

// Small (one thread) and large (every OpenMP thread: the loop's parallel threshold is 2^15).
const std::size_t sizes[] = {0, 1, 17, 1000, (std::size_t(1) << 16) + 3};

}  // namespace

TEST_CASE("a node shared by its consumers is evaluated once per element", "[exec][plan]") {
  auto t = counted(a);
  auto e = t * t + t;
  const auto internals = xsym::list_outputs(xsym::get_internals(e));
  CHECK(std::vector<std::string>(internals.begin(), internals.end()) ==
        std::vector<std::string>{"A", "counted0_output", "_mul0_output", "_plus0_output"});
  for (std::size_t n : sizes) {
    INFO("n = " << n);
    const auto A = values(n, 1);
    long evaluated = -1;
    auto out = run(e, A, {}, evaluated);
    CHECK(evaluated == long(n));
    std::vector<float> want(n);
    for (std::size_t i = 0; i < n; ++i) {
      float x = std::exp(A[i]);
      want[i] = x * x + x;
    }
    CHECK(same_bits(out[0], want));
  }
}

TEST_CASE("a subtree shared by the outputs of a group is evaluated once per element", "[exec][plan]") {
  auto t = counted(a * b);
  auto g = xsym::group(t * b, t + a, t);
  for (std::size_t n : sizes) {
    INFO("n = " << n);
    const auto A = values(n, 1), B = values(n, 2);
    long evaluated = -1;
    auto out = run(g, A, B, evaluated);
    CHECK(evaluated == long(n));
    std::vector<float> w0(n), w1(n), w2(n);
    for (std::size_t i = 0; i < n; ++i) {
      float x = std::exp(A[i] * B[i]);
      w0[i] = x * B[i];
      w1[i] = x + A[i];
      w2[i] = x;
    }
    REQUIRE(out.size() == 3);
    CHECK(same_bits(out[0], w0));
    CHECK(same_bits(out[1], w1));
    CHECK(same_bits(out[2], w2));
  }
}

TEST_CASE("twins holding equal scalars are evaluated once, and keep their MXNet nodes", "[exec][plan]") {
  // Built as separate objects, as W3 builds d1 twice: the analysis keeps two nodes.
  auto e = counted(a + 1.5) * counted(a + 1.5) + counted(b * 2) / counted(b * 2);
  using info = xsym::detail::graph_info<decltype(e)>;
  CHECK(std::vector<std::string>(info::node_names.begin(), info::node_names.end()) ==
        std::vector<std::string>{"A", "_plusscalar0", "counted0", "_plusscalar1", "counted1", "_mul0", "B",
                                 "_mulscalar0", "counted2", "_mulscalar1", "counted3", "_div0", "_plus0"});
  STATIC_REQUIRE(xsym::plan::static_plan<decltype(e)>::num_twins == 4);
  const std::string json = xsym::Symbol(e).to_json();
  CHECK(json.find("\"counted1\"") != std::string::npos);
  CHECK(json.find("\"_plusscalar1\"") != std::string::npos);
  for (std::size_t n : sizes) {
    INFO("n = " << n);
    const auto A = values(n, 1), B = values(n, 2);
    long evaluated = -1;
    auto out = run(e, A, B, evaluated);
    CHECK(evaluated == 2 * long(n));  // one for A's twins, one for B's
    std::vector<float> want(n);
    for (std::size_t i = 0; i < n; ++i) {
      float x = std::exp(A[i] + 1.5f), y = std::exp(B[i] * 2.0f);
      want[i] = x * x + y / y;
    }
    CHECK(same_bits(out[0], want));
  }
}

TEST_CASE("twins whose scalars differ are evaluated apart, even for -0.0 and 0.0", "[exec][plan]") {
  auto e = counted(a + 1.5) * counted(a + 2.5) + counted(a * 0.0) / counted(a * -0.0);
  STATIC_REQUIRE(xsym::plan::static_plan<decltype(e)>::num_twins > 0);
  const std::size_t n = 1000;
  const auto A = values(n, 3);
  long evaluated = -1;
  auto out = run(e, A, {}, evaluated);
  CHECK(evaluated == 4 * long(n));
  std::vector<float> want(n);
  for (std::size_t i = 0; i < n; ++i)
    want[i] = std::exp(A[i] + 1.5f) * std::exp(A[i] + 2.5f) + std::exp(A[i] * 0.0f) / std::exp(A[i] * -0.0f);
  CHECK(same_bits(out[0], want));
}

TEST_CASE("twins merge one class at a time: an unequal member does not stop the others", "[exec][plan]") {
  // W3's shape: T*c1, T*-r and T*c1 again are one class of twins; only the third equals the first.
  auto x = counted(a * 0.5) + counted(a * -0.25) + counted(a * 0.5);
  const std::size_t n = 999;
  const auto A = values(n, 4);
  long evaluated = -1;
  auto out = run(x, A, {}, evaluated);
  CHECK(evaluated == 2 * long(n));
  std::vector<float> want(n);
  for (std::size_t i = 0; i < n; ++i)
    want[i] = std::exp(A[i] * 0.5f) + std::exp(A[i] * -0.25f) + std::exp(A[i] * 0.5f);
  CHECK(same_bits(out[0], want));
}

TEST_CASE("every run-time parameter reaches its own node", "[exec][plan]") {
  // Parameters placed in post-order of the tree: many scalars, clip bounds, reversed forms.
  auto e = xsym::clip((a + 1) * (2 - a), -3.5, 4.25) - (a / 3) + xsym::maximum(b, 0.5) * (7 - b) +
           xsym::clip(b * 1.5, -1, 1);
  const std::size_t n = 257;
  const auto A = values(n, 5), B = values(n, 6);
  long evaluated = 0;
  auto out = run(e, A, B, evaluated);
  std::vector<float> want(n);
  auto clip = [](float v, float lo, float hi) { return v > hi ? hi : v < lo ? lo : v; };
  for (std::size_t i = 0; i < n; ++i)
    want[i] = clip((A[i] + 1.0f) * (2.0f - A[i]), -3.5f, 4.25f) - A[i] / 3.0f +
              (B[i] > 0.5f ? B[i] : 0.5f) * (7.0f - B[i]) + clip(B[i] * 1.5f, -1.0f, 1.0f);
  CHECK(same_bits(out[0], want));
}
