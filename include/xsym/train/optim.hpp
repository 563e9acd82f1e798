#pragma once
// MXNet 1.9's optimizers (python/mxnet/optimizer/optimizer.py): SGD, NAG, Adam, RMSProp and
// AdaGrad, as designated-initializer specs and one `optimizer` holding a spec with its
// per-parameter state:
//
//   xsym::optim::optimizer opt = xsym::optim::sgd{.learning_rate = 0.1f, .momentum = 0.9f, .wd = 1e-4f};
//   opt.set_param_names({"fc1_weight", "fc1_bias"});   // index -> name (wd_mult 0 for fc1_bias)
//   opt.update(0, weight, grad);                        // weight and momentum, in place
//
// Each update is one fused elementwise pass over the parameter (train/update_passes.hpp).
//
// MXNet's rules, kept: the per-index update count and num_update (their maximum) move first, then
// the rate is the scheduler's at num_update (or learning_rate) times lr_mult; wd is wd times
// wd_mult, and wd_mult is 0 for a named parameter whose name ends in neither "_weight" nor
// "_gamma" (Optimizer.set_wd_mult); the state is created zero-filled at a parameter's first
// update. Hyper-parameters are MXNet's kernel parameters (floats) cast to the array's dtype.
// Python's truthiness decides clipping as in MXNet: sgd, nag, adam and rmsprop clip the gradient
// when clip_gradient > 0 (0 and negatives: none), rmsprop clips the weights when
// clip_weights > 0; adagrad clips whenever clip_gradient >= 0 (MXNet's `is not None`; -1 is None).
// momentum <= 0 means plain SGD (MXNet passes momentum to the kernel only when it is > 0);
// nag with momentum == 0 runs sgd_update, with momentum != 0 nag_mom_update.
//
// Differences from MXNet: the state has the weight's dtype (MXNet's AdaGrad and RMSProp create
// float32 state, so they cannot run on float64 weights at all); arrays must be on the CPU;
// multi_precision, lazy (row_sparse) updates, warm-up and per-device update counts are not here.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "../core/dtype.hpp"
#include "../core/error.hpp"
#include "../ndarray/ndarray.hpp"
#include "lr_scheduler.hpp"
#include "update_passes.hpp"

namespace xsym::optim {

/// MXNet's SGD: `mom = momentum*mom - lr*(wd*w + clip(rescale_grad*grad))`, `w += mom`
/// (multi_sgd_mom_update; without momentum multi_sgd_update).
struct sgd {
  float learning_rate = 0.01f;
  float momentum = 0;
  float wd = 0;
  float rescale_grad = 1;
  float clip_gradient = -1;
  lr_scheduler scheduler = {};
};

/// MXNet's NAG (Nesterov): nag_mom_update, or sgd_update when momentum == 0.
struct nag {
  float learning_rate = 0.01f;
  float momentum = 0;
  float wd = 0;
  float rescale_grad = 1;
  float clip_gradient = -1;
  lr_scheduler scheduler = {};
};

/// MXNet's Adam: adam_update with lr * sqrt(1 - beta2^t) / (1 - beta1^t), t the parameter's own
/// update count.
struct adam {
  float learning_rate = 0.001f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float epsilon = 1e-8f;
  float wd = 0;
  float rescale_grad = 1;
  float clip_gradient = -1;
  lr_scheduler scheduler = {};
};

/// MXNet's RMSProp: rmsprop_update (Tieleman & Hinton), or rmspropalex_update (Graves) when
/// centered. clip_weights > 0 limits the weights to [-clip_weights, clip_weights].
struct rmsprop {
  float learning_rate = 0.001f;
  float gamma1 = 0.9f;
  float gamma2 = 0.9f;
  float epsilon = 1e-8f;
  bool centered = false;
  float clip_weights = -1;
  float wd = 0;
  float rescale_grad = 1;
  float clip_gradient = -1;
  lr_scheduler scheduler = {};
};

/// MXNet's AdaGrad (dense): history += g^2, w += (g / sqrt(history + eps) + wd*w) * -lr.
struct adagrad {
  float learning_rate = 0.01f;
  float eps = 1e-7f;
  float wd = 0;
  float rescale_grad = 1;
  float clip_gradient = -1;
  lr_scheduler scheduler = {};
};

namespace detail {
template <class S>
concept optimizer_spec = std::is_same_v<S, sgd> || std::is_same_v<S, nag> || std::is_same_v<S, adam> ||
                         std::is_same_v<S, rmsprop> || std::is_same_v<S, adagrad>;
template <class S> inline constexpr const char* spec_name = "";
template <> inline constexpr const char* spec_name<sgd> = "sgd";
template <> inline constexpr const char* spec_name<nag> = "nag";
template <> inline constexpr const char* spec_name<adam> = "adam";
template <> inline constexpr const char* spec_name<rmsprop> = "rmsprop";
template <> inline constexpr const char* spec_name<adagrad> = "adagrad";

/// How many state arrays a parameter gets (MXNet's create_state).
inline std::size_t num_states(const sgd& s) { return s.momentum != 0 ? 1 : 0; }
inline std::size_t num_states(const nag& s) { return s.momentum != 0 ? 1 : 0; }
inline std::size_t num_states(const adam&) { return 2; }                           // mean, var
inline std::size_t num_states(const rmsprop& s) { return s.centered ? 3 : 1; }      // n (, g, delta)
inline std::size_t num_states(const adagrad&) { return 1; }                        // history
}  // namespace detail

/// One of the specs above with its per-parameter state. Copies are deep for the state.
class optimizer {
 public:
  /// Implicit from a spec: `init_optimizer(xsym::optim::sgd{.learning_rate = 0.1f})`. The
  /// scheduler's base_lr becomes learning_rate (as MXNet overwrites it).
  template <detail::optimizer_spec Spec>
  optimizer(Spec spec) : spec_(std::move(spec)) {
    std::visit([](auto& s) { s.scheduler.set_base_lr(python_float(s.learning_rate)); }, spec_);
  }

  /// MXNet's name of the optimizer: "sgd", "nag", "adam", "rmsprop", "adagrad".
  std::string name() const {
    return std::visit([](const auto& s) { return std::string(detail::spec_name<std::remove_cvref_t<decltype(s)>>); },
                      spec_);
  }

  /// Index -> name (MXNet's param_idx2name). Named parameters ending in neither "_weight" nor
  /// "_gamma" get wd_mult 0 (unless set_wd_mult names them).
  void set_param_names(std::vector<std::string> names) { names_ = std::move(names); }
  /// Per-name multipliers of the rate and of wd (MXNet's set_lr_mult / set_wd_mult by name);
  /// an explicit wd_mult overrides the name rule. Each call replaces the previous map.
  void set_lr_mult(std::map<std::string, float> mult) { lr_mult_ = std::move(mult); }
  void set_wd_mult(std::map<std::string, float> mult) { wd_mult_ = std::move(mult); }

  /// The factor applied to gradients first (Module.init_optimizer sets 1 / batch_size).
  void set_rescale_grad(float r) { std::visit([r](auto& s) { s.rescale_grad = r; }, spec_); }
  float rescale_grad() const { return std::visit([](const auto& s) { return s.rescale_grad; }, spec_); }

  /// Sets the rate; throws xsym::error when a scheduler owns it (MXNet's set_learning_rate).
  void set_learning_rate(float lr) {
    std::visit(
        [&](auto& s) {
          if (s.scheduler)
            throw error("xsym::optim::" + name() + ": LRScheduler of the optimizer has already been defined; "
                        "set_learning_rate works only without a scheduler");
          s.learning_rate = lr;
          s.scheduler.set_base_lr(python_float(lr));
        },
        spec_);
  }

  /// MXNet's num_update: the largest number of updates any parameter has had.
  std::size_t num_update() const { return num_update_; }
  /// How many updates parameter `index` has had (Adam's t).
  std::size_t update_count(std::size_t index) const {
    auto it = counts_.find(index);
    return it == counts_.end() ? 0 : it->second;
  }
  /// The current rate: the scheduler's at num_update(), else learning_rate (MXNet's
  /// `learning_rate` property; the schedule's state only moves forward, so this equals what the
  /// scheduler would say).
  float learning_rate() const {
    return std::visit(
        [&](const auto& s) {
          if (!s.scheduler) return s.learning_rate;
          return float(s.scheduler.peek(num_update_));
        },
        spec_);
  }
  /// The state arrays of parameter `index` (momentum; Adam's mean, var; RMSProp's n (, g, delta);
  /// AdaGrad's history), empty before its first update.
  const std::vector<ndarray>& state(std::size_t index) const {
    static const std::vector<ndarray> none;
    auto it = states_.find(index);
    return it == states_.end() ? none : it->second;
  }

  /// Updates parameter `index` in place from its gradient: weight (and the state) in one fused
  /// pass. Throws xsym::error, naming the optimizer and the parameter, for an empty array, a
  /// weight or gradient not on the CPU, a dtype other than float32/float64, a gradient of another
  /// shape or dtype than the weight, or a weight whose shape differs from the state's.
  void update(std::size_t index, const ndarray& weight, const ndarray& grad) {
    check(index, weight, grad);
    std::vector<ndarray>& st = state_for(index, weight);
    std::size_t& count = counts_[index];
    ++count;
    num_update_ = std::max(num_update_, count);
    std::visit([&](auto& s) { apply(s, index, count, weight, grad, st); }, spec_);
  }

 private:
  std::variant<sgd, nag, adam, rmsprop, adagrad> spec_;
  std::vector<std::string> names_;
  std::map<std::string, float> lr_mult_, wd_mult_;
  std::map<std::size_t, std::size_t> counts_;
  std::map<std::size_t, std::vector<ndarray>> states_;
  std::size_t num_update_ = 0;

  std::string who(std::size_t index) const {
    std::string s = "xsym::optim::" + name() + ": parameter " + std::to_string(index);
    if (index < names_.size()) s += " ('" + names_[index] + "')";
    return s;
  }

  void check(std::size_t index, const ndarray& weight, const ndarray& grad) const {
    if (!weight.has_storage() || !grad.has_storage())
      throw error(who(index) + ": the " + (weight.has_storage() ? "gradient" : "weight") + " is an empty ndarray");
    for (const ndarray* a : {&weight, &grad})
      if (a->context().type != context::device::cpu)
        throw error(who(index) + ": the " + (a == &weight ? "weight" : "gradient") + " is on " + a->context().str() +
                    "; xsym::optim::" + name() + " runs on cpu only for now");
    if (weight.dtype() != dtype::float32 && weight.dtype() != dtype::float64)
      throw error(who(index) + ": the weight is " + std::string(dtype_name(weight.dtype())) +
                  "; the optimizers update float32 and float64 arrays");
    if (grad.dtype() != weight.dtype() || grad.shape() != weight.shape())
      throw error(who(index) + ": the gradient is " + std::string(dtype_name(grad.dtype())) + " " + grad.shape().str() +
                  ", but the weight is " + std::string(dtype_name(weight.dtype())) + " " + weight.shape().str());
  }

  std::vector<ndarray>& state_for(std::size_t index, const ndarray& weight) {
    auto it = states_.find(index);
    if (it != states_.end()) {
      if (!it->second.empty() &&
          (it->second[0].shape() != weight.shape() || it->second[0].dtype() != weight.dtype()))
        throw error(who(index) + ": the weight is " + std::string(dtype_name(weight.dtype())) + " " +
                    weight.shape().str() + ", but its state was created for " +
                    std::string(dtype_name(it->second[0].dtype())) + " " + it->second[0].shape().str());
      return it->second;
    }
    std::size_t k = std::visit([](const auto& s) { return detail::num_states(s); }, spec_);
    std::vector<ndarray> st;
    for (std::size_t i = 0; i < k; ++i) st.emplace_back(weight.shape(), weight.dtype(), weight.context());
    return states_.emplace(index, std::move(st)).first->second;
  }

  /// The rate for `index` now, in double as Python holds it: the schedule's (num_update already
  /// counted) or learning_rate, times lr_mult.
  template <class Spec>
  double lr_of(Spec& s, std::size_t index) {
    double lr = s.scheduler(python_float(s.learning_rate), num_update_);
    if (index < names_.size())
      if (auto it = lr_mult_.find(names_[index]); it != lr_mult_.end()) lr *= python_float(it->second);
    return lr;
  }
  template <class Spec>
  double wd_of(const Spec& s, std::size_t index) const {
    double wd = python_float(s.wd);
    if (index < names_.size()) {
      const std::string& n = names_[index];
      if (auto it = wd_mult_.find(n); it != wd_mult_.end()) return wd * python_float(it->second);
      if (!n.ends_with("_weight") && !n.ends_with("_gamma")) return wd * 0.0;
    }
    return wd;
  }

  /// Calls f(T{}) for the weight's element type (float or double; checked above).
  template <class F>
  static void with_type(const ndarray& weight, F&& f) {
    if (weight.dtype() == dtype::float32) f(float{});
    else f(double{});
  }
  template <class F>
  static void with_flag(bool flag, F&& f) {
    if (flag) f(std::true_type{});
    else f(std::false_type{});
  }

  // A kernel parameter: Python's double, parsed by MXNet into a float field, cast to DType.
  template <class T>
  static T param(double v) { return kernel_param<T>(v); }

  void apply(sgd& s, std::size_t index, std::size_t, const ndarray& weight, const ndarray& grad,
             std::vector<ndarray>& st) {
    const double lr = lr_of(s, index), wd = wd_of(s, index);
    with_type(weight, [&]<class T>(T) {
      detail::sgd_scalars<T> k{param<T>(lr), param<T>(wd), T(s.rescale_grad), T(s.momentum), T(s.clip_gradient)};
      T* w = weight.data<T>();
      const T* g = grad.data<T>();
      const bool momentum = s.momentum > 0, clip = s.clip_gradient > 0;
      if (momentum && clip) detail::sgd_pass<T, true, true>(w, g, st[0].data<T>(), weight.size(), k);
      else if (momentum) detail::sgd_pass<T, false, true>(w, g, st[0].data<T>(), weight.size(), k);
      else if (clip) detail::sgd_pass<T, true, false>(w, g, nullptr, weight.size(), k);
      else detail::sgd_pass<T, false, false>(w, g, nullptr, weight.size(), k);
    });
  }

  void apply(nag& s, std::size_t index, std::size_t, const ndarray& weight, const ndarray& grad,
             std::vector<ndarray>& st) {
    const double lr = lr_of(s, index), wd = wd_of(s, index);
    with_type(weight, [&]<class T>(T) {
      // MXNet passes momentum to nag_mom_update only when it is > 0 (else the kernel's default 0).
      detail::sgd_scalars<T> k{param<T>(lr), param<T>(wd), T(s.rescale_grad), T(s.momentum > 0 ? s.momentum : 0),
                               T(s.clip_gradient)};
      T* w = weight.data<T>();
      const T* g = grad.data<T>();
      const bool clip = s.clip_gradient > 0;
      if (s.momentum != 0) {
        if (clip) detail::nag_mom_pass<T, true>(w, g, st[0].data<T>(), weight.size(), k);
        else detail::nag_mom_pass<T, false>(w, g, st[0].data<T>(), weight.size(), k);
      } else {
        if (clip) detail::sgd_plain_pass<T, true>(w, g, weight.size(), k);
        else detail::sgd_plain_pass<T, false>(w, g, weight.size(), k);
      }
    });
  }

  void apply(adam& s, std::size_t index, std::size_t t, const ndarray& weight, const ndarray& grad,
             std::vector<ndarray>& st) {
    double lr = lr_of(s, index);
    const double wd = wd_of(s, index);
    const double coef1 = 1. - std::pow(python_float(s.beta1), double(t));
    const double coef2 = 1. - std::pow(python_float(s.beta2), double(t));
    lr *= std::sqrt(coef2) / coef1;
    with_type(weight, [&]<class T>(T) {
      detail::adam_scalars<T> k{param<T>(lr), param<T>(wd), T(s.rescale_grad), T(s.beta1),
                                T(s.beta2),   T(s.epsilon), T(s.clip_gradient)};
      T *w = weight.data<T>(), *mean = st[0].data<T>(), *var = st[1].data<T>();
      const T* g = grad.data<T>();
      if (s.clip_gradient > 0) detail::adam_pass<T, true>(w, g, mean, var, weight.size(), k);
      else detail::adam_pass<T, false>(w, g, mean, var, weight.size(), k);
    });
  }

  void apply(rmsprop& s, std::size_t index, std::size_t, const ndarray& weight, const ndarray& grad,
             std::vector<ndarray>& st) {
    const double lr = lr_of(s, index), wd = wd_of(s, index);
    with_type(weight, [&]<class T>(T) {
      detail::rmsprop_scalars<T> k{param<T>(lr), param<T>(wd),      T(s.rescale_grad),  T(s.gamma1),
                                   T(s.gamma2),  T(s.epsilon),      T(s.clip_gradient), T(s.clip_weights)};
      T* w = weight.data<T>();
      const T* g = grad.data<T>();
      const std::size_t n = weight.size();
      with_flag(s.clip_gradient > 0, [&](auto clip) {
        with_flag(s.clip_weights > 0, [&](auto clip_w) {
          if (s.centered)
            detail::rmspropalex_pass<T, clip(), clip_w()>(w, g, st[0].data<T>(), st[1].data<T>(), st[2].data<T>(), n, k);
          else
            detail::rmsprop_pass<T, clip(), clip_w()>(w, g, st[0].data<T>(), n, k);
        });
      });
    });
  }

  void apply(adagrad& s, std::size_t index, std::size_t, const ndarray& weight, const ndarray& grad,
             std::vector<ndarray>& st) {
    const double lr = lr_of(s, index), wd = wd_of(s, index);
    with_type(weight, [&]<class T>(T) {
      // NDArray scalar ops: Python's double scalar cast to DType (no float field in between),
      // except clip's bounds, which are float fields.
      detail::adagrad_scalars<T> k{T(-lr), T(wd), T(python_float(s.rescale_grad)), T(python_float(s.eps)),
                                   T(s.clip_gradient)};
      T *w = weight.data<T>(), *h = st[0].data<T>();
      const T* g = grad.data<T>();
      if (s.clip_gradient >= 0) detail::adagrad_pass<T, true>(w, g, h, weight.size(), k);
      else detail::adagrad_pass<T, false>(w, g, h, weight.size(), k);
    });
  }
};

}  // namespace xsym::optim
