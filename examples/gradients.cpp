// Gradients of a static graph: the gradient graph the compiler builds, and MXNet's executor
// semantics on it. Prints the gradient graph's arguments and outputs, then the gradients of
// f(x, w) = sigmoid(x * w) * w with respect to x and w, from one fused forward+backward pass,
// next to the derivatives written out by hand.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <vector>

#include <xsym/xsym.hpp>

int main() {
  auto x = xsym::variable<"x">();
  auto w = xsym::variable<"w">();
  auto f = xsym::sigmoid(x * w) * w;

  // The gradient graph is a static graph like any other: its names are known at compile time.
  auto g = xsym::gradient(f, x, w);
  std::cout << "gradient graph arguments:";
  for (auto name : xsym::list_arguments(g)) std::cout << ' ' << name;
  std::cout << "\ngradient graph outputs:";
  for (auto name : xsym::list_outputs(g)) std::cout << ' ' << name;
  std::cout << '\n';

  // MXNet's bind(ctx, args, args_grad, grad_req): forward and backward in one pass.
  auto X = xsym::ndarray::array<float>({-1.0f, 0.5f, 2.0f});
  auto W = xsym::ndarray::array<float>({0.3f, -1.2f, 0.8f});
  auto gX = xsym::ndarray::zeros<float>({3}), gW = xsym::ndarray::zeros<float>({3});
  auto ex = xsym::bind(f, xsym::cpu(0), {{"x", X}, {"w", W}}, {{"x", gX}, {"w", gW}}, xsym::grad_req::write);
  ex.forward_backward({xsym::ndarray::ones<float>({3})});
  std::cout << "f:" << ex.outputs()[0] << std::flush;

  auto xs = X.to_vector<float>(), ws = W.to_vector<float>();
  auto gx = gX.to_vector<float>(), gw = gW.to_vector<float>();
  for (std::size_t i = 0; i < xs.size(); ++i) {
    double s = 1 / (1 + std::exp(-double(xs[i]) * ws[i]));
    double dx = s * (1 - s) * ws[i] * ws[i], dw = s * (1 - s) * xs[i] * ws[i] + s;
    std::printf("df/dx = %.6f (by hand %.6f)   df/dw = %.6f (by hand %.6f)\n", gx[i], dx, gw[i], dw);
  }
}
