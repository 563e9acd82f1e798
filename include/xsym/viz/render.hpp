#pragma once
// xsym::viz::render: writes DOT text to `dir/name` and runs Graphviz on it,
// `dot -T<format> dir/name -o dir/name.<format>`, giving `dir/name.<format>`.
// Graphviz is needed only at run time, and only by render: xsym builds without it.
// The program runs through posix_spawn with an argument vector (no shell), so names may hold
// any character; its standard error is captured for the error message.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "plot_network.hpp"

namespace xsym::viz {

struct render_options {
  /// The Graphviz program: a bare name is searched for in PATH, a name holding '/' is used as is.
  std::string dot_program = "dot";
};

/// The formats render accepts (python-graphviz's list): pdf png svg ps jpg gif dot json ...
const std::vector<std::string>& render_formats();

/// Where `program` is: itself when it holds a '/' and is an executable file, otherwise the
/// first executable `<dir>/<program>` of PATH; nothing when there is none.
std::optional<std::filesystem::path> find_program(const std::string& program = "dot");

/// Writes `dot` to `dir/name` (creating `dir`; an empty dir is the current folder) and renders it
/// to `dir/name.<format>`, which it returns. Throws xsym::error for an unknown format, a name that
/// is empty, ".", ".." or holds '/' or NUL, a file that cannot be written, a Graphviz program that
/// is not installed ("make sure the Graphviz executables are on your PATH"), or one that fails
/// (its exit status or signal and its standard error).
std::filesystem::path render(const std::string& dot, const std::string& name,
                             const std::filesystem::path& dir, const std::string& format = "pdf",
                             const render_options& options = {});
/// The same for plot_network's result, in its format (plot_options::save_format):
/// `render(plot_network(s, shapes, {.save_format = "png"}), "e", "model_render")` makes
/// `model_render/e.png`.
inline std::filesystem::path render(const dot_graph& dot, const std::string& name, const std::filesystem::path& dir,
                                    const render_options& options = {}) {
  return render(static_cast<const std::string&>(dot), name, dir, dot.format, options);
}

}  // namespace xsym::viz
