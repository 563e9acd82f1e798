// Static graphs with tensor ops and layers, run through their Symbol (symbol/bind_network.hpp),
// and the same spellings building Symbols (symbol/network_symbols.hpp). Checked against MXNet's
// own files (the MLP that MXNet's test_mlp writes; a Gluon-exported LeNet) and against plain
// loops.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <xsym/xsym.hpp>

#include "../support/arrays.hpp"
#include "../support/error_message.hpp"

using xsym::ndarray;
using xsym::Symbol;

namespace {

std::string data_file(const std::string& name) {
  std::ifstream in(std::string(XSYM_TEST_DATA_DIR) + "/mxnet/" + name);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// MXNet's test_mlp network, in MXNet's words:
//   fc1 = mx.sym.FullyConnected(data, name='fc1', num_hidden=128); act1 = Activation(relu) ...
template <class Data>
auto mlp(const Data& data) {
  auto relu1 = xsym::Activation<"relu1">(xsym::FullyConnected<"fc1">(data, {.num_hidden = 128}), {.act_type = "relu"});
  auto relu2 = xsym::Activation<"relu2">(xsym::FullyConnected<"fc2">(relu1, {.num_hidden = 64}), {.act_type = "relu"});
  return xsym::SoftmaxOutput<"softmax">(xsym::FullyConnected<"fc3">(relu2, {.num_hidden = 10}));
}

// Every argument of `ex` filled with a fixed sequence (labels with class indices).
void fill(const xsym::Executor& ex) {
  for (const auto& [name, a] : ex.arg_dict()) {
    std::vector<float> v(a.size());
    for (std::size_t i = 0; i < v.size(); ++i)
      v[i] = name.ends_with("_label") ? float(i % 10) : float(0.3 * std::sin(double(i) * 0.37 + double(name.size())));
    a.copy_from(v);
  }
}

}  // namespace

TEST_CASE("the static MLP is MXNet's test_mlp network, node for node") {
  const auto net = mlp(xsym::variable<"data">());
  const Symbol from_mxnet = Symbol::from_json(data_file("test-symbol.json.ref"));
  const Symbol ours = net;
  CHECK(ours.list_arguments() == from_mxnet.list_arguments());
  CHECK(ours.list_outputs() == from_mxnet.list_outputs());
  const auto a = ours.get_internals(), b = from_mxnet.get_internals();
  REQUIRE(a.list_outputs() == b.list_outputs());
  // Same ops, attributes (the layers' variables carry them, as MXNet's do) and inputs: written in
  // one style, the two JSON texts are equal but for the version that wrote them.
  Symbol rewritten = Symbol::from_json(ours.to_json());
  rewritten.set_style(from_mxnet.style());
  auto without_version = [](std::string json) { return json.substr(0, json.find("\"mxnet_version\"")); };
  CHECK(without_version(rewritten.to_json()) == without_version(from_mxnet.to_json()));

  // The Symbol spellings give the same graph.
  const Symbol runtime_built = mlp(Symbol::variable("data"));
  CHECK(runtime_built.to_json() == ours.to_json());
}

TEST_CASE("a static LeNet computes what MXNet's exported LeNet computes, forward and backward") {
  // The Gluon export's names and attributes (tests/data/mxnet/lenet-symbol.json).
  constexpr auto data = xsym::variable<"data">();
  auto conv = [](auto in, auto c) {
    return xsym::Pooling(xsym::Activation(c(in), {.act_type = "relu"}),
                         {.kernel = {2, 2}, .pool_type = "max", .stride = {2, 2}});
  };
  auto c0 = conv(data, [](auto in) {
    return xsym::Convolution<"hybridsequential0_conv0">(in, {.kernel = {5, 5}, .num_filter = 5});
  });
  auto c1 = conv(c0, [](auto in) {
    return xsym::Convolution<"hybridsequential0_conv1">(in, {.kernel = {5, 5}, .num_filter = 5});
  });
  auto d0 = xsym::Activation(xsym::FullyConnected<"hybridsequential0_dense0">(xsym::Flatten(c1), {.num_hidden = 32}),
                             {.act_type = "relu"});
  auto ours = xsym::SoftmaxOutput<"softmax">(xsym::FullyConnected<"hybridsequential0_dense1">(d0, {.num_hidden = 10}));
  const Symbol theirs = Symbol::create("SoftmaxOutput", {Symbol::load(std::string(XSYM_TEST_DATA_DIR) +
                                                                      "/mxnet/lenet-symbol.json")},
                                       {}, "softmax");
  REQUIRE(Symbol(ours).list_arguments() == theirs.list_arguments());

  const std::map<std::string, xsym::shape> shapes{{"data", {4, 1, 28, 28}}};
  xsym::bind_options train{.grad_req = xsym::grad_req::write};
  auto a = xsym::simple_bind(ours, xsym::cpu(0), shapes, {}, train);
  auto b = theirs.simple_bind(xsym::cpu(0), shapes, {}, train);
  fill(a);
  fill(b);
  a.forward(true);
  b.forward(true);
  CHECK(a.outputs()[0].to_vector<float>() == b.outputs()[0].to_vector<float>());
  a.backward();
  b.backward();
  for (const auto& [name, g] : b.grad_dict()) {
    INFO(name);
    CHECK(a.grad_dict().at(name).to_vector<float>() == g.to_vector<float>());
  }
}

TEST_CASE("a static network with BatchNorm trains as the same network built with Symbol::create") {
  // conv -> BatchNorm -> relu -> FullyConnected -> SoftmaxOutput, both ways.
  constexpr auto data = xsym::variable<"data">();
  auto ours = xsym::SoftmaxOutput<"softmax">(xsym::FullyConnected<"fc">(
      xsym::Activation(xsym::BatchNorm<"bn">(xsym::Convolution<"conv">(data, {.kernel = {3, 3}, .num_filter = 4}),
                                             {.momentum = 0.8, .fix_gamma = false}),
                       {.act_type = "relu"}),
      {.num_hidden = 5}));
  xsym::name_scope fresh;  // `activation0`, as the static graph's own numbering, whatever ran before
  const auto d = Symbol::variable("data");
  const auto conv = Symbol::create("Convolution", {d}, {{"kernel", "(3, 3)"}, {"num_filter", "4"}}, "conv");
  const auto bn = Symbol::create("BatchNorm", {conv}, {{"momentum", "0.8"}, {"fix_gamma", "False"}}, "bn");
  const auto act = Symbol::create("Activation", {bn}, {{"act_type", "relu"}});
  const auto theirs = Symbol::create(
      "SoftmaxOutput", {Symbol::create("FullyConnected", {act}, {{"num_hidden", "5"}}, "fc")}, {}, "softmax");
  const Symbol converted = ours;
  CHECK(converted.list_arguments() == theirs.list_arguments());
  CHECK(converted.list_auxiliary_states() == theirs.list_auxiliary_states());
  CHECK(converted.to_json() == theirs.to_json());

  const std::map<std::string, xsym::shape> shapes{{"data", {6, 2, 7, 7}}};
  auto a = xsym::simple_bind(ours, xsym::cpu(0), shapes, {}, {.grad_req = xsym::grad_req::write});
  auto b = theirs.simple_bind(xsym::cpu(0), shapes, {}, {.grad_req = xsym::grad_req::write});
  fill(a);
  fill(b);
  for (auto* ex : {&a, &b}) {  // moving_var starts at 1, as the module initializes it
    ex->aux_dict().at("bn_moving_var").copy_from(std::vector<float>(4, 1.0f));
    ex->forward(true);
    ex->backward();
  }
  CHECK(a.outputs()[0].to_vector<float>() == b.outputs()[0].to_vector<float>());
  for (const auto& [name, g] : b.grad_dict()) {
    INFO(name);
    CHECK(a.grad_dict().at(name).to_vector<float>() == g.to_vector<float>());
  }
  for (const auto& [name, s] : b.aux_dict()) {
    INFO(name);
    CHECK(a.aux_dict().at(name).to_vector<float>() == s.to_vector<float>());
  }
}

TEST_CASE("static tensor ops compute what plain loops compute") {
  constexpr auto x = xsym::variable<"x">();
  constexpr auto w = xsym::variable<"w">();
  const int n = 3, k = 5, m = 4;
  const auto xv = xsym::test::pseudo(std::size_t(n * k), 1), wv = xsym::test::pseudo(std::size_t(m * k), 2);
  const ndarray X = xsym::test::typed_array(xv, {n, k}), W = xsym::test::typed_array(wv, {m, k});

  SECTION("sum(exp(x - 1), axis=1), with its gradient") {
    auto e = xsym::sum(xsym::exp(x - 1.0), {.axis = {1}});
    ndarray gx = ndarray::zeros({n, k}, xsym::dtype::float64);
    auto ex = xsym::bind(e, xsym::cpu(0), {{"x", X}}, {{"x", gx}});
    ex.forward(true);
    const auto out = ex.outputs()[0].to_vector<double>();
    REQUIRE(out.size() == std::size_t(n));
    for (int i = 0; i < n; ++i) {
      double s = 0;
      for (int j = 0; j < k; ++j) s += std::exp(xv[std::size_t(i * k + j)] - 1.0);
      CHECK(out[std::size_t(i)] == Approx(s).epsilon(1e-14));
    }
    ex.backward({ndarray::ones({n}, xsym::dtype::float64)});
    const auto g = gx.to_vector<double>();
    for (std::size_t i = 0; i < g.size(); ++i) CHECK(g[i] == Approx(std::exp(xv[i] - 1.0)).epsilon(1e-14));
  }
  SECTION("dot(x, w, transpose_b) + broadcast bias") {
    constexpr auto b = xsym::variable<"b">();
    auto e = xsym::broadcast_add(xsym::dot(x, w, {.transpose_b = true}), xsym::reshape(b, {.shape = {1, -1}}));
    const auto bv = xsym::test::pseudo(std::size_t(m), 3);
    auto ex = xsym::bind(e, xsym::cpu(0), {{"x", X}, {"w", W}, {"b", xsym::test::typed_array(bv, {m})}});
    ex.forward();
    const auto out = ex.outputs()[0].to_vector<double>();
    REQUIRE(ex.outputs()[0].shape() == xsym::shape{n, m});
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < m; ++j) {
        double s = bv[std::size_t(j)];
        for (int q = 0; q < k; ++q) s += xv[std::size_t(i * k + q)] * wv[std::size_t(j * k + q)];
        CHECK(out[std::size_t(i * m + j)] == Approx(s).epsilon(1e-13));
      }
  }
  SECTION("concat, transpose and slice_axis") {
    auto e = xsym::slice_axis(xsym::transpose(xsym::Concat(x, x * 2.0)), {.axis = 1, .begin = 1, .end = 3});
    auto ex = xsym::bind(e, {{"x", X}});
    ex.forward();
    // concat along dim 1: (n, 2k); transposed: (2k, n); rows 0..2k, columns 1 and 2.
    REQUIRE(ex.outputs()[0].shape() == xsym::shape{2 * k, 2});
    const auto out = ex.outputs()[0].to_vector<double>();
    for (int r = 0; r < 2 * k; ++r)
      for (int c = 1; c < 3; ++c) {
        double v = r < k ? xv[std::size_t(c * k + r)] : 2.0 * xv[std::size_t(c * k + r - k)];
        CHECK(out[std::size_t(r * 2 + c - 1)] == v);
      }
  }
}

TEST_CASE("a network graph's bind errors are the runtime's, naming the argument") {
  const auto net = mlp(xsym::variable<"data">());
  CHECK(xsym::test::message_of([&] { (void)xsym::bind(net, xsym::cpu(0), {{"data", ndarray::zeros({2, 3})}}); })
            .find("fc1_weight") != std::string::npos);
}

TEST_CASE("the static MLP trains with the Module API") {
  // Two separable blobs; a few SGD steps must lower the training cross-entropy.
  const int n = 64;
  std::vector<float> xs(std::size_t(n) * 4), ys(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    ys[std::size_t(i)] = float(i % 2);
    for (int j = 0; j < 4; ++j)
      xs[std::size_t(i * 4 + j)] = float((i % 2 ? 1.0 : -1.0) + 0.5 * std::sin(double(i * 4 + j)));
  }
  const auto net = mlp(xsym::variable<"data">());
  xsym::module mod(net);
  xsym::io::NDArrayIter it(ndarray::array<float>(xs, {n, 4}), ndarray::array<float>(ys, {n}), {.batch_size = 16});
  mod.bind(it.provide_data(), it.provide_label());
  mod.init_params(xsym::init::initializer(xsym::init::xavier{}, 3));
  xsym::metric::CrossEntropy before, after;
  const double loss_before = mod.score(it, before).second;
  mod.fit(it, {.optimizer = xsym::optim::sgd{.learning_rate = 0.1f, .momentum = 0.9f},
               .num_epoch = 5,
               .logger = [](const std::string&) {}});
  CHECK(mod.score(it, after).second < 0.5 * loss_before);
}
