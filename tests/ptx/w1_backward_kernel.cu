// The PTX of W1's forward and backward fused into one kernel (issue 15, item 4), read by
// tests/ptx/check_ptx.py like w1_kernel.cu: the graph that executor::forward_backward runs on the
// CPU (E = A*B + C*D and its gradients with respect to A, B, C and D, from one head gradient),
// bound to a GPU as a plain graph. Compiled to PTX only, never linked or run.
#include <map>
#include <string>

#include <xsym/xsym.hpp>
#include <xsym/cuda.cuh>

void bind_w1_forward_backward(const std::map<std::string, xsym::ndarray>& args) {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto c = xsym::variable<"C">();
  auto d = xsym::variable<"D">();
  auto e = a * b + c * d;
  xsym::gradient_graph<decltype(e), true, 0, 1, 2, 3> forward_backward{e};
  auto ex = xsym::bind(forward_backward, xsym::gpu(0), args);
  ex.forward();
}
