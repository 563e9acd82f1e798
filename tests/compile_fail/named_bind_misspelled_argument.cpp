// expect: this name is not an argument of the graph.*name<'w', 'e', 'i', 'g', 't', 'h'>|name<'w', 'e', 'i', 'g', 't', 'h'>.*this name is not an argument of the graph
// max lines: 20
// not: this one is missing
// A misspelled name (`weigth` for `weight`): the cause is reported, not its consequence (that
// `weight` is then missing).
#include <xsym/xsym.hpp>
int main() {
  auto x = xsym::variable<"x">();
  auto weight = xsym::variable<"weight">();
  auto weigth = xsym::variable<"weigth">();
  auto X = xsym::ndarray::array<float>({1}, {1});
  auto ex = xsym::bind(x * weight, xsym::cpu(0), x = X, weigth = X);
}
