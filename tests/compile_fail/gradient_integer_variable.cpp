// expect: integer variables have no gradient
// max lines: 20
// A gradient asked for a variable typed as an integer (MXNet's rule: integers get none).
#include <xsym/xsym.hpp>
int main() {
  auto i = xsym::variable<"I", int>();
  auto x = xsym::variable<"X", float>();
  auto g = xsym::gradient(x * xsym::cast<float>(i), i);
  (void)g;
}
