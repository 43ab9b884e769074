// Logistic regression over d = 8 features, in the compile-time core: the weights are one
// vector variable w, each row of the data one vector x, and the loss
//     mean(log1p(exp(-y * dot(w, x))))
// is one expression; value_and_grad trains it by gradient descent, each step one fused pass
// over the rows. Its twin, pytorch/logistic_regression.py, prints the same lines (lines starting
// with "# " are ctgrad's own).
#include <ctgrad/symbolic.hpp>

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <vector>

int main() {
    constexpr std::size_t n = 200, d = 8;
    constexpr auto w = ctgrad::vec<"w">;
    constexpr auto x = ctgrad::vec<"x">;
    constexpr auto y = ctgrad::var<"y">;

    // The data: n rows of d features, labels in {-1, 1} from a fixed linear rule and noise.
    std::vector<double> X(n * d), Y(n);
    for (std::size_t i = 0; i < n; ++i) {
        double score = 0.3 * std::cos(1.7 * double(i));
        for (std::size_t j = 0; j < d; ++j) {
            X[i * d + j] = std::sin(0.37 * double((i + 1) * (j + 1)) + 0.11 * double(j));
            score += (j % 2 ? -1.0 : 1.0) * (1.0 + 0.25 * double(j)) * X[i * d + j];
        }
        Y[i] = score > 0 ? 1.0 : -1.0;
    }

    // The loss and its gradient by w, as formulas: the gradient has w's shape.
    const auto loss = ctgrad::mean(ctgrad::log1p(ctgrad::exp(-y * ctgrad::dot(w, x))));
    std::printf("# loss = %s\n", ctgrad::to_string(loss).str().c_str());
    std::printf("# d loss / d w = %s\n", ctgrad::to_string(ctgrad::d(loss, w)).str().c_str());

    // Gradient descent: the gradient goes into the caller's buffer, nothing is allocated.
    std::vector<double> wv(d, 0.0), gw(d);
    const double lr = 1.0;
    for (int step = 0; step <= 100; ++step) {
        auto [l, g] = ctgrad::value_and_grad(loss, ctgrad::wrt(w), ctgrad::into(w, gw), w = wv, x = ctgrad::rows(X, d), y = Y);
        if (step % 20 == 0) std::printf("step %d: loss = %.6f\n", step, l);
        for (std::size_t j = 0; j < d; ++j) wv[j] -= lr * g[j];
    }
    std::printf("w = [");
    for (std::size_t j = 0; j < d; ++j) std::printf(j ? ", %.4f" : "%.4f", wv[j]);
    std::printf("]\n");

    // Evaluated without a reduction, an expression of the rows gives one value per row.
    const std::vector<double> margin = (y * ctgrad::dot(w, x))(w = wv, x = ctgrad::rows(X, d), y = Y);
    std::size_t right = 0;
    for (double m : margin) right += m > 0;
    std::printf("accuracy = %.3f\n", double(right) / double(n));

    // The symbolic gradient, evaluated, is the fused one; the Hessian is d x d.
    const std::vector<double> symbolic = ctgrad::d(loss, w)(w = wv, x = ctgrad::rows(X, d), y = Y);
    ctgrad::value_and_grad(loss, ctgrad::wrt(w), ctgrad::into(w, gw), w = wv, x = ctgrad::rows(X, d), y = Y);
    double most = 0;
    for (std::size_t j = 0; j < d; ++j) most = std::fmax(most, std::fabs(symbolic[j] - gw[j]));
    std::printf("# symbolic against fused gradient: largest difference %.1e\n", most);
    const std::vector<double> H = ctgrad::hessian(loss, ctgrad::wrt(w), w = wv, x = ctgrad::rows(X, d), y = Y);
    std::printf("hessian diagonal = [");
    for (std::size_t j = 0; j < d; ++j) std::printf(j ? ", %.6f" : "%.6f", H[j * d + j]);
    std::printf("]\n");
}
