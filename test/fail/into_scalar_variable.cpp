// expect: ctgrad::into(x, buffer): x must be a wrt variable bound to an array
// a gradient buffer for a variable bound to a number.
#include <ctgrad/ctgrad.hpp>
#include <vector>
int main() {
    constexpr auto w = ctgrad::var<"w">;
    constexpr auto x = ctgrad::var<"x">;
    const std::vector<double> xs{1.0, 2.0};
    std::vector<double> dw(2);
    auto r = ctgrad::value_and_grad(sum(w * x), ctgrad::wrt(w), ctgrad::into(w, dw), w = 1.0, x = xs);
    (void)r;
}
