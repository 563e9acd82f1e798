#pragma once
// Memory behind ndarrays. CPU memory is allocated here, 64-byte aligned so that fused loops
// vectorize with aligned loads. Other devices plug in through `device_backend`: the CUDA layer
// registers one for gpu contexts; without it, asking for gpu memory is a clear error.
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "../core/context.hpp"
#include "../core/error.hpp"

namespace xsym {

/// What a device backend provides to ndarray: allocation and copies to and from host memory.
struct device_backend {
  void* (*allocate)(std::size_t bytes, int device_id) = nullptr;
  void (*release)(void* p, int device_id) = nullptr;
  void (*copy_to_host)(void* host, const void* device, std::size_t bytes, int device_id) = nullptr;
  void (*copy_from_host)(void* device, const void* host, std::size_t bytes, int device_id) = nullptr;
};

namespace detail {

/// The registered GPU backend, or null when xsym's CUDA layer is not linked in.
inline const device_backend*& gpu_backend() {
  static const device_backend* backend = nullptr;
  return backend;
}

inline constexpr std::size_t storage_alignment = 64;

/// A block of memory on one context; shared by the ndarrays that view it.
class storage {
 public:
  storage(std::size_t bytes, context ctx) : bytes_(bytes), ctx_(ctx) {
    if (ctx.type == context::device::cpu) {
      data_ = ::operator new(bytes ? bytes : 1, std::align_val_t{storage_alignment});
    } else {
      const device_backend* b = gpu_backend();
      if (!b)
        throw error("xsym::ndarray: no backend for " + ctx.str() +
                    ": GPU arrays need xsym's CUDA layer (build with CUDA and link xsym::cuda)");
      data_ = b->allocate(bytes, ctx.id);
    }
  }
  storage(const storage&) = delete;
  storage& operator=(const storage&) = delete;
  ~storage() {
    if (ctx_.type == context::device::cpu)
      ::operator delete(data_, std::align_val_t{storage_alignment});
    else
      gpu_backend()->release(data_, ctx_.id);
  }

  void* data() const { return data_; }
  std::size_t bytes() const { return bytes_; }
  context ctx() const { return ctx_; }

  /// Copies `bytes_` from `src` (on any context) into this block.
  void copy_from(const storage& src) {
    if (src.bytes_ != bytes_) throw error("xsym::ndarray: copy between arrays of different sizes");
    if (bytes_ == 0) return;
    bool here_cpu = ctx_.type == context::device::cpu, there_cpu = src.ctx_.type == context::device::cpu;
    if (here_cpu && there_cpu) {
      std::memcpy(data_, src.data_, bytes_);
    } else if (here_cpu) {
      gpu_backend()->copy_to_host(data_, src.data_, bytes_, src.ctx_.id);
    } else if (there_cpu) {
      gpu_backend()->copy_from_host(data_, src.data_, bytes_, ctx_.id);
    } else {  // device to device through the host; the CUDA layer will add a direct path
      auto tmp = std::make_unique<std::byte[]>(bytes_);
      gpu_backend()->copy_to_host(tmp.get(), src.data_, bytes_, src.ctx_.id);
      gpu_backend()->copy_from_host(data_, tmp.get(), bytes_, ctx_.id);
    }
  }

 private:
  void* data_ = nullptr;
  std::size_t bytes_ = 0;
  context ctx_;
};

}  // namespace detail
}  // namespace xsym
