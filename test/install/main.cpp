#include <ctgrad/ctgrad.hpp>
#include <iostream>
int main() {
    constexpr auto x = ctgrad::var<"x">;
    auto f = x * x * x;
    std::cout << ctgrad::to_string(ctgrad::d(f, x)) << " = " << ctgrad::d(f, x)(x = 2.0) << '\n';
    return ctgrad::d(f, x)(x = 2.0) == 12.0 ? 0 : 1;
}
