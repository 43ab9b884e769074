"""Extra challenge: parameter updates under torch.no_grad() (PyTorch twin of the ctgrad example).

Lines starting with "# " are explanations; every other line is compared exactly
with the output of the C++ twin.
"""
import torch

true_w = 2.0
true_b = 1.0
learning_rate = 0.01
num_iterations = 100


def setup():
    """Exercise 3's data and initial parameters, from the same seed."""
    torch.manual_seed(0)
    x_data = torch.randn(10, 1)
    y_true = true_w * x_data + true_b
    w = torch.randn(1, 1, requires_grad=True)
    b = torch.randn(1, 1, requires_grad=True)
    return x_data, y_true, w, b


def first_line(e):
    return str(e).splitlines()[0]


# 1. Exercise 3 again, with the update done in place under torch.no_grad().
print("update: with torch.no_grad(): w -= lr * w.grad; b -= lr * b.grad")
x_data, y_true, w, b = setup()
print(f"initial w = {w.item():.4f}, b = {b.item():.4f}")
for i in range(num_iterations):
    y_pred = w * x_data + b
    loss = torch.mean((y_pred - y_true) ** 2)
    if w.grad is not None:
        w.grad.zero_()
    if b.grad is not None:
        b.grad.zero_()
    loss.backward()
    with torch.no_grad():
        w -= learning_rate * w.grad
        b -= learning_rate * b.grad
    if (i + 1) % 10 == 0:
        print(f"iteration {i + 1:3d}: loss = {loss.item():.6f}, w = {w.item():.6f}, b = {b.item():.6f}")
print(f"final: loss = {loss.item():.6f}, w = {w.item():.6f}, b = {b.item():.6f}")
print("w.is_leaf:", w.is_leaf, "w.requires_grad:", w.requires_grad, "w.grad_fn:", w.grad_fn)

# The same loop with exercise 3's .data update, to compare bit for bit.
x_data, y_true, w_data, b_data = setup()
for i in range(num_iterations):
    loss_data = torch.mean((w_data * x_data + b_data - y_true) ** 2)
    if w_data.grad is not None:
        w_data.grad.zero_()
    if b_data.grad is not None:
        b_data.grad.zero_()
    loss_data.backward()
    w_data.data = w_data.data - learning_rate * w_data.grad.data
    b_data.data = b_data.data - learning_rate * b_data.grad.data
print("same w and b as the .data update:", torch.equal(w, w_data) and torch.equal(b, b_data))
print("# Both updates compute w - lr * w.grad without recording it in the graph, so the")
print("# values are identical. `w -= ...` is in place: it writes into the tensor w already")
print("# is, so w stays the same leaf with requires_grad=True and its .grad keeps filling.")

# 2. Why no_grad is needed at all: an in-place update outside it.
print("wrong: w -= lr * w.grad outside torch.no_grad()")
x_data, y_true, w, b = setup()
loss = torch.mean((w * x_data + b - y_true) ** 2)
loss.backward()
try:
    w -= learning_rate * w.grad
except RuntimeError as e:
    print("RuntimeError:", first_line(e))
print("# Autograd refuses to record an in-place change of a leaf that requires grad:")
print("# the update itself would become part of the graph and overwrite the leaf's value.")

# 3. Wrong variant 1: rebinding under no_grad.
print("wrong: with torch.no_grad(): w = w - lr * w.grad")
x_data, y_true, w, b = setup()
for i in range(2):
    y_pred = w * x_data + b
    loss = torch.mean((y_pred - y_true) ** 2)
    if w.grad is not None:
        w.grad.zero_()
    if b.grad is not None:
        b.grad.zero_()
    try:
        loss.backward()
    except RuntimeError as e:
        print(f"iteration {i + 1}: RuntimeError:", first_line(e))
        break
    print(f"iteration {i + 1}: backward ok, w.grad: {w.grad.item():.6f}")
    with torch.no_grad():
        w = w - learning_rate * w.grad
        b = b - learning_rate * b.grad
    print("w.requires_grad:", w.requires_grad, "w.is_leaf:", w.is_leaf, "w.grad:", w.grad)
print("# `w = w - ...` creates a new tensor and rebinds the name w to it. Created under")
print("# no_grad, the new tensor does not require grad, so the next loss does not either")
print("# and backward() has nothing to differentiate. The old leaf is no longer reachable.")

# 4. Wrong variant 2: rebinding outside no_grad.
print("wrong: w = w - lr * w.grad outside torch.no_grad()")
x_data, y_true, w, b = setup()
for i in range(2):
    y_pred = w * x_data + b
    loss = torch.mean((y_pred - y_true) ** 2)
    loss.backward()
    w_grad = w.grad  # reading .grad of a non-leaf makes PyTorch warn on stderr
    print(f"iteration {i + 1}: backward ok, w.grad:", None if w_grad is None else f"{w_grad.item():.6f}")
    if w_grad is None:
        break
    w = w - learning_rate * w_grad
    b = b - learning_rate * b.grad
    print("w.is_leaf:", w.is_leaf, "w.requires_grad:", w.requires_grad, "w.grad_fn:", w.grad_fn.name())
print("# Outside no_grad the subtraction is recorded: w becomes a non-leaf (SubBackward0).")
print("# backward() still runs (through the old leaf, whose .grad now accumulates), but it")
print("# only fills .grad of leaves, so the new w's .grad stays None (PyTorch warns about")
print("# reading it on stderr) and the next update, lr * None, cannot be computed.")

# 5. .data versus no_grad: autograd's version check.
print(".data versus torch.no_grad(): in-place change of a tensor saved for backward")
p = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
loss = (p ** 2).sum()
print("loss:", loss)
p.data += 1.0
loss.backward()
print("after p.data += 1: backward ok, p.grad:", p.grad)
print("# The gradient of the loss computed at p = [1, 2, 3] is 2 * p = [2, 4, 6], but")
print("# backward used the modified saved p and returned [4, 6, 8]: changes through .data")
print("# are invisible to autograd's version counter, so the wrong gradient is silent.")
p = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
loss = (p ** 2).sum()
with torch.no_grad():
    p += 1.0
try:
    loss.backward()
except RuntimeError as e:
    print("after no_grad p += 1: RuntimeError:", first_line(e).split(":")[0])
print("p.grad:", p.grad)
print("# Under no_grad the in-place change bumps p's version, and backward detects that a")
print("# saved tensor changed and refuses. That check is why no_grad is the recommended")
print("# way to update parameters; .data bypasses it (and is kept mostly for old code).")
