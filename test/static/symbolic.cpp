// Compile-time checks of the symbolic core: types, printed derivatives, constexpr values.
// Compiling this file is the test.
#include <ctgrad/ctgrad.hpp>

#include <concepts>
#include <string_view>
#include <type_traits>

namespace {

using namespace ctgrad::literals;
using ctgrad::d;
using ctgrad::frac;
using ctgrad::to_string;

constexpr auto x = ctgrad::var<"x">;
constexpr auto y = ctgrad::var<"y">;
constexpr auto z = ctgrad::var<"z">;

template <class A, class B>
constexpr bool same(const A&, const B&) { return std::is_same_v<A, B>; }

// ---- constants and literals ----------------------------------------------------------
static_assert(same(2_c, ctgrad::constant<2>{}));
static_assert(same(frac<2, 4>, frac<1, 2>));
static_assert(same(frac<1, -2>, ctgrad::constant<-1, 2>{}));
static_assert(same(0.25_c, frac<1, 4>));
static_assert(to_string(frac<-3, 6>) == "-1/2");
static_assert(to_string(12_c) == "12");
static_assert(same(2_c + 3_c, 5_c));
static_assert(same(frac<1, 2> + frac<1, 3>, frac<5, 6>));
static_assert(same(2_c - 5_c, frac<-3, 1>));
static_assert(same(2_c * frac<1, 4>, frac<1, 2>));
static_assert(same(3_c / 6_c, frac<1, 2>));
static_assert(same(-(2_c), frac<-2, 1>));
static_assert(same(ctgrad::pow(2_c, 10_c), 1024_c));
static_assert(same(ctgrad::pow(2_c, frac<-2, 1>), frac<1, 4>));
static_assert(std::is_same_v<decltype(x * 0.5), ctgrad::binary<ctgrad::mul_op, ctgrad::literal, ctgrad::variable<"x">>>);
static_assert((x * 0.5).l().value == 0.5);
static_assert((2_c * ctgrad::literal{0.25}).value == 0.5);  // literal folding

// ---- simplification rules -------------------------------------------------------------
static_assert(same(0_c + x, x));                           // 0 + e -> e
static_assert(same(x + 0_c, x));
static_assert(same(x - 0_c, x));                           // e - 0 -> e
static_assert(to_string(0_c - x) == "-x");                 // 0 - e -> -e
static_assert(same(x * 1_c, x));                           // e * 1 -> e
static_assert(same(1_c * x, x));
static_assert(same(x * 0_c, 0_c));                         // e * 0 -> 0
static_assert(same(0_c * sin(x), 0_c));
static_assert(same(x / 1_c, x));                           // e / 1 -> e
static_assert(same(0_c / x, 0_c));                         // 0 / e -> 0
static_assert(same(x - x, 0_c));                           // e - e -> 0
static_assert(same(sin(x * y) - sin(x * y), 0_c));
static_assert(same(x / x, 1_c));                           // e / e -> 1
static_assert(to_string(x + x) == "2 * x");                // e + e -> 2 e
static_assert(same(x * x, ctgrad::pow(x, 2_c)));           // e * e -> e^2
static_assert(same(x * x * x, ctgrad::pow(x, 3_c)));       // e^2 * e -> e^3
static_assert(same(x * ctgrad::pow(x, 2_c), ctgrad::pow(x, 3_c)));
static_assert(same(ctgrad::pow(x, 2_c) * ctgrad::pow(x, 3_c), ctgrad::pow(x, 5_c)));
static_assert(same(ctgrad::pow(ctgrad::pow(x, 2_c), 3_c), ctgrad::pow(x, 6_c)));
static_assert(same(ctgrad::pow(x, 1_c), x));               // e^1 -> e
static_assert(same(ctgrad::pow(x, 0_c), 1_c));             // e^0 -> 1
static_assert(same(ctgrad::pow(x, frac<1, 2>), sqrt(x)));  // e^(1/2) -> sqrt(e)
static_assert(same(-(-x), x));                             // -(-e) -> e
static_assert(same(-1_c * x, -x));
static_assert(same(x + (-y), x - y));                      // a + (-b) -> a - b
static_assert(same(x - (-y), x + y));                      // a - (-b) -> a + b
static_assert(same(-(x - y), y - x));
static_assert(same(2_c * (3_c * x), 6_c * x));             // constants fold through products
static_assert(same((2_c * x) * 3_c, 6_c * x));
static_assert(same(x * 2_c, 2_c * x));                     // numbers first in products
static_assert(to_string(x + 1_c) == "x + 1");              // and last in sums
static_assert(same(1_c + x, x + 1_c));
static_assert(same(x * (1_c / y), x / y));                 // e * (1 / b) -> e / b
static_assert(same(y * (y * sin(x)), ctgrad::pow(y, 2_c) * sin(x)));  // e * (e * f) -> e^2 * f
static_assert(same((sin(x) * y) * ctgrad::pow(y, 2_c), ctgrad::pow(y, 3_c) * sin(x)));
static_assert(same(x + 2_c - 2_c, x + 2_c - 2_c));
// canonical order: equal expressions get equal types
static_assert(same(x + y, y + x));
static_assert(same(x * y, y * x));
static_assert(same(sin(x) * cos(y), cos(y) * sin(x)));
static_assert(same(exp(x) + log(y), log(y) + exp(x)));
static_assert(to_string(y * x) == "x * y");
static_assert(to_string(z + y + x) == "x + y + z");      // (z + y) + x, operands of each + ordered
static_assert(!same(x * y * z, z * y * x));               // associativity is not normalised

// ---- printing ---------------------------------------------------------------------------
static_assert(to_string(x) == "x");
static_assert(to_string(x - y - z) == "x - y - z");
static_assert(to_string(x - (y - z)) == "x - (y - z)");
static_assert(to_string(x / (y * z)) == "x / (y * z)");
static_assert(to_string((x + y) * z) == "z * (x + y)");
static_assert(to_string(ctgrad::pow(x + y, 2_c)) == "(x + y)^2");
static_assert(to_string(ctgrad::pow(-x, 2_c)) == "(-x)^2");
static_assert(to_string(-ctgrad::pow(x, 2_c)) == "-x^2");
static_assert(to_string(ctgrad::pow(x, frac<-2, 1>)) == "x^(-2)");
static_assert(to_string(ctgrad::pow(x, frac<3, 2>)) == "x^(3/2)");
static_assert(to_string(ctgrad::pow(x, y)) == "x^y");
static_assert(to_string(-(x + y)) == "-(x + y)");
static_assert(to_string(sin(x * y)) == "sin(x * y)");
static_assert(to_string(frac<1, 2> * x) == "1/2 * x");

// ---- derivatives of every op, printed ------------------------------------------------------
static_assert(to_string(d(x * x, x)) == "2 * x");
static_assert(same(d(x, x), 1_c));
static_assert(same(d(y, x), 0_c));
static_assert(same(d(3_c, x), 0_c));
static_assert(same(d(sin(y) * exp(y), x), 0_c));
static_assert(to_string(d(x + y, x)) == "1");
static_assert(to_string(d(x - y, y)) == "-1");
static_assert(to_string(d(x * y, x)) == "y");
static_assert(to_string(d(x / y, x)) == "1 / y");
static_assert(to_string(d(x / y, y)) == "-x / y / y");  // -(x / y) / y: no overflow of y^2, as PyTorch
static_assert(to_string(d(-x, x)) == "-1");
static_assert(to_string(d(ctgrad::pow(x, 3_c), x)) == "3 * x^2");
static_assert(to_string(d(ctgrad::pow(x, frac<-1, 1>), x)) == "-x^(-2)");
static_assert(to_string(d(ctgrad::pow(x, frac<3, 2>), x)) == "3/2 * sqrt(x)");
static_assert(to_string(d(ctgrad::pow(x, y), x)) == "where(y == 0, 0, y * x^(y - 1))");  // PyTorch's masks
static_assert(to_string(d(ctgrad::pow(x, y), y)) == "x^y * where(x == 0 && y >= 0, 0, log(x))");
static_assert(to_string(d(ctgrad::pow(2_c, x), x)) == "log(2) * 2^x");
static_assert(to_string(d(exp(x), x)) == "exp(x)");
static_assert(to_string(d(log(x), x)) == "1 / x");
static_assert(to_string(d(sin(x), x)) == "cos(x)");
static_assert(to_string(d(cos(x), x)) == "-sin(x)");
static_assert(to_string(d(tan(x), x)) == "tan(x)^2 + 1");
static_assert(to_string(d(tanh(x), x)) == "1 - tanh(x)^2");
static_assert(to_string(d(sqrt(x), x)) == "1 / (2 * sqrt(x))");
static_assert(to_string(d(sigmoid(x), x)) == "sigmoid(x) * (1 - sigmoid(x))");
static_assert(to_string(d(abs(x), x)) == "sign(x)");
static_assert(to_string(d(relu(x), x)) == "where(x <= 0, 0, 1)");
static_assert(to_string(d(log1p(x), x)) == "1 / (x + 1)");
static_assert(to_string(d(expm1(x), x)) == "exp(x)");
// chain, product, quotient
static_assert(to_string(d(sin(2_c * x), x)) == "2 * cos(2 * x)");
static_assert(to_string(d(cos(2_c * x), x)) == "-2 * sin(2 * x)");
static_assert(to_string(d(exp(sin(x)), x)) == "cos(x) * exp(sin(x))");
static_assert(to_string(d(x * sin(x), x)) == "sin(x) + x * cos(x)");
static_assert(to_string(d(sin(x) / x, x)) == "cos(x) / x - sin(x) / x / x");
static_assert(to_string(d(1_c / x, x)) == "-1 / x / x");
// a mask stays outermost: 0 where x <= 0 whatever the other factors are
static_assert(to_string(d(sqrt(relu(x)), x)) == "where(x <= 0, 0, 1 / (2 * sqrt(relu(x))))");
static_assert(to_string(d(relu(x) * y, x)) == "where(x <= 0, 0, y)");
// higher order and grad
static_assert(to_string(d<2>(ctgrad::pow(x, 3_c), x)) == "6 * x");
static_assert(same(d<3>(ctgrad::pow(x, 3_c), x), 6_c));
static_assert(same(d<4>(ctgrad::pow(x, 3_c), x), 0_c));
static_assert(to_string(d<2>(sin(x), x)) == "-sin(x)");
static_assert(same(d<4>(sin(x), x), sin(x)));
static_assert(same(d<2>(exp(x), x), exp(x)));
static_assert(same(d(d(x * y, x), y), 1_c));

constexpr auto gradient = ctgrad::grad(x * x * y, x, y);
static_assert(to_string(std::get<0>(gradient)) == "2 * x * y");
static_assert(to_string(std::get<1>(gradient)) == "x^2");

// ---- constexpr evaluation ----------------------------------------------------------------
static_assert(d(x * x * x, x)(x = 2.0) == 12.0);
static_assert((x * y + 1_c)(y = 3.0, x = 2.0) == 7.0);              // any order
static_assert((x / y)(x = 1.0, y = 4.0) == 0.25);
static_assert((x - y)(x = 1, y = 4) == -3.0);                       // integers evaluate as double
static_assert(ctgrad::pow(x, frac<-2, 1>)(x = 2.0) == 0.25);
static_assert(ctgrad::pow(x, 10_c)(x = 2.0) == 1024.0);
static_assert((frac<1, 2> * x)(x = 3.0) == 1.5);
static_assert((x * 0.5)(x = 3.0) == 1.5);
static_assert(abs(x)(x = -2.0) == 2.0);
static_assert(relu(x)(x = -2.0) == 0.0 && relu(x)(x = 2.0) == 2.0);
static_assert(d(abs(x), x)(x = -3.0) == -1.0 && d(abs(x), x)(x = 0.0) == 0.0);
static_assert(d(relu(x), x)(x = 3.0) == 1.0 && d(relu(x), x)(x = 0.0) == 0.0);
static_assert(std::is_same_v<decltype((x * y)(x = 1.0f, y = 2.0f)), float>);
static_assert(std::is_same_v<decltype((x * y)(x = 1.0f, y = 2.0)), double>);
static_assert(std::is_same_v<decltype((x * y)(x = 1.0, y = 2.0)), double>);
static_assert((x * y)(x = 1.5f, y = 2.0f) == 3.0f);
static_assert(d(x * y * y, y)(x = 2.0, y = 3.0, z = 9.0) == 12.0);  // extra bindings are ignored
static_assert(12_c(x = 1.0) == 12.0);
static_assert(std::get<1>(gradient)(x = 3.0, y = 0.0) == 9.0);

// ---- types carry no runtime state unless a literal is used ----------------------------------
static_assert(!ctgrad::detail::has_state<decltype(sin(x * y) + exp(x))>);
static_assert(ctgrad::detail::has_state<decltype(x * 0.5 + y)>);


// ---- the op table: every op tag declares all that an operation needs -------------------------
template <class Op>
concept unary_math = requires(double a) {
    { Op::value(a) } -> std::same_as<double>;
    Op::partial(x, y);
};
template <class Op>
concept binary_math = requires(double a) {
    { Op::value(a, a) } -> std::same_as<double>;
    Op::partial_l(x, y, z);
    Op::partial_r(x, y, z);
};
template <class Op>  // linear: its derivative is the reduction of the operand's
concept reduction_math = Op::reduction && requires(double a) {
    { Op::value(a) } -> std::same_as<double>;
};
template <class Op>
concept described_op = requires {
    { Op::name } -> std::convertible_to<std::string_view>;
    { Op::notation } -> std::convertible_to<ctgrad::notation>;
    { Op::precedence } -> std::convertible_to<int>;
    { Op::torch_backward } -> std::convertible_to<std::string_view>;
    { Op::saves_result } -> std::convertible_to<bool>;
    { Op::linear } -> std::convertible_to<bool>;
    { Op::dot_label } -> std::convertible_to<std::string_view>;
};
template <class Op>
struct op_checks {  // one static_assert per op, so that a failure names the op
    static_assert(unary_math<Op> || binary_math<Op> || reduction_math<Op>, "an op tag needs value and its partials");
    static_assert(described_op<Op>, "an op tag needs name, notation, precedence, torch_backward, saves_result, linear and dot_label");
    static_assert(!Op::name.empty() && !Op::dot_label.empty());
    static_assert(Op::torch_backward.empty() || Op::torch_backward.ends_with("Backward0") || Op::torch_backward.ends_with("Backward1"));
    static constexpr bool checked = true;
};
template <class... Ops>
constexpr bool check_ops(ctgrad::detail::op_list<Ops...>) { return (op_checks<Ops>::checked && ...); }
static_assert(check_ops(ctgrad::detail::all_ops{}));

// The values the Tensor layer and the pictures read.
static_assert(ctgrad::mul_op::torch_backward == "MulBackward0");
static_assert(ctgrad::ipow_op<3>::torch_backward == "PowBackward0");
static_assert(ctgrad::reciprocal_op::torch_backward == "ReciprocalBackward0");
static_assert(ctgrad::sum_op::torch_backward == "SumBackward0");
static_assert(ctgrad::sign_op::torch_backward.empty());  // not a Tensor operation
static_assert(ctgrad::exp_op::saves_result && ctgrad::relu_op::saves_result && !ctgrad::log_op::saves_result);
static_assert(ctgrad::add_op::linear && ctgrad::sub_op::linear && ctgrad::neg_op::linear && ctgrad::sum_op::linear &&
              ctgrad::mean_op::linear && !ctgrad::mul_op::linear && !ctgrad::div_op::linear);
static_assert(ctgrad::neg_op::dot_label == "neg");
static_assert(ctgrad::atan2_op::torch_backward == "Atan2Backward0" && ctgrad::log10_op::torch_backward == "Log10Backward0");
static_assert(ctgrad::max_op::torch_backward == "MaximumBackward0" && ctgrad::clamp_min_op::torch_backward == "ClampMinBackward0");
static_assert(ctgrad::detail::torch_style_backward<"log_softmax">.view() == "LogSoftmaxBackward0");

// ---- the functions beyond the elementary ones ------------------------------------------------
static_assert(to_string(d(atan(x), x)) == "1 / (x^2 + 1)");
static_assert(to_string(d(asin(x), x)) == "1 / sqrt(1 - x^2)");
static_assert(to_string(d(acos(x), x)) == "-1 / sqrt(1 - x^2)");
static_assert(same(d(sinh(x), x), cosh(x)) && same(d(cosh(x), x), sinh(x)));
static_assert(to_string(d(asinh(x), x)) == "1 / sqrt(x^2 + 1)");
static_assert(to_string(d(acosh(x), x)) == "1 / sqrt(x^2 - 1)");
static_assert(to_string(d(atanh(x), x)) == "1 / (1 - x^2)");
static_assert(to_string(d(erf(x), x)) == "2 * exp(-x^2) / sqrt(pi)");
static_assert(to_string(d(erfc(x), x)) == "-2 * exp(-x^2) / sqrt(pi)");
static_assert(to_string(d(log2(x), x)) == "1 / (x * log(2))");
static_assert(to_string(d(log10(x), x)) == "1 / (x * log(10))");
static_assert(to_string(d(cbrt(x), x)) == "1 / (3 * cbrt(x)^2)");
static_assert(to_string(atan2(y, x)) == "atan2(y, x)");
static_assert(to_string(d(hypot(x, y), x)) == "x / hypot(x, y)");
static_assert(to_string(max(x, 0_c)) == "max(x, 0)");
static_assert(to_string(d(max(x, y), x)) == "where(x < y, 0, 1 - 1/2 * (x == y))");
static_assert(to_string(clamp(x, 0_c, 1_c)) == "clamp(x, 0, 1)");
static_assert(to_string(where(x > y, x * x, y)) == "where(x > y, x^2, y)");
static_assert(to_string(d(where(x > y, x * x, y), x)) == "where(x > y, 2 * x, 0)");
static_assert(to_string(x <= 1_c && y != x) == "x <= 1 && y != x");
static_assert(same(!!(x < y), x < y));
static_assert(to_string(2_c * ctgrad::pi * x) == "2 * x * pi");
static_assert(same(d(ctgrad::pi * ctgrad::pi, x), 0_c));
static_assert(to_string(max(2_c, 3_c)) == "max(2, 3)" && max(2_c, 3_c)() == 3.0);  // of constants, a type
static_assert(same(max(2_c, 3.0), ctgrad::literal{3.0}) && max(2_c, 3.0).value == 3.0);  // with a literal, folded

// ---- substitution and partial evaluation -------------------------------------------------------
static_assert(to_string(ctgrad::subs(x * y + y, x = 1_c)) == "2 * y");
static_assert(same(ctgrad::subs(x * y + y, x = 1_c), 2_c * y));
static_assert(same(ctgrad::subs(pow(x, 2_c) * y, x = 3_c, y = frac<1, 3>), 3_c));
static_assert(to_string(ctgrad::subs(sin(x) * x, x = y * y)) == "y^2 * sin(y^2)");
static_assert(same(ctgrad::subs(d(x * x * y, x), y = 0_c), 0_c));
static_assert(same((x * y + y)(x = 1_c), 2_c * y));  // bound to a constant: substituted
static_assert((x * y)(x = 2.0)(y = 3.0) == 6.0);      // a partial evaluation, then the rest
static_assert(to_string(ctgrad::subs(x / y, y = x)) == "1");
static_assert(same(ctgrad::subs(x + y, z = 1_c), x + y));  // a variable it does not use
static_assert(ctgrad::ipow_op<2>::dot_label == "^2");
static_assert(ctgrad::ipow_op<-12>::dot_label == "^-12");
static_assert(ctgrad::ipow_op<100>::dot_label == "^100");
static_assert(ctgrad::le_op::dot_label == "<=");

// ---- named steps: ctgrad::let --------------------------------------------------------------

// A name is its expression: the same formula, value and derivatives, in constant expressions too.
constexpr auto let_y = ctgrad::var<"y">;
constexpr auto let_s = ctgrad::let([] { return x * let_y + x * x; });
static_assert(ctgrad::detail::is_named<std::remove_cvref_t<decltype(let_s)>>);
static_assert(to_string(let_s) == "x^2 + x * y");
static_assert(to_string(let_s * let_s + let_s).view() == to_string((x * let_y + x * x) * (x * let_y + x * x) + (x * let_y + x * x)).view());
static_assert(let_s(x = 2.0, let_y = 3.0) == 10.0);
static_assert(to_string(d(let_s, x)) == "y + 2 * x");
static_assert(d(let_s * let_s, x)(x = 2.0, let_y = 3.0) == 2 * 10.0 * 7.0);
// Its derivative is named too; a derivative that is a number or a variable is not.
static_assert(ctgrad::detail::is_named<std::remove_cvref_t<decltype(d(let_s, x))>>);
static_assert(std::is_same_v<std::remove_cvref_t<decltype(d(let_s, let_y))>, std::remove_cvref_t<decltype(x)>>);
static_assert(std::is_same_v<std::remove_cvref_t<decltype(d(d(let_s, x), x))>, ctgrad::constant<2>>);
// Simplification sees the expression: s - s is 0, s * s is s^2.
static_assert(to_string(let_s - let_s) == "0");
static_assert(to_string(let_s * let_s) == "(x^2 + x * y)^2");
// A variable, a number or a name is returned as it is.
static_assert(std::is_same_v<std::remove_cvref_t<decltype(ctgrad::let([] { return x; }))>, std::remove_cvref_t<decltype(x)>>);
static_assert(std::is_same_v<std::remove_cvref_t<decltype(ctgrad::let([] { return let_s; }))>, std::remove_cvref_t<decltype(let_s)>>);


// ---- constexpr values of transcendental functions (core/math.hpp) -------------------------
static_assert(d(ctgrad::sin(x), x)(x = 0.0) == 1.0);
static_assert(d(ctgrad::exp(x) * ctgrad::log(y), y)(x = 0.0, y = 2.0) == 0.5);
static_assert(d(ctgrad::atan(x), x)(x = 1.0) == 0.5);
static_assert(d(ctgrad::tanh(x), x)(x = 0.0f) == 1.0f);
static_assert(d(ctgrad::sigmoid(x), x)(x = 0.0) == 0.25);
static_assert(d(ctgrad::pow(x, y), y)(x = 1.0, y = 3.0) == 0.0);
static_assert(d(ctgrad::sqrt(x), x)(x = 4.0) == 0.25);
static_assert(d(ctgrad::log2(x), x)(x = 1.0) == 1.0 / ctgrad::math::log(2.0));
static_assert(ctgrad::cos(x)(x = 0.0) == 1.0 && ctgrad::exp(x)(x = 0.0) == 1.0 && ctgrad::log(x)(x = 1.0) == 0.0);
static_assert(ctgrad::math::sin(0.5) == 0.479425538604203 && ctgrad::math::erf(0.5) == 0.5204998778130465);
static_assert(ctgrad::hypot(x, y)(x = 3.0, y = 4.0) == 5.0 && ctgrad::atan2(x, y)(x = 0.0, y = -1.0) == ctgrad::math::acos(-1.0));

// ---- collecting and cancelling (core/build.hpp; bench/simplify measures it against SymPy) ----
static_assert(to_string(x + x + x) == "3 * x");
static_assert(to_string(3_c * y + 2_c * y) == "5 * y");
static_assert(to_string(3_c * y - 2_c * y) == "y");
static_assert(to_string(x * ctgrad::log(x) - x + x) == "x * log(x)");
static_assert(to_string(d(x * ctgrad::log(x) - x, x)) == "log(x)");
static_assert(to_string(pow(x + 1_c, 2_c) - x * x) == "(x + 1)^2 - x^2");
static_assert(to_string(d(pow(x + 1_c, 2_c) - x * x, x)) == "2");
static_assert(to_string(x * x * x * x / (x * x)) == "x^2");
static_assert(to_string(x / (x * x * x)) == "1 / x^2");
static_assert(to_string(d(ctgrad::log(x * y), x)) == "1 / x");
static_assert(to_string(d(ctgrad::log(x * x * y), x)) == "2 / x");
static_assert(to_string(d(x / (x * y), x)) == "0");
static_assert(to_string((2_c * x) / (2_c * y)) == "x / y");
static_assert(to_string(d(1_c / (x * x), x)) == "-2 / x^3");
static_assert(to_string(d(pow(x, 2_c), x)) == "2 * x");
// a quotient's derivative keeps PyTorch's order of division: a / b / b, not a / b^2
static_assert(to_string(d(x / y, y)) == "-x / y / y");
static_assert(d(x * x * x * x / (x * x), x)(x = 3.0) == 6.0);

}  // namespace
