// expect: ctgrad::grad(f, x, ...): x must be a variable such as var<
// grad with respect to something that is not a variable.
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad::literals;
int main() {
    constexpr auto x = ctgrad::var<"x">;
    auto [gx, g2] = ctgrad::grad(x * x, x, 2_c);
    (void)gx;
    (void)g2;
}
