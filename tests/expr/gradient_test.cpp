// Gradient graphs as static graph types (expr/gradient.hpp): their nodes, names and arguments,
// known in constant expressions; paths through zero derivatives left out; the head-gradient
// variables of a group; the plan that runs forward and backward together, computing each
// shared node once.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <xsym/xsym.hpp>

namespace {
auto a = xsym::variable<"A">();
auto b = xsym::variable<"B">();
}  // namespace

TEST_CASE("gradient: the graph of d(exp(A) * B) is a static type, introspectable at compile time") {
  constexpr auto e = xsym::exp(a) * b;
  constexpr auto g = xsym::gradient(e, a, b);
  // DFS post-order from the outputs, as any graph's: the head gradient is the first input of the
  // first backward node.
  static_assert(xsym::list_arguments(g).size() == 3);
  static_assert(xsym::list_arguments(g)[0] == "_mul0_output_head_grad");
  // d/dA = _backward_exp(_backward_mul_lhs(head, ...)), d/dB = _backward_mul_rhs(head, ...).
  static_assert(xsym::list_outputs(g)[0] == "_backward_exp0_output");
  static_assert(xsym::list_outputs(g)[1] == "_backward_mul_rhs0_output");
  CHECK(xsym::plan::describe<std::remove_cvref_t<decltype(g)>>() ==
        "stage 0 (fused elementwise): exp0 <- A; _mul0 <- exp0, B; _backward_mul_lhs0 <- _mul0_output_head_grad, "
        "_mul0, exp0, B; _backward_exp0 <- _backward_mul_lhs0, exp0, A; _backward_mul_rhs0 <- "
        "_mul0_output_head_grad, _mul0, exp0, B -> outputs _backward_exp0_output, _backward_mul_rhs0_output");
}

TEST_CASE("gradient: a path through a zero derivative is left out, and a variable nothing reaches gets zeros_like") {
  constexpr auto g = xsym::gradient(xsym::sign(a) * 2 + (a > b) + b, a, b);
  static_assert(xsym::list_outputs(g)[0] == "zeros_like0_output");
  // B's gradient is the head gradient itself, passed through _backward_add_rhs; nothing else
  // gets a gradient: sign, the comparison and what only they feed are left out.
  static_assert(xsym::list_outputs(g)[1] == "_backward_add_rhs0_output");
  // The 7 forward nodes, the head gradient, zeros_like0 and _backward_add_rhs0: nothing more.
  static_assert(xsym::list_nodes(g).size() == 10);
  static_assert(xsym::list_arguments(g)[1] == "_plus1_output_head_grad");
}

TEST_CASE("gradient: each output of a group has its head gradient, and a node feeding both sums both") {
  auto t = xsym::tanh(a);
  auto g = xsym::gradient(xsym::group(t * b, t + 1.0), a);
  auto args = xsym::list_arguments(g);
  CHECK(args.size() == 4);
  CHECK(std::find(args.begin(), args.end(), "_mul0_output_head_grad") != args.end());
  CHECK(std::find(args.begin(), args.end(), "_plusscalar0_output_head_grad") != args.end());
  // tanh0's gradient sums its two consumers: one elemwise_add (`_plus0`) before _backward_tanh.
  auto nodes = xsym::list_nodes(g);
  CHECK(std::count(nodes.begin(), nodes.end(), "_plus0") == 1);
  CHECK(std::count(nodes.begin(), nodes.end(), "_plus1") == 0);
  CHECK(std::string(xsym::list_outputs(g)[0]) == "_backward_tanh0_output");
}
