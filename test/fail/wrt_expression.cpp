// expect: ctgrad::wrt(v, ...): every argument must be a variable such as var<
// wrt of an expression.
#include <ctgrad/ctgrad.hpp>
#include <vector>
int main() {
    constexpr auto w = ctgrad::var<"w">;
    constexpr auto x = ctgrad::var<"x">;
    const std::vector<double> xs{1., 2.};
    auto [l, dw] = ctgrad::value_and_grad(sum(w * x), ctgrad::wrt(2.0 * w), w = 1.0, x = xs);
    return static_cast<int>(l + dw);
}
