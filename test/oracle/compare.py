"""Runs a PyTorch script and its C++ twin and compares their standard output line by line.

    compare.py --python PY --script S.py --exe CPP_EXE [--filter NAME]...
               [--script-args "ARGS"] [--exe-args "ARGS"] [--workdir DIR] [--timeout SEC]

    # the oracle catalogue, one scenario
    python3 test/oracle/compare.py --python /usr/bin/python3 \
        --script test/oracle/scenarios.py --exe build/test/oracle/oracle_scenarios --filter grad_mul
    # a tutorial example
    python3 test/oracle/compare.py --python /usr/bin/python3 \
        --script examples/pytorch/exercise1.py --exe build/examples/exercise1

Both programs are run with the same trailing arguments: --script-args / --exe-args (each a
shell-style string, split with shlex, repeatable), then every --filter value. Only stdout is
compared; stderr of both is passed through. Before comparing, object addresses
(0x[0-9a-fA-F]+) become "0x...", and lines beginning with "# " (explanations, which may differ
between the languages) are dropped.

The first line printed names the interpreter that ran the script (its sys.executable and
torch.__version__). Exit status: 0 when the outputs match, 1 on a mismatch (a unified diff
is printed) or when either program fails, 77 when the interpreter cannot `import torch`
(ctest's SKIP_RETURN_CODE). This script itself needs only the standard library.
"""
import argparse
import ast
import difflib
import re
import shlex
import subprocess
import sys

SKIP = 77
ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
MARKER = "@@ctgrad-compare@@"
# Runs the script in the interpreter that imported torch, after one marker line naming the
# interpreter; one torch import instead of two (a probe plus the script) saves ~1.5 s a run.
LAUNCHER = f"""\
import os, runpy, sys
try:
    import torch
except BaseException as e:
    sys.stderr.write(f"import torch failed: {{e!r}}\\n")
    sys.exit(1)
print("{MARKER}", repr((sys.executable, torch.__version__)), flush=True)
script = sys.argv[1]
sys.argv = sys.argv[1:]
sys.path[0] = os.path.dirname(os.path.abspath(script))
runpy.run_path(script, run_name="__main__")
"""


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Compare the stdout of a PyTorch script with that of its C++ twin.")
    p.add_argument("--python", default=sys.executable,
                   help="interpreter that can import torch (default: the one running this)")
    p.add_argument("--script", required=True, help="the PyTorch script")
    p.add_argument("--exe", required=True, help="the C++ executable")
    p.add_argument("--filter", action="append", default=[], metavar="NAME",
                   help="argument appended to both command lines (e.g. a scenario name); "
                        "repeatable")
    p.add_argument("--script-args", action="append", default=[], metavar="ARGS",
                   help="extra arguments of the script (shell-style string); repeatable")
    p.add_argument("--exe-args", action="append", default=[], metavar="ARGS",
                   help="extra arguments of the executable (shell-style string); repeatable")
    p.add_argument("--workdir", default=None, help="working directory of both programs")
    p.add_argument("--timeout", type=float, default=300.0,
                   help="seconds each program may run (default 300)")
    return p.parse_args(argv)


def split_all(strings):
    out = []
    for s in strings:
        out.extend(shlex.split(s))
    return out


def run(label, cmd, workdir, timeout, shown=None):
    """Runs cmd (stderr passes through): (stdout as text, None or a message on failure).

    shown: the command line to name in the message (default: cmd)."""
    shown = shlex.join(shown or cmd)
    sys.stdout.flush()
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=None, cwd=workdir,
                           timeout=timeout)
    except OSError as e:
        return "", f"compare.py: cannot run the {label}: {shown}: {e}"
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", errors="replace")
        return out, f"compare.py: the {label} timed out after {timeout:g} s: {shown}"
    out = r.stdout.decode("utf-8", errors="replace")
    if r.returncode != 0:
        return out, f"compare.py: the {label} exited with status {r.returncode}: {shown}"
    return out, None


def normalise(text):
    lines = []
    for line in text.splitlines():
        if line.startswith("# "):
            continue
        lines.append(ADDRESS.sub("0x...", line))
    return lines


def main(argv):
    args = parse_args(argv)

    filters = list(args.filter)
    py_cmd = [args.python, args.script] + split_all(args.script_args) + filters
    cpp_cmd = [args.exe] + split_all(args.exe_args) + filters

    launched = [args.python, "-c", LAUNCHER] + py_cmd[1:]
    py_out, py_problem = (run("PyTorch script", launched, args.workdir, args.timeout,
                              shown=py_cmd)
                          if args.python else ("", "no interpreter given"))
    first, _, py_out = py_out.partition("\n")
    if not first.startswith(MARKER + " "):
        print(f"compare.py: SKIP: the interpreter {args.python!r} cannot `import torch`; "
              "give one that can with --python (CMake: -DCTGRAD_TORCH_PYTHON=...)")
        return SKIP
    executable, version = ast.literal_eval(first[len(MARKER) + 1:])
    print(f"python: {executable} (torch {version})")

    cpp_out, cpp_problem = run("C++ executable", cpp_cmd, args.workdir, args.timeout)
    problems = [p for p in (py_problem, cpp_problem) if p]
    for p in problems:
        print(p)

    expected = normalise(py_out)
    actual = normalise(cpp_out)
    if expected == actual:
        if not problems:
            print(f"match: {len(expected)} lines")
            return 0
        print("compare.py: the outputs match, but a program failed")
        return 1

    for i, (e, a) in enumerate(zip(expected, actual)):
        if e != a:
            first = i + 1
            break
    else:
        first = min(len(expected), len(actual)) + 1
    print(f"MISMATCH at compared line {first} "
          f"(python: {len(expected)} lines, c++: {len(actual)} lines)")
    diff = difflib.unified_diff(expected, actual,
                                fromfile=f"python: {shlex.join(py_cmd)}",
                                tofile=f"c++: {shlex.join(cpp_cmd)}",
                                lineterm="")
    for line in diff:
        print(line)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
