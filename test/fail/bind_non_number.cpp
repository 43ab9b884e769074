// expect: ctgrad: bind every variable to a number or to an array of floating-point numbers
// Binding a variable to something that is not a number.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto x = ctgrad::var<"x">;
    return static_cast<int>((x * x)(x = "three"));
}
