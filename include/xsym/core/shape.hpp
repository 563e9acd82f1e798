#pragma once
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <numeric>
#include <ostream>
#include <string>
#include <vector>

#include "error.hpp"

namespace xsym {

/// The dimensions of an array, outermost first. `shape{2, 3}` has 2 rows of 3 elements.
class shape {
 public:
  using dim_t = std::int64_t;

  shape() = default;
  shape(std::initializer_list<dim_t> dims) : dims_(dims) { check(); }
  explicit shape(std::vector<dim_t> dims) : dims_(std::move(dims)) { check(); }

  std::size_t ndim() const { return dims_.size(); }
  dim_t operator[](std::size_t i) const { return dims_.at(i); }
  const std::vector<dim_t>& dims() const { return dims_; }
  auto begin() const { return dims_.begin(); }
  auto end() const { return dims_.end(); }

  /// Number of elements: the product of the dimensions (1 for a 0-d shape). The constructor
  /// checks that it fits in an int64.
  std::size_t size() const {
    return std::accumulate(dims_.begin(), dims_.end(), std::size_t{1},
                           [](std::size_t a, dim_t d) { return a * std::size_t(d); });
  }

  friend bool operator==(const shape&, const shape&) = default;

  /// MXNet's tuple spelling used in its error messages: "[2,3]".
  std::string str() const {
    // Appended piece by piece: `"," + std::to_string(d)` makes g++ 12 warn falsely in users'
    // code (-Wrestrict, core/text.hpp).
    std::string s = "[";
    for (std::size_t i = 0; i < dims_.size(); ++i) {
      if (i) s += ',';
      s += std::to_string(dims_[i]);
    }
    s += ']';
    return s;
  }

 private:
  void check() const {
    dim_t product = 1;
    bool overflow = false;
    for (std::size_t i = 0; i < dims_.size(); ++i) {
      if (dims_[i] < 0)
        throw error("xsym::shape: dimension " + std::to_string(i) + " is negative (" +
                    std::to_string(dims_[i]) + ")");
      overflow |= __builtin_mul_overflow(product, dims_[i], &product);
    }
    // A zero dimension makes the size 0 whatever the other dimensions are.
    if (overflow && std::find(dims_.begin(), dims_.end(), 0) == dims_.end())
      throw error("xsym::shape: " + str() + " has more elements than an int64 can count");
  }
  std::vector<dim_t> dims_;
};

inline std::ostream& operator<<(std::ostream& os, const shape& s) { return os << s.str(); }

}  // namespace xsym
