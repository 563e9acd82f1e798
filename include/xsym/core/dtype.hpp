#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>

#include "error.hpp"
#include "type_list.hpp"

namespace xsym {

/// Element types, with MXNet's type codes (`mshadow::TypeFlag`), so that JSON attributes and
/// saved models read the same. float16 can be named and stored but has no arithmetic yet.
enum class dtype : int {
  float32 = 0,
  float64 = 1,
  float16 = 2,
  uint8 = 3,
  int32 = 4,
  int8 = 5,
  int64 = 6,
};

/// MXNet's name of a dtype: "float32", "int64", ...
constexpr std::string_view dtype_name(dtype t) {
  switch (t) {
    case dtype::float32: return "float32";
    case dtype::float64: return "float64";
    case dtype::float16: return "float16";
    case dtype::uint8: return "uint8";
    case dtype::int32: return "int32";
    case dtype::int8: return "int8";
    case dtype::int64: return "int64";
  }
  return "unknown";
}

/// The dtype named `s` ("float32", ...); throws xsym::error for an unknown name.
inline dtype dtype_from_name(std::string_view s) {
  for (int code = 0; code <= 6; ++code)
    if (dtype_name(dtype(code)) == s) return dtype(code);
  throw error("xsym: unknown dtype '" + std::string(s) +
              "'; expected one of float32, float64, float16, uint8, int32, int8, int64");
}

/// Size of one element in bytes.
/// Whether t is a floating-point dtype: the ones that have gradients.
constexpr bool is_floating(dtype t) { return t == dtype::float16 || t == dtype::float32 || t == dtype::float64; }

constexpr std::size_t dtype_size(dtype t) {
  switch (t) {
    case dtype::float64:
    case dtype::int64: return 8;
    case dtype::float32:
    case dtype::int32: return 4;
    case dtype::float16: return 2;
    case dtype::uint8:
    case dtype::int8: return 1;
  }
  return 0;
}

/// "a float32", "an int64": a dtype's name with its English article, for messages.
inline std::string with_article(std::string_view dtype_name) {
  return std::string(dtype_name.starts_with("int") ? "an " : "a ") + std::string(dtype_name);
}

inline std::ostream& operator<<(std::ostream& os, dtype t) { return os << dtype_name(t); }

/// True for the C++ types that are xsym element types.
template <class T>
concept element_type = std::is_same_v<T, float> || std::is_same_v<T, double> ||
                       std::is_same_v<T, std::uint8_t> || std::is_same_v<T, std::int8_t> ||
                       std::is_same_v<T, std::int32_t> || std::is_same_v<T, std::int64_t>;

/// The dtype of the C++ element type T: `dtype_of<float> == dtype::float32`.
template <element_type T>
inline constexpr dtype dtype_of = std::is_same_v<T, float>          ? dtype::float32
                                  : std::is_same_v<T, double>       ? dtype::float64
                                  : std::is_same_v<T, std::uint8_t> ? dtype::uint8
                                  : std::is_same_v<T, std::int8_t>  ? dtype::int8
                                  : std::is_same_v<T, std::int32_t> ? dtype::int32
                                                                    : dtype::int64;

namespace detail {
template <dtype D> struct type_of_dtype;
template <> struct type_of_dtype<dtype::float32> { using type = float; };
template <> struct type_of_dtype<dtype::float64> { using type = double; };
template <> struct type_of_dtype<dtype::uint8> { using type = std::uint8_t; };
template <> struct type_of_dtype<dtype::int8> { using type = std::int8_t; };
template <> struct type_of_dtype<dtype::int32> { using type = std::int32_t; };
template <> struct type_of_dtype<dtype::int64> { using type = std::int64_t; };
}  // namespace detail

/// The C++ element type of a dtype: `type_of<dtype::int32>` is `std::int32_t`.
template <dtype D>
using type_of = typename detail::type_of_dtype<D>::type;

/// Every element type, for code that instantiates something per type.
using element_types = type_list<float, double, std::uint8_t, std::int8_t, std::int32_t, std::int64_t>;

/// `f(T{})` for the C++ element type T of run-time dtype `t`: the one switch from a dtype to a
/// type. Throws xsym::error for float16, which has no arithmetic yet.
template <class F>
decltype(auto) visit_element_type(dtype t, F&& f) {
  switch (t) {
    case dtype::float32: return f(float{});
    case dtype::float64: return f(double{});
    case dtype::uint8: return f(std::uint8_t{});
    case dtype::int8: return f(std::int8_t{});
    case dtype::int32: return f(std::int32_t{});
    case dtype::int64: return f(std::int64_t{});
    case dtype::float16: break;
  }
  throw error("xsym: " + std::string(dtype_name(t)) + " has no element type (xsym has no float16 arithmetic yet)");
}

}  // namespace xsym
