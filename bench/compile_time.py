#!/usr/bin/env python3
"""Compile time of a learner's program: how long a compiler takes to build a small ctgrad
program, beside a hand-written loop that includes no ctgrad header.

Standard library only. Each program is compiled and linked (`header`: compiled to an object
only) with `<compiler> -std=c++20 <level> -I<include>` and nothing else (the examples also get
`-I<examples>` for "dot_option.hpp"), one compile at a time; the wall time and the CPU time
(user + sys of the compiler and everything it runs: cc1plus, as, ld) are the medians of --reps
runs. Programs:

  hand               a hand-written W1 training loop with <random>: loss mean((w*x + b - y)^2)
                     over 100 points, its gradients by w and b, 100 steps, prints w and b
  header             #include <ctgrad/tensor.hpp> and an empty main (object only: -c)
  one_statement      #include <ctgrad/tensor.hpp>, one Tensor statement (x * x).sum().backward()
                     on a tensor with requires_grad, and a print of x.grad()
  symbolic           the README's symbolic example, examples/readme.cpp
  exercise1, exercise2, exercise3, challenge_no_grad
                     the tutorial's programs, examples/<name>.cpp

The generated programs (hand, header, one_statement) are written into a scratch directory
(--scratch, default a temporary directory, removed afterwards); the others are compiled in
place. With --pch, a precompiled header of <ctgrad/tensor.hpp> is first built for each compiler
and level with the same flags (g++: a header that includes it, compiled to .gch and used with
-include and -Werror=invalid-pch; clang++: -x c++-header, that is -emit-pch, with
-fpch-instantiate-templates as CMake does, used with -include-pch), its build time is reported
separately, and every program that includes ctgrad is timed both without and with it (hand
includes no ctgrad header: "-").

With --runtime, the run-time part of the Tensor layer is first compiled once per compiler and
level into a static library, as CMake's ctgrad::runtime target builds it (src/runtime.cpp with
-DCTGRAD_SEPARATE_RUNTIME, then `ar`); its build time is reported separately, and every program
that includes ctgrad is also timed compiled with -DCTGRAD_SEPARATE_RUNTIME and linked with it
(with --pch too: also with a precompiled header built with that definition).

--include measures another include/ directory, e.g. a `git worktree` of an earlier commit for
"before" figures; the examples are then taken from the examples/ beside it (--examples to
choose), and the commit reported is that checkout's.

    bench/compile_time.py                                  # everything: g++ and clang++, -O0 and -O2
    bench/compile_time.py --pch --out /tmp/compile_time.md # also with a precompiled header
    bench/compile_time.py --pch --runtime                  # also linked with ctgrad::runtime
    bench/compile_time.py --reps 1 --compilers g++ --levels O2 --programs hand,header
    git worktree add /tmp/before <commit> && bench/compile_time.py --include /tmp/before/include
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

HAND = """\
// A hand-written W1 training loop: the reference a ctgrad program is compared with.
#include <cstdio>
#include <random>
#include <vector>

int main() {
    std::mt19937 gen(0);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const int n = 100;
    std::vector<float> x(n), y(n);
    for (int i = 0; i < n; ++i) {
        x[i] = normal(gen);
        y[i] = 2.0f * x[i] + 1.0f + 0.1f * normal(gen);
    }
    float w = normal(gen), b = normal(gen);
    const float learning_rate = 0.1f;
    for (int step = 0; step < 100; ++step) {
        // loss = mean((w * x + b - y)^2); its gradients by w and b
        float gw = 0.0f, gb = 0.0f;
        for (int i = 0; i < n; ++i) {
            const float r = w * x[i] + b - y[i];
            gw += 2.0f * r * x[i];
            gb += 2.0f * r;
        }
        w -= learning_rate * gw / n;
        b -= learning_rate * gb / n;
    }
    std::printf("w = %.4f, b = %.4f\\n", w, b);
}
"""

HEADER = """\
#include <ctgrad/tensor.hpp>

int main() {}
"""

ONE_STATEMENT = """\
#include <ctgrad/tensor.hpp>

#include <iostream>

int main() {
    ctgrad::Tensor x = ctgrad::tensor({1.0, 2.0, 3.0}, {.requires_grad = true});
    (x * x).sum().backward();
    std::cout << x.grad() << '\\n';
}
"""

PCH_HEADER = """\
#include <ctgrad/tensor.hpp>
"""

# name: (generated source or None, file under examples/ or None, object only, uses ctgrad)
PROGRAMS = {
    "hand": (HAND, None, False, False),
    "header": (HEADER, None, True, True),
    "one_statement": (ONE_STATEMENT, None, False, True),
    "symbolic": (None, "readme.cpp", False, True),
    "exercise1": (None, "exercise1.cpp", False, True),
    "exercise2": (None, "exercise2.cpp", False, True),
    "exercise3": (None, "exercise3.cpp", False, True),
    "challenge_no_grad": (None, "challenge_no_grad.cpp", False, True),
}


def run_timed(cmd, log_path, timeout):
    """Runs cmd, its output into log_path; returns (exit code, wall s, CPU user+sys s)."""
    with open(log_path, "wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        timer = None
        if timeout:
            timer = threading.Timer(timeout, proc.kill)
            timer.start()
        # wait4: the rusage of the compiler driver and of the processes it waited for
        # (cc1plus, as, collect2, ld), not of anything else this script runs.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if timer:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, wall, usage.ru_utime + usage.ru_stime


def first_line(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
    except OSError:
        return "(not found)"
    return out.splitlines()[0].strip() if out.strip() else "(unknown)"


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "(unknown)"


def commit_of(include_dir):
    top = os.path.dirname(os.path.abspath(include_dir))
    def git(*args):
        r = subprocess.run(["git", "-C", top, *args], capture_output=True, text=True, check=False)
        return r.stdout.strip() if r.returncode == 0 else ""
    rev = git("rev-parse", "HEAD")
    if not rev:
        return "(not a git checkout)"
    described = git("describe", "--always", "--tags")
    dirty = git("status", "--porcelain", "--", os.path.basename(os.path.abspath(include_dir)))
    text = f"{described} ({rev})"
    if dirty:
        text += ", with uncommitted changes in include/"
    return text


def slug(text):
    return "".join(c if c.isalnum() else "_" for c in text).strip("_")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=3, help="runs per compile, median reported")
    parser.add_argument("--compilers", default="g++,clang++", help="comma-separated")
    parser.add_argument("--levels", default="O0,O2",
                        help="comma-separated optimisation levels: O0,O2 (or --levels=-O0,-O2)")
    parser.add_argument("--programs", default=",".join(PROGRAMS),
                        help="comma-separated, of: " + ", ".join(PROGRAMS))
    parser.add_argument("--pch", action="store_true",
                        help="also time each program with a precompiled <ctgrad/tensor.hpp>")
    parser.add_argument("--runtime", action="store_true",
                        help="also time each program linked with the compiled run-time library")
    parser.add_argument("--include", default=os.path.join(REPO, "include"),
                        help="the include/ directory to measure (default: this repository's)")
    parser.add_argument("--examples", default=None,
                        help="the examples/ directory (default: the one beside --include)")
    parser.add_argument("--scratch", default=None,
                        help="directory for generated sources and outputs (default: a temporary one)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per compile (0: none)")
    parser.add_argument("--out", default=None, help="also write the report to this file")
    args = parser.parse_args()

    split = lambda s: [p for p in s.replace(" ", ",").split(",") if p]
    compilers, levels, programs = split(args.compilers), split(args.levels), split(args.programs)
    levels = [l if l.startswith("-") else "-" + l for l in levels]
    for p in programs:
        if p not in PROGRAMS:
            parser.error(f"unknown program {p!r} (known: {', '.join(PROGRAMS)})")
    if args.reps < 1:
        parser.error("--reps must be at least 1")
    include = os.path.abspath(args.include)
    if not os.path.isfile(os.path.join(include, "ctgrad", "tensor.hpp")):
        parser.error(f"{include} has no ctgrad/tensor.hpp")
    examples = os.path.abspath(args.examples or os.path.join(os.path.dirname(include), "examples"))
    runtime_source = os.path.join(os.path.dirname(include), "src", "runtime.cpp")
    if args.runtime and not os.path.isfile(runtime_source):
        parser.error(f"--runtime: {runtime_source} does not exist")
    for p in programs:
        name = PROGRAMS[p][1]
        if name and not os.path.isfile(os.path.join(examples, name)):
            parser.error(f"{os.path.join(examples, name)} does not exist")
    for cxx in compilers:
        if not shutil.which(cxx):
            parser.error(f"compiler {cxx!r} not found")

    scratch = args.scratch or tempfile.mkdtemp(prefix="ctgrad-compile-time-")
    os.makedirs(scratch, exist_ok=True)
    if os.path.commonpath([os.path.abspath(scratch), REPO]) == REPO:
        parser.error("--scratch must be outside the source tree")

    sources = {}
    for p in programs:
        text, example, _, _ = PROGRAMS[p]
        if text is not None:
            path = os.path.join(scratch, p + ".cpp")
            with open(path, "w") as f:
                f.write(text)
            sources[p] = path
        else:
            sources[p] = os.path.join(examples, example)

    load_before = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M")
    configs = [(cxx, level) for cxx in compilers for level in levels]
    # A mode: (label, linked with the run-time library, with a precompiled header).
    modes = [("", False, False)]
    if args.pch:
        modes.append(("pch", False, True))
    if args.runtime:
        modes.append(("runtime", True, False))
        if args.pch:
            modes.append(("runtime pch", True, True))
    # times[(cxx, level, mode label, program)] = [(wall, cpu), ...]; failures[...] = log path;
    # tool_times[(what, cxx, level)] = [(wall, cpu), ...] for the precompiled headers and the library
    times, failures, tool_times, tool_failures = {}, {}, {}, {}

    def base_flags(level, runtime=False):
        return ["-std=c++20", level, "-I" + include] + (["-DCTGRAD_SEPARATE_RUNTIME"] if runtime else [])

    def time_tool(what, cxx, level, cmds, log):
        """Runs cmds in order --reps times; records the total per run; False when one fails."""
        runs = []
        for _ in range(args.reps):
            wall = cpu = 0.0
            for cmd in cmds:
                code, w, c = run_timed(cmd, log, args.timeout)
                if code != 0:
                    tool_failures[(what, cxx, level)] = log
                    return False
                wall, cpu = wall + w, cpu + c
            runs.append((wall, cpu))
        tool_times[(what, cxx, level)] = runs
        print(f"[{cxx} {level}] {what}: {statistics.median(r[0] for r in runs):.2f} s", file=sys.stderr)
        return True

    for cxx, level in configs:
        tag = slug(f"{cxx}{level}")
        extra = {}  # mode label -> extra compile arguments, or None when its tool failed
        runtime_lib = None
        if args.runtime:
            obj = os.path.join(scratch, f"runtime-{tag}.o")
            lib = os.path.join(scratch, f"libctgrad_runtime-{tag}.a")
            if os.path.exists(lib):
                os.remove(lib)
            cmds = [[cxx, *base_flags(level, True), "-c", runtime_source, "-o", obj], ["ar", "rcs", lib, obj]]
            if time_tool("runtime library", cxx, level, cmds, os.path.join(scratch, f"runtime-{tag}.log")):
                runtime_lib = lib
        for label, runtime, pch in modes:
            if runtime and runtime_lib is None:
                extra[label] = None
                continue
            flags = ["-DCTGRAD_SEPARATE_RUNTIME"] if runtime else []
            if pch:
                pch_dir = os.path.join(scratch, "pch-" + tag + ("-runtime" if runtime else ""))
                os.makedirs(pch_dir, exist_ok=True)
                header = os.path.join(pch_dir, "ctgrad_pch.hpp")
                with open(header, "w") as f:
                    f.write(PCH_HEADER)
                if "clang" in os.path.basename(cxx):
                    out = header + ".pch"
                    cmd = [cxx, *base_flags(level, runtime), "-x", "c++-header", header,
                           "-fpch-instantiate-templates", "-o", out]  # -x c++-header: -emit-pch
                    use = ["-include-pch", out]
                else:
                    out = header + ".gch"
                    cmd = [cxx, *base_flags(level, runtime), "-x", "c++-header", header, "-o", out]
                    use = ["-include", header, "-Werror=invalid-pch"]
                what = "precompiled header" + (" (runtime)" if runtime else "")
                if not time_tool(what, cxx, level, [cmd], os.path.join(pch_dir, "pch.log")):
                    extra[label] = None
                    continue
                flags += use
            extra[label] = flags

        for rep in range(args.reps):
            for p in programs:
                _, example, object_only, uses_ctgrad = PROGRAMS[p]
                for label, runtime, pch in modes:
                    if label and (not uses_ctgrad or extra[label] is None):
                        continue
                    key = (cxx, level, label, p)
                    if key in failures:
                        continue
                    out = os.path.join(scratch, f"{p}-{tag}{'-' + slug(label) if label else ''}")
                    cmd = [cxx, *base_flags(level)]
                    if example:
                        cmd.append("-I" + examples)
                    cmd += extra[label]
                    if object_only:
                        cmd += ["-c", sources[p], "-o", out + ".o"]
                    else:
                        cmd += [sources[p], "-o", out] + ([runtime_lib] if runtime else [])
                    log = out + ".log"
                    code, wall, cpu = run_timed(cmd, log, args.timeout)
                    if code != 0:
                        failures[key] = log
                        continue
                    times.setdefault(key, []).append((wall, cpu))
                    print(f"[{cxx} {level}{' ' + label if label else ''}] {p}: {wall:.2f} s wall, {cpu:.2f} s CPU",
                          file=sys.stderr)
    load_after = os.getloadavg()

    def median(key, which):
        runs = times.get(key)
        return statistics.median(r[which] for r in runs) if runs else None

    def cell(key, which):
        if key in failures:
            return "error"
        value = median(key, which)
        return "-" if value is None else f"{value:.2f}"

    # The reference: hand with g++ -O2 when measured, else with the first configuration.
    ref_cfg = ("g++", "-O2") if ("g++", "-O2") in configs else configs[0]
    ref = median((*ref_cfg, "", "hand"), 0)
    columns = [(cxx, level, label) for cxx, level in configs for label, _, _ in modes]

    def header_row(first, extra):
        names = [f"{c} {l}" + (" " + label if label else "") for c, l, label in columns]
        return [f"| {first} | " + " | ".join(names + extra) + " |",
                "| --- | " + " | ".join(["---:"] * (len(names) + len(extra))) + " |"]

    ratio_cols = [label for label, _, _ in modes]
    ratio_names = [f"÷ hand ({ref_cfg[0]} {ref_cfg[1]}{' ' + label if label else ''})" for label in ratio_cols]
    lines = [f"Compile + link time, seconds (median of {args.reps}, wall); `header` is compiled to an "
             "object only.", ""]
    lines += header_row("program", ratio_names)
    for p in programs:
        row = [cell((c, l, label, p), 0) for c, l, label in columns]
        for label in ratio_cols:
            value = median((*ref_cfg, label, p), 0)
            row.append(f"{value / ref:.1f}" if value is not None and ref else "-")
        lines.append(f"| {p} | " + " | ".join(row) + " |")
    lines += ["", f"CPU time (user + sys of the compiler and the tools it runs), seconds (median of {args.reps}):", ""]
    lines += header_row("program", [])
    for p in programs:
        lines.append(f"| {p} | " + " | ".join(cell((c, l, label, p), 1) for c, l, label in columns) + " |")
    tools = sorted({what for what, _, _ in [*tool_times, *tool_failures]})
    if tools:
        lines += ["", "Built once per compiler and level (a build pays it once, and again only when a "
                  f"header changes), seconds (median of {args.reps}):", "",
                  "| what | compiler | level | wall | CPU |", "| --- | --- | --- | ---: | ---: |"]
        for what in tools:
            for cxx, level in configs:
                runs = tool_times.get((what, cxx, level)) or []
                if runs:
                    wall = statistics.median(r[0] for r in runs)
                    cpu = statistics.median(r[1] for r in runs)
                    lines.append(f"| {what} | {cxx} | {level} | {wall:.2f} | {cpu:.2f} |")
                else:
                    lines.append(f"| {what} | {cxx} | {level} | error | error |")
    lines += ["", f"- machine: {cpu_model()}, {os.cpu_count()} logical CPUs; load average "
              f"(1, 5, 15 min) before {', '.join(f'{x:.2f}' for x in load_before)}, after "
              f"{', '.join(f'{x:.2f}' for x in load_after)}; started {started}"]
    for cxx in compilers:
        lines.append(f"- {cxx}: {first_line([cxx, '--version'])}")
    lines.append(f"- headers measured: {commit_of(include)}")
    lines.append(f"- flags: `-std=c++20 <level> -I<include>` (examples also `-I<examples>`)"
                 + ("; with pch, g++ `-include <header> -Werror=invalid-pch` (its .gch beside it), "
                    "clang++ `-include-pch <header>.pch`" if args.pch else "")
                 + ("; with runtime, `-DCTGRAD_SEPARATE_RUNTIME` and the library on the link line"
                    if args.runtime else ""))
    report = "\n".join(lines) + "\n"

    problems = []
    for key, log in sorted({**failures, **tool_failures}.items()):
        with open(log, errors="replace") as f:
            head = "".join(f.readlines()[:8])
        problems.append(f"{' '.join(str(k) for k in key)} failed ({log}):\n{head}")

    print(report, end="")
    if args.out:
        with open(args.out, "w") as f:
            f.write(report)
    for text in problems:
        print(text, file=sys.stderr)
    if not args.scratch and not problems:
        shutil.rmtree(scratch, ignore_errors=True)
    elif problems:
        print(f"outputs and logs kept in {scratch}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
