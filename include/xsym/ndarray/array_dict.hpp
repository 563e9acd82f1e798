#pragma once
// Arrays by name in a fixed order: what the executors' arg_dict, aux_dict and output_dict return.
// MXNet's dicts keep the order of list_arguments and list_outputs (Python dicts keep insertion
// order); a std::map would sort them by name instead.
#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "ndarray.hpp"

namespace xsym {

class array_dict {
 public:
  using value_type = std::pair<std::string, ndarray>;
  using const_iterator = std::vector<value_type>::const_iterator;

  array_dict() = default;
  /// The entries in this order; names are unique (a repeated name keeps its first array).
  explicit array_dict(std::vector<value_type> entries) {
    for (auto& e : entries)
      if (!contains(e.first)) entries_.push_back(std::move(e));
  }

  /// The array named `name`; throws xsym::error naming it and the names there are.
  const ndarray& at(std::string_view name) const {
    auto it = find(name);
    if (it == end()) {
      std::string names;
      for (const auto& [n, _] : entries_) {
        if (!names.empty()) names += ", ";
        names += n;
      }
      throw error("xsym::array_dict: no array named '" + std::string(name) + "'; the names are " +
                  (names.empty() ? std::string("none") : names));
    }
    return it->second;
  }
  const_iterator find(std::string_view name) const {
    return std::find_if(begin(), end(), [&](const value_type& e) { return e.first == name; });
  }
  bool contains(std::string_view name) const { return find(name) != end(); }
  std::size_t count(std::string_view name) const { return contains(name) ? 1 : 0; }

  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  /// The names, in order.
  std::vector<std::string> keys() const {
    std::vector<std::string> k;
    for (const auto& [n, _] : entries_) k.push_back(n);
    return k;
  }

 private:
  std::vector<value_type> entries_;
};

}  // namespace xsym
