// expect: ctgrad: evaluate an expression with bindings such as f(x = 1.0, y = 2.0)
// Passing a bare number instead of a binding.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto x = ctgrad::var<"x">;
    return static_cast<int>((x * x)(2.0));
}
