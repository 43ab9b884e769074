"""Runs a PyTorch script and its C++ twin and compares their standard output line by line.

    compare.py --python PY --script S.py --exe CPP_EXE [--filter NAME]...
               [--expected FILE [--reference auto|torch|recorded]]
               [--script-args "ARGS"] [--exe-args "ARGS"] [--workdir DIR] [--timeout SEC]

    # the oracle catalogue, one scenario
    python3 test/oracle/compare.py --python /usr/bin/python3 \
        --script test/oracle/scenarios.py --exe build/test/ctgrad_oracle --filter grad_mul
    # a tutorial example, against torch when it can be imported, else against the recorded output
    python3 test/oracle/compare.py --python /usr/bin/python3 \
        --script examples/pytorch/exercise1.py --exe build/examples/exercise1 \
        --expected examples/pytorch/expected/exercise1.txt

Both programs are run with the same trailing arguments: --script-args / --exe-args (each a
shell-style string, split with shlex, repeatable), then every --filter value. Only stdout is
compared; stderr of both is passed through. Before comparing, object addresses
(0x[0-9a-fA-F]+) become "0x...", and lines beginning with "# " (explanations, which may differ
between the languages) are dropped.

The reference the C++ output is compared with:

  torch     the script, run live by --python (the default without --expected). With
            --expected, the file must also still hold what torch printed: a stale recorded
            output is an error (only a warning when the file was recorded under another torch
            version than the one running).
  recorded  the file given by --expected: the script's output recorded under torch (normalised
            as above; its "# " lines are comments), written by test/oracle/regenerate.py. Torch
            is not needed and the script is not run. --filter values select the file's
            "== <name>" sections whose name matches (fnmatch, as scenarios.py does).
  auto      torch when --python can import it, else recorded (the default with --expected).

The first line printed names the reference. Exit status: 0 when the outputs match, 1 on a
mismatch (a unified diff is printed), a stale or missing recorded output, or when a program
fails; 77 (ctest's SKIP_RETURN_CODE) when the reference is torch and --python cannot
`import torch`, or it is auto and neither torch nor the recorded file is there. This script
itself needs only the standard library.
"""
import argparse
import ast
import difflib
import fnmatch
import re
import shlex
import subprocess
import sys

SKIP = 77
ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
MARKER = "@@ctgrad-compare@@"
# Recorded outputs name the torch version they were recorded under in a comment line.
VERSION_LINE = re.compile(r"^# torch: (\S+)\s*$")
REGENERATE = "python3 test/oracle/regenerate.py"
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
    p.add_argument("--expected", default=None, metavar="FILE",
                   help="the script's output recorded under torch (test/oracle/regenerate.py)")
    p.add_argument("--reference", choices=("auto", "torch", "recorded"), default=None,
                   help="compare with torch live, with the recorded --expected file, or with "
                        "torch when it can be imported and else the file (default: auto with "
                        "--expected, torch without)")
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
    args = p.parse_args(argv)
    if args.reference is None:
        args.reference = "auto" if args.expected else "torch"
    if args.reference == "recorded" and not args.expected:
        p.error("--reference recorded needs --expected FILE")
    return args


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


def run_torch_script(python, script_cmd, workdir, timeout):
    """Runs script_cmd ([script, args...]) under python after importing torch.

    Returns None when python cannot import torch, else
    (sys.executable, torch.__version__, stdout, None or a message on failure)."""
    if not python:
        return None
    launched = [python, "-c", LAUNCHER] + list(script_cmd)
    out, problem = run("PyTorch script", launched, workdir, timeout,
                       shown=[python] + list(script_cmd))
    first, _, out = out.partition("\n")
    if not first.startswith(MARKER + " "):
        return None
    executable, version = ast.literal_eval(first[len(MARKER) + 1:])
    return executable, version, out, problem


def normalise(text):
    lines = []
    for line in text.splitlines():
        if line.startswith("# "):
            continue
        lines.append(ADDRESS.sub("0x...", line))
    return lines


def read_recorded(path):
    """The recorded output at path: (its normalised lines, the torch version it names or None).

    Raises OSError when the file cannot be read."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    version = None
    for line in text.splitlines():
        m = VERSION_LINE.match(line)
        if m:
            version = m.group(1)
            break
    return normalise(text), version


def select_sections(lines, patterns):
    """The "== <name>" sections of lines whose name matches one of patterns (all without any).

    Returns None when patterns are given but lines are not made of such sections."""
    if not patterns:
        return lines
    if lines and not lines[0].startswith("== "):
        return None
    out = []
    keep = False
    for line in lines:
        if line.startswith("== "):
            keep = any(fnmatch.fnmatchcase(line[3:], p) for p in patterns)
        if keep:
            out.append(line)
    return out


def first_difference(expected, actual):
    for i, (e, a) in enumerate(zip(expected, actual)):
        if e != a:
            return i + 1
    return min(len(expected), len(actual)) + 1


def print_diff(expected, actual, fromfile, tofile):
    for line in difflib.unified_diff(expected, actual, fromfile=fromfile, tofile=tofile,
                                     lineterm=""):
        print(line)


def same_release(a, b):
    """True when torch versions a and b are the same major.minor (1.13.0 and 1.13.1)."""
    return a.split(".")[:2] == b.split(".")[:2]


def check_recorded(path, py_lines, version, filters, script_args):
    """Whether the recorded output at path is what torch printed now (py_lines); prints why not.

    Returns True when it is up to date, or cannot be checked for a reason that is no error."""
    if script_args:
        print("recorded output not checked: --script-args change what the script prints")
        return True
    try:
        recorded, recorded_version = read_recorded(path)
    except OSError as e:
        print(f"RECORDED OUTPUT MISSING: {path}: {e.strerror}; "
              f"record it with: {REGENERATE}")
        return False
    selected = select_sections(recorded, filters)
    if selected is None:
        print(f"recorded output not checked: {path} has no '== <name>' sections to select "
              f"with --filter")
        return True
    if selected == py_lines:
        print(f"recorded output up to date: {path} (torch {recorded_version})")
        return True
    other_release = recorded_version and not same_release(recorded_version, version)
    label = "WARNING: the recorded output differs" if other_release else "RECORDED OUTPUT STALE"
    advice = "" if other_release else f"; update it with: {REGENERATE}"
    print(f"{label}: {path} (recorded under torch {recorded_version}) is not what torch "
          f"{version} prints now, from compared line "
          f"{first_difference(selected, py_lines)}{advice}")
    print_diff(selected, py_lines, fromfile=f"recorded: {path}",
               tofile=f"torch {version}: the script now")
    if other_release:
        print("(not an error: the file was recorded under another torch release)")
        return True
    return False


def main(argv):
    args = parse_args(argv)

    filters = list(args.filter)
    script_args = split_all(args.script_args)
    py_cmd = [args.script] + script_args + filters
    cpp_cmd = [args.exe] + split_all(args.exe_args) + filters
    problems = []

    live = None
    if args.reference != "recorded":
        live = run_torch_script(args.python, py_cmd, args.workdir, args.timeout)
        if live is None and args.reference == "torch":
            print(f"compare.py: SKIP: the interpreter {args.python!r} cannot `import torch`; "
                  "give one that can with --python (CMake: -DCTGRAD_TORCH_PYTHON=...)")
            return SKIP

    recorded_ok = True
    if live is not None:
        executable, version, py_out, py_problem = live
        print(f"reference: torch {version}, live (python: {executable})")
        if py_problem:
            problems.append(py_problem)
        expected = normalise(py_out)
        if args.expected and not py_problem:
            recorded_ok = check_recorded(args.expected, expected, version, filters,
                                         script_args)
        expected_label = f"python: {shlex.join([executable] + py_cmd)}"
    else:
        if args.reference == "recorded":
            why = "--reference recorded"
        elif not args.python:
            why = "no interpreter that can `import torch` was given"
        else:
            why = f"the interpreter {args.python!r} cannot `import torch`"
        try:
            recorded, recorded_version = read_recorded(args.expected)
        except OSError as e:
            print(f"compare.py: cannot read the recorded output {args.expected}: {e.strerror}; "
                  f"record it with: {REGENERATE}")
            if args.reference == "auto":
                print(f"compare.py: SKIP: no reference ({why}, and no recorded output)")
                return SKIP
            return 1
        if script_args:
            print("compare.py: --script-args cannot apply to a recorded output; "
                  "compare with torch (--reference torch)")
            return 1
        expected = select_sections(recorded, filters)
        if expected is None:
            print(f"compare.py: {args.expected} has no '== <name>' sections to select "
                  "with --filter")
            return 1
        if filters and not expected:
            print(f"compare.py: no section of {args.expected} matches {shlex.join(filters)}")
            return 1
        print(f"reference: recorded output {args.expected} "
              f"(torch {recorded_version}; {why})")
        expected_label = f"recorded: {args.expected}"

    cpp_out, cpp_problem = run("C++ executable", cpp_cmd, args.workdir, args.timeout)
    if cpp_problem:
        problems.append(cpp_problem)
    for p in problems:
        print(p)

    actual = normalise(cpp_out)
    if expected == actual:
        if problems:
            print("compare.py: the outputs match, but a program failed")
            return 1
        print(f"match: {len(expected)} lines")
        if not recorded_ok:
            print("compare.py: the C++ output matches torch, but the recorded output must be "
                  f"updated: {REGENERATE}")
            return 1
        return 0

    print(f"MISMATCH at compared line {first_difference(expected, actual)} "
          f"(reference: {len(expected)} lines, c++: {len(actual)} lines)")
    print_diff(expected, actual, fromfile=expected_label, tofile=f"c++: {shlex.join(cpp_cmd)}")
    if live is None:
        print("(when the script changed since it was recorded, run where torch is installed: "
              f"{REGENERATE})")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
