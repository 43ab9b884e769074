// Newton's method for a logistic regression in three parameters: every step takes the loss, its
// gradient and its Hessian from one fused pass over the data (value_grad_and_hessian), all
// derived at compile time, and solves H d = g. Its twin, pytorch/newton.py, takes the Hessian
// from torch.autograd.functional.hessian and prints the same lines.
#include <ctgrad/ctgrad.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

namespace {

/// Solves the 3 x 3 system h d = g by Gaussian elimination with partial pivoting.
std::array<double, 3> solve(std::array<std::array<double, 3>, 3> h, std::array<double, 3> g) {
    for (std::size_t c = 0; c != 3; ++c) {
        std::size_t p = c;
        for (std::size_t r = c + 1; r != 3; ++r)
            if (std::abs(h[r][c]) > std::abs(h[p][c])) p = r;
        std::swap(h[c], h[p]);
        std::swap(g[c], g[p]);
        for (std::size_t r = c + 1; r != 3; ++r) {
            const double f = h[r][c] / h[c][c];
            for (std::size_t k = c; k != 3; ++k) h[r][k] -= f * h[c][k];
            g[r] -= f * g[c];
        }
    }
    std::array<double, 3> d{};
    for (std::size_t c = 3; c-- != 0;) {
        double s = g[c];
        for (std::size_t k = c + 1; k != 3; ++k) s -= h[c][k] * d[k];
        d[c] = s / h[c][c];
    }
    return d;
}

}  // namespace

int main() {
    constexpr auto w0 = ctgrad::var<"w0">;
    constexpr auto w1 = ctgrad::var<"w1">;
    constexpr auto w2 = ctgrad::var<"w2">;
    constexpr auto u1 = ctgrad::var<"u1">;
    constexpr auto u2 = ctgrad::var<"u2">;
    constexpr auto y = ctgrad::var<"y">;

    // 200 points with two features; the labels follow a line, with deterministic noise
    const std::size_t n = 200;
    std::vector<double> u1s(n), u2s(n), ys(n);
    for (std::size_t i = 0; i != n; ++i) {
        const double t = static_cast<double>(i);
        u1s[i] = 2.0 * std::cos(0.37 * t);
        u2s[i] = 1.5 * std::sin(0.91 * t + 0.3);
        ys[i] = 1.2 * u1s[i] - 0.8 * u2s[i] + 0.3 + 1.5 * std::sin(1.7 * t + 0.5) > 0.0 ? 1.0 : 0.0;
    }

    // the binary cross-entropy of the logits z: log(1 + exp(z)) - y z
    constexpr auto z = w0 + w1 * u1 + w2 * u2;
    constexpr auto loss = mean(log1p(exp(z)) - y * z);
    std::printf("loss = %s\n", ctgrad::to_string(loss).str().c_str());
    std::printf("d2 loss / dw1 dw2 = %s\n", ctgrad::to_string(ctgrad::get<1, 2>(ctgrad::hessian(loss, ctgrad::wrt(w0, w1, w2)))).str().c_str());

    std::array<double, 3> w{0.0, 0.0, 0.0};
    for (int step = 0; step <= 6; ++step) {
        const auto [l, g, h] = ctgrad::value_grad_and_hessian(loss, ctgrad::wrt(w0, w1, w2), w0 = w[0], w1 = w[1], w2 = w[2],
                                                              u1 = u1s, u2 = u2s, y = ys);
        const double norm = std::sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]);
        std::printf("step %d: loss = %.8f, |grad| %s 1e-9, w = [%.6f, %.6f, %.6f]\n", step, l, norm < 1e-9 ? "<" : ">=",
                    w[0], w[1], w[2]);
        if (step == 0)
            std::printf("hessian at w = 0: [[%.6f, %.6f, %.6f], [%.6f, %.6f, %.6f], [%.6f, %.6f, %.6f]]\n", h[0][0], h[0][1],
                        h[0][2], h[1][0], h[1][1], h[1][2], h[2][0], h[2][1], h[2][2]);
        const auto d = solve(h, g);
        for (std::size_t k = 0; k != 3; ++k) w[k] -= d[k];
    }
    // the Hessian times a direction, without forming the Hessian
    const auto hv = ctgrad::hvp(loss, ctgrad::wrt(w0, w1, w2), std::array{1.0, -1.0, 0.5}, w0 = w[0], w1 = w[1], w2 = w[2],
                                u1 = u1s, u2 = u2s, y = ys);
    std::printf("hessian-vector product at the minimum, v = [1, -1, 0.5]: [%.6f, %.6f, %.6f]\n", hv[0], hv[1], hv[2]);
}
