#pragma once
// The runtime Symbol's per-op GPU kernels, by op and element type: every op of the operator
// table (ops/table.hpp) for every element type, as src/symbol/kernels_elementwise.cpp has them
// for the CPU. The elementwise_*.cu files each instantiate a part of the table (nvcc takes long
// per kernel, so the parts compile in parallel); elementwise_registry.cpp puts them together and
// registers the lookup as the `symbol_gpu_backend` (<xsym/symbol/gpu_backend.hpp>).
#include <array>
#include <cstddef>
#include <string_view>
#include <unordered_map>

#include <xsym/symbol/gpu_backend.hpp>

namespace xsym::cuda::elementwise {

inline constexpr std::size_t num_codes = 7;  // MXNet's type codes 0..6; float16 (2) has no kernels
using kernel_row = std::array<gpu_elementwise_launch, num_codes>;  // by input type code

struct kernel_table {
  std::unordered_map<std::string_view, kernel_row> ops;  // canonical MXNet name -> kernels
  std::array<kernel_row, num_codes> cast{};              // Cast: [to][from]
  std::array<kernel_row, num_codes> backward_cast{};     // _backward_Cast: [the Cast's target][its data]
};

// The parts, one per .cu file; the unary ops are split where their cost (the transcendental
// functions, in float and in double for every integer type) comes out about even.
inline constexpr std::size_t unary_split_1 = 19;  // before log10
inline constexpr std::size_t unary_split_2 = 29;  // before tanh
void add_unary_part_1(kernel_table& t);      // elementwise_unary_a.cu: unary ops [0, unary_split_1)
void add_unary_part_2(kernel_table& t);      // elementwise_unary_b.cu: [unary_split_1, unary_split_2)
void add_unary_part_3(kernel_table& t);      // elementwise_unary_c.cu: the rest
void add_binary_scalar_parameterized_cast(kernel_table& t);  // elementwise_binary.cu
void add_backward(kernel_table& t);  // elementwise_backward.cu: the _backward_ ops, float32 and float64

}  // namespace xsym::cuda::elementwise

namespace xsym::cuda {
/// Registers the runtime Symbol's GPU backend (idempotent, no CUDA call); register_backend()
/// (device.cpp) calls it, so it happens wherever the ndarray backend is registered.
bool register_symbol_backend() noexcept;
}  // namespace xsym::cuda
