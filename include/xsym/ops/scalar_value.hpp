#pragma once
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstdlib>
#include <string>

namespace xsym::ops {

/// A run-time scalar operand (`a + 1.5`), kept as MXNet keeps it: a double, written into the
/// node's `scalar` attribute the way Python's `str()` writes the number the user gave
/// (`2` as "2", `1.5` as "1.5", `-1.0` as "-1.0").
struct scalar_value {
  double value = 0;
  bool integral = false;  // the user wrote an integer

  constexpr scalar_value() = default;
  template <class S>
    requires std::is_arithmetic_v<S>
  constexpr scalar_value(S s) : value(double(s)), integral(std::is_integral_v<S>) {}

  friend constexpr bool operator==(const scalar_value&, const scalar_value&) = default;

  /// Python's `str()` of the number.
  std::string str() const {
    char buf[64];
    if (integral) return std::to_string(static_cast<long long>(value));
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
    // Shortest round-trip digits, then Python's layout: fixed when -4 <= exponent < 16.
    auto end = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific).ptr;
    std::string sci(buf, end);
    auto e = sci.find('e');
    int exponent = std::atoi(sci.c_str() + e + 1);
    bool negative = sci[0] == '-';
    std::string digits;
    for (char c : sci.substr(0, e))
      if (c >= '0' && c <= '9') digits += c;
    std::string out = negative ? "-" : "";
    if (exponent < -4 || exponent >= 16) {
      out += digits.substr(0, 1);
      if (digits.size() > 1) {
        out += '.';
        out += digits.substr(1);
      }
      out += exponent < 0 ? "e-" : "e+";
      std::string ex = std::to_string(std::abs(exponent));
      return out + std::string(ex.size() < 2 ? "0" : "") + ex;
    }
    if (exponent < 0) return out + "0." + std::string(std::size_t(-exponent - 1), '0') + digits;
    std::size_t int_digits = std::size_t(exponent) + 1;
    if (digits.size() <= int_digits)
      return out + digits + std::string(int_digits - digits.size(), '0') + ".0";
    return out + digits.substr(0, int_digits) + "." + digits.substr(int_digits);
  }
};

}  // namespace xsym::ops
