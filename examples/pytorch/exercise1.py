"""Exercise 1: basic gradient computation (PyTorch twin of the ctgrad example).

Lines starting with "# " are explanations; every other line is compared exactly
with the output of the C++ twin.
"""
import torch

# 1. Create the tensors; only x and z require grad.
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = torch.tensor([4.0, 5.0, 6.0])
z = torch.tensor([7.0, 8.0, 9.0], requires_grad=True)

# 2. Build the computation graph.
a = x * y
b = a + z
c = b.sum()

print("a:", a)
print("b:", b)
print("c:", c)

# 3. Inspect the graph.
print("a.grad_fn:", a.grad_fn.name())
print("b.grad_fn:", b.grad_fn.name())
print("c.grad_fn:", c.grad_fn.name())
print("x.grad_fn:", x.grad_fn)
print("x.requires_grad:", x.requires_grad)
print("y.requires_grad:", y.requires_grad)
print("z.requires_grad:", z.requires_grad)
print("a.requires_grad:", a.requires_grad)
print("b.requires_grad:", b.requires_grad)
print("c.requires_grad:", c.requires_grad)

# 4. Backward pass from the scalar c.
c.backward()
print("x.grad:", x.grad)
print("y.grad:", y.grad)
print("z.grad:", z.grad)
print("# c = sum(x * y + z), so dc/dx = y = [4, 5, 6] and dc/dz = 1 for every element.")
print("# y.grad is None: y was created with requires_grad=False (the default for user")
print("# tensors), so autograd never tracked it and backward() does not compute or store")
print("# a gradient for it. Only leaves with requires_grad=True (x, z) receive .grad.")
