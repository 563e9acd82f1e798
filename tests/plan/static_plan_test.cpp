// The plan of a static graph (include/xsym/plan/static_plan.hpp): its one fused elementwise
// stage holds every op node once, in post-order, reads the arguments and writes the heads; it
// prints as text; structural twins (unmerged subtrees of one type) are known at compile time.
#include <catch2/catch.hpp>

#include <numbers>
#include <string>

#include <xsym/xsym.hpp>

namespace {
auto a = xsym::variable<"A">();
auto b = xsym::variable<"B">();
}  // namespace

TEST_CASE("a shared node is one node of the stage, computed once", "[plan]") {
  auto t = xsym::exp(a);
  auto e = t * t + t;
  using P = xsym::plan::static_plan<decltype(e)>;
  STATIC_REQUIRE(P::num_stages == 1);
  STATIC_REQUIRE(P::stages[0].kind == xsym::plan::stage_kind::fused_elementwise);
  STATIC_REQUIRE(P::stages[0].nodes.size == 3);
  STATIC_REQUIRE(P::stages[0].inputs.size == 1);
  STATIC_REQUIRE(P::stages[0].outputs.size == 1);
  STATIC_REQUIRE(P::num_twins == 0);
  CHECK(xsym::plan::describe<decltype(e)>() ==
        "stage 0 (fused elementwise): exp0 <- A; _mul0 <- exp0, exp0; _plus0 <- _mul0, exp0 -> outputs _plus0_output");
}

TEST_CASE("a group's outputs share one stage", "[plan]") {
  auto t = xsym::exp(a * b);
  auto g = xsym::group(t * b, t + a, a);
  CHECK(xsym::plan::describe<decltype(g)>() ==
        "stage 0 (fused elementwise): _mul0 <- A, B; exp0 <- _mul0; _mul1 <- exp0, B; _plus0 <- exp0, A -> outputs "
        "_mul1_output, _plus0_output, A");
}

TEST_CASE("the plan of W3 names its structural twins", "[plan]") {
  auto s = xsym::variable<"S">();
  auto k = xsym::variable<"K">();
  auto t = xsym::variable<"T">();
  constexpr double r = 0.05, v = 0.2, c1 = r + 0.5 * v * v, inv_sqrt2 = 1.0 / std::numbers::sqrt2;
  auto vsq = xsym::sqrt(t) * v;
  auto d1 = (xsym::log(s / k) + t * c1) / vsq;
  auto d2 = d1 - vsq;
  auto n = [](auto d) { return (xsym::erf(d * inv_sqrt2) + 1.0) * 0.5; };
  auto call = s * n(d1) - k * xsym::exp(t * -r) * n(d2);
  using P = xsym::plan::static_plan<decltype(call)>;
  STATIC_REQUIRE(xsym::detail::graph_info<decltype(call)>::num_nodes == 30);
  STATIC_REQUIRE(P::stages[0].nodes.size == 27);
  // d1 (_div2 = _div1, with its _plus1 and T*c1) and v*sqrt(T) twice more; T*-r is a twin of
  // T*c1 by structure only: bind compares the scalars.
  STATIC_REQUIRE(P::num_twins == 6);
  const std::string text = xsym::plan::describe<decltype(call)>();
  INFO(text);
  CHECK(text.find("stage 0 (fused elementwise): _div0 <- S, K; log0 <- _div0; _mulscalar0 <- T;") == 0);
  CHECK(text.find("-> outputs _minus1_output\ntwins (computed once when their parameters are equal): "
                  "_mulscalar4 = _mulscalar0, _mulscalar5 = _mulscalar0, _plus1 = _plus0, _mulscalar6 = "
                  "_mulscalar1, _div2 = _div1, _mulscalar7 = _mulscalar1") != std::string::npos);
}

TEST_CASE("scalar-free subtrees are merged by the analysis, not twins", "[plan]") {
  auto e = xsym::exp(a * b) + xsym::exp(a * b) * (a + 1.0);
  using P = xsym::plan::static_plan<decltype(e)>;
  STATIC_REQUIRE(P::num_twins == 0);
  STATIC_REQUIRE(P::stages[0].nodes.size == 5);  // _mul0 exp0 _plusscalar0 _mul1 _plus0
}
