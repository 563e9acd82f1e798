// The translation unit whose PTX tests/ptx/check_ptx.py reads (issue 6, item 5b and 5c): W1,
// E = A*B + C*D, bound to a GPU the way a user's .cu file does. Compiled to PTX only (an object
// library with CUDA_PTX_COMPILATION), never linked or run. The graph is untyped, so bind
// instantiates its kernels for each of the four bindable dtypes: float32, float64, int32, int64.
#include <map>
#include <string>

#include <xsym/xsym.hpp>
#include <xsym/cuda.cuh>

void bind_w1(const std::map<std::string, xsym::ndarray>& args) {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto c = xsym::variable<"C">();
  auto d = xsym::variable<"D">();
  auto ex = xsym::bind(a * b + c * d, xsym::gpu(0), args);
  ex.forward();
}
