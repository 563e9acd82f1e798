// The runtime Symbol's GPU backend (<xsym/symbol/gpu_backend.hpp>): the per-op kernel table put
// together from the elementwise_*.cu parts, the executor's streams, and the stream ordering of a
// forward pass. Plain C++ on the CUDA runtime API, compiled by the host compiler.
#include <exception>
#include <memory>
#include <string_view>

#include <xsym/cuda/device.hpp>
#include <xsym/cuda/stream.hpp>
#include <xsym/ops/backward.hpp>
#include <xsym/ops/table.hpp>
#include <xsym/symbol/gpu_backend.hpp>

#include "elementwise_table.hpp"

namespace xsym::cuda {
namespace {

const elementwise::kernel_table& table() {
  static const elementwise::kernel_table t = [] {
    elementwise::kernel_table k;
    elementwise::add_unary_part_1(k);
    elementwise::add_unary_part_2(k);
    elementwise::add_unary_part_3(k);
    elementwise::add_binary_scalar_parameterized_cast(k);
    elementwise::add_backward(k);
    return k;
  }();
  return t;
}

gpu_elementwise_launch find_elementwise(std::string_view op, dtype in, dtype out) {
  const auto from = std::size_t(in), to = std::size_t(out);
  if (from >= elementwise::num_codes || to >= elementwise::num_codes) return nullptr;
  const auto& t = table();
  if (op == ops::cast<float>::names.mxnet) return t.cast[to][from];
  if (op == ops::backward<ops::cast<float>, 0>::names.mxnet) return t.backward_cast[from][to];
  if (in != out) return nullptr;
  auto it = t.ops.find(op);
  return it == t.ops.end() ? nullptr : it->second[from];
}

std::shared_ptr<void> make_stream(int device) {
  auto s = std::make_shared<stream>(device);
  cudaStream_t handle = s->get();
  return std::shared_ptr<void>(std::move(s), handle);  // owns the stream, points at its handle
}

void run_on_stream(int device, void* s, void (*launches)(void*), void* context) {
  run_ordered(device, static_cast<cudaStream_t>(s), [&] { launches(context); });
}

const symbol_gpu_backend the_backend{&find_elementwise, &require_device, &make_stream, &run_on_stream};

}  // namespace

bool register_symbol_backend() noexcept {
  xsym::detail::symbol_gpu_backend_slot() = &the_backend;
  return true;
}

}  // namespace xsym::cuda
