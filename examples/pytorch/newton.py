"""Twin of examples/newton.cpp: Newton's method for a logistic regression in three parameters,
with the Hessian from torch.autograd.functional.hessian."""
import math

import torch

torch.set_default_dtype(torch.float64)

n = 200
u1 = torch.tensor([2.0 * math.cos(0.37 * i) for i in range(n)])
u2 = torch.tensor([1.5 * math.sin(0.91 * i + 0.3) for i in range(n)])
y = torch.tensor([1.0 if 1.2 * 2.0 * math.cos(0.37 * i) - 0.8 * 1.5 * math.sin(0.91 * i + 0.3) + 0.3
                  + 1.5 * math.sin(1.7 * i + 0.5) > 0.0 else 0.0 for i in range(n)])


def loss_of(w):
    z = w[0] + w[1] * u1 + w[2] * u2
    return torch.mean(torch.log1p(torch.exp(z)) - y * z)


# ctgrad prints the loss and one entry of the Hessian as it derived them; these are its formulas
print('loss = mean(log1p(exp(u2 * w2 + w0 + u1 * w1)) - y * (u2 * w2 + w0 + u1 * w1))')
print('d2 loss / dw1 dw2 = mean(u2 * exp(u2 * w2 + w0 + u1 * w1) * (u1 / (exp(u2 * w2 + w0 + u1 * w1) + 1) + u1 * -exp(u2 * w2 + w0 + u1 * w1) / (exp(u2 * w2 + w0 + u1 * w1) + 1) / (exp(u2 * w2 + w0 + u1 * w1) + 1)))')

w = torch.zeros(3)
for step in range(7):
    wg = w.clone().requires_grad_(True)
    loss = loss_of(wg)
    (g,) = torch.autograd.grad(loss, wg)
    h = torch.autograd.functional.hessian(loss_of, w)
    norm = math.sqrt(float(g @ g))
    print("step %d: loss = %.8f, |grad| %s 1e-9, w = [%.6f, %.6f, %.6f]"
          % (step, float(loss), "<" if norm < 1e-9 else ">=", float(w[0]), float(w[1]), float(w[2])))
    if step == 0:
        print("hessian at w = 0: [[%.6f, %.6f, %.6f], [%.6f, %.6f, %.6f], [%.6f, %.6f, %.6f]]"
              % tuple(float(v) for v in h.flatten()))
    w = w - torch.linalg.solve(h, g)

v = torch.tensor([1.0, -1.0, 0.5])
_, hv = torch.autograd.functional.hvp(loss_of, w, v)
print("hessian-vector product at the minimum, v = [1, -1, 0.5]: [%.6f, %.6f, %.6f]" % tuple(float(t) for t in hv))
