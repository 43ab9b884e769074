// expect: ctgrad: atan is not a ctgrad function; ctgrad has exp, log, sin, cos, tan, tanh, sqrt, sigmoid, abs, relu, log1p, expm1, sign, step and pow
// A function ctgrad does not have.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto x = ctgrad::var<"x">;
    auto f = atan(x);
    return static_cast<int>(ctgrad::d(f, x)(x = 1.0));
}
