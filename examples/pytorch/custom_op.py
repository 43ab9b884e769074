"""Twin of examples/custom_op.cpp: softplus and logaddexp as PyTorch has them."""
import math

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

# 1. f(x, y) = logaddexp(x * y, softplus(y)) and its gradient at (1.5, -0.5)
x = torch.tensor(1.5, requires_grad=True)
y = torch.tensor(-0.5, requires_grad=True)
f = torch.logaddexp(x * y, F.softplus(y))
dx, dy = torch.autograd.grad(f, (x, y))
print("f(1.5, -0.5) = %.6f, grad = [%.6f, %.6f]" % (float(f), float(dx), float(dy)))

# 2. logistic regression with the loss mean(softplus(-t (w u + b)))
us = torch.tensor([math.sin(0.7 * i) * 3.0 for i in range(100)])
ts = torch.tensor([1.0 if math.sin(0.7 * i) * 3.0 + math.cos(1.3 * i) > 0.5 else -1.0 for i in range(100)])
w = torch.tensor(0.0)
b = torch.tensor(0.0)
for step in range(5):
    wg = w.clone().requires_grad_(True)
    bg = b.clone().requires_grad_(True)
    loss = F.softplus(-ts * (wg * us + bg)).mean()
    dw, db = torch.autograd.grad(loss, (wg, bg))
    print("step %d: loss = %.6f, dw = %.6f, db = %.6f" % (step, float(loss), float(dw), float(db)))
    w = w - 0.5 * dw
    b = b - 0.5 * db

# 3. tensors
torch.set_default_dtype(torch.float32)
a = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
c = torch.tensor([0.5, 0.5, 0.5], requires_grad=True)
s = F.softplus(a * 2.0)
print(s)
m = torch.logaddexp(s, c)
print(m)
m.sum().backward()
print(a.grad, c.grad)
