#pragma once
#include <stdexcept>
#include <string>

namespace xsym {

/// The one exception type xsym throws. The message names the argument, node or file position at
/// fault and says what was expected, e.g.
/// `xsym::bind: Incompatible attr in node _plus0 at 1-th input: expected [2,3], got [3,2]`.
class error : public std::runtime_error {
 public:
  explicit error(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace xsym
