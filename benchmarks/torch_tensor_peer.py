#!/usr/bin/python3
"""PyTorch eager on the CPU for the workloads of tensor_suite.cpp (issue 16), float32:
R1 `torch.exp(x - 1).sum(dim=1)` on (4096, 4096); F1 `relu(Linear(784, 128))` forward (no_grad)
and forward + backward (gradients of the input, weight and bias), batch 100 and 1024.

PyTorch is a benchmark peer only: never installed by scripts/setup or CI (Debian: apt-get install
python3-torch). Run it as the suite's numbers were taken:
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=4294967296:glibc.malloc.trim_threshold=68719476736 \\
        /usr/bin/python3 benchmarks/torch_tensor_peer.py --threads 1,2
Prints a Markdown table: workload, path, threads, median ms over --repeat runs after one warm-up.
"""
import argparse
import statistics
import time

import torch


def median_ms(repeat, f):
    f()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    torch.manual_seed(0)
    x = torch.rand(4096, 4096) * 4 - 2
    print(f"| workload | path | threads | ms (median of {args.repeat}) |")
    print("| --- | --- | --- | --- |")
    for threads in [int(t) for t in args.threads.split(",")]:
        torch.set_num_threads(threads)
        with torch.no_grad():
            t = median_ms(args.repeat, lambda: torch.exp(x - 1).sum(dim=1))
        print(f"| R1 sum(exp(x-1), axis=1) | torch eager | {threads} | {t:.3f} |")
        for batch in (100, 1024):
            layer = torch.nn.Linear(784, 128)
            data = torch.rand(batch, 784, requires_grad=True)
            head = torch.rand(batch, 128)
            with torch.no_grad():
                t_fwd = median_ms(args.repeat, lambda: torch.relu(layer(data)))

            def train():
                data.grad = None
                layer.zero_grad(set_to_none=True)
                torch.relu(layer(data)).backward(head)

            t_train = median_ms(args.repeat, train)
            name = f"F1 FC 784->128+bias+relu, batch {batch}"
            print(f"| {name} | torch forward | {threads} | {t_fwd:.3f} |")
            print(f"| {name} | torch fwd+bwd | {threads} | {t_train:.3f} |")


if __name__ == "__main__":
    main()
