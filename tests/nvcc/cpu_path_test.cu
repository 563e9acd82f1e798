// xsym's headers in a translation unit compiled by nvcc (TOOLCHAIN.md pitfalls 1-4): static
// graphs build, introspect and run on the CPU path. GPU runs are in tests/cuda.
// nvcc's front end cannot copy a non-constexpr graph object in a constant expression, so the
// static_asserts here use constexpr graphs (g++ and clang accept the non-constexpr form too).
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <xsym/xsym.hpp>

namespace {
constexpr auto a = xsym::variable<"A">();
constexpr auto b = xsym::variable<"B">();
constexpr auto c = xsym::variable<"C">();
constexpr auto d = xsym::variable<"D">();
}  // namespace

TEST_CASE("the seed graph introspects at compile time", "[nvcc]") {
  constexpr auto e = (a * b) + (c * d);
  static_assert(xsym::list_arguments(e)[2] == "C");
  static_assert(xsym::list_outputs(e)[0] == "_plus0_output");
  auto internals = xsym::list_outputs(xsym::get_internals(e));
  REQUIRE(std::vector<std::string>(internals.begin(), internals.end()) ==
          std::vector<std::string>{"A", "B", "_mul0_output", "C", "D", "_mul1_output", "_plus0_output"});
}

TEST_CASE("the seed graph runs on the CPU and gives 14", "[nvcc]") {
  auto e = (a * b) + (c * d);
  auto A = xsym::ndarray::array<std::int32_t>({1}, {1});
  auto B = xsym::ndarray::array<std::int32_t>({2}, {1});
  auto C = xsym::ndarray::array<std::int32_t>({3}, {1});
  auto D = xsym::ndarray::array<std::int32_t>({4}, {1});
  auto ex = xsym::bind(e, xsym::cpu(0), {{"A", A}, {"B", B}, {"C", C}, {"D", D}});
  ex.forward();
  REQUIRE(ex.outputs()[0].to_vector<std::int32_t>() == std::vector<std::int32_t>{14});
}

TEST_CASE("scalars, unary ops, casts and threads agree with a plain loop", "[nvcc]") {
  const std::int64_t n = 100003;  // above the threading threshold, odd
  std::vector<float> x(n), y(n);
  for (std::int64_t i = 0; i < n; ++i) x[i] = float(i % 97) / 7.f - 3.f, y[i] = float(i % 13) + 0.5f;
  auto X = xsym::ndarray::array<float>(x, {n});
  auto Y = xsym::ndarray::array<float>(y, {n});
  auto g = xsym::group(xsym::maximum(2 - a * b, 0.5) / xsym::exp(b), xsym::cast<double>(xsym::relu(a)));
  auto ex = xsym::bind(g, a = X, b = Y);
  ex.forward();
  auto out0 = ex.outputs()[0].to_vector<float>();
  auto out1 = ex.outputs()[1].to_vector<double>();
  for (std::int64_t i = 0; i < n; ++i) {
    float m = 2.f - x[i] * y[i];
    float expect0 = (m > 0.5f ? m : 0.5f) / std::exp(y[i]);
    REQUIRE(out0[i] == Approx(expect0).epsilon(1e-6));
    REQUIRE(out1[i] == double(x[i] > 0 ? x[i] : 0.f));
  }
}

// xsym_nvcc_tests links xsym::cuda, so this unit binds static graphs to a GPU with their own
// fused kernel (exec/bind.hpp: bind lives in the inline namespace with_cuda_kernels here, and in
// without_cuda_kernels in units compiled without nvcc).
static_assert(XSYM_FUSED_CUDA == 1, "an nvcc unit that links xsym::cuda binds GPU graphs to fused kernels");

TEST_CASE("binding to a GPU checks that every argument is on that GPU", "[nvcc]") {
  auto A = xsym::ndarray::array<float>({1}, {1});
  REQUIRE_THROWS_WITH(xsym::bind(a * 2, xsym::gpu(0), {{"A", A}}),
                      Catch::Contains("argument 'A' is on cpu(0), but the graph is bound to gpu(0)"));
  auto ex = xsym::bind(a * 2, xsym::cpu(0), {{"A", A}});
  REQUIRE(ex.stream() == nullptr);
  REQUIRE_THROWS_WITH(ex.set_stream(nullptr), Catch::Contains("runs on cpu(0), which has no streams"));
}
