// expect-gcc: unable to find numeric literal operator 'operator""_c'
// expect-clang: no matching literal operator for call to 'operator""_c'
// compiler-message: a literal operator is found only by ordinary lookup, which the library cannot extend to the user's scope
// 2_c without using namespace ctgrad::literals.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto x = ctgrad::var<"x">;
    auto f = pow(x, 2_c);
    return static_cast<int>(f(x = 1.0));
}
