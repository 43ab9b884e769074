// expect: ctgrad::dot(a, b): a and b must both be vectors
// dot of a vector and a matrix.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto w = ctgrad::vec<"w">;
    constexpr auto W = ctgrad::mat<"W">;
    auto f = ctgrad::dot(w, W);
    return static_cast<int>(sizeof f);
}
