#!/usr/bin/env python3
"""Runs bench_fused and bench_fused_torch and prints one markdown table of medians.

Standard library only. Small sizes (N = 10, 1 000) get 10 repetitions, large sizes 5; every
run uses random interleaving. ctgrad, the hand-written loop and the plain read share one
process, so their ratios come from one run; LibTorch is a separate process run right after.

    run_fused.py --fused build/bench/bench/bench_fused [--torch .../bench_fused_torch]
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time

SMALL = (10, 1000)
LARGE = (1000000, 10000000)
TYPES = ("float", "double")

# (name in the table, benchmark case name)
OURS = (("ctgrad", "ctgrad"), ("hand", "hand"), ("read", "read"))
TORCH = (("torch 1 thread", "torch_1thread"), ("torch default", "torch_default"))

TARGETS_TEXT = """\
Targets: ctgrad/hand <= 1.10 at every N; ctgrad/read <= 1.25 at N = 10 000 000;
torch(1 thread)/ctgrad >= 1000 at N = 10 and >= 10 at N = 1 000 000."""


def size_filter(sizes):
    return "/(" + "|".join(str(n) for n in sizes) + ")(/|$)"


def run(exe, sizes, repetitions, min_time, out_path):
    cmd = [
        exe,
        "--benchmark_filter=" + size_filter(sizes),
        "--benchmark_format=json",
        "--benchmark_repetitions=%d" % repetitions,
        "--benchmark_enable_random_interleaving=true",
        "--benchmark_min_time=%g" % min_time,
        "--benchmark_report_aggregates_only=true",
    ]
    print("+ " + " ".join([os.path.basename(exe)] + cmd[1:]), file=sys.stderr, flush=True)
    start = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, check=True, text=True)
    print("  %.0f s" % (time.monotonic() - start), file=sys.stderr, flush=True)
    if out_path:
        with open(out_path, "w") as f:
            f.write(proc.stdout)
    return json.loads(proc.stdout)


def collect(report, medians, cvs):
    to_ns = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
    for b in report["benchmarks"]:
        if b.get("run_type") != "aggregate":
            continue
        case, typ, n = b["run_name"].split("/")[:3]  # case/type/N[/real_time]
        key = (case, typ, int(n))
        if b["aggregate_name"] == "median":
            medians[key] = b["real_time"] * to_ns[b["time_unit"]]
        elif b["aggregate_name"] == "cv":
            cvs[key] = b["real_time"]  # a fraction, unit-free


def fmt_time(ns):
    if ns is None:
        return "-"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return "%.3g %s" % (ns / scale, unit)
    return "%.3g ns" % ns


def fmt_ratio(r):
    if r is None:
        return "-"
    if r >= 100:
        return "%.0f" % r
    return "%.2f" % r


def ratio(a, b):
    return a / b if a is not None and b is not None and b > 0 else None


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fused", help="path of bench_fused (required unless --from-json)")
    ap.add_argument("--torch", help="path of bench_fused_torch (omit to skip LibTorch)")
    ap.add_argument("--json-dir", help="directory for the raw JSON of each run and the table")
    ap.add_argument("--from-json", action="store_true",
                    help="do not run anything: rebuild the table from the JSON files in --json-dir")
    ap.add_argument("--min-time-small", type=float, default=0.1,
                    help="--benchmark_min_time per repetition for N <= 1 000, seconds (default 0.1)")
    ap.add_argument("--min-time-large", type=float, default=0.3,
                    help="--benchmark_min_time per repetition for larger N, seconds (default 0.3)")
    ap.add_argument("--small-reps", type=int, default=10)
    ap.add_argument("--large-reps", type=int, default=5)
    args = ap.parse_args()
    if args.from_json and not args.json_dir:
        ap.error("--from-json needs --json-dir")
    if not args.from_json and not args.fused:
        ap.error("--fused is required")
    if args.from_json and not args.torch and os.path.exists(os.path.join(args.json_dir, "torch_small.json")):
        args.torch = "bench_fused_torch"

    def out(name):
        return os.path.join(args.json_dir, name) if args.json_dir else None

    medians, cvs = {}, {}
    contexts = []
    plan = [(args.fused, "fused")]
    if args.torch:
        plan.append((args.torch, "torch"))
    started = time.monotonic()
    for exe, tag in plan:
        for sizes, reps, min_time, label in ((SMALL, args.small_reps, args.min_time_small, "small"),
                                             (LARGE, args.large_reps, args.min_time_large, "large")):
            if args.from_json:
                with open(out("%s_%s.json" % (tag, label))) as f:
                    report = json.load(f)
            else:
                report = run(exe, sizes, reps, min_time, out("%s_%s.json" % (tag, label)))
            contexts.append((tag, report["context"]))
            collect(report, medians, cvs)
    elapsed = time.monotonic() - started

    lines = []

    def emit(text=""):
        lines.append(text)

    ctx = dict(contexts[0][1])
    torch_ctx = next((c for t, c in contexts if t == "torch"), None)
    emit()
    emit("Machine: %s, %d CPUs at %s MHz; load average at start %s." % (
        cpu_model(), ctx.get("num_cpus", 0), ctx.get("mhz_per_cpu", "?"),
        ", ".join("%.2f" % x for x in ctx.get("load_avg", [])) or "?"))
    emit("bench_fused: %s. %s" % (ctx.get("compile_flags", "?"), ctx.get("hand_variant", "")))
    if torch_ctx:
        emit("bench_fused_torch: %s; at::get_num_threads() at start: %s; \"default\" = at::set_num_threads(%s)." % (
            torch_ctx.get("compile_flags", "?"), torch_ctx.get("torch_initial_num_threads", "?"),
            torch_ctx.get("torch_default_case_threads", "?")))
    emit("Median wall time per call (value and both gradients); %d repetitions for N <= 1 000, %d above;"
          " random interleaving; --benchmark_min_time=%g and %g s. %s" % (
              args.small_reps, args.large_reps, args.min_time_small, args.min_time_large,
              "Rebuilt from saved JSON." if args.from_json else "Total run %.0f s." % elapsed))
    if args.torch:
        emit("ctgrad, hand and read ran in one process (their ratios are from one run); LibTorch ran in a"
              " separate process right after.")
    else:
        emit("ctgrad, hand and read ran in one process (their ratios are from one run); LibTorch not run.")
    emit()

    cases = list(OURS) + (list(TORCH) if args.torch else [])
    head = ["N", "type"] + [c[0] for c in cases] + ["ctgrad/hand", "ctgrad/read"]
    if args.torch:
        head += ["torch 1t/ctgrad", "torch default/ctgrad"]
    emit("| " + " | ".join(head) + " |")
    emit("|" + "|".join(["---:"] * len(head)) + "|")
    worst = {}
    for n in SMALL + LARGE:
        for typ in TYPES:
            m = {case: medians.get((case, typ, n)) for _, case in cases}
            row = ["{:,}".format(n).replace(",", " "), typ] + [fmt_time(m[case]) for _, case in cases]
            r_hand = ratio(m["ctgrad"], m["hand"])
            r_read = ratio(m["ctgrad"], m["read"])
            row += [fmt_ratio(r_hand), fmt_ratio(r_read)]
            if args.torch:
                r_t1 = ratio(m.get("torch_1thread"), m["ctgrad"])
                r_td = ratio(m.get("torch_default"), m["ctgrad"])
                row += [fmt_ratio(r_t1), fmt_ratio(r_td)]
                worst[(typ, n)] = (r_hand, r_read, r_t1)
            else:
                worst[(typ, n)] = (r_hand, r_read, None)
            emit("| " + " | ".join(row) + " |")

    emit()
    emit("Coefficient of variation of the repetitions (stddev/mean), per case:")
    emit()
    emit("| N | type | " + " | ".join(c[0] for c in cases) + " |")
    emit("|" + "|".join(["---:"] * (len(cases) + 2)) + "|")
    for n in SMALL + LARGE:
        for typ in TYPES:
            cells = []
            for _, case in cases:
                cv = cvs.get((case, typ, n))
                cells.append("-" if cv is None else "%.0f%%" % (100 * cv))
            emit("| {} | {} | {} |".format("{:,}".format(n).replace(",", " "), typ, " | ".join(cells)))

    emit()
    emit(TARGETS_TEXT)
    checks = []
    for (typ, n), (r_hand, r_read, r_t1) in sorted(worst.items(), key=lambda kv: (kv[0][1], TYPES.index(kv[0][0]))):
        if r_hand is not None:
            checks.append(("ctgrad/hand %s N=%d" % (typ, n), r_hand, r_hand <= 1.10))
        if n == 10000000 and r_read is not None:
            checks.append(("ctgrad/read %s N=%d" % (typ, n), r_read, r_read <= 1.25))
        if n == 10 and r_t1 is not None:
            checks.append(("torch1/ctgrad %s N=%d" % (typ, n), r_t1, r_t1 >= 1000))
        if n == 1000000 and r_t1 is not None:
            checks.append(("torch1/ctgrad %s N=%d" % (typ, n), r_t1, r_t1 >= 10))
    for what, value, ok in checks:
        emit("  %-32s %8s  %s" % (what, fmt_ratio(value), "met" if ok else "MISSED"))


    report = "\n".join(lines) + "\n"
    sys.stdout.write(report)
    if args.json_dir:
        with open(os.path.join(args.json_dir, "bench_fused_table.md"), "w") as f:
            f.write(report)

if __name__ == "__main__":
    main()
