// A static graph bound to a GPU in a translation unit NOT compiled by nvcc (this file is plain
// C++): xsym::bind has no fused kernel here, so it runs the graph's Symbol through the runtime
// executor's per-op GPU kernels (exec/gpu_plug.hpp, registered by src/symbol/from_static.cpp), and its
// executor says so. Skipped (exit 77) without a GPU, with the rest of xsym_cuda_tests.
// The first graph is the same type as in tests/cuda/fused_kernel_test.cu (nvcc), which expects
// the fused kernel for it: one program binds it both ways, so these two tests also check that
// the two versions of bind (inline namespaces, exec/bind.hpp) never stand in for each other.
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>
#include <xsym/cuda/device.hpp>
#include <xsym/cuda/stream.hpp>
#include <xsym/xsym.hpp>

using Catch::Matchers::Contains;

TEST_CASE("a static graph bound to gpu(0) outside nvcc runs the per-op CUDA kernels", "[cuda][static]") {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto c = xsym::variable<"C">();
  auto d = xsym::variable<"D">();
  auto e = a * b + c * d;
  const auto gpu = xsym::gpu(0);
  auto A = xsym::ndarray::array<std::int32_t>({1, 2, 3}, {3}, gpu);
  auto B = xsym::ndarray::array<std::int32_t>({2, 3, 4}, {3}, gpu);
  auto C = xsym::ndarray::array<std::int32_t>({3, 4, 5}, {3}, gpu);
  auto D = xsym::ndarray::array<std::int32_t>({4, 5, 6}, {3}, gpu);
  auto ex = xsym::bind(e, gpu, {{"A", A}, {"B", B}, {"C", C}, {"D", D}});
  REQUIRE(ex.path() == "per-op CUDA kernels on gpu(0) (3 nodes, 2 intermediate buffers)");
  REQUIRE(ex.context() == gpu);
  REQUIRE(ex.stream() != nullptr);
  ex.forward();
  REQUIRE(ex.outputs()[0].context() == gpu);
  REQUIRE(ex.outputs()[0].to_vector<std::int32_t>() == std::vector<std::int32_t>{14, 26, 42});

  // again, after new inputs, on a stream of the caller's
  A.copy_from(std::vector<std::int32_t>{10, 20, 30});
  xsym::cuda::stream mine(0);
  void* own = ex.stream();
  ex.set_stream(mine.get());
  REQUIRE(ex.stream() == static_cast<void*>(mine.get()));
  ex.forward();
  mine.synchronize();
  REQUIRE(ex.outputs()[0].to_vector<std::int32_t>() == std::vector<std::int32_t>{32, 80, 150});
  ex.set_stream(nullptr);
  REQUIRE(ex.stream() == own);
  ex.forward();
  xsym::cuda::wait_to_read(ex.outputs()[0]);
  REQUIRE(ex.outputs()[0].to_vector<std::int32_t>() == std::vector<std::int32_t>{32, 80, 150});
}

TEST_CASE("typed and float static graphs outside nvcc agree with the CPU on gpu(0)", "[cuda][static]") {
  auto x = xsym::variable<"X", float>();
  auto y = xsym::variable<"Y", float>();
  auto g = xsym::maximum(x * y - 1.5f, x) + xsym::exp(x * 0.0f);  // exp(0) is 1 on both
  std::vector<float> xv(1001), yv(1001);
  for (std::size_t i = 0; i < xv.size(); ++i) {
    xv[i] = float(i % 17) - 8.0f;
    yv[i] = 0.25f * float(i % 5);
  }
  auto X = xsym::ndarray::array<float>(xv, {1001});
  auto Y = xsym::ndarray::array<float>(yv, {1001});
  auto cpu = xsym::bind(g, xsym::cpu(0), {{"X", X}, {"Y", Y}});
  auto gex = xsym::bind(g, xsym::gpu(0), {{"X", X.copyto(xsym::gpu(0))}, {"Y", Y.copyto(xsym::gpu(0))}});
  REQUIRE_THAT(gex.path(), Contains("per-op CUDA kernels on gpu(0)"));
  cpu.forward();
  gex.forward();
  REQUIRE(gex.outputs()[0].dtype() == cpu.outputs()[0].dtype());
  REQUIRE(gex.outputs()[0].to_vector<float>() == cpu.outputs()[0].to_vector<float>());
}
