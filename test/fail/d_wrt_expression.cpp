// expect: ctgrad::d(f, x): x must be a variable such as var<
// expect-gcc: formula<ctgrad::fixed_string<6>{"x * y"}>
// expect-clang: formula<'x', ' ', '*', ' ', 'y'>
// Differentiating with respect to an expression rather than a variable.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto x = ctgrad::var<"x">;
    constexpr auto y = ctgrad::var<"y">;
    auto g = ctgrad::d(x * y, x * y);
    (void)g;
}
