#!/usr/bin/python3
"""PyTorch eager on the CPU for the compute-bound workloads of cpu_suite.cpp (W2b, W3), float32:
the benchmark peer of issue 14 (vectorized math). The same graphs and input values as the suite;
forward only, one op at a time as PyTorch eager runs it (each op allocates its output).

PyTorch is a benchmark peer only: never installed by scripts/setup or CI. Install it by hand for
measuring (Debian: apt-get install python3-torch) and run it as the suite's numbers were taken:
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=4294967296:glibc.malloc.trim_threshold=68719476736 \\
        /usr/bin/python3 benchmarks/torch_cpu_peer.py --threads 1,2
(without the tunables every fresh 64 MB tensor page-faults on these VMs; TOOLCHAIN.md). Debian's
torch is in /usr/bin/python3, not in a pyenv python3 that may come first on PATH.
Prints a Markdown table: workload, threads, median ms over --repeat runs after one warm-up.
"""
import argparse
import math
import statistics
import time

import torch


def unit(k, n):
    i = torch.arange(n, dtype=torch.int64)
    return ((i * (2 * k + 7919) + k * 104729 + 13) % 4096).to(torch.float32) / 4096.0


def w2b_inputs(n):
    i = torch.arange(n, dtype=torch.int64)
    return [((i % 1000) - 500).to(torch.float32) / 100.0]


def w2b(x):
    u1 = torch.tanh(x * 0.5)
    u2 = torch.exp(u1 - 0.25)
    u3 = torch.tanh(u2 * x)
    u4 = torch.exp(u3 * 0.75)
    u5 = torch.tanh(u4 - x)
    u6 = torch.exp(u5 * 0.5) + x
    return (u6 * 0.25 + 1.0) * x


R, V = 0.05, 0.2
C1 = R + 0.5 * V * V
INV_SQRT2 = 1.0 / math.sqrt(2.0)


def w3_inputs(n):
    return [50.0 + 100.0 * unit(0, n), 50.0 + 100.0 * unit(1, n), 0.1 + 1.9 * unit(2, n)]


def w3(s, k, t):
    vsq = torch.sqrt(t) * V
    d1 = (torch.log(s / k) + t * C1) / vsq
    d2 = d1 - vsq
    n1 = (torch.erf(d1 * INV_SQRT2) + 1.0) * 0.5
    n2 = (torch.erf(d2 * INV_SQRT2) + 1.0) * 0.5
    return s * n1 - k * torch.exp(t * -R) * n2


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=1 << 24)
    ap.add_argument('--threads', default='1,2')
    ap.add_argument('--repeat', type=int, default=7)
    args = ap.parse_args()
    print('| workload | threads | PyTorch %s eager, median ms (n = %d, float32) |' % (torch.__version__, args.n))
    print('|---|---|---|')
    for name, make, f in (('W2b', w2b_inputs, w2b), ('W3', w3_inputs, w3)):
        inputs = make(args.n)
        for t in (int(v) for v in args.threads.split(',')):
            torch.set_num_threads(t)
            with torch.no_grad():
                f(*inputs)  # warm-up
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    f(*inputs)
                    times.append(time.perf_counter() - start)
            print('| %s | %d | %.1f |' % (name, t, 1e3 * statistics.median(times)))


if __name__ == '__main__':
    main()
