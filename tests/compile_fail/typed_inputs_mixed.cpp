// expect: an elementwise op mixes typed inputs of different element types
// MXNet's elementwise ops take one dtype: float times double needs an explicit cast.
#include <xsym/xsym.hpp>
int main() {
  auto e = xsym::variable<"A", float>() * xsym::variable<"B", double>();
  return int(xsym::list_arguments(e).size());
}
