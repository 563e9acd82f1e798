// Training benchmark (issue 17): MXNet's test_mlp (784-128-64-10, relu, SoftmaxOutput) on the
// 8,000/2,000 MNIST split of examples/train_mnist.cpp, trained by xsym::module: Xavier
// initialization, SGD with learning rate 0.1, momentum 0.9 and wd 4e-4, batches of 100.
// Prints one line per epoch (time, samples per second, train and test accuracy) and writes the
// split as raw float32 files into --out, for benchmarks/torch_train_mlp.py (the PyTorch peer,
// run on the same data by scripts/bench-train).
//   train_mlp [--epochs 10] [--out DIR] [--seed 42] [--run-seed 1]
// (--seed: the train/test split; --run-seed: the shuffle and the initial weights)
// Threads: OMP_NUM_THREADS.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include <xsym/xsym.hpp>

#ifndef XSYM_MNIST_DIR
#define XSYM_MNIST_DIR ""
#endif

namespace {

void write_raw(const std::string& path, const xsym::ndarray& a) {
  std::ofstream out(path, std::ios::binary);
  out.write(static_cast<const char*>(a.raw_data()), std::streamsize(a.nbytes()));
  if (!out) throw xsym::error("train_mlp: cannot write " + path);
}

xsym::Symbol test_mlp() {
  using xsym::Symbol;
  auto data = Symbol::variable("data");
  auto fc1 = Symbol::create("FullyConnected", {data}, {{"num_hidden", "128"}}, "fc1");
  auto relu1 = Symbol::create("Activation", {fc1}, {{"act_type", "relu"}}, "relu1");
  auto fc2 = Symbol::create("FullyConnected", {relu1}, {{"num_hidden", "64"}}, "fc2");
  auto relu2 = Symbol::create("Activation", {fc2}, {{"act_type", "relu"}}, "relu2");
  auto fc3 = Symbol::create("FullyConnected", {relu2}, {{"num_hidden", "10"}}, "fc3");
  return Symbol::create("SoftmaxOutput", {fc3}, {}, "softmax");
}

// The same network as a static graph.
constexpr auto static_mlp() {
  constexpr auto data = xsym::variable<"data">();
  constexpr auto relu1 = xsym::Activation<"relu1">(xsym::FullyConnected<"fc1">(data, {.num_hidden = 128}), {.act_type = "relu"});
  constexpr auto relu2 = xsym::Activation<"relu2">(xsym::FullyConnected<"fc2">(relu1, {.num_hidden = 64}), {.act_type = "relu"});
  return xsym::SoftmaxOutput<"softmax">(xsym::FullyConnected<"fc3">(relu2, {.num_hidden = 10}));
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t epochs = 10;
  std::uint64_t seed = 42, run_seed = 1;
  std::string out;
  bool static_graph = false;
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--static") {  // the module over the static graph instead of the Symbol
      static_graph = true;
      --i;
      continue;
    }
    if (i + 1 == argc) {
      std::fprintf(stderr, "train_mlp: %s needs a value\n", flag.c_str());
      return 2;
    }
    if (flag == "--epochs") epochs = std::stoul(argv[i + 1]);
    else if (flag == "--out") out = argv[i + 1];
    else if (flag == "--seed") seed = std::stoull(argv[i + 1]);
    else if (flag == "--run-seed") run_seed = std::stoull(argv[i + 1]);
    else {
      std::fprintf(stderr, "train_mlp: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  const auto dir = xsym::io::find_mnist_digits(XSYM_MNIST_DIR);
  if (!dir) {
    std::fprintf(stderr, "train_mlp: no MNIST digits (run scripts/setup)\n");
    return 77;
  }
  const auto [train_set, test_set] = xsym::io::split(xsym::io::load_mnist_digits(*dir), 8000, seed);
  if (!out.empty()) {
    write_raw(out + "/train_images.f32", train_set.images);
    write_raw(out + "/train_labels.f32", train_set.labels);
    write_raw(out + "/test_images.f32", test_set.images);
    write_raw(out + "/test_labels.f32", test_set.labels);
  }

  xsym::io::NDArrayIter train(train_set.images, train_set.labels, {.batch_size = 100, .shuffle = true, .seed = run_seed});
  xsym::io::NDArrayIter test(test_set.images, test_set.labels, {.batch_size = 100});
  xsym::module mod = static_graph ? xsym::module(static_mlp()) : xsym::module(test_mlp());
  mod.bind(train.provide_data(), train.provide_label());
  mod.init_params(xsym::init::initializer(xsym::init::xavier{}, run_seed));
  mod.init_optimizer(xsym::optim::sgd{.learning_rate = 0.1f, .momentum = 0.9f, .wd = 4e-4f});
  xsym::metric::Accuracy train_acc, test_acc;
  std::printf("epoch seconds samples_per_s train_accuracy test_accuracy\n");
  for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
    train.reset();
    train_acc.reset();
    const auto t0 = std::chrono::steady_clock::now();
    while (auto batch = train.next()) {
      mod.forward_backward(*batch);
      mod.update();
      mod.update_metric(train_acc, batch->label);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double accuracy = mod.score(test, test_acc).second;
    std::printf("%zu %.4f %.0f %.4f %.4f\n", epoch, seconds, 8000 / seconds, train_acc.get_global(), accuracy);
    std::fflush(stdout);
  }
  return 0;
}
