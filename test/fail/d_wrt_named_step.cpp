// expect: ctgrad::d(f, x): x must be a variable such as var<
// expect-gcc: formula<ctgrad::fixed_string<15>{"sin(x) + x * y"}>
// expect-clang: formula<'s', 'i', 'n', '(', 'x', ')', ' ', '+', ' ', 'x', ' ', '*', ' ', 'y'>
// Differentiating with respect to a named step: the message writes the step's formula.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto x = ctgrad::var<"x">;
    constexpr auto y = ctgrad::var<"y">;
    const auto s = ctgrad::let([=] { return x * y + ctgrad::sin(x); });
    auto g = ctgrad::d(ctgrad::sin(s) * x + s * y, s);
    (void)g;
}
