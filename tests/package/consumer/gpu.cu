// Uses xsym's CUDA layer as an installed package would be used: find_package(xsym COMPONENTS
// cuda) and xsym::cuda, in a .cu file. Binding W1 to gpu(0) here instantiates its fused kernel
// (xsym::cuda defines XSYM_WITH_CUDA); without a GPU the program says so and succeeds.
#include <cstdint>
#include <iostream>

#include <xsym/xsym.hpp>
#include <xsym/cuda.cuh>

static_assert(XSYM_FUSED_CUDA == 1, "xsym::cuda must switch bind to the fused kernel in an nvcc unit");

int main() {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto c = xsym::variable<"C">();
  auto d = xsym::variable<"D">();
  if (!xsym::cuda::available()) {
    std::cout << "consumer_cuda: no GPU (" << xsym::cuda::unavailable_reason() << ")\n";
    return 0;
  }
  auto on_gpu = [](std::int32_t v) { return xsym::ndarray::array<std::int32_t>({v}, {1}, xsym::gpu(0)); };
  auto ex = xsym::bind(a * b + c * d, xsym::gpu(0), {{"A", on_gpu(1)}, {"B", on_gpu(2)}, {"C", on_gpu(3)}, {"D", on_gpu(4)}});
  ex.forward();
  const auto result = ex.outputs()[0].to_vector<std::int32_t>()[0];
  std::cout << "consumer_cuda: " << result << ", " << ex.path() << '\n';
  return result == 14 && ex.path().find("fused CUDA kernel") != std::string::npos ? 0 : 1;
}
