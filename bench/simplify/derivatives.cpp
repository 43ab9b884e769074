// A fixed list of 50 derivatives of formulas people write, printed by ctgrad; measure.py
// checks each against SymPy and compares their sizes (see README.md in this directory).
//
// Output: one line per case, tab-separated:
//   <index> <formula, exactly as written below> <variables: "x", or "x,y" for d(d(f, x), y)> <ctgrad's derivative>
//
// Each formula is written once: the macros differentiate it and stringize the same tokens, and
// measure.py reads the text as SymPy (pow(a, b) -> a**b, 3_c -> 3, frac<1, 2> -> 1/2), so the
// formula SymPy differentiates cannot drift from the one ctgrad differentiates. The formulas use
// only + - * /, unary -, pow, exp, log, sin, cos, tan, tanh, sqrt, sigmoid, log1p and
// expm1, exact constants (`2_c`, `frac<1, 2>`) and, in the case marked "plain numbers",
// numbers as users often type them (`x + 1`), which ctgrad keeps as run-time numbers.
#include <ctgrad/symbolic.hpp>

#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

namespace {

int case_count = 0;

template <class E>
void row(std::string_view formula, std::string_view wrt, const E& derivative) {
    std::ostringstream printed;
    printed << derivative;  // to_string(derivative): a compile-time string unless it holds run-time numbers
    std::cout << ++case_count << '\t' << formula << '\t' << wrt << '\t' << printed.str() << '\n';
}

}  // namespace

// D1(x, f): df/dx.  D2(x, y, f): d(df/dx)/dy (a second derivative when x and y are the same).
#define D1(v, ...) row(#__VA_ARGS__, #v, ctgrad::d(__VA_ARGS__, v))
#define D2(v, w, ...) row(#__VA_ARGS__, #v "," #w, ctgrad::d(ctgrad::d(__VA_ARGS__, v), w))

int main() {
    using namespace ctgrad::literals;
    using ctgrad::frac;
    constexpr auto x = ctgrad::var<"x">;
    constexpr auto y = ctgrad::var<"y">;
    constexpr auto z = ctgrad::var<"z">;
    constexpr auto m = ctgrad::var<"m">;
    constexpr auto s = ctgrad::var<"s">;
    constexpr auto r = ctgrad::var<"r">;
    constexpr auto v = ctgrad::var<"v">;
    constexpr auto k = ctgrad::var<"k">;
    constexpr auto w = ctgrad::var<"w">;
    constexpr auto b = ctgrad::var<"b">;
    constexpr auto e = ctgrad::var<"e">;   // a well depth (Lennard-Jones), not Euler's number
    constexpr auto l = ctgrad::var<"l">;

    // ---- rational functions, like terms, powers of one base --------------------------------
    D1(x, x * x * x);
    D1(x, (x + 1_c) / (x - 1_c));
    D1(x, (x + 1) / (x - 1));                                   // plain numbers
    D1(x, x / (x * y));
    D1(x, 1_c / (x * x));
    D1(x, 3_c * x * y + 2_c * y * x);
    D1(x, (x - y) / (x + y));
    D1(x, x / (1_c + x * x));
    D1(x, (x * x - 1_c) / (x - 1_c));
    D1(x, pow(x, 3_c) * pow(x, 2_c));
    D2(x, x, x * x * x * x / (x * x));

    // ---- logarithms of products and quotients ------------------------------------------------
    D1(x, log(x * y));
    D1(x, log(x / y));
    D1(x, log(x * x * y));
    D1(x, x * log(x) - x);
    D1(x, log(pow(x, 3_c) / (1_c + x * x)));

    // ---- exp and log compositions ------------------------------------------------------------
    D1(x, exp(x) / (1_c + exp(x)));                             // logistic
    D1(x, log1p(exp(x)));                                       // softplus
    D1(x, log(exp(x) + exp(y)));                                // log-sum-exp of two terms
    D1(x, x * exp(-x));
    D1(x, sigmoid(x));
    D2(x, x, sigmoid(x));
    D1(x, expm1(x) / x);

    // ---- trigonometry -----------------------------------------------------------------------
    D1(x, sin(x) * cos(x));
    D1(x, tan(x));
    D1(x, sin(x) / cos(x));
    D2(x, x, sin(x) * cos(x));
    D1(x, sin(x) * sin(x) + cos(x) * cos(x));
    D1(x, tanh(x * y));

    // ---- square roots and powers -------------------------------------------------------------
    D1(x, sqrt(x * x + y * y));
    D2(x, x, sqrt(x * x + y * y));
    D1(x, pow(x, frac<1, 2>) * x);
    D1(x, pow(x + 1_c, 2_c) - x * x);

    // ---- physics ----------------------------------------------------------------------------
    D1(x, exp(-pow(x - m, 2_c) / (2_c * pow(s, 2_c))));          // Gaussian
    D2(x, x, exp(-pow(x - m, 2_c) / (2_c * pow(s, 2_c))));
    D1(v, frac<1, 2> * m * v * v);                               // kinetic energy
    D1(r, -k * m / r);                                           // gravitational potential
    D1(x, frac<1, 2> * k * pow(x - l, 2_c));                     // spring
    D1(r, 4_c * (pow(r, -12_c) - pow(r, -6_c)));                 // Lennard-Jones, reduced units
    D1(r, 4_c * e * (pow(s / r, 12_c) - pow(s / r, 6_c)));       // Lennard-Jones

    // ---- statistics: log-likelihood of a normal sample in m and s -----------------------------
    D1(m, -log(s) - pow(x - m, 2_c) / (2_c * pow(s, 2_c)));
    D1(s, -log(s) - pow(x - m, 2_c) / (2_c * pow(s, 2_c)));
    D2(m, s, -log(s) - pow(x - m, 2_c) / (2_c * pow(s, 2_c)));

    // ---- machine-learning losses -------------------------------------------------------------
    D1(w, pow(w * x + b - y, 2_c));                              // squared error
    D1(w, log1p(exp(-y * (w * x + b))));                         // logistic loss
    D1(w, -(y * log(sigmoid(w * x + b)) + (1_c - y) * log(1_c - sigmoid(w * x + b))));  // cross-entropy

    // ---- products of many factors ------------------------------------------------------------
    D1(x, x * y * z * sin(x) * exp(x));
    D1(x, (x + 1_c) * (x + 2_c) * (x + 3_c));

    // ---- mixed partials ----------------------------------------------------------------------
    D2(x, y, x * x * y + sin(x * y));
    D2(x, y, exp(x * y));
}
