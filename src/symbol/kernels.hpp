#pragma once
// The runtime executors' CPU kernels, one per op: what the per-op interpreter runs node by node
// and what the blocked fused interpreter runs block by block.
//
// Elementwise kernels come from the operator table (kernels_elementwise.cpp): the same element
// functions and the same loop as the static fused path, instantiated once per op and dtype.
// Network ops (FullyConnected, Convolution, Pooling, ...) have their own kernels
// (kernels_nn.cpp); they run in inference mode, as MXNet's forward(is_train=False).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>

#include "xsym/core/dtype.hpp"
#include "xsym/core/shape.hpp"
#include "xsym/symbol/gpu_backend.hpp"
#include "xsym/symbol/graph_node.hpp"

namespace xsym::kernels {

/// A dense row-major array the executor owns: an argument, an output or an intermediate.
struct tensor {
  void* data = nullptr;
  xsym::dtype type = xsym::dtype::float32;
  xsym::shape dims;
  /// False for an output nothing reads (the data gradient of a first layer): a kernel may skip
  /// computing it. It still has a buffer, so a kernel that ignores this stays correct.
  bool needed = true;

  std::size_t size() const { return dims.size(); }
  template <class T>
  T* as() const { return static_cast<T*>(data); }
};

// ---- elementwise ops (every op of the operator table, every element_type) -------------------

/// The run-time parameters of an elementwise node, read from its attributes once, at bind
/// (<xsym/symbol/gpu_backend.hpp>: the GPU kernels take the same).
using elementwise_params = xsym::elementwise_params;

/// Computes elements [0, n) of an elementwise op on the calling thread:
/// out[i] = op(in[0][i], in[1][i], ...). `out` may be one of `in` (in place).
using elementwise_fn = void (*)(const void* const* in, void* out, std::ptrdiff_t n, const elementwise_params& p);

/// What the executor needs to run elementwise node `n`: its kernel for input dtype `in`
/// (output dtype `out`: the same, or Cast's target) and its parameters.
struct elementwise_kernel {
  elementwise_fn fn = nullptr;
  elementwise_params params;
};

/// The most inputs an elementwise kernel reads (a binary op's backward: g, out, lhs, rhs).
inline constexpr std::size_t max_elementwise_inputs = 4;

/// True when `n` is an op of the operator table or one of their `_backward_*` ops (runs through
/// elementwise kernels).
bool is_elementwise(const graph_node& n);

/// The kernel of elementwise node `n`. Throws xsym::error naming the node when its op has no
/// kernel for `in` (float16) or an attribute does not parse.
elementwise_kernel find_elementwise(const graph_node& n, dtype in, dtype out);

/// The kernel of backward op `op` (kernels_backward.cpp) for gradient dtype `in` and result
/// dtype `out`, or null; find_elementwise calls it.
elementwise_fn find_backward_kernel(std::string_view op, dtype in, dtype out);

/// Runs `k` over whole arrays (all of out's elements), split across OpenMP threads above
/// exec::parallel_threshold as the static fused loop is: the per-op interpreter's loop.
void run_parallel(const elementwise_kernel& k, std::span<const tensor> in, const tensor& out);

// ---- network ops --------------------------------------------------------------------------

/// Computes a node's outputs (all of them, hidden ones included) from its inputs. Inputs and
/// outputs have the shapes and dtypes the kernel was made for; outputs never alias inputs.
using nn_kernel = std::function<void(std::span<const tensor> inputs, std::span<const tensor> outputs)>;

/// What a pass is, for the ops whose forward depends on it (Dropout, BatchNorm): MXNet's
/// is_train, the seed of Dropout's masks, and the training passes so far (each draws new
/// masks). The executor owns it and sets it before each forward; kernels read it as they run.
struct run_state {
  bool is_train = false;
  std::uint64_t seed = 0;
  std::uint64_t passes = 0;
};

/// True when `n` is a network op with a CPU kernel.
bool has_nn_kernel(const graph_node& n);

/// The kernel of network-op node `n` for inputs and outputs of these shapes and dtypes (their
/// `data` is not read). Attributes are parsed here, once. Throws xsym::error naming the node for
/// an unsupported dtype (network ops run float32 and float64) or attribute value.
/// `state`: the executor's (null: inference, as MXNet's forward(is_train=False)).
nn_kernel make_nn_kernel(const graph_node& n, std::span<const tensor> inputs, std::span<const tensor> outputs,
                         const run_state* state = nullptr);

// ---- network ops' backward (kernels_nn_backward.cpp; gradient.cpp makes their nodes) ---------

/// True when `n` is a joint backward op (`_backward_FullyConnected`, ...) with a CPU kernel.
bool has_nn_backward_kernel(const graph_node& n);
/// Its kernel: inputs (the head gradient unless the forward op is a loss head, the forward
/// node's outputs, its inputs), output k the gradient of forward input k.
nn_kernel make_nn_backward_kernel(const graph_node& n, std::span<const tensor> inputs, std::span<const tensor> outputs,
                                  const run_state* state);

/// Convolution's and Pooling's forward (kernels_nn_spatial.cpp), for float and double: in
/// (data, weight[, bias]) and (data), out (output).
template <class T>
nn_kernel make_convolution(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out);
template <class T>
nn_kernel make_pooling(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out);

/// Convolution's and Pooling's (kernels_nn_backward_spatial.cpp), instantiated for float and double:
/// Convolution: in (ograd, out, data, weight[, bias]), out (d data, d weight[, d bias]);
/// Pooling: in (ograd, out, data), out (d data).
template <class T>
nn_kernel make_convolution_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out);
template <class T>
nn_kernel make_pooling_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out);

/// Dropout's and BatchNorm's, forward and backward (kernels_nn_train.cpp), for float and double.
template <class T>
nn_kernel make_dropout(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out,
                       const run_state* state);
template <class T>
nn_kernel make_dropout_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out);
template <class T>
nn_kernel make_batch_norm(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out,
                          const run_state* state);
template <class T>
nn_kernel make_batch_norm_backward(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out,
                                   const run_state* state);

// ---- broadcasting and reductions (kernels_broadcast.cpp, kernels_reduce.cpp), every element
// type forward, float32 and float64 backward --------------------------------------------------

/// True for broadcast_add ... broadcast_lesser_equal, broadcast_to, broadcast_axis and
/// broadcast_like, and their `_backward_` ops.
bool is_broadcast_op(std::string_view op);
nn_kernel make_broadcast_kernel(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out);
/// True for sum, mean, prod, max, min, nansum, nanprod, norm, argmax, argmin and the backward
/// ops of the differentiable ones.
bool is_reduce_op(std::string_view op);
nn_kernel make_reduce_kernel(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out);

/// A sum or mean of float32 or float64 whose every output element folds one contiguous row of
/// its input (the trailing axes): output element r folds elements [r·length, (r+1)·length).
/// The blocked interpreter folds the rows of an elementwise region's output as the region
/// computes them, block by block in cache (executor_builder.cpp), with the bits of the
/// reduction's own kernel: eight running sums in double.
struct row_reduction {
  std::int64_t rows = 0, length = 0;
  bool mean = false;
  /// Adds a piece of a row, `len` elements in the input's dtype, to the running sums. The pieces
  /// of a row come in order, each but the last a multiple of 8 elements long.
  void (*add)(const void* piece, std::int64_t len, double* lanes) = nullptr;
  /// Writes output element `row` (of the input's dtype) from the running sums.
  void (*finish)(const double* lanes, std::int64_t count, bool mean, void* out, std::int64_t row) = nullptr;
};
/// The row fold of reduction node `n` on input `in`, or nothing when it is not one.
std::optional<row_reduction> as_row_reduction(const graph_node& n, const tensor& in);
/// True for transpose, reverse, slice, slice_axis, slice_like, tile, repeat, expand_dims, squeeze,
/// stack, where, SliceChannel and their backward ops (kernels_layout.cpp).
bool is_layout_op(std::string_view op);
nn_kernel make_layout_kernel(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out);
/// True for one_hot, pick and take and the backward ops of pick and take (kernels_index.cpp).
bool is_index_op(std::string_view op);
nn_kernel make_index_kernel(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out);
/// True for dot and batch_dot and their `_backward_` ops (kernels_dot.cpp; float32, float64).
bool is_dot_op(std::string_view op);
nn_kernel make_dot_kernel(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out);

}  // namespace xsym::kernels
