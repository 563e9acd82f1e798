// expect: this argument is named more than once.*name<'A'>|name<'A'>.*this argument is named more than once
// max lines: 20
// One argument named twice in the named bind form.
#include <xsym/xsym.hpp>
int main() {
  auto a = xsym::variable<"A">();
  auto A = xsym::ndarray::array<float>({1}, {1});
  auto ex = xsym::bind(a * 2, a = A, a = A);
}
