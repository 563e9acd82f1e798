// Gradients of whole models as they come from MXNet: a Gluon-exported LeNet whose Pooling nodes
// list a workspace output that xsym does not compute, and first layers whose data gradient
// nobody reads (their kernels skip it).
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <xsym/symbol/symbol.hpp>
#include <xsym/xsym.hpp>

using xsym::ndarray;
using xsym::Symbol;

TEST_CASE("a Gluon-exported LeNet with a SoftmaxOutput head gets its gradients (Pooling's extra JSON output ignored)") {
  const auto lenet = Symbol::load(std::string(XSYM_TEST_DATA_DIR) + "/mxnet/lenet-symbol.json");
  const auto net = Symbol::create("SoftmaxOutput", {lenet}, {}, "softmax");
  std::map<std::string, xsym::grad_req> reqs;
  for (const auto& n : net.list_arguments())
    if (n != "data" && n != "softmax_label") reqs[n] = xsym::grad_req::write;
  auto ex = net.simple_bind(xsym::cpu(0), {{"data", {3, 1, 28, 28}}, {"softmax_label", {3}}}, {}, {.grad_req = reqs});
  const auto args = ex.arg_dict();
  for (const auto& [name, a] : args) {
    std::vector<float> v(a.size());
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = float(0.2 * std::sin(double(i) * 0.71 + double(name.size())));
    if (name == "softmax_label") v = {1, 4, 9};
    a.copy_from(v);
  }
  ex.forward(true);
  ex.backward();
  // SoftmaxOutput's gradient is p - onehot(label); the last dense layer's bias gradient is its
  // sum over the batch.
  const auto p = ex.outputs()[0].to_vector<float>();
  const auto db = ex.grad_dict().at("hybridsequential0_dense1_bias").to_vector<float>();
  const std::vector<int> labels{1, 4, 9};
  for (int j = 0; j < 10; ++j) {
    double expected = 0;
    for (int i = 0; i < 3; ++i) expected += p[std::size_t(i * 10 + j)] - (labels[std::size_t(i)] == j ? 1.0 : 0.0);
    CHECK(db[std::size_t(j)] == Approx(expected).margin(1e-6));
  }
  // Every parameter got a gradient, and the first convolution's is not all zero.
  const auto dw = ex.grad_dict().at("hybridsequential0_conv0_weight").to_vector<float>();
  double norm = 0;
  for (float g : dw) norm += double(g) * g;
  CHECK(norm > 0);
}

TEST_CASE("FullyConnected's weight gradient is the same whether or not its data gradient is asked for") {
  auto fc = Symbol::create("FullyConnected", {Symbol::variable("x")}, {{"num_hidden", "3"}}, "fc");
  std::vector<float> x(4 * 5), w(3 * 5), b{0.1f, -0.2f, 0.3f}, head(4 * 3);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = float(std::sin(double(i)));
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = float(std::cos(double(i) * 0.3));
  for (std::size_t i = 0; i < head.size(); ++i) head[i] = float(0.5 - 0.1 * double(i));
  auto run = [&](bool with_data) {
    std::map<std::string, ndarray> grads{{"fc_weight", ndarray::zeros<float>({3, 5})}};
    if (with_data) grads["x"] = ndarray::zeros<float>({4, 5});
    auto ex = fc.bind(xsym::cpu(0),
                      {{"x", ndarray::array<float>(x, {4, 5})}, {"fc_weight", ndarray::array<float>(w, {3, 5})},
                       {"fc_bias", ndarray::array<float>(b, {3})}},
                      {.args_grad = grads});
    ex.forward(true);
    ex.backward({ndarray::array<float>(head, {4, 3})});
    return grads;
  };
  const auto without = run(false), with = run(true);
  CHECK(without.at("fc_weight").to_vector<float>() == with.at("fc_weight").to_vector<float>());
  // d weight = head^T x; d x = head w, by plain loops.
  const auto dw = without.at("fc_weight").to_vector<float>(), dx = with.at("x").to_vector<float>();
  for (int o = 0; o < 3; ++o)
    for (int k = 0; k < 5; ++k) {
      double s = 0;
      for (int r = 0; r < 4; ++r) s += double(head[std::size_t(r * 3 + o)]) * x[std::size_t(r * 5 + k)];
      CHECK(dw[std::size_t(o * 5 + k)] == Approx(s).margin(1e-5));
    }
  for (int r = 0; r < 4; ++r)
    for (int k = 0; k < 5; ++k) {
      double s = 0;
      for (int o = 0; o < 3; ++o) s += double(head[std::size_t(r * 3 + o)]) * w[std::size_t(o * 5 + k)];
      CHECK(dx[std::size_t(r * 5 + k)] == Approx(s).margin(1e-5));
    }
}
