// The CPU's two ways of running a lowered program (exec/program_loop.hpp): per element for short
// programs with at most one costly op, by blocks for the others. Each is compared bit for bit with a plain
// loop over the operator table's element functions, at sizes around the block length (whole
// blocks, elements after the last block, several threads), for every gradient request; and the
// loop that the instruction-set dispatch picks on this CPU gives the baseline loop's bits.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <xsym/xsym.hpp>

namespace {

using xsym::dtype;
using xsym::grad_req;
using xsym::ndarray;
namespace ops = xsym::ops;

auto a = xsym::variable<"A">();
auto b = xsym::variable<"B">();
auto c = xsym::variable<"C">();
auto d = xsym::variable<"D">();

template <class G, dtype T = dtype::float32>
using stage_of = typename xsym::exec::fused_program<G, T>::stage_type;
template <class G, dtype T = dtype::float32>
using traits_of = xsym::lowered::program_traits<stage_of<G, T>>;

/// Values in [-3, 3), different for each seed.
template <class T>
std::vector<T> values(std::size_t n, int seed) {
  std::vector<T> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = T(int((i * 37 + std::size_t(seed) * 11 + 5) % 97) - 48) / T(16);
  return v;
}

template <class T>
bool same_bits(const std::vector<T>& x, const std::vector<T>& y) {
  return x.size() == y.size() && (x.empty() || std::memcmp(x.data(), y.data(), x.size() * sizeof(T)) == 0);
}

template <class T>
ndarray array_of(const std::vector<T>& v) {
  return ndarray::array<T>(v, {std::int64_t(v.size())});
}

// Around the block length (128 elements for these programs in float32, 64 or 128 in float64),
// and past the loop's parallel threshold (2^15), where each thread's chunk has whole blocks.
const std::size_t sizes[] = {0, 1, 63, 64, 65, 127, 128, 129, 1000, (std::size_t(1) << 15) + 3,
                             (std::size_t(1) << 16) + 77};

}  // namespace

TEST_CASE("short programs with at most one costly op run per element, others by blocks", "[exec][plan]") {
  auto w1 = a * b + c * d;
  STATIC_REQUIRE(traits_of<decltype(w1)>::ops == 3);
  STATIC_REQUIRE(traits_of<decltype(w1)>::per_element);
  auto one_costly = xsym::exp(a) + b;
  STATIC_REQUIRE(traits_of<decltype(one_costly)>::per_element);
  auto costly = xsym::exp(xsym::tanh(a)) + b;
  STATIC_REQUIRE(traits_of<decltype(costly)>::costly_ops == 2);
  STATIC_REQUIRE(!traits_of<decltype(costly)>::per_element);
  auto w2a_like = xsym::maximum(xsym::minimum(a * b + a, b) - a * a, b * b) + a;  // 7 cheap ops
  STATIC_REQUIRE(!traits_of<decltype(w2a_like)>::per_element);
  auto twins = (a + 1.5) * (a + 1.5);
  STATIC_REQUIRE(xsym::plan::static_plan<decltype(twins)>::num_twins == 1);
  STATIC_REQUIRE(!traits_of<decltype(twins)>::per_element);
  // About 16 KiB of buffers: 128 elements for a few float nodes, fewer for many wide ones.
  STATIC_REQUIRE(traits_of<decltype(costly)>::block == 128);
  auto wide = xsym::exp(xsym::exp(xsym::exp(xsym::exp(a + b) * c) - d) / a) + xsym::exp(b * c * d + a);
  STATIC_REQUIRE(xsym::detail::graph_info<decltype(wide)>::num_nodes == 17);
  STATIC_REQUIRE(traits_of<decltype(wide)>::block == 128);               // 16384 / (17 * 4) = 240
  STATIC_REQUIRE(traits_of<decltype(wide), dtype::float64>::block == 64);  // 16384 / (17 * 8) = 120
  // Compiled for each instruction set: floating-point programs with a costly op or by blocks.
  STATIC_REQUIRE(!traits_of<decltype(w1)>::dispatched);
  STATIC_REQUIRE(traits_of<decltype(one_costly)>::dispatched);
  STATIC_REQUIRE(traits_of<decltype(w2a_like)>::dispatched);
  STATIC_REQUIRE(traits_of<decltype(w2a_like), dtype::float64>::dispatched);
  STATIC_REQUIRE(!traits_of<decltype(w2a_like), dtype::int32>::dispatched);
}

TEMPLATE_TEST_CASE("a program by blocks gives the plain loop's bits at every size", "[exec][plan]", float, double) {
  using T = TestType;
  // Costly ops, a twin ((A * B) twice with its scalar), and two outputs sharing a subtree.
  auto shared = xsym::tanh(xsym::exp(a) - b);
  auto e = xsym::group(shared / (c + xsym::sqrt(xsym::abs(a * b))) + xsym::erf(a) * (a * 0.5),
                       shared * (a * 0.5) - xsym::log1p(xsym::abs(c)));
  STATIC_REQUIRE(!traits_of<decltype(e)>::per_element);
  const ops::no_param p;
  const auto half = ops::scalar<ops::mul, false>::template lower<T>(0.5);
  for (std::size_t n : sizes) {
    INFO("n = " << n);
    const auto A = values<T>(n, 1), B = values<T>(n, 2), C = values<T>(n, 3);
    auto ex = xsym::bind(e, xsym::cpu(0), {{"A", array_of(A)}, {"B", array_of(B)}, {"C", array_of(C)}});
    ex.forward();
    std::vector<T> want0(n), want1(n);
    for (std::size_t i = 0; i < n; ++i) {
      T s = ops::tanh::eval(p, ops::minus::eval(p, ops::exp::eval(p, A[i]), B[i]));
      T ah = ops::scalar<ops::mul, false>::eval(half, A[i]);
      T den = ops::plus::eval(p, C[i], ops::sqrt::eval(p, ops::abs::eval(p, ops::mul::eval(p, A[i], B[i]))));
      want0[i] = ops::plus::eval(p, ops::div::eval(p, s, den), ops::mul::eval(p, ops::erf::eval(p, A[i]), ah));
      want1[i] = ops::minus::eval(p, ops::mul::eval(p, s, ah), ops::log1p::eval(p, ops::abs::eval(p, C[i])));
    }
    CHECK(same_bits(ex.outputs()[0].template to_vector<T>(), want0));
    CHECK(same_bits(ex.outputs()[1].template to_vector<T>(), want1));
  }
}

TEST_CASE("a program per element gives the plain loop's bits at every size", "[exec][plan]") {
  auto e = a * b + c * d;
  STATIC_REQUIRE(traits_of<decltype(e)>::per_element);
  for (std::size_t n : sizes) {
    INFO("n = " << n);
    const auto A = values<float>(n, 1), B = values<float>(n, 2), C = values<float>(n, 3), D = values<float>(n, 4);
    auto ex = xsym::bind(e, xsym::cpu(0), {{"A", array_of(A)}, {"B", array_of(B)}, {"C", array_of(C)}, {"D", array_of(D)}});
    ex.forward();
    std::vector<float> want(n);
    for (std::size_t i = 0; i < n; ++i) want[i] = A[i] * B[i] + C[i] * D[i];
    CHECK(same_bits(ex.outputs()[0].to_vector<float>(), want));
  }
}

TEST_CASE("by blocks, gradients are stored as each request asks, after the last block too", "[exec][plan]") {
  auto e = xsym::exp(a * 0.5) * b + xsym::tanh(a);
  for (std::size_t n : sizes) {
    INFO("n = " << n);
    const auto A = values<float>(n, 5), B = values<float>(n, 6), H = values<float>(n, 7);
    const auto before_a = values<float>(n, 8), before_b = values<float>(n, 9);
    // The gradients alone, written.
    auto written_a = array_of(before_a), written_b = array_of(before_b);
    auto wx = xsym::bind(e, xsym::cpu(0), {{"A", array_of(A)}, {"B", array_of(B)}},
                         {{"A", written_a}, {"B", written_b}}, grad_req::write);
    wx.forward_backward({array_of(H)});
    const auto ga = written_a.to_vector<float>(), gb = written_b.to_vector<float>();
    // A added to what it held, B left alone.
    auto added_a = array_of(before_a), kept_b = array_of(before_b);
    auto ax = xsym::bind(e, xsym::cpu(0), {{"A", array_of(A)}, {"B", array_of(B)}}, {{"A", added_a}, {"B", kept_b}},
                         {{"A", grad_req::add}, {"B", grad_req::null}});
    ax.forward_backward({array_of(H)});
    std::vector<float> want_a(n);
    for (std::size_t i = 0; i < n; ++i) want_a[i] = before_a[i] + ga[i];
    CHECK(same_bits(added_a.to_vector<float>(), want_a));
    CHECK(same_bits(kept_b.to_vector<float>(), before_b));
    // The forward output is the same whichever the requests.
    CHECK(same_bits(ax.outputs()[0].to_vector<float>(), wx.outputs()[0].to_vector<float>()));
    // And B's written gradient is exp(A * 0.5) times the head, as a plain loop computes it.
    std::vector<float> want_b(n);
    const auto half = ops::scalar<ops::mul, false>::lower<float>(0.5);
    for (std::size_t i = 0; i < n; ++i)
      want_b[i] = H[i] * ops::exp::eval(ops::no_param{}, ops::scalar<ops::mul, false>::eval(half, A[i]));
    CHECK(same_bits(gb, want_b));
  }
}

TEMPLATE_TEST_CASE("the loop this CPU's instruction set picks gives the baseline loop's bits", "[exec][plan]", float,
                   double) {
  using T = TestType;
  constexpr dtype t = xsym::dtype_of<T>;
  auto e = xsym::group(xsym::exp(a), xsym::expm1(a), xsym::log(a), xsym::log1p(a), xsym::sin(a), xsym::cos(a),
                       xsym::tan(a), xsym::arctan(a), xsym::tanh(a), xsym::sinh(a), xsym::erf(a),
                       xsym::sigmoid(a), xsym::cbrt(a), xsym::rsqrt(a), xsym::power(a, b), xsym::hypot(a, b),
                       xsym::sqrt(a) / b, xsym::arcsinh(a * b));
  using program = xsym::exec::fused_program<decltype(e), t>;
  using stage = typename program::stage_type;
  STATIC_REQUIRE(xsym::lowered::program_traits<stage>::dispatched);
  // Ordinary values, and the special ones: ±0, ±inf, NaN, a denormal, the largest and smallest.
  std::vector<T> A = values<T>(5000, 10), B = values<T>(5000, 11);
  const T special[] = {T(0), -T(0), std::numeric_limits<T>::infinity(), -std::numeric_limits<T>::infinity(),
                       std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::denorm_min(),
                       std::numeric_limits<T>::max(), std::numeric_limits<T>::lowest(), T(-100), T(100), T(1e-30)};
  for (T x : special)
    for (T y : special) A.push_back(x), B.push_back(y);
  const std::size_t n = A.size();
  constexpr std::size_t outputs = stage::num_outputs;
  std::vector<std::vector<T>> dispatched(outputs, std::vector<T>(n)), baseline(outputs, std::vector<T>(n));
  const void* args[] = {A.data(), B.data()};
  void* outs_d[outputs];
  void* outs_b[outputs];
  for (std::size_t k = 0; k < outputs; ++k) outs_d[k] = dispatched[k].data(), outs_b[k] = baseline[k].data();
  xsym::exec::run_program(0, std::ptrdiff_t(n), program::make(e, args, outs_d));
  const auto baseline_stage = program::make(e, args, outs_b);
  const std::ptrdiff_t blocks_end = xsym::lowered::run_baseline<false>(0, std::ptrdiff_t(n), baseline_stage, nullptr);
  xsym::lowered::run_tail<false>(blocks_end, std::ptrdiff_t(n), baseline_stage, nullptr);
#if defined(__x86_64__) && defined(__GNUC__)
  INFO("this CPU: AVX2 " << __builtin_cpu_supports("avx2") << ", AVX-512F " << __builtin_cpu_supports("avx512f"));
#endif
  for (std::size_t k = 0; k < outputs; ++k) {
    INFO("output " << k);
    CHECK(same_bits(dispatched[k], baseline[k]));
  }
}
