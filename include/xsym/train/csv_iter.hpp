#pragma once
// MXNet's CSVIter: batches from CSV files of numbers, one sample per line (data_csv, and
// label_csv when given; without it every label is 0, as MXNet's). Each line holds the values
// of one sample in row-major order (data_shape's size of them). round_batch (MXNet's default)
// fills the last batch from the start of the file and says how many were filled (pad);
// without it the incomplete last batch is dropped.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../core/shape.hpp"
#include "../ndarray/ndarray.hpp"
#include "data_iter.hpp"

namespace xsym::io {

/// The numbers of CSV text as (lines, row_shape...) float32: every non-empty line holds
/// row_shape's size of comma-separated numbers (spaces around them allowed). Throws xsym::error
/// naming `source`, the line and the column for anything else: a value that is not a number, a
/// line with too few or too many values, no lines at all.
ndarray read_csv(std::string_view text, std::string_view source, const xsym::shape& row_shape);

struct CSVIterOptions {
  std::string data_csv;
  xsym::shape data_shape;
  std::string label_csv = {};
  xsym::shape label_shape = {1};
  std::size_t batch_size = 1;
  bool round_batch = true;
  std::string data_name = "data", label_name = "softmax_label";
};

class CSVIter : public DataIter {
 public:
  explicit CSVIter(const CSVIterOptions& options);
  void reset() override { iter_->reset(); }
  std::optional<DataBatch> next() override { return iter_->next(); }
  std::vector<DataDesc> provide_data() const override { return iter_->provide_data(); }
  std::vector<DataDesc> provide_label() const override { return iter_->provide_label(); }
  std::size_t batch_size() const override { return iter_->batch_size(); }

 private:
  std::optional<NDArrayIter> iter_;
};

}  // namespace xsym::io
