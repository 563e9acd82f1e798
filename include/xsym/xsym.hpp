#pragma once
// xsym: MXNet's Symbol API as compile-time graphs. Include this one header.
#include "core/context.hpp"
#include "core/dtype.hpp"
#include "core/error.hpp"
#include "core/shape.hpp"
#include "expr/graph.hpp"
#include "expr/introspection.hpp"
#include "expr/operators.hpp"
#include "ndarray/ndarray.hpp"
#include "ndarray/print.hpp"
#include "exec/bind.hpp"
