// expect: ctgrad: lgamma is not a ctgrad function; ctgrad has exp, log, sin, cos, tan, tanh, sqrt, sigmoid, abs, relu, log1p, expm1, sign, step, atan, asin, acos, sinh, cosh, asinh, acosh, atanh, erf, erfc, log2, log10, cbrt, pow, atan2, hypot, min, max, clamp and where
// A function ctgrad does not have.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto x = ctgrad::var<"x">;
    auto f = lgamma(x);
    return static_cast<int>(ctgrad::d(f, x)(x = 1.0));
}
