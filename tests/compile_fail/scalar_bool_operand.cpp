// expect: scalar_operand
// bool is not a scalar operand (MXNet's Python would write "True" into the graph).
#include <xsym/xsym.hpp>
int main() {
  auto e = xsym::variable<"A">() + true;
  return int(xsym::list_arguments(e).size());
}
