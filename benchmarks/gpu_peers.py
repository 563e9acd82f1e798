#!/usr/bin/env python3
"""GPU peers of benchmarks/gpu_suite: workload W1, E = A*B + C*D in float32, on cuda:0.

Peers (each optional: one that cannot be imported, or finds no GPU, is reported "not available"):
  torch_eager     PyTorch eager `a * b + c * d` (three kernels, two full-size temporaries)
  torch_compile   torch.compile of the same function (dynamic=False: one compilation per size; the
                  compilation happens in the warm-up, outside the timed launches)
  cupy_fuse       cupy.fuse() of the same function (one kernel)
Timing as gpu_suite: warm-up calls, then --reps calls each between two CUDA events recorded on
the current stream, one synchronization at the end; the median (and min/max) in ms. GB/s = 20
bytes per element / median. The inputs are the same kind of numbers as gpu_suite's (uniform in
[-2, 2) on a 2^-22 grid, from NumPy); the output is compared bit for bit with NumPy's float32
a*b + c*d, which rounds after each op like xsym. A peer that contracts a*b + c*d into an FMA
(Triton and NVRTC may) differs in the last bit: reported as mismatches with the max relative
error, not hidden and not fatal.

Output: JSON (--json PATH) in gpu_suite's schema ("xsym-gpu-bench/1", tool "gpu_peers"), and a
Markdown table on stdout (and --md PATH). With --suite-json PATH (gpu_suite's JSON of the same
run), the table holds gpu_suite's rows too, and every row gets "x copy" (fraction of gpu_suite's
copy kernel GB/s at the same n) and "x hand" (t_hand_written / t). --from-json PEERS.json makes
the table from earlier results without running anything.

Usage: gpu_peers.py [--sizes 2^20,2^24,2^26] [--reps 30] [--warmup 5] [--json PATH]
                    [--suite-json PATH] [--md PATH] [--from-json PATH] [--peers torch_eager,...]
Exit: 0, also when a peer is not available or fails (its row says why); 2 usage.
"""
import argparse
import json
import math
import statistics
import sys
import traceback

SCHEMA = "xsym-gpu-bench/1"
PEERS = ["torch_eager", "torch_compile", "cupy_fuse"]
SUITE_ORDER = ["copy", "hand_written", "xsym_fused", "xsym_per_op"]


def parse_size(s):
    s = s.strip()
    if s.startswith("2^"):
        k = int(s[2:])
        if not 0 <= k <= 31:
            raise ValueError(s)
        return 1 << k
    v = int(s)
    if v <= 0:
        raise ValueError(s)
    return v


def size_name(n):
    return f"2^{n.bit_length() - 1}" if n > 0 and n & (n - 1) == 0 else str(n)


def inputs(n):
    """Four float32 arrays of n elements in [-2, 2), reproducible."""
    import numpy as np
    rng = np.random.default_rng(12345)
    return [(rng.integers(0, 1 << 24, n, dtype=np.int64).astype(np.float32) * np.float32(4.0 / (1 << 24))
             - np.float32(2.0)).astype(np.float32) for _ in range(4)]


def reference(a, b, c, d):
    import numpy as np
    with np.errstate(all="ignore"):
        return (a * b).astype(np.float32) + (c * d).astype(np.float32)


def compare(got, want):
    import numpy as np
    g = np.ascontiguousarray(got, dtype=np.float32).view(np.uint32)
    w = np.ascontiguousarray(want, dtype=np.float32).view(np.uint32)
    bad = g != w
    mismatches = int(bad.sum())
    max_abs = max_rel = 0.0
    if mismatches:
        gf = got[bad].astype(np.float64)
        wf = want[bad].astype(np.float64)
        err = np.abs(gf - wf)
        max_abs = float(np.max(err))
        max_rel = float(np.max(err / np.maximum(1e-30, np.abs(wf))))
    return mismatches, max_abs, max_rel


def summarize(ms):
    return {"median_ms": statistics.median(ms), "min_ms": min(ms), "max_ms": max(ms), "samples": len(ms)}


def row(contender, n, **kw):
    r = {"workload": "W1", "contender": contender, "dtype": "float32", "n": n, "bytes": 20.0 * n,
         "available": False, "reason": "", "median_ms": None, "min_ms": None, "max_ms": None, "samples": 0,
         "gb_per_s": None, "checked": False, "exact": False, "mismatches": 0, "max_abs_error": None,
         "max_rel_error": None, "path": ""}
    r.update(kw)
    return r


# ---- the peers: each returns (timings in ms, output as a NumPy array, path) ------------------
def torch_setup():
    import torch
    if not torch.cuda.is_available():
        raise RuntimeError("torch.cuda.is_available() is False")
    return torch


def time_torch(torch, fn, args, warmup, reps):
    for _ in range(warmup):
        out = fn(*args)
    torch.cuda.synchronize()
    stream = torch.cuda.current_stream()
    events = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(reps)]
    for start, stop in events:
        start.record(stream)
        out = fn(*args)
        stop.record(stream)
    torch.cuda.synchronize()
    return [start.elapsed_time(stop) for start, stop in events], out


def run_torch(host, warmup, reps, compiled):
    torch = torch_setup()
    args = [torch.from_numpy(h).to("cuda:0") for h in host]

    def w1(a, b, c, d):
        return a * b + c * d

    fn = torch.compile(w1, dynamic=False) if compiled else w1
    ms, out = time_torch(torch, fn, args, max(warmup, 3 if compiled else 1), reps)
    path = f"torch {torch.__version__}" + (", torch.compile (inductor)" if compiled else ", eager")
    return ms, out.cpu().numpy(), path


def run_cupy_fuse(host, warmup, reps):
    import cupy as cp
    if cp.cuda.runtime.getDeviceCount() < 1:
        raise RuntimeError("no CUDA device")
    args = [cp.asarray(h) for h in host]

    @cp.fuse()
    def w1(a, b, c, d):
        return a * b + c * d

    for _ in range(max(warmup, 1)):
        out = w1(*args)
    cp.cuda.Device().synchronize()
    stream = cp.cuda.get_current_stream()
    events = [(cp.cuda.Event(), cp.cuda.Event()) for _ in range(reps)]
    for start, stop in events:
        start.record(stream)
        out = w1(*args)
        stop.record(stream)
    cp.cuda.Device().synchronize()
    ms = [cp.cuda.get_elapsed_time(start, stop) for start, stop in events]
    return ms, cp.asnumpy(out), f"cupy {cp.__version__}, cupy.fuse"


def availability(peer):
    """None when the peer's package imports, else the reason."""
    mod = "cupy" if peer == "cupy_fuse" else "torch"
    try:
        __import__(mod)
        return None
    except Exception as e:  # ImportError, or a broken install
        return f"{mod} not importable ({type(e).__name__}: {e})"


def run_peers(sizes, peers, warmup, reps):
    rows = []
    reasons = {p: availability(p) for p in peers}
    numpy_missing = None
    try:
        import numpy  # noqa: F401
    except Exception as e:
        numpy_missing = f"numpy not importable ({e})"
    for n in sizes:
        host = want = None
        for peer in peers:
            why = reasons[peer] or numpy_missing
            if why:
                rows.append(row(peer, n, reason=why))
                continue
            if host is None:
                host = inputs(n)
                want = reference(*host)
            print(f"gpu_peers: {peer} at n = {size_name(n)}", file=sys.stderr)
            try:
                if peer == "torch_eager":
                    ms, got, path = run_torch(host, warmup, reps, compiled=False)
                elif peer == "torch_compile":
                    ms, got, path = run_torch(host, warmup, reps, compiled=True)
                else:
                    ms, got, path = run_cupy_fuse(host, warmup, reps)
            except Exception as e:
                # No GPU, no compiler for torch.compile, ...: not available at this size, with why.
                msg = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
                print(f"gpu_peers: {peer} at n = {size_name(n)} failed: {msg}", file=sys.stderr)
                traceback.print_exc(file=sys.stderr)
                rows.append(row(peer, n, reason=f"failed: {msg}"))
                if "no CUDA device" in msg or "is_available() is False" in msg:
                    reasons[peer] = msg  # the same for every size
                continue
            mismatches, max_abs, max_rel = compare(got, want)
            t = summarize(ms)
            rows.append(row(peer, n, available=True, checked=True, exact=mismatches == 0, mismatches=mismatches,
                            max_abs_error=max_abs, max_rel_error=max_rel, path=path,
                            gb_per_s=20.0 * n / (t["median_ms"] * 1e-3) / 1e9, **t))
            del got
    return rows


def device_info():
    try:
        import torch
        if torch.cuda.is_available():
            p = torch.cuda.get_device_properties(0)
            return {"name": p.name, "compute_capability": f"{p.major}.{p.minor}", "sms": p.multi_processor_count,
                    "memory_bytes": p.total_memory}
    except Exception:
        pass
    try:
        import cupy as cp
        p = cp.cuda.runtime.getDeviceProperties(0)
        name = p["name"].decode() if isinstance(p["name"], bytes) else p["name"]
        return {"name": name, "compute_capability": f"{p['major']}.{p['minor']}",
                "sms": p["multiProcessorCount"], "memory_bytes": p["totalGlobalMem"]}
    except Exception:
        return None


# ---- the table ------------------------------------------------------------------------------
def fmt(v, digits):
    return "-" if v is None or (isinstance(v, float) and not math.isfinite(v)) else f"{v:.{digits}f}"


def markdown(peer_rows, suite):
    suite_rows = (suite or {}).get("results", []) if suite and not suite.get("skipped") else []
    copy = {r["n"]: r for r in suite_rows if r["contender"] == "copy" and r["available"]}
    hand = {r["n"]: r for r in suite_rows if r["contender"] == "hand_written" and r["available"]}
    order = {c: i for i, c in enumerate(SUITE_ORDER + PEERS)}
    rows = sorted(suite_rows + peer_rows, key=lambda r: (r["n"], order.get(r["contender"], 99)))
    out = []
    if suite and suite.get("skipped"):
        out.append(f"gpu_suite: {suite['skipped']}\n")
    if not rows:
        return "\n".join(out) + ("\n" if out else "no results\n")
    out.append("| n | contender | median ms | min ms | GB/s | x copy | x hand | output | path |")
    out.append("|---|---|---:|---:|---:|---:|---:|---|---|")
    for r in rows:
        if not r["available"]:
            out.append(f"| {size_name(r['n'])} | {r['contender']} | - | - | - | - | - | not available | "
                       f"{r['reason'].replace('|', '/')} |")
            continue
        c, h = copy.get(r["n"]), hand.get(r["n"])
        xcopy = r["gb_per_s"] / c["gb_per_s"] if c else None
        xhand = h["median_ms"] / r["median_ms"] if h and r["workload"] == "W1" else None
        if r.get("exact"):
            output = "exact"
        else:
            rel = r.get("max_rel_error")
            output = f"{r['mismatches']} differ" + (f" (max rel err {rel:.1e})" if rel is not None else "")
        out.append(f"| {size_name(r['n'])} | {r['contender']} | {fmt(r['median_ms'], 4)} | {fmt(r['min_ms'], 4)} | "
                   f"{fmt(r['gb_per_s'], 0)} | {fmt(xcopy, 3)} | {fmt(xhand, 3)} | {output} | "
                   f"{r['path'].replace('|', '/')} |")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="2^20,2^24,2^26")
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--peers", default=",".join(PEERS))
    ap.add_argument("--json")
    ap.add_argument("--suite-json")
    ap.add_argument("--md")
    ap.add_argument("--from-json")
    a = ap.parse_args()
    try:
        sizes = [parse_size(s) for s in a.sizes.split(",")]
    except ValueError:
        ap.error(f"bad --sizes {a.sizes!r}")
    peers = [p for p in a.peers.split(",") if p]
    unknown = [p for p in peers if p not in PEERS]
    if unknown:
        ap.error(f"unknown peers {unknown}; known: {PEERS}")
    if a.reps < 30:
        ap.error("--reps must be at least 30")

    if a.from_json:
        with open(a.from_json) as f:
            doc = json.load(f)
    else:
        rows = run_peers(sizes, peers, a.warmup, a.reps)
        doc = {"schema": SCHEMA, "tool": "gpu_peers", "skipped": None, "device": device_info(),
               "reps": a.reps, "warmup": a.warmup, "results": rows}
        if a.json:
            with open(a.json, "w") as f:
                json.dump(doc, f, indent=2)
                f.write("\n")
    suite = None
    if a.suite_json:
        try:
            with open(a.suite_json) as f:
                suite = json.load(f)
        except (OSError, ValueError) as e:
            print(f"gpu_peers: cannot read {a.suite_json}: {e}", file=sys.stderr)
    md = markdown(doc.get("results", []), suite)
    sys.stdout.write(md)
    if a.md:
        with open(a.md, "w") as f:
            f.write(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
