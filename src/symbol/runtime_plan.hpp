#pragma once
// The plan of a bound runtime Symbol: the planner (plan/planner.hpp), the algorithm that also
// plans static graphs at compile time, run at bind over the indexed graph with the shapes bind
// inferred. The per_op path plans without fusion (every op node a stage of its own); the
// blocked path fuses elementwise nodes into regions run block by block, each shared node once
// per block (cpu_program.cpp compiles them, blocked_region.hpp runs them). memory_plan.hpp
// assigns the storage the plan asks for.
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "indexed_graph.hpp"
#include "kernels.hpp"
#include "xsym/plan/planner.hpp"

namespace xsym::detail {

class runtime_plan {
 public:
  /// Plans g, whose entries have the shapes and dtypes `entries` gives; `is_backward(nid)` says
  /// which nodes run in backward(). With `fuse`, elementwise nodes form fused stages (the
  /// blocked path).
  runtime_plan(const indexed_graph& g, const std::vector<kernels::tensor>& entries,
               const std::function<bool(std::size_t)>& is_backward, bool fuse);

  int num_stages() const { return size_.num_stages; }
  const plan::stage_record& stage(int s) const { return stages_[std::size_t(s)]; }
  /// The nodes of stage s, in run order.
  std::span<const int> nodes(int s) const {
    return std::span(order_).subspan(std::size_t(stage(s).begin), std::size_t(stage(s).end - stage(s).begin));
  }
  /// Whether entry e lives in memory (a head, read by a later stage, or a materialized output).
  bool stored(std::size_t e) const { return stored_[e]; }
  /// The last stage that reads entry e, or -1.
  int last_use(std::size_t e) const { return last_use_[e]; }
  /// The stage that computes node nid, or -1 (variables).
  int stage_of(std::size_t nid) const { return stage_of_[nid]; }

  /// The plan as text (plan::describe), naming the heads `head_names`.
  std::string describe(const std::vector<std::string>& head_names) const;

 private:
  const indexed_graph& g_;
  std::vector<plan::node_record> records_;
  std::vector<int> inputs_, heads_, node_of_entry_;
  std::vector<int> order_, stage_of_, readers_, last_use_;
  std::vector<plan::stage_record> stages_;
  std::unique_ptr<bool[]> stored_;
  plan::plan_size size_;
  plan::graph_view graph() const;
};

}  // namespace xsym::detail
