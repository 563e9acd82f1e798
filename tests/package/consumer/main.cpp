// Uses xsym as an installed (or add_subdirectory'd) package would be used: a static graph bound
// and run on the CPU with xsym::xsym alone (header-only; nothing compiled is linked).
#include <iostream>
#include <xsym/xsym.hpp>

int main() {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto e = a * b + 1.5;
  static_assert(xsym::list_arguments<decltype(e)>().size() == 2);  // e holds a scalar: the type form
  auto ex = xsym::bind(e, {{"A", xsym::ndarray::array<float>({1, 2}, {2})},
                           {"B", xsym::ndarray::array<float>({3, 4}, {2})}});
  ex.forward();
  auto typed = xsym::bind<double>(a * 2, a = xsym::ndarray::array<double>({0.25}, {1}));
  typed.forward();
  std::cout << e << " = " << xsym::to_string(e) << ": " << ex.outputs()[0];
  bool ok = ex.outputs()[0].to_vector<float>() == std::vector<float>{4.5f, 9.5f} &&
            typed.outputs()[0].to_vector<double>() == std::vector<double>{0.5};
  return ok && xsym::list_arguments(e)[1] == "B" ? 0 : 1;
}
