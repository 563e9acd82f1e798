// Runtime Symbols with gradients: Symbol::gradient builds the graph xsym::gradient builds for
// the static graph (node for node, name for name); bind with args_grad and grad_req, and
// simple_bind with grad_req, run forward() and backward() on the per_op and blocked paths, with
// the bits of the static executor's fused backward and MXNet's write / add / null semantics.
// Expected values come from the static executor (an independent fused program), from plain
// loops or from central finite differences, never from the interpreter under test.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <xsym/xsym.hpp>

#include "../support/error_message.hpp"

namespace {

using xsym::grad_req;
using xsym::ndarray;
using xsym::Symbol;

auto a = xsym::variable<"a">();
auto b = xsym::variable<"b">();
auto c = xsym::variable<"c">();

template <class T = double>
std::vector<T> read(const ndarray& x) { return x.to_vector<T>(); }

template <class T = double>
ndarray from(std::vector<T> v) { return ndarray::array<T>(std::move(v)); }

using xsym::test::message_of;

// Inputs away from every kink of the graphs below, in float64.
std::vector<double> values(std::size_t n, double offset) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = 0.3 + offset + 0.7 * std::sin(double(i) * 1.3 + offset);
  return v;
}

// A graph with shared nodes, scalars, a binary op with two differentiable inputs, clip,
// smooth_l1 in both of its parts (a crosses 0.25) and a value used several times: the summation order decides the bits.
auto shared_graph() {
  auto t = xsym::exp(a * 0.5);
  auto u = t * b + xsym::clip(b, 0.2, 0.9);
  return xsym::tanh(u) * t + xsym::maximum(u, c) / (t + 2.0) - xsym::sqrt(xsym::abs(c) + 1.0) +
         xsym::smooth_l1(c, 0.5) * xsym::smooth_l1(a, 2);
}

xsym::bind_options with_path(xsym::execution_path p) {
  xsym::bind_options o;
  o.path = p;
  return o;
}

}  // namespace

TEST_CASE("Symbol::gradient: the graph of xsym::gradient, node for node and name for name", "[symbol][gradient]") {
  auto e = shared_graph();
  Symbol s = e;
  CHECK(s.gradient({"a", "c"}).to_json() == Symbol(xsym::gradient(e, a, c)).to_json());
  CHECK(s.gradient({"b"}).to_json() == Symbol(xsym::gradient(e, b)).to_json());
  auto cast = xsym::cast<double>(xsym::cast<float>(a) * 2.0f) + xsym::sign(b) + xsym::round(c);
  Symbol cs = cast;
  CHECK(cs.gradient({"a", "b", "c"}).to_json() == Symbol(xsym::gradient(cast, a, b, c)).to_json());
  // The gradients alone: one output per name, head gradients as variables.
  Symbol g = s.gradient({"a", "b", "c"});
  CHECK(g.size() == 3);
  auto args = g.list_arguments();
  CHECK(std::find(args.begin(), args.end(), s.list_outputs()[0] + "_head_grad") != args.end());
}

TEST_CASE("Symbol::gradient: a variable no path reaches gets zeros_like, BlockGrad stops the gradient",
          "[symbol][gradient]") {
  auto x = Symbol::variable("x"), y = Symbol::variable("y");
  Symbol s = xsym::exp(x) + Symbol::create("BlockGrad", {y * 2.0f});
  Symbol g = s.gradient({"x", "y"});
  std::string json = g.to_json();
  CHECK(json.find("\"op\": \"zeros_like\"") != std::string::npos);
  CHECK(json.find("_backward_mul_scalar") == std::string::npos);  // nothing flows below BlockGrad
  auto gx = ndarray::zeros({3}, xsym::dtype::float32), gy = from<float>({7, 7, 7});
  auto ex = s.bind(xsym::cpu(), {{"x", from<float>({0, 1, 2})}, {"y", from<float>({1, 2, 3})}},
                   {.args_grad = {{"x", gx}, {"y", gy}}});
  ex.forward(true);
  ex.backward({from<float>({1, 1, 1})});
  auto got = read<float>(gx);
  for (int i = 0; i < 3; ++i) CHECK(got[std::size_t(i)] == std::exp(float(i)));
  CHECK(read<float>(gy) == std::vector<float>{0, 0, 0});
}

TEST_CASE("Symbol backward: per_op and blocked give the static executor's bits", "[symbol][gradient]") {
  auto e = shared_graph();
  Symbol s = e;
  const std::size_t n = 300;  // several blocks of 64
  auto av = values(n, 0.1), bv = values(n, 0.4), cv = values(n, -0.2), hv = values(n, 0.9);
  std::map<std::string, ndarray> args{{"a", from(av)}, {"b", from(bv)}, {"c", from(cv)}};

  std::map<std::string, ndarray> reference{{"a", ndarray::zeros({std::int64_t(n)}, xsym::dtype::float64)},
                                           {"b", ndarray::zeros({std::int64_t(n)}, xsym::dtype::float64)},
                                           {"c", ndarray::zeros({std::int64_t(n)}, xsym::dtype::float64)}};
  auto fused = xsym::bind(e, xsym::cpu(), args, reference);
  fused.forward(true);
  fused.backward({from(hv)});

  for (auto path : {xsym::execution_path::per_op, xsym::execution_path::blocked_fused}) {
    INFO(xsym::execution_path_name(path));
    xsym::bind_options o = with_path(path);
    o.block_size = 64;
    for (const auto& [name, _] : args) o.args_grad[name] = ndarray::zeros({std::int64_t(n)}, xsym::dtype::float64);
    auto ex = s.bind(xsym::cpu(), args, o);
    CHECK(ex.path() == path);
    CHECK(ex.path_description().find("backward node") != std::string::npos);
    ex.forward(true);
    CHECK(read(ex.outputs()[0]) == read(fused.outputs()[0]));
    ex.backward({from(hv)});
    for (const auto& [name, g] : reference) {
      INFO(name);
      CHECK(read(ex.grad_dict().at(name)) == read(g));
    }
    // The outputs are forward()'s: backward() leaves them as they were.
    CHECK(read(ex.outputs()[0]) == read(fused.outputs()[0]));
  }
}

TEST_CASE("Symbol backward: gradients agree with central finite differences in float64", "[symbol][gradient]") {
  Symbol s = shared_graph();
  const std::size_t n = 16;
  std::vector<std::vector<double>> x{values(n, 0.1), values(n, 0.4), values(n, -0.2)};
  const char* names[] = {"a", "b", "c"};
  auto run = [&](const std::vector<std::vector<double>>& v) {
    auto ex = s.bind(xsym::cpu(), {{"a", from(v[0])}, {"b", from(v[1])}, {"c", from(v[2])}});
    ex.forward();
    return read(ex.outputs()[0]);
  };
  std::vector<double> head = values(n, 0.9);
  std::map<std::string, ndarray> grads;
  for (const char* name : names) grads[name] = ndarray::zeros({std::int64_t(n)}, xsym::dtype::float64);
  auto ex = s.bind(xsym::cpu(), {{"a", from(x[0])}, {"b", from(x[1])}, {"c", from(x[2])}},
                   {.path = xsym::execution_path::per_op, .args_grad = grads});
  ex.forward(true);
  ex.backward({from(head)});
  for (std::size_t k = 0; k < 3; ++k) {
    auto g = read(grads.at(names[k]));
    for (std::size_t i = 0; i < n; ++i) {
      INFO(names[k] << "[" << i << "]");
      double h = 1e-6 * std::max(1.0, std::fabs(x[k][i]));
      auto up = x, down = x;
      up[k][i] += h;
      down[k][i] -= h;
      double fd = head[i] * (run(up)[i] - run(down)[i]) / (2 * h);
      CHECK(g[i] == Approx(fd).epsilon(1e-6).margin(1e-8));
    }
  }
}

TEST_CASE("Symbol backward: write overwrites, add accumulates, null leaves the array untouched", "[symbol][gradient]") {
  auto x = Symbol::variable("x"), y = Symbol::variable("y"), z = Symbol::variable("z");
  Symbol s = x * y + z;
  auto gx = from<float>({5, 5}), gy = from<float>({5, 5}), gz = from<float>({5, 5});
  for (auto path : {xsym::execution_path::per_op, xsym::execution_path::blocked_fused}) {
    INFO(xsym::execution_path_name(path));
    gx = from<float>({5, 5}), gy = from<float>({5, 5}), gz = from<float>({5, 5});
    auto ex = s.bind(xsym::cpu(), {{"x", from<float>({2, 3})}, {"y", from<float>({4, -1})}, {"z", from<float>({0, 0})}},
                     {.path = path,
                      .args_grad = {{"x", gx}, {"y", gy}, {"z", gz}},
                      .grad_req = {{"x", grad_req::write}, {"y", grad_req::add}}});
    CHECK(ex.grad_reqs() == std::vector<grad_req>{grad_req::write, grad_req::add, grad_req::null});
    CHECK(!ex.grad_arrays()[2].has_storage());  // null: MXNet's None
    ex.forward(true);
    ex.backward({from<float>({1, 2})});
    ex.backward({from<float>({1, 2})});
    CHECK(read<float>(gx) == std::vector<float>{4, -2});            // written twice: the last
    CHECK(read<float>(gy) == std::vector<float>{5 + 2 + 2, 5 + 6 + 6});  // added twice
    CHECK(read<float>(gz) == std::vector<float>{5, 5});             // untouched
  }
}

TEST_CASE("Symbol backward: head gradients by name, several outputs, an output that is a variable",
          "[symbol][gradient]") {
  auto x = Symbol::variable("x"), y = Symbol::variable("y");
  Symbol s = xsym::group(x * y, x, xsym::exp(y));
  auto gx = ndarray::zeros({2}, xsym::dtype::float64), gy = ndarray::zeros({2}, xsym::dtype::float64);
  auto ex = s.bind(xsym::cpu(), {{"x", from({1.0, 2.0})}, {"y", from({0.5, -1.0})}},
                   {.args_grad = {{"x", gx}, {"y", gy}}});
  ex.forward(true);
  auto names = s.list_outputs();
  ex.backward(std::map<std::string, ndarray>{
      {names[0], from({1.0, 1.0})}, {names[1], from({10.0, 20.0})}, {names[2], from({2.0, 3.0})}});
  CHECK(read(gx) == std::vector<double>{0.5 + 10.0, -1.0 + 20.0});
  CHECK(read(gy) == std::vector<double>{1.0 + 2.0 * std::exp(0.5), 2.0 + 3.0 * std::exp(-1.0)});
  CHECK(read(ex.outputs()[1]) == std::vector<double>{1.0, 2.0});
}

TEST_CASE("Symbol simple_bind: grad_req allocates zero-filled gradients", "[symbol][gradient]") {
  auto x = Symbol::variable("x"), w = Symbol::variable("w");
  Symbol s = xsym::sigmoid(x * w);
  auto ex = s.simple_bind(xsym::cpu(), {{"x", {4}}, {"w", {4}}}, {}, {.grad_req = grad_req::write});
  REQUIRE(ex.grad_arrays().size() == 2);
  for (const auto& g : ex.grad_arrays()) {
    REQUIRE(g.has_storage());
    CHECK(read<float>(g) == std::vector<float>(4, 0.0f));
  }
  ex.arg_dict().at("x").copy_from(std::vector<float>{1, 2, 3, 4});
  ex.arg_dict().at("w").copy_from(std::vector<float>{0.5f, -0.5f, 0.25f, 0});
  ex.forward(true);
  ex.backward({from<float>({1, 1, 1, 1})});
  auto out = read<float>(ex.outputs()[0]), gw = read<float>(ex.grad_dict().at("w"));
  const float xs[] = {1, 2, 3, 4};
  for (int i = 0; i < 4; ++i) CHECK(gw[std::size_t(i)] == Approx(out[std::size_t(i)] * (1 - out[std::size_t(i)]) * xs[i]));
  // By name: only w; without grad_req, none (MXNet would allocate every gradient).
  auto named = s.simple_bind(xsym::cpu(), {{"x", {4}}, {"w", {4}}}, {}, {.grad_req = {{"w", grad_req::add}}});
  CHECK(!named.grad_arrays()[0].has_storage());
  CHECK(named.grad_arrays()[1].has_storage());
  auto plain = s.simple_bind(xsym::cpu(), {{"x", {4}}, {"w", {4}}});
  CHECK(!plain.grad_arrays()[0].has_storage());
  CHECK(plain.grad_reqs() == std::vector<grad_req>{grad_req::null, grad_req::null});
}

TEST_CASE("Symbol backward: every mistake is an error naming what is wrong", "[symbol][gradient]") {
  xsym::name_scope names;
  auto x = Symbol::variable("x"), y = Symbol::variable("y");
  Symbol s = x * y;
  auto X = from<float>({1, 2}), Y = from<float>({3, 4}), G = from<float>({0, 0});
  std::map<std::string, ndarray> args{{"x", X}, {"y", Y}};
  CHECK(message_of([&] { s.bind(xsym::cpu(), args, {.args_grad = {{"q", G}}}); }) ==
        "xsym::Symbol::bind: args_grad names 'q', which is not an argument of the symbol; its arguments are x, y");
  CHECK(message_of([&] { s.bind(xsym::cpu(), args, {.args_grad = {{"x", G}}, .grad_req = {{"q", grad_req::add}}}); }) ==
        "xsym::Symbol::bind: grad_req names 'q', which is not an argument of the symbol; its arguments are x, y");
  CHECK(message_of([&] { s.bind(xsym::cpu(), args, {.args_grad = {{"x", X}}, .grad_req = grad_req::add}); }) ==
        "xsym::Symbol::bind: the gradient of argument 'x' is the array of argument 'x' (grad_req add): the gradient "
        "would overwrite the values it is computed from; give it an array of its own");
  CHECK(message_of([&] { s.bind(xsym::cpu(), args, {.args_grad = {{"x", G}, {"y", G}}}); }) ==
        "xsym::Symbol::bind: the gradient of argument 'y' is also the gradient array of argument 'x'; give each "
        "gradient an array of its own");
  CHECK(message_of([&] { s.bind(xsym::cpu(), args, {.args_grad = {{"x", from<float>({0, 0, 0})}}}); }) ==
        "xsym::Symbol::bind: the gradient of argument 'x' has shape [3], but the argument has shape [2]");
  CHECK(message_of([&] { s.bind(xsym::cpu(), args, {.args_grad = {{"x", from<double>({0, 0})}}}); }) ==
        "xsym::Symbol::bind: the gradient of argument 'x' is float64, but the argument is float32");
  auto ints = std::map<std::string, ndarray>{{"x", ndarray::array<int>({1, 2})}, {"y", ndarray::array<int>({1, 2})}};
  CHECK(message_of([&] { s.bind(xsym::cpu(), ints, {.args_grad = {{"x", ndarray::array<int>({0, 0})}}}); }) ==
        "xsym::Symbol::bind: the gradient of argument 'x' is requested (grad_req write), but the argument is int32: "
        "integer arrays have no gradient; give it grad_req null");
  // (On gpu(0) the arrays' context is checked too; this binary does not link xsym::cuda.)
  CHECK(message_of([&] { s.bind(xsym::gpu(0), args, {.args_grad = {{"x", G}}}); }) ==
        "xsym::Symbol::bind: no runtime backend for gpu(0): link xsym::cuda (build with CUDA)");

  auto plain = s.bind(xsym::cpu(), args);
  CHECK(message_of([&] { plain.backward({G}); }).starts_with("xsym::Executor::backward: the executor was bound without "
                                                             "gradients"));
  auto ex = s.bind(xsym::cpu(), args, {.args_grad = {{"x", G}}});
  CHECK(message_of([&] { ex.backward({from<float>({1, 1})}); }) ==
        "xsym::Executor::backward: backward() reads what forward() computed; call forward(true) first");
  ex.forward(true);
  CHECK(message_of([&] { ex.backward(); }) ==
        "xsym::Executor::backward: output '_mul0_output' has no head gradient: because the last operator is not Loss "
        "function, head_gradient is required when calling backward (give one array per output)");
  CHECK(message_of([&] { ex.backward({from<float>({1, 1, 1})}); }) ==
        "xsym::Executor::backward: the head gradient of output '_mul0_output' has shape [3], but the output has "
        "shape [2]");
  CHECK(message_of([&] { ex.backward(std::map<std::string, ndarray>{{"out", G}}); }) ==
        "xsym::Executor::backward: 'out' is not an output of the symbol; its outputs are _mul0_output");

  // Second-order gradients: the _backward_ ops have none.
  Symbol first = xsym::exp(x).gradient({"x"});
  CHECK(message_of([&] { first.gradient({"x"}); }) ==
        "xsym::Symbol::gradient: node '_backward_exp0' (_backward_exp) has no gradient in xsym yet, and input 1 of "
        "it depends on a variable whose gradient is asked for");
  CHECK(message_of([&] { s.gradient({"w"}); }) ==
        "xsym::Symbol::gradient: 'w' is not an argument of the symbol; its arguments are x, y");
  CHECK(message_of([&] { s.gradient({}); }) == "xsym::Symbol::gradient: name at least one variable");
}
