// The fused CUDA kernel checked without a GPU (issue 6, item 5a): its per-thread work is a
// __host__ __device__ function of the block and thread index (cuda/include/xsym/cuda/
// thread_work.hpp, fused_kernel.cuh), so this test runs it on the host over every thread of a
// simulated launch.
//
// - Coverage: for sizes 0, 1, 2^k - 1, 2^k, 2^k + 1 and 3*10^6 + 7, every head (misalignment)
//   and the vector widths, unrolls, block sizes and grid caps the kernel uses or may use, every
//   element is computed by exactly one call of one thread, and every vector starts at an aligned
//   index (head + a multiple of V).
// - Values: the kernel body itself (fused::fused_thread), with the launch decisions of
//   fused::launch (vector width, common head or the scalar kernel, split, grid), run over host
//   arrays, equals the CPU fused loop (xsym::bind on cpu(0)) bit for bit, for W1 and for graphs
//   of mixed element types, on aligned arrays and on misaligned views (equal and unequal offsets).
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <xsym/xsym.hpp>
#include <xsym/cuda.cuh>
#include <xsym/cuda/fused_kernel.cuh>

namespace fused = xsym::cuda::fused;
using xsym::cuda::element_split;

namespace {

// ---- coverage of thread_work -------------------------------------------------------------

struct coverage {
  std::vector<std::uint8_t> count;
  unsigned misaligned_vectors = 0;
};

/// Runs thread_work<V, U> for every thread of the launch and counts each element's visits.
template <unsigned V, unsigned U>
coverage simulate(unsigned n, unsigned head, unsigned block_dim, unsigned max_blocks) {
  const element_split s = xsym::cuda::split_elements(n, head, V);
  const unsigned grid = xsym::cuda::grid_for(s, U, block_dim, max_blocks);
  coverage c{std::vector<std::uint8_t>(n, 0)};
  auto visit = [&](unsigned i) {
    REQUIRE(i < n);
    ++c.count[i];
  };
  auto vector = [&](unsigned first) {
    if ((first - s.head) % V != 0) ++c.misaligned_vectors;
    for (unsigned j = 0; j < V; ++j) visit(first + j);
  };
  for (unsigned b = 0; b < grid; ++b)
    for (unsigned t = 0; t < block_dim; ++t)
      xsym::cuda::thread_work<V, U>(
          s, b, t, grid, block_dim,
          [&](unsigned first, unsigned stride) {
            for (unsigned u = 0; u < U; ++u) vector(first + u * stride);
          },
          vector, visit);
  return c;
}

template <unsigned V, unsigned U>
void check_coverage(unsigned n, unsigned head, unsigned block_dim, unsigned max_blocks) {
  INFO("n = " << n << ", head = " << head << ", V = " << V << ", U = " << U << ", block = " << block_dim
              << ", max blocks = " << max_blocks);
  coverage c = simulate<V, U>(n, head, block_dim, max_blocks);
  std::size_t wrong = 0, first_wrong = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (c.count[i] != 1 && wrong++ == 0) first_wrong = i;
  INFO("element " << first_wrong << " computed " << (wrong ? int(c.count[first_wrong]) : 1) << " times");
  CHECK(wrong == 0);
  CHECK(c.misaligned_vectors == 0);
}

std::vector<unsigned> sizes() {
  std::vector<unsigned> s{0, 1, 2, 3, 5};
  for (unsigned k : {4u, 8u, 11u, 12u, 16u, 20u})
    for (int d : {-1, 0, 1}) s.push_back((1u << k) + unsigned(d));
  return s;
}

}  // namespace

TEST_CASE("every element is computed exactly once by the fused kernel's threads", "[nvcc][cuda_host]") {
  for (unsigned n : sizes()) {
    for (unsigned head = 0; head < 4; ++head) {
      check_coverage<4, 2>(n, head, fused::block_dim, 0x7fffffffu);  // float32: the W1 kernel
      check_coverage<4, 2>(n, head, 32, 3);                          // grid-stride: few small blocks
    }
    check_coverage<2, 2>(n, 1, fused::block_dim, 0x7fffffffu);      // float64, int64
    check_coverage<16, 2>(n, 15, 32, 0x7fffffffu);                   // int8: head + tail up to 30
    check_coverage<1, 8>(n, 0, fused::block_dim, 0x7fffffffu);       // the scalar kernel
    check_coverage<1, 8>(n, 0, 64, 5);
  }
}

TEST_CASE("a launch of 3 million and 7 elements covers each once", "[nvcc][cuda_host]") {
  const unsigned n = 3'000'007;
  check_coverage<4, 2>(n, 0, fused::block_dim, 0x7fffffffu);
  check_coverage<4, 2>(n, 3, fused::block_dim, 0x7fffffffu);
  check_coverage<2, 2>(n, 1, fused::block_dim, 0x7fffffffu);
  check_coverage<1, 8>(n, 0, fused::block_dim, 0x7fffffffu);
  check_coverage<4, 2>(n, 2, fused::block_dim, 1000);  // grid-stride with a partial last tile
}

TEST_CASE("the launch splits match the kernel's vector width", "[nvcc][cuda_host]") {
  const element_split s = xsym::cuda::split_elements(10, 3, 4);
  CHECK(s.head == 3);
  CHECK(s.chunks == 1);
  CHECK(s.tail == 3);
  CHECK(xsym::cuda::split_elements(2, 3, 4).head == 2);  // the head never passes n
  CHECK(xsym::cuda::split_elements(2, 3, 4).chunks == 0);
  CHECK(xsym::cuda::split_elements(0, 0, 4).tail == 0);
  // One tile per block, at least one block (for the head and tail).
  CHECK(xsym::cuda::grid_for(xsym::cuda::split_elements(0, 0, 4), 2, 256, 100) == 1);
  CHECK(xsym::cuda::grid_for(xsym::cuda::split_elements(1u << 26, 0, 4), 2, 256, 0x7fffffffu) == (1u << 26) / 2048);
}

// ---- the kernel body over host arrays, against the CPU loop --------------------------------

namespace {

/// Runs the fused kernel's body for every thread of the launch fused::launch would make for
/// elements [0, n), over host pointers. Returns whether it took the vector kernel.
template <class... Stage>
bool simulate_launch(unsigned n, const Stage&... stages) {
  constexpr unsigned V = fused::vector_width<Stage...>();
  const int head = fused::common_head<V>(stages...);
  auto run = [&]<unsigned W, unsigned U>(const element_split& s) {
    const unsigned grid = xsym::cuda::grid_for(s, U, fused::block_dim, 0x7fffffffu);
    for (unsigned b = 0; b < grid; ++b)
      for (unsigned t = 0; t < fused::block_dim; ++t) fused::fused_thread<W, U>(s, b, t, grid, fused::block_dim, stages...);
  };
  if (head >= 0)
    run.template operator()<V, fused::vectors_per_thread>(xsym::cuda::split_elements(n, unsigned(head), V));
  else
    run.template operator()<1, fused::scalars_per_thread>(xsym::cuda::split_elements(n, 0, 1));
  return head >= 0;
}

template <class T>
std::vector<T> values(std::size_t n, int seed) {
  std::vector<T> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = T(int((i * 7919 + std::size_t(seed) * 104729) % 2001) - 1000) / T(64);
  return v;
}

/// The first 64-byte aligned element at or after p.
template <class T>
T* aligned(T* p) {
  while (reinterpret_cast<std::uintptr_t>(p) % 64) ++p;
  return p;
}

/// Graph g of one output, float32 variables A..D: bound on the CPU, and simulated over copies of
/// the inputs placed at element offsets `offsets` (A, B, C, D, output) into larger buffers.
template <class Out, class G>
void agree_with_cpu(const G& g, unsigned n, const unsigned (&offsets)[5], bool expect_vector) {
  INFO("n = " << n << ", offsets " << offsets[0] << " " << offsets[1] << " " << offsets[2] << " " << offsets[3]
              << " -> " << offsets[4]);
  std::vector<std::vector<float>> inputs;
  std::map<std::string, xsym::ndarray> args;
  const char* names[] = {"A", "B", "C", "D"};
  for (int k = 0; k < 4; ++k) {
    inputs.push_back(values<float>(n, k + 1));
    args.emplace(names[k], xsym::ndarray::array<float>(inputs.back(), {std::int64_t(n)}));
  }
  auto cpu = xsym::bind(g, xsym::cpu(0), args);
  cpu.forward();
  const std::vector<Out> want = cpu.outputs()[0].template to_vector<Out>();

  // Misaligned views: buffers aligned to 64 bytes, data starting `offset` elements in.
  std::vector<std::vector<float>> buffers(4);
  const void* arg_ptrs[4];
  for (int k = 0; k < 4; ++k) {
    buffers[k].assign(n + 32, 0.f);  // room for an offset of up to 16 floats after aligning
    float* base = aligned(buffers[k].data());
    std::memcpy(base + offsets[k], inputs[std::size_t(k)].data(), n * sizeof(float));
    arg_ptrs[k] = base + offsets[k];
  }
  std::vector<Out> out_buffer(n + 96, Out(-12345));
  Out* out_base = aligned(out_buffer.data());
  void* out_ptrs[1] = {out_base + offsets[4]};

  bool vectorized = false;
  xsym::detail::instance<G, xsym::dtype::float32>::with_stages(
      g, arg_ptrs, out_ptrs, [&](const auto&... stages) { vectorized = simulate_launch(n, stages...); });
  CHECK(vectorized == expect_vector);
  const Out* got = out_base + offsets[4];
  std::size_t bad = 0, first = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (std::memcmp(&got[i], &want[i], sizeof(Out)) != 0 && bad++ == 0) first = i;
  INFO(bad << " elements differ, the first at " << first);
  CHECK(bad == 0);
  // Nothing written outside the output view.
  for (unsigned i = 0; i < offsets[4]; ++i) CHECK(out_base[i] == Out(-12345));
  CHECK(out_base[offsets[4] + n] == Out(-12345));
}

}  // namespace

TEST_CASE("the fused kernel's body computes W1 as the CPU loop does", "[nvcc][cuda_host]") {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto c = xsym::variable<"C">();
  auto d = xsym::variable<"D">();
  auto w1 = a * b + c * d;
  for (unsigned n : {0u, 1u, 7u, 8u, 9u, 2047u, 2048u, 2049u, 100'003u, 3'000'007u}) {
    agree_with_cpu<float>(w1, n, {0, 0, 0, 0, 0}, true);
    agree_with_cpu<float>(w1, n, {1, 1, 1, 1, 1}, true);  // the same misalignment: a head of 3
    agree_with_cpu<float>(w1, n, {3, 3, 3, 3, 3}, true);
    agree_with_cpu<float>(w1, n, {0, 1, 0, 0, 0}, false);  // views at different offsets: scalar kernel
    agree_with_cpu<float>(w1, n, {0, 0, 0, 0, 2}, false);
  }
}

TEST_CASE("the fused kernel's body computes mixed-type graphs as the CPU loop does", "[nvcc][cuda_host]") {
  auto a = xsym::variable<"A", float>();
  auto b = xsym::variable<"B", float>();
  auto c = xsym::variable<"C", float>();
  auto d = xsym::variable<"D", float>();
  // float64 output: vectors of 2 elements (16 bytes of double, 8 of float).
  auto widening = xsym::cast<double>(a * b) + xsym::cast<double>(xsym::exp(c - d)) * 0.5;
  // int8 output from float inputs: vectors of 4 (the widest element, float, sets V).
  auto narrowing = xsym::cast<std::int8_t>(xsym::clip(a * 4 + b, -200, 200)) + xsym::cast<std::int8_t>(c > d);
  for (unsigned n : {1u, 5u, 1000u, 65'537u}) {
    agree_with_cpu<double>(widening, n, {0, 0, 0, 0, 0}, true);
    agree_with_cpu<double>(widening, n, {1, 1, 1, 1, 1}, true);
    agree_with_cpu<double>(widening, n, {1, 1, 1, 1, 2}, false);  // a head of 1 float is not one of doubles
    agree_with_cpu<std::int8_t>(narrowing, n, {0, 0, 0, 0, 0}, true);
    agree_with_cpu<std::int8_t>(narrowing, n, {2, 2, 2, 2, 2}, true);
    agree_with_cpu<std::int8_t>(narrowing, n, {0, 0, 0, 0, 1}, false);
  }
}

// ---- the kernel body evaluates every node of the plan once per element (issue 13) ----------

namespace {

long kernel_calls = 0;

/// exp, counting its calls on the host (the simulated launch runs the kernel body there).
struct counted_exp : xsym::ops::unary<counted_exp, xsym::ops::integers::via_double, xsym::ops::op_cost::math,
                                             xsym::ops::exactness::approximate> {
  static constexpr xsym::ops::op_names names{"exp", "counted"};
  template <class T>
  XSYM_HD static T apply(T x) {
#if !defined(__CUDA_ARCH__)
    ++kernel_calls;
#endif
    return std::exp(x);
  }
};
template <xsym::expression E>
constexpr auto counted(E e) { return xsym::detail::make_node<counted_exp>({}, e); }

/// Graph g over float32 A and B, on n elements placed `offset` elements into aligned buffers:
/// simulated through the kernel body, counting the counted_exp calls, and checked bit for bit
/// against the CPU loop on every output.
template <class G>
long kernel_evaluations(const G& g, unsigned n, unsigned offset, bool expect_vector) {
  INFO("n = " << n << ", offset " << offset);
  constexpr int outputs = xsym::detail::graph_info<G>::num_outputs;
  std::vector<float> in[2] = {values<float>(n, 1), values<float>(n, 2)};
  auto cpu = xsym::bind(g, xsym::cpu(0),
                        {{"A", xsym::ndarray::array<float>(in[0], {std::int64_t(n)})},
                         {"B", xsym::ndarray::array<float>(in[1], {std::int64_t(n)})}});
  cpu.forward();
  std::vector<std::vector<float>> buffers(2 + outputs, std::vector<float>(n + 32, -5.f));
  const void* args[2];
  void* outs[outputs];
  for (int k = 0; k < 2; ++k) {
    float* p = aligned(buffers[std::size_t(k)].data()) + offset;
    std::memcpy(p, in[k].data(), n * sizeof(float));
    args[k] = p;
  }
  for (int k = 0; k < outputs; ++k) outs[k] = aligned(buffers[std::size_t(2 + k)].data()) + offset;
  kernel_calls = 0;
  bool vectorized = false;
  xsym::detail::instance<G, xsym::dtype::float32>::with_stages(
      g, args, outs, [&](const auto&... stages) { vectorized = simulate_launch(n, stages...); });
  const long calls = kernel_calls;
  CHECK(vectorized == expect_vector);
  for (int k = 0; k < outputs; ++k) {
    const auto want = cpu.outputs()[std::size_t(k)].template to_vector<float>();
    CHECK(std::memcmp(outs[k], want.data(), n * sizeof(float)) == 0);
  }
  return calls;
}

}  // namespace

TEST_CASE("the fused kernel's body evaluates a shared node once per element", "[nvcc][cuda_host]") {
  auto a = xsym::variable<"A">();
  auto b = xsym::variable<"B">();
  auto t = counted(a);
  auto shared = t * t + t + b;
  auto g = xsym::group(t * b, t + a, t);
  auto twins = counted(a + 1.5) * counted(a + 1.5) + counted(b * 2.0) / counted(b * -2.0);
  for (unsigned n : {1u, 7u, 2049u, 100'003u}) {
    CHECK(kernel_evaluations(shared, n, 0, true) == long(n));
    CHECK(kernel_evaluations(shared, n, 1, true) == long(n));  // a head of 3 scalar elements
    CHECK(kernel_evaluations(g, n, 2, true) == long(n));
    CHECK(kernel_evaluations(twins, n, 0, true) == 3 * long(n));  // a + 1.5 once; b * 2, b * -2 apart
  }
}
