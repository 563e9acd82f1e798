// The CPU's two ways of running a lowered program (exec/program_loop.hpp, the fused loop's with
// XSYM_CPU_BLOCKS; called directly here, so they are tested in every build): per element for
// short programs with at most one costly op, by blocks for the others. Each is compared bit for
// bit with a plain loop over the operator table's element functions, at sizes around the block
// length (whole blocks, elements after the last block, two chunks as two threads run them),
// for every output request; and the loop that the instruction-set dispatch picks on this CPU
// gives the baseline loop's bits.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>
#include <string>
#include <vector>

#include <xsym/static.hpp>

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

// Around the block length (128 elements for these programs in float32, 64 or 128 in float64).
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
  // Compiled for each instruction set: compute-bound floating-point programs, with at least 8
  // cheap ops (a costly op counts 16) per array read or written.
  STATIC_REQUIRE(!traits_of<decltype(w1)>::dispatched);          // 3 ops, 5 arrays
  STATIC_REQUIRE(!traits_of<decltype(one_costly)>::dispatched);  // 1 + 16, 3 arrays
  STATIC_REQUIRE(!traits_of<decltype(w2a_like)>::dispatched);    // 7, 3 arrays
  auto one_exp = xsym::exp(a);
  STATIC_REQUIRE(traits_of<decltype(one_exp)>::dispatched);  // 16, 2 arrays
  STATIC_REQUIRE(traits_of<decltype(costly)>::dispatched);   // 1 + 32, 3 arrays
  STATIC_REQUIRE(traits_of<decltype(twins)>::work == 2);     // a twin counts nothing
  auto t1 = xsym::maximum(a * 0.5 + 1.0, -1.0);
  auto t2 = xsym::minimum(t1, 3.0) - 0.25;
  auto t3 = xsym::maximum(t2 * a + a, a);
  auto t4 = xsym::minimum(t3 * 0.75 + 2.0, 4.0) - a;
  auto w2a = (xsym::maximum(t4 * 1.25, 0.0) + a) * 0.5;
  STATIC_REQUIRE(traits_of<decltype(w2a)>::ops == 16);
  STATIC_REQUIRE(traits_of<decltype(w2a)>::dispatched);  // 16, 2 arrays
  STATIC_REQUIRE(traits_of<decltype(w2a), dtype::float64>::dispatched);
  STATIC_REQUIRE(!traits_of<decltype(w2a), dtype::int32>::dispatched);
}

/// Runs graph g's program (element types T) over arrays `in`, into `out`, as the fused loop's
/// threads would: elements [0, n) in two chunks split at a multiple of 128, each run by
/// exec::run_program (with `reqs`, when given).
template <dtype D, class G>
void run_in_chunks(const G& g, const std::vector<const void*>& args, const std::vector<void*>& outs, std::size_t n,
                   const grad_req* reqs = nullptr) {
  using program = xsym::exec::fused_program<G, D>;
  const auto stage = program::make(g, args.data(), outs.data());
  const auto split = std::ptrdiff_t(n / 2 / 128 * 128);
  for (auto [begin, end] : {std::pair{std::ptrdiff_t(0), split}, std::pair{split, std::ptrdiff_t(n)}}) {
    if (reqs) xsym::exec::run_program(begin, end, stage, reqs);
    else xsym::exec::run_program(begin, end, stage);
  }
}

TEMPLATE_TEST_CASE("a program by blocks gives the plain loop's bits at every size", "[exec][plan]", float, double) {
  using T = TestType;
  constexpr dtype t = xsym::dtype_of<T>;
  // Costly ops, a twin ((A * 0.5) twice with its scalar), and two outputs sharing a subtree.
  auto shared = xsym::tanh(xsym::exp(a) - b);
  auto e = xsym::group(shared / (c + xsym::sqrt(xsym::abs(a * b))) + xsym::erf(a) * (a * 0.5),
                       shared * (a * 0.5) - xsym::log1p(xsym::abs(c)));
  STATIC_REQUIRE(!traits_of<decltype(e), t>::per_element);
  STATIC_REQUIRE(xsym::plan::static_plan<decltype(e)>::num_twins == 1);
  const ops::no_param p;
  const auto half = ops::scalar<ops::mul, false>::template lower<T>(0.5);
  for (std::size_t n : sizes) {
    INFO("n = " << n);
    const auto A = values<T>(n, 1), B = values<T>(n, 2), C = values<T>(n, 3);
    std::vector<T> out0(n), out1(n);
    run_in_chunks<t>(e, {A.data(), B.data(), C.data()}, {out0.data(), out1.data()}, n);
    std::vector<T> want0(n), want1(n);
    for (std::size_t i = 0; i < n; ++i) {
      T s = ops::tanh::eval(p, ops::minus::eval(p, ops::exp::eval(p, A[i]), B[i]));
      T ah = ops::scalar<ops::mul, false>::eval(half, A[i]);
      T den = ops::plus::eval(p, C[i], ops::sqrt::eval(p, ops::abs::eval(p, ops::mul::eval(p, A[i], B[i]))));
      want0[i] = ops::plus::eval(p, ops::div::eval(p, s, den), ops::mul::eval(p, ops::erf::eval(p, A[i]), ah));
      want1[i] = ops::minus::eval(p, ops::mul::eval(p, s, ah), ops::log1p::eval(p, ops::abs::eval(p, C[i])));
    }
    CHECK(same_bits(out0, want0));
    CHECK(same_bits(out1, want1));
  }
}

TEST_CASE("a program per element gives the plain loop's bits at every size", "[exec][plan]") {
  auto e = a * b + c * d;
  STATIC_REQUIRE(traits_of<decltype(e)>::per_element);
  for (std::size_t n : sizes) {
    INFO("n = " << n);
    const auto A = values<float>(n, 1), B = values<float>(n, 2), C = values<float>(n, 3), D = values<float>(n, 4);
    std::vector<float> out(n);
    run_in_chunks<dtype::float32>(e, {A.data(), B.data(), C.data(), D.data()}, {out.data()}, n);
    std::vector<float> want(n);
    for (std::size_t i = 0; i < n; ++i) want[i] = A[i] * B[i] + C[i] * D[i];
    CHECK(same_bits(out, want));
  }
}

TEST_CASE("by blocks, outputs are stored as each request asks, after the last block too", "[exec][plan]") {
  auto e = xsym::group(xsym::exp(a * 0.5) * b, xsym::tanh(a), xsym::exp(b) + a);
  const grad_req reqs[] = {grad_req::add, grad_req::null, grad_req::write};
  const ops::no_param p;
  const auto half = ops::scalar<ops::mul, false>::lower<float>(0.5);
  for (std::size_t n : sizes) {
    INFO("n = " << n);
    const auto A = values<float>(n, 5), B = values<float>(n, 6);
    const auto before0 = values<float>(n, 7), before1 = values<float>(n, 8), before2 = values<float>(n, 9);
    auto out0 = before0, out1 = before1, out2 = before2;
    run_in_chunks<dtype::float32>(e, {A.data(), B.data()}, {out0.data(), out1.data(), out2.data()}, n, reqs);
    std::vector<float> want0(n), want2(n);
    for (std::size_t i = 0; i < n; ++i) {
      want0[i] = before0[i] + ops::mul::eval(p, ops::exp::eval(p, ops::scalar<ops::mul, false>::eval(half, A[i])), B[i]);
      want2[i] = ops::plus::eval(p, ops::exp::eval(p, B[i]), A[i]);
    }
    CHECK(same_bits(out0, want0));
    CHECK(same_bits(out1, before1));
    CHECK(same_bits(out2, want2));
    // A `null` output may have no array at all, as the executors pass it (UBSan checks that the
    // null pointer is never offset).
    auto again0 = before0, again2 = before2;
    run_in_chunks<dtype::float32>(e, {A.data(), B.data()}, {again0.data(), nullptr, again2.data()}, n, reqs);
    CHECK(same_bits(again0, want0));
    CHECK(same_bits(again2, want2));
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
