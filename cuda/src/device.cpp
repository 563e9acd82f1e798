// xsym's CUDA device layer: device discovery and checks, the ndarray storage backend (a
// stream-ordered pool per device, on a stream xsym owns), device_guard and stream. Plain C++ on
// the CUDA runtime API (no kernels), so it is compiled by the host compiler with xsym's warnings.
#include <xsym/cuda/device.hpp>
#include <xsym/cuda/error.hpp>
#include <xsym/cuda/stream.hpp>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>

#include <xsym/core/context.hpp>
#include <xsym/core/error.hpp>
#include <xsym/ndarray/ndarray.hpp>
#include <xsym/ndarray/storage.hpp>

namespace xsym::cuda {
namespace {

std::string gpu_str(int device) { return xsym::gpu(device).str(); }

/// What xsym keeps per device: the storage stream and the memory pool (null where the device
/// has no memory pools; then plain cudaMalloc/cudaFree).
struct device_state {
  cudaStream_t stream = nullptr;
  cudaMemPool_t pool = nullptr;
};

struct registry {
  int count = 0;
  cudaError_t count_error = cudaSuccess;
  std::unique_ptr<device_state[]> states;
  std::unique_ptr<std::once_flag[]> ready;
};

/// The devices, counted once. Deliberately never destroyed: arrays with static storage duration
/// may release their memory after every function-local static has been destroyed. The streams
/// and pools go with the CUDA context at process exit.
registry& devices() {
  static registry* const r = [] {
    auto* reg = new registry;
    int n = 0;
    reg->count_error = cudaGetDeviceCount(&n);
    if (reg->count_error != cudaSuccess) {
      (void)cudaGetLastError();
      n = 0;
    }
    reg->count = n < 0 ? 0 : n;
    reg->states = std::make_unique<device_state[]>(std::size_t(reg->count));
    reg->ready = std::make_unique<std::once_flag[]>(std::size_t(reg->count));
    return reg;
  }();
  return *r;
}

void set_up(device_state& s, int device) {
  const std::string op = "xsym::cuda: setting up " + gpu_str(device);
  device_guard guard(device, op);
  cudaStream_t stream = nullptr;
  check(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), op + " (storage stream)");
  cudaMemPool_t pool = nullptr;
  try {
    int pools_supported = 0;
    check(cudaDeviceGetAttribute(&pools_supported, cudaDevAttrMemoryPoolsSupported, device), op);
    if (pools_supported) {
      cudaMemPoolProps props{};
      props.allocType = cudaMemAllocationTypePinned;
      props.location.type = cudaMemLocationTypeDevice;
      props.location.id = device;
      check(cudaMemPoolCreate(&pool, &props), op + " (memory pool)");
      // Keep freed blocks cached in the pool (the default threshold 0 returns them to the device
      // at every synchronization); `trim` gives them back on request.
      std::uint64_t keep = std::numeric_limits<std::uint64_t>::max();
      check(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep), op + " (memory pool)");
    }
  } catch (...) {
    if (pool) (void)cudaMemPoolDestroy(pool);
    (void)cudaStreamDestroy(stream);
    throw;
  }
  s.stream = stream;
  s.pool = pool;
}

/// The state of gpu(device), set up on first use; throws as require_device, naming `operation`.
device_state& state(int device, std::string_view operation) {
  require_device(device, operation);
  registry& r = devices();
  std::call_once(r.ready[device], set_up, std::ref(r.states[device]), device);
  return r.states[device];
}

// --- the ndarray storage backend ------------------------------------------------------------

void* allocate(std::size_t bytes, int device) {
  device_state& s = state(device, "ndarray allocation");
  if (bytes == 0) return nullptr;
  const std::string op = "xsym::ndarray allocation of " + std::to_string(bytes) + " bytes on " + gpu_str(device);
  device_guard guard(device, op);
  void* p = nullptr;
  check(s.pool ? cudaMallocFromPoolAsync(&p, bytes, s.pool, s.stream) : cudaMalloc(&p, bytes), op);
  return p;
}

/// Called from ~storage: must not throw. A failure is reported on stderr; failures while the
/// CUDA runtime shuts down (arrays with static storage duration) are expected and silent.
void release(void* p, int device) noexcept {
  if (!p) return;
  registry& r = devices();
  if (device < 0 || device >= r.count) return;  // cannot happen: allocate checked the device
  const device_state& s = r.states[device];
  int previous = -1;
  cudaError_t err = cudaGetDevice(&previous);
  if (err == cudaSuccess && previous != device) err = cudaSetDevice(device);
  if (err == cudaSuccess) err = s.pool ? cudaFreeAsync(p, s.stream) : cudaFree(p);
  if (previous >= 0 && previous != device) (void)cudaSetDevice(previous);
  if (err == cudaSuccess) return;
  (void)cudaGetLastError();
  if (err == cudaErrorCudartUnloading || err == cudaErrorContextIsDestroyed)
    return;
  try {
    const std::string m = error_message(err, "xsym::ndarray release on " + gpu_str(device));
    std::fprintf(stderr, "xsym: warning: %s (the block is not returned to the pool)\n", m.c_str());
  } catch (...) {
  }
}

// A copy between host memory and gpu(device) on the storage stream, finished on return: for
// reads the data is wanted now, for writes the host buffer may be a temporary that dies.
void copy_on_storage_stream(void* dst, const void* src, std::size_t bytes, int device, cudaMemcpyKind kind,
                            const char* what) {
  if (bytes == 0) return;
  device_state& s = state(device, what);
  const bool to_host = kind == cudaMemcpyDeviceToHost;
  const std::string op = std::string("xsym::") + what + (to_host ? " from " : " to ") + gpu_str(device);
  device_guard guard(device, op);
  check(cudaMemcpyAsync(dst, src, bytes, kind, s.stream), op);
  check(cudaStreamSynchronize(s.stream), op);
}

void copy_to_host(void* host, const void* src, std::size_t bytes, int device) {
  copy_on_storage_stream(host, src, bytes, device, cudaMemcpyDeviceToHost, "ndarray copy to host");
}

void copy_from_host(void* dst, const void* host, std::size_t bytes, int device) {
  copy_on_storage_stream(dst, host, bytes, device, cudaMemcpyHostToDevice, "ndarray copy from host");
}

const device_backend the_backend{&allocate, &release, &copy_to_host, &copy_from_host};

}  // namespace

// --- devices --------------------------------------------------------------------------------

int device_count() noexcept {
  try {
    return devices().count;
  } catch (...) {  // bad_alloc while counting
    return 0;
  }
}

bool available() noexcept { return device_count() > 0; }

std::string unavailable_reason() {
  const registry& r = devices();
  if (r.count > 0) return {};
  if (r.count_error != cudaSuccess) return cudaGetErrorString(r.count_error);
  return "cudaGetDeviceCount found no device";
}

void require_device(int device, std::string_view operation) {
  const registry& r = devices();
  if (r.count == 0)
    throw xsym::error("xsym: no CUDA device: " + unavailable_reason() + " (" + gpu_str(device) + " requested for " +
                      std::string(operation) + ")");
  if (device < 0 || device >= r.count)
    throw xsym::error("xsym: " + gpu_str(device) + " requested, but there are " + std::to_string(r.count) +
                      " CUDA devices (for " + std::string(operation) + ")");
}

bool register_symbol_backend() noexcept;  // the runtime Symbol's GPU kernels (elementwise_registry.cpp)

bool register_backend() noexcept {
  static const bool registered = [] {
    ::xsym::detail::gpu_backend() = &the_backend;
    return register_symbol_backend();
  }();
  return registered;
}

cudaStream_t storage_stream(int device) { return state(device, "xsym::cuda::storage_stream").stream; }

void synchronize(int device) {
  device_state& s = state(device, "xsym::cuda::synchronize");
  const std::string op = "xsym::cuda::synchronize on " + gpu_str(device);
  device_guard guard(device, op);
  check(cudaStreamSynchronize(s.stream), op);
}

void stream_wait(cudaStream_t waiter, cudaStream_t waited, int device) {
  if (waiter == waited) return;
  // Every executor's forward() calls this twice: the message is built only on failure.
  require_device(device, "xsym::cuda::stream_wait");
  device_guard guard(device, "xsym::cuda::stream_wait");
  cudaEvent_t event = nullptr;
  XSYM_CUDA_CHECK(cudaEventCreateWithFlags(&event, cudaEventDisableTiming),
                  "xsym::cuda::stream_wait on " + gpu_str(device));
  cudaError_t err = cudaEventRecord(event, waited);
  if (err == cudaSuccess) err = cudaStreamWaitEvent(waiter, event, 0);
  (void)cudaEventDestroy(event);  // released once the wait no longer needs it
  XSYM_CUDA_CHECK(err, "xsym::cuda::stream_wait on " + gpu_str(device));
}

void wait_to_read(const xsym::ndarray& a) {
  if (!a.has_storage() || a.context().type != xsym::context::device::gpu) return;
  synchronize(a.context().id);
}

memory_usage memory(int device) {
  device_state& s = state(device, "xsym::cuda::memory");
  memory_usage m;
  if (!s.pool) return m;
  const std::string op = "xsym::cuda::memory of " + gpu_str(device);
  std::uint64_t used = 0, reserved = 0;
  check(cudaMemPoolGetAttribute(s.pool, cudaMemPoolAttrUsedMemCurrent, &used), op);
  check(cudaMemPoolGetAttribute(s.pool, cudaMemPoolAttrReservedMemCurrent, &reserved), op);
  m.used = std::size_t(used);
  m.reserved = std::size_t(reserved);
  return m;
}

void trim(int device) {
  synchronize(device);
  device_state& s = state(device, "xsym::cuda::trim");
  if (s.pool) check(cudaMemPoolTrimTo(s.pool, 0), "xsym::cuda::trim on " + gpu_str(device));
}

// --- device_guard ---------------------------------------------------------------------------

device_guard::device_guard(int device, std::string_view operation) {
  int current = 0;
  check(cudaGetDevice(&current), operation);
  if (current != device) {
    check(cudaSetDevice(device), operation);
    previous_ = current;
  }
}

device_guard::~device_guard() {
  if (previous_ >= 0) (void)cudaSetDevice(previous_);
}

// --- stream ---------------------------------------------------------------------------------

stream::stream(int device) : device_(device) {
  require_device(device, "xsym::cuda::stream");
  const std::string op = "xsym::cuda::stream creation on " + gpu_str(device);
  device_guard guard(device, op);
  check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), op);
}

stream::stream(xsym::context ctx) : stream(ctx.type == xsym::context::device::gpu
                                               ? ctx.id
                                               : throw xsym::error("xsym::cuda::stream: " + ctx.str() +
                                                                   " is not a GPU context")) {}

void stream::synchronize() const {
  require_handle("synchronize");
  check(cudaStreamSynchronize(stream_), "xsym::cuda::stream synchronize on " + gpu_str(device_));
}

bool stream::ready() const {
  require_handle("query");
  const cudaError_t err = cudaStreamQuery(stream_);
  if (err == cudaErrorNotReady) return false;
  check(err, "xsym::cuda::stream query on " + gpu_str(device_));
  return true;
}

void stream::wait_for(cudaStream_t other) const {
  require_handle("wait_for");
  stream_wait(stream_, other, device_);
}

// A null handle would mean the legacy default stream to CUDA: never use it by accident.
void stream::require_handle(const char* what) const {
  if (!stream_) throw xsym::error(std::string("xsym::cuda::stream::") + what + ": the stream was moved from");
}

void stream::reset() noexcept {
  if (stream_) {
    (void)cudaStreamDestroy(stream_);
    stream_ = nullptr;
  }
}

}  // namespace xsym::cuda

// Linking xsym::cuda adds `-u xsym_cuda_backend_anchor` (cuda/CMakeLists.txt), which pulls this
// object out of the static library even when nothing else references it; its initialization then
// registers the backend before main, for programs whose own sources never include <xsym/cuda.cuh>.
extern "C" {
extern const int xsym_cuda_backend_anchor;
const int xsym_cuda_backend_anchor = (xsym::cuda::register_backend(), 1);
}
