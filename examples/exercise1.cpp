// Exercise 1: basic gradient computation.
//
// C++ twin of examples/pytorch/exercise1.py: it prints the same lines, except the lines
// starting with "# ", which explain the result. Usage: exercise1 [--dot DIR]
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
    // --dot DIR: write the computation graphs there as Graphviz files (see step 4).
    const std::optional<std::string> dot_dir = examples::dot_option(argc, argv);

    // 1. Create the tensors; only x and z require grad.
    Tensor x = ctgrad::tensor({1.0, 2.0, 3.0}, {.requires_grad = true});
    Tensor y = ctgrad::tensor({4.0, 5.0, 6.0});
    Tensor z = ctgrad::tensor({7.0, 8.0, 9.0}, {.requires_grad = true});

    // 2. Build the computation graph. Storing each result in a Tensor keeps it as a node of
    //    the graph, with its grad_fn, as a Python variable does.
    Tensor a = x * y;
    Tensor b = a + z;
    Tensor c = b.sum();

    ctgrad::print("a:", a);
    ctgrad::print("b:", b);
    ctgrad::print("c:", c);

    // 3. Inspect the graph.
    ctgrad::print("a.grad_fn:", a.grad_fn().name());
    ctgrad::print("b.grad_fn:", b.grad_fn().name());
    ctgrad::print("c.grad_fn:", c.grad_fn().name());
    ctgrad::print("x.grad_fn:", x.grad_fn());
    ctgrad::print("x.requires_grad:", x.requires_grad());
    ctgrad::print("y.requires_grad:", y.requires_grad());
    ctgrad::print("z.requires_grad:", z.requires_grad());
    ctgrad::print("a.requires_grad:", a.requires_grad());
    ctgrad::print("b.requires_grad:", b.requires_grad());
    ctgrad::print("c.requires_grad:", c.requires_grad());

    // 4. Backward pass from the scalar c.
    if (dot_dir) {
        // The graph as one statement (what c computes) and the graph backward() walks.
        const ctgrad::dot_names<float> names{{"x", x}, {"y", y}, {"z", z}};
        std::ofstream(*dot_dir + "/exercise1_forward.dot") << ctgrad::to_dot((x * y + z).sum(), names);
        std::ofstream(*dot_dir + "/exercise1_backward.dot") << ctgrad::to_dot_backward(c, names);
    }
    c.backward();
    ctgrad::print("x.grad:", x.grad());
    ctgrad::print("y.grad:", y.grad());
    ctgrad::print("z.grad:", z.grad());
    ctgrad::print("# c = sum(x * y + z), so dc/dx = y = [4, 5, 6] and dc/dz = 1 for every element.");
    ctgrad::print("# y.grad() prints None: it is an empty Tensor (y.grad().defined() is false).");
    ctgrad::print("# y was made without {.requires_grad = true}, and tensors you create do not");
    ctgrad::print("# require grad by default, so autograd never tracked y: backward() neither");
    ctgrad::print("# computes nor stores a gradient for it. Only leaves that require grad (x, z)");
    ctgrad::print("# get a .grad(); a, b and c are not leaves, they have a grad_fn instead.");
}
