#pragma once
// How the per-op and blocked paths of a runtime Symbol group its nodes into units of work, and
// how an elementwise unit becomes a blocked program (executor_builder.cpp assigns the storage
// and makes the steps; blocked_region.hpp runs the programs).
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "blocked_region.hpp"
#include "indexed_graph.hpp"
#include "kernels.hpp"

namespace xsym::detail {

inline constexpr std::size_t no_node = std::size_t(-1);

/// One unit of work: a node run by its own kernel, or (blocked path) an elementwise region run
/// block by block, which may end with a row reduction folded into it.
struct unit {
  std::vector<std::size_t> nodes;  // node ids, in run order
  bool region = false;             // elementwise nodes run as one blocked op list
  bool backward = false;           // runs in backward()
  std::size_t fold = no_node;      // a row reduction the region folds (its last node), or none
  std::optional<kernels::row_reduction> fold_plan = std::nullopt;  // its rows
};

/// The units of graph g in run order: the symbol's nodes first, then the backward nodes
/// (`is_backward`), so the order stays topological (a node of the symbol never reads a
/// gradient). With `blocked`, consecutive elementwise nodes of one size form a region, and a
/// region takes in a row reduction whose input only it computes and only the reduction reads.
/// `entries` gives every entry's shape and type.
std::vector<unit> form_units(const indexed_graph& g, const std::vector<kernels::tensor>& entries,
                             const std::function<bool(std::size_t)>& is_backward, bool blocked);

/// The blocked program of region w, over `block` elements at a time. Entries for which `stored`
/// holds are read from and written to their arrays (`entries[e].data`); the others live in
/// block registers, reused once their last reader ran. The caller gives it scratch memory for
/// `threads x registers x register_bytes()` bytes.
std::shared_ptr<region_program> compile_region(const indexed_graph& g, const unit& w,
                                               const std::vector<kernels::tensor>& entries,
                                               const std::function<bool(std::size_t)>& stored, std::ptrdiff_t block);

}  // namespace xsym::detail
