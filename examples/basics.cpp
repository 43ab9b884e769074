// ctgrad in ten lines: derivatives as types, printed, checked at compile time, evaluated.
#include <ctgrad/ctgrad.hpp>

#include <iostream>

int main() {
    using namespace ctgrad::literals;
    constexpr auto x = ctgrad::var<"x">;
    constexpr auto y = ctgrad::var<"y">;

    constexpr auto f = x * x * y + sin(x * y);
    static_assert(ctgrad::to_string(ctgrad::d(x * x, x)) == "2 * x");
    static_assert(ctgrad::d(x * x * x, x)(x = 2.0) == 12.0);

    auto [dfdx, dfdy] = ctgrad::grad(f, x, y);
    std::cout << "f       = " << f << '\n'
              << "df/dx   = " << dfdx << '\n'
              << "df/dy   = " << dfdy << '\n'
              << "d2f/dx2 = " << ctgrad::d<2>(f, x) << '\n'
              << "at x = 1, y = 2: f = " << f(x = 1.0, y = 2.0) << ", df/dx = " << dfdx(x = 1.0, y = 2.0)
              << ", df/dy = " << dfdy(y = 2.0, x = 1.0) << '\n';
}
