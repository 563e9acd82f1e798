#pragma once
// Where the entries of a planned runtime graph live (runtime_plan.hpp says which must be in
// memory): a head written in place goes straight into its output array; any other stored entry
// gets a buffer from a pool, MXNet's memory planner without growing buffers: a dead entry's
// buffer goes back to the pool, the next entry takes the smallest free buffer that fits, and a
// materialized elementwise node writes over an input that dies with it.
#include <cstddef>
#include <vector>

#include "indexed_graph.hpp"
#include "kernels.hpp"
#include "runtime_plan.hpp"
#include "xsym/ndarray/ndarray.hpp"

namespace xsym::detail {

/// Sets `entries[e].data` of every entry the plan stores (and `needed`, false for an output no
/// stage reads and no head gives out, such as BatchNorm's saved mean). `head_of[e]` is the head
/// whose array `head_arrays` entry e is written into directly, or -1; buffers are added to
/// `buffers`, on `ctx`.
void assign_storage(const indexed_graph& g, const runtime_plan& plan, std::vector<kernels::tensor>& entries,
                    const std::vector<int>& head_of, const std::vector<ndarray>& head_arrays,
                    std::vector<ndarray>& buffers, context ctx);

}  // namespace xsym::detail
