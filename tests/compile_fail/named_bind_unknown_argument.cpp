// expect: name<'X'>.*this name is not an argument of the graph|this name is not an argument of the graph.*name<'X'>
// max lines: 20
// A misspelled (or foreign) variable in the named bind form; the message shows its name.
#include <xsym/xsym.hpp>
int main() {
  auto a = xsym::variable<"A">();
  auto x = xsym::variable<"X">();
  auto A = xsym::ndarray::array<float>({1}, {1});
  auto ex = xsym::bind(a * 2, a = A, x = A);
}
