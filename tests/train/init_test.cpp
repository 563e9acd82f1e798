// MXNet's initializers (python/mxnet/initializer.py): dispatch by name suffix, Xavier's and
// MSRAPrelu's scale for every factor_type and rnd_type (checked statistically on ~10^5 samples
// against the formula, with tolerances of several standard errors that still fail for a wrong
// factor), uniform and normal moments, the documented SplitMix64 streams, and the errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <xsym/train/init.hpp>

#include "../support/error_message.hpp"

namespace {

using xsym::ndarray;

using xsym::test::message_of;

struct moments {
  double mean = 0, var = 0, min = 0, max = 0, kurtosis = 0;
};
template <class T>
moments moments_of(const std::vector<T>& v) {
  moments m;
  double s = 0;
  for (T x : v) s += double(x);
  m.mean = s / double(v.size());
  double s2 = 0, s4 = 0;
  for (T x : v) {
    double d = double(x) - m.mean;
    s2 += d * d;
    s4 += d * d * d * d;
  }
  m.var = s2 / double(v.size() - 1);
  m.kurtosis = s4 / double(v.size()) / (m.var * m.var);
  m.min = double(*std::min_element(v.begin(), v.end()));
  m.max = double(*std::max_element(v.begin(), v.end()));
  return m;
}

// A plain sequential SplitMix64 (Vigna's splitmix64.c), to check the documented streams.
struct splitmix64 {
  std::uint64_t x;
  std::uint64_t next() {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
};

}  // namespace

TEST_CASE("init: names pick the pattern as MXNet's Initializer.__call__ does") {
  xsym::init::initializer init = xsym::init::constant{0.5f};
  auto filled = [&](const std::string& name) {
    auto a = ndarray::full<float>({2, 3}, 7.0f);
    init(name, a);
    return a.to_vector();
  };
  CHECK(filled("fc1_weight") == std::vector<float>(6, 0.5f));
  CHECK(filled("myweight") == std::vector<float>(6, 0.5f));  // MXNet tests endswith('weight')
  for (const char* zero : {"fc1_bias", "bn_beta", "bn_moving_mean", "bn_moving_inv_var", "x_moving_avg", "q_min"})
    CHECK(filled(zero) == std::vector<float>(6, 0.0f));
  for (const char* one : {"bn_gamma", "bn_moving_var", "q_max"}) CHECK(filled(one) == std::vector<float>(6, 1.0f));

  auto a = ndarray::zeros<float>({2});
  CHECK(message_of([&] { init("data", a); }) ==
        "xsym::init: Unknown initialization pattern for data. Default initialization is now limited to \"weight\", "
        "\"bias\", \"gamma\" (1.0), and \"beta\" (0.0).Please use mx.sym.Variable(init=mx.init.*) to set "
        "initialization pattern");
  CHECK_THAT(message_of([&] { init("weights", a); }), Catch::Contains("Unknown initialization pattern for weights."));
}

TEST_CASE("init: zero, one and constant specs fill weights, float32 and float64") {
  auto w = ndarray::full<double>({3, 2}, 9.0);
  xsym::init::initializer(xsym::init::zero{})("w_weight", w);
  CHECK(w.to_vector() == std::vector<double>(6, 0.0));
  xsym::init::initializer(xsym::init::one{})("w_weight", w);
  CHECK(w.to_vector() == std::vector<double>(6, 1.0));
  xsym::init::initializer(xsym::init::constant{-2.5f})("w_weight", w);
  CHECK(w.to_vector() == std::vector<double>(6, -2.5));
}

TEST_CASE("init: errors name the array: dtype, empty handle, Xavier on a vector, bad factor or random type") {
  xsym::init::initializer init = xsym::init::xavier{};
  auto i32 = ndarray::zeros<std::int32_t>({4, 4});
  CHECK(message_of([&] { init("fc_weight", i32); }) ==
        "xsym::init: array 'fc_weight' is int32; the initializers fill float32 and float64 arrays");
  CHECK_THAT(message_of([&] { init("fc_bias", ndarray()); }), Catch::Contains("'fc_bias' is an empty ndarray"));
  auto v = ndarray::zeros<float>({10});
  CHECK(message_of([&] { init("v_weight", v); }) ==
        "xsym::init: Xavier initializer cannot be applied to vector v_weight. It requires at least 2D.");
  init("v_bias", v);  // a vector bias is fine: it is 0
  auto m = ndarray::zeros<float>({4, 4});
  CHECK_THAT(message_of([&] { xsym::init::initializer(xsym::init::xavier{.factor_type = "fan"})("m_weight", m); }),
             Catch::Contains("Incorrect factor type 'fan' for m_weight"));
  CHECK_THAT(message_of([&] { xsym::init::initializer(xsym::init::xavier{.rnd_type = "normal"})("m_weight", m); }),
             Catch::Contains("Unknown random type 'normal' for m_weight"));
}

TEST_CASE("init: Xavier's scale for each factor_type and rnd_type, by its bounds and sample variance") {
  // shape (256, 128, 2, 2): hw_scale 4, fan_in 512, fan_out 1024; 131072 samples.
  const double fan_in = 512, fan_out = 1024;
  struct cse {
    const char* factor;
    double factor_value;
  };
  for (cse c : {cse{"avg", (fan_in + fan_out) / 2}, cse{"in", fan_in}, cse{"out", fan_out}}) {
    for (float magnitude : {3.0f, 2.34f}) {
      const double scale = std::sqrt(double(magnitude) / c.factor_value);
      CAPTURE(c.factor, magnitude, scale);
      auto w = ndarray::zeros<float>({256, 128, 2, 2});
      xsym::init::initializer(xsym::init::xavier{.factor_type = c.factor, .magnitude = magnitude}, 3)("conv_weight", w);
      auto u = moments_of(w.to_vector());
      CHECK(u.min >= -scale * (1 + 1e-6));
      CHECK(u.max <= scale * (1 + 1e-6));
      CHECK(u.max > 0.999 * scale);   // the range is used up to its ends
      CHECK(u.min < -0.999 * scale);
      CHECK(u.var == Approx(scale * scale / 3).epsilon(0.02));  // std error ~0.25%
      CHECK(std::fabs(u.mean) < 5 * scale / std::sqrt(3 * 131072.0));

      xsym::init::initializer(xsym::init::xavier{.rnd_type = "gaussian", .factor_type = c.factor, .magnitude = magnitude},
                              3)("conv_weight", w);
      auto g = moments_of(w.to_vector());
      CHECK(g.var == Approx(scale * scale).epsilon(0.02));  // std error ~0.4%
      CHECK(std::fabs(g.mean) < 5 * scale / std::sqrt(131072.0));
      CHECK(g.kurtosis == Approx(3).epsilon(0.05));
      CHECK(g.max > 3.5 * scale);  // not a bounded distribution
    }
  }
  SECTION("2-d: fan_in = shape[1], fan_out = shape[0]") {
    auto w = ndarray::zeros<double>({1000, 100});
    xsym::init::initializer(xsym::init::xavier{.rnd_type = "gaussian", .factor_type = "in"})("fc_weight", w);
    CHECK(moments_of(w.to_vector()).var == Approx(3.0 / 100).epsilon(0.02));
    xsym::init::initializer(xsym::init::xavier{.rnd_type = "gaussian", .factor_type = "out"})("fc_weight", w);
    CHECK(moments_of(w.to_vector()).var == Approx(3.0 / 1000).epsilon(0.02));
  }
}

TEST_CASE("init: msra_prelu is Xavier gaussian with magnitude 2 / (1 + slope^2)") {
  auto w = ndarray::zeros<float>({512, 256});  // fan_in 256, fan_out 512
  xsym::init::initializer(xsym::init::msra_prelu{})("fc_weight", w);
  CHECK(moments_of(w.to_vector()).var == Approx(2.0 / (1 + 0.0625) / 384).epsilon(0.02));
  xsym::init::initializer(xsym::init::msra_prelu{.factor_type = "in", .slope = 0})("fc_weight", w);
  CHECK(moments_of(w.to_vector()).var == Approx(2.0 / 256).epsilon(0.02));
}

TEST_CASE("init: uniform and normal moments") {
  auto w = ndarray::zeros<float>({100000, 1});
  xsym::init::initializer(xsym::init::uniform{})("w_weight", w);  // scale 0.07
  auto u = moments_of(w.to_vector());
  CHECK(u.min >= -0.07f);
  CHECK(u.max <= 0.07f);
  CHECK(u.var == Approx(0.07 * 0.07 / 3).epsilon(0.02));
  CHECK(std::fabs(u.mean) < 5 * 0.07 / std::sqrt(3e5));
  CHECK(u.kurtosis == Approx(1.8).epsilon(0.03));  // a uniform's

  auto d = ndarray::zeros<double>({100000});
  xsym::init::initializer(xsym::init::normal{2})("w_weight", d);
  auto g = moments_of(d.to_vector());
  CHECK(g.var == Approx(4).epsilon(0.02));
  CHECK(std::fabs(g.mean) < 5 * 2 / std::sqrt(1e5));
  CHECK(g.kurtosis == Approx(3).epsilon(0.05));
  auto v = d.to_vector();
  double within = double(std::count_if(v.begin(), v.end(), [](double x) { return std::fabs(x) < 2; })) / 1e5;
  CHECK(within == Approx(0.682689).margin(0.01));
  xsym::init::initializer(xsym::init::normal{})("w_weight", d);  // default sigma 0.01
  CHECK(moments_of(d.to_vector()).var == Approx(1e-4).epsilon(0.02));
}

TEST_CASE("init: the same seed and name give the same bits, another seed or name other bits") {
  auto fill = [](std::uint64_t seed, const char* name, auto spec) {
    auto w = ndarray::zeros<float>({64, 32});
    xsym::init::initializer(spec, seed)(name, w);
    return w.to_vector();
  };
  auto differing = [](const std::vector<float>& a, const std::vector<float>& b) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < a.size(); ++i) n += a[i] != b[i];
    return n;
  };
  for (auto spec : {xsym::init::initializer::spec_type(xsym::init::uniform{}),
                    xsym::init::initializer::spec_type(xsym::init::xavier{.rnd_type = "gaussian"})}) {
    std::visit(
        [&](auto s) {
          CHECK(fill(7, "a_weight", s) == fill(7, "a_weight", s));
          CHECK(differing(fill(7, "a_weight", s), fill(8, "a_weight", s)) > 2000);
          CHECK(differing(fill(7, "a_weight", s), fill(7, "b_weight", s)) > 2000);
        },
        spec);
  }
}

TEST_CASE("init: the stream is SplitMix64 as documented") {
  // uniform: element i = -s + 2s * u(output 2i+1) of SplitMix64 started at the array's key.
  const std::uint64_t key = xsym::init::detail::stream_key(42, "fc_weight");
  splitmix64 r{key};
  auto w = ndarray::zeros<double>({3, 2});
  xsym::init::initializer(xsym::init::uniform{0.5f}, 42)("fc_weight", w);
  auto v = w.to_vector();
  for (std::size_t i = 0; i < v.size(); ++i) {
    double u = double(r.next() >> 11) / 9007199254740992.0;
    r.next();  // the odd outputs serve the normal's second draw
    CHECK(v[i] == -0.5 + (0.5 - -0.5) * u);
  }
  // SplitMix64's published first output for seed 0 (Vigna's splitmix64.c): 0xe220a8397b1dcdaf.
  CHECK(xsym::init::detail::splitmix64_at(0, 1) == 0xe220a8397b1dcdafULL);
  // normal: sigma * sqrt(-2 log(1 - u1)) * cos(2 pi u2), within a few ulp of libm's.
  splitmix64 q{key};
  xsym::init::initializer(xsym::init::normal{1.5f}, 42)("fc_weight", w);
  v = w.to_vector();
  for (std::size_t i = 0; i < v.size(); ++i) {
    double u1 = 1 - double(q.next() >> 11) / 9007199254740992.0, u2 = double(q.next() >> 11) / 9007199254740992.0;
    CHECK(v[i] == Approx(1.5 * std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2)).epsilon(1e-13));
  }
}
