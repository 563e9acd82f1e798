// The runtime Symbol on a GPU: Symbol::bind(gpu(0), ...) runs per op through the CUDA layer's
// elementwise kernels (cuda/src/elementwise_*.cu), and must agree with the CPU's per-op path for
// every op of the operator table and every element type. Skipped (exit 77) without a GPU;
// tests/nvcc/symbol_gpu_errors_test.cu covers what needs no GPU.
//
// How close the GPU must come to the CPU:
// - bitwise (NaN equal to NaN, whatever its payload) for every op whose result is exact by
//   construction: + - * / %, comparisons, maximum/minimum, rounding, sign, abs, relu, clip, Cast,
//   and the IEEE-rounded sqrt, 1/x, 1/sqrt(x), x*180/pi, x/(1+|x|) (nvcc's defaults
//   -prec-div=true -prec-sqrt=true, and --fmad=false as on the CPU's -ffp-contract=off);
// - for the libm functions (exp, sin, pow, hypot, erf, ...): CUDA documents at most 4 ulp for
//   float (CUDA C++ Programming Guide, "Mathematical Functions": tanf, acoshf, powf 4; erff,
//   expf 2; ...) and at most 3 ulp for double (asinh, acosh 3; pow, erf 2; ...), and glibc's
//   own functions are off by up to 2 (float) and 4 (double cbrt) ulp: 6 ulp between the two;
//   tgamma has the widest bounds (CUDA 5 ulp float, 10 ulp double; glibc up to 9): 16 / 24 ulp;
// - integer types: bitwise where the op is exact; an op computed in double (exp, log, ...) may
//   round to the neighbouring integer when the two libraries' doubles straddle one, so
//   |gpu - cpu| <= 1 + |cpu| * 2^-45 there.
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <catch2/catch.hpp>
#include <xsym/xsym.hpp>
#include <xsym/cuda.cuh>

#include "../support/sample_values.hpp"
#include "../support/ulps.hpp"

using Catch::Matchers::Contains;
using xsym::execution_path;
using xsym::ndarray;
using xsym::Symbol;

namespace {

constexpr std::size_t sizes[] = {0, 1, 1001, (std::size_t(1) << 20) + 3};

// Deterministic inputs, the same as tests/symbol/executor_agreement_test.cpp's.
using xsym_test::sample;

template <class T>
ndarray on(const std::vector<T>& v, xsym::context ctx) {
  return ndarray::array<T>(v, xsym::shape{std::int64_t(v.size())}, ctx);
}

// ---- what each op must match: see the bounds at the top --------------------------------------
enum class accuracy { exact, libm, gamma };

template <class Op>
constexpr accuracy accuracy_of() {
  namespace o = xsym::ops;
  if constexpr (std::is_same_v<Op, o::gamma>)
    return accuracy::gamma;
  else if constexpr (std::is_same_v<Op, o::sqrt> || std::is_same_v<Op, o::rsqrt> || std::is_same_v<Op, o::reciprocal> ||
                     std::is_same_v<Op, o::degrees> || std::is_same_v<Op, o::radians> ||
                     std::is_same_v<Op, o::softsign>)
    return accuracy::exact;  // IEEE-rounded operations only
  else if constexpr (std::is_same_v<Op, o::power>)
    return accuracy::libm;  // exact for integers, std::pow for floats
  else
    return Op::integer_rule == o::integers::exact ? accuracy::exact : accuracy::libm;
}

using xsym_test::ulps;

template <class T>
bool close(T g, T w, accuracy acc) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(w) || std::isnan(g)) return std::isnan(w) && std::isnan(g);
    using bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    if (acc == accuracy::exact || std::isinf(w) || std::isinf(g))
      return std::bit_cast<bits>(g) == std::bit_cast<bits>(w);
    std::uint64_t bound = acc == accuracy::gamma ? (sizeof(T) == 4 ? 16 : 24) : 6;
    return ulps(g, w) <= bound;
  } else {
    if (acc == accuracy::exact) return g == w;
    const double d = std::abs(double(g) - double(w));
    return d <= 1 + std::abs(double(w)) * 0x1p-45;
  }
}

void compare(const ndarray& got, const ndarray& want, accuracy acc, const std::string& what) {
  INFO(what);
  REQUIRE(got.context() == xsym::gpu(0));
  REQUIRE(got.dtype() == want.dtype());
  REQUIRE(got.shape() == want.shape());
  xsym::visit_element_type(want.dtype(), [&]<class T>(T) {
    auto g = got.to_vector<T>(), w = want.to_vector<T>();
    for (std::size_t i = 0; i < w.size(); ++i)
      if (!close(g[i], w[i], acc)) {
        INFO("element " << i << " is " << +g[i] << " on the GPU, " << +w[i] << " on the CPU");
        REQUIRE(close(g[i], w[i], acc));
      }
  });
}

// ---- every op of the table as one runtime graph over x (and y) -------------------------------
struct op_graph {
  std::vector<Symbol> outputs;
  std::vector<std::string> names;
  std::vector<accuracy> accuracies;
  void add(Symbol s, std::string_view name, accuracy a) {
    outputs.push_back(std::move(s));
    names.emplace_back(name);
    accuracies.push_back(a);
  }
};

template <class T>
op_graph every_op() {
  namespace o = xsym::ops;
  auto x = Symbol::variable("x"), y = Symbol::variable("y");
  op_graph g;
  [&]<class... U>(xsym::type_list<U...>) {
    (g.add(Symbol::create(U::names.mxnet, {x}), U::names.mxnet, accuracy_of<U>()), ...);
  }(o::unary_ops{});
  const std::string scalar = std::is_integral_v<T> ? "3" : "1.5";
  [&]<class... B>(xsym::type_list<B...>) {
    (g.add(Symbol::create(B::names.mxnet, {x, y}), B::names.mxnet, accuracy_of<B>()), ...);
    (g.add(Symbol::create(o::scalar<B, false>::names.mxnet, {x}, {{"scalar", scalar}}),
           o::scalar<B, false>::names.mxnet, accuracy_of<B>()),
     ...);
    (g.add(Symbol::create(o::scalar<B, true>::names.mxnet, {x}, {{"scalar", scalar}}),
           std::string(o::scalar<B, true>::names.mxnet) + " (reversed)", accuracy_of<B>()),
     ...);
  }(o::binary_ops{});
  g.add(Symbol::create("clip", {x}, {{"a_min", "-1.5"}, {"a_max", "2"}}), "clip", accuracy::exact);
  [&]<class... To>(xsym::type_list<To...>) {
    (g.add(Symbol::create("Cast", {x}, {{"dtype", std::string(xsym::dtype_name(xsym::dtype_of<To>))}}),
           "Cast to " + std::string(xsym::dtype_name(xsym::dtype_of<To>)), accuracy::exact),
     ...);
  }(xsym::element_types{});
  return g;
}

}  // namespace

TEMPLATE_TEST_CASE("every op of the table on gpu(0) equals the CPU per-op path", "[cuda][symbol]", float, double,
                   std::uint8_t, std::int8_t, std::int32_t, std::int64_t) {
  using T = TestType;
  const op_graph ops = every_op<T>();
  const Symbol all = Symbol::group(ops.outputs);
  for (std::size_t n : sizes) {
    INFO(xsym::dtype_name(xsym::dtype_of<T>) << ", " << n << " elements");
    const auto x = sample<T>(n, 1), y = sample<T>(n, 2);
    auto cpu = all.bind(xsym::cpu(0), {{"x", on(x, xsym::cpu(0))}, {"y", on(y, xsym::cpu(0))}},
                        {.path = execution_path::per_op});
    auto gpu = all.bind(xsym::gpu(0), {{"x", on(x, xsym::gpu(0))}, {"y", on(y, xsym::gpu(0))}});
    REQUIRE(gpu.path() == execution_path::per_op);
    REQUIRE(gpu.context() == xsym::gpu(0));
    REQUIRE_THAT(gpu.path_description(), Contains("per-op CUDA kernels on gpu(0) ("));
    cpu.forward();
    gpu.forward();
    REQUIRE(gpu.outputs().size() == ops.names.size());
    for (std::size_t k = 0; k < ops.names.size(); ++k)
      compare(gpu.outputs()[k], cpu.outputs()[k], ops.accuracies[k], ops.names[k]);
  }
}

TEST_CASE("a Symbol on gpu(0) plans its intermediates as on the CPU and reports the path", "[cuda][symbol]") {
  auto a = Symbol::variable("a"), b = Symbol::variable("b"), c = Symbol::variable("c"), d = Symbol::variable("d");
  auto e = a * b + c * d;
  const std::vector<float> v{1, 2, 3, 4, 5};
  std::map<std::string, ndarray> cpu_args, gpu_args;
  for (const char* name : {"a", "b", "c", "d"}) {
    cpu_args.emplace(name, on(v, xsym::cpu(0)));
    gpu_args.emplace(name, on(v, xsym::gpu(0)));
  }
  auto cpu = e.bind(xsym::cpu(0), cpu_args, {.path = execution_path::per_op});
  auto gpu = e.bind(xsym::gpu(0), gpu_args);  // automatic: per_op on a GPU
  REQUIRE(gpu.path() == execution_path::per_op);
  REQUIRE(gpu.path_description() == "per-op CUDA kernels on gpu(0) (3 nodes, 2 intermediate buffers)");
  REQUIRE(gpu.intermediate_bytes() == cpu.intermediate_bytes());
  REQUIRE(gpu.stream() != nullptr);
  gpu.forward();
  REQUIRE(gpu.outputs()[0].to_vector<float>() == std::vector<float>{2, 8, 18, 32, 50});

  // In place: a chain of unary ops needs one intermediate buffer at most.
  auto x = Symbol::variable("x");
  auto chain = xsym::sqrt(xsym::abs(xsym::negative(x) * 4.0f) + 1.0f) - 1.0f;
  auto X = on(std::vector<float>{0, 2, 6, 12}, xsym::gpu(0));
  auto cex = chain.bind(xsym::gpu(0), {{"x", X}});
  REQUIRE(cex.path_description() == "per-op CUDA kernels on gpu(0) (6 nodes, 1 intermediate buffer)");
  cex.forward();
  REQUIRE(cex.outputs()[0].to_vector<float>() == std::vector<float>{0, 2, 4, 6});

  // Rewriting an input between forwards: the upload waits for the kernels that read it, the
  // next forward sees the new values.
  X.copy_from(std::vector<float>{2, 6, 12, 20});
  cex.forward();
  REQUIRE(cex.outputs()[0].to_vector<float>() == std::vector<float>{2, 4, 6, 8});
}

TEST_CASE("a Symbol converted from a static graph runs per op on gpu(0)", "[cuda][symbol]") {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  Symbol s = xsym::exp(a) * 2.0 + b;  // keeps the static graph's CPU loops, which a GPU does not run
  auto A = on(std::vector<double>{0, 1, -1}, xsym::gpu(0));
  auto B = on(std::vector<double>{1, 2, 3}, xsym::gpu(0));
  auto ex = s.bind(xsym::gpu(0), {{"A", A}, {"B", B}});
  REQUIRE(ex.path() == execution_path::per_op);
  ex.forward();
  auto got = ex.outputs()[0].to_vector<double>();
  const std::vector<double> want{3, 2 * std::exp(1.0) + 2, 2 * std::exp(-1.0) + 3};
  for (std::size_t i = 0; i < want.size(); ++i) REQUIRE(close(got[i], want[i], accuracy::libm));
}

TEST_CASE("a Symbol's gradients on gpu(0) equal the CPU's, write and add", "[cuda][symbol][gradient]") {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto t = xsym::exp(a * 0.5);
  Symbol s = xsym::tanh(t * b) * t + xsym::maximum(a, b) / (xsym::cast<float>(b) + 3.0f) - xsym::clip(a, -0.5, 0.5);
  const std::size_t n = (std::size_t(1) << 16) + 5;
  std::vector<float> av(n), bv(n), hv(n);
  for (std::size_t i = 0; i < n; ++i)
    av[i] = std::sin(float(i) * 0.37f), bv[i] = std::cos(float(i) * 0.11f), hv[i] = 0.5f + float(i % 7) / 8;
  std::map<std::string, std::vector<float>> got[2];
  for (int device = 0; device < 2; ++device) {
    const xsym::context ctx = device ? xsym::gpu(0) : xsym::cpu(0);
    auto ga = on(std::vector<float>(n, 0.0f), ctx), gb = on(std::vector<float>(n, 1.0f), ctx);
    auto ex = s.bind(ctx, {{"A", on(av, ctx)}, {"B", on(bv, ctx)}},
                     {.path = execution_path::per_op,
                      .args_grad = {{"A", ga}, {"B", gb}},
                      .grad_req = {{"A", xsym::grad_req::write}, {"B", xsym::grad_req::add}}});
    ex.forward(true);
    ex.backward({on(hv, ctx)});
    got[device] = {{"A", ga.to_vector<float>()}, {"B", gb.to_vector<float>()}};
  }
  // Each node within its libm bound, a chain of them within a few of float's epsilon.
  for (const char* name : {"A", "B"})
    for (std::size_t i = 0; i < n; ++i) {
      INFO(name << "[" << i << "]: gpu " << got[1][name][i] << ", cpu " << got[0][name][i]);
      REQUIRE(std::abs(got[1][name][i] - got[0][name][i]) <= 2e-6f * (1 + std::abs(got[0][name][i])));
    }
}

TEST_CASE("an elementwise graph loaded from MXNet JSON runs on gpu(0) as on the CPU", "[cuda][symbol]") {
  // Outputs: a Cast of a chain of ops, an intermediate that is also read later (_mul0), and a
  // variable (a), which the executor copies with a kernel.
  const Symbol s = Symbol::from_json(R"({
  "nodes": [
    {"op": "null", "name": "a", "inputs": []},
    {"op": "null", "name": "b", "inputs": []},
    {"op": "elemwise_mul", "name": "_mul0", "inputs": [[0, 0, 0], [1, 0, 0]]},
    {"op": "sqrt", "name": "sqrt0", "inputs": [[1, 0, 0]]},
    {"op": "elemwise_add", "name": "_plus0", "inputs": [[2, 0, 0], [3, 0, 0]]},
    {"op": "_mul_scalar", "name": "_mulscalar0", "attrs": {"scalar": "0.5"}, "inputs": [[4, 0, 0]]},
    {"op": "_rminus_scalar", "name": "_rminusscalar0", "attrs": {"scalar": "1"}, "inputs": [[5, 0, 0]]},
    {"op": "clip", "name": "clip0", "attrs": {"a_max": "3", "a_min": "-2"}, "inputs": [[6, 0, 0]]},
    {"op": "Cast", "name": "cast0", "attrs": {"dtype": "float64"}, "inputs": [[7, 0, 0]]}
  ],
  "arg_nodes": [0, 1],
  "node_row_ptr": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  "heads": [[8, 0, 0], [2, 0, 0], [0, 0, 0]],
  "attrs": {"mxnet_version": ["int", 10600]}
})");
  for (std::size_t n : sizes) {
    INFO(n << " elements");
    const auto a = sample<float>(n, 3), b = sample<float>(n, 4);
    auto cpu = s.bind(xsym::cpu(0), {{"a", on(a, xsym::cpu(0))}, {"b", on(b, xsym::cpu(0))}},
                      {.path = execution_path::per_op});
    auto gpu = s.bind(xsym::gpu(0), {{"a", on(a, xsym::gpu(0))}, {"b", on(b, xsym::gpu(0))}});
    cpu.forward();
    gpu.forward();
    const auto names = s.list_outputs();
    REQUIRE(gpu.outputs().size() == 3);
    REQUIRE(gpu.outputs()[0].dtype() == xsym::dtype::float64);
    for (std::size_t k = 0; k < names.size(); ++k)
      compare(gpu.outputs()[k], cpu.outputs()[k], accuracy::exact, names[k]);
  }
}

TEST_CASE("several runtime executors run on their own streams at once", "[cuda][symbol][streams]") {
  auto x = Symbol::variable("x"), y = Symbol::variable("y");
  auto f = xsym::maximum(x * y, x + y) - 1.0f;
  const std::size_t n = 100003;
  std::vector<xsym::Executor> executors;
  std::vector<std::vector<float>> want;
  for (int k = 0; k < 4; ++k) {
    auto xv = sample<float>(n, 10 + std::uint64_t(k)), yv = sample<float>(n, 20 + std::uint64_t(k));
    auto cpu = f.bind(xsym::cpu(0), {{"x", on(xv, xsym::cpu(0))}, {"y", on(yv, xsym::cpu(0))}},
                      {.path = execution_path::per_op});
    cpu.forward();
    want.push_back(cpu.outputs()[0].to_vector<float>());
    executors.push_back(f.bind(xsym::gpu(0), {{"x", on(xv, xsym::gpu(0))}, {"y", on(yv, xsym::gpu(0))}}));
  }
  for (std::size_t i = 0; i < executors.size(); ++i)
    for (std::size_t j = i + 1; j < executors.size(); ++j) REQUIRE(executors[i].stream() != executors[j].stream());
  for (int round = 0; round < 3; ++round)
    for (auto& ex : executors) ex.forward();  // all enqueued before any is read
  for (std::size_t k = 0; k < executors.size(); ++k) {
    auto got = executors[k].outputs()[0].to_vector<float>();
    REQUIRE(got.size() == n);
    for (std::size_t i = 0; i < n; ++i)
      if (!close(got[i], want[k][i], accuracy::exact)) REQUIRE(close(got[i], want[k][i], accuracy::exact));
  }
}

TEST_CASE("a runtime executor runs on a stream the caller passes", "[cuda][symbol][streams]") {
  auto x = Symbol::variable("x");
  auto f = x * 2.0f + 1.0f;
  auto X = on(std::vector<float>{1, 2, 3}, xsym::gpu(0));
  auto ex = f.bind(xsym::gpu(0), {{"x", X}});
  void* own = ex.stream();
  REQUIRE(own != nullptr);
  xsym::cuda::stream mine(0);
  ex.set_stream(mine.get());
  REQUIRE(ex.stream() == static_cast<void*>(mine.get()));
  ex.forward();
  mine.synchronize();
  REQUIRE(ex.outputs()[0].to_vector<float>() == std::vector<float>{3, 5, 7});
  ex.set_stream(nullptr);  // back to its own
  REQUIRE(ex.stream() == own);
  X.copy_from(std::vector<float>{0, 10, 20});
  ex.forward();
  xsym::cuda::wait_to_read(ex.outputs()[0]);
  REQUIRE(ex.outputs()[0].to_vector<float>() == std::vector<float>{1, 21, 41});
}

TEST_CASE("network ops and the CPU paths are refused on gpu(0) with clear errors", "[cuda][symbol][errors]") {
  auto data = Symbol::variable("data");
  auto fc = Symbol::create("FullyConnected", {data}, {{"num_hidden", "4"}}, "fc1");
  REQUIRE_THROWS_MATCHES(fc.bind(xsym::gpu(0), {}), xsym::error,
                         Catch::Matchers::Message("xsym::Symbol::bind: no GPU kernel for FullyConnected node 'fc1'; "
                                                  "network ops run on the CPU"));
  const auto lenet =
      std::filesystem::path(__FILE__).parent_path().parent_path() / "data" / "mxnet" / "lenet-symbol.json";
  REQUIRE_THROWS_WITH(Symbol::load(lenet.string()).bind(xsym::gpu(0), {}),
                      Contains("no GPU kernel for Convolution node '") && Contains("network ops run on the CPU"));

  auto x = Symbol::variable("x");
  auto f = xsym::exp(x);
  auto X = on(std::vector<float>{1, 2}, xsym::gpu(0));
  REQUIRE_THROWS_WITH(f.bind(xsym::gpu(0), {{"x", X}}, {.path = execution_path::blocked_fused}),
                      Contains("blocked_fused path runs on the CPU only"));
  REQUIRE_THROWS_WITH(f.bind(xsym::gpu(0), {{"x", X}}, {.path = execution_path::static_fused}),
                      Contains("static_fused path runs on the CPU only"));
  // an argument on the CPU, a device that does not exist
  REQUIRE_THROWS_WITH(f.bind(xsym::gpu(0), {{"x", on(std::vector<float>{1, 2}, xsym::cpu(0))}}),
                      Contains("'x' is on cpu(0)"));
  REQUIRE_THROWS_WITH(f.bind(xsym::gpu(99), {}), Contains("gpu(99) requested"));
  // the CPU executor keeps having no stream
  auto cex = f.bind(xsym::cpu(0), {{"x", on(std::vector<float>{1, 2}, xsym::cpu(0))}});
  REQUIRE(cex.stream() == nullptr);
  REQUIRE_THROWS_WITH(cex.set_stream(nullptr), Contains("which has no streams"));
}
