// one_hot, pick, take and slice_like on runtime Symbols (layout_shapes.hpp, kernels_index.cpp,
// kernels_layout.cpp): the forward against plain index loops written here over the real axes
// (1-D to 3-D, every axis, negative ones too, clip and wrap, indices out of range, float indices
// truncated, int32 indices and int32 data), the shape infer_shape gives, one_hot's dtype and
// on/off values; gradients against central differences in float64 and against plain scatter
// loops (take's repeated indices summed); the errors, each naming its node.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include <xsym/xsym.hpp>

#include "../support/arrays.hpp"
#include "../support/error_message.hpp"

namespace {

using xsym::dtype;
using xsym::ndarray;
using xsym::shape;
using xsym::Symbol;
using i64 = std::int64_t;
using dvec = std::vector<double>;
using attrs = std::map<std::string, std::string>;

using xsym::test::as_doubles;
using xsym::test::message_of;
using xsym::test::pseudo;
ndarray typed(const dvec& v, const shape& s, dtype t = dtype::float64) { return xsym::test::typed_array(v, s, t); }

constexpr xsym::execution_path paths[] = {xsym::execution_path::per_op, xsym::execution_path::blocked_fused};





// ---- plain references over multi-indices ------------------------------------------------------

std::vector<i64> unravel(i64 flat, const std::vector<i64>& d) {
  std::vector<i64> idx(d.size());
  for (std::size_t a = d.size(); a-- > 0;) idx[a] = flat % d[a], flat /= d[a];
  return idx;
}
i64 ravel(const std::vector<i64>& idx, const std::vector<i64>& d) {
  i64 f = 0;
  for (std::size_t a = 0; a < d.size(); ++a) f = f * d[a] + idx[a];
  return f;
}
std::size_t norm_axis(i64 axis, std::size_t n) { return std::size_t(axis < 0 ? axis + i64(n) : axis); }

// The index as an integer cast leaves it; an integer ramp a * i + b.
dvec truncated(const dvec& v) {
  dvec r(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) r[i] = double(i64(v[i]));
  return r;
}
dvec ramp(std::size_t n, double a, double b) {
  dvec r(n);
  for (std::size_t i = 0; i < n; ++i) r[i] = a * double(i) + b;
  return r;
}

// MXNet's reading of an index: cast to int (truncation toward zero), then clip or wrap.
i64 placed(double raw, i64 size, bool wrap) {
  const i64 k = i64(raw);
  if (wrap) return ((k % size) + size) % size;
  return k < 0 ? 0 : k >= size ? size - 1 : k;
}

// pick: out[j] = data[j with `axis` set to index[j]]; index flat in output order. `grad`
// non-null: scatter it into a data-shaped gradient instead.
dvec pick_ref(const dvec& x, const shape& ds, const dvec& index, i64 axis_, bool wrap, const dvec* grad = nullptr) {
  const std::size_t axis = norm_axis(axis_, ds.ndim());
  std::vector<i64> d = ds.dims(), od = d;
  od.erase(od.begin() + std::ptrdiff_t(axis));
  const i64 n = std::accumulate(od.begin(), od.end(), i64(1), std::multiplies<>());
  dvec out(grad ? x.size() : std::size_t(n), 0.0);
  for (i64 j = 0; j < n; ++j) {
    auto idx = unravel(j, od);
    idx.insert(idx.begin() + std::ptrdiff_t(axis), placed(index[std::size_t(j)], d[axis], wrap));
    if (grad) out[std::size_t(ravel(idx, d))] += (*grad)[std::size_t(j)];
    else out[std::size_t(j)] = x[std::size_t(ravel(idx, d))];
  }
  return out;
}

// take: out[pre, k..., post] = a[pre, indices[k...], post].
dvec take_ref(const dvec& a, const shape& as, const dvec& indices, const shape& is, i64 axis_, bool wrap,
              const dvec* grad = nullptr) {
  const std::size_t axis = norm_axis(axis_, as.ndim());
  const std::vector<i64> d = as.dims();
  std::vector<i64> od(d.begin(), d.begin() + std::ptrdiff_t(axis));
  od.insert(od.end(), is.begin(), is.end());
  od.insert(od.end(), d.begin() + std::ptrdiff_t(axis) + 1, d.end());
  const i64 n = std::accumulate(od.begin(), od.end(), i64(1), std::multiplies<>());
  dvec out(grad ? a.size() : std::size_t(n), 0.0);
  for (i64 j = 0; j < n; ++j) {
    const auto oi = unravel(j, od);
    std::vector<i64> ii(oi.begin() + std::ptrdiff_t(axis), oi.begin() + std::ptrdiff_t(axis + is.ndim()));
    std::vector<i64> ai(oi.begin(), oi.begin() + std::ptrdiff_t(axis));
    ai.push_back(placed(indices[std::size_t(ravel(ii, is.dims()))], d[axis], wrap));
    ai.insert(ai.end(), oi.begin() + std::ptrdiff_t(axis + is.ndim()), oi.end());
    if (grad) out[std::size_t(ravel(ai, d))] += (*grad)[std::size_t(j)];
    else out[std::size_t(j)] = a[std::size_t(ravel(ai, d))];
  }
  return out;
}

// slice_like: the box [0, out) of data; `grad`: the head gradient placed in that box.
dvec box_ref(const dvec& x, const shape& ds, const shape& os, const dvec* grad = nullptr) {
  dvec out(grad ? x.size() : os.size(), 0.0);
  for (i64 j = 0; j < i64(os.size()); ++j) {
    const i64 src = ravel(unravel(j, os.dims()), ds.dims());
    if (grad) out[std::size_t(src)] = (*grad)[std::size_t(j)];
    else out[std::size_t(j)] = x[std::size_t(src)];
  }
  return out;
}

Symbol op2(const char* op, const char* a, const char* b, const attrs& at) {
  return Symbol::create(op, {Symbol::variable(a), Symbol::variable(b)}, at);
}

// The forward on both paths: shape from infer_shape and from the output, values exactly.
void check_forward(const Symbol& s, const std::map<std::string, ndarray>& args, const shape& out, const dvec& want) {
  std::map<std::string, shape> known;
  for (const auto& [name, v] : args) known.emplace(name, v.shape());
  CHECK(s.infer_shape(known).outputs[0] == out);
  for (auto path : paths) {
    INFO(xsym::execution_path_name(path));
    auto ex = s.bind(xsym::cpu(), args, {.path = path});
    ex.forward();
    CHECK(ex.outputs()[0].shape() == out);
    CHECK(as_doubles(ex.outputs()[0]) == want);
  }
}

// Gradients of Σ head·output w.r.t. `wrt` (float64) against central differences and against
// `exact` (the plain loop's gradient for that head), on both paths.
void check_gradient(const Symbol& s, const std::map<std::string, ndarray>& args, const std::string& wrt,
                    const std::function<dvec(const dvec& head)>& exact) {
  for (auto path : paths) {
    INFO(xsym::execution_path_name(path));
    std::map<std::string, ndarray> grads{{wrt, ndarray::zeros(args.at(wrt).shape(), dtype::float64)}};
    auto ex = s.bind(xsym::cpu(), args, {.path = path, .args_grad = grads});
    ex.forward(true);
    const shape os = ex.outputs()[0].shape();
    const dvec head = pseudo(os.size(), 7.0, 0.5, 1.5);
    ex.backward({typed(head, os)});
    const dvec got = grads.at(wrt).to_vector<double>(), x = args.at(wrt).to_vector<double>();
    const dvec want = exact(head);
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      INFO(wrt << "[" << i << "]");
      CHECK(got[i] == Approx(want[i]).epsilon(1e-14).margin(0));  // exactly 0 off the picked positions
      const double h = 1e-6 * std::max(1.0, std::fabs(x[i]));
      auto moved = [&](double by) {
        auto a = args;
        auto v = x;
        v[i] += by;
        a[wrt] = typed(v, args.at(wrt).shape());
        auto ey = s.bind(xsym::cpu(), a);
        ey.forward();
        auto y = ey.outputs()[0].to_vector<double>();
        return std::inner_product(y.begin(), y.end(), head.begin(), 0.0);
      };
      CHECK(got[i] == Approx((moved(h) - moved(-h)) / (2 * h)).epsilon(1e-6).margin(1e-7));
    }
  }
}

}  // namespace

TEST_CASE("one_hot: forward, out-of-range rows, float and int32 indices, dtype and on/off values", "[symbol][index]") {
  auto ref = [](const dvec& idx, i64 depth, double on, double off) {
    dvec out(idx.size() * std::size_t(depth), off);
    for (std::size_t i = 0; i < idx.size(); ++i) {
      const i64 j = i64(idx[i]);
      if (j >= 0 && j < depth) out[i * std::size_t(depth) + std::size_t(j)] = on;
    }
    return out;
  };
  const Symbol plain = Symbol::create("one_hot", {Symbol::variable("i")}, {{"depth", "4"}});
  // 1.7 -> 1, -0.5 -> 0 (truncation), -1 and 4 and 9 out of range: rows of off_value.
  const dvec idx{0, 3, 1.7, -1, 4, -0.5, 9, 2};
  // By hand for the 1-D case: a row per index.
  check_forward(plain, {{"i", typed(idx, {8})}}, {8, 4},
                {1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0});
  check_forward(plain, {{"i", typed(idx, {2, 4})}}, {2, 4, 4}, ref(idx, 4, 1, 0));
  check_forward(plain, {{"i", typed(idx, {2, 2, 2})}}, {2, 2, 2, 4}, ref(idx, 4, 1, 0));
  check_forward(plain, {{"i", typed(idx, {2, 4}, dtype::int32)}}, {2, 4, 4}, ref({0, 3, 1, -1, 4, 0, 9, 2}, 4, 1, 0));
  CHECK(plain.infer_type({{"i", dtype::int32}}).outputs[0] == dtype::float32);

  for (auto [t, name] : {std::pair{dtype::float64, "float64"}, {dtype::int32, "int32"}, {dtype::float32, "float32"}}) {
    INFO(name);
    const Symbol s = Symbol::create("one_hot", {Symbol::variable("i")},
                                    {{"depth", "5"}, {"on_value", "3"}, {"off_value", "-2"}, {"dtype", name}});
    CHECK(s.infer_type({{"i", dtype::float32}}).outputs[0] == t);
    check_forward(s, {{"i", typed(idx, {4, 2}, dtype::float32)}}, {4, 2, 5}, ref(idx, 5, 3, -2));
    auto ex = s.bind(xsym::cpu(), {{"i", typed(idx, {8})}});
    ex.forward();
    CHECK(ex.outputs()[0].dtype() == t);
  }
}

TEST_CASE("pick: forward on 1-D to 3-D data, every axis, clip and wrap, keepdims", "[symbol][index]") {
  const shape shapes[] = {{5}, {3, 4}, {2, 3, 4}};
  for (const shape& ds : shapes)
    for (i64 axis = -i64(ds.ndim()); axis < i64(ds.ndim()); ++axis)
      for (const char* mode : {"clip", "wrap"})
        for (bool keepdims : {false, true}) {
          INFO("data " << ds << " axis " << axis << " mode " << mode << " keepdims " << keepdims);
          const std::size_t k = norm_axis(axis, ds.ndim());
          std::vector<i64> kd = ds.dims(), dd = ds.dims();
          kd[k] = 1;
          dd.erase(dd.begin() + std::ptrdiff_t(k));
          if (dd.empty()) dd.push_back(1);
          const shape out(keepdims ? kd : dd);
          // In range, negative, too large, fractional: -7, -1, 0 .. size+3, 1.7, -0.5.
          dvec index(out.size());
          const dvec pool{-7, -1, 0, 1, 2, 1.7, 3, -0.5, 5, 6, 11};
          for (std::size_t i = 0; i < index.size(); ++i) index[i] = pool[(i * 7 + std::size_t(axis + 3)) % pool.size()];
          const dvec x = pseudo(ds.size(), 1.0 + double(axis));
          const bool wrap = mode == std::string("wrap");
          const Symbol s = op2("pick", "x", "j", {{"axis", std::to_string(axis)}, {"mode", mode},
                                                  {"keepdims", keepdims ? "True" : "False"}});
          check_forward(s, {{"x", typed(x, ds)}, {"j", typed(index, out)}}, out, pick_ref(x, ds, index, axis, wrap));
          // int32 indices; int32 data (index float32).
          check_forward(s, {{"x", typed(x, ds)}, {"j", typed(truncated(index), out, dtype::int32)}}, out,
                        pick_ref(x, ds, truncated(index), axis, wrap));
          const dvec xi = ramp(x.size(), 3, -10);
          check_forward(s, {{"x", typed(xi, ds, dtype::int32)}, {"j", typed(index, out, dtype::float32)}}, out,
                        pick_ref(xi, ds, index, axis, wrap));
        }
  // By hand: rows [[1,2,3],[4,5,6]], index (2, -1) along axis 1: clip -> 3, 4; wrap -> 3, 6.
  const ndarray x = typed({1, 2, 3, 4, 5, 6}, {2, 3}), j = typed({2, -1}, {2});
  check_forward(op2("pick", "x", "j", {{"axis", "1"}}), {{"x", x}, {"j", j}}, {2}, {3, 4});
  check_forward(op2("pick", "x", "j", {{"axis", "-1"}, {"mode", "wrap"}}), {{"x", x}, {"j", j}}, {2}, {3, 6});
  check_forward(op2("pick", "x", "j", {}), {{"x", x}, {"j", typed({1.7, 0.2}, {2})}}, {2}, {2, 4});  // axis -1
}

TEST_CASE("take: forward on 1-D to 3-D data, every axis, 1-D and 2-D indices, clip and wrap", "[symbol][index]") {
  const shape shapes[] = {{5}, {3, 4}, {2, 3, 4}};
  const shape index_shapes[] = {{4}, {2, 3}};
  const dvec pool{-7, 2, -1, 0, 1.7, 3, 9, -0.5, 4, 1, 5, 2};
  for (const shape& as : shapes)
    for (i64 axis = -i64(as.ndim()); axis < i64(as.ndim()); ++axis)
      for (const shape& is : index_shapes)
        for (const char* mode : {"clip", "wrap"}) {
          INFO("a " << as << " axis " << axis << " indices " << is << " mode " << mode);
          const dvec a = pseudo(as.size(), 2.0 + double(axis));
          dvec idx(is.size());
          for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = pool[(i * 5 + std::size_t(axis + 3)) % pool.size()];
          const std::size_t k = norm_axis(axis, as.ndim());
          std::vector<i64> od(as.dims().begin(), as.dims().begin() + std::ptrdiff_t(k));
          od.insert(od.end(), is.begin(), is.end());
          od.insert(od.end(), as.dims().begin() + std::ptrdiff_t(k) + 1, as.dims().end());
          const shape out(od);
          const bool wrap = mode == std::string("wrap");
          const Symbol s = op2("take", "a", "i", {{"axis", std::to_string(axis)}, {"mode", mode}});
          check_forward(s, {{"a", typed(a, as)}, {"i", typed(idx, is)}}, out, take_ref(a, as, idx, is, axis, wrap));
          check_forward(s, {{"a", typed(a, as)}, {"i", typed(truncated(idx), is, dtype::int32)}}, out,
                        take_ref(a, as, truncated(idx), is, axis, wrap));
          const dvec ai = ramp(a.size(), 2, -7);
          check_forward(s, {{"a", typed(ai, as, dtype::int32)}, {"i", typed(idx, is, dtype::float32)}}, out,
                        take_ref(ai, as, idx, is, axis, wrap));
        }
  // By hand: a = [[1,2],[3,4],[5,6]], indices (-1, 1.7, 3) along axis 0 (the default).
  const ndarray a = typed({1, 2, 3, 4, 5, 6}, {3, 2}), i = typed({-1, 1.7, 3}, {3});
  check_forward(op2("take", "a", "i", {}), {{"a", a}, {"i", i}}, {3, 2}, {1, 2, 3, 4, 5, 6});
  check_forward(op2("take", "a", "i", {{"mode", "wrap"}}), {{"a", a}, {"i", i}}, {3, 2}, {5, 6, 3, 4, 1, 2});
}

TEST_CASE("slice_like: forward on 1-D to 3-D data, all axes and listed ones", "[symbol][index]") {
  struct row {
    shape data, like;
    const char* axes;
    shape out;
  };
  const row rows[] = {
      {{6}, {4}, "()", {4}},
      {{6}, {6}, "(0,)", {6}},
      {{4, 5}, {2, 3}, "()", {2, 3}},
      {{4, 5}, {2, 3}, "(1,)", {4, 3}},
      {{4, 5}, {2, 9}, "(-2,)", {2, 5}},
      {{4, 5}, {3, 1, 7}, "(0, -1)", {3, 1}},
      {{3, 4, 5}, {2, 2, 2}, "()", {2, 2, 2}},
      {{3, 4, 5}, {1, 3}, "(1,)", {3, 3, 5}},
      {{3, 4, 5}, {2, 9, 4}, "(0, -1)", {2, 4, 4}},
      {{3, 4, 5}, {3, 1, 5}, "(-2,)", {3, 1, 5}},
  };
  for (const row& r : rows) {
    INFO("data " << r.data << " shape_like " << r.like << " axes " << r.axes);
    const dvec x = pseudo(r.data.size(), 3.0);
    const Symbol s = op2("slice_like", "x", "l", {{"axes", r.axes}});
    check_forward(s, {{"x", typed(x, r.data)}, {"l", typed(dvec(r.like.size(), 0.0), r.like, dtype::int32)}}, r.out,
                  box_ref(x, r.data, r.out));
    const dvec xi = ramp(x.size(), 1, 0);
    check_forward(s, {{"x", typed(xi, r.data, dtype::int32)}, {"l", typed(dvec(r.like.size(), 1.0), r.like)}}, r.out,
                  box_ref(xi, r.data, r.out));
  }
  // By hand: [[0,1,2],[3,4,5]] cut like (1, 2).
  const Symbol s = op2("slice_like", "x", "l", {});
  check_forward(s, {{"x", typed({0, 1, 2, 3, 4, 5}, {2, 3})}, {"l", typed({0, 0}, {1, 2})}}, {1, 2}, {0, 1});
}

TEST_CASE("pick, take, slice_like: gradients against differences and scatter loops", "[symbol][index][gradient]") {
  {
    const shape ds{2, 3, 4};
    for (i64 axis : {0, 1, -1})
      for (const char* mode : {"clip", "wrap"}) {
        INFO("pick axis " << axis << " mode " << mode);
        std::vector<i64> od = ds.dims();
        od.erase(od.begin() + std::ptrdiff_t(norm_axis(axis, 3)));
        const dvec pool{-1, 0, 2, 1.7, 5, 1, -4};
        dvec index(shape(od).size());
        for (std::size_t i = 0; i < index.size(); ++i) index[i] = pool[i % pool.size()];
        const dvec x = pseudo(ds.size(), 4.0);
        const bool wrap = mode == std::string("wrap");
        check_gradient(op2("pick", "x", "j", {{"axis", std::to_string(axis)}, {"mode", mode}}),
                       {{"x", typed(x, ds)}, {"j", typed(index, shape(od))}}, "x",
                       [&](const dvec& g) { return pick_ref(x, ds, index, axis, wrap, &g); });
      }
  }
  {
    const shape as{3, 4, 2};
    for (i64 axis : {0, 1, -1})
      for (const char* mode : {"clip", "wrap"}) {
        INFO("take axis " << axis << " mode " << mode);
        // Repeated indices (1 three times; 7 clips onto the last, wraps onto another) in 2-D.
        const dvec idx{1, 0, 1, 7, -1, 1.5};
        const shape is{2, 3};
        const dvec a = pseudo(as.size(), 5.0);
        const bool wrap = mode == std::string("wrap");
        check_gradient(op2("take", "a", "i", {{"axis", std::to_string(axis)}, {"mode", mode}}),
                       {{"a", typed(a, as)}, {"i", typed(idx, is)}}, "a",
                       [&](const dvec& g) { return take_ref(a, as, idx, is, axis, wrap, &g); });
      }
  }
  const shape ds{3, 4, 5}, like{2, 3, 4};
  using axes_out = std::pair<const char*, shape>;
  for (auto [axes, out] : {axes_out{"()", {2, 3, 4}}, {"(1,)", {3, 3, 5}}, {"(0, -1)", {2, 4, 4}}}) {
    INFO("slice_like axes " << axes);
    const dvec x = pseudo(ds.size(), 6.0);
    const shape os = out;  // clang 14: no structured bindings in lambdas
    check_gradient(op2("slice_like", "x", "l", {{"axes", axes}}), {{"x", typed(x, ds)}, {"l", typed(dvec(24), like)}},
                   "x", [&](const dvec& g) { return box_ref(x, ds, os, &g); });
  }
  // float32: take's summed gradient against the loop (values exact in float32).
  const shape as{4, 3};
  const dvec idx{2, 2, 0, 2, 9};
  std::map<std::string, ndarray> grads{{"a", ndarray::zeros(as, dtype::float32)}};
  for (auto path : paths) {
    INFO(xsym::execution_path_name(path));
    auto ex = op2("take", "a", "i", {}).bind(
        xsym::cpu(), {{"a", typed(pseudo(12, 1.0), as, dtype::float32)}, {"i", typed(idx, {5}, dtype::int32)}},
        {.path = path, .args_grad = grads});
    ex.forward(true);
    const dvec head{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    ex.backward({typed(head, {5, 3}, dtype::float32)});
    CHECK(as_doubles(grads.at("a")) == dvec{7, 8, 9, 0, 0, 0, 1 + 4 + 10, 2 + 5 + 11, 3 + 6 + 12, 13, 14, 15});
  }
  // The indices get a zero gradient when one is asked for (pick's index, take's, one_hot's).
  const ndarray x = typed(pseudo(6, 2.0), {2, 3}), j = typed({2, 0}, {2});
  const Symbol pick = op2("pick", "x", "j", {}), take = op2("take", "x", "j", {}),
               one_hot = Symbol::create("one_hot", {Symbol::variable("j")}, {{"depth", "3"}, {"dtype", "float64"}});
  for (const Symbol* s : {&pick, &take, &one_hot}) {
    INFO(*s->name());
    std::map<std::string, ndarray> g{{"j", typed({5, 5}, {2})}};
    std::map<std::string, ndarray> args{{"j", j}};
    if (s != &one_hot) args.emplace("x", x);
    auto ex = s->bind(xsym::cpu(), args, {.args_grad = g});
    ex.forward(true);
    const shape os = ex.outputs()[0].shape();
    ex.backward({typed(dvec(os.size(), 1.0), os)});
    CHECK(g.at("j").to_vector<double>() == dvec{0, 0});
  }
}

TEST_CASE("one_hot, pick, take, slice_like: errors name the node", "[symbol][index]") {
  const Symbol pick = op2("pick", "x", "j", {{"axis", "1"}});
  const std::string pn = *pick.name();
  CHECK_THAT(message_of([&] { pick.infer_shape({{"x", {2, 3, 4}}, {"j", {2, 3}}}); }),
             Catch::Contains(pn) && Catch::Contains("pick: index [2,3] must have the shape [2,4]"));
  const std::map<std::string, ndarray> wrong{{"x", typed(dvec(24), {2, 3, 4})}, {"j", typed(dvec(6), {2, 3})}};
  CHECK_THAT(message_of([&] { pick.bind(xsym::cpu(), wrong); }), Catch::Contains(pn) && Catch::Contains("[2,3]"));
  const Symbol bad_axis = op2("pick", "x", "j", {{"axis", "3"}});
  CHECK_THAT(message_of([&] { bad_axis.infer_shape({{"x", {2, 3, 4}}, {"j", {2, 3}}}); }),
             Catch::Contains(*bad_axis.name()) && Catch::Contains("axis 3 exceeds the input dimension of 3"));

  // mode raise: in-range indices run as clip does; an index out of range is MXNet's error when
  // forward runs, naming the node and the index.
  const Symbol raise = op2("take", "a", "i", {{"mode", "raise"}});
  auto good = raise.bind(xsym::cpu(), {{"a", typed({1, 2, 3, 4, 5, 6}, {3, 2})}, {"i", typed({2, 0}, {2})}});
  good.forward();
  CHECK(good.outputs()[0].to_vector<double>() == dvec{5, 6, 1, 2});
  auto bad = raise.bind(xsym::cpu(), {{"a", typed(dvec(6), {3, 2})}, {"i", typed({0, 3}, {2})}});
  CHECK_THAT(message_of([&] { bad.forward(); }),
             Catch::Contains(*raise.name()) && Catch::Contains("take operator contains indices out of bound: index 3 "
                                                               "(entry 1 of the indices) is not in [0, 3)"));
  const Symbol foo = op2("take", "a", "i", {{"mode", "foo"}});
  CHECK_THAT(message_of([&] { foo.bind(xsym::cpu(), {{"a", typed(dvec(6), {3, 2})}, {"i", typed({0, 1}, {2})}}); }),
             Catch::Contains(*foo.name()) && Catch::Contains("mode"));

  const Symbol like = op2("slice_like", "x", "l", {});
  CHECK_THAT(message_of([&] { like.infer_shape({{"x", {2, 3}}, {"l", {2, 5}}}); }),
             Catch::Contains(*like.name()) &&
                 Catch::Contains("slice_like: shape_like [2,5] is larger than data [2,3] on axis 1"));
  CHECK_THAT(message_of([&] { like.infer_shape({{"x", {2, 3}}, {"l", {2}}}); }),
             Catch::Contains(*like.name()) && Catch::Contains("same number of dimensions"));
  const Symbol like_ax = op2("slice_like", "x", "l", {{"axes", "(2,)"}});
  CHECK_THAT(message_of([&] { like_ax.infer_shape({{"x", {2, 3, 4}}, {"l", {2, 3}}}); }),
             Catch::Contains(*like_ax.name()) && Catch::Contains("beyond shape_like [2,3]"));

  const Symbol oh = Symbol::create("one_hot", {Symbol::variable("i")}, {});
  CHECK_THAT(message_of([&] { oh.infer_shape({{"i", {3}}}); }),
             Catch::Contains("required attribute 'depth'") && Catch::Contains("one_hot node '" + *oh.name() + "'"));
}
