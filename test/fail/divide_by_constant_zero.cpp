// expect: ctgrad: division by the constant 0
// Dividing by the exact constant 0.
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad::literals;
int main() {
    constexpr auto x = ctgrad::var<"x">;
    auto q = x / 0_c;
    (void)q;
}
