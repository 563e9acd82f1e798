// Gradients of the network ops on runtime Symbols (kernels_nn_backward.cpp): every op against
// central finite differences in float64 of Σ head·output, the loss heads against MXNet's
// formulas (softmax − onehot, (out − label)·scale, ...) written as plain loops here, and a small
// MLP trained by hand-written SGD steps whose loss must fall.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include <xsym/xsym.hpp>

#include "../support/arrays.hpp"
#include "../support/symbol_gradients.hpp"

namespace {

using xsym::ndarray;
using xsym::shape;
using xsym::Symbol;
using xsym::test::check_against_differences;
using xsym::test::pseudo;


ndarray array(const std::vector<double>& v, shape s) { return ndarray::array<double>(v, s); }

std::vector<double> run_forward(const Symbol& s, const std::map<std::string, ndarray>& args, std::size_t output = 0) {
  auto ex = s.bind(xsym::cpu(), args);
  ex.forward();
  return ex.outputs()[output].to_vector<double>();
}


}  // namespace

TEST_CASE("network-op gradients: Activation, every act_type", "[symbol][gradient][nn]") {
  auto x = Symbol::variable("x");
  for (const char* act : {"relu", "sigmoid", "tanh", "softrelu", "softsign", "log_sigmoid", "mish"}) {
    INFO(act);
    Symbol s = Symbol::create("Activation", {x}, {{"act_type", act}});
    auto v = pseudo(24, 1.0);
    for (auto& e : v)
      if (std::fabs(e) < 0.05) e += 0.1;  // away from relu's kink
    check_against_differences(s, {{"x", array(v, {4, 6})}}, {"x"});
  }
}

TEST_CASE("network-op gradients: LeakyReLU, every act_type, and prelu's gamma", "[symbol][gradient][nn]") {
  auto x = Symbol::variable("x"), gamma = Symbol::variable("gamma");
  auto v = pseudo(2 * 3 * 4, 2.0);
  for (auto& e : v)
    if (std::fabs(e) < 0.05) e += 0.1;
  for (const char* act : {"leaky", "elu", "selu", "gelu", "gelu_tanh", "rrelu"}) {
    INFO(act);
    Symbol s = Symbol::create("LeakyReLU", {x}, {{"act_type", act}, {"slope", "0.3"}});
    check_against_differences(s, {{"x", array(v, {2, 3, 4})}}, {"x"});
  }
  Symbol prelu = Symbol::create("LeakyReLU", {x, gamma}, {{"act_type", "prelu"}});
  check_against_differences(prelu, {{"x", array(v, {2, 3, 4})}, {"gamma", array({0.2, -0.4, 0.7}, {3})}},
                            {"x", "gamma"});
  check_against_differences(prelu, {{"x", array(v, {2, 3, 4})}, {"gamma", array({0.25}, {1})}}, {"x", "gamma"});
}

TEST_CASE("prelu's gamma of the data's leading shape (MXNet 1.9's expand_shape), forward and backward",
          "[symbol][gradient][nn]") {
  auto x = Symbol::variable("x"), gamma = Symbol::variable("gamma");
  Symbol prelu = Symbol::create("LeakyReLU", {x, gamma}, {{"act_type", "prelu"}});
  // (data shape, gamma shape, gamma's index of element (row r, channel c)): gamma varies along
  // axis 0 and/or 1.
  struct fit {
    shape data, gamma;
    std::size_t (*index)(std::size_t r, std::size_t c);
  };
  const fit fits[] = {
      {{3, 4}, {3, 4}, [](std::size_t r, std::size_t c) { return r * 4 + c; }},
      {{3, 4, 1, 2}, {3, 4}, [](std::size_t r, std::size_t c) { return r * 4 + c; }},
      {{2, 3, 4}, {2, 1}, [](std::size_t r, std::size_t) { return r; }},
      {{2, 3, 4}, {1, 3}, [](std::size_t, std::size_t c) { return c; }},
  };
  for (const auto& f : fits) {
    INFO("data " << f.data.str() << " gamma " << f.gamma.str());
    auto v = pseudo(f.data.size(), 4.0);
    for (auto& e : v)
      if (std::fabs(e) < 0.05) e += 0.1;
    const auto gv = pseudo(f.gamma.size(), 5.0);
    const std::map<std::string, ndarray> args{{"x", array(v, f.data)}, {"gamma", array(gv, f.gamma)}};
    CHECK(prelu.infer_shape({{"x", f.data}, {"gamma", f.gamma}}).outputs.at(0) == f.data);
    const auto out = run_forward(prelu, args);
    const std::size_t channels = std::size_t(f.data[1]), inner = f.data.size() / std::size_t(f.data[0]) / channels;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const double a = gv[f.index(i / (channels * inner), i / inner % channels)];
      CHECK(out[i] == (v[i] > 0 ? v[i] : v[i] * a));
    }
    check_against_differences(prelu, args, {"x", "gamma"});
  }
  const std::string message = [&] {
    try {
      (void)run_forward(prelu, {{"x", array(pseudo(24, 1), {2, 3, 4})}, {"gamma", array(pseudo(4, 2), {4})}});
    } catch (const xsym::error& e) {
      return std::string(e.what());
    }
    return std::string();
  }();
  CHECK_THAT(message, Catch::Contains("Cannot broadcast gamma to data. gamma: [4], data: [2,3,4]"));
}

TEST_CASE("network-op gradients: softmax and log_softmax along an axis with a temperature, SoftmaxActivation",
          "[symbol][gradient][nn]") {
  auto x = Symbol::variable("x");
  auto v = pseudo(2 * 3 * 4, 3.0);
  check_against_differences(Symbol::create("softmax", {x}, {{"axis", "1"}, {"temperature", "2.5"}}),
                            {{"x", array(v, {2, 3, 4})}}, {"x"});
  check_against_differences(Symbol::create("softmax", {x}), {{"x", array(v, {2, 3, 4})}}, {"x"});
  check_against_differences(Symbol::create("log_softmax", {x}), {{"x", array(v, {2, 3, 4})}}, {"x"});
  check_against_differences(Symbol::create("log_softmax", {x}, {{"axis", "0"}, {"temperature", "0.5"}}),
                            {{"x", array(v, {2, 3, 4})}}, {"x"});
  // log_softmax's forward: the log of softmax's.
  auto p = run_forward(Symbol::create("softmax", {x}, {{"axis", "1"}}), {{"x", array(v, {2, 3, 4})}});
  auto lp = run_forward(Symbol::create("log_softmax", {x}, {{"axis", "1"}}), {{"x", array(v, {2, 3, 4})}});
  for (std::size_t i = 0; i < p.size(); ++i) CHECK(lp[i] == Approx(std::log(p[i])).epsilon(1e-13));
  check_against_differences(Symbol::create("SoftmaxActivation", {x}, {{"mode", "channel"}}), {{"x", array(v, {2, 3, 4})}},
                            {"x"});
  check_against_differences(Symbol::create("SoftmaxActivation", {x}), {{"x", array(v, {2, 3, 4})}}, {"x"});
}

TEST_CASE("network-op gradients: FullyConnected with and without bias and flatten", "[symbol][gradient][nn]") {
  auto x = Symbol::variable("x"), w = Symbol::variable("w"), b = Symbol::variable("b");
  check_against_differences(Symbol::create("FullyConnected", {x, w, b}, {{"num_hidden", "3"}}),
                            {{"x", array(pseudo(2 * 2 * 5, 4.0), {2, 2, 5})},
                             {"w", array(pseudo(3 * 10, 5.0), {3, 10})},
                             {"b", array(pseudo(3, 6.0), {3})}},
                            {"x", "w", "b"});
  check_against_differences(Symbol::create("FullyConnected", {x, w}, {{"num_hidden", "4"}, {"no_bias", "True"},
                                                                      {"flatten", "False"}}),
                            {{"x", array(pseudo(2 * 3 * 5, 7.0), {2, 3, 5})}, {"w", array(pseudo(4 * 5, 8.0), {4, 5})}},
                            {"x", "w"});
}

TEST_CASE("network-op gradients: Flatten, Reshape, Concat", "[symbol][gradient][nn]") {
  auto x = Symbol::variable("x"), y = Symbol::variable("y");
  auto v = pseudo(24, 9.0), u = pseudo(12, 10.0);
  check_against_differences(xsym::exp(Symbol::create("Flatten", {x})), {{"x", array(v, {2, 3, 4})}}, {"x"});
  check_against_differences(xsym::sin(Symbol::create("Reshape", {x}, {{"shape", "(4, -1)"}})),
                            {{"x", array(v, {2, 3, 4})}}, {"x"});
  check_against_differences(xsym::exp(Symbol::create("Concat", {x, y}, {{"dim", "2"}})),
                            {{"x", array(v, {2, 3, 4})}, {"y", array(u, {2, 3, 2})}}, {"x", "y"});
  check_against_differences(xsym::tanh(Symbol::create("Concat", {x, y}, {{"dim", "0"}})) * 2.0,
                            {{"x", array(u, {2, 6})}, {"y", array(u, {2, 6})}}, {"x", "y"});
}

TEST_CASE("loss heads: SoftmaxOutput's gradient is (softmax - onehot) x grad_scale / normalization",
          "[symbol][gradient][nn]") {
  auto data = Symbol::variable("data"), label = Symbol::variable("label");
  const std::size_t n = 4, k = 5;
  auto x = pseudo(n * k, 11.0);
  std::vector<double> labels{1, 4, 0, 2};
  for (const char* normalization : {"null", "batch", "valid"})
    for (bool use_ignore : {false, true}) {
      INFO(normalization << (use_ignore ? ", use_ignore" : ""));
      Symbol s = Symbol::create("SoftmaxOutput", {data, label},
                                {{"normalization", normalization}, {"grad_scale", "0.5"},
                                 {"use_ignore", use_ignore ? "True" : "False"}, {"ignore_label", "4"}});
      auto gd = ndarray::zeros({std::int64_t(n), std::int64_t(k)}, xsym::dtype::float64);
      auto gl = ndarray::array<double>({9, 9, 9, 9});
      auto ex = s.bind(xsym::cpu(), {{"data", array(x, {std::int64_t(n), std::int64_t(k)})}, {"label", array(labels, {4})}},
                       {.args_grad = {{"data", gd}, {"label", gl}}, .grad_req = {{"data", xsym::grad_req::write}}});
      ex.forward(true);
      ex.backward();  // a loss head needs no head gradient
      auto p = ex.outputs()[0].to_vector<double>();
      auto g = gd.to_vector<double>();
      const double valid = std::string(normalization) == "batch" ? 4.0 : std::string(normalization) == "valid" ? 3.0 : 1.0;
      for (std::size_t r = 0; r < n; ++r) {
        double z = 0;
        for (std::size_t c = 0; c < k; ++c) z += std::exp(x[r * k + c]);
        for (std::size_t c = 0; c < k; ++c) {
          double softmax = std::exp(x[r * k + c]) / z;
          CHECK(p[r * k + c] == Approx(softmax).epsilon(1e-12));
          double want = (softmax - (double(c) == labels[r] ? 1.0 : 0.0)) * 0.5 / valid;
          if (use_ignore && labels[r] == 4) want = 0;
          CHECK(g[r * k + c] == Approx(want).epsilon(1e-12).margin(1e-15));
        }
      }
      CHECK(gl.to_vector<double>() == std::vector<double>{9, 9, 9, 9});  // the label: null, untouched
    }
}

TEST_CASE("loss heads: the regression outputs and MakeLoss", "[symbol][gradient][nn]") {
  auto data = Symbol::variable("data"), label = Symbol::variable("label");
  auto x = pseudo(6, 12.0), l = pseudo(6, 13.0);
  for (const char* op : {"LinearRegressionOutput", "LogisticRegressionOutput", "MAERegressionOutput"}) {
    INFO(op);
    Symbol s = Symbol::create(op, {data, label}, {{"grad_scale", "2"}});
    auto gd = ndarray::zeros({2, 3}, xsym::dtype::float64);
    auto ex = s.bind(xsym::cpu(), {{"data", array(x, {2, 3})}, {"label", array(l, {2, 3})}}, {.args_grad = {{"data", gd}}});
    ex.forward(true);
    ex.backward();
    auto out = ex.outputs()[0].to_vector<double>();
    auto g = gd.to_vector<double>();
    for (std::size_t i = 0; i < 6; ++i) {
      double y = std::string(op) == "LogisticRegressionOutput" ? 1 / (1 + std::exp(-x[i])) : x[i];
      CHECK(out[i] == Approx(y).epsilon(1e-14));
      double r = y - l[i];
      double want = (std::string(op) == "MAERegressionOutput" ? double((r > 0) - (r < 0)) : r) * 2.0 / 3.0;
      CHECK(g[i] == Approx(want).epsilon(1e-14));
    }
  }
  Symbol loss = Symbol::create("MakeLoss", {xsym::square(data)}, {{"grad_scale", "3"}, {"normalization", "batch"}});
  auto gd = ndarray::zeros({2, 3}, xsym::dtype::float64);
  auto ex = loss.bind(xsym::cpu(), {{"data", array(x, {2, 3})}}, {.args_grad = {{"data", gd}}});
  ex.forward(true);
  ex.backward();
  auto g = gd.to_vector<double>();
  for (std::size_t i = 0; i < 6; ++i) CHECK(g[i] == Approx(3.0 / 2.0 * 2 * x[i]).epsilon(1e-14));
}

TEST_CASE("loss heads: a group of a loss and a plain output needs the plain one's head gradient",
          "[symbol][gradient][nn]") {
  xsym::name_scope scope;
  auto data = Symbol::variable("data"), label = Symbol::variable("label");
  Symbol s = xsym::group(Symbol::create("LinearRegressionOutput", {data, label}), xsym::exp(data));
  auto gd = ndarray::zeros({3}, xsym::dtype::float64);
  auto ex = s.bind(xsym::cpu(), {{"data", array({1, 2, 3}, {3})}, {"label", array({0, 0, 0}, {3})}},
                   {.args_grad = {{"data", gd}}});
  ex.forward(true);
  CHECK_THROWS_WITH(ex.backward(), "xsym::Executor::backward: output 'exp0_output' has no head gradient: because the "
                                   "last operator is not Loss function, head_gradient is required when calling "
                                   "backward (give one array per output)");
  ex.backward(std::map<std::string, ndarray>{{"exp0_output", array({1, 1, 1}, {3})}});
  auto g = gd.to_vector<double>();
  for (int i = 0; i < 3; ++i) CHECK(g[std::size_t(i)] == Approx(double(i + 1) / 1.0 + std::exp(double(i + 1))));
}

TEST_CASE("an MLP of FullyConnected, relu and SoftmaxOutput learns by hand-written SGD", "[symbol][gradient][nn]") {
  auto data = Symbol::variable("data"), label = Symbol::variable("softmax_label");
  Symbol h = Symbol::create("Activation", {Symbol::create("FullyConnected", {data}, {{"num_hidden", "16"}}, "fc1")},
                            {{"act_type", "relu"}}, "relu1");
  Symbol net = Symbol::create("SoftmaxOutput", {Symbol::create("FullyConnected", {h}, {{"num_hidden", "3"}}, "fc2"), label},
                              {}, "softmax");
  // Three classes of points in the plane, separable by their angle.
  const std::size_t n = 60;
  std::vector<double> x(n * 2), y(n);
  for (std::size_t i = 0; i < n; ++i) {
    double angle = 2 * 3.14159265358979 * double(i) / double(n), r = 0.5 + 0.5 * double(i % 5) / 5;
    x[2 * i] = r * std::cos(angle), x[2 * i + 1] = r * std::sin(angle);
    y[i] = double(3 * i / n);
  }
  auto ex = net.simple_bind(xsym::cpu(), {{"data", {std::int64_t(n), 2}}}, {{"data", xsym::dtype::float64}},
                            {.grad_req = {{"fc1_weight", xsym::grad_req::write}, {"fc1_bias", xsym::grad_req::write},
                                          {"fc2_weight", xsym::grad_req::write}, {"fc2_bias", xsym::grad_req::write}}});
  auto args = ex.arg_dict();
  args.at("data").copy_from(x);
  args.at("softmax_label").copy_from(y);
  args.at("fc1_weight").copy_from(pseudo(16 * 2, 14.0, -1, 1));
  args.at("fc2_weight").copy_from(pseudo(3 * 16, 15.0, -0.5, 0.5));
  auto cross_entropy = [&] {
    auto p = ex.outputs()[0].to_vector<double>();
    double l = 0;
    for (std::size_t i = 0; i < n; ++i) l -= std::log(p[i * 3 + std::size_t(y[i])]);
    return l / double(n);
  };
  ex.forward(true);
  const double initial = cross_entropy();
  for (int step = 0; step < 300; ++step) {
    ex.forward(true);
    ex.backward();
    for (const char* name : {"fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias"}) {
      auto w = args.at(name).to_vector<double>();
      auto g = ex.grad_dict().at(name).to_vector<double>();
      for (std::size_t i = 0; i < w.size(); ++i) w[i] -= 0.5 / double(n) * g[i];
      args.at(name).copy_from(w);
    }
  }
  ex.forward();
  INFO("cross-entropy " << initial << " -> " << cross_entropy());
  CHECK(cross_entropy() < 0.5 * initial);
  auto p = ex.outputs()[0].to_vector<double>();
  std::size_t right = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t best = 0;
    for (std::size_t c = 1; c < 3; ++c)
      if (p[i * 3 + c] > p[i * 3 + best]) best = c;
    right += best == std::size_t(y[i]);
  }
  CHECK(right >= n * 9 / 10);
}

TEST_CASE("Dropout in training: a seeded mask of 0 and 1/(1-p), the same for the same seed, and its gradient",
          "[symbol][gradient][nn]") {
  auto x = Symbol::variable("x");
  Symbol s = Symbol::create("Dropout", {x}, {{"p", "0.25"}}, "drop0");
  const std::size_t n = 4000;
  auto data = array(pseudo(n, 16.0, 1, 2), {std::int64_t(n)});
  auto run = [&](std::uint64_t seed, std::vector<double>& grad) {
    auto g = ndarray::zeros({std::int64_t(n)}, xsym::dtype::float64);
    auto ex = s.bind(xsym::cpu(), {{"x", data}}, {.args_grad = {{"x", g}}, .seed = seed});
    ex.forward(true);
    auto out = ex.outputs()[0].to_vector<double>();
    ex.backward({array(std::vector<double>(n, 1.0), {std::int64_t(n)})});
    grad = g.to_vector<double>();
    ex.forward(false);  // inference: the data
    CHECK(ex.outputs()[0].to_vector<double>() == data.to_vector<double>());
    return out;
  };
  std::vector<double> g1, g2, g3;
  auto a = run(7, g1), b = run(7, g2), c = run(8, g3);
  CHECK(a == b);
  CHECK(a != c);
  auto x_values = data.to_vector<double>();
  std::size_t dropped = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const bool kept = a[i] != 0;
    dropped += !kept;
    CHECK(a[i] == (kept ? x_values[i] * (1 / 0.75) : 0.0));
    CHECK(g1[i] == (kept ? 1 / 0.75 : 0.0));  // d out / d x is the mask
  }
  CHECK(double(dropped) / double(n) == Approx(0.25).margin(0.03));
}

TEST_CASE("BatchNorm in training: batch statistics, moving averages and gradients", "[symbol][gradient][nn]") {
  auto data = Symbol::variable("data"), gamma = Symbol::variable("gamma"), beta = Symbol::variable("beta");
  const std::int64_t N = 3, C = 2, W = 4;
  auto x = pseudo(std::size_t(N * C * W), 17.0, -2, 2);
  for (bool fix_gamma : {true, false}) {
    INFO("fix_gamma " << fix_gamma);
    Symbol bn = Symbol::create("BatchNorm", {data, gamma, beta},
                               {{"fix_gamma", fix_gamma ? "True" : "False"}, {"momentum", "0.8"}, {"eps", "0.001"}}, "bn0");
    // The output through a nonlinearity, so that d data is not zero by symmetry.
    Symbol s = xsym::sin(bn) * 2.0;
    std::map<std::string, ndarray> args{{"data", array(x, {N, C, W})}, {"gamma", array({1.5, -0.5}, {C})},
                                        {"beta", array({0.25, 0.5}, {C})}};
    auto mean = ndarray::array<double>({0.1, -0.2}), var = ndarray::array<double>({1.0, 2.0});
    std::map<std::string, ndarray> grads{{"data", ndarray::zeros({N, C, W}, xsym::dtype::float64)},
                                         {"gamma", ndarray::zeros({C}, xsym::dtype::float64)},
                                         {"beta", ndarray::zeros({C}, xsym::dtype::float64)}};
    auto ex = s.bind(xsym::cpu(), args,
                     {.args_grad = grads, .aux_states = {{"bn0_moving_mean", mean}, {"bn0_moving_var", var}}});
    ex.forward(true);
    // The batch statistics by a plain loop; the moving averages moved toward them.
    for (std::int64_t c = 0; c < C; ++c) {
      double mu = 0, sq = 0;
      for (std::int64_t i = 0; i < N; ++i)
        for (std::int64_t w = 0; w < W; ++w) mu += x[std::size_t((i * C + c) * W + w)];
      mu /= double(N * W);
      for (std::int64_t i = 0; i < N; ++i)
        for (std::int64_t w = 0; w < W; ++w) sq += std::pow(x[std::size_t((i * C + c) * W + w)] - mu, 2);
      sq /= double(N * W);
      const double m0[] = {0.1, -0.2}, v0[] = {1.0, 2.0};
      CHECK(mean.to_vector<double>()[std::size_t(c)] == Approx(m0[c] * 0.8 + mu * 0.2).epsilon(1e-12));
      CHECK(var.to_vector<double>()[std::size_t(c)] == Approx(v0[c] * 0.8 + sq * 0.2).epsilon(1e-12));
      const double g = fix_gamma ? 1.0 : (c == 0 ? 1.5 : -0.5), b = c == 0 ? 0.25 : 0.5;
      auto out = ex.outputs()[0].to_vector<double>();
      for (std::int64_t i = 0; i < N; ++i)
        for (std::int64_t w = 0; w < W; ++w) {
          const std::size_t at = std::size_t((i * C + c) * W + w);
          CHECK(out[at] == Approx(2 * std::sin(g * (x[at] - mu) / std::sqrt(sq + 0.001) + b)).epsilon(1e-12));
        }
    }
    // Gradients against central differences of the training-mode forward (batch statistics);
    // a fresh executor per evaluation, so that the moving averages do not matter.
    const auto head = pseudo(std::size_t(N * C * W), 18.0, 0.5, 1.5);
    ex.backward({array(head, {N, C, W})});
    auto objective = [&](const std::map<std::string, ndarray>& a) {
      auto e = s.bind(xsym::cpu(), a, {.aux_states = {{"bn0_moving_mean", ndarray::array<double>({0.0, 0.0})},
                                                      {"bn0_moving_var", ndarray::array<double>({1.0, 1.0})}}});
      e.forward(true);
      auto y = e.outputs()[0].to_vector<double>();
      return std::inner_product(y.begin(), y.end(), head.begin(), 0.0);
    };
    for (const char* name : {"data", "gamma", "beta"}) {
      const auto v = args.at(name).to_vector<double>();
      const auto got = grads.at(name).to_vector<double>();
      for (std::size_t i = 0; i < v.size(); ++i) {
        auto up = args, down = args;
        auto vu = v, vd = v;
        vu[i] += 1e-6, vd[i] -= 1e-6;
        up[name] = array(vu, args.at(name).shape());
        down[name] = array(vd, args.at(name).shape());
        const double fd = (objective(up) - objective(down)) / 2e-6;
        INFO(name << "[" << i << "]");
        CHECK(got[i] == Approx(fd).epsilon(1e-5).margin(1e-6));
      }
    }
  }
}
