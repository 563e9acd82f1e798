// The network ops' CPU kernels (src/symbol/kernels_nn.cpp) against naive references written
// here straight from the definitions: convolution as the direct loop over every output, input
// channel and kernel tap; pooling by scanning each window; softmax, batch norm and the
// activations from their formulas, in double. Each node is built with Symbol::create and its
// shapes come from infer_shape, as the executor gets them.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <xsym/xsym.hpp>

#include "../../src/symbol/kernels.hpp"

using xsym::dtype;
using xsym::shape;
using xsym::Symbol;
using xsym::kernels::tensor;

namespace {

using vec = std::vector<double>;
using i64 = std::int64_t;

Symbol var(const std::string& name) { return Symbol::variable(name); }

// Deterministic values in [-1, 1), a different sequence per seed.
vec random_values(std::size_t n, std::uint64_t seed) {
  vec v(n);
  std::uint64_t s = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  for (auto& x : v) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    x = double((s >> 11) & 0xFFFFF) / double(0x80000) - 1.0;  // 20 bits: exact in float
  }
  return v;
}

std::size_t size_of(const shape& s) { return s.size(); }

// A node's inputs (as doubles, for the references) and outputs after one run of its kernel.
template <class T>
struct node_run {
  std::shared_ptr<const xsym::graph_node> node;
  std::vector<shape> in_shapes, out_shapes;
  std::vector<vec> inputs;
  std::vector<std::vector<T>> outputs;

  vec out(std::size_t i = 0) const { return vec(outputs.at(i).begin(), outputs.at(i).end()); }
};

// Builds the inputs of `s`'s head node from infer_shape(known), fills them with random values
// (then `adjust` may change them), runs the kernel and returns everything. `hidden` gives the
// shapes of outputs beyond the visible ones (BatchNorm's mean and var, Dropout's mask).
template <class T>
node_run<T> run(const Symbol& s, const std::map<std::string, shape>& known, std::vector<shape> hidden = {},
                const std::function<void(std::size_t, vec&)>& adjust = {}) {
  node_run<T> r;
  r.node = s.outputs().at(0).node;
  auto inferred = s.infer_shape(known);
  REQUIRE(!inferred.outputs.empty());
  std::map<std::string, shape> by_name;
  auto args = s.list_arguments();
  auto aux = s.list_auxiliary_states();
  for (std::size_t i = 0; i < args.size(); ++i) by_name[args[i]] = inferred.arguments[i];
  for (std::size_t i = 0; i < aux.size(); ++i) by_name[aux[i]] = inferred.auxiliary_states[i];

  std::vector<std::vector<T>> in_storage;
  for (std::size_t i = 0; i < r.node->inputs.size(); ++i) {
    const shape& sh = by_name.at(r.node->inputs[i].node->name);
    r.in_shapes.push_back(sh);
    vec v = random_values(size_of(sh), 17 + i);
    if (adjust) adjust(i, v);
    in_storage.emplace_back(v.begin(), v.end());
    r.inputs.emplace_back(in_storage.back().begin(), in_storage.back().end());  // as the kernel sees them
  }
  r.out_shapes.push_back(inferred.outputs.at(0));
  for (auto& h : hidden) r.out_shapes.push_back(h);
  for (auto& sh : r.out_shapes) r.outputs.emplace_back(size_of(sh), T(-12345));

  std::vector<tensor> ins, outs;
  for (std::size_t i = 0; i < in_storage.size(); ++i)
    ins.push_back({in_storage[i].data(), xsym::dtype_of<T>, r.in_shapes[i]});
  for (std::size_t i = 0; i < r.outputs.size(); ++i)
    outs.push_back({r.outputs[i].data(), xsym::dtype_of<T>, r.out_shapes[i]});
  REQUIRE(xsym::kernels::has_nn_kernel(*r.node));
  auto kernel = xsym::kernels::make_nn_kernel(*r.node, ins, outs);
  kernel(ins, outs);
  kernel(ins, outs);  // a second run reuses the scratch and gives the same result
  return r;
}

template <class T>
constexpr double tolerance = std::is_same_v<T, float> ? 2e-5 : 1e-12;

// Every element within tol * (1 + |want|); NaN matches NaN.
void require_close(const vec& got, const vec& want, double tol) {
  REQUIRE(got.size() == want.size());
  std::size_t bad = 0, first = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    bool ok = (std::isnan(got[i]) && std::isnan(want[i])) || std::abs(got[i] - want[i]) <= tol * (1 + std::abs(want[i]));
    if (!ok && bad++ == 0) first = i;
  }
  INFO("first mismatch at " << first << ": got " << (bad ? got[first] : 0.0) << ", want " << (bad ? want[first] : 0.0)
                            << " (" << bad << " of " << got.size() << " differ)");
  REQUIRE(bad == 0);
}

// The message of the xsym::error that f throws.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const xsym::error& e) {
    return e.what();
  }
  FAIL("expected an xsym::error");
  return {};
}

// ---- references ---------------------------------------------------------------------------

// Convolution over (N, C, D, H, W) (1-d and 2-d as D = H = 1), from the definition:
// out[n][f][o] = bias[f] + sum over the group's channels c and taps t of w[f][c][t] * x[n][c][o * s - p + t * d].
struct conv_spec {
  i64 N, C, F, groups;
  std::array<i64, 3> in, kernel, stride, pad, dilate;
};
vec conv_reference(const conv_spec& s, const vec& x, const vec& w, const vec* bias, std::array<i64, 3>& out) {
  for (int k = 0; k < 3; ++k)
    out[k] = (s.in[k] + 2 * s.pad[k] - s.dilate[k] * (s.kernel[k] - 1) - 1) / s.stride[k] + 1;
  const i64 cg = s.C / s.groups, fg = s.F / s.groups;
  vec y(std::size_t(s.N * s.F * out[0] * out[1] * out[2]));
  std::size_t at = 0;
  for (i64 n = 0; n < s.N; ++n)
    for (i64 f = 0; f < s.F; ++f)
      for (i64 od = 0; od < out[0]; ++od)
        for (i64 oh = 0; oh < out[1]; ++oh)
          for (i64 ow = 0; ow < out[2]; ++ow) {
            double sum = bias ? (*bias)[std::size_t(f)] : 0.0;
            const i64 g = f / fg;
            for (i64 c = 0; c < cg; ++c)
              for (i64 kd = 0; kd < s.kernel[0]; ++kd)
                for (i64 kh = 0; kh < s.kernel[1]; ++kh)
                  for (i64 kw = 0; kw < s.kernel[2]; ++kw) {
                    i64 id = od * s.stride[0] - s.pad[0] + kd * s.dilate[0];
                    i64 ih = oh * s.stride[1] - s.pad[1] + kh * s.dilate[1];
                    i64 iw = ow * s.stride[2] - s.pad[2] + kw * s.dilate[2];
                    if (id < 0 || id >= s.in[0] || ih < 0 || ih >= s.in[1] || iw < 0 || iw >= s.in[2]) continue;
                    i64 xc = g * cg + c;
                    double xv = x[std::size_t((((n * s.C + xc) * s.in[0] + id) * s.in[1] + ih) * s.in[2] + iw)];
                    double wv = w[std::size_t((((f * cg + c) * s.kernel[0] + kd) * s.kernel[1] + kh) * s.kernel[2] + kw)];
                    sum += xv * wv;
                  }
            y[at++] = sum;
          }
  return y;
}

std::string tuple(std::vector<i64> v) {
  std::string s = "(";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + (v.size() == 1 ? ",)" : ")");
}

// Runs a Convolution node in NC(D)HW layout for `spatial` (1 to 3 dims) and checks it.
template <class T>
void check_convolution(i64 N, i64 C, i64 F, i64 groups, std::vector<i64> spatial, std::vector<i64> kernel,
                       std::vector<i64> stride, std::vector<i64> pad, std::vector<i64> dilate, bool no_bias) {
  xsym::attr_map attrs{{"kernel", tuple(kernel)}, {"num_filter", std::to_string(F)}};
  if (!stride.empty()) attrs["stride"] = tuple(stride);
  if (!pad.empty()) attrs["pad"] = tuple(pad);
  if (!dilate.empty()) attrs["dilate"] = tuple(dilate);
  if (groups != 1) attrs["num_group"] = std::to_string(groups);
  if (no_bias) attrs["no_bias"] = "True";
  Symbol conv = Symbol::create("Convolution", {var("data")}, attrs, "conv0");
  std::vector<i64> dshape{N, C};
  dshape.insert(dshape.end(), spatial.begin(), spatial.end());
  auto r = run<T>(conv, {{"data", shape(dshape)}});

  const std::size_t k = spatial.size(), off = 3 - k;
  conv_spec s{N, C, F, groups, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {0, 0, 0}, {1, 1, 1}};
  for (std::size_t i = 0; i < k; ++i) {
    s.in[off + i] = spatial[i];
    s.kernel[off + i] = kernel[i];
    if (!stride.empty()) s.stride[off + i] = stride[i];
    if (!pad.empty()) s.pad[off + i] = pad[i];
    if (!dilate.empty()) s.dilate[off + i] = dilate[i];
  }
  std::array<i64, 3> out{};
  vec want = conv_reference(s, r.inputs[0], r.inputs[1], no_bias ? nullptr : &r.inputs[2], out);
  std::vector<i64> oshape{N, F};
  for (std::size_t i = 0; i < k; ++i) oshape.push_back(out[off + i]);
  REQUIRE(r.out_shapes[0] == shape(oshape));
  require_close(r.out(), want, tolerance<T>);
}

// Pooling from the definition: each output scans its window; a tap is data when inside the
// input, padding when inside the padded input (counted by avg with count_include_pad), and
// outside both otherwise ('full' convention's last window).
struct pool_spec {
  std::string type = "max", convention = "valid";
  bool global = false, count_include_pad = true;
  int p_value = 1;
  std::vector<i64> kernel, stride, pad;
};

vec pool_reference(const pool_spec& ps, const std::vector<i64>& dshape, const std::vector<i64>& oshape, const vec& x) {
  const std::size_t k = dshape.size() - 2;
  std::vector<i64> kernel(k), stride(k, 1), pad(k, 0);
  for (std::size_t s = 0; s < k; ++s) {
    kernel[s] = ps.global ? dshape[2 + s] : ps.kernel[s];
    if (!ps.global && !ps.stride.empty()) stride[s] = ps.stride[s];
    if (!ps.global && !ps.pad.empty()) pad[s] = ps.pad[s];
  }
  const i64 planes = dshape[0] * dshape[1];
  i64 in_plane = 1, out_plane = 1;
  for (std::size_t s = 0; s < k; ++s) in_plane *= dshape[2 + s], out_plane *= oshape[2 + s];
  vec y(std::size_t(planes * out_plane));
  for (i64 pl = 0; pl < planes; ++pl)
    for (i64 o = 0; o < out_plane; ++o) {
      // the output's coordinates
      std::vector<i64> oc(k);
      for (i64 rest = o, s = i64(k) - 1; s >= 0; --s) oc[std::size_t(s)] = rest % oshape[2 + std::size_t(s)], rest /= oshape[2 + std::size_t(s)];
      i64 taps = 1;
      for (i64 kk : kernel) taps *= kk;
      double maxv = -INFINITY, sum = 0;
      i64 data_count = 0, padded_count = 0;
      for (i64 t = 0; t < taps; ++t) {
        bool inside = true, in_padded = true;
        i64 idx = 0;
        for (i64 rest = t, s = i64(k) - 1; s >= 0; --s) {
          std::size_t su = std::size_t(s);
          i64 tap = rest % kernel[su];
          rest /= kernel[su];
          i64 pos = oc[su] * stride[su] - pad[su] + tap;
          inside = inside && pos >= 0 && pos < dshape[2 + su];
          in_padded = in_padded && pos < dshape[2 + su] + pad[su];
          // row-major index inside the plane, built from the innermost axis out
          i64 scale = 1;
          for (std::size_t q = su + 1; q < k; ++q) scale *= dshape[2 + q];
          idx += pos * scale;
        }
        if (in_padded) ++padded_count;
        if (!inside) continue;
        ++data_count;
        double v = x[std::size_t(pl * in_plane + idx)];
        maxv = std::max(maxv, v);
        sum += ps.type == "lp" ? std::pow(v, ps.p_value) : v;
      }
      double r;
      if (ps.type == "max")
        r = data_count ? maxv : -std::numeric_limits<double>::max();
      else if (ps.type == "avg")
        r = sum / double(ps.count_include_pad ? padded_count : data_count);
      else if (ps.type == "sum")
        r = sum;
      else
        r = ps.p_value == 1 ? sum : ps.p_value == 2 ? std::sqrt(sum) : std::cbrt(sum);
      y[std::size_t(pl * out_plane + o)] = r;
    }
  return y;
}

template <class T>
void check_pooling(const pool_spec& ps, std::vector<i64> dshape, std::vector<i64> expected_out) {
  xsym::attr_map attrs{{"pool_type", ps.type}, {"pooling_convention", ps.convention}};
  if (!ps.kernel.empty()) attrs["kernel"] = tuple(ps.kernel);
  if (!ps.stride.empty()) attrs["stride"] = tuple(ps.stride);
  if (!ps.pad.empty()) attrs["pad"] = tuple(ps.pad);
  if (ps.global) attrs["global_pool"] = "True";
  if (!ps.count_include_pad) attrs["count_include_pad"] = "False";
  if (ps.type == "lp") attrs["p_value"] = std::to_string(ps.p_value);
  Symbol pool = Symbol::create("Pooling", {var("data")}, attrs, "pool0");
  auto r = run<T>(pool, {{"data", shape(dshape)}});
  REQUIRE(r.out_shapes[0] == shape(expected_out));
  require_close(r.out(), pool_reference(ps, dshape, expected_out, r.inputs[0]), tolerance<T>);
}

// Softmax along the middle axis of an (outer, len, inner) view, in double.
vec softmax_reference(const vec& x, i64 outer, i64 len, i64 inner, double temperature = 1) {
  vec y(x.size());
  for (i64 o = 0; o < outer; ++o)
    for (i64 i = 0; i < inner; ++i) {
      auto at = [&](i64 l) { return std::size_t((o * len + l) * inner + i); };
      double m = -INFINITY, sum = 0;
      for (i64 l = 0; l < len; ++l) m = std::max(m, x[at(l)]);
      for (i64 l = 0; l < len; ++l) sum += std::exp((x[at(l)] - m) / temperature);
      for (i64 l = 0; l < len; ++l) y[at(l)] = std::exp((x[at(l)] - m) / temperature) / sum;
    }
  return y;
}

vec map(const vec& x, const std::function<double(double)>& f) {
  vec y(x.size());
  std::transform(x.begin(), x.end(), y.begin(), f);
  return y;
}

}  // namespace

// ---- FullyConnected -------------------------------------------------------------------------

TEMPLATE_TEST_CASE("nn kernels: FullyConnected with flatten and bias", "[nn]", float, double) {
  Symbol fc = Symbol::create("FullyConnected", {var("data")}, {{"num_hidden", "7"}}, "fc0");
  auto r = run<TestType>(fc, {{"data", {5, 3, 2, 4}}});  // flattened to (5, 24)
  REQUIRE(r.out_shapes[0] == shape{5, 7});
  vec want(5 * 7);
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 7; ++j) {
      double s = r.inputs[2][std::size_t(j)];
      for (int p = 0; p < 24; ++p) s += r.inputs[0][std::size_t(i * 24 + p)] * r.inputs[1][std::size_t(j * 24 + p)];
      want[std::size_t(i * 7 + j)] = s;
    }
  require_close(r.out(), want, tolerance<TestType>);
}

TEMPLATE_TEST_CASE("nn kernels: FullyConnected without flatten and without bias", "[nn]", float, double) {
  Symbol fc = Symbol::create("FullyConnected", {var("data")}, {{"num_hidden", "9"}, {"flatten", "False"}, {"no_bias", "True"}},
                             "fc1");
  auto r = run<TestType>(fc, {{"data", {2, 3, 37}}});  // rows of 37, K not a multiple of the lanes
  REQUIRE(r.inputs.size() == 2);
  REQUIRE(r.out_shapes[0] == shape{2, 3, 9});
  vec want(6 * 9);
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 9; ++j) {
      double s = 0;
      for (int p = 0; p < 37; ++p) s += r.inputs[0][std::size_t(i * 37 + p)] * r.inputs[1][std::size_t(j * 37 + p)];
      want[std::size_t(i * 9 + j)] = s;
    }
  require_close(r.out(), want, tolerance<TestType>);
}

TEST_CASE("nn kernels: FullyConnected large enough for threads and every tile edge", "[nn]") {
  Symbol fc = Symbol::create("FullyConnected", {var("data")}, {{"num_hidden", "131"}}, "fc2");
  auto r = run<float>(fc, {{"data", {67, 600}}});
  vec want(67 * 131);
  for (int i = 0; i < 67; ++i)
    for (int j = 0; j < 131; ++j) {
      double s = r.inputs[2][std::size_t(j)];
      for (int p = 0; p < 600; ++p) s += r.inputs[0][std::size_t(i * 600 + p)] * r.inputs[1][std::size_t(j * 600 + p)];
      want[std::size_t(i * 131 + j)] = s;
    }
  require_close(r.out(), want, 1e-4);
}

// ---- Convolution ----------------------------------------------------------------------------

TEMPLATE_TEST_CASE("nn kernels: Convolution 2-d plain 3x3", "[nn]", float, double) {
  check_convolution<TestType>(2, 3, 4, 1, {7, 6}, {3, 3}, {}, {}, {}, false);
}

TEMPLATE_TEST_CASE("nn kernels: Convolution 2-d with stride pad and dilation", "[nn]", float, double) {
  check_convolution<TestType>(2, 3, 5, 1, {9, 11}, {3, 2}, {2, 3}, {1, 2}, {2, 1}, false);
  check_convolution<TestType>(1, 2, 3, 1, {5, 5}, {5, 5}, {1, 1}, {2, 2}, {}, true);
}

TEMPLATE_TEST_CASE("nn kernels: Convolution 2-d with groups and no_bias", "[nn]", float, double) {
  check_convolution<TestType>(2, 6, 4, 2, {6, 7}, {3, 3}, {1, 1}, {1, 1}, {}, true);
  check_convolution<TestType>(1, 4, 4, 4, {8, 8}, {3, 3}, {2, 2}, {1, 1}, {}, false);  // depthwise
  check_convolution<TestType>(2, 6, 9, 3, {5, 4}, {1, 1}, {}, {}, {}, false);           // 1x1, no im2col
}

TEMPLATE_TEST_CASE("nn kernels: Convolution 1-d and 3-d", "[nn]", float, double) {
  check_convolution<TestType>(3, 4, 6, 2, {17}, {3}, {2}, {1}, {2}, false);
  check_convolution<TestType>(2, 2, 3, 1, {5, 6, 4}, {3, 2, 2}, {1, 2, 1}, {1, 0, 1}, {1, 1, 2}, false);
}

TEST_CASE("nn kernels: Convolution large enough for threads per image and inside the GEMM", "[nn]") {
  // Batch 1: the GEMM's tiles are shared; batch 5: whole images per thread. Odd sizes exercise
  // the ragged edges of the register tile.
  check_convolution<float>(1, 8, 19, 1, {23, 21}, {3, 3}, {1, 1}, {1, 1}, {}, false);
  check_convolution<float>(5, 6, 13, 1, {17, 18}, {3, 3}, {2, 1}, {1, 1}, {}, false);
  check_convolution<double>(3, 16, 70, 2, {12, 12}, {1, 1}, {}, {}, {}, false);
}

TEMPLATE_TEST_CASE("nn kernels: Convolution in NHWC layout", "[nn]", float, double) {
  const i64 N = 2, H = 6, W = 5, C = 4, F = 6, G = 2, KH = 3, KW = 2;
  Symbol conv = Symbol::create("Convolution", {var("data")},
                               {{"kernel", "(3, 2)"}, {"num_filter", "6"}, {"num_group", "2"}, {"pad", "(1, 1)"},
                                {"stride", "(1, 2)"}, {"layout", "NHWC"}},
                               "conv_nhwc");
  auto r = run<TestType>(conv, {{"data", {N, H, W, C}}});
  REQUIRE(r.in_shapes[1] == shape{F, KH, KW, C / G});
  // The same convolution in NCHW: transpose the data and the weight, run the reference.
  vec x(r.inputs[0].size()), w(r.inputs[1].size());
  for (i64 n = 0; n < N; ++n)
    for (i64 h = 0; h < H; ++h)
      for (i64 ww = 0; ww < W; ++ww)
        for (i64 c = 0; c < C; ++c) x[std::size_t(((n * C + c) * H + h) * W + ww)] = r.inputs[0][std::size_t(((n * H + h) * W + ww) * C + c)];
  for (i64 f = 0; f < F; ++f)
    for (i64 h = 0; h < KH; ++h)
      for (i64 ww = 0; ww < KW; ++ww)
        for (i64 c = 0; c < C / G; ++c)
          w[std::size_t(((f * (C / G) + c) * KH + h) * KW + ww)] = r.inputs[1][std::size_t(((f * KH + h) * KW + ww) * (C / G) + c)];
  conv_spec s{N, C, F, G, {1, H, W}, {1, KH, KW}, {1, 1, 2}, {0, 1, 1}, {1, 1, 1}};
  std::array<i64, 3> out{};
  vec nchw = conv_reference(s, x, w, &r.inputs[2], out);
  REQUIRE(r.out_shapes[0] == shape{N, out[1], out[2], F});
  vec want(nchw.size());
  for (i64 n = 0; n < N; ++n)
    for (i64 f = 0; f < F; ++f)
      for (i64 h = 0; h < out[1]; ++h)
        for (i64 ww = 0; ww < out[2]; ++ww)
          want[std::size_t(((n * out[1] + h) * out[2] + ww) * F + f)] = nchw[std::size_t(((n * F + f) * out[1] + h) * out[2] + ww)];
  require_close(r.out(), want, tolerance<TestType>);
}

// ---- Pooling --------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("nn kernels: Pooling max avg and sum with the valid convention", "[nn]", float, double) {
  for (std::string type : {"max", "avg", "sum"}) {
    INFO(type);
    pool_spec ps;
    ps.type = type;
    ps.kernel = {3, 2};
    ps.stride = {2, 2};
    ps.pad = {1, 1};
    check_pooling<TestType>(ps, {2, 3, 7, 6}, {2, 3, 4, 4});
    ps.pad = {};
    check_pooling<TestType>(ps, {2, 3, 7, 6}, {2, 3, 3, 3});
  }
}

TEMPLATE_TEST_CASE("nn kernels: Pooling full and same conventions", "[nn]", float, double) {
  for (std::string type : {"max", "avg", "sum"}) {
    INFO(type);
    pool_spec ps;
    ps.type = type;
    ps.convention = "full";
    ps.kernel = {3, 3};
    ps.stride = {2, 2};
    ps.pad = {1, 0};
    check_pooling<TestType>(ps, {1, 2, 8, 8}, {1, 2, 5, 4});  // the last windows stick out
    ps.convention = "same";
    ps.pad = {};
    check_pooling<TestType>(ps, {1, 2, 8, 7}, {1, 2, 4, 4});
  }
  pool_spec one_d;
  one_d.convention = "same";
  one_d.kernel = {3};
  one_d.stride = {2};
  check_pooling<TestType>(one_d, {2, 3, 9}, {2, 3, 5});
}

TEMPLATE_TEST_CASE("nn kernels: Pooling avg without counting the padding", "[nn]", float, double) {
  pool_spec ps;
  ps.type = "avg";
  ps.count_include_pad = false;
  ps.kernel = {3, 3};
  ps.stride = {2, 2};
  ps.pad = {1, 1};
  check_pooling<TestType>(ps, {2, 2, 7, 8}, {2, 2, 4, 4});
  ps.convention = "full";
  check_pooling<TestType>(ps, {1, 2, 6, 6}, {1, 2, 4, 4});
}

TEMPLATE_TEST_CASE("nn kernels: Pooling lp with p_value 1 2 and 3", "[nn]", float, double) {
  for (int p : {1, 2, 3}) {
    INFO("p_value " << p);
    pool_spec ps;
    ps.type = "lp";
    ps.p_value = p;
    ps.kernel = {2, 2};
    ps.stride = {2, 1};
    ps.pad = {0, 1};
    check_pooling<TestType>(ps, {2, 3, 6, 5}, {2, 3, 3, 6});
  }
}

TEMPLATE_TEST_CASE("nn kernels: Pooling global and 1-d and 3-d", "[nn]", float, double) {
  for (std::string type : {"max", "avg", "sum"}) {
    INFO(type);
    pool_spec g;
    g.type = type;
    g.global = true;
    check_pooling<TestType>(g, {2, 5, 7, 6}, {2, 5, 1, 1});
    check_pooling<TestType>(g, {2, 3, 9}, {2, 3, 1});
    pool_spec ps;
    ps.type = type;
    ps.kernel = {2, 3, 2};
    ps.stride = {1, 2, 2};
    ps.pad = {1, 1, 0};
    check_pooling<TestType>(ps, {1, 2, 4, 7, 5}, {1, 2, 5, 4, 2});
    ps.kernel = {4};
    ps.stride = {3};
    ps.pad = {2};
    check_pooling<TestType>(ps, {3, 2, 11}, {3, 2, 4});
  }
}

TEST_CASE("nn kernels: Pooling in NHWC layout and with the MKLDNN workspace output", "[nn]") {
  Symbol pool = Symbol::create("Pooling", {var("data")},
                               {{"kernel", "(2, 2)"}, {"stride", "(2, 2)"}, {"pool_type", "max"}, {"layout", "NHWC"}},
                               "pool_nhwc");
  auto inferred = pool.infer_shape({{"data", {2, 4, 6, 3}}});
  REQUIRE(inferred.outputs[0] == shape{2, 2, 3, 3});
  vec x = random_values(2 * 4 * 6 * 3, 5);
  std::vector<float> xf(x.begin(), x.end()), y(2 * 2 * 3 * 3);
  std::vector<std::int32_t> workspace(y.size(), 7);
  std::vector<tensor> ins{{xf.data(), dtype::float32, {2, 4, 6, 3}}};
  std::vector<tensor> outs{{y.data(), dtype::float32, {2, 2, 3, 3}}, {workspace.data(), dtype::int32, {2, 2, 3, 3}}};
  auto kernel = xsym::kernels::make_nn_kernel(*pool.outputs()[0].node, ins, outs);
  kernel(ins, outs);
  vec want(y.size());
  for (int n = 0; n < 2; ++n)
    for (int oh = 0; oh < 2; ++oh)
      for (int ow = 0; ow < 3; ++ow)
        for (int c = 0; c < 3; ++c) {
          double m = -INFINITY;
          for (int h = 2 * oh; h < 2 * oh + 2; ++h)
            for (int w = 2 * ow; w < 2 * ow + 2; ++w) m = std::max(m, x[std::size_t(((n * 4 + h) * 6 + w) * 3 + c)]);
          want[std::size_t(((n * 2 + oh) * 3 + ow) * 3 + c)] = m;
        }
  require_close(vec(y.begin(), y.end()), want, 0);
  CHECK(std::all_of(workspace.begin(), workspace.end(), [](std::int32_t v) { return v == 0; }));
}

// ---- activations ----------------------------------------------------------------------------

TEMPLATE_TEST_CASE("nn kernels: Activation of every act_type", "[nn]", float, double) {
  const std::map<std::string, std::function<double(double)>> refs{
      {"relu", [](double a) { return a > 0 ? a : 0; }},
      {"sigmoid", [](double a) { return 1 / (1 + std::exp(-a)); }},
      {"tanh", [](double a) { return std::tanh(a); }},
      {"softrelu", [](double a) { return std::log(1 + std::exp(a)); }},
      {"softsign", [](double a) { return a / (1 + std::abs(a)); }},
      {"log_sigmoid", [](double a) { return -std::log(1 + std::exp(-a)); }},
      {"mish", [](double a) { return a * std::tanh(std::log(1 + std::exp(a))); }},
  };
  for (const auto& [act, f] : refs) {
    INFO(act);
    Symbol s = Symbol::create("Activation", {var("data")}, {{"act_type", act}}, "act0");
    auto r = run<TestType>(s, {{"data", {3, 4, 5}}}, {}, [](std::size_t, vec& v) {
      for (auto& x : v) x *= 6;  // beyond the linear parts
    });
    require_close(r.out(), map(r.inputs[0], f), tolerance<TestType>);
  }
  // Large inputs: softrelu is the identity above 20 (MXNet), and never overflows.
  Symbol s = Symbol::create("Activation", {var("data")}, {{"act_type", "softrelu"}}, "act1");
  auto r = run<TestType>(s, {{"data", {1000}}}, {}, [](std::size_t, vec& v) {
    for (auto& x : v) x *= 900;
  });
  require_close(r.out(), map(r.inputs[0], [](double a) { return a > 20 ? a : std::log1p(std::exp(a)); }),
                tolerance<TestType>);
}

TEMPLATE_TEST_CASE("nn kernels: LeakyReLU of every act_type", "[nn]", float, double) {
  const double lambda = 1.0507009873554804934193349852946, alpha = 1.6732632423543772848170429916717;
  struct kind {
    xsym::attr_map attrs;
    std::function<double(double)> f;
  };
  const std::vector<kind> kinds{
      {{}, [](double a) { return a > 0 ? a : 0.25 * a; }},
      {{{"act_type", "leaky"}, {"slope", "0.1"}}, [](double a) { return a > 0 ? a : 0.1 * a; }},
      {{{"act_type", "elu"}, {"slope", "0.7"}}, [](double a) { return a > 0 ? a : 0.7 * (std::exp(a) - 1); }},
      {{{"act_type", "selu"}}, [=](double a) { return lambda * (a > 0 ? a : alpha * (std::exp(a) - 1)); }},
      {{{"act_type", "gelu"}}, [](double a) { return 0.5 * a * (1 + std::erf(a / std::sqrt(2.0))); }},
      {{{"act_type", "rrelu"}}, [](double a) { return a > 0 ? a : a * (0.125 + 0.334) / 2; }},
      {{{"act_type", "rrelu"}, {"lower_bound", "0.2"}, {"upper_bound", "0.4"}}, [](double a) { return a > 0 ? a : a * 0.3; }},
  };
  for (const auto& k : kinds) {
    const std::string name = k.attrs.count("act_type") ? k.attrs.at("act_type") : "default";
    INFO(name);
    Symbol s = Symbol::create("LeakyReLU", {var("data")}, k.attrs, "leaky0");
    auto r = run<TestType>(s, {{"data", {4, 3, 5}}}, {}, [](std::size_t, vec& v) {
      for (auto& x : v) x *= 4;
    });
    require_close(r.out(), map(r.inputs[0], k.f), tolerance<TestType>);
  }
}

TEMPLATE_TEST_CASE("nn kernels: LeakyReLU prelu with a gamma per channel", "[nn]", float, double) {
  Symbol s = Symbol::create("LeakyReLU", {var("data")}, {{"act_type", "prelu"}}, "prelu0");
  auto r = run<TestType>(s, {{"data", {2, 3, 4, 5}}});
  REQUIRE(r.in_shapes[1] == shape{3});
  vec want(r.inputs[0].size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    double a = r.inputs[0][i], g = r.inputs[1][i / 20 % 3];
    want[i] = a > 0 ? a : a * g;
  }
  require_close(r.out(), want, tolerance<TestType>);
}

// ---- BatchNorm ------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("nn kernels: BatchNorm in inference with fix_gamma true and false", "[nn]", float, double) {
  for (bool fix_gamma : {true, false}) {
    INFO("fix_gamma " << fix_gamma);
    xsym::attr_map attrs{{"eps", "0.002"}};
    if (!fix_gamma) attrs["fix_gamma"] = "False";
    Symbol bn = Symbol::create("BatchNorm", {var("data")}, attrs, "bn0");
    auto r = run<TestType>(bn, {{"data", {2, 3, 4, 5}}}, {shape{3}, shape{3}}, [](std::size_t i, vec& v) {
      if (i == 4)
        for (auto& x : v) x = x * x + 0.5;  // a positive variance
    });
    vec want(r.inputs[0].size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      std::size_t c = i / 20 % 3;
      double gamma = fix_gamma ? 1.0 : r.inputs[1][c];
      want[i] = (r.inputs[0][i] - r.inputs[3][c]) / std::sqrt(r.inputs[4][c] + 0.002) * gamma + r.inputs[2][c];
    }
    require_close(r.out(0), want, tolerance<TestType> * 4);
    require_close(r.out(1), r.inputs[3], 0);  // the moving mean and var, as MXNet's inference writes them
    require_close(r.out(2), r.inputs[4], 0);
  }
}

TEMPLATE_TEST_CASE("nn kernels: BatchNorm along the last axis with the default eps", "[nn]", float, double) {
  Symbol bn = Symbol::create("BatchNorm", {var("data")}, {{"axis", "-1"}, {"fix_gamma", "False"}}, "bn1");
  auto r = run<TestType>(bn, {{"data", {3, 2, 4}}}, {}, [](std::size_t i, vec& v) {
    if (i == 4)
      for (auto& x : v) x = x * x + 0.1;
  });
  vec want(r.inputs[0].size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    std::size_t c = i % 4;
    want[i] = (r.inputs[0][i] - r.inputs[3][c]) / std::sqrt(r.inputs[4][c] + 1e-3) * r.inputs[1][c] + r.inputs[2][c];
  }
  require_close(r.out(), want, tolerance<TestType> * 4);
}

// ---- softmax family -------------------------------------------------------------------------

TEMPLATE_TEST_CASE("nn kernels: softmax along an axis with a temperature", "[nn]", float, double) {
  struct kase {
    xsym::attr_map attrs;
    i64 outer, len, inner;
    double t;
  };
  // data (2, 3, 4, 5)
  const std::vector<kase> cases{
      {{}, 24, 5, 1, 1},
      {{{"axis", "1"}}, 2, 3, 20, 1},
      {{{"axis", "-3"}, {"temperature", "2.5"}}, 2, 3, 20, 2.5},
      {{{"axis", "0"}, {"temperature", "0.5"}}, 1, 2, 60, 0.5},
      {{{"axis", "2"}, {"temperature", "None"}}, 6, 4, 5, 1},
  };
  for (const auto& k : cases) {
    INFO("outer " << k.outer << " len " << k.len << " inner " << k.inner);
    Symbol s = Symbol::create("softmax", {var("data")}, k.attrs, "softmax0");
    auto r = run<TestType>(s, {{"data", {2, 3, 4, 5}}}, {}, [](std::size_t, vec& v) {
      for (auto& x : v) x *= 30;  // exp would overflow without the max subtracted
    });
    require_close(r.out(), softmax_reference(r.inputs[0], k.outer, k.len, k.inner, k.t), tolerance<TestType> * 4);
  }
}

TEST_CASE("nn kernels: softmax with an output dtype and many positions", "[nn]") {
  Symbol s = Symbol::create("softmax", {var("data")}, {{"axis", "1"}, {"dtype", "float64"}}, "softmax1");
  const shape dshape{3, 7, 700};  // more than one chunk of positions per row
  REQUIRE(s.infer_type({{"data", dtype::float32}}).outputs[0] == dtype::float64);
  vec x = random_values(dshape.size(), 3);
  std::vector<float> xf(x.begin(), x.end());
  std::vector<double> y(dshape.size());
  std::vector<tensor> ins{{xf.data(), dtype::float32, dshape}};
  std::vector<tensor> outs{{y.data(), dtype::float64, dshape}};
  auto kernel = xsym::kernels::make_nn_kernel(*s.outputs()[0].node, ins, outs);
  kernel(ins, outs);
  require_close(vec(y.begin(), y.end()), softmax_reference(x, 3, 7, 700), 1e-6);
}

TEMPLATE_TEST_CASE("nn kernels: SoftmaxOutput forward with multi_output and preserve_shape", "[nn]", float, double) {
  SECTION("2-d: over axis 1; the label is not read") {
    Symbol s = Symbol::create("SoftmaxOutput", {var("data")}, {}, "sm0");
    auto r = run<TestType>(s, {{"data", {4, 10}}});
    REQUIRE(r.in_shapes[1] == shape{4});
    require_close(r.out(), softmax_reference(r.inputs[0], 4, 10, 1), tolerance<TestType> * 4);
  }
  SECTION("3-d: over all but the first axis, as MXNet flattens (n, k * m)") {
    Symbol s = Symbol::create("SoftmaxOutput", {var("data")}, {}, "sm1");
    auto r = run<TestType>(s, {{"data", {3, 4, 5}}});
    require_close(r.out(), softmax_reference(r.inputs[0], 3, 20, 1), tolerance<TestType> * 4);
  }
  SECTION("multi_output: over axis 1 at every position") {
    Symbol s = Symbol::create("SoftmaxOutput", {var("data")}, {{"multi_output", "True"}}, "sm2");
    auto r = run<TestType>(s, {{"data", {2, 5, 3, 4}}});
    require_close(r.out(), softmax_reference(r.inputs[0], 2, 5, 12), tolerance<TestType> * 4);
  }
  SECTION("preserve_shape: over the last axis") {
    Symbol s = Symbol::create("SoftmaxOutput", {var("data")}, {{"preserve_shape", "True"}}, "sm3");
    auto r = run<TestType>(s, {{"data", {2, 5, 6}}});
    require_close(r.out(), softmax_reference(r.inputs[0], 10, 6, 1), tolerance<TestType> * 4);
  }
}

TEMPLATE_TEST_CASE("nn kernels: SoftmaxActivation instance and channel modes", "[nn]", float, double) {
  Symbol inst = Symbol::create("SoftmaxActivation", {var("data")}, {}, "sa0");
  auto r = run<TestType>(inst, {{"data", {3, 4, 5}}});
  require_close(r.out(), softmax_reference(r.inputs[0], 3, 20, 1), tolerance<TestType> * 4);
  Symbol chan = Symbol::create("SoftmaxActivation", {var("data")}, {{"mode", "channel"}}, "sa1");
  auto c = run<TestType>(chan, {{"data", {2, 4, 3, 5}}});
  require_close(c.out(), softmax_reference(c.inputs[0], 2, 4, 15), tolerance<TestType> * 4);
}

// ---- copies ---------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("nn kernels: Flatten Reshape BlockGrad and Dropout copy the data", "[nn]", float, double) {
  Symbol flat = Symbol::create("Flatten", {var("data")}, {}, "flat0");
  auto f = run<TestType>(flat, {{"data", {2, 3, 4}}});
  REQUIRE(f.out_shapes[0] == shape{2, 12});
  require_close(f.out(), f.inputs[0], 0);

  Symbol reshape = Symbol::create("Reshape", {var("data")}, {{"shape", "(4, -1)"}}, "reshape0");
  auto r = run<TestType>(reshape, {{"data", {2, 3, 4}}});
  REQUIRE(r.out_shapes[0] == shape{4, 6});
  require_close(r.out(), r.inputs[0], 0);

  Symbol block = Symbol::create("BlockGrad", {var("data")}, {}, "block0");
  auto b = run<TestType>(block, {{"data", {5, 2}}});
  require_close(b.out(), b.inputs[0], 0);

  Symbol drop = Symbol::create("Dropout", {var("data")}, {{"p", "0.3"}}, "drop0");
  auto d = run<TestType>(drop, {{"data", {3, 4}}}, {shape{3, 4}});
  require_close(d.out(0), d.inputs[0], 0);
  require_close(d.out(1), vec(12, 1.0), 0);
}

TEMPLATE_TEST_CASE("nn kernels: Concat along the first the default and the last axis", "[nn]", float, double) {
  struct kase {
    std::string dim;
    std::vector<shape> shapes;
    std::size_t axis;
  };
  const std::vector<kase> cases{
      {"0", {{2, 3, 4}, {1, 3, 4}, {3, 3, 4}}, 0},
      {"", {{2, 1, 4}, {2, 3, 4}, {2, 2, 4}}, 1},
      {"-1", {{2, 3, 2}, {2, 3, 5}}, 2},
      {"2", {{2, 3, 1}, {2, 3, 1}}, 2},
  };
  for (const auto& k : cases) {
    INFO("dim '" << k.dim << "'");
    std::vector<Symbol> inputs;
    std::map<std::string, shape> known;
    for (std::size_t i = 0; i < k.shapes.size(); ++i) {
      std::string name = "x" + std::to_string(i);
      inputs.push_back(var(name));
      known[name] = k.shapes[i];
    }
    xsym::attr_map attrs;
    if (!k.dim.empty()) attrs["dim"] = k.dim;
    Symbol cat = Symbol::create("Concat", inputs, attrs, "concat0");
    auto r = run<TestType>(cat, known);
    // out[a][b][c] at its position along the axis: input i, offset by the sizes before it.
    const auto od = r.out_shapes[0].dims();
    vec want(r.out_shapes[0].size());
    i64 base = 0;
    for (std::size_t i = 0; i < k.shapes.size(); ++i) {
      const auto d = k.shapes[i].dims();
      for (i64 a = 0; a < d[0]; ++a)
        for (i64 b = 0; b < d[1]; ++b)
          for (i64 c = 0; c < d[2]; ++c) {
            std::array<i64, 3> at{a, b, c};
            at[k.axis] += base;
            want[std::size_t((at[0] * od[1] + at[1]) * od[2] + at[2])] = r.inputs[i][std::size_t((a * d[1] + b) * d[2] + c)];
          }
      base += d[k.axis];
    }
    require_close(r.out(), want, 0);
  }
}

// ---- which nodes have kernels, and the errors -----------------------------------------------

TEST_CASE("nn kernels: has_nn_kernel names the network ops only", "[nn]") {
  for (const char* op : {"FullyConnected", "Convolution", "Activation", "LeakyReLU", "Pooling", "Flatten", "Reshape",
                         "Concat", "BatchNorm", "SoftmaxOutput", "Dropout", "softmax", "SoftmaxActivation", "BlockGrad"}) {
    INFO(op);
    xsym::graph_node n;
    n.op = op;
    n.name = "n";
    CHECK(xsym::kernels::has_nn_kernel(n));
  }
  // Aliases resolve to the canonical op when the node comes from the registry.
  Symbol flat = Symbol::create("flatten", {var("data")}, {}, "f");
  CHECK(xsym::kernels::has_nn_kernel(*flat.outputs()[0].node));
  Symbol add = var("a") + var("b");
  CHECK_FALSE(xsym::kernels::has_nn_kernel(*add.outputs()[0].node));
  CHECK_FALSE(xsym::kernels::has_nn_kernel(*var("a").outputs()[0].node));
}

TEST_CASE("nn kernels: an unsupported dtype names the op the node and the dtypes that run", "[nn]") {
  Symbol conv = Symbol::create("Convolution", {var("data")}, {{"kernel", "(3, 3)"}, {"num_filter", "2"}}, "conv0");
  const auto& node = *conv.outputs()[0].node;
  std::vector<tensor> ins{{nullptr, dtype::int32, {1, 1, 5, 5}}, {nullptr, dtype::int32, {2, 1, 3, 3}},
                          {nullptr, dtype::int32, {2}}};
  std::vector<tensor> outs{{nullptr, dtype::int32, {1, 2, 3, 3}}};
  REQUIRE_THROWS_WITH(xsym::kernels::make_nn_kernel(node, ins, outs),
                      Catch::Contains("Convolution node 'conv0': int32 is not supported by the CPU kernel; it runs "
                                      "float32 and float64"));
  for (auto& t : ins) t.type = dtype::float32;
  outs[0].type = dtype::float16;
  REQUIRE_THROWS_WITH(xsym::kernels::make_nn_kernel(node, ins, outs),
                      Catch::Contains("Convolution node 'conv0': float16 is not supported"));
  outs[0].type = dtype::float64;
  REQUIRE_THROWS_WITH(xsym::kernels::make_nn_kernel(node, ins, outs),
                      Catch::Contains("output 0 is float64 but input 0 is float32"));

  Symbol sm = Symbol::create("softmax", {var("data")}, {}, "softmax0");
  std::vector<tensor> sin{{nullptr, dtype::int64, {2, 3}}}, sout{{nullptr, dtype::int64, {2, 3}}};
  REQUIRE_THROWS_WITH(xsym::kernels::make_nn_kernel(*sm.outputs()[0].node, sin, sout),
                      Catch::Contains("softmax node 'softmax0': int64 is not supported by the CPU kernel"));
}

TEST_CASE("nn kernels: attribute errors name the node and the attribute", "[nn]") {
  auto make = [](const Symbol& s, std::vector<shape> in_shapes, std::vector<shape> out_shapes) {
    std::vector<tensor> ins, outs;
    for (auto& sh : in_shapes) ins.push_back({nullptr, dtype::float32, sh});
    for (auto& sh : out_shapes) outs.push_back({nullptr, dtype::float32, sh});
    return xsym::kernels::make_nn_kernel(*s.outputs()[0].node, ins, outs);
  };
  Symbol act = Symbol::create("Activation", {var("data")}, {{"act_type", "swish"}}, "act0");
  REQUIRE_THROWS_WITH(make(act, {{2, 3}}, {{2, 3}}),
                      Catch::Contains("invalid value 'swish' of attribute 'act_type' of Activation node 'act0'"));
  Symbol no_act = Symbol::create("Activation", {var("data")}, {}, "act1");
  REQUIRE_THROWS_WITH(make(no_act, {{2, 3}}, {{2, 3}}),
                      Catch::Contains("required attribute 'act_type'") && Catch::Contains("node 'act1'"));
  Symbol leaky = Symbol::create("LeakyReLU", {var("data")}, {{"act_type", "crelu"}}, "leaky0");
  REQUIRE_THROWS_WITH(make(leaky, {{2, 3}}, {{2, 3}}),
                      Catch::Contains("invalid value 'crelu' of attribute 'act_type' of LeakyReLU node 'leaky0'"));
  Symbol slope = Symbol::create("LeakyReLU", {var("data")}, {{"slope", "steep"}}, "leaky1");
  REQUIRE_THROWS_WITH(make(slope, {{2, 3}}, {{2, 3}}),
                      Catch::Contains("invalid value 'steep' of attribute 'slope' of LeakyReLU node 'leaky1'"));
  Symbol lp = Symbol::create("Pooling", {var("data")}, {{"kernel", "(2, 2)"}, {"pool_type", "lp"}}, "pool0");
  REQUIRE_THROWS_WITH(make(lp, {{1, 1, 4, 4}}, {{1, 1, 3, 3}}),
                      Catch::Contains("required attribute 'p_value'") && Catch::Contains("node 'pool0'"));
  Symbol lp5 = Symbol::create("Pooling", {var("data")}, {{"kernel", "(2, 2)"}, {"pool_type", "lp"}, {"p_value", "5"}},
                              "pool1");
  REQUIRE_THROWS_WITH(make(lp5, {{1, 1, 4, 4}}, {{1, 1, 3, 3}}),
                      Catch::Contains("invalid value '5' of attribute 'p_value' of Pooling node 'pool1'"));
  Symbol mode = Symbol::create("SoftmaxActivation", {var("data")}, {{"mode", "spatial"}}, "sa0");
  REQUIRE_THROWS_WITH(make(mode, {{2, 3}}, {{2, 3}}),
                      Catch::Contains("invalid value 'spatial' of attribute 'mode' of SoftmaxActivation node 'sa0'"));
  Symbol always = Symbol::create("Dropout", {var("data")}, {{"mode", "sometimes"}}, "drop0");
  REQUIRE_THROWS_WITH(make(always, {{2, 3}}, {{2, 3}}),
                      Catch::Contains("invalid value 'sometimes' of attribute 'mode' of Dropout node 'drop0'"));
  Symbol ratio = Symbol::create("Dropout", {var("data")}, {{"p", "1.5"}}, "drop1");
  REQUIRE_THROWS_WITH(make(ratio, {{2, 3}}, {{2, 3}}),
                      Catch::Contains("invalid value '1.5' of attribute 'p' of Dropout node 'drop1'"));
  Symbol eps = Symbol::create("BatchNorm", {var("data")}, {{"eps", "1e-3x"}}, "bn0");
  REQUIRE_THROWS_WITH(make(eps, {{2, 3}, {3}, {3}, {3}, {3}}, {{2, 3}}),
                      Catch::Contains("invalid value '1e-3x' of attribute 'eps' of BatchNorm node 'bn0'"));
}

TEST_CASE("nn kernels: shapes that do not fit the attributes are refused", "[nn]") {
  Symbol conv = Symbol::create("Convolution", {var("data")}, {{"kernel", "(3, 3)"}, {"num_filter", "2"}}, "conv1");
  std::vector<tensor> ins{{nullptr, dtype::float32, {1, 1, 5, 5}}, {nullptr, dtype::float32, {2, 1, 3, 3}},
                          {nullptr, dtype::float32, {2}}};
  std::vector<tensor> outs{{nullptr, dtype::float32, {1, 2, 4, 4}}};
  REQUIRE_THROWS_WITH(xsym::kernels::make_nn_kernel(*conv.outputs()[0].node, ins, outs),
                      Catch::Contains("Convolution node 'conv1': output 0 has shape [1,2,4,4], expected [1,2,3,3]"));
  ins.pop_back();
  outs[0].dims = {1, 2, 3, 3};
  REQUIRE_THROWS_WITH(xsym::kernels::make_nn_kernel(*conv.outputs()[0].node, ins, outs),
                      Catch::Contains("takes 3 inputs, got 2"));
  xsym::graph_node unknown;
  unknown.op = "elemwise_add";
  unknown.name = "plus";
  REQUIRE_THROWS_WITH(xsym::kernels::make_nn_kernel(unknown, ins, outs), Catch::Contains("node 'plus'"));
}
