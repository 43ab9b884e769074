// expect: ctgrad: backward() is a Tensor method; differentiate an expression with d(f, x)
// .backward() on a symbolic expression.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto x = ctgrad::var<"x">;
    auto f = x * x;
    f.backward();
}
