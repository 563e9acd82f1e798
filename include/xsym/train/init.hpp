#pragma once
// MXNet 1.9's initializers (python/mxnet/initializer.py): uniform, normal, constant, zero, one,
// xavier and msra_prelu, applied by an array's name as Initializer.__call__ does:
//
//   xsym::init::initializer init = xsym::init::xavier{.factor_type = "in", .magnitude = 2};
//   init("fc1_weight", w);   // Xavier
//   init("fc1_bias", b);     // 0
//
// MXNet's random streams cannot be reproduced. xsym's are its own and documented, so that the
// same seed gives the same bits with any compiler and standard library (no std:: distribution,
// no libm): an array's stream is keyed by the seed and the array's name (key = splitmix64 of
// seed ^ FNV-1a(name)), and element i of the array is made from outputs 2i+1 and 2i+2 of SplitMix64
// started at that key (Steele, Lea, Flood 2014; counter-based, so any element can be made alone).
// So an array's values depend only on the seed, its name, its size and the spec, never on which
// arrays were filled before it. From a 64-bit output b, u = (b >> 11) * 2^-53 is uniform in [0, 1).
//   uniform(scale): -scale + 2*scale*u (u from output 2i+1), in double, rounded once to the dtype;
//   normal(sigma):  sigma * sqrt(-2 log(1 - u1)) * cos(2 pi u2) (Box-Muller; u1, u2 from outputs
//                   2i+1, 2i+2), with xsym's own log and cos (ops/math.hpp), rounded once.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../ndarray/ndarray.hpp"
#include "../ops/math.hpp"
#include "python_float.hpp"
#include "random.hpp"

namespace xsym::init {

/// U(-scale, scale).
struct uniform {
  float scale = 0.07f;
};
/// N(0, sigma^2).
struct normal {
  float sigma = 0.01f;
};
/// Every weight = value.
struct constant {
  float value = 0;
};
/// Every weight = 0.
struct zero {};
/// Every weight = 1.
struct one {};
/// MXNet's Xavier: fan_in = shape[1] * prod(shape[2:]), fan_out = shape[0] * prod(shape[2:]) (at
/// least 2-d); factor = (fan_in + fan_out) / 2 ("avg"), fan_in ("in") or fan_out ("out");
/// scale = sqrt(magnitude / factor); U(-scale, scale) ("uniform") or N(0, scale^2) ("gaussian").
struct xavier {
  std::string rnd_type = "uniform";
  std::string factor_type = "avg";
  float magnitude = 3;
};
/// MXNet's MSRAPrelu: Xavier "gaussian" with magnitude 2 / (1 + slope^2).
struct msra_prelu {
  std::string factor_type = "avg";
  float slope = 0.25f;
};

namespace detail {

using train::splitmix64_at;
using train::splitmix64_mix;
using train::unit_double;

/// The key of array `name`'s stream under `seed`.
constexpr std::uint64_t stream_key(std::uint64_t seed, std::string_view name) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
  for (char c : name) h = (h ^ std::uint8_t(c)) * 0x100000001b3ULL;
  return splitmix64_mix(seed ^ h);
}

/// Element i of a U(low, high) stream, in double.
inline double uniform_at(std::uint64_t key, std::uint64_t i, double low, double high) {
  return low + (high - low) * unit_double(splitmix64_at(key, 2 * i + 1));
}
/// Element i of an N(0, sigma^2) stream, in double (Box-Muller, cosine branch).
inline double normal_at(std::uint64_t key, std::uint64_t i, double sigma) {
  const double u1 = 1.0 - unit_double(splitmix64_at(key, 2 * i + 1));  // (0, 1]
  const double u2 = unit_double(splitmix64_at(key, 2 * i + 2));
  return sigma * (std::sqrt(-2.0 * math::log(u1)) * math::cos(2.0 * std::numbers::pi * u2));
}

}  // namespace detail

/// One of the specs above, applied MXNet's way by an array's name (Initializer.__call__, with
/// the `__init__` patterns MXNet's operators give their auxiliary states): a name ending in
/// "weight" gets the spec; "bias", "beta", "min", "moving_mean", "moving_inv_var", "moving_avg"
/// get 0; "gamma", "max", "moving_var" get 1; any other name is an xsym::error with MXNet's
/// message. The suffixes are tried in MXNet's order: weight, bias, gamma, beta, min, max.
class initializer {
 public:
  using spec_type = std::variant<uniform, normal, constant, zero, one, xavier, msra_prelu>;

  /// Implicit from a spec: `init_params(xsym::init::xavier{...})`. `seed` keys the random streams.
  template <class Spec>
    requires std::is_constructible_v<spec_type, Spec> && (!std::is_same_v<std::remove_cvref_t<Spec>, spec_type>)
  initializer(Spec spec, std::uint64_t seed = 0) : spec_(std::move(spec)), seed_(seed) {}

  const spec_type& spec() const { return spec_; }
  std::uint64_t seed() const { return seed_; }

  /// Fills `array` in place according to `name`. Throws xsym::error naming the array for an
  /// unknown name pattern, a dtype other than float32/float64, an empty handle, and (as MXNet)
  /// for Xavier on a 1-d array, an unknown factor_type or rnd_type. Arrays on a GPU are filled on
  /// the host and copied there.
  void operator()(std::string_view name, const ndarray& array) const {
    if (!array.has_storage()) throw error("xsym::init: array '" + std::string(name) + "' is an empty ndarray");
    if (array.dtype() != dtype::float32 && array.dtype() != dtype::float64)
      throw error("xsym::init: array '" + std::string(name) + "' is " + std::string(dtype_name(array.dtype())) +
                  "; the initializers fill float32 and float64 arrays");
    if (name.ends_with("weight")) return init_weight(name, array);
    if (name.ends_with("bias") || name.ends_with("beta") || name.ends_with("min")) return fill_constant(array, 0.0);
    if (name.ends_with("gamma") || name.ends_with("max")) return fill_constant(array, 1.0);
    if (name.ends_with("moving_mean") || name.ends_with("moving_inv_var") || name.ends_with("moving_avg"))
      return fill_constant(array, 0.0);
    if (name.ends_with("moving_var")) return fill_constant(array, 1.0);
    throw error("xsym::init: Unknown initialization pattern for " + std::string(name) +
                ". Default initialization is now limited to \"weight\", \"bias\", \"gamma\" (1.0), and "
                "\"beta\" (0.0).Please use mx.sym.Variable(init=mx.init.*) to set initialization pattern");
  }

 private:
  spec_type spec_;
  std::uint64_t seed_ = 0;

  /// Writes f(i) (a double, rounded once) to every element, on the array's context.
  template <class F>
  static void fill(const ndarray& array, F&& f) {
    auto go = [&]<class T>(T) {
      const std::size_t n = array.size();
      if (array.context().type == context::device::cpu) {
        T* p = array.data<T>();
        for (std::size_t i = 0; i < n; ++i) p[i] = T(f(i));
      } else {
        std::vector<T> host(n);
        for (std::size_t i = 0; i < n; ++i) host[i] = T(f(i));
        array.copy_from(std::span<const T>(host));
      }
    };
    if (array.dtype() == dtype::float32) go(float{});
    else go(double{});
  }
  static void fill_constant(const ndarray& array, double v) {
    fill(array, [v](std::size_t) { return v; });
  }

  void fill_uniform(std::string_view name, const ndarray& array, double scale) const {
    const std::uint64_t key = detail::stream_key(seed_, name);
    fill(array, [&](std::size_t i) { return detail::uniform_at(key, i, -scale, scale); });
  }
  void fill_normal(std::string_view name, const ndarray& array, double sigma) const {
    const std::uint64_t key = detail::stream_key(seed_, name);
    fill(array, [&](std::size_t i) { return detail::normal_at(key, i, sigma); });
  }

  void init_weight(std::string_view name, const ndarray& array) const {
    using optim::python_float;
    if (const auto* u = std::get_if<uniform>(&spec_)) return fill_uniform(name, array, python_float(u->scale));
    if (const auto* g = std::get_if<normal>(&spec_)) return fill_normal(name, array, python_float(g->sigma));
    if (const auto* c = std::get_if<constant>(&spec_)) return fill_constant(array, python_float(c->value));
    if (std::holds_alternative<zero>(spec_)) return fill_constant(array, 0.0);
    if (std::holds_alternative<one>(spec_)) return fill_constant(array, 1.0);
    if (const auto* x = std::get_if<xavier>(&spec_))
      return init_xavier(name, array, x->rnd_type, x->factor_type, python_float(x->magnitude));
    const auto& m = std::get<msra_prelu>(spec_);
    const double slope = python_float(m.slope);
    init_xavier(name, array, "gaussian", m.factor_type, 2. / (1 + slope * slope));
  }

  void init_xavier(std::string_view name, const ndarray& array, std::string_view rnd_type,
                   std::string_view factor_type, double magnitude) const {
    const auto& shape = array.shape();
    if (shape.ndim() < 2)
      throw error("xsym::init: Xavier initializer cannot be applied to vector " + std::string(name) +
                  ". It requires at least 2D.");
    double hw_scale = 1.;
    for (std::size_t d = 2; d < shape.ndim(); ++d) hw_scale *= double(shape[d]);
    const double fan_in = double(shape[1]) * hw_scale, fan_out = double(shape[0]) * hw_scale;
    double factor;
    if (factor_type == "avg") factor = (fan_in + fan_out) / 2.0;
    else if (factor_type == "in") factor = fan_in;
    else if (factor_type == "out") factor = fan_out;
    else throw error("xsym::init: Incorrect factor type '" + std::string(factor_type) + "' for " + std::string(name) +
                     "; expected avg, in or out");
    const double scale = std::sqrt(magnitude / factor);
    if (rnd_type == "uniform") fill_uniform(name, array, scale);
    else if (rnd_type == "gaussian") fill_normal(name, array, scale);
    else throw error("xsym::init: Unknown random type '" + std::string(rnd_type) + "' for " + std::string(name) +
                     "; expected uniform or gaussian");
  }
};

}  // namespace xsym::init
