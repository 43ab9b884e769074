#!/usr/bin/env python3
"""Runs bench_step and bench_step_torch and prints one markdown table of medians.

Exercise 3's whole training step (forward, zero the grads, backward, update), float32, at
N = 10, 1 000 and 100 000. Standard library only. Each executable runs once over all sizes
with repetitions and random interleaving; the table reports the median of the repetitions.
The four ctgrad variants share one process, so their ratios come from one run; LibTorch is
a separate process run right after.

    run_step.py --step build/bench/bench/bench_step [--torch .../bench_step_torch]
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time

SIZES = (10, 1000, 100000)

# (name in the table, benchmark case name)
OURS = (("Tensor no_grad", "tensor_nograd"), ("Tensor .data", "tensor_data"),
        ("value_and_grad", "vag"), ("hand", "hand"))
TORCH = (("torch 1 thread", "torch_1thread"), ("torch default", "torch_default"))


def run(exe, repetitions, min_time, out_path):
    cmd = [
        exe,
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
        case, n = b["run_name"].split("/")[:2]  # case/N[/real_time]
        key = (case, int(n))
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


def fmt_n(n):
    return "{:,}".format(n).replace(",", " ")


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
    ap.add_argument("--step", help="path of bench_step (required unless --from-json)")
    ap.add_argument("--torch", help="path of bench_step_torch (omit to skip LibTorch)")
    ap.add_argument("--json-dir", help="directory for the raw JSON of each run and the table")
    ap.add_argument("--from-json", action="store_true",
                    help="do not run anything: rebuild the table from the JSON files in --json-dir")
    ap.add_argument("--min-time", type=float, default=0.1,
                    help="--benchmark_min_time per repetition, seconds (default 0.1)")
    ap.add_argument("--reps", type=int, default=10, help="repetitions of every case (default 10)")
    args = ap.parse_args()
    if args.from_json and not args.json_dir:
        ap.error("--from-json needs --json-dir")
    if not args.from_json and not args.step:
        ap.error("--step is required")
    if args.from_json and not args.torch and os.path.exists(os.path.join(args.json_dir, "step_torch.json")):
        args.torch = "bench_step_torch"

    def out(name):
        return os.path.join(args.json_dir, name) if args.json_dir else None

    medians, cvs = {}, {}
    contexts = {}
    plan = [(args.step, "step", "step.json")]
    if args.torch:
        plan.append((args.torch, "torch", "step_torch.json"))
    started = time.monotonic()
    for exe, tag, json_name in plan:
        if args.from_json:
            with open(out(json_name)) as f:
                report = json.load(f)
        else:
            report = run(exe, args.reps, args.min_time, out(json_name))
        contexts[tag] = report["context"]
        collect(report, medians, cvs)
    elapsed = time.monotonic() - started

    lines = []

    def emit(text=""):
        lines.append(text)

    ctx = contexts["step"]
    torch_ctx = contexts.get("torch")
    emit()
    emit("Machine: %s, %d CPUs at %s MHz; load average at start %s." % (
        cpu_model(), ctx.get("num_cpus", 0), ctx.get("mhz_per_cpu", "?"),
        ", ".join("%.2f" % x for x in ctx.get("load_avg", [])) or "?"))
    emit("bench_step: %s." % ctx.get("compile_flags", "?"))
    if torch_ctx:
        emit("bench_step_torch: %s; at::get_num_threads() at start: %s; \"default\" = at::set_num_threads(%s)." % (
            torch_ctx.get("compile_flags", "?"), torch_ctx.get("torch_initial_num_threads", "?"),
            torch_ctx.get("torch_default_case_threads", "?")))
        same = ctx.get("data") == torch_ctx.get("data")
        emit("Data (manual_seed(0), randn): %s in both executables%s." % (
            "identical sums and initial parameters" if same else "DIFFERENT",
            "" if same else " (ctgrad: %s; LibTorch: %s)" % (ctx.get("data"), torch_ctx.get("data"))))
    emit("Checked before timing: 100 steps end at w = 1.689080, b = 0.714315 at N = 10; largest deviation"
         " from a long double reference after 100 steps: ctgrad %s%s." % (
             ctx.get("check_max_deviation_100_steps", "?"),
             "; LibTorch %s" % torch_ctx.get("check_max_deviation_100_steps", "?") if torch_ctx else ""))
    emit("Median wall time per step; %d repetitions, random interleaving, --benchmark_min_time=%g s. %s" % (
        args.reps, args.min_time, "Rebuilt from saved JSON." if args.from_json else "Total run %.0f s." % elapsed))
    emit("The ctgrad variants ran in one process (their ratios are from one run); %s" % (
        "LibTorch ran in a separate process right after." if args.torch else "LibTorch not run."))
    emit()

    cases = list(OURS) + (list(TORCH) if args.torch else [])
    head = ["N"] + [c[0] for c in cases] + ["Tensor/value_and_grad", "Tensor/hand"]
    if args.torch:
        head += ["torch 1t/Tensor"]
    head += [".data/Tensor"]
    emit("| " + " | ".join(head) + " |")
    emit("|" + "|".join(["---:"] * len(head)) + "|")
    for n in SIZES:
        m = {case: medians.get((case, n)) for _, case in cases}
        t = m["tensor_nograd"]
        row = [fmt_n(n)] + [fmt_time(m[case]) for _, case in cases]
        row += [fmt_ratio(ratio(t, m["vag"])), fmt_ratio(ratio(t, m["hand"]))]
        if args.torch:
            row += [fmt_ratio(ratio(m.get("torch_1thread"), t))]
        row += [fmt_ratio(ratio(m["tensor_data"], t))]
        emit("| " + " | ".join(row) + " |")

    emit()
    emit("Coefficient of variation of the repetitions (stddev/mean), per case:")
    emit()
    emit("| N | " + " | ".join(c[0] for c in cases) + " |")
    emit("|" + "|".join(["---:"] * (len(cases) + 1)) + "|")
    for n in SIZES:
        cells = []
        for _, case in cases:
            cv = cvs.get((case, n))
            cells.append("-" if cv is None else "%.0f%%" % (100 * cv))
        emit("| {} | {} |".format(fmt_n(n), " | ".join(cells)))

    report = "\n".join(lines) + "\n"
    sys.stdout.write(report)
    if args.json_dir:
        with open(os.path.join(args.json_dir, "bench_step_table.md"), "w") as f:
            f.write(report)


if __name__ == "__main__":
    main()
