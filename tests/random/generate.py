#!/usr/bin/env python3
"""Writes random expression graphs as a C++ test source for tests/random/check_graph.hpp.

Each graph is a generic builder over 1 to 4 variables: a random sequence of 2 to 12 ops drawn
from the whole operator table, read from include/xsym/ops/table.hpp (every unary op, every
binary op as operator or function, scalar forms with the scalar on either side, unary minus,
clip, smooth_l1, casts), where operands are picked from the variables and the earlier results,
so subexpressions get shared. Every value no op reads is an output (a group). Every element type
is drawn; casts switch a branch to another type, and binary ops only join values of one type.
A quarter of the graphs in float32, float64, int32 and int64 use untyped variables (the dtype
comes from the bound arrays). The output is deterministic in (seed, file index).

Usage: generate.py --seed S --file K --graphs N --out path.cpp
"""
import argparse
import os
import random
import re
import sys

# The operator table, read from include/xsym/ops/table.hpp: every unary op (name -> exact for
# floats too) and every binary spelling (C++ spelling, is an operator, exact for floats). "Exact"
# is the descriptor's exactness rounded_once (ops/kinds.hpp): the same bits whether computed in
# the element type or in double and rounded back, as the reference computes.
TABLE_HPP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "include", "xsym", "ops",
                         "table.hpp")


def read_table(path=TABLE_HPP):
    with open(path) as f:
        text = f.read()
    unary = {name: exactness == "rounded_once"
             for name, exactness in re.findall(r"^\s*X\((\w+), (?:exact|via_double), (?:cheap|math), (\w+),", text, re.M)}
    unary["identity"] = True
    binary_exact = {name: exactness in (None, "", "rounded_once")
                    for name, exactness in re.findall(
                        r"^struct (\w+) : binary<\w+, \w+(?:, op_cost::\w+)?(?:, exactness::(\w+))?>", text, re.M)}
    spellings = re.search(r"#define XSYM_BINARY_OPERATORS\(X\)(.*?)\n\n", text, re.S).group(1)
    binary = []
    for function, tag in re.findall(r"X\(([^,]+), (\w+)\)", spellings):
        is_operator = function.startswith("operator")
        binary.append((function[len("operator"):] if is_operator else function, is_operator, binary_exact[tag]))
    if len(unary) < 40 or len(binary) < 16:
        sys.exit(f"generate.py: could not read the operator table from {path}")
    return unary, binary


UNARY, BINARY = read_table()
# Ops whose result jumps: a 1-ulp change of an inexact input may change it completely.
DISCONTINUOUS = {"sign", "round", "rint", "ceil", "floor", "trunc", "fix", "logical_not",
                 "%", "==", "!=", ">", ">=", "<", "<="}

TYPES = {"float32": "float", "float64": "double", "uint8": "std::uint8_t", "int8": "std::int8_t",
         "int32": "std::int32_t", "int64": "std::int64_t"}
UNTYPED_OK = {"float32", "float64", "int32", "int64"}
FLOATS = {"float32", "float64"}


class Value:
    def __init__(self, expr, dtype, uncertain, is_variable=False):
        self.expr, self.dtype, self.uncertain, self.is_variable = expr, dtype, uncertain, is_variable
        self.dtype_class = None  # for untyped graphs: the variable whose dtype this value has


class DtypeClasses:
    """The static graph's dtype classes (expr/graph_info.hpp): values joined by an op share one;
    a cast's output has a fixed type, and a class joined with a fixed type is fixed too."""

    def __init__(self):
        self.parent = {}

    def find(self, c):
        while self.parent.get(c, c) != c:
            c = self.parent[c]
        return c

    def join(self, a, b):
        if a is None or b is None:  # joined with a fixed type: fixed
            for c in (a, b):
                if c is not None:
                    self.parent[self.find(c)] = "fixed"
            return "fixed" if (a, b) != (None, None) else None
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
        return ra

    def free_classes(self, variables):
        return len({self.find(v) for v in variables} - {"fixed"})


def scalar_literal(rng, dtype):
    if dtype in FLOATS:
        return rng.choice(["2", "3", "-1", "0.5", "1.5", "-2.5", "0.25f", "4.0f"])
    return rng.choice(["2", "3", "-1", "7", "0", "-4"])


def graph(rng, index, file_index):
    dtype = rng.choice(list(TYPES))
    untyped = dtype in UNTYPED_OK and rng.random() < 0.25
    nvars = rng.randint(1, 4)
    names = "ABCD"[:nvars]
    pool = [Value(n, dtype, False, True) for n in names]
    classes = DtypeClasses()
    for v in pool:
        v.dtype_class = v.expr
    unused = list(pool)
    lines, facts_discontinuous = [], False
    nops = rng.randint(2, 12)

    def pick(dtype_wanted=None):
        # Unused variables first, then recent values more often than old ones (depth).
        candidates = [v for v in unused if dtype_wanted in (None, v.dtype)]
        if candidates:
            v = candidates[0]
        else:
            candidates = [v for v in pool if dtype_wanted in (None, v.dtype)]
            if not candidates:
                return None
            weights = [1 + i for i in range(len(candidates))]
            v = rng.choices(candidates, weights)[0]
        if v in unused:
            unused.remove(v)
        return v

    made, consumed, via_float32 = [], set(), False
    for k in range(nops):
        a = pick()
        kind = rng.random()
        t = f"t{k}"
        if kind < 0.35:
            op = rng.choice(list(UNARY))
            expr = f"xsym::{op}({a.expr})"
            exact, dt = UNARY[op] or a.dtype not in FLOATS, a.dtype
            jumps = op in DISCONTINUOUS
            inputs = [a]
        elif kind < 0.65:
            spelling, is_operator, exact_op = rng.choice(BINARY)
            b = pick(a.dtype) or a
            expr = f"{a.expr} {spelling} {b.expr}" if is_operator else f"xsym::{spelling}({a.expr}, {b.expr})"
            exact, dt = exact_op or a.dtype not in FLOATS, a.dtype
            jumps = spelling in DISCONTINUOUS
            inputs = [a, b]
        elif kind < 0.85:
            spelling, is_operator, exact_op = rng.choice(BINARY)
            s = scalar_literal(rng, a.dtype)
            left = rng.random() < 0.5
            if is_operator:
                expr = f"{s} {spelling} {a.expr}" if left else f"{a.expr} {spelling} {s}"
            else:
                expr = f"xsym::{spelling}({s}, {a.expr})" if left else f"xsym::{spelling}({a.expr}, {s})"
            exact, dt = exact_op or a.dtype not in FLOATS, a.dtype
            jumps = spelling in DISCONTINUOUS
            inputs = [a]
        elif kind < 0.9:
            expr, exact, dt, jumps, inputs = f"-{a.expr}", True, a.dtype, False, [a]
        elif kind < 0.93:
            lo, hi = sorted(rng.sample([-2, -1, 0, 1, 2, 3], 2))
            expr, exact, dt, jumps, inputs = f"xsym::clip({a.expr}, {lo}, {hi})", True, a.dtype, False, [a]
        elif kind < 0.95:
            sigma = rng.choice(["1", "0.5", "2", "-1.5"])
            expr, dt, jumps, inputs = f"xsym::smooth_l1({a.expr}, {sigma})", a.dtype, False, [a]
            exact = a.dtype not in FLOATS
        else:
            dt = rng.choice(list(TYPES))
            expr = f"xsym::cast<{TYPES[dt]}>({a.expr})"
            exact, inputs = True, [a]
            jumps = dt not in FLOATS  # a float cut to an integer
        consumed.update(id(v) for v in inputs)
        uncertain = not exact or any(v.uncertain for v in inputs)
        via_float32 |= uncertain and dt == "float32"
        facts_discontinuous |= jumps and any(v.uncertain for v in inputs)
        lines.append(f"    auto {t} = {expr};")
        v = Value(t, dt, uncertain)
        v.dtype_class = None if expr.startswith("xsym::cast<") else inputs[0].dtype_class
        if len(inputs) == 2:
            v.dtype_class = classes.join(inputs[0].dtype_class, inputs[1].dtype_class)
        pool.append(v)
        made.append(v)
    # Variables nobody used yet join the last value through a scalar-free op of its type, so
    # every variable is an argument.
    for v in list(unused):
        last = made[-1]
        if last.dtype == v.dtype:
            expr, joined = f"{last.expr} + {v.expr}", classes.join(last.dtype_class, v.dtype_class)
        else:
            expr, joined = f"xsym::cast<{TYPES[last.dtype]}>({v.expr}) + {last.expr}", classes.join(last.dtype_class, None)
        t = f"t{len(made)}"
        lines.append(f"    auto {t} = {expr};")
        consumed.add(id(last))
        nv = Value(t, last.dtype, last.uncertain)
        nv.dtype_class = joined
        made.append(nv)
    # The outputs: every value no op reads (the last one first), so no op is dead code.
    outputs = [made[-1]] + [v for v in made[:-1] if id(v) not in consumed]
    exact = not any(v.uncertain for v in outputs)
    # xsym::bind compiles at most two untyped parts (static_assert); type the others' variables.
    if untyped and classes.free_classes(names) > 2:
        untyped = False
    element = TYPES[dtype]
    variables = ", ".join(
        f'xsym::variable<"{n}">()' if untyped else f'xsym::variable<"{n}", {element}>()' for n in names)
    out = [f'TEST_CASE("random graph {file_index}.{index} {dtype}{" untyped" if untyped else ""} {nops} ops", "[random]") {{',
           f"  auto build = [](auto {', auto '.join(names)}) {{",
           *lines,
           f"    return std::tuple{{{', '.join(v.expr for v in outputs)}}};",
           "  };",
           f'  xsym::testing::check_random_graph<{element}>("graph {file_index}.{index}", build,',
           f"      {{.exact = {str(exact).lower()}, .discontinuous = {str(facts_discontinuous).lower()}, "
           f".via_float32 = {str(via_float32).lower()}}}, "
           f"{rng.randrange(1 << 30)}u,",
           f"      {variables});",
           "}", ""]
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--file", type=int, default=0)
    p.add_argument("--graphs", type=int, default=64)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    rng = random.Random(args.seed * 1000003 + args.file)
    text = [f"// Generated by tests/random/generate.py --seed {args.seed} --file {args.file} "
            f"--graphs {args.graphs}: do not edit.",
            "#include <cstdint>", "#include <tuple>", "", '#include "check_graph.hpp"', ""]
    text += [graph(rng, i, args.file) for i in range(args.graphs)]
    with open(args.out, "w") as f:
        f.write("\n".join(text))


if __name__ == "__main__":
    main()
