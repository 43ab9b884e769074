// expect: ctgrad::value_and_grad: the loss must be a scalar; reduce vectors with dot, vsum or norm
// A loss that is a vector.
#include <ctgrad/ctgrad.hpp>
#include <vector>
int main() {
    constexpr auto w = ctgrad::vec<"w">;
    constexpr auto x = ctgrad::vec<"x">;
    const std::vector<double> X{1., 2., 3., 4.}, wv{1., 2.};
    auto [l, dw] = ctgrad::value_and_grad(ctgrad::mean(w * x), ctgrad::wrt(w), w = wv, x = ctgrad::rows(X, 2));
    return static_cast<int>(l + dw[0]);
}
