// expect: the aggregate must have one field per graph argument
// A Boost.PFR aggregate with three fields for a graph with four arguments.
#include <xsym/xsym.hpp>
struct args {
  xsym::ndarray A, B, C;
};
int main() {
  auto e = xsym::variable<"A">() * xsym::variable<"B">() + xsym::variable<"C">() * xsym::variable<"D">();
  auto X = xsym::ndarray::array<float>({1}, {1});
  auto ex = xsym::bind(e, args{X, X, X});
}
