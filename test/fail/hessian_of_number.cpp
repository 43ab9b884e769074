// expect: ctgrad::hessian(f, wrt(x, ...)): f must be a ctgrad expression
// hessian of something that is not an expression.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto x = ctgrad::var<"x">;
    auto h = ctgrad::hessian(2.0, ctgrad::wrt(x));
    (void)h;
}
