// expect: ctgrad: cross_entropy's probability target must have the input's dtype
// Class probabilities in float64 for float32 logits: PyTorch promotes the target.
#include <ctgrad/nn.hpp>
int main() {
    ctgrad::Tensor logits = ctgrad::tensor({{1., 2.}}, {.requires_grad = true});
    ctgrad::DoubleTensor probs = ctgrad::tensor<double>({{0.5, 0.5}});
    return static_cast<int>(ctgrad::nn::functional::cross_entropy(logits, probs).item());
}
