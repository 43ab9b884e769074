// expect: ctgrad::pow(a, b): a and b must be ctgrad expressions or numbers, and at least one an expression
// ctgrad::pow of two plain numbers is std::pow's job.
#include <ctgrad/ctgrad.hpp>
int main() {
    auto p = ctgrad::pow(2.0, 3.0);
    (void)p;
}
