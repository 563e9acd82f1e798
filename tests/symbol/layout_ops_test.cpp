// MXNet 1.9's layout ops on runtime Symbols (layout_shapes.hpp, infer_layout.cpp,
// kernels_layout.cpp): transpose, reverse / flip, slice / crop, slice_axis, tile, repeat,
// expand_dims, squeeze, zeros_like, ones_like, stack and where. The forward of each against a
// reference written here as plain multi-index loops (all but where, zeros_like and ones_like are
// a source map: output element i reads input element src[i]), on both execution paths, with the
// shape infer_shape gives; literal cases worked by hand; the other dtypes against float64;
// gradients against central differences in float64 and against the map's scatter-add (tile and
// repeat: the sum over the copies); the error messages; and a JSON round trip.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <numeric>
#include <optional>
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
using ivec = std::vector<i64>;
using opt = std::optional<i64>;
constexpr std::nullopt_t None = std::nullopt;

using xsym::test::as_doubles;
using xsym::test::pseudo;
using xsym::test::typed_array;

constexpr xsym::execution_path paths[] = {xsym::execution_path::per_op, xsym::execution_path::blocked_fused};


ndarray array(const std::vector<double>& v, shape s) { return ndarray::array<double>(v, s); }




// Runs `f`, turning an exception into a failed check, so that one case that throws does not hide
// the cases after it.
template <class F>
void guarded(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    FAIL_CHECK("threw " << e.what());
  }
}

// The first output after forward() on `path`, as doubles, and its shape.
std::pair<std::vector<double>, shape> run(const Symbol& s, const std::map<std::string, ndarray>& args,
                                          xsym::execution_path path = xsym::execution_path::automatic) {
  auto ex = s.bind(xsym::cpu(), args, {.path = path});
  ex.forward();
  return {as_doubles(ex.outputs()[0]), ex.outputs()[0].shape()};
}

// ---- the reference: plain multi-index arithmetic --------------------------------------------
i64 count(const ivec& d) {
  i64 n = 1;
  for (i64 x : d) n *= x;
  return n;
}
ivec unravel(i64 i, const ivec& d) {
  ivec k(d.size());
  for (std::size_t a = d.size(); a-- > 0;) k[a] = i % d[a], i /= d[a];
  return k;
}
i64 ravel(const ivec& k, const ivec& d) {
  i64 i = 0;
  for (std::size_t a = 0; a < d.size(); ++a) i = i * d[a] + k[a];
  return i;
}
i64 wrap(i64 axis, std::size_t ndim) { return axis < 0 ? axis + i64(ndim) : axis; }

// A gather: output (of shape `out`) element i is input element src[i].
struct source_map {
  ivec out;
  std::vector<i64> src;
};

// `source` maps an output multi-index to the input multi-index it reads.
source_map map_by(const ivec& in, const ivec& out, const std::function<ivec(const ivec&)>& source) {
  source_map m{out, {}};
  for (i64 i = 0; i < count(out); ++i) m.src.push_back(ravel(source(unravel(i, out)), in));
  return m;
}

source_map ref_transpose(const ivec& in, ivec axes) {
  if (axes.empty())
    for (std::size_t a = in.size(); a-- > 0;) axes.push_back(i64(a));
  ivec out;
  for (auto& a : axes) out.push_back(in[std::size_t(a = wrap(a, in.size()))]);
  return map_by(in, out, [&](const ivec& o) {
    ivec k(in.size());
    for (std::size_t j = 0; j < axes.size(); ++j) k[std::size_t(axes[j])] = o[j];  // out axis j is in axis axes[j]
    return k;
  });
}

source_map ref_reverse(const ivec& in, ivec axes) {
  for (auto& a : axes) a = wrap(a, in.size());
  return map_by(in, in, [&](const ivec& o) {
    ivec k = o;
    for (i64 a : axes) k[std::size_t(a)] = in[std::size_t(a)] - 1 - o[std::size_t(a)];
    return k;
  });
}

// The indices Python's x[begin:end:step] takes from an axis of length dim (CPython's
// PySlice_AdjustIndices), listed one by one.
std::vector<i64> python_slice(i64 dim, opt begin, opt end, i64 step) {
  auto adjust = [&](opt v, i64 none) {
    if (!v) return none;
    const i64 x = *v < 0 ? *v + dim : *v;
    if (x < 0) return step < 0 ? i64(-1) : i64(0);
    return x >= dim ? (step < 0 ? dim - 1 : dim) : x;
  };
  const i64 b = adjust(begin, step < 0 ? dim - 1 : 0), e = adjust(end, step < 0 ? -1 : dim);
  std::vector<i64> r;
  for (i64 i = b; step > 0 ? i < e : i > e; i += step) r.push_back(i);
  return r;
}

// Axis a keeps the input indices picks[a], in that order.
source_map by_picks(const ivec& in, const std::vector<std::vector<i64>>& picks) {
  ivec out;
  for (const auto& p : picks) out.push_back(i64(p.size()));
  return map_by(in, out, [&](const ivec& o) {
    ivec k(in.size());
    for (std::size_t a = 0; a < in.size(); ++a) k[a] = picks[a][std::size_t(o[a])];
    return k;
  });
}

source_map ref_slice(const ivec& in, std::vector<opt> begin, std::vector<opt> end, std::vector<opt> step = {}) {
  std::vector<std::vector<i64>> picks;
  for (std::size_t a = 0; a < in.size(); ++a)
    picks.push_back(a < begin.size() ? python_slice(in[a], begin[a], end[a], step.empty() || !step[a] ? 1 : *step[a])
                                     : python_slice(in[a], None, None, 1));
  return by_picks(in, picks);
}

// For a valid range, slice_axis is Python's slice of one axis.
source_map ref_slice_axis(const ivec& in, i64 axis, opt begin, opt end) {
  std::vector<opt> b(in.size(), None), e(in.size(), None);
  b[std::size_t(wrap(axis, in.size()))] = begin, e[std::size_t(wrap(axis, in.size()))] = end;
  return ref_slice(in, b, e);
}

// numpy.tile: reps and the shape aligned right, the shorter padded with 1s in front.
source_map ref_tile(const ivec& in, const ivec& reps) {
  const std::size_t n = std::max(in.size(), reps.size()), lead = n - in.size();
  ivec out(n);
  for (std::size_t a = 0; a < n; ++a) {
    const i64 d = a < lead ? 1 : in[a - lead], r = a + reps.size() < n ? 1 : reps[a + reps.size() - n];
    out[a] = d * r;
  }
  return map_by(in, out, [&](const ivec& o) {
    ivec k(in.size());
    for (std::size_t a = 0; a < in.size(); ++a) k[a] = o[a + lead] % in[a];
    return k;
  });
}

// numpy.repeat: each element `r` times along `axis`; no axis: along the flattened input.
source_map ref_repeat(const ivec& in, i64 r, opt axis) {
  if (!axis) return map_by(in, {count(in) * r}, [&](const ivec& o) { return unravel(o[0] / r, in); });
  const auto a = std::size_t(wrap(*axis, in.size()));
  ivec out = in;
  out[a] *= r;
  return map_by(in, out, [&](const ivec& o) {
    ivec k = o;
    k[a] = o[a] / r;
    return k;
  });
}

// expand_dims and squeeze: the elements in order, in another shape.
source_map same_elements(const ivec& in, const ivec& out) {
  source_map m{out, std::vector<i64>(static_cast<std::size_t>(count(in)))};
  std::iota(m.src.begin(), m.src.end(), i64(0));
  return m;
}
source_map ref_expand_dims(const ivec& in, i64 axis) {
  ivec out = in;
  out.insert(out.begin() + (axis < 0 ? axis + i64(in.size()) + 1 : axis), 1);
  return same_elements(in, out);
}
// Drops the listed axes (none listed: every axis of size 1); nothing left gives (1,).
source_map ref_squeeze(const ivec& in, const ivec& axes) {
  ivec out;
  for (std::size_t a = 0; a < in.size(); ++a) {
    bool listed = axes.empty() && in[a] == 1;
    for (i64 b : axes) listed = listed || wrap(b, in.size()) == i64(a);
    if (!listed) out.push_back(in[a]);
  }
  return same_elements(in, out.empty() ? ivec{1} : out);
}

// stack of k inputs of shape `in`, src indexing their concatenation: output o is input o[axis]
// at o without that axis.
source_map ref_stack(const ivec& in, i64 k, i64 axis) {
  const auto a = std::size_t(axis < 0 ? axis + i64(in.size()) + 1 : axis);
  source_map m{in, {}};
  m.out.insert(m.out.begin() + std::ptrdiff_t(a), k);
  for (i64 i = 0; i < count(m.out); ++i) {
    ivec o = unravel(i, m.out), at = o;
    at.erase(at.begin() + std::ptrdiff_t(a));
    m.src.push_back(o[a] * count(in) + ravel(at, in));
  }
  return m;
}

// A case: the op, its attributes, the shape of its k inputs (k > 1: stack's a, b, c) and the
// reference, whose src indexes the inputs' concatenation.
struct gather_case {
  const char* op;
  xsym::attr_map attrs;
  ivec in;
  std::function<source_map(const ivec&)> ref;
  i64 k = 1;
};

// Every gathering op (and alias), expand_dims, squeeze and stack on 2-D, 3-D and 4-D inputs, then
// three past one parallel chunk.
std::vector<gather_case> gather_cases() {
  return {
      {"transpose", {}, {3, 4}, [](const ivec& d) { return ref_transpose(d, {}); }},
      {"transpose", {{"axes", "(1, 0, 2)"}}, {2, 3, 4}, [](const ivec& d) { return ref_transpose(d, {1, 0, 2}); }},
      {"transpose", {{"axes", "(-1, 0, -2)"}}, {2, 3, 4}, [](const ivec& d) { return ref_transpose(d, {-1, 0, -2}); }},
      {"transpose", {{"axes", "(3, 1, 0, 2)"}}, {2, 3, 4, 5},
       [](const ivec& d) { return ref_transpose(d, {3, 1, 0, 2}); }},
      {"transpose", {{"axes", "()"}}, {2, 3, 1, 4}, [](const ivec& d) { return ref_transpose(d, {}); }},
      {"reverse", {{"axis", "0"}}, {3, 4}, [](const ivec& d) { return ref_reverse(d, {0}); }},
      {"flip", {{"axis", "(0, 2)"}}, {2, 3, 4}, [](const ivec& d) { return ref_reverse(d, {0, 2}); }},
      {"reverse", {{"axis", "-1"}}, {2, 3, 2, 3}, [](const ivec& d) { return ref_reverse(d, {-1}); }},
      {"reverse", {{"axis", "(1, -2)"}}, {2, 3, 4, 2}, [](const ivec& d) { return ref_reverse(d, {1, -2}); }},
      {"slice", {{"begin", "(1, None)"}, {"end", "(3, None)"}}, {4, 5},
       [](const ivec& d) { return ref_slice(d, {1, None}, {3, None}); }},
      {"slice", {{"begin", "(-10,)"}, {"end", "(10,)"}}, {3, 4},
       [](const ivec& d) { return ref_slice(d, {-10}, {10}); }},
      {"slice", {{"begin", "(-1,)"}, {"end", "(-4,)"}, {"step", "(-1,)"}}, {5, 3},
       [](const ivec& d) { return ref_slice(d, {-1}, {-4}, {-1}); }},
      {"slice", {{"begin", "(None,)"}, {"end", "(None,)"}, {"step", "(-3,)"}}, {7, 2},
       [](const ivec& d) { return ref_slice(d, {None}, {None}, {-3}); }},
      {"slice", {{"begin", "(None, 1, -1)"}, {"end", "(None, -1, None)"}, {"step", "(2, None, 1)"}}, {5, 4, 6},
       [](const ivec& d) { return ref_slice(d, {None, 1, -1}, {None, -1, None}, {2, None, 1}); }},
      {"slice", {{"begin", "(None, 3, None)"}, {"end", "(None, 0, None)"}, {"step", "(-1, -2, 1)"}}, {3, 5, 2},
       [](const ivec& d) { return ref_slice(d, {None, 3, None}, {None, 0, None}, {-1, -2, 1}); }},
      {"slice", {{"begin", "(1, None)"}, {"end", "(None, -1)"}}, {3, 4, 2, 3},
       [](const ivec& d) { return ref_slice(d, {1, None}, {None, -1}); }},
      {"slice", {{"begin", "(2, 0, None, -1)"}, {"end", "(None, 3, None, 0)"}, {"step", "(-1, 2, -1, -2)"}},
       {3, 4, 2, 4},
       [](const ivec& d) { return ref_slice(d, {2, 0, None, -1}, {None, 3, None, 0}, {-1, 2, -1, -2}); }},
      {"crop", {{"begin", "(0, 1)"}, {"end", "(2, 3)"}}, {3, 4},
       [](const ivec& d) { return ref_slice(d, {0, 1}, {2, 3}); }},
      {"slice_axis", {{"axis", "1"}, {"begin", "1"}, {"end", "3"}}, {3, 4},
       [](const ivec& d) { return ref_slice_axis(d, 1, 1, 3); }},
      {"slice_axis", {{"axis", "-1"}, {"begin", "-3"}, {"end", "None"}}, {2, 3, 4},
       [](const ivec& d) { return ref_slice_axis(d, -1, -3, None); }},
      {"slice_axis", {{"axis", "2"}, {"begin", "0"}, {"end", "-1"}}, {2, 3, 4, 2},
       [](const ivec& d) { return ref_slice_axis(d, 2, 0, -1); }},
      {"slice_axis", {{"axis", "0"}, {"begin", "-2"}, {"end", "-1"}}, {3, 2, 2, 2},
       [](const ivec& d) { return ref_slice_axis(d, 0, -2, -1); }},
      {"tile", {{"reps", "(2, 3)"}}, {2, 3}, [](const ivec& d) { return ref_tile(d, {2, 3}); }},
      {"tile", {{"reps", "(2, 1, 3)"}}, {2, 3}, [](const ivec& d) { return ref_tile(d, {2, 1, 3}); }},
      {"tile", {{"reps", "(2,)"}}, {2, 3, 2}, [](const ivec& d) { return ref_tile(d, {2}); }},
      {"tile", {{"reps", "(1, 2, 1, 2)"}}, {2, 1, 3, 2}, [](const ivec& d) { return ref_tile(d, {1, 2, 1, 2}); }},
      {"tile", {{"reps", "(3, 1)"}}, {2, 2, 1, 3}, [](const ivec& d) { return ref_tile(d, {3, 1}); }},
      {"repeat", {{"repeats", "2"}, {"axis", "0"}}, {3, 4}, [](const ivec& d) { return ref_repeat(d, 2, 0); }},
      {"repeat", {{"repeats", "3"}, {"axis", "-1"}}, {2, 3, 2}, [](const ivec& d) { return ref_repeat(d, 3, -1); }},
      {"repeat", {{"repeats", "2"}, {"axis", "1"}}, {2, 3, 2, 2}, [](const ivec& d) { return ref_repeat(d, 2, 1); }},
      {"repeat", {{"repeats", "2"}}, {2, 3, 2}, [](const ivec& d) { return ref_repeat(d, 2, None); }},
      {"repeat", {{"repeats", "3"}, {"axis", "None"}}, {2, 2}, [](const ivec& d) { return ref_repeat(d, 3, None); }},
      {"expand_dims", {{"axis", "0"}}, {3, 4}, [](const ivec& d) { return ref_expand_dims(d, 0); }},
      {"expand_dims", {{"axis", "2"}}, {3, 4}, [](const ivec& d) { return ref_expand_dims(d, 2); }},
      {"expand_dims", {{"axis", "-3"}}, {3, 4}, [](const ivec& d) { return ref_expand_dims(d, -3); }},
      {"expand_dims", {{"axis", "-1"}}, {2, 3, 4}, [](const ivec& d) { return ref_expand_dims(d, -1); }},
      {"expand_dims", {{"axis", "-5"}}, {2, 1, 3, 2}, [](const ivec& d) { return ref_expand_dims(d, -5); }},
      {"squeeze", {}, {1, 3, 1, 4}, [](const ivec& d) { return ref_squeeze(d, {}); }},
      {"squeeze", {{"axis", "(0,)"}}, {1, 3, 1, 4}, [](const ivec& d) { return ref_squeeze(d, {0}); }},
      {"squeeze", {{"axis", "(-2, 0)"}}, {1, 3, 1, 4}, [](const ivec& d) { return ref_squeeze(d, {-2, 0}); }},
      {"squeeze", {{"axis", "1"}}, {2, 1, 3}, [](const ivec& d) { return ref_squeeze(d, {1}); }},
      {"squeeze", {}, {1, 1}, [](const ivec& d) { return ref_squeeze(d, {}); }},
      {"squeeze", {{"axis", "(0, 1, 2)"}}, {1, 1, 1}, [](const ivec& d) { return ref_squeeze(d, {0, 1, 2}); }},
      {"stack", {{"num_args", "2"}, {"axis", "0"}}, {3, 4}, [](const ivec& d) { return ref_stack(d, 2, 0); }, 2},
      {"stack", {{"num_args", "3"}, {"axis", "1"}}, {3, 4}, [](const ivec& d) { return ref_stack(d, 3, 1); }, 3},
      {"stack", {{"num_args", "2"}, {"axis", "-1"}}, {3, 4}, [](const ivec& d) { return ref_stack(d, 2, -1); }, 2},
      {"stack", {{"num_args", "3"}, {"axis", "1"}}, {2, 3, 4}, [](const ivec& d) { return ref_stack(d, 3, 1); }, 3},
      {"stack", {{"num_args", "2"}, {"axis", "-2"}}, {2, 3, 4}, [](const ivec& d) { return ref_stack(d, 2, -2); }, 2},
      {"stack", {{"num_args", "2"}, {"axis", "3"}}, {2, 3, 4}, [](const ivec& d) { return ref_stack(d, 2, 3); }, 2},
      {"stack", {{"num_args", "2"}, {"axis", "2"}}, {2, 1, 3, 2}, [](const ivec& d) { return ref_stack(d, 2, 2); }, 2},
      {"stack", {{"num_args", "1"}}, {5}, [](const ivec& d) { return ref_stack(d, 1, 0); }, 1},
      // past one parallel chunk
      {"transpose", {{"axes", "(2, 0, 1)"}}, {64, 33, 20}, [](const ivec& d) { return ref_transpose(d, {2, 0, 1}); }},
      {"tile", {{"reps", "(2, 1, 3)"}}, {100, 130}, [](const ivec& d) { return ref_tile(d, {2, 1, 3}); }},
      {"repeat", {{"repeats", "3"}, {"axis", "0"}}, {150, 100}, [](const ivec& d) { return ref_repeat(d, 3, 0); }},
  };
}

// "slice(begin=(1, None) end=(3, None) ) on [4,5]" (appended piece by piece: g++ 12's false
// -Wrestrict, core/text.hpp).
std::string describe(const gather_case& c) {
  std::string s = c.op;
  s += "(";
  for (const auto& [k, v] : c.attrs) ((((s += k) += "=") += v) += " ");
  s += ") on ";
  s += shape(c.in).str();
  return s;
}

// The inputs' names: data, or a, b, c for stack.
std::vector<std::string> names(const gather_case& c) {
  if (std::string(c.op) != "stack") return {"data"};
  std::vector<std::string> n;
  for (i64 i = 0; i < c.k; ++i) n.emplace_back(1, char('a' + i));
  return n;
}

Symbol make(const gather_case& c) {
  std::vector<Symbol> inputs;
  for (const auto& name : names(c)) inputs.push_back(Symbol::variable(name));
  return Symbol::create(c.op, inputs, c.attrs);
}

// The inputs of c from their concatenation x, in dtype t.
std::map<std::string, ndarray> inputs_of(const gather_case& c, const std::vector<double>& x, dtype t = dtype::float64) {
  std::map<std::string, ndarray> args;
  const auto n = std::ptrdiff_t(count(c.in));
  std::ptrdiff_t at = 0;
  for (const auto& name : names(c)) {
    args[name] = typed_array(std::vector<double>(x.begin() + at, x.begin() + at + n), shape(c.in), t);
    at += n;
  }
  return args;
}

std::vector<double> gathered(const std::vector<double>& x, const source_map& m) {
  std::vector<double> y;
  for (i64 j : m.src) y.push_back(x[std::size_t(j)]);
  return y;
}

// Gradients of Σ head·output with respect to `wrt`, from backward() on both paths, against
// central differences computed once (the ops are linear in each differentiated input).
void check_against_differences(const Symbol& s, const std::map<std::string, ndarray>& args,
                               const std::vector<std::string>& wrt) {
  const shape out_shape = run(s, args).second;
  const auto head = pseudo(out_shape.size(), 7.0, 0.5, 1.5);
  std::map<std::string, std::vector<double>> fd;
  for (const auto& name : wrt) {
    const auto x = args.at(name).to_vector<double>();
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double h = 1e-6 * std::max(1.0, std::fabs(x[i]));
      auto moved = [&](double by) {
        auto a = args;
        auto v = x;
        v[i] += by;
        a[name] = array(v, args.at(name).shape());
        auto y = run(s, a).first;
        return std::inner_product(y.begin(), y.end(), head.begin(), 0.0);
      };
      fd[name].push_back((moved(h) - moved(-h)) / (2 * h));
    }
  }
  for (auto path : paths) {
    INFO(xsym::execution_path_name(path));
    std::map<std::string, ndarray> grads;
    for (const auto& name : wrt) grads[name] = ndarray::zeros(args.at(name).shape(), dtype::float64);
    auto ex = s.bind(xsym::cpu(), args, {.path = path, .args_grad = grads});
    ex.forward(true);
    ex.backward({array(head, out_shape)});
    for (const auto& name : wrt) {
      const auto got = grads.at(name).to_vector<double>();
      for (std::size_t i = 0; i < got.size(); ++i) {
        INFO(name << "[" << i << "]");
        CHECK(got[i] == Approx(fd[name][i]).epsilon(1e-6).margin(1e-7));
      }
    }
  }
}

Symbol make_stack(std::size_t k, i64 axis, std::string name = {}) {
  std::vector<Symbol> inputs;
  for (std::size_t i = 0; i < k; ++i) inputs.push_back(Symbol::variable(std::string(1, char('a' + i))));
  return Symbol::create("stack", inputs, {{"num_args", std::to_string(k)}, {"axis", std::to_string(axis)}},
                        std::move(name));
}

}  // namespace

TEST_CASE("layout ops: forward against plain index loops on both paths, and infer_shape", "[symbol][layout]") {
  for (const auto& c : gather_cases()) {
    INFO(describe(c));
    guarded([&] {
      const Symbol s = make(c);
      const source_map m = c.ref(c.in);
      const auto x = pseudo(std::size_t(count(c.in) * c.k), 1.0);
      std::map<std::string, shape> known;
      for (const auto& name : names(c)) known[name] = shape(c.in);
      CHECK(s.infer_shape(known).outputs == std::vector<shape>{shape(m.out)});
      for (auto path : paths) {
        INFO(xsym::execution_path_name(path));
        const auto [y, ys] = run(s, inputs_of(c, x), path);
        CHECK(ys == shape(m.out));
        CHECK(y == gathered(x, m));
      }
    });
  }
}

TEST_CASE("zeros_like and ones_like: the input's shape and dtype, filled, with a zero gradient",
          "[symbol][layout][gradient]") {
  for (const char* op : {"zeros_like", "ones_like"})
    for (const ivec& d : {ivec{3, 4}, ivec{2, 3, 4}, ivec{2, 1, 3, 2}})
      for (dtype t : {dtype::float64, dtype::float32, dtype::int32, dtype::uint8}) {
        INFO(op << " on " << shape(d).str() << " in " << xsym::dtype_name(t));
        guarded([&] {
          const Symbol s = Symbol::create(op, {Symbol::variable("data")});
          CHECK(s.infer_shape({{"data", shape(d)}}).outputs == std::vector<shape>{shape(d)});
          CHECK(s.infer_type({{"data", t}}).outputs == std::vector<dtype>{t});
          const std::vector<double> want(std::size_t(count(d)), std::string(op) == "ones_like" ? 1.0 : 0.0);
          for (auto path : paths) {
            INFO(xsym::execution_path_name(path));
            std::map<std::string, ndarray> grads;  // float64: overwritten with zeros (grad_req write)
            if (t == dtype::float64) grads["data"] = ndarray::full(shape(d), 5.0, t);
            auto ex = s.bind(xsym::cpu(), {{"data", typed_array(pseudo(want.size(), 2.0, 2, 9), shape(d), t)}},
                             {.path = path, .args_grad = grads});
            ex.forward(t == dtype::float64);
            CHECK(ex.outputs()[0].dtype() == t);
            CHECK(ex.outputs()[0].shape() == shape(d));
            CHECK(as_doubles(ex.outputs()[0]) == want);
            if (t != dtype::float64) continue;
            ex.backward({array(pseudo(want.size(), 3.0), shape(d))});
            CHECK(grads["data"].to_vector<double>() == std::vector<double>(want.size(), 0.0));
          }
        });
      }
}


TEST_CASE("where: a full-shape or 1-D condition of any dtype picks x or y", "[symbol][layout]") {
  const Symbol s = Symbol::create("where", {Symbol::variable("c"), Symbol::variable("x"), Symbol::variable("y")});
  for (const ivec& d : {ivec{3, 4}, ivec{2, 3, 4}, ivec{2, 3, 2, 2}, ivec{300, 130}})
    for (bool full : {true, false})
      for (dtype ct : {dtype::int32, dtype::uint8, dtype::float32, dtype::float64})
        for (dtype t : {dtype::float64, dtype::int32}) {
          INFO(shape(d).str() << (full ? " full " : " 1-D ") << xsym::dtype_name(ct) << " condition, "
                              << xsym::dtype_name(t) << " data");
          guarded([&] {
            const ivec cd = full ? d : ivec{d[0]};
            std::vector<double> c(std::size_t(count(cd)));
            for (std::size_t i = 0; i < c.size(); ++i) c[i] = double((i * 7 + i / 3) % 3);  // 0, 1 or 2
            std::vector<double> x(std::size_t(count(d))), y(x.size()), want(x.size());
            for (std::size_t i = 0; i < x.size(); ++i) x[i] = double(i % 50), y[i] = double(100 + i % 40);
            const std::size_t row = std::size_t(count(d) / count(cd));
            for (std::size_t i = 0; i < x.size(); ++i) want[i] = c[i / row] != 0 ? x[i] : y[i];
            std::map<std::string, ndarray> args{{"c", typed_array(c, shape(cd), ct)},
                                                {"x", typed_array(x, shape(d), t)},
                                                {"y", typed_array(y, shape(d), t)}};
            CHECK(s.infer_shape({{"c", shape(cd)}, {"x", shape(d)}, {"y", shape(d)}}).outputs ==
                  std::vector<shape>{shape(d)});
            CHECK(s.infer_type({{"c", ct}, {"x", t}, {"y", t}}).outputs == std::vector<dtype>{t});
            for (auto path : paths) {
              INFO(xsym::execution_path_name(path));
              auto ex = s.bind(xsym::cpu(), args, {.path = path});
              ex.forward();
              CHECK(ex.outputs()[0].dtype() == t);
              CHECK(ex.outputs()[0].shape() == shape(d));
              CHECK(as_doubles(ex.outputs()[0]) == want);
            }
          });
        }
}

TEST_CASE("layout ops: literal cases worked by hand", "[symbol][layout]") {
  auto data = Symbol::variable("data");
  auto one = [&](const char* op, xsym::attr_map attrs, const std::vector<double>& x, shape xs) {
    return run(Symbol::create(op, {data}, std::move(attrs)), {{"data", array(x, xs)}});
  };
  using result = std::pair<std::vector<double>, shape>;
  const std::vector<double> m23{1, 2, 3, 4, 5, 6}, m22{1, 2, 3, 4};
  std::vector<double> m34(12);  // [[0,1,2,3],[4,5,6,7],[8,9,10,11]]
  std::iota(m34.begin(), m34.end(), 0.0);
  guarded([&] {
    CHECK(one("transpose", {}, m23, {2, 3}) == result{{1, 4, 2, 5, 3, 6}, {3, 2}});
    CHECK(one("reverse", {{"axis", "1"}}, m34, {3, 4}) == result{{3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8}, {3, 4}});
    CHECK(one("flip", {{"axis", "(0, 1)"}}, m23, {2, 3}) == result{{6, 5, 4, 3, 2, 1}, {2, 3}});
    // m34[::-1, 3:0:-2]: rows 2, 1, 0; columns 3, 1.
    CHECK(one("slice", {{"begin", "(None, 3)"}, {"end", "(None, 0)"}, {"step", "(-1, -2)"}}, m34, {3, 4}) ==
          result{{11, 9, 7, 5, 3, 1}, {3, 2}});
    CHECK(one("slice", {{"begin", "(None,)"}, {"end", "(None,)"}, {"step", "(-3,)"}}, {0, 1, 2, 3, 4, 5, 6}, {7}) ==
          result{{6, 3, 0}, {3}});
    CHECK(one("slice", {{"begin", "(1, -3)"}, {"end", "(None, -1)"}}, m34, {3, 4}) == result{{5, 6, 9, 10}, {2, 2}});
    CHECK(one("slice_axis", {{"axis", "1"}, {"begin", "-3"}, {"end", "None"}}, m34, {3, 4}) ==
          result{{1, 2, 3, 5, 6, 7, 9, 10, 11}, {3, 3}});
    CHECK(one("slice_axis", {{"axis", "0"}, {"begin", "1"}, {"end", "-1"}}, m34, {3, 4}) ==
          result{{4, 5, 6, 7}, {1, 4}});
    CHECK(one("tile", {{"reps", "(2,)"}}, m22, {2, 2}) == result{{1, 2, 1, 2, 3, 4, 3, 4}, {2, 4}});
    CHECK(one("tile", {{"reps", "(2, 1)"}}, m22, {2, 2}) == result{{1, 2, 3, 4, 1, 2, 3, 4}, {4, 2}});
    CHECK(one("tile", {{"reps", "(2, 1, 2)"}}, m22, {2, 2}) ==
          result{{1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4}, {2, 2, 4}});
    CHECK(one("repeat", {{"repeats", "2"}}, m22, {2, 2}) == result{{1, 1, 2, 2, 3, 3, 4, 4}, {8}});
    CHECK(one("repeat", {{"repeats", "2"}, {"axis", "1"}}, m22, {2, 2}) == result{{1, 1, 2, 2, 3, 3, 4, 4}, {2, 4}});
    CHECK(one("repeat", {{"repeats", "2"}, {"axis", "0"}}, m22, {2, 2}) == result{{1, 2, 1, 2, 3, 4, 3, 4}, {4, 2}});
    CHECK(one("expand_dims", {{"axis", "-1"}}, m23, {2, 3}) == result{m23, {2, 3, 1}});
    CHECK(one("squeeze", {}, {7}, {1, 1, 1}) == result{{7}, {1}});
    CHECK(one("ones_like", {}, m23, {3, 2}) == result{{1, 1, 1, 1, 1, 1}, {3, 2}});
  });
  guarded([&] {
    const std::map<std::string, ndarray> args{{"a", array(m22, {2, 2})}, {"b", array({5, 6, 7, 8}, {2, 2})}};
    CHECK(run(make_stack(2, 0), args) == result{{1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2}});
    CHECK(run(make_stack(2, 1), args) == result{{1, 2, 5, 6, 3, 4, 7, 8}, {2, 2, 2}});
    CHECK(run(make_stack(2, -1), args) == result{{1, 5, 2, 6, 3, 7, 4, 8}, {2, 2, 2}});
  });
  guarded([&] {
    const Symbol w = Symbol::create("where", {Symbol::variable("c"), Symbol::variable("x"), Symbol::variable("y")});
    const auto x = array(m22, {2, 2}), y = array({5, 6, 7, 8}, {2, 2});
    CHECK(run(w, {{"c", typed_array({1, 0}, {2}, dtype::int32)}, {"x", x}, {"y", y}}) == result{{1, 2, 7, 8}, {2, 2}});
    CHECK(run(w, {{"c", typed_array({0, 1, 3, 0}, {2, 2}, dtype::uint8)}, {"x", x}, {"y", y}}) ==
          result{{5, 2, 3, 8}, {2, 2}});
  });
}

TEST_CASE("layout ops: integer dtypes give the float64 results", "[symbol][layout]") {
  for (const auto& c : gather_cases()) {
    if (count(c.in) > 1000) continue;
    std::vector<double> x(std::size_t(count(c.in) * c.k));
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = double((i * 37) % 120);  // fits int8 and uint8
    const Symbol s = make(c);
    const auto want = run(s, inputs_of(c, x));
    for (dtype t : {dtype::int32, dtype::uint8, dtype::int8, dtype::int64, dtype::float32}) {
      INFO(describe(c) << " in " << xsym::dtype_name(t));
      guarded([&] {
        std::map<std::string, dtype> types;
        for (const auto& name : names(c)) types[name] = t;
        CHECK(s.infer_type(types).outputs == std::vector<dtype>{t});
        for (auto path : paths) {
          INFO(xsym::execution_path_name(path));
          auto ex = s.bind(xsym::cpu(), inputs_of(c, x, t), {.path = path});
          ex.forward();
          CHECK(ex.outputs()[0].dtype() == t);
          CHECK(ex.outputs()[0].shape() == want.second);
          CHECK(as_doubles(ex.outputs()[0]) == want.first);
        }
      });
    }
  }
}

TEST_CASE("layout ops: gradients against central differences in float64", "[symbol][layout][gradient]") {
  for (const auto& c : gather_cases()) {
    if (count(c.in) > 200) continue;
    INFO(describe(c));
    const auto x = pseudo(std::size_t(count(c.in) * c.k), 4.0);
    guarded([&] { check_against_differences(make(c), inputs_of(c, x), names(c)); });
  }
  const Symbol w = Symbol::create("where", {Symbol::variable("c"), Symbol::variable("x"), Symbol::variable("y")});
  for (const ivec& cd : {ivec{2, 3, 2}, ivec{2}}) {
    INFO("where with condition " << shape(cd).str());
    std::vector<double> c(std::size_t(count(cd)));
    for (std::size_t i = 0; i < c.size(); ++i) c[i] = double(i % 3 == 1 ? 0 : 1);
    guarded([&] {
      check_against_differences(w, {{"c", array(c, shape(cd))}, {"x", array(pseudo(12, 7.0), {2, 3, 2})},
                                    {"y", array(pseudo(12, 8.0), {2, 3, 2})}}, {"x", "y"});
    });
  }
  // The condition gets a zero gradient; x and y the head where they were picked.
  guarded([&] {
    for (auto path : paths) {
      auto gc = ndarray::full({2, 2}, 5.0, dtype::float64), gx = ndarray::zeros({2, 2}, dtype::float64),
           gy = ndarray::zeros({2, 2}, dtype::float64);
      auto ex = w.bind(xsym::cpu(),
                       {{"c", array({1, 0, 0, 2}, {2, 2})}, {"x", array({1, 2, 3, 4}, {2, 2})},
                        {"y", array({5, 6, 7, 8}, {2, 2})}},
                       {.path = path, .args_grad = {{"c", gc}, {"x", gx}, {"y", gy}}});
      ex.forward(true);
      ex.backward({array({10, 20, 30, 40}, {2, 2})});
      CHECK(gc.to_vector<double>() == std::vector<double>(4, 0.0));
      CHECK(gx.to_vector<double>() == std::vector<double>{10, 0, 0, 40});
      CHECK(gy.to_vector<double>() == std::vector<double>{0, 20, 30, 0});
    }
  });
}

TEST_CASE("layout ops: the gradient is the head scattered back, summed over tile's and repeat's copies",
          "[symbol][layout][gradient]") {
  for (const auto& c : gather_cases()) {
    INFO(describe(c));
    const source_map m = c.ref(c.in);
    const auto head = pseudo(m.src.size(), 9.0, 0.5, 1.5);
    std::vector<double> want(std::size_t(count(c.in) * c.k), 0.0);
    for (std::size_t i = 0; i < m.src.size(); ++i) want[std::size_t(m.src[i])] += head[i];
    for (dtype t : {dtype::float64, dtype::float32}) {
      INFO(xsym::dtype_name(t));
      guarded([&] {
        for (auto path : paths) {
          INFO(xsym::execution_path_name(path));
          std::map<std::string, ndarray> grads;
          for (const auto& name : names(c)) grads[name] = ndarray::zeros(shape(c.in), t);
          auto ex = make(c).bind(xsym::cpu(), inputs_of(c, pseudo(want.size(), 1.0), t),
                                 {.path = path, .args_grad = grads});
          ex.forward(true);
          ex.backward({typed_array(head, shape(m.out), t)});
          std::vector<double> got;
          for (const auto& name : names(c)) {
            const auto g = as_doubles(grads.at(name));
            got.insert(got.end(), g.begin(), g.end());
          }
          const double eps = t == dtype::float32 ? 1e-6 : 1e-13;
          std::size_t wrong = 0;
          for (std::size_t j = 0; j < want.size(); ++j) wrong += !(got[j] == Approx(want[j]).epsilon(eps).margin(eps));
          CHECK(wrong == 0);
        }
      });
    }
  }
}

TEST_CASE("layout ops: error messages name the node and say what is wrong", "[symbol][layout]") {
  using Catch::Contains;
  auto data = Symbol::variable("data");
  auto un = [&](const char* op, xsym::attr_map attrs, const char* name) {
    return Symbol::create(op, {data}, std::move(attrs), name);
  };
  auto where = [](const char* name) {
    return Symbol::create("where", {Symbol::variable("c"), Symbol::variable("x"), Symbol::variable("y")}, {}, name);
  };
  // Each: the symbol, the input shapes, the words its message must hold besides the node's name.
  struct bad {
    Symbol s;
    std::map<std::string, shape> shapes;
    std::vector<std::string> words;
  };
  const std::map<std::string, shape> d23{{"data", {2, 3}}}, d234{{"data", {2, 3, 4}}};
  const std::vector<bad> cases{
      {un("transpose", {{"axes", "(0, 0, 1)"}}, "bad_transpose_repeat"), d234, {"repeat axis", "[0,0,1]"}},
      {un("transpose", {{"axes", "(1, 0)"}}, "bad_transpose_count"), d234, {"must list each", "[2,3,4]"}},
      {un("transpose", {{"axes", "(0, 3, 1)"}}, "bad_transpose_range"), d234, {"exceeds"}},
      {un("squeeze", {{"axis", "(0, 1)"}}, "bad_squeeze"), {{"data", {1, 3, 4}}}, {"size=3 not equal to one"}},
      {un("slice", {{"begin", "(0, 0)"}, {"end", "(2, 2)"}, {"step", "(1, 0)"}}, "bad_step"), d23, {"step[1] cannot be 0"}},
      {un("slice", {{"begin", "(0, 0, 0)"}, {"end", "(1, 1, 1)"}}, "bad_rank"), d23, {"begin (0, 0, 0)", "[2,3]"}},
      {un("slice_axis", {{"axis", "1"}, {"begin", "2"}, {"end", "2"}}, "bad_slice_axis"), d23, {"empty", "[2, 2)"}},
      {un("slice_axis", {{"axis", "0"}, {"begin", "0"}, {"end", "5"}}, "bad_end"), d23, {"exceeds its size 2"}},
      {un("expand_dims", {{"axis", "3"}}, "bad_expand"), d23, {"out of the range [-3, 2]"}},
      {un("expand_dims", {{"axis", "-4"}}, "bad_expand_neg"), d23, {"out of the range"}},
      {make_stack(2, 0, "bad_stack"), {{"a", {2, 3}}, {"b", {3, 2}}}, {"one shape", "[3,2]", "[2,3]"}},
      {make_stack(2, 3, "bad_stack_axis"), {{"a", {2, 3}}, {"b", {2, 3}}}, {"out of the range"}},
      {where("bad_where_xy"), {{"c", {2, 3}}, {"x", {2, 3}}, {"y", {3, 2}}}, {"same shape", "[3,2]"}},
      {where("bad_where_cond"), {{"c", {3}}, {"x", {2, 3}}, {"y", {2, 3}}}, {"condition [3]", "first dimension"}},
      {un("repeat", {{"repeats", "-1"}, {"axis", "0"}}, "bad_repeat"), d23, {"repeats", "-1", "non-negative"}},
      {un("reverse", {{"axis", "(0, -2)"}}, "bad_reverse"), d23, {"listed twice"}},
      {un("tile", {{"reps", "(2, -1)"}}, "bad_tile"), d23, {"reps", "non-negative"}},
      {un("tile", {}, "no_reps"), d23, {"'reps'", "missing"}},
  };
  for (const auto& b : cases) {
    const std::string node = *b.s.name();
    INFO(node);
    const auto message = xsym::test::message_of([&] { (void)b.s.infer_shape(b.shapes); });
    CHECK_THAT(message, Contains(node));
    for (const auto& w : b.words) CHECK_THAT(message, Contains(w, Catch::CaseSensitive::No));
    std::map<std::string, ndarray> args;
    for (const auto& [name, sh] : b.shapes) args[name] = ndarray::zeros(sh, dtype::float64);
    const auto at_bind = xsym::test::message_of([&] { (void)b.s.bind(xsym::cpu(), args); });
    CHECK_THAT(at_bind, Contains(node) && Contains(b.words[0], Catch::CaseSensitive::No));
  }
}

TEST_CASE("layout ops: a JSON round trip keeps slice's None entries and gives the same output", "[symbol][layout]") {
  const Symbol s = Symbol::create(
      "slice", {Symbol::variable("data")},
      {{"begin", "(None, 3, 1)"}, {"end", "(None, None, -1)"}, {"step", "(-1, -2, None)"}}, "cut");
  const std::string json = s.to_json();
  CHECK_THAT(json, Catch::Contains(R"j("op": "slice")j") && Catch::Contains(R"j("begin": "(None, 3, 1)")j") &&
                       Catch::Contains(R"j("step": "(-1, -2, None)")j"));
  const Symbol back = Symbol::from_json(json);
  CHECK(back.to_json() == json);
  CHECK(back.attr_dict() == s.attr_dict());
  CHECK(back.attr("end") == "(None, None, -1)");
  CHECK(back.list_arguments() == std::vector<std::string>{"data"});
  const ivec in{3, 5, 4};
  const auto x = pseudo(60, 3.0);
  const std::map<std::string, ndarray> args{{"data", array(x, shape(in))}};
  guarded([&] {
    const source_map m = ref_slice(in, {None, 3, 1}, {None, None, -1}, {-1, -2, None});
    CHECK(back.infer_shape({{"data", shape(in)}}).outputs == std::vector<shape>{shape(m.out)});
    CHECK(run(back, args) == run(s, args));
    CHECK(run(back, args).first == gathered(x, m));
  });
}
