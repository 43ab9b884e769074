// expect: ctgrad::d(f, x): f and x are both vectors or matrices, so the derivative is a Jacobian
// The derivative of a vector by a vector.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto W = ctgrad::mat<"W">;
    constexpr auto x = ctgrad::vec<"x">;
    auto j = ctgrad::d(W * x, x);
    return static_cast<int>(sizeof j);
}
