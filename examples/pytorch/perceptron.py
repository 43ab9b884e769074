"""Twin of examples/perceptron.cpp: a 2 -> 16 -> 1 tanh network trained by gradient descent."""
import math

import torch

torch.set_default_dtype(torch.float64)
n, d, h = 128, 2, 16
X = torch.tensor([[math.sin(0.5 * i), math.cos(0.3 * i)] for i in range(n)])
Y = torch.tensor([math.sin(2.0 * math.sin(0.5 * i)) * math.cos(0.3 * i) for i in range(n)])
W = torch.tensor([[0.5 * math.sin(1.1 * i + 2.3 * j + 0.4) for j in range(d)] for i in range(h)])
b = torch.tensor([0.1 * math.cos(0.7 * i) for i in range(h)])
v = torch.tensor([0.3 * math.sin(0.9 * i + 0.2) for i in range(h)])
c = torch.tensor(0.0)


def model(W, b, v, c, X):
    return torch.tanh(X @ W.T + b) @ v + c


for step in range(301):
    params = [t.clone().requires_grad_(True) for t in (W, b, v, c)]
    loss = ((model(*params, X) - Y) ** 2).mean()
    grads = torch.autograd.grad(loss, params)
    if step % 50 == 0:
        print("step %d: loss = %.6f" % (step, float(loss)))
    W, b, v, c = (t - 0.2 * g for t, g in zip((W, b, v, c), grads))
out = model(W, b, v, c, X)
for i in (0, 5, 10):
    print("row %d: prediction %.4f, target %.4f" % (i, float(out[i]), float(Y[i])))
