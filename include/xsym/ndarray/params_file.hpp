#pragma once
// MXNet's .params files: the binary NDArray list that mx.nd.save, MXNDArraySave and
// Module.save_checkpoint write and mx.nd.load reads (MXNet 1.x, src/ndarray/ndarray.cc,
// NDArray::Save/Load). All integers little-endian:
//
//   file    u64 0x112, u64 reserved (0), u64 n, n arrays, u64 k (0 or n), k names
//   name    u64 length, the bytes
//   array   u32 magic 0xF993FAC9 (V2), i32 storage type (0: dense), shape,
//           i32 dev_type, i32 dev_id, i32 type flag, the elements (row-major)
//   shape   i32 ndim, ndim x i64
//
// A "none" array (MXNet's NDArray(), xsym's default-constructed handle) is written as a V2 shape
// of ndim 0 and nothing after it: MXNet refuses to save one, but its reader reads that as none.
// Older writers: V1 (magic 0xF993FAC8) has no storage type; the first format has no magic at all
// (its first u32 is ndim, then u32 dims). V3 (0xF993FACA) is V2 under numpy shape semantics,
// where ndim 0 is a scalar rather than "none"; MXNet writes it for every array when np_shape is
// on and refuses to load V3 and other arrays from one file. xsym writes V2, or V3 when the file
// holds a 0-d array (which V2 cannot express).
//
// Threat model: the bytes may be anything. Every read checks the bytes left first, nothing is
// allocated from a count or a length before that check (memory stays within a small multiple of
// the file size), and every malformed file is an xsym::error that names the file, the byte offset
// and what was expected. fuzz target: tests/fuzz/params_fuzz.cpp.
//
// Include order: array_dict.hpp includes ndarray.hpp, which includes this header before
// array_dict is defined, so only templates here may use array_dict's members.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../core/context.hpp"
#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "array_dict.hpp"
#include "ndarray.hpp"

namespace xsym {

/// What ndarray::load returns: the arrays in file order and, for a file saved with names (a
/// dict), their names. A none array in the file is a default-constructed ndarray.
struct loaded_arrays {
  std::vector<std::string> names;  ///< one per array, or empty for a file saved as a list
  std::vector<ndarray> arrays;

  /// True when the file has names. A dict with no arrays reads as an empty list, as in MXNet.
  bool named() const { return !names.empty(); }

  /// The arrays by name (MXNet's `mx.nd.load` dict), in file order. Throws xsym::error when the
  /// file has arrays but no names, or a name twice. (A template only so that its body compiles
  /// after array_dict, whose header includes this one through ndarray.hpp.)
  template <class Dict = array_dict>
  Dict dict() const;
};

/// The bytes of a .params file holding `arrays` without names (what ndarray::save writes).
std::string save_params_bytes(const std::vector<ndarray>& arrays);
/// The bytes of a .params file holding `arrays` with their names.
template <named_arrays Arrays>
std::string save_params_bytes(const Arrays& arrays);
/// Reads the bytes of a .params file as ndarray::load reads a file; `source` names them in errors.
loaded_arrays load_params_bytes(std::string_view bytes, std::string_view source = "<bytes>");

namespace detail::params_file {

inline constexpr std::uint64_t list_magic = 0x112;
inline constexpr std::uint32_t v1_magic = 0xF993FAC8;
inline constexpr std::uint32_t v2_magic = 0xF993FAC9;
inline constexpr std::uint32_t v3_magic = 0xF993FACA;
// MXNet sets no limit; NumPy's is 32 (NPY_MAXDIMS). A legacy array's first u32 is its ndim, so
// anything larger there is a bad magic rather than a shape.
inline constexpr std::int64_t max_ndim = 32;

inline std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llX", static_cast<unsigned long long>(v));
  return buf;
}

// Elements in the file are little-endian; on a big-endian host each element is byte-swapped.
inline void copy_elements(std::byte* to, const std::byte* from, std::size_t bytes, std::size_t element) {
  if (bytes == 0) return;
  std::memcpy(to, from, bytes);
  if constexpr (std::endian::native == std::endian::big)
    for (std::size_t i = 0; i + element <= bytes; i += element) std::reverse(to + i, to + i + element);
}

class writer {
 public:
  void u32(std::uint32_t v) { put(v, 4); }
  void i32(std::int32_t v) { put(static_cast<std::uint32_t>(v), 4); }
  void u64(std::uint64_t v) { put(v, 8); }
  void i64(std::int64_t v) { put(static_cast<std::uint64_t>(v), 8); }
  void text(std::string_view s) {
    u64(s.size());
    out_ += s;
  }
  void elements(const void* data, std::size_t bytes, std::size_t element) {
    std::size_t at = out_.size();
    out_.resize(at + bytes);
    copy_elements(reinterpret_cast<std::byte*>(out_.data() + at), static_cast<const std::byte*>(data), bytes, element);
  }
  std::string take() { return std::move(out_); }

 private:
  void put(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out_ += static_cast<char>((v >> (8 * i)) & 0xFF);
  }
  std::string out_;
};

/// The file for `arrays` and `names` (empty, or one per array).
inline std::string write(const std::vector<ndarray>& arrays, const std::vector<std::string_view>& names) {
  // A 0-d array exists only under numpy shape semantics (V3), where a none array cannot be
  // written: MXNet's V3 reader takes ndim -1 as a length and overruns.
  std::size_t scalar = arrays.size(), none = arrays.size();
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    if (!arrays[i].has_storage()) none = std::min(none, i);
    else if (arrays[i].ndim() == 0) scalar = std::min(scalar, i);
  }
  for (std::size_t i = 0; i < arrays.size(); ++i)
    if (arrays[i].ndim() > std::size_t(max_ndim))
      throw error("xsym::ndarray::save: array " + std::to_string(i) + " has " + std::to_string(arrays[i].ndim()) +
                  " dimensions; a .params file holds at most " + std::to_string(max_ndim) + " (NumPy's limit)");
  const bool v3 = scalar < arrays.size();
  if (v3 && none < arrays.size())
    throw error("xsym::ndarray::save: array " + std::to_string(none) + " is empty (default-constructed) and array " +
                std::to_string(scalar) + " is 0-d; a file with 0-d arrays uses MXNet's numpy shape semantics (V3), "
                "which cannot hold an empty array");

  writer w;
  w.u64(list_magic);
  w.u64(0);
  w.u64(arrays.size());
  for (const ndarray& a : arrays) {
    w.u32(v3 ? v3_magic : v2_magic);
    w.i32(0);  // dense storage
    if (!a.has_storage()) {
      w.i32(0);  // ndim 0: none, and nothing follows
      continue;
    }
    w.i32(static_cast<std::int32_t>(a.ndim()));
    for (std::int64_t d : a.shape()) w.i64(d);
    // MXNet writes the array's own context, so that it loads back onto the same device.
    w.i32(static_cast<std::int32_t>(a.context().type));
    w.i32(a.context().id);
    w.i32(static_cast<std::int32_t>(a.dtype()));
    const ndarray host = a.context().type == context::device::cpu ? a : a.copyto(cpu());
    w.elements(host.raw_data(), host.nbytes(), dtype_size(a.dtype()));
  }
  w.u64(names.size());
  for (std::string_view n : names) w.text(n);
  return w.take();
}

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (out) out.close();
  if (!out) throw error("xsym::ndarray::save: cannot write '" + path + "'");
}

/// Reads one file front to back; `fail` throws with the file, the offset and the part being read.
class reader {
 public:
  reader(std::string_view bytes, std::string_view source) : bytes_(bytes), source_(source) {}

  loaded_arrays read() {
    part_ = "header";
    if (const std::uint64_t magic = u64("the header magic"); magic != list_magic)
      fail(0, "not an MXNet .params file: the header magic is " + hex(magic) + ", expected 0x112");
    u64("the reserved field");  // MXNet writes 0 and never reads it
    const std::size_t count_at = pos_;
    const std::uint64_t count = u64("the array count");
    // The smallest array is a legacy none array: 4 bytes.
    if (count > left() / 4)
      fail(count_at, "the array count " + std::to_string(count) + " cannot fit in the " + std::to_string(left()) +
                         " bytes left (an array takes at least 4)");
    loaded_arrays out;
    out.arrays.reserve(count);
    for (std::uint64_t i = 0; i < count; ++i) out.arrays.push_back(array(i));

    part_ = "names";
    const std::size_t names_at = pos_;
    const std::uint64_t names = u64("the name count");
    if (names != 0 && names != count)
      fail(names_at, std::to_string(names) + " names for " + std::to_string(count) +
                         " arrays; MXNet requires none or one per array");
    out.names.reserve(names);
    for (std::uint64_t i = 0; i < names; ++i) {
      part_ = "name " + std::to_string(i);
      const std::size_t at = pos_;
      const std::uint64_t length = u64("its length");
      if (length > left())
        fail(at, "the name length " + std::to_string(length) + " runs past the end of the file (" +
                     std::to_string(left()) + " bytes left)");
      out.names.emplace_back(bytes_.substr(pos_, length));
      pos_ += length;
    }
    part_ = "end";
    if (left() != 0)
      fail(pos_, std::to_string(left()) + " unexpected bytes after the last name (the file should end here)");
    return out;
  }

 private:
  ndarray array(std::uint64_t index) {
    part_ = "array " + std::to_string(index);
    const std::size_t at = pos_;
    const std::uint32_t magic = u32("the magic");
    const bool v3 = magic == v3_magic, legacy = magic != v1_magic && magic != v2_magic && !v3;
    if (legacy && magic > max_ndim)
      fail(at, "bad magic " + hex(magic) + ": neither an NDArray magic (0xF993FAC8, 0xF993FAC9, 0xF993FACA) nor the "
                   "ndim (at most 32) of the first format");
    // MXNet loads V3 arrays only under numpy shape semantics, and other arrays only without.
    if (index == 0) first_v3_ = v3;
    else if (v3 != first_v3_)
      fail(at, std::string("a ") + (v3 ? "V3" : "pre-V3") + " array after a " + (first_v3_ ? "V3" : "pre-V3") +
                   " array 0; MXNet loads no file that mixes numpy shape semantics (V3) with the older ones");
    if (magic == v2_magic || v3) storage_type();

    std::vector<std::int64_t> dims;
    if (legacy) {
      dims.resize(magic);  // at most 32
      for (auto& d : dims) d = u32("a dimension");
    } else {
      const std::size_t ndim_at = pos_;
      const std::int32_t ndim = i32("ndim");
      if (ndim < 0 || ndim > max_ndim)
        fail(ndim_at, "ndim " + std::to_string(ndim) + " is not between 0 and " + std::to_string(max_ndim));
      dims.resize(static_cast<std::size_t>(ndim));
      for (auto& d : dims) {
        const std::size_t dim_at = pos_;
        d = i64("a dimension");
        if (d < 0) fail(dim_at, "dimension " + std::to_string(d) + " is negative");
      }
    }
    if (dims.empty() && !v3) return ndarray();  // none: MXNet writes nothing after its shape

    const std::size_t device_at = pos_;
    const std::int32_t dev_type = i32("the device type");
    if (dev_type != 1 && dev_type != 2 && dev_type != 3 && dev_type != 5)
      fail(device_at, "unknown device type " + std::to_string(dev_type) +
                          " (MXNet's are 1 cpu, 2 gpu, 3 cpu_pinned, 5 cpu_shared)");
    i32("the device id");  // every array loads onto cpu()
    const dtype t = type_flag();

    const std::size_t data_at = pos_;
    const std::string what = std::string(dtype_name(t)) + " " + shape_text(dims);
    std::int64_t elements = 1;
    bool overflow = false;
    for (std::int64_t d : dims) overflow |= __builtin_mul_overflow(elements, d, &elements);
    if (overflow && std::find(dims.begin(), dims.end(), 0) == dims.end())
      fail(data_at, "shape " + shape_text(dims) + " has more elements than an int64 can count");
    if (overflow) elements = 0;
    std::uint64_t bytes = 0;
    if (__builtin_mul_overflow(static_cast<std::uint64_t>(elements), dtype_size(t), &bytes))
      fail(data_at, "the data of " + what + " is more bytes than 64 bits can count");
    if (bytes > left())
      fail(data_at, "the data of " + what + " needs " + std::to_string(bytes) + " bytes, but the file has " +
                        std::to_string(left()) + " left");
    ndarray a(xsym::shape(std::move(dims)), t, cpu());
    copy_elements(static_cast<std::byte*>(a.raw_data()), reinterpret_cast<const std::byte*>(bytes_.data() + pos_),
                  bytes, dtype_size(t));
    pos_ += bytes;
    return a;
  }

  void storage_type() {
    const std::size_t at = pos_;
    const std::int32_t stype = i32("the storage type");
    if (stype == 1 || stype == 2)
      fail(at, std::string("sparse storage (") + (stype == 1 ? "row_sparse" : "csr") +
                   ") is not supported; save the array dense (tostype('default')) in MXNet");
    if (stype != 0) fail(at, "unknown storage type " + std::to_string(stype) + " (0 is dense)");
  }

  dtype type_flag() {
    const std::size_t at = pos_;
    const std::int32_t flag = i32("the type flag");
    if (flag >= 0 && flag <= 6) return dtype(flag);
    static constexpr const char* other[] = {"bool", "int16", "uint16", "uint32", "uint64", "bfloat16"};
    if (flag >= 7 && flag <= 12)
      fail(at, "type flag " + std::to_string(flag) + " (" + other[flag - 7] +
                   ") is an MXNet type that xsym's ndarray cannot hold (it holds float32, float64, float16, uint8, "
                   "int32, int8, int64)");
    fail(at, "unknown type flag " + std::to_string(flag) + " (MXNet's are 0 to 12)");
  }

  static std::string shape_text(const std::vector<std::int64_t>& dims) {
    std::string s = "[";
    for (std::size_t i = 0; i < dims.size(); ++i) {
      if (i) s += ',';
      s += std::to_string(dims[i]);
    }
    return s + ']';
  }

  std::size_t left() const { return bytes_.size() - pos_; }

  [[noreturn]] void fail(std::size_t at, const std::string& what) const {
    throw error("xsym::ndarray::load: " + std::string(source_) + ": byte " + std::to_string(at) + ": " + part_ + ": " +
                what);
  }

  // Reads n little-endian bytes, or fails saying which field the file ends in.
  std::uint64_t take(std::size_t n, const char* field) {
    if (left() < n)
      fail(pos_, std::string("truncated: ") + field + " needs " + std::to_string(n) + " bytes, but the file has " +
                     std::to_string(left()) + " left");
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v |= std::uint64_t(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
    pos_ += n;
    return v;
  }
  std::uint32_t u32(const char* field) { return static_cast<std::uint32_t>(take(4, field)); }
  std::int32_t i32(const char* field) { return static_cast<std::int32_t>(u32(field)); }
  std::uint64_t u64(const char* field) { return take(8, field); }
  std::int64_t i64(const char* field) { return static_cast<std::int64_t>(u64(field)); }

  std::string_view bytes_;
  std::string_view source_;
  std::size_t pos_ = 0;
  std::string part_;
  bool first_v3_ = false;
};

template <class Arrays>
std::string write_named(const Arrays& entries) {
  std::vector<ndarray> arrays;
  std::vector<std::string_view> names;
  for (const auto& e : entries) {
    names.emplace_back(e.first);
    arrays.push_back(e.second);
  }
  return write(arrays, names);
}

}  // namespace detail::params_file

inline std::string save_params_bytes(const std::vector<ndarray>& arrays) {
  return detail::params_file::write(arrays, {});
}

template <named_arrays Arrays>
std::string save_params_bytes(const Arrays& arrays) {
  return detail::params_file::write_named(arrays);
}

inline loaded_arrays load_params_bytes(std::string_view bytes, std::string_view source) {
  return detail::params_file::reader(bytes, source).read();
}

inline void ndarray::save(const std::string& path, const std::vector<ndarray>& arrays) {
  detail::params_file::write_file(path, save_params_bytes(arrays));
}

template <named_arrays Arrays>
void ndarray::save(const std::string& path, const Arrays& arrays) {
  detail::params_file::write_file(path, save_params_bytes(arrays));
}

inline loaded_arrays ndarray::load(const std::string& path) {
  // The whole file at once: the reader checks every count against the bytes that are there.
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw error("xsym::ndarray::load: cannot open '" + path + "'");
  const std::streamoff size = in.tellg();
  std::string bytes(size > 0 ? static_cast<std::size_t>(size) : 0, '\0');
  in.seekg(0);
  if (size < 0 || !in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())))
    throw error("xsym::ndarray::load: cannot read '" + path + "'");
  return load_params_bytes(bytes, path);
}

template <class Dict>
Dict loaded_arrays::dict() const {
  if (!named() && !arrays.empty())
    throw error("xsym::loaded_arrays::dict: the file holds " + std::to_string(arrays.size()) +
                " arrays without names (saved as a list); use .arrays");
  std::unordered_map<std::string_view, std::size_t> seen;
  std::vector<std::pair<std::string, ndarray>> entries;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (auto [it, fresh] = seen.emplace(names[i], i); !fresh)
      throw error("xsym::loaded_arrays::dict: arrays " + std::to_string(it->second) + " and " + std::to_string(i) +
                  " are both named '" + names[i] + "'");
    entries.emplace_back(names[i], arrays[i]);
  }
  return Dict(std::move(entries));
}

}  // namespace xsym
