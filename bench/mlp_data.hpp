// Shared by bench_mlp (C++20) and bench_mlp_torch (C++17): the training step of
// examples/mlp.cpp at several sizes, with deterministic data and initial weights.
//   X (n x 2), y (n x 1) in {0, 1}; W1 (h x 2), b1 (h), W2 (1 x h), b2 (1);
//   logits = linear(tanh(linear(X, W1, b1)), W2, b2); loss = BCE with logits (mean);
//   one step: zero_grad, forward, backward, Adam's step (lr 0.02).
#ifndef CTGRAD_BENCH_MLP_DATA_HPP
#define CTGRAD_BENCH_MLP_DATA_HPP

#include <cmath>
#include <cstddef>
#include <vector>

namespace bench {

struct mlp_data {
    std::size_t n, h;
    std::vector<float> X, y, W1, b1, W2, b2;
};

/// Two noisy half circles (as the example, with a formula for the noise).
inline mlp_data make_mlp(std::size_t n, std::size_t h) {
    mlp_data d{n, h, std::vector<float>(n * 2), std::vector<float>(n), std::vector<float>(h * 2),
               std::vector<float>(h, 0.0f), std::vector<float>(h), std::vector<float>(1, 0.0f)};
    const std::size_t half = n / 2;
    for (std::size_t i = 0; i != n; ++i) {
        const bool lower = i >= half;
        const double t = 3.141592653589793 * static_cast<double>(lower ? i - half : i) / static_cast<double>(half - 1);
        const double nx = 0.1 * std::sin(12.9898 * static_cast<double>(i)), ny = 0.1 * std::cos(78.233 * static_cast<double>(i));
        d.X[2 * i] = static_cast<float>((lower ? 1 - std::cos(t) : std::cos(t)) + nx);
        d.X[2 * i + 1] = static_cast<float>((lower ? 0.5 - std::sin(t) : std::sin(t)) + ny);
        d.y[i] = lower ? 1.0f : 0.0f;
    }
    for (std::size_t j = 0; j != h * 2; ++j) d.W1[j] = static_cast<float>(0.5 * std::sin(1.3 * static_cast<double>(j) + 0.2));
    for (std::size_t j = 0; j != h; ++j) d.W2[j] = static_cast<float>(0.5 * std::cos(0.7 * static_cast<double>(j) + 0.1));
    return d;
}

/// The sizes measured: n rows, h hidden units.
inline constexpr std::size_t mlp_sizes[][2] = {{200, 16}, {2000, 16}, {2000, 64}};

}  // namespace bench

#endif
