// xsym::viz::render: runs Graphviz through posix_spawn. See include/xsym/viz/render.hpp.
#include "xsym/viz/render.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <system_error>

#include "xsym/core/error.hpp"

extern char** environ;

namespace xsym::viz {
namespace {

bool is_executable_file(const std::filesystem::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

// Closes a descriptor when it goes out of scope.
struct fd_guard {
  int fd = -1;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

struct spawn_actions {
  posix_spawn_file_actions_t actions;
  spawn_actions() { posix_spawn_file_actions_init(&actions); }
  ~spawn_actions() { posix_spawn_file_actions_destroy(&actions); }
  spawn_actions(const spawn_actions&) = delete;
  spawn_actions& operator=(const spawn_actions&) = delete;
};

}  // namespace

const std::vector<std::string>& render_formats() {
  static const std::vector<std::string> formats{
      "bmp",   "canon",  "cmap",      "cmapx", "cmapx_np", "dot",  "dot_json", "eps",      "fig",
      "gd",    "gd2",    "gif",       "gv",    "imap",     "imap_np", "ismap", "jpe",      "jpeg",
      "jpg",   "json",   "json0",     "mp",    "pdf",      "pic",  "plain",    "plain-ext", "png",
      "pov",   "ps",     "ps2",       "svg",   "svgz",     "tif",  "tiff",     "tk",       "vml",
      "vmlz",  "vrml",   "wbmp",      "webp",  "xdot",     "xdot1.2", "xdot1.4", "xdot_json"};
  return formats;
}

std::optional<std::filesystem::path> find_program(const std::string& program) {
  if (program.empty()) return std::nullopt;
  if (program.find('/') != std::string::npos) {
    if (is_executable_file(program)) return std::filesystem::path(program);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (dir.empty()) dir = ".";  // POSIX: an empty entry is the current folder
    std::filesystem::path candidate = std::filesystem::path(dir) / program;
    if (is_executable_file(candidate)) return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

std::filesystem::path render(const std::string& dot, const std::string& name, const std::filesystem::path& dir,
                             const std::string& format, const render_options& options) {
  const std::string where = "xsym::viz::render: ";
  const auto& formats = render_formats();
  if (std::find(formats.begin(), formats.end(), format) == formats.end()) {
    std::string list;
    for (const auto& f : formats) list += (list.empty() ? "" : " ") + f;
    throw error(where + "unknown format \"" + format + "\"; expected one of: " + list);
  }
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos)
    throw error(where + "invalid file name \"" + name + "\": it must be a plain file name (no '/')");

  auto program = find_program(options.dot_program);
  if (!program)
    throw error(where + "Graphviz program \"" + options.dot_program +
                "\" not found; make sure the Graphviz executables are on your PATH (install graphviz)");

  std::filesystem::path folder = dir.empty() ? std::filesystem::path(".") : dir;
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) throw error(where + "cannot create folder " + folder.string() + ": " + ec.message());
  std::filesystem::path source = folder / name;
  std::filesystem::path target = folder / (name + "." + format);
  {
    std::ofstream f(source, std::ios::binary | std::ios::trunc);
    f << dot;
    f.close();
    if (!f) throw error(where + "cannot write " + source.string());
  }

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw error(where + "pipe failed: " + std::strerror(errno));
  fd_guard read_end{fds[0]}, write_end{fds[1]};
  spawn_actions actions;
  posix_spawn_file_actions_addopen(&actions.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions.actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions.actions, fds[1], STDERR_FILENO);

  std::string flag = "-T" + format;
  std::string prog = program->string(), src = source.string(), out_flag = "-o", dst = target.string();
  std::vector<char*> argv{prog.data(), flag.data(), src.data(), out_flag.data(), dst.data(), nullptr};
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, prog.c_str(), &actions.actions, nullptr, argv.data(), environ);
  if (rc != 0) throw error(where + "cannot run " + prog + ": " + std::strerror(rc));
  ::close(write_end.fd);
  write_end.fd = -1;

  std::string messages;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(read_end.fd, buf, sizeof buf);
    if (n > 0) messages.append(buf, std::size_t(n));
    else if (n < 0 && errno == EINTR) continue;
    else break;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw error(where + "waitpid failed: " + std::strerror(errno));
  }
  while (!messages.empty() && (messages.back() == '\n' || messages.back() == '\r')) messages.pop_back();
  std::string command = prog + " " + flag + " " + src + " -o " + dst;
  if (WIFSIGNALED(status))
    throw error(where + "`" + command + "` was killed by signal " + std::to_string(WTERMSIG(status)) +
                (messages.empty() ? "" : ": " + messages));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw error(where + "`" + command + "` failed with exit code " +
                std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                (messages.empty() ? "" : ": " + messages));
  if (!std::filesystem::exists(target)) throw error(where + "`" + command + "` did not write " + dst);
  return target;
}

}  // namespace xsym::viz
