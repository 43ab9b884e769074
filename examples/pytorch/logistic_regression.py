"""Twin of examples/logistic_regression.cpp: logistic regression over 8 features."""
import math

import torch

torch.set_default_dtype(torch.float64)
n, d = 200, 8
X = torch.tensor([[math.sin(0.37 * (i + 1) * (j + 1) + 0.11 * j) for j in range(d)] for i in range(n)])
Y = torch.tensor([1.0 if 0.3 * math.cos(1.7 * i) + sum((-1.0 if j % 2 else 1.0) * (1.0 + 0.25 * j) * float(X[i, j]) for j in range(d)) > 0
                  else -1.0 for i in range(n)])


def loss_of(w):
    return torch.log1p(torch.exp(-Y * (X @ w))).mean()


w = torch.zeros(d)
for step in range(101):
    wg = w.clone().requires_grad_(True)
    loss = loss_of(wg)
    (g,) = torch.autograd.grad(loss, (wg,))
    if step % 20 == 0:
        print("step %d: loss = %.6f" % (step, float(loss)))
    w = w - 1.0 * g
print("w = [" + ", ".join("%.4f" % float(v) for v in w) + "]")
margin = Y * (X @ w)
print("accuracy = %.3f" % (float((margin > 0).sum()) / n))
H = torch.autograd.functional.hessian(loss_of, w)
print("hessian diagonal = [" + ", ".join("%.6f" % float(H[j, j]) for j in range(d)) + "]")
