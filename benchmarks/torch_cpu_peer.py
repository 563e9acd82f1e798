#!/usr/bin/python3
"""PyTorch eager on the CPU for the workloads of cpu_suite.cpp and backward_suite.cpp, float32:
the benchmark peer of issues 14 (vectorized math: W2b, W3 forward) and 15 (gradients: W1, W2b,
W3, forward then `y.backward(head)` with respect to every input, with --backward). The same
graphs and input values as the suites; one op at a time as PyTorch eager runs it (each op
allocates its output).

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


def w1_inputs(n):
    return [4.0 * unit(k, n) - 2.0 for k in range(4)]


def w1(a, b, c, d):
    return a * b + c * d


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
    ap.add_argument('--backward', action='store_true',
                    help='W1, W2b, W3: forward alone and forward + y.backward(head), w.r.t. every input')
    args = ap.parse_args()
    workloads = (('W2b', w2b_inputs, w2b), ('W3', w3_inputs, w3))
    if args.backward:
        workloads = (('W1', w1_inputs, w1),) + workloads
        print('| workload | threads | PyTorch %s eager forward, median ms | forward + backward, median ms '
              '(n = %d, float32) |' % (torch.__version__, args.n))
        print('|---|---|---|---|')
    else:
        print('| workload | threads | PyTorch %s eager, median ms (n = %d, float32) |' % (torch.__version__, args.n))
        print('|---|---|---|')

    def median_ms(f):
        f()  # warm-up
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            f()
            times.append(time.perf_counter() - start)
        return 1e3 * statistics.median(times)

    for name, make, f in workloads:
        inputs = make(args.n)
        for t in (int(v) for v in args.threads.split(',')):
            torch.set_num_threads(t)
            with torch.no_grad():
                forward = median_ms(lambda: f(*inputs))
            if not args.backward:
                print('| %s | %d | %.1f |' % (name, t, forward))
                continue
            leaves = [x.clone().requires_grad_(True) for x in inputs]
            head = 0.5 + unit(7, args.n)

            def forward_backward():
                for x in leaves:
                    x.grad = None
                f(*leaves).backward(head)
            print('| %s | %d | %.1f | %.1f |' % (name, t, forward, median_ms(forward_backward)))


if __name__ == '__main__':
    main()
