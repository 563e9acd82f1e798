// The runtime Symbol's GPU kernels, part 3 of 4: the last unary ops (tanh ... identity).
#include "elementwise_launch.cuh"

namespace xsym::cuda::elementwise {

void add_unary_part_3(kernel_table& t) { add_unary<unary_split_2, ops::unary_ops::size>(t); }

}  // namespace xsym::cuda::elementwise
