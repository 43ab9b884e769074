// expect: ctgrad: the same variable is bound twice
// expect: variable_named<'x'>
// Binding one variable twice in an evaluation.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto x = ctgrad::var<"x">;
    return static_cast<int>((x * x)(x = 1.0, x = 2.0));
}
