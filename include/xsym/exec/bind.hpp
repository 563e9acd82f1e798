#pragma once
// xsym::bind for static graphs: checks the arguments, infers shapes and dtypes, allocates the
// outputs and picks the instantiation of the graph's fused loop for the bound dtypes.
//
// Three spellings bind the same way:
//   xsym::bind(e, xsym::cpu(0), {{"A", A}, {"B", B}});   // names at run time
//   xsym::bind(e, a = A, b = B);                        // names checked at compile time
//   xsym::bind(e, args{A, B});                          // a Boost.PFR aggregate in list_arguments order
#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/pfr.hpp>

#include "../core/context.hpp"
#include "../core/error.hpp"
#include "../expr/graph_info.hpp"
#include "../ndarray/ndarray.hpp"
#include "cpu_loop.hpp"
#include "executor.hpp"
#include "infer.hpp"
#include "lower_plan.hpp"

namespace xsym {

/// The dtypes an untyped graph is compiled for at bind. A graph with typed variables
/// (`variable<"A", std::int8_t>()`) runs on any element type.
inline constexpr std::array<dtype, 4> bindable_dtypes{dtype::float32, dtype::float64, dtype::int32,
                                                       dtype::int64};

namespace detail {
template <class S> inline constexpr bool is_named_argument = false;
template <class N, class T, class V> inline constexpr bool is_named_argument<named_argument<N, T, V>> = true;
template <class G> inline constexpr bool is_static_group = false;
template <class... E> inline constexpr bool is_static_group<static_group<E...>> = true;
}  // namespace detail

inline std::vector<std::string_view> bindable_dtype_names() {
  std::vector<std::string_view> names;
  for (dtype t : bindable_dtypes) names.push_back(dtype_name(t));
  return names;
}

/// Static graphs that bind: an expression or a group of expressions. (get_internals and
/// get_children views are for introspection.)
template <class G>
concept bindable_graph = expression<G> || detail::is_static_group<G>;

namespace detail {

/// Graph G instantiated for the element types `Free` of its free dtype classes.
template <class G, dtype... Free>
struct instance {
  using program = exec::fused_program<G, Free...>;

  /// Calls f(stage) with the graph's plan lowered to one fused stage (exec/program.hpp) that
  /// computes every node once per element and writes every output. The CPU loop and the CUDA
  /// kernel run the same stage.
  template <class F>
  static void with_stages(const G& g, const void* const* args, void* const* outs, F&& f) {
    f(program::make(g, args, outs));
  }

  static void run(const G& g, const void* const* args, void* const* outs, std::ptrdiff_t n) {
    exec::run_fused(n, program::make(g, args, outs));
  }
};

/// `&Instance<G, T...>::run` for the free dtypes T chosen at bind (each one of bindable_dtypes):
/// Instance is the CPU `instance` or the CUDA layer's `fused_instance`.
template <class Fn, template <class, dtype...> class Instance, class G, dtype... Chosen>
Fn pick_compiled(const std::vector<dtype>& free_dtypes) {
  constexpr std::size_t k = sizeof...(Chosen);
  if constexpr (k == std::size_t(graph_info<G>::num_free_dtypes)) {
    return &Instance<G, Chosen...>::run;
  } else {
    Fn run = nullptr;
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      ((free_dtypes[k] == bindable_dtypes[J]
            ? (void)(run = pick_compiled<Fn, Instance, G, Chosen..., bindable_dtypes[J]>(free_dtypes))
            : void()),
       ...);
    }(std::make_index_sequence<bindable_dtypes.size()>{});
    return run;
  }
}

/// The CPU fused loop for the free dtypes chosen at bind.
template <class G>
typename executor<G>::run_fn pick_instance(const std::vector<dtype>& free_dtypes) {
  return pick_compiled<typename executor<G>::run_fn, instance, G>(free_dtypes);
}

/// A static graph bound to a GPU in a translation unit without the fused kernel (not compiled
/// by nvcc, or without xsym::cuda's headers): its Symbol's executor, on the runtime per-op GPU
/// path. Defined in <xsym/symbol/from_static.hpp>, which <xsym/xsym.hpp> includes.
template <class G>
executor<G> bind_through_runtime(const G& g, context ctx, std::vector<ndarray> args);

inline std::string joined(const auto& names) {
  std::string s;
  for (std::string_view n : names) s += (s.empty() ? "" : ", ") + std::string(n);
  return s;
}

template <class V>
inline constexpr int static_dtype = -1;  // -1: the dtype of an untyped ndarray is known at run time
template <class T>
inline constexpr int static_dtype<typed_ndarray<T>> = int(dtype_of<T>);

// Each check is its own template so that the compiler's message shows the argument's name.
template <class G, class Name>
constexpr void check_named_argument() {
  static_assert(graph_info<G>::argument_index(Name::value) >= 0,
                "xsym::bind: a named argument is not an argument of the graph (its name<...> is in "
                "the instantiation below)");
}
template <class G, class Name, class Value>
constexpr void check_argument_dtype() {
  constexpr int k = graph_info<G>::argument_index(Name::value);
  if constexpr (k >= 0) {
    constexpr int pinned = graph_info<G>::nodes[graph_info<G>::argument_nodes[std::size_t(k)]].pinned;
    static_assert(pinned < 0 || static_dtype<Value> < 0 || pinned == static_dtype<Value>,
                  "xsym::bind: a typed variable is bound to a typed_ndarray of another element type "
                  "(the variable's name<...> is in the instantiation context)");
  }
}
template <class G, class... Names>
constexpr bool binds_every_argument_once() {
  for (std::string_view arg : graph_info<G>::arguments)
    if (((Names::value == arg) + ... + 0) != 1) return false;
  return true;
}

}  // namespace detail
}  // namespace xsym

// In a translation unit compiled by nvcc of a target that links xsym::cuda (which defines
// XSYM_WITH_CUDA for it), a static graph bound to a GPU runs its own fused kernel; in any other
// unit it runs the runtime per-op GPU path. The two versions of bind live in inline namespaces
// of their own, so that a program binding one graph in both kinds of unit holds two differently
// named functions instead of one name with two definitions (an ODR violation that would let the
// linker pick either).
#if defined(__CUDACC__) && defined(XSYM_WITH_CUDA)
#define XSYM_FUSED_CUDA 1
#include <xsym/cuda/static_kernel.cuh>  // needs detail::instance, above
#else
#define XSYM_FUSED_CUDA 0
#endif

namespace xsym {
#if XSYM_FUSED_CUDA
inline namespace with_cuda_kernels {
#else
inline namespace without_cuda_kernels {
#endif

/// Binds arrays to the arguments of static graph `g` on context `ctx`. Returns an executor whose
/// forward() runs one fused loop (cpu) or one fused CUDA kernel (gpu, in a unit compiled by nvcc
/// that links xsym::cuda; elsewhere the runtime per-op GPU path) for the whole graph.
/// Throws xsym::error for: a missing or unknown argument name, an argument on another context,
/// arrays of different shapes or dtypes meeting at an op (naming the node and input), a typed
/// variable bound to another dtype, an untyped argument whose dtype is not one of
/// `bindable_dtypes`; on a GPU, for no usable device (xsym::cuda::require_device's error).
template <bindable_graph G>
executor<G> bind(const G& g, context ctx, const std::map<std::string, ndarray>& args) {
  using info = detail::graph_info<G>;
  static_assert(info::num_free_dtypes <= 2,
                "xsym::bind: this graph has more than two independent untyped parts (joined only "
                "through cast); type some variables (xsym::variable<\"A\", float>()) to bound "
                "the number of instantiations");
  const std::string arguments = detail::joined(info::arguments);
  for (const auto& [name, array] : args)
    if (info::argument_index(name) < 0)
      throw error("xsym::bind: '" + name + "' is not an argument of the graph; its arguments are " + arguments);

  std::vector<ndarray> bound;
  for (std::string_view name : info::arguments) {
    auto it = args.find(std::string(name));
    if (it == args.end())
      throw error("xsym::bind: argument '" + std::string(name) + "' is not bound; the graph's arguments are " +
                  arguments);
    const ndarray& a = it->second;
    if (!a.has_storage())
      throw error("xsym::bind: argument '" + std::string(name) + "' is bound to an empty ndarray");
    if (a.context() != ctx)
      throw error("xsym::bind: argument '" + std::string(name) + "' is on " + a.context().str() +
                  ", but the graph is bound to " + ctx.str());
    bound.push_back(a);
  }

  exec::node_types types = exec::infer_node_types<G>(bound);

  auto free_dtypes = std::vector<dtype>(std::size_t(info::num_free_dtypes));
  for (int k = 0; k < info::num_arguments; ++k) {
    int c = info::free_class(info::argument_nodes[std::size_t(k)]);
    if (c < 0) continue;
    dtype t = bound[std::size_t(k)].dtype();
    bool listed = false;
    for (dtype b : bindable_dtypes) listed |= b == t;
    if (!listed)
      throw error("xsym::bind: argument '" + std::string(info::arguments[std::size_t(k)]) + "' is " +
                  std::string(dtype_name(t)) +
                  ", but untyped graphs are compiled for " + detail::joined(bindable_dtype_names()) + "; declare the "
                  "variable with its element type (xsym::variable<\"" + std::string(info::arguments[std::size_t(k)]) +
                  "\", T>()) to bind " + std::string(dtype_name(t)));
    free_dtypes[std::size_t(c)] = t;
  }
#if !XSYM_FUSED_CUDA
  if (ctx.type == context::device::gpu) return detail::bind_through_runtime(g, ctx, std::move(bound));
#endif

  std::vector<ndarray> outputs;
  std::string out_types;
  for (int h : info::heads) {
    const auto& s = types.shapes[std::size_t(h)];
    if (!outputs.empty() && s.size() != outputs[0].size())
      throw error("xsym::bind: a group runs as one fused loop, so its outputs need one size; output '" +
                  std::string(info::outputs[outputs.size()]) + "' has shape " + s.str() + ", output '" +
                  std::string(info::outputs[0]) + "' has shape " + outputs[0].shape().str());
    outputs.emplace_back(s, types.dtypes[std::size_t(h)], ctx);
    out_types += (out_types.empty() ? "" : ", ") + std::string(dtype_name(types.dtypes[std::size_t(h)]));
  }
#if XSYM_FUSED_CUDA
  if (ctx.type == context::device::gpu) {
    using runner = typename executor<G>::device_runner;
    auto own = std::make_shared<cuda::stream>(ctx.id);
    auto launch = detail::pick_compiled<typename runner::launch_fn, cuda::detail::fused_instance, G>(free_dtypes);
    return executor<G>(g, ctx, std::move(bound), std::move(outputs), runner{launch, own->get(), own, nullptr},
                       "fused CUDA kernel on " + ctx.str() + " (" + out_types + ")");
  }
#endif
  return executor<G>(g, ctx, std::move(bound), std::move(outputs), detail::pick_instance<G>(free_dtypes),
                     "static fused CPU loop (" + out_types + ")");
}

/// bind on cpu(0).
template <bindable_graph G>
executor<G> bind(const G& g, const std::map<std::string, ndarray>& args) {
  return xsym::bind(g, cpu(0), args);
}

/// The named form, checked at compile time: `xsym::bind(e, ctx, a = A, b = B, ...)`. Every
/// argument must be named once; a typed_ndarray bound to a typed variable must match its type.
template <bindable_graph G, class... N, class... T, class... V>
executor<G> bind(const G& g, context ctx, named_argument<N, T, V>... named) {
  (detail::check_named_argument<G, N>(), ...);
  (detail::check_argument_dtype<G, N, V>(), ...);
  static_assert(detail::binds_every_argument_once<G, N...>(),
                "xsym::bind: the named form must bind every argument of the graph exactly once");
  return xsym::bind(g, ctx, std::map<std::string, ndarray>{{std::string(N::value), ndarray(named.value)}...});
}
template <bindable_graph G, class... N, class... T, class... V>
executor<G> bind(const G& g, named_argument<N, T, V>... named) {
  return xsym::bind(g, cpu(0), named...);
}

/// Binds the fields of aggregate `fields` (ndarray or typed_ndarray members) to the graph's
/// arguments in list_arguments order: `struct args { ndarray A, B, C, D; }`.
template <bindable_graph G, class S>
  requires(std::is_aggregate_v<S> && !std::is_array_v<S> && !detail::is_named_argument<S>)
executor<G> bind(const G& g, context ctx, const S& fields) {
  using info = detail::graph_info<G>;
  static_assert(boost::pfr::tuple_size_v<S> == std::size_t(info::num_arguments),
                "xsym::bind: the aggregate must have one field per graph argument, in list_arguments order");
  std::map<std::string, ndarray> args;
  [&]<std::size_t... K>(std::index_sequence<K...>) {
    (
        [&] {
          using field = std::remove_cvref_t<boost::pfr::tuple_element_t<K, S>>;
          static_assert(std::is_convertible_v<const field&, ndarray>,
                        "xsym::bind: every field of the aggregate must be an ndarray");
          constexpr int pinned = info::nodes[info::argument_nodes[K]].pinned;
          static_assert(pinned < 0 || detail::static_dtype<field> < 0 || pinned == detail::static_dtype<field>,
                        "xsym::bind: an aggregate field of typed_ndarray<T> is bound to a typed variable of another "
                        "element type");
          args.emplace(std::string(info::arguments[K]), ndarray(boost::pfr::get<K>(fields)));
        }(),
        ...);
  }(std::make_index_sequence<std::size_t(info::num_arguments)>{});
  return xsym::bind(g, ctx, args);
}
template <bindable_graph G, class S>
  requires(std::is_aggregate_v<S> && !std::is_array_v<S> && !detail::is_named_argument<S>)
executor<G> bind(const G& g, const S& fields) {
  return xsym::bind(g, cpu(0), fields);
}

}  // inline namespace with_cuda_kernels or without_cuda_kernels
}  // namespace xsym
