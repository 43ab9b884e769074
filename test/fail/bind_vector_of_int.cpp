// expect: ctgrad: an array bound to a variable must hold float or double; copy integers into a std::vector<double>
// expect: variable_named<'x'>
// Binding a variable to an array of integers.
#include <ctgrad/ctgrad.hpp>
#include <vector>
int main() {
    constexpr auto x = ctgrad::var<"x">;
    const std::vector<int> xs{1, 2, 3};
    return static_cast<int>(ctgrad::evaluate(sum(x * x), x = xs));
}
