#pragma once
// The message of the xsym::error that f() throws, or "(no error)": for tests that check the text
// of several errors in a row.
#include <string>

#include <xsym/core/error.hpp>

namespace xsym::test {

inline std::string message_of(auto&& f) {
  try {
    f();
  } catch (const xsym::error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace xsym::test
