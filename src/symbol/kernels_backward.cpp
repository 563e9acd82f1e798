// The kernels of the `_backward_*` ops (ops/backward.hpp), generated from the operator table's
// derivatives: what the per-op and blocked interpreters run for the gradient nodes of a Symbol,
// with the static fused loop's code, as the forward kernels (kernels_elementwise.cpp).
#include <array>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "kernel_rows.hpp"
#include "kernels.hpp"
#include "xsym/exec/cpu_loop.hpp"
#include "xsym/exec/lower.hpp"
#include "xsym/ops/backward.hpp"
#include "xsym/ops/table.hpp"

namespace xsym::kernels {

namespace {

template <class T>
using in = lowered::load<T>;

// The gradient of one input on elements [0, n): inputs (g, out, x...) of types In..., the
// result of type Out (the input's: across a Cast, the Cast's source type).
template <class B, class Out, class... In>
void backward_kernel(const void* const* x, void* out, std::ptrdiff_t n, const elementwise_params& p) {
  using P = typename B::template lowered_param<Out>;
  using F = lowered::apply<B, P, in<In>...>;
  P param = lowered_param_of<B, Out>(p);
  [&]<std::size_t... J>(std::index_sequence<J...>) {
    exec::run_range(0, n, exec::output_stage<Out, F>{static_cast<Out*>(out), F{param, {static_cast<const In*>(x[J])}...}});
  }(std::index_sequence_for<In...>{});
}

struct backward_table {
  std::unordered_map<std::string_view, kernel_row> ops;
  std::array<kernel_row, num_codes> cast{};  // [the Cast's target type][its data's type]

  // Op's input K, whose node has Arity inputs of one type: Arity + 2 inputs (g, out, x...).
  template <class Op, int K>
  void add() {
    if constexpr (ops::differentiable<Op, K>) {
      using B = ops::backward<Op, K>;
      if (ops.count(B::names.mxnet)) return;  // a commutative op's scalar forms share one name
      ops[B::names.mxnet] = row([]<class T>(T) -> elementwise_fn {
        if constexpr (Op::arity == 1) return &backward_kernel<B, T, T, T, T>;
        else return &backward_kernel<B, T, T, T, T, T>;
      });
    }
  }

  backward_table() {
    [&]<class... U>(type_list<U...>) { (add<U, 0>(), ...); }(ops::unary_ops{});
    [&]<class... O>(type_list<O...>) {
      ((add<O, 0>(), add<O, 1>(), add<ops::scalar<O, false>, 0>(), add<ops::scalar<O, true>, 0>()), ...);
    }(ops::binary_ops{});
    [&]<class... P>(type_list<P...>) { (add<P, 0>(), ...); }(ops::parameterized_ops{});
    // Inputs (g, out) of the target type, x and the result of the data's.
    [&]<class... Target>(type_list<Target...>) {
      ((cast[std::size_t(dtype_of<Target>)] = row([]<class Data>(Data) -> elementwise_fn {
          return &backward_kernel<ops::backward<ops::cast<Target>, 0>, Data, Target, Target, Data>;
        })),
       ...);
    }(element_types{});
  }
};

const backward_table& table() {
  static const backward_table t;
  return t;
}

}  // namespace

elementwise_fn find_backward_kernel(std::string_view op, dtype in, dtype out) {
  std::size_t from = std::size_t(in), to = std::size_t(out);
  if (from >= num_codes || to >= num_codes) return nullptr;
  if (op == ops::backward<ops::cast<float>, 0>::names.mxnet) return table().cast[from][to];
  auto it = table().ops.find(op);
  return it != table().ops.end() && in == out ? it->second[from] : nullptr;
}

}  // namespace xsym::kernels
