// expect: ctgrad: a scalar evaluation binds every variable to a number
// Binding a variable to something that is not a number.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto x = ctgrad::var<"x">;
    return static_cast<int>((x * x)(x = "three"));
}
