// expect: ctgrad: integer tensors hold std::int64_t (torch.int64) or bool (torch.bool)
// An integer tensor of another integer type.
#include <ctgrad/tensor.hpp>
int main() {
    ctgrad::basic_int_tensor<int> t;
    (void)t.defined();
}
