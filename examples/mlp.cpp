// Beyond the tutorial: a two-layer network (2 -> 16 -> 1, tanh) trained with Adam on two
// moons, with ctgrad::nn::functional and ctgrad::optim as torch.nn.functional and torch.optim.
// Twin: examples/pytorch/mlp.py, which prints the same lines.
#include <ctgrad/nn.hpp>

#include <cstddef>
#include <cstdio>
#include <numbers>

namespace F = ctgrad::nn::functional;
using ctgrad::Tensor;

int main() {
    ctgrad::manual_seed(0);
    const std::size_t half = 100;
    // two interleaved half circles, with noise
    Tensor theta = ctgrad::arange(half) * (std::numbers::pi / (half - 1));
    Tensor upper = ctgrad::stack<float>({ctgrad::cos(theta), ctgrad::sin(theta)}, 1);
    Tensor lower = ctgrad::stack<float>({1 - ctgrad::cos(theta), 0.5 - ctgrad::sin(theta)}, 1);
    Tensor X = ctgrad::cat<float>({upper, lower}) + 0.1 * ctgrad::randn({2 * half, 2});
    Tensor y = ctgrad::cat<float>({ctgrad::zeros({half}), ctgrad::ones({half})}).unsqueeze(1);
    ctgrad::print("data:", X.shape(), y.shape());

    Tensor W1 = Tensor(ctgrad::randn({16, 2}) * 0.5).requires_grad_();
    Tensor b1 = ctgrad::zeros({16}, {.requires_grad = true});
    Tensor W2 = Tensor(ctgrad::randn({1, 16}) * 0.5).requires_grad_();
    Tensor b2 = ctgrad::zeros({1}, {.requires_grad = true});
    ctgrad::optim::Adam opt({W1, b1, W2, b2}, {.lr = 0.02});

    const auto model = [&](const Tensor& x) { return F::linear(ctgrad::tanh(F::linear(x, W1, b1)), W2, b2); };

    for (int step = 0; step <= 500; ++step) {
        opt.zero_grad();
        Tensor logits = model(X);
        Tensor loss = F::binary_cross_entropy_with_logits(logits, y);
        loss.backward();
        opt.step();
        if (step % 50 == 0) {
            int correct = 0;
            for (std::size_t i = 0; i != 2 * half; ++i) correct += (logits.values()[i] > 0) == (y.values()[i] > 0.5f);
            std::printf("step %3d: loss %.4f, accuracy %.3f\n", step, loss.item(), correct / (2.0 * half));
        }
    }
    ctgrad::print("grad_fn of the logits:", model(X).grad_fn().name());
    {
        const ctgrad::no_grad off;
        Tensor probe = ctgrad::tensor({{0.0, 1.0}, {1.0, -0.5}, {0.5, 0.25}});
        ctgrad::print("probabilities at three points:", Tensor(ctgrad::sigmoid(model(probe))).flatten());
    }
}
