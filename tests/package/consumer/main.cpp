// Uses xsym as an installed (or add_subdirectory'd) package would be used.
#include <xsym/xsym.hpp>

int main() {
  auto e = xsym::variable<"A">() * xsym::variable<"B">();
  static_assert(xsym::list_arguments(e).size() == 2);
  return xsym::list_arguments(e)[1] == "B" ? 0 : 1;
}
