#pragma once
// The blocked fused interpreter: an elementwise region of a runtime Symbol as an op list run over
// blocks of a few thousand elements that stay in cache, each thread with its own block registers
// (executor.hpp's blocked_fused path; runtime_plan.cpp compiles fused stages into it). A region
// whose output only a row reduction reads (sum(exp(x - 1), axis=1)) folds it block by block
// instead of writing it out.
#include <algorithm>
#include <cstddef>
#include <optional>
#include <vector>

#include "kernels.hpp"
#include "xsym/exec/parallel.hpp"

namespace xsym::detail {

// Where an instruction reads or writes: a block register, or a full array at the block's offset.
struct operand {
  std::byte* base = nullptr;
  std::ptrdiff_t element_size = 0;
  int reg = -1;
};
struct instruction {
  kernels::elementwise_kernel kernel;
  int num_inputs = 0;
  operand in[kernels::max_elementwise_inputs], out;
};
struct region_program {
  std::vector<instruction> code;
  std::ptrdiff_t n = 0, block = 0;
  int registers = 0;
  int threads = 1;                // scratch is allocated for this many threads
  std::byte* scratch = nullptr;   // threads x registers x block x 8 bytes
  // A reduction folding the rows of register `fold_reg` (kernels::row_reduction), or none.
  std::optional<kernels::row_reduction> fold;
  int fold_reg = -1;
  void* fold_out = nullptr;
  std::ptrdiff_t register_bytes() const { return block * 8; }

  // Runs every instruction on elements [i, i + len), len <= block, with this thread's registers.
  void run_block(std::ptrdiff_t i, std::ptrdiff_t len, std::byte* regs) const {
    auto at = [&](const operand& o) -> std::byte* {
      return o.reg >= 0 ? regs + o.reg * register_bytes() : o.base + i * o.element_size;
    };
    const void* x[kernels::max_elementwise_inputs];
    for (const instruction& ins : code) {
      for (int j = 0; j < ins.num_inputs; ++j) x[j] = at(ins.in[j]);
      ins.kernel.fn(x, at(ins.out), len, ins.kernel.params);
    }
  }
  void run_range(std::ptrdiff_t begin, std::ptrdiff_t end, std::byte* regs) const {
    for (std::ptrdiff_t i = begin; i < end; i += block) run_block(i, std::min(block, end - i), regs);
  }
  // Rows [begin, end) of the fold: each row's blocks in order, folded as they are computed.
  void fold_rows(std::ptrdiff_t begin, std::ptrdiff_t end, std::byte* regs) const {
    const std::ptrdiff_t length = fold->length;
    const std::byte* piece = regs + fold_reg * register_bytes();
    for (std::ptrdiff_t row = begin; row < end; ++row) {
      double lanes[8] = {};
      for (std::ptrdiff_t t = 0; t < length; t += block) {
        const std::ptrdiff_t len = std::min(block, length - t);  // block is a multiple of 64
        run_block(row * length + t, len, regs);
        fold->add(piece, len, lanes);
      }
      fold->finish(lanes, length, fold->mean, fold_out, row);
    }
  }

  void run() const {
    const std::ptrdiff_t per_thread = std::ptrdiff_t(registers) * register_bytes();
    // Without a fold, the elements are split across threads in whole blocks; with one, the rows.
    const std::ptrdiff_t items = fold ? fold->rows : n, grain = fold ? 1 : block;
    auto run_items = [&](std::ptrdiff_t begin, std::ptrdiff_t end, std::byte* regs) {
      if (fold) fold_rows(begin, end, regs);
      else run_range(begin, end, regs);
    };
    exec::for_each_chunk(items, grain, threads > 1 && n >= exec::parallel_threshold, threads,
                         [&](std::ptrdiff_t begin, std::ptrdiff_t end, std::ptrdiff_t t) {
                           run_items(begin, end, scratch + t * per_thread);
                         });
  }
};

}  // namespace xsym::detail
