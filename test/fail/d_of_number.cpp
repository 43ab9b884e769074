// expect: ctgrad::d(f, x): f must be a ctgrad expression
// Differentiating a plain number.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto x = ctgrad::var<"x">;
    auto g = ctgrad::d(3.0, x);
    (void)g;
}
