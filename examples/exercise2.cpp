// Exercise 2: gradient accumulation and zeroing the gradients by hand.
//
// C++ twin of examples/pytorch/exercise2.py: it prints the same lines, except the lines
// starting with "# ", which explain the result. Usage: exercise2 [--dot DIR]
#include <ctgrad/autograd/dot.hpp>
#include <ctgrad/tensor.hpp>

#include "dot_option.hpp"

#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

using ctgrad::Tensor;

int main(int argc, char** argv) {
    // --dot DIR: write the computation graphs there as Graphviz files (see step 2).
    const std::optional<std::string> dot_dir = examples::dot_option(argc, argv);

    // 1. Prepare the tensors, all requiring grad.
    Tensor data = ctgrad::tensor({1.0, 2.0, 3.0}, {.requires_grad = true});
    Tensor weight = ctgrad::tensor({0.5, 1.5, -2.0}, {.requires_grad = true});
    Tensor bias = ctgrad::tensor({0.1, 0.2, 0.3}, {.requires_grad = true});

    // 2. First forward and backward pass.
    ctgrad::print("first backward");
    Tensor output1 = data * weight + bias;
    Tensor loss1 = output1.sum();
    ctgrad::print("loss1:", loss1);
    if (dot_dir) {
        const ctgrad::dot_names<float> names{{"data", data}, {"weight", weight}, {"bias", bias}};
        std::ofstream(*dot_dir + "/exercise2_backward.dot") << ctgrad::to_dot_backward(loss1, names);
    }
    loss1.backward();
    ctgrad::print("data.grad:", data.grad());
    ctgrad::print("weight.grad:", weight.grad());
    ctgrad::print("bias.grad:", bias.grad());
    ctgrad::print("# d(loss)/d(data) = weight, d(loss)/d(weight) = data, d(loss)/d(bias) = 1.");

    // 3. Second forward and backward pass, without zeroing.
    ctgrad::print("second backward, no zeroing");
    Tensor output2 = data * weight + bias;
    Tensor loss2 = output2.sum();
    ctgrad::print("loss2:", loss2);
    loss2.backward();
    ctgrad::print("data.grad:", data.grad());
    ctgrad::print("weight.grad:", weight.grad());
    ctgrad::print("bias.grad:", bias.grad());
    ctgrad::print("# Every gradient doubled although loss2 has the same value as loss1:");
    ctgrad::print("# backward() adds the new gradient to what .grad() already holds instead of");
    ctgrad::print("# replacing it, so gradients accumulate across backward() calls.");

    // 4. Zero the gradients by hand. grad() returns the tensor that holds the gradient
    //    (a handle, not a copy), so zero_() clears it in place.
    ctgrad::print("after zero_()");
    data.grad().zero_();
    weight.grad().zero_();
    bias.grad().zero_();
    ctgrad::print("data.grad:", data.grad());
    ctgrad::print("weight.grad:", weight.grad());
    ctgrad::print("bias.grad:", bias.grad());

    // 5. Third forward and backward pass, after zeroing.
    ctgrad::print("third backward, after zeroing");
    Tensor output3 = data * weight + bias;
    Tensor loss3 = output3.sum();
    ctgrad::print("loss3:", loss3);
    loss3.backward();
    ctgrad::print("data.grad:", data.grad());
    ctgrad::print("weight.grad:", weight.grad());
    ctgrad::print("bias.grad:", bias.grad());
    ctgrad::print("# Back to the gradients of a single pass. Zeroing before each backward()");
    ctgrad::print("# (grad().zero_(), or an optimizer's zero_grad()) keeps the previous step's");
    ctgrad::print("# gradient from leaking into the current one.");
}
