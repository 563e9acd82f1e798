#pragma once
// MXNet 1.9's learning-rate schedulers (python/mxnet/lr_scheduler.py): FactorScheduler and
// MultiFactorScheduler, with their state. A scheduler is stateful as in MXNet: it moves its
// `base_lr` forward as `num_update` grows and never back, so calling it with a smaller
// num_update than before returns the current (already reduced) rate.
//
// Python computes a schedule in double from the user's decimal literals; xsym's hyper-parameters
// are floats, so each is read back as the double that Python would hold (python_float.hpp), and
// the schedule runs in double.
// (Warm-up, PolyScheduler and CosineScheduler are not here.)
#include <cstddef>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "../core/error.hpp"
#include "python_float.hpp"

namespace xsym::optim {

/// MXNet's FactorScheduler: the rate is multiplied by `factor` each time num_update passes
/// another `step` updates, and never goes below `stop_factor_lr`. Needs step >= 1, factor <= 1.
struct factor_scheduler {
  std::size_t step = 0;
  float factor = 1;
  float stop_factor_lr = 1e-8f;
};

/// MXNet's MultiFactorScheduler: the rate is multiplied by `factor` once num_update passes each
/// of `step` (an increasing list of positive counts). Needs factor <= 1.
struct multi_factor_scheduler {
  std::vector<std::size_t> step;
  float factor = 1;
};

/// No schedule (empty), or one of the schedulers above with its state: `base_lr` (the current
/// rate), FactorScheduler's `count`, MultiFactorScheduler's `cur_step_ind`. Implicit from either
/// spec, so an optimizer spec reads `.scheduler = xsym::optim::factor_scheduler{.step = 2}`.
class lr_scheduler {
 public:
  lr_scheduler() = default;
  /// Throws xsym::error with MXNet's message for step < 1 or factor > 1.
  lr_scheduler(factor_scheduler s) : spec_(s) {
    if (s.step < 1) throw error("xsym::optim::factor_scheduler: Schedule step must be greater or equal than 1 round");
    check_factor(s.factor, "factor_scheduler");
  }
  /// Throws xsym::error with MXNet's message for an empty or non-increasing step list, a step < 1,
  /// or factor > 1.
  lr_scheduler(multi_factor_scheduler s) : spec_(std::move(s)) {
    const auto& steps = std::get<multi_factor_scheduler>(spec_).step;
    if (steps.empty()) throw error("xsym::optim::multi_factor_scheduler: the step list is empty");
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (i != 0 && steps[i] <= steps[i - 1])
        throw error("xsym::optim::multi_factor_scheduler: Schedule step must be an increasing integer list");
      if (steps[i] < 1)
        throw error("xsym::optim::multi_factor_scheduler: Schedule step must be greater or equal than 1 round");
    }
    check_factor(std::get<multi_factor_scheduler>(spec_).factor, "multi_factor_scheduler");
  }

  /// True when there is no schedule: the optimizer keeps its learning_rate.
  bool empty() const { return std::holds_alternative<std::monostate>(spec_); }
  explicit operator bool() const { return !empty(); }
  /// MXNet's class name ("FactorScheduler", "MultiFactorScheduler"), "" when empty.
  std::string name() const {
    return empty() ? "" : std::holds_alternative<factor_scheduler>(spec_) ? "FactorScheduler" : "MultiFactorScheduler";
  }

  /// Sets the current rate, as MXNet's Optimizer does with its learning_rate
  /// (`lr_scheduler.base_lr = learning_rate`).
  void set_base_lr(double lr) {
    state_.base_lr = lr;
    base_set_ = true;
  }
  /// The current rate (MXNet's default 0.01 until set).
  double base_lr() const { return state_.base_lr; }

  /// MXNet's `__call__(num_update)`: moves the state forward to num_update and returns the rate.
  /// An empty scheduler returns base_lr().
  double operator()(std::size_t num_update) {
    state_ = advanced(num_update);
    return state_.base_lr;
  }
  /// What operator() would return, without moving the state.
  double peek(std::size_t num_update) const { return advanced(num_update).base_lr; }
  /// The rate for num_update given the optimizer's rate `base_lr`: base_lr itself when empty;
  /// otherwise the schedule's, its base_lr set from `base_lr` at the first call (as MXNet's
  /// Optimizer overwrites the scheduler's base_lr with its learning_rate).
  double operator()(double base_lr, std::size_t num_update) {
    if (empty()) return base_lr;
    if (!base_set_) set_base_lr(base_lr);
    return (*this)(num_update);
  }

 private:
  static void check_factor(float factor, const char* who) {
    if (factor > 1.0f)
      throw error(std::string("xsym::optim::") + who + ": Factor must be no more than 1 to make lr reduce");
  }

  struct schedule_state {
    double base_lr = 0.01;
    std::size_t count = 0;         // FactorScheduler: updates covered; MultiFactor: the last step passed
    std::size_t cur_step_ind = 0;  // MultiFactorScheduler: steps passed
  };

  // The state moved forward to num_update (MXNet's loops).
  schedule_state advanced(std::size_t num_update) const {
    schedule_state st = state_;
    if (const auto* f = std::get_if<factor_scheduler>(&spec_)) {
      const double factor = python_float(f->factor), stop = python_float(f->stop_factor_lr);
      while (num_update > st.count + f->step) {
        st.count += f->step;
        st.base_lr *= factor;
        if (st.base_lr < stop) st.base_lr = stop;
      }
    } else if (const auto* m = std::get_if<multi_factor_scheduler>(&spec_)) {
      const double factor = python_float(m->factor);
      while (st.cur_step_ind < m->step.size() && num_update > m->step[st.cur_step_ind]) {
        st.count = m->step[st.cur_step_ind];
        ++st.cur_step_ind;
        st.base_lr *= factor;
      }
    }
    return st;
  }

  std::variant<std::monostate, factor_scheduler, multi_factor_scheduler> spec_;
  schedule_state state_;
  bool base_set_ = false;
};

}  // namespace xsym::optim
