#pragma once
// Data iterators, MXNet's mx.io: a DataIter hands out DataBatches of a fixed batch size, each
// with its data and label arrays in the order of provide_data / provide_label.
//   NDArrayIter  arrays held in memory, first dimension = samples; seeded shuffle; the last
//                incomplete batch padded, discarded or rolled over into the next epoch
//   CSVIter      (train/csv_iter.hpp) the same over CSV files
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "../ndarray/array_dict.hpp"
#include "../ndarray/ndarray.hpp"
#include "random.hpp"

namespace xsym::io {

/// A named input and its shape with the batch as first dimension (MXNet's DataDesc).
struct DataDesc {
  std::string name;
  xsym::shape shape;
  xsym::dtype dtype = xsym::dtype::float32;
};

/// One batch: data and label arrays in provide_data / provide_label order. `pad` samples at the
/// end are filler (from the start of the data set) and must not count in predictions.
struct DataBatch {
  std::vector<ndarray> data, label;
  std::size_t pad = 0;
};

/// What the module reads. next() returns nothing at the end of an epoch; reset() starts the next.
class DataIter {
 public:
  virtual ~DataIter() = default;
  virtual void reset() = 0;
  virtual std::optional<DataBatch> next() = 0;
  virtual std::vector<DataDesc> provide_data() const = 0;
  virtual std::vector<DataDesc> provide_label() const = 0;
  virtual std::size_t batch_size() const = 0;
};

/// What NDArrayIter does with the last batch when the data does not divide into batches.
enum class last_batch { pad, discard, roll_over };

struct NDArrayIterOptions {
  std::size_t batch_size = 1;
  bool shuffle = false;
  last_batch last_batch_handle = last_batch::pad;
  /// The names of a single data array and a single label array (MXNet's defaults).
  std::string data_name = "data", label_name = "softmax_label";
  /// The shuffle's seed: the same seed gives the same order, epoch after epoch.
  std::uint64_t seed = 0;
};

/// MXNet's NDArrayIter over CPU arrays whose first dimension counts the samples.
class NDArrayIter : public DataIter {
 public:
  /// Named data and label arrays (`{{"data", x}}`), all with the same number of samples.
  NDArrayIter(array_dict data, array_dict label, NDArrayIterOptions options) : options_(std::move(options)) {
    if (options_.batch_size == 0) throw error("xsym::io::NDArrayIter: batch_size must be positive");
    for (const auto& [name, a] : data) data_.push_back(checked(name, a));
    for (const auto& [name, a] : label) label_.push_back(checked(name, a));
    if (data_.empty()) throw error("xsym::io::NDArrayIter: no data arrays");
    num_data_ = std::size_t(data_[0].second.shape()[0]);
    for (const auto& group : {data_, label_})
      for (const auto& [name, a] : group)
        if (std::size_t(a.shape()[0]) != num_data_)
          throw error("xsym::io::NDArrayIter: '" + name + "' has " + std::to_string(a.shape()[0]) + " samples, '" +
                      data_[0].first + "' has " + std::to_string(num_data_) + "; every array needs the same number");
    if (options_.batch_size > num_data_ && options_.last_batch_handle == last_batch::discard)
      throw error("xsym::io::NDArrayIter: batch_size " + std::to_string(options_.batch_size) + " exceeds the " +
                  std::to_string(num_data_) + " samples, and last_batch_handle is discard: no batch would remain");
    order_.resize(num_data_);
    for (std::size_t i = 0; i < num_data_; ++i) order_[i] = i;
    // MXNet drops the same tail samples every epoch (before any shuffle).
    if (options_.last_batch_handle == last_batch::discard) order_.resize(num_data_ -= num_data_ % options_.batch_size);
    if (options_.shuffle) shuffle();
    cursor_ = -std::ptrdiff_t(options_.batch_size);
  }
  /// One data array and an optional label array, named by the options.
  NDArrayIter(const ndarray& data, const ndarray& label, NDArrayIterOptions options)
      : NDArrayIter(array_dict({{options.data_name, data}}),
                    label.has_storage() ? array_dict({{options.label_name, label}}) : array_dict(), options) {}
  NDArrayIter(const ndarray& data, NDArrayIterOptions options) : NDArrayIter(data, ndarray(), std::move(options)) {}

  /// Starts the next epoch (reshuffled when shuffling). With roll_over, the samples left over at
  /// the end of this epoch open the next one.
  void reset() override {
    if (options_.shuffle) shuffle();
    const auto b = std::ptrdiff_t(options_.batch_size), n = std::ptrdiff_t(num_data_);
    if (options_.last_batch_handle == last_batch::roll_over && n - b < cursor_ && cursor_ < n)
      cursor_ = cursor_ - n - b;
    else
      cursor_ = -b;
  }

  std::optional<DataBatch> next() override {
    const auto b = std::ptrdiff_t(options_.batch_size), n = std::ptrdiff_t(num_data_);
    cursor_ += b;
    if (cursor_ >= n) return std::nullopt;
    if (options_.last_batch_handle == last_batch::roll_over && cursor_ + b > n) {
      // MXNet keeps the incomplete last batch for the next epoch instead of returning it.
      carried_ = std::vector<std::size_t>(order_.begin() + cursor_, order_.begin() + n);
      return std::nullopt;
    }
    std::vector<std::size_t> rows;
    std::size_t pad = 0;
    if (cursor_ < 0) {  // the first batch after a roll_over
      rows = carried_;
      rows.insert(rows.end(), order_.begin(), order_.begin() + (cursor_ + b));
      carried_.clear();
    } else {
      const auto end = std::min(cursor_ + b, n);
      rows.assign(order_.begin() + cursor_, order_.begin() + end);
      for (std::size_t k = 0; rows.size() < options_.batch_size; ++k, ++pad) rows.push_back(order_[k % num_data_]);
    }
    DataBatch batch{gather(data_, rows), gather(label_, rows), pad};
    return batch;
  }

  std::vector<DataDesc> provide_data() const override { return describe(data_); }
  std::vector<DataDesc> provide_label() const override { return describe(label_); }
  std::size_t batch_size() const override { return options_.batch_size; }
  /// Samples per epoch (after discarding, where the options discard).
  std::size_t num_data() const { return num_data_; }

 private:
  using named = std::pair<std::string, ndarray>;

  static named checked(const std::string& name, const ndarray& a) {
    if (a.context() != cpu())
      throw error("xsym::io::NDArrayIter: '" + name + "' is on " + a.context().str() + "; the iterator reads cpu arrays");
    if (a.ndim() == 0) throw error("xsym::io::NDArrayIter: '" + name + "' has no sample dimension (0-d array)");
    return {name, a};
  }

  void shuffle() { rng_.shuffle(order_); }

  std::vector<ndarray> gather(const std::vector<named>& arrays, const std::vector<std::size_t>& rows) const {
    std::vector<ndarray> out;
    for (const auto& [name, a] : arrays) {
      auto dims = a.shape().dims();
      dims[0] = std::int64_t(rows.size());
      ndarray batch(xsym::shape(dims), a.dtype());
      const std::size_t row_bytes = a.shape()[0] ? a.nbytes() / std::size_t(a.shape()[0]) : 0;
      const auto* src = static_cast<const std::byte*>(a.raw_data());
      auto* dst = static_cast<std::byte*>(batch.raw_data());
      for (std::size_t r = 0; r < rows.size(); ++r) std::memcpy(dst + r * row_bytes, src + rows[r] * row_bytes, row_bytes);
      out.push_back(std::move(batch));
    }
    return out;
  }

  std::vector<DataDesc> describe(const std::vector<named>& arrays) const {
    std::vector<DataDesc> d;
    for (const auto& [name, a] : arrays) {
      auto dims = a.shape().dims();
      dims[0] = std::int64_t(options_.batch_size);
      d.push_back({name, xsym::shape(dims), a.dtype()});
    }
    return d;
  }

  NDArrayIterOptions options_;
  std::vector<named> data_, label_;
  std::size_t num_data_ = 0;
  std::vector<std::size_t> order_, carried_;
  std::ptrdiff_t cursor_ = 0;
  train::random_stream rng_{options_.seed};
};

}  // namespace xsym::io
