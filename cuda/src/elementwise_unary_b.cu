// The runtime Symbol's GPU kernels, part 2 of 4: the middle unary ops (log10 ... cosh).
#include "elementwise_launch.cuh"

namespace xsym::cuda::elementwise {

void add_unary_part_2(kernel_table& t) { add_unary<unary_split_1, unary_split_2>(t); }

}  // namespace xsym::cuda::elementwise
