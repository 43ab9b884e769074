// expect: ctgrad: both tensors of a matrix product must have the same dtype (float or double)
// A float32 matrix times a float64 one: PyTorch raises "expected scalar type Float but found Double".
#include <ctgrad/tensor.hpp>
int main() {
    ctgrad::Tensor a = ctgrad::tensor({{1., 2.}});
    ctgrad::DoubleTensor b = ctgrad::tensor<double>({{3.}, {4.}});
    return static_cast<int>(ctgrad::matmul(a, b).sum().item());
}
