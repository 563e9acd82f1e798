// Renders MXNet's LeNet (lenet-symbol.json) the way mx.viz.plot_network draws it, with every
// edge labelled by its inferred shape for data = (1, 1, 28, 28): model_render/lenet.png.
#include <iostream>

#include <xsym/xsym.hpp>

#ifndef XSYM_MODEL_DIR  // set by examples/CMakeLists.txt: the folder of MXNet's model files
#define XSYM_MODEL_DIR "tests/data/mxnet"
#endif

int main() {
  auto lenet = xsym::Symbol::load(XSYM_MODEL_DIR "/lenet-symbol.json");
  auto dot = xsym::viz::plot_network(lenet, {{"data", {1, 1, 28, 28}}}, {.title = "lenet", .save_format = "png"});
  std::cout << dot << '\n';
  if (!xsym::viz::find_program("dot")) {
    std::cout << "rendering skipped: Graphviz `dot` is not on PATH\n";
    return 0;
  }
  auto out = xsym::viz::render(dot, "lenet", "model_render");  // in its save_format, png
  std::cout << "rendered: " << out.string() << '\n';
  return 0;
}
