#pragma once
// The shape and dtype rules the op registry assigns (op_registry.cpp), after MXNet 1.9's
// FInferShape / FInferType: elementwise and Cast in infer.cpp, network ops in infer_nn.cpp,
// broadcasting and reductions in infer_tensor.cpp, dot and batch_dot in infer_dot.cpp,
// the layout ops in infer_layout.cpp.
#include <vector>

#include "xsym/symbol/op_def.hpp"

namespace xsym::infer_rules {
// Each line declares op_shape and op_type.
#define XSYM_INFER_RULE(op)                                                                      \
  void op##_shape(const graph_node&, std::vector<partial_shape>&, std::vector<partial_shape>&); \
  void op##_type(const graph_node&, std::vector<partial_dtype>&, std::vector<partial_dtype>&);
XSYM_INFER_RULE(elemwise)           // all inputs and outputs: one shape, one dtype
XSYM_INFER_RULE(cast)               // shape: elementwise; dtype: the output's from "dtype"
XSYM_INFER_RULE(unary)              // input 0 and output 0: one shape, one dtype (Activation, ...)
XSYM_INFER_RULE(softmax)
XSYM_INFER_RULE(fully_connected)
XSYM_INFER_RULE(convolution)
XSYM_INFER_RULE(leaky_relu)
XSYM_INFER_RULE(pooling)
XSYM_INFER_RULE(flatten)
XSYM_INFER_RULE(reshape)
XSYM_INFER_RULE(concat)
XSYM_INFER_RULE(batch_norm)
XSYM_INFER_RULE(softmax_output)
XSYM_INFER_RULE(regression_output)  // Linear, Logistic, MAERegressionOutput
XSYM_INFER_RULE(dropout)
XSYM_INFER_RULE(broadcast_binary)   // broadcast_add, ...: NumPy's rule; one dtype
XSYM_INFER_RULE(broadcast_to)
XSYM_INFER_RULE(broadcast_axis)
XSYM_INFER_RULE(broadcast_like)
XSYM_INFER_RULE(reduce)             // sum, mean, prod, max, min, nansum, nanprod, norm
XSYM_INFER_RULE(search)             // argmax, argmin
XSYM_INFER_RULE(layout)             // infer_layout.cpp: transpose, reverse, slice, ..., squeeze
XSYM_INFER_RULE(indexing)           // slice_like, one_hot, pick, take
XSYM_INFER_RULE(stack)
XSYM_INFER_RULE(slice_channel)
XSYM_INFER_RULE(where)
XSYM_INFER_RULE(dot)                // infer_dot.cpp
XSYM_INFER_RULE(batch_dot)
#undef XSYM_INFER_RULE
/// _backward_Cast's dtypes: the gradient's and the output's are one, the result is the data's.
void backward_cast_type(const graph_node&, std::vector<partial_dtype>&, std::vector<partial_dtype>&);
/// A joint backward op (op_def::joint_backward): output k is shaped and typed as its last
/// inputs' input k (the forward node's inputs come last).
void joint_backward_shape(const graph_node&, std::vector<partial_shape>&, std::vector<partial_shape>&);
void joint_backward_type(const graph_node&, std::vector<partial_dtype>&, std::vector<partial_dtype>&);
}  // namespace xsym::infer_rules
