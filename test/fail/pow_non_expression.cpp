// expect: ctgrad::pow(a, b): a and b must be ctgrad expressions or numbers, and at least one an expression
// pow with an argument that is neither an expression nor a number.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto x = ctgrad::var<"x">;
    auto p = ctgrad::pow(x, "two");
    (void)p;
}
