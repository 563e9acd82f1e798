// The runtime Symbol's GPU kernels, part 1 of 4: the first unary ops (negative ... log2).
#include "elementwise_launch.cuh"

namespace xsym::cuda::elementwise {

void add_unary_part_1(kernel_table& t) { add_unary<0, unary_split_1>(t); }

}  // namespace xsym::cuda::elementwise
