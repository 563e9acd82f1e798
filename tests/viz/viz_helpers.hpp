#pragma once
// Shared by the viz tests: checks that Graphviz parses a DOT text, when `dot` is installed.
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <string>

#include <unistd.h>

#include <xsym/xsym.hpp>

namespace viz_test {

/// A fresh temporary folder, removed at scope exit.
struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    static std::atomic<int> counter{0};
    path = std::filesystem::temp_directory_path() /
           ("xsym_viz_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
};

/// Renders `dot` to SVG through Graphviz and checks the result; WARNs (visibly) and skips the
/// check when `dot` is not on PATH.
inline void check_graphviz_parses(const std::string& dot) {
  if (!xsym::viz::find_program("dot")) {
    WARN("Graphviz `dot` is not on PATH: skipping the check that it parses the DOT text");
    return;
  }
  temp_dir dir;
  std::filesystem::path out;
  REQUIRE_NOTHROW(out = xsym::viz::render(dot, "graph", dir.path, "svg"));
  REQUIRE(std::filesystem::exists(out));
  CHECK(std::filesystem::file_size(out) > 0);
}

}  // namespace viz_test
