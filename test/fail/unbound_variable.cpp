// expect: ctgrad: the expression uses a variable that is not bound, so it is an expression, not a number; bind every variable as name = value
// expect: variable_named<'s', 'p', 'e', 'e', 'd'>
// Evaluating with a variable left unbound gives the expression that remains (a partial
// evaluation); using it as a number is the mistake. The sentence's condition names the
// variable, spelled as characters.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto speed = ctgrad::var<"speed">;
    constexpr auto time = ctgrad::var<"time">;
    return static_cast<int>((speed * time)(time = 2.0));
}
