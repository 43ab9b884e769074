"""Twin of examples/mlp.cpp: a 2 -> 16 -> 1 network (tanh) trained with Adam on two moons."""
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)
half = 100
theta = torch.arange(half) * (math.pi / (half - 1))
upper = torch.stack([torch.cos(theta), torch.sin(theta)], dim=1)
lower = torch.stack([1 - torch.cos(theta), 0.5 - torch.sin(theta)], dim=1)
X = torch.cat([upper, lower]) + 0.1 * torch.randn(2 * half, 2)
y = torch.cat([torch.zeros(half), torch.ones(half)]).unsqueeze(1)
print("data:", X.shape, y.shape)

W1 = (torch.randn(16, 2) * 0.5).requires_grad_()
b1 = torch.zeros(16, requires_grad=True)
W2 = (torch.randn(1, 16) * 0.5).requires_grad_()
b2 = torch.zeros(1, requires_grad=True)
opt = torch.optim.Adam([W1, b1, W2, b2], lr=0.02)


def model(X):
    return F.linear(torch.tanh(F.linear(X, W1, b1)), W2, b2)


for step in range(501):
    opt.zero_grad()
    logits = model(X)
    loss = F.binary_cross_entropy_with_logits(logits, y)
    loss.backward()
    opt.step()
    if step % 50 == 0:
        correct = sum(int((z > 0) == (t > 0.5)) for z, t in zip(logits.detach().flatten().tolist(), y.flatten().tolist()))
        print("step %3d: loss %.4f, accuracy %.3f" % (step, loss.item(), correct / (2 * half)))
print("grad_fn of the logits:", model(X).grad_fn.name())
with torch.no_grad():
    probe = torch.tensor([[0.0, 1.0], [1.0, -0.5], [0.5, 0.25]])
    print("probabilities at three points:", torch.sigmoid(model(probe)).flatten())
