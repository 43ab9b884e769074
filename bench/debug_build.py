#!/usr/bin/env python3
"""Debug builds of a deep shared expression: compile time, memory, binary size and the longest
symbol, with and without -g, for the shared chain

    s0 = x*y + sin(x);  s_{k+1} = sin(s_k)*x + s_k*y        at depths 4, 8, 12, 16, 20

written two ways:

  let      the documented way: each step named by ctgrad::let, in ordinary code
               const auto s1 = ctgrad::let([=] { return ctgrad::sin(s0) * x + s0 * y; });
  spelled  each step an unnamed expression (`const auto s1 = ctgrad::sin(s0) * x + s0 * y;`),
           whose type spells s0 out at each use: 2^k copies of the first step at depth k

and two programs each: `value_and_grad` (value and both gradients in one sweep over the DAG)
and `grad` (the symbolic derivatives by x and y, then each evaluated, with the value).

Standard library only. Each case is compiled and linked alone with
`<cxx> -std=c++20 <flags> -I<include> <source> -o <exe>`; wall time, peak memory of the compiler
(the largest resident set among the driver and what it ran), the executable's size and the
length of its longest demangled symbol (`nm -C`, as `awk '{print length}'` counts it) are
reported, and the program is run once to check it links and runs. A case that times out stops
the larger depths of its row.

    bench/debug_build.py                                   # g++ and clang++, -O0 -g, -O2 -g and -O2, both ways
    bench/debug_build.py --compilers g++ --ways let --reps 1
    bench/debug_build.py --flags="-O0 -g" --depths 4,8 --programs grad
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

PRELUDE = """\
#include <ctgrad/ctgrad.hpp>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
    constexpr auto x = ctgrad::var<"x">;
    constexpr auto y = ctgrad::var<"y">;
    const double xv = 0.25 + 0.125 * argc;  // run-time values: nothing folds at compile time
    const double yv = argc > 1 ? std::atof(argv[1]) : 0.5;
"""

VALUE_AND_GRAD = """\
    const auto [v, gx, gy] = ctgrad::value_and_grad(s{depth}, ctgrad::wrt(x, y), x = xv, y = yv);
    std::printf("%.17g %.17g %.17g\\n", v, gx, gy);
}}
"""

GRAD = """\
    const auto [dx, dy] = ctgrad::grad(s{depth}, x, y);
    std::printf("%.17g %.17g %.17g\\n", s{depth}(x = xv, y = yv), dx(x = xv, y = yv), dy(x = xv, y = yv));
}}
"""


def chain_source(depth, way, program):
    lines = [PRELUDE]
    if way == "let":
        lines.append("    const auto s0 = ctgrad::let([=] { return x * y + ctgrad::sin(x); });\n")
        for k in range(depth):
            lines.append("    const auto s%d = ctgrad::let([=] { return ctgrad::sin(s%d) * x + s%d * y; });\n"
                         % (k + 1, k, k))
    else:
        lines.append("    const auto s0 = x * y + ctgrad::sin(x);\n")
        for k in range(depth):
            lines.append("    const auto s%d = ctgrad::sin(s%d) * x + s%d * y;\n" % (k + 1, k, k))
    lines.append((VALUE_AND_GRAD if program == "value_and_grad" else GRAD).format(depth=depth))
    return "".join(lines)


def run_limited(cmd, timeout):
    """(exit code or None on timeout, wall s, peak resident set in MB of cmd and what it waited for)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    killed = []
    def kill():
        killed.append(True)
        try:
            os.killpg(proc.pid, 9)
        except ProcessLookupError:
            pass
    timer = threading.Timer(timeout, kill) if timeout else None
    if timer:
        timer.start()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if timer:
        timer.cancel()
    code = None if killed else os.waitstatus_to_exitcode(status)
    return code, wall, usage.ru_maxrss / 1024.0, err.decode(errors="replace")


def longest_symbol(exe):
    # `nm -C | awk '{print length}' | sort -n | tail -1`, in a pipeline: the lines of a spelled
    # chain's symbols reach megabytes, and reading them here would grow this process, whose
    # memory a compiler started after it inherits in its peak (Linux counts it at exec).
    out = subprocess.run(f"nm -C '{exe}' | awk '{{print length}}' | sort -n | tail -1", shell=True,
                         capture_output=True, text=True, check=False).stdout.strip()
    return int(out) if out else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--compilers", default="g++,clang++")
    ap.add_argument("--flags", action="append", default=None,
                    help='a set of flags, e.g. --flags="-O0 -g" (repeatable; default: -O0 -g, -O2 -g, -O2)')
    ap.add_argument("--ways", default="let,spelled", help="comma-separated: let, spelled")
    ap.add_argument("--programs", default="value_and_grad,grad", help="comma-separated: value_and_grad, grad")
    ap.add_argument("--depths", default="4,8,12,16,20")
    ap.add_argument("--reps", type=int, default=3, help="compiles per case, median reported (default 3)")
    ap.add_argument("--spelled-reps", type=int, default=1, help="compiles per spelled case (default 1)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per compile (default 120)")
    ap.add_argument("--include", default=os.path.join(REPO, "include"))
    ap.add_argument("--out", default=None, help="also write the report to this file")
    args = ap.parse_args()

    split = lambda s: [p for p in s.split(",") if p]
    compilers, ways, programs = split(args.compilers), split(args.ways), split(args.programs)
    depths = [int(d) for d in split(args.depths)]
    flag_sets = args.flags or ["-O0 -g", "-O2 -g", "-O2"]
    scratch = tempfile.mkdtemp(prefix="ctgrad-debug-build-")
    started = time.strftime("%Y-%m-%d %H:%M")
    load_before = os.getloadavg()

    rows = []  # (compiler, flags, way, program, depth, result dict)
    for cxx in compilers:
        for flags in flag_sets:
            for way in ways:
                for program in programs:
                    stopped = False
                    for depth in depths:
                        if stopped:
                            rows.append((cxx, flags, way, program, depth, {"status": "skipped"}))
                            continue
                        name = f"{way}_{program}_{depth}"
                        src = os.path.join(scratch, name + ".cpp")
                        exe = os.path.join(scratch, name)
                        with open(src, "w") as f:
                            f.write(chain_source(depth, way, program))
                        cmd = [cxx, "-std=c++20", *flags.split(), "-I" + args.include, src, "-o", exe]
                        runs, result = [], None
                        for _ in range(args.reps if way == "let" else args.spelled_reps):
                            code, wall, mem, err = run_limited(cmd, args.timeout)
                            if code is None:
                                result = {"status": "timeout", "wall": wall, "mem": mem}
                                break
                            if code != 0:
                                first = next((l for l in err.splitlines() if "error" in l), err[:200])
                                result = {"status": "error", "note": first[:300]}
                                break
                            runs.append((wall, mem))
                        if result is None:
                            size = os.path.getsize(exe)
                            sym = longest_symbol(exe)
                            ran = subprocess.run([exe], capture_output=True, text=True, timeout=60)
                            result = {"status": "ok" if ran.returncode == 0 else "error",
                                      "wall": statistics.median(r[0] for r in runs),
                                      "mem": statistics.median(r[1] for r in runs),
                                      "size": size, "symbol": sym, "runs": len(runs),
                                      "note": "" if ran.returncode == 0 else "the program failed"}
                        if result["status"] == "timeout":
                            stopped = True
                        rows.append((cxx, flags, way, program, depth, result))
                        if os.path.exists(exe):
                            os.remove(exe)
                        r = result
                        print(f"[{cxx} {flags}] {way} {program} depth {depth}: {r['status']}"
                              + (f" {r['wall']:.2f} s, {r['mem']:.0f} MB, {r['size'] / 1e6:.2f} MB, "
                                 f"longest symbol {r['symbol']}" if r["status"] == "ok" else ""),
                              file=sys.stderr, flush=True)

    def cell(r):
        if r["status"] == "ok":
            s = f"{r['wall']:.2f} s, {r['mem']:.0f} MB, {r['size'] / 1e6:.2f} MB, {r['symbol']}"
            return s + (" (1 run)" if r.get("runs") == 1 and args.reps > 1 else "")
        if r["status"] == "timeout":
            return f"> {args.timeout:.0f} s"
        return r["status"]

    out = ["Compile + link of the shared chain: wall time, peak memory of the compiler, executable size, "
           "longest demangled symbol (characters, `nm -C` line); median of "
           f"{args.reps} compiles (spelled: {args.spelled_reps}); timeout {args.timeout:.0f} s.", ""]
    out.append("| compiler | flags | way | program | " + " | ".join(f"depth {d}" for d in depths) + " |")
    out.append("| --- | --- | --- | --- | " + " | ".join("---" for _ in depths) + " |")
    keys = []
    for row in rows:
        k = row[:4]
        if k not in keys:
            keys.append(k)
    for k in keys:
        cells = {row[4]: row[5] for row in rows if row[:4] == k}
        out.append(f"| {k[0]} | `{k[1]}` | {k[2]} | {k[3]} | " + " | ".join(cell(cells[d]) for d in depths) + " |")
    out.append("")
    cpu = "(unknown)"
    for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
        if line.startswith("Model name:"):
            cpu = line.split(":", 1)[1].strip()
    out.append(f"- machine: {cpu}, {os.cpu_count()} logical CPUs; load average before "
               f"{', '.join(f'{x:.2f}' for x in load_before)}, after "
               f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}; started {started}")
    for cxx in compilers:
        version = subprocess.run([cxx, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        out.append(f"- {cxx}: {version}")
    errors = [(row, row[5].get("note", "")) for row in rows if row[5]["status"] == "error"]
    for row, note in errors:
        out.append(f"- error: {row[0]} {row[1]} {row[2]} {row[3]} depth {row[4]}: {note}")
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    shutil.rmtree(scratch, ignore_errors=True)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
