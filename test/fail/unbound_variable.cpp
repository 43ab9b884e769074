// expect: ctgrad: the expression uses a variable that is not bound; bind it as name = value
// expect: variable_named<'s', 'p', 'e', 'e', 'd'>
// Evaluating with a variable left unbound; the sentence's condition names it, spelled as characters.
#include <ctgrad/ctgrad.hpp>
int main() {
    constexpr auto speed = ctgrad::var<"speed">;
    constexpr auto time = ctgrad::var<"time">;
    return static_cast<int>((speed * time)(time = 2.0));
}
