// Shape and dtype rules of the network ops (FullyConnected, Convolution, Pooling, BatchNorm,
// SoftmaxOutput, ...), after MXNet 1.9's FInferShape / FInferType of each op; their messages are
// MXNet's. The passes that call them are in infer.cpp.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "infer_support.hpp"
#include "tensor_shapes.hpp"

namespace xsym::infer_rules {

using namespace infer_support;

// softmax: the data's shape; the output dtype is the "dtype" attribute when set.
void softmax_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  elemwise_attr(n, in, 1, out, 1);
}
void softmax_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  if (auto t = params(n).opt_dtype("dtype")) {
    expect_outputs(n, out, 1);
    type_assign_check(out, 0, t);
  } else {
    elemwise_attr(n, in, 1, out, 1);
  }
}

// FullyConnectedShape: out (batch, num_hidden) (flatten) or data with its last axis replaced;
// weight (num_hidden, prod(data.shape[1:])) or (num_hidden, data.shape[-1]); bias (num_hidden,).
void fully_connected_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  params p(n);
  i64 num_hidden = p.required_int("num_hidden");
  if (num_hidden < 1) p.bad("num_hidden", *p.raw("num_hidden"), "a positive integer");
  bool no_bias = p.get_bool("no_bias", false);
  bool flatten = p.get_bool("flatten", true);
  expect_inputs(n, in, no_bias ? 2 : 3, no_bias ? "data, weight" : "data, weight, bias");
  expect_outputs(n, out, 1);
  partial_shape dshape = in[0];
  const partial_shape oshape = out[0];
  if (!dshape) return;
  if (dshape->empty()) throw error("FullyConnected needs data with at least one dimension, got []");
  i64 num_input = flatten ? product(*dshape, 1, dshape->size()) : dshape->back();
  shape_assign_check(in, 1, dims{num_hidden, num_input});
  if (!no_bias && !shape_assign(in[2], dims{num_hidden}) && !shape_assign(in[2], dims{num_hidden, 1}))
    throw error("Unexpected shape for bias " + shape_str(in[2]));
  if (!flatten) {
    dims result = *dshape;
    result.back() = num_hidden;
    shape_assign_check(out, 0, result);
  } else {
    shape_assign_check(out, 0, dims{(*dshape)[0], num_hidden});
  }
  if (oshape && !oshape->empty()) {  // the batch size, backwards
    (*dshape)[0] = (*oshape)[0];
    shape_assign_check(in, 0, dshape);
  }
}
// FullyConnectedType: ElemwiseType over all inputs and the output.
void fully_connected_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  elemwise_attr(n, in, in.size(), out, 1);
}

// ConvolutionShape (1-d, 2-d, 3-d; layouts NCW/NCHW/NCDHW and their channel-last forms).
void convolution_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  params p(n);
  auto kernel = kernel_param(p, "(3, 3)");
  const std::size_t k = kernel.size();
  i64 num_filter = p.required_int("num_filter");
  if (num_filter < 1) p.bad("num_filter", *p.raw("num_filter"), "a positive integer");
  i64 num_group = p.int_at_least("num_group", 1, 1);
  bool no_bias = p.get_bool("no_bias", false);
  dims stride = spatial_param(p, "stride", k, 1, false);
  dims dilate = spatial_param(p, "dilate", k, 1, false);
  dims pad = spatial_param(p, "pad", k, 0, true);
  expect_inputs(n, in, no_bias ? 2 : 3, no_bias ? "data, weight" : "data, weight, bias");
  expect_outputs(n, out, 1);
  const partial_shape& given = in[0];
  if (!given) return;
  if (given->size() != k + 2)
    throw error("Input data should be " + std::to_string(k + 2) + "D for a " + std::to_string(k) +
                "-d kernel, got " + shape_str(given));
  layout_map L = parse_layout(p, k + 2, "layout");
  dims dshape = *given;
  const i64 channels = dshape[L.channel];
  if (known_dim(channels) && channels % num_group != 0) throw error("input num_filter must divide group size");
  if (num_filter % num_group != 0) throw error("output num_filter must divide group size");

  dims wshape(k + 2);  // in the data's layout: N -> num_filter, C -> channels / num_group
  wshape[0] = num_filter;
  wshape[L.channel] = known_dim(channels) ? channels / num_group : unknown_dim;
  for (std::size_t s = 0; s < k; ++s) wshape[L.spatial[s]] = kernel[s];
  shape_assign_check(in, 1, wshape);
  if (!no_bias) shape_assign_check(in, 2, dims{num_filter});

  dims dilated(k), padded(k);
  dims oshape(k + 2);
  oshape[0] = dshape[0];
  oshape[L.channel] = num_filter;
  for (std::size_t s = 0; s < k; ++s) {
    dilated[s] = checked_add(checked_mul(dilate[s], kernel[s] - 1), 1);
    i64 d = dshape[L.spatial[s]];
    if (!known_dim(d)) {
      oshape[L.spatial[s]] = unknown_dim;
      continue;
    }
    i64 padded_size = checked_add(d, checked_mul(2, pad[s]));
    if (dilated[s] > padded_size) throw error("kernel size exceed input");
    oshape[L.spatial[s]] = (padded_size - dilated[s]) / stride[s] + 1;
  }
  shape_assign_check(out, 0, oshape);
  // Incomplete inference backwards: the batch size always, a spatial size where the stride is 1.
  const dims& o = *out[0];
  dshape[0] = o[0];
  for (std::size_t s = 0; s < k; ++s) {
    i64 os = o[L.spatial[s]];
    if (known_dim(os) && stride[s] == 1) {
      i64 d = checked_add(os, dilated[s] - 1) - checked_mul(2, pad[s]);
      if (d < 1) throw error("kernel size exceed input");
      dshape[L.spatial[s]] = d;
    }
  }
  shape_assign_check(in, 0, dshape);
}
// ConvolutionType: the data's dtype (or the output's, backwards) for every input and the output.
void convolution_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  static const char* names[] = {"data", "weight", "bias"};
  if (in.empty()) throw error(n.op + " takes a data input");
  expect_outputs(n, out, 1);
  partial_dtype t = in[0] ? in[0] : out[0];
  if (!t) return;
  if (in[0]) type_assign_check(out, 0, t);
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (!in[i])
      in[i] = t;
    else
      uniform_type_check(in[i], t, i < 3 ? names[i] : "input");
  }
}

// LeakyReLUProp::InferShape: the data's shape; prelu's gamma (channels,) when unknown.
void leaky_relu_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  params p(n);
  bool prelu = p.get_string("act_type", "leaky") == "prelu";
  expect_inputs(n, in, prelu ? 2 : 1, prelu ? "data, gamma" : "data");
  expect_outputs(n, out, 1);
  const partial_shape dshape = in[0];
  if (!dshape) return;
  if (prelu && !in[1]) {
    if (dshape->size() < 2) throw error("prelu needs data with a channel axis, got " + shape_str(dshape));
    in[1] = dims{(*dshape)[1]};
  } else if (prelu && std::none_of(in[1]->begin(), in[1]->end(), [](i64 d) { return d < 0; }) &&
             std::none_of(dshape->begin(), dshape->end(), [](i64 d) { return d < 0; })) {
    (void)detail::prelu_gamma_extents(*in[1], *dshape);  // throws when gamma does not fit the data
  }
  for (std::size_t i = 0; i < out.size(); ++i) shape_assign_check(out, i, dshape);  // rrelu: mask
}
// LeakyReLUProp::InferType: one dtype for all inputs and outputs.
void leaky_relu_type(const graph_node&, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  partial_dtype t;
  for (const auto& v : in) type_assign(t, v);
  for (const auto& v : out) type_assign(t, v);
  for (std::size_t i = 0; i < in.size(); ++i) type_assign_check(in, i, t);
  for (std::size_t i = 0; i < out.size(); ++i) type_assign_check(out, i, t);
}

// PoolingShape: kernel, stride (default 1), pad (default 0); valid, full or same convention;
// global_pool reduces every spatial axis to 1. A second output (MKLDNN's workspace, present in
// files saved by MKLDNN builds) has the output's shape.
void pooling_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  params p(n);
  bool global = p.get_bool("global_pool", false);
  std::string convention = p.get_string("pooling_convention", "valid");
  if (convention != "valid" && convention != "full" && convention != "same")
    p.bad("pooling_convention", convention, "valid, full or same");
  std::string pool_type = p.get_string("pool_type", "max");
  if (pool_type != "max" && pool_type != "avg" && pool_type != "sum" && pool_type != "lp")
    p.bad("pool_type", pool_type, "max, avg, sum or lp");
  expect_inputs(n, in, 1, "data");
  expect_outputs(n, out, 1);
  const partial_shape& dshape = in[0];
  if (!dshape) return;
  if (dshape->size() < 3 || dshape->size() > 5)
    throw error("Pooling: Input data should be  3D in (batch, channel, x) Or 4D in (batch, channel, y, x)  Or 5D "
                "in (batch, channel, d, y, x), got " +
                shape_str(dshape));
  const std::size_t k = dshape->size() - 2;
  // MXNet's checks of the attributes, whether or not they are used: 'same' computes its own
  // padding, and lp pooling needs its p.
  if (convention == "same") {
    const dims pad = spatial_param(p, "pad", k, 0, true);
    if (std::any_of(pad.begin(), pad.end(), [](i64 v) { return v != 0; }))
      throw error("Same pooling convention disables the use of pad parameter.");
  }
  if (pool_type == "lp" && !p.raw("p_value")) p.missing("p_value", "1, 2 or 3, for lp pooling");
  layout_map L = parse_layout(p, k + 2, "layout");
  dims oshape = *dshape;
  if (global) {
    for (std::size_t s : L.spatial) oshape[s] = 1;
  } else {
    auto kernel = kernel_param(p, "(2, 2)");
    if (kernel.size() != k)
      throw error("kernel " + shape_str(kernel) + " does not fit " + std::to_string(k + 2) + "-d data " +
                  shape_str(dshape));
    dims stride = spatial_param(p, "stride", k, 1, false);
    dims pad = spatial_param(p, "pad", k, 0, true);
    for (std::size_t s = 0; s < k; ++s) {
      i64 d = (*dshape)[L.spatial[s]];
      if (!known_dim(d)) continue;  // stays unknown
      if (convention == "same") {
        oshape[L.spatial[s]] = checked_add(d, stride[s] - 1) / stride[s];
        continue;
      }
      i64 padded = checked_add(d, checked_mul(2, pad[s]));
      if (kernel[s] > padded)
        throw error("kernel size (" + std::to_string(kernel[s]) + ") exceeds input (" + std::to_string(d) +
                    " padded to " + std::to_string(padded) + ")");
      i64 span = padded - kernel[s];
      oshape[L.spatial[s]] = 1 + (convention == "valid" ? span / stride[s] : (span + stride[s] - 1) / stride[s]);
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i) shape_assign_check(out, i, oshape);
}
// PoolingType: the output takes the data's dtype; MKLDNN's workspace is int32.
void pooling_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  expect_inputs(n, in, 1, "data");
  expect_outputs(n, out, 1);
  if (in[0]) type_assign_check(out, 0, in[0]);
  for (std::size_t i = 1; i < out.size(); ++i) type_assign_check(out, i, dtype::int32);
}

// FlattenShape: (d0, d1 * d2 * ...).
void flatten_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  expect_inputs(n, in, 1, "data");
  expect_outputs(n, out, 1);
  const partial_shape& dshape = in[0];
  if (!dshape) return;
  if (dshape->empty()) throw error("Flatten needs data with at least one dimension, got []");
  shape_assign_check(out, 0, dims{(*dshape)[0], product(*dshape, 1, dshape->size())});
}
void flatten_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  elemwise_attr(n, in, 1, out, 1);
}

namespace {

// InferReshapeShape: MXNet's special values 0 (copy), -1 (infer), -2 (copy the rest),
// -3 (merge two), -4 (split one into the next two values).
dims reshape_target(const dims& spec_in, const dims& dshape_in, bool reverse) {
  dims spec = spec_in, d = dshape_in, tmp;
  if (reverse) {
    std::reverse(d.begin(), d.end());
    std::reverse(spec.begin(), spec.end());
  }
  std::size_t src = 0;
  std::optional<std::size_t> inferred;
  auto next_source = [&](const char* what) {
    if (src >= d.size())
      throw error(std::string("Reshape: ") + what + " goes past the " + std::to_string(d.size()) +
                  " dimensions of the data");
    return d[src++];
  };
  for (std::size_t i = 0; i < spec.size(); ++i) {
    i64 v = spec[i];
    if (v == 0) {
      tmp.push_back(next_source("0 (copy a dimension)"));
    } else if (v == -1) {
      if (inferred) throw error("One and only one dim can be inferred");
      inferred = tmp.size();
      tmp.push_back(1);
      ++src;
    } else if (v == -2) {
      while (src < d.size()) tmp.push_back(d[src++]);
    } else if (v == -3) {
      i64 d1 = next_source("-3 (merge two dimensions)");
      i64 d2 = next_source("-3 (merge two dimensions)");
      tmp.push_back(known_dim(d1) && known_dim(d2) ? checked_mul(d1, d2) : unknown_dim);
    } else if (v == -4) {
      if (i + 2 >= spec.size()) throw error("Reshape: -4 must be followed by two dimensions");
      i64 d0 = next_source("-4 (split a dimension)");
      i64 d1 = spec[++i], d2 = spec[++i];
      if (d1 == -1 && d2 == -1) throw error("Split dims cannot both be -1.");
      if (d1 < -1 || d1 == 0 || d2 < -1 || d2 == 0)
        throw error("Reshape: the two dimensions after -4 must be positive or -1");
      if (known_dim(d0)) {
        if (d1 == -1) d1 = d0 / d2;
        if (d2 == -1) d2 = d0 / d1;  // d1 > 0 here: both -1 was refused
        if (d1 == 0 || d2 == 0 || checked_mul(d1, d2) != d0)
          throw error("Split dims " + std::to_string(d1) + ", " + std::to_string(d2) +
                      " do not divide original dim " + std::to_string(d0));
      }
      tmp.push_back(d1);
      tmp.push_back(d2);
    } else if (v > 0) {
      tmp.push_back(v);
      ++src;
    } else {
      throw error("Reshape: invalid dimension " + std::to_string(v) + " in the target shape");
    }
  }
  if (inferred) {
    i64 size = product(d, 0, d.size());
    i64 rest = product(tmp, 0, tmp.size());
    if (known_dim(size) && known_dim(rest) && rest != 0)
      tmp[*inferred] = size / rest;
    else
      tmp[*inferred] = unknown_dim;
  }
  if (reverse) std::reverse(tmp.begin(), tmp.end());
  return tmp;
}

// ReverseReshapeInferShape: one unknown input dimension from the output's size.
void reverse_reshape(partial_shape& in, const partial_shape& out) {
  if (!shape_known(out) || !in || shape_known(in)) return;
  std::optional<std::size_t> zero;
  i64 known = 1;
  for (std::size_t i = 0; i < in->size(); ++i) {
    if (!known_dim((*in)[i])) {
      if (zero) return;
      zero = i;
    } else {
      known = checked_mul(known, (*in)[i]);
    }
  }
  i64 size = product(*out, 0, out->size());
  if (zero && known != 0) (*in)[*zero] = size / known;
}

}  // namespace

void reshape_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  params p(n);
  auto spec = p.opt_tuple("shape");
  auto target = p.opt_tuple("target_shape");
  bool reverse = p.get_bool("reverse", false);
  bool keep_highest = p.get_bool("keep_highest", false);
  expect_inputs(n, in, 1, "data");
  expect_outputs(n, out, 1);
  partial_shape& dshape = in[0];
  if (!dshape) return;
  dims oshape;
  if (spec && !spec->empty()) {
    oshape = reshape_target(*spec, *dshape, reverse);
  } else if (target && !target->empty()) {  // legacy target_shape: 0 marks the one inferred axis
    oshape = *target;
    std::size_t start = keep_highest ? 1 : 0;
    if (keep_highest) oshape[0] = dshape->empty() ? unknown_dim : (*dshape)[0];
    int zeros = 0;
    std::size_t at = 0;
    for (std::size_t i = start; i < oshape.size(); ++i) {
      if (oshape[i] < 0) throw error("Reshape: invalid dimension " + std::to_string(oshape[i]) + " in target_shape");
      if (oshape[i] == 0) ++zeros, at = i;
    }
    if (zeros == 1) {
      oshape[at] = 1;
      i64 size = product(*dshape, 0, dshape->size());
      i64 rest = product(oshape, 0, oshape.size());
      oshape[at] = known_dim(size) && rest != 0 ? size / rest : unknown_dim;
    } else if (zeros > 1) {
      throw error("Reshape: target_shape may have only one 0 (inferred) dimension");
    }
  } else {
    reverse_reshape(dshape, out[0]);
    return;
  }
  reverse_reshape(dshape, oshape);
  if (shape_known(dshape) && shape_known(oshape) &&
      product(oshape, 0, oshape.size()) != product(*dshape, 0, dshape->size()))
    throw error("Target shape size is different to source. Target: " + shape_str(oshape) +
                "\nSource: " + shape_str(dshape));
  shape_assign_check(out, 0, oshape);
  reverse_reshape(dshape, out[0]);
}
void reshape_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  elemwise_attr(n, in, 1, out, 1);
}

// ConcatShape: every input has the output's shape except along `dim` (default 1), where the
// sizes add up; one unknown input size along `dim` comes from the output.
void concat_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  params p(n);
  i64 dim = p.get_int("dim", 1);
  if (auto num_args = p.opt_int("num_args"); num_args && *num_args != i64(in.size()))
    throw error("Concat: num_args is " + std::to_string(*num_args) + " but the node has " +
                std::to_string(in.size()) + " inputs");
  if (in.empty()) throw error("Concat needs at least one input");
  expect_outputs(n, out, 1);
  partial_shape dshape;
  i64 size = 0;
  bool unknown_size = false;
  std::size_t axis = 0;
  for (const auto& s : in) {
    if (!s || s->empty()) {
      unknown_size = true;  // (MXNet counts only inputs of known ndim; their sum would be wrong)
      continue;
    }
    partial_shape tmp = s;
    axis = check_axis(dim, tmp->size());
    if (!known_dim((*tmp)[axis]))
      unknown_size = true;
    else
      size = checked_add(size, (*tmp)[axis]);
    (*tmp)[axis] = unknown_dim;
    shape_assign(dshape, tmp);
  }
  if (out[0] && !out[0]->empty()) {
    partial_shape tmp = out[0];
    axis = check_axis(dim, tmp->size());
    (*tmp)[axis] = unknown_dim;
    shape_assign(dshape, tmp);
  }
  if (!dshape) return;
  if (dshape->empty()) throw error("zero-dimensional arrays cannot be concatenated");
  for (auto& s : in)
    if (!shape_assign(s, dshape))
      throw error("Incompatible input shape: expected " + shape_str(dshape) + ", got " + shape_str(s));
  if (!unknown_size) (*dshape)[axis] = size;
  if (!shape_assign(out[0], dshape))
    throw error("Incompatible output shape: expected " + shape_str(dshape) + ", got " + shape_str(out[0]));
  // One input of unknown size along the axis: the output's size minus the others'.
  std::size_t count = 0, pos = 0;
  i64 sum = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    i64 d = (*in[i])[axis];
    if (!known_dim(d))
      ++count, pos = i;
    else
      sum = checked_add(sum, d);
  }
  i64 total = (*out[0])[axis];
  if (count == 1 && known_dim(total)) {
    if (total - sum < 1)
      throw error("Incompatible output shape: " + shape_str(out[0]) + " is smaller than its inputs along axis " +
                  std::to_string(axis));
    (*in[pos])[axis] = total - sum;
  }
}
// ConcatType: one dtype for all inputs and the output.
void concat_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  expect_outputs(n, out, 1);
  partial_dtype t;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (!t)
      t = in[i];
    else if (in[i] && in[i] != t)
      throw error("Non-uniform data type in Concat, expected data type " + type_str(t) + ", got data type " +
                  type_str(in[i]) + " for input " + std::to_string(i));
  }
  if (t && out[0] && out[0] != t)
    throw error("Type inconsistent, Provided output type = " + type_str(out[0]) + ", inferred type = " + type_str(t));
  if (!t) t = out[0];
  if (!t) return;
  out[0] = t;
  for (auto& v : in) v = t;
}

// BatchNormShape: gamma, beta, moving_mean, moving_var and the mean/var outputs are
// (channels,) along `axis` (default 1); the output has the data's shape.
void batch_norm_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  params p(n);
  i64 axis_attr = p.get_int("axis", 1);
  expect_inputs(n, in, 5, "data, gamma, beta, moving_mean, moving_var");
  expect_outputs(n, out, 1);
  const partial_shape dshape = in[0];
  if (!dshape) return;
  if (axis_attr >= i64(dshape->size()) || axis_attr < -i64(dshape->size()))
    throw error("Channel axis out of range: " + std::to_string(axis_attr));
  std::size_t axis = check_axis(axis_attr, dshape->size());
  dims channels{(*dshape)[axis]};
  for (std::size_t i = 1; i < 5; ++i) shape_assign_check(in, i, channels);
  shape_assign_check(out, 0, dshape);
  for (std::size_t i = 1; i < out.size() && i < 3; ++i) shape_assign_check(out, i, channels);
}
// BatchNormType: the parameters, statistics and mean/var outputs are float32 for float16 data,
// the data's dtype otherwise.
void batch_norm_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  static const char* names[] = {"data", "gamma", "beta", "mean", "var"};
  expect_inputs(n, in, 5, "data, gamma, beta, moving_mean, moving_var");
  expect_outputs(n, out, 1);
  partial_dtype t = in[0] ? in[0] : out[0];
  if (!t) return;
  partial_dtype param = *t == dtype::float16 ? dtype::float32 : *t;
  type_assign_check(in, 0, t);
  type_assign_check(out, 0, t);
  for (std::size_t i = 1; i < out.size() && i < 3; ++i) type_assign_check(out, i, param);
  for (std::size_t i = 1; i < 5; ++i) {
    if (!in[i])
      in[i] = param;
    else
      uniform_type_check(in[i], param, names[i]);
  }
}

// RegressionOpShape (Linear, Logistic, MAERegressionOutput): the output has the data's shape;
// the label too, or (batch,) for data (batch, 1).
void regression_output_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  expect_inputs(n, in, 2, "data, label");
  expect_outputs(n, out, 1);
  std::vector<partial_shape> data{in[0]};
  elemwise_attr(n, data, 1, out, 1);
  in[0] = data[0];
  if (!in[0]) return;
  const dims& d = *in[0];
  if (!in[1]) {
    in[1] = d;
  } else if (in[1] != in[0]) {
    const bool column = d.size() == 2 && d[1] == 1 && in[1]->size() == 1 && (*in[1])[0] == d[0];
    if (!column)
      throw error("Shape inconsistent: the label has shape " + shape_str(in[1]) + ", but the data has shape " +
                  shape_str(in[0]));
  }
}
void regression_output_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  elemwise_attr(n, in, 2, out, 1);
}

// SoftmaxOutputShape: the output has the data's shape; the label is the data's shape without
// its last axis (multi_output: (batch, prod(spatial)), or the other accepted forms), unless the
// label has the data's shape (probabilities as labels).
void softmax_output_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  params p(n);
  bool multi = p.get_bool("multi_output", false);
  expect_inputs(n, in, 2, "data, label");
  expect_outputs(n, out, 1);
  const partial_shape dshape = in[0];
  if (!dshape) return;
  const dims& d = *dshape;
  if (dshape != in[1]) {
    if (d.empty()) throw error("SoftmaxOutput needs data with at least one dimension, got []");
    if (multi) {
      if (d.size() < 2) throw error("SoftmaxOutput with multi_output needs data with at least 2 dimensions");
      i64 rest = product(d, 2, d.size());
      dims l1{d[0], rest};
      dims l2(d.size() - 1, unknown_dim);
      l2[0] = d[0];
      for (std::size_t i = 2; i < d.size(); ++i) l2[i - 1] = d[i];
      dims l3 = d;
      l3[1] = 1;
      if (!in[1])
        in[1] = l1;
      else if (in[1] != partial_shape(l1) && in[1] != partial_shape(l2) && in[1] != partial_shape(l3))
        throw error("Expecting " + shape_str(l1) + " or " + shape_str(l2) + ". But got " + shape_str(in[1]));
    } else {
      shape_assign_check(in, 1, dims(d.begin(), d.end() - 1));
    }
  }
  shape_assign_check(out, 0, dshape);
}
// SoftmaxOutputType: the data's dtype (or the output's, backwards) for the label and output.
void softmax_output_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  static const char* names[] = {"data", "label"};
  expect_inputs(n, in, 2, "data, label");
  expect_outputs(n, out, 1);
  partial_dtype t = in[0] ? in[0] : out[0];
  if (!t) return;
  if (in[0]) type_assign_check(out, 0, t);
  for (std::size_t i = 0; i < 2; ++i) {
    if (!in[i])
      in[i] = t;
    else
      uniform_type_check(in[i], t, names[i]);
  }
}

// DropoutShape: the output has the data's shape; the mask too, with 1 along `axes`.
void dropout_shape(const graph_node& n, std::vector<partial_shape>& in, std::vector<partial_shape>& out) {
  params p(n);
  auto axes = p.opt_tuple("axes");
  expect_inputs(n, in, 1, "data");
  expect_outputs(n, out, 1);
  const partial_shape dshape = in[0];
  if (!dshape) return;
  shape_assign_check(out, 0, dshape);
  dims mask = *dshape;
  if (axes)
    for (i64 a : *axes) mask[check_axis(a, mask.size())] = 1;
  for (std::size_t i = 1; i < out.size(); ++i) shape_assign_check(out, i, mask);
}
void dropout_type(const graph_node& n, std::vector<partial_dtype>& in, std::vector<partial_dtype>& out) {
  expect_inputs(n, in, 1, "data");
  if (!in[0]) return;  // (MXNet aborts: "input type to dropout is not specified")
  for (std::size_t i = 0; i < out.size(); ++i) type_assign_check(out, i, in[0]);
}

}  // namespace xsym::infer_rules
