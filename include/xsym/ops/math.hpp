#pragma once
// xsym's vectorized math: the element functions of the operator table's transcendental ops on
// the CPU, for float and double. Own implementations (math/*.hpp), branch-free: selects, bit
// manipulation through std::bit_cast, round-to-nearest by a magic constant, polynomials fitted by
// scripts/fit_math.py; no libm call, no FMA, nothing but IEEE + - * / and sqrt. So g++ and clang
// vectorize them inside the fused loops with the baseline ISA (SSE2 on x86-64: the 64-bit integer
// operations are add, and, or and shifts only), and with -ffp-contract=off a vectorized loop and a
// scalar call give the same bits: every CPU path (static fused, blocked, per-op) gives the same
// result for the same op. The loops that call them are also compiled for AVX2 and AVX-512 and
// picked at load (exec/program_loop.hpp): the same operations, so the same bits again. Accuracy: at most 2 ulp from the correctly rounded result over the
// whole domain; special values (NaN, +-inf, +-0, subnormal results) as glibc.
// The float versions of exp, log, tanh and erf compute in float (the benchmarks' hot functions);
// the other float functions evaluate the double algorithm and round once.
//
// Maximum error in ulp of the correctly rounded result, measured by the sweep of
// tests/ops/math_test.cpp (`xsym_ops_tests "[.sweep]" -s`: 10^7 inputs per function and dtype,
// half random bit patterns over the whole domain, half in the function's busy interval; float32
// against glibc's double functions, float64 against glibc's long double ones), next to the bound
// NVIDIA documents for CUDA's own functions, which device code keeps (CUDA C++ Programming Guide,
// "Mathematical Functions": not measured here):
//
//   op        CPU f32  CPU f64  | CUDA f32  CUDA f64
//   exp          1        1     |    2         1
//   expm1        0        1     |    1         1
//   log          1        1     |    1         1
//   log2         0        1     |    1         1
//   log10        0        1     |    2         1
//   log1p        0        1     |    1         1
//   sin          0        1     |    2         2
//   cos          0        1     |    2         2
//   tan          0        2     |    4         2
//   arcsin       0        1     |    2         2
//   arccos       0        1     |    2         2
//   arctan       0        1     |    2         2
//   sinh         0        2     |    3         2
//   cosh         0        1     |    2         1
//   tanh         1        1     |    2         1
//   arcsinh      0        1     |    3         3
//   arccosh      0        2     |    4         3
//   arctanh      0        1     |    3         2
//   erf          1        1     |    2         2
//   sigmoid      0        2     |  (1 / (1 + exp(-x)) with CUDA's exp)
//   softsign     0        1     |  (x / (1 + |x|))
//   rsqrt        0        1     |  (1 / sqrt(x): 1 and 1 ulp)
//   cbrt         0        1     |    1         1
//   power        0        1     |    4         2
//   hypot        0        1     |    3         2
//   gamma        0     libm     |    5        10
//     (float64 gamma: std::tgamma, libm, not vectorized, not measured here)
#include "math/erf_gamma.hpp"
#include "math/exp_log.hpp"
#include "math/hyperbolic.hpp"
#include "math/pow_root.hpp"
#include "math/trig.hpp"
