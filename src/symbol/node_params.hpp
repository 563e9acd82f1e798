#pragma once
// Node attributes in MXNet's syntax, read as typed parameters: "(2, 2)", "(2,)", "[2, 2]", "2";
// True/False/1/0; "None" for an unset optional. Shared by inference and the runtime kernels.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xsym/core/dtype.hpp"
#include "xsym/core/error.hpp"
#include "xsym/symbol/graph_node.hpp"

namespace xsym::detail {

using i64 = std::int64_t;
using dims = std::vector<i64>;


inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// An integer, optionally signed, with Python 2's "L" suffix allowed ("2L").
inline std::optional<i64> parse_int(std::string_view s) {
  s = trim(s);
  if (!s.empty() && (s.back() == 'L' || s.back() == 'l')) s.remove_suffix(1);
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  i64 v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, i64(c - '0'), &v)) return std::nullopt;
  }
  return negative ? -v : v;
}

inline std::optional<dims> parse_tuple(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && ((s.front() == '(' && s.back() == ')') || (s.front() == '[' && s.back() == ']')))
    s = trim(s.substr(1, s.size() - 2));
  else if (s.empty())
    return std::nullopt;
  dims out;
  while (!s.empty()) {
    auto comma = s.find(',');
    auto item = s.substr(0, comma);
    auto v = parse_int(item);
    if (!v) return std::nullopt;
    out.push_back(*v);
    if (comma == std::string_view::npos) break;
    s = trim(s.substr(comma + 1));  // "(2,)": nothing after the last comma
  }
  return out;
}

// The attributes of one node, read as typed parameters. Errors name the attribute; the pass
// prefixes the node ("Error in operator conv0: ...").
class params {
 public:
  explicit params(const graph_node& n) : n_(n) {}

  // The raw value; "None" (MXNet's spelling of an unset optional) counts as absent.
  std::optional<std::string_view> raw(const char* key) const {
    auto it = n_.attrs.find(key);
    if (it == n_.attrs.end() || trim(it->second) == "None") return std::nullopt;
    return std::string_view(it->second);
  }
  std::optional<i64> opt_int(const char* key) const {
    auto v = raw(key);
    if (!v) return std::nullopt;
    auto i = parse_int(*v);
    if (!i) bad(key, *v, "an integer");
    return i;
  }
  i64 get_int(const char* key, i64 fallback) const { return opt_int(key).value_or(fallback); }
  i64 required_int(const char* key) const {
    auto v = opt_int(key);
    if (!v) missing(key, "an integer");
    return *v;
  }
  // An integer >= minimum.
  i64 int_at_least(const char* key, i64 fallback, i64 minimum) const {
    i64 v = get_int(key, fallback);
    if (v < minimum) bad(key, *raw(key), "an integer >= " + std::to_string(minimum));
    return v;
  }
  bool get_bool(const char* key, bool fallback) const {
    auto v = raw(key);
    if (!v) return fallback;
    auto t = trim(*v);
    if (t == "True" || t == "true" || t == "1") return true;
    if (t == "False" || t == "false" || t == "0") return false;
    bad(key, *v, "a boolean (True, False, true, false, 1 or 0)");
  }
  std::optional<dims> opt_tuple(const char* key) const {
    auto v = raw(key);
    if (!v) return std::nullopt;
    auto t = parse_tuple(*v);
    if (!t) bad(key, *v, "a tuple of integers such as (2, 2)");
    return t;
  }
  std::string get_string(const char* key, std::string fallback) const {
    auto v = raw(key);
    return v ? std::string(trim(*v)) : fallback;
  }
  std::optional<dtype> opt_dtype(const char* key) const {
    auto v = raw(key);
    if (!v) return std::nullopt;
    auto t = trim(*v);
    for (int code = 0; code <= 6; ++code)
      if (dtype_name(dtype(code)) == t) return dtype(code);
    bad(key, *v, "a dtype name (float32, float64, float16, uint8, int32, int8, int64)");
  }

  [[noreturn]] void bad(const char* key, std::string_view value, const std::string& expected) const {
    throw error("invalid value '" + std::string(value) + "' of attribute '" + key + "' of " + n_.op + " node '" +
                n_.name + "': expected " + expected);
  }
  [[noreturn]] void missing(const char* key, const std::string& expected) const {
    throw error("required attribute '" + std::string(key) + "' (" + expected + ") of " + n_.op + " node '" +
                n_.name + "' is missing");
  }

 private:
  const graph_node& n_;
};

// A tuple attribute of `count` positive (or, with allow_zero, non-negative) entries, defaulting
// to `fallback` repeated when absent or empty (Convolution's and Pooling's stride, dilate, pad).
inline dims spatial_param(const params& p, const char* key, std::size_t count, i64 fallback, bool allow_zero) {
  auto t = p.opt_tuple(key);
  if (!t || t->empty()) return dims(count, fallback);
  if (t->size() != count) p.bad(key, *p.raw(key), std::to_string(count) + " entries, as many as the kernel has");
  for (i64 v : *t)
    if (v < (allow_zero ? 0 : 1)) p.bad(key, *p.raw(key), allow_zero ? "non-negative entries" : "positive entries");
  return *t;
}

// The required `kernel` attribute: 1, 2 or 3 positive entries.
inline dims kernel_param(const params& p, const char* example) {
  auto kernel = p.opt_tuple("kernel");
  if (!kernel) p.missing("kernel", std::string("a tuple such as ") + example);
  if (kernel->empty() || kernel->size() > 3) p.bad("kernel", *p.raw("kernel"), "1, 2 or 3 entries");
  for (i64 v : *kernel)
    if (v < 1) p.bad("kernel", *p.raw("kernel"), "positive entries");
  return *kernel;
}

}  // namespace xsym::detail
