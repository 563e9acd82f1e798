// expect: more than two independent untyped parts
// Three untyped parts joined only through cast would need 4^3 instantiations.
#include <xsym/xsym.hpp>
int main() {
  auto e = xsym::cast<float>(xsym::variable<"A">()) + xsym::cast<float>(xsym::variable<"B">()) +
           xsym::cast<float>(xsym::variable<"C">());
  auto X = xsym::ndarray::array<float>({1}, {1});
  auto ex = xsym::bind(e, {{"A", X}, {"B", X}, {"C", X}});
}
