#pragma once
// MXNet 1.9's optimizers (python/mxnet/optimizer/optimizer.py): SGD, NAG, Adam, RMSProp and
// AdaGrad, as designated-initializer specs and one `optimizer` holding a spec with its
// per-parameter state:
//
//   xsym::optim::optimizer opt = xsym::optim::sgd{.learning_rate = 0.1f, .momentum = 0.9f, .wd = 1e-4f};
//   opt.set_param_names({"fc1_weight", "fc1_bias"});   // index -> name (wd_mult 0 for fc1_bias)
//   opt.update(0, weight, grad);                        // weight and momentum, in place
//
// Each update is one fused elementwise pass over the parameter (src/train/update_passes.hpp).
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
  void update(std::size_t index, const ndarray& weight, const ndarray& grad);

 private:
  std::variant<sgd, nag, adam, rmsprop, adagrad> spec_;
  std::vector<std::string> names_;
  std::map<std::string, float> lr_mult_, wd_mult_;
  std::map<std::size_t, std::size_t> counts_;
  std::map<std::size_t, std::vector<ndarray>> states_;
  std::size_t num_update_ = 0;

  // src/train/optim.cpp: the update passes are compiled once there, not in every user's TU.
  std::string who(std::size_t index) const;
  void check(std::size_t index, const ndarray& weight, const ndarray& grad) const;
  std::vector<ndarray>& state_for(std::size_t index, const ndarray& weight);
  template <class Spec> double lr_of(Spec& s, std::size_t index);
  template <class Spec> double wd_of(const Spec& s, std::size_t index) const;
  void apply(sgd& s, std::size_t index, std::size_t t, const ndarray& weight, const ndarray& grad, std::vector<ndarray>& st);
  void apply(nag& s, std::size_t index, std::size_t t, const ndarray& weight, const ndarray& grad, std::vector<ndarray>& st);
  void apply(adam& s, std::size_t index, std::size_t t, const ndarray& weight, const ndarray& grad, std::vector<ndarray>& st);
  void apply(rmsprop& s, std::size_t index, std::size_t t, const ndarray& weight, const ndarray& grad,
             std::vector<ndarray>& st);
  void apply(adagrad& s, std::size_t index, std::size_t t, const ndarray& weight, const ndarray& grad,
             std::vector<ndarray>& st);
};

}  // namespace xsym::optim
