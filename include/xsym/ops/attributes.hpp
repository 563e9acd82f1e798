#pragma once
// The attribute structs of ops other than elementwise ones (tensor.hpp, network.hpp) and how
// they become MXNet's attribute text. A struct's members carry MXNet's attribute names and
// defaults, so that `xsym::sum(x, {.axis = {1}, .keepdims = true})` reads as MXNet's
// `sum(x, axis=(1,), keepdims=True)`; its node gets the attributes MXNet's JSON would hold: the
// required ones always, the others only where they differ from the default (as MXNet writes only
// what the user set).
#include <climits>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "kinds.hpp"
#include "scalar_value.hpp"

namespace xsym {

/// An unset entry of a slice's begin, end or step: `.end = {2, xsym::none}` is MXNet's
/// `end=(2, None)`.
inline constexpr long long none = LLONG_MIN;

/// A tuple attribute (MXNet's Shape and Tuple<int>): `.axis = {0, 2}`, `.kernel = {5, 5}`,
/// `.axis = 1` for a tuple of one. Up to 8 entries; it is written "(0, 2)", "(1,)" or "()".
struct int_tuple {
  static constexpr int capacity = 8;
  long long entries[capacity]{};
  int size = 0;

  constexpr int_tuple() = default;
  constexpr int_tuple(long long v) : size(1) { entries[0] = v; }
  constexpr int_tuple(std::initializer_list<long long> list) {
    if (list.size() > std::size_t(capacity))
      throw error("xsym: a tuple attribute holds at most " + std::to_string(capacity) + " entries, not " +
                  std::to_string(list.size()));
    for (long long v : list) entries[size++] = v;
  }
  constexpr const long long* begin() const { return entries; }
  constexpr const long long* end() const { return entries + size; }
  friend constexpr bool operator==(const int_tuple& a, const int_tuple& b) {
    if (a.size != b.size) return false;
    for (int k = 0; k < a.size; ++k)
      if (a.entries[k] != b.entries[k]) return false;
    return true;
  }
};

namespace ops {

// ---- values in MXNet's attribute text --------------------------------------------------------
inline std::string attribute_text(bool v) { return v ? "True" : "False"; }
inline std::string attribute_text(int v) { return std::to_string(v); }
inline std::string attribute_text(long long v) { return std::to_string(v); }
inline std::string attribute_text(double v) { return scalar_value(v).str(); }
inline std::string attribute_text(std::string_view v) { return std::string(v); }
inline std::string attribute_text(dtype v) { return std::string(dtype_name(v)); }
/// Python's str() of a tuple: "(1, 2)", "(1,)", "()"; `none` entries are "None".
inline std::string attribute_text(const int_tuple& t) {
  std::string s = "(";
  for (int k = 0; k < t.size; ++k) {
    if (k) s += ", ";
    s += t.entries[k] == none ? std::string("None") : std::to_string(t.entries[k]);
  }
  return s + (t.size == 1 ? ",)" : ")");
}

/// Writes the attributes of parameter struct `P`: `always` for the required ones, `if_set` for
/// those MXNet writes only when the user gives them (a value other than the default, or an
/// optional that holds one).
template <class P>
class attribute_writer {
 public:
  explicit attribute_writer(const P& p) : p_(p) {}

  template <class V>
  attribute_writer& always(const char* key, V P::*member) {
    out_[key] = attribute_text(p_.*member);
    return *this;
  }
  template <class V>
  attribute_writer& if_set(const char* key, V P::*member) {
    if (!(p_.*member == P{}.*member)) out_[key] = attribute_text(p_.*member);
    return *this;
  }
  template <class V>
  attribute_writer& if_set(const char* key, std::optional<V> P::*member) {
    if (const auto& v = p_.*member) out_[key] = attribute_text(*v);
    return *this;
  }
  /// An attribute that the op's form decides (Concat's num_args, FullyConnected's no_bias).
  attribute_writer& with(const char* key, std::string text) {
    out_[key] = std::move(text);
    return *this;
  }
  attributes done() { return std::move(out_); }

 private:
  const P& p_;
  attributes out_;
};

}  // namespace ops
}  // namespace xsym
