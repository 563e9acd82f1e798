// dot and batch_dot on the CPU, forward and backward (MXNet 1.9's DotForward_, DotBackward_,
// BatchDotForward_, BatchDotBackward_ in dot-inl.h), float32 and float64.
//
// dot is one matrix product after flattening: lhs as M x K (K x M with transpose_a: its first
// axis is contracted, the rest flattened), rhs as K x N (N x K with transpose_b); 1-D x 1-D is
// the case M = N = 1. batch_dot is one such product per batch entry of 3-D operands. With
// C = op(A) op(B) and G its head gradient: d op(A) = G op(B)^T, d op(B) = op(A)^T G, each
// written as another product of the same form (see backward()).
//
// The products go to BLAS where built with it (both operands as stored, transposed or not),
// always from the calling thread, never inside a parallel region: Debian's serial OpenBLAS is not
// thread-safe. Without BLAS, nn_support.hpp's tiles run, an operand used transposed on the left
// first copied transposed into scratch.
#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernels.hpp"
#include "nn_support.hpp"

namespace xsym::kernels {

namespace {

using namespace nn;

// One operand of a product: a stored row-major matrix, used transposed when `t`.
template <class T>
struct operand {
  const T* data;
  bool t;
};

// C[M x N] = op(A)[M x K] · op(B)[K x N], overwriting C. A is stored M x K (K x M when a.t), B
// K x N (N x K when b.t). `scratch` holds A^T when A is transposed.
template <class T>
void matmul(operand<T> a, operand<T> b, i64 M, i64 N, i64 K, T* C, std::vector<T>& scratch) {
  if (M == 0 || N == 0 || K == 0) {  // BLAS rejects a leading dimension of 0
    std::fill(C, C + M * N, T(0));
    return;
  }
  // BLAS takes both operands as stored, transposed or not, and overwrites C.
  if (blas_gemm(a.t, b.t, M, N, K, a.data, a.t ? M : K, b.data, b.t ? K : N, T(0), C, N)) return;
  std::fill(C, C + M * N, T(0));
  const T* A = a.data;
  if (a.t) {  // A is K x M: copy it as M x K
    scratch.resize(std::size_t(M * K));
    for (i64 p = 0; p < K; ++p)
      for (i64 i = 0; i < M; ++i) scratch[std::size_t(i * K + p)] = A[p * M + i];
    A = scratch.data();
  }
  if (b.t)
    gemm_nt(M, N, K, A, K, b.data, K, C, N);
  else
    gemm_nn(M, N, K, A, K, b.data, N, C, N, true);
}

// One product's sizes: op(lhs) is M x K, op(rhs) K x N.
struct plan {
  bool ta = false, tb = false;
  i64 batch = 1, M = 0, N = 0, K = 0;
};

// Forward of one product: C = op(A) op(B).
template <class T>
void forward(const plan& P, const T* A, const T* B, T* C, std::vector<T>& scratch) {
  matmul<T>({A, P.ta}, {B, P.tb}, P.M, P.N, P.K, C, scratch);
}

// Backward of one product, G = dC (M x N). Where A is stored K x M (ta), dA = (G op(B)^T)^T =
// op(B) G^T; where B is stored N x K (tb), dB = (op(A)^T G)^T = G^T op(A). Null dA or dB: skipped.
template <class T>
void backward(const plan& P, const T* G, const T* A, const T* B, T* dA, T* dB, std::vector<T>& scratch) {
  const i64 M = P.M, N = P.N, K = P.K;
  if (dA) {
    if (!P.ta) matmul<T>({G, false}, {B, !P.tb}, M, K, N, dA, scratch);  // G · op(B)^T
    else matmul<T>({B, P.tb}, {G, true}, K, M, N, dA, scratch);          // op(B) · G^T
  }
  if (dB) {
    if (!P.tb) matmul<T>({A, !P.ta}, {G, false}, K, N, M, dB, scratch);  // op(A)^T · G
    else matmul<T>({G, true}, {A, P.ta}, N, K, M, dB, scratch);          // G^T · op(A)
  }
}

std::string operands_str(const tensor& l, const tensor& r) { return l.dims.str() + " X " + r.dims.str(); }

// dot's sizes from its operands' shapes (dot-inl.h DotShape / DotForward_).
plan dot_plan(const graph_node& n, const tensor& l, const tensor& r) {
  const params p(n);
  plan P{p.get_bool("transpose_a", false), p.get_bool("transpose_b", false)};
  const auto& a = l.dims.dims();
  const auto& b = r.dims.dims();
  if (a.empty() || b.empty()) fail(n, "dot needs operands of at least 1 dimension, got " + operands_str(l, r));
  if (a.size() == 1 && b.size() == 1 && (P.ta || P.tb)) fail(n, "Cannot transpose vectors: " + operands_str(l, r));
  const i64 ka = P.ta ? a.front() : a.back(), kb = P.tb ? b.back() : b.front();
  if (ka != kb) fail(n, "dot shape error: " + operands_str(l, r));
  P.K = ka;
  P.M = P.ta ? product(a, 1, a.size()) : product(a, 0, a.size() - 1);
  P.N = P.tb ? product(b, 0, b.size() - 1) : product(b, 1, b.size());
  return P;
}

// batch_dot's sizes (dot-inl.h BatchDotShape): 3-D operands, equal batch sizes.
plan batch_dot_plan(const graph_node& n, const tensor& l, const tensor& r) {
  const params p(n);
  plan P{p.get_bool("transpose_a", false), p.get_bool("transpose_b", false)};
  const auto& a = l.dims.dims();
  const auto& b = r.dims.dims();
  const std::string flags = std::string(" trans_a=") + (P.ta ? "1" : "0") + " trans_b=" + (P.tb ? "1" : "0");
  if (a.size() != 3 || b.size() != 3)
    fail(n, "batch_dot currently only support 3D*3D array " + l.dims.str() + " v.s. " + r.dims.str());
  if (a[0] != b[0]) fail(n, "batch_dot shape error(batch_size must be equal): " + operands_str(l, r) + flags);
  const i64 ka = P.ta ? a[1] : a[2], kb = P.tb ? b[2] : b[1];
  if (ka != kb) fail(n, "batch_dot shape error(shape mismatch): " + operands_str(l, r) + flags);
  P.batch = a[0];
  P.K = ka;
  P.M = P.ta ? a[2] : a[1];
  P.N = P.tb ? b[1] : b[2];
  return P;
}

// dot, batch_dot: in (lhs, rhs), out (output).
template <class T>
nn_kernel make_forward(const plan& P) {
  auto scratch = std::make_shared<std::vector<T>>();
  return [P, scratch](std::span<const tensor> in, std::span<const tensor> out) {
    const T* A = in[0].as<T>();
    const T* B = in[1].as<T>();
    T* C = out[0].as<T>();
    for (i64 s = 0; s < P.batch; ++s)
      forward(P, A + s * P.M * P.K, B + s * P.K * P.N, C + s * P.M * P.N, *scratch);
  };
}

// _backward_dot, _backward_batch_dot: in (ograd, out, lhs, rhs), out (d lhs, d rhs).
template <class T>
nn_kernel make_backward(const plan& P, bool need_lhs, bool need_rhs) {
  auto scratch = std::make_shared<std::vector<T>>();
  return [P, need_lhs, need_rhs, scratch](std::span<const tensor> in, std::span<const tensor> out) {
    const T* G = in[0].as<T>();
    const T* A = in[2].as<T>();
    const T* B = in[3].as<T>();
    T* dA = need_lhs ? out[0].as<T>() : nullptr;
    T* dB = need_rhs ? out[1].as<T>() : nullptr;
    const i64 a = P.M * P.K, b = P.K * P.N, c = P.M * P.N;
    for (i64 s = 0; s < P.batch; ++s)
      backward(P, G + s * c, A + s * a, B + s * b, dA ? dA + s * a : nullptr, dB ? dB + s * b : nullptr, *scratch);
  };
}

}  // namespace

bool is_dot_op(std::string_view op) {
  op = forward_name(op);
  return op == ops::dot::names.mxnet || op == ops::batch_dot::names.mxnet;
}

nn_kernel make_dot_kernel(const graph_node& n, std::span<const tensor> in, std::span<const tensor> out) {
  const bool is_backward = is_backward_name(op_name(n));
  const std::string_view op = forward_name(op_name(n));
  if (!is_dot_op(op)) fail(n, "not a dot op");
  if (!is_backward) {
    expect_counts(n, in, 2, out, 1);
    const dtype t = uniform_dtype(n, in, 2, out, 1);
    const plan P = op == ops::dot::names.mxnet ? dot_plan(n, in[0], in[1]) : batch_dot_plan(n, in[0], in[1]);
    expect_size(n, out[0], std::size_t(P.batch * P.M * P.N), "output 0");
    return t == dtype::float32 ? make_forward<float>(P) : make_forward<double>(P);
  }
  expect_counts(n, in, 4, out, 2);
  const dtype t = uniform_dtype(n, in, 4, out, 2);
  const plan P = op == ops::dot::names.mxnet ? dot_plan(n, in[2], in[3]) : batch_dot_plan(n, in[2], in[3]);
  expect_size(n, in[0], std::size_t(P.batch * P.M * P.N), "the head gradient");
  expect_size(n, out[0], in[2].size(), "output 0 (d lhs)");
  expect_size(n, out[1], in[3].size(), "output 1 (d rhs)");
  return t == dtype::float32 ? make_backward<float>(P, out[0].needed, out[1].needed)
                             : make_backward<double>(P, out[0].needed, out[1].needed);
}

}  // namespace xsym::kernels
