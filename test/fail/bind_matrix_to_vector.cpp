// expect: ctgrad: bind a matrix variable to as_matrix(data, rows, cols), which gives its dimensions
// A matrix variable bound to a plain array.
#include <ctgrad/ctgrad.hpp>
#include <vector>
int main() {
    constexpr auto W = ctgrad::mat<"W">;
    const std::vector<double> a{1., 2., 3., 4.};
    auto b = (W = a);
    return static_cast<int>(sizeof b);
}
