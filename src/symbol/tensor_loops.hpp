#pragma once
// The two loops under broadcasting and reductions (kernels_broadcast.cpp, kernels_reduce.cpp),
// over an index space with K operands, each seen through its strides in that space (0 on an
// axis where the operand is stretched):
//   for_each_element  every element of the space, row-major, split across threads by rows;
//   reduction_loop    groups: the space's elements that differ only on the folded axes, each
//                     group visited in row-major order of those axes, on one thread, so that a
//                     group's result has the same bits at any thread count.
// Both merge adjacent axes that every operand walks contiguously, so that the innermost loop
// is as long as it can be (a broadcast row, a reduced row).
#include <array>
#include <cstddef>
#include <type_traits>
#include <vector>

#include "nn_support.hpp"

namespace xsym::kernels::loops {

using nn::i64;
using dims = std::vector<i64>;

/// Row-major strides of an array of shape `d`.
inline dims contiguous_strides(const dims& d) {
  dims s(d.size(), 1);
  for (std::size_t i = d.size(); i-- > 1;) s[i - 1] = s[i] * d[i];
  return s;
}

/// Strides of an array of shape `d`, right-aligned in a space of shape `space` (NumPy's rule):
/// 0 on an axis it does not have or where it has size 1.
inline dims broadcast_strides(const dims& d, const dims& space) {
  const dims own = contiguous_strides(d);
  dims s(space.size(), 0);
  const std::size_t lead = space.size() - d.size();
  for (std::size_t i = 0; i < d.size(); ++i) s[lead + i] = d[i] == 1 ? 0 : own[i];
  return s;
}

template <std::size_t K>
using offsets = std::array<i64, K>;

/// What a sum of T runs in: double for float32 (fewer rounding steps), T otherwise.
template <class T>
using sum_type = std::conditional_t<std::is_same_v<T, float>, double, T>;

namespace detail {
// Drops axes of size 1, then merges axis a into a + 1 where every operand's stride on a is its
// stride on a + 1 times the size of a + 1, and `same_kind` says both are of one kind.
template <std::size_t K, class SameKind>
void merge_axes(dims& space, std::array<dims, K>& strides, std::vector<bool>& kind, SameKind same_kind) {
  dims sp;
  std::array<dims, K> st;
  std::vector<bool> kd;
  for (std::size_t a = 0; a < space.size(); ++a) {
    if (space[a] == 1) continue;
    bool merge = !sp.empty() && same_kind(kd.back(), kind[a]);
    for (std::size_t k = 0; merge && k < K; ++k) merge = st[k].back() == strides[k][a] * space[a];
    if (merge) {
      sp.back() *= space[a];
      for (std::size_t k = 0; k < K; ++k) st[k].back() = strides[k][a];
    } else {
      sp.push_back(space[a]);
      for (std::size_t k = 0; k < K; ++k) st[k].push_back(strides[k][a]);
      kd.push_back(kind[a]);
    }
  }
  space = std::move(sp), strides = std::move(st), kind = std::move(kd);
}
}  // namespace detail

/// f(i, o) for every element i (row-major) of `space`, o[k] the offset of operand k there.
template <std::size_t K, class F>
void for_each_element(dims space, std::array<dims, K> strides, const F& f) {
  i64 total = 1;
  for (i64 d : space) total *= d;
  if (total == 0) return;
  std::vector<bool> kind(space.size(), false);
  detail::merge_axes(space, strides, kind, [](bool, bool) { return true; });
  if (space.empty()) {  // a single element
    f(i64(0), offsets<K>{});
    return;
  }
  const std::size_t inner_axis = space.size() - 1;
  const i64 inner = space[inner_axis], rows = total / inner;
  offsets<K> step{};
  for (std::size_t k = 0; k < K; ++k) step[k] = strides[k][inner_axis];
  nn::parallel_chunks(rows, inner, [&](i64 r0, i64 r1) {
    for (i64 row = r0; row < r1; ++row) {
      offsets<K> o{};
      for (i64 rest = row, a = i64(inner_axis); a-- > 0;) {
        const i64 idx = rest % space[std::size_t(a)];
        rest /= space[std::size_t(a)];
        for (std::size_t k = 0; k < K; ++k) o[k] += idx * strides[k][std::size_t(a)];
      }
      for (i64 t = 0; t < inner; ++t) {
        f(row * inner + t, o);
        for (std::size_t k = 0; k < K; ++k) o[k] += step[k];
      }
    }
  });
}

/// The elements of `space` grouped by their index on the kept axes (`folded[a]` false): group j
/// is the j-th kept index in row-major order, which is where a reduction's output element j is.
template <std::size_t K>
class reduction_loop {
 public:
  reduction_loop(dims space, std::vector<bool> folded, std::array<dims, K> strides) {
    detail::merge_axes(space, strides, folded, [](bool a, bool b) { return a == b; });
    for (std::size_t a = 0; a < space.size(); ++a) {
      (folded[a] ? folded_ : kept_).push_back(space[a]);
      for (std::size_t k = 0; k < K; ++k) (folded[a] ? folded_strides_ : kept_strides_)[k].push_back(strides[k][a]);
    }
    for (i64 d : kept_) groups_ *= d;
    for (i64 d : folded_) group_size_ *= d;
  }

  i64 groups() const { return groups_; }
  /// Elements per group (the folded axes' product; 0 for an empty reduction).
  i64 group_size() const { return group_size_; }
  /// Whether each group is one contiguous row, group j at j·group_size() (the folded axes are
  /// the trailing ones): visit_rows then visits one row of step 1.
  bool one_contiguous_row() const { return folded_.size() == 1 && folded_strides_[0][0] == 1; }

  /// f(o, len, step) for each row of group j, in row-major order over the folded axes: the row's
  /// elements are at o + t·step, t in [0, len).
  template <class F>
  void visit_rows(i64 j, const F& f) const {
    offsets<K> base{};
    for (i64 rest = j, a = i64(kept_.size()); a-- > 0;) {
      const i64 idx = rest % kept_[std::size_t(a)];
      rest /= kept_[std::size_t(a)];
      for (std::size_t k = 0; k < K; ++k) base[k] += idx * kept_strides_[k][std::size_t(a)];
    }
    if (group_size_ == 0) return;
    if (folded_.empty()) {
      f(base, i64(1), offsets<K>{});
      return;
    }
    const std::size_t inner_axis = folded_.size() - 1;
    const i64 inner = folded_[inner_axis], outer = group_size_ / inner;
    offsets<K> step{};
    for (std::size_t k = 0; k < K; ++k) step[k] = folded_strides_[k][inner_axis];
    for (i64 row = 0; row < outer; ++row) {
      offsets<K> o = base;
      for (i64 rest = row, a = i64(inner_axis); a-- > 0;) {
        const i64 idx = rest % folded_[std::size_t(a)];
        rest /= folded_[std::size_t(a)];
        for (std::size_t k = 0; k < K; ++k) o[k] += idx * folded_strides_[k][std::size_t(a)];
      }
      f(o, inner, step);
    }
  }

  /// f(o, r) for the r-th element of group j (row-major over the folded axes).
  template <class F>
  void visit(i64 j, const F& f) const {
    i64 r = 0;
    visit_rows(j, [&](offsets<K> o, i64 len, const offsets<K>& step) {
      for (i64 t = 0; t < len; ++t, ++r) {
        f(o, r);
        for (std::size_t k = 0; k < K; ++k) o[k] += step[k];
      }
    });
  }

  /// f(j) for every group, groups split across threads (each group on one thread).
  template <class F>
  void for_each_group(const F& f) const {
    nn::parallel_chunks(groups_, std::max<i64>(group_size_, 1), [&](i64 j0, i64 j1) {
      for (i64 j = j0; j < j1; ++j) f(j);
    });
  }

 private:
  dims kept_, folded_;
  std::array<dims, K> kept_strides_{}, folded_strides_{};
  i64 groups_ = 1, group_size_ = 1;
};

}  // namespace xsym::kernels::loops
