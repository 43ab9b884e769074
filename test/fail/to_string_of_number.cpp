// expect: ctgrad::to_string(e): e must be a ctgrad expression
// Printing something that is not an expression.
#include <ctgrad/ctgrad.hpp>
int main() {
    auto s = ctgrad::to_string(1.5);
    (void)s;
}
