// README's "Your first program", as it stands there: typed and untyped variables, bind<T>,
// printing, the dicts, inference, and rendering to PNG (skipped without Graphviz).
#include <iostream>

#include <xsym/xsym.hpp>

int main() {
  auto x = xsym::variable<"x", float>();  // typed: compiled once, for float32
  auto y = xsym::variable<"y">();         // untyped: its dtype comes from the bound array
  auto e = xsym::exp(x) * 2 + y;

  std::cout << e << '\n';                          // <Symbol _plus0>
  std::cout << xsym::to_string(e) << '\n';         // (exp(x) * 2) + y

  auto X = xsym::ndarray::array<float>({0, 1}, {2});
  auto ex = xsym::bind<float>(e, {{"x", X}, {"y", X}});
  ex.forward();
  std::cout << ex.outputs()[0];                    // [2. 6.436564]\n<NDArray 2 @cpu(0)>\n
  std::cout << "output_dict: " << ex.output_dict().keys().at(0) << '\n';

  xsym::Symbol s = e;
  auto [args, outs, aux] = s.infer_shape({{"x", {2}}});
  std::cout << "inferred: " << args[0] << ' ' << args[1] << " -> " << outs[0] << '\n';
  try {
    (void)s.infer_shape({});
  } catch (const xsym::error& err) {
    std::cout << "incomplete: " << err.what() << '\n';
  }
  auto dot = xsym::viz::plot_network(s, {{"x", {2}}, {"y", {2}}}, {.save_format = "png"});
  if (xsym::viz::find_program("dot"))
    std::cout << "rendered: " << xsym::viz::render(dot, "e", "model_render").string() << '\n';
  else
    std::cout << "rendering skipped: Graphviz `dot` is not on PATH\n";
  return 0;
}
