// expect: ctgrad: at most 64 tensors and numbers in one statement; assign part of it to a Tensor
// A statement is one fused loop over at most 64 operands.
#include <ctgrad/tensor.hpp>
template <int N>
auto chain(const ctgrad::Tensor& x) {
    if constexpr (N == 0) return x * 1.0;
    else return chain<N - 1>(x) + 1.0;
}
int main() {
    ctgrad::Tensor x = ctgrad::tensor({1., 2.});
    return static_cast<int>(chain<64>(x).sum().item());
}
