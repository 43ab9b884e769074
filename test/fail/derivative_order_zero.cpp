// expect: ctgrad::d<N>(f, x): the order N must be at least 1
// A derivative of order 0.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto x = ctgrad::var<"x">;
    auto g = ctgrad::d<0>(x * x, x);
    (void)g;
}
