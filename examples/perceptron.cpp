// A two-layer perceptron, 2 -> 16 -> 1 with tanh, as one expression of the compile-time core:
//     mean((dot(v, tanh(W * x + b)) + c - y)^2)
// with W a 16 x 2 matrix variable, b and v vector variables, c a scalar and x a row of the
// data. value_and_grad gives the gradients by W, b, v and c in their shapes, in one fused pass
// over the rows; gradient descent trains it on generated data. Its twin,
// pytorch/perceptron.py, prints the same lines (lines starting with "# " are ctgrad's own).
#include <ctgrad/symbolic.hpp>

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <vector>

int main() {
    using namespace ctgrad::literals;
    constexpr std::size_t n = 128, d = 2, h = 16;
    constexpr auto W = ctgrad::mat<"W">;
    constexpr auto b = ctgrad::vec<"b">;
    constexpr auto v = ctgrad::vec<"v">;
    constexpr auto c = ctgrad::var<"c">;
    constexpr auto x = ctgrad::vec<"x">;
    constexpr auto y = ctgrad::var<"y">;

    // The data: points on a curve, and a smooth target.
    std::vector<double> X(n * d), Y(n);
    for (std::size_t i = 0; i < n; ++i) {
        X[i * d] = std::sin(0.5 * double(i));
        X[i * d + 1] = std::cos(0.3 * double(i));
        Y[i] = std::sin(2.0 * X[i * d]) * X[i * d + 1];
    }
    // The initial parameters, from fixed formulas.
    std::vector<double> Wv(h * d), bv(h), vv(h);
    double cv = 0.0;
    for (std::size_t i = 0; i < h; ++i) {
        for (std::size_t j = 0; j < d; ++j) Wv[i * d + j] = 0.5 * std::sin(1.1 * double(i) + 2.3 * double(j) + 0.4);
        bv[i] = 0.1 * std::cos(0.7 * double(i));
        vv[i] = 0.3 * std::sin(0.9 * double(i) + 0.2);
    }

    const auto loss = ctgrad::mean(ctgrad::pow(ctgrad::dot(v, ctgrad::tanh(W * x + b)) + c - y, 2_c));
    std::printf("# loss = %s\n", ctgrad::to_string(loss).str().c_str());
    std::printf("# d loss / d W = %s\n", ctgrad::to_string(ctgrad::d(loss, W)).str().c_str());
    std::printf("# d loss / d b = %s\n", ctgrad::to_string(ctgrad::d(loss, b)).str().c_str());

    std::vector<double> gW(h * d), gb(h), gv(h);
    const double lr = 0.2;
    for (int step = 0; step <= 300; ++step) {
        auto [l, dW, db, dv, dc] = ctgrad::value_and_grad(loss, ctgrad::wrt(W, b, v, c), ctgrad::into(W, gW), ctgrad::into(b, gb),
                                                          ctgrad::into(v, gv), W = ctgrad::as_matrix(Wv, h, d), b = bv, v = vv,
                                                          c = cv, x = ctgrad::rows(X, d), y = Y);
        if (step % 50 == 0) std::printf("step %d: loss = %.6f\n", step, l);
        for (std::size_t k = 0; k < h * d; ++k) Wv[k] -= lr * dW[k];
        for (std::size_t i = 0; i < h; ++i) bv[i] -= lr * db[i], vv[i] -= lr * dv[i];
        cv -= lr * dc;
    }
    // The trained network's predictions at three rows: evaluated without a reduction, the
    // expression of a row gives one value per row.
    const std::vector<double> out = (ctgrad::dot(v, ctgrad::tanh(W * x + b)) + c)(W = ctgrad::as_matrix(Wv, h, d), b = bv, v = vv, c = cv,
                                                                                  x = ctgrad::rows(X, d));
    for (std::size_t i : {0, 5, 10}) std::printf("row %zu: prediction %.4f, target %.4f\n", i, out[i], Y[i]);
}
