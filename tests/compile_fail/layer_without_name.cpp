// expect: xsym::FullyConnected: name the layer
// A layer that creates variables needs a name to name them after.
#include <xsym/xsym.hpp>
int main() {
  auto x = xsym::variable<"x">();
  auto e = xsym::FullyConnected(x, {.num_hidden = 4});
  (void)e;
}
