// xsym::Symbol against MXNet's behaviour: the ports of test_symbol.py and test_attr.py that
// apply (MXNET-REFERENCE.md §6), runtime naming, and agreement with static graphs.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <xsym/xsym.hpp>

#include "mxnet_literals.hpp"

using xsym::Symbol;
using strings = std::vector<std::string>;

namespace {

Symbol fc(const Symbol& in, const char* name, int hidden) {
  return Symbol::create("FullyConnected", {in}, {{"num_hidden", std::to_string(hidden)}}, name);
}

// models.py's mlp2: data -> FC(fc1, 1000) -> relu -> FC(fc2, 10).
Symbol mlp2() {
  auto data = Symbol::variable("data");
  auto out = fc(data, "fc1", 1000);
  out = Symbol::create("Activation", {out}, {{"act_type", "relu"}});
  return fc(out, "fc2", 10);
}

}  // namespace

TEST_CASE("test_symbol_basic: mlp2 lists its arguments and outputs", "[symbol][mxnet]") {
  xsym::name_scope scope;
  auto m = mlp2();
  REQUIRE(m.list_arguments() == strings{"data", "fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias"});
  REQUIRE(m.list_outputs() == strings{"fc2_output"});
  REQUIRE(m.list_inputs() == m.list_arguments());
  REQUIRE(m.list_auxiliary_states().empty());
  // The auto-created variables carry the op's attributes (nnvm's Compose).
  REQUIRE(m.get_internals()["fc1_weight"].attr("num_hidden") == "1000");
}

TEST_CASE("test_symbol_compose: variables are replaced by name", "[symbol][mxnet]") {
  xsym::name_scope scope;
  auto data = Symbol::variable("data");
  auto net1 = fc(fc(data, "fc1", 10), "fc2", 100);
  REQUIRE(net1.list_arguments() == strings{"data", "fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias"});

  auto net2 = Symbol::create("FullyConnected", {}, {{"num_hidden", "10"}}, "fc3");
  net2 = Symbol::create("Activation", {net2}, {{"act_type", "relu"}});
  net2 = fc(net2, "fc4", 20);
  REQUIRE(net2.list_arguments() == strings{"fc3_data", "fc3_weight", "fc3_bias", "fc4_weight", "fc4_bias"});

  auto composed = net2.compose({{"fc3_data", net1}}, "composed");
  REQUIRE(composed.list_arguments() ==
          strings{"data", "fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias", "fc3_weight", "fc3_bias", "fc4_weight",
                  "fc4_bias"});
  REQUIRE(composed.name() == "composed");
  auto multi = xsym::Group({composed, net1});
  REQUIRE(multi.list_outputs().size() == 2);
  REQUIRE(multi.size() == 2);
  REQUIRE_FALSE(multi.name().has_value());
  // The original is untouched: composition copies.
  REQUIRE(net2.list_arguments().front() == "fc3_data");
  REQUIRE_THROWS_WITH(net2.compose({{"nope", net1}}),
                      Catch::Contains("keyword argument name nope not found") && Catch::Contains("[0]fc3_data"));
}

TEST_CASE("composing E(A=X) puts X where A was", "[symbol]") {
  Symbol e = (xsym::variable<"A">() * xsym::variable<"B">()) + (xsym::variable<"C">() * xsym::variable<"D">());
  auto x = Symbol::variable("X");
  REQUIRE(e.compose({{"A", x}}).list_arguments() == strings{"X", "B", "C", "D"});
}

TEST_CASE("test_symbol_copy: a copy writes the same JSON", "[symbol][mxnet]") {
  xsym::name_scope scope;
  auto m = mlp2();
  REQUIRE(m.copy().to_json() == m.to_json());
  REQUIRE(m.copy().outputs()[0].node != m.outputs()[0].node);  // a deep copy
}

TEST_CASE("test_symbol_internal: internals are indexed by output name", "[symbol][mxnet]") {
  xsym::name_scope scope;
  auto data = Symbol::variable("data");
  auto oldfc = fc(data, "fc1", 10);
  auto net1 = fc(oldfc, "fc2", 100);
  REQUIRE(net1.list_arguments() == strings{"data", "fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias"});
  auto internal = net1.get_internals();
  REQUIRE(internal["fc1_output"].list_arguments() == oldfc.list_arguments());
  REQUIRE_THROWS_WITH(internal["fc9_output"], Catch::Contains("no output named 'fc9_output'"));
  REQUIRE_THROWS_WITH(internal[100], Catch::Contains("out of range"));
}

TEST_CASE("test_symbol_children: children and children of children", "[symbol][mxnet]") {
  xsym::name_scope scope;
  auto data = Symbol::variable("data");
  auto net1 = fc(fc(data, "fc1", 10), "fc2", 100);
  REQUIRE(net1.get_children().list_outputs() == strings{"fc1_output", "fc2_weight", "fc2_bias"});
  REQUIRE(net1.get_children().size() == 3);
  REQUIRE(net1.get_children().get_children().list_outputs() == strings{"data", "fc1_weight", "fc1_bias"});
  auto w = net1.get_children()["fc2_weight"];
  REQUIRE(w.list_arguments() == strings{"fc2_weight"});
  REQUIRE(w.get_children().size() == 0);  // MXNet's None
}

TEST_CASE("test_children_same_name: a + a has two children named data", "[symbol][mxnet]") {
  auto a = Symbol::variable("data");
  auto b = a + a;
  REQUIRE(b.get_children().list_outputs() == strings{"data", "data"});
}

TEST_CASE("test_attr_basic: variable attributes and hidden keys", "[symbol][mxnet]") {
  auto data = Symbol::variable("data", {{"dtype", "data"}, {"group", "1"}, {"force_mirroring", "True"}, {"lr_mult", "1"}});
  REQUIRE(data.attr("group") == "1");
  REQUIRE(data.attr("lr_mult") == "1");
  REQUIRE(data.attr("__lr_mult__") == "1");
  REQUIRE(data.attr("force_mirroring") == "True");
  REQUIRE(data.attr("__force_mirroring__") == "True");
  REQUIRE(data.attr("name") == "data");
  REQUIRE(data.attr("op_name") == "null");
  REQUIRE_FALSE(data.attr("missing").has_value());
  // Attributes survive a JSON round trip (MXNet's pickle).
  REQUIRE(Symbol::from_json(data.to_json()).attr("__force_mirroring__") == "True");
}

TEST_CASE("test_list_attr: hidden keys are listed twice", "[symbol][mxnet]") {
  auto data = Symbol::variable("data");
  auto op = Symbol::create("Convolution", {data},
                           {{"kernel", "(1, 1)"}, {"num_filter", "1"}, {"__mood__", "so so"}, {"wd_mult", "x"}}, "conv");
  auto attrs = op.list_attr();
  REQUIRE(attrs.at("__mood__") == "so so");
  REQUIRE(attrs.at("wd_mult") == "x");
  REQUIRE(attrs.at("__wd_mult__") == "x");
  REQUIRE_THROWS_WITH(Symbol::create("Convolution", {data}, {{"weight_lr_mult", "1"}}),
                      Catch::Contains("weight_lr_mult is deprecated"));
}

TEST_CASE("attr_dict walks the graph in DFS order", "[symbol][mxnet]") {
  auto data = Symbol::variable("data", {{"mood", "angry"}});
  auto op = Symbol::create("Convolution", {data}, {{"kernel", "(1, 1)"}, {"num_filter", "1"}, {"lr_mult", "1"}}, "conv");
  auto d = op.attr_dict();
  REQUIRE(d.at("data") == xsym::attr_map{{"mood", "angry"}});
  REQUIRE(d.at("conv").at("__lr_mult__") == "1");
  REQUIRE(d.at("conv").at("lr_mult") == "1");
  REQUIRE(d.at("conv").at("kernel") == "(1, 1)");
  REQUIRE(d.count("conv_weight") == 1);
  REQUIRE(d.count("conv_bias") == 1);
}

TEST_CASE("runtime names follow MXNet's name manager", "[symbol][naming]") {
  xsym::name_scope scope;
  auto data = Symbol::variable("data");
  // test_scalarop's expression, built at run time in a fresh scope.
  auto t = 2 / (4 - ((1 + data + 1) * 2 / 5) - 0.8 - (data != 0));
  strings names;
  for (const auto& n : t.topological_nodes()) names.push_back(n->name);
  REQUIRE(names == strings{"data", "_plusscalar0", "_plusscalar1", "_mulscalar0", "_divscalar0", "_rminusscalar0",
                           "_minusscalar0", "_not_equal_scalar0", "_minus0", "_rdivscalar0"});
  // Counters go on across expressions, per hint, until the scope ends.
  auto u = data + data;
  REQUIRE(u.name() == "_plus0");
  auto v = data + data;
  REQUIRE(v.name() == "_plus1");
  {
    xsym::name_scope inner;
    REQUIRE((data + data).name() == "_plus0");
  }
  REQUIRE((data + data).name() == "_plus2");
  // Functions are named after themselves; create() without a hint lower-cases the op name.
  REQUIRE(xsym::exp(data).name() == "exp0");
  REQUIRE(Symbol::create("Activation", {data}, {{"act_type", "relu"}}).name() == "activation0");
  REQUIRE(Symbol::create("FullyConnected", {data}, {{"num_hidden", "2"}}).name() == "fullyconnected0");
  REQUIRE(xsym::cast<double>(data).attr("dtype") == "float64");
  REQUIRE(xsym::cast(data, xsym::dtype::int32).attr("dtype") == "int32");
  REQUIRE(xsym::clip(data, 0, 1.5).list_attr() == xsym::attr_map{{"a_max", "1.5"}, {"a_min", "0"}});
  auto loss = xsym::smooth_l1(data, 1.0);
  REQUIRE(loss.name() == "smooth_l10");
  REQUIRE(loss.list_attr() == xsym::attr_map{{"scalar", "1.0"}});
}

TEST_CASE("runtime-built symbols write MXNet's JSON byte for byte", "[symbol][json]") {
  xsym::name_scope scope;
  auto A = Symbol::variable("A");
  auto B = Symbol::variable("B");
  auto C = Symbol::variable("C");
  auto D = Symbol::variable("D");
  // Separate statements: C++ does not fix which operand of `+` is built first.
  auto ab = A * B;
  auto cd = C * D;
  REQUIRE((ab + cd).to_json() == xsym_test::mxnet_literal::e);
  {
    xsym::name_scope fresh;
    REQUIRE(((A + 1.5) * B).to_json() == xsym_test::mxnet_literal::plus_scalar_mul);
  }
  {
    xsym::name_scope fresh;
    REQUIRE(xsym::sqrt(xsym::exp(xsym::relu(A))).to_json() == xsym_test::mxnet_literal::unary_chain);
  }
  {
    xsym::name_scope fresh;
    REQUIRE(Symbol::create("Activation", {A}, {{"act_type", "relu"}}).to_json() == xsym_test::mxnet_literal::activation);
  }
  {
    xsym::name_scope fresh;
    REQUIRE(xsym::Group({-A, 2 / B}).to_json() == xsym_test::mxnet_literal::neg_group);
  }
  REQUIRE(A.to_json() == xsym_test::mxnet_literal::variable);
}

TEST_CASE("a static graph and its Symbol give the same lists and JSON", "[symbol][static]") {
  constexpr auto a = xsym::variable<"A">();
  constexpr auto b = xsym::variable<"B">();
  constexpr auto c = xsym::variable<"C">();
  constexpr auto d = xsym::variable<"D">();
  auto check = [](const auto& g) {
    Symbol s = g;
    auto args = xsym::list_arguments(g);
    auto outs = xsym::list_outputs(g);
    auto internals = xsym::list_outputs(xsym::get_internals(g));
    auto children = xsym::list_outputs(xsym::get_children(g));
    CHECK(s.list_arguments() == strings(args.begin(), args.end()));
    CHECK(s.list_outputs() == strings(outs.begin(), outs.end()));
    CHECK(s.get_internals().list_outputs() == strings(internals.begin(), internals.end()));
    CHECK(s.get_children().list_outputs() == strings(children.begin(), children.end()));
    // The Symbol of the internals view has the internals as outputs.
    CHECK(Symbol(xsym::get_internals(g)).list_outputs() == strings(internals.begin(), internals.end()));
  };
  check((a * b) + (c * d));
  check(2 / (4 - ((1 + a + 1) * 2 / 5) - 0.8 - (a != 0)));
  auto t = a * b;
  check(t + t);
  check(xsym::group(xsym::exp(a), xsym::exp(xsym::exp(b))));
  check(xsym::clip(xsym::cast<double>(a), -1, 1) * xsym::pow(2, xsym::variable<"B", double>()));
  check(b * a + a);

  Symbol e = (a * b) + (c * d);
  REQUIRE(e.to_json() == xsym_test::mxnet_literal::e);
  Symbol s = (a + 1.5) * b;
  REQUIRE(s.to_json() == xsym_test::mxnet_literal::plus_scalar_mul);
  Symbol g = xsym::group(-a, 2 / b);
  REQUIRE(g.to_json() == xsym_test::mxnet_literal::neg_group);
  Symbol typed = xsym::variable<"A", std::int8_t>() * 2;
  REQUIRE(typed.get_internals()["A"].attr("__dtype__") == "5");  // MXNet's code for int8
}

TEST_CASE("Symbol errors name what is wrong", "[symbol][errors]") {
  auto a = Symbol::variable("a");
  REQUIRE_THROWS_WITH(Symbol::create("NoSuchOp", {a}), Catch::Contains("unknown op 'NoSuchOp'"));
  REQUIRE_THROWS_WITH(Symbol::create("exp", {a, a}), Catch::Contains("takes 1 inputs, got 2"));
  REQUIRE_THROWS_WITH(Symbol::create("exp", {xsym::Group({a, a})}), Catch::Contains("has 2 outputs"));
  REQUIRE_THROWS_WITH(xsym::Group({}), Catch::Contains("empty"));
  REQUIRE_THROWS_WITH(xsym::Group({a, a})["a"], Catch::Contains("several outputs named 'a'"));
}

TEST_CASE("debug_str prints nnvm's layout", "[symbol]") {
  Symbol e = (xsym::variable<"A">() * xsym::variable<"B">()) + (xsym::variable<"C">() * xsym::variable<"D">());
  REQUIRE(e.debug_str() ==
          "Symbol Outputs:\n\toutput[0]=_plus0(0)\nVariable:A\nVariable:B\n--------------------\n"
          "Op:elemwise_mul, Name=_mul0\nInputs:\n\targ[0]=A(0) version=0\n\targ[1]=B(0) version=0\nVariable:C\n"
          "Variable:D\n--------------------\nOp:elemwise_mul, Name=_mul1\nInputs:\n\targ[0]=C(0) version=0\n"
          "\targ[1]=D(0) version=0\n--------------------\nOp:elemwise_add, Name=_plus0\nInputs:\n\targ[0]=_mul0(0)\n"
          "\targ[1]=_mul1(0)\n");
}

TEST_CASE("BatchNorm's moving statistics are auxiliary states", "[symbol]") {
  xsym::name_scope scope;
  auto data = Symbol::variable("data");
  auto bn = Symbol::create("BatchNorm", {data}, {}, "bn");
  REQUIRE(bn.list_arguments() == strings{"data", "bn_gamma", "bn_beta"});
  REQUIRE(bn.list_auxiliary_states() == strings{"bn_moving_mean", "bn_moving_var"});
  REQUIRE(bn.list_inputs() == strings{"data", "bn_gamma", "bn_beta", "bn_moving_mean", "bn_moving_var"});
  REQUIRE(bn.list_outputs() == strings{"bn_output"});  // three outputs, one visible
  REQUIRE(bn.to_json().find("\"node_row_ptr\": [0, 1, 2, 3, 4, 5, 8]") != std::string::npos);
}
