// xsym::optim::optimizer's updates (declared in include/xsym/train/optim.hpp). They are compiled
// here, once: each update pass is a static graph (update_passes.hpp), and instantiating all of
// them cost every translation unit that includes xsym.hpp about ten seconds.
#include <xsym/train/optim.hpp>

#include <algorithm>
#include <cmath>

#include "update_passes.hpp"

namespace xsym::optim {
namespace {

/// Calls f(T{}) for the weight's element type (float or double; checked above).
template <class F>
void with_type(const ndarray& weight, F&& f) {
  if (weight.dtype() == dtype::float32) f(float{});
  else f(double{});
}
template <class F>
void with_flag(bool flag, F&& f) {
  if (flag) f(std::true_type{});
  else f(std::false_type{});
}

// A kernel parameter: Python's double, parsed by MXNet into a float field, cast to DType.
template <class T>
T param(double v) { return kernel_param<T>(v); }

}  // namespace

void optimizer::update(std::size_t index, const ndarray& weight, const ndarray& grad) {
  check(index, weight, grad);
  std::vector<ndarray>& st = state_for(index, weight);
  std::size_t& count = counts_[index];
  ++count;
  num_update_ = std::max(num_update_, count);
  std::visit([&](auto& s) { apply(s, index, count, weight, grad, st); }, spec_);
}

std::string optimizer::who(std::size_t index) const {
  std::string s = "xsym::optim::" + name() + ": parameter " + std::to_string(index);
  if (index < names_.size()) s += " ('" + names_[index] + "')";
  return s;
}

void optimizer::check(std::size_t index, const ndarray& weight, const ndarray& grad) const {
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

std::vector<ndarray>& optimizer::state_for(std::size_t index, const ndarray& weight) {
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
double optimizer::lr_of(Spec& s, std::size_t index) {
  double lr = s.scheduler(python_float(s.learning_rate), num_update_);
  if (index < names_.size())
    if (auto it = lr_mult_.find(names_[index]); it != lr_mult_.end()) lr *= python_float(it->second);
  return lr;
}
template <class Spec>
double optimizer::wd_of(const Spec& s, std::size_t index) const {
  double wd = python_float(s.wd);
  if (index < names_.size()) {
    const std::string& n = names_[index];
    if (auto it = wd_mult_.find(n); it != wd_mult_.end()) return wd * python_float(it->second);
    if (!n.ends_with("_weight") && !n.ends_with("_gamma")) return wd * 0.0;
  }
  return wd;
}

void optimizer::apply(sgd& s, std::size_t index, std::size_t, const ndarray& weight, const ndarray& grad,
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

void optimizer::apply(nag& s, std::size_t index, std::size_t, const ndarray& weight, const ndarray& grad,
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

void optimizer::apply(adam& s, std::size_t index, std::size_t t, const ndarray& weight, const ndarray& grad,
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

void optimizer::apply(rmsprop& s, std::size_t index, std::size_t, const ndarray& weight, const ndarray& grad,
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

void optimizer::apply(adagrad& s, std::size_t index, std::size_t, const ndarray& weight, const ndarray& grad,
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

}  // namespace xsym::optim
