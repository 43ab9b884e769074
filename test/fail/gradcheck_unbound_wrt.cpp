// expect: ctgrad::gradcheck(f, wrt(x, ...), ...): every variable of wrt(...) must be bound, to a number or to an array
// expect: variable_named<'b'>
// gradcheck by a variable of wrt(...) that no binding binds.
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/eval/gradcheck.hpp>
#include <vector>
int main() {
    constexpr auto w = ctgrad::var<"w">;
    constexpr auto b = ctgrad::var<"b">;
    constexpr auto x = ctgrad::var<"x">;
    const std::vector<double> xs{1., 2.};
    return ctgrad::gradcheck(mean(w * x + b), ctgrad::wrt(w, b), w = 1.0, x = xs) ? 0 : 1;
}
