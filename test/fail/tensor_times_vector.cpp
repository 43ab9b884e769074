// expect: ctgrad: a Tensor combines with Tensors and numbers; make the other operand a Tensor with ctgrad::tensor(...)
// A Tensor times a std::vector.
#include <ctgrad/tensor.hpp>
#include <vector>
int main() {
    ctgrad::Tensor t = ctgrad::tensor({1., 2.});
    std::vector<float> v{3.f, 4.f};
    auto z = t * v;
    return static_cast<int>(z.sum().item());
}
