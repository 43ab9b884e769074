// expect: ctgrad: _c takes a plain decimal number
#include <ctgrad/ctgrad.hpp>
using namespace ctgrad::literals;
int main() { auto c = 0x10_c; (void)c; }
