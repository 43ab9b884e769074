"""Exercise 2: gradient accumulation and manual zeroing (PyTorch twin of the ctgrad example).

Lines starting with "# " are explanations; every other line is compared exactly
with the output of the C++ twin.
"""
import torch

# 1. Prepare the tensors, all requiring grad.
data = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
weight = torch.tensor([0.5, 1.5, -2.0], requires_grad=True)
bias = torch.tensor([0.1, 0.2, 0.3], requires_grad=True)

# 2. First forward and backward pass.
print("first backward")
output1 = data * weight + bias
loss1 = output1.sum()
print("loss1:", loss1)
loss1.backward()
print("data.grad:", data.grad)
print("weight.grad:", weight.grad)
print("bias.grad:", bias.grad)
print("# d(loss)/d(data) = weight, d(loss)/d(weight) = data, d(loss)/d(bias) = 1.")

# 3. Second forward and backward pass, without zeroing.
print("second backward, no zeroing")
output2 = data * weight + bias
loss2 = output2.sum()
print("loss2:", loss2)
loss2.backward()
print("data.grad:", data.grad)
print("weight.grad:", weight.grad)
print("bias.grad:", bias.grad)
print("# The gradients doubled: backward() adds the new gradient to whatever is already")
print("# in .grad instead of overwriting it, so gradients accumulate across backward calls.")

# 4. Zero the gradients by hand.
print("after zero_()")
data.grad.zero_()
weight.grad.zero_()
bias.grad.zero_()
print("data.grad:", data.grad)
print("weight.grad:", weight.grad)
print("bias.grad:", bias.grad)

# 5. Third forward and backward pass, after zeroing.
print("third backward, after zeroing")
output3 = data * weight + bias
loss3 = output3.sum()
print("loss3:", loss3)
loss3.backward()
print("data.grad:", data.grad)
print("weight.grad:", weight.grad)
print("bias.grad:", bias.grad)
print("# Back to the single-pass gradients: zeroing before each backward (grad.zero_() or")
print("# optimizer.zero_grad()) keeps an earlier step from leaking into the current one.")
