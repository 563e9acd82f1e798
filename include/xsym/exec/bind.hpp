#pragma once
// xsym::bind for static graphs: checks the arguments, infers shapes and dtypes, allocates the
// outputs and picks the instantiation of the graph's fused loop for the bound dtypes.
//
// Three spellings bind the same way:
//   xsym::bind(e, xsym::cpu(0), {{"A", A}, {"B", B}});   // names at run time
//   xsym::bind(e, a = A, b = B);                        // names checked at compile time
//   xsym::bind(e, args{A, B});                          // a Boost.PFR aggregate in list_arguments order
// and `xsym::bind<float>(e, ...)` compiles an untyped graph for that one element type.
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
#include "../core/fixed_string.hpp"
#include "../expr/describe.hpp"
#include "../expr/gradient.hpp"
#include "../expr/graph_info.hpp"
#include "../ndarray/ndarray.hpp"
#include "cpu_loop.hpp"
#include "executor.hpp"
#include "gpu_plug.hpp"
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
template <class G> inline constexpr bool is_gradient_graph = false;
template <class G, bool F, int... W> inline constexpr bool is_gradient_graph<gradient_graph<G, F, W...>> = true;
}  // namespace detail

/// The dtypes the gradient graphs of an untyped graph are compiled for: those with gradients.
inline constexpr std::array<dtype, 2> floating_dtypes{dtype::float32, dtype::float64};

inline std::vector<std::string_view> bindable_dtype_names() {
  std::vector<std::string_view> names;
  for (dtype t : bindable_dtypes) names.push_back(dtype_name(t));
  return names;
}

/// Static graphs that bind: an expression, a group of expressions, or a gradient graph.
/// (get_internals and get_children views are for introspection.)
template <class G>
concept bindable_graph =
    (expression<G> || detail::is_static_group<G> || detail::is_gradient_graph<G>) && elementwise_graph<G>;

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
/// Choices: the dtypes compiled for each free class (bindable_dtypes, or floating_dtypes for
/// gradients); a dtype that is not among them gives null.
template <class Fn, template <class, dtype...> class Instance, class G, const auto& Choices = bindable_dtypes,
          dtype... Chosen>
Fn pick_compiled(const std::vector<dtype>& free_dtypes) {
  constexpr std::size_t k = sizeof...(Chosen);
  if constexpr (k == std::size_t(graph_info<G>::num_free_dtypes)) {
    return &Instance<G, Chosen...>::run;
  } else {
    Fn run = nullptr;
    [&]<std::size_t... J>(std::index_sequence<J...>) {
      ((free_dtypes[k] == Choices[J]
            ? (void)(run = pick_compiled<Fn, Instance, G, Choices, Chosen..., Choices[J]>(free_dtypes))
            : void()),
       ...);
    }(std::make_index_sequence<Choices.size()>{});
    return run;
  }
}

/// The CPU fused loop for the free dtypes chosen at bind.
template <class G>
typename executor<G>::run_fn pick_instance(const std::vector<dtype>& free_dtypes) {
  return pick_compiled<typename executor<G>::run_fn, instance, G>(free_dtypes);
}

inline std::string joined(const auto& names) {
  std::string s;
  for (std::string_view n : names) s += std::string(s.empty() ? "" : ", ") + std::string(n);
  return s;
}

template <class V>
inline constexpr int static_dtype = -1;  // -1: the dtype of an untyped ndarray is known at run time
template <class T>
inline constexpr int static_dtype<typed_ndarray<T>> = int(dtype_of<T>);

// ---- the named form's compile-time checks ---------------------------------------------------
// The first thing wrong is the only thing reported: an unknown name, else an argument left out
// or named twice, else a dtype. Each report is a function template whose name is the message,
// instantiated with the name as a string literal and as a char pack, so that the compiler's
// first line spells it: g++ `Name = xsym::fixed_string<2>{"D"}`, clang `xsym::name<'D'>`.

template <std::size_t N>
constexpr fixed_string<N> spelled(std::string_view s) {
  fixed_string<N> f{};
  for (std::size_t i = 0; i + 1 < N; ++i) f.v[i] = s[i];
  return f;
}
template <class Name>
inline constexpr auto spelling_of_name = spelled<Name::value.size() + 1>(Name::value);
template <class G, std::size_t K>
inline constexpr auto spelling_of_argument = spelled<graph_info<G>::arguments[K].size() + 1>(graph_info<G>::arguments[K]);
template <class G, std::size_t K, std::size_t... I>
auto argument_name_chars(std::index_sequence<I...>) -> name<graph_info<G>::arguments[K][I]...>;
template <class G, std::size_t K>
using argument_name_t =
    decltype(argument_name_chars<G, K>(std::make_index_sequence<graph_info<G>::arguments[K].size()>{}));

template <fixed_string Name, class Chars>
constexpr void named_argument_is_not_an_argument_of_the_graph() {
  static_assert(Name.size() == std::size_t(-1), "xsym::bind: this name is not an argument of the graph");
}
template <fixed_string Name, class Chars>
constexpr void argument_is_not_named() {
  static_assert(Name.size() == std::size_t(-1),
                "xsym::bind: the named form must bind every argument of the graph; this one is missing");
}
template <fixed_string Name, class Chars>
constexpr void argument_is_named_twice() {
  static_assert(Name.size() == std::size_t(-1), "xsym::bind: this argument is named more than once");
}
template <fixed_string Name, class Chars>
constexpr void typed_variable_is_bound_to_another_element_type() {
  static_assert(Name.size() == std::size_t(-1),
                "xsym::bind: this typed variable is bound to a typed_ndarray of another element type");
}

template <class G, class... Names>
inline constexpr bool all_names_known = ((graph_info<G>::argument_index(Names::value) >= 0) && ...);

/// How often the named form names argument k.
template <class G, class... Names>
constexpr int times_named(std::size_t k) {
  return ((Names::value == graph_info<G>::arguments[k]) + ... + 0);
}
/// The first argument named `times` times (0: missing; 2: twice), or -1.
template <class G, class... Names>
constexpr int first_argument_named(bool twice) {
  for (std::size_t k = 0; k < std::size_t(graph_info<G>::num_arguments); ++k) {
    int t = times_named<G, Names...>(k);
    if (twice ? t > 1 : t == 0) return int(k);
  }
  return -1;
}

// The named form's three checks, each reporting the first thing wrong (see above); the second
// and third say nothing while the first has something to say.
template <class G, class Name>
constexpr void check_name_known() {
  if constexpr (graph_info<G>::argument_index(Name::value) < 0)
    named_argument_is_not_an_argument_of_the_graph<spelling_of_name<Name>, Name>();
}
template <class G, class... Names>
constexpr void check_every_argument_named_once() {
  if constexpr (all_names_known<G, Names...>) {
    constexpr int missing = first_argument_named<G, Names...>(false), twice = first_argument_named<G, Names...>(true);
    if constexpr (missing >= 0)
      argument_is_not_named<spelling_of_argument<G, missing>, argument_name_t<G, missing>>();
    else if constexpr (twice >= 0)
      argument_is_named_twice<spelling_of_argument<G, twice>, argument_name_t<G, twice>>();
  }
}
template <class G, class Name, class Value>
constexpr void check_argument_dtype() {
  constexpr int k = graph_info<G>::argument_index(Name::value);
  if constexpr (k >= 0) {
    constexpr int pinned = graph_info<G>::nodes[graph_info<G>::argument_nodes[std::size_t(k)]].pinned;
    if constexpr (pinned >= 0 && static_dtype<Value> >= 0 && pinned != static_dtype<Value>)
      typed_variable_is_bound_to_another_element_type<spelling_of_name<Name>, Name>();
  }
}

// ---- which instantiations bind compiles ---------------------------------------------------

/// The default: an untyped part of the graph is compiled for every bindable dtype, and bind
/// picks the one of the bound arrays.
struct every_bindable_dtype {
  static void check(dtype t, std::string_view argument) {
    for (dtype b : bindable_dtypes)
      if (b == t) return;
    throw error("xsym::bind: argument '" + std::string(argument) + "' is " + std::string(dtype_name(t)) +
                ", but untyped graphs are compiled for " + joined(bindable_dtype_names()) +
                "; declare the variable with its element type (xsym::variable<\"" + std::string(argument) +
                "\", T>()) to bind " + std::string(dtype_name(t)));
  }
  template <class Fn, template <class, dtype...> class Instance, class G>
  static Fn pick(const std::vector<dtype>& free_dtypes) {
    return pick_compiled<Fn, Instance, G>(free_dtypes);
  }
  /// Gradient graphs: compiled for the floating dtypes only (null for any other).
  template <class Fn, template <class, dtype...> class Instance, class G>
  static Fn pick_gradient(const std::vector<dtype>& free_dtypes) {
    return pick_compiled<Fn, Instance, G, floating_dtypes>(free_dtypes);
  }
};

/// `bind<T>`: every untyped part of the graph is compiled for T alone.
template <dtype T>
struct only_dtype {
  static void check(dtype t, std::string_view argument) {
    if (t != T)
      throw error("xsym::bind: argument '" + std::string(argument) + "' is " + std::string(dtype_name(t)) +
                  ", but the graph is bound for " + std::string(dtype_name(T)) + " only (xsym::bind<" +
                  std::string(dtype_name(T)) + ">)");
  }
  template <class Fn, template <class, dtype...> class Instance, class G>
  static Fn pick(const std::vector<dtype>&) {
    return []<std::size_t... K>(std::index_sequence<K...>) {
      return Fn(&Instance<G, ((void)K, T)...>::run);
    }(std::make_index_sequence<std::size_t(graph_info<G>::num_free_dtypes)>{});
  }
  template <class Fn, template <class, dtype...> class Instance, class G>
  static Fn pick_gradient(const std::vector<dtype>& free_dtypes) {
    return pick<Fn, Instance, G>(free_dtypes);
  }
};

// The runtime path on a GPU: the executor runs the runtime executor that the binder made.
template <class G>
executor<G> bind_through_runtime(const G& g, context ctx, std::vector<ndarray> args) {
  runtime_gpu_binder binder = runtime_gpu_binder_slot();
  if (!binder)
    throw error("xsym::bind: no GPU path for " + ctx.str() + " in this program: link xsym::runtime and xsym::cuda "
                "(or bind in a .cu file of a target that links xsym::cuda, for the fused kernel)");
  runtime_gpu_binding b = binder(describe(g), ctx, args);
  auto state = std::make_shared<runtime_gpu_binding>(b);
  using runner = typename executor<G>::device_runner;
  typename runner::launch_fn launch = [](const G&, const void* const*, void* const*, std::ptrdiff_t, int,
                                         void* stream, void* state) {
    auto& binding = *static_cast<runtime_gpu_binding*>(state);
    binding.launch(binding.state.get(), stream);
  };
  return executor<G>(g, ctx, std::move(args), b.outputs, runner{launch, b.stream, nullptr, state},
                     std::move(b.path));
}

}  // namespace detail
}  // namespace xsym

// A static graph bound to a GPU runs
//   - its own fused kernel (detail::fused_gpu_path, gpu_plug.hpp) in a translation unit compiled
//     by nvcc of a target that links xsym::cuda (which defines XSYM_WITH_CUDA for its units);
//   - the runtime per-op GPU path in any other unit of such a target;
//   - nowhere in a unit of a target that does not link xsym::cuda: binding to a GPU there is an
//     xsym::error saying what to link, and the runtime GPU path is not compiled into every bind.
// The three versions of bind live in inline namespaces of their own, so that a program binding
// one graph in two kinds of unit holds differently named functions instead of one name with two
// definitions (an ODR violation that would let the linker pick either).
#if defined(__CUDACC__) && defined(XSYM_WITH_CUDA)
#define XSYM_FUSED_CUDA 1
#else
#define XSYM_FUSED_CUDA 0
#endif

#if XSYM_FUSED_CUDA
#define XSYM_BIND_NAMESPACE with_cuda_kernels
#elif defined(XSYM_WITH_CUDA)
#define XSYM_BIND_NAMESPACE without_cuda_kernels
#else
#define XSYM_BIND_NAMESPACE without_cuda
#endif

namespace xsym {
inline namespace XSYM_BIND_NAMESPACE {

// Binding's parts that differ between the two kinds of unit (not `detail`: a namespace of that
// name in the inline namespace would make `xsym::detail` ambiguous).
namespace bind_impl {

// bind's one body: `Dtypes` says which instantiations it compiles (every_bindable_dtype, or
// only_dtype<T> for bind<T>).
template <class Dtypes, class G>
executor<G> bind_graph(const G& g, context ctx, const std::map<std::string, ndarray>& args) {
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
    Dtypes::check(bound[std::size_t(k)].dtype(), info::arguments[std::size_t(k)]);
    free_dtypes[std::size_t(c)] = bound[std::size_t(k)].dtype();
  }
#if !XSYM_FUSED_CUDA && defined(XSYM_WITH_CUDA)
  if (ctx.type == context::device::gpu) return detail::bind_through_runtime(g, ctx, std::move(bound));
#elif !XSYM_FUSED_CUDA
  if (ctx.type == context::device::gpu)
    throw error("xsym::bind: no GPU path for " + ctx.str() + " in this translation unit: link xsym::cuda (and "
                "xsym::runtime) to the target that binds, which defines XSYM_WITH_CUDA for its units");
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
    if (!out_types.empty()) out_types += ", ";
    out_types += dtype_name(types.dtypes[std::size_t(h)]);
  }
#if XSYM_FUSED_CUDA
  if (ctx.type == context::device::gpu)
    return executor<G>(g, ctx, std::move(bound), std::move(outputs),
                       detail::fused_gpu_path<G>::template runner<Dtypes>(ctx.id, free_dtypes),
                       "fused CUDA kernel on " + ctx.str() + " (" + out_types + ")");
#endif
  using run_fn = typename executor<G>::run_fn;
  return executor<G>(g, ctx, std::move(bound), std::move(outputs),
                     Dtypes::template pick<run_fn, detail::instance, G>(free_dtypes),
                     "static fused CPU loop (" + out_types + ")");
}

template <class G, class... N, class... T, class... V>
std::map<std::string, ndarray> named_map(const named_argument<N, T, V>&... named) {
  return {{std::string(N::value), ndarray(named.value)}...};
}

template <class G, class S>
std::map<std::string, ndarray> aggregate_map(const S& fields) {
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
  return args;
}

template <class S>
concept argument_aggregate = std::is_aggregate_v<S> && !std::is_array_v<S> && !detail::is_named_argument<S>;

}  // namespace bind_impl

/// Binds arrays to the arguments of static graph `g` on context `ctx`. Returns an executor whose
/// forward() runs one fused loop (cpu) or one fused CUDA kernel (gpu, in a unit compiled by nvcc
/// of a target that links xsym::cuda; in its other units the runtime per-op GPU path, which
/// needs xsym::runtime; in a target without xsym::cuda, a GPU is an xsym::error) for the whole
/// graph. An untyped part of the graph is compiled for each of `bindable_dtypes`.
/// Throws xsym::error for: a missing or unknown argument name, an argument on another context,
/// arrays of different shapes or dtypes meeting at an op (naming the node, the input and where
/// it came from), a typed variable bound to another dtype, an untyped argument whose dtype is not
/// one of `bindable_dtypes`; on a GPU, for no usable device (xsym::cuda::require_device's error).
template <bindable_graph G>
executor<G> bind(const G& g, context ctx, const std::map<std::string, ndarray>& args) {
  return bind_impl::bind_graph<detail::every_bindable_dtype>(g, ctx, args);
}
/// bind on cpu(0).
template <bindable_graph G>
executor<G> bind(const G& g, const std::map<std::string, ndarray>& args) {
  return xsym::bind(g, cpu(0), args);
}

/// `xsym::bind<float>(e, ...)`: the untyped parts of `e` are compiled for T alone, in any of the
/// forms below. That pins their dtype (an array of another dtype is an xsym::error naming it) and
/// costs one instantiation of the loop instead of one per bindable dtype.
template <element_type T, bindable_graph G>
executor<G> bind(const G& g, context ctx, const std::map<std::string, ndarray>& args) {
  return bind_impl::bind_graph<detail::only_dtype<dtype_of<T>>>(g, ctx, args);
}
template <element_type T, bindable_graph G>
executor<G> bind(const G& g, const std::map<std::string, ndarray>& args) {
  return xsym::bind<T>(g, cpu(0), args);
}

/// The named form, checked at compile time: `xsym::bind(e, ctx, a = A, b = B, ...)`. Every
/// argument must be named once; a typed_ndarray bound to a typed variable must match its type.
template <bindable_graph G, class... N, class... T, class... V>
executor<G> bind(const G& g, context ctx, named_argument<N, T, V>... named) {
  (detail::check_name_known<G, N>(), ...);
  detail::check_every_argument_named_once<G, N...>();
  (detail::check_argument_dtype<G, N, V>(), ...);
  return xsym::bind(g, ctx, bind_impl::named_map<G>(named...));
}
template <bindable_graph G, class... N, class... T, class... V>
executor<G> bind(const G& g, named_argument<N, T, V>... named) {
  return xsym::bind(g, cpu(0), named...);
}
template <element_type E, bindable_graph G, class... N, class... T, class... V>
executor<G> bind(const G& g, context ctx, named_argument<N, T, V>... named) {
  (detail::check_name_known<G, N>(), ...);
  detail::check_every_argument_named_once<G, N...>();
  (detail::check_argument_dtype<G, N, V>(), ...);
  return xsym::bind<E>(g, ctx, bind_impl::named_map<G>(named...));
}
template <element_type E, bindable_graph G, class... N, class... T, class... V>
executor<G> bind(const G& g, named_argument<N, T, V>... named) {
  return xsym::bind<E>(g, cpu(0), named...);
}

/// Binds the fields of aggregate `fields` (ndarray or typed_ndarray members) to the graph's
/// arguments in list_arguments order: `struct args { ndarray A, B, C, D; }`.
template <bindable_graph G, bind_impl::argument_aggregate S>
executor<G> bind(const G& g, context ctx, const S& fields) {
  return xsym::bind(g, ctx, bind_impl::aggregate_map<G>(fields));
}
template <bindable_graph G, bind_impl::argument_aggregate S>
executor<G> bind(const G& g, const S& fields) {
  return xsym::bind(g, cpu(0), fields);
}
template <element_type E, bindable_graph G, bind_impl::argument_aggregate S>
executor<G> bind(const G& g, context ctx, const S& fields) {
  return xsym::bind<E>(g, ctx, bind_impl::aggregate_map<G>(fields));
}
template <element_type E, bindable_graph G, bind_impl::argument_aggregate S>
executor<G> bind(const G& g, const S& fields) {
  return xsym::bind<E>(g, cpu(0), fields);
}

}  // inline namespace with_cuda_kernels or without_cuda_kernels
}  // namespace xsym
