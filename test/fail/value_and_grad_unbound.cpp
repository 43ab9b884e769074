// expect: ctgrad: the expression uses a variable that is not bound; bind it as name = value
// expect: variable_named<'w'>
// value_and_grad with a variable of the loss, here also a wrt variable, left unbound.
#include <ctgrad/ctgrad.hpp>
#include <vector>
int main() {
    constexpr auto w = ctgrad::var<"w">;
    constexpr auto x = ctgrad::var<"x">;
    const std::vector<double> xs{1., 2.};
    auto [l, dw] = ctgrad::value_and_grad(sum(w * x), ctgrad::wrt(w), x = xs);
    return static_cast<int>(l + dw);
}
