// expect: ctgrad: retain_grad() needs a Tensor; assign the statement to one first
// retain_grad() on a lazy statement.
#include <ctgrad/tensor.hpp>
int main() {
    ctgrad::Tensor x = ctgrad::tensor({1., 2.}, {.requires_grad = true});
    auto y = x * x;
    y.retain_grad();
    y.sum().backward();
}
