#pragma once
#include <ostream>
#include <string>

#include "error.hpp"

namespace xsym {

/// Where arrays live and graphs run, with MXNet's device type codes (cpu = 1, gpu = 2).
struct context {
  enum class device : int { cpu = 1, gpu = 2 };
  device type = device::cpu;
  int id = 0;

  friend constexpr bool operator==(const context&, const context&) = default;
  /// "cpu(0)", "gpu(1)": MXNet's spelling.
  std::string str() const {
    return std::string(type == device::cpu ? "cpu(" : "gpu(") + std::to_string(id) + ")";
  }
};

/// The CPU context. The index is kept for MXNet compatibility; all CPU contexts share memory.
constexpr context cpu(int id = 0) { return {context::device::cpu, id}; }
/// GPU `id`. Arrays and graphs on it need the CUDA backend.
constexpr context gpu(int id = 0) { return {context::device::gpu, id}; }

inline std::ostream& operator<<(std::ostream& os, const context& c) { return os << c.str(); }

}  // namespace xsym
