// expect: ctgrad: a reduction inside another reduction is not supported; reduce in two statements
// A reduction inside a reduction.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto x = ctgrad::var<"x">;
    auto f = sum(x - mean(x));
    (void)f;
}
