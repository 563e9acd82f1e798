#pragma once
// xsym's static graphs alone: build them with the operators and math functions, introspect them
// at compile time, print them, take their gradients, and bind and run them on the CPU (and on a
// GPU, as exec/bind.hpp says). Header-only: it needs the `xsym::xsym` target and nothing else.
// For the runtime Symbol, tensor ops and layers, the Module API and rendering, include
// <xsym/xsym.hpp>, which includes this header; a unit that includes only this one compiles
// faster (benchmarks/compile_cost).
#include "core/context.hpp"
#include "core/dtype.hpp"
#include "core/error.hpp"
#include "core/shape.hpp"
#include "expr/graph.hpp"
#include "expr/introspection.hpp"
#include "expr/operators.hpp"
#include "expr/print.hpp"
#include "ndarray/ndarray.hpp"
#include "plan/static_plan.hpp"
#include "exec/bind.hpp"
#include "exec/bind_grad.hpp"

// The fused kernel of static graphs bound to a GPU, in the units where bind uses it
// (exec/bind.hpp, XSYM_FUSED_CUDA): plugged in from above the layers, here.
#if XSYM_FUSED_CUDA
#include <xsym/cuda/static_kernel.cuh>
#endif
