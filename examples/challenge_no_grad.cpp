// Extra challenge: parameter updates under ctgrad::no_grad (torch.no_grad()).
//
// C++ twin of examples/pytorch/challenge_no_grad.py: it prints the same lines, except the
// lines starting with "# ", which explain the result. Usage: challenge_no_grad [--dot DIR]
#include <ctgrad/autograd/dot.hpp>
#include <ctgrad/tensor.hpp>

#include "dot_option.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

using ctgrad::Tensor;
using namespace ctgrad::literals;  // 2_c: the exponent 2, known at compile time

const double true_w = 2.0;
const double true_b = 1.0;
const double learning_rate = 0.01;
const int num_iterations = 100;

struct problem {
    Tensor x_data, y_true, w, b;
};

// Exercise 3's data and initial parameters, from the same seed.
problem setup() {
    ctgrad::manual_seed(0);
    Tensor x_data = ctgrad::randn({10, 1});
    Tensor y_true = true_w * x_data + true_b;
    Tensor w = ctgrad::randn({1, 1}, {.requires_grad = true});
    Tensor b = ctgrad::randn({1, 1}, {.requires_grad = true});
    return {x_data, y_true, w, b};
}

// The first line of an error message, as the Python twin prints it.
std::string first_line(const ctgrad::error& e) {
    const std::string what = e.what();
    return what.substr(0, what.find('\n'));
}

// torch.equal: same shape and same values.
bool equal(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() && std::ranges::equal(a.values(), b.values());
}

int main(int argc, char** argv) {
    // --dot DIR: write the computation graphs there as Graphviz files (see part 4).
    const std::optional<std::string> dot_dir = examples::dot_option(argc, argv);

    // 1. Exercise 3 again, with the update done in place under ctgrad::no_grad.
    ctgrad::print("update: with torch.no_grad(): w -= lr * w.grad; b -= lr * b.grad");
    {
        auto [x_data, y_true, w, b] = setup();
        std::printf("initial w = %.4f, b = %.4f\n", w.item(), b.item());
        Tensor loss;
        for (int i = 0; i < num_iterations; ++i) {
            Tensor y_pred = w * x_data + b;
            loss = ctgrad::mean(ctgrad::pow(y_pred - y_true, 2_c));
            if (w.grad().defined()) w.grad().zero_();
            if (b.grad().defined()) b.grad().zero_();
            loss.backward();
            {
                ctgrad::no_grad guard;  // `with torch.no_grad():` lasts until the closing brace
                w -= learning_rate * w.grad();
                b -= learning_rate * b.grad();
            }
            if ((i + 1) % 10 == 0)
                std::printf("iteration %3d: loss = %.6f, w = %.6f, b = %.6f\n", i + 1, loss.item(), w.item(), b.item());
        }
        std::printf("final: loss = %.6f, w = %.6f, b = %.6f\n", loss.item(), w.item(), b.item());
        ctgrad::print("w.is_leaf:", w.is_leaf(), "w.requires_grad:", w.requires_grad(), "w.grad_fn:", w.grad_fn());

        // The same loop with exercise 3's .data update, to compare bit for bit.
        auto [x_data2, y_true2, w_data, b_data] = setup();
        for (int i = 0; i < num_iterations; ++i) {
            Tensor loss_data = ctgrad::mean(ctgrad::pow(w_data * x_data2 + b_data - y_true2, 2_c));
            if (w_data.grad().defined()) w_data.grad().zero_();
            if (b_data.grad().defined()) b_data.grad().zero_();
            loss_data.backward();
            w_data.set_data(w_data.data() - learning_rate * w_data.grad().data());
            b_data.set_data(b_data.data() - learning_rate * b_data.grad().data());
        }
        ctgrad::print("same w and b as the .data update:", equal(w, w_data) && equal(b, b_data));
    }
    ctgrad::print("# Both updates compute w - lr * w.grad() without recording it in the graph, so");
    ctgrad::print("# the values are identical. `w -= ...` is in place: it writes the new values");
    ctgrad::print("# into w's own storage, so w stays the same leaf (requires_grad true, no");
    ctgrad::print("# grad_fn), every Tensor sharing it sees the new value, and backward() keeps");
    ctgrad::print("# filling w.grad(). The guard is an object: grad mode comes back at its '}'.");

    // 2. Why no_grad is needed at all: an in-place update outside it.
    ctgrad::print("wrong: w -= lr * w.grad outside torch.no_grad()");
    {
        auto [x_data, y_true, w, b] = setup();
        Tensor loss = ctgrad::mean(ctgrad::pow(w * x_data + b - y_true, 2_c));
        loss.backward();
        try {
            w -= learning_rate * w.grad();
        } catch (const ctgrad::error& e) {
            ctgrad::print("RuntimeError:", first_line(e));
        }
    }
    ctgrad::print("# With grad mode on, autograd would have to record the in-place change of a");
    ctgrad::print("# leaf that requires grad: the update would become part of the graph and");
    ctgrad::print("# overwrite the leaf's value, so ctgrad throws ctgrad::error and w is unchanged.");

    // 3. Wrong variant 1: rebinding under no_grad.
    ctgrad::print("wrong: with torch.no_grad(): w = w - lr * w.grad");
    {
        auto [x_data, y_true, w, b] = setup();
        for (int i = 0; i < 2; ++i) {
            Tensor y_pred = w * x_data + b;
            Tensor loss = ctgrad::mean(ctgrad::pow(y_pred - y_true, 2_c));
            if (w.grad().defined()) w.grad().zero_();
            if (b.grad().defined()) b.grad().zero_();
            try {
                loss.backward();
            } catch (const ctgrad::error& e) {
                std::printf("iteration %d: RuntimeError: %s\n", i + 1, first_line(e).c_str());
                break;
            }
            std::printf("iteration %d: backward ok, w.grad: %.6f\n", i + 1, w.grad().item());
            {
                ctgrad::no_grad guard;
                w = w - learning_rate * w.grad();
                b = b - learning_rate * b.grad();
            }
            ctgrad::print("w.requires_grad:", w.requires_grad(), "w.is_leaf:", w.is_leaf(), "w.grad:", w.grad());
        }
    }
    ctgrad::print("# `w = w - ...` computes a new tensor and makes the handle w refer to it; the");
    ctgrad::print("# parameter w referred to before is not changed. Computed under no_grad, the new");
    ctgrad::print("# tensor does not require grad, so neither does the next loss, and backward()");
    ctgrad::print("# throws: nothing in the graph requires grad. The real parameter is lost.");

    // 4. Wrong variant 2: rebinding outside no_grad.
    ctgrad::print("wrong: w = w - lr * w.grad outside torch.no_grad()");
    {
        auto [x_data, y_true, w, b] = setup();
        Tensor loss;
        for (int i = 0; i < 2; ++i) {
            Tensor y_pred = w * x_data + b;
            loss = ctgrad::mean(ctgrad::pow(y_pred - y_true, 2_c));
            loss.backward();
            Tensor w_grad = w.grad();  // .grad() of a non-leaf warns on stderr, as PyTorch does
            if (!w_grad.defined()) {
                ctgrad::print("iteration " + std::to_string(i + 1) + ": backward ok, w.grad:", w_grad);  // None
                break;
            }
            std::printf("iteration %d: backward ok, w.grad: %.6f\n", i + 1, w_grad.item());
            w = w - learning_rate * w_grad;
            b = b - learning_rate * b.grad();
            ctgrad::print("w.is_leaf:", w.is_leaf(), "w.requires_grad:", w.requires_grad(), "w.grad_fn:",
                          w.grad_fn().name());
        }
        if (dot_dir) {
            // The last loss's backward graph runs through the new w's SubBackward0 to the old leaf.
            const ctgrad::dot_names<float> names{{"x_data", x_data}, {"y_true", y_true}};
            std::ofstream(*dot_dir + "/challenge_rebinding_backward.dot") << ctgrad::to_dot_backward(loss, names);
        }
    }
    ctgrad::print("# Outside no_grad the subtraction is recorded: the new w has a grad_fn");
    ctgrad::print("# (SubBackward0), so it is not a leaf. backward() still runs, through that node");
    ctgrad::print("# to the old leaf, which is kept alive by the graph and whose .grad() keeps");
    ctgrad::print("# accumulating; but only leaves get a .grad(), so the new w's .grad() is None");
    ctgrad::print("# (ctgrad warns on stderr) and the next update, lr * None, cannot be computed.");

    // 5. .data versus no_grad: autograd's version check.
    ctgrad::print(".data versus torch.no_grad(): in-place change of a tensor saved for backward");
    {
        Tensor p = ctgrad::tensor({1.0, 2.0, 3.0}, {.requires_grad = true});
        Tensor loss = ctgrad::pow(p, 2_c).sum();
        ctgrad::print("loss:", loss);
        p.data() += 1.0;
        loss.backward();
        ctgrad::print("after p.data += 1: backward ok, p.grad:", p.grad());
    }
    ctgrad::print("# The gradient of the loss computed at p = [1, 2, 3] is 2 * p = [2, 4, 6], but");
    ctgrad::print("# backward() read p, saved for it, after the change and returned [4, 6, 8].");
    ctgrad::print("# p.data() shares p's storage but not its version counter, so autograd cannot");
    ctgrad::print("# see the change and the wrong gradient is silent.");
    {
        Tensor p = ctgrad::tensor({1.0, 2.0, 3.0}, {.requires_grad = true});
        Tensor loss = ctgrad::pow(p, 2_c).sum();
        {
            ctgrad::no_grad guard;
            p += 1.0;
        }
        try {
            loss.backward();
        } catch (const ctgrad::error& e) {
            const std::string line = first_line(e);
            ctgrad::print("after no_grad p += 1: RuntimeError:", line.substr(0, line.find(':')));
        }
        ctgrad::print("p.grad:", p.grad());
    }
    ctgrad::print("# Under no_grad the in-place change bumps p.version(); backward() sees that a");
    ctgrad::print("# tensor it saved has changed since and refuses instead of returning a wrong");
    ctgrad::print("# gradient. That check is why no_grad is the recommended way to update");
    ctgrad::print("# parameters; .data() skips it (it remains mostly for old code).");
}
