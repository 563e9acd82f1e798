// Training a network written as an MXNet Symbol, from C++: a 2-32-32-3 MLP (FullyConnected,
// Activation, Dropout, SoftmaxOutput) learns three interleaved spirals with plain SGD, written
// out here until the Module API lands. simple_bind allocates the gradients; forward(true),
// backward() (SoftmaxOutput is a loss head: no head gradient) and the update run every step.
// Prints the cross-entropy and the accuracy as training goes, and the path the executor took.
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <xsym/xsym.hpp>

int main() {
  using xsym::Symbol;
  // MXNet's spelling: mx.sym.FullyConnected(data, num_hidden=32, name="fc1"), ...
  auto data = Symbol::variable("data");
  auto fc1 = Symbol::create("FullyConnected", {data}, {{"num_hidden", "32"}}, "fc1");
  auto act1 = Symbol::create("Activation", {fc1}, {{"act_type", "relu"}}, "relu1");
  auto fc2 = Symbol::create("FullyConnected", {act1}, {{"num_hidden", "32"}}, "fc2");
  auto act2 = Symbol::create("Activation", {fc2}, {{"act_type", "tanh"}}, "tanh2");
  auto drop = Symbol::create("Dropout", {act2}, {{"p", "0.1"}}, "drop2");
  auto fc3 = Symbol::create("FullyConnected", {drop}, {{"num_hidden", "3"}}, "fc3");
  auto net = Symbol::create("SoftmaxOutput", {fc3}, {{"normalization", "batch"}}, "softmax");

  // Three spirals of 100 points each.
  const int per_class = 100, classes = 3, n = per_class * classes;
  std::vector<float> x(2 * static_cast<std::size_t>(n)), y(static_cast<std::size_t>(n));
  for (int c = 0; c < classes; ++c)
    for (int i = 0; i < per_class; ++i) {
      const int k = c * per_class + i;
      const double r = double(i) / per_class, angle = c * 4.0 + 4.0 * r + 0.2 * std::sin(i * 7.0);
      x[std::size_t(2 * k)] = float(r * std::sin(angle));
      x[std::size_t(2 * k + 1)] = float(r * std::cos(angle));
      y[std::size_t(k)] = float(c);
    }

  std::map<std::string, xsym::grad_req> reqs;
  for (const auto& name : net.list_arguments())
    if (name != "data" && name != "softmax_label") reqs[name] = xsym::grad_req::write;
  auto ex = net.simple_bind(xsym::cpu(0), {{"data", {n, 2}}}, {}, {.grad_req = reqs, .seed = 42});
  auto args = ex.arg_dict();
  args.at("data").copy_from(x);
  args.at("softmax_label").copy_from(y);
  // Xavier-like initial weights from a fixed sequence; biases start at zero.
  for (const auto& [name, req] : reqs) {
    (void)req;
    if (name.ends_with("_bias")) continue;
    const xsym::ndarray& w = args.at(name);
    const auto& d = w.shape().dims();
    const double scale = std::sqrt(6.0 / double(d[0] + d[1]));
    std::vector<float> v(w.size());
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = float(scale * std::sin(double(i) * 12.9898 + double(d[0])));
    w.copy_from(v);
  }

  auto report = [&](int epoch) {
    ex.forward(false);  // inference: Dropout passes its data through
    auto p = ex.outputs()[0].to_vector<float>();
    double loss = 0;
    int right = 0;
    for (int k = 0; k < n; ++k) {
      const float* row = &p[std::size_t(3 * k)];
      loss -= std::log(double(row[int(y[std::size_t(k)])]));
      int best = 0;
      for (int c = 1; c < classes; ++c)
        if (row[c] > row[best]) best = c;
      right += best == int(y[std::size_t(k)]);
    }
    std::printf("epoch %4d  cross-entropy %.4f  accuracy %.3f\n", epoch, loss / n, double(right) / n);
  };

  const float learning_rate = 0.5f, momentum = 0.9f;
  std::map<std::string, std::vector<float>> velocity;
  for (int epoch = 0; epoch <= 1500; ++epoch) {
    if (epoch % 300 == 0) report(epoch);
    ex.forward(true);
    ex.backward();
    for (const auto& [name, req] : reqs) {  // SGD with momentum: v = mu v - lr g; w += v
      (void)req;
      auto w = args.at(name).to_vector<float>();
      auto g = ex.grad_dict().at(name).to_vector<float>();
      auto& v = velocity[name];
      v.resize(w.size());
      for (std::size_t i = 0; i < w.size(); ++i) w[i] += v[i] = momentum * v[i] - learning_rate * g[i];
      args.at(name).copy_from(w);
    }
  }
  std::printf("path: %s\n", ex.path_description().c_str());
}
