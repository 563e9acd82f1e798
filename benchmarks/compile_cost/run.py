#!/usr/bin/env python3
"""Compile-cost benchmark: how long g++ (and nvcc, when found) take to compile one translation
unit holding one static graph of N nodes, bound and run once (generate.py writes it).

For each graph shape (tree, chain), N in --nodes, and the baseline (the include alone), the TU is
compiled --reps times with each compiler (`-c`, no link) under GNU time (`/usr/bin/time -f
"%e %M"`: wall seconds and the peak resident set of the biggest process, i.e. cc1plus for g++);
the median is reported. The repetitions run round-robin over all TUs, so that a change in the
machine's load during the run does not bias the TUs measured last. With --symbol the first shape
is also compiled with the conversion to xsym::Symbol. Flags are those of the Release build:
  g++   -std=c++20 -O3 -DNDEBUG -fopenmp -ffp-contract=off -I include -c x.cpp
  nvcc  -std=c++20 -O3 --expt-relaxed-constexpr --fmad=false --diag-suppress=186 -x cu -arch=sm_90
        -DNDEBUG -DXSYM_WITH_CUDA=1 -Xcompiler=-fopenmp -I include -I cuda/include -c x.cu
(what a target linking xsym::cuda gets). nvcc is looked up on PATH, then /usr/local/cuda/bin.
The .cu binds the graph on the CPU and on gpu(0): nvcc compiles the CPU loop and the graph's
fused CUDA kernels (two, for float). With cuobjdump next to it, the kernels in the object and
the size of its cubins are counted too.

A compile that fails (e.g. g++'s template depth limit of 900 on deep graphs) is reported as
failed, with the compiler's first error line, and not repeated.

Outputs: a markdown section (--md, also printed), raw data (--json), a PNG plot of time and peak
memory vs nodes (--png; skipped with a note when matplotlib is missing).

With --reference REV, every TU is also compiled against the headers of commit REV (git archive),
in the same rounds, and the report gives the ratios: scripts/bench passes a fixed reference, so
that a regression shows whatever the machine's speed.

Usage: run.py [--nodes 8,16,32,64,128] [--shapes tree,chain] [--symbol] [--static-header] [--reps 3]
              [--no-nvcc] [--reference REV] [--work-dir DIR] [--md F] [--json F] [--png F]
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import generate  # noqa: E402

GXX_FLAGS = ["-std=c++20", "-O3", "-DNDEBUG", "-fopenmp", "-ffp-contract=off"]
NVCC_FLAGS = ["-std=c++20", "-O3", "--expt-relaxed-constexpr", "--fmad=false", "--diag-suppress=186", "-x", "cu",
              "-arch=sm_90", "-DNDEBUG", "-DXSYM_WITH_CUDA=1", "-Xcompiler=-fopenmp"]
GNU_TIME = "/usr/bin/time"


def find_tool(name):
    path = shutil.which(name)
    if path is None and os.access(f"/usr/local/cuda/bin/{name}", os.X_OK):
        path = f"/usr/local/cuda/bin/{name}"
    return path


def first_line(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return "n/a"
    lines = [ln.strip() for ln in out.splitlines() if ln.strip()]
    return lines[0] if lines else "n/a"


def compiler_versions(cxx, nvcc):
    versions = {"g++": first_line([cxx, "--version"])}
    if nvcc:
        out = subprocess.run([nvcc, "--version"], capture_output=True, text=True).stdout
        rel = [ln for ln in out.splitlines() if "release" in ln]
        versions["nvcc"] = rel[0].strip() if rel else "unknown"
    else:
        versions["nvcc"] = "n/a (not found)"
    return versions


def timed(cmd, cwd):
    """Runs cmd; returns (rc, wall seconds, peak KB, stderr text)."""
    if os.access(GNU_TIME, os.X_OK):
        with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
            p = subprocess.run([GNU_TIME, "-f", "%e %M", "-o", tf.name] + cmd, cwd=cwd,
                               capture_output=True, text=True)
            fields = tf.read().split()
            # On failure GNU time writes "Command exited with non-zero status N" first.
            nums = [f for f in fields if re.fullmatch(r"[0-9.]+", f)]
            wall, peak = (float(nums[-2]), int(nums[-1])) if len(nums) >= 2 else (float("nan"), 0)
            return p.returncode, wall, peak, p.stderr
    # Fallback: wait4 gives the same numbers GNU time prints (rusage of the child's tree).
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, time.monotonic() - t0, int(ru.ru_maxrss), err


def error_summary(stderr):
    for ln in stderr.splitlines():
        if "error" in ln.lower():
            ln = re.sub(r"^\S*?:\d+:\d+: ", "", ln.strip())
            return ln[:160]
    return (stderr.strip().splitlines() or ["unknown error"])[-1][:160]


def cuda_object_stats(cuobjdump, obj):
    """(kernels, cubin bytes) of an nvcc object, through cuobjdump."""
    sass = subprocess.run([cuobjdump, "-sass", obj], capture_output=True, text=True).stdout
    kernels = len(re.findall(r"^\s*Function\s*:", sass, flags=re.M))
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([cuobjdump, "-xelf", "all", os.path.abspath(obj)], cwd=d,
                       capture_output=True, text=True)
        size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
    return kernels, size


class Job:
    """One TU compiled by one compiler; its record fills in over the rounds."""

    def __init__(self, title, label, cmd, cwd, obj):
        self.title, self.label, self.cmd, self.cwd, self.obj = title, label, cmd, cwd, obj
        self.rec = {"compiler": label, "command": " ".join(cmd), "times_s": [], "peaks_kb": [],
                    "status": "ok", "error": None}

    def run_once(self):
        rc, wall, peak, err = timed(self.cmd, self.cwd)
        self.rec["times_s"].append(wall)
        self.rec["peaks_kb"].append(peak)
        if rc != 0:
            self.rec["status"], self.rec["error"] = "failed", error_summary(err)

    def finish(self, cuobjdump):
        rec = self.rec
        rec["median_s"] = statistics.median(rec["times_s"])
        rec["median_peak_mb"] = statistics.median(rec["peaks_kb"]) / 1024.0
        if self.label == "nvcc" and rec["status"] == "ok" and cuobjdump:
            rec["kernels"], rec["cubin_bytes"] = cuda_object_stats(cuobjdump, self.obj)


def jobs_for(title, stem, text, work, cxx, nvcc, root=ROOT):
    """Writes the TU as .cpp and .cu; returns {compiler: Job} compiling it against the headers of
    the tree at `root` (the reference's, with --reference)."""
    src_cpp, src_cu = os.path.join(work, stem + ".cpp"), os.path.join(work, stem + ".cu")
    for path in (src_cpp, src_cu):
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    inc = ["-I", os.path.join(root, "include")]
    obj = os.path.join(work, stem + ".o")
    jobs = {"g++": Job(title, "g++", [cxx] + GXX_FLAGS + inc + ["-c", src_cpp, "-o", obj], work, obj)}
    if nvcc:
        obj = os.path.join(work, stem + ".cu.o")
        cuda_inc = ["-I", os.path.join(root, "cuda", "include")]
        jobs["nvcc"] = Job(title, "nvcc", [nvcc] + NVCC_FLAGS + inc + cuda_inc + ["-c", src_cu, "-o", obj], work, obj)
    return jobs


def run_rounds(jobs, reps, cuobjdump):
    """Round-robin: every job once per round, so that a change in the machine's load over the run
    spreads over all of them instead of biasing the ones measured last. A failed job is not
    repeated (failures are deterministic)."""
    for r in range(reps):
        for job in jobs:
            if job.rec["status"] != "ok":
                continue
            job.run_once()
            rec = job.rec
            print(f"  round {r + 1}/{reps}  {job.label:5s} {job.title:32s} {rec['times_s'][-1]:7.2f} s "
                  f"{rec['peaks_kb'][-1] / 1024:6.0f} MB" + (f"  failed: {rec['error']}" if rec["error"] else ""),
                  flush=True)
    for job in jobs:
        job.finish(cuobjdump)


def reference_tree(rev, work):
    """The headers of commit `rev` (include/ and cuda/include/), extracted with git archive into
    work/reference-<rev>; returns that directory."""
    out = os.path.join(work, f"reference-{rev}")
    if not os.path.isdir(os.path.join(out, "include")):
        os.makedirs(out, exist_ok=True)
        archive = subprocess.run(["git", "-C", ROOT, "archive", rev, "include", "cuda/include"],
                                 capture_output=True, check=False)
        if archive.returncode != 0:
            sys.exit(f"run.py: cannot read commit {rev}: {archive.stderr.decode(errors='replace').strip()}")
        subprocess.run(["tar", "-x", "-C", out], input=archive.stdout, check=True)
    return out


def ratio_cell(rec, ref):
    if rec is None or ref is None or rec["status"] != "ok" or ref["status"] != "ok":
        return "n/a"
    return f"{rec['median_s'] / ref['median_s']:.2f}x"


def cell_time(rec):
    if rec is None:
        return "n/a"
    if rec["status"] != "ok":
        return f"failed ({rec['median_s']:.1f} s): {rec['error']}".replace("|", "\\|")
    return f"{rec['median_s']:.2f}"


def cell_mb(rec):
    if rec is None:
        return "n/a"
    return f"{rec['median_peak_mb']:.0f}" if rec["status"] == "ok" else "–"


def cell_cuda(rec, key):
    if rec is None or key not in rec:
        return "n/a"
    return str(rec[key])


STATIC_INCLUDE = "#include <xsym/static.hpp>"


def static_unit(text):
    """The TU including <xsym/static.hpp> (static graphs alone) instead of <xsym/xsym.hpp>."""
    return text.replace("#include <xsym/xsym.hpp>", STATIC_INCLUDE)


def variant_label(v):
    return (f"{v['shape']}{' + Symbol' if v['symbol'] else ''}"
            + (", <xsym/static.hpp>" if v.get("static") else ""))


def variant_title(v):
    return (f"{v['shape']} graphs, bind + forward" + (" + conversion to xsym::Symbol" if v["symbol"] else "")
            + (", including <xsym/static.hpp>" if v.get("static") else ""))


def markdown(data):
    lines = ["## Compile cost: one static graph per translation unit", ""]
    lines.append(f"Median of {data['reps']} compiles (`-c`, no link) under GNU time: wall seconds and "
                 "peak resident memory of the biggest compiler process. Each TU holds one static graph "
                 "of N op nodes (random + - * / maximum minimum exp tanh and scalar ops over four "
                 "float variables), `xsym::bind` and one `forward()`, so that the fused CPU loop (with "
                 "nvcc also the fused CUDA kernel) is instantiated (benchmarks/compile_cost/generate.py). `tree`: a random expression "
                 "tree (typical); `chain`: each node reads the one before (depth N, the worst case "
                 "for template recursion).")
    lines.append("")
    lines.append(f"- g++: `{data['versions']['g++']}`; flags `{' '.join(GXX_FLAGS)} -I include -c`")
    lines.append(f"- nvcc: `{data['versions']['nvcc']}`"
                 + (f"; flags `{' '.join(NVCC_FLAGS)} -I include -I cuda/include -c`" if data["nvcc"] else ""))
    if data["nvcc"]:
        lines.append("- the .cu TU binds the graph on the CPU and on gpu(0): nvcc compiles the CPU loop (host "
                     "code through g++) and the graph's two fused CUDA kernels (float32; sm_90).")
    cuda_stats = data["cuobjdump"] is not None
    lines.append("- kernels / cubin size: " + ("counted with cuobjdump" if cuda_stats else
                 "n/a (no cuobjdump on this machine)"))
    lines.append("")
    def base_cell(comp):
        rec = data["baseline"].get(comp)
        if rec is None:
            return f"{comp} n/a"
        if rec["status"] != "ok":
            return f"{comp} {cell_time(rec)}"
        return f"{comp} {cell_time(rec)} s, {cell_mb(rec)} MB"
    lines.append("Baseline (`#include <xsym/xsym.hpp>`, empty `main`): "
                 f"{base_cell('g++')}; {base_cell('nvcc')}.")
    for v in data["variants"]:
        lines += ["", f"### {variant_title(v)}", ""]
        head = "| nodes | depth | g++ s | g++ peak MB | nvcc s | nvcc peak MB |"
        rule = "| ---: | ---: | ---: | ---: | ---: | ---: |"
        if cuda_stats:
            head += " kernels | cubin bytes |"
            rule += " ---: | ---: |"
        lines += [head, rule]
        for r in v["rows"]:
            row = (f"| {r['nodes']} | {r['depth']} | {cell_time(r.get('g++'))} | {cell_mb(r.get('g++'))} | "
                   f"{cell_time(r.get('nvcc'))} | {cell_mb(r.get('nvcc'))} |")
            if cuda_stats:
                row += f" {cell_cuda(r.get('nvcc'), 'kernels')} | {cell_cuda(r.get('nvcc'), 'cubin_bytes')} |"
            lines.append(row)
    if data.get("reference"):
        rev = data["reference"]
        lines += ["", f"### Against the reference commit {rev}", "",
                  f"The same TUs compiled against {rev}'s headers in the same rounds (interleaved), so "
                  "that the ratio does not depend on the machine's speed that day.", "",
                  f"| TU | g++ s | at {rev} | ratio | nvcc s | at {rev} | ratio |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        rows = [("include only", data["baseline"], data["reference_baseline"])]
        for v in data["variants"]:
            for r in v["rows"]:
                rows.append((f"{variant_label(v)}, {r['nodes']} nodes", r, r.get("reference", {})))
        for title, here, there in rows:
            cells = []
            for c in ("g++", "nvcc"):
                cells += [cell_time(here.get(c)), cell_time(there.get(c)), ratio_cell(here.get(c), there.get(c))]
            lines.append(f"| {title} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def plot(data, png):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("run.py: matplotlib not available; no plot written", file=sys.stderr)
        return False
    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(12, 4.5))
    styles = {"g++": "-", "nvcc": "--"}
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    failed_label = "failed to compile"
    for i, v in enumerate(data["variants"]):
        for comp in ("g++", "nvcc"):
            pts = [(r["nodes"], r[comp]) for r in v["rows"] if comp in r and r[comp]["status"] == "ok"]
            bad = [(r["nodes"], r[comp]) for r in v["rows"] if comp in r and r[comp]["status"] != "ok"]
            label = f"{comp}, {v['shape']}" + (" + Symbol" if v["symbol"] else "")
            c = colors[i % len(colors)]
            if pts:
                xs = [n for n, _ in pts]
                ax_t.plot(xs, [rec["median_s"] for _, rec in pts], styles[comp], color=c, marker="o", label=label)
                ax_m.plot(xs, [rec["median_peak_mb"] for _, rec in pts], styles[comp], color=c, marker="o")
            if bad:
                ax_t.plot([n for n, _ in bad], [rec["median_s"] for _, rec in bad], linestyle="none",
                          marker="x", markersize=10, color=c, label=failed_label + f" ({label})")
    for comp, rec in data["baseline"].items():
        if rec["status"] == "ok":
            ax_t.axhline(rec["median_s"], color="grey", linestyle=styles[comp], linewidth=0.8,
                         label=f"{comp}, include only")
            ax_m.axhline(rec["median_peak_mb"], color="grey", linestyle=styles[comp], linewidth=0.8)
    for ax, ylabel in ((ax_t, "compile wall time (s)"), (ax_m, "peak memory (MB)")):
        ax.set_xscale("log", base=2)
        ax.set_xlabel("op nodes in the graph")
        ax.set_ylabel(ylabel)
        ax.grid(True, which="both", alpha=0.3)
    if ax_t.get_legend_handles_labels()[0]:
        ax_t.legend(fontsize=8)
    fig.suptitle("xsym compile cost: one static graph per TU (median of %d)" % data["reps"])
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    plt.close(fig)
    return True


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--nodes", default="8,16,32,64,128", help="comma-separated node counts")
    p.add_argument("--shapes", default="tree,chain", help="comma-separated: tree, chain")
    p.add_argument("--symbol", action="store_true",
                   help="also compile the first shape with the conversion to xsym::Symbol")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--cxx", default="g++")
    p.add_argument("--no-nvcc", action="store_true", help="do not use nvcc even when found")
    p.add_argument("--work-dir", default=os.path.join(ROOT, "build-bench", "compile_cost"))
    p.add_argument("--md", help="write the markdown section here")
    p.add_argument("--json", help="write the raw measurements here")
    p.add_argument("--png", help="write the plot here")
    p.add_argument("--static-header", action="store_true",
                   help="also compile the first shape's TUs including <xsym/static.hpp> instead of <xsym/xsym.hpp> "
                        "(against the reference: <xsym/xsym.hpp>, as a user of that commit would include)")
    p.add_argument("--reference", metavar="REV",
                   help="also compile every TU against the headers of commit REV, interleaved, and "
                        "report the ratios (scripts/bench passes its fixed reference commit)")
    args = p.parse_args(argv)

    nodes = [int(n) for n in args.nodes.split(",") if n]
    shapes = [s for s in args.shapes.split(",") if s]
    for s in shapes:
        if s not in generate.SHAPES:
            p.error(f"unknown shape '{s}' (known: {', '.join(generate.SHAPES)})")
    nvcc = None if args.no_nvcc else find_tool("nvcc")
    cuobjdump = None
    if nvcc:
        cuobjdump = shutil.which("cuobjdump") or (
            os.path.join(os.path.dirname(nvcc), "cuobjdump")
            if os.access(os.path.join(os.path.dirname(nvcc), "cuobjdump"), os.X_OK) else None)
    args.work_dir = os.path.abspath(args.work_dir)
    os.makedirs(args.work_dir, exist_ok=True)
    data = {"reps": args.reps, "seed": args.seed, "nvcc": nvcc, "cuobjdump": cuobjdump,
            "versions": compiler_versions(args.cxx, nvcc), "baseline": {}, "variants": []}
    print(f"compile cost: g++ = {data['versions']['g++']}; nvcc = {data['versions']['nvcc']}", flush=True)

    all_jobs = []
    data["baseline"] = jobs_for("baseline (include only)", "baseline", generate.baseline_unit(),
                                args.work_dir, args.cxx, nvcc)
    all_jobs += data["baseline"].values()
    ref_root = reference_tree(args.reference, args.work_dir) if args.reference else None
    data["reference"] = args.reference
    if ref_root:
        data["reference_baseline"] = jobs_for(f"baseline at {args.reference}", "baseline_ref",
                                              generate.baseline_unit(), args.work_dir, args.cxx, nvcc, ref_root)
        all_jobs += data["reference_baseline"].values()
    variants = ([(s, False, False) for s in shapes] + ([(shapes[0], True, False)] if args.symbol and shapes else [])
                + ([(shapes[0], False, True)] if args.static_header and shapes else []))
    for shape, symbol, static in variants:
        v = {"shape": shape, "symbol": symbol, "static": static, "rows": []}
        for n in nodes:
            text, depth = generate.translation_unit(n, args.seed, symbol, shape)
            title = f"{variant_label(v)}, {n} nodes (depth {depth})"
            stem = f"graph_{shape}{'_symbol' if symbol else ''}{'_static' if static else ''}_{n}"
            row = {"nodes": n, "depth": depth}
            row.update(jobs_for(title, stem, static_unit(text) if static else text, args.work_dir, args.cxx, nvcc))
            all_jobs += [row["g++"]] + ([row["nvcc"]] if "nvcc" in row else [])
            if ref_root:  # the reference's headers as they were: <xsym/xsym.hpp> (the only header then)
                row["reference"] = jobs_for(f"{title} at {args.reference}", stem + "_ref", text, args.work_dir,
                                            args.cxx, nvcc, ref_root)
                all_jobs += row["reference"].values()
            v["rows"].append(row)
        data["variants"].append(v)
    print(f"{len(all_jobs)} compiles x {args.reps} rounds", flush=True)
    run_rounds(all_jobs, args.reps, cuobjdump)
    # Jobs -> their records, for the report and the JSON.
    data["baseline"] = {c: j.rec for c, j in data["baseline"].items()}
    if ref_root:
        data["reference_baseline"] = {c: j.rec for c, j in data["reference_baseline"].items()}
    for v in data["variants"]:
        for row in v["rows"]:
            for c in ("g++", "nvcc"):
                if c in row:
                    row[c] = row[c].rec
            if "reference" in row:
                row["reference"] = {c: j.rec for c, j in row["reference"].items()}

    md = markdown(data)
    if args.png:
        if plot(data, args.png):
            md += f"\n![compile cost]({os.path.basename(args.png)})\n"
        else:
            md += "\n(plot not written: matplotlib is not installed)\n"
    print()
    print(md)
    if args.md:
        with open(args.md, "w", encoding="utf-8") as f:
            f.write(md)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
    if data["baseline"]["g++"]["status"] != "ok":
        print("run.py: the baseline TU does not compile with g++: see the error above", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
