// Device arrays on a GPU: ndarray storage on gpu(i) through xsym::cuda (the pool, the storage
// stream, host copies), streams, and the errors. The whole binary is skipped (exit 77) without a
// usable GPU (tests/cuda_skip.cu); tests/nvcc/cuda_errors_test.cu covers the no-GPU behaviour.
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <xsym/xsym.hpp>
#include <xsym/cuda.cuh>

using Catch::Matchers::Contains;

namespace {

template <class T>
std::vector<T> iota_values(std::size_t n) {
  std::vector<T> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = T(i % 101) - T(i % 7);  // mixed signs where T has them
  return v;
}

}  // namespace

TEST_CASE("array on gpu(0) holds the values, to_vector reads them back", "[cuda][ndarray]") {
  const std::vector<float> data{1.5f, -2.0f, 3.25f, 4.0f, 0.0f, -0.5f};
  auto A = xsym::ndarray::array<float>(data, {2, 3}, xsym::gpu(0));
  REQUIRE(A.context() == xsym::gpu(0));
  REQUIRE(A.shape() == xsym::shape{2, 3});
  REQUIRE(A.dtype() == xsym::dtype::float32);
  REQUIRE(A.raw_data() != nullptr);
  REQUIRE(A.to_vector() == data);
  REQUIRE(A.to_vector<float>() == data);
  // host access to device memory is refused, not attempted
  REQUIRE_THROWS_WITH(A.data(), Contains("the array is on gpu(0)"));

  // a large array, odd size
  const std::size_t n = (std::size_t(1) << 22) + 7;
  auto big = iota_values<float>(n);
  auto B = xsym::ndarray::array<float>(big, {std::int64_t(n)}, xsym::gpu(0));
  REQUIRE(B.to_vector() == big);

  // overwrite in place
  std::vector<float> other(data.rbegin(), data.rend());
  A.copy_from(other);
  REQUIRE(A.to_vector() == other);
}

TEMPLATE_TEST_CASE("zeros, ones, full and array on the GPU, for every element type", "[cuda][ndarray]", float,
                   double, std::uint8_t, std::int8_t, std::int32_t, std::int64_t) {
  using T = TestType;
  const auto gpu = xsym::gpu(0);
  const xsym::shape s{3, 5, 7};
  const std::size_t n = s.size();

  auto z = xsym::ndarray::zeros<T>(s, gpu);
  REQUIRE(z.context() == gpu);
  REQUIRE(z.dtype() == xsym::dtype_of<T>);
  REQUIRE(z.to_vector() == std::vector<T>(n, T(0)));

  auto o = xsym::ndarray::ones<T>(s, gpu);
  REQUIRE(o.to_vector() == std::vector<T>(n, T(1)));

  auto f = xsym::ndarray::full<T>(s, T(42), gpu);
  REQUIRE(f.to_vector() == std::vector<T>(n, T(42)));

  // the dtype-valued forms
  auto z2 = xsym::ndarray::zeros(s, xsym::dtype_of<T>, gpu);
  REQUIRE(z2.context() == gpu);
  REQUIRE(z2.template to_vector<T>() == std::vector<T>(n, T(0)));
  auto o2 = xsym::ndarray::ones(s, xsym::dtype_of<T>, gpu);
  REQUIRE(o2.template to_vector<T>() == std::vector<T>(n, T(1)));
  auto f2 = xsym::ndarray::full(s, 7.0, xsym::dtype_of<T>, gpu);
  REQUIRE(f2.template to_vector<T>() == std::vector<T>(n, T(7)));

  auto values = iota_values<T>(n);
  auto a = xsym::ndarray::array<T>(values, s, gpu);
  REQUIRE(a.to_vector() == values);
  REQUIRE(a.copyto(xsym::cpu()).template to_vector<T>() == values);
}

TEST_CASE("float16 arrays can be made and copied on the GPU", "[cuda][ndarray]") {
  auto z = xsym::ndarray::zeros({5}, xsym::dtype::float16, xsym::gpu(0));
  REQUIRE(z.nbytes() == 10);
  auto back = z.copyto(xsym::cpu());
  REQUIRE(back.dtype() == xsym::dtype::float16);
  REQUIRE(back.context() == xsym::cpu());
}

TEST_CASE("copyto and as_in_context move arrays between cpu and gpu", "[cuda][ndarray]") {
  const auto values = iota_values<std::int32_t>(1000);
  auto host = xsym::ndarray::array<std::int32_t>(values, {10, 100});

  auto dev = host.copyto(xsym::gpu(0));
  REQUIRE(dev.context() == xsym::gpu(0));
  REQUIRE(dev.shape() == host.shape());
  REQUIRE(dev.dtype() == xsym::dtype::int32);
  REQUIRE_FALSE(dev.same_storage(host));
  REQUIRE(dev.to_vector<std::int32_t>() == values);

  auto round = dev.copyto(xsym::cpu(0));
  REQUIRE(round.context() == xsym::cpu(0));
  REQUIRE(round.to_vector<std::int32_t>() == values);

  // gpu -> gpu: a deep copy, independent of the source
  auto dev2 = dev.copy();
  REQUIRE(dev2.context() == xsym::gpu(0));
  REQUIRE_FALSE(dev2.same_storage(dev));
  dev.copy_from(std::vector<std::int32_t>(1000, -1));
  REQUIRE(dev2.to_vector<std::int32_t>() == values);
  REQUIRE(dev.to_vector<std::int32_t>() == std::vector<std::int32_t>(1000, -1));
  auto dev3 = dev2.copyto(xsym::gpu(0));
  REQUIRE(dev3.to_vector<std::int32_t>() == values);

  // as_in_context: the same handle where it already is, a copy elsewhere
  REQUIRE(dev2.as_in_context(xsym::gpu(0)).same_storage(dev2));
  auto h = dev2.as_in_context(xsym::cpu());
  REQUIRE(h.context() == xsym::cpu());
  REQUIRE(h.to_vector<std::int32_t>() == values);
  auto d = host.as_in_context(xsym::gpu(0));
  REQUIRE(d.context() == xsym::gpu(0));
  REQUIRE(d.to_vector<std::int32_t>() == values);
  REQUIRE(host.as_in_context(xsym::cpu()).same_storage(host));

  // typed copies stay typed
  auto t = xsym::ndarray::array<double>({1.0, 2.0}, {2}, xsym::gpu(0));
  xsym::typed_ndarray<double> tc = t.copy();
  REQUIRE(tc.context() == xsym::gpu(0));
  REQUIRE(tc.to_vector() == std::vector<double>{1.0, 2.0});
}

TEST_CASE("an array of size 0 on the GPU", "[cuda][ndarray]") {
  auto e = xsym::ndarray::zeros<float>({0}, xsym::gpu(0));
  REQUIRE(e.context() == xsym::gpu(0));
  REQUIRE(e.size() == 0);
  REQUIRE(e.nbytes() == 0);
  REQUIRE(e.to_vector().empty());
  auto e2 = xsym::ndarray::array<float>(std::vector<float>{}, {3, 0}, xsym::gpu(0));
  REQUIRE(e2.to_vector().empty());
  REQUIRE(e2.copyto(xsym::cpu()).size() == 0);
  REQUIRE(e2.copy().size() == 0);
  REQUIRE(xsym::ndarray::ones({0, 4}, xsym::dtype::int64, xsym::gpu(0)).size() == 0);
  REQUIRE(xsym::ndarray::array<float>(std::vector<float>{}, {0}).copyto(xsym::gpu(0)).size() == 0);
  xsym::cuda::wait_to_read(e);
}

TEST_CASE("many arrays allocated and released reuse the pool", "[cuda][ndarray]") {
  // warm up, then measure: the pool keeps released blocks for reuse, so what it reserves stays
  // bounded by what is alive at once, not by what was ever allocated
  { auto warm = xsym::ndarray::zeros<float>({1 << 20}, xsym::gpu(0)); }
  xsym::cuda::synchronize(0);
  const auto before = xsym::cuda::memory(0);

  std::vector<xsym::ndarray> keep;
  for (int i = 0; i < 5000; ++i) {
    const std::int64_t n = 1 + (std::int64_t(i) * 7919) % (1 << 16);
    auto a = xsym::ndarray::full<std::int32_t>({n}, std::int32_t(i), xsym::gpu(0));
    if (i % 500 == 0) {
      REQUIRE(a.to_vector() == std::vector<std::int32_t>(std::size_t(n), i));
      keep.push_back(a);
    }
  }  // 4990 released here, one by one
  REQUIRE(keep.size() == 10);
  for (std::size_t k = 0; k < keep.size(); ++k)
    REQUIRE(keep[k].to_vector<std::int32_t>().front() == std::int32_t(k * 500));
  keep.clear();
  xsym::cuda::synchronize(0);

  const auto after = xsym::cuda::memory(0);
  INFO("pool before: used " << before.used << " reserved " << before.reserved << "; after: used " << after.used
                            << " reserved " << after.reserved);
  REQUIRE(after.used == before.used);                          // everything given back
  REQUIRE(after.reserved <= before.reserved + (64u << 20));    // 5000 x up to 256 KiB did not pile up
  xsym::cuda::trim(0);
  REQUIRE(xsym::cuda::memory(0).reserved <= after.reserved);
}

TEST_CASE("arrays made and read from several threads at once", "[cuda][ndarray]") {
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t, &ok] {
      int good = 0;
      for (int i = 0; i < 200; ++i) {
        const std::int64_t n = 1 + (t * 1000 + i) % 4097;
        auto a = xsym::ndarray::full<double>({n}, double(t * 1000 + i), xsym::gpu(0));
        auto b = a.copy();
        good += b.to_vector() == std::vector<double>(std::size_t(n), double(t * 1000 + i));
      }
      ok[std::size_t(t)] = good;
    });
  for (auto& th : threads) th.join();
  REQUIRE(ok == std::vector<int>(4, 200));
}

TEST_CASE("gpu(99) and failed allocations are clear errors", "[cuda][ndarray][errors]") {
  const int n = xsym::cuda::device_count();
  REQUIRE(n >= 1);
  REQUIRE(xsym::cuda::available());
  const std::string expected =
      "xsym: gpu(99) requested, but there are " + std::to_string(n) + " CUDA devices (for ndarray allocation)";
  REQUIRE_THROWS_MATCHES(xsym::ndarray::zeros({4}, xsym::dtype::float32, xsym::gpu(99)), xsym::error,
                         Catch::Matchers::Message(expected));
  REQUIRE_THROWS_MATCHES(xsym::ndarray::array<float>({1, 2}, {2}, xsym::gpu(99)), xsym::error,
                         Catch::Matchers::Message(expected));
  auto host = xsym::ndarray::array<float>({1, 2}, {2});
  REQUIRE_THROWS_MATCHES(host.copyto(xsym::gpu(99)), xsym::error, Catch::Matchers::Message(expected));
  REQUIRE_THROWS_WITH(xsym::ndarray::zeros({4}, xsym::dtype::float32, xsym::gpu(-1)),
                      Contains("gpu(-1) requested, but there are"));
  REQUIRE_THROWS_WITH(xsym::cuda::stream(99), Contains("gpu(99) requested") && Contains("xsym::cuda::stream"));

  // a CUDA call that fails: 1 PiB cannot be allocated. The message names the operation and the error.
  REQUIRE_THROWS_MATCHES(xsym::ndarray::zeros<float>({std::int64_t(1) << 48}, xsym::gpu(0)), xsym::error,
                         Catch::Matchers::Message("xsym::ndarray allocation of 1125899906842624 bytes on gpu(0): "
                                                  "cudaErrorMemoryAllocation: out of memory"));
  // ... and the device keeps working afterwards
  REQUIRE(xsym::ndarray::ones<float>({3}, xsym::gpu(0)).to_vector() == std::vector<float>(3, 1.0f));
}

TEST_CASE("xsym::cuda::stream owns a non-blocking stream and orders against array storage", "[cuda][stream]") {
  xsym::cuda::stream s(0);
  REQUIRE(s.get() != nullptr);
  REQUIRE(s.device() == 0);
  REQUIRE(s.context() == xsym::gpu(0));
  unsigned flags = 0;
  REQUIRE(cudaStreamGetFlags(s.get(), &flags) == cudaSuccess);
  REQUIRE(flags == cudaStreamNonBlocking);
  REQUIRE(cudaStreamGetFlags(xsym::cuda::storage_stream(0), &flags) == cudaSuccess);
  REQUIRE(flags == cudaStreamNonBlocking);
  REQUIRE(s.get() != xsym::cuda::storage_stream(0));

  // what an executor does: wait for storage, work on its own stream, make storage wait for it
  auto a = xsym::ndarray::zeros<std::uint8_t>({1 << 20}, xsym::gpu(0));
  s.wait_for(xsym::cuda::storage_stream(0));
  REQUIRE(cudaMemsetAsync(a.raw_data(), 0x5a, a.nbytes(), s.get()) == cudaSuccess);
  xsym::cuda::stream_wait(xsym::cuda::storage_stream(0), s.get(), 0);
  xsym::cuda::wait_to_read(a);
  REQUIRE(s.ready());
  REQUIRE(a.to_vector() == std::vector<std::uint8_t>(1 << 20, 0x5a));
  s.synchronize();

  // moves transfer ownership; a moved-from stream refuses work instead of using the legacy stream
  xsym::cuda::stream t = std::move(s);
  REQUIRE(t.get() != nullptr);
  REQUIRE(s.get() == nullptr);
  REQUIRE_THROWS_WITH(s.synchronize(), Contains("moved from"));
  xsym::cuda::stream u(xsym::gpu(0));
  u = std::move(t);
  REQUIRE(u.get() != nullptr);
  u.synchronize();

  // the device guard restores the current device
  int before = -1;
  REQUIRE(cudaGetDevice(&before) == cudaSuccess);
  {
    xsym::cuda::device_guard g(xsym::cuda::device_count() - 1, "test");
    int now = -1;
    REQUIRE(cudaGetDevice(&now) == cudaSuccess);
    REQUIRE(now == xsym::cuda::device_count() - 1);
  }
  int after = -1;
  REQUIRE(cudaGetDevice(&after) == cudaSuccess);
  REQUIRE(after == before);
}

TEST_CASE("every GPU present holds arrays", "[cuda][ndarray]") {
  for (int d = 0; d < xsym::cuda::device_count(); ++d) {
    auto a = xsym::ndarray::array<std::int64_t>({1, 2, 3}, {3}, xsym::gpu(d));
    REQUIRE(a.context() == xsym::gpu(d));
    REQUIRE(a.to_vector() == std::vector<std::int64_t>{1, 2, 3});
    auto b = a.copyto(xsym::gpu((d + 1) % xsym::cuda::device_count()));
    REQUIRE(b.to_vector<std::int64_t>() == std::vector<std::int64_t>{1, 2, 3});
  }
}
