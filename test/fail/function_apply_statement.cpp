// expect: ctgrad: pass Tensors to Function::apply; assign a statement to a Tensor first
// A custom Function applied to a lazy statement.
#include <ctgrad/tensor.hpp>
#include <vector>
using ctgrad::Tensor;
struct Twice : ctgrad::autograd::Function<Twice> {
    static Tensor forward(ctgrad::autograd::context&, const Tensor& x) { return x * 2; }
    static std::vector<Tensor> backward(ctgrad::autograd::context&, const Tensor& g) { return {g * 2}; }
};
int main() {
    Tensor x = ctgrad::tensor({1., 2.}, {.requires_grad = true});
    Tensor y = Twice::apply(x * 3);
    return static_cast<int>(y.sum().item());
}
