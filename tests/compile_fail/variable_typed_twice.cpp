// expect: one variable name is declared with two different element types
#include <xsym/xsym.hpp>
int main() {
  auto e = xsym::variable<"A", float>() + xsym::cast<float>(xsym::variable<"A", double>());
  return int(xsym::list_arguments(e).size());
}
