#pragma once
// The optimizers' update kernels (MXNet 1.9, src/operator/optimizer_op-inl.h, and AdaGrad's
// NDArray expression in python/mxnet/optimizer/optimizer.py), each written as a static xsym graph
// and run as ONE fused elementwise pass that writes the weight and the optimizer state IN PLACE.
//
// How a pass runs in place: the graph's variables are typed (`variable<"weight", T>()`), so it
// has no free dtype and lowers to one exec::fused_program whose stage, called with element i,
// first computes every node's value from element i of the arguments (lowered::fused_stage::values)
// and only then stores element i of every output. An output pointer may therefore be the same as
// an argument pointer (weight -> weight, mom -> mom): element i is read before it is written, and
// no other element is touched. The CPU loop's `omp simd` hint stays valid, since aliasing at the
// same index is no dependence between iterations, and the OpenMP threads own disjoint chunks.
//
// Every formula keeps the kernel's order of operations (its parenthesization, which scalar
// products it forms first), so with -ffp-contract=off a pass gives the kernel's bits. The run-time
// scalars arrive already rounded to T, computed as the kernel computes them (`lr * wd` in T).
// Products are commutative in IEEE arithmetic, so `W * lr` is the kernel's `lr * w`.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include <xsym/core/error.hpp>
#include <xsym/exec/cpu_loop.hpp>
#include <xsym/exec/lower_plan.hpp>
#include <xsym/expr/graph.hpp>
#include <xsym/expr/operators.hpp>

namespace xsym::optim::detail {

/// A graph argument's name and its elements.
struct named_input {
  std::string_view name;
  const void* data;
};

/// Runs static graph `g` (typed variables only) over elements [0, n): argument `args[k].name`
/// reads `args[k].data`, output k writes `outs[k]`. An output may alias an argument (see above).
template <class G, std::size_t NA, std::size_t NO>
void run_in_place(const G& g, const std::array<named_input, NA>& args, const std::array<void*, NO>& outs,
                  std::size_t n) {
  using info = xsym::detail::graph_info<G>;
  static_assert(std::size_t(info::num_arguments) == NA && std::size_t(info::num_outputs) == NO,
                "xsym::optim: an update pass binds every argument and writes every output");
  static_assert(info::num_free_dtypes == 0, "xsym::optim: an update pass has typed variables only");
  std::array<const void*, NA> ordered{};  // list_arguments order
  for (std::size_t k = 0; k < NA; ++k) {
    bool found = false;
    for (const auto& a : args)
      if (a.name == info::arguments[k]) ordered[k] = a.data, found = true;
    if (!found) throw error("xsym::optim: internal: no array for argument '" + std::string(info::arguments[k]) + "'");
  }
  exec::run_fused(std::ptrdiff_t(n), exec::fused_program<G>::make(g, ordered.data(), outs.data()));
}

/// mshadow_op::clip::Map(x, bound) when Clip: x limited to [-bound, bound] (NaN passes); else x.
template <bool Clip, class E>
constexpr auto clipped(E e, double bound) {
  if constexpr (Clip) return xsym::clip(e, -bound, bound);
  else return e;
}

// ---- SGD: multi_sgd_update / multi_sgd_mom_update (MultiSGDKernel, which MXNet 1.9's SGD runs
// for dense arrays even for a single weight):
//   mom = momentum*mom - lr*wd*w - lr*clip(rescale*g, c)      (no clip: - (lr*rescale)*g)
//   w   = w + mom                                               (no momentum: mom = 0*0 = 0)
template <class T>
struct sgd_scalars {
  T lr, wd, rescale, momentum, clip;
};
template <class T, bool Clip, bool Momentum>
void sgd_pass(T* w, const T* g, T* mom, std::size_t n, sgd_scalars<T> s) {
  auto W = variable<"weight", T>();
  auto G = variable<"grad", T>();
  auto M = variable<"mom", T>();
  const double lr_wd = T(s.lr * s.wd);
  auto step = [&] {
    if constexpr (Clip) return clipped<true>(G * double(s.rescale), double(s.clip)) * double(s.lr);
    else return G * double(T(s.lr * s.rescale));
  }();
  if constexpr (Momentum) {
    auto m = (M * double(s.momentum) - W * lr_wd) - step;
    run_in_place(group(W + m, m), std::array{named_input{"weight", w}, named_input{"grad", g}, named_input{"mom", mom}},
                 std::array<void*, 2>{w, mom}, n);
  } else {
    auto m = (0.0 - W * lr_wd) - step;
    run_in_place(W + m, std::array{named_input{"weight", w}, named_input{"grad", g}}, std::array<void*, 1>{w}, n);
  }
}

// ---- NAG with momentum: nag_mom_update (NAGMomKernel), as the Python optimizer runs it, with
// `out=weight`: the kernel writes the new weight, then reads weight_data[i] for the momentum's
// wd term, so that term sees the NEW weight (MXNet 1.9's behaviour; equal to the textbook NAG
// when wd == 0):
//   mom = momentum*mom
//   w   = w - mom + (momentum+1)*(mom - lr*(clip(rescale*g, c) + wd*w))
//   mom = mom - lr*(clip(rescale*g, c) + wd*w_new)
template <class T, bool Clip>
void nag_mom_pass(T* w, const T* g, T* mom, std::size_t n, sgd_scalars<T> s) {
  auto W = variable<"weight", T>();
  auto G = variable<"grad", T>();
  auto M = variable<"mom", T>();
  auto m1 = M * double(s.momentum);
  auto grad = clipped<Clip>(G * double(s.rescale), double(s.clip));
  auto w_new = (W - m1) + (m1 - (grad + W * double(s.wd)) * double(s.lr)) * double(T(s.momentum + T(1)));
  auto mom_new = m1 - (grad + w_new * double(s.wd)) * double(s.lr);
  run_in_place(group(w_new, mom_new),
               std::array{named_input{"weight", w}, named_input{"grad", g}, named_input{"mom", mom}},
               std::array<void*, 2>{w, mom}, n);
}

// ---- NAG without momentum: sgd_update (SGDKernel)
//   w = (1 - lr*wd)*w - lr*clip(rescale*g, c)                 (no clip: - (lr*rescale)*g)
template <class T, bool Clip>
void sgd_plain_pass(T* w, const T* g, std::size_t n, sgd_scalars<T> s) {
  auto W = variable<"weight", T>();
  auto G = variable<"grad", T>();
  auto step = [&] {
    if constexpr (Clip) return clipped<true>(G * double(s.rescale), double(s.clip)) * double(s.lr);
    else return G * double(T(s.lr * s.rescale));
  }();
  run_in_place(W * double(T(T(1) - s.lr * s.wd)) - step,
               std::array{named_input{"weight", w}, named_input{"grad", g}}, std::array<void*, 1>{w}, n);
}

// ---- Adam: adam_update (AdamUpdateKernel); lr already carries the bias correction
//   g    = clip(g*rescale + w*wd, c)
//   mean = beta1*mean + (1-beta1)*g
//   var  = beta2*var + (1-beta2)*g*g
//   w    = w - lr*mean / (sqrt(var) + epsilon)
template <class T>
struct adam_scalars {
  T lr, wd, rescale, beta1, beta2, epsilon, clip;
};
template <class T, bool Clip>
void adam_pass(T* w, const T* g, T* mean, T* var, std::size_t n, adam_scalars<T> s) {
  auto W = variable<"weight", T>();
  auto G = variable<"grad", T>();
  auto Mean = variable<"mean", T>();
  auto Var = variable<"var", T>();
  auto gr = clipped<Clip>(G * double(s.rescale) + W * double(s.wd), double(s.clip));
  auto mean_new = Mean * double(s.beta1) + gr * double(T(T(1) - s.beta1));
  auto var_new = Var * double(s.beta2) + (gr * double(T(T(1) - s.beta2))) * gr;
  auto w_new = W - (mean_new * double(s.lr)) / (sqrt(var_new) + double(s.epsilon));
  run_in_place(group(w_new, mean_new, var_new),
               std::array{named_input{"weight", w}, named_input{"grad", g}, named_input{"mean", mean},
                          named_input{"var", var}},
               std::array<void*, 3>{w, mean, var}, n);
}

// ---- RMSProp: rmsprop_update (RMSPropUpdateKernel) and, centered, rmspropalex_update
// (RMSPropAlexUpdateKernel)
//   g = clip(rescale*g + wd*w, c)
//   plain:    n = (1-gamma1)*(g*g) + gamma1*n
//             w = clip_w(w - lr*(g / sqrt(n + epsilon)))
//   centered: n = (1-gamma1)*g*g + gamma1*n;  gs = (1-gamma1)*g + gamma1*gs
//             delta = gamma2*delta - lr*g / sqrt(n - gs*gs + epsilon)
//             w = clip_w(w + delta)
template <class T>
struct rmsprop_scalars {
  T lr, wd, rescale, gamma1, gamma2, epsilon, clip, clip_weights;
};
template <class T, bool Clip, bool ClipWeights>
void rmsprop_pass(T* w, const T* g, T* n_state, std::size_t n, rmsprop_scalars<T> s) {
  auto W = variable<"weight", T>();
  auto G = variable<"grad", T>();
  auto N = variable<"n", T>();
  auto gr = clipped<Clip>(G * double(s.rescale) + W * double(s.wd), double(s.clip));
  auto n_new = (gr * gr) * double(T(T(1) - s.gamma1)) + N * double(s.gamma1);
  auto w_new = clipped<ClipWeights>(W - (gr / sqrt(n_new + double(s.epsilon))) * double(s.lr), double(s.clip_weights));
  run_in_place(group(w_new, n_new), std::array{named_input{"weight", w}, named_input{"grad", g}, named_input{"n", n_state}},
               std::array<void*, 2>{w, n_state}, n);
}
template <class T, bool Clip, bool ClipWeights>
void rmspropalex_pass(T* w, const T* g, T* n_state, T* g_state, T* delta, std::size_t n, rmsprop_scalars<T> s) {
  auto W = variable<"weight", T>();
  auto G = variable<"grad", T>();
  auto N = variable<"n", T>();
  auto Gs = variable<"g", T>();
  auto D = variable<"delta", T>();
  const double one_minus_gamma1 = T(T(1) - s.gamma1);
  auto gr = clipped<Clip>(G * double(s.rescale) + W * double(s.wd), double(s.clip));
  auto n_new = (gr * one_minus_gamma1) * gr + N * double(s.gamma1);
  auto g_new = gr * one_minus_gamma1 + Gs * double(s.gamma1);
  auto delta_new = D * double(s.gamma2) - (gr * double(s.lr)) / sqrt((n_new - g_new * g_new) + double(s.epsilon));
  auto w_new = clipped<ClipWeights>(W + delta_new, double(s.clip_weights));
  run_in_place(group(w_new, n_new, g_new, delta_new),
               std::array{named_input{"weight", w}, named_input{"grad", g}, named_input{"n", n_state},
                          named_input{"g", g_state}, named_input{"delta", delta}},
               std::array<void*, 4>{w, n_state, g_state, delta}, n);
}

// ---- AdaGrad, dense: MXNet 1.9 runs these NDArray ops, one pass each; here they are one pass
//   g = clip(g * rescale, -c, c)            (only when clip_gradient is given)
//   history = history + square(g)
//   w = w + (g / sqrt(history + eps) + w * wd) * -lr
template <class T>
struct adagrad_scalars {
  T neg_lr, wd, rescale, eps, clip;
};
template <class T, bool Clip>
void adagrad_pass(T* w, const T* g, T* history, std::size_t n, adagrad_scalars<T> s) {
  auto W = variable<"weight", T>();
  auto G = variable<"grad", T>();
  auto H = variable<"history", T>();
  auto gr = clipped<Clip>(G * double(s.rescale), double(s.clip));
  auto h_new = H + square(gr);
  auto w_new = W + ((gr / sqrt(h_new + double(s.eps))) + W * double(s.wd)) * double(s.neg_lr);
  run_in_place(group(w_new, h_new),
               std::array{named_input{"weight", w}, named_input{"grad", g}, named_input{"history", history}},
               std::array<void*, 2>{w, history}, n);
}

}  // namespace xsym::optim::detail
