#pragma once
// operator<< for ndarray, in the layout of MXNet's NDArray repr: NumPy's str() of the array
// followed by `<NDArray 2x3 @cpu(0)>`, e.g.
//
//     [[1. 2.]
//      [3. 4.]]
//     <NDArray 2x2 @cpu(0)>
//
// MXNet's repr is '\n%s\n<NDArray %s @%s>' % (str(a.asnumpy()), 'x'.join(shape), ctx); the
// leading newline is left out so that `std::cout << a << '\n'` reads well.
//
// The array part reproduces numpy.core.arrayprint (numpy 1.x) with its default options:
// precision 8, floatmode 'maxprec', suppress False, threshold 1000, edgeitems 3, linewidth 75.
// Each helper below names the NumPy function it mirrors, so that a difference can be traced.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "ndarray.hpp"

namespace xsym {

namespace detail::print {

// numpy's default print options (numpy.get_printoptions()).
inline constexpr int precision = 8;
inline constexpr std::size_t threshold = 1000;
inline constexpr std::int64_t edge_items = 3;
inline constexpr std::ptrdiff_t line_width = 75;

// ---------------------------------------------------------------------------------------------
// Decimal digits of one float
// ---------------------------------------------------------------------------------------------

/// A finite float as decimal digits: value = ±d1.d2d3... × 10^exponent. `digits` has no trailing
/// zeros; zero is "0" with exponent 0. `negative` is the sign bit, so -0.0 prints as "-0.".
struct decimal {
  bool negative = false;
  std::string digits = "0";
  int exponent = 0;
};

/// Reads what std::to_chars and printf write ("-1.25e+03", "0.00120"). Any character that is not
/// a digit, a sign or 'e' is taken as the decimal point, so a C locale with ',' does no harm.
inline decimal parse_decimal(std::string_view s) {
  decimal d;
  if (!s.empty() && s.front() == '-') {
    d.negative = true;
    s.remove_prefix(1);
  }
  int exp10 = 0;
  if (auto e = s.find('e'); e != std::string_view::npos) {
    std::string_view ex = s.substr(e + 1);
    bool neg = !ex.empty() && ex.front() == '-';
    if (!ex.empty() && (ex.front() == '-' || ex.front() == '+')) ex.remove_prefix(1);
    std::from_chars(ex.data(), ex.data() + ex.size(), exp10);
    if (neg) exp10 = -exp10;
    s = s.substr(0, e);
  }
  std::string all;  // every digit, without the point
  int whole = 0;    // how many of them stand before the point
  bool after_point = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      all += c;
      whole += after_point ? 0 : 1;
    } else {
      after_point = true;
    }
  }
  std::size_t first = all.find_first_not_of('0');
  if (first == std::string::npos) return d;  // zero, with its sign
  std::size_t last = all.find_last_not_of('0');
  d.digits = all.substr(first, last - first + 1);
  d.exponent = whole - 1 - int(first) + exp10;
  return d;
}

/// The shortest digits that read back as `x` at x's own precision (a float32 0.1f gives "1",
/// not the "100000001..." of its double value). NumPy's Dragon4 in 'unique' mode gives the same.
template <class T>
decimal shortest(T x) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  return parse_decimal(std::string_view(buf, std::size_t(r.ptr - buf)));
}

/// The exact binary value of `x` rounded half-to-even to `decimals` digits after the point, in
/// scientific (`scientific`) or positional notation: Dragon4 where it runs into its cutoff.
/// printf is exact on glibc and a float converts to double exactly.
template <class T>
decimal rounded(T x, int decimals, bool scientific) {
  char buf[512];  // enough for "%.8f" of the largest double (309 digits)
  int n = scientific ? std::snprintf(buf, sizeof buf, "%.*e", decimals, double(x))
                     : std::snprintf(buf, sizeof buf, "%.*f", decimals, double(x));
  return parse_decimal(std::string_view(buf, std::size_t(std::clamp(n, 0, int(sizeof buf) - 1))));
}

/// Digits after the decimal point in positional notation.
inline int fraction_digits(const decimal& d) { return std::max(0, int(d.digits.size()) - 1 - d.exponent); }

/// True when `d` reads back as exactly `x`.
template <class T>
bool reads_back_as(const decimal& d, T x) {
  std::string s = std::string(d.negative ? "-" : "") + d.digits.substr(0, 1) + "." + d.digits.substr(1) + "e" +
                  std::to_string(d.exponent);
  T y{};
  auto r = std::from_chars(s.data(), s.data() + s.size(), y);
  return r.ec == std::errc{} && y == x;
}

/// Dragon4 positional as arrays use it: 'unique', at most `precision` decimals, at least the
/// units digit (min_digits 0). That is the shortest digits, or the exact value rounded when the
/// shortest needs more decimals; or the exact integer when the shortest stops above the units
/// digit (float32 50331648 prints "50331648.", though "5.033165e7" reads back as it): such a
/// value is always an integer (else a shorter multiple of ten could not read back as it), so
/// rounding it to 0 decimals is exact.
template <class T>
decimal positional_digits(T x) {
  decimal d = shortest(x);
  if (fraction_digits(d) > precision) return rounded(x, precision, false);
  if (int(d.digits.size()) < d.exponent + 1) return rounded(x, 0, false);
  return d;
}

/// Dragon4 scientific, 'unique' with at most `decimals` digits after the point.
template <class T>
decimal scientific_digits(T x, int decimals) {
  decimal d = shortest(x);
  return int(d.digits.size()) - 1 > decimals ? rounded(x, decimals, true) : d;
}

/// Dragon4 scientific, 'unique' with exactly `decimals` digits after the point (its min_digits):
/// the digits go on past the shortest ones, so they are those of the exact value, rounded to
/// nearest. Dragon4 picks the other neighbour when only that one reads back as `x`, which can
/// happen next to a power of two, where the gap to the float below is half the gap above.
template <class T>
decimal scientific_digits_exactly(T x, int decimals) {
  decimal nearest = rounded(x, decimals, true);
  if (reads_back_as(nearest, x)) return nearest;
  // nearest as an integer mantissa m with value = m × 10^(exponent - decimals); decimals <= 8 here.
  std::int64_t pow10 = 1;
  for (int i = 0; i < decimals; ++i) pow10 *= 10;
  std::string padded = nearest.digits;
  padded.resize(std::size_t(decimals) + 1, '0');
  const std::int64_t m = std::stoll(padded);
  auto make = [&](std::int64_t mantissa, int exponent) {
    return parse_decimal(std::string(nearest.negative ? "-" : "") + std::to_string(mantissa) + "e" +
                         std::to_string(exponent - decimals));
  };
  // The neighbours one unit in the last digit away; 1.000e5 - 1 unit is 9.999e4 on a finer grid.
  decimal up = make(m + 1, nearest.exponent);
  decimal down = m == pow10 ? make(pow10 * 10 - 1, nearest.exponent - 1) : make(m - 1, nearest.exponent);
  if (reads_back_as(up, x)) return up;
  if (reads_back_as(down, x)) return down;
  return nearest;
}

/// The digits left of the decimal point ("0" for |x| < 1), with the sign.
inline std::string integer_part(const decimal& d) {
  std::string s = d.negative ? "-" : "";
  if (d.exponent < 0) return s + "0";
  std::string whole = d.digits.substr(0, std::size_t(d.exponent) + 1);
  whole.resize(std::size_t(d.exponent) + 1, '0');
  return s + whole;
}

/// The digits right of the decimal point, without trailing zeros.
inline std::string fraction_part(const decimal& d) {
  if (d.exponent >= 0)
    return d.digits.size() > std::size_t(d.exponent) + 1 ? d.digits.substr(std::size_t(d.exponent) + 1) : "";
  return std::string(std::size_t(-d.exponent - 1), '0') + d.digits;
}

/// Digits of an exponent as Dragon4 writes it by default: at least two ("e+05").
inline int exponent_digits(int exponent) {
  return std::max(2, int(std::to_string(exponent < 0 ? -exponent : exponent).size()));
}

/// "e+05", "e-100": the exponent with at least `min_digits` digits.
inline std::string exponent_suffix(int exponent, int min_digits) {
  std::string digits = std::to_string(exponent < 0 ? -exponent : exponent);
  if (int(digits.size()) < min_digits) digits.insert(0, std::size_t(min_digits) - digits.size(), '0');
  return std::string("e") + (exponent < 0 ? '-' : '+') + digits;
}

inline std::string pad_left(std::string s, std::size_t width) {
  if (s.size() < width) s.insert(0, width - s.size(), ' ');
  return s;
}

inline std::string non_finite_str(double x) { return std::isnan(x) ? "nan" : x < 0 ? "-inf" : "inf"; }

// ---------------------------------------------------------------------------------------------
// One element
// ---------------------------------------------------------------------------------------------

/// str() of a NumPy float scalar (what str() of a 0-d array gives): the shortest digits,
/// positional ("0.1", "3.0") when 1e-4 <= |x| < 1e16 or x == 0, otherwise scientific ("1e+16",
/// "1.5e-05"); numpy's scalartypes.c, which compares in double.
template <class T>
std::string float_scalar_str(T x) {
  if (!std::isfinite(x)) return non_finite_str(double(x));
  decimal d = shortest(x);
  double mag = std::fabs(double(x));
  if (mag == 0 || (mag >= 1e-4 && mag < 1e16)) {
    std::string frac = fraction_part(d);
    return integer_part(d) + "." + (frac.empty() ? "0" : frac);
  }
  std::string s = std::string(d.negative ? "-" : "") + d.digits.substr(0, 1);
  if (d.digits.size() > 1) s += "." + d.digits.substr(1);
  return s + exponent_suffix(d.exponent, 2);
}

/// How every float of one array is written, chosen from the elements shown:
/// numpy.core.arrayprint.FloatingFormat (floatmode 'maxprec', sign '-').
template <class T>
class float_format {
 public:
  explicit float_format(const std::vector<T>& shown) {
    // Scientific when a nonzero finite |value| is >= 1e8 or < 1e-4, or max/min > 1e3. The ratio
    // is taken in T as NumPy does; the comparisons are in double, as NumPy compares a float32
    // scalar with a Python float (so float32(1e-4), just below 1e-4, goes scientific).
    T max_abs = 0, min_abs = std::numeric_limits<T>::infinity();
    std::vector<T> finite;
    for (T x : shown) {
      if (!std::isfinite(x)) continue;
      finite.push_back(x);
      if (x == 0) continue;
      max_abs = std::max(max_abs, T(std::fabs(x)));
      min_abs = std::min(min_abs, T(std::fabs(x)));
    }
    if (max_abs > 0)
      scientific_ = double(max_abs) >= 1e8 || double(min_abs) < 1e-4 || double(T(max_abs / min_abs)) > 1e3;

    // A first pass over the values sets the common layout: widths left and right of the point,
    // and in scientific mode the number of decimals (the most any value needs) and exponent digits.
    for (T x : finite) {
      if (scientific_) {
        decimal d = scientific_digits(x, precision);
        pad_left_ = std::max(pad_left_, d.negative ? 2 : 1);
        decimals_ = std::max(decimals_, int(d.digits.size()) - 1);
        exp_digits_ = std::max(exp_digits_, exponent_digits(d.exponent));
      } else {
        decimal d = positional_digits(x);
        pad_left_ = std::max(pad_left_, int(integer_part(d).size()));
        pad_right_ = std::max(pad_right_, int(fraction_part(d).size()));
      }
    }
    if (scientific_) pad_right_ = decimals_ + 2 + exp_digits_;  // decimals, "e", sign, exponent
    // Room for "nan", "inf", "-inf" right-aligned in the same width.
    if (finite.size() != shown.size()) {
      bool neg_inf = std::any_of(shown.begin(), shown.end(), [](T x) { return std::isinf(x) && x < 0; });
      pad_left_ = std::max(pad_left_, (neg_inf ? 4 : 3) - (pad_right_ + 1));
    }
  }

  std::string operator()(T x) const {
    if (!std::isfinite(x)) return pad_left(non_finite_str(double(x)), std::size_t(pad_left_ + pad_right_ + 1));
    if (scientific_) {
      decimal d = scientific_digits_exactly(x, decimals_);
      std::string mantissa = std::string(d.negative ? "-" : "") + d.digits.substr(0, 1) + ".";
      mantissa += d.digits.substr(1) + std::string(std::size_t(decimals_) + 1 - d.digits.size(), '0');
      return pad_left(mantissa, std::size_t(pad_left_) + 1 + std::size_t(decimals_)) +
             exponent_suffix(d.exponent, exp_digits_);
    }
    decimal d = positional_digits(x);
    std::string frac = fraction_part(d);
    return pad_left(integer_part(d), std::size_t(pad_left_)) + "." + frac +
           std::string(std::size_t(pad_right_) - frac.size(), ' ');
  }

 private:
  bool scientific_ = false;
  int pad_left_ = 0;    // characters left of the decimal point, sign included
  int pad_right_ = 0;   // characters right of it (NumPy's count, used for nan/inf width)
  int decimals_ = 0;    // scientific: digits after the point, the same for all values
  int exp_digits_ = 0;  // scientific: digits of the exponent
};

/// Integers right-aligned to the widest of max and min shown: numpy's IntegerFormat.
template <class T>
class int_format {
 public:
  explicit int_format(const std::vector<T>& shown) {
    for (T x : shown) width_ = std::max(width_, std::to_string(std::int64_t(x)).size());
  }
  std::string operator()(T x) const { return pad_left(std::to_string(std::int64_t(x)), width_); }

 private:
  std::size_t width_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The nested brackets
// ---------------------------------------------------------------------------------------------

inline constexpr std::int64_t ellipsis = -1;  // stands for "..." in a list of shown indices

/// The indices shown along an axis of length n: all of them, or when summarizing an axis longer
/// than 2 * edge_items, the first and last edge_items around "..." (numpy's _leading_trailing).
inline std::vector<std::int64_t> shown_indices(std::int64_t n, bool summarize) {
  std::vector<std::int64_t> out;
  bool cut = summarize && n > 2 * edge_items;
  for (std::int64_t i = 0; i < n; ++i) {
    if (cut && i == edge_items) {
      out.push_back(ellipsis);
      i = n - edge_items;
    }
    out.push_back(i);
  }
  return out;
}

/// Row-major layout of the array being printed.
struct layout {
  std::vector<std::int64_t> dims;
  std::vector<std::size_t> strides;  // in elements
  bool summarize = false;

  layout(const xsym::shape& s, bool summarize_) : dims(s.dims()), strides(s.ndim(), 1), summarize(summarize_) {
    for (std::size_t i = dims.size(); i-- > 1;) strides[i - 1] = strides[i] * std::size_t(dims[i]);
  }
};

/// Offsets of the elements shown, in printing order. The format is chosen from these alone, as
/// NumPy chooses it from the summarized array.
inline void collect_shown(const layout& l, std::size_t axis, std::size_t offset, std::vector<std::size_t>& out) {
  if (axis == l.dims.size()) {
    out.push_back(offset);
    return;
  }
  for (std::int64_t i : shown_indices(l.dims[axis], l.summarize))
    if (i != ellipsis) collect_shown(l, axis + 1, offset + std::size_t(i) * l.strides[axis], out);
}

/// Appends `word` to `line`, first moving on to a new line (starting with `indent`) when it
/// would pass `width`, unless the line holds nothing yet: numpy's _extendLine.
inline void extend_line(std::string& s, std::string& line, const std::string& word, std::ptrdiff_t width,
                        const std::string& indent) {
  if (std::ptrdiff_t(line.size() + word.size()) > width && line.size() > indent.size()) {
    line.erase(line.find_last_not_of(' ') + 1);
    s += line + '\n';
    line = indent;
  }
  line += word;
}

/// The block of `axis` at `offset`, as numpy's _formatArray: innermost rows wrap at `width`
/// with continuation lines at `indent`; outer axes put each sub-block on its own line, with
/// ndim - axis - 1 newlines between them (a blank line between 2-d blocks of a 3-d array). Each
/// level indents by one more space and has one column less, for its closing bracket.
template <class Word>
std::string format_block(const layout& l, std::size_t axis, std::size_t offset, const std::string& indent,
                         std::ptrdiff_t width, const Word& word) {
  if (axis == l.dims.size()) return word(offset);
  const std::size_t axes_left = l.dims.size() - axis;
  const std::vector<std::int64_t> items = shown_indices(l.dims[axis], l.summarize);
  auto item_str = [&](std::int64_t i) {
    return i == ellipsis ? std::string("...")
                         : format_block(l, axis + 1, offset + std::size_t(i) * l.strides[axis], indent + ' ',
                                        width - 1, word);
  };
  std::string s;
  if (axes_left == 1) {
    std::string line = indent;
    for (std::size_t k = 0; k < items.size(); ++k) {
      extend_line(s, line, item_str(items[k]), width - 1, indent);
      if (k + 1 < items.size()) line += ' ';
    }
    s += line;
  } else {
    for (std::size_t k = 0; k < items.size(); ++k) {
      s += indent + item_str(items[k]);
      if (k + 1 < items.size()) s += std::string(axes_left - 1, '\n');
    }
  }
  return "[" + s.substr(indent.size()) + "]";
}

/// NumPy's str() of an array holding `values` with shape `s`.
template <class T>
std::string array_str(const std::vector<T>& values, const xsym::shape& s) {
  using format = std::conditional_t<std::is_floating_point_v<T>, float_format<T>, int_format<T>>;
  if (s.ndim() == 0) {  // a 0-d array prints as its scalar
    if constexpr (std::is_floating_point_v<T>) return float_scalar_str(values.at(0));
    else return std::to_string(std::int64_t(values.at(0)));
  }
  if (values.empty()) return "[]";
  const layout l(s, values.size() > threshold);
  std::vector<std::size_t> offsets;
  collect_shown(l, 0, 0, offsets);
  std::vector<T> shown;
  shown.reserve(offsets.size());
  for (std::size_t o : offsets) shown.push_back(values[o]);
  const format fmt(shown);
  return format_block(l, 0, 0, " ", line_width, [&](std::size_t o) { return fmt(values[o]); });
}

/// The array part of the repr, for any dtype.
inline std::string array_str(const ndarray& a) {
  if (a.dtype() == dtype::float16) return "<float16 data not printable yet>";  // no float16 arithmetic to decode them
  return visit_element_type(a.dtype(), [&]<class T>(T) { return array_str(a.to_vector<T>(), a.shape()); });
}

}  // namespace detail::print

/// Prints `a` as Python's `print(a)` does for an MXNet NDArray, without its leading newline:
/// NumPy's str() of the values, a newline, `<NDArray 2x2 @cpu(0)>` and a newline, so that two
/// prints never run together. GPU arrays are copied to the host first. A default-constructed
/// handle prints `<empty NDArray>` and a newline.
inline std::ostream& operator<<(std::ostream& os, const ndarray& a) {
  if (!a.has_storage()) return os << "<empty NDArray>\n";
  std::string dims;
  for (std::size_t i = 0; i < a.ndim(); ++i) {
    if (i) dims += 'x';
    dims += std::to_string(a.shape()[i]);
  }
  return os << detail::print::array_str(a) << "\n<NDArray " << dims << " @" << a.context().str() << ">\n";
}

}  // namespace xsym
