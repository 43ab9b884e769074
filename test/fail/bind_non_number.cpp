// expect: ctgrad: bind a variable to a number or to an array of float or double
// expect: variable_named<'x'>
// Binding a variable to something that is not a number.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto x = ctgrad::var<"x">;
    return static_cast<int>((x * x)(x = "three"));
}
