// expect: ctgrad: both tensors of an operation must have the same dtype (float or double)
// A float32 tensor times a float64 tensor: PyTorch would promote; ctgrad's dtype is part of the type.
#include <ctgrad/tensor.hpp>
int main() {
    ctgrad::Tensor x = ctgrad::tensor({1., 2.});
    ctgrad::DoubleTensor y = ctgrad::tensor<double>({3., 4.});
    return static_cast<int>((x * y).sum().item());
}
