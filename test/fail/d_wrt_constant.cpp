// expect: ctgrad::d(f, x): x must be a variable such as var<
// Differentiating with respect to a constant.
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad::literals;
int main() {
    constexpr auto x = ctgrad::var<"x">;
    auto g = ctgrad::d(x * x, 2_c);
    (void)g;
}
