#pragma once
// The tensor ops that are not elementwise: broadcasting, reductions, softmax, layout and
// indexing ops, and the contractions, each with MXNet's name, node-name hint and attribute struct
// (attributes.hpp). Static graphs build nodes of them (expr/tensor_functions.hpp); they run as
// one runtime kernel each, whose shape rule and kernel the runtime registry holds under the
// same MXNet name.
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../core/type_list.hpp"
#include "attributes.hpp"
#include "backward.hpp"
#include "broadcast.hpp"

namespace xsym::ops {

/// The first N of an op's input names (FullyConnected without a bias has data and weight).
template <std::size_t N, std::size_t M>
constexpr std::array<std::string_view, N> input_names(const std::string_view (&names)[M]) {
  static_assert(N <= M);
  std::array<std::string_view, N> a{};
  for (std::size_t i = 0; i < N; ++i) a[i] = names[i];
  return a;
}

/// Base of the ops here, with what the runtime registry (src/symbol/op_registry.cpp) and the
/// static graph read of them; an op overrides what differs from these defaults. An op with
/// inputs of other dtypes than its output's says which inputs share the output's
/// (`tied_inputs`, one bit per input, as in expr/analysis.hpp).
template <op_kind Kind, class Param, int Arity = 1>
struct tensor_op {
  static constexpr op_kind kind = Kind;
  static constexpr int arity = Arity;
  using param = Param;
  static attributes attrs(const Param& p) { return attributes_of(p); }
  /// MXNet's input names (FListInputNames): `data`, or `lhs` and `rhs`; list_arguments names an
  /// input variable after them (`fc1_weight`).
  static constexpr std::array<std::string_view, std::size_t(Arity)> inputs =
      input_names<std::size_t(Arity)>({Arity == 2 ? "lhs" : "data", "rhs"});
  /// Inputs counted by the `num_args` attribute (Concat, stack).
  static constexpr bool variadic = false;
  /// MXNet's other registered name of the op (`flatten` for Flatten), or none.
  static constexpr std::string_view alias{};
  /// The inputs that get a gradient, one bit each, from the op's backward node
  /// `_backward_<name>` (a variadic op's bit 0 stands for every input); 0: the gradient is zero
  /// everywhere (argmax, one_hot, BlockGrad, the broadcast comparisons).
  static constexpr unsigned gradient_inputs = (1u << Arity) - 1;
  /// A loss head: its gradient ignores the head gradient (SoftmaxOutput, MakeLoss).
  static constexpr bool loss = false;
  /// Inputs the op updates (MXNet's FMutateInputs), one bit each: auxiliary states.
  static constexpr unsigned mutated_inputs = 0;
  /// The node's outputs, and how many of them a Symbol shows (BatchNorm: 3, of which 1).
  static constexpr int outputs = 1, visible_outputs = 1;
};

inline attributes attributes_of(no_param) { return {}; }

// ---- broadcasting ----------------------------------------------------------------------------
/// MXNet's names of the broadcast form of operator-table op B (broadcast.hpp's list): its name
/// and its alias; empty where MXNet has none.
template <class B>
constexpr std::pair<std::string_view, std::string_view> broadcast_names() {
  std::pair<std::string_view, std::string_view> names{};
  std::apply([&](const auto&... form) {
    ((std::is_same_v<typename std::remove_cvref_t<decltype(form)>::op, B> ? (void)(names = {form.name, form.alias})
                                                                           : void()),
     ...);
  }, broadcast_binary_ops);
  return names;
}

/// broadcast_add, broadcast_greater, ...: op B's element function with dimensions of size 1
/// stretched.
template <class B>
struct broadcasting : tensor_op<op_kind::broadcast, no_param, 2> {
  static_assert(!broadcast_names<B>().first.empty(), "xsym: this op has no broadcast form in MXNet");
  static constexpr op_names names{broadcast_names<B>().first, broadcast_names<B>().first};
  static constexpr std::string_view alias = broadcast_names<B>().second;
  static constexpr unsigned gradient_inputs = unsigned(differentiable<B, 0>) | unsigned(differentiable<B, 1>) << 1;
};

template <class... Form>
constexpr auto broadcasting_list(const std::tuple<Form...>&) { return type_list<broadcasting<typename Form::op>...>{}; }
/// The broadcast forms of the operator table's binary ops, in broadcast.hpp's order.
using broadcast_ops = decltype(broadcasting_list(broadcast_binary_ops));

struct broadcast_to_param {
  int_tuple shape{};  // 0 keeps the input's dimension
};
inline attributes attributes_of(const broadcast_to_param& p) {
  return attribute_writer(p).always("shape", &broadcast_to_param::shape).done();
}
struct broadcast_to : tensor_op<op_kind::broadcast, broadcast_to_param> {
  static constexpr op_names names{"broadcast_to", "broadcast_to"};
};

struct broadcast_axis_param {
  int_tuple axis{};
  int_tuple size{};
};
inline attributes attributes_of(const broadcast_axis_param& p) {
  return attribute_writer(p).always("axis", &broadcast_axis_param::axis).always("size", &broadcast_axis_param::size).done();
}
struct broadcast_axis : tensor_op<op_kind::broadcast, broadcast_axis_param> {
  static constexpr op_names names{"broadcast_axis", "broadcast_axis"};
  static constexpr std::string_view alias = "broadcast_axes";
};

struct broadcast_like_param {
  int_tuple lhs_axes{};
  int_tuple rhs_axes{};
};
inline attributes attributes_of(const broadcast_like_param& p) {
  return attribute_writer(p)
      .if_set("lhs_axes", &broadcast_like_param::lhs_axes)
      .if_set("rhs_axes", &broadcast_like_param::rhs_axes)
      .done();
}
struct broadcast_like : tensor_op<op_kind::broadcast, broadcast_like_param, 2> {
  static constexpr op_names names{"broadcast_like", "broadcast_like"};
  static constexpr unsigned gradient_inputs = 0b01;  // rhs gives only its shape
  static constexpr unsigned tied_inputs = 0b01;  // rhs gives only its shape
};

// ---- reductions ------------------------------------------------------------------------------
/// sum, mean, prod, max, min, nansum, nanprod: `axis` () (the default) reduces every axis; negative
/// axes count from the end; `exclude` reduces the axes not listed.
struct reduce_param {
  int_tuple axis{};
  bool keepdims = false;
  bool exclude = false;
};
inline attributes attributes_of(const reduce_param& p) {
  return attribute_writer(p)
      .if_set("axis", &reduce_param::axis)
      .if_set("keepdims", &reduce_param::keepdims)
      .if_set("exclude", &reduce_param::exclude)
      .done();
}

// X(tag, MXNet's other name)
#define XSYM_REDUCTIONS(X) \
  X(sum, "sum_axis") X(mean, "") X(prod, "") X(max, "max_axis") X(min, "min_axis") X(nansum, "") X(nanprod, "")
#define XSYM_REDUCTION_OP(tag, other_name)                            \
  struct tag##_reduction : tensor_op<op_kind::reduce, reduce_param> { \
    static constexpr op_names names{#tag, #tag};                      \
    static constexpr std::string_view alias = other_name;             \
  };
XSYM_REDUCTIONS(XSYM_REDUCTION_OP)
#undef XSYM_REDUCTION_OP

struct norm_param {
  int ord = 2;  // 1 or 2
  int_tuple axis{};
  bool keepdims = false;
};
inline attributes attributes_of(const norm_param& p) {
  return attribute_writer(p)
      .if_set("ord", &norm_param::ord)
      .if_set("axis", &norm_param::axis)
      .if_set("keepdims", &norm_param::keepdims)
      .done();
}
struct norm : tensor_op<op_kind::reduce, norm_param> {
  static constexpr op_names names{"norm", "norm"};
};

/// argmax, argmin: `axis` unset searches the flattened input.
struct arg_reduce_param {
  std::optional<int> axis{};
  bool keepdims = false;
};
inline attributes attributes_of(const arg_reduce_param& p) {
  return attribute_writer(p).if_set("axis", &arg_reduce_param::axis).if_set("keepdims", &arg_reduce_param::keepdims).done();
}
struct argmax : tensor_op<op_kind::reduce, arg_reduce_param> {
  static constexpr op_names names{"argmax", "argmax"};
  static constexpr unsigned gradient_inputs = 0;  // MXNet's MakeZeroGradNodes
};
struct argmin : tensor_op<op_kind::reduce, arg_reduce_param> {
  static constexpr op_names names{"argmin", "argmin"};
  static constexpr unsigned gradient_inputs = 0;  // MXNet's MakeZeroGradNodes
};

struct softmax_param {
  int axis = -1;
  std::optional<double> temperature{};
};
inline attributes attributes_of(const softmax_param& p) {
  return attribute_writer(p).if_set("axis", &softmax_param::axis).if_set("temperature", &softmax_param::temperature).done();
}
struct softmax : tensor_op<op_kind::reduce, softmax_param> {
  static constexpr op_names names{"softmax", "softmax"};
};
struct log_softmax : tensor_op<op_kind::reduce, softmax_param> {
  static constexpr op_names names{"log_softmax", "log_softmax"};
};

// ---- layout ----------------------------------------------------------------------------------
/// Reshape, with MXNet's special values 0 (keep), -1 (infer), -2 (keep the rest), -3 (merge
/// two), -4 (split one).
struct reshape_param {
  int_tuple shape{};
  bool reverse = false;
};
inline attributes attributes_of(const reshape_param& p) {
  return attribute_writer(p).always("shape", &reshape_param::shape).if_set("reverse", &reshape_param::reverse).done();
}
struct reshape : tensor_op<op_kind::layout, reshape_param> {
  static constexpr op_names names{"Reshape", "reshape"};
  static constexpr std::string_view alias = "reshape";
};

struct flatten : tensor_op<op_kind::layout, no_param> {
  static constexpr op_names names{"Flatten", "flatten"};
  static constexpr std::string_view alias = "flatten";
};

struct transpose_param {
  int_tuple axes{};  // () reverses the axes
};
inline attributes attributes_of(const transpose_param& p) {
  return attribute_writer(p).if_set("axes", &transpose_param::axes).done();
}
struct transpose : tensor_op<op_kind::layout, transpose_param> {
  static constexpr op_names names{"transpose", "transpose"};
};

struct expand_dims_param {
  int axis = 0;
};
inline attributes attributes_of(const expand_dims_param& p) {
  return attribute_writer(p).always("axis", &expand_dims_param::axis).done();
}
struct expand_dims : tensor_op<op_kind::layout, expand_dims_param> {
  static constexpr op_names names{"expand_dims", "expand_dims"};
};

struct squeeze_param {
  int_tuple axis{};  // (): every axis of size 1
};
inline attributes attributes_of(const squeeze_param& p) {
  return attribute_writer(p).if_set("axis", &squeeze_param::axis).done();
}
struct squeeze : tensor_op<op_kind::layout, squeeze_param> {
  static constexpr op_names names{"squeeze", "squeeze"};
};

struct reverse_param {
  int_tuple axis{};
};
inline attributes attributes_of(const reverse_param& p) {
  return attribute_writer(p).always("axis", &reverse_param::axis).done();
}
struct reverse : tensor_op<op_kind::layout, reverse_param> {
  static constexpr op_names names{"reverse", "reverse"};
  static constexpr std::string_view alias = "flip";
};

/// slice: from begin to before end by step over the leading axes; entries may be xsym::none.
struct slice_param {
  int_tuple begin{};
  int_tuple end{};
  int_tuple step{};
};
inline attributes attributes_of(const slice_param& p) {
  return attribute_writer(p)
      .always("begin", &slice_param::begin)
      .always("end", &slice_param::end)
      .if_set("step", &slice_param::step)
      .done();
}
struct slice : tensor_op<op_kind::layout, slice_param> {
  static constexpr op_names names{"slice", "slice"};
  static constexpr std::string_view alias = "crop";
};

struct slice_axis_param {
  int axis = 0;
  int begin = 0;
  std::optional<int> end{};  // unset: to the end of the axis (MXNet's None)
};
inline attributes attributes_of(const slice_axis_param& p) {
  return attribute_writer(p)
      .always("axis", &slice_axis_param::axis)
      .always("begin", &slice_axis_param::begin)
      .with("end", p.end ? attribute_text(*p.end) : std::string("None"))
      .done();
}
struct slice_axis : tensor_op<op_kind::layout, slice_axis_param> {
  static constexpr op_names names{"slice_axis", "slice_axis"};
};

struct slice_like_param {
  int_tuple axes{};  // () slices every axis
};
inline attributes attributes_of(const slice_like_param& p) {
  return attribute_writer(p).if_set("axes", &slice_like_param::axes).done();
}
struct slice_like : tensor_op<op_kind::layout, slice_like_param, 2> {
  static constexpr op_names names{"slice_like", "slice_like"};
  static constexpr std::array<std::string_view, 2> inputs{"data", "shape_like"};
  static constexpr unsigned gradient_inputs = 0b01;
  static constexpr unsigned tied_inputs = 0b01;  // shape_like gives only its shape
};

/// SliceChannel (split): num_outputs equal parts of `axis`; squeeze_axis drops the axis (then
/// of num_outputs entries). Several outputs: a Symbol op only (symbol/network_symbols.hpp).
struct slice_channel_param {
  int num_outputs = 1;
  int axis = 1;
  bool squeeze_axis = false;
};
inline attributes attributes_of(const slice_channel_param& p) {
  using P = slice_channel_param;
  return attribute_writer(p).always("num_outputs", &P::num_outputs).if_set("axis", &P::axis).if_set("squeeze_axis", &P::squeeze_axis).done();
}
struct slice_channel : tensor_op<op_kind::layout, slice_channel_param> {
  static constexpr op_names names{"SliceChannel", "slicechannel"};
  static constexpr std::string_view alias = "split";
};

struct concat_param {
  int dim = 1;
};
/// Concat of N inputs along `dim`.
template <int N>
struct concat : tensor_op<op_kind::layout, concat_param, N> {
  static constexpr op_names names{"Concat", "concat"};
  static constexpr std::string_view alias = "concat";
  static constexpr bool variadic = true;
  static attributes attrs(const concat_param& p) {
    return attribute_writer(p).with("num_args", attribute_text(N)).if_set("dim", &concat_param::dim).done();
  }
};

struct stack_param {
  int axis = 0;
};
/// stack of N inputs along a new axis.
template <int N>
struct stack : tensor_op<op_kind::layout, stack_param, N> {
  static constexpr op_names names{"stack", "stack"};
  static constexpr bool variadic = true;
  static attributes attrs(const stack_param& p) {
    return attribute_writer(p).with("num_args", attribute_text(N)).if_set("axis", &stack_param::axis).done();
  }
};

struct tile_param {
  int_tuple reps{};
};
inline attributes attributes_of(const tile_param& p) {
  return attribute_writer(p).always("reps", &tile_param::reps).done();
}
struct tile : tensor_op<op_kind::layout, tile_param> {
  static constexpr op_names names{"tile", "tile"};
};

struct repeat_param {
  int repeats = 1;
  std::optional<int> axis{};  // unset: the flattened input
};
inline attributes attributes_of(const repeat_param& p) {
  return attribute_writer(p).always("repeats", &repeat_param::repeats).if_set("axis", &repeat_param::axis).done();
}
struct repeat : tensor_op<op_kind::layout, repeat_param> {
  static constexpr op_names names{"repeat", "repeat"};
};

// ---- indexing --------------------------------------------------------------------------------
struct take_param {
  int axis = 0;
  std::string_view mode = "clip";  // clip, wrap or raise (an out-of-range index is an error)
};
inline attributes attributes_of(const take_param& p) {
  return attribute_writer(p).if_set("axis", &take_param::axis).if_set("mode", &take_param::mode).done();
}
struct take : tensor_op<op_kind::layout, take_param, 2> {
  static constexpr op_names names{"take", "take"};
  static constexpr std::array<std::string_view, 2> inputs{"a", "indices"};
  static constexpr unsigned gradient_inputs = 0b01;
  static constexpr unsigned tied_inputs = 0b01;  // the indices may have any dtype
};

struct pick_param {
  int axis = -1;
  bool keepdims = false;
  std::string_view mode = "clip";  // clip or wrap
};
inline attributes attributes_of(const pick_param& p) {
  return attribute_writer(p)
      .if_set("axis", &pick_param::axis)
      .if_set("keepdims", &pick_param::keepdims)
      .if_set("mode", &pick_param::mode)
      .done();
}
struct pick : tensor_op<op_kind::layout, pick_param, 2> {
  static constexpr op_names names{"pick", "pick"};
  static constexpr std::array<std::string_view, 2> inputs{"data", "index"};
  static constexpr unsigned gradient_inputs = 0b01;
  static constexpr unsigned tied_inputs = 0b01;
};

struct one_hot_param {
  int depth = 0;
  double on_value = 1;
  double off_value = 0;
  xsym::dtype dtype = xsym::dtype::float32;
};
inline attributes attributes_of(const one_hot_param& p) {
  return attribute_writer(p)
      .always("depth", &one_hot_param::depth)
      .if_set("on_value", &one_hot_param::on_value)
      .if_set("off_value", &one_hot_param::off_value)
      .if_set("dtype", &one_hot_param::dtype)
      .done();
}
struct one_hot : tensor_op<op_kind::layout, one_hot_param> {
  static constexpr op_names names{"one_hot", "one_hot"};
  static constexpr std::array<std::string_view, 1> inputs{"indices"};
  static constexpr unsigned gradient_inputs = 0;
  static constexpr unsigned tied_inputs = 0;  // the output's dtype is the attribute's
};

/// where(condition, x, y): x where condition is nonzero, else y.
struct where : tensor_op<op_kind::layout, no_param, 3> {
  static constexpr op_names names{"where", "where"};
  static constexpr std::array<std::string_view, 3> inputs{"condition", "x", "y"};
  static constexpr unsigned gradient_inputs = 0b110;
  static constexpr unsigned tied_inputs = 0b110;  // the condition may have any dtype
};

// ---- contractions ----------------------------------------------------------------------------
struct dot_param {
  bool transpose_a = false;
  bool transpose_b = false;
};
inline attributes attributes_of(const dot_param& p) {
  return attribute_writer(p).if_set("transpose_a", &dot_param::transpose_a).if_set("transpose_b", &dot_param::transpose_b).done();
}
struct dot : tensor_op<op_kind::contraction, dot_param, 2> {
  static constexpr op_names names{"dot", "dot"};
};
struct batch_dot : tensor_op<op_kind::contraction, dot_param, 2> {
  static constexpr op_names names{"batch_dot", "batch_dot"};
};

}  // namespace xsym::ops
