// CSV files of numbers for CSVIter. The text may be anything: every value is parsed with
// std::from_chars and checked, and the arrays grow only with values actually read.
#include "xsym/train/csv_iter.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include "xsym/core/error.hpp"

namespace xsym::io {
namespace {

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error(std::string("xsym::io::CSVIter: cannot open ") + what + " '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

}  // namespace

ndarray read_csv(std::string_view text, std::string_view source, const xsym::shape& row_shape) {
  const std::size_t per_line = row_shape.size();
  const std::string where = "xsym::io::read_csv: " + std::string(source);
  if (per_line == 0) throw error(where + ": the row shape " + row_shape.str() + " holds no values");
  std::vector<float> values;
  std::size_t lines = 0, line_no = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    std::size_t count = 0, at = 0;
    for (;;) {
      while (at < line.size() && blank(line[at])) ++at;
      const auto here = [&] { return where + ":" + std::to_string(line_no) + ":" + std::to_string(at + 1); };
      float v = 0;
      const char* first = line.data() + at;
      auto [ptr, ec] = std::from_chars(first, line.data() + line.size(), v);
      if (ec != std::errc() || ptr == first)
        throw error(here() + ": expected a number, got '" + std::string(line.substr(at, 12)) + "'");
      if (++count > per_line)
        throw error(here() + ": more than the " + std::to_string(per_line) + " values of a row " + row_shape.str());
      values.push_back(v);
      at = std::size_t(ptr - line.data());
      while (at < line.size() && blank(line[at])) ++at;
      if (at == line.size()) break;
      if (line[at] != ',') throw error(here() + ": expected ',' or the end of the line");
      ++at;
    }
    if (count != per_line)
      throw error(where + ":" + std::to_string(line_no) + ": " + std::to_string(count) + " values, a row " +
                  row_shape.str() + " needs " + std::to_string(per_line));
    ++lines;
  }
  if (lines == 0) throw error(where + ": no rows");
  std::vector<std::int64_t> dims{std::int64_t(lines)};
  dims.insert(dims.end(), row_shape.begin(), row_shape.end());
  return ndarray::array<float>(values, xsym::shape(dims));
}

CSVIter::CSVIter(const CSVIterOptions& o) {
  const ndarray data = read_csv(read_file(o.data_csv, "data_csv"), o.data_csv, o.data_shape);
  ndarray label;
  if (!o.label_csv.empty()) {
    label = read_csv(read_file(o.label_csv, "label_csv"), o.label_csv, o.label_shape);
  } else {
    std::vector<std::int64_t> dims{data.shape()[0]};
    dims.insert(dims.end(), o.label_shape.begin(), o.label_shape.end());
    label = ndarray::zeros(xsym::shape(dims), dtype::float32);
  }
  // MXNet's default label shape (1,) gives labels of shape (batch,), as its CSVIter does.
  if (o.label_shape == xsym::shape{1}) {
    ndarray flat(xsym::shape{label.shape()[0]}, dtype::float32);
    flat.copy_from(label.to_vector<float>());
    label = flat;
  }
  iter_.emplace(data, label,
                NDArrayIterOptions{.batch_size = o.batch_size,
                                   .last_batch_handle = o.round_batch ? last_batch::pad : last_batch::discard,
                                   .data_name = o.data_name,
                                   .label_name = o.label_name});
}

}  // namespace xsym::io
