// Custom operations: a function of your own in ctgrad, in about ten lines, with its value and
// its partial derivatives written as expressions, the form the built-in operations use. It then
// works everywhere: `d`, `grad`, printing, pictures, fused loops over arrays, and Tensors, where
// its grad_fn has PyTorch's name. Its twin, pytorch/custom_op.py, prints the same lines with
// torch.nn.functional.softplus and torch.logaddexp (lines starting with "# " are ctgrad's own).
#include <ctgrad/ctgrad.hpp>

#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

/// softplus(a) = log(1 + exp(a)), as torch.nn.functional.softplus (a above 20 gives a);
/// d/da = sigmoid(a).
struct softplus_op : ctgrad::function_op<"softplus"> {
    template <class T> static T value(T a) {
        using std::exp;
        using std::log1p;
        return a > T(20) ? a : log1p(exp(a));
    }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) { return ctgrad::sigmoid(a); }
};

/// logaddexp(a, b) = log(exp(a) + exp(b)), without overflow;  d/da = exp(a - r), d/db = exp(b - r)
/// for the result r.
struct logaddexp_op : ctgrad::function_op<"logaddexp"> {
    template <class T> static T value(T a, T b) {
        using std::exp;
        using std::log1p;
        return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b));
    }
    template <class A, class B, class R> static constexpr auto partial_l(const A& a, const B&, const R& r) { return ctgrad::exp(a - r); }
    template <class A, class B, class R> static constexpr auto partial_r(const A&, const B& b, const R& r) { return ctgrad::exp(b - r); }
};

/// The functions users call: on expressions and on Tensors.
template <class A> constexpr auto softplus(A&& a) { return ctgrad::apply<softplus_op>(static_cast<A&&>(a)); }
template <class A, class B> constexpr auto logaddexp(A&& a, B&& b) { return ctgrad::apply<logaddexp_op>(static_cast<A&&>(a), static_cast<B&&>(b)); }

int main() {
    constexpr auto x = ctgrad::var<"x">;
    constexpr auto y = ctgrad::var<"y">;

    // 1. Symbolic: derivatives are derived, simplified and printed as for built-in functions.
    static_assert(ctgrad::to_string(ctgrad::d(softplus(x), x)) == "sigmoid(x)");
    constexpr auto f = logaddexp(x * y, softplus(y));
    std::printf("# f = %s\n", ctgrad::to_string(f).str().c_str());
    std::printf("# df/dx = %s\n", ctgrad::to_string(ctgrad::d(f, x)).str().c_str());
    std::printf("# d2 softplus(x) / dx2 = %s\n", ctgrad::to_string(ctgrad::d<2>(softplus(x), x)).str().c_str());
    const auto [dfdx, dfdy] = ctgrad::grad(f, x, y);
    std::printf("f(1.5, -0.5) = %.6f, grad = [%.6f, %.6f]\n", f(x = 1.5, y = -0.5), dfdx(x = 1.5, y = -0.5), dfdy(x = 1.5, y = -0.5));
    std::istringstream picture(ctgrad::to_dot(softplus(x * y)));
    for (std::string line; std::getline(picture, line);) std::printf("# %s\n", line.c_str());

    // 2. Fused: a logistic regression whose loss is mean(softplus(-t (w u + b))) for labels t
    //    in {-1, 1}, trained by gradient descent; each step is one loop over the data.
    constexpr auto w = ctgrad::var<"w">;
    constexpr auto b = ctgrad::var<"b">;
    constexpr auto u = ctgrad::var<"u">;
    constexpr auto t = ctgrad::var<"t">;
    constexpr auto loss = mean(softplus(-t * (w * u + b)));
    std::printf("# loss = %s\n", ctgrad::to_string(loss).str().c_str());
    std::vector<double> us(100), ts(100);
    for (std::size_t i = 0; i != us.size(); ++i) {
        us[i] = std::sin(0.7 * static_cast<double>(i)) * 3.0;
        ts[i] = us[i] + std::cos(1.3 * static_cast<double>(i)) > 0.5 ? 1.0 : -1.0;
    }
    double wv = 0.0, bv = 0.0;
    for (int step = 0; step != 5; ++step) {
        const auto [l, dw, db] = ctgrad::value_and_grad(loss, ctgrad::wrt(w, b), w = wv, b = bv, u = us, t = ts);
        std::printf("step %d: loss = %.6f, dw = %.6f, db = %.6f\n", step, l, dw, db);
        wv -= 0.5 * dw;
        bv -= 0.5 * db;
    }

    // 3. Tensors: the op's grad_fn is named as PyTorch names its own (SoftplusBackward0).
    ctgrad::Tensor a = ctgrad::tensor({-1.0, 0.0, 2.0}, {.requires_grad = true});
    ctgrad::Tensor c = ctgrad::tensor({0.5, 0.5, 0.5}, {.requires_grad = true});
    ctgrad::Tensor s = softplus(a * 2.0);
    ctgrad::print(s);
    ctgrad::Tensor m = logaddexp(s, c);
    ctgrad::print(m);
    m.sum().backward();
    ctgrad::print(a.grad(), c.grad());
}
