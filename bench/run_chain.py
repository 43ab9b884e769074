#!/usr/bin/env python3
"""Runs bench_chain, bench_chain_torch (when built) and chain_torch.py (when an interpreter
can import torch) and prints one markdown table of medians: build + backward + free of a
chain of n Tensor statements. Standard library only.

    run_chain.py --chain build/bench/bench/bench_chain [--torch .../bench_chain_torch] [--python /usr/bin/python3]
"""
import argparse
import json
import os
import platform
import subprocess
import sys

SIZES = (10000, 100000, 1000000)


def bench(exe, repetitions):
    cmd = [exe, "--benchmark_format=json", "--benchmark_repetitions=%d" % repetitions,
           "--benchmark_report_aggregates_only=true", "--benchmark_min_time=0"]
    print("+ " + " ".join([os.path.basename(exe)] + cmd[1:]), file=sys.stderr, flush=True)
    report = json.loads(subprocess.run(cmd, stdout=subprocess.PIPE, check=True, text=True).stdout)
    out = {}
    for b in report["benchmarks"]:
        if b.get("run_type") == "aggregate" and b["aggregate_name"] == "median":
            n = int(b["run_name"].split("/")[1])
            out[n] = b["real_time"] / 1e3  # ms -> s
    return out


def cpu():
    try:
        for line in subprocess.run(["lscpu"], stdout=subprocess.PIPE, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chain", required=True)
    parser.add_argument("--torch")
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    columns = [("ctgrad", bench(args.chain, args.repetitions))]
    if args.torch:
        columns.append(("LibTorch", bench(args.torch, args.repetitions)))
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "chain_torch.py")
    try:
        proc = subprocess.run([args.python, script, "--repetitions=%d" % args.repetitions],
                              stdout=subprocess.PIPE, text=True)
        if proc.returncode == 0:
            columns.append(("PyTorch (Python)", {int(k): v for k, v in json.loads(proc.stdout).items()}))
    except OSError:
        pass
    print("CPU: %s" % cpu())
    print()
    print("| statements | " + " | ".join(name + " (s)" for name, _ in columns) +
          "".join(" | %s / ctgrad" % name for name, _ in columns[1:]) + " |")
    print("|---" * (1 + 2 * len(columns) - 1) + "|")
    for n in SIZES:
        ours = columns[0][1][n]
        cells = ["%.3f" % col[n] for _, col in columns] + ["%.1f" % (col[n] / ours) for _, col in columns[1:]]
        print("| %d | %s |" % (n, " | ".join(cells)))


if __name__ == "__main__":
    main()
