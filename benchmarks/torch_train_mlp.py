#!/usr/bin/python3
"""PyTorch eager peer of benchmarks/train_mlp.cpp (issue 17): the same network (784-128-64-10,
relu, softmax cross-entropy averaged over the batch, which is MXNet's SoftmaxOutput gradient with
rescale_grad = 1/batch), the same data split (the raw float32 files train_mlp writes with --out),
Xavier-uniform weights (MXNet's default Xavier: magnitude 3, factor avg), zero biases, SGD with
learning rate 0.1, momentum 0.9 and weight decay 4e-4 on the weights only (MXNet's wd_mult is 0
for biases), batches of 100, a fresh shuffle every epoch.

PyTorch is a benchmark peer only (Debian python3-torch, never installed by setup or CI); see
scripts/bench-train, which runs it with the malloc tunables of TOOLCHAIN.md.
    /usr/bin/python3 benchmarks/torch_train_mlp.py DIR [--epochs 10] [--threads 2]
Prints the same columns as train_mlp: epoch seconds samples_per_s train_accuracy test_accuracy.
"""
import argparse
import time

import numpy as np
import torch


def load(path, rows, cols):
    a = np.fromfile(path, dtype=np.float32)
    return torch.from_numpy(a.reshape(rows, cols) if cols else a)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x = load(f"{a.data}/train_images.f32", 8000, 784)
    y = load(f"{a.data}/train_labels.f32", 8000, 0).long()
    tx = load(f"{a.data}/test_images.f32", 2000, 784)
    ty = load(f"{a.data}/test_labels.f32", 2000, 0).long()

    net = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64),
                              torch.nn.ReLU(), torch.nn.Linear(64, 10))
    weights, biases = [], []
    for m in net:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight)  # U(-sqrt(6 / (in + out)), +...) = MXNet's Xavier()
            torch.nn.init.zeros_(m.bias)
            weights.append(m.weight)
            biases.append(m.bias)
    opt = torch.optim.SGD([{"params": weights, "weight_decay": 4e-4}, {"params": biases, "weight_decay": 0.0}],
                          lr=0.1, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()
    print("epoch seconds samples_per_s train_accuracy test_accuracy")
    for epoch in range(a.epochs):
        t0 = time.perf_counter()
        order = torch.randperm(8000)
        correct = 0
        for b in range(0, 8000, 100):
            idx = order[b:b + 100]
            out = net(x[idx])
            loss = loss_fn(out, y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            correct += int((out.argmax(1) == y[idx]).sum())
        seconds = time.perf_counter() - t0
        with torch.no_grad():
            test_acc = float((net(tx).argmax(1) == ty).float().mean())
        print(f"{epoch} {seconds:.4f} {8000 / seconds:.0f} {correct / 8000:.4f} {test_acc:.4f}", flush=True)


if __name__ == "__main__":
    main()
