// ndarray: construction, element types, shared storage and deep copies, and its errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <xsym/ndarray/ndarray.hpp>

using Catch::Contains;
using xsym::ndarray;

TEMPLATE_TEST_CASE("ndarray: array<T> round-trips through to_vector", "[ndarray]", float, double, std::uint8_t,
                   std::int8_t, std::int32_t, std::int64_t) {
  const std::vector<TestType> data{TestType(1), TestType(2), TestType(3), TestType(4), TestType(5), TestType(6)};
  auto a = ndarray::array<TestType>(data, {2, 3});
  CHECK(a.to_vector() == data);
  const ndarray& untyped = a;  // the typed handle hides ndarray's to_vector<T>
  CHECK(untyped.to_vector<TestType>() == data);
  CHECK(a.shape() == xsym::shape{2, 3});
  CHECK(a.dtype() == xsym::dtype_of<TestType>);
  CHECK(a.context() == xsym::cpu());
  CHECK(a.size() == 6);
  CHECK(a.ndim() == 2);
  CHECK(a.nbytes() == 6 * sizeof(TestType));
  CHECK(a.has_storage());

  // the other spellings: an initializer list, a 1-d vector
  CHECK(ndarray::array<TestType>({TestType(7), TestType(8)}, {2}).to_vector() == std::vector<TestType>{7, 8});
  auto v = ndarray::array<TestType>(data);
  CHECK(v.shape() == xsym::shape{6});
  CHECK(v.to_vector() == data);
}

TEST_CASE("ndarray: extreme values survive the round trip", "[ndarray]") {
  const std::vector<double> d{std::numeric_limits<double>::lowest(), -0.0, std::numeric_limits<double>::denorm_min(),
                              std::numeric_limits<double>::infinity()};
  CHECK(ndarray::array<double>(d, {4}).to_vector() == d);
  const std::vector<std::int64_t> i{std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()};
  CHECK(ndarray::array<std::int64_t>(i, {2}).to_vector() == i);
  auto n = ndarray::array<float>({std::numeric_limits<float>::quiet_NaN()}, {1}).to_vector();
  CHECK(std::isnan(n[0]));
}

TEST_CASE("ndarray: zeros, ones, full", "[ndarray]") {
  SECTION("untyped forms default to float32") {
    auto z = ndarray::zeros({2, 3});
    CHECK(z.dtype() == xsym::dtype::float32);
    CHECK(z.to_vector<float>() == std::vector<float>(6, 0.0f));
    auto o = ndarray::ones({4}, xsym::dtype::int64);
    CHECK(o.dtype() == xsym::dtype::int64);
    CHECK(o.to_vector<std::int64_t>() == std::vector<std::int64_t>(4, 1));
    CHECK(ndarray::full({3}, 2.5, xsym::dtype::float64).to_vector<double>() == std::vector<double>(3, 2.5));
    CHECK(ndarray::zeros({2}, xsym::dtype::uint8).to_vector<std::uint8_t>() == std::vector<std::uint8_t>{0, 0});
  }
  SECTION("typed forms") {
    auto z = ndarray::zeros<std::int32_t>({2, 2});
    CHECK(z.to_vector() == std::vector<std::int32_t>(4, 0));
    CHECK(ndarray::ones<double>({3}).to_vector() == std::vector<double>(3, 1.0));
    CHECK(ndarray::full<std::int8_t>({2}, std::int8_t(-7)).to_vector() == std::vector<std::int8_t>{-7, -7});
    CHECK(ndarray::full<float>({2}, 0.25f).to_vector() == std::vector<float>{0.25f, 0.25f});
  }
  SECTION("the fill value converts as a cast does: truncation, saturation, NaN to 0") {
    CHECK(ndarray::full({2}, 2.7, xsym::dtype::int32).to_vector<std::int32_t>() == std::vector<std::int32_t>{2, 2});
    CHECK(ndarray::full({1}, -2.7, xsym::dtype::int32).to_vector<std::int32_t>() == std::vector<std::int32_t>{-2});
    CHECK(ndarray::full({1}, 300.0, xsym::dtype::uint8).to_vector<std::uint8_t>()[0] == 255);
    CHECK(ndarray::full({1}, -5.0, xsym::dtype::uint8).to_vector<std::uint8_t>()[0] == 0);
    CHECK(ndarray::full({1}, 1000.0, xsym::dtype::int8).to_vector<std::int8_t>()[0] == 127);
    CHECK(ndarray::full({1}, -1000.0, xsym::dtype::int8).to_vector<std::int8_t>()[0] == -128);
    CHECK(ndarray::full({1}, 1e20, xsym::dtype::int32).to_vector<std::int32_t>()[0] ==
          std::numeric_limits<std::int32_t>::max());
    CHECK(ndarray::full({1}, -1e30, xsym::dtype::int64).to_vector<std::int64_t>()[0] ==
          std::numeric_limits<std::int64_t>::min());
    CHECK(ndarray::full({1}, 1e30, xsym::dtype::int64).to_vector<std::int64_t>()[0] ==
          std::numeric_limits<std::int64_t>::max());
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK(ndarray::full({2}, nan, xsym::dtype::int32).to_vector<std::int32_t>() == std::vector<std::int32_t>{0, 0});
    CHECK(ndarray::full({1}, nan, xsym::dtype::uint8).to_vector<std::uint8_t>()[0] == 0);
    CHECK(std::isnan(ndarray::full({1}, nan, xsym::dtype::float32).to_vector<float>()[0]));
    // float32 rounds the double value
    CHECK(ndarray::full({1}, 0.1).to_vector<float>()[0] == 0.1f);
  }
  SECTION("float16 can be stored but not filled") {
    auto h = ndarray::zeros({2, 2}, xsym::dtype::float16);
    CHECK(h.nbytes() == 8);
    REQUIRE_THROWS_AS(ndarray::ones({2}, xsym::dtype::float16), xsym::error);
    REQUIRE_THROWS_WITH(ndarray::full({2}, 1.0, xsym::dtype::float16), Contains("float16"));
  }
}

TEST_CASE("ndarray: handles share storage, copy() is deep", "[ndarray]") {
  ndarray a = ndarray::array<float>({1, 2, 3, 4}, {2, 2});
  ndarray shared = a;
  CHECK(shared.same_storage(a));
  CHECK(shared.raw_data() == a.raw_data());
  a.data<float>()[0] = 10;
  CHECK(shared.to_vector<float>()[0] == 10);

  SECTION("copy() through data<T>()") {
    ndarray c = a.copy();
    CHECK_FALSE(c.same_storage(a));
    CHECK(c.shape() == a.shape());
    CHECK(c.dtype() == a.dtype());
    CHECK(c.to_vector<float>() == a.to_vector<float>());
    c.data<float>()[1] = -1;
    CHECK(a.to_vector<float>() == std::vector<float>{10, 2, 3, 4});
    CHECK(c.to_vector<float>() == std::vector<float>{10, -1, 3, 4});
  }
  SECTION("copy() through copy_from") {
    ndarray c = a.copy();
    a.copy_from(std::vector<float>{5, 6, 7, 8});
    CHECK(shared.to_vector<float>() == std::vector<float>{5, 6, 7, 8});
    CHECK(c.to_vector<float>() == std::vector<float>{10, 2, 3, 4});
  }
  SECTION("typed copy() stays typed and deep") {
    auto t = ndarray::array<std::int32_t>({1, 2}, {2});
    xsym::typed_ndarray<std::int32_t> u = t.copy();
    u.data()[0] = 9;
    CHECK(t.to_vector() == std::vector<std::int32_t>{1, 2});
    CHECK(u.to_vector() == std::vector<std::int32_t>{9, 2});
  }
  SECTION("copyto(cpu()) is deep") {
    ndarray c = a.copyto(xsym::cpu());
    CHECK_FALSE(c.same_storage(a));
    CHECK(c.context() == xsym::cpu());
    c.data<float>()[0] = 0;
    CHECK(a.to_vector<float>()[0] == 10);
  }
  SECTION("as_in_context: the same storage on the same context, a copy elsewhere") {
    CHECK(a.as_in_context(xsym::cpu()).same_storage(a));
    ndarray other = a.as_in_context(xsym::cpu(1));
    CHECK_FALSE(other.same_storage(a));
    CHECK(other.context() == xsym::cpu(1));
    CHECK(other.to_vector<float>() == a.to_vector<float>());
  }
}

TEST_CASE("ndarray: typed_ndarray views an ndarray of its dtype", "[ndarray]") {
  ndarray a = ndarray::array<double>({1.5, 2.5}, {2});
  xsym::typed_ndarray<double> t(a);
  CHECK(t.same_storage(a));
  CHECK(t.to_vector() == std::vector<double>{1.5, 2.5});
  REQUIRE_THROWS_AS(xsym::typed_ndarray<float>(a), xsym::error);
  REQUIRE_THROWS_WITH(xsym::typed_ndarray<float>(a), Contains("typed_ndarray<float32>") && Contains("float64"));
  // a default typed_ndarray is an empty 1-d array
  xsym::typed_ndarray<std::int64_t> e;
  CHECK(e.shape() == xsym::shape{0});
  CHECK(e.dtype() == xsym::dtype::int64);
  CHECK(e.to_vector().empty());
}

TEST_CASE("ndarray: errors name the problem", "[ndarray]") {
  ndarray a = ndarray::array<float>({1, 2, 3, 4}, {2, 2});
  SECTION("wrong dtype") {
    REQUIRE_THROWS_AS(a.to_vector<double>(), xsym::error);
    REQUIRE_THROWS_WITH(a.to_vector<double>(), Contains("to_vector<float64>") && Contains("holds float32"));
    REQUIRE_THROWS_WITH(a.data<std::int32_t>(), Contains("data<int32>") && Contains("holds float32"));
    REQUIRE_THROWS_WITH(a.copy_from(std::vector<std::uint8_t>{1, 2, 3, 4}),
                        Contains("copy_from<uint8>") && Contains("holds float32"));
  }
  SECTION("data that does not fill the shape") {
    REQUIRE_THROWS_AS(ndarray::array<float>({1, 2, 3}, {2, 2}), xsym::error);
    REQUIRE_THROWS_WITH(ndarray::array<float>({1, 2, 3}, {2, 2}),
                        Contains("3 values do not fill shape [2,2]") && Contains("4 elements"));
    REQUIRE_THROWS_WITH(ndarray::array<std::int32_t>({1, 2, 3, 4, 5}, {2, 2}), Contains("5 values"));
  }
  SECTION("copy_from with the wrong count leaves the array alone") {
    REQUIRE_THROWS_WITH(a.copy_from(std::vector<float>{1, 2, 3}),
                        Contains("got 3 values") && Contains("[2,2]") && Contains("4 elements"));
    CHECK(a.to_vector<float>() == std::vector<float>{1, 2, 3, 4});
  }
  SECTION("gpu contexts without the CUDA backend") {
    // This executable does not link xsym's CUDA layer, so no GPU backend is registered.
    REQUIRE(xsym::detail::gpu_backend() == nullptr);
    REQUIRE_THROWS_WITH(ndarray::zeros({2}, xsym::dtype::float32, xsym::gpu(0)), Contains("no backend for gpu(0)"));
    REQUIRE_THROWS_WITH(ndarray::array<float>({1, 2}, {2}, xsym::gpu(1)), Contains("no backend for gpu(1)"));
    REQUIRE_THROWS_WITH(a.copyto(xsym::gpu(0)), Contains("no backend for gpu(0)"));
    REQUIRE_THROWS_WITH(a.as_in_context(xsym::gpu(0)), Contains("CUDA"));
  }
  SECTION("a default-constructed handle") {
    ndarray e;
    CHECK_FALSE(e.has_storage());
    CHECK(e.raw_data() == nullptr);
    CHECK(e.dtype() == xsym::dtype::float32);
    CHECK(e.context() == xsym::cpu());
    CHECK(e.shape() == xsym::shape{0});  // no elements, no bytes
    CHECK(e.size() == 0);
    CHECK(e.nbytes() == 0);
    REQUIRE_THROWS_WITH(e.as_in_context(xsym::cpu()), Contains("empty"));
    REQUIRE_THROWS_AS(e.to_vector<float>(), xsym::error);
    REQUIRE_THROWS_WITH(e.to_vector<float>(), Contains("to_vector") && Contains("empty"));
    REQUIRE_THROWS_WITH(e.data<float>(), Contains("data") && Contains("empty"));
    REQUIRE_THROWS_WITH(e.copy_from(std::vector<float>{1}), Contains("empty"));
    REQUIRE_THROWS_WITH(e.copy(), Contains("copyto") && Contains("empty"));
    REQUIRE_THROWS_WITH(xsym::typed_ndarray<float>(e), Contains("empty"));
    CHECK_FALSE(e.same_storage(a));
    CHECK(e.same_storage(ndarray{}));  // two empty handles share (no) storage
  }
}

TEST_CASE("ndarray: sizes that do not fit are errors, not overflows", "[ndarray]") {
  const std::int64_t big = std::int64_t(1) << 62;
  REQUIRE_THROWS_WITH((xsym::shape{big, 4}), Contains("more elements than an int64"));
  REQUIRE((xsym::shape{big, 4, 0}).size() == 0);  // a zero dimension: no elements at all
  REQUIRE_THROWS_WITH(ndarray::zeros({big + 1}, xsym::dtype::float32), Contains("does not fit in memory"));
}

TEST_CASE("ndarray: typed arrays keep the untyped accessors", "[ndarray]") {
  auto a = ndarray::array<float>({1.5f, 2.5f}, {2});
  REQUIRE(a.to_vector<float>() == std::vector<float>{1.5f, 2.5f});
  REQUIRE(a.to_vector() == std::vector<float>{1.5f, 2.5f});
  REQUIRE(a.data<float>() == a.data());
  REQUIRE_THROWS_WITH(a.to_vector<double>(), Contains("holds float32"));
}

TEST_CASE("ndarray: size-0 arrays", "[ndarray]") {
  auto a = ndarray::array<float>(std::vector<float>{}, {2, 0, 3});
  CHECK(a.size() == 0);
  CHECK(a.nbytes() == 0);
  CHECK(a.ndim() == 3);
  CHECK(a.has_storage());
  CHECK(a.to_vector().empty());
  ndarray c = a.copy();
  CHECK(c.shape() == xsym::shape{2, 0, 3});
  CHECK(c.to_vector<float>().empty());
  a.copy_from(std::vector<float>{});
  CHECK(ndarray::zeros({0}, xsym::dtype::int8).to_vector<std::int8_t>().empty());
  CHECK(ndarray::full<double>({0, 4}, 1.0).to_vector().empty());
  REQUIRE_THROWS_WITH(a.copy_from(std::vector<float>{1}), Contains("got 1 values"));
}

TEST_CASE("ndarray: 0-d arrays hold one element", "[ndarray]") {
  auto s = ndarray::array<std::int32_t>({42}, {});
  CHECK(s.ndim() == 0);
  CHECK(s.size() == 1);
  CHECK(s.to_vector() == std::vector<std::int32_t>{42});
}

TEST_CASE("ndarray: storage is 64-byte aligned", "[ndarray]") {
  for (std::int64_t n : {0, 1, 3, 17, 1000}) {
    CHECK(reinterpret_cast<std::uintptr_t>(ndarray::zeros({n}, xsym::dtype::int8).raw_data()) % 64 == 0);
    CHECK(reinterpret_cast<std::uintptr_t>(ndarray::zeros<double>({n}).data()) % 64 == 0);
    CHECK(reinterpret_cast<std::uintptr_t>(ndarray::zeros<float>({n, 3}).copy().raw_data()) % 64 == 0);
  }
  CHECK(xsym::detail::storage_alignment == 64);
}

TEST_CASE("ndarray: negative dimensions are refused", "[ndarray]") {
  REQUIRE_THROWS_WITH(ndarray::zeros({2, -1}), Contains("dimension 1 is negative"));
}

TEST_CASE("ndarray: copy_from(ndarray) and MXNet's copyto(array)", "[ndarray]") {
  auto a = xsym::ndarray::array<float>({1, 2, 3, 4}, {2, 2});
  auto b = xsym::ndarray::zeros<float>({2, 2});
  b.copy_from(a);
  CHECK(b.to_vector<float>() == std::vector<float>{1, 2, 3, 4});
  CHECK_FALSE(b.same_storage(a));  // a deep copy: a later write to a leaves b alone
  a.copy_from(std::vector<float>{5, 6, 7, 8});
  CHECK(b.to_vector<float>() == std::vector<float>{1, 2, 3, 4});

  auto c = xsym::ndarray::zeros<float>({2, 2});
  const xsym::ndarray& returned = a.copyto(c);
  CHECK(returned.same_storage(c));
  CHECK(c.to_vector<float>() == std::vector<float>{5, 6, 7, 8});
  a.copy_from(a);  // onto itself: nothing to do
  CHECK(a.to_vector<float>() == std::vector<float>{5, 6, 7, 8});

  // A shape or dtype that differs is an error naming both, and the target is left alone.
  auto flat = xsym::ndarray::zeros<float>({4});
  auto wide = xsym::ndarray::zeros<double>({2, 2});
  CHECK_THROWS_WITH(flat.copy_from(a), "xsym::ndarray::copy_from: the source is float32 [2,2], but this array is "
                                       "float32 [4]");
  CHECK_THROWS_WITH(a.copyto(wide), "xsym::ndarray::copy_from: the source is float32 [2,2], but this array is "
                                    "float64 [2,2]");
  CHECK(wide.to_vector<double>() == std::vector<double>(4, 0.0));
  CHECK_THROWS_WITH(xsym::ndarray().copy_from(a), Catch::Contains("empty"));
  CHECK_THROWS_WITH(a.copy_from(xsym::ndarray()), Catch::Contains("empty"));
}
