// expect: ctgrad::value_and_grad: the loss must reduce every array to a scalar (sum, mean, dot)
// A loss over arrays without a reduction.
#include <ctgrad/ctgrad.hpp>
#include <vector>
int main() {
    constexpr auto w = ctgrad::var<"w">;
    constexpr auto x = ctgrad::var<"x">;
    const std::vector<double> xs{1., 2.};
    auto [l, dw] = ctgrad::value_and_grad(w * x, ctgrad::wrt(w), w = 1.0, x = xs);
    return static_cast<int>(l + dw);
}
