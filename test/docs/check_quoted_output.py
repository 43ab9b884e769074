#!/usr/bin/env python3
"""Fails when an output quoted in the docs is no longer what the example prints.

A quote is a fenced block right after a marker line naming the example:

    <!-- output: exercise1 -->
    ```text
    a: tensor([ 4., 10., 18.], grad_fn=<MulBackward0>)
    ```

The block's lines must appear, consecutively and exactly, in the example's standard output
(a quote may be an excerpt). Each example runs once.

    check_quoted_output.py --bin-dir build/examples README.md docs/*.md docs/zh/*.md
"""

import argparse
import os
import re
import subprocess
import sys

MARKER = re.compile(r"^<!--\s*output:\s*([A-Za-z0-9_]+)\s*-->\s*$")


def quotes(path):
    """(example, first line number, lines) for every marked block of a markdown file."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    found = []
    i = 0
    while i < len(lines):
        m = MARKER.match(lines[i])
        if not m:
            i += 1
            continue
        j = i + 1
        if j >= len(lines) or not lines[j].startswith("```"):
            raise SystemExit(f"{path}:{i + 1}: an output marker must be followed by a fenced block")
        k = j + 1
        while k < len(lines) and not lines[k].startswith("```"):
            k += 1
        found.append((m.group(1), j + 2, lines[j + 1:k]))
        i = k + 1
    return found


def contains(output, block):
    n = len(block)
    return any(output[s:s + n] == block for s in range(len(output) - n + 1))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", required=True, help="directory holding the example executables")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()

    outputs = {}
    failures = 0
    checked = 0
    for path in args.files:
        for example, line, block in quotes(path):
            if example not in outputs:
                exe = os.path.join(args.bin_dir, example)
                proc = subprocess.run([exe], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=False)
                if proc.returncode != 0:
                    print(f"{exe} exited with {proc.returncode}")
                    failures += 1
                outputs[example] = proc.stdout.split("\n")
            checked += 1
            if not contains(outputs[example], block):
                failures += 1
                print(f"{path}:{line}: the quoted output of {example} is stale; it now prints:")
                print("\n".join("    " + l for l in outputs[example]))
    print(f"{checked} quoted outputs checked, {failures} stale")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
