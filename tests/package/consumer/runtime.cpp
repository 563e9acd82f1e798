// Uses xsym::Symbol, the compiled part of an installed (or add_subdirectory'd) xsym.
#include <xsym/xsym.hpp>

int main() {
  xsym::Symbol s = xsym::variable<"A">() * xsym::variable<"B">();
  return s.list_outputs()[0] == "_mul0_output" && s.to_json().find("elemwise_mul") != std::string::npos ? 0 : 1;
}
