// Gradient descent on loss = mean((w*x + b - y)^2), the loss of a linear fit: every step is one
// fused pass over the data that gives the loss and both gradients, derived at compile time.
#include <ctgrad/ctgrad.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

int main() {
    using namespace ctgrad::literals;
    constexpr auto w = ctgrad::var<"w">;
    constexpr auto b = ctgrad::var<"b">;
    constexpr auto x = ctgrad::var<"x">;
    constexpr auto y = ctgrad::var<"y">;

    // data on the line y = 2x + 1, with a small deterministic wobble
    std::vector<double> xs(1000), ys(1000);
    for (std::size_t i = 0; i != xs.size(); ++i) {
        xs[i] = -1.0 + 2.0 * static_cast<double>(i) / 999.0;
        ys[i] = 2.0 * xs[i] + 1.0 + 0.05 * std::sin(17.0 * static_cast<double>(i));
    }

    constexpr auto loss = mean(pow(w * x + b - y, 2_c));
    std::printf("loss     = %s\n", ctgrad::to_string(loss).str().c_str());
    std::printf("dloss/dw = %s\n", ctgrad::to_string(ctgrad::d(loss, w)).str().c_str());

    double wv = 0.0, bv = 0.0;
    const double rate = 0.5;
    for (int step = 0; step <= 40; ++step) {
        const auto [l, dw, db] = ctgrad::value_and_grad(loss, ctgrad::wrt(w, b), w = wv, b = bv, x = xs, y = ys);
        if (step % 10 == 0) std::printf("step %2d: loss = %.6f, w = %.6f, b = %.6f\n", step, l, wv, bv);
        wv -= rate * dw;
        bv -= rate * db;
    }
}
