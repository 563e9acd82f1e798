// Compile-time introspection of static graphs against MXNet's expectations
// (MXNET-REFERENCE.md §2.4 and §6). Most checks are static_asserts: if this file compiles,
// they hold; the REQUIREs repeat a few at run time so the test report shows them.
#include <array>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>
#include <xsym/xsym.hpp>

namespace {

// The names of a list, as a vector of strings, so that Catch prints both sides on failure.
std::vector<std::string> names(const auto& list) { return {list.begin(), list.end()}; }
using strings = std::vector<std::string>;

constexpr auto A = xsym::variable<"A">();
constexpr auto B = xsym::variable<"B">();
constexpr auto C = xsym::variable<"C">();
constexpr auto D = xsym::variable<"D">();
constexpr auto data = xsym::variable<"data">();

}  // namespace

TEST_CASE("the seed graph E = (A*B)+(C*D) lists what MXNet lists", "[expr][seed]") {
  auto e = (A * B) + (C * D);
  static_assert(xsym::list_arguments(e)[2] == "C");
  static_assert(xsym::list_arguments(e).size() == 4);
  static_assert(xsym::list_outputs(e)[0] == "_plus0_output");
  REQUIRE(names(xsym::list_arguments(e)) == strings{"A", "B", "C", "D"});
  REQUIRE(names(xsym::list_outputs(e)) == strings{"_plus0_output"});
  REQUIRE(names(xsym::list_outputs(xsym::get_internals(e))) ==
          strings{"A", "B", "_mul0_output", "C", "D", "_mul1_output", "_plus0_output"});
  REQUIRE(names(xsym::list_outputs(xsym::get_children(e))) == strings{"_mul0_output", "_mul1_output"});
  REQUIRE(names(xsym::list_outputs(xsym::get_children(xsym::get_children(e)))) == strings{"A", "B", "C", "D"});
  REQUIRE(names(xsym::list_nodes(e)) == strings{"A", "B", "_mul0", "C", "D", "_mul1", "_plus0"});
  REQUIRE(xsym::list_inputs(e) == xsym::list_arguments(e));
  REQUIRE(xsym::list_auxiliary_states(e).empty());
}

TEST_CASE("test_scalarop: scalar nodes are named per hint in post-order", "[expr][scalar]") {
  constexpr auto t = 2 / (4 - ((1 + data + 1) * 2 / 5) - 0.8 - (data != 0));
  static_assert(xsym::list_outputs(t)[0] == "_rdivscalar0_output");
  REQUIRE(names(xsym::list_nodes(t)) ==
          strings{"data", "_plusscalar0", "_plusscalar1", "_mulscalar0", "_divscalar0", "_rminusscalar0",
                  "_minusscalar0", "_not_equal_scalar0", "_minus0", "_rdivscalar0"});
  // The same graph built from a non-constexpr variable: the <decltype> form still works.
  auto u = 2 / (4 - ((1 + data + 1) * 2 / 5) - 0.8 - (data != 0));
  REQUIRE(names(xsym::list_outputs<decltype(u)>()) == strings{"_rdivscalar0_output"});
}

TEST_CASE("scalar forms take MXNet's op names on each side", "[expr][scalar]") {
  REQUIRE(names(xsym::list_nodes(A + 1.5)) == strings{"A", "_plusscalar0"});
  REQUIRE(names(xsym::list_nodes(1.5 + A)) == strings{"A", "_plusscalar0"});
  REQUIRE(names(xsym::list_nodes(2 - A)) == strings{"A", "_rminusscalar0"});
  REQUIRE(names(xsym::list_nodes(A - 2)) == strings{"A", "_minusscalar0"});
  REQUIRE(names(xsym::list_nodes(2 / A)) == strings{"A", "_rdivscalar0"});
  REQUIRE(names(xsym::list_nodes(xsym::pow(A, 2))) == strings{"A", "_powerscalar0"});
  REQUIRE(names(xsym::list_nodes(xsym::pow(2, A))) == strings{"A", "_rpowerscalar0"});
  REQUIRE(names(xsym::list_nodes(xsym::pow(A, B))) == strings{"A", "B", "_power0"});
  REQUIRE(names(xsym::list_nodes(-A)) == strings{"A", "_mulscalar0"});
  REQUIRE(names(xsym::list_nodes(xsym::negative(A))) == strings{"A", "negative0"});
  REQUIRE(names(xsym::list_nodes(2 < A)) == strings{"A", "_greater_scalar0"});
  REQUIRE(names(xsym::list_nodes(xsym::maximum(3, A))) == strings{"A", "_maximumscalar0"});
  REQUIRE(names(xsym::list_nodes(xsym::clip(A, 0, 1))) == strings{"A", "clip0"});
  REQUIRE(names(xsym::list_nodes(xsym::cast<double>(A))) == strings{"A", "cast0"});
  REQUIRE(names(xsym::list_nodes(xsym::identity(A))) == strings{"A", "identity0"});
  REQUIRE(names(xsym::list_nodes((A + 1.5) * B)) == strings{"A", "_plusscalar0", "B", "_mul0"});
  REQUIRE(names(xsym::list_outputs(xsym::get_internals((A + 1.5) * B))) ==
          strings{"A", "_plusscalar0_output", "B", "_mul0_output"});
}

TEST_CASE("the op of each node is MXNet's registered name", "[expr]") {
  using info = xsym::detail::graph_info<decltype(-(A * B) + xsym::exp(2 - A))>;
  std::vector<std::string> ops;
  for (int i = 0; i < info::num_nodes; ++i) ops.emplace_back(info::nodes[i].op);
  REQUIRE(ops == strings{"null", "null", "elemwise_mul", "_mul_scalar", "_rminus_scalar", "exp", "elemwise_add"});
}

TEST_CASE("shared subexpressions and same-named variables are one node", "[expr][sharing]") {
  auto t = A * B;
  auto shared = t + t;
  REQUIRE(names(xsym::list_nodes(shared)) == strings{"A", "B", "_mul0", "_plus0"});
  // Two variables called "A" are one argument.
  auto twice = xsym::variable<"A">() * xsym::variable<"A">();
  REQUIRE(names(xsym::list_arguments(twice)) == strings{"A"});
  // B*A + A lists B first: arguments follow post-order of first visit.
  REQUIRE(names(xsym::list_arguments(B * A + A)) == strings{"B", "A"});
  // Subtrees holding run-time scalars are never merged: their values are not in their types.
  auto s = A + 1.5;
  REQUIRE(names(xsym::list_nodes(s * s)) == strings{"A", "_plusscalar0", "_plusscalar1", "_mul0"});
  // A typed and an untyped variable of the same name are one argument, pinned to the type.
  auto mixed = xsym::variable<"A", float>() + xsym::variable<"A">();
  REQUIRE(names(xsym::list_arguments(mixed)) == strings{"A"});
  REQUIRE(xsym::detail::graph_info<decltype(mixed)>::num_free_dtypes == 0);
}

TEST_CASE("test_children_same_name: a + a has two children named data", "[expr][children]") {
  auto b = data + data;
  REQUIRE(names(xsym::list_outputs(xsym::get_children(b))) == strings{"data", "data"});
  REQUIRE(xsym::list_outputs(xsym::get_children(data)).empty());
}

TEST_CASE("children and internals keep the names of the original graph", "[expr][children]") {
  // exp(A) and exp(exp(B)): the child exp(B) is exp1 in the group, not exp0.
  auto g = xsym::group(xsym::exp(A), xsym::exp(xsym::exp(B)));
  REQUIRE(names(xsym::list_outputs(g)) == strings{"exp0_output", "exp2_output"});
  REQUIRE(names(xsym::list_outputs(xsym::get_children(g))) == strings{"A", "exp1_output"});
  REQUIRE(names(xsym::list_outputs(xsym::get_internals(g))) ==
          strings{"A", "exp0_output", "B", "exp1_output", "exp2_output"});
  // A head listed twice contributes its children once (nnvm's GetChildren).
  auto dup = xsym::group(A * B, A * B);
  REQUIRE(names(xsym::list_outputs(dup)) == strings{"_mul0_output", "_mul0_output"});
  REQUIRE(names(xsym::list_outputs(xsym::get_children(dup))) == strings{"A", "B"});
}

TEST_CASE("groups name their nodes within one graph", "[expr][group]") {
  auto e = (A * B) + (C * D);
  auto g = xsym::group(e, A);
  REQUIRE(names(xsym::list_outputs(g)) == strings{"_plus0_output", "A"});
  REQUIRE(names(xsym::list_arguments(xsym::group(C * D, A * B))) == strings{"C", "D", "A", "B"});
  REQUIRE(names(xsym::list_outputs(xsym::group(C * D, A * B))) == strings{"_mul0_output", "_mul1_output"});
}

TEST_CASE("names count past ten and hints are independent", "[expr][naming]") {
  auto x = A;
  auto e = xsym::exp(xsym::exp(xsym::exp(xsym::exp(xsym::exp(xsym::exp(xsym::exp(xsym::exp(xsym::exp(xsym::exp(xsym::exp(xsym::exp(x))))))))))));
  auto l = xsym::list_nodes(e + B * 2);
  REQUIRE(l.size() == 16);
  REQUIRE(l[12] == "exp11");
  REQUIRE(l[13] == "B");
  REQUIRE(l[14] == "_mulscalar0");
  REQUIRE(l[15] == "_plus0");
}

TEST_CASE("MXNet's unary functions are named after themselves (test_symbol_fluent)", "[expr][naming]") {
  REQUIRE(xsym::list_outputs(xsym::round(data))[0] == "round0_output");
  REQUIRE(xsym::list_outputs(xsym::rint(data))[0] == "rint0_output");
  REQUIRE(xsym::list_outputs(xsym::fix(data))[0] == "fix0_output");
  REQUIRE(xsym::list_outputs(xsym::degrees(data))[0] == "degrees0_output");
  REQUIRE(xsym::list_outputs(xsym::reciprocal(data))[0] == "reciprocal0_output");
  REQUIRE(xsym::list_outputs(xsym::relu(data))[0] == "relu0_output");
  REQUIRE(xsym::list_outputs(xsym::sigmoid(data))[0] == "sigmoid0_output");
  REQUIRE(xsym::list_outputs(abs(data))[0] == "abs0_output");  // found by ADL, as Python's abs()
}

TEST_CASE("dtype classes: elementwise ops tie types, cast separates them", "[expr][dtype]") {
  REQUIRE(xsym::detail::graph_info<decltype(A * B + C)>::num_free_dtypes == 1);
  REQUIRE(xsym::detail::graph_info<decltype(xsym::cast<float>(A) + B)>::num_free_dtypes == 1);
  REQUIRE(xsym::detail::graph_info<decltype(xsym::cast<float>(A) + xsym::cast<float>(B))>::num_free_dtypes == 2);
  REQUIRE(xsym::detail::graph_info<decltype(xsym::variable<"A", float>() * B)>::num_free_dtypes == 0);
  REQUIRE(xsym::detail::graph_info<decltype(xsym::group(A, B))>::num_free_dtypes == 2);
}
