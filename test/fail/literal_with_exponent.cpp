// expect: ctgrad: _c takes a plain decimal number
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad::literals;
int main() { auto c = 1e3_c; (void)c; }
