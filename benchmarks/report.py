#!/usr/bin/env python3
"""Turns the JSON output of benchmarks/cpu_suite into a markdown report with PNG plots.

Input: Google Benchmark JSON (`cpu_suite --benchmark_out=F --benchmark_out_format=json`), best
run with `--benchmark_repetitions=3 --benchmark_report_aggregates_only=true`: the median
aggregates are used (without aggregates, the median of the repetitions). Names are
"<workload>/<contender>/<dtype>/threads:<t>/<n>" (a trailing "/real_time" or "/min_time:..." is
ignored); counters bytes_per_second, items_per_second, max_rel_error. Times are real (wall) time.

Output (markdown, to --out and stdout):
  - the run's context (host, CPUs, caches, peers built, library build type);
  - per workload and dtype, a table at n = 2^24 (or the largest n present): contender, threads,
    median time, GB/s (bytes_per_second / 1e9), fraction of the copy bandwidth at the same size,
    dtype and threads, ratio vs hand_written (time_hand / time: > 1 is faster than the
    hand-written loop), ratio vs per_op (time_per_op / time), max_rel_error, path (the label);
  - a size sweep for W1 float32 at all threads (GB/s per contender, and the full table);
  - targets: W1 float32 2^24 all threads: static_fused >= 0.95x hand_written, >= 1.6x per_op,
    >= 1.0x eigen; W2a float32 2^24 all threads: static_fused >= 8x per_op; W1: blocked within
    1.5x of static_fused; each "met" or "missed by ...";
  - errors: benchmarks that were skipped with an error.
PNG plots (matplotlib; skipped with a note when it is missing): GB/s vs n at all threads, one
line per contender, for W1 float32 and every other float32 workload with at least 3 sizes.

Usage: report.py RESULT.json [MORE.json ...] [--out report.md] [--plot-dir DIR] [--prefix P]
                 [--title T] [--embed] [--link-base DIR] [--no-plots]
"""
import argparse
import json
import math
import os
import re
import statistics
import sys
from collections import defaultdict

TARGET_N = 1 << 24
CONTENDER_ORDER = ["hand_written", "static_fused", "symbol_static", "blocked", "per_op", "eigen",
                   "xtensor", "hand_written_misaligned", "eigen_misaligned", "copy"]
WORKLOAD_ORDER = ["W1", "W2a", "W2b", "W3", "copy"]
DTYPE_ORDER = ["float32", "float64"]
TIME_UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
NAME_RE = re.compile(r"^(?P<workload>[^/]+)/(?P<contender>[^/]+)/(?P<dtype>[^/]+)/threads:(?P<threads>\d+)"
                     r"/(?P<n>\d+)(?:/.*)?$")


class Result:
    def __init__(self, workload, contender, dtype, threads, n):
        self.workload, self.contender, self.dtype, self.threads, self.n = workload, contender, dtype, threads, n
        self.time_s = math.nan
        self.bytes_per_second = math.nan
        self.items_per_second = math.nan
        self.max_rel_error = math.nan
        self.label = ""
        self.repetitions = 0

    @property
    def key(self):
        return (self.workload, self.contender, self.dtype, self.threads, self.n)

    @property
    def gbps(self):
        return self.bytes_per_second / 1e9


def order(seq, known):
    return sorted(seq, key=lambda x: (known.index(x) if x in known else len(known), x))


def parse_name(name):
    name = re.sub(r"_(mean|median|stddev|cv)$", "", name)
    m = NAME_RE.match(name)
    if not m:
        return None
    return (m["workload"], m["contender"], m["dtype"], int(m["threads"]), int(m["n"]))


def load(paths):
    """(results by key, context, errors, ignored names)."""
    aggregates = {}                      # key -> entry (median aggregate)
    iterations = defaultdict(list)       # key -> entries
    context, errors, ignored = {}, [], set()
    for path in paths:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        if not context:
            context = doc.get("context", {})
        for b in doc.get("benchmarks", []):
            key = parse_name(b.get("run_name") or b.get("name", ""))
            if key is None:
                ignored.add(b.get("name", "?"))
                continue
            if b.get("error_occurred"):
                errors.append((b.get("run_name") or b.get("name"), b.get("error_message", "")))
                continue
            if b.get("run_type") == "aggregate":
                if b.get("aggregate_name") == "median":
                    aggregates[key] = b
            else:
                iterations[key].append(b)
    results = {}
    for key in set(aggregates) | set(iterations):
        r = Result(*key)
        if key in aggregates:
            e = aggregates[key]
            unit = TIME_UNITS.get(e.get("time_unit", "ns"), 1e-9)
            r.time_s = e["real_time"] * unit
            for c in ("bytes_per_second", "items_per_second", "max_rel_error"):
                setattr(r, c, float(e.get(c, math.nan)))
            r.repetitions = int(e.get("repetitions", 0))
            runs = iterations.get(key, [])
            r.label = e.get("label", "") or (runs[0].get("label", "") if runs else "")
        else:
            runs = iterations[key]
            r.time_s = statistics.median(e["real_time"] * TIME_UNITS.get(e.get("time_unit", "ns"), 1e-9)
                                         for e in runs)
            for c in ("bytes_per_second", "items_per_second", "max_rel_error"):
                vals = [float(e[c]) for e in runs if c in e]
                setattr(r, c, statistics.median(vals) if vals else math.nan)
            r.repetitions = len(runs)
            r.label = runs[0].get("label", "")
        results[key] = r
    # An error in one repetition leaves no result for that key: keep the error only then.
    errors = sorted({(n, m) for n, m in errors if parse_name(n) not in results})
    return results, context, errors, sorted(ignored)


# ---- formatting ---------------------------------------------------------------------------------

def fmt_time(s):
    if not math.isfinite(s):
        return "–"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s / 1e-9:.3g} ns"


def fmt(x, spec=".2f", suffix=""):
    return f"{x:{spec}}{suffix}" if x is not None and math.isfinite(x) else "–"


def fmt_n(n):
    if n & (n - 1) == 0:
        return f"2^{n.bit_length() - 1}"
    p = (n - 1).bit_length() - 1
    return f"2^{p}+{n - (1 << p)}" if n - (1 << p) < 1024 else str(n)


def md_table(header, rows, align=None):
    align = align or ["---"] + ["---:"] * (len(header) - 1)
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


# ---- the analysis -------------------------------------------------------------------------------

class Data:
    def __init__(self, results):
        self.results = results
        self.by_config = defaultdict(dict)  # (workload, dtype, threads, n) -> contender -> Result
        for r in results.values():
            self.by_config[(r.workload, r.dtype, r.threads, r.n)][r.contender] = r

    def workloads(self):
        return order({r.workload for r in self.results.values()}, WORKLOAD_ORDER)

    def dtypes(self, workload):
        return order({r.dtype for r in self.results.values() if r.workload == workload}, DTYPE_ORDER)

    def all_threads(self, workload=None, dtype=None):
        ts = [r.threads for r in self.results.values()
              if (workload is None or r.workload == workload) and (dtype is None or r.dtype == dtype)]
        return max(ts) if ts else None

    def sizes(self, workload, dtype, threads=None):
        return sorted({r.n for r in self.results.values() if r.workload == workload and r.dtype == dtype
                       and (threads is None or r.threads == threads)})

    def get(self, workload, contender, dtype, threads, n):
        return self.results.get((workload, contender, dtype, threads, n))

    def copy_bandwidth(self, dtype, threads, n):
        """bytes_per_second of the copy workload (any contender), same dtype if present."""
        for d in [dtype] + [x for x in DTYPE_ORDER if x != dtype]:
            cfg = self.by_config.get(("copy", d, threads, n), {})
            if cfg:
                return next(iter(cfg.values())).bytes_per_second
        return math.nan

    def row(self, r):
        cfg = self.by_config[(r.workload, r.dtype, r.threads, r.n)]
        hand, per_op = cfg.get("hand_written"), cfg.get("per_op")
        copy_bw = self.copy_bandwidth(r.dtype, r.threads, r.n)
        return [r.contender, r.threads, fmt_time(r.time_s), fmt(r.gbps),
                fmt(r.bytes_per_second / copy_bw if copy_bw else math.nan),
                fmt(hand.time_s / r.time_s if hand else math.nan, ".2f", "x"),
                fmt(per_op.time_s / r.time_s if per_op else math.nan, ".2f", "x"),
                "0" if r.max_rel_error == 0 else fmt(r.max_rel_error, ".1e"), r.label or ""]


ROW_HEADER = ["contender", "threads", "median time", "GB/s", "of copy BW", "vs hand_written",
              "vs per_op", "max_rel_error", "path"]


def config_rows(data, workload, dtype, n):
    rows = []
    threads = sorted({t for (w, d, t, m) in data.by_config if w == workload and d == dtype and m == n})
    for t in threads:
        cfg = data.by_config[(workload, dtype, t, n)]
        for c in order(cfg, CONTENDER_ORDER):
            rows.append(data.row(cfg[c]))
    return rows


def section_tables(data):
    out = ["## Per workload at n = 2^24", "",
           "Median wall time per run. GB/s counts compulsory bytes (inputs read and the output "
           "written once). *of copy BW*: GB/s over the copy loop's at the same n, dtype and threads. "
           "*vs hand_written* = time(hand_written) / time and *vs per_op* = time(per_op) / time "
           "(above 1: faster). *path*: which xsym path ran (the benchmark's label)."]
    for w in data.workloads():
        for d in data.dtypes(w):
            sizes = data.sizes(w, d)
            if not sizes:
                continue
            n = TARGET_N if TARGET_N in sizes else max(sizes)
            note = "" if n == TARGET_N else f" (no 2^24 in this run: n = {fmt_n(n)})"
            out += ["", f"### {w} {d}, n = {fmt_n(n)}{note}", ""]
            out += md_table(ROW_HEADER, config_rows(data, w, d, n), ["---", "---:", "---:", "---:", "---:",
                                                                      "---:", "---:", "---:", "---"])
    # Misaligned views exist at one size only (2^16): show them where they are.
    mis = sorted({(r.workload, r.dtype, r.n) for r in data.results.values() if r.contender.endswith("_misaligned")})
    if mis:
        out += ["", "### Misaligned views", "",
                "Views starting one element into a buffer (xsym's own arrays are always aligned), "
                "next to the aligned runs at the same size."]
        for w, d, n in mis:
            out += ["", f"#### {w} {d}, n = {fmt_n(n)}", ""]
            out += md_table(ROW_HEADER, config_rows(data, w, d, n), ["---", "---:", "---:", "---:", "---:",
                                                                      "---:", "---:", "---:", "---"])
    return out


def section_sweep(data, workload="W1", dtype="float32"):
    t = data.all_threads(workload, dtype)
    out = ["", f"## Size sweep: {workload} {dtype}, {t} threads (all)", ""]
    if t is None:
        return out + [f"No {workload} {dtype} results in this run."]
    sizes = data.sizes(workload, dtype, t)
    contenders = order({c for n in sizes for c in data.by_config.get((workload, dtype, t, n), {})},
                       CONTENDER_ORDER)
    rows = []
    for n in sizes:
        cfg = data.by_config.get((workload, dtype, t, n), {})
        copy_bw = data.copy_bandwidth(dtype, t, n)
        rows.append([fmt_n(n)] + [fmt(cfg[c].gbps) if c in cfg else "–" for c in contenders]
                    + [fmt(copy_bw / 1e9)])
    out.append("GB/s (compulsory bytes); the last column is the copy loop at the same size.")
    out.append("")
    out += md_table(["n"] + contenders + ["copy"], rows)
    full = []
    for n in sizes:
        cfg = data.by_config.get((workload, dtype, t, n), {})
        full += [[fmt_n(n)] + data.row(cfg[c]) for c in order(cfg, CONTENDER_ORDER)]
    out += ["", "<details><summary>All columns</summary>", ""]
    out += md_table(["n"] + ROW_HEADER, full, ["---"] * 2 + ["---:"] * 7 + ["---"])
    out += ["", "</details>"]
    return out


def check(data, desc, workload, dtype, n, fast, slow, at_least=None, at_most=None):
    """A target on time(slow) / time(fast): at least `at_least` (fast is that many times faster),
    or time(fast) / time(slow) at most `at_most` (fast is at most that many times slower)."""
    t = data.all_threads(workload, dtype)
    a = data.get(workload, fast, dtype, t, n) if t else None
    b = data.get(workload, slow, dtype, t, n) if t else None
    if t is None:
        return [desc, f"{workload} {dtype} n = {fmt_n(n)}", "–", "n/a", f"no {workload} {dtype} results in this run"]
    where = f"{workload} {dtype} n = {fmt_n(n)}, {t} threads"
    if a is None or b is None:
        missing = ", ".join(c for c, r in ((fast, a), (slow, b)) if r is None)
        return [desc, where, "–", "n/a", f"no result for {missing}"]
    if at_least is not None:
        value = b.time_s / a.time_s
        ok = value >= at_least
        verdict = "met" if ok else f"missed by {at_least - value:.3f}x ({(at_least - value) / at_least:.1%} short)"
        return [desc, where, f"{value:.3f}x", f">= {at_least}x", verdict]
    value = a.time_s / b.time_s
    ok = value <= at_most
    verdict = "met" if ok else f"missed by {value - at_most:.3f}x ({(value - at_most) / at_most:.1%} over)"
    return [desc, where, f"{value:.3f}x", f"<= {at_most}x", verdict]


def check_worst(data, desc, workload, dtype, fast, slow, at_most):
    """time(fast) / time(slow) at most `at_most` at every size (all threads): the worst size."""
    t = data.all_threads(workload, dtype)
    ratios = []
    for n in data.sizes(workload, dtype, t) if t else []:
        a, b = data.get(workload, fast, dtype, t, n), data.get(workload, slow, dtype, t, n)
        if a and b:
            ratios.append((a.time_s / b.time_s, n))
    if not ratios:
        return [desc, f"{workload} {dtype}, every size", "–", "n/a", f"no sizes with both {fast} and {slow}"]
    value, n = max(ratios)
    where = f"{workload} {dtype}, {len(ratios)} sizes, {t} threads: worst at n = {fmt_n(n)}"
    verdict = "met" if value <= at_most else \
        f"missed by {value - at_most:.3f}x ({(value - at_most) / at_most:.1%} over)"
    return [desc, where, f"{value:.3f}x", f"<= {at_most}x", verdict]


def section_targets(data):
    n = TARGET_N
    rows = [
        check(data, "static_fused vs hand_written", "W1", "float32", n, "static_fused", "hand_written", at_least=0.95),
        check(data, "static_fused vs per_op", "W1", "float32", n, "static_fused", "per_op", at_least=1.6),
        check(data, "static_fused vs eigen", "W1", "float32", n, "static_fused", "eigen", at_least=1.0),
        check(data, "static_fused vs per_op", "W2a", "float32", n, "static_fused", "per_op", at_least=8.0),
        check(data, "blocked within 1.5x of static_fused", "W1", "float32", n, "blocked", "static_fused", at_most=1.5),
        check_worst(data, "blocked within 1.5x of static_fused", "W1", "float32", "blocked", "static_fused", 1.5),
    ]
    out = ["", "## Targets", "",
           "Speed-ups are ratios of median times, time(other) / time(static_fused); for *blocked "
           "within 1.5x* the ratio is time(blocked) / time(static_fused), at 2^24 and at the worst "
           "size of the sweep.", ""]
    out += md_table(["target", "where", "measured", "goal", "verdict"], rows,
                    ["---", "---", "---:", "---:", "---"])
    met = sum(r[4] == "met" for r in rows)
    na = sum(r[3] == "n/a" for r in rows)
    out += ["", f"{met} of {len(rows) - na} measured targets met"
            + (f"; {na} not measured in this run." if na else ".")]
    return out


def section_context(context, data, title):
    out = [f"# {title}", ""]
    keys = [("date", "date"), ("host_name", "host"), ("executable", "executable"), ("num_cpus", "CPUs"),
            ("mhz_per_cpu", "MHz per CPU"), ("cpu_scaling_enabled", "CPU scaling enabled"),
            ("library_build_type", "Google Benchmark build"), ("xsym_threads_all", "threads (all)"),
            ("xsym_min_time_s", "min time per benchmark (s)"), ("eigen", "Eigen"), ("xtensor", "xtensor"),
            ("xtensor_xsimd", "xtensor xsimd")]
    for k, label in keys:
        if k in context:
            out.append(f"- {label}: {context[k]}")
    caches = context.get("caches")
    if caches:
        out.append("- caches: " + ", ".join(f"L{c.get('level')} {c.get('type', '').lower()} "
                                             f"{c.get('size', 0) // 1024} KiB"
                                             + (f" (x{c['num_sharing']} sharing)" if c.get("num_sharing", 0) > 1 else "")
                                             for c in caches))
    load_avg = context.get("load_avg")
    if load_avg:
        out.append("- load average at start: " + ", ".join(f"{x:.2f}" for x in load_avg))
    reps = sorted({r.repetitions for r in data.results.values()})
    out.append(f"- results: {len(data.results)} benchmarks, repetitions per benchmark: "
               + ", ".join(map(str, reps)))
    if context.get("library_build_type") == "debug":
        out.append("- note: Google Benchmark itself is a debug build (timings are still the code under test's)")
    return out


def section_errors(errors, ignored):
    out = []
    if errors:
        out += ["", "## Benchmarks skipped with an error", ""]
        out += md_table(["benchmark", "error"], [[n, m] for n, m in errors], ["---", "---"])
    if ignored:
        out += ["", "Ignored (name not in the suite's format): " + ", ".join(f"`{n}`" for n in ignored[:20])
                + (" ..." if len(ignored) > 20 else "")]
    return out


# ---- plots --------------------------------------------------------------------------------------

def plot_sweeps(data, plot_dir, prefix):
    """PNG per float32 workload with >= 3 sizes (W1 always, if present). Returns [(title, file)]."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    made = []
    for w in data.workloads():
        if w == "copy":
            continue
        d = "float32"
        t = data.all_threads(w, d)
        if t is None:
            continue
        sizes = data.sizes(w, d, t)
        if len(sizes) < (2 if w == "W1" else 3):
            continue
        fig, ax = plt.subplots(figsize=(10.5, 5.5))
        contenders = order({c for n in sizes for c in data.by_config.get((w, d, t, n), {})}, CONTENDER_ORDER)
        for c in contenders:
            pts = [(n, data.by_config[(w, d, t, n)][c].gbps) for n in sizes
                   if c in data.by_config.get((w, d, t, n), {})]
            if c.endswith("_misaligned"):  # one size only: a marker, no line
                ax.plot([p[0] for p in pts], [p[1] for p in pts], linestyle="none", marker="X",
                        markersize=8, label=c)
            elif pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", markersize=3, label=c)
        copy_pts = [(n, data.copy_bandwidth(d, t, n) / 1e9) for n in sizes]
        copy_pts = [p for p in copy_pts if math.isfinite(p[1])]
        if copy_pts:
            ax.plot([p[0] for p in copy_pts], [p[1] for p in copy_pts], "k--", linewidth=1, label="copy loop")
        ax.set_xscale("log", base=2)
        ax.set_xlabel("n (elements)")
        ax.set_ylabel("GB/s (compulsory bytes)")
        ax.set_title(f"{w} {d}, {t} threads: bandwidth vs size")
        ax.set_ylim(bottom=0)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
        fig.tight_layout()
        name = f"{prefix}-{w}-{d}.png"
        fig.savefig(os.path.join(plot_dir, name), dpi=110)
        plt.close(fig)
        made.append((f"{w} {d}, {t} threads", name))
    return made


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("json", nargs="+", help="Google Benchmark JSON output of cpu_suite")
    p.add_argument("--out", help="markdown file to write (also printed)")
    p.add_argument("--plot-dir", help="where PNGs go (default: next to --out; none without --out)")
    p.add_argument("--prefix", default="cpu", help="PNG file name prefix")
    p.add_argument("--title", default="xsym CPU benchmarks")
    p.add_argument("--no-plots", action="store_true")
    p.add_argument("--link-base", help="image links are relative to this folder (default: --out's)")
    p.add_argument("--embed", action="store_true",
                   help="for inclusion in a larger report: the title becomes a level-2 heading, "
                        "every other heading one level deeper")
    args = p.parse_args(argv)

    results, context, errors, ignored = load(args.json)
    if not results:
        print("report.py: no benchmark results in " + ", ".join(args.json), file=sys.stderr)
        return 1
    data = Data(results)
    lines = section_context(context, data, args.title)
    lines += [""] + section_targets(data)[1:]
    lines += [""] + section_tables(data)
    lines += section_sweep(data)
    lines += section_errors(errors, ignored)

    plot_dir = args.plot_dir or (os.path.dirname(os.path.abspath(args.out)) if args.out else None)
    if plot_dir and not args.no_plots:
        os.makedirs(plot_dir, exist_ok=True)
        made = plot_sweeps(data, plot_dir, args.prefix)
        lines += ["", "## Plots", ""]
        if made is None:
            lines.append("(not written: matplotlib is not installed)")
        md_dir = args.link_base or (os.path.dirname(os.path.abspath(args.out)) if args.out else plot_dir)
        for title, name in made or []:
            rel = os.path.relpath(os.path.join(plot_dir, name), md_dir)
            lines += [f"![{title}]({rel})", ""]
    if args.embed:
        lines = ["#" + ln if ln.startswith("#") else ln for ln in lines]
    text = "\n".join(lines).rstrip() + "\n"
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
