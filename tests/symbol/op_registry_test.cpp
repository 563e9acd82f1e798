// The runtime registry (src/symbol/op_registry.cpp) against the op descriptors it is generated
// from, and against MXNet: every tensor and network op registered as its descriptor says, and
// no such op registered without a descriptor.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <xsym/ops/network.hpp>
#include <xsym/symbol/op_def.hpp>

namespace {

namespace ops = xsym::ops;

template <class Op>
void check_registered(std::set<std::string>& seen) {
  const std::string name(Op::names.mxnet);
  INFO(name);
  const xsym::op_def* d = xsym::find_op(name);
  REQUIRE(d != nullptr);
  seen.insert(name);
  CHECK(d->name == name);
  CHECK(d->hint == Op::names.hint);
  CHECK(d->variadic == Op::variadic);
  if (!Op::variadic) CHECK(d->input_names == std::vector<std::string>(Op::inputs.begin(), Op::inputs.end()));
  if (!Op::alias.empty()) CHECK(xsym::find_op(Op::alias) == d);
  CHECK(d->num_outputs == std::uint32_t(Op::outputs));
  CHECK(d->num_visible_outputs == std::uint32_t(Op::visible_outputs));
  for (int k = 0; k < Op::arity; ++k) {
    const bool mutated = std::find(d->mutated_inputs.begin(), d->mutated_inputs.end(), std::uint32_t(k)) !=
                         d->mutated_inputs.end();
    CHECK(mutated == bool(Op::mutated_inputs >> k & 1u));
  }
  // Every tensor op has a gradient in xsym: through its joint backward op, or zero.
  REQUIRE(d->has_gradient);
  REQUIRE(d->input_gradients.size() == std::size_t(Op::arity));
  CHECK(d->joint_backward == (Op::gradient_inputs != 0));
  CHECK(d->loss == Op::loss);
  for (int k = 0; k < Op::arity; ++k) {
    const xsym::op_def* g = d->input_gradients[std::size_t(k)];
    CHECK((g != nullptr) == bool(Op::gradient_inputs >> k & 1u));
    if (g) {
      CHECK(g->name == "_backward_" + name);
      CHECK(g->forward == d);
    }
  }
}

template <class... Op>
void check_all(xsym::type_list<Op...>, std::set<std::string>& seen) {
  (check_registered<Op>(seen), ...);
}

}  // namespace

TEST_CASE("registry: every tensor and network op as its descriptor says, and none without one",
          "[symbol][registry]") {
  std::set<std::string> seen;
  check_all(ops::tensor_ops{}, seen);
  check_all(ops::broadcast_ops{}, seen);
  // The reverse: an op that is neither elementwise nor a backward op comes from a descriptor.
  for (const xsym::op_def* d : xsym::registered_ops())
    if (!d->elementwise && !d->forward) {
      INFO(d->name);
      CHECK(seen.count(d->name) == 1);
    }
}

TEST_CASE("registry: MXNet's input names, aliases and outputs of the layers", "[symbol][registry]") {
  // As MXNet 1.9 lists them (FListInputNames, the registered aliases, FNumVisibleOutputs).
  auto inputs = [](const char* op) { return xsym::find_op(op)->input_names; };
  CHECK(inputs("FullyConnected") == std::vector<std::string>{"data", "weight", "bias"});
  CHECK(inputs("BatchNorm") == std::vector<std::string>{"data", "gamma", "beta", "moving_mean", "moving_var"});
  CHECK(inputs("SoftmaxOutput") == std::vector<std::string>{"data", "label"});
  CHECK(inputs("take") == std::vector<std::string>{"a", "indices"});
  CHECK(inputs("where") == std::vector<std::string>{"condition", "x", "y"});
  CHECK(inputs("broadcast_add") == std::vector<std::string>{"lhs", "rhs"});
  CHECK(xsym::find_op("Softmax") == xsym::find_op("SoftmaxOutput"));
  CHECK(xsym::find_op("flatten") == xsym::find_op("Flatten"));
  CHECK(xsym::find_op("broadcast_plus") == xsym::find_op("broadcast_add"));
  CHECK(xsym::find_op("sum_axis") == xsym::find_op("sum"));
  CHECK(xsym::find_op("split") == xsym::find_op("SliceChannel"));
  CHECK(xsym::find_op("BatchNorm")->mutated_inputs == std::vector<std::uint32_t>{3, 4});
  CHECK(xsym::find_op("BatchNorm")->num_outputs == 3);
  CHECK(xsym::find_op("BatchNorm")->num_visible_outputs == 1);
  CHECK(xsym::find_op("Concat")->num_inputs({{"num_args", "4"}}) == 4);
  CHECK(xsym::find_op("FullyConnected")->num_inputs({{"no_bias", "True"}}) == 2);
  // The label gets no gradient; the comparisons' gradients are zero.
  CHECK(xsym::find_op("SoftmaxOutput")->input_gradients.at(1) == nullptr);
  CHECK(xsym::find_op("broadcast_greater")->input_gradients == std::vector<const xsym::op_def*>{nullptr, nullptr});
}
