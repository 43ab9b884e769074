// The first example of README.md, exactly as quoted there.
#include <ctgrad/ctgrad.hpp>
#include <iostream>

int main() {
    constexpr auto x = ctgrad::var<"x">;
    constexpr auto y = ctgrad::var<"y">;
    constexpr auto f = x * x * y + sin(x * y);
    static_assert(ctgrad::to_string(ctgrad::d(x * x, x)) == "2 * x");
    static_assert(ctgrad::d(x * x * x, x)(x = 2.0) == 12.0);
    auto [dfdx, dfdy] = ctgrad::grad(f, x, y);
    std::cout << dfdx << '\n' << dfdy << '\n' << ctgrad::d<2>(f, x) << '\n' << dfdx(x = 1.0, y = 2.0) << '\n';
}
