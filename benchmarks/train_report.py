#!/usr/bin/python3
"""Writes the table and plot of scripts/bench-train: train_report.py DATA_DIR OUT_PREFIX THREADS,
with DATA_DIR/xsym.txt, xsym_static.txt and torch.txt the outputs of train_mlp, train_mlp
--static and torch_train_mlp.py;
writes OUT_PREFIX.md and OUT_PREFIX.png (test accuracy by epoch)."""
import platform, statistics, subprocess, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
data, out, threads = sys.argv[1], sys.argv[2], sys.argv[3]
def read(name):
    rows = [l.split() for l in open(f"{data}/{name}.txt") if l[0].isdigit()]
    return [(int(r[0]), float(r[1]), float(r[2]), float(r[3]), float(r[4])) for r in rows]
x, s, t = read("xsym"), read("xsym_static"), read("torch")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
tv = subprocess.run(["/usr/bin/python3", "-c", "import torch; print(torch.__version__)"], capture_output=True, text=True).stdout.strip()
med = lambda rows: statistics.median(r[1] for r in rows[1:] or rows)
with open(out + ".md", "w") as f:
    f.write(f"# Training benchmark: test_mlp on MNIST ({len(x)} epochs, {threads} threads)\n\n")
    f.write(f"Machine: {cpu}, {platform.machine()}; PyTorch {tv}. `scripts/bench-train`.\n\n")
    f.write("| epoch | xsym Symbol s | samples/s | test acc | xsym static graph s | samples/s | test acc "
            "| PyTorch s | samples/s | test acc |\n")
    f.write("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
    for a, c, b in zip(x, s, t):
        f.write(f"| {a[0]} | {a[1]:.3f} | {a[2]:.0f} | {a[4]:.4f} | {c[1]:.3f} | {c[2]:.0f} | {c[4]:.4f} "
                f"| {b[1]:.3f} | {b[2]:.0f} | {b[4]:.4f} |\n")
    f.write(f"\nMedian epoch (first epoch left out): xsym Symbol {med(x)*1000:.0f} ms, static graph "
            f"{med(s)*1000:.0f} ms, PyTorch {med(t)*1000:.0f} ms: xsym/PyTorch time = {med(x)/med(t):.2f}x "
            f"(Symbol), {med(s)/med(t):.2f}x (static graph) (goal <= 0.5x).\n")
    f.write(f"Final test accuracy: xsym {x[-1][4]:.4f} (Symbol), {s[-1][4]:.4f} (static graph), PyTorch "
            f"{t[-1][4]:.4f} (goal: xsym >= PyTorch - 0.005).\n")
plt.plot([r[0] for r in x], [r[4] for r in x], "o-", label="xsym module (Symbol)")
plt.plot([r[0] for r in s], [r[4] for r in s], "x--", label="xsym module (static graph)")
plt.plot([r[0] for r in t], [r[4] for r in t], "s-", label="PyTorch eager")
plt.xlabel("epoch"); plt.ylabel("test accuracy (2,000 digits)"); plt.legend(); plt.grid(alpha=0.3)
plt.title(f"test_mlp on MNIST, {threads} threads")
plt.savefig(out + ".png", dpi=100)
print(open(out + ".md").read())
