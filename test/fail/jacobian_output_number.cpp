// expect: ctgrad::outputs(f, ...): every argument must be a ctgrad expression
// jacobian of an output that is not an expression.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto x = ctgrad::var<"x">;
    auto j = ctgrad::jacobian(ctgrad::outputs(x * x, 3.0), ctgrad::wrt(x));
    (void)j;
}
