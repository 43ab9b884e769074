#!/usr/bin/env python3
"""Compile-time scaling of ctgrad: how long g++ takes to compile a value and a full gradient.

Standard library only. Generates one C++ source per case into a scratch directory and times
`g++ -std=c++20 -O2 -I<include>` on it (compile and link), with a per-compile timeout. Cases:

  chain  s0 = x*y + sin(x);  s_{k+1} = sin(s_k)*x + s_k*y  at depths 4, 8, 12, 16, 20
         (as a tree, s_k holds s_0 2^k times; as a DAG it has about 4 k distinct nodes)
  sum    sin(1_c*x)*y + sin(2_c*x)*y + ... + sin(n_c*x)*y  for n = 15, 30, 60, 125, 250, 500, 1000
         (n distinct terms, about 5 n distinct nodes)

and for each: "value", `s(x = xv, y = yv)`, and "gradient",
`auto [v, gx, gy] = ctgrad::value_and_grad(s, ctgrad::wrt(x, y), x = xv, y = yv)`, with xv and
yv run-time values (from argc / argv). Also a baseline: the header alone and one scalar value.

Repetitions: each compile runs up to --reps times (median reported), but a case whose first
compile takes longer than --single-above seconds is run once (marked "1 run"), and a case that
hits --timeout is reported as "timeout" and the larger sizes of the same kind are skipped.

    bench/compile_scaling.py                       # everything, table to stdout
    bench/compile_scaling.py --kinds chain         # only the chain
    bench/compile_scaling.py --sum-sizes 15,30,60  # only these sums
"""

import argparse
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

PRELUDE = """\
#include <ctgrad/ctgrad.hpp>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
    using namespace ctgrad::literals;
    constexpr auto x = ctgrad::var<"x">;
    constexpr auto y = ctgrad::var<"y">;
    const double xv = 0.25 + 0.125 * argc;  // run-time values: nothing folds at compile time
    const double yv = argc > 1 ? std::atof(argv[1]) : 0.5;
"""

VALUE = """\
    const double v = {root}(x = xv, y = yv);
    std::printf("%.17g\\n", v);
    return 0;
}}
"""

GRADIENT = """\
    const auto [v, gx, gy] = ctgrad::value_and_grad({root}, ctgrad::wrt(x, y), x = xv, y = yv);
    std::printf("%.17g %.17g %.17g\\n", v, gx, gy);
    return 0;
}}
"""


def chain_source(depth, what):
    lines = [PRELUDE, "    const auto s0 = x * y + ctgrad::sin(x);\n"]
    for k in range(depth):
        lines.append("    const auto s%d = ctgrad::sin(s%d) * x + s%d * y;\n" % (k + 1, k, k))
    lines.append((VALUE if what == "value" else GRADIENT).format(root="s%d" % depth))
    return "".join(lines)


def sum_source(n, what):
    terms = " +\n        ".join("ctgrad::sin(%d_c * x) * y" % (i + 1) for i in range(n))
    body = "    const auto f = %s;\n" % terms
    return PRELUDE + body + (VALUE if what == "value" else GRADIENT).format(root="f")


def baseline_source(what):
    # The header alone and the smallest value / gradient: what every compile pays.
    return PRELUDE + "    const auto f = x * y;\n" + (VALUE if what == "value" else GRADIENT).format(root="f")


def compile_once(cxx, flags, src, exe, timeout):
    """Seconds of wall time for one compile + link, or None on timeout; raises on error."""
    cmd = [cxx] + flags + [src, "-o", exe]
    start = time.monotonic()
    # A new session, so that on timeout the whole group (driver, cc1plus, as, ld) is stopped.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        first = next((l for l in err.decode(errors="replace").splitlines() if "error" in l), "")
        raise RuntimeError("compile failed (%s): %s" % (os.path.basename(src), first[:300]))
    return elapsed


def check_run(exe):
    """Runs the compiled program once (a smoke test that it links and runs)."""
    out = subprocess.run([exe], stdout=subprocess.PIPE, check=True, text=True, timeout=60).stdout
    return out.strip()


def measure(args, flags, name, source):
    """{'median': s or None, 'runs': [...], 'status': 'ok' | 'timeout' | 'error', 'note': str}"""
    src = os.path.join(args.out_dir, name + ".cpp")
    exe = os.path.join(args.out_dir, name)
    with open(src, "w") as f:
        f.write(source)
    runs = []
    try:
        for r in range(args.reps):
            t = compile_once(args.cxx, flags, src, exe, args.timeout)
            if t is None:
                print("  %-22s timeout (> %g s)" % (name, args.timeout), file=sys.stderr, flush=True)
                return {"median": None, "runs": runs, "status": "timeout", "note": ""}
            runs.append(t)
            print("  %-22s %7.2f s" % (name, t), file=sys.stderr, flush=True)
            if t > args.single_above:
                break
        check_run(exe)
    except (RuntimeError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        print("  %-22s error: %s" % (name, e), file=sys.stderr, flush=True)
        return {"median": None, "runs": runs, "status": "error", "note": str(e)}
    finally:
        if os.path.exists(exe) and not args.keep:
            os.remove(exe)
    return {"median": statistics.median(runs), "runs": runs, "status": "ok", "note": ""}


def fmt_time(m):
    if m["status"] == "timeout":
        return "timeout"
    if m["status"] == "error":
        return "error"
    if m["status"] == "skipped":
        return "skipped"
    s = "%.2f" % m["median"] if m["median"] < 10 else "%.1f" % m["median"]
    if len(m["runs"]) == 1:
        s += " (1 run)"
    return s


def ratio(a, b):
    if a["status"] != "ok" or b["status"] != "ok":
        return None
    return a["median"] / b["median"]


def fmt_ratio(r):
    return "-" if r is None else "%.2f" % r


def sizes_arg(text):
    return [int(s) for s in text.split(",") if s.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cxx", default="g++")
    ap.add_argument("--include", default=os.path.join(REPO, "include"),
                    help="ctgrad's include directory (default: the one next to this script)")
    ap.add_argument("--out-dir", default=os.path.join(REPO, "build", "compile_scaling"),
                    help="scratch directory for the generated sources (default build/compile_scaling)")
    ap.add_argument("--kinds", default="baseline,chain,sum", help="comma-separated: baseline, chain, sum")
    ap.add_argument("--chain-depths", type=sizes_arg, default=[4, 8, 12, 16, 20])
    ap.add_argument("--sum-sizes", type=sizes_arg, default=[15, 30, 60, 125, 250, 500, 1000])
    ap.add_argument("--reps", type=int, default=3, help="compiles per case, median reported (default 3)")
    ap.add_argument("--single-above", type=float, default=30.0,
                    help="a case whose first compile takes longer than this many seconds runs once (default 30)")
    ap.add_argument("--timeout", type=float, default=240.0, help="per compile, seconds (default 240)")
    ap.add_argument("--extra-flags", default="", help="appended to the compile command, e.g. -ftime-report")
    ap.add_argument("--keep", action="store_true", help="keep the executables")
    args = ap.parse_args()

    os.makedirs(args.out_dir, exist_ok=True)
    flags = ["-std=c++20", "-O2", "-I" + args.include] + args.extra_flags.split()
    kinds = args.kinds.split(",")
    version = subprocess.run([args.cxx, "--version"], stdout=subprocess.PIPE, text=True).stdout.splitlines()[0]
    started = time.monotonic()
    print("+ %s %s <source> -o <exe>" % (args.cxx, " ".join(flags)), file=sys.stderr, flush=True)

    rows = []  # (case, size, value, gradient)
    if "baseline" in kinds:
        rows.append(("baseline (x*y)", "-", measure(args, flags, "baseline_value", baseline_source("value")),
                     measure(args, flags, "baseline_gradient", baseline_source("gradient"))))
    for kind, sizes, make in (("chain", args.chain_depths, chain_source), ("sum", args.sum_sizes, sum_source)):
        if kind not in kinds:
            continue
        stopped = {"value": False, "gradient": False}  # after a timeout, larger sizes are skipped
        for n in sizes:
            cells = {}
            for what in ("value", "gradient"):
                if stopped[what]:
                    cells[what] = {"median": None, "runs": [], "status": "skipped", "note": ""}
                    continue
                m = measure(args, flags, "%s%d_%s" % (kind, n, what), make(n, what))
                if m["status"] == "timeout":
                    stopped[what] = True
                cells[what] = m
            rows.append((kind, n, cells["value"], cells["gradient"]))
    elapsed = time.monotonic() - started

    out = []
    out.append("%s; `%s -std=c++20 -O2 -I<include> <source> -o <exe>%s` (compile and link), wall time;"
               " median of %d compiles, one compile for cases above %g s; timeout %g s. Total %.0f s." % (
                   version, args.cxx, (" " + args.extra_flags) if args.extra_flags else "", args.reps,
                   args.single_above, args.timeout, elapsed))
    out.append("")
    out.append("| case | size | value compile s | gradient compile s | gradient/value | value x per doubling |"
               " gradient x per doubling |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    prev = {}
    for case, n, v, g in rows:
        step_v = step_g = "-"
        if case == "sum" and "sum" in prev:
            pn, pv, pg = prev["sum"]
            # per doubling: the ratio of successive sizes, scaled to a factor of 2 in n
            e = math.log(2) / math.log(n / pn)
            rv, rg = ratio(v, pv), ratio(g, pg)
            step_v = fmt_ratio(rv ** e if rv else None)
            step_g = fmt_ratio(rg ** e if rg else None)
        if case == "sum":
            prev["sum"] = (n, v, g)
        out.append("| %s | %s | %s | %s | %s | %s | %s |" % (case, n, fmt_time(v), fmt_time(g), fmt_ratio(ratio(g, v)),
                                                           step_v, step_g))
    out.append("")
    out.append("Targets: chain depth 20 gradient < 5 s; gradient/value <= 2.5 everywhere; doubling n <= 2.3x.")
    errors = [(case, n, m["note"]) for case, n, v, g in rows for m in (v, g) if m["status"] == "error"]
    for case, n, note in errors:
        out.append("error in %s %s: %s" % (case, n, note))
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    with open(os.path.join(args.out_dir, "compile_scaling_table.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
