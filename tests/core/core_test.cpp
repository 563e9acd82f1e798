// Core vocabulary: dtypes with MXNet's codes and names, contexts, shapes, compile-time names.
#include <cstdint>
#include <sstream>

#include <catch2/catch.hpp>
#include <xsym/xsym.hpp>

TEST_CASE("dtypes carry MXNet's type codes and names", "[core][dtype]") {
  // mshadow::TypeFlag
  REQUIRE(int(xsym::dtype::float32) == 0);
  REQUIRE(int(xsym::dtype::float64) == 1);
  REQUIRE(int(xsym::dtype::float16) == 2);
  REQUIRE(int(xsym::dtype::uint8) == 3);
  REQUIRE(int(xsym::dtype::int32) == 4);
  REQUIRE(int(xsym::dtype::int8) == 5);
  REQUIRE(int(xsym::dtype::int64) == 6);
  for (const char* n : {"float32", "float64", "float16", "uint8", "int32", "int8", "int64"})
    REQUIRE(xsym::dtype_name(xsym::dtype_from_name(n)) == n);
  REQUIRE_THROWS_WITH(xsym::dtype_from_name("bfloat17"), Catch::Contains("unknown dtype 'bfloat17'"));
  REQUIRE(xsym::dtype_size(xsym::dtype::float16) == 2);
  REQUIRE(xsym::dtype_size(xsym::dtype::int64) == 8);
  std::ostringstream os;
  os << xsym::dtype::int32;
  REQUIRE(os.str() == "int32");
}

TEST_CASE("C++ element types map to dtypes and back", "[core][dtype]") {
  STATIC_REQUIRE(xsym::dtype_of<float> == xsym::dtype::float32);
  STATIC_REQUIRE(xsym::dtype_of<double> == xsym::dtype::float64);
  STATIC_REQUIRE(xsym::dtype_of<std::uint8_t> == xsym::dtype::uint8);
  STATIC_REQUIRE(xsym::dtype_of<std::int8_t> == xsym::dtype::int8);
  STATIC_REQUIRE(xsym::dtype_of<std::int32_t> == xsym::dtype::int32);
  STATIC_REQUIRE(xsym::dtype_of<std::int64_t> == xsym::dtype::int64);
  STATIC_REQUIRE(std::is_same_v<xsym::type_of<xsym::dtype::int8>, std::int8_t>);
  STATIC_REQUIRE(!xsym::element_type<bool>);
  STATIC_REQUIRE(!xsym::element_type<char>);
  STATIC_REQUIRE(!xsym::element_type<std::uint32_t>);
  STATIC_REQUIRE(xsym::dtype_size(xsym::dtype_of<double>) == sizeof(double));
}

TEST_CASE("contexts print as MXNet's", "[core][context]") {
  REQUIRE(xsym::cpu().str() == "cpu(0)");
  REQUIRE(xsym::gpu(1).str() == "gpu(1)");
  REQUIRE(xsym::cpu(0) == xsym::cpu());
  REQUIRE(xsym::cpu(0) != xsym::gpu(0));
  REQUIRE(int(xsym::gpu(0).type) == 2);  // MXNet's device type code
  std::ostringstream os;
  os << xsym::gpu(3);
  REQUIRE(os.str() == "gpu(3)");
}

TEST_CASE("shapes", "[core][shape]") {
  xsym::shape s{2, 3, 4};
  REQUIRE(s.ndim() == 3);
  REQUIRE(s.size() == 24);
  REQUIRE(s[1] == 3);
  REQUIRE(s.str() == "[2,3,4]");
  REQUIRE(xsym::shape{}.size() == 1);
  REQUIRE(xsym::shape{5, 0}.size() == 0);
  REQUIRE(xsym::shape{2, 3} == xsym::shape{2, 3});
  REQUIRE(xsym::shape{2, 3} != xsym::shape{3, 2});
  REQUIRE_THROWS_WITH((xsym::shape{2, -1}), Catch::Contains("dimension 1 is negative"));
  REQUIRE_THROWS_AS(s[3], std::out_of_range);
}

TEST_CASE("names are char packs converted from string literals", "[core][name]") {
  using n = xsym::name_t<"fc1_weight">;
  STATIC_REQUIRE(n::value == "fc1_weight");
  STATIC_REQUIRE(std::is_same_v<xsym::name_t<"AB">, xsym::name<'A', 'B'>>);
  STATIC_REQUIRE(xsym::name_t<"">::value.empty());
}
