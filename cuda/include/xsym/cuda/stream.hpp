#pragma once
// xsym::cuda::stream: an owning, non-blocking CUDA stream on one device, for executors (each
// executor runs on a stream it owns or on one the user passes in, never on the legacy default
// stream).
#include <cuda_runtime_api.h>

#include <utility>

#include <xsym/core/context.hpp>

namespace xsym::cuda {

class stream {
 public:
  /// A new stream on gpu(device), created with cudaStreamNonBlocking (it does not synchronize
  /// with the legacy default stream). Throws xsym::error when there is no such device
  /// (see require_device) or the creation fails.
  explicit stream(int device = 0);
  /// The same on `ctx`, which must be a gpu context (otherwise xsym::error).
  explicit stream(xsym::context ctx);

  stream(stream&& other) noexcept
      : stream_(std::exchange(other.stream_, nullptr)), device_(other.device_) {}
  stream& operator=(stream&& other) noexcept {
    if (this != &other) {
      reset();
      stream_ = std::exchange(other.stream_, nullptr);
      device_ = other.device_;
    }
    return *this;
  }
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;
  /// Destroys the stream (work already enqueued still completes, as cudaStreamDestroy does).
  ~stream() { reset(); }

  /// The CUDA handle (null after a move).
  cudaStream_t get() const noexcept { return stream_; }
  /// The device the stream belongs to.
  int device() const noexcept { return device_; }
  xsym::context context() const noexcept { return xsym::gpu(device_); }

  /// The member functions below throw xsym::error on a moved-from stream.
  /// Blocks until all work enqueued on the stream is done; throws xsym::error naming the CUDA
  /// error (including one raised asynchronously by earlier work).
  void synchronize() const;
  /// True when all work enqueued on the stream is done (cudaStreamQuery); throws on errors.
  bool ready() const;
  /// Work enqueued on this stream after this call runs after all work enqueued on `other` so far.
  void wait_for(cudaStream_t other) const;

 private:
  void reset() noexcept;
  void require_handle(const char* what) const;
  cudaStream_t stream_ = nullptr;
  int device_ = 0;
};

}  // namespace xsym::cuda
