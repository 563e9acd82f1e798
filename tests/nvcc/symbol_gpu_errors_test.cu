// The runtime Symbol bound on a GPU, as far as it can be checked without one (tests/nvcc runs
// everywhere): linking xsym::cuda registers the Symbol's GPU backend; the graph is checked
// before the device is touched, so a network op or a CPU-only path is refused with the same
// message on every machine; without a GPU, binding reports xsym::cuda's "no CUDA device".
// On a GPU machine the device-dependent checks run a small graph instead
// (tests/cuda/symbol_gpu_test.cu has the rest).
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <xsym/xsym.hpp>
#include <xsym/cuda.cuh>
#include <xsym/symbol/gpu_backend.hpp>

using Catch::Matchers::Contains;
using Catch::Matchers::Message;
using xsym::execution_path;
using xsym::Symbol;

TEST_CASE("linking xsym::cuda registers the runtime Symbol's GPU backend", "[nvcc][symbol]") {
  const xsym::symbol_gpu_backend* b = xsym::detail::symbol_gpu_backend_slot();
  REQUIRE(b != nullptr);
  REQUIRE(b->find_elementwise != nullptr);
  REQUIRE(b->require_device != nullptr);
  REQUIRE(b->make_stream != nullptr);
  REQUIRE(b->run_on_stream != nullptr);
  // The table has every op and element type, and nothing for float16 or a mismatched pair.
  using xsym::dtype;
  for (dtype t : {dtype::float32, dtype::float64, dtype::uint8, dtype::int8, dtype::int32, dtype::int64}) {
    INFO(xsym::dtype_name(t));
    for (const xsym::op_def* op : xsym::registered_ops())
      if (op->elementwise && !op->casts && op->name != "_backward_Cast") {
        INFO(op->name);
        // The _backward_ ops have float32 and float64 kernels only: integers have no gradient.
        const bool floating = t == dtype::float32 || t == dtype::float64;
        if (op->name.starts_with("_backward_") && !floating)
          REQUIRE(b->find_elementwise(op->name, t, t) == nullptr);
        else
          REQUIRE(b->find_elementwise(op->name, t, t) != nullptr);
      }
    for (dtype to : {dtype::float32, dtype::float64, dtype::uint8, dtype::int8, dtype::int32, dtype::int64})
      REQUIRE(b->find_elementwise("Cast", t, to) != nullptr);
    REQUIRE(b->find_elementwise("Cast", t, dtype::float16) == nullptr);
  }
  for (dtype target : {dtype::float32, dtype::float64})
    for (dtype data : {dtype::float32, dtype::float64}) REQUIRE(b->find_elementwise("_backward_Cast", target, data));
  REQUIRE(b->find_elementwise("_backward_Cast", dtype::int32, dtype::float32) == nullptr);
  REQUIRE(b->find_elementwise("exp", dtype::float16, dtype::float16) == nullptr);
  REQUIRE(b->find_elementwise("exp", dtype::float32, dtype::float64) == nullptr);
  REQUIRE(b->find_elementwise("FullyConnected", dtype::float32, dtype::float32) == nullptr);
  REQUIRE(xsym::cuda::register_backend());  // idempotent
  REQUIRE(xsym::detail::symbol_gpu_backend_slot() == b);
}

TEST_CASE("without the backend a Symbol on gpu(0) says to link xsym::cuda", "[nvcc][symbol]") {
  auto x = Symbol::variable("x");
  auto f = xsym::exp(x) + 1.0f;
  auto& slot = xsym::detail::symbol_gpu_backend_slot();
  const xsym::symbol_gpu_backend* saved = slot;
  slot = nullptr;  // as in a program that does not link xsym::cuda
  CHECK_THROWS_MATCHES(f.bind(xsym::gpu(0), {}), xsym::error,
                       Message("xsym::Symbol::bind: no runtime backend for gpu(0): link xsym::cuda (build with CUDA)"));
  slot = saved;
}

TEST_CASE("a network op on gpu(0) is refused before the device is touched", "[nvcc][symbol]") {
  auto data = Symbol::variable("data");
  auto fc = Symbol::create("FullyConnected", {data}, {{"num_hidden", "4"}}, "fc1");
  REQUIRE_THROWS_MATCHES(
      fc.bind(xsym::gpu(0), {}), xsym::error,
      Message("xsym::Symbol::bind: no GPU kernel for FullyConnected node 'fc1'; network ops run on the CPU"));
  // behind elementwise nodes too, and in a model loaded from MXNet JSON
  auto mixed = xsym::exp(Symbol::create("Activation", {xsym::exp(data) * 2.0f}, {{"act_type", "relu"}}, "relu1"));
  REQUIRE_THROWS_MATCHES(
      mixed.bind(xsym::gpu(0), {}), xsym::error,
      Message("xsym::Symbol::bind: no GPU kernel for Activation node 'relu1'; network ops run on the CPU"));
  const auto lenet =
      std::filesystem::path(__FILE__).parent_path().parent_path() / "data" / "mxnet" / "lenet-symbol.json";
  REQUIRE_THROWS_WITH(Symbol::load(lenet.string()).bind(xsym::gpu(0), {}),
                      Contains("no GPU kernel for Convolution node '") && Contains("network ops run on the CPU"));
  // asking for per_op explicitly changes nothing
  REQUIRE_THROWS_WITH(fc.bind(xsym::gpu(0), {}, {.path = execution_path::per_op}),
                      Contains("no GPU kernel for FullyConnected node 'fc1'"));
}

TEST_CASE("the fused paths are CPU paths: asking for one on gpu(0) is an error", "[nvcc][symbol]") {
  auto a = xsym::variable<"A">();
  Symbol s = a * a + 1.0f;  // holds a static_fused loop for the CPU
  for (execution_path p : {execution_path::static_fused, execution_path::blocked_fused})
    REQUIRE_THROWS_MATCHES(s.bind(xsym::gpu(0), {}, {.path = p}), xsym::error,
                           Message("xsym::Symbol::bind: the " + std::string(xsym::execution_path_name(p)) +
                                   " path runs on the CPU only; on gpu(0) a Symbol runs per_op (per-op CUDA kernels)"));
}

TEST_CASE("a Symbol on gpu(0) without a GPU is xsym::cuda's no-device error, with one it runs", "[nvcc][symbol]") {
  auto x = Symbol::variable("x");
  auto f = xsym::exp(x) * 2.0f;
  if (!xsym::cuda::available()) {
    REQUIRE_THROWS_MATCHES(f.bind(xsym::gpu(0), {}), xsym::error,
                           Message("xsym: no CUDA device: " + xsym::cuda::unavailable_reason() +
                                   " (gpu(0) requested for xsym::Symbol::bind)"));
    // the CPU keeps working, and its executor has no stream
    auto ex = f.bind(xsym::cpu(0), {{"x", xsym::ndarray::array<float>({0}, {1})}});
    ex.forward();
    REQUIRE(ex.outputs()[0].to_vector<float>() == std::vector<float>{2});
    REQUIRE(ex.stream() == nullptr);
    REQUIRE_THROWS_WITH(ex.set_stream(nullptr), Contains("runs on cpu(0), which has no streams"));
  } else {
    auto ex = f.bind(xsym::gpu(0), {{"x", xsym::ndarray::array<float>({0, 0}, {2}, xsym::gpu(0))}});
    REQUIRE(ex.path_description() == "per-op CUDA kernels on gpu(0) (2 nodes, 1 intermediate buffer)");
    REQUIRE(ex.stream() != nullptr);
    ex.forward();
    REQUIRE(ex.outputs()[0].to_vector<float>() == std::vector<float>{2, 2});
  }
}
