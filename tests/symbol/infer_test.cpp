// Symbol::infer_shape / infer_type against MXNet (MXNET-REFERENCE.md §3 and §6 items 8, 9, 10,
// 14, 22, 26): the worked results for E = (A*B)+(C*D), the error messages, the network ops'
// rules, and the real models, whose every shape must be inferred.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <xsym/xsym.hpp>

#ifndef XSYM_TEST_DATA_DIR
#define XSYM_TEST_DATA_DIR "/work/main/tests/data"
#endif

using xsym::dtype;
using xsym::shape;
using xsym::Symbol;
using shapes = std::vector<shape>;
using types = std::vector<dtype>;
using optional_types = std::vector<std::optional<dtype>>;

namespace {

Symbol var(const std::string& name, xsym::attr_map attrs = {}) { return Symbol::variable(name, std::move(attrs)); }

Symbol op(const char* name, std::vector<Symbol> inputs, xsym::attr_map attrs = {}, std::string node = {}) {
  return Symbol::create(name, inputs, std::move(attrs), std::move(node));
}

Symbol fc(const Symbol& in, const char* name, int hidden) {
  return op("FullyConnected", {in}, {{"num_hidden", std::to_string(hidden)}}, name);
}

// The message of the xsym::error that f throws.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const xsym::error& e) {
    return e.what();
  }
  FAIL("expected an xsym::error");
  return {};
}

// Shapes of `s`'s arguments by name.
std::map<std::string, shape> by_name(const Symbol& s, const xsym::shape_inference& r) {
  std::map<std::string, shape> m;
  auto names = s.list_arguments();
  REQUIRE(names.size() == r.arguments.size());
  for (std::size_t i = 0; i < names.size(); ++i) m[names[i]] = r.arguments[i];
  return m;
}

Symbol static_e() {
  auto e = (xsym::variable<"A">() * xsym::variable<"B">()) + (xsym::variable<"C">() * xsym::variable<"D">());
  return e;
}

}  // namespace

// ---- §3.6: E = (A*B)+(C*D) ------------------------------------------------------------------

TEST_CASE("infer_shape: E = (A*B)+(C*D) gives MXNet's worked results", "[infer][mxnet]") {
  Symbol e = static_e();
  xsym::name_scope scope;
  // Sequenced as Python evaluates it (C++ leaves the order of `+`'s operands unspecified).
  Symbol ab = Symbol::variable("A") * Symbol::variable("B");
  Symbol cd = Symbol::variable("C") * Symbol::variable("D");
  Symbol runtime = ab + cd;
  REQUIRE(runtime.get_internals().list_outputs() ==
          std::vector<std::string>{"A", "B", "_mul0_output", "C", "D", "_mul1_output", "_plus0_output"});
  for (const Symbol& s : {e, runtime}) {
    REQUIRE(s.list_arguments() == std::vector<std::string>{"A", "B", "C", "D"});
    // Forward fills B and _mul0; _plus0 pushes (2,3) back to _mul1, then C and D.
    auto [args, outs, aux] = s.infer_shape({{"A", {2, 3}}});
    CHECK(args == shapes(4, shape{2, 3}));
    CHECK(outs == shapes{{2, 3}});
    CHECK(aux.empty());
    // Any argument carries the shape to all the others.
    CHECK(s.infer_shape({{"D", {7}}}).arguments == shapes(4, shape{7}));

    CHECK(error_of([&] { s.infer_shape({{"A", {2, 3}}, {"C", {3, 2}}}); }) ==
          "Error in operator _plus0: Incompatible attr in node _plus0 at 1-th input: expected [2,3], got [3,2] "
          "(input 1 of _plus0 is the output of node '_mul1')");

    // Nothing known: MXNet's None is an error naming the first unknown argument; the partial
    // form gives unknown shapes (no dimensions).
    CHECK(error_of([&] { (void)s.infer_shape(); }) ==
          "xsym::Symbol::infer_shape: cannot infer every shape: the shape of argument 'A' is unknown; give it "
          "(infer_shape_partial returns what is known)");
    auto partial = s.infer_shape_partial();
    CHECK(partial.arguments == shapes(4, shape{}));
    CHECK(partial.outputs == shapes{shape{}});
    CHECK(partial.auxiliary_states.empty());
  }
}

TEST_CASE("infer_shape: an unknown keyword lists the candidate arguments", "[infer][mxnet][errors]") {
  Symbol e = static_e();
  CHECK(error_of([&] { e.infer_shape({{"X", {1}}}); }) ==
        "InferShapeKeyword argument name X not found.\nCandidate arguments:\n\t[0]A\n\t[1]B\n\t[2]C\n\t[3]D\n");
  CHECK(error_of([&] { e.infer_shape_partial({{"A", {1}}, {"a", {1}}}); }).starts_with(
      "InferShapeKeyword argument name a not found."));
  CHECK(error_of([&] { e.infer_type({{"E", dtype::float32}}); }) ==
        "InferTypeKeyword argument name E not found.\nCandidate arguments:\n\t[0]A\n\t[1]B\n\t[2]C\n\t[3]D\n");
  CHECK(error_of([&] { e.infer_type_partial({{"E", dtype::float32}}); })
            .starts_with("InferTypeKeyword argument name E not found."));
}

TEST_CASE("infer_type: E = (A*B)+(C*D) gives MXNet's worked results", "[infer][mxnet]") {
  Symbol e = static_e();
  auto [args, outs, aux] = e.infer_type({{"A", dtype::float32}});
  CHECK(args == types(4, dtype::float32));
  CHECK(outs == types{dtype::float32});
  CHECK(aux.empty());
  CHECK(e.infer_type({{"C", dtype::int64}}).arguments == types(4, dtype::int64));

  CHECK(error_of([&] { e.infer_type({{"A", dtype::float32}, {"B", dtype::float16}}); }) ==
        "Error in operator _mul0: Incompatible attr in node _mul0 at 1-th input: expected float32, got float16 "
        "(input 1 of _mul0 is argument 'B')");

  // No float32 default: unknown stays unknown.
  CHECK(error_of([&] { (void)e.infer_type(); }) ==
        "xsym::Symbol::infer_type: cannot infer every dtype: the dtype of argument 'A' is unknown; give it "
        "(infer_type_partial returns what is known)");
  auto partial = e.infer_type_partial();
  CHECK(partial.arguments == optional_types(4, std::nullopt));
  CHECK(partial.outputs == optional_types{std::nullopt});

  // A typed static variable carries its dtype (__dtype__) into the Symbol.
  Symbol typed = (xsym::variable<"A", double>() * xsym::variable<"B">()) + xsym::variable<"C">();
  CHECK(typed.infer_type().arguments == types(3, dtype::float64));
}

// ---- §6 ports ---------------------------------------------------------------------------------

TEST_CASE("test_symbol_infer_type: Cast feeds a float32 network from float16 data", "[infer][mxnet]") {
  xsym::name_scope scope;
  auto data = var("data");
  auto f32 = xsym::cast(data, dtype::float32);
  auto fc1 = fc(f32, "fc1", 128);
  auto sm = op("SoftmaxOutput", {fc1}, {}, "softmax");
  REQUIRE(sm.list_arguments() == std::vector<std::string>{"data", "fc1_weight", "fc1_bias", "softmax_label"});

  auto [args, outs, aux] = sm.infer_type({{"data", dtype::float16}});
  CHECK(args == types{dtype::float16, dtype::float32, dtype::float32, dtype::float32});
  CHECK(outs == types{dtype::float32});
  CHECK(aux.empty());

  auto partial = sm.infer_type_partial();
  CHECK(partial.arguments == optional_types{std::nullopt, dtype::float32, dtype::float32, dtype::float32});
  CHECK(partial.outputs == optional_types{dtype::float32});
  // Cast's input stays free, so infer_type without data is incomplete.
  CHECK_THAT(error_of([&] { (void)sm.infer_type(); }), Catch::Contains("cannot infer every dtype"));
}

TEST_CASE("test_symbol_infer_shape: partial inference through FullyConnected and Convolution", "[infer][mxnet]") {
  xsym::name_scope scope;
  auto x2h = fc(var("data"), "x2h", 128);
  auto h2h = fc(var("prevstate"), "h2h", 128);
  auto out = op("Activation", {op("elemwise_add", {x2h, h2h})}, {{"act_type", "relu"}}, "relu");

  CHECK(error_of([&] { (void)out.infer_shape({{"data", {10, 64}}}); }) ==
        "xsym::Symbol::infer_shape: cannot infer every shape: the shape of argument 'prevstate' is unknown; give it "
        "(infer_shape_partial returns what is known)");

  auto partial = out.infer_shape_partial({{"data", {10, 64}}});
  auto m = by_name(out, partial);
  CHECK(m["data"] == shape{10, 64});
  CHECK(m["x2h_weight"] == shape{128, 64});
  CHECK(m["x2h_bias"] == shape{128});
  CHECK(m["h2h_weight"] == shape{});  // h2h's data stays unknown
  CHECK(m["prevstate"] == shape{});
  CHECK(partial.outputs == shapes{{10, 128}});

  auto full = out.infer_shape({{"data", {10, 64}}, {"prevstate", partial.outputs[0]}});
  auto f = by_name(out, full);
  CHECK(f["h2h_weight"] == shape{128, 128});
  CHECK(f["h2h_bias"] == shape{128});
  CHECK(full.outputs == shapes{{10, 128}});

  // Convolution(cast(var('data', shape=(1,0,0,0))), cast(weight), kernel=(7,7), num_filter=64, ...).
  auto cdata = xsym::cast(var("data", {{"__shape__", "(1, 0, 0, 0)"}}), dtype::float16);
  auto cweight = xsym::cast(var("weight"), dtype::float16);
  auto conv = op("Convolution", {cdata, cweight},
                 {{"kernel", "(7, 7)"}, {"num_filter", "64"}, {"pad", "(3, 3)"}, {"stride", "(2, 2)"}, {"no_bias", "True"}});
  auto c = by_name(conv, conv.infer_shape_partial());
  CHECK(c["data"] == shape{1, 0, 0, 0});
  CHECK(c["weight"] == shape{64, 0, 7, 7});
}

TEST_CASE("test_symbol_infer_shape_var: __shape__ is used unless a shape is given", "[infer][mxnet]") {
  xsym::name_scope scope;  // fresh auto names, none leaked to other tests
  auto a = var("a", {{"__shape__", "(2, 3)"}});
  auto b = var("b");
  auto c = op("elemwise_add", {a, b}, {}, "c");
  auto r = c.infer_shape();
  CHECK(r.arguments == shapes(2, shape{2, 3}));
  CHECK(r.outputs == shapes{{2, 3}});
  auto given = c.infer_shape({{"a", {5, 6}}});
  CHECK(given.arguments == shapes(2, shape{5, 6}));
  CHECK(given.outputs == shapes{{5, 6}});
  // A malformed __shape__ names the variable.
  auto bad = op("elemwise_add", {var("x", {{"__shape__", "(2, y)"}}), b}, {}, "bad");
  CHECK_THAT(error_of([&] { bad.infer_shape(); }),
             Catch::Contains("'x'") && Catch::Contains("__shape__") && Catch::Contains("(2, y)"));
  CHECK_NOTHROW(bad.infer_shape({{"x", {2, 3}}}));  // given: the attribute is not read
}

TEST_CASE("test_load_save_symbol: a (128, 0) weight completes from the data", "[infer][mxnet]") {
  xsym::name_scope scope;  // fresh auto names, none leaked to other tests
  auto weight = var("weight", {{"__shape__", "(128, 0)"}});
  auto s = op("FullyConnected", {var("data"), weight}, {{"num_hidden", "128"}}, "fc");
  CHECK(s.to_json().find("\"attrs\"") != std::string::npos);
  CHECK(s.to_json().find("is_np_shape") == std::string::npos);
  auto m = by_name(s, s.infer_shape({{"data", {10, 784}}}));
  CHECK(m["weight"] == shape{128, 784});
  CHECK(m["fc_bias"] == shape{128});
  CHECK(s.infer_shape({{"data", {10, 784}}}).outputs == shapes{{10, 128}});
}

TEST_CASE("test_infer_shape.py: mlp2, its error, incomplete shapes", "[infer][mxnet]") {
  xsym::name_scope scope;
  auto mlp2 = fc(op("Activation", {fc(var("data"), "fc1", 1000)}, {{"act_type", "relu"}}), "fc2", 10);

  SECTION("test_mlp2_infer_shape") {
    auto r = mlp2.infer_shape({{"data", {100, 100}}});
    auto m = by_name(mlp2, r);
    CHECK(r.outputs == shapes{{100, 10}});
    CHECK(m["fc1_weight"] == shape{1000, 100});
    CHECK(m["fc1_bias"] == shape{1000});
    CHECK(m["fc2_weight"] == shape{10, 1000});
    CHECK(m["fc2_bias"] == shape{10});
  }
  SECTION("test_mlp2_infer_error") {
    CHECK(error_of([&] { mlp2.infer_shape({{"data", {100, 100}}, {"fc1_weight", {1, 100}}}); }) ==
          "Error in operator fc1: Shape inconsistent, Provided = [1,100], inferred shape=[1000,100]");
  }
  SECTION("test_incomplete_infer_elewise") {
    auto a = var("a", {{"__shape__", "(0, 10)"}});
    auto b = var("b", {{"__shape__", "(12, 0)"}});
    auto c = a + b;
    auto m = by_name(c, c.infer_shape());
    CHECK(m["a"] == shape{12, 10});
    CHECK(m["b"] == shape{12, 10});
  }
  SECTION("test_incomplete_infer_mlp") {
    auto a = var("a", {{"__shape__", "(0, 10)"}});
    auto b = op("FullyConnected", {a}, {{"num_hidden", "21"}});
    auto c = var("c", {{"__shape__", "(5, 0)"}});
    auto d = b + c;
    auto m = by_name(d, d.infer_shape());
    CHECK(m["a"] == shape{5, 10});
    CHECK(m["c"] == shape{5, 21});
  }
  SECTION("test_incomplete_infer_concat") {
    auto a = var("a", {{"__shape__", "(0, 10)"}});
    auto b = var("b", {{"__shape__", "(0, 5)"}});
    auto c = op("Concat", {a, b}, {{"num_args", "2"}, {"dim", "1"}});
    auto d = var("d", {{"__shape__", "(2, 0)"}}) + c;
    auto m = by_name(d, d.infer_shape());
    CHECK(m["a"] == shape{2, 10});
    CHECK(m["b"] == shape{2, 5});
    CHECK(m["d"] == shape{2, 15});
  }
  SECTION("test_shape_completely_unknown") {
    auto s = xsym::sin(var("data"));
    auto r = s.infer_shape_partial();
    CHECK(r.arguments == shapes{shape{}});
    CHECK(r.outputs == shapes{shape{}});
    CHECK_THROWS_AS(s.infer_shape(), xsym::error);
  }
}

TEST_CASE("clojure test-infer-shape: a + b", "[infer][mxnet]") {
  xsym::name_scope scope;  // fresh auto names, none leaked to other tests
  auto s = var("a") + var("b");
  auto r = s.infer_shape({{"a", {2, 2}}, {"b", {2, 2}}});
  CHECK(r.arguments == shapes{{2, 2}, {2, 2}});
  CHECK(r.outputs == shapes{{2, 2}});
}

// ---- the rules, op by op ---------------------------------------------------------------------

TEST_CASE("infer: elementwise ops share one shape in both directions", "[infer]") {
  xsym::name_scope scope;  // fresh auto names, none leaked to other tests
  auto x = var("x");
  auto s = xsym::exp(x * 2.0) + xsym::clip(var("y"), 0, 1) - Symbol::variable("z");
  auto r = s.infer_shape({{"z", {4, 5}}});
  CHECK(r.arguments == shapes(3, shape{4, 5}));
  // Cast: one shape; the dtype changes.
  auto c = xsym::cast(var("i"), dtype::int32) * var("j");
  CHECK(c.infer_shape({{"j", {3}}}).arguments == shapes(2, shape{3}));
  auto t = c.infer_type({{"i", dtype::float64}});
  CHECK(t.arguments == types{dtype::float64, dtype::int32});
  CHECK(t.outputs == types{dtype::int32});
  CHECK(c.infer_type_partial().arguments == optional_types{std::nullopt, dtype::int32});
  // A partial shape merges dimension by dimension; a conflict in the merge is reported.
  CHECK_THAT(error_of([&] { (var("p") + var("q")).infer_shape({{"p", {0, 3}}, {"q", {2, 4}}}); }),
             Catch::Contains("at 1-th input: expected [2,3], got [2,4] (input 1 of ") &&
                 Catch::EndsWith(" is argument 'q')"));
  // Different numbers of dimensions conflict.
  CHECK_THAT(error_of([&] { (var("p") + var("q")).infer_shape({{"p", {2, 3}}, {"q", {2, 3, 1}}}); }),
             Catch::Contains("expected [2,3], got [2,3,1] (input 1 of ") && Catch::EndsWith(" is argument 'q')"));
}

TEST_CASE("infer: FullyConnected's attributes", "[infer]") {
  xsym::name_scope scope;  // fresh auto names, none leaked to other tests
  auto data = var("data");
  SECTION("flatten (default) multiplies the trailing axes") {
    auto s = op("FullyConnected", {data}, {{"num_hidden", "7"}}, "f");
    auto m = by_name(s, s.infer_shape({{"data", {2, 3, 4}}}));
    CHECK(m["f_weight"] == shape{7, 12});
    CHECK(s.infer_shape({{"data", {2, 3, 4}}}).outputs == shapes{{2, 7}});
  }
  SECTION("flatten=False keeps the leading axes") {
    auto s = op("FullyConnected", {data}, {{"num_hidden", "7"}, {"flatten", "False"}, {"no_bias", "true"}}, "f");
    REQUIRE(s.list_arguments() == std::vector<std::string>{"data", "f_weight"});
    auto r = s.infer_shape({{"data", {2, 3, 4}}});
    CHECK(r.arguments == shapes{{2, 3, 4}, {7, 4}});
    CHECK(r.outputs == shapes{{2, 3, 7}});
  }
  SECTION("a bias of (num_hidden, 1) is accepted, another is not") {
    auto s = op("FullyConnected", {data}, {{"num_hidden", "7"}}, "f");
    CHECK(s.infer_shape({{"data", {2, 3}}, {"f_bias", {7, 1}}}).arguments[2] == shape{7, 1});
    CHECK(error_of([&] { s.infer_shape({{"data", {2, 3}}, {"f_bias", {6}}}); }) ==
          "Error in operator f: Unexpected shape for bias [6]");
  }
  SECTION("the batch size flows backwards") {
    auto s = op("FullyConnected", {var("x", {{"__shape__", "(0, 3)"}})}, {{"num_hidden", "4"}}, "f") + var("y");
    CHECK(by_name(s, s.infer_shape({{"y", {6, 4}}}))["x"] == shape{6, 3});
  }
  SECTION("malformed and missing attributes name the node and the attribute") {
    auto bad = op("FullyConnected", {data}, {{"num_hidden", "ten"}}, "fcx");
    CHECK_THAT(error_of([&] { bad.infer_shape({{"data", {2, 3}}}); }),
               Catch::StartsWith("Error in operator fcx: ") && Catch::Contains("'num_hidden'") &&
                   Catch::Contains("'ten'"));
    auto flag = op("FullyConnected", {data}, {{"num_hidden", "3"}, {"flatten", "yes"}}, "fcy");
    CHECK_THAT(error_of([&] { flag.infer_shape({{"data", {2, 3}}}); }),
               Catch::StartsWith("Error in operator fcy: ") && Catch::Contains("'flatten'"));
    auto none = op("FullyConnected", {data}, {}, "fcz");
    CHECK_THAT(error_of([&] { none.infer_shape({{"data", {2, 3}}}); }),
               Catch::StartsWith("Error in operator fcz: ") && Catch::Contains("'num_hidden'"));
  }
}

TEST_CASE("infer: Convolution in 1, 2 and 3 dimensions", "[infer]") {
  xsym::name_scope scope;  // fresh auto names, none leaked to other tests
  auto data = var("data");
  auto conv = [&](xsym::attr_map attrs) { return op("Convolution", {data}, std::move(attrs), "c"); };
  SECTION("2-d, tuple spellings, no_bias") {
    for (const char* kernel : {"(3, 3)", "[3, 3]", "(3,3)"}) {
      auto s = conv({{"kernel", kernel}, {"num_filter", "8"}, {"no_bias", "1"}});
      auto r = s.infer_shape({{"data", {2, 3, 10, 12}}});
      CHECK(r.arguments == shapes{{2, 3, 10, 12}, {8, 3, 3, 3}});
      CHECK(r.outputs == shapes{{2, 8, 8, 10}});
    }
  }
  SECTION("stride, pad, dilate and groups") {
    auto s = conv({{"kernel", "(3, 3)"}, {"num_filter", "6"}, {"stride", "(2, 2)"}, {"pad", "(1, 1)"},
                   {"dilate", "(2, 2)"}, {"num_group", "2"}});
    auto r = s.infer_shape({{"data", {1, 4, 11, 11}}});
    // dilated kernel 5: (11 + 2 - 5) / 2 + 1 = 5
    CHECK(r.outputs == shapes{{1, 6, 5, 5}});
    CHECK(r.arguments == shapes{{1, 4, 11, 11}, {6, 2, 3, 3}, {6}});
  }
  SECTION("1-d with a bare integer kernel, 3-d") {
    auto one = conv({{"kernel", "3"}, {"num_filter", "4"}});
    auto r1 = one.infer_shape({{"data", {2, 3, 10}}});
    CHECK(r1.arguments == shapes{{2, 3, 10}, {4, 3, 3}, {4}});
    CHECK(r1.outputs == shapes{{2, 4, 8}});
    auto one_tuple = conv({{"kernel", "(3,)"}, {"num_filter", "4"}});
    CHECK(one_tuple.infer_shape({{"data", {2, 3, 10}}}).outputs == shapes{{2, 4, 8}});
    auto three = conv({{"kernel", "(3, 3, 3)"}, {"num_filter", "4"}, {"stride", "(2, 2, 2)"}, {"pad", "(1, 1, 1)"}});
    auto r3 = three.infer_shape({{"data", {1, 2, 8, 8, 8}}});
    CHECK(r3.outputs == shapes{{1, 4, 4, 4, 4}});
    CHECK(r3.arguments[1] == shape{4, 2, 3, 3, 3});
  }
  SECTION("NHWC") {
    auto s = conv({{"kernel", "(3, 3)"}, {"num_filter", "6"}, {"layout", "NHWC"}});
    auto r = s.infer_shape({{"data", {1, 10, 10, 2}}});
    CHECK(r.arguments[1] == shape{6, 3, 3, 2});
    CHECK(r.outputs == shapes{{1, 8, 8, 6}});
  }
  SECTION("the data's batch and stride-1 spatial sizes flow backwards") {
    auto s = op("Convolution", {var("x", {{"__shape__", "(0, 3, 0, 0)"}})},
                {{"kernel", "(3, 3)"}, {"num_filter", "4"}, {"pad", "(1, 1)"}}, "c") +
             var("y");
    CHECK(by_name(s, s.infer_shape({{"y", {2, 4, 9, 7}}}))["x"] == shape{2, 3, 9, 7});
  }
  SECTION("errors") {
    CHECK(error_of([&] { conv({{"kernel", "(3, 3)"}, {"num_filter", "4"}}).infer_shape({{"data", {1, 1, 2, 2}}}); }) ==
          "Error in operator c: kernel size exceed input");
    CHECK_THAT(error_of([&] {
                 conv({{"kernel", "(3, 3)"}, {"num_filter", "4"}}).infer_shape({{"data", {1, 1, 5}}});
               }),
               Catch::StartsWith("Error in operator c: Input data should be 4D"));
    CHECK_THAT(error_of([&] {
                 conv({{"kernel", "(2, x)"}, {"num_filter", "4"}}).infer_shape({{"data", {1, 1, 5, 5}}});
               }),
               Catch::StartsWith("Error in operator c: ") && Catch::Contains("'kernel'") && Catch::Contains("(2, x)"));
    CHECK_THAT(error_of([&] {
                 conv({{"kernel", "(3, 3)"}, {"num_filter", "4"}, {"stride", "(1, 1, 1)"}})
                     .infer_shape({{"data", {1, 1, 5, 5}}});
               }),
               Catch::Contains("'stride'"));
    CHECK_THAT(error_of([&] {
                 conv({{"kernel", "(3, 3)"}, {"num_filter", "4"}, {"num_group", "3"}})
                     .infer_shape({{"data", {1, 4, 5, 5}}});
               }),
               Catch::Contains("must divide group size"));
    CHECK_THAT(error_of([&] {
                 conv({{"kernel", "(3, 3)"}, {"num_filter", "4"}, {"layout", "NCWH"}})
                     .infer_shape({{"data", {1, 4, 5, 5}}});
               }),
               Catch::Contains("'layout'"));
    CHECK_THAT(error_of([&] {
                 conv({{"kernel", "(3, 3)"}, {"num_filter", "4"}, {"pad", "(99999999999999999999, 1)"}})
                     .infer_shape({{"data", {1, 4, 5, 5}}});
               }),
               Catch::Contains("'pad'"));
    CHECK_THAT(error_of([&] {
                 conv({{"kernel", "(3, 3)"}, {"num_filter", "4"}, {"pad", "(4611686018427387904, 1)"}})
                     .infer_shape({{"data", {1, 4, 5, 5}}});
               }),
               Catch::Contains("overflow"));
  }
}

TEST_CASE("infer: Pooling conventions, global pooling, defaults", "[infer]") {
  xsym::name_scope scope;  // fresh auto names, none leaked to other tests
  auto pool = [](xsym::attr_map attrs) { return op("Pooling", {var("data")}, std::move(attrs), "p"); };
  auto out = [](const Symbol& s, shape in) { return s.infer_shape({{"data", in}}).outputs.at(0); };
  CHECK(out(pool({{"kernel", "(2, 2)"}, {"stride", "(2, 2)"}}), {1, 3, 5, 5}) == shape{1, 3, 2, 2});
  CHECK(out(pool({{"kernel", "(2, 2)"}, {"stride", "(2, 2)"}, {"pooling_convention", "full"}}), {1, 3, 5, 5}) ==
        shape{1, 3, 3, 3});
  CHECK(out(pool({{"kernel", "(2, 2)"}}), {1, 3, 5, 5}) == shape{1, 3, 4, 4});  // stride 1
  CHECK(out(pool({{"kernel", "(3, 3)"}, {"pad", "(1, 1)"}}), {1, 3, 5, 5}) == shape{1, 3, 5, 5});
  CHECK(out(pool({{"global_pool", "True"}, {"kernel", "(7, 7)"}, {"pool_type", "avg"}}), {2, 8, 9, 9}) ==
        shape{2, 8, 1, 1});
  CHECK(out(pool({{"global_pool", "true"}}), {2, 8, 9}) == shape{2, 8, 1});
  CHECK(out(pool({{"kernel", "(2, 2, 2)"}, {"stride", "(2, 2, 2)"}}), {1, 1, 4, 6, 8}) == shape{1, 1, 2, 3, 4});
  CHECK_THAT(error_of([&] { out(pool({{"kernel", "(6, 6)"}}), {1, 3, 5, 5}); }),
             Catch::StartsWith("Error in operator p: kernel size (6) exceeds input (5 padded to 5)"));
  CHECK_THAT(error_of([&] { out(pool({{"kernel", "(2, 2)"}, {"pooling_convention", "odd"}}), {1, 3, 5, 5}); }),
             Catch::Contains("'pooling_convention'"));
  CHECK_THAT(error_of([&] { out(pool({{"kernel", "(2, 2)"}, {"global_pool", "maybe"}}), {1, 3, 5, 5}); }),
             Catch::Contains("'global_pool'"));
  // MXNet's checks: 'same' takes no pad (an explicit zero pad is fine), lp pooling needs p_value.
  const auto same = [&](const char* pad) {
    return out(pool({{"kernel", "(3,)"}, {"stride", "(2,)"}, {"pooling_convention", "same"}, {"pad", pad}}), {2, 3, 9});
  };
  CHECK(same("(0,)") == shape{2, 3, 5});
  CHECK(error_of([&] { same("(1,)"); }) ==
        "Error in operator p: Same pooling convention disables the use of pad parameter.");
  CHECK_THAT(error_of([&] { out(pool({{"kernel", "(2, 2)"}, {"pool_type", "lp"}}), {1, 3, 5, 5}); }),
             Catch::Contains("'p_value'"));
  CHECK(out(pool({{"kernel", "(2, 2)"}, {"pool_type", "lp"}, {"p_value", "2"}}), {1, 3, 5, 5}) == shape{1, 3, 4, 4});
}

TEST_CASE("infer: BatchNorm, LeakyReLU, Activation, Dropout, softmax", "[infer]") {
  xsym::name_scope scope;  // fresh auto names, none leaked to other tests
  auto data = var("data");
  SECTION("BatchNorm: (C,) parameters and auxiliary states") {
    auto bn = op("BatchNorm", {data}, {}, "bn");
    REQUIRE(bn.list_auxiliary_states() == std::vector<std::string>{"bn_moving_mean", "bn_moving_var"});
    auto r = bn.infer_shape({{"data", {2, 3, 4, 4}}});
    CHECK(r.arguments == shapes{{2, 3, 4, 4}, {3}, {3}});
    CHECK(r.auxiliary_states == shapes{{3}, {3}});
    CHECK(r.outputs == shapes{{2, 3, 4, 4}});
    auto last = op("BatchNorm", {data}, {{"axis", "-1"}}, "bn2");
    CHECK(last.infer_shape({{"data", {2, 3, 5}}}).auxiliary_states == shapes{{5}, {5}});
    CHECK(error_of([&] { bn.infer_shape({{"data", {2, 3}}, {"bn_gamma", {4}}}); }) ==
          "Error in operator bn: Shape inconsistent, Provided = [4], inferred shape=[3]");
    // Types: float16 data keeps float32 parameters and statistics.
    auto t = bn.infer_type({{"data", dtype::float16}});
    CHECK(t.arguments == types{dtype::float16, dtype::float32, dtype::float32});
    CHECK(t.auxiliary_states == types{dtype::float32, dtype::float32});
    CHECK(t.outputs == types{dtype::float16});
    CHECK(bn.infer_type({{"data", dtype::float64}}).auxiliary_states == types{dtype::float64, dtype::float64});
  }
  SECTION("LeakyReLU: prelu's gamma is (C,)") {
    auto prelu = op("LeakyReLU", {data}, {{"act_type", "prelu"}}, "pr");
    auto r = prelu.infer_shape({{"data", {2, 5, 3, 3}}});
    CHECK(r.arguments == shapes{{2, 5, 3, 3}, {5}});
    CHECK(r.outputs == shapes{{2, 5, 3, 3}});
    CHECK(prelu.infer_type({{"data", dtype::float32}}).arguments == types(2, dtype::float32));
    auto leaky = op("LeakyReLU", {data}, {{"act_type", "leaky"}, {"slope", "0.1"}}, "lk");
    CHECK(leaky.infer_shape({{"data", {4}}}).outputs == shapes{{4}});
  }
  SECTION("shape-preserving ops, both directions") {
    auto chain = op("BlockGrad",
                    {op("SoftmaxActivation", {op("softmax", {op("Activation", {data}, {{"act_type", "tanh"}})})})});
    auto s = chain + var("y");
    auto r = s.infer_shape({{"y", {3, 4}}});
    CHECK(r.arguments == shapes{{3, 4}, {3, 4}});
    CHECK(s.infer_type({{"y", dtype::float64}}).arguments == types(2, dtype::float64));
  }
  SECTION("Dropout: the mask output is inferred too") {
    auto d = op("Dropout", {data}, {{"p", "0.5"}}, "drop");
    auto r = d.infer_shape({{"data", {2, 3}}});
    CHECK(r.outputs == shapes{{2, 3}});
    CHECK(d.infer_type({{"data", dtype::float32}}).outputs == types{dtype::float32});
  }
  SECTION("Flatten") {
    auto f = op("Flatten", {data});
    CHECK(f.infer_shape({{"data", {2, 3, 4, 5}}}).outputs == shapes{{2, 60}});
    CHECK(f.infer_shape_partial({{"data", {2, 0, 4}}}).outputs == shapes{{2, 0}});
  }
}

TEST_CASE("infer: SoftmaxOutput's label", "[infer]") {
  xsym::name_scope scope;  // fresh auto names, none leaked to other tests
  auto data = var("data");
  auto sm = op("SoftmaxOutput", {data}, {}, "sm");
  auto r = sm.infer_shape({{"data", {8, 10}}});
  CHECK(r.arguments == shapes{{8, 10}, {8}});
  CHECK(r.outputs == shapes{{8, 10}});
  // A label of the data's shape (probabilities) is accepted.
  CHECK(sm.infer_shape({{"data", {8, 10}}, {"sm_label", {8, 10}}}).arguments[1] == shape{8, 10});
  CHECK(error_of([&] { sm.infer_shape({{"data", {8, 10}}, {"sm_label", {7}}}); }) ==
        "Error in operator sm: Shape inconsistent, Provided = [7], inferred shape=[8]");
  auto multi = op("SoftmaxOutput", {data}, {{"multi_output", "True"}}, "mo");
  CHECK(multi.infer_shape({{"data", {2, 5, 3, 3}}}).arguments[1] == shape{2, 9});
  CHECK(multi.infer_shape({{"data", {2, 5, 3, 3}}, {"mo_label", {2, 3, 3}}}).arguments[1] == shape{2, 3, 3});
  // Types: the label follows the data.
  auto t = sm.infer_type({{"data", dtype::float64}});
  CHECK(t.arguments == types{dtype::float64, dtype::float64});
  CHECK_THAT(error_of([&] { sm.infer_type({{"data", dtype::float32}, {"sm_label", dtype::int32}}); }),
             Catch::EndsWith("This layer requires uniform type. Expected 'float32' v.s. given 'int32' at 'label'"));
}

TEST_CASE("infer: Reshape's special values", "[infer]") {
  xsym::name_scope scope;  // fresh auto names, none leaked to other tests
  auto out = [](xsym::attr_map attrs, shape in) {
    auto s = op("Reshape", {var("data")}, std::move(attrs), "r");
    return s.infer_shape({{"data", in}}).outputs.at(0);
  };
  // The examples of MXNet's Reshape documentation.
  CHECK(out({{"shape", "(4, 0, 2)"}}, {2, 3, 4}) == shape{4, 3, 2});
  CHECK(out({{"shape", "(2, 0, 0)"}}, {2, 3, 4}) == shape{2, 3, 4});
  CHECK(out({{"shape", "(6, 1, -1)"}}, {2, 3, 4}) == shape{6, 1, 4});
  CHECK(out({{"shape", "(3, -1, 8)"}}, {2, 3, 4}) == shape{3, 1, 8});
  CHECK(out({{"shape", "(-1,)"}}, {2, 3, 4}) == shape{24});
  CHECK(out({{"shape", "(-1)"}}, {2, 3, 4}) == shape{24});
  CHECK(out({{"shape", "(-2,)"}}, {2, 3, 4}) == shape{2, 3, 4});
  CHECK(out({{"shape", "(2, -2)"}}, {2, 3, 4}) == shape{2, 3, 4});
  CHECK(out({{"shape", "(-2, 1, 1)"}}, {2, 3, 4}) == shape{2, 3, 4, 1, 1});
  CHECK(out({{"shape", "(-3, 4)"}}, {2, 3, 4}) == shape{6, 4});
  CHECK(out({{"shape", "(-3, -3)"}}, {2, 3, 4, 5}) == shape{6, 20});
  CHECK(out({{"shape", "(0, -3)"}}, {2, 3, 4}) == shape{2, 12});
  CHECK(out({{"shape", "(-3, -2)"}}, {2, 3, 4}) == shape{6, 4});
  CHECK(out({{"shape", "(-4, 1, 2, -2)"}}, {2, 3, 4}) == shape{1, 2, 3, 4});
  CHECK(out({{"shape", "(2, -4, -1, 3, -2)"}}, {2, 3, 4}) == shape{2, 1, 3, 4});
  CHECK(out({{"shape", "(-1, 0)"}}, {10, 5, 4}) == shape{40, 5});
  CHECK(out({{"shape", "(-1, 0)"}, {"reverse", "True"}}, {10, 5, 4}) == shape{50, 4});
  // Legacy target_shape: a 0 is inferred.
  CHECK(out({{"target_shape", "(0, 4)"}}, {2, 3, 4}) == shape{6, 4});
  CHECK(out({{"target_shape", "(0, 12)"}, {"keep_highest", "True"}}, {2, 3, 4}) == shape{2, 12});
  // Errors.
  CHECK_THAT(error_of([&] { out({{"shape", "(5, 5)"}}, {2, 3, 4}); }),
             Catch::StartsWith("Error in operator r: Target shape size is different to source. Target: [5,5]"));
  CHECK_THAT(error_of([&] { out({{"shape", "(-1, -1)"}}, {2, 3, 4}); }),
             Catch::Contains("One and only one dim can be inferred"));
  CHECK_THAT(error_of([&] { out({{"shape", "(-4, 5, -1)"}}, {2, 3, 4}); }), Catch::Contains("do not divide"));
  CHECK_THAT(error_of([&] { out({{"shape", "(0, 0, 0, 0)"}}, {2, 3, 4}); }), Catch::Contains("Reshape"));
  CHECK_THAT(error_of([&] { out({{"shape", "(2; 3)"}}, {2, 3, 4}); }), Catch::Contains("'shape'"));
  // An unknown input dimension comes back from the output.
  auto s = op("Reshape", {var("x")}, {{"shape", "(3, 4)"}}, "r2");
  CHECK(s.infer_shape({{"x", {0, 6}}}).arguments == shapes{{2, 6}});
}

TEST_CASE("infer: Concat along any axis, forward and backward", "[infer]") {
  xsym::name_scope scope;  // fresh auto names, none leaked to other tests
  auto a = var("a"), b = var("b");
  auto c0 = op("Concat", {a, b}, {{"dim", "0"}}, "c");
  auto r = c0.infer_shape({{"a", {2, 3}}, {"b", {4, 3}}});
  CHECK(r.outputs == shapes{{6, 3}});
  auto neg = op("Concat", {a, b}, {{"dim", "-1"}}, "c");
  CHECK(neg.infer_shape({{"a", {2, 3}}, {"b", {2, 5}}}).outputs == shapes{{2, 8}});
  // One input of unknown size along the axis: the output's size minus the others'.
  auto s = c0 + var("y");
  CHECK(by_name(s, s.infer_shape({{"a", {2, 3}}, {"y", {5, 3}}}))["b"] == shape{3, 3});
  CHECK(error_of([&] { c0.infer_shape({{"a", {2, 3}}, {"b", {2, 4}}}); }) ==
        "Error in operator c: Incompatible input shape: expected [-1,3], got [2,4]");
  CHECK_THAT(error_of([&] { op("Concat", {a, b}, {{"dim", "2"}}, "c").infer_shape({{"a", {2, 3}}}); }),
             Catch::Contains("axis 2 exceeds the input dimension of 2"));
  auto t = c0.infer_type({{"b", dtype::int32}});
  CHECK(t.arguments == types(2, dtype::int32));
  CHECK_THAT(error_of([&] { c0.infer_type({{"a", dtype::int32}, {"b", dtype::float32}}); }),
             Catch::Contains("Non-uniform data type in Concat"));
}

TEST_CASE("infer: network ops' dtypes follow the data", "[infer]") {
  xsym::name_scope scope;
  auto data = var("data");
  auto conv = op("Convolution", {data}, {{"kernel", "(3, 3)"}, {"num_filter", "4"}}, "conv");
  auto net = op("SoftmaxOutput", {fc(op("Flatten", {op("Pooling", {conv}, {{"kernel", "(2, 2)"}})}), "fc", 3)}, {},
                "sm");
  auto t = net.infer_type({{"data", dtype::float64}});
  CHECK(t.arguments == types(6, dtype::float64));
  CHECK(t.outputs == types{dtype::float64});
  CHECK(error_of([&] { conv.infer_type({{"data", dtype::float32}, {"conv_weight", dtype::float16}}); }) ==
        "Error in operator conv: This layer requires uniform type. Expected 'float32' v.s. given 'float16' at "
        "'weight'");
  // Variables' __dtype__ (MXNet type codes) are used when no dtype is given.
  auto typed = op("FullyConnected", {var("x", {{"__dtype__", "1"}})}, {{"num_hidden", "2"}}, "f");
  CHECK(typed.infer_type().arguments == types(3, dtype::float64));
  CHECK(typed.infer_type({{"x", dtype::float32}}).arguments == types(3, dtype::float32));
  auto bad = op("FullyConnected", {var("x", {{"__dtype__", "float"}})}, {{"num_hidden", "2"}}, "f");
  CHECK_THAT(error_of([&] { bad.infer_type(); }), Catch::Contains("'x'") && Catch::Contains("__dtype__"));
  // Cast's dtype must be a dtype name.
  auto cast = op("Cast", {var("x")}, {{"dtype", "float128"}}, "cst");
  CHECK_THAT(error_of([&] { cast.infer_type(); }),
             Catch::StartsWith("Error in operator cst: ") && Catch::Contains("'dtype'"));
}

TEST_CASE("infer: an op xsym does not know leaves its outputs unknown", "[infer][errors]") {
  xsym::name_scope scope;  // fresh auto names, none leaked to other tests
  auto x = var("x");
  auto node = std::make_shared<xsym::graph_node>();
  node->op = "MyCustomOp";
  node->name = "custom0";
  node->inputs = {x.outputs()[0]};
  Symbol custom({{node, 0, 0}});
  CHECK(error_of([&] { (void)custom.infer_shape({{"x", {2, 3}}}); }) ==
        "xsym::Symbol::infer_shape: cannot infer every shape: node 'custom0' has op 'MyCustomOp', which xsym does "
        "not know, so inference cannot pass through it (infer_shape_partial returns what is known)");
  auto partial = custom.infer_shape_partial({{"x", {2, 3}}});
  CHECK(partial.arguments == shapes{{2, 3}});
  CHECK(partial.outputs == shapes{shape{}});
  CHECK_THAT(error_of([&] { (void)custom.infer_type({{"x", dtype::float32}}); }),
             Catch::Contains("'MyCustomOp', which xsym does not know"));
  CHECK(custom.infer_type_partial({{"x", dtype::float32}}).outputs == optional_types{std::nullopt});
  // Its neighbours can still tell: an elementwise consumer fills its output backwards.
  auto s = custom + var("y");
  auto r = s.infer_shape({{"x", {2, 3}}, {"y", {4}}});
  CHECK(r.outputs == shapes{{4}});
}

// ---- real models (needs Symbol::load) --------------------------------------------------------

namespace {

// Every shape of the graph, including every internal output, is known (no 0, no empty shape).
void require_all_known(const Symbol& s, const std::map<std::string, shape>& given) {
  auto r = s.infer_shape(given);
  REQUIRE(r.arguments.size() == s.list_arguments().size());
  REQUIRE(r.outputs.size() == s.list_outputs().size());
  REQUIRE(r.auxiliary_states.size() == s.list_auxiliary_states().size());
  auto internals = s.get_internals();
  auto all = internals.infer_shape(given);
  REQUIRE(all.outputs.size() == internals.list_outputs().size());
  for (const auto* list : {&r.arguments, &r.outputs, &r.auxiliary_states, &all.outputs})
    for (const auto& sh : *list) {
      CHECK(sh.ndim() > 0);
      for (auto d : sh) CHECK(d > 0);
    }
}

std::map<std::string, shape> internal_shapes(const Symbol& s, const std::map<std::string, shape>& given) {
  auto internals = s.get_internals();
  auto r = internals.infer_shape(given);
  auto names = internals.list_outputs();
  std::map<std::string, shape> m;
  for (std::size_t i = 0; i < names.size() && i < r.outputs.size(); ++i) m[names[i]] = r.outputs[i];
  return m;
}

}  // namespace

TEST_CASE("infer: lenet-symbol.json infers every shape from the data's", "[infer][models]") {
  xsym::name_scope scope;  // fresh auto names, none leaked to other tests
  auto s = Symbol::load(XSYM_TEST_DATA_DIR "/mxnet/lenet-symbol.json");
  const std::map<std::string, shape> given{{"data", {1, 1, 28, 28}}};
  require_all_known(s, given);
  auto r = s.infer_shape(given);
  auto m = by_name(s, r);
  // conv0: 5 filters 5x5 on 1 channel: 28 -> 24; pool 2/2 -> 12; conv1: 12 -> 8; pool -> 4;
  // flatten 5*4*4 = 80; dense0 32; dense1 10.
  CHECK(m["hybridsequential0_conv0_weight"] == shape{5, 1, 5, 5});
  CHECK(m["hybridsequential0_conv0_bias"] == shape{5});
  CHECK(m["hybridsequential0_conv1_weight"] == shape{5, 5, 5, 5});
  CHECK(m["hybridsequential0_dense0_weight"] == shape{32, 80});
  CHECK(m["hybridsequential0_dense0_bias"] == shape{32});
  CHECK(m["hybridsequential0_dense1_weight"] == shape{10, 32});
  CHECK(r.outputs == shapes{{1, 10}});
  auto inner = internal_shapes(s, given);
  CHECK(inner["hybridsequential0_conv0_fwd_output"] == shape{1, 5, 24, 24});
  CHECK(inner["hybridsequential0_pool0_fwd_output"] == shape{1, 5, 12, 12});
  CHECK(inner["hybridsequential0_pool1_fwd_output"] == shape{1, 5, 4, 4});
  CHECK(inner["hybridsequential0_flatten0_flatten0_output"] == shape{1, 80});
  // Types: the Gluon export's __dtype__ (0, float32) on the parameters; data given.
  auto t = s.infer_type({{"data", dtype::float32}});
  CHECK(t.arguments == types(9, dtype::float32));
  CHECK(t.outputs == types{dtype::float32});
}

TEST_CASE("infer: model-symbol.json (MobileFaceNet) infers every shape from the data's", "[infer][models]") {
  xsym::name_scope scope;  // fresh auto names, none leaked to other tests
  auto s = Symbol::load(XSYM_TEST_DATA_DIR "/mxnet/model-symbol.json");
  const std::map<std::string, shape> given{{"data", {1, 3, 112, 112}}};
  require_all_known(s, given);
  auto r = s.infer_shape(given);
  auto m = by_name(s, r);
  // conv_1: 64 filters 3x3, stride 2, pad 1: 112 -> 56. The depthwise convolutions have one
  // input channel per group. Strides 2 at dconv_23, 34, 45: 56 -> 28 -> 14 -> 7; conv_6dw7_7
  // (7x7, no pad) -> 1; pre_fc1 flattens 512 -> 128; fc1 is a BatchNorm over the 128.
  CHECK(m["conv_1_conv2d_weight"] == shape{64, 3, 3, 3});
  CHECK(m["conv_1_batchnorm_gamma"] == shape{64});
  CHECK(m["conv_1_relu_gamma"] == shape{64});
  CHECK(m["conv_2_dw_conv2d_weight"] == shape{64, 1, 3, 3});
  CHECK(m["dconv_23_conv_sep_conv2d_weight"] == shape{128, 64, 1, 1});
  CHECK(m["conv_6dw7_7_conv2d_weight"] == shape{512, 1, 7, 7});
  CHECK(m["fc1_weight"] == shape{128, 512});
  CHECK(m["pre_fc1_bias"] == shape{128});
  CHECK(m["fc1_gamma"] == shape{128});
  CHECK(r.outputs == shapes{{1, 128}});
  auto aux = s.list_auxiliary_states();
  REQUIRE(aux.size() == r.auxiliary_states.size());
  for (std::size_t i = 0; i < aux.size(); ++i)
    if (aux[i] == "fc1_moving_mean" || aux[i] == "fc1_moving_var") CHECK(r.auxiliary_states[i] == shape{128});
  auto inner = internal_shapes(s, given);
  CHECK(inner["conv_1_conv2d_output"] == shape{1, 64, 56, 56});
  CHECK(inner["dconv_23_conv_dw_conv2d_output"] == shape{1, 128, 28, 28});
  CHECK(inner["conv_6sep_conv2d_output"] == shape{1, 512, 7, 7});
  CHECK(inner["conv_6dw7_7_conv2d_output"] == shape{1, 512, 1, 1});
  CHECK(inner["_plus11_output"] == shape{1, 128, 7, 7});
  auto t = s.infer_type({{"data", dtype::float32}});
  CHECK(t.arguments.size() == s.list_arguments().size());
  CHECK(t.auxiliary_states == types(s.list_auxiliary_states().size(), dtype::float32));
}

TEST_CASE("infer: the MKLDNN VGG file, whose Pooling nodes have a workspace output", "[infer][models]") {
  xsym::name_scope scope;  // fresh auto names, none leaked to other tests
  auto s = Symbol::load(XSYM_TEST_DATA_DIR "/mxnet/test_mkldnn_test_mkldnn_model_model1.json");
  const std::map<std::string, shape> given{{"data", {1, 3, 224, 224}}};
  require_all_known(s, given);
  auto r = s.infer_shape(given);
  CHECK(r.outputs == shapes{{1, 1000}});
  auto m = by_name(s, r);
  CHECK(m["conv1_1_weight"] == shape{64, 3, 3, 3});
  CHECK(m["fc8_weight"] == shape{1000, 1024, 1, 1});
  CHECK(m["softmax_label"] == shape{1});
  CHECK(s.infer_type({{"data", dtype::float32}}).arguments == types(m.size(), dtype::float32));
}

TEST_CASE("test_load_save_symbol: the (128, 0) weight survives a JSON round trip", "[infer][models]") {
  xsym::name_scope scope;  // fresh auto names, none leaked to other tests
  auto weight = var("weight", {{"__shape__", "(128, 0)"}});
  auto s = Symbol::from_json(op("FullyConnected", {var("data"), weight}, {{"num_hidden", "128"}}, "fc").to_json());
  auto r = s.infer_shape({{"data", {10, 784}}});
  auto m = by_name(s, r);
  CHECK(m["weight"] == shape{128, 784});
  CHECK(m["fc_bias"] == shape{128});
  CHECK(r.outputs == shapes{{10, 128}});
}
