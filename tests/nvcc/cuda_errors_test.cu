// The CUDA layer's behaviour that needs no GPU (tests/nvcc runs everywhere): how "no GPU" is
// reported, the checked-call helper, and that including <xsym/cuda.cuh> registers the backend.
// On a machine with a GPU the same tests check that the GPU works instead (tests/cuda has the rest).
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <xsym/xsym.hpp>
#include <xsym/cuda.cuh>

using Catch::Matchers::Contains;
using Catch::Matchers::Equals;

TEST_CASE("including cuda.cuh registers the CUDA backend of ndarray", "[nvcc][cuda]") {
  REQUIRE(xsym::detail::cuda_backend_registered);
  const xsym::device_backend* b = xsym::detail::gpu_backend();
  REQUIRE(b != nullptr);
  REQUIRE(b->allocate != nullptr);
  REQUIRE(b->release != nullptr);
  REQUIRE(b->copy_to_host != nullptr);
  REQUIRE(b->copy_from_host != nullptr);
  REQUIRE(xsym::cuda::register_backend());  // idempotent
  REQUIRE(xsym::detail::gpu_backend() == b);
}

TEST_CASE("device_count and available agree", "[nvcc][cuda]") {
  REQUIRE(xsym::cuda::device_count() >= 0);
  REQUIRE(xsym::cuda::available() == (xsym::cuda::device_count() > 0));
  REQUIRE(xsym::cuda::unavailable_reason().empty() == xsym::cuda::available());
  REQUIRE(xsym::cuda::device_count() == xsym::cuda::device_count());  // cached, stable
}

TEST_CASE("a GPU array without a GPU is a clear error, with one it works", "[nvcc][cuda]") {
  if (!xsym::cuda::available()) {
    const std::string reason = xsym::cuda::unavailable_reason();
    INFO("no GPU here: " << reason);
    REQUIRE_FALSE(reason.empty());
    REQUIRE_THROWS_MATCHES(xsym::ndarray::zeros({4}, xsym::dtype::float32, xsym::gpu(0)), xsym::error,
                           Catch::Matchers::Message("xsym: no CUDA device: " + reason +
                                                    " (gpu(0) requested for ndarray allocation)"));
    REQUIRE_THROWS_MATCHES(xsym::ndarray::array<float>({1, 2, 3}, {3}, xsym::gpu(1)), xsym::error,
                           Catch::Matchers::Message("xsym: no CUDA device: " + reason +
                                                    " (gpu(1) requested for ndarray allocation)"));
    // an empty array needs a device too, and copying a CPU array there fails the same way
    REQUIRE_THROWS_WITH(xsym::ndarray::zeros<std::int32_t>({0}, xsym::gpu(0)), Contains("no CUDA device"));
    auto x = xsym::ndarray::array<double>({1.5, 2.5}, {2});
    REQUIRE_THROWS_WITH(x.copyto(xsym::gpu(0)), Contains("xsym: no CUDA device"));
    REQUIRE_THROWS_WITH(x.as_in_context(xsym::gpu(0)), Contains("xsym: no CUDA device"));
    REQUIRE_THROWS_WITH(xsym::cuda::stream(0), Contains("xsym: no CUDA device") && Contains("xsym::cuda::stream"));
    REQUIRE_THROWS_WITH(xsym::cuda::storage_stream(0), Contains("xsym: no CUDA device"));
    REQUIRE_THROWS_WITH(xsym::cuda::synchronize(0), Contains("xsym: no CUDA device"));
    // the CPU keeps working after the failures
    REQUIRE(x.to_vector<double>() == std::vector<double>{1.5, 2.5});
    xsym::cuda::wait_to_read(x);  // a CPU array: nothing to wait for
  } else {
    auto z = xsym::ndarray::zeros({4}, xsym::dtype::float32, xsym::gpu(0));
    REQUIRE(z.context() == xsym::gpu(0));
    REQUIRE(z.to_vector<float>() == std::vector<float>(4, 0.0f));
    const int n = xsym::cuda::device_count();
    REQUIRE_THROWS_MATCHES(xsym::ndarray::zeros({4}, xsym::dtype::float32, xsym::gpu(n)), xsym::error,
                           Catch::Matchers::Message("xsym: gpu(" + std::to_string(n) + ") requested, but there are " +
                                                    std::to_string(n) +
                                                    " CUDA devices (for ndarray allocation)"));
  }
}

TEST_CASE("the checked-call helper names the xsym operation and the CUDA error", "[nvcc][cuda]") {
  REQUIRE_NOTHROW(xsym::cuda::check(cudaSuccess, "anything"));
  REQUIRE_THROWS_MATCHES(
      xsym::cuda::check(cudaErrorIllegalAddress, "xsym::ndarray copy to host from gpu(0)"), xsym::error,
      Catch::Matchers::Message("xsym::ndarray copy to host from gpu(0): cudaErrorIllegalAddress: "
                               "an illegal memory access was encountered"));
  REQUIRE_THROWS_WITH(xsym::cuda::check(cudaErrorMemoryAllocation, "xsym::ndarray allocation of 8 bytes on gpu(0)"),
                      Equals("xsym::ndarray allocation of 8 bytes on gpu(0): cudaErrorMemoryAllocation: out of memory"));

  int evaluated = 0;
  auto operation = [&] {
    ++evaluated;
    return std::string("xsym::test operation");
  };
  XSYM_CUDA_CHECK(cudaSuccess, operation());
  REQUIRE(evaluated == 0);  // the message is built only on failure
  REQUIRE_THROWS_WITH([&] { XSYM_CUDA_CHECK(cudaErrorInvalidValue, operation()); }(),
                      Equals("xsym::test operation: cudaErrorInvalidValue: invalid argument"));
  REQUIRE(evaluated == 1);
}

TEST_CASE("xsym::cuda::stream rejects a CPU context", "[nvcc][cuda]") {
  REQUIRE_THROWS_MATCHES(xsym::cuda::stream(xsym::cpu(0)), xsym::error,
                         Catch::Matchers::Message("xsym::cuda::stream: cpu(0) is not a GPU context"));
}
