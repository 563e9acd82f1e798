#!/usr/bin/python3
"""Writes the table and plot of scripts/bench-train: train_report.py DATA_DIR OUT_PREFIX THREADS,
with DATA_DIR/xsym.txt and DATA_DIR/torch.txt the outputs of train_mlp and torch_train_mlp.py;
writes OUT_PREFIX.md and OUT_PREFIX.png (test accuracy by epoch)."""
import platform, statistics, subprocess, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
data, out, threads = sys.argv[1], sys.argv[2], sys.argv[3]
def read(name):
    rows = [l.split() for l in open(f"{data}/{name}.txt") if l[0].isdigit()]
    return [(int(r[0]), float(r[1]), float(r[2]), float(r[3]), float(r[4])) for r in rows]
x, t = read("xsym"), read("torch")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
tv = subprocess.run(["/usr/bin/python3", "-c", "import torch; print(torch.__version__)"], capture_output=True, text=True).stdout.strip()
med = lambda rows: statistics.median(r[1] for r in rows[1:] or rows)
with open(out + ".md", "w") as f:
    f.write(f"# Training benchmark: test_mlp on MNIST ({len(x)} epochs, {threads} threads)\n\n")
    f.write(f"Machine: {cpu}, {platform.machine()}; PyTorch {tv}. `scripts/bench-train`.\n\n")
    f.write("| epoch | xsym s | xsym samples/s | xsym test acc | PyTorch s | PyTorch samples/s | PyTorch test acc |\n")
    f.write("| --- | --- | --- | --- | --- | --- | --- |\n")
    for a, b in zip(x, t):
        f.write(f"| {a[0]} | {a[1]:.3f} | {a[2]:.0f} | {a[4]:.4f} | {b[1]:.3f} | {b[2]:.0f} | {b[4]:.4f} |\n")
    f.write(f"\nMedian epoch (first epoch left out): xsym {med(x)*1000:.0f} ms, PyTorch {med(t)*1000:.0f} ms: "
            f"xsym/PyTorch time = {med(x)/med(t):.2f}x (goal <= 0.5x).\n")
    f.write(f"Final test accuracy: xsym {x[-1][4]:.4f}, PyTorch {t[-1][4]:.4f} (goal: xsym >= PyTorch - 0.005).\n")
plt.plot([r[0] for r in x], [r[4] for r in x], "o-", label="xsym module")
plt.plot([r[0] for r in t], [r[4] for r in t], "s-", label="PyTorch eager")
plt.xlabel("epoch"); plt.ylabel("test accuracy (2,000 digits)"); plt.legend(); plt.grid(alpha=0.3)
plt.title(f"test_mlp on MNIST, {threads} threads")
plt.savefig(out + ".png", dpi=100)
print(open(out + ".md").read())
