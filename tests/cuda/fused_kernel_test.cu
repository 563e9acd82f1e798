// Static graphs on a GPU: xsym::bind(e, xsym::gpu(0), ...) in this nvcc unit launches one fused
// kernel per forward(), and its results equal the CPU fused loop's (issue 6, items 3 and 6).
// Skipped (exit 77) without a GPU; tests/nvcc/fused_kernel_host_test.cu runs the same kernel
// body on the host everywhere.
//
// Tolerances, GPU against CPU: integer dtypes, and the float ops whose exactness is not
// approximate (ops/kinds.hpp: + - * / mod, comparisons, min/max, rounding, sqrt, clip, smooth_l1,
// degrees, casts ...) are exact: the same IEEE operations on both, and the library compiles with
// -ffp-contract=off / --fmad=false, so no FMA contraction. The approximate ones come from
// different math libraries (xsym's own on the CPU, within 2 ulp; CUDA's libdevice, whose
// documented maximum errors are 1-4 ulp for these functions, 6-11 for gamma): they agree within
// 16 ulp or a relative 2e-6 (float32) / 1e-14 (float64), NaN matching NaN.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>
#include <xsym/xsym.hpp>
#include <xsym/cuda.cuh>

#include "../support/ulps.hpp"

using Catch::Matchers::Contains;
namespace ops = xsym::ops;

namespace {

auto a = xsym::variable<"A">();
auto b = xsym::variable<"B">();
auto c = xsym::variable<"C">();
auto d = xsym::variable<"D">();

// The float ops whose GPU result has the CPU's bits: those whose exactness (ops/kinds.hpp) is not
// approximate. (nvcc rejects a pack expanded around a lambda that names it: helpers instead.)
template <class Op>
void add_if_exact(std::set<std::string_view>& exact) {
  if (ops::exactness_of<Op>() != ops::exactness::approximate) exact.insert(Op::names.mxnet);
}
template <class... Op>
void add_exact(std::set<std::string_view>& exact, xsym::type_list<Op...>) {
  (add_if_exact<Op>(exact), ...);
}
template <class... B>
void add_exact_scalars(std::set<std::string_view>& exact, xsym::type_list<B...>) {
  (add_if_exact<ops::scalar<B, false>>(exact), ...);
  (add_if_exact<ops::scalar<B, true>>(exact), ...);
}

/// Whether the float results of op `op` (MXNet name) on the GPU have the CPU's bits.
bool exact_on_gpu(std::string_view op) {
  static const std::set<std::string_view> exact = [] {
    std::set<std::string_view> s;
    add_exact(s, ops::unary_ops{});
    add_exact(s, ops::binary_ops{});
    add_exact_scalars(s, ops::binary_ops{});
    add_exact(s, ops::parameterized_ops{});
    return s;
  }();
  return exact.count(op) > 0;
}

using xsym_test::ulps;

template <class T>
bool agrees(T got, T want, bool exact) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(got) || std::isnan(want)) return std::isnan(got) && std::isnan(want);
    if (got == want) return true;
    if (exact) return false;
    const double rel = sizeof(T) == 4 ? 2e-6 : 1e-14;
    return ulps(got, want) <= 16 ||
           std::abs(double(got) - double(want)) <= rel * std::max(std::abs(double(want)), 1.0);
  } else {
    return got == want;
  }
}

/// n values of T: small integers, values in [-3, 3] (inside arcsin's and log1p's domains, and
/// outside), and a few zeros, so every op meets ordinary and edge inputs.
template <class T>
std::vector<T> values(std::size_t n, unsigned seed) {
  std::vector<T> v(n);
  std::uint64_t x = 0x9E3779B97F4A7C15ull * (seed + 1);
  for (std::size_t i = 0; i < n; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    if constexpr (std::is_floating_point_v<T>)
      v[i] = i % 5 == 0 ? T(int(x % 21) - 10) : T(double(x % 60001) / 10000.0 - 3.0);
    else
      v[i] = T(std::int64_t(x % 201) - 100);
  }
  return v;
}

/// Binds g on the CPU and on gpu(0) to the same values of A and B (element type T), runs both,
/// and compares every output. `names` are the outputs' op names (for the tolerance).
template <class T, class G>
void gpu_agrees_with_cpu(const G& g, const std::vector<std::string>& names, std::size_t n) {
  const auto va = values<T>(n, 1), vb = values<T>(n, 2);
  const xsym::shape s{std::int64_t(n)};
  std::map<std::string, xsym::ndarray> on_cpu{{"A", xsym::ndarray::array<T>(va, s)}};
  std::map<std::string, xsym::ndarray> on_gpu{{"A", xsym::ndarray::array<T>(va, s, xsym::gpu(0))}};
  if (xsym::list_arguments(g).size() == 2) {
    on_cpu.emplace("B", xsym::ndarray::array<T>(vb, s));
    on_gpu.emplace("B", xsym::ndarray::array<T>(vb, s, xsym::gpu(0)));
  }
  auto cpu = xsym::bind(g, xsym::cpu(0), on_cpu);
  auto gpu = xsym::bind(g, xsym::gpu(0), on_gpu);
  REQUIRE_THAT(gpu.path(), Contains("fused CUDA kernel on gpu(0)"));
  cpu.forward();
  gpu.forward();
  REQUIRE(gpu.outputs().size() == names.size());
  for (std::size_t k = 0; k < names.size(); ++k) {
    const auto& want_array = cpu.outputs()[k];
    const auto& got_array = gpu.outputs()[k];
    REQUIRE(got_array.dtype() == want_array.dtype());
    xsym::visit_element_type(want_array.dtype(), [&]<class Out>(Out) {
      const auto want = want_array.template to_vector<Out>();
      const auto got = got_array.template to_vector<Out>();
      std::size_t bad = 0, first = 0;
      for (std::size_t i = 0; i < n; ++i)
        if (!agrees(got[i], want[i], !std::is_floating_point_v<T> || exact_on_gpu(names[k])) && bad++ == 0) first = i;
      INFO(names[k] << " on " << xsym::dtype_name(xsym::dtype_of<T>) << ", " << n << " elements: " << bad
                    << " differ; the first is element " << first << " (a = " << (n ? double(va[first]) : 0)
                    << ", b = " << (n ? double(vb[first]) : 0) << "): got " << (bad ? double(got[first]) : 0)
                    << ", CPU " << (bad ? double(want[first]) : 0));
      CHECK(bad == 0);
    });
  }
}

/// A group of outputs that together use ops of every kind (arithmetic, comparisons, functions,
/// scalars on both sides, clip, casts) and shared subexpressions: one fused kernel.
template <class X, class Y>
auto mixed_graph(X x, Y y) {
  auto t = x * y;
  return xsym::group(t + x - y, xsym::maximum(t, y) / (y * y + 1), 3 - x % 5, xsym::clip(x, -2, 2.5),
                     (x > y) + (x == t) * 2, xsym::abs(x) * xsym::sign(y), xsym::exp(x / 4) * xsym::sin(y),
                     xsym::sqrt(xsym::abs(t)) + xsym::log1p(xsym::abs(y)), xsym::tanh(x) - xsym::erf(y / 3),
                     xsym::power(xsym::abs(x) + 1, y / 8), xsym::cast<double>(t) * 0.5,
                     xsym::cast<std::int32_t>(x * 2.75));
}
const std::vector<std::string> mixed_names{
    "elemwise_add", "elemwise_div", "_mod", "clip", "_equal", "elemwise_mul", "exp", "log1p", "tanh", "power",
    "Cast", "Cast"};

}  // namespace

TEST_CASE("the seed graph runs on gpu(0) as one fused kernel and gives 14", "[cuda][bind]") {
  auto A = xsym::ndarray::array<std::int32_t>({1}, {1}, xsym::gpu(0));
  auto B = xsym::ndarray::array<std::int32_t>({2}, {1}, xsym::gpu(0));
  auto C = xsym::ndarray::array<std::int32_t>({3}, {1}, xsym::gpu(0));
  auto D = xsym::ndarray::array<std::int32_t>({4}, {1}, xsym::gpu(0));
  auto ex = xsym::bind(a * b + c * d, xsym::gpu(0), {{"A", A}, {"B", B}, {"C", C}, {"D", D}});
  REQUIRE(ex.path() == "fused CUDA kernel on gpu(0) (int32)");
  REQUIRE(ex.context() == xsym::gpu(0));
  REQUIRE(ex.stream() != nullptr);
  ex.forward();
  REQUIRE(ex.outputs()[0].context() == xsym::gpu(0));
  REQUIRE(ex.outputs()[0].to_vector<std::int32_t>() == std::vector<std::int32_t>{14});
}

TEST_CASE("a graph of many kinds of ops on gpu(0) agrees with the CPU, for every dtype", "[cuda][ops]") {
  // Every op x dtype of the table runs on the GPU through the runtime's per-op kernels (the same
  // kernel template over one-node graphs): tests/cuda/symbol_gpu_test.cu. Here one fused kernel
  // computes a dozen outputs at once.
  for (std::size_t n : {std::size_t(1), std::size_t(1001), std::size_t(65537)}) {
    gpu_agrees_with_cpu<float>(mixed_graph(a, b), mixed_names, n);
    gpu_agrees_with_cpu<double>(mixed_graph(a, b), mixed_names, n);
    gpu_agrees_with_cpu<std::int32_t>(mixed_graph(a, b), mixed_names, n);
    gpu_agrees_with_cpu<std::int64_t>(mixed_graph(a, b), mixed_names, n);
    using i8 = std::int8_t;
    gpu_agrees_with_cpu<i8>(mixed_graph(xsym::variable<"A", i8>(), xsym::variable<"B", i8>()), mixed_names, n);
  }
}

TEST_CASE("W1 on gpu(0) equals the CPU bit for bit at odd and large sizes", "[cuda][bind]") {
  auto w1 = a * b + c * d;
  for (std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(2), std::size_t(2047), std::size_t(2049),
                        (std::size_t(1) << 20) + 3, std::size_t(3'000'007)}) {
    INFO(n << " elements");
    std::map<std::string, xsym::ndarray> cpu_args, gpu_args;
    const char* names[] = {"A", "B", "C", "D"};
    for (unsigned k = 0; k < 4; ++k) {
      auto v = values<float>(n, k);
      cpu_args.emplace(names[k], xsym::ndarray::array<float>(v, {std::int64_t(n)}));
      gpu_args.emplace(names[k], xsym::ndarray::array<float>(v, {std::int64_t(n)}, xsym::gpu(0)));
    }
    auto cpu = xsym::bind(w1, xsym::cpu(0), cpu_args);
    auto gpu = xsym::bind(w1, xsym::gpu(0), gpu_args);
    cpu.forward();
    gpu.forward();
    gpu.forward();  // again: the same outputs, no allocation
    REQUIRE(gpu.outputs()[0].to_vector<float>() == cpu.outputs()[0].to_vector<float>());
  }
}

TEST_CASE("the fused kernel over misaligned views: the vector kernel with a head, or the scalar one",
          "[cuda][kernel]") {
  namespace fused = xsym::cuda::fused;
  auto w1 = a * b + c * d;
  using G = decltype(w1);
  const std::size_t n = 100'003;
  xsym::cuda::stream s(0);
  for (auto offsets : std::vector<std::vector<unsigned>>{{0, 0, 0, 0, 0}, {1, 1, 1, 1, 1}, {3, 3, 3, 3, 3},
                                                         {0, 1, 2, 3, 0}, {0, 0, 0, 0, 1}}) {
    INFO("element offsets " << offsets[0] << " " << offsets[1] << " " << offsets[2] << " " << offsets[3] << " -> "
                            << offsets[4]);
    std::vector<std::vector<float>> in;
    std::vector<xsym::ndarray> buffers;
    const void* args[4];
    for (unsigned k = 0; k < 4; ++k) {
      in.push_back(values<float>(n, k));
      std::vector<float> padded(n + 8, 0.f);
      std::copy(in[k].begin(), in[k].end(), padded.begin() + offsets[k]);
      buffers.push_back(xsym::ndarray::array<float>(padded, {std::int64_t(n + 8)}, xsym::gpu(0)));
      args[k] = static_cast<const float*>(buffers.back().raw_data()) + offsets[k];
    }
    auto out = xsym::ndarray::full({std::int64_t(n + 8)}, -7.0, xsym::dtype::float32, xsym::gpu(0));
    void* outs[1] = {static_cast<float*>(out.raw_data()) + offsets[4]};
    s.wait_for(xsym::cuda::storage_stream(0));
    xsym::detail::instance<G, xsym::dtype::float32>::with_stages(
        w1, args, outs, [&](const auto&... stages) { fused::launch(s.get(), std::ptrdiff_t(n), stages...); });
    s.synchronize();
    const auto got = out.to_vector<float>();
    for (unsigned i = 0; i < offsets[4]; ++i) REQUIRE(got[i] == -7.f);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < n; ++i)
      bad += got[offsets[4] + i] != in[0][i] * in[1][i] + in[2][i] * in[3][i];
    REQUIRE(bad == 0);
    for (std::size_t i = offsets[4] + n; i < n + 8; ++i) REQUIRE(got[i] == -7.f);
  }
}

TEST_CASE("many executors on their own streams at once", "[cuda][streams]") {
  auto w1 = a * b + c * d;
  const std::size_t n = (std::size_t(1) << 18) + 1;
  std::vector<xsym::executor<decltype(w1)>> executors;
  std::vector<std::vector<float>> expected;
  for (unsigned e = 0; e < 8; ++e) {
    std::map<std::string, xsym::ndarray> args;
    std::vector<std::vector<float>> v;
    const char* names[] = {"A", "B", "C", "D"};
    for (unsigned k = 0; k < 4; ++k) {
      v.push_back(values<float>(n, 10 * e + k));
      args.emplace(names[k], xsym::ndarray::array<float>(v.back(), {std::int64_t(n)}, xsym::gpu(0)));
    }
    std::vector<float> want(n);
    for (std::size_t i = 0; i < n; ++i) want[i] = v[0][i] * v[1][i] + v[2][i] * v[3][i];
    expected.push_back(std::move(want));
    executors.push_back(xsym::bind(w1, xsym::gpu(0), args));
  }
  std::set<void*> streams;
  for (auto& ex : executors) streams.insert(ex.stream());
  REQUIRE(streams.size() == executors.size());  // each owns its stream
  for (int round = 0; round < 3; ++round)
    for (auto& ex : executors) ex.forward();
  for (std::size_t e = 0; e < executors.size(); ++e) REQUIRE(executors[e].outputs()[0].to_vector<float>() == expected[e]);
}

TEST_CASE("an executor runs on a stream the caller passes", "[cuda][streams]") {
  auto A = xsym::ndarray::array<float>({1, 2, 3}, {3}, xsym::gpu(0));
  auto ex = xsym::bind(a * 2.0f + xsym::exp(a * 0.0f), xsym::gpu(0), {{"A", A}});
  void* own = ex.stream();
  xsym::cuda::stream mine(0);
  ex.set_stream(mine.get());
  REQUIRE(ex.stream() == static_cast<void*>(mine.get()));
  ex.forward();
  xsym::cuda::wait_to_read(ex.outputs()[0]);
  REQUIRE(mine.ready());
  REQUIRE(ex.outputs()[0].to_vector<float>() == std::vector<float>{3, 5, 7});
  ex.set_stream(nullptr);
  REQUIRE(ex.stream() == own);
}

TEST_CASE("more than 2^30 elements run in several launches of 32-bit indices", "[cuda][large]") {
  using i8 = std::int8_t;
  auto x = xsym::variable<"A", i8>();
  auto y = xsym::variable<"B", i8>();
  const std::int64_t n = (std::int64_t(1) << 30) + 5;
  auto A = xsym::ndarray::full({n}, 3, xsym::dtype::int8, xsym::gpu(0));
  auto B = xsym::ndarray::full({n}, 5, xsym::dtype::int8, xsym::gpu(0));
  auto ex = xsym::bind(x * y - x, xsym::gpu(0), {{"A", A}, {"B", B}});
  ex.forward();
  const auto got = ex.outputs()[0].to_vector<i8>();
  REQUIRE(std::int64_t(got.size()) == n);
  REQUIRE(std::count(got.begin(), got.end(), i8(12)) == n);
}
