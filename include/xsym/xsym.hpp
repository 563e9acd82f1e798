#pragma once
// xsym: MXNet's Symbol API as compile-time graphs. Include this one header.
#include "core/context.hpp"
#include "core/dtype.hpp"
#include "core/error.hpp"
#include "core/shape.hpp"
#include "expr/graph.hpp"
#include "expr/introspection.hpp"
#include "expr/layers.hpp"
#include "expr/operators.hpp"
#include "expr/tensor_functions.hpp"
#include "ndarray/ndarray.hpp"
#include "ndarray/params_file.hpp"
#include "ndarray/print.hpp"
#include "plan/static_plan.hpp"
#include "exec/bind.hpp"
#include "exec/bind_grad.hpp"
#include "symbol/bind_network.hpp"
#include "symbol/from_static.hpp"
#include "symbol/network_symbols.hpp"
#include "symbol/operators.hpp"
#include "symbol/symbol.hpp"
#include "train/csv_iter.hpp"
#include "train/data_iter.hpp"
#include "train/init.hpp"
#include "train/metric.hpp"
#include "train/mnist.hpp"
#include "train/module.hpp"
#include "train/optim.hpp"
#include "viz/plot_network.hpp"
#include "viz/render.hpp"
#include "expr/print.hpp"

// The fused kernel of static graphs bound to a GPU, in the units where bind uses it
// (exec/bind.hpp, XSYM_FUSED_CUDA): plugged in from above the layers, here.
#if XSYM_FUSED_CUDA
#include <xsym/cuda/static_kernel.cuh>
#endif
