"""Twin of examples/pairwise_energy.cpp: Lennard-Jones energy of 8 particles and its forces."""
import math

import torch

torch.set_default_dtype(torch.float64)
n = 8
P = torch.tensor([[1.1 * ((i >> k) & 1) + 0.05 * math.sin(1.3 * i + 2.1 * k) for k in range(3)] for i in range(n)])
pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
I = torch.tensor([i for i, _ in pairs])
J = torch.tensor([j for _, j in pairs])


def forces(P):
    P = P.clone().requires_grad_(True)
    r2 = ((P[I] - P[J]) ** 2).sum(1)
    e = (4 * (r2 ** -6 - r2 ** -3)).sum()
    e.backward()
    return float(e), -P.grad


e, F = forces(P)
print("energy = %.6f" % e)
for i in (0, 7):
    print("force on %d = [%.6f, %.6f, %.6f]" % (i, F[i, 0], F[i, 1], F[i, 2]))
for step in range(1, 51):
    P = P + 0.01 * F
    e, F = forces(P)
    if step % 10 == 0:
        print("step %d: energy = %.6f" % (step, e))
