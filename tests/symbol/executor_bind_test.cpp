// Symbol::bind / simple_bind and the runtime Executor (executor.hpp): every execution path
// (static_fused, blocked_fused, per_op) and how `automatic` picks one, the errors of binding,
// simple_bind's allocation, groups, the per-op memory plan, sizes around the OpenMP threshold,
// and real MXNet models. Every result is compared with a plain loop written here, never with
// another part of xsym.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>
#include <xsym/xsym.hpp>

#ifndef XSYM_TEST_DATA_DIR
#define XSYM_TEST_DATA_DIR "/work/main/tests/data"
#endif

namespace {

using xsym::execution_path;
using xsym::ndarray;
using xsym::Symbol;
using arrays = std::map<std::string, ndarray>;
using strings = std::vector<std::string>;

std::string data_path(const std::string& name) { return std::string(XSYM_TEST_DATA_DIR) + "/mxnet/" + name; }

xsym::bind_options on(execution_path p) {
  xsym::bind_options o;
  o.path = p;
  return o;
}

// Deterministic values in [-1, 1], different for each seed.
std::vector<float> values(std::size_t n, int seed) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i)
    v[i] = float(std::int64_t((i * 37 + std::size_t(seed) * 11 + 5) % 201) - 100) / 100.0f;
  return v;
}

// Deterministic small integers in [-range, range].
template <class T>
std::vector<T> small_ints(std::size_t n, int seed, int range) {
  std::vector<T> v(n);
  for (std::size_t i = 0; i < n; ++i)
    v[i] = T(std::int64_t((i * 7 + std::size_t(seed) * 5 + 3) % std::size_t(2 * range + 1)) - range);
  return v;
}

ndarray f32(const std::vector<float>& v, xsym::shape s) { return ndarray::array<float>(v, std::move(s)); }
ndarray f32(const std::vector<float>& v) { return ndarray::array<float>(v); }

// Every element of `got` within rel * |expected| + abs of `expected`; reports the first miss
// and the number of misses rather than one assertion per element.
template <class T>
void check_close(const std::vector<T>& got, const std::vector<double>& expected, double rel = 1e-5,
                 double abs = 1e-6) {
  REQUIRE(got.size() == expected.size());
  std::size_t misses = 0, first = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    double g = double(got[i]), e = expected[i];
    bool ok = std::isnan(e) ? std::isnan(g) : std::abs(g - e) <= rel * std::abs(e) + abs;
    if (!ok && misses++ == 0) first = i;
  }
  if (misses) {
    INFO("first mismatch at element " << first << " of " << got.size() << ": got " << double(got[first])
                                      << ", expected " << expected[first]);
    CHECK(misses == 0);
  }
}

template <class T>
void check_equal(const std::vector<T>& got, const std::vector<T>& expected) {
  REQUIRE(got.size() == expected.size());
  std::size_t misses = 0, first = 0;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (got[i] != expected[i] && misses++ == 0) first = i;
  if (misses) {
    INFO("first mismatch at element " << first << " of " << got.size() << ": got " << double(got[first])
                                      << ", expected " << double(expected[first]));
    CHECK(misses == 0);
  }
}

// exp(x) * 2 + y, element by element, in float as the graph computes it.
std::vector<double> exp2_plus(const std::vector<float>& x, const std::vector<float>& y) {
  std::vector<double> r(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) r[i] = double(std::exp(x[i]) * 2.0f + y[i]);
  return r;
}

std::string bind_error(const Symbol& s, xsym::context ctx, const arrays& args, xsym::bind_options o = {}) {
  try {
    s.bind(ctx, args, std::move(o));
  } catch (const xsym::error& e) {
    return e.what();
  }
  return "(no error)";
}

const execution_path interpreted_paths[] = {execution_path::per_op, execution_path::blocked_fused};

}  // namespace

// ---- bind with a map ------------------------------------------------------------------------

TEST_CASE("executor: bind with a map runs a runtime-built symbol on the cpu", "[executor]") {
  xsym::name_scope scope;
  auto x = Symbol::variable("x");
  auto y = Symbol::variable("y");
  auto r = xsym::exp(x) * 2.0f + y;
  REQUIRE(r.list_arguments() == strings{"x", "y"});

  auto xv = values(6, 1), yv = values(6, 2);
  ndarray X = f32(xv, {2, 3}), Y = f32(yv, {2, 3});
  auto ex = r.bind(xsym::cpu(0), {{"x", X}, {"y", Y}});
  CHECK(ex.context() == xsym::cpu(0));
  CHECK(ex.path() != execution_path::automatic);
  CHECK_FALSE(ex.path_description().empty());
  REQUIRE(ex.outputs().size() == 1);
  const ndarray& out = ex.outputs()[0];
  CHECK(out.shape() == xsym::shape{2, 3});
  CHECK(out.dtype() == xsym::dtype::float32);
  CHECK(out.context() == xsym::cpu(0));
  CHECK_FALSE(out.same_storage(X));
  CHECK_FALSE(out.same_storage(Y));

  ex.forward();
  check_close(ex.outputs()[0].to_vector<float>(), exp2_plus(xv, yv));

  // The dictionaries: the bound arrays themselves (shared storage), the outputs by name.
  auto args = ex.arg_dict();
  REQUIRE(args.size() == 2);
  CHECK(args.at("x").same_storage(X));
  CHECK(args.at("y").same_storage(Y));
  CHECK(ex.aux_dict().empty());
  auto outs = ex.output_dict();
  REQUIRE(outs.size() == 1);
  REQUIRE(outs.count(r.list_outputs()[0]) == 1);
  CHECK(outs.at(r.list_outputs()[0]).same_storage(ex.outputs()[0]));
}

TEST_CASE("executor: forward sees new argument contents and keeps the output storage", "[executor]") {
  auto x = Symbol::variable("x");
  auto y = Symbol::variable("y");
  auto r = xsym::exp(x) * 2.0f + y;
  for (auto path : {execution_path::automatic, execution_path::per_op, execution_path::blocked_fused}) {
    INFO("path " << xsym::execution_path_name(path));
    const std::size_t n = 1001;
    auto xv = values(n, 3), yv = values(n, 4);
    ndarray X = f32(xv), Y = f32(yv);
    auto ex = r.bind(xsym::cpu(), {{"x", X}, {"y", Y}}, on(path));
    ex.forward();
    ndarray out = ex.outputs()[0];  // a handle kept across forward calls
    void* storage = out.raw_data();
    check_close(out.to_vector<float>(), exp2_plus(xv, yv));

    // Through the executor's handle of x, and through the caller's own handle of y.
    auto x2 = values(n, 5), y2 = values(n, 6);
    ex.arg_dict().at("x").copy_from(x2);
    Y.copy_from(y2);
    ex.forward();
    CHECK(ex.outputs()[0].raw_data() == storage);
    CHECK(ex.outputs()[0].same_storage(out));
    check_close(out.to_vector<float>(), exp2_plus(x2, y2));
    // The caller's x array saw the write made through arg_dict.
    check_equal(X.to_vector<float>(), x2);

    // A third time, with only y changed.
    auto y3 = values(n, 7);
    ex.arg_dict().at("y").copy_from(y3);
    ex.forward();
    CHECK(ex.outputs()[0].raw_data() == storage);
    check_close(out.to_vector<float>(), exp2_plus(x2, y3));
  }
}

TEST_CASE("executor: forward twice with unchanged arguments gives the same result", "[executor]") {
  // In-place reuse must never write over an argument: a second forward reads the same inputs.
  auto x = Symbol::variable("x");
  auto r = xsym::sqrt(xsym::abs(xsym::sin(x) * 3.0f)) + 1.0f;
  auto xv = values(4099, 8);
  std::vector<double> expected(xv.size());
  for (std::size_t i = 0; i < xv.size(); ++i) expected[i] = double(std::sqrt(std::abs(std::sin(xv[i]) * 3.0f)) + 1.0f);
  for (auto path : interpreted_paths) {
    INFO("path " << xsym::execution_path_name(path));
    ndarray X = f32(xv);
    auto ex = r.bind(xsym::cpu(), {{"x", X}}, on(path));
    ex.forward();
    ex.forward();
    check_equal(X.to_vector<float>(), xv);
    check_close(ex.outputs()[0].to_vector<float>(), expected);
  }
}

// ---- the three paths --------------------------------------------------------------------------

TEST_CASE("executor: the per_op path forced on a runtime symbol", "[executor]") {
  auto x = Symbol::variable("x");
  auto y = Symbol::variable("y");
  auto r = xsym::exp(x) * 2.0f + y;
  auto xv = values(257, 9), yv = values(257, 10);
  auto ex = r.bind(xsym::cpu(), {{"x", f32(xv)}, {"y", f32(yv)}}, on(execution_path::per_op));
  CHECK(ex.path() == execution_path::per_op);
  CHECK_THAT(ex.path_description(), Catch::Contains("per-op"));
  // exp, _mul_scalar and _plus: three nodes.
  CHECK_THAT(ex.path_description(), Catch::Contains("3 nodes"));
  ex.forward();
  check_close(ex.outputs()[0].to_vector<float>(), exp2_plus(xv, yv));
}

TEST_CASE("executor: the blocked_fused path forced on a runtime symbol", "[executor]") {
  auto x = Symbol::variable("x");
  auto y = Symbol::variable("y");
  auto r = xsym::exp(x) * 2.0f + y;
  // Sizes that are not a multiple of the block, blocks that are not a multiple of 64.
  for (std::ptrdiff_t block : {1, 64, 100, 2048, 1 << 20}) {
    for (std::size_t n : {std::size_t(1), std::size_t(63), std::size_t(1001), std::size_t(40000)}) {
      INFO("block " << block << " n " << n);
      auto xv = values(n, 11), yv = values(n, 12);
      xsym::bind_options o = on(execution_path::blocked_fused);
      o.block_size = block;
      auto ex = r.bind(xsym::cpu(), {{"x", f32(xv)}, {"y", f32(yv)}}, o);
      CHECK(ex.path() == execution_path::blocked_fused);
      CHECK_THAT(ex.path_description(), Catch::Contains("blocked"));
      std::ptrdiff_t rounded = std::max<std::ptrdiff_t>(64, (block + 63) / 64 * 64);
      CHECK_THAT(ex.path_description(), Catch::Contains("blocks of " + std::to_string(rounded) + " elements"));
      ex.forward();
      check_close(ex.outputs()[0].to_vector<float>(), exp2_plus(xv, yv));
    }
  }
}

TEST_CASE("executor: the static_fused path forced on a converted static graph", "[executor]") {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto c = xsym::variable<"C">();
  Symbol s = a * b + c;
  REQUIRE(s.compiled() != nullptr);
  REQUIRE(s.list_arguments() == strings{"A", "B", "C"});
  const std::size_t n = 1001;
  auto av = values(n, 13), bv = values(n, 14), cv = values(n, 15);
  ndarray A = f32(av), B = f32(bv), C = f32(cv);
  auto ex = s.bind(xsym::cpu(), {{"A", A}, {"B", B}, {"C", C}}, on(execution_path::static_fused));
  CHECK(ex.path() == execution_path::static_fused);
  CHECK_THAT(ex.path_description(), Catch::Contains("static fused"));
  CHECK(ex.intermediate_bytes() == 0);
  ex.forward();
  std::vector<double> expected(n);
  for (std::size_t i = 0; i < n; ++i) expected[i] = double(av[i]) * double(bv[i]) + double(cv[i]);
  check_close(ex.outputs()[0].to_vector<float>(), expected);
  // New contents are seen by the kept loop too.
  auto a2 = values(n, 16);
  A.copy_from(a2);
  ex.forward();
  for (std::size_t i = 0; i < n; ++i) expected[i] = double(a2[i]) * double(bv[i]) + double(cv[i]);
  check_close(ex.outputs()[0].to_vector<float>(), expected);

  // The same symbol forced through the interpreters gives the same values.
  for (auto path : interpreted_paths) {
    INFO("path " << xsym::execution_path_name(path));
    auto ex2 = s.bind(xsym::cpu(), {{"A", A}, {"B", B}, {"C", C}}, on(path));
    CHECK(ex2.path() == path);
    ex2.forward();
    check_close(ex2.outputs()[0].to_vector<float>(), expected);
  }
}

namespace {
template <class T>
void check_static_picked(const Symbol& s, xsym::dtype t) {
  INFO("dtype " << xsym::dtype_name(t));
  const std::size_t n = 517;
  std::vector<T> av = small_ints<T>(n, 1, 9), bv = small_ints<T>(n, 2, 9), cv = small_ints<T>(n, 3, 50);
  ndarray A = ndarray::array<T>(av), B = ndarray::array<T>(bv), C = ndarray::array<T>(cv);
  REQUIRE(A.dtype() == t);
  auto ex = s.bind(xsym::cpu(), {{"A", A}, {"B", B}, {"C", C}});
  CHECK(ex.path() == execution_path::static_fused);
  CHECK_THAT(ex.path_description(), Catch::Contains("static fused"));
  REQUIRE(ex.outputs().size() == 1);
  CHECK(ex.outputs()[0].dtype() == t);
  ex.forward();
  std::vector<T> expected(n);
  for (std::size_t i = 0; i < n; ++i) expected[i] = T(av[i] * bv[i] + cv[i]);  // small: exact in every T
  check_equal(ex.outputs()[0].to_vector<T>(), expected);
}
}  // namespace

TEST_CASE("executor: automatic picks static_fused for a converted symbol of each compiled dtype", "[executor]") {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto c = xsym::variable<"C">();
  Symbol s = a * b + c;
  check_static_picked<float>(s, xsym::dtype::float32);
  check_static_picked<double>(s, xsym::dtype::float64);
  check_static_picked<std::int32_t>(s, xsym::dtype::int32);
  check_static_picked<std::int64_t>(s, xsym::dtype::int64);
}

TEST_CASE("executor: automatic picks blocked_fused after a JSON round trip", "[executor]") {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto c = xsym::variable<"C">();
  Symbol s = a * b + c;
  Symbol loaded = Symbol::from_json(s.to_json());
  REQUIRE(loaded.compiled() == nullptr);
  REQUIRE(loaded.list_arguments() == strings{"A", "B", "C"});
  const std::size_t n = 300;
  auto av = values(n, 17), bv = values(n, 18), cv = values(n, 19);
  auto ex = loaded.bind(xsym::cpu(), {{"A", f32(av)}, {"B", f32(bv)}, {"C", f32(cv)}});
  CHECK(ex.path() == execution_path::blocked_fused);
  CHECK_THAT(ex.path_description(), Catch::Contains("blocked"));
  ex.forward();
  std::vector<double> expected(n);
  for (std::size_t i = 0; i < n; ++i) expected[i] = double(av[i]) * double(bv[i]) + double(cv[i]);
  check_close(ex.outputs()[0].to_vector<float>(), expected);
  // A runtime-built symbol has no static graph either.
  auto x = Symbol::variable("x");
  auto ex2 = (xsym::exp(x) + x).bind(xsym::cpu(), {{"x", f32(av)}});
  CHECK(ex2.path() == execution_path::blocked_fused);
}

TEST_CASE("executor: automatic picks per_op for a graph without elementwise ops", "[executor]") {
  // A bare variable: no op at all. Its output is a copy of the argument.
  auto x = Symbol::variable("x");
  auto xv = values(10, 20);
  ndarray X = f32(xv, {2, 5});
  auto ex = x.bind(xsym::cpu(), {{"x", X}});
  CHECK(ex.path() == execution_path::per_op);
  CHECK_THAT(ex.path_description(), Catch::Contains("per-op"));
  ex.forward();
  REQUIRE(ex.outputs().size() == 1);
  CHECK(ex.outputs()[0].shape() == xsym::shape{2, 5});
  CHECK_FALSE(ex.outputs()[0].same_storage(X));
  check_equal(ex.outputs()[0].to_vector<float>(), xv);

  // FullyConnected alone (a network op): per_op too; y = x W^T + b.
  auto data = Symbol::variable("data");
  auto fc = Symbol::create("FullyConnected", {data}, {{"num_hidden", "3"}}, "fc");
  REQUIRE(fc.list_arguments() == strings{"data", "fc_weight", "fc_bias"});
  auto dv = values(2 * 4, 21), wv = values(3 * 4, 22), bv = values(3, 23);
  auto ex2 = fc.bind(xsym::cpu(), {{"data", f32(dv, {2, 4})}, {"fc_weight", f32(wv, {3, 4})}, {"fc_bias", f32(bv, {3})}});
  CHECK(ex2.path() == execution_path::per_op);
  ex2.forward();
  REQUIRE(ex2.outputs()[0].shape() == xsym::shape{2, 3});
  std::vector<double> expected(6);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) {
      double acc = bv[std::size_t(j)];
      for (int k = 0; k < 4; ++k) acc += double(dv[std::size_t(i * 4 + k)]) * double(wv[std::size_t(j * 4 + k)]);
      expected[std::size_t(i * 3 + j)] = acc;
    }
  check_close(ex2.outputs()[0].to_vector<float>(), expected, 1e-5, 1e-5);
}

TEST_CASE("executor: static_fused forced on a loaded symbol is an error saying why", "[executor]") {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto c = xsym::variable<"C">();
  Symbol s = a * b + c;
  Symbol loaded = Symbol::from_json(s.to_json());
  arrays args{{"A", f32(values(4, 1))}, {"B", f32(values(4, 2))}, {"C", f32(values(4, 3))}};
  std::string m = bind_error(loaded, xsym::cpu(), args, on(execution_path::static_fused));
  CHECK_THAT(m, Catch::Contains("static_fused") && Catch::Contains("not converted from a static graph"));
}

TEST_CASE("executor: static_fused forced on a runtime-built symbol is an error", "[executor]") {
  auto x = Symbol::variable("x");
  auto r = xsym::exp(x) * 2.0f;
  REQUIRE_THROWS_WITH(r.bind(xsym::cpu(), {{"x", f32(values(4, 1))}}, on(execution_path::static_fused)),
                      Catch::Contains("static_fused") && Catch::Contains("not converted from a static graph"));
  // A symbol derived from a converted one (get_internals) lost the static graph as well.
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  Symbol s = a * b;
  Symbol internals = s.get_internals();
  REQUIRE(internals.compiled() == nullptr);
  REQUIRE_THROWS_WITH(internals.bind(xsym::cpu(), {{"A", f32(values(4, 1))}, {"B", f32(values(4, 2))}},
                                     on(execution_path::static_fused)),
                      Catch::Contains("static_fused"));
}

TEST_CASE("executor: a converted symbol bound with int8 arrays falls back to blocked_fused", "[executor]") {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto c = xsym::variable<"C">();
  Symbol s = a * b + c;
  const std::size_t n = 1001;
  auto av = small_ints<std::int8_t>(n, 4, 3), bv = small_ints<std::int8_t>(n, 5, 3), cv = small_ints<std::int8_t>(n, 6, 5);
  arrays args{{"A", ndarray::array<std::int8_t>(av)}, {"B", ndarray::array<std::int8_t>(bv)},
              {"C", ndarray::array<std::int8_t>(cv)}};
  auto ex = s.bind(xsym::cpu(), args);
  CHECK(ex.path() == execution_path::blocked_fused);
  ex.forward();
  REQUIRE(ex.outputs()[0].dtype() == xsym::dtype::int8);
  std::vector<std::int8_t> expected(n);
  for (std::size_t i = 0; i < n; ++i) expected[i] = std::int8_t(av[i] * bv[i] + cv[i]);
  check_equal(ex.outputs()[0].to_vector<std::int8_t>(), expected);
  // Forcing the static path says the dtypes are the reason.
  REQUIRE_THROWS_WITH(s.bind(xsym::cpu(), args, on(execution_path::static_fused)),
                      Catch::Contains("static_fused") && Catch::Contains("not compiled for"));
}

TEST_CASE("executor: a converted static group runs its outputs in one fused loop", "[executor]") {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  Symbol g = xsym::group(a * b, a - b);
  REQUIRE(g.size() == 2);
  const std::size_t n = 40000;  // above the OpenMP threshold
  auto av = values(n, 24), bv = values(n, 25);
  for (auto path : {execution_path::automatic, execution_path::per_op, execution_path::blocked_fused}) {
    INFO("path " << xsym::execution_path_name(path));
    auto ex = g.bind(xsym::cpu(), {{"A", f32(av)}, {"B", f32(bv)}}, on(path));
    if (path == execution_path::automatic) CHECK(ex.path() == execution_path::static_fused);
    ex.forward();
    REQUIRE(ex.outputs().size() == 2);
    std::vector<double> prod(n), diff(n);
    for (std::size_t i = 0; i < n; ++i) {
      prod[i] = double(av[i] * bv[i]);
      diff[i] = double(av[i] - bv[i]);
    }
    check_close(ex.outputs()[0].to_vector<float>(), prod);
    check_close(ex.outputs()[1].to_vector<float>(), diff);
  }
}

// ---- errors ---------------------------------------------------------------------------------

TEST_CASE("executor: binding without an argument names the missing argument", "[executor]") {
  auto x = Symbol::variable("x");
  auto y = Symbol::variable("y");
  auto r = x + y;
  REQUIRE_THROWS_AS(r.bind(xsym::cpu(), {{"x", f32(values(4, 1))}}), xsym::error);
  REQUIRE_THROWS_WITH(r.bind(xsym::cpu(), {{"x", f32(values(4, 1))}}),
                      Catch::Contains("'y'") && Catch::Contains("not bound"));
  REQUIRE_THROWS_WITH(r.bind(xsym::cpu(), {}), Catch::Contains("'x'") && Catch::Contains("not bound"));
}

TEST_CASE("executor: binding an unknown argument name is an error naming it", "[executor]") {
  auto x = Symbol::variable("x");
  auto r = xsym::exp(x);
  REQUIRE_THROWS_WITH(r.bind(xsym::cpu(), {{"x", f32(values(4, 1))}, {"z", f32(values(4, 2))}}),
                      Catch::Contains("'z'") && Catch::Contains("not an argument"));
}

TEST_CASE("executor: binding to a gpu context without a runtime backend is an error", "[executor]") {
  auto x = Symbol::variable("x");
  auto r = xsym::exp(x);
  REQUIRE_THROWS_WITH(r.bind(xsym::gpu(0), {{"x", f32(values(4, 1))}}),
                      Catch::Contains("no runtime backend for gpu(0)"));
  REQUIRE_THROWS_WITH(r.simple_bind(xsym::gpu(0), {{"x", {4}}}), Catch::Contains("gpu(0)"));
}

TEST_CASE("executor: an argument on another context is an error naming it", "[executor]") {
  auto x = Symbol::variable("x");
  auto y = Symbol::variable("y");
  auto r = x + y;
  ndarray X1(xsym::shape{4}, xsym::dtype::float32, xsym::cpu(1));
  REQUIRE(X1.context() == xsym::cpu(1));
  REQUIRE_THROWS_WITH(r.bind(xsym::cpu(0), {{"x", X1}, {"y", f32(values(4, 2))}}),
                      Catch::Contains("'x'") && Catch::Contains("cpu(1)") && Catch::Contains("cpu(0)"));
  // Every array on cpu(1), bound to cpu(1): runs there.
  auto xv = values(4, 1), yv = values(4, 2);
  X1.copy_from(xv);
  ndarray Y1 = f32(yv).copyto(xsym::cpu(1));
  auto ex = r.bind(xsym::cpu(1), {{"x", X1}, {"y", Y1}});
  CHECK(ex.context() == xsym::cpu(1));
  CHECK(ex.outputs()[0].context() == xsym::cpu(1));
  ex.forward();
  std::vector<double> expected(4);
  for (std::size_t i = 0; i < 4; ++i) expected[i] = double(xv[i] + yv[i]);
  check_close(ex.outputs()[0].to_vector<float>(), expected);
}

TEST_CASE("executor: an argument of the wrong shape for a network op is an error naming it", "[executor]") {
  auto data = Symbol::variable("data");
  auto fc = Symbol::create("FullyConnected", {data}, {{"num_hidden", "3"}}, "fc");
  std::string m = bind_error(fc, xsym::cpu(), {{"data", f32(values(8, 1), {2, 4})},
                                                {"fc_weight", f32(values(15, 2), {3, 5})},
                                                {"fc_bias", f32(values(3, 3), {3})}});
  CHECK_THAT(m, Catch::Contains("fc"));
  CHECK_THAT(m, Catch::Contains("[3,5]") || Catch::Contains("fc_weight"));
  // Bias of the wrong length.
  CHECK_THAT(bind_error(fc, xsym::cpu(), {{"data", f32(values(8, 1), {2, 4})},
                                          {"fc_weight", f32(values(12, 2), {3, 4})},
                                          {"fc_bias", f32(values(4, 3), {4})}}),
             Catch::Contains("fc") && (Catch::Contains("[4]") || Catch::Contains("fc_bias")));
}

TEST_CASE("executor: binding an empty ndarray is an error naming the argument", "[executor]") {
  auto x = Symbol::variable("x");
  auto y = Symbol::variable("y");
  auto r = x * y;
  REQUIRE_THROWS_WITH(r.bind(xsym::cpu(), {{"x", f32(values(4, 1))}, {"y", ndarray()}}),
                      Catch::Contains("'y'") && Catch::Contains("empty"));
}

TEST_CASE("executor: mismatched input shapes are an error naming the node", "[executor]") {
  xsym::name_scope scope;
  auto x = Symbol::variable("x");
  auto y = Symbol::variable("y");
  auto r = x + y;
  REQUIRE(r.name() == std::optional<std::string>("_plus0"));
  for (auto path : {execution_path::automatic, execution_path::per_op, execution_path::blocked_fused}) {
    INFO("path " << xsym::execution_path_name(path));
    REQUIRE_THROWS_WITH(r.bind(xsym::cpu(), {{"x", f32(values(6, 1), {2, 3})}, {"y", f32(values(6, 2), {3, 2})}}, on(path)),
                        Catch::Contains("_plus0"));
  }
  // Deeper in a graph: the node whose inputs disagree is named.
  auto t = xsym::exp(x) * 2.0f;
  auto u = t - y;
  REQUIRE(u.name() == std::optional<std::string>("_minus0"));
  REQUIRE_THROWS_WITH(u.bind(xsym::cpu(), {{"x", f32(values(4, 1), {4})}, {"y", f32(values(5, 2), {5})}}),
                      Catch::Contains("_minus0"));
}

TEST_CASE("executor: mismatched input dtypes are an error naming the node", "[executor]") {
  xsym::name_scope scope;
  auto x = Symbol::variable("x");
  auto y = Symbol::variable("y");
  auto r = x * y;
  REQUIRE(r.name() == std::optional<std::string>("_mul0"));
  REQUIRE_THROWS_WITH(
      r.bind(xsym::cpu(), {{"x", f32(values(4, 1))}, {"y", ndarray::array<double>({1, 2, 3, 4}, {4})}}),
      Catch::Contains("_mul0"));
}

TEST_CASE("executor: binding a float16 array is an error naming the argument", "[executor]") {
  auto x = Symbol::variable("x");
  auto r = xsym::exp(x);
  ndarray h(xsym::shape{4}, xsym::dtype::float16);
  REQUIRE(h.has_storage());
  REQUIRE_THROWS_WITH(r.bind(xsym::cpu(), {{"x", h}}), Catch::Contains("'x'") && Catch::Contains("float16"));
  // simple_bind with a float16 dtype cannot run either.
  REQUIRE_THROWS_WITH(r.simple_bind(xsym::cpu(), {{"x", {4}}}, {{"x", xsym::dtype::float16}}),
                      Catch::Contains("float16"));
}

namespace {
// data -> BatchNorm "bn": arguments data, bn_gamma, bn_beta; auxiliary states bn_moving_mean,
// bn_moving_var.
Symbol batch_norm(const std::string& fix_gamma, const std::string& eps) {
  auto data = Symbol::variable("data");
  return Symbol::create("BatchNorm", {data}, {{"fix_gamma", fix_gamma}, {"eps", eps}}, "bn");
}
}  // namespace

TEST_CASE("executor: auxiliary states must come through aux_states", "[executor]") {
  Symbol bn = batch_norm("False", "0.001");
  REQUIRE(bn.list_arguments() == strings{"data", "bn_gamma", "bn_beta"});
  REQUIRE(bn.list_auxiliary_states() == strings{"bn_moving_mean", "bn_moving_var"});
  arrays args{{"data", f32(values(12, 1), {2, 3, 2})}, {"bn_gamma", f32(values(3, 2))}, {"bn_beta", f32(values(3, 3))}};
  arrays aux{{"bn_moving_mean", f32(values(3, 4))}, {"bn_moving_var", ndarray::ones({3})}};

  SECTION("an auxiliary state passed as an argument") {
    arrays wrong = args;
    wrong.emplace("bn_moving_mean", aux.at("bn_moving_mean"));
    xsym::bind_options o;
    o.aux_states = aux;
    REQUIRE_THROWS_WITH(bn.bind(xsym::cpu(), wrong, o),
                        Catch::Contains("'bn_moving_mean'") && Catch::Contains("auxiliary state"));
  }
  SECTION("an unknown aux_states key") {
    xsym::bind_options o;
    o.aux_states = aux;
    o.aux_states.emplace("bn_nope", ndarray::ones({3}));
    REQUIRE_THROWS_WITH(bn.bind(xsym::cpu(), args, o),
                        Catch::Contains("'bn_nope'") && Catch::Contains("not an auxiliary state"));
    // A symbol without auxiliary states says it has none.
    auto x = Symbol::variable("x");
    xsym::bind_options o2;
    o2.aux_states.emplace("m", ndarray::ones({3}));
    REQUIRE_THROWS_WITH(xsym::exp(x).bind(xsym::cpu(), {{"x", f32(values(3, 1))}}, o2), Catch::Contains("'m'"));
  }
  SECTION("a missing auxiliary state") {
    xsym::bind_options o;
    o.aux_states.emplace("bn_moving_mean", aux.at("bn_moving_mean"));
    REQUIRE_THROWS_WITH(bn.bind(xsym::cpu(), args, o),
                        Catch::Contains("'bn_moving_var'") && Catch::Contains("not bound"));
  }
  SECTION("an auxiliary state of the wrong shape") {
    xsym::bind_options o;
    o.aux_states = aux;
    o.aux_states["bn_moving_var"] = ndarray::ones({4});
    REQUIRE_THROWS_WITH(bn.bind(xsym::cpu(), args, o), Catch::Contains("bn") && Catch::Contains("[4]"));
  }
  SECTION("all of them given: BatchNorm uses the moving statistics") {
    xsym::bind_options o;
    o.aux_states = aux;
    auto ex = bn.bind(xsym::cpu(), args, o);
    auto ad = ex.aux_dict();
    REQUIRE(ad.size() == 2);
    CHECK(ad.at("bn_moving_mean").same_storage(aux.at("bn_moving_mean")));
    CHECK(ad.at("bn_moving_var").same_storage(aux.at("bn_moving_var")));
    ex.forward();
    auto d = values(12, 1), g = values(3, 2), b = values(3, 3), m = values(3, 4);
    std::vector<double> expected(12);
    for (std::size_t i = 0; i < 12; ++i) {
      std::size_t ch = (i / 2) % 3;  // shape (2, 3, 2): channel is axis 1
      expected[i] = (double(d[i]) - m[ch]) / std::sqrt(1.0 + 0.001) * g[ch] + b[ch];
    }
    REQUIRE(ex.outputs().size() == 1);
    check_close(ex.outputs()[0].to_vector<float>(), expected, 1e-5, 1e-5);
  }
}

TEST_CASE("executor: an op xsym cannot run is an error naming the node", "[executor]") {
  const char* text = R"({"nodes": [{"op": "null", "name": "x", "inputs": []},
      {"op": "MyCustomOp", "name": "custom0", "attrs": {"k": "v"}, "inputs": [[0, 0, 0]]},
      {"op": "exp", "name": "exp0", "inputs": [[1, 0, 0]]}],
    "arg_nodes": [0], "node_row_ptr": [0, 1, 2, 3], "heads": [[2, 0, 0]],
    "attrs": {"mxnet_version": ["int", 10901]}})";
  Symbol s = Symbol::from_json(text);
  REQUIRE(s.list_arguments() == strings{"x"});
  std::string m = bind_error(s, xsym::cpu(), {{"x", f32(values(4, 1))}});
  CHECK_THAT(m, Catch::Contains("custom0") && Catch::Contains("MyCustomOp"));
  CHECK_THAT(m, Catch::Contains("does not know"));
  for (auto path : interpreted_paths) {
    INFO("path " << xsym::execution_path_name(path));
    CHECK_THAT(bind_error(s, xsym::cpu(), {{"x", f32(values(4, 1))}}, on(path)),
               Catch::Contains("custom0") && Catch::Contains("MyCustomOp"));
  }
}

TEST_CASE("executor: a misspelled op is named, with the nearest known ops, before inference", "[executor][errors]") {
  // A hand-edited file: Convolution misspelled. simple_bind used to blame the weight's shape.
  const char* text = R"json({"nodes": [{"op": "null", "name": "data", "inputs": []},
      {"op": "null", "name": "hybridsequential0_conv0_weight", "inputs": []},
      {"op": "null", "name": "hybridsequential0_conv0_bias", "inputs": []},
      {"op": "Convolutoin", "name": "hybridsequential0_conv0_fwd",
       "attrs": {"kernel": "(5, 5)", "num_filter": "6"}, "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]}],
    "arg_nodes": [0, 1, 2], "node_row_ptr": [0, 1, 2, 3, 4], "heads": [[3, 0, 0]],
    "attrs": {"mxnet_version": ["int", 10901]}})json";
  Symbol s = Symbol::from_json(text);
  const std::string expected =
      "node 'hybridsequential0_conv0_fwd' has op 'Convolutoin', which xsym does not know (did you mean Convolution?)";
  std::string m;
  try {
    (void)s.simple_bind(xsym::cpu(), {{"data", {4, 1, 28, 28}}});
  } catch (const xsym::error& e) {
    m = e.what();
  }
  CHECK(m == "xsym::Symbol::simple_bind: " + expected);
  CHECK(bind_error(s, xsym::cpu(), {{"data", f32(values(4, 1))}}) == "xsym::Symbol::bind: " + expected);
  // The nearest names come from the registry, nearest first; a name near nothing gets none.
  CHECK(xsym::nearest_ops("fullyconnected") == strings{"FullyConnected"});
  CHECK(xsym::nearest_ops("Activaton").front() == "Activation");
  CHECK(xsym::nearest_ops("zzzzzzzzzzzzzzzz").empty());
}

TEST_CASE("executor: a loaded node with the wrong number of inputs is an error naming it", "[executor]") {
  // A hand-edited file: elemwise_add with one input. Loading keeps it; running it must not read
  // a second input that is not there.
  const char* text = R"({"nodes": [{"op": "null", "name": "a", "inputs": []},
      {"op": "elemwise_add", "name": "p", "inputs": [[0, 0, 0]]}],
    "arg_nodes": [0], "node_row_ptr": [0, 1, 2], "heads": [[1, 0, 0]],
    "attrs": {"mxnet_version": ["int", 10901]}})";
  Symbol s = Symbol::from_json(text);
  for (auto path : interpreted_paths) {
    INFO("path " << xsym::execution_path_name(path));
    CHECK_THAT(bind_error(s, xsym::cpu(), {{"a", f32(values(4, 1))}}, on(path)),
               Catch::Contains("node 'p' (elemwise_add) has 1 input, but the op takes 2 (lhs, rhs)"));
  }
}

// ---- simple_bind ----------------------------------------------------------------------------

TEST_CASE("executor: simple_bind allocates zero-filled float32 arrays of the inferred shapes", "[executor]") {
  auto x = Symbol::variable("x");
  auto y = Symbol::variable("y");
  auto z = Symbol::variable("z");
  auto r = x * y + xsym::exp(z);
  for (auto path : {execution_path::automatic, execution_path::per_op, execution_path::blocked_fused}) {
    INFO("path " << xsym::execution_path_name(path));
    auto ex = r.simple_bind(xsym::cpu(), {{"x", {3, 7}}}, {}, on(path));
    auto args = ex.arg_dict();
    REQUIRE(args.size() == 3);
    for (const char* name : {"x", "y", "z"}) {
      INFO("argument " << name);
      const ndarray& a = args.at(name);
      CHECK(a.shape() == xsym::shape{3, 7});
      CHECK(a.dtype() == xsym::dtype::float32);
      CHECK(a.context() == xsym::cpu());
      check_equal(a.to_vector<float>(), std::vector<float>(21, 0.0f));
    }
    CHECK(ex.aux_dict().empty());
    ex.forward();
    REQUIRE(ex.outputs().size() == 1);
    CHECK(ex.outputs()[0].shape() == xsym::shape{3, 7});
    check_close(ex.outputs()[0].to_vector<float>(), std::vector<double>(21, 1.0));  // 0 * 0 + exp(0)
    // Fill the arrays it allocated and run again.
    auto xv = values(21, 1), yv = values(21, 2), zv = values(21, 3);
    args.at("x").copy_from(xv);
    args.at("y").copy_from(yv);
    ex.arg_dict().at("z").copy_from(zv);
    ex.forward();
    std::vector<double> expected(21);
    for (std::size_t i = 0; i < 21; ++i) expected[i] = double(xv[i] * yv[i] + std::exp(zv[i]));
    check_close(ex.outputs()[0].to_vector<float>(), expected);
  }
}

TEST_CASE("executor: simple_bind of a converted symbol takes the static path", "[executor]") {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  Symbol s = a * b + 1;
  auto ex = s.simple_bind(xsym::cpu(), {{"A", {5}}, {"B", {5}}});
  CHECK(ex.path() == execution_path::static_fused);
  ex.forward();
  check_close(ex.outputs()[0].to_vector<float>(), std::vector<double>(5, 1.0));
}

TEST_CASE("executor: simple_bind propagates a dtype given in the dtypes map", "[executor]") {
  auto x = Symbol::variable("x");
  auto y = Symbol::variable("y");
  auto r = x * y + 3;
  auto ex = r.simple_bind(xsym::cpu(), {{"y", {2, 2}}}, {{"x", xsym::dtype::int32}});
  auto args = ex.arg_dict();
  CHECK(args.at("x").dtype() == xsym::dtype::int32);
  CHECK(args.at("y").dtype() == xsym::dtype::int32);  // propagated through _mul
  CHECK(args.at("x").shape() == xsym::shape{2, 2});   // propagated from y
  REQUIRE(ex.outputs()[0].dtype() == xsym::dtype::int32);
  ex.forward();
  check_equal(ex.outputs()[0].to_vector<std::int32_t>(), std::vector<std::int32_t>(4, 3));
  args.at("x").copy_from(std::vector<std::int32_t>{1, -2, 3, 40000});
  args.at("y").copy_from(std::vector<std::int32_t>{5, 6, -7, 50000});
  ex.forward();
  check_equal(ex.outputs()[0].to_vector<std::int32_t>(), std::vector<std::int32_t>{8, -9, -18, 2000000003});

  // float64 and int64 the same way.
  auto ex64 = r.simple_bind(xsym::cpu(), {{"x", {3}}}, {{"y", xsym::dtype::float64}});
  CHECK(ex64.arg_dict().at("x").dtype() == xsym::dtype::float64);
  CHECK(ex64.outputs()[0].dtype() == xsym::dtype::float64);
  auto exi64 = r.simple_bind(xsym::cpu(), {{"x", {3}}}, {{"y", xsym::dtype::int64}});
  CHECK(exi64.arg_dict().at("x").dtype() == xsym::dtype::int64);
  exi64.arg_dict().at("x").copy_from(std::vector<std::int64_t>{1, 2, std::int64_t(1) << 40});
  exi64.arg_dict().at("y").copy_from(std::vector<std::int64_t>{1, 2, 4});
  exi64.forward();
  check_equal(exi64.outputs()[0].to_vector<std::int64_t>(), std::vector<std::int64_t>{4, 7, (std::int64_t(1) << 42) + 3});
}

TEST_CASE("executor: simple_bind with a shape that cannot be inferred names the argument", "[executor]") {
  auto x = Symbol::variable("x");
  auto w = Symbol::variable("w");
  auto g = Symbol::group({xsym::exp(x), xsym::sin(w)});
  REQUIRE_THROWS_WITH(g.simple_bind(xsym::cpu(), {{"x", {4}}}),
                      Catch::Contains("'w'") && Catch::Contains("cannot be inferred"));
  // An unknown name in the shapes is an error as well.
  REQUIRE_THROWS_WITH(g.simple_bind(xsym::cpu(), {{"x", {4}}, {"w", {4}}, {"nope", {4}}}), Catch::Contains("nope"));
}

TEST_CASE("executor: simple_bind of BatchNorm allocates the auxiliary states", "[executor]") {
  Symbol bn = batch_norm("False", "0.01");
  auto ex = bn.simple_bind(xsym::cpu(), {{"data", {2, 3, 4}}});
  auto args = ex.arg_dict();
  auto aux = ex.aux_dict();
  REQUIRE(args.size() == 3);
  REQUIRE(aux.size() == 2);
  CHECK(args.at("bn_gamma").shape() == xsym::shape{3});
  CHECK(args.at("bn_beta").shape() == xsym::shape{3});
  for (const char* name : {"bn_moving_mean", "bn_moving_var"}) {
    INFO(name);
    CHECK(aux.at(name).shape() == xsym::shape{3});
    CHECK(aux.at(name).dtype() == xsym::dtype::float32);
    check_equal(aux.at(name).to_vector<float>(), std::vector<float>(3, 0.0f));
  }
  CHECK(args.count("bn_moving_mean") == 0);
  REQUIRE(ex.outputs().size() == 1);  // mean and var are hidden outputs
  CHECK(ex.outputs()[0].shape() == xsym::shape{2, 3, 4});

  auto d = values(24, 5);
  std::vector<float> g{0.5f, -1.0f, 2.0f}, b{0.1f, 0.2f, -0.3f}, m{0.05f, -0.1f, 0.2f}, v{1.0f, 0.25f, 4.0f};
  args.at("data").copy_from(d);
  args.at("bn_gamma").copy_from(g);
  args.at("bn_beta").copy_from(b);
  aux.at("bn_moving_mean").copy_from(m);
  aux.at("bn_moving_var").copy_from(v);
  ex.forward();
  std::vector<double> expected(24);
  for (std::size_t i = 0; i < 24; ++i) {
    std::size_t c = (i / 4) % 3;
    expected[i] = (double(d[i]) - m[c]) / std::sqrt(double(v[c]) + 0.01) * g[c] + b[c];
  }
  check_close(ex.outputs()[0].to_vector<float>(), expected, 1e-5, 1e-5);
  // Inference mode: the moving statistics are read, never updated.
  check_equal(aux.at("bn_moving_mean").to_vector<float>(), m);
  check_equal(aux.at("bn_moving_var").to_vector<float>(), v);

  // fix_gamma=True: gamma is taken as 1 whatever it holds.
  Symbol fixed = batch_norm("True", "0.01");
  auto ex2 = fixed.simple_bind(xsym::cpu(), {{"data", {2, 3, 4}}});
  ex2.arg_dict().at("data").copy_from(d);
  ex2.arg_dict().at("bn_gamma").copy_from(g);
  ex2.arg_dict().at("bn_beta").copy_from(b);
  ex2.aux_dict().at("bn_moving_mean").copy_from(m);
  ex2.aux_dict().at("bn_moving_var").copy_from(v);
  ex2.forward();
  for (std::size_t i = 0; i < 24; ++i) {
    std::size_t c = (i / 4) % 3;
    expected[i] = (double(d[i]) - m[c]) / std::sqrt(double(v[c]) + 0.01) + b[c];
  }
  check_close(ex2.outputs()[0].to_vector<float>(), expected, 1e-5, 1e-5);
}

TEST_CASE("executor: simple_bind of an MXNet file with BatchNorm gives its aux_dict", "[executor]") {
  // MXNet 0.8's save_000800.json: FC-relu-FC-relu-FC-BatchNorm-SoftmaxOutput; the loader adds the
  // moving statistics the old format left out.
  Symbol s = Symbol::load(data_path("save_000800.json"));
  auto aux_names = s.list_auxiliary_states();
  REQUIRE(aux_names == strings{"batchnorm0_moving_mean", "batchnorm0_moving_var"});
  auto ex = s.simple_bind(xsym::cpu(), {{"data", {4, 20}}});
  auto aux = ex.aux_dict();
  REQUIRE(aux.size() == 2);
  CHECK(aux.at("batchnorm0_moving_mean").shape() == xsym::shape{10});
  CHECK(aux.at("batchnorm0_moving_var").shape() == xsym::shape{10});
  auto args = ex.arg_dict();
  CHECK(args.at("fc1_weight").shape() == xsym::shape{128, 20});
  CHECK(args.at("fc3_bias").shape() == xsym::shape{10});
  CHECK(args.at("softmax_label").shape() == xsym::shape{4});
  REQUIRE(ex.outputs().size() == 1);
  REQUIRE(ex.outputs()[0].shape() == xsym::shape{4, 10});

  // Fill everything, then compare with the network computed here.
  std::map<std::string, std::vector<float>> v;
  int seed = 0;
  for (auto& [name, a] : args) {
    std::vector<float> vals = values(a.size(), ++seed);
    for (float& f : vals) f *= 0.5f;
    a.copy_from(vals);
    v[name] = vals;
  }
  std::vector<float> mean = values(10, 40), var(10);
  for (std::size_t i = 0; i < 10; ++i) var[i] = 0.5f + float(i) * 0.1f;
  aux.at("batchnorm0_moving_mean").copy_from(mean);
  aux.at("batchnorm0_moving_var").copy_from(var);
  ex.forward();

  auto dense = [](const std::vector<double>& in, std::size_t rows, std::size_t in_dim, const std::vector<float>& w,
                  const std::vector<float>& b, std::size_t out_dim, bool relu) {
    std::vector<double> out(rows * out_dim);
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t j = 0; j < out_dim; ++j) {
        double acc = b[j];
        for (std::size_t k = 0; k < in_dim; ++k) acc += in[r * in_dim + k] * double(w[j * in_dim + k]);
        out[r * out_dim + j] = relu ? std::max(acc, 0.0) : acc;
      }
    return out;
  };
  std::vector<double> h(v["data"].begin(), v["data"].end());
  h = dense(h, 4, 20, v["fc1_weight"], v["fc1_bias"], 128, true);
  h = dense(h, 4, 128, v["fc2_weight"], v["fc2_bias"], 64, true);
  h = dense(h, 4, 64, v["fc3_weight"], v["fc3_bias"], 10, false);
  for (std::size_t r = 0; r < 4; ++r)  // fix_gamma=True, eps 0.001
    for (std::size_t c = 0; c < 10; ++c) {
      double& x = h[r * 10 + c];
      x = (x - mean[c]) / std::sqrt(double(var[c]) + 0.001) + v["batchnorm0_beta"][c];
    }
  std::vector<double> expected(40);
  for (std::size_t r = 0; r < 4; ++r) {
    double mx = *std::max_element(h.begin() + std::ptrdiff_t(r * 10), h.begin() + std::ptrdiff_t(r * 10 + 10));
    double sum = 0;
    for (std::size_t c = 0; c < 10; ++c) sum += std::exp(h[r * 10 + c] - mx);
    for (std::size_t c = 0; c < 10; ++c) expected[r * 10 + c] = std::exp(h[r * 10 + c] - mx) / sum;
  }
  auto got = ex.outputs()[0].to_vector<float>();
  check_close(got, expected, 1e-4, 1e-6);
  for (std::size_t r = 0; r < 4; ++r) {
    double sum = 0;
    for (std::size_t c = 0; c < 10; ++c) sum += got[r * 10 + c];
    CHECK(sum == Approx(1.0).margin(1e-5));
  }
}

// ---- groups ---------------------------------------------------------------------------------

TEST_CASE("executor: a group of outputs with different shapes", "[executor]") {
  auto x = Symbol::variable("x");
  auto y = Symbol::variable("y");
  auto r1 = xsym::exp(x) + 1.0f;
  auto r2 = y * 3.0f - xsym::cos(y);
  auto g = Symbol::group({r1, r2});
  REQUIRE(g.size() == 2);
  auto xv = values(20, 1), yv = values(7, 2);
  std::vector<double> e1(20), e2(7);
  for (std::size_t i = 0; i < 20; ++i) e1[i] = double(std::exp(xv[i]) + 1.0f);
  for (std::size_t i = 0; i < 7; ++i) e2[i] = double(yv[i] * 3.0f - std::cos(yv[i]));
  for (auto path : {execution_path::automatic, execution_path::per_op, execution_path::blocked_fused}) {
    INFO("path " << xsym::execution_path_name(path));
    auto ex = g.bind(xsym::cpu(), {{"x", f32(xv, {4, 5})}, {"y", f32(yv, {7})}}, on(path));
    if (path != execution_path::automatic) CHECK(ex.path() == path);
    REQUIRE(ex.outputs().size() == 2);
    CHECK(ex.outputs()[0].shape() == xsym::shape{4, 5});
    CHECK(ex.outputs()[1].shape() == xsym::shape{7});
    CHECK_FALSE(ex.outputs()[0].same_storage(ex.outputs()[1]));
    ex.forward();
    check_close(ex.outputs()[0].to_vector<float>(), e1);
    check_close(ex.outputs()[1].to_vector<float>(), e2);
    auto od = ex.output_dict();
    REQUIRE(od.size() == 2);
    CHECK(od.at(g.list_outputs()[0]).same_storage(ex.outputs()[0]));
    CHECK(od.at(g.list_outputs()[1]).same_storage(ex.outputs()[1]));
  }
}

TEST_CASE("executor: a group whose output is a variable gives a copy of it", "[executor]") {
  auto x = Symbol::variable("x");
  auto g = Symbol::group({x, xsym::exp(x)});
  const std::size_t n = 1001;
  for (auto path : {execution_path::automatic, execution_path::per_op, execution_path::blocked_fused}) {
    INFO("path " << xsym::execution_path_name(path));
    auto xv = values(n, 3);
    ndarray X = f32(xv);
    auto ex = g.bind(xsym::cpu(), {{"x", X}}, on(path));
    REQUIRE(ex.outputs().size() == 2);
    CHECK_FALSE(ex.outputs()[0].same_storage(X));
    ex.forward();
    check_equal(ex.outputs()[0].to_vector<float>(), xv);
    std::vector<double> e(n);
    for (std::size_t i = 0; i < n; ++i) e[i] = double(std::exp(xv[i]));
    check_close(ex.outputs()[1].to_vector<float>(), e);
    // The copy follows the argument's new contents at the next forward, and only then.
    auto x2 = values(n, 4);
    X.copy_from(x2);
    check_equal(ex.outputs()[0].to_vector<float>(), xv);
    ex.forward();
    check_equal(ex.outputs()[0].to_vector<float>(), x2);
  }
}

TEST_CASE("executor: a group with the same entry twice", "[executor]") {
  auto x = Symbol::variable("x");
  auto e = xsym::exp(x) * 0.5f;
  auto g = Symbol::group({e, e, xsym::sin(e)});
  REQUIRE(g.size() == 3);
  const std::size_t n = 100003;
  auto xv = values(n, 5);
  std::vector<double> ev(n), sv(n);
  for (std::size_t i = 0; i < n; ++i) {
    float t = std::exp(xv[i]) * 0.5f;
    ev[i] = double(t);
    sv[i] = double(std::sin(t));
  }
  for (auto path : {execution_path::automatic, execution_path::per_op, execution_path::blocked_fused}) {
    INFO("path " << xsym::execution_path_name(path));
    auto ex = g.bind(xsym::cpu(), {{"x", f32(xv)}}, on(path));
    REQUIRE(ex.outputs().size() == 3);
    CHECK_FALSE(ex.outputs()[0].same_storage(ex.outputs()[1]));
    ex.forward();
    check_close(ex.outputs()[0].to_vector<float>(), ev);
    check_close(ex.outputs()[1].to_vector<float>(), ev);
    check_close(ex.outputs()[2].to_vector<float>(), sv);
  }
  // The same variable twice.
  auto g2 = Symbol::group({x, x});
  auto ex2 = g2.bind(xsym::cpu(), {{"x", f32(values(5, 6))}});
  ex2.forward();
  check_equal(ex2.outputs()[0].to_vector<float>(), values(5, 6));
  check_equal(ex2.outputs()[1].to_vector<float>(), values(5, 6));
}

// ---- memory plan ----------------------------------------------------------------------------

namespace {
// sin exp cos square sqrt abs negative exp log1p tanh: ten unary ops, defined everywhere on
// [-1, 1], computed here in float as the kernels do.
Symbol unary_chain(const Symbol& x) {
  Symbol t = xsym::sin(x);
  t = xsym::exp(t);
  t = xsym::cos(t);
  t = xsym::square(t);
  t = xsym::sqrt(t);
  t = xsym::abs(t);
  t = xsym::negative(t);
  t = xsym::exp(t);
  t = xsym::log1p(t);
  return xsym::tanh(t);
}
std::vector<double> unary_chain(const std::vector<float>& x) {
  std::vector<double> r(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    float t = std::sin(x[i]);
    t = std::exp(t);
    t = std::cos(t);
    t = t * t;
    t = std::sqrt(t);
    t = std::abs(t);
    t = -t;
    t = std::exp(t);
    t = std::log1p(t);
    r[i] = double(std::tanh(t));
  }
  return r;
}
}  // namespace

TEST_CASE("executor: a per_op chain of unary ops reuses its intermediate buffers", "[executor]") {
  auto x = Symbol::variable("x");
  Symbol chain = unary_chain(x);
  const std::size_t n = 100000;
  const std::size_t array_bytes = n * sizeof(float);
  auto xv = values(n, 7);
  ndarray X = f32(xv);
  auto ex = chain.bind(xsym::cpu(), {{"x", X}}, on(execution_path::per_op));
  CHECK(ex.path() == execution_path::per_op);
  CHECK_THAT(ex.path_description(), Catch::Contains("10 nodes"));
  // Nine intermediates, none of them kept alive together: at most two arrays' worth (one when
  // every op runs in place), and some memory since intermediates exist.
  INFO(ex.path_description());
  CHECK(ex.intermediate_bytes() > 0);
  CHECK(ex.intermediate_bytes() <= 2 * array_bytes);
  ex.forward();
  check_close(ex.outputs()[0].to_vector<float>(), unary_chain(xv), 1e-5, 1e-6);
  check_equal(X.to_vector<float>(), xv);  // never written in place
  ex.forward();
  check_close(ex.outputs()[0].to_vector<float>(), unary_chain(xv), 1e-5, 1e-6);
}

TEST_CASE("executor: a blocked_fused chain holds no full-size intermediate", "[executor]") {
  auto x = Symbol::variable("x");
  Symbol chain = unary_chain(x);
  const std::size_t n = 1000000;
  auto xv = values(n, 8);
  auto ex = chain.bind(xsym::cpu(), {{"x", f32(xv)}}, on(execution_path::blocked_fused));
  CHECK(ex.path() == execution_path::blocked_fused);
  INFO(ex.path_description());
  CHECK_THAT(ex.path_description(), Catch::Contains("1 elementwise region"));
  CHECK(ex.intermediate_bytes() < n * sizeof(float));
  ex.forward();
  check_close(ex.outputs()[0].to_vector<float>(), unary_chain(xv), 1e-5, 1e-6);
}

TEST_CASE("executor: a diamond graph is computed correctly on every path", "[executor]") {
  auto x = Symbol::variable("x");
  auto t = xsym::exp(x);
  auto u = t + xsym::sin(t);
  // A longer diamond: t is read by three nodes at different depths, s by two.
  auto s = xsym::cos(t) * t;
  auto w = (s + xsym::sqrt(s * s + 1.0f)) - t * s;
  for (std::size_t n : {std::size_t(1), std::size_t(1001), std::size_t(100003)}) {
    auto xv = values(n, 9);
    std::vector<double> eu(n), ew(n);
    for (std::size_t i = 0; i < n; ++i) {
      float tf = std::exp(xv[i]);
      eu[i] = double(tf + std::sin(tf));
      float sf = std::cos(tf) * tf;
      ew[i] = double((sf + std::sqrt(sf * sf + 1.0f)) - tf * sf);
    }
    for (auto path : {execution_path::automatic, execution_path::per_op, execution_path::blocked_fused}) {
      INFO("n " << n << " path " << xsym::execution_path_name(path));
      auto ex = u.bind(xsym::cpu(), {{"x", f32(xv)}}, on(path));
      ex.forward();
      check_close(ex.outputs()[0].to_vector<float>(), eu);
      auto ex2 = w.bind(xsym::cpu(), {{"x", f32(xv)}}, on(path));
      ex2.forward();
      check_close(ex2.outputs()[0].to_vector<float>(), ew, 1e-5, 1e-5);
      // Both in one group: intermediates shared between two outputs.
      auto ex3 = Symbol::group({u, w}).bind(xsym::cpu(), {{"x", f32(xv)}}, on(path));
      ex3.forward();
      check_close(ex3.outputs()[0].to_vector<float>(), eu);
      check_close(ex3.outputs()[1].to_vector<float>(), ew, 1e-5, 1e-5);
    }
  }
}

TEST_CASE("executor: a per_op intermediate read as both inputs of a node", "[executor]") {
  // t * t where t dies at the _mul: writing the product over t must still read t correctly, and
  // a second intermediate of another size must not take a too small buffer.
  auto x = Symbol::variable("x");
  auto y = Symbol::variable("y");
  auto t = xsym::exp(x);
  auto p = t * t + 1.0f;
  auto q = xsym::sin(y) * 2.0f;
  auto g = Symbol::group({p, q});
  auto xv = values(1000, 10), yv = values(3000, 11);
  std::vector<double> ep(1000), eq(3000);
  for (std::size_t i = 0; i < 1000; ++i) {
    float tf = std::exp(xv[i]);
    ep[i] = double(tf * tf + 1.0f);
  }
  for (std::size_t i = 0; i < 3000; ++i) eq[i] = double(std::sin(yv[i]) * 2.0f);
  for (auto path : interpreted_paths) {
    INFO("path " << xsym::execution_path_name(path));
    auto ex = g.bind(xsym::cpu(), {{"x", f32(xv)}, {"y", f32(yv)}}, on(path));
    ex.forward();
    check_close(ex.outputs()[0].to_vector<float>(), ep);
    check_close(ex.outputs()[1].to_vector<float>(), eq);
  }
}

TEST_CASE("executor: smooth_l1 from MXNet's JSON on every path, its scalar 1 by default, clip's bounds required",
          "[executor]") {
  // What `mx.sym.smooth_l1(data, scalar=2.0, name='loss')` writes, with a plus to fuse into.
  const std::string json = R"({
  "nodes": [
    {"op": "null", "name": "data", "inputs": []},
    {"op": "smooth_l1", "name": "loss", "attrs": {"scalar": "2.0"}, "inputs": [[0, 0, 0]]},
    {"op": "_plus_scalar", "name": "_plusscalar0", "attrs": {"scalar": "1"}, "inputs": [[1, 0, 0]]}
  ],
  "arg_nodes": [0],
  "node_row_ptr": [0, 1, 2, 3],
  "heads": [[2, 0, 0]],
  "attrs": {"mxnet_version": ["int", 10900]}
})";
  Symbol s = Symbol::from_json(json);
  CHECK(s.to_json().find(R"("attrs": {"scalar": "2.0"})") != std::string::npos);
  const std::size_t n = 3000;
  std::vector<float> xv = values(n, 3);
  std::vector<double> want(n);
  for (std::size_t k = 0; k < n; ++k) {  // sigma^2 = 4: quadratic for |x| < 0.25
    const double x = xv[k], ax = std::fabs(x);
    want[k] = (ax < 0.25 ? 2.0 * x * x : ax - 0.125) + 1.0;
  }
  for (auto path : interpreted_paths) {
    INFO("path " << xsym::execution_path_name(path));
    auto ex = s.bind(xsym::cpu(), {{"data", f32(xv)}}, on(path));
    ex.forward();
    check_close(ex.outputs()[0].to_vector<float>(), want, 1e-6, 1e-7);
  }
  // Without its scalar, sigma is MXNet 1.9's default (NumpyBinaryScalarParam's scalar = 1).
  std::string bare = json;
  const std::string attrs = R"("attrs": {"scalar": "2.0"}, )";
  bare.replace(bare.find(attrs), attrs.size(), "");
  auto ex = Symbol::from_json(bare).bind(xsym::cpu(), {{"data", f32(xv)}}, on(execution_path::per_op));
  ex.forward();
  for (std::size_t k = 0; k < n; ++k) {
    const double x = xv[k], ax = std::fabs(x);
    want[k] = (ax < 1 ? 0.5 * x * x : ax - 0.5) + 1.0;
  }
  check_close(ex.outputs()[0].to_vector<float>(), want, 1e-6, 1e-7);
  // clip's bounds have no default: a missing one is an error naming the node and the attribute.
  auto x = Symbol::variable("x");
  Symbol clipped = Symbol::create("clip", {x}, {{"a_min", "0"}}, "bounded");
  try {
    (void)clipped.bind(xsym::cpu(), {{"x", f32(xv)}}, on(execution_path::per_op));
    FAIL("bound a clip node without a_max");
  } catch (const xsym::error& e) {
    CHECK_THAT(e.what(), Catch::Contains("'bounded'") && Catch::Contains("'a_max'") && Catch::Contains("missing"));
  }
}

TEST_CASE("executor: mixed dtypes through Cast on the interpreted paths", "[executor]") {
  auto x = Symbol::variable("x");
  auto r = xsym::cast(xsym::exp(x), xsym::dtype::float64) * 2.0;
  auto i = xsym::cast(xsym::clip(x * 10.0f, -5, 5), xsym::dtype::int32) + 1;
  auto g = Symbol::group({r, i});
  const std::size_t n = 5000;
  auto xv = values(n, 12);
  std::vector<double> er(n);
  std::vector<std::int32_t> ei(n);
  for (std::size_t k = 0; k < n; ++k) {
    er[k] = double(std::exp(xv[k])) * 2.0;
    float c = std::min(std::max(xv[k] * 10.0f, -5.0f), 5.0f);
    ei[k] = std::int32_t(c) + 1;
  }
  for (auto path : {execution_path::automatic, execution_path::per_op, execution_path::blocked_fused}) {
    INFO("path " << xsym::execution_path_name(path));
    xsym::bind_options o = on(path);
    o.block_size = 256;
    auto ex = g.bind(xsym::cpu(), {{"x", f32(xv)}}, o);
    REQUIRE(ex.outputs()[0].dtype() == xsym::dtype::float64);
    REQUIRE(ex.outputs()[1].dtype() == xsym::dtype::int32);
    ex.forward();
    check_close(ex.outputs()[0].to_vector<double>(), er, 1e-6, 1e-7);
    check_equal(ex.outputs()[1].to_vector<std::int32_t>(), ei);
  }
}

// ---- sizes ----------------------------------------------------------------------------------

TEST_CASE("executor: sizes 0 1 1001 and 100003 on every path", "[executor]") {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto c = xsym::variable<"C">();
  Symbol s = xsym::exp(a) * b + c;  // converted: runs on all three paths
  Symbol loaded = Symbol::from_json(s.to_json());
  for (std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(1001), std::size_t(100003)}) {
    auto av = values(n, 13), bv = values(n, 14), cv = values(n, 15);
    std::vector<double> expected(n);
    for (std::size_t i = 0; i < n; ++i) expected[i] = double(std::exp(av[i]) * bv[i] + cv[i]);
    for (auto path : {execution_path::automatic, execution_path::static_fused, execution_path::blocked_fused,
                      execution_path::per_op}) {
      INFO("n " << n << " path " << xsym::execution_path_name(path));
      auto ex = s.bind(xsym::cpu(), {{"A", f32(av)}, {"B", f32(bv)}, {"C", f32(cv)}}, on(path));
      CHECK(ex.path() == (path == execution_path::automatic ? execution_path::static_fused : path));
      REQUIRE(ex.outputs().size() == 1);
      CHECK(ex.outputs()[0].shape() == xsym::shape{std::int64_t(n)});
      ex.forward();
      check_close(ex.outputs()[0].to_vector<float>(), expected, 1e-5, 1e-6);
      if (path != execution_path::static_fused) {
        auto ex2 = loaded.bind(xsym::cpu(), {{"A", f32(av)}, {"B", f32(bv)}, {"C", f32(cv)}}, on(path));
        ex2.forward();
        check_close(ex2.outputs()[0].to_vector<float>(), expected, 1e-5, 1e-6);
      }
    }
  }
}

TEST_CASE("executor: a multi-dimensional empty array binds and runs", "[executor]") {
  auto x = Symbol::variable("x");
  auto y = Symbol::variable("y");
  auto r = xsym::exp(x) + y;
  for (auto path : interpreted_paths) {
    INFO("path " << xsym::execution_path_name(path));
    auto ex = r.bind(xsym::cpu(), {{"x", ndarray::zeros({3, 0, 2})}, {"y", ndarray::zeros({3, 0, 2})}}, on(path));
    ex.forward();
    CHECK(ex.outputs()[0].shape() == xsym::shape{3, 0, 2});
    CHECK(ex.outputs()[0].size() == 0);
  }
}

// ---- a real model ---------------------------------------------------------------------------

namespace {
// NCHW valid convolution with bias, batch 1.
std::vector<double> conv2d(const std::vector<double>& in, std::size_t c_in, std::size_t h, std::size_t w,
                           const std::vector<float>& weight, const std::vector<float>& bias, std::size_t filters,
                           std::size_t k) {
  std::size_t oh = h - k + 1, ow = w - k + 1;
  std::vector<double> out(filters * oh * ow);
  for (std::size_t f = 0; f < filters; ++f)
    for (std::size_t y = 0; y < oh; ++y)
      for (std::size_t x = 0; x < ow; ++x) {
        double acc = bias[f];
        for (std::size_t c = 0; c < c_in; ++c)
          for (std::size_t i = 0; i < k; ++i)
            for (std::size_t j = 0; j < k; ++j)
              acc += in[(c * h + y + i) * w + x + j] * double(weight[((f * c_in + c) * k + i) * k + j]);
        out[(f * oh + y) * ow + x] = acc;
      }
  return out;
}
std::vector<double> relu(std::vector<double> v) {
  for (double& x : v) x = std::max(x, 0.0);
  return v;
}
// 2x2 max pooling, stride 2, valid.
std::vector<double> max_pool2(const std::vector<double>& in, std::size_t c, std::size_t h, std::size_t w) {
  std::size_t oh = h / 2, ow = w / 2;
  std::vector<double> out(c * oh * ow);
  for (std::size_t ch = 0; ch < c; ++ch)
    for (std::size_t y = 0; y < oh; ++y)
      for (std::size_t x = 0; x < ow; ++x) {
        double m = in[(ch * h + 2 * y) * w + 2 * x];
        for (std::size_t i = 0; i < 2; ++i)
          for (std::size_t j = 0; j < 2; ++j) m = std::max(m, in[(ch * h + 2 * y + i) * w + 2 * x + j]);
        out[(ch * oh + y) * ow + x] = m;
      }
  return out;
}
std::vector<double> dense(const std::vector<double>& in, const std::vector<float>& w, const std::vector<float>& b,
                          std::size_t out_dim) {
  std::vector<double> out(out_dim);
  for (std::size_t j = 0; j < out_dim; ++j) {
    double acc = b[j];
    for (std::size_t k = 0; k < in.size(); ++k) acc += in[k] * double(w[j * in.size() + k]);
    out[j] = acc;
  }
  return out;
}
}  // namespace

TEST_CASE("executor: lenet from MXNet runs forward and its softmax sums to one", "[executor]") {
  Symbol lenet = Symbol::load(data_path("lenet-symbol.json"));
  const std::string p = "hybridsequential0_";
  REQUIRE(lenet.list_arguments() ==
          strings{"data", p + "conv0_weight", p + "conv0_bias", p + "conv1_weight", p + "conv1_bias",
                  p + "dense0_weight", p + "dense0_bias", p + "dense1_weight", p + "dense1_bias"});
  // softmax over the logits, on top of the loaded graph.
  Symbol probabilities = Symbol::create("softmax", {lenet}, {}, "prob");
  Symbol both = Symbol::group({lenet, probabilities});

  for (auto path : {execution_path::automatic, execution_path::per_op, execution_path::blocked_fused}) {
    INFO("path " << xsym::execution_path_name(path));
    auto ex = both.simple_bind(xsym::cpu(), {{"data", {1, 1, 28, 28}}}, {}, on(path));
    auto args = ex.arg_dict();
    CHECK(args.at(p + "conv0_weight").shape() == xsym::shape{5, 1, 5, 5});
    CHECK(args.at(p + "conv1_weight").shape() == xsym::shape{5, 5, 5, 5});
    CHECK(args.at(p + "dense0_weight").shape() == xsym::shape{32, 80});
    CHECK(args.at(p + "dense1_weight").shape() == xsym::shape{10, 32});
    std::map<std::string, std::vector<float>> v;
    int seed = 0;
    for (auto& [name, a] : args) {
      std::vector<float> vals(a.size());
      ++seed;
      for (std::size_t i = 0; i < vals.size(); ++i)
        vals[i] = name == "data" ? float((i * 7) % 13) / 13.0f
                                 : float(std::int64_t((i * 5 + std::size_t(seed) * 3) % 17) - 8) * 0.02f;
      a.copy_from(vals);
      v[name] = vals;
    }
    ex.forward();
    REQUIRE(ex.outputs().size() == 2);
    REQUIRE(ex.outputs()[0].shape() == xsym::shape{1, 10});
    REQUIRE(ex.outputs()[1].shape() == xsym::shape{1, 10});

    std::vector<double> h(v["data"].begin(), v["data"].end());
    h = max_pool2(relu(conv2d(h, 1, 28, 28, v[p + "conv0_weight"], v[p + "conv0_bias"], 5, 5)), 5, 24, 24);
    h = max_pool2(relu(conv2d(h, 5, 12, 12, v[p + "conv1_weight"], v[p + "conv1_bias"], 5, 5)), 5, 8, 8);
    REQUIRE(h.size() == 80);
    h = relu(dense(h, v[p + "dense0_weight"], v[p + "dense0_bias"], 32));
    std::vector<double> logits = dense(h, v[p + "dense1_weight"], v[p + "dense1_bias"], 10);
    double spread = *std::max_element(logits.begin(), logits.end()) - *std::min_element(logits.begin(), logits.end());
    REQUIRE(spread > 1e-3);  // the check below means something
    check_close(ex.outputs()[0].to_vector<float>(), logits, 1e-4, 1e-5);

    auto prob = ex.outputs()[1].to_vector<float>();
    double sum = 0;
    for (float q : prob) sum += q;
    CHECK(sum == Approx(1.0).margin(1e-5));
    double mx = *std::max_element(logits.begin(), logits.end()), z = 0;
    for (double l : logits) z += std::exp(l - mx);
    std::vector<double> expected(10);
    for (std::size_t k = 0; k < 10; ++k) expected[k] = std::exp(logits[k] - mx) / z;
    check_close(prob, expected, 1e-4, 1e-6);
  }
}

TEST_CASE("executor: the dicts keep list_arguments and list_outputs order, as MXNet's", "[executor]") {
  auto z = Symbol::variable("z");
  auto a = Symbol::variable("a");
  xsym::name_scope scope;
  Symbol zz = xsym::exp(z);
  Symbol aa = xsym::sin(a);
  auto g = xsym::group(zz, aa);  // outputs exp0_output, sin0_output; arguments z, a
  REQUIRE(g.list_arguments() == strings{"z", "a"});
  auto ex = g.bind(xsym::cpu(), {{"a", f32(values(3, 1))}, {"z", f32(values(3, 2))}});
  CHECK(ex.arg_dict().keys() == strings{"z", "a"});
  CHECK(ex.output_dict().keys() == g.list_outputs());
  auto reversed = xsym::Group(aa, zz);
  auto rex = reversed.bind(xsym::cpu(), {{"a", f32(values(3, 1))}, {"z", f32(values(3, 2))}});
  CHECK(rex.output_dict().keys() == strings{"sin0_output", "exp0_output"});
  CHECK(rex.arg_dict().keys() == strings{"a", "z"});
  // A name that is not there is an error naming it and those that are.
  CHECK_THROWS_WITH(rex.output_dict().at("cos0_output"),
                    "xsym::array_dict: no array named 'cos0_output'; the names are sin0_output, exp0_output");
  CHECK_THROWS_WITH(rex.aux_dict().at("m"), "xsym::array_dict: no array named 'm'; the names are none");
}

TEST_CASE("executor: group and Group accept a list or the symbols themselves", "[symbol]") {
  auto x = Symbol::variable("x");
  auto y = Symbol::variable("y");
  for (const Symbol& g : {xsym::group(x, y), xsym::Group(x, y), xsym::group({x, y}), xsym::Group({x, y})})
    CHECK(g.list_outputs() == strings{"x", "y"});
  // A static graph converts on the way.
  CHECK(xsym::group(x, xsym::variable<"w">()).list_outputs() == strings{"x", "w"});
}
