// The static tensor functions and layers (expr/tensor_functions.hpp, expr/layers.hpp): the node
// each makes, with MXNet's op name, node name and the attribute text MXNet's Python frontend
// writes for the same call (`sum(x, axis=(1,), keepdims=True)` holds {"axis": "(1,)",
// "keepdims": "True"}), the variables a named layer creates, and the graph kinds.
#include <catch2/catch.hpp>

#include <array>
#include <map>
#include <string>
#include <string_view>

#include <xsym/xsym.hpp>


namespace {

using attrs = std::map<std::string, std::string>;

// The op, name and attributes of graph g's output node.
template <class G>
std::tuple<std::string, std::string, attrs> head_of(const G& g) {
  const auto d = xsym::describe(g);
  const auto& n = d.nodes.at(std::size_t(d.heads.at(0).node));
  return {n.op, n.name, n.attrs};
}

constexpr auto x = xsym::variable<"x">();
constexpr auto y = xsym::variable<"y">();

}  // namespace

TEST_CASE("reductions and softmax write MXNet's attribute text") {
  CHECK(head_of(xsym::sum(x)) == std::tuple{"sum", "sum0", attrs{}});
  CHECK(head_of(xsym::sum(x, {.axis = {1}, .keepdims = true})) ==
        std::tuple{"sum", "sum0", attrs{{"axis", "(1,)"}, {"keepdims", "True"}}});
  CHECK(head_of(xsym::mean(x, {.axis = {0, 2}, .exclude = true})) ==
        std::tuple{"mean", "mean0", attrs{{"axis", "(0, 2)"}, {"exclude", "True"}}});
  CHECK(head_of(xsym::max(x, {.axis = 1})) == std::tuple{"max", "max0", attrs{{"axis", "(1,)"}}});
  CHECK(head_of(xsym::nanprod(x, {.axis = {}})) == std::tuple{"nanprod", "nanprod0", attrs{}});  // () is the default
  CHECK(head_of(xsym::norm(x, {.ord = 1, .axis = {-1}})) ==
        std::tuple{"norm", "norm0", attrs{{"ord", "1"}, {"axis", "(-1,)"}}});
  CHECK(head_of(xsym::argmax(x, {.axis = 1})) == std::tuple{"argmax", "argmax0", attrs{{"axis", "1"}}});
  CHECK(head_of(xsym::argmin(x)) == std::tuple{"argmin", "argmin0", attrs{}});
  CHECK(head_of(xsym::softmax(x, {.temperature = 2.0})) ==
        std::tuple{"softmax", "softmax0", attrs{{"temperature", "2.0"}}});
  CHECK(head_of(xsym::log_softmax(x, {.axis = 0})) == std::tuple{"log_softmax", "log_softmax0", attrs{{"axis", "0"}}});
}

TEST_CASE("layout and indexing ops write MXNet's attribute text") {
  CHECK(head_of(xsym::reshape(x, {.shape = {0, -1}})) == std::tuple{"Reshape", "reshape0", attrs{{"shape", "(0, -1)"}}});
  CHECK(head_of(xsym::Reshape(x, {.shape = {-4, 2, -1}, .reverse = true})) ==
        std::tuple{"Reshape", "reshape0", attrs{{"shape", "(-4, 2, -1)"}, {"reverse", "True"}}});
  CHECK(head_of(xsym::Flatten(x)) == std::tuple{"Flatten", "flatten0", attrs{}});
  CHECK(head_of(xsym::transpose(x)) == std::tuple{"transpose", "transpose0", attrs{}});
  CHECK(head_of(xsym::transpose(x, {.axes = {1, 0, 2}})) ==
        std::tuple{"transpose", "transpose0", attrs{{"axes", "(1, 0, 2)"}}});
  CHECK(head_of(xsym::expand_dims(x, {.axis = 1})) == std::tuple{"expand_dims", "expand_dims0", attrs{{"axis", "1"}}});
  CHECK(head_of(xsym::squeeze(x, {.axis = {0}})) == std::tuple{"squeeze", "squeeze0", attrs{{"axis", "(0,)"}}});
  CHECK(head_of(xsym::flip(x, {.axis = 0})) == std::tuple{"reverse", "reverse0", attrs{{"axis", "(0,)"}}});
  CHECK(head_of(xsym::slice(x, {.begin = {0, 1}, .end = {2, xsym::none}})) ==
        std::tuple{"slice", "slice0", attrs{{"begin", "(0, 1)"}, {"end", "(2, None)"}}});
  CHECK(head_of(xsym::slice(x, {.begin = {xsym::none}, .end = {xsym::none}, .step = {-1}})) ==
        std::tuple{"slice", "slice0", attrs{{"begin", "(None,)"}, {"end", "(None,)"}, {"step", "(-1,)"}}});
  CHECK(head_of(xsym::slice_axis(x, {.axis = 1, .begin = 1})) ==
        std::tuple{"slice_axis", "slice_axis0", attrs{{"axis", "1"}, {"begin", "1"}, {"end", "None"}}});
  CHECK(head_of(xsym::slice_axis(x, {.axis = 0, .begin = -2, .end = -1})) ==
        std::tuple{"slice_axis", "slice_axis0", attrs{{"axis", "0"}, {"begin", "-2"}, {"end", "-1"}}});
  CHECK(head_of(xsym::slice_like(x, y, {.axes = {0}})) == std::tuple{"slice_like", "slice_like0", attrs{{"axes", "(0,)"}}});
  CHECK(head_of(xsym::tile(x, {.reps = {2, 1}})) == std::tuple{"tile", "tile0", attrs{{"reps", "(2, 1)"}}});
  CHECK(head_of(xsym::repeat(x, {.repeats = 3, .axis = 1})) ==
        std::tuple{"repeat", "repeat0", attrs{{"repeats", "3"}, {"axis", "1"}}});
  CHECK(head_of(xsym::take(x, y, {.mode = "wrap"})) == std::tuple{"take", "take0", attrs{{"mode", "wrap"}}});
  CHECK(head_of(xsym::pick(x, y, {.axis = 0, .keepdims = true})) ==
        std::tuple{"pick", "pick0", attrs{{"axis", "0"}, {"keepdims", "True"}}});
  CHECK(head_of(xsym::one_hot(y, {.depth = 4, .on_value = 2.5, .dtype = xsym::dtype::int32})) ==
        std::tuple{"one_hot", "one_hot0", attrs{{"depth", "4"}, {"on_value", "2.5"}, {"dtype", "int32"}}});
  CHECK(head_of(xsym::where(y, x, x * 2.0)) == std::tuple{"where", "where0", attrs{}});
  CHECK(head_of(xsym::Concat(x, y)) == std::tuple{"Concat", "concat0", attrs{{"num_args", "2"}}});
  CHECK(head_of(xsym::concat({.dim = 0}, x, y, x)) ==
        std::tuple{"Concat", "concat0", attrs{{"num_args", "3"}, {"dim", "0"}}});
  CHECK(head_of(xsym::stack({.axis = 1}, x, y)) == std::tuple{"stack", "stack0", attrs{{"num_args", "2"}, {"axis", "1"}}});
}

TEST_CASE("broadcasting and contractions write MXNet's names and attributes") {
  CHECK(head_of(xsym::broadcast_add(x, y)) == std::tuple{"broadcast_add", "broadcast_add0", attrs{}});
  CHECK(head_of(xsym::broadcast_plus(x, y)) == std::tuple{"broadcast_add", "broadcast_add0", attrs{}});
  CHECK(head_of(xsym::broadcast_lesser_equal(x, y)) ==
        std::tuple{"broadcast_lesser_equal", "broadcast_lesser_equal0", attrs{}});
  CHECK(head_of(xsym::broadcast_logical_xor(x, y)) ==
        std::tuple{"broadcast_logical_xor", "broadcast_logical_xor0", attrs{}});
  CHECK(head_of(xsym::broadcast_to(x, {.shape = {2, 0}})) ==
        std::tuple{"broadcast_to", "broadcast_to0", attrs{{"shape", "(2, 0)"}}});
  CHECK(head_of(xsym::broadcast_axis(x, {.axis = 0, .size = 3})) ==
        std::tuple{"broadcast_axis", "broadcast_axis0", attrs{{"axis", "(0,)"}, {"size", "(3,)"}}});
  CHECK(head_of(xsym::broadcast_like(x, y, {.lhs_axes = {0}, .rhs_axes = {1}})) ==
        std::tuple{"broadcast_like", "broadcast_like0", attrs{{"lhs_axes", "(0,)"}, {"rhs_axes", "(1,)"}}});
  CHECK(head_of(xsym::dot(x, y)) == std::tuple{"dot", "dot0", attrs{}});
  CHECK(head_of(xsym::dot(x, y, {.transpose_b = true})) == std::tuple{"dot", "dot0", attrs{{"transpose_b", "True"}}});
  CHECK(head_of(xsym::batch_dot(x, y, {.transpose_a = true})) ==
        std::tuple{"batch_dot", "batch_dot0", attrs{{"transpose_a", "True"}}});
}

TEST_CASE("ops are named MXNet's way, or by the template argument") {
  constexpr auto e = xsym::sum(xsym::exp(x - 1.0), {.axis = {1}}) + xsym::sum(x);
  static_assert(xsym::list_nodes(e).size() == 6);
  CHECK(xsym::list_nodes(e)[3] == "sum0");
  CHECK(xsym::list_nodes(e)[4] == "sum1");
  constexpr auto named = xsym::sum<"row_total">(x, {.axis = {1}});
  static_assert(xsym::list_nodes(named)[1] == "row_total");
  static_assert(xsym::list_outputs(named)[0] == "row_total_output");
  // Identical attribute-free subtrees are one node, as for elementwise ops.
  constexpr auto twice = xsym::broadcast_add(x, y) * xsym::broadcast_add(x, y);
  static_assert(xsym::list_nodes(twice).size() == 4);
}

TEST_CASE("named layers create MXNet's variables, and one layer used twice is one node") {
  constexpr auto data = xsym::variable<"data">();
  constexpr auto fc1 = xsym::FullyConnected<"fc1">(data, {.num_hidden = 128});
  constexpr auto net = xsym::SoftmaxOutput<"softmax">(
      xsym::FullyConnected<"fc2">(xsym::Activation<"relu1">(fc1, {.act_type = "relu"}), xsym::no_bias, {.num_hidden = 10}));
  constexpr auto args = xsym::list_arguments(net);
  static_assert(args.size() == 5);
  CHECK(args[0] == "data");
  CHECK(args[1] == "fc1_weight");
  CHECK(args[2] == "fc1_bias");
  CHECK(args[3] == "fc2_weight");
  CHECK(args[4] == "softmax_label");
  static_assert(xsym::list_outputs(net)[0] == "softmax_output");
  CHECK(head_of(fc1) == std::tuple{"FullyConnected", "fc1", attrs{{"num_hidden", "128"}}});
  CHECK(head_of(xsym::FullyConnected<"fc2">(data, xsym::no_bias, {.num_hidden = 10, .flatten = false})) ==
        std::tuple{"FullyConnected", "fc2", attrs{{"num_hidden", "10"}, {"flatten", "False"}, {"no_bias", "True"}}});

  constexpr auto reused = fc1 + fc1 * 2.0;
  constexpr auto nodes = xsym::list_nodes(reused);
  static_assert(nodes.size() == 6);  // data fc1_weight fc1_bias fc1 _mulscalar0 _plus0
  CHECK(nodes[3] == "fc1");
  CHECK(nodes[4] == "_mulscalar0");

  // Layers without variables count per op when unnamed.
  constexpr auto acts = xsym::Activation(xsym::Activation(data, {.act_type = "relu"}), {.act_type = "tanh"});
  CHECK(xsym::list_nodes(acts)[1] == "activation0");
  CHECK(xsym::list_nodes(acts)[2] == "activation1");
  CHECK(head_of(acts) == std::tuple{"Activation", "activation1", attrs{{"act_type", "tanh"}}});
}

TEST_CASE("BatchNorm's moving statistics are auxiliary states") {
  constexpr auto data = xsym::variable<"data">();
  constexpr auto net = xsym::FullyConnected<"fc">(xsym::BatchNorm<"bn">(data, {.eps = 2e-5, .fix_gamma = false}),
                                                 {.num_hidden = 3});
  constexpr auto args = xsym::list_arguments(net);
  constexpr auto aux = xsym::list_auxiliary_states(net);
  constexpr auto inputs = xsym::list_inputs(net);
  static_assert(args.size() == 5 && aux.size() == 2 && inputs.size() == 7);
  CHECK(args == std::array<std::string_view, 5>{"data", "bn_gamma", "bn_beta", "fc_weight", "fc_bias"});
  CHECK(aux == std::array<std::string_view, 2>{"bn_moving_mean", "bn_moving_var"});
  CHECK(inputs == std::array<std::string_view, 7>{"data", "bn_gamma", "bn_beta", "bn_moving_mean", "bn_moving_var",
                                                  "fc_weight", "fc_bias"});
  constexpr auto bn = xsym::BatchNorm<"bn">(data, {.eps = 2e-5, .fix_gamma = false});
  CHECK(head_of(bn) == std::tuple{"BatchNorm", "bn", attrs{{"eps", "2e-05"}, {"fix_gamma", "False"}}});
}

TEST_CASE("the other layers write MXNet's attribute text") {
  constexpr auto data = xsym::variable<"data">();
  CHECK(head_of(xsym::Convolution<"conv1">(data, {.kernel = {5, 5}, .stride = {2, 2}, .num_filter = 20})) ==
        std::tuple{"Convolution", "conv1", attrs{{"kernel", "(5, 5)"}, {"stride", "(2, 2)"}, {"num_filter", "20"}}});
  constexpr auto conv = xsym::Convolution<"c">(data, xsym::no_bias, {.kernel = {3}, .num_filter = 4, .num_group = 2});
  static_assert(xsym::list_arguments(conv).size() == 2 && xsym::list_arguments(conv)[1] == "c_weight");
  CHECK(std::get<2>(head_of(conv)) == attrs{{"kernel", "(3,)"}, {"num_filter", "4"}, {"num_group", "2"}, {"no_bias", "True"}});
  CHECK(head_of(xsym::Pooling(data, {.kernel = {2, 2}, .pool_type = "avg", .stride = {2, 2}})) ==
        std::tuple{"Pooling", "pooling0", attrs{{"kernel", "(2, 2)"}, {"pool_type", "avg"}, {"stride", "(2, 2)"}}});
  CHECK(head_of(xsym::Pooling(data, {.global_pool = true})) ==
        std::tuple{"Pooling", "pooling0", attrs{{"global_pool", "True"}}});
  CHECK(head_of(xsym::LeakyReLU(data, y, {.act_type = "prelu"})) ==
        std::tuple{"LeakyReLU", "leakyrelu0", attrs{{"act_type", "prelu"}}});
  CHECK(head_of(xsym::LeakyReLU(data, {.slope = 0.1})) == std::tuple{"LeakyReLU", "leakyrelu0", attrs{{"slope", "0.1"}}});
  CHECK(head_of(xsym::Dropout(data, {.p = 0.1})) == std::tuple{"Dropout", "dropout0", attrs{{"p", "0.1"}}});
  CHECK(head_of(xsym::SoftmaxOutput(data, y, {.grad_scale = 0.5, .normalization = "batch"})) ==
        std::tuple{"SoftmaxOutput", "softmaxoutput0", attrs{{"grad_scale", "0.5"}, {"normalization", "batch"}}});
  constexpr auto lro = xsym::LinearRegressionOutput<"lro">(data);
  static_assert(xsym::list_arguments(lro)[1] == "lro_label");
  CHECK(head_of(xsym::MakeLoss(data, {.normalization = "valid"})) ==
        std::tuple{"MakeLoss", "makeloss0", attrs{{"normalization", "valid"}}});
  CHECK(head_of(xsym::BlockGrad(data)) == std::tuple{"BlockGrad", "blockgrad0", attrs{}});
}

TEST_CASE("elementwise graphs keep their fused loop, the others are network graphs") {
  static_assert(xsym::elementwise_graph<decltype(xsym::exp(x) * y)>);
  static_assert(xsym::elementwise_graph<decltype(xsym::group(x * y, x + y))>);
  static_assert(!xsym::elementwise_graph<decltype(xsym::sum(x) * y)>);
  static_assert(!xsym::elementwise_graph<decltype(xsym::group(x * y, xsym::dot(x, y)))>);
  static_assert(xsym::network_graph<decltype(xsym::Flatten(x))>);
  static_assert(!xsym::bindable_graph<decltype(xsym::Flatten(x))>);
}

TEST_CASE("a tuple attribute holds at most eight entries") {
  auto make = [] { return xsym::int_tuple{1, 2, 3, 4, 5, 6, 7, 8, 9}; };
  CHECK_THROWS_WITH(make(), Catch::Contains("at most 8 entries, not 9"));
  CHECK(xsym::ops::attribute_text(xsym::int_tuple{1, 2, 3, 4, 5, 6, 7, 8}) == "(1, 2, 3, 4, 5, 6, 7, 8)");
}
