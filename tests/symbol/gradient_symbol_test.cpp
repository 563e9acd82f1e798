// A static gradient graph converted to a Symbol: MXNet-style JSON with the _backward_* ops and
// their attributes, and the graph's fused loop kept for binding on the static_fused path.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include <xsym/xsym.hpp>

TEST_CASE("gradient graph: converts to a Symbol, writes JSON and binds on its fused loop", "[symbol]") {
  auto a = xsym::variable<"A">();
  auto graph = xsym::gradient(xsym::sqrt(a) * 3.0, a);
  xsym::Symbol s = graph;
  auto static_arguments = xsym::list_arguments(graph);
  CHECK(s.list_arguments() == std::vector<std::string>(static_arguments.begin(), static_arguments.end()));
  auto static_nodes = xsym::list_nodes(graph);
  CHECK(s.get_internals().list_outputs().size() == static_nodes.size());
  CHECK(s.list_arguments() == std::vector<std::string>{"_mulscalar0_output_head_grad", "A"});
  std::string json = s.to_json();
  CHECK(json.find("\"op\": \"_backward_sqrt\"") != std::string::npos);
  CHECK(json.find("\"op\": \"_backward_mul_scalar\"") != std::string::npos);
  CHECK(json.find("\"scalar\": \"3.0\"") != std::string::npos);

  auto x = xsym::ndarray::array<double>({0.25, 4, 9});
  auto h = xsym::ndarray::array<double>({1, 2, -1});
  xsym::bind_options o;
  o.path = xsym::execution_path::static_fused;
  auto ex = s.bind(xsym::cpu(), {{"A", x}, {"_mulscalar0_output_head_grad", h}}, o);
  CHECK(ex.path() == xsym::execution_path::static_fused);
  // Inference knows the _backward_* ops, and the interpreters run them with the same bits.
  CHECK(s.infer_shape({{"A", {3}}, {"_mulscalar0_output_head_grad", {3}}}).outputs == std::vector<xsym::shape>{{3}});
  xsym::bind_options per_op;
  per_op.path = xsym::execution_path::per_op;
  auto interpreted = s.bind(xsym::cpu(), {{"A", x}, {"_mulscalar0_output_head_grad", h}}, per_op);
  ex.forward();
  interpreted.forward();
  auto g = ex.outputs()[0].to_vector<double>();
  CHECK(interpreted.outputs()[0].to_vector<double>() == g);
  const double xs[] = {0.25, 4, 9}, hs[] = {1, 2, -1};
  for (int i = 0; i < 3; ++i) CHECK(g[std::size_t(i)] == Approx(hs[i] * 3.0 * 0.5 / std::sqrt(xs[i])).epsilon(1e-14));
}
