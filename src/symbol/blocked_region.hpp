#pragma once
// The blocked fused interpreter: an elementwise region of a runtime Symbol as an op list run over
// blocks of a few thousand elements that stay in cache, each thread with its own block registers
// (executor.hpp's blocked_fused path; executor_builder.cpp compiles regions into it).
#include <algorithm>
#include <cstddef>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "kernels.hpp"
#include "xsym/exec/cpu_loop.hpp"

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
  std::ptrdiff_t register_bytes() const { return block * 8; }

  // Runs every instruction on each block of [begin, end), with this thread's registers.
  void run_range(std::ptrdiff_t begin, std::ptrdiff_t end, std::byte* regs) const {
    auto at = [&](const operand& o, std::ptrdiff_t i) -> std::byte* {
      return o.reg >= 0 ? regs + o.reg * register_bytes() : o.base + i * o.element_size;
    };
    const void* x[kernels::max_elementwise_inputs];
    for (std::ptrdiff_t i = begin; i < end; i += block) {
      std::ptrdiff_t len = std::min(block, end - i);
      for (const instruction& ins : code) {
        for (int j = 0; j < ins.num_inputs; ++j) x[j] = at(ins.in[j], i);
        ins.kernel.fn(x, at(ins.out, i), len, ins.kernel.params);
      }
    }
  }

  void run() const {
    std::ptrdiff_t per_thread = std::ptrdiff_t(registers) * register_bytes();
#if defined(_OPENMP)
    if (n >= exec::parallel_threshold && threads > 1) {
#pragma omp parallel num_threads(threads)
      {
        std::ptrdiff_t t = omp_get_thread_num(), count = omp_get_num_threads();
        std::ptrdiff_t chunk = ((n + count - 1) / count + block - 1) / block * block;
        std::ptrdiff_t begin = std::min(n, t * chunk), end = std::min(n, begin + chunk);
        run_range(begin, end, scratch + t * per_thread);
      }
      return;
    }
#endif
    (void)per_thread;
    run_range(0, n, scratch);
  }
};

}  // namespace xsym::detail
