// The elementwise kernels of the runtime executors, generated from the operator table: for each
// op and element type, the static fused loop's code (exec/cpu_loop.hpp over a one-node lowered
// functor), so the per-op interpreter is held to the same loop quality as the static path (and,
// with XSYM_CPU_BLOCKS, its costly math is compiled for each instruction set as the static path's).
#include <array>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <type_traits>
#include <unordered_map>

#include "kernel_rows.hpp"
#include "kernels.hpp"
#include "xsym/core/error.hpp"
#include "xsym/exec/cpu_loop.hpp"
#include "xsym/exec/lower.hpp"
#include "xsym/ops/backward.hpp"
#include "xsym/ops/table.hpp"
#include "xsym/symbol/op_def.hpp"

namespace xsym::kernels {

namespace {

template <class T>
using in = lowered::load<T>;

// One op's loop over elements [0, n) of `Inputs` arrays: the static path's loop; with
// XSYM_CPU_BLOCKS, compiled for each instruction set where the static path's one-op program
// would be (compute-bound floating-point math, exec/program_loop.hpp).
template <class Op, class T, int Inputs, class Stage>
void run_op(std::ptrdiff_t n, const Stage& stage) {
  if constexpr (XSYM_CPU_BLOCKS && std::is_floating_point_v<T> &&
                lowered::compute_bound(lowered::op_work<Op>, Inputs + 1))
    exec::run_range_dispatched(0, n, stage);
  else
    exec::run_range(0, n, stage);
}

// One op on elements [0, n), over the op's lowered functor.
template <class Op, class T>
void unary_kernel(const void* const* x, void* out, std::ptrdiff_t n, const elementwise_params&) {
  using F = lowered::apply<Op, ops::no_param, in<T>>;
  run_op<Op, T, 1>(n, exec::output_stage<T, F>{static_cast<T*>(out), F{{}, {static_cast<const T*>(x[0])}}});
}

template <class Op, class T>
void binary_kernel(const void* const* x, void* out, std::ptrdiff_t n, const elementwise_params&) {
  using F = lowered::apply<Op, ops::no_param, in<T>, in<T>>;
  run_op<Op, T, 2>(n, exec::output_stage<T, F>{static_cast<T*>(out),
                                               F{{}, {static_cast<const T*>(x[0])}, {static_cast<const T*>(x[1])}}});
}

// An op with a parameter (a scalar form, clip, smooth_l1), read from the node's attributes.
template <class Op, class T>
void parameterized_kernel(const void* const* x, void* out, std::ptrdiff_t n, const elementwise_params& p) {
  using P = typename Op::template lowered_param<T>;
  using F = lowered::apply<Op, P, in<T>>;
  run_op<Op, T, 1>(n, exec::output_stage<T, F>{static_cast<T*>(out), F{lowered_param_of<Op, T>(p), {static_cast<const T*>(x[0])}}});
}

template <class To, class From>
void cast_kernel(const void* const* x, void* out, std::ptrdiff_t n, const elementwise_params&) {
  using F = lowered::apply<ops::cast<To>, ops::no_param, in<From>>;
  exec::run_range(0, n, exec::output_stage<To, F>{static_cast<To*>(out), F{{}, {static_cast<const From*>(x[0])}}});
}

// op name (canonical) -> kernels by input type code.
struct kernel_table {
  std::unordered_map<std::string_view, kernel_row> ops;
  std::array<kernel_row, num_codes> cast{};  // [to][from]

  kernel_table() {
    [&]<class... U>(type_list<U...>) {
      ((ops[U::names.mxnet] = row([]<class T>(T) -> elementwise_fn { return &unary_kernel<U, T>; })), ...);
    }(ops::unary_ops{});
    [&]<class... B>(type_list<B...>) {
      (add_binary<B>(), ...);
    }(ops::binary_ops{});
    [&]<class... P>(type_list<P...>) {
      ((ops[P::names.mxnet] = row([]<class T>(T) -> elementwise_fn { return &parameterized_kernel<P, T>; })), ...);
    }(ops::parameterized_ops{});
    [&]<class... To>(type_list<To...>) {
      ((cast[std::size_t(dtype_of<To>)] = row([]<class From>(From) -> elementwise_fn { return &cast_kernel<To, From>; })),
       ...);
    }(element_types{});
  }

  template <class B>
  void add_binary() {
    using S = ops::scalar<B, false>;
    using R = ops::scalar<B, true>;
    ops[B::names.mxnet] = row([]<class T>(T) -> elementwise_fn { return &binary_kernel<B, T>; });
    // A commutative op has one name for both scalar forms: R's kernel serves it (the GPU table,
    // cuda/src/elementwise_binary.cu, does the same), and S's is never instantiated.
    if constexpr (S::names.mxnet != R::names.mxnet)
      ops[S::names.mxnet] = row([]<class T>(T) -> elementwise_fn { return &parameterized_kernel<S, T>; });
    ops[R::names.mxnet] = row([]<class T>(T) -> elementwise_fn { return &parameterized_kernel<R, T>; });
  }
};

const kernel_table& table() {
  static const kernel_table t;
  return t;
}

double number_attribute(const graph_node& n, std::string_view name) {
  const std::string key(name);
  auto it = n.attrs.find(key);
  if (it == n.attrs.end()) {
    if (auto d = ops::number_attribute_default(name)) return *d;
    throw error(n.op + " node '" + n.name + "': the attribute '" + key + "' is missing");
  }
  const char* text = it->second.c_str();
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(text, &end);
  while (end && (*end == ' ' || *end == '\t')) ++end;
  if (end == text || *end != '\0')
    throw error(n.op + " node '" + n.name + "': the attribute '" + key + "' is '" + it->second +
                "', which is not a number");
  return v;
}

}  // namespace

bool is_elementwise(const graph_node& n) { return n.def && n.def->elementwise; }

elementwise_kernel find_elementwise(const graph_node& n, dtype in, dtype out) {
  const auto& t = table();
  elementwise_kernel k;
  std::size_t from = std::size_t(in), to = std::size_t(out);
  if (n.def && n.def->casts) {
    if (from < num_codes && to < num_codes) k.fn = t.cast[to][from];
  } else if (auto it = n.def ? t.ops.find(n.def->name) : t.ops.end(); it != t.ops.end()) {
    if (from < num_codes && in == out) k.fn = it->second[from];
  } else if (n.def && n.def->elementwise) {  // a _backward_ op
    k.fn = find_backward_kernel(n.def->name, in, out);
  } else {
    throw error(n.op + " node '" + n.name + "': not an elementwise op of the operator table");
  }
  if (!k.fn)
    throw error(n.op + " node '" + n.name + "': no CPU kernel for " + std::string(dtype_name(in)) +
                (in == out ? "" : " to " + std::string(dtype_name(out))) +
                "; elementwise ops run float32, float64, uint8, int8, int32 and int64");
  const auto& names = n.def->number_attributes;
  for (std::size_t j = 0; j < names.size() && j < ops::max_number_attributes; ++j)
    k.params.numbers[j] = number_attribute(n, names[j]);
  return k;
}

void run_parallel(const elementwise_kernel& k, std::span<const tensor> in, const tensor& out) {
  const auto n = std::ptrdiff_t(out.size());
  exec::for_each_chunk(n, 64, exec::runs_parallel(n), 0, [&](std::ptrdiff_t begin, std::ptrdiff_t end, std::ptrdiff_t) {
    if (begin == end) return;
    const void* mine[max_elementwise_inputs] = {};
    for (std::size_t j = 0; j < in.size() && j < max_elementwise_inputs; ++j)
      mine[j] = static_cast<const std::byte*>(in[j].data) + begin * std::ptrdiff_t(dtype_size(in[j].type));
    k.fn(mine, static_cast<std::byte*>(out.data) + begin * std::ptrdiff_t(dtype_size(out.type)), end - begin, k.params);
  });
}

}  // namespace xsym::kernels
