// xsym::viz::render: Graphviz through posix_spawn, and its errors.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <xsym/xsym.hpp>

#include "viz_helpers.hpp"

using viz_test::temp_dir;

namespace {
std::string read(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}
bool have_dot() {
  if (xsym::viz::find_program("dot")) return true;
  WARN("Graphviz `dot` is not on PATH: skipping the rendering checks");
  return false;
}
const std::string tiny = "digraph g {\n\ta -> b\n}";
}  // namespace

TEST_CASE("render writes the DOT file and the rendered file") {
  if (!have_dot()) return;
  temp_dir dir;
  auto sub = dir.path / "new folder" / "deeper";
  for (std::string format : {"pdf", "png", "svg", "dot", "json"}) {
    auto out = xsym::viz::render(tiny, "e", sub, format);
    CHECK(out == sub / ("e." + format));
    CHECK(std::filesystem::file_size(out) > 0);
    CHECK(read(sub / "e") == tiny);
  }
  CHECK(read(sub / "e.pdf").starts_with("%PDF"));
  CHECK(read(sub / "e.png").starts_with("\x89PNG"));
}

TEST_CASE("render takes names with any character, without a shell") {
  if (!have_dot()) return;
  temp_dir dir;
  for (std::string name : {"a b", "-Tpng", "$(touch pwned)", "x;y|z&", "quote\"s 'single'", "caf\xC3\xA9",
                           "new\nline", "*"}) {
    INFO(name);
    auto out = xsym::viz::render(tiny, name, dir.path, "svg");
    CHECK(std::filesystem::exists(dir.path / name));
    CHECK(std::filesystem::exists(out));
  }
  CHECK_FALSE(std::filesystem::exists("pwned"));
  CHECK_FALSE(std::filesystem::exists(dir.path / "pwned"));
}

TEST_CASE("render errors: format and name") {
  temp_dir dir;
  CHECK_THROWS_WITH(xsym::viz::render(tiny, "g", dir.path, "docx"), Catch::Contains("unknown format \"docx\""));
  CHECK_THROWS_WITH(xsym::viz::render(tiny, "g", dir.path, "-Tpng"), Catch::Contains("unknown format"));
  for (std::string bad : std::vector<std::string>{"", ".", "..", "a/b", std::string("a\0b", 3)})
    CHECK_THROWS_WITH(xsym::viz::render(tiny, bad, dir.path, "svg"), Catch::Contains("invalid file name"));
}

TEST_CASE("render errors: Graphviz missing") {
  temp_dir dir;
  CHECK_THROWS_WITH(xsym::viz::render(tiny, "g", dir.path, "svg", {.dot_program = "xsym-no-such-dot"}),
                    Catch::Contains("not found") && Catch::Contains("Graphviz"));
  CHECK_THROWS_WITH(xsym::viz::render(tiny, "g", dir.path, "svg", {.dot_program = "/nonexistent/dot"}),
                    Catch::Contains("not found"));
  // PATH pointing at an empty folder: `dot` cannot be found.
  temp_dir empty;
  const char* old = std::getenv("PATH");
  std::string saved = old ? old : "";
  ::setenv("PATH", empty.path.c_str(), 1);
  CHECK_FALSE(xsym::viz::find_program("dot"));
  CHECK_THROWS_AS(xsym::viz::render(tiny, "g", dir.path), xsym::error);
  if (old) ::setenv("PATH", saved.c_str(), 1);
  else ::unsetenv("PATH");
}

TEST_CASE("render errors: Graphviz fails, with its message and exit code") {
  if (!have_dot()) return;
  temp_dir dir;
  try {
    xsym::viz::render("digraph { a -> }}", "broken", dir.path, "svg");
    FAIL("render accepted a syntax error");
  } catch (const xsym::error& e) {
    std::string what = e.what();
    INFO(what);
    CHECK(what.find("failed with exit code 1") != std::string::npos);
    CHECK(what.find("syntax error") != std::string::npos);
  }
  // A program that fails without a message (`false` ignores its arguments).
  if (auto f = xsym::viz::find_program("false"))
    CHECK_THROWS_WITH(xsym::viz::render(tiny, "g", dir.path, "svg", {.dot_program = f->string()}),
                      Catch::Contains("exit code 1"));
}

TEST_CASE("render takes plot_network's save_format") {
  auto a = xsym::variable<"A">();
  auto dot = xsym::viz::plot_network(xsym::exp(a) * 2, {{"A", {1, 3}}}, {.save_format = "svg"});
  CHECK(dot.format == "svg");
  CHECK(xsym::viz::plot_network(a * 2).format == "pdf");  // MXNet's default
  if (!have_dot()) return;
  temp_dir dir;
  auto out = xsym::viz::render(dot, "e", dir.path);
  CHECK(out == dir.path / "e.svg");
  CHECK(read(out).find("<svg") != std::string::npos);
  // An explicit format still wins.
  CHECK(xsym::viz::render(dot, "e", dir.path, "png") == dir.path / "e.png");
}

TEST_CASE("render: boxes fit long labels by default, MXNet's fixed sizes on request") {
  auto lenet = xsym::Symbol::load(XSYM_TEST_DATA_DIR "/mxnet/lenet-symbol.json");
  auto fitted = xsym::viz::plot_network(lenet, {{"data", {1, 1, 28, 28}}});
  auto mxnet = xsym::viz::plot_network(lenet, {{"data", {1, 1, 28, 28}}}, {.mxnet_sizes = true});
  CHECK(fitted.find("fixedsize=true") == std::string::npos);
  CHECK(mxnet.find("fixedsize=false") == std::string::npos);
  if (!have_dot()) return;
  // Graphviz widens a fitted box past MXNet's 1.3 inches where its label needs it: the JSON layout
  // of the flatten node (a 35-character label) is wider than 1.3 inches.
  temp_dir dir;
  auto wide = [&](const xsym::viz::dot_graph& dot, const std::string& name) {
    std::string json = read(xsym::viz::render(dot, name, dir.path, "json"));
    auto at = json.find("\"name\": \"hybridsequential0_flatten0_flatten0\"");
    REQUIRE(at != std::string::npos);
    auto width = json.find("\"width\": \"", at);
    REQUIRE(width != std::string::npos);
    return std::stod(json.substr(width + 10));
  };
  CHECK(wide(fitted, "fitted") > 2.0);  // about 3.8 inches
  CHECK(wide(mxnet, "mxnet") < 1.4);    // 1.3, rounded to Graphviz's points
}
