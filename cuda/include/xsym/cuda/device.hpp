#pragma once
// CUDA devices as xsym sees them: how many there are, the checks that turn "no GPU" and "no such
// GPU" into clear errors, the device memory behind ndarrays on gpu(i), and the ordering rules
// between that memory and the streams that executors run on.
//
// Device memory (the `device_backend` of ndarray storage, see <xsym/ndarray/storage.hpp>):
// - Each device gets, on first use, one non-blocking stream that xsym owns (the *storage stream*;
//   never the legacy default stream) and one stream-ordered memory pool of its own
//   (cudaMemPoolCreate; freed blocks stay cached in the pool for reuse, see `trim`). No managed
//   memory. Arrays are allocated (cudaMallocFromPoolAsync) and released (cudaFreeAsync) in the
//   storage stream's order, and copied to and from the host on it.
// - Host copies are complete on return: copy to host and copy from host both synchronize the
//   storage stream, so `to_vector` returns finished data and a host buffer may be reused at once.
// - Work on another stream (an executor's) that uses arrays must be ordered against the storage
//   stream with `stream_wait`: before it, `stream_wait(s, storage_stream(d), d)` (allocations and
//   uploads are done before the kernel reads); after it, `stream_wait(storage_stream(d), s, d)`
//   (a later release, read-back or `wait_to_read` waits for the kernel).
//
// Thread safety: all functions may be called from several threads at once.
#include <cuda_runtime_api.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace xsym {
class ndarray;
}

namespace xsym::cuda {

/// Number of usable CUDA devices; 0 when there is no GPU, no driver or an insufficient driver.
/// Never throws; the first call asks the runtime (cudaGetDeviceCount), later calls return the same.
int device_count() noexcept;

/// device_count() > 0.
bool available() noexcept;

/// Why no device is usable (the runtime's description of cudaGetDeviceCount's error, or
/// "cudaGetDeviceCount found no device"); empty when available().
std::string unavailable_reason();

/// Returns when gpu(device) exists. Otherwise throws xsym::error:
///   "xsym: no CUDA device: <reason> (gpu(0) requested for <operation>)", or
///   "xsym: gpu(3) requested, but there are 1 CUDA devices (for <operation>)".
void require_device(int device, std::string_view operation);

/// Installs xsym's CUDA `device_backend` for ndarray storage on gpu contexts. Idempotent and
/// thread-safe; makes no CUDA call (a program without a GPU may call it). <xsym/cuda.cuh> calls it
/// from every translation unit that includes it, and linking xsym::cuda calls it at start-up.
/// Returns true.
bool register_backend() noexcept;

/// The storage stream of gpu(device) (see above): created on first use, owned by xsym, non-blocking.
/// Throws as require_device.
cudaStream_t storage_stream(int device);

/// Blocks until all work on the storage stream of gpu(device) is done. Throws as require_device,
/// or an xsym::error naming the CUDA error (including an earlier asynchronous one).
void synchronize(int device);

/// Makes `waiter` wait (on the device, not the host) for all work enqueued on `waited` so far,
/// through an event recorded on `waited`, which belongs to gpu(device). Does nothing when both
/// are the same stream.
void stream_wait(cudaStream_t waiter, cudaStream_t waited, int device);

/// Blocks until `a` can be read on the host: for an array on gpu(i), all work ordered on the
/// storage stream of gpu(i) (uploads, and executors that ordered the storage stream after
/// themselves) is done. Does nothing for CPU arrays and empty handles.
void wait_to_read(const xsym::ndarray& a);

/// Bytes of the memory pool of gpu(device): `used` by live arrays (and by releases not yet
/// reached in stream order), `reserved` from the device (used plus cached for reuse).
struct memory_usage {
  std::size_t used = 0;
  std::size_t reserved = 0;
};
memory_usage memory(int device);

/// Waits for the storage stream of gpu(device), then returns the pool's cached, unused memory
/// to the device (live arrays keep theirs).
void trim(int device);

/// RAII: makes gpu(device) the calling thread's current device, and restores the previous one
/// when it goes out of scope. Throws an xsym::error naming `operation` when the switch fails.
class device_guard {
 public:
  device_guard(int device, std::string_view operation);
  ~device_guard();
  device_guard(const device_guard&) = delete;
  device_guard& operator=(const device_guard&) = delete;

 private:
  int previous_ = -1;  // -1: nothing to restore
};

/// Runs launches() with gpu(device) current, enqueuing on `stream` (an executor's), ordered after
/// the work on the device's storage stream, and orders the storage stream after it, also when
/// launches() throws (kernels enqueued before the failure still use the arrays). What every
/// executor's forward() does (cuda/README.md, "Rules for work on other streams").
template <class Launches>
void run_ordered(int device, cudaStream_t stream, Launches&& launches) {
  const device_guard current(device, "xsym::executor::forward");
  const cudaStream_t storage = storage_stream(device);
  stream_wait(stream, storage, device);  // allocations and uploads before the kernels
  try {
    launches();
  } catch (...) {
    try {
      stream_wait(storage, stream, device);
    } catch (...) {
    }
    throw;
  }
  stream_wait(storage, stream, device);  // reads, copies and releases after them
}

}  // namespace xsym::cuda
