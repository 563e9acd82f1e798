// The seed walkthrough in C++: compose a graph, ask it about itself, bind arrays and run it.
// Each step prints what it found; the test suite runs this program and checks its output.
#include <cstdint>
#include <iostream>
#include <string_view>

#include <xsym/xsym.hpp>

// Built with CUDA, this file is compiled by nvcc and links xsym::cuda (examples/CMakeLists.txt),
// so step 5 below runs E on the GPU as one fused kernel.
#ifdef XSYM_WITH_CUDA  // defined for targets that link xsym::cuda
#include <xsym/cuda.cuh>
#define XSYM_WALKTHROUGH_GPU 1
#endif

#ifndef XSYM_MODEL_DIR  // set by examples/CMakeLists.txt: the folder of MXNet's model files
#define XSYM_MODEL_DIR "tests/data/mxnet"
#endif

// Prints a list of names on one line: "A B C D".
void print_names(std::string_view title, const auto& names) {
  std::cout << title << ":";
  for (std::string_view n : names) std::cout << ' ' << n;
  std::cout << '\n';
}

int main() {
  // 1. Variables, and a graph composed from them. The graph is a type: nothing runs yet.
  //    (constexpr lets nvcc evaluate the static_assert below too; g++ and clang need no constexpr.)
  constexpr auto a = xsym::variable<"A">();
  constexpr auto b = xsym::variable<"B">();
  constexpr auto c = xsym::variable<"C">();
  constexpr auto d = xsym::variable<"D">();
  constexpr auto e = (a * b) + (c * d);

  // 2. Introspection, answered by the compiler.
  static_assert(xsym::list_arguments(e)[2] == "C");
  print_names("arguments", xsym::list_arguments(e));                    // A B C D
  print_names("outputs", xsym::list_outputs(e));                        // _plus0_output
  print_names("internals", xsym::list_outputs(xsym::get_internals(e)));  // A B _mul0_output ...
  print_names("children", xsym::list_outputs(xsym::get_children(e)));    // _mul0_output _mul1_output
  std::cout << e << " is " << xsym::to_string(e) << '\n';              // <Symbol _plus0> is (A * B) + (C * D)

  // 3. Arrays for the arguments: data, shape, and cpu(0) by default.
  auto A = xsym::ndarray::array<std::int32_t>({1}, {1});
  auto B = xsym::ndarray::array<std::int32_t>({2}, {1});
  auto C = xsym::ndarray::array<std::int32_t>({3}, {1});
  auto D = xsym::ndarray::array<std::int32_t>({4}, {1});

  // 4. Bind and run: one fused loop computes A*B + C*D without temporaries.
  auto ex = xsym::bind(e, xsym::cpu(0), {{"A", A}, {"B", B}, {"C", C}, {"D", D}});
  ex.forward();
  std::cout << "path: " << ex.path() << '\n';
  std::cout << "result: " << ex.outputs()[0].to_vector<std::int32_t>()[0] << '\n';  // 14
  std::cout << ex.outputs()[0];

  // 5. The same on a GPU: one fused CUDA kernel for the whole graph, asynchronous on the
  //    executor's stream; reading the output waits for it.
#ifdef XSYM_WALKTHROUGH_GPU
  if (xsym::cuda::available()) {
    auto gpu = xsym::gpu(0);
    auto gx = xsym::bind(e, gpu, {{"A", A.copyto(gpu)}, {"B", B.copyto(gpu)}, {"C", C.copyto(gpu)}, {"D", D.copyto(gpu)}});
    gx.forward();
    std::cout << "gpu(0): " << gx.outputs()[0].to_vector<std::int32_t>()[0] << ", path: " << gx.path() << '\n';  // 14
  } else {
    std::cout << "gpu(0): skipped (" << xsym::cuda::unavailable_reason() << ")\n";
  }
#else
  std::cout << "gpu(0): skipped (xsym was built without CUDA)\n";
#endif

  // 6. The named form checks the names at compile time; new input values need only forward().
  auto ex2 = xsym::bind(e, a = A, b = B, c = C, d = D);
  A.copy_from(std::vector<std::int32_t>{10});
  ex2.forward();
  std::cout << "with A = 10: " << ex2.outputs()[0].to_vector<std::int32_t>()[0] << '\n';  // 32

  // 7. The runtime-erased graph: the same nodes and names, saved and loaded in MXNet's format.
  xsym::Symbol s = e;
  s.save("symbol-e.json");
  auto e2 = xsym::Symbol::load("symbol-e.json");
  std::cout << "round trip: " << std::boolalpha << (s.to_json() == e2.to_json()) << '\n';  // true

  // 8. Both Symbols run. s keeps e's fused loop; e2, loaded from JSON, has no compiled code and
  //    runs through the blocked fused interpreter. Each executor says which path it took.
  A.copy_from(std::vector<std::int32_t>{1});
  for (const auto& [what, sym] : {std::pair{"converted", s}, std::pair{"loaded", e2}}) {
    auto sx = sym.bind(xsym::cpu(0), {{"A", A}, {"B", B}, {"C", C}, {"D", D}});
    sx.forward();
    std::cout << what << " symbol: " << sx.outputs()[0].to_vector<std::int32_t>()[0]  // 14
              << ", path: " << sx.path_description() << '\n';
  }

  // 9. A graph built at run time, named by MXNet's name manager, its JSON, and a run.
  auto r = xsym::exp(xsym::Symbol::variable("x")) * 2.0f;
  print_names("runtime graph", r.get_internals().list_outputs());  // x exp0_output _mulscalar0_output
  std::cout << r.to_json() << '\n';
  auto X = xsym::ndarray::array<float>({0.0f, 1.0f}, {2});
  auto rex = r.bind(xsym::cpu(0), {{"x", X}});
  rex.forward();
  std::cout << "2 * exp(x): " << rex.outputs()[0];  // [2. 5.436564]

  // 10. A real MXNet model: its arguments, every shape inferred from the input's, and a forward
  //    pass over arrays allocated from those shapes (zeros: load trained weights into arg_dict()).
  auto lenet = xsym::Symbol::load(XSYM_MODEL_DIR "/lenet-symbol.json");
  print_names("lenet arguments", lenet.list_arguments());
  auto [arg_shapes, out_shapes, aux_shapes] = lenet.infer_shape({{"data", {1, 1, 28, 28}}});
  auto args = lenet.list_arguments();
  for (std::size_t i = 0; i < args.size(); ++i) std::cout << "  " << args[i] << ": " << arg_shapes[i] << '\n';
  std::cout << "lenet output: " << out_shapes[0] << ", auxiliary states: " << aux_shapes.size() << '\n';
  auto lex = lenet.simple_bind(xsym::cpu(0), {{"data", {1, 1, 28, 28}}});
  lex.forward();
  std::cout << "lenet forward: " << lex.outputs()[0].shape() << ", path: " << lex.path_description() << '\n';

  // 11. Rendering, as MXNet's plot_network draws it: DOT text, then Graphviz (when installed).
  auto dot = xsym::viz::plot_network(s, {{"A", {1}}, {"B", {1}}, {"C", {1}}, {"D", {1}}},
                                     {.title = "e", .node_attrs = {{"shape", "oval"}, {"fixedsize", "false"}}});
  std::cout << dot << '\n';
  if (xsym::viz::find_program("dot")) {
    xsym::viz::render(dot, "e", "model_render");  // model_render/e (DOT) and model_render/e.pdf
    std::cout << "rendered: model_render/e.pdf\n";
  } else {
    std::cout << "rendering skipped: Graphviz `dot` is not on PATH\n";
  }
  return 0;
}
