// xsym::viz::plot_network against MXNet's plot_network (MXNET-REFERENCE.md §4.1).
#include <catch2/catch.hpp>

#include <string>

#include <xsym/xsym.hpp>

#include "viz_helpers.hpp"

using viz_test::check_graphviz_parses;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

auto make_e() {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto c = xsym::variable<"C">();
  auto d = xsym::variable<"D">();
  return (a * b) + (c * d);
}

xsym::Symbol lenet() { return xsym::Symbol::load(XSYM_TEST_DATA_DIR "/mxnet/lenet-symbol.json"); }

const std::string node_tail = " fixedsize=false height=0.8034 shape=box style=filled width=1.3]";

}  // namespace

// §4.1's literal, byte for byte (python-graphviz 0.13.2 layout), shape = (2, 3) for A, B, C, D.
TEST_CASE("E matches MXNet's literal DOT") {
  const std::string expected =
      "digraph plot {\n"
      "\tA [label=A fillcolor=\"#8dd3c7\" fixedsize=true height=0.8034 shape=oval style=filled width=1.3]\n"
      "\tB [label=B fillcolor=\"#8dd3c7\" fixedsize=true height=0.8034 shape=oval style=filled width=1.3]\n"
      "\t_mul0 [label=_mul0 fillcolor=\"#fccde5\" fixedsize=true height=0.8034 shape=box style=filled width=1.3]\n"
      "\tC [label=C fillcolor=\"#8dd3c7\" fixedsize=true height=0.8034 shape=oval style=filled width=1.3]\n"
      "\tD [label=D fillcolor=\"#8dd3c7\" fixedsize=true height=0.8034 shape=oval style=filled width=1.3]\n"
      "\t_mul1 [label=_mul1 fillcolor=\"#fccde5\" fixedsize=true height=0.8034 shape=box style=filled width=1.3]\n"
      "\t_plus0 [label=_plus0 fillcolor=\"#fccde5\" fixedsize=true height=0.8034 shape=box style=filled width=1.3]\n"
      "\t_mul0 -> A [label=3 arrowtail=open dir=back]\n"
      "\t_mul0 -> B [label=3 arrowtail=open dir=back]\n"
      "\t_mul1 -> C [label=3 arrowtail=open dir=back]\n"
      "\t_mul1 -> D [label=3 arrowtail=open dir=back]\n"
      "\t_plus0 -> _mul0 [label=3 arrowtail=open dir=back]\n"
      "\t_plus0 -> _mul1 [label=3 arrowtail=open dir=back]\n"
      "}";
  auto e = make_e();
  std::map<std::string, xsym::shape> shapes{{"A", {2, 3}}, {"B", {2, 3}}, {"C", {2, 3}}, {"D", {2, 3}}};
  const xsym::viz::plot_options mxnet{.mxnet_sizes = true};
  auto from_static = xsym::viz::plot_network(e, shapes, mxnet);
  CHECK(from_static == expected);
  xsym::Symbol s = e;
  CHECK(xsym::viz::plot_network(s, shapes, mxnet) == expected);
  // The same graph loaded from MXNet's JSON.
  CHECK(xsym::viz::plot_network(xsym::Symbol::from_json(s.to_json()), shapes, mxnet) == expected);
  // By default the boxes grow to fit their labels (at least MXNet's size): only fixedsize differs.
  std::string fitted = expected;
  for (std::size_t p = 0; (p = fitted.find("fixedsize=true", p)) != std::string::npos;)
    fitted.replace(p, 14, "fixedsize=false");
  CHECK(xsym::viz::plot_network(e, shapes) == fitted);
  check_graphviz_parses(from_static);
}

TEST_CASE("E without shapes has empty edge labels, and the title names the graph") {
  auto dot = xsym::viz::plot_network(make_e(), {}, {.title = "E"});
  CHECK(dot.starts_with("digraph E {\n"));
  CHECK(contains(dot, "\t_mul0 -> A [label=\"\" arrowtail=open dir=back]\n"));
  CHECK(contains(dot, "\t_plus0 -> _mul1 [label=\"\" arrowtail=open dir=back]\n"));
  check_graphviz_parses(dot);
  // 1-d shapes lose their only dimension: empty labels too (the seed's call).
  auto seed = xsym::viz::plot_network(make_e(), {{"A", {1}}, {"B", {1}}, {"C", {1}}, {"D", {1}}},
                                      {.title = "e", .node_attrs = {{"shape", "oval"}, {"fixedsize", "false"}}});
  CHECK(contains(seed, "\t_plus0 [label=_plus0 fillcolor=\"#fccde5\" fixedsize=false height=0.8034 shape=oval "
                       "style=filled width=1.3]\n"));
  CHECK(contains(seed, "\t_mul0 -> A [label=\"\" arrowtail=open dir=back]\n"));
  check_graphviz_parses(seed);
}

TEST_CASE("node_attrs are merged over the defaults") {
  auto dot = xsym::viz::plot_network(make_e(), {}, {.node_attrs = {{"fixedsize", "false"}, {"color", "red"},
                                                                     {"width", "2"}, {"label", "ignored"}}});
  CHECK(contains(dot, "\tA [label=A color=red fillcolor=\"#8dd3c7\" fixedsize=false height=0.8034 shape=oval "
                      "style=filled width=2]\n"));
  CHECK(contains(dot, "\t_mul0 [label=_mul0 color=red fillcolor=\"#fccde5\" fixedsize=false height=0.8034 "
                      "shape=box style=filled width=2]\n"));
  CHECK_FALSE(contains(dot, "ignored"));
  check_graphviz_parses(dot);
}

TEST_CASE("dtype labels follow the shape") {
  std::map<std::string, xsym::shape> shapes{{"A", {2, 3}}, {"B", {2, 3}}, {"C", {2, 3}}, {"D", {2, 3}}};
  auto dot = xsym::viz::plot_network(make_e(), shapes, {.dtypes = {{"A", xsym::dtype::float32}}});
  CHECK(contains(dot, "\t_mul0 -> A [label=\"3(float32)\" arrowtail=open dir=back]\n"));
  CHECK(contains(dot, "\t_plus0 -> _mul1 [label=\"3(float32)\" arrowtail=open dir=back]\n"));
  auto only_types = xsym::viz::plot_network(make_e(), {}, {.dtypes = {{"A", xsym::dtype::int32}}});
  CHECK(contains(only_types, "\t_mul0 -> B [label=\"(int32)\" arrowtail=open dir=back]\n"));
  check_graphviz_parses(dot);
  check_graphviz_parses(only_types);
}

TEST_CASE("incomplete or wrong shapes are errors") {
  // Elementwise ops infer backwards too: A alone determines E. LeNet without data does not.
  CHECK_NOTHROW(xsym::viz::plot_network(make_e(), {{"A", {2, 3}}}));
  CHECK_THROWS_WITH(xsym::viz::plot_network(lenet(), {{"hybridsequential0_conv0_bias", {5}}}),
                    Catch::Contains("Input shape is incomplete"));
  CHECK_THROWS_AS(xsym::viz::plot_network(make_e(), {{"nope", {2, 3}}}), xsym::error);
  CHECK_THROWS_AS(xsym::viz::plot_network(make_e(), {{"A", {2, 3}}, {"B", {3, 2}}, {"C", {2, 3}}, {"D", {2, 3}}}),
                  xsym::error);
  CHECK_THROWS_WITH(xsym::viz::plot_network(make_e(), {}, {.save_format = "docx"}),
                    Catch::Contains("unknown save_format"));
}

// Shapes derived by hand from lenet-symbol.json with data = (1, 1, 28, 28): conv 5x5 -> 5x24x24,
// pool 2/2 -> 5x12x12, conv 5x5 -> 5x8x8, pool -> 5x4x4, flatten -> 80, dense 32, dense 10.
TEST_CASE("LeNet: nodes, edges and shape labels") {
  auto dot = xsym::viz::plot_network(lenet(), {{"data", {1, 1, 28, 28}}}, {.title = "lenet"});
  CHECK(dot.starts_with("digraph lenet {\n"));
  CHECK(contains(dot, "\tdata [label=data fillcolor=\"#8dd3c7\" fixedsize=false height=0.8034 shape=oval "
                      "style=filled width=1.3]\n"));
  CHECK(contains(dot, "\thybridsequential0_conv0_fwd [label=\"Convolution\\n5x5/1x1, 5\" fillcolor=\"#fb8072\"" +
                          node_tail));
  CHECK(contains(dot, "\thybridsequential0_conv0_relu_fwd [label=\"Activation\\nrelu\" fillcolor=\"#ffffb3\"" +
                          node_tail));
  CHECK(contains(dot, "\thybridsequential0_pool0_fwd [label=\"Pooling\\nmax, 2x2/2x2\" fillcolor=\"#80b1d3\"" +
                          node_tail));
  CHECK(contains(dot, "\thybridsequential0_flatten0_flatten0 [label=hybridsequential0_flatten0_flatten0 "
                      "fillcolor=\"#fdb462\"" + node_tail));
  CHECK(contains(dot, "\thybridsequential0_dense0_fwd [label=\"FullyConnected\\n32\" fillcolor=\"#fb8072\"" +
                          node_tail));
  CHECK(contains(dot, "\thybridsequential0_dense1_fwd [label=\"FullyConnected\\n10\" fillcolor=\"#fb8072\"" +
                          node_tail));
  auto edge = [](const std::string& from, const std::string& to, const std::string& label) {
    return "\thybridsequential0_" + from + " -> " + to + " [label=" + label + " arrowtail=open dir=back]\n";
  };
  CHECK(contains(dot, edge("conv0_fwd", "data", "\"1x28x28\"")));
  CHECK(contains(dot, edge("conv0_relu_fwd", "hybridsequential0_conv0_fwd", "\"5x24x24\"")));
  CHECK(contains(dot, edge("pool0_fwd", "hybridsequential0_conv0_relu_fwd", "\"5x24x24\"")));
  CHECK(contains(dot, edge("conv1_fwd", "hybridsequential0_pool0_fwd", "\"5x12x12\"")));
  CHECK(contains(dot, edge("pool1_fwd", "hybridsequential0_conv1_relu_fwd", "\"5x8x8\"")));
  CHECK(contains(dot, edge("flatten0_flatten0", "hybridsequential0_pool1_fwd", "\"5x4x4\"")));
  CHECK(contains(dot, edge("dense0_fwd", "hybridsequential0_flatten0_flatten0", "80")));
  CHECK(contains(dot, edge("dense0_relu_fwd", "hybridsequential0_dense0_fwd", "32")));
  CHECK(contains(dot, edge("dense1_fwd", "hybridsequential0_dense0_relu_fwd", "32")));
  // hide_weights (default): no weight or bias anywhere.
  CHECK_FALSE(contains(dot, "_weight"));
  CHECK_FALSE(contains(dot, "_bias"));
  // 11 node lines (data + 10 ops), 10 edges.
  std::size_t lines = 0, edges = 0;
  for (std::size_t p = 0; (p = dot.find("\n\t", p)) != std::string::npos; ++p) ++lines;
  for (std::size_t p = 0; (p = dot.find(" -> ", p)) != std::string::npos; ++p) ++edges;
  CHECK(edges == 10);
  CHECK(lines == 21);
  check_graphviz_parses(dot);
}

TEST_CASE("hide_weights false draws edges to weights without node lines") {
  auto dot = xsym::viz::plot_network(lenet(), {{"data", {1, 1, 28, 28}}}, {.hide_weights = false});
  CHECK(contains(dot, "\thybridsequential0_conv0_fwd -> hybridsequential0_conv0_weight [label=\"1x5x5\" "
                      "arrowtail=open dir=back]\n"));
  CHECK(contains(dot, "\thybridsequential0_conv0_fwd -> hybridsequential0_conv0_bias [label=\"\" "
                      "arrowtail=open dir=back]\n"));
  CHECK(contains(dot, "\thybridsequential0_dense0_fwd -> hybridsequential0_dense0_weight [label=80 "
                      "arrowtail=open dir=back]\n"));
  CHECK_FALSE(contains(dot, "\thybridsequential0_conv0_weight ["));
  std::size_t edges = 0;
  for (std::size_t p = 0; (p = dot.find(" -> ", p)) != std::string::npos; ++p) ++edges;
  CHECK(edges == 18);
  check_graphviz_parses(dot);
}

TEST_CASE("odd names are escaped") {
  using xsym::Symbol;
  auto odd = [](const std::string& name) { return Symbol::variable(name); };
  // Variables with odd names, combined; an op node with an odd name too.
  std::vector<std::string> names{"with \"quotes\"", "back\\slash", "new\nline", "caf\xC3\xA9 \xE2\x88\x91",
                                 "node", "GRAPH", "edge", "strict", "", "a:b", "<html>", "\\N", "1x2", "-3.5",
                                 "tab\there"};
  Symbol sum = odd(names[0]);
  for (std::size_t i = 1; i < names.size(); ++i) sum = sum + odd(names[i]);
  auto dot = xsym::viz::plot_network(sum, {}, {.title = "my \"graph\""});
  CHECK(dot.starts_with("digraph \"my \\\"graph\\\"\" {\n"));
  CHECK(contains(dot, "\t\"with \\\"quotes\\\"\" [label=\"with \\\"quotes\\\"\" "));
  CHECK(contains(dot, "\t\"back\\\\slash\" [label=\"back\\\\slash\" "));
  CHECK(contains(dot, "\t\"new\\nline\" [label=\"new\\nline\" "));
  CHECK(contains(dot, "\t\"caf\xC3\xA9 \xE2\x88\x91\" [label=\"caf\xC3\xA9 \xE2\x88\x91\" "));
  CHECK(contains(dot, "\t\"node\" [label=\"node\" "));
  CHECK(contains(dot, "\t\"GRAPH\" [label=\"GRAPH\" "));
  CHECK(contains(dot, "\t\"edge\" [label=\"edge\" "));
  CHECK(contains(dot, "\t\"strict\" [label=\"strict\" "));
  CHECK(contains(dot, "\t\"a:b\" [label=\"a:b\" "));
  CHECK(contains(dot, "\t\"<html>\" [label=\"<html>\" "));
  CHECK(contains(dot, "\t\"\\\\N\" [label=\"\\\\N\" "));
  CHECK(contains(dot, "\t\"1x2\" [label=\"1x2\" "));
  CHECK(contains(dot, "\t-3.5 [label=-3.5 "));
  CHECK(contains(dot, "\t\"tab\\\\x09here\" [label=\"tab\\\\x09here\" "));
  // The empty name gets an id of its own and keeps its (empty) label.
  CHECK(contains(dot, " [label=\"\" fillcolor=\"#8dd3c7\""));
  CHECK_FALSE(contains(dot, "\t\"\" ["));
  check_graphviz_parses(dot);

  // An op node with odd characters, and a Convolution label.
  auto conv = Symbol::create("Convolution", {odd("x")},
                             {{"kernel", "(3, 3)"}, {"num_filter", "8"}, {"stride", "(2, 2)"}}, "c\"onv\\");
  auto cdot = xsym::viz::plot_network(conv, {{"x", {1, 1, 9, 9}}}, {.hide_weights = false});
  CHECK(contains(cdot, "\t\"c\\\"onv\\\\\" [label=\"Convolution\\n3x3/2x2, 8\" fillcolor=\"#fb8072\""));
  CHECK(contains(cdot, "\t\"c\\\"onv\\\\\" -> x [label=\"1x9x9\" arrowtail=open dir=back]\n"));
  check_graphviz_parses(cdot);
}

TEST_CASE("duplicate names get unique ids and keep their labels") {
  using xsym::Symbol;
  // Two distinct variables named x, and an op named like a generated id.
  auto s = Symbol::variable("x") * Symbol::variable("x");
  auto dot = xsym::viz::plot_network(s);
  CHECK(contains(dot, "\tnode0 [label=x fillcolor=\"#8dd3c7\""));
  CHECK(contains(dot, "\tnode1 [label=x fillcolor=\"#8dd3c7\""));
  auto op = *s.name();
  CHECK(contains(dot, "\t" + op + " -> node0 [label=\"\""));
  CHECK(contains(dot, "\t" + op + " -> node1 [label=\"\""));
  check_graphviz_parses(dot);

  // A node already named node0 keeps it; the duplicate takes another id.
  auto t = Symbol::variable("node0") + (Symbol::variable("y") * Symbol::variable("y"));
  auto tdot = xsym::viz::plot_network(t);
  CHECK(contains(tdot, "\tnode0 [label=node0 "));
  CHECK(contains(tdot, "\tnode1 [label=y "));
  CHECK(contains(tdot, "\tnode2 [label=y "));
  check_graphviz_parses(tdot);

  // Duplicate weights with hide_weights = false get a bare labelled node line.
  auto fc1 = Symbol::create("FullyConnected", {Symbol::variable("data"), Symbol::variable("w_weight")},
                            {{"num_hidden", "4"}, {"no_bias", "True"}}, "fc1");
  auto fc2 = Symbol::create("FullyConnected", {fc1, Symbol::variable("w_weight")},
                            {{"num_hidden", "4"}, {"no_bias", "True"}}, "fc2");
  auto wdot = xsym::viz::plot_network(fc2, {}, {.hide_weights = false});
  CHECK(contains(wdot, "\tnode1 [label=w_weight]\n"));
  CHECK(contains(wdot, "\tnode3 [label=w_weight]\n"));
  CHECK(contains(wdot, "\tfc2 -> node3 [label=\"\""));
  check_graphviz_parses(wdot);
  auto hidden = xsym::viz::plot_network(fc2);
  CHECK_FALSE(contains(hidden, "w_weight"));
  CHECK(contains(hidden, "\tfc2 -> fc1 [label=\"\""));
}

TEST_CASE("other op families: colours and labels") {
  using xsym::Symbol;
  auto x = Symbol::variable("x");
  auto leaky = Symbol::create("LeakyReLU", {x}, {}, "lr");
  auto pool = Symbol::create("Pooling", {leaky}, {{"pool_type", "avg"}, {"global_pool", "True"}}, "gp");
  auto dot = xsym::viz::plot_network(pool);
  CHECK(contains(dot, "\tlr [label=\"LeakyReLU\\nLeaky\" fillcolor=\"#ffffb3\""));
  CHECK(contains(dot, "\tgp [label=\"Pooling\\navg, []/1\" fillcolor=\"#80b1d3\""));
  check_graphviz_parses(dot);
}
