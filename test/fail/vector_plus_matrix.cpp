// expect: ctgrad: an element-wise operation needs operands of one shape, or a scalar and a vector or matrix
// A vector plus a matrix.
#include <ctgrad/ctgrad.hpp>
#include <vector>
int main() {
    constexpr auto w = ctgrad::vec<"w">;
    constexpr auto W = ctgrad::mat<"W">;
    const std::vector<double> a{1., 2., 3., 4.}, b{1., 2.};
    auto v = ctgrad::vsum(w + W)(w = b, W = ctgrad::as_matrix(a, 2, 2));
    return static_cast<int>(v);
}
