// expect: this variable is not an argument of the graph
// max lines: 20
// A gradient asked for a variable the graph does not read.
#include <xsym/xsym.hpp>
int main() {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto g = xsym::gradient(xsym::exp(a), b);
  (void)g;
}
