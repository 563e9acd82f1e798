// expect: two different layers have the same name
// A layer name names one layer: two FullyConnected<"fc1"> on different inputs are a mistake.
#include <xsym/xsym.hpp>
int main() {
  auto x = xsym::variable<"x">();
  auto y = xsym::variable<"y">();
  auto e = xsym::FullyConnected<"fc1">(x, {.num_hidden = 4}) + xsym::FullyConnected<"fc1">(y, {.num_hidden = 4});
  (void)xsym::list_nodes(e);
}
