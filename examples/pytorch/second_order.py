"""Twin of examples/second_order.cpp: second derivatives with torch.autograd.grad(...,
create_graph=True)."""
import torch
import torch.nn.functional as F

torch.manual_seed(0)

# 1. y = x^3 at x = 2: dy/dx = 3x^2 = 12, d2y/dx2 = 6x = 12
x = torch.tensor(2.0, requires_grad=True)
y = x ** 3
(dy,) = torch.autograd.grad(y, [x], create_graph=True)
print("dy/dx:", dy.item(), "requires_grad:", dy.requires_grad)
(d2y,) = torch.autograd.grad(dy, [x])
print("d2y/dx2:", d2y)

# 2. Newton's method in one variable: x <- x - f'(x) / f''(x) for f(x) = x^4 - 3x^2 + x
t = torch.tensor(2.0, requires_grad=True)
for step in range(5):
    f = t ** 4 - 3.0 * t ** 2 + t
    (g,) = torch.autograd.grad(f, [t], create_graph=True)
    (h,) = torch.autograd.grad(g, [t])
    print("step", step, "x =", t.detach(), "f =", f.detach(), "f' =", g.detach(), "f'' =", h)
    with torch.no_grad():
        t -= g.detach() / h

# 3. The Hessian of Rosenbrock's function at (-1.5, 2), one row per gradient entry
p = torch.tensor([-1.5, 2.0], requires_grad=True)
r = (1.0 - p[0]) ** 2 + 100.0 * (p[1] - p[0] ** 2) ** 2
(gr,) = torch.autograd.grad(r, [p], create_graph=True)
print("gradient:", gr.detach())
rows = [torch.autograd.grad(gr[0], [p], retain_graph=True)[0],
        torch.autograd.grad(gr[1], [p], retain_graph=True)[0]]
print("Hessian:", torch.stack(rows))
# a Hessian-vector product without the Hessian: the gradient of <gradient, v>
v = torch.tensor([1.0, -1.0])
print("H v:", torch.autograd.grad((gr * v).sum(), [p])[0])

# 4. A gradient penalty (as in WGAN-GP): the norm of d critic / d input pushed towards 1,
# minimised by SGD on the critic's weights
w1 = torch.randn(8, 2, requires_grad=True)
b1 = torch.zeros(8, requires_grad=True)
w2 = torch.randn(1, 8, requires_grad=True)
inputs = torch.randn(16, 2, requires_grad=True)
opt = torch.optim.SGD([w1, b1, w2], lr=0.05)
for step in range(30):
    critic = F.linear(F.linear(inputs, w1, b1).tanh(), w2).sum()
    (gx,) = torch.autograd.grad(critic, [inputs], create_graph=True)
    norm = torch.sqrt(gx.pow(2).sum(1))
    penalty = (norm - 1.0).pow(2).mean()
    opt.zero_grad()
    penalty.backward()
    opt.step()
    if step % 10 == 0 or step == 29:
        print("step", step, "penalty =", penalty.detach())
