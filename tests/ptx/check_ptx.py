#!/usr/bin/env python3
"""Checks the fused W1 kernel in the PTX that nvcc wrote for tests/ptx/w1_kernel.cu, without a GPU
(issue 6, items 5b and 5c):

- at most two fused kernel entries (.entry) per element type of the graph (the vector kernel
  and the scalar kernel for misaligned views);
- the float32 vector kernel reads and writes with 128-bit accesses: ld.global(.nc).v4.f32 and
  st.global.v4.f32, and no scalar float loads or stores outside its head and tail;
- ptxas (-v) assembles every fused kernel without register spills; prints their register counts.

usage: check_ptx.py PTX_FILE PTXAS [ARCH] [INPUTS OUTPUTS]
INPUTS and OUTPUTS (default 4 and 1, W1's) set how many 128-bit loads (2 per input) and stores
(2 per output) the float32 vector kernel must have at least: W1's forward+backward kernel reads
5 arrays and writes 5.
"""
import collections
import re
import subprocess
import sys


def entries(ptx):
    """{mangled kernel name: body} for every .entry of the PTX file."""
    found = {}
    for m in re.finditer(r"\.entry\s+(\S+)\s*\(", ptx):
        start = m.start()
        nxt = ptx.find(".entry", m.end())
        found[m.group(1)] = ptx[start : nxt if nxt >= 0 else len(ptx)]
    return found


# fused_kernel<V, U, lowered::fused_stage<type_list<Args...>, type_list<Nodes...>, type_list<head<Out, node>...>>>:
# mangled as ...fused_kernelILjVELjUEJNS_7lowered11fused_stageI... with the first output's type after 4headI.
FUSED = re.compile(r"fused_kernelILj(\d+)ELj(\d+)EJNS_7lowered11fused_stageI.*?4headI([a-z])")
TYPE = {"f": "float32", "d": "float64", "i": "int32", "l": "int64"}


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    ptx_path, ptxas = sys.argv[1], sys.argv[2]
    arch = sys.argv[3] if len(sys.argv) > 3 else "sm_90"
    inputs = int(sys.argv[4]) if len(sys.argv) > 4 else 4
    outputs = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    ptx = open(ptx_path).read()
    failures = []

    kernels = collections.defaultdict(list)  # dtype -> [(V, U, name, body)]
    for name, body in entries(ptx).items():
        m = FUSED.search(name)
        if m:
            kernels[TYPE.get(m.group(3), m.group(3))].append((int(m.group(1)), int(m.group(2)), name, body))
    print("fused kernel entries per output dtype:", {t: len(k) for t, k in sorted(kernels.items())})
    if set(kernels) != {"float32", "float64", "int32", "int64"}:
        failures.append("expected fused kernels for float32, float64, int32 and int64, found %s" % sorted(kernels))
    for t, ks in kernels.items():
        if len(ks) > 2:
            failures.append("%d fused kernel entries for %s (at most 2 allowed)" % (len(ks), t))

    vector_f32 = [k for k in kernels.get("float32", []) if k[0] == 4]
    if len(vector_f32) != 1:
        failures.append("no float32 vector kernel (V = 4) found")
    else:
        body = vector_f32[0][3]
        loads = len(re.findall(r"ld\.global(?:\.nc)?\.v4\.f32", body))
        stores = len(re.findall(r"st\.global\.v4\.f32", body))
        print("float32 vector kernel: %d ld.global.v4.f32, %d st.global.v4.f32" % (loads, stores))
        # Every input x 2 vectors per thread in the hot loop (and more in the partial tile); every
        # output x 2 vectors.
        if loads < 2 * inputs:
            failures.append("the float32 vector kernel has %d 128-bit loads (expected >= %d)" % (loads, 2 * inputs))
        if stores < 2 * outputs:
            failures.append("the float32 vector kernel has %d 128-bit stores (expected >= %d)" % (stores, 2 * outputs))

    # ptxas: registers and spills of every fused kernel.
    result = subprocess.run([ptxas, "-v", "-arch=" + arch, ptx_path, "-o", "/dev/null"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        failures.append("ptxas failed: " + result.stderr[-2000:])
    report = result.stderr
    current = None
    seen = 0
    for line in report.splitlines():
        m = re.search(r"Compiling entry function '([^']+)'", line)
        if m:
            current = m.group(1) if FUSED.search(m.group(1)) else None
            continue
        if current is None:
            continue
        spill = re.search(r"(\d+) bytes spill stores, (\d+) bytes spill loads", line)
        if spill and (int(spill.group(1)) or int(spill.group(2))):
            failures.append("register spills in %s: %s" % (current, line.strip()))
        regs = re.search(r"Used (\d+) registers", line)
        if regs:
            f = FUSED.search(current)
            print("ptxas: %s kernel V=%s U=%s uses %s registers" % (TYPE.get(f.group(3)), f.group(1), f.group(2), regs.group(1)))
            seen += 1
    if seen != sum(len(k) for k in kernels.values()):
        failures.append("ptxas reported %d fused kernels, the PTX has %d" % (seen, sum(len(k) for k in kernels.values())))

    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
