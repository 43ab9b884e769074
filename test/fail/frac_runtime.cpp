// expect-gcc: the value of 'n' is not usable in a constant expression
// expect-clang: non-type template argument is not a constant expression
// compiler-message: a template argument that is not a constant is rejected before any ctgrad code is chosen
// frac with run-time values.
#include <ctgrad/ctgrad.hpp>
int main(int argc, char**) {
    constexpr auto x = ctgrad::var<"x">;
    int n = argc;
    auto f = x * ctgrad::frac<n, 2>;
    return static_cast<int>(f(x = 1.0));
}
