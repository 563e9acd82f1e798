// The memory plan of a bound runtime graph (memory_plan.hpp).
#include "memory_plan.hpp"

#include <algorithm>
#include <map>

namespace xsym::detail {

namespace {

constexpr std::size_t no_buffer = std::size_t(-1);

class buffer_pool {
 public:
  buffer_pool(std::vector<ndarray>& buffers, context ctx) : buffers_(buffers), ctx_(ctx) {}
  std::size_t acquire(std::size_t bytes) {
    if (auto it = free_.lower_bound(bytes); it != free_.end()) {
      std::size_t b = it->second;
      free_.erase(it);
      return b;
    }
    buffers_.emplace_back(shape{std::int64_t(bytes)}, dtype::uint8, ctx_);
    return buffers_.size() - 1;
  }
  void release(std::size_t b) { free_.emplace(buffers_[b].nbytes(), b); }
  void* data(std::size_t b) const { return buffers_[b].raw_data(); }

 private:
  std::vector<ndarray>& buffers_;
  context ctx_;
  std::multimap<std::size_t, std::size_t> free_;
};

}  // namespace

void assign_storage(const indexed_graph& g, const runtime_plan& plan, std::vector<kernels::tensor>& entries,
                    const std::vector<int>& head_of, const std::vector<ndarray>& head_arrays,
                    std::vector<ndarray>& buffers, context ctx) {
  buffer_pool pool(buffers, ctx);
  std::vector<std::size_t> buffer_of(g.total, no_buffer);
  auto is_intermediate = [&](std::size_t e) { return buffer_of[e] != no_buffer; };
  for (int s = 0; s < plan.num_stages(); ++s) {
    const auto nodes = plan.nodes(s);
    std::vector<std::size_t> stored;
    for (int nid : nodes)
      for (std::size_t i = 0; i < g.num_entries[std::size_t(nid)]; ++i)
        if (std::size_t e = g.first_entry[std::size_t(nid)] + i; plan.stored(e)) stored.push_back(e);
    // An elementwise node may write over an input that dies here (element i is read before it
    // is written); a fused stage may not, since later instructions of a block read its inputs.
    const bool in_place = plan.stage(s).kind == plan::stage_kind::materialized &&
                          kernels::is_elementwise(*g.nodes[std::size_t(nodes[0])]);
    std::vector<std::size_t> dying;
    for (int nid : nodes)
      for (std::size_t e : g.input_entries[std::size_t(nid)])
        if (plan.last_use(e) == s && is_intermediate(e) && plan.stage_of(g.node_of(e)) < s &&
            std::find(dying.begin(), dying.end(), e) == dying.end())
          dying.push_back(e);
    for (std::size_t e : stored) {
      if (head_of[e] >= 0) {
        entries[e].data = head_arrays[std::size_t(head_of[e])].raw_data();
        continue;
      }
      std::size_t b = no_buffer;
      if (in_place)
        for (std::size_t& d : dying)
          // The dying value's own size, not its buffer's (a pool buffer may be larger): a
          // widening Cast must not write over elements it has not read yet.
          if (d != no_buffer && entries[d].size() == entries[e].size() &&
              dtype_size(entries[d].type) == dtype_size(entries[e].type)) {
            b = buffer_of[d];
            d = no_buffer;  // handed over, not released
            break;
          }
      if (b == no_buffer) b = pool.acquire(entries[e].size() * dtype_size(entries[e].type));
      buffer_of[e] = b;
      entries[e].data = pool.data(b);
      entries[e].needed = plan.last_use(e) >= 0;
    }
    for (std::size_t d : dying)
      if (d != no_buffer) pool.release(buffer_of[d]);
    for (std::size_t e : stored)  // outputs nobody reads (BatchNorm's mean and var)
      if (is_intermediate(e) && plan.last_use(e) < 0) pool.release(buffer_of[e]);
  }
}

}  // namespace xsym::detail
