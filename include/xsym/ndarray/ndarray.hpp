#pragma once
// ndarray: an n-dimensional array with a shape, a dtype and a context, sharing its storage
// between copies of the handle (as MXNet's NDArray). Deep copies are explicit: copy(), copyto().
#include <algorithm>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../core/context.hpp"
#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "../ops/arithmetic.hpp"
#include "storage.hpp"

namespace xsym {

template <element_type T>
class typed_ndarray;
class ndarray;
class array_dict;
struct loaded_arrays;

/// A range of (name, array) pairs, in the order to save them: array_dict,
/// std::map<std::string, ndarray>, std::vector<std::pair<std::string, ndarray>>.
template <class R>
concept named_arrays = requires(const R& r) {
  { r.begin()->first } -> std::convertible_to<std::string_view>;
  { r.begin()->second } -> std::convertible_to<const ndarray&>;
  r.end();
};

class ndarray {
 public:
  /// An empty handle: no storage, shape [0], float32. Binding it is an error.
  ndarray() = default;

  /// An array of shape `s` and dtype `t` on `ctx`, filled with zeros.
  ndarray(xsym::shape s, xsym::dtype t, xsym::context ctx = cpu())
      : ndarray(std::move(s), t, ctx, uninitialized{}) {
    if (ctx.type == context::device::cpu) {
      std::fill_n(static_cast<std::byte*>(raw_data()), nbytes(), std::byte{0});
    } else if (nbytes() > 0) {
      std::vector<std::byte> zeros(nbytes());
      detail::gpu_backend()->copy_from_host(raw_data(), zeros.data(), nbytes(), ctx.id);
    }
  }

  /// `ndarray::array<float>({1, 2, 3, 4}, {2, 2})`: an array holding `data` (row-major) with
  /// shape `s`. Throws xsym::error when data.size() is not the shape's size.
  template <element_type T>
  static typed_ndarray<T> array(std::span<const T> data, xsym::shape s, xsym::context ctx = cpu());
  template <element_type T>
  static typed_ndarray<T> array(std::initializer_list<T> data, xsym::shape s, xsym::context ctx = cpu()) {
    return array<T>(std::span<const T>(data.begin(), data.size()), std::move(s), ctx);
  }
  template <element_type T>
  static typed_ndarray<T> array(const std::vector<T>& data, xsym::shape s, xsym::context ctx = cpu()) {
    return array<T>(std::span<const T>(data), std::move(s), ctx);
  }
  /// A 1-d array holding `data`.
  template <element_type T>
  static typed_ndarray<T> array(const std::vector<T>& data, xsym::context ctx = cpu()) {
    return array<T>(std::span<const T>(data), xsym::shape{std::int64_t(data.size())}, ctx);
  }

  /// Arrays filled with 0, 1 or `value` (converted to the dtype as by cast).
  static ndarray zeros(xsym::shape s, xsym::dtype t = xsym::dtype::float32, xsym::context ctx = cpu()) {
    return ndarray(std::move(s), t, ctx);
  }
  static ndarray ones(xsym::shape s, xsym::dtype t = xsym::dtype::float32, xsym::context ctx = cpu()) {
    return full(std::move(s), 1.0, t, ctx);
  }
  static ndarray full(xsym::shape s, double value, xsym::dtype t = xsym::dtype::float32, xsym::context ctx = cpu());
  template <element_type T>
  static typed_ndarray<T> zeros(xsym::shape s, xsym::context ctx = cpu());
  template <element_type T>
  static typed_ndarray<T> ones(xsym::shape s, xsym::context ctx = cpu());
  template <element_type T>
  static typed_ndarray<T> full(xsym::shape s, T value, xsym::context ctx = cpu());

  const xsym::shape& shape() const { return shape_; }
  xsym::dtype dtype() const { return dtype_; }
  xsym::context context() const { return storage_ ? storage_->ctx() : cpu(); }
  /// Number of elements.
  std::size_t size() const { return shape_.size(); }
  std::size_t ndim() const { return shape_.ndim(); }
  std::size_t nbytes() const { return size() * dtype_size(dtype_); }
  /// False for a default-constructed handle.
  bool has_storage() const { return storage_ != nullptr; }

  /// The elements, copied to the host. Throws xsym::error unless T is the array's dtype.
  template <element_type T>
  std::vector<T> to_vector() const {
    check_dtype<T>("to_vector");
    std::vector<T> out(size());
    if (size() == 0) return out;
    if (context().type == context::device::cpu) {
      std::copy_n(static_cast<const T*>(raw_data()), size(), out.data());
    } else {
      detail::gpu_backend()->copy_to_host(out.data(), raw_data(), nbytes(), context().id);
    }
    return out;
  }

  /// Pointer to the elements of a CPU array. Throws unless T is the dtype and the array is on the CPU.
  template <element_type T>
  T* data() const {
    check_dtype<T>("data");
    if (context().type != context::device::cpu)
      throw error("xsym::ndarray::data<" + std::string(dtype_name(dtype_of<T>)) + ">: the array is on " +
                  context().str() + "; copy it to cpu() first");
    return static_cast<T*>(raw_data());
  }
  /// Address of the first element on the array's context (null for an empty handle).
  void* raw_data() const { return storage_ ? storage_->data() : nullptr; }

  /// Overwrites the elements with `values` (the same number of elements, the same dtype).
  template <element_type T>
  void copy_from(std::span<const T> values) const {
    check_dtype<T>("copy_from");
    if (values.size() != size())
      throw error("xsym::ndarray::copy_from: got " + std::to_string(values.size()) +
                  " values for an array of shape " + shape_.str() + " (" + std::to_string(size()) + " elements)");
    if (size() == 0) return;
    if (context().type == context::device::cpu)
      std::copy(values.begin(), values.end(), static_cast<T*>(raw_data()));
    else
      detail::gpu_backend()->copy_from_host(raw_data(), values.data(), nbytes(), context().id);
  }
  template <element_type T>
  void copy_from(const std::vector<T>& values) const { copy_from(std::span<const T>(values)); }

  /// Overwrites the elements with those of `source`, on any context: same shape and dtype, else
  /// an xsym::error saying which differs.
  void copy_from(const ndarray& source) const {
    require_storage("copy_from");
    source.require_storage("copy_from (the source)");
    if (source.shape() != shape_ || source.dtype() != dtype_)
      throw error("xsym::ndarray::copy_from: the source is " + std::string(dtype_name(source.dtype())) + " " +
                  source.shape().str() + ", but this array is " + std::string(dtype_name(dtype_)) + " " + shape_.str());
    if (!same_storage(source)) storage_->copy_from(*source.storage_);
  }
  /// MXNet's `a.copyto(b)`: copies this array into `target` (same shape and dtype, any context)
  /// and returns `target`.
  const ndarray& copyto(const ndarray& target) const {
    target.copy_from(*this);
    return target;
  }

  /// A deep copy on the same context.
  ndarray copy() const { return copyto(context()); }
  /// A deep copy on `ctx`.
  ndarray copyto(xsym::context ctx) const {
    require_storage("copyto");
    ndarray out(shape_, dtype_, ctx, uninitialized{});
    out.storage_->copy_from(*storage_);
    return out;
  }
  /// This array when it is already on `ctx`, otherwise a copy there (MXNet's as_in_context).
  ndarray as_in_context(xsym::context ctx) const {
    require_storage("as_in_context");
    return ctx == context() ? *this : copyto(ctx);
  }

  /// True when both handles share storage.
  bool same_storage(const ndarray& other) const { return storage_ == other.storage_; }

  // .params files, byte-compatible with MXNet 1.x (format and errors: params_file.hpp).
  /// MXNet's `mx.nd.save(path, [a, b])`: writes the arrays, without names, to `path`. Arrays on a
  /// GPU are copied to the host; each keeps its context in the file, as MXNet writes it. Throws
  /// xsym::error when the file cannot be written.
  static void save(const std::string& path, const std::vector<ndarray>& arrays);
  /// MXNet's `mx.nd.save(path, {"arg:w": w, ...})`: the arrays with their names, in the order of
  /// `arrays` (an array_dict, a std::map, a vector of pairs).
  template <named_arrays Arrays>
  static void save(const std::string& path, const Arrays& arrays);
  /// MXNet's `mx.nd.load(path)`: the arrays of a .params file, on cpu(), with their names when it
  /// has them. Reads MXNet's V2 and V3 arrays and the older V1 and magic-less formats. Throws
  /// xsym::error naming the file, the byte offset and what is wrong for any malformed file.
  static loaded_arrays load(const std::string& path);

 protected:
  struct uninitialized {};
  ndarray(xsym::shape s, xsym::dtype t, xsym::context ctx, uninitialized)
      : shape_(std::move(s)), dtype_(t), storage_(std::make_shared<detail::storage>(checked_bytes(shape_, t), ctx)) {}

  static std::size_t checked_bytes(const xsym::shape& s, xsym::dtype t) {
    if (s.size() > std::numeric_limits<std::size_t>::max() / dtype_size(t))
      throw error("xsym::ndarray: an array of shape " + s.str() + " and dtype " + std::string(dtype_name(t)) +
                  " does not fit in memory");
    return s.size() * dtype_size(t);
  }

  template <element_type T>
  void check_dtype(const char* what) const {
    require_storage(what);
    if (dtype_of<T> != dtype_)
      throw error(std::string("xsym::ndarray::") + what + "<" + std::string(dtype_name(dtype_of<T>)) +
                  ">: the array holds " + std::string(dtype_name(dtype_)));
  }
  void require_storage(const char* what) const {
    if (!storage_) throw error(std::string("xsym::ndarray::") + what + ": the array is empty (default-constructed)");
  }

 private:
  xsym::shape shape_{0};
  xsym::dtype dtype_ = xsym::dtype::float32;
  std::shared_ptr<detail::storage> storage_;

  template <element_type T>
  friend class typed_ndarray;
};

/// An ndarray whose dtype is known at compile time (what `ndarray::array<T>` returns). It is an
/// ndarray; the typed bind form checks it against typed variables at compile time.
template <element_type T>
class typed_ndarray : public ndarray {
 public:
  using value_type = T;
  typed_ndarray() : ndarray(xsym::shape{0}, dtype_of<T>, cpu()) {}
  /// Views `a` as typed; throws xsym::error unless its dtype is T.
  explicit typed_ndarray(const ndarray& a) : ndarray(a) { check_dtype<T>("typed_ndarray"); }
  using ndarray::data;
  using ndarray::to_vector;
  T* data() const { return ndarray::data<T>(); }
  std::vector<T> to_vector() const { return ndarray::to_vector<T>(); }
  typed_ndarray copy() const { return typed_ndarray(ndarray::copy()); }

 private:
  friend class ndarray;
  typed_ndarray(xsym::shape s, xsym::context ctx, uninitialized u) : ndarray(std::move(s), dtype_of<T>, ctx, u) {}
};

template <element_type T>
typed_ndarray<T> ndarray::array(std::span<const T> data, xsym::shape s, xsym::context ctx) {
  if (data.size() != s.size())
    throw error("xsym::ndarray::array: " + std::to_string(data.size()) + " values do not fill shape " + s.str() +
                " (" + std::to_string(s.size()) + " elements)");
  typed_ndarray<T> out(std::move(s), ctx, uninitialized{});
  out.copy_from(data);
  return out;
}

template <element_type T>
typed_ndarray<T> ndarray::zeros(xsym::shape s, xsym::context ctx) {
  return typed_ndarray<T>(ndarray(std::move(s), dtype_of<T>, ctx));
}
template <element_type T>
typed_ndarray<T> ndarray::ones(xsym::shape s, xsym::context ctx) {
  return full<T>(std::move(s), T(1), ctx);
}
template <element_type T>
typed_ndarray<T> ndarray::full(xsym::shape s, T value, xsym::context ctx) {
  typed_ndarray<T> out(std::move(s), ctx, uninitialized{});
  out.copy_from(std::vector<T>(out.size(), value));
  return out;
}

// After the typed full<T>: clang instantiates the generic lambda where it is written.
inline ndarray ndarray::full(xsym::shape s, double value, xsym::dtype t, xsym::context ctx) {
  if (t == xsym::dtype::float16)
    throw error("xsym::ndarray::full: float16 arrays cannot be filled yet (xsym has no float16 arithmetic)");
  return visit_element_type(t, [&]<class T>(T) -> ndarray { return full<T>(std::move(s), arith::convert<T>(value), ctx); });
}

}  // namespace xsym

// save and load are inline, so every translation unit that calls them needs their definitions:
// including them here, after the complete ndarray they need, means that including ndarray.hpp is
// enough (no link error). params_file.hpp includes this header back; #pragma once breaks the cycle.
#include "params_file.hpp"
