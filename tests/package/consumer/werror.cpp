// Built with -O3 -Wall -Wextra -Werror (g++ and clang++) by tests/package/check_consumer.sh:
// including and using xsym must not warn in a user's translation unit.
#include <iostream>
#include <sstream>
#include <xsym/xsym.hpp>

int main() {
  auto a = xsym::variable<"A", float>();
  auto b = xsym::variable<"B">();
  auto e = xsym::group(xsym::maximum(a, 2.0f) - xsym::clip(a, 0, 1), xsym::cast<double>(a) / 3);
  auto A = xsym::ndarray::array<float>({1, 2}, {2});
  auto ex = xsym::bind(e, a = A);
  ex.forward();
  auto ex2 = xsym::bind<float>(xsym::exp(b) * 2, {{"B", A}});
  ex2.forward();
  std::ostringstream out;
  out << ex.outputs()[1] << ex.path() << ex2.outputs()[0] << xsym::to_string(e) << e << A.shape();

  xsym::Symbol s = (a * b) + 1;
  auto [args, outs, aux] = s.infer_shape({{"A", {2}}});
  auto r = s.bind(xsym::cpu(0), {{"A", A}, {"B", A}});
  r.forward();
  out << s << xsym::to_string(s) << args[0] << outs[0] << aux.size() << s.to_json() << r.outputs()[0];
  out << xsym::viz::plot_network(s, {{"A", {2}}, {"B", {2}}});
  try {
    xsym::bind(e, {{"A", xsym::ndarray::zeros<std::int64_t>({2})}});
  } catch (const xsym::error& err) {
    out << err.what();
  }
  std::cout << out.str().size() << " characters of output\n";
  return r.outputs()[0].to_vector<float>() == std::vector<float>{2, 5} ? 0 : 1;
}
