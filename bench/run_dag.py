#!/usr/bin/env python3
"""Runs bench_dag and prints the run-time cost of the gradient as one markdown table.

Standard library only. Every case runs in one process with random interleaving; the table
gives the median wall time of the repetitions and, per case, value_and_grad time / the
hand-written function-only loop (for the chain: value_and_grad / ctgrad's value). A second
table gives the second-order case (hessian: a 5-parameter logistic loss): value_grad_and_hessian
and hvp against the hand-written function-only loop and against ctgrad's value.

    run_dag.py --exe build/bench/bench/bench_dag [--json-dir DIR]
    run_dag.py --json-dir DIR --from-json          # print the table again
"""

import argparse
import json
import os
import subprocess
import sys
import time

# (case, what it computes, target of the ratio, FastAD's published ratio or None)
CASES = (
    ("sum", "sum(x) by x (array gradient)", 2.0, 2.6),
    ("prod", "exp(sum(log(x))) by x (array gradient)", 3.0, 12.0),
    ("lse", "log(sum(exp(x))) by x (array gradient)", 2.0, 1.5),
    ("normal", "normal log-density by mu, sigma", 2.0, 3.0),
    ("regress", "regression log-likelihood by w0..w4, sigma", 2.0, 2.1),
    ("chain", "depth-20 chain by x, y (scalars)", 3.0, None),
)

# Second order: (case, what it computes, target of value_grad_and_hessian / value). The target is
# judged against both denominators, the hand-written function-only loop and ctgrad's value.
SECOND = (
    ("hessian", "logistic loss mean(log1p(exp(z)) - y z), z = w0 + w1 x1 + ... + w4 x4, by w0..w4", 6.0),
)

# Not counted against the targets: the normal and regression losses with -n log(sigma) and the
# division by 2 sigma^2 written outside the sum by hand.
EXTRA = (
    ("normal_hoisted", "normal, invariants outside the sum"),
    ("regress_hoisted", "regression, invariants outside the sum"),
)


def run(exe, reps, min_time, out_path):
    cmd = [exe, "--benchmark_format=json", "--benchmark_repetitions=%d" % reps,
           "--benchmark_enable_random_interleaving=true", "--benchmark_min_time=%g" % min_time,
           "--benchmark_report_aggregates_only=true"]
    print("+ " + " ".join([os.path.basename(exe)] + cmd[1:]), file=sys.stderr, flush=True)
    start = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, check=True, text=True)
    print("  %.0f s" % (time.monotonic() - start), file=sys.stderr, flush=True)
    if out_path:
        with open(out_path, "w") as f:
            f.write(proc.stdout)
    return json.loads(proc.stdout)


def fmt_time(ns):
    if ns is None:
        return "-"
    for unit, scale in (("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return "%.3g %s" % (ns / scale, unit)
    return "%.3g ns" % ns


def fmt_ratio(r):
    return "-" if r is None else "%.2f" % r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--exe", help="path of bench_dag (required unless --from-json)")
    ap.add_argument("--json-dir", help="directory for the raw JSON and the table")
    ap.add_argument("--from-json", action="store_true")
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--min-time", type=float, default=0.1, help="--benchmark_min_time per repetition, seconds")
    args = ap.parse_args()
    if args.from_json and not args.json_dir:
        ap.error("--from-json needs --json-dir")
    if not args.from_json and not args.exe:
        ap.error("--exe is required")
    json_path = os.path.join(args.json_dir, "bench_dag.json") if args.json_dir else None
    started = time.monotonic()
    if args.from_json:
        with open(json_path) as f:
            report = json.load(f)
    else:
        report = run(args.exe, args.reps, args.min_time, json_path)
    elapsed = time.monotonic() - started

    to_ns = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
    med, cv = {}, {}
    for b in report["benchmarks"]:
        if b.get("run_type") != "aggregate":
            continue
        case, variant = b["run_name"].split("/")[:2]
        if b["aggregate_name"] == "median":
            med[(case, variant)] = b["real_time"] * to_ns[b["time_unit"]]
        elif b["aggregate_name"] == "cv":
            cv[(case, variant)] = b["real_time"]

    ctx = report["context"]
    lines = []
    lines.append("bench_dag: %s; N = %s doubles; load average at start %s; median of %d repetitions,"
                 " random interleaving, --benchmark_min_time=%g s. %s" % (
                     ctx.get("compile_flags", "?"), ctx.get("n", "?"),
                     ", ".join("%.2f" % x for x in ctx.get("load_avg", [])) or "?", args.reps, args.min_time,
                     "Rebuilt from saved JSON." if args.from_json else "Total run %.0f s." % elapsed))
    lines.append("")
    lines.append("| case | hand (function only) | ctgrad value | ctgrad value_and_grad | grad/hand | grad/value |"
                 " target | FastAD | max CV |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    verdicts = []
    for case, what, target, fastad in CASES:
        h, v, g = med.get((case, "hand")), med.get((case, "value")), med.get((case, "grad"))
        gh = g / h if g and h else None
        gv = g / v if g and v else None
        measured = gv if case == "chain" else gh
        worst_cv = max((cv.get((case, k), 0.0) for k in ("hand", "value", "grad")), default=0.0)
        lines.append("| %s: %s | %s | %s | %s | %s | %s | %s %.1f | %s | %.0f%% |" % (
            case, what, fmt_time(h), fmt_time(v), fmt_time(g), fmt_ratio(gh), fmt_ratio(gv),
            "grad/value <=" if case == "chain" else "<=", target,
            "-" if fastad is None else "%.1f" % fastad, 100 * worst_cv))
        if measured is not None:
            verdicts.append((case, measured, target, measured <= target))
    for case, what in EXTRA:
        h, v, g = med.get((case, "hand")), med.get((case, "value")), med.get((case, "grad"))
        if g is None:
            continue
        worst_cv = max((cv.get((case, k), 0.0) for k in ("hand", "value", "grad")), default=0.0)
        lines.append("| (%s: %s) | %s | %s | %s | %s | %s | - | - | %.0f%% |" % (
            case, what, fmt_time(h), fmt_time(v), fmt_time(g), fmt_ratio(g / h if h else None),
            fmt_ratio(g / v if v else None), 100 * worst_cv))
    second = []
    for case, what, target in SECOND:
        t = {k: med.get((case, k)) for k in ("hand", "value", "grad", "hess", "hvp")}
        if t["hess"] is None:
            continue
        worst_cv = max((cv.get((case, k), 0.0) for k in t), default=0.0)
        ratio = lambda a, b: t[a] / t[b] if t[a] and t[b] else None
        second.append("| %s: %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | <= %.1f | %.0f%% |" % (
            case, what, fmt_time(t["hand"]), fmt_time(t["value"]), fmt_time(t["grad"]), fmt_time(t["hess"]),
            fmt_time(t["hvp"]), fmt_ratio(ratio("hess", "hand")), fmt_ratio(ratio("hess", "value")),
            fmt_ratio(ratio("grad", "value")), fmt_ratio(ratio("hvp", "value")), target, 100 * worst_cv))
        for denominator in ("hand", "value"):
            r = ratio("hess", denominator)
            if r is not None:
                verdicts.append(("%s (hess/%s)" % (case, denominator), r, target, r <= target))
    if second:
        lines.append("")
        lines.append("| case | hand (function only) | ctgrad value | ctgrad value_and_grad | ctgrad value_grad_and_hessian |"
                     " ctgrad hvp | hess/hand | hess/value | grad/value | hvp/value | target (hess) | max CV |")
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        lines.extend(second)
    a = med.get(("alloc", "hand"))
    lines.append("")
    lines.append("Allocating and zeroing one std::vector<double>(N) (what an array gradient allocates): %s." % fmt_time(a))
    lines.append("")
    for case, r, target, ok in verdicts:
        lines.append("  %-20s %6.2f  target %.1f  %s" % (case, r, target, "met" if ok else "MISSED"))
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.json_dir:
        with open(os.path.join(args.json_dir, "bench_dag_table.md"), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
