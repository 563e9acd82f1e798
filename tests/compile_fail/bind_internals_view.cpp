// expect: bindable_graph
// get_internals is a view for introspection; binding needs an expression or a group.
#include <xsym/xsym.hpp>
int main() {
  auto a = xsym::variable<"A">();
  auto X = xsym::ndarray::array<float>({1}, {1});
  auto ex = xsym::bind(xsym::get_internals(a * 2), {{"A", X}});
}
