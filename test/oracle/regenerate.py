"""Records what the PyTorch twins print under torch: the reference of their C++ twins on
machines without torch.

    python3 test/oracle/regenerate.py            # rewrite every recorded output
    python3 test/oracle/regenerate.py --check    # only say which are out of date (exit 1)
    python3 test/oracle/regenerate.py scenarios exercise3   # only these twins

The twins and their recorded outputs:

    test/oracle/scenarios.py      ->  test/oracle/expected/scenarios.txt
    examples/pytorch/<name>.py    ->  examples/pytorch/expected/<name>.txt

Each file holds the script's stdout normalised as test/oracle/compare.py compares it (object
addresses as "0x...", the script's "# " explanation lines dropped) after a few "# " comment
lines naming the torch version. compare.py --expected compares a C++ twin with it when torch
cannot be imported, and checks it is still what torch prints when torch can.

The interpreter is --python, else the first of this one, /usr/bin/python3 and the python3 on
PATH that can `import torch` (Debian's python3-torch lives in /usr/bin/python3). ctgrad
reproduces torch 1.13; another release is refused unless --any-version. A recorded output whose
script is gone is removed. Needs only the standard library (and torch in that interpreter).
"""
import argparse
import difflib
import glob
import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402  (beside this file)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TORCH_RELEASE = "1.13"
COMMAND = compare.REGENERATE


def twins():
    """[(name, script, recorded output)], paths relative to the repository root."""
    out = [("scenarios", "test/oracle/scenarios.py", "test/oracle/expected/scenarios.txt")]
    for path in sorted(glob.glob(os.path.join(ROOT, "examples", "pytorch", "*.py"))):
        name = os.path.splitext(os.path.basename(path))[0]
        out.append((name, f"examples/pytorch/{name}.py",
                    f"examples/pytorch/expected/{name}.txt"))
    return out


def recorded_dirs():
    return ["test/oracle/expected", "examples/pytorch/expected"]


def torch_version(python):
    """torch.__version__ under python, or None when it cannot import torch."""
    try:
        r = subprocess.run([python, "-c", "import torch; print(torch.__version__)"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=300)
    except (OSError, subprocess.TimeoutExpired):
        return None
    version = r.stdout.decode(errors="replace").strip()
    return version if r.returncode == 0 and version else None


def find_python(explicit):
    candidates = [explicit] if explicit else [sys.executable, "/usr/bin/python3",
                                              shutil.which("python3")]
    tried = []
    for python in candidates:
        if not python or python in tried:
            continue
        tried.append(python)
        version = torch_version(python)
        if version:
            return python, version
    sys.exit(f"regenerate.py: no interpreter can `import torch` (tried: {', '.join(tried)}); "
             "give one with --python (Debian: apt-get install python3-torch)")


def render(script, version, lines):
    header = [
        f"# Recorded output of {script} under torch {version}: the reference of its C++",
        "# twin where torch is not installed (test/oracle/compare.py --expected), normalised",
        "# as compare.py compares it (addresses as 0x..., the script's \"# \" lines dropped).",
        f"# Generated, do not edit; regenerate every recorded output with: {COMMAND}",
        f"# torch: {version}",
    ]
    return "\n".join(header + lines) + "\n"


def main(argv):
    p = argparse.ArgumentParser(
        description="Record the PyTorch twins' output (the reference without torch).")
    p.add_argument("names", nargs="*", metavar="NAME",
                   help="only these twins (scenarios, exercise1, ...); default: all")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 when a recorded output is out of date")
    p.add_argument("--python", default=None, help="interpreter that can import torch")
    p.add_argument("--any-version", action="store_true",
                   help=f"accept a torch release other than {TORCH_RELEASE}")
    args = p.parse_args(argv)

    all_twins = twins()
    known = {name for name, _, _ in all_twins}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        p.error(f"unknown twin {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    selected = [t for t in all_twins if not args.names or t[0] in args.names]

    python, version = find_python(args.python)
    if not compare.same_release(version, TORCH_RELEASE) and not args.any_version:
        sys.exit(f"regenerate.py: {python} has torch {version}; ctgrad reproduces torch "
                 f"{TORCH_RELEASE} (--any-version to record it anyway)")
    print(f"python: {python} (torch {version})")

    failed = False
    out_of_date = []
    for name, script, recorded in selected:
        live = compare.run_torch_script(python, [script], ROOT, 600.0)
        if live is None:
            print(f"FAILED     {script}: {python} cannot import torch")
            failed = True
            continue
        _, _, out, problem = live
        if problem:
            print(f"FAILED     {problem}")
            failed = True
            continue
        text = render(script, version, compare.normalise(out))
        path = os.path.join(ROOT, recorded)
        try:
            with open(path, encoding="utf-8") as f:
                old = f.read()
        except FileNotFoundError:
            old = None
        if old == text:
            print(f"up to date {recorded}")
            continue
        out_of_date.append(recorded)
        if old is None:
            change = "new"
        else:
            diff = list(difflib.unified_diff(old.splitlines(), text.splitlines(), lineterm="",
                                             n=0))
            added = sum(1 for d in diff if d.startswith("+") and not d.startswith("+++"))
            removed = sum(1 for d in diff if d.startswith("-") and not d.startswith("---"))
            change = f"+{added} -{removed} lines"
        if args.check:
            print(f"OUT OF DATE {recorded} ({change})")
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print(f"written    {recorded} ({change})")

    if not args.names:
        wanted = {recorded for _, _, recorded in all_twins}
        for d in recorded_dirs():
            for path in sorted(glob.glob(os.path.join(ROOT, d, "*.txt"))):
                rel = os.path.relpath(path, ROOT).replace(os.sep, "/")
                if rel in wanted:
                    continue
                out_of_date.append(rel)
                if args.check:
                    print(f"OUT OF DATE {rel} (its script is gone)")
                else:
                    os.remove(path)
                    print(f"removed    {rel} (its script is gone)")

    if failed:
        return 1
    if args.check and out_of_date:
        print(f"{len(out_of_date)} recorded output(s) out of date; update with: {COMMAND}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
