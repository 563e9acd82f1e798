#!/usr/bin/python3
"""Writes tests/symbol/tensor_ops_literals.hpp: forward cases of MXNet 1.9's broadcasting and
reduction ops (op name, MXNet attribute strings, inputs, expected output) computed by NumPy.

Run from the repository root:  /usr/bin/python3 tests/symbol/tensor_ops_numpy.py

Deterministic: inputs are small integers and multiples of 1/8 (or 1/2 for products) drawn from
seeded numpy RandomStates, so that float64 results are exact wherever the op is exact.
Where NumPy and MXNet's legacy (non-numpy) semantics differ, this script follows MXNet:
  * a reduction to zero dimensions has shape (1,), not ();
  * `norm` is entry-wise over the reduced axes (sqrt of the sum of squares, or the sum of
    absolute values), not numpy.linalg's matrix norm;
  * argmax/argmin return the index as a value of the input's dtype; axis None flattens.
Each case lists the other dtypes (besides float64) it is valid in: float32 when every input is
exact in float32; an integer dtype when every input, output and running sum/product is an
integer in range and the op is not transcendental or NaN-aware.
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "tensor_ops_literals.hpp")

INT_RANGES = {"int8": (-128, 127), "uint8": (0, 255), "int32": (-2**31, 2**31 - 1), "int64": (-2**62, 2**62)}
# Ops whose float64 results are not exact (one or more roundings that an implementation may
# order differently): compared with a relative tolerance.
RTOL = {"broadcast_power": 1e-12, "broadcast_hypot": 1e-12, "mean": 1e-12, "norm": 1e-12}
NO_INT = {"broadcast_hypot", "norm", "nansum", "nanprod"}

cases = []


# ---- value generators -------------------------------------------------------------------------
def gen(kind, shape, rs):
    n = int(np.prod(shape))
    if kind == "int":          # -5..5
        v = rs.randint(-5, 6, n).astype(np.float64)
    elif kind == "nonneg":     # 0..9
        v = rs.randint(0, 10, n).astype(np.float64)
    elif kind == "small":      # -2..2: many ties, for comparisons and argmax
        v = rs.randint(-2, 3, n).astype(np.float64)
    elif kind == "frac":       # k/8 in [-3, 3]
        v = rs.randint(-24, 25, n) / 8.0
    elif kind == "nzfrac":     # k/8 in [-3, 3], k != 0
        k = rs.randint(1, 25, n) * rs.choice([-1, 1], n)
        v = k / 8.0
    elif kind == "posfrac":    # k/8 in (0, 3]
        v = rs.randint(1, 25, n) / 8.0
    elif kind == "nzint":      # +-1..4
        v = (rs.randint(1, 5, n) * rs.choice([-1, 1], n)).astype(np.float64)
    elif kind == "exp":        # 0..3: integer exponents
        v = rs.randint(0, 4, n).astype(np.float64)
    elif kind == "powbase":    # -3..3
        v = rs.randint(-3, 4, n).astype(np.float64)
    elif kind == "halves":     # products stay exact: +-1/2, +-1, +-3/2, +-2
        v = rs.choice([-2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0], n)
    elif kind == "prodint":    # products of these fit int32: +-1, +-2
        v = rs.choice([-2.0, -1.0, 1.0, 2.0], n)
    elif kind == "distinct":   # a permutation of k/8: no ties
        v = (rs.permutation(n) - n // 2) / 8.0
    else:
        raise ValueError(kind)
    return v.reshape(shape)


def legacy_shape(shape):
    return tuple(shape) if len(shape) > 0 else (1,)


def valid_dtypes(op, inputs, output):
    """The dtypes other than float64 that the case is valid in."""
    out = []
    values = [v for v in inputs] + [output]
    if all(np.all(np.isnan(v) | (v.astype(np.float32).astype(np.float64) == v)) for v in inputs):
        out.append("float32")
    if op in NO_INT or op == "broadcast_power" and np.any(inputs[1] < 0):
        return out
    if any(np.any(np.isnan(v)) for v in values):
        return out
    if not all(np.all(v == np.round(v)) for v in values):
        return out
    # Running sums and products of a reduction stay in range when these bounds do.
    bound = max(float(np.max(np.abs(v))) if v.size else 0.0 for v in values)
    if op in ("sum", "sum_axis", "mean"):
        bound = max(bound, float(np.sum(np.abs(inputs[0]))))
    elif op == "prod":
        bound = max(bound, float(np.prod(np.maximum(1.0, np.abs(inputs[0])))))
    lowest = min(float(np.min(v)) for v in values)
    for name in ("int32", "uint8", "int8", "int64"):
        lo, hi = INT_RANGES[name]
        if lowest >= lo and bound <= hi:
            out.append(name)
    return out


def add_case(op, attrs, inputs, output):
    output = np.asarray(output, dtype=np.float64)
    cases.append({
        "op": op,
        "attrs": attrs,
        "inputs": [np.asarray(x, dtype=np.float64) for x in inputs],
        "output": output.reshape(legacy_shape(output.shape)),
        "rtol": RTOL.get(op, 0.0),
        "dtypes": valid_dtypes(op, inputs, output),
    })


# ---- broadcast binary ops ---------------------------------------------------------------------
def mxnet_mod(a, b):
    # MXNet's mshadow_op::mod (sign of the divisor); b is never 0 here.
    return np.mod(a, b)


BINARY = {
    "broadcast_add": np.add,
    "broadcast_sub": np.subtract,
    "broadcast_mul": np.multiply,
    "broadcast_div": np.true_divide,
    "broadcast_mod": mxnet_mod,
    "broadcast_power": np.power,
    "broadcast_maximum": np.maximum,
    "broadcast_minimum": np.minimum,
    "broadcast_hypot": np.hypot,
    "broadcast_equal": lambda a, b: np.equal(a, b).astype(np.float64),
    "broadcast_not_equal": lambda a, b: np.not_equal(a, b).astype(np.float64),
    "broadcast_greater": lambda a, b: np.greater(a, b).astype(np.float64),
    "broadcast_greater_equal": lambda a, b: np.greater_equal(a, b).astype(np.float64),
    "broadcast_lesser": lambda a, b: np.less(a, b).astype(np.float64),
    "broadcast_lesser_equal": lambda a, b: np.less_equal(a, b).astype(np.float64),
    "broadcast_logical_and": lambda a, b: np.logical_and(a, b).astype(np.float64),
    "broadcast_logical_or": lambda a, b: np.logical_or(a, b).astype(np.float64),
    "broadcast_logical_xor": lambda a, b: np.logical_xor(a, b).astype(np.float64),
}
ALIASES = {"broadcast_plus": "broadcast_add", "broadcast_minus": "broadcast_sub"}

PAIRS = [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1, 4), (3, 1)), ((1,), (2, 2)), ((4, 1), (1, 5)),
         ((2, 3, 1, 2), (3, 4, 1))]
DEFAULT_KINDS = [("nonneg", "nonneg"), ("int", "int"), ("frac", "frac"), ("small", "small"),
                 ("frac", "int"), ("nonneg", "nonneg")]
KINDS = {
    "broadcast_div": [("nonneg", "nzint"), ("int", "nzint"), ("frac", "nzfrac"), ("small", "nzint"),
                      ("frac", "nzfrac"), ("int", "nzint")],
    "broadcast_mod": [("nonneg", "nzint"), ("int", "nzint"), ("frac", "nzfrac"), ("int", "nzint"),
                      ("frac", "nzfrac"), ("nonneg", "nzint")],
    "broadcast_power": [("nonneg", "exp"), ("powbase", "exp"), ("posfrac", "frac"), ("powbase", "exp"),
                        ("posfrac", "frac"), ("posfrac", "exp")],
}
COMPARISONS = {"broadcast_logical_and", "broadcast_logical_or", "broadcast_logical_xor",
               "broadcast_equal", "broadcast_not_equal", "broadcast_greater", "broadcast_greater_equal",
               "broadcast_lesser", "broadcast_lesser_equal"}

for index, (op, f) in enumerate(BINARY.items()):
    rs = np.random.RandomState(1000 + index)
    kinds = KINDS.get(op, DEFAULT_KINDS)
    if op in COMPARISONS:  # ties matter most here
        kinds = [("nonneg", "nonneg"), ("small", "small"), ("frac", "frac"), ("small", "small"),
                 ("small", "int"), ("nonneg", "small")]
    for (ls, rsh), (lk, rk) in zip(PAIRS, kinds):
        a, b = gen(lk, ls, rs), gen(rk, rsh, rs)
        if op == "broadcast_div" and (lk, rk) == ("int", "nzint"):
            a = a * 12  # divisible by every +-1..4: exact in the integer dtypes too
        add_case(op, [], [a, b], f(a, b))
    if op in COMPARISONS:  # an equal pair of arrays: every comparison ties
        a = gen("small", (2, 3), rs)
        add_case(op, [], [a, a.copy()], f(a, a))

for index, (alias, op) in enumerate(ALIASES.items()):
    rs = np.random.RandomState(1100 + index)
    a, b = gen("int", (2, 1, 4), rs), gen("nonneg", (3, 1), rs)
    add_case(alias, [], [a, b], BINARY[op](a, b))

# The divisor 0: MXNet's mod gives 0 there (numpy's nan); not listed, the C++ test checks it.

# ---- broadcast_to, broadcast_axis, broadcast_like ---------------------------------------------
rs = np.random.RandomState(1200)
for shape, target, result in [((1, 3), "(2, 3)", (2, 3)), ((2, 1, 4), "(2, 3, 4)", (2, 3, 4)),
                              ((2, 1, 4), "(0, 3, 0)", (2, 3, 4)), ((1,), "(4,)", (4,)),
                              ((1, 1), "(3, 2)", (3, 2)), ((3, 1, 1), "(0, 2, 0)", (3, 2, 1))]:
    x = gen("int", shape, rs)
    add_case("broadcast_to", [("shape", target)], [x], np.broadcast_to(x, result))

rs = np.random.RandomState(1300)
for op, shape, axis, size, result in [("broadcast_axis", (1, 3, 1), "(0, 2)", "(2, 4)", (2, 3, 4)),
                                      ("broadcast_axis", (2, 1), "1", "3", (2, 3)),
                                      ("broadcast_axis", (2, 1), "(1,)", "(5,)", (2, 5)),
                                      ("broadcast_axis", (1, 2, 1), "(2, 0)", "(3, 2)", (2, 2, 3)),
                                      ("broadcast_axes", (3, 1), "(1,)", "(2,)", (3, 2))]:
    x = gen("int", shape, rs)
    add_case(op, [("axis", axis), ("size", size)], [x], np.broadcast_to(x, result))

rs = np.random.RandomState(1400)
for lshape, rshape, attrs, result in [((1, 3), (2, 3), [], (2, 3)),
                                      ((2, 1, 1), (2, 3, 4), [], (2, 3, 4)),
                                      ((2, 1), (3, 4), [("lhs_axes", "(1,)"), ("rhs_axes", "(1,)")], (2, 4)),
                                      ((1, 3, 1), (5, 2), [("lhs_axes", "(0, 2)"), ("rhs_axes", "(1, 0)")],
                                       (2, 3, 5)),
                                      ((3, 1), (4, 2), [("lhs_axes", "(-1,)"), ("rhs_axes", "(0,)")], (3, 4))]:
    x, like = gen("int", lshape, rs), gen("int", rshape, rs)
    add_case("broadcast_like", attrs, [x, like], np.broadcast_to(x, result))


# ---- reductions -------------------------------------------------------------------------------
def parse_axes(attrs, ndim):
    """MXNet's axes from the attributes: None for all axes; exclude applied."""
    a = dict(attrs)
    text = a.get("axis", "None")
    if text in ("None", "()"):
        axes = None
    else:
        t = eval(text)  # "(0, 2)", "(1,)" or "1"
        axes = tuple(x % ndim for x in (t if isinstance(t, tuple) else (t,)))
    if a.get("exclude", "False") == "True" and axes is not None:
        axes = tuple(i for i in range(ndim) if i not in axes)
    return axes, a.get("keepdims", "False") == "True"


REDUCE = {
    "sum": np.sum, "mean": np.mean, "prod": np.prod, "max": np.max, "min": np.min,
    "nansum": np.nansum, "nanprod": np.nanprod,
}
REDUCE_ALIASES = {"sum_axis": "sum", "max_axis": "max", "min_axis": "min"}
REDUCE_ATTRS = [
    ((2, 3, 4), []),
    ((2, 3, 4), [("axis", "1")]),
    ((2, 3, 4), [("axis", "-1"), ("keepdims", "True")]),
    ((2, 3, 4), [("axis", "(0, 2)")]),
    ((2, 3, 4), [("axis", "(0, 2)"), ("exclude", "True")]),
    ((2, 3, 4), [("axis", "1"), ("keepdims", "True"), ("exclude", "True")]),
    ((3, 4), [("axis", "()")]),
    ((3, 4), [("axis", "None"), ("keepdims", "True")]),
    ((3, 4), [("axis", "(0, 1)")]),
    ((3, 4), [("axis", "(-2,)"), ("keepdims", "False")]),
    ((5,), [("axis", "0")]),
]
VALUE_KIND = {"sum": ["nonneg", "int", "frac"], "mean": ["nonneg", "int", "frac"], "prod": ["prodint", "halves"],
              "max": ["nonneg", "int", "frac"], "min": ["nonneg", "int", "frac"], "nansum": ["frac"],
              "nanprod": ["halves"]}


def reduce_case(op, f, shape, attrs, x):
    axes, keepdims = parse_axes(attrs, len(shape))
    add_case(op, attrs, [x], f(x, axis=axes, keepdims=keepdims))


for index, (op, f) in enumerate(REDUCE.items()):
    rs = np.random.RandomState(2000 + index)
    for j, (shape, attrs) in enumerate(REDUCE_ATTRS):
        x = gen(VALUE_KIND[op][j % len(VALUE_KIND[op])], shape, rs)
        if op.startswith("nan"):
            x = x.copy()
            x.flat[rs.choice(x.size, max(1, x.size // 4), replace=False)] = np.nan
        reduce_case(op, f, shape, attrs, x)
    if op.startswith("nan"):  # a slice of NaN only: nansum gives 0, nanprod 1
        x = gen(VALUE_KIND[op][0], (3, 4), rs)
        x[1, :] = np.nan
        x[2, 0] = np.nan
        reduce_case(op, f, (3, 4), [("axis", "1")], x)

for index, (alias, op) in enumerate(REDUCE_ALIASES.items()):
    rs = np.random.RandomState(2100 + index)
    x = gen("int", (2, 3, 4), rs)
    reduce_case(alias, REDUCE[op], (2, 3, 4), [("axis", "(1, 2)"), ("keepdims", "True")], x)


def norm(x, attrs):
    a = dict(attrs)
    axes, keepdims = parse_axes(attrs, x.ndim)
    if a.get("ord", "2") == "1":
        return np.sum(np.abs(x), axis=axes, keepdims=keepdims)
    return np.sqrt(np.sum(x * x, axis=axes, keepdims=keepdims))


rs = np.random.RandomState(2200)
for shape, attrs in [((2, 3, 4), []), ((2, 3, 4), [("ord", "1")]), ((2, 3, 4), [("axis", "1")]),
                     ((2, 3, 4), [("ord", "2"), ("axis", "(0, 2)")]),
                     ((2, 3, 4), [("ord", "1"), ("axis", "-1"), ("keepdims", "True")]),
                     ((3, 4), [("ord", "1"), ("axis", "0")]), ((3, 4), [("axis", "(0, 1)"), ("keepdims", "True")]),
                     ((5,), [("ord", "2")]), ((3, 4), [("axis", "()")])]:
    x = gen("nzfrac", shape, rs)
    add_case("norm", attrs, [x], norm(x, attrs))


# ---- argmax, argmin ---------------------------------------------------------------------------
def search(f, x, attrs):
    a = dict(attrs)
    keepdims = a.get("keepdims", "False") == "True"
    axis = a.get("axis", "None")
    if axis == "None":
        r = np.array(f(x.ravel()), dtype=np.float64)
        return r.reshape((1,) * x.ndim if keepdims else (1,))
    axis = int(axis)
    r = f(x, axis=axis).astype(np.float64)
    return np.expand_dims(r, axis) if keepdims else r


SEARCH_ATTRS = [((2, 3, 4), [("axis", "0")]), ((2, 3, 4), [("axis", "1")]), ((2, 3, 4), [("axis", "-1")]),
                ((2, 3, 4), [("axis", "1"), ("keepdims", "True")]), ((2, 3, 4), []),
                ((2, 3, 4), [("axis", "None"), ("keepdims", "True")]), ((3, 4), [("axis", "1")]),
                ((3, 4), [("axis", "0"), ("keepdims", "False")]), ((5,), [("axis", "0")])]
for index, (op, f) in enumerate({"argmax": np.argmax, "argmin": np.argmin}.items()):
    rs = np.random.RandomState(2300 + index)
    for j, (shape, attrs) in enumerate(SEARCH_ATTRS):
        x = gen("small" if j % 2 else "nonneg", shape, rs)  # small integers: ties, the first index wins
        add_case(op, attrs, [x], search(f, x, attrs))


# ---- the header -------------------------------------------------------------------------------
def number(v):
    v = float(v)
    if np.isnan(v):
        return "nan"
    r = repr(v)
    assert float(r) == v
    return r


def tensor(x):
    dims = ", ".join(str(d) for d in x.shape)
    values = ", ".join(number(v) for v in x.ravel())
    return "{{%s}, {%s}}" % (dims, values)


def case_text(c):
    attrs = ", ".join('{"%s", "%s"}' % kv for kv in c["attrs"])
    inputs = ", ".join(tensor(x) for x in c["inputs"])
    dtypes = ", ".join('"%s"' % d for d in c["dtypes"])
    return ('    {"%s", {%s},\n     {%s},\n     %s, %s, {%s}},'
            % (c["op"], attrs, inputs, tensor(c["output"]), number(c["rtol"]), dtypes))


HEADER = """\
// GENERATED by tests/symbol/tensor_ops_numpy.py; do not edit. Regenerate from the repository root:
//   /usr/bin/python3 tests/symbol/tensor_ops_numpy.py
// Forward cases of MXNet 1.9's broadcasting and reduction ops, computed by NumPy in float64
// (MXNet's legacy rules where NumPy's differ; the script's docstring lists them).
#pragma once
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace xsym_test::tensor_ops_literal {

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

struct tensor {
  std::vector<std::int64_t> shape;
  std::vector<double> values;  // row-major
};

struct op_case {
  const char* op;
  std::vector<std::pair<const char*, const char*>> attrs;  // as MXNet writes them
  std::vector<tensor> inputs;  // (lhs, rhs) for two-input ops, else (data)
  tensor output;
  double rtol;  // 0: exact in float64
  std::vector<const char*> dtypes;  // other dtypes (besides float64) the case is exact or valid in
};

// %d cases.
inline const std::vector<op_case> cases{
"""


def main():
    with open(OUT, "w") as f:
        f.write(HEADER % len(cases))
        for c in cases:
            f.write(case_text(c) + "\n")
        f.write("};\n\n}  // namespace xsym_test::tensor_ops_literal\n")
    print("wrote %d cases to %s" % (len(cases), OUT))


if __name__ == "__main__":
    main()
