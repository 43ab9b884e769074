#!/usr/bin/env python3
"""Builds and runs the one-statement engine's benchmark in several builds; prints markdown tables.

Exercise 3's whole training step (loss = mean((w*x + b - y)^2), gradients by the scalars w, b),
in float and double, at N = 10, 1 000, 1 000 000 and 10 000 000. Standard library only.

For every build (by default g++ and clang++ at -O2 and -O3 with -march=native, and g++ -O2
with no -march at all) this script configures the project in its own directory under
--build-root, builds bench_engine and runs it once: the Tensor step and value_and_grad are
compiled at the build's level, the hand-written loop at -O3 in every build (its own translation
unit), so that "value_and_grad / hand (-O3)" comes from one process. LibTorch (1 thread) is its
own executable, built once with g++ (C++17) and run right after each build's run, once per
table. Each executable runs once over all cases with repetitions and random interleaving; the
tables give the medians of the repetitions and their ratios.

It also times the compilation (g++ -O2, compile and link, median of --compile-reps) of a small
Tensor program (bench_engine's Tensor step, 100 steps at N = 10), of the same with
value_and_grad, and of the same with the hand-written loop.

    python3 bench/run_engine.py                          # everything (build root: build/bench-engine)
    python3 bench/run_engine.py --build-root /tmp/engine --out /tmp/engine/tables.md
    python3 bench/run_engine.py --builds g++:-O2:,g++:-O3:haswell    # a build is CXX:OPT[:ARCH]
    python3 bench/run_engine.py --arch haswell           # every build for AVX2
    python3 bench/run_engine.py --from-json              # print the last run's tables again
    python3 bench/run_engine.py --compile-time-only      # only the compile-time figure

A build is CXX:OPT[:ARCH]: the compiler, the level of the ctgrad cases (CTGRAD_BENCH_OPT) and
the -march value (CTGRAD_BENCH_ARCH; --arch when left out; an empty ARCH, as in "g++:-O2:",
means no -march flag at all).
"""

import argparse
import json
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

SIZES = (10, 1000, 1000000, 10000000)
TYPES = ("float", "double")
CASES = ("tensor", "vag", "hand", "torch_1thread")
DEFAULT_BUILDS = "g++:-O2,g++:-O3,clang++:-O2,clang++:-O3,g++:-O2:"


def log(text):
    print(text, file=sys.stderr, flush=True)


class Build:
    def __init__(self, spec, default_arch):
        parts = spec.split(":")
        if len(parts) not in (2, 3) or not parts[0] or not re.fullmatch(r"-O[0-3sz]|-Ofast|-Og", parts[1]):
            raise ValueError("a build is CXX:OPT[:ARCH], e.g. g++:-O2 or clang++:-O3:haswell, not %r" % spec)
        self.cxx, self.opt = parts[0], parts[1]
        self.arch = parts[2] if len(parts) == 3 else default_arch
        arch_tag = self.arch if self.arch else "nomarch"
        self.name = "%s%s-%s" % (os.path.basename(self.cxx), self.opt, arch_tag)
        self.label = "%s %s %s" % (os.path.basename(self.cxx), self.opt,
                                   "-march=" + self.arch if self.arch else "(no -march)")

    def is_gcc(self):
        return "g++" in os.path.basename(self.cxx) and "clang" not in os.path.basename(self.cxx)


def run_checked(cmd, log_path, cwd=None):
    """Runs cmd, its output to log_path; returns True on success, else prints the log's tail."""
    with open(log_path, "w") as f:
        f.write("+ " + " ".join(shlex.quote(c) for c in cmd) + "\n")
        f.flush()
        proc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, cwd=cwd)
    if proc.returncode != 0:
        with open(log_path) as f:
            tail = f.read().splitlines()[-30:]
        log("  FAILED (exit %d), last lines of %s:" % (proc.returncode, log_path))
        for line in tail:
            log("    " + line)
        return False
    return True


def configure_and_build(build, root, targets, jobs):
    bdir = os.path.join(root, build.name)
    os.makedirs(bdir, exist_ok=True)
    cfg = ["cmake", "-S", REPO, "-B", bdir,
           "-DCMAKE_CXX_COMPILER=" + build.cxx,
           "-DCMAKE_BUILD_TYPE=Release",
           "-DCMAKE_CXX_FLAGS_RELEASE=-DNDEBUG",  # the only -O is the benchmark's own
           "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON",
           "-DCTGRAD_BUILD_BENCH=ON", "-DCTGRAD_BUILD_TESTS=OFF", "-DCTGRAD_BUILD_EXAMPLES=OFF",
           "-DCTGRAD_BENCH_OPT=" + build.opt,
           "-DCTGRAD_BENCH_ARCH=" + build.arch]
    log("configure %s" % build.name)
    start = time.monotonic()
    if not run_checked(cfg, os.path.join(root, build.name + ".configure.log")):
        return None
    log("build %s: %s" % (build.name, " ".join(targets)))
    ok = run_checked(["cmake", "--build", bdir, "-j%d" % jobs, "--target"] + targets,
                     os.path.join(root, build.name + ".build.log"))
    log("  %.0f s" % (time.monotonic() - start))
    return bdir if ok else None


def run_bench(exe, reps, min_time, out_path):
    cmd = [exe, "--benchmark_format=json",
           "--benchmark_repetitions=%d" % reps,
           "--benchmark_enable_random_interleaving=true",
           "--benchmark_min_time=%g" % min_time,
           "--benchmark_report_aggregates_only=true"]
    log("run " + " ".join([os.path.relpath(exe)] + cmd[1:]))
    start = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    log("  %.0f s" % (time.monotonic() - start))
    if proc.returncode != 0:
        log("  FAILED (exit %d)" % proc.returncode)
        return None
    with open(out_path, "w") as f:
        f.write(proc.stdout)
    return json.loads(proc.stdout)


def collect(report):
    """{(case, type, n): (median ns, cv)} from the aggregates of one JSON report."""
    to_ns = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
    medians, cvs, errors = {}, {}, []
    for b in report["benchmarks"]:
        if b.get("error_occurred"):
            errors.append("%s: %s" % (b.get("name"), b.get("error_message")))
            continue
        case, typ, n = b["run_name"].split("/")[:3]  # case/type/N[/real_time]
        key = (case, typ, int(n))
        if b.get("run_type") != "aggregate":
            # --reps 1: no aggregates, the single run is the median
            medians.setdefault(key, b["real_time"] * to_ns[b["time_unit"]])
            continue
        if b["aggregate_name"] == "median":
            medians[key] = b["real_time"] * to_ns[b["time_unit"]]
        elif b["aggregate_name"] == "cv":
            cvs[key] = b["real_time"]  # a fraction, unit-free
    return medians, cvs, errors


# ---- formatting ---------------------------------------------------------------------------

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


def fmt_cv(cv):
    return "-" if cv is None else "%.0f%%" % (100 * cv)


# ---- machine and tool chain ---------------------------------------------------------------

def cpu_info():
    model, flags = None, set()
    try:
        out = subprocess.run(["lscpu"], stdout=subprocess.PIPE, text=True, check=True).stdout
        for line in out.splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "Model name":
                model = value.strip()
            elif key.strip() == "Flags":
                flags = set(value.split())
    except (OSError, subprocess.CalledProcessError):
        pass
    if model is None or not flags:
        try:
            with open("/proc/cpuinfo") as f:
                for line in f:
                    if line.startswith("model name") and model is None:
                        model = line.split(":", 1)[1].strip()
                    elif line.startswith("flags") and not flags:
                        flags = set(line.split(":", 1)[1].split())
        except OSError:
            pass
    return model or platform.processor() or "unknown", flags


def first_line(cmd):
    try:
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
        return out.splitlines()[0].strip() if out else "?"
    except OSError:
        return "not found"


def tu_flags(bdir, source):
    """The code-generation flags of one source file, from compile_commands.json."""
    try:
        with open(os.path.join(bdir, "compile_commands.json")) as f:
            commands = json.load(f)
    except (OSError, ValueError):
        return "?"
    for c in commands:
        if os.path.basename(c["file"]) == source:
            args = c.get("arguments") or shlex.split(c["command"])
            keep = [a for a in args[1:] if re.match(r"-O|-m|-std=|-f|-DNDEBUG$", a)]
            return " ".join(keep)
    return "?"


# ---- compile time -------------------------------------------------------------------------

COMPILE_PROGRAMS = {
    "hand": r"""
#include <cstdio>
#include <random>
#include <vector>

int main() {
    std::mt19937 gen(0);
    std::normal_distribution<float> normal;
    std::vector<float> x(10), y(10);
    for (std::size_t i = 0; i != x.size(); ++i) { x[i] = normal(gen); y[i] = 2 * x[i] + 1; }
    float w = normal(gen), b = normal(gen), loss = 0;
    for (int k = 0; k != 100; ++k) {
        float s0 = 0, s1 = 0, s2 = 0;
        for (std::size_t i = 0; i != x.size(); ++i) {
            const float r = w * x[i] + b - y[i];
            s0 += r * r; s1 += r * x[i]; s2 += r;
        }
        const float inv = 1.0f / static_cast<float>(x.size());
        loss = s0 * inv;
        w -= 0.01f * 2 * s1 * inv;
        b -= 0.01f * 2 * s2 * inv;
    }
    std::printf("loss = %.6f, w = %.6f, b = %.6f\n", loss, w, b);
}
""",
    "value_and_grad": r"""
#include <ctgrad/ctgrad.hpp>

#include <cstdio>
#include <random>
#include <vector>

using namespace ctgrad::literals;

int main() {
    constexpr auto W = ctgrad::var<"w">;
    constexpr auto B = ctgrad::var<"b">;
    constexpr auto X = ctgrad::var<"x">;
    constexpr auto Y = ctgrad::var<"y">;
    const auto loss_expr = ctgrad::mean(ctgrad::pow(W * X + B - Y, 2_c));
    std::mt19937 gen(0);
    std::normal_distribution<float> normal;
    std::vector<float> x(10), y(10);
    for (std::size_t i = 0; i != x.size(); ++i) { x[i] = normal(gen); y[i] = 2 * x[i] + 1; }
    float w = normal(gen), b = normal(gen), loss = 0;
    for (int k = 0; k != 100; ++k) {
        auto [l, dw, db] = ctgrad::value_and_grad(loss_expr, ctgrad::wrt(W, B), W = w, B = b, X = x, Y = y);
        loss = l;
        w -= 0.01f * dw;
        b -= 0.01f * db;
    }
    std::printf("loss = %.6f, w = %.6f, b = %.6f\n", loss, w, b);
}
""",
    "Tensor": r"""
#include <ctgrad/ctgrad.hpp>

#include <cstdio>

using ctgrad::Tensor;
using namespace ctgrad::literals;

int main() {
    ctgrad::manual_seed(0);
    const Tensor x_data = ctgrad::randn({10, 1});
    const Tensor y_true = 2.0 * x_data + 1.0;
    Tensor w = ctgrad::randn({1, 1}, {.requires_grad = true});
    Tensor b = ctgrad::randn({1, 1}, {.requires_grad = true});
    double loss_value = 0;
    for (int k = 0; k != 100; ++k) {
        auto loss = ctgrad::mean(pow(w * x_data + b - y_true, 2_c));
        if (w.grad().defined()) {
            w.grad().zero_();
            b.grad().zero_();
        }
        loss.backward();
        {
            ctgrad::no_grad guard;
            w -= 0.01 * w.grad();
            b -= 0.01 * b.grad();
        }
        loss_value = loss.item();
    }
    std::printf("loss = %.6f, w = %.6f, b = %.6f\n", loss_value, w.item(), b.item());
}
""",
}


def compile_time(root, cxx, reps):
    """{program: (median wall s, median CPU s, [wall s...])} for cxx -std=c++20 -O2, compile + link."""
    work = os.path.join(root, "compile-time")
    os.makedirs(work, exist_ok=True)
    results = {}
    for name, source in COMPILE_PROGRAMS.items():
        src = os.path.join(work, name.lower() + ".cpp")
        exe = os.path.join(work, name.lower())
        with open(src, "w") as f:
            f.write(source.lstrip())
        cmd = [cxx, "-std=c++20", "-O2", "-I" + os.path.join(REPO, "include"), src, "-o", exe]
        walls, cpus = [], []
        for _ in range(reps):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.monotonic()
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            wall = time.monotonic() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if proc.returncode != 0:
                log("compile of %s failed:\n%s" % (name, proc.stdout[-3000:]))
                results[name] = None
                break
            walls.append(wall)
            cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        else:
            check = subprocess.run([exe], stdout=subprocess.PIPE, text=True)
            if check.returncode != 0:
                log("%s: the compiled program failed (exit %d)" % (name, check.returncode))
            results[name] = (statistics.median(walls), statistics.median(cpus), walls, check.stdout.strip())
        log("compile %s: %s" % (name, "failed" if results[name] is None else
                                "%.2f s (median of %d)" % (results[name][0], reps)))
    return results, " ".join([cxx, "-std=c++20", "-O2", "-I<repo>/include", "<program>.cpp", "-o", "<program>"])


# ---- tables -------------------------------------------------------------------------------

def build_table(emit, build, data):
    medians, cvs = data["medians"], data["cvs"]
    have_torch = data.get("torch_ctx") is not None
    emit("### %s" % build.label)
    emit()
    if data.get("failed"):
        emit("**%s** (see %s)." % (data["failed"], data.get("log", "the log")))
        emit()
        return
    ctx = data["ctx"]
    emit("- bench_engine.cpp (Tensor step, value_and_grad): `%s`; bench_engine_hand.cpp (hand loop): `%s`" % (
        data["flags_ctgrad"], data["flags_hand"]))
    emit("- %s; hand loop: %s; hand file built as: %s" % (
        ctx.get("compile_flags", "?"), ctx.get("hand_variant", "?"), ctx.get("hand_compile_flags", "?")))
    emit("- load average at the start of the run: %s; checks before timing, largest deviation from gradient "
         "descent in long double: %s" % (
             ", ".join("%.2f" % x for x in ctx.get("load_avg", [])) or "?", ctx.get("check_max_deviation", "?")))
    if have_torch:
        tctx = data["torch_ctx"]
        same = ctx.get("data") == tctx.get("data")
        emit("- LibTorch: a separate process run right after, %s, 1 thread; data %s" % (
            tctx.get("compile_flags", "?"),
            "identical (sums of x and initial w, b at every type and N)" if same else
            "DIFFERENT (ctgrad: %s; LibTorch: %s)" % (ctx.get("data"), tctx.get("data"))))
    for e in data.get("errors", []):
        emit("- ERROR: %s" % e)
    emit()
    head = ["type", "N", "Tensor step", "value_and_grad", "hand (-O3)"]
    if have_torch:
        head += ["LibTorch 1 thread (separate process)"]
    head += ["Tensor / value_and_grad", "value_and_grad / hand(-O3)"]
    if have_torch:
        head += ["LibTorch / Tensor"]
    emit("| " + " | ".join(head) + " |")
    emit("|" + "|".join([":---", "---:"] + ["---:"] * (len(head) - 2)) + "|")
    for typ in TYPES:
        for n in SIZES:
            m = {c: medians.get((c, typ, n)) for c in CASES}
            row = [typ, fmt_n(n), fmt_time(m["tensor"]), fmt_time(m["vag"]), fmt_time(m["hand"])]
            if have_torch:
                row += [fmt_time(m["torch_1thread"])]
            row += [fmt_ratio(ratio(m["tensor"], m["vag"])), fmt_ratio(ratio(m["vag"], m["hand"]))]
            if have_torch:
                row += [fmt_ratio(ratio(m["torch_1thread"], m["tensor"]))]
            emit("| " + " | ".join(row) + " |")
    emit()
    cases = CASES if have_torch else CASES[:3]
    emit("Coefficient of variation of the repetitions (stddev / mean): " + "; ".join(
        "%s N=%s: %s" % (typ, fmt_n(n), " / ".join(fmt_cv(cvs.get((c, typ, n))) for c in cases))
        for typ in TYPES for n in SIZES) + " (%s)." % " / ".join(
            {"tensor": "Tensor", "vag": "value_and_grad", "hand": "hand", "torch_1thread": "LibTorch"}[c]
            for c in cases))
    emit()


def summary_table(emit, title, builds, results, num, den):
    emit("### %s" % title)
    emit()
    emit("| type | N | " + " | ".join(b.label for b in builds) + " |")
    emit("|:---|---:|" + "|".join(["---:"] * len(builds)) + "|")
    for typ in TYPES:
        for n in SIZES:
            cells = []
            for b in builds:
                m = results[b.name]["medians"]
                cells.append(fmt_ratio(ratio(m.get((num, typ, n)), m.get((den, typ, n)))))
            emit("| %s | %s | %s |" % (typ, fmt_n(n), " | ".join(cells)))
    emit()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-root", default=os.path.join(REPO, "build", "bench-engine"),
                    help="directory of the build directories, JSON files and logs (default build/bench-engine "
                         "in the repository, which git ignores; never elsewhere in the source tree)")
    ap.add_argument("--builds", default=DEFAULT_BUILDS,
                    help="comma-separated CXX:OPT[:ARCH] (default %s)" % DEFAULT_BUILDS)
    ap.add_argument("--arch", default="native", help="-march of the builds that name none (default native)")
    ap.add_argument("--min-time", type=float, default=0.1,
                    help="--benchmark_min_time per repetition, seconds (default 0.1)")
    ap.add_argument("--reps", type=int, default=10, help="repetitions of every case (default 10)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel build jobs (default 2)")
    ap.add_argument("--no-torch", action="store_true", help="leave LibTorch out")
    ap.add_argument("--skip-build", action="store_true", help="run the executables already built")
    ap.add_argument("--from-json", action="store_true",
                    help="build and run nothing: print the tables again from the JSON files of the last run")
    ap.add_argument("--compile-reps", type=int, default=3, help="compilations per program (default 3)")
    ap.add_argument("--compile-cxx", default="g++", help="compiler of the compile-time figure (default g++)")
    ap.add_argument("--no-compile-time", action="store_true", help="leave the compile-time figure out")
    ap.add_argument("--compile-time-only", action="store_true", help="only the compile-time figure")
    ap.add_argument("--out", help="also write the tables to this file (default <build-root>/engine_tables.md)")
    args = ap.parse_args()

    root = os.path.abspath(args.build_root)
    src_build = os.path.join(REPO, "build")
    if (root == REPO or root.startswith(REPO + os.sep)) and not (root == src_build or
                                                                  root.startswith(src_build + os.sep)):
        ap.error("--build-root %s is inside the source tree; use build/... or a directory outside it" % root)
    try:
        builds = [Build(s, args.arch) for s in args.builds.split(",") if s]
    except ValueError as e:
        ap.error(str(e))
    names = [b.name for b in builds]
    if len(set(names)) != len(names):
        ap.error("the same build twice in --builds")
    os.makedirs(root, exist_ok=True)
    state_path = os.path.join(root, "engine_run.json")
    started = time.monotonic()
    failures = 0

    results = {}
    compile_results, compile_cmd = None, None
    saved = {}
    if args.from_json:
        with open(state_path) as f:
            saved = json.load(f)
        builds = [Build(s, saved.get("arch", "native")) for s in saved["builds"]]
    run_compile = not args.no_compile_time and not args.from_json
    if not args.compile_time_only:
        # Phase 1: configure and build everything, so that no build of ours runs beside a run.
        torch_exe = None
        built = {}
        if not args.from_json:
            if not args.no_torch:
                # One LibTorch executable for every table, built in a g++ build (at -O3
                # -march=<--arch> whatever the build's level: CTGRAD_BENCH_OPTIONS), or in a
                # g++ -O3 build of its own when --builds has no g++.
                gcc_builds = [b for b in builds if b.is_gcc()]
                torch_build = next((b for b in gcc_builds if b.arch == args.arch),
                                   gcc_builds[0] if gcc_builds else None)
                if torch_build is None:
                    torch_build = Build("g++:-O3", args.arch)
                    torch_build.name += "-torch"
                    if not args.skip_build:
                        configure_and_build(torch_build, root, ["bench_engine_torch"], args.jobs)
                torch_exe = os.path.join(root, torch_build.name, "bench", "bench_engine_torch")
            for b in builds:
                targets = ["bench_engine"]
                if torch_exe and torch_exe.startswith(os.path.join(root, b.name) + os.sep):
                    targets.append("bench_engine_torch")
                built[b.name] = args.skip_build or configure_and_build(b, root, targets, args.jobs) is not None
            if torch_exe and not os.path.exists(torch_exe) and args.skip_build:
                # --skip-build: any LibTorch executable an earlier run built under the build root
                found = sorted(os.path.join(root, d, "bench", "bench_engine_torch") for d in os.listdir(root))
                torch_exe = next((t for t in found if os.path.exists(t)), torch_exe)
            if torch_exe and not os.path.exists(torch_exe):
                log("no %s: LibTorch left out" % torch_exe)
                torch_exe = None
                failures += 1
        # Phase 2: run each build, LibTorch right after each.
        for b in builds:
            bdir = os.path.join(root, b.name)
            data = {"medians": {}, "cvs": {}, "errors": []}
            results[b.name] = data
            torch_report = None
            if args.from_json:
                jpath = os.path.join(bdir, "engine.json")
                if not os.path.exists(jpath):
                    data["failed"] = "no results saved"
                    continue
                with open(jpath) as f:
                    report = json.load(f)
                tpath = os.path.join(bdir, "engine_torch.json")
                if os.path.exists(tpath):
                    with open(tpath) as f:
                        torch_report = json.load(f)
            else:
                for stale in ("engine.json", "engine_torch.json"):
                    if os.path.exists(os.path.join(bdir, stale)):
                        os.remove(os.path.join(bdir, stale))
                if not built[b.name]:
                    data["failed"] = "build failed"
                    data["log"] = b.name + ".build.log"
                    failures += 1
                    continue
                report = run_bench(os.path.join(bdir, "bench", "bench_engine"), args.reps, args.min_time,
                                   os.path.join(bdir, "engine.json"))
                if report is None:
                    data["failed"] = "bench_engine failed"
                    failures += 1
                    continue
                if torch_exe:
                    torch_report = run_bench(torch_exe, args.reps, args.min_time,
                                             os.path.join(bdir, "engine_torch.json"))
                    if torch_report is None:
                        failures += 1
            data["ctx"] = report["context"]
            for rep in (report, torch_report):
                if rep is None:
                    continue
                medians, cvs, errors = collect(rep)
                data["medians"].update(medians)
                data["cvs"].update(cvs)
                data["errors"] += errors
            if torch_report is not None:
                data["torch_ctx"] = torch_report["context"]
            data["flags_ctgrad"] = tu_flags(bdir, "bench_engine.cpp")
            data["flags_hand"] = tu_flags(bdir, "bench_engine_hand.cpp")
            failures += len(data["errors"])
    if run_compile:
        compile_results, compile_cmd = compile_time(root, args.compile_cxx, args.compile_reps)
    elif args.from_json and saved.get("compile"):
        compile_results = {k: tuple(v) if v else None for k, v in saved["compile"].items()}
        compile_cmd = saved.get("compile_cmd")
    elapsed = saved.get("elapsed", time.monotonic() - started) if args.from_json else time.monotonic() - started

    # ---- report ----
    lines = []

    def emit(text=""):
        lines.append(text)

    model, flags = cpu_info()
    isa = [f for f in ("avx512f", "avx2") if f in flags]
    emit("## One-statement engine: exercise 3's training step")
    emit()
    emit("- Machine: `lscpu` model name \"%s\", %d CPUs; AVX-512 (avx512f) %s, AVX2 %s; load average now %s." % (
        model, os.cpu_count() or 0, "yes" if "avx512f" in flags else "no", "yes" if "avx2" in flags else "no",
        ", ".join("%.2f" % x for x in os.getloadavg())))
    compilers = sorted({b.cxx for b in builds} | ({args.compile_cxx} if compile_results else set()))
    emit("- Compilers: " + "; ".join("`%s`: %s" % (c, first_line([c, "--version"])) for c in compilers) +
         "; CMake: %s." % first_line(["cmake", "--version"]))
    try:
        head = subprocess.run(["git", "-C", REPO, "log", "-1", "--format=%h %s"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--", "include"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip()
    except OSError:
        head, dirty = "?", ""
    if args.from_json:
        head = saved.get("head", head)
        dirty = saved.get("dirty", dirty)
    emit("- Source: %s%s." % (head or "not a git checkout", " (include/ has uncommitted changes)" if dirty else ""))
    if not args.compile_time_only:
        emit("- Median wall time per step over %s repetitions, random interleaving, --benchmark_min_time=%s s; "
             "%s" % (saved.get("reps", args.reps), saved.get("min_time", args.min_time),
                     "printed again from the saved JSON." if args.from_json else
                     "whole run (builds included) %.0f s." % elapsed))
        emit("- Tensor step, value_and_grad and hand ran in one process per build (their ratios come from one "
             "run); the hand loop is always compiled at -O3 by the same compiler. LibTorch (1 thread, g++ C++17) "
             "is a separate process, run once per table right after it; its ratio is to that table's Tensor step.")
        emit()
        for b in builds:
            build_table(emit, b, results[b.name])
        ok = [b for b in builds if not results[b.name].get("failed")]
        if ok:
            summary_table(emit, "value_and_grad / hand (-O3), same executable", ok, results, "vag", "hand")
            summary_table(emit, "Tensor step / value_and_grad", ok, results, "tensor", "vag")
            if any(results[b.name].get("torch_ctx") for b in ok):
                summary_table(emit, "LibTorch 1 thread (separate process) / Tensor step", ok, results,
                              "torch_1thread", "tensor")
    if compile_results:
        emit("### Compile time")
        emit()
        emit("`%s`, compile and link, median of %d, one program after another; each program takes 100 "
             "steps of exercise 3 at N = 10 (float) and prints the result." % (
                 compile_cmd, max(len(v[2]) for v in compile_results.values() if v) if any(
                     compile_results.values()) else 0))
        emit()
        emit("| program | wall (median) | CPU, user + sys (median) | wall of each run | / hand (wall) |")
        emit("|:---|---:|---:|---:|---:|")
        hand = compile_results.get("hand")
        for name in ("Tensor", "value_and_grad", "hand"):
            r = compile_results.get(name)
            if r is None:
                emit("| %s | failed | | | |" % name)
                failures += 1
                continue
            emit("| %s | %.2f s | %.2f s | %s | %s |" % (
                name, r[0], r[1], ", ".join("%.2f" % w for w in r[2]),
                fmt_ratio(ratio(r[0], hand[0] if hand else None))))
        emit()

    report = "\n".join(lines) + "\n"
    sys.stdout.write(report)
    out = args.out or os.path.join(root, "engine_tables.md")
    with open(out, "w") as f:
        f.write(report)
    log("tables written to %s" % out)
    if not args.from_json and not args.compile_time_only:
        with open(state_path, "w") as f:
            json.dump({"builds": [b.cxx + ":" + b.opt + ":" + b.arch for b in builds], "arch": args.arch,
                       "reps": args.reps, "min_time": args.min_time, "elapsed": elapsed, "head": head,
                       "dirty": dirty, "compile": compile_results, "compile_cmd": compile_cmd}, f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
