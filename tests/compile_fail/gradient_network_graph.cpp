// expect: xsym::gradient: the static gradient graph is built for elementwise graphs
// The static gradient graph covers elementwise graphs; a network binds with gradient arrays.
#include <xsym/xsym.hpp>
int main() {
  auto x = xsym::variable<"x">();
  auto e = xsym::sum(xsym::exp(x), {.axis = {1}});
  auto g = xsym::gradient(e, x);
  (void)g;
}
