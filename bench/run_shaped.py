#!/usr/bin/env python3
"""Runs bench_shaped (ctgrad and the hand loops, one process) and bench_shaped_torch, and prints
one markdown table of medians with the ratios ctgrad/hand and torch/ctgrad.

Standard library only. Each case runs 5 repetitions with random interleaving.

    run_shaped.py --shaped LABEL=build/bench/bench/bench_shaped [--shaped LABEL2=...] [--torch .../bench_shaped_torch]

Several --shaped executables (the same source built with other compilers or flags) give one
block of rows each; the LibTorch column is the same for all.
"""

import argparse
import json
import platform
import subprocess
import sys

TARGETS_TEXT = """\
Targets: logistic ctgrad/hand <= 1.3 and torch(1 thread)/ctgrad >= 10;
perceptron ctgrad/hand <= 2 and torch(1 thread)/ctgrad >= 3."""


def run(exe, repetitions, min_time):
    cmd = [exe, "--benchmark_format=json", "--benchmark_repetitions=%d" % repetitions,
           "--benchmark_enable_random_interleaving=true", "--benchmark_min_time=%g" % min_time,
           "--benchmark_report_aggregates_only=true"]
    print("+ " + " ".join(cmd), file=sys.stderr, flush=True)
    out = subprocess.run(cmd, stdout=subprocess.PIPE, check=True, text=True).stdout
    medians = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("aggregate_name") == "median":
            medians[b["run_name"].replace("/real_time", "")] = b["real_time"]
    return medians


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--shaped", action="append", required=True, help="LABEL=path of a bench_shaped build")
    p.add_argument("--torch")
    p.add_argument("--repetitions", type=int, default=5)
    p.add_argument("--min-time", type=float, default=0.3)
    args = p.parse_args(argv)

    torch = run(args.torch, args.repetitions, args.min_time) if args.torch else {}
    flags = open("/proc/cpuinfo").read() if sys.platform.startswith("linux") else ""
    print("CPU: %s (%s)" % (cpu_name(), "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "no AVX2"))
    print()
    print("| build | case | type | size | ctgrad (us) | hand (us) | torch 1 thread (us) | ctgrad/hand | torch/ctgrad |")
    print("|---|---|---|---|---:|---:|---:|---:|---:|")
    for spec in args.shaped:
        label, exe = spec.split("=", 1)
        ours = run(exe, args.repetitions, args.min_time)
        for workload, size_name in (("logistic", "d"), ("perceptron", "h")):
            for t in ("float", "double"):
                for size, n in (((8, 100000), (64, 100000)) if workload == "logistic" else ((16, 10000), (64, 10000))):
                    key = "%s/%s/%%s/%d/%d" % (workload, t, size, n)
                    c = ours.get(key % "ctgrad")
                    h = ours.get(key % "hand")
                    tt = torch.get(key % "torch_1thread")
                    ratio = "%.2f" % (c / h) if c and h else "-"
                    tr = "%.1f" % (tt / c) if c and tt else "-"
                    print("| %s | %s | %s | %s=%d, N=%d | %.0f | %.0f | %s | %s | %s |" % (
                        label, workload, t, size_name, size, n, c or 0, h or 0, "%.0f" % tt if tt else "-", ratio, tr))
    print()
    print(TARGETS_TEXT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
