// expect: ctgrad: a Tensor combines with Tensors and numbers, not with a symbolic expression
// expect: variable_named<'y'>
// A Tensor times a symbolic variable.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto y = ctgrad::var<"y">;
    ctgrad::Tensor t = ctgrad::tensor({1., 2.});
    auto z = t * y;
    return static_cast<int>(z.sum().item());
}
