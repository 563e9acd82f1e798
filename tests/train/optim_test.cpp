// MXNet 1.9's optimizers and schedulers. The reference is written here, independently of the
// code under test: the Python side (update counts, num_update, the schedule in closed form,
// wd_mult by name, Adam's bias correction) and the kernels of src/operator/optimizer_op-inl.h
// transcribed as plain loops over element type T. Run with T = double it is the float64
// reference (checked to a tight relative tolerance); run with T = float it must give the float32
// pass's exact bits (the kernels' order of operations, -ffp-contract=off), and it stays within a
// small relative tolerance of the double reference. Some steps are also checked against numbers
// worked out by hand in the comments.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <xsym/train/optim.hpp>

#include "../support/error_message.hpp"

namespace {

using xsym::ndarray;
namespace optim = xsym::optim;

using xsym::test::message_of;

/// T(float(v)), the float kept by a volatile (g++ 12.2's SLP vectorizer drops the rounding of
/// two neighbouring double(float(x)) at -O2).
template <class T>
T field(double v) {
  volatile float f = float(v);
  return T(f);
}

// ---- the kernels, transcribed (MXNet's variable names) ------------------------------------
template <class T>
T clip_map(T x, T bound) { return x > bound ? bound : x < -bound ? -bound : x; }

/// All hyper-parameters of one step, as the kernel receives them (already cast to T).
template <class T>
struct step_params {
  T lr, wd, rescale, momentum, clip, beta1, beta2, epsilon, gamma1, gamma2, clip_weights;
};

template <class T>
void multi_sgd(std::vector<T>& w, const std::vector<T>& g, std::vector<T>* mom_data, const step_params<T>& p) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    T mom = mom_data ? (*mom_data)[i] : T(0);
    T momentum = mom_data ? p.momentum : T(0);
    if (p.clip >= 0.0f) mom = momentum * mom - p.lr * p.wd * w[i] - p.lr * clip_map(p.rescale * g[i], p.clip);
    else mom = momentum * mom - p.lr * p.wd * w[i] - p.lr * p.rescale * g[i];
    if (mom_data) (*mom_data)[i] = mom;
    w[i] = w[i] + mom;
  }
}
template <class T>
void sgd_update(std::vector<T>& w, const std::vector<T>& g, const step_params<T>& p) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (p.clip >= 0.0f) w[i] = (1.f - p.lr * p.wd) * w[i] - (p.lr) * clip_map(p.rescale * g[i], p.clip);
    else w[i] = (1.f - p.lr * p.wd) * w[i] - (p.lr * p.rescale) * g[i];
  }
}
template <class T>
void adam_update(std::vector<T>& w, const std::vector<T>& g, std::vector<T>& mean, std::vector<T>& var,
                 const step_params<T>& p) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    T grad_rescaled = g[i] * p.rescale + w[i] * p.wd;
    if (p.clip >= 0.f) grad_rescaled = clip_map(grad_rescaled, p.clip);
    mean[i] = p.beta1 * mean[i] + (1.f - p.beta1) * grad_rescaled;
    var[i] = p.beta2 * var[i] + (1.f - p.beta2) * grad_rescaled * grad_rescaled;
    w[i] = w[i] - p.lr * mean[i] / (std::sqrt(var[i]) + p.epsilon);
  }
}
template <class T>
void rmsprop_update(std::vector<T>& w, const std::vector<T>& g, std::vector<T>& n, const step_params<T>& p) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    T grad_rescaled = p.rescale * g[i] + p.wd * w[i];
    if (p.clip >= 0.0f) grad_rescaled = clip_map(grad_rescaled, p.clip);
    n[i] = (1.f - p.gamma1) * (grad_rescaled * grad_rescaled) + p.gamma1 * n[i];
    T weight = w[i] - p.lr * (grad_rescaled / std::sqrt(n[i] + p.epsilon));
    if (p.clip_weights >= 0.0f) weight = clip_map(weight, p.clip_weights);
    w[i] = weight;
  }
}
template <class T>
void rmspropalex_update(std::vector<T>& w, const std::vector<T>& g, std::vector<T>& n, std::vector<T>& gs,
                        std::vector<T>& delta, const step_params<T>& p) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    T grad_rescaled = p.rescale * g[i] + p.wd * w[i];
    if (p.clip >= 0.0f) grad_rescaled = clip_map(grad_rescaled, p.clip);
    n[i] = (1.f - p.gamma1) * grad_rescaled * grad_rescaled + p.gamma1 * n[i];
    gs[i] = (1.f - p.gamma1) * grad_rescaled + p.gamma1 * gs[i];
    delta[i] = p.gamma2 * delta[i] - (p.lr * (grad_rescaled) / (std::sqrt(n[i] - gs[i] * gs[i] + p.epsilon)));
    w[i] = p.clip_weights >= 0.0f ? clip_map(w[i] + delta[i], p.clip_weights) : w[i] + delta[i];
  }
}
/// AdaGrad's NDArray ops: every op rounds to T; scalars are Python doubles cast to T.
template <class T>
void adagrad_update(std::vector<T>& w, const std::vector<T>& g, std::vector<T>& history, double lr, double wd,
                    double rescale, double eps, double clip) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    T grad = g[i] * T(rescale);
    if (clip >= 0) grad = std::max(std::min(grad, field<T>(clip)), -field<T>(clip));
    history[i] = history[i] + grad * grad;
    T div = grad / std::sqrt(history[i] + T(eps));
    w[i] = w[i] + (div + w[i] * T(wd)) * T(-lr);
  }
}
/// NAGMomKernel as the Python optimizer runs it: `out=weight`, so out_data and weight_data are one
/// array, and the kernel's last line reads the weight it has just written.
template <class T>
void nag_mom_update(std::vector<T>& w, const std::vector<T>& g, std::vector<T>& mom, const step_params<T>& p) {
  std::vector<T>& out = w;
  for (std::size_t i = 0; i < w.size(); ++i) {
    T grad = p.clip >= 0.0f ? clip_map(p.rescale * g[i], p.clip) : p.rescale * g[i];
    mom[i] = p.momentum * mom[i];
    out[i] = w[i] - mom[i] + (p.momentum + 1) * (mom[i] - (p.lr * (grad + (p.wd * w[i]))));
    mom[i] = mom[i] - (p.lr * ((grad) + (p.wd * w[i])));
  }
}

// ---- the Python side ------------------------------------------------------------------------
/// FactorScheduler in closed form: base_lr * factor^floor((num_update - 1) / step), not below stop.
double factor_lr(double base, std::size_t step, double factor, std::size_t num_update, double stop = 1e-8) {
  double lr = base;
  for (std::size_t k = 0; k < (num_update - 1) / step; ++k) lr = std::max(lr * factor, stop);
  return lr;
}

/// Deterministic test data: w in [-1, 1], g in [-3, 3], varying with the step.
template <class T>
std::vector<T> data(std::size_t n, int salt, double range) {
  std::vector<T> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = T(range * std::sin(0.7 * double(i) + 1.3 * salt + 0.1));
  return v;
}

template <class T>
std::vector<T> values(const ndarray& a) { return a.to_vector<T>(); }

/// |a - b| <= rel * max(floor, |b|) elementwise.
template <class A, class B>
bool close(const std::vector<A>& a, const std::vector<B>& b, double rel, double floor = 1e-3) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::fabs(double(a[i]) - double(b[i])) > rel * std::max(floor, std::fabs(double(b[i])))) {
      UNSCOPED_INFO("element " << i << ": " << double(a[i]) << " vs " << double(b[i]));
      return false;
    }
  return true;
}

enum class family { sgd, nag, adam, rmsprop, rmspropalex, adagrad };

/// The hyper-parameters as the user writes them: Python's doubles (the specs get them as floats).
struct config {
  family f;
  double lr, momentum, wd, rescale, clip, clip_weights;
  std::size_t sched_step;  // 0: no scheduler
  double sched_factor;
};

optim::optimizer make(const config& c) {
  optim::lr_scheduler sched;
  if (c.sched_step) sched = optim::factor_scheduler{.step = c.sched_step, .factor = float(c.sched_factor)};
  const float lr = float(c.lr), wd = float(c.wd), rescale = float(c.rescale), clip = float(c.clip);
  switch (c.f) {
    case family::sgd:
      return optim::sgd{.learning_rate = lr, .momentum = float(c.momentum), .wd = wd, .rescale_grad = rescale,
                        .clip_gradient = clip, .scheduler = sched};
    case family::nag:
      return optim::nag{.learning_rate = lr, .momentum = float(c.momentum), .wd = wd, .rescale_grad = rescale,
                        .clip_gradient = clip, .scheduler = sched};
    case family::adam:
      return optim::adam{.learning_rate = lr, .wd = wd, .rescale_grad = rescale, .clip_gradient = clip, .scheduler = sched};
    case family::rmsprop:
    case family::rmspropalex:
      return optim::rmsprop{.learning_rate = lr, .centered = c.f == family::rmspropalex,
                            .clip_weights = float(c.clip_weights), .wd = wd, .rescale_grad = rescale,
                            .clip_gradient = clip, .scheduler = sched};
    case family::adagrad:
      return optim::adagrad{.learning_rate = lr, .wd = wd, .rescale_grad = rescale, .clip_gradient = clip,
                            .scheduler = sched};
  }
  return optim::sgd{};
}

/// `steps` updates of two parameters (0: "fc_weight", 1: "fc_bias", so wd_mult 0) through the
/// reference; returns the weights.
template <class T>
std::vector<std::vector<T>> reference(const config& c, std::size_t n, int steps) {
  std::vector<std::vector<T>> w{data<T>(n, 0, 1), data<T>(n, 1, 1)};
  std::vector<std::vector<std::vector<T>>> st(2, std::vector<std::vector<T>>(3, std::vector<T>(n, T(0))));
  for (int s = 1; s <= steps; ++s) {
    for (std::size_t k = 0; k < 2; ++k) {
      auto g = data<T>(n, 10 * s + int(k), 3);
      const std::size_t t = std::size_t(s);  // every index updated once a step: count == num_update
      double lr = c.sched_step ? factor_lr(c.lr, c.sched_step, c.sched_factor, t) : c.lr;
      const double wd = k == 0 ? c.wd : 0.0;
      if (c.f == family::adam) lr *= std::sqrt(1. - std::pow(0.999, double(t))) / (1. - std::pow(0.9, double(t)));
      const bool py_clip = c.clip > 0;  // Python passes clip_gradient only when truthy
      // Kernel parameters: float fields, cast to T.
      step_params<T> p{field<T>(lr), field<T>(wd), field<T>(c.rescale), field<T>(c.momentum > 0 ? c.momentum : 0.0),
                       field<T>(py_clip ? c.clip : -1.0), T(0.9f), T(0.999f), T(1e-8f), T(0.9f), T(0.9f),
                       field<T>(c.clip_weights > 0 ? c.clip_weights : -1.0)};
      switch (c.f) {
        case family::sgd: multi_sgd(w[k], g, c.momentum > 0 ? &st[k][0] : nullptr, p); break;
        case family::nag:
          if (c.momentum != 0) nag_mom_update(w[k], g, st[k][0], p);
          else sgd_update(w[k], g, p);
          break;
        case family::adam: adam_update(w[k], g, st[k][0], st[k][1], p); break;
        case family::rmsprop: rmsprop_update(w[k], g, st[k][0], p); break;
        case family::rmspropalex: rmspropalex_update(w[k], g, st[k][0], st[k][1], st[k][2], p); break;
        case family::adagrad:
          adagrad_update(w[k], g, st[k][0], lr, wd, c.rescale, 1e-7, c.clip >= 0 ? c.clip : -1.0);
          break;
      }
    }
  }
  return w;
}

/// The same through xsym::optim::optimizer, on dtype T.
template <class T>
std::vector<std::vector<T>> run(const config& c, std::size_t n, int steps) {
  auto opt = make(c);
  opt.set_param_names({"fc_weight", "fc_bias"});
  std::vector<ndarray> w{ndarray::array<T>(data<T>(n, 0, 1), {std::int64_t(n)}),
                         ndarray::array<T>(data<T>(n, 1, 1), {std::int64_t(n)})};
  for (int s = 1; s <= steps; ++s)
    for (std::size_t k = 0; k < 2; ++k)
      opt.update(k, w[k], ndarray::array<T>(data<T>(n, 10 * s + int(k), 3), {std::int64_t(n)}));
  CHECK(opt.num_update() == std::size_t(steps));
  return {values<T>(w[0]), values<T>(w[1])};
}

void check_config(const config& c, std::size_t n = 13, int steps = 5) {
  auto ref64 = reference<double>(c, n, steps);
  auto ref32 = reference<float>(c, n, steps);
  auto got64 = run<double>(c, n, steps);
  auto got32 = run<float>(c, n, steps);
  for (std::size_t k = 0; k < 2; ++k) {
    CAPTURE(k);
    CHECK(got32[k] == ref32[k]);             // the kernel's bits
    CHECK(close(got64[k], ref64[k], 1e-12));  // float64
    // float32 against the double reference: weights are O(1), so an absolute 2e-5 below 1
    CHECK(close(got32[k], ref64[k], 2e-5, 1.0));
    // it moved (except AdaGrad's bias with clip_gradient 0: MXNet clips every gradient to 0)
    if (!(c.f == family::adagrad && c.clip == 0 && k == 1)) CHECK(got64[k] != data<double>(n, int(k), 1));
  }
}

}  // namespace

TEST_CASE("optim: every optimizer against the transcribed kernels, with wd, momentum, clipping, rescale, schedule") {
  for (family f : {family::sgd, family::nag, family::adam, family::rmsprop, family::rmspropalex, family::adagrad}) {
    for (double clip : {-1.0, 0.0, 2.0})
      for (double rescale : {1.0, 0.25})
        for (std::size_t sched : {std::size_t(0), std::size_t(2)}) {
          CAPTURE(int(f), clip, rescale, sched);
          check_config({f, f == family::adam || f == family::rmsprop || f == family::rmspropalex ? 0.01 : 0.05, 0.9,
                        0.01, rescale, clip, -1, sched, 0.5});
        }
  }
  SECTION("momentum 0 and negative (MXNet: no momentum passed to the kernel)") {
    for (double m : {0.0, -0.5}) {
      check_config({family::sgd, 0.1, m, 0.01, 1, -1, -1, 0, 1});
      check_config({family::nag, 0.1, m, 0.01, 1, 1.5, -1, 0, 1});
    }
  }
  SECTION("rmsprop's clip_weights") {
    check_config({family::rmsprop, 0.05, 0, 0.01, 1, -1, 0.6, 0, 1});
    check_config({family::rmspropalex, 0.05, 0, 0.01, 1, 1, 0.6, 0, 1});
  }
  SECTION("a parameter large enough for the threaded loop (in place across chunks)") {
    check_config({family::sgd, 0.05, 0.9, 0.01, 0.5, 2, -1, 0, 1}, 100003, 3);
    check_config({family::adam, 0.01, 0, 0.01, 1, -1, -1, 0, 1}, 70001, 3);
  }
}

TEST_CASE("optim: steps worked out by hand") {
  auto w = ndarray::array<double>({1.0}, {1});
  auto g = ndarray::array<double>({0.5}, {1});
  SECTION("sgd, momentum 0.9, lr 0.1, wd 0.01") {
    optim::optimizer o = optim::sgd{.learning_rate = 0.1f, .momentum = 0.9f, .wd = 0.01f};
    o.update(0, w, g);
    // mom = 0.9*0 - 0.1*0.01*1 - 0.1*0.5 = -0.051; w = 0.949
    CHECK(values<double>(w)[0] == Approx(0.949).epsilon(1e-7));
    CHECK(values<double>(o.state(0)[0])[0] == Approx(-0.051).epsilon(1e-7));
    o.update(0, w, g);
    // mom = 0.9*-0.051 - 0.001*0.949 - 0.05 = -0.096849; w = 0.852151
    CHECK(values<double>(w)[0] == Approx(0.852151).epsilon(1e-7));
  }
  SECTION("nag, momentum 0.9, lr 0.1") {
    optim::optimizer o = optim::nag{.learning_rate = 0.1f, .momentum = 0.9f};
    o.update(0, w, g);
    // m = 0; w = 1 - 0 + 1.9*(0 - 0.05) = 0.905; mom = -0.05
    CHECK(values<double>(w)[0] == Approx(0.905).epsilon(1e-7));
    o.update(0, w, g);
    // m = -0.045; w = 0.905 + 0.045 + 1.9*(-0.045 - 0.05) = 0.7695; mom = -0.095
    CHECK(values<double>(w)[0] == Approx(0.7695).epsilon(1e-7));
    CHECK(values<double>(o.state(0)[0])[0] == Approx(-0.095).epsilon(1e-6));
  }
  SECTION("nag with wd: the momentum's wd term reads the new weight, as MXNet's in-place kernel does") {
    optim::optimizer o = optim::nag{.learning_rate = 0.1f, .momentum = 0.9f, .wd = 0.1f};
    o.update(0, w, g);
    // d = 0.5 + 0.1*1 = 0.6; w = 1 + 1.9*(0 - 0.06) = 0.886;
    // mom = 0 - 0.1*(0.5 + 0.1*0.886) = -0.05886 (textbook NAG, with the old weight: -0.06)
    CHECK(values<double>(w)[0] == Approx(0.886).epsilon(1e-7));
    CHECK(values<double>(o.state(0)[0])[0] == Approx(-0.05886).epsilon(1e-6));
  }
  SECTION("adam, defaults: the first step moves by ~lr whatever the gradient's size") {
    optim::optimizer o = optim::adam{};
    o.update(0, w, g);
    // lr_t = 0.001*sqrt(0.001)/0.1 = 3.16227766e-4; mean = 0.05, var = 2.5e-4, sqrt(var) = 0.0158113883
    // w = 1 - 3.16227766e-4*0.05/(0.0158113883 + 1e-8) = 1 - 9.99999368e-4 = 0.999000000632
    // (the kernel's parameters are floats: 1 - 0.999f = 0.00099998713 moves var by 1.3e-5 and w
    // by ~7e-9, as in MXNet)
    CHECK(values<double>(w)[0] == Approx(0.999000000632).epsilon(2e-8));
    CHECK(values<double>(o.state(0)[0])[0] == Approx(0.05).epsilon(1e-6));
    CHECK(values<double>(o.state(0)[1])[0] == Approx(2.5e-4).epsilon(2e-5));
  }
  SECTION("rmsprop, defaults") {
    optim::optimizer o = optim::rmsprop{};
    o.update(0, w, g);
    // n = 0.1*0.25 = 0.025; w = 1 - 0.001*0.5/sqrt(0.025 + 1e-8) = 1 - 0.00316227703 = 0.99683772297
    CHECK(values<double>(w)[0] == Approx(0.99683772297).epsilon(1e-9));
  }
  SECTION("rmsprop centered, defaults") {
    optim::optimizer o = optim::rmsprop{.centered = true};
    o.update(0, w, g);
    // n = 0.025, gs = 0.05, delta = -0.001*0.5/sqrt(0.025 - 0.0025 + 1e-8) = -0.00333333259
    CHECK(values<double>(w)[0] == Approx(1 - 0.00333333259).epsilon(1e-9));
  }
  SECTION("adagrad, defaults, wd 0.1") {
    optim::optimizer o = optim::adagrad{.wd = 0.1f};
    o.update(0, w, g);
    // h = 0.25; div = 0.5/sqrt(0.2500001) = 0.9999998; w = 1 + (0.9999998 + 0.1)*-0.01 = 0.989000002
    CHECK(values<double>(w)[0] == Approx(0.989000002).epsilon(1e-9));
    CHECK(values<double>(o.state(0)[0])[0] == 0.25);
  }
}

TEST_CASE("optim: wd_mult by name (Optimizer.set_wd_mult) and lr_mult") {
  auto step = [](optim::optimizer& o, std::size_t index) {
    auto w = ndarray::array<double>({1.0}, {1});
    o.update(index, w, ndarray::array<double>({0.0}, {1}));  // zero gradient: only wd moves it
    return 1 - values<double>(w)[0];
  };
  optim::optimizer o = optim::sgd{.learning_rate = 0.5f, .wd = 0.25f};
  o.set_param_names({"fc_weight", "fc_bias", "bn_gamma", "bn_beta", "weight", "emb_weight_x"});
  CHECK(step(o, 0) == 0.125);  // lr*wd*w
  CHECK(step(o, 1) == 0);
  CHECK(step(o, 2) == 0.125);
  CHECK(step(o, 3) == 0);
  CHECK(step(o, 4) == 0);  // MXNet tests endswith('_weight')
  CHECK(step(o, 5) == 0);
  CHECK(step(o, 6) == 0.125);  // no name: wd_mult 1
  o.set_wd_mult({{"fc_bias", 2.0f}, {"fc_weight", 0.0f}});
  CHECK(step(o, 1) == 0.25);
  CHECK(step(o, 0) == 0);
  o.set_lr_mult({{"bn_gamma", 0.5f}});
  CHECK(step(o, 2) == 0.0625);
  optim::optimizer unnamed = optim::sgd{.learning_rate = 0.5f, .wd = 0.25f};
  CHECK(step(unnamed, 3) == 0.125);
}

TEST_CASE("optim: update counts, num_update, Adam's bias correction over steps") {
  optim::optimizer o = optim::adam{.learning_rate = 0.01f};
  CHECK(o.name() == "adam");
  CHECK(o.num_update() == 0);
  auto w0 = ndarray::array<double>({1.0, -2.0}, {2}), w1 = ndarray::array<double>({1.0, -2.0}, {2});
  auto g = ndarray::array<double>({0.3, -0.7}, {2});
  o.update(0, w0, g);
  o.update(0, w0, g);
  o.update(0, w0, g);
  CHECK(o.num_update() == 3);
  CHECK(o.update_count(0) == 3);
  // Index 1's first update: t = 1 (its own count), num_update stays 3.
  o.update(1, w1, g);
  CHECK(o.update_count(1) == 1);
  CHECK(o.num_update() == 3);
  // With a constant gradient, mean_t = (1 - 0.9^t) g and var_t = (1 - 0.999^t) g^2, so the bias
  // corrected step is lr * g / (|g| + eps * sqrt(1 - 0.999^t)) for every t: ~lr per step.
  auto v1 = values<double>(w1);
  CHECK(v1[0] == Approx(1 - 0.01).epsilon(1e-6));
  CHECK(v1[1] == Approx(-2 + 0.01).epsilon(1e-6));
  auto v0 = values<double>(w0);
  CHECK(v0[0] == Approx(1 - 0.03).epsilon(1e-6));
  CHECK(v0[1] == Approx(-2 + 0.03).epsilon(1e-6));
  CHECK(o.learning_rate() == 0.01f);
}

TEST_CASE("optim: schedulers' learning-rate sequences, worked out by hand") {
  SECTION("FactorScheduler step 2 factor 0.5 from 1: updates 1..7 give 1 1 .5 .5 .25 .25 .125") {
    optim::lr_scheduler s = optim::factor_scheduler{.step = 2, .factor = 0.5f};
    std::vector<double> seq;
    for (std::size_t n = 1; n <= 7; ++n) seq.push_back(s(1.0, n));
    CHECK(seq == std::vector<double>{1, 1, 0.5, 0.5, 0.25, 0.25, 0.125});
    CHECK(s(3) == 0.125);  // stateful: the rate never goes back
  }
  SECTION("FactorScheduler stops at stop_factor_lr") {
    optim::lr_scheduler s = optim::factor_scheduler{.step = 1, .factor = 0.1f, .stop_factor_lr = 1e-3f};
    std::vector<double> seq;
    for (std::size_t n = 1; n <= 6; ++n) seq.push_back(s(1.0, n));
    // 1, 0.1, 0.01, 0.001 (= stop after rounding), then held at 0.001
    CHECK(seq[0] == 1);
    CHECK(seq[1] == Approx(0.1).epsilon(1e-15));
    CHECK(seq[2] == Approx(0.01).epsilon(1e-15));
    CHECK(seq[5] == Approx(0.001).epsilon(1e-15));
    CHECK(seq[5] >= 0.001);
  }
  SECTION("MultiFactorScheduler steps {2, 5} factor 0.1 from 1: updates 1..7 give 1 1 .1 .1 .1 .01 .01") {
    optim::lr_scheduler s = optim::multi_factor_scheduler{.step = {2, 5}, .factor = 0.1f};
    std::vector<double> seq;
    for (std::size_t n = 1; n <= 7; ++n) seq.push_back(s(1.0, n));
    CHECK(seq[0] == 1);
    CHECK(seq[1] == 1);
    for (int i : {2, 3, 4}) CHECK(seq[std::size_t(i)] == Approx(0.1).epsilon(1e-15));
    for (int i : {5, 6}) CHECK(seq[std::size_t(i)] == Approx(0.01).epsilon(1e-15));
  }
  SECTION("an empty scheduler returns the base rate") {
    optim::lr_scheduler s;
    CHECK(s.empty());
    CHECK(s(0.3, 100) == 0.3);
  }
  SECTION("the optimizer's rate: the scheduler's base_lr is learning_rate; num_update drives it") {
    optim::optimizer o = optim::sgd{.learning_rate = 0.8f, .scheduler = optim::factor_scheduler{.step = 2, .factor = 0.5f}};
    std::vector<float> lrs;
    auto w = ndarray::array<float>({0}, {1});
    for (int n = 1; n <= 7; ++n) {
      o.update(0, w, ndarray::array<float>({-1}, {1}));  // w += lr each step
      lrs.push_back(o.learning_rate());
    }
    CHECK(lrs == std::vector<float>{0.8f, 0.8f, 0.4f, 0.4f, 0.2f, 0.2f, 0.1f});
    CHECK(values<float>(w)[0] == Approx(0.8 + 0.8 + 0.4 + 0.4 + 0.2 + 0.2 + 0.1).epsilon(1e-6));
    CHECK_THAT(message_of([&] { o.set_learning_rate(0.1f); }), Catch::Contains("LRScheduler"));
  }
  SECTION("scheduler errors, MXNet's messages") {
    CHECK_THAT(message_of([] { optim::lr_scheduler s = optim::factor_scheduler{.step = 0}; }),
               Catch::Contains("Schedule step must be greater or equal than 1 round"));
    CHECK_THAT(message_of([] { optim::lr_scheduler s = optim::factor_scheduler{.step = 1, .factor = 2}; }),
               Catch::Contains("Factor must be no more than 1 to make lr reduce"));
    CHECK_THAT(message_of([] { optim::lr_scheduler s = optim::multi_factor_scheduler{.step = {3, 3}}; }),
               Catch::Contains("Schedule step must be an increasing integer list"));
  }
}

TEST_CASE("optim: names, rescale_grad, set_learning_rate, state creation") {
  CHECK(optim::optimizer(optim::sgd{}).name() == "sgd");
  CHECK(optim::optimizer(optim::nag{}).name() == "nag");
  CHECK(optim::optimizer(optim::rmsprop{}).name() == "rmsprop");
  CHECK(optim::optimizer(optim::adagrad{}).name() == "adagrad");
  optim::optimizer o = optim::sgd{.learning_rate = 0.5f};
  o.set_rescale_grad(1.0f / 128);
  CHECK(o.rescale_grad() == 1.0f / 128);
  o.set_learning_rate(0.25f);
  CHECK(o.learning_rate() == 0.25f);
  auto w = ndarray::array<float>({1, 1}, {2});
  o.update(3, w, ndarray::array<float>({128, -256}, {2}));
  CHECK(values<float>(w) == std::vector<float>{0.75f, 1.5f});
  CHECK(o.state(3).empty());  // plain SGD has no state
  optim::optimizer r = optim::rmsprop{.centered = true};
  CHECK(r.state(0).empty());
  r.update(0, w, ndarray::array<float>({1, 1}, {2}));
  REQUIRE(r.state(0).size() == 3);
  CHECK(r.state(0)[0].dtype() == xsym::dtype::float32);
}

TEST_CASE("optim: errors name the optimizer and the parameter") {
  optim::optimizer o = optim::adam{};
  o.set_param_names({"fc_weight"});
  auto w = ndarray::zeros<float>({2, 3});
  CHECK(message_of([&] { o.update(0, w, ndarray::zeros<float>({3, 2})); }) ==
        "xsym::optim::adam: parameter 0 ('fc_weight'): the gradient is float32 [3,2], but the weight is float32 [2,3]");
  CHECK(message_of([&] { o.update(0, w, ndarray::zeros<double>({2, 3})); }) ==
        "xsym::optim::adam: parameter 0 ('fc_weight'): the gradient is float64 [2,3], but the weight is float32 [2,3]");
  auto i = ndarray::zeros<std::int32_t>({2});
  CHECK(message_of([&] { o.update(1, i, i); }) ==
        "xsym::optim::adam: parameter 1: the weight is int32; the optimizers update float32 and float64 arrays");
  CHECK_THAT(message_of([&] { o.update(0, ndarray(), w); }), Catch::Contains("the weight is an empty ndarray"));
  o.update(0, w, ndarray::zeros<float>({2, 3}));
  auto other = ndarray::zeros<float>({6});
  CHECK_THAT(message_of([&] { o.update(0, other, other); }),
             Catch::Contains("the weight is float32 [6], but its state was created for float32 [2,3]"));
}
