#!/usr/bin/env python3
"""Compile-time scaling of ctgrad: how long g++ takes to compile a value and a full gradient.

Standard library only. Generates one C++ source per case into a scratch directory and times
`g++ -std=c++20 -O2 -I<include>` on it (compile and link), with a per-compile timeout. Cases:

  chain  s0 = x*y + sin(x);  s_{k+1} = sin(s_k)*x + s_k*y  at depths 4, 8, 12, 16, 20
         (as a tree, s_k holds s_0 2^k times; as a DAG it has about 4 k distinct nodes)
  sum    sin(1_c*x)*y + sin(2_c*x)*y + ... + sin(n_c*x)*y  for n = 15, 30, 60, 125, 250, 500, 1000
         (n distinct terms, about 5 n distinct nodes)

  budget the compile-time budget of issue-sized programs, each compiled as a user would (one
         table of its own, --kinds budget): a hand-written W1 loop (the loss and gradients of
         mean((w x + b - y)^2) by hand) and ctgrad's W1 `value_and_grad`, including
         <ctgrad/ctgrad.hpp> and <ctgrad/symbolic.hpp> (no Tensor layer); the README's symbolic
         example (examples/readme.cpp); the depth-20 shared chain, value and symbolic `grad`; the
         nested chain with a run-time literal f_{k+1} = sin(f_k) + x * 0.5 at depths 50 and
         200, value and `d(f, x)`; `hessian` of a 2-variable function and
         `value_grad_and_hessian` of a 5-parameter logistic loss over arrays; a sum of 1000
         terms (value). --budget-compilers adds the W1 pair for other compilers (clang++).

and for chain and sum: "value", `s(x = xv, y = yv)`, and "gradient",
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


W1_PRELUDE = """\
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
    const std::size_t n = 1000 + static_cast<std::size_t>(argc);
    std::vector<double> xs(n), ys(n);
    for (std::size_t i = 0; i != n; ++i) {
        xs[i] = static_cast<double>(i) / static_cast<double>(n);
        ys[i] = 2.0 * xs[i] + 1.0 + (argc > 1 ? std::atof(argv[1]) : 0.0);
    }
    double wv = 0.0, bv = 0.0;
"""

HAND_W1 = W1_PRELUDE + """\
    for (int step = 0; step != 100; ++step) {
        double l = 0.0, dw = 0.0, db = 0.0;
        for (std::size_t i = 0; i != n; ++i) {
            const double r = wv * xs[i] + bv - ys[i];
            l += r * r;
            dw += r * xs[i];
            db += r;
        }
        l /= static_cast<double>(n);
        dw *= 2.0 / static_cast<double>(n);
        db *= 2.0 / static_cast<double>(n);
        if (step == 99) std::printf("%g\\n", l);
        wv -= 0.5 * dw;
        bv -= 0.5 * db;
    }
}
"""

CTGRAD_W1 = "#include <ctgrad/ctgrad.hpp>\n" + W1_PRELUDE + """\
    using namespace ctgrad::literals;
    constexpr auto w = ctgrad::var<"w">;
    constexpr auto b = ctgrad::var<"b">;
    constexpr auto x = ctgrad::var<"x">;
    constexpr auto y = ctgrad::var<"y">;
    constexpr auto loss = mean(pow(w * x + b - y, 2_c));
    for (int step = 0; step != 100; ++step) {
        const auto [l, dw, db] = ctgrad::value_and_grad(loss, ctgrad::wrt(w, b), w = wv, b = bv, x = xs, y = ys);
        if (step == 99) std::printf("%g\\n", l);
        wv -= 0.5 * dw;
        bv -= 0.5 * db;
    }
}
"""

SYMBOLIC_GRADIENT = """\
    const auto [gx, gy] = ctgrad::grad({root}, x, y);
    std::printf("%.17g %.17g\\n", gx(x = xv, y = yv), gy(x = xv, y = yv));
    return 0;
}}
"""


def nested_source(depth, what):
    lines = [PRELUDE, "    (void)yv;\n    const auto f0 = ctgrad::sin(x);\n"]
    for k in range(depth):
        lines.append("    const auto f%d = ctgrad::sin(f%d) + x * 0.5;\n" % (k + 1, k))
    if what == "value":
        lines.append("    std::printf(\"%%.17g\\n\", f%d(x = xv));\n    return 0;\n}\n" % depth)
    else:
        lines.append("    std::printf(\"%%.17g\\n\", ctgrad::d(f%d, x)(x = xv));\n    return 0;\n}\n" % depth)
    return "".join(lines)


def hessian2_source():
    return PRELUDE + """\
    const auto h = ctgrad::hessian(x * x * y + ctgrad::sin(x * y), ctgrad::wrt(x, y));
    const auto v = h(x = xv, y = yv);
    std::printf("%.17g %.17g %.17g %.17g\\n", v[0][0], v[0][1], v[1][0], v[1][1]);
    return 0;
}
"""


def hessian5_source():
    return """\
#include <ctgrad/ctgrad.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

int main(int argc, char**) {
    constexpr auto w0 = ctgrad::var<"w0">;
    constexpr auto w1 = ctgrad::var<"w1">;
    constexpr auto w2 = ctgrad::var<"w2">;
    constexpr auto w3 = ctgrad::var<"w3">;
    constexpr auto w4 = ctgrad::var<"w4">;
    constexpr auto x1 = ctgrad::var<"x1">;
    constexpr auto x2 = ctgrad::var<"x2">;
    constexpr auto x3 = ctgrad::var<"x3">;
    constexpr auto x4 = ctgrad::var<"x4">;
    constexpr auto y = ctgrad::var<"y">;
    const std::size_t n = 100 + static_cast<std::size_t>(argc);
    std::vector<double> a(n), b(n), c(n), e(n), ys(n);
    for (std::size_t i = 0; i != n; ++i) {
        a[i] = std::cos(0.3 * i); b[i] = std::sin(0.7 * i); c[i] = std::cos(1.1 * i); e[i] = std::sin(1.9 * i);
        ys[i] = a[i] - b[i] + 0.5 * c[i] > 0 ? 1.0 : 0.0;
    }
    constexpr auto z = w0 + w1 * x1 + w2 * x2 + w3 * x3 + w4 * x4;
    const auto r = ctgrad::value_grad_and_hessian(mean(log1p(exp(z)) - y * z), ctgrad::wrt(w0, w1, w2, w3, w4), w0 = 0.1,
                                                  w1 = 0.2, w2 = -0.1, w3 = 0.3, w4 = 0.0, x1 = a, x2 = b, x3 = c, x4 = e, y = ys);
    std::printf("%.17g %.17g %.17g\\n", r.value, r.gradient[0], r.hessian[1][3]);
}
"""


def budget_cases(args):
    """(name, source, target seconds or None, name of the case its ratio is taken against)"""
    readme = open(os.path.join(REPO, "examples", "readme.cpp")).read()
    return [
        ("hand_w1", HAND_W1, None, None),
        ("ctgrad_w1", CTGRAD_W1, 1.5, "hand_w1"),
        ("ctgrad_w1_symbolic", CTGRAD_W1.replace("<ctgrad/ctgrad.hpp>", "<ctgrad/symbolic.hpp>"), 1.5, "hand_w1"),
        ("readme_symbolic", readme, None, None),
        ("chain20_value", chain_source(20, "value"), None, None),
        ("chain20_grad", chain_source(20, "value").replace(VALUE.format(root="s20"), SYMBOLIC_GRADIENT.format(root="s20")),
         5.0, "chain20_value"),
        ("nested50_value", nested_source(50, "value"), None, None),
        ("nested50_d", nested_source(50, "d"), 5.0, "nested50_value"),
        ("nested200_value", nested_source(200, "value"), None, None),
        ("nested200_d", nested_source(200, "d"), 30.0, "nested200_value"),
        ("hessian_2x2", hessian2_source(), None, None),
        ("hessian_5x5_fused", hessian5_source(), None, None),
        ("sum1000_value", sum_source(1000, "value"), None, None),
    ]


def budget_table(args, flags):
    rows = []
    results = {}
    for name, source, target, base in budget_cases(args):
        m = measure(args, flags, "budget_" + name, source)
        results[name] = m
        rows.append((name, m, target, base))
    for cxx in [c for c in args.budget_compilers.split(",") if c]:
        for name, source in (("hand_w1", HAND_W1), ("ctgrad_w1", CTGRAD_W1),
                             ("ctgrad_w1_symbolic", CTGRAD_W1.replace("<ctgrad/ctgrad.hpp>", "<ctgrad/symbolic.hpp>"))):
            sub = argparse.Namespace(**vars(args))
            sub.cxx = cxx
            m = measure(sub, flags, "budget_%s_%s" % (name, cxx.replace("+", "p")), source)
            key = "%s (%s)" % (name, cxx)
            results[key] = m
            rows.append((key, m, 1.5 if name != "hand_w1" else None,
                         "hand_w1 (%s)" % cxx if name != "hand_w1" else None))
    out = ["| program | compile s | against | ratio | target | met |", "| --- | ---: | --- | ---: | --- | --- |"]
    for name, m, target, base in rows:
        r = ratio(m, results[base]) if base else None
        met = "-"
        if target is not None:
            met = "yes" if m["status"] == "ok" and m["median"] <= target else "no"
        out.append("| %s | %s | %s | %s | %s | %s |" % (name, fmt_time(m), base or "-", fmt_ratio(r),
                                                          ("<= %g s" % target) if target else "-", met))
    return out


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
    ap.add_argument("--kinds", default="baseline,chain,sum", help="comma-separated: baseline, chain, sum, budget")
    ap.add_argument("--budget-compilers", default="clang++",
                    help="other compilers for the W1 pair of the budget table (comma-separated; empty: none)")
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
    budget = budget_table(args, flags) if "budget" in kinds else []
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
    if budget:
        out.append("")
        out.append("Compile-time budget (ratios within this run):")
        out.append("")
        out.extend(budget)
    errors = [(case, n, m["note"]) for case, n, v, g in rows for m in (v, g) if m["status"] == "error"]
    for case, n, note in errors:
        out.append("error in %s %s: %s" % (case, n, note))
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    with open(os.path.join(args.out_dir, "compile_scaling_table.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
