// expect: this one is missing.*name<'D'>|name<'D'>.*this one is missing
// max lines: 20
// The named bind form leaves out argument D: the compiler names it (g++ as "D", clang as name<'D'>).
#include <xsym/xsym.hpp>
int main() {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto d = xsym::variable<"D">();
  auto A = xsym::ndarray::array<float>({1}, {1});
  auto ex = xsym::bind(a * b + d, a = A, b = A);
}
