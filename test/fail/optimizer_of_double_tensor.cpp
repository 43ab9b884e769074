// expect: ctgrad: optim::SGD and optim::Adam hold float Tensors; use optim::basic_sgd<double> or optim::basic_adam<double> for DoubleTensor
// A float optimizer given a float64 parameter.
#include <ctgrad/nn.hpp>
int main() {
    ctgrad::DoubleTensor w = ctgrad::tensor<double>({1., 2.}, {.requires_grad = true});
    ctgrad::optim::SGD opt({w}, {.lr = 0.1});
    opt.step();
}
