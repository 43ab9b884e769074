#!/usr/bin/env python3
"""PyTorch's twin of bench_chain: t = x * 1; n times t = t * w + b; t.sum().backward().

Prints one JSON object {"n": median seconds, ...} over --repetitions runs per size.
Needs an interpreter that can import torch (Debian's python3-torch).
"""
import argparse
import json
import statistics
import time

import torch


def chain(n):
    x = torch.tensor([1.0], requires_grad=True)
    w = torch.tensor([0.999999], requires_grad=True)
    b = torch.tensor([0.5], requires_grad=True)
    t = x * 1.0
    for _ in range(n):
        t = t * w + b
    t.sum().backward()
    del t
    return b.grad.item()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    out = {}
    for n in map(int, args.sizes.split(",")):
        times = []
        for _ in range(args.repetitions):
            start = time.perf_counter()
            chain(n)
            times.append(time.perf_counter() - start)
        out[str(n)] = statistics.median(times)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
