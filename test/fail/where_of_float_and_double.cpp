// expect: ctgrad: the operands of where and clamp are tensors of one dtype (float or double) or numbers
// where() choosing between a float32 and a float64 tensor.
#include <ctgrad/tensor.hpp>
int main() {
    ctgrad::Tensor a = ctgrad::tensor({1., 2.});
    ctgrad::DoubleTensor b = ctgrad::tensor<double>({3., 4.});
    auto w = ctgrad::where(a > 1, a, b);
    (void)w;
}
