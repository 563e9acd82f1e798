// expect: the named form must bind every argument of the graph exactly once
// The named bind form leaves out argument D: the compiler tells.
#include <xsym/xsym.hpp>
int main() {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto d = xsym::variable<"D">();
  auto A = xsym::ndarray::array<float>({1}, {1});
  auto ex = xsym::bind(a * b + d, a = A, b = A);
}
