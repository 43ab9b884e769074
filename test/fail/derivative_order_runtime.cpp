// expect-gcc: no matching function for call to 'd<n>(
// expect-gcc: the value of 'n' is not usable in a constant expression
// expect-clang: no matching function for call to 'd'
// expect-clang: invalid explicitly-specified argument for template parameter 'Order'
// max-lines-gcc: 19
// compiler-message: a template argument that is not a constant is rejected before any ctgrad code is chosen
// d<n> with a run-time n.
#include <ctgrad/ctgrad.hpp>
int main(int argc, char**) {
    constexpr auto x = ctgrad::var<"x">;
    int n = argc + 1;
    auto g = ctgrad::d<n>(x * x * x, x);
    return static_cast<int>(g(x = 1.0));
}
