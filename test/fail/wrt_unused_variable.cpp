// expect: ctgrad::value_and_grad: the loss does not use a variable of wrt(...); remove it from wrt
// expect: variable_named<'y'>
// wrt of a variable the loss does not use.
#include <ctgrad/ctgrad.hpp>
#include <vector>
int main() {
    constexpr auto w = ctgrad::var<"w">;
    constexpr auto x = ctgrad::var<"x">;
    constexpr auto y = ctgrad::var<"y">;
    const std::vector<double> xs{1., 2.};
    auto [l, dy] = ctgrad::value_and_grad(sum(w * x), ctgrad::wrt(y), w = 1.0, x = xs, y = 2.0);
    return static_cast<int>(l + dy);
}
