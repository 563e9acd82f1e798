// The plan a bound Symbol runs (src/symbol/runtime_plan.hpp, Executor::plan_description): the
// planner that plans static graphs at compile time, run at bind. A static graph and its Symbol
// get the same stages; per_op makes every node a stage of its own; backward nodes get stages
// after the forward ones; a reduction a region folds is marked. The graphs are written as static
// graphs, whose Symbols have the same node names in every run.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include <xsym/xsym.hpp>

using xsym::Symbol;
using xsym::execution_path;

namespace {
const std::map<std::string, xsym::shape> mlp_shapes{{"data", {4, 20}}};
}

TEST_CASE("runtime plan: a static graph's Symbol is planned as the static graph is") {
  const auto data = xsym::variable<"data">();
  const auto h = xsym::FullyConnected<"fc1">(data, {.num_hidden = 16});
  const auto r = xsym::exp(h) * 2.0 + h;
  const auto net = xsym::FullyConnected<"fc2">(r, {.num_hidden = 3});
  const std::string expected = xsym::plan::describe<std::remove_cvref_t<decltype(net)>>();
  CHECK(expected ==
        "stage 0 (materialized): fc1 <- data, fc1_weight, fc1_bias -> stores fc1\n"
        "stage 1 (fused elementwise): exp0 <- fc1; _mulscalar0 <- exp0; _plus0 <- _mulscalar0, fc1 -> stores _plus0\n"
        "stage 2 (materialized): fc2 <- _plus0, fc2_weight, fc2_bias -> outputs fc2_output");
  const Symbol s = net;
  auto ex = s.simple_bind(xsym::cpu(), mlp_shapes, {}, {.path = execution_path::blocked_fused});
  CHECK(ex.plan_description() == expected);
}

TEST_CASE("runtime plan: per_op plans every node as a materialized stage") {
  const auto a = xsym::variable<"a">();
  const auto t = xsym::exp(a);
  const Symbol s = t * t + t;
  auto ex = s.simple_bind(xsym::cpu(), {{"a", {10}}}, {}, {.path = execution_path::per_op});
  CHECK(ex.plan_description() ==
        "stage 0 (materialized): exp0 <- a -> stores exp0\n"
        "stage 1 (materialized): _mul0 <- exp0, exp0 -> stores _mul0\n"
        "stage 2 (materialized): _plus0 <- _mul0, exp0 -> outputs _plus0_output");
  auto blocked = s.simple_bind(xsym::cpu(), {{"a", {10}}}, {}, {.path = execution_path::blocked_fused});
  CHECK(blocked.plan_description() ==
        "stage 0 (fused elementwise): exp0 <- a; _mul0 <- exp0, exp0; _plus0 <- _mul0, exp0 -> outputs _plus0_output");
}

TEST_CASE("runtime plan: a region folds the row sum it feeds") {
  const auto x = xsym::variable<"x">();
  const Symbol s = xsym::sum(xsym::exp(x), {.axis = {1}});
  auto ex = s.simple_bind(xsym::cpu(), {{"x", {3, 256}}}, {}, {.path = execution_path::blocked_fused});
  CHECK(ex.plan_description() ==
        "stage 0 (fused elementwise): exp0 <- x; sum0 (folded) <- exp0 -> outputs sum0_output");
  // Rows too short to fold block by block: the sum is a stage of its own.
  auto short_rows = s.simple_bind(xsym::cpu(), {{"x", {3, 8}}}, {}, {.path = execution_path::blocked_fused});
  CHECK(short_rows.plan_description() ==
        "stage 0 (fused elementwise): exp0 <- x -> stores exp0\n"
        "stage 1 (materialized): sum0 <- exp0 -> outputs sum0_output");
}

TEST_CASE("runtime plan: bound with gradients, backward() runs stages of its own") {
  const Symbol s = xsym::exp(xsym::variable<"a">()) * xsym::variable<"b">();
  auto ex = s.simple_bind(xsym::cpu(), {{"a", {5}}, {"b", {5}}}, {},
                          {.path = execution_path::blocked_fused, .grad_req = xsym::grad_req::write});
  const std::string text = ex.plan_description();
  INFO(text);
  CHECK(text ==
        "stage 0 (fused elementwise): exp0 <- a; _mul0 <- exp0, b -> outputs _mul0_output -> stores exp0\n"
        "stage 1 (fused elementwise, backward): _backward_mul_lhs0 <- _mul0_output_head_grad, _mul0, exp0, b; "
        "_backward_exp0 <- _backward_mul_lhs0, exp0, a; _backward_mul_rhs0 <- _mul0_output_head_grad, _mul0, exp0, b "
        "-> outputs _backward_exp0_output, _backward_mul_rhs0_output");
}
