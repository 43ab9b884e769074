#include <ctgrad/tensor.hpp>
#include <iostream>
#include <sstream>
int main() {
    ctgrad::Tensor x = ctgrad::tensor({1.0, 2.0, 3.0}, {.requires_grad = true});
    (x * x).sum().backward();
    std::ostringstream out;
    out << x.grad();
    std::cout << out.str() << '\n';
    return out.str() == "tensor([2., 4., 6.])" ? 0 : 1;
}
