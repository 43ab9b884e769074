// expect: every wrt variable must be bound to a number (a parameter), not to an array
// value_grad_and_hessian with respect to a variable bound to an array.
#include <ctgrad/ctgrad.hpp>
#include <vector>
int main() {
    constexpr auto w = ctgrad::var<"w">;
    constexpr auto x = ctgrad::var<"x">;
    const std::vector<double> xs{1.0, 2.0};
    auto r = ctgrad::value_grad_and_hessian(sum(w * x), ctgrad::wrt(w, x), w = 1.0, x = xs);
    (void)r;
}
