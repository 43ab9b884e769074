"""Exercise 3: manual parameter update, one gradient-descent step at a time
(PyTorch twin of the ctgrad example).

Lines starting with "# " are explanations; every other line is compared exactly
with the output of the C++ twin.
"""
import torch


def train(x_data, y_true, w, b, learning_rate, num_iterations, print_every):
    """The tutorial's loop: forward, MSE loss, zero grads, backward, update through .data."""
    loss = None
    for i in range(num_iterations):
        # Forward pass and mean squared error.
        y_pred = w * x_data + b
        loss = torch.mean((y_pred - y_true) ** 2)
        # Zero the gradients before backward (they are None on the first iteration).
        if w.grad is not None:
            w.grad.zero_()
        if b.grad is not None:
            b.grad.zero_()
        loss.backward()
        # Update through .data: the update is not recorded in the graph.
        w.data = w.data - learning_rate * w.grad.data
        b.data = b.data - learning_rate * b.grad.data
        if print_every and (i + 1) % print_every == 0:
            print(f"iteration {i + 1:3d}: loss = {loss.item():.6f}, w = {w.item():.6f}, b = {b.item():.6f}")
    return loss


# 1. Data and true parameters.
torch.manual_seed(0)
x_data = torch.randn(10, 1)
true_w = 2.0
true_b = 1.0
y_true = true_w * x_data + true_b
print("x_data[:3]:", " ".join(f"{v:.4f}" for v in x_data[:3, 0].tolist()))

# 2. Learnable parameters, drawn after x_data from the same generator.
w = torch.randn(1, 1, requires_grad=True)
b = torch.randn(1, 1, requires_grad=True)
print(f"initial w = {w.item():.4f}, b = {b.item():.4f}")
print("w.is_leaf:", w.is_leaf, "w.requires_grad:", w.requires_grad)

# 3. Learning rate and number of iterations.
learning_rate = 0.01
num_iterations = 100

# 4. Training loop, printing every 10 iterations.
print(f"training: learning_rate = {learning_rate}, num_iterations = {num_iterations}")
loss = train(x_data, y_true, w, b, learning_rate, num_iterations, 10)

# 5. Results.
print(f"final: loss = {loss.item():.6f}, w = {w.item():.6f}, b = {b.item():.6f}")
print(f"true: w = {true_w:.6f}, b = {true_b:.6f}")
print("# With learning_rate = 0.01 and 100 iterations, w and b (1.689080, 0.714315) are")
print("# moving toward 2 and 1 but are not close yet: each step moves them by only 1% of the")
print("# gradient. A larger rate or more iterations gets there, from the same start:")

# Settings that do converge, from the same seed, data and initial parameters.
for lr, iters in ((0.1, 100), (0.01, 1000)):
    torch.manual_seed(0)
    x_data = torch.randn(10, 1)
    y_true = true_w * x_data + true_b
    w = torch.randn(1, 1, requires_grad=True)
    b = torch.randn(1, 1, requires_grad=True)
    loss = train(x_data, y_true, w, b, lr, iters, 0)
    print(f"learning_rate = {lr}, num_iterations = {iters}: loss = {loss.item():.6f}, w = {w.item():.6f}, b = {b.item():.6f}")
print("# The loss printed is the one computed before the last update, as in the loop.")
print("# lr = 0.01 stops at 1.999997 rather than 2: in float32 the step lr * grad becomes")
print("# smaller than half the spacing of floats near 2, so w stops moving (float64 reaches")
print("# 1.9999999). The tutorial's 'very close to true_w and true_b' needs such settings.")
