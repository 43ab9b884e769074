// The user-facing operations on expressions: + - * / unary -, pow, the elementary functions,
// comparisons, where, and `apply` for a user's own operations.
// Each forwards to a simplifying constructor (core/build.hpp, core/ops.hpp).
#ifndef CTGRAD_CORE_OPERATORS_HPP
#define CTGRAD_CORE_OPERATORS_HPP

#include <ctgrad/core/ops.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace ctgrad {

/// Something that can appear in an expression: a node, or a number (becomes a runtime literal).
template <class T>
concept operand = expression<T> || std::is_arithmetic<std::remove_cvref_t<T>>::value;

namespace detail {
template <class T>
constexpr auto as_expr(const T& t) {
    if constexpr (expression<T>) return t;
    else return literal{static_cast<double>(t)};
}

template <class A, class B>
concept operands = operand<A> && operand<B> && (expression<A> || expression<B>);
template <class A, class B>
inline constexpr bool are_operands = false;
}  // namespace detail

template <class A, class B> requires detail::operands<A, B>
constexpr auto operator+(const A& a, const B& b) { return make_add(detail::as_expr(a), detail::as_expr(b)); }

template <class A, class B> requires detail::operands<A, B>
constexpr auto operator-(const A& a, const B& b) { return make_sub(detail::as_expr(a), detail::as_expr(b)); }

template <class A, class B> requires detail::operands<A, B>
constexpr auto operator*(const A& a, const B& b) { return make_mul(detail::as_expr(a), detail::as_expr(b)); }

template <class A, class B> requires detail::operands<A, B>
constexpr auto operator/(const A& a, const B& b) { return make_div(detail::as_expr(a), detail::as_expr(b)); }

template <expression A>
constexpr auto operator-(const A& a) { return make_neg(a); }

template <expression A>
constexpr auto operator+(const A& a) { return a; }

/// `pow(e, 3_c)` (multiplications), `pow(e, frac<1, 2>)` (sqrt), `pow(e, y)`, `pow(e, 2.5)`.
template <class A, class B>
constexpr auto pow(const A& a, const B& b) {
    if constexpr (!detail::operands<A, B>) {
        static_assert(detail::are_operands<detail::readable<A>, detail::readable<B>>,
                      "ctgrad::pow(a, b): a and b must be ctgrad expressions or numbers, and at least one an expression");
        return zero;
    } else {
        return make_pow(detail::as_expr(a), detail::as_expr(b));
    }
}

#define CTGRAD_DETAIL_DEFINE_FUNCTION(fn)                                      \
    template <expression A>                                                   \
    constexpr auto fn(const A& a) { return make_unary<fn##_op>(a); }

CTGRAD_DETAIL_DEFINE_FUNCTION(exp)
CTGRAD_DETAIL_DEFINE_FUNCTION(log)
CTGRAD_DETAIL_DEFINE_FUNCTION(sin)
CTGRAD_DETAIL_DEFINE_FUNCTION(cos)
CTGRAD_DETAIL_DEFINE_FUNCTION(tan)
CTGRAD_DETAIL_DEFINE_FUNCTION(tanh)
CTGRAD_DETAIL_DEFINE_FUNCTION(sqrt)
CTGRAD_DETAIL_DEFINE_FUNCTION(sigmoid)
CTGRAD_DETAIL_DEFINE_FUNCTION(abs)
CTGRAD_DETAIL_DEFINE_FUNCTION(relu)
CTGRAD_DETAIL_DEFINE_FUNCTION(log1p)
CTGRAD_DETAIL_DEFINE_FUNCTION(expm1)
CTGRAD_DETAIL_DEFINE_FUNCTION(sign)
CTGRAD_DETAIL_DEFINE_FUNCTION(step)
CTGRAD_DETAIL_DEFINE_FUNCTION(atan)
CTGRAD_DETAIL_DEFINE_FUNCTION(asin)
CTGRAD_DETAIL_DEFINE_FUNCTION(acos)
CTGRAD_DETAIL_DEFINE_FUNCTION(sinh)
CTGRAD_DETAIL_DEFINE_FUNCTION(cosh)
CTGRAD_DETAIL_DEFINE_FUNCTION(asinh)
CTGRAD_DETAIL_DEFINE_FUNCTION(acosh)
CTGRAD_DETAIL_DEFINE_FUNCTION(atanh)
CTGRAD_DETAIL_DEFINE_FUNCTION(erf)
CTGRAD_DETAIL_DEFINE_FUNCTION(erfc)
CTGRAD_DETAIL_DEFINE_FUNCTION(log2)
CTGRAD_DETAIL_DEFINE_FUNCTION(log10)
CTGRAD_DETAIL_DEFINE_FUNCTION(cbrt)

#undef CTGRAD_DETAIL_DEFINE_FUNCTION

#define CTGRAD_DETAIL_DEFINE_FUNCTION2(fn, op)                                             \
    template <class A, class B> requires detail::operands<A, B>                          \
    constexpr auto fn(const A& a, const B& b) { return make_binary_function<op>(detail::as_expr(a), detail::as_expr(b)); }

namespace detail {
template <class A, class B> concept numbers_with_a_literal = is_number<A> && is_number<B> && (is_literal<A> || is_literal<B>);
}  // namespace detail

/// An operation `Op` of two operands; two numbers of which one is known only at run time are
/// folded into a run-time literal (of two constants it stays a type: `max(2, 3)`).
template <class Op, class A, class B>
constexpr auto make_binary_function(const A& a, const B& b) {
    if constexpr (detail::numbers_with_a_literal<A, B>) return literal{Op::value(detail::number_value(a), detail::number_value(b))};
    else return binary<Op, A, B>{a, b};
}

/// atan2(y, x): the angle of the point (x, y), in (-pi, pi].
CTGRAD_DETAIL_DEFINE_FUNCTION2(atan2, atan2_op)
/// hypot(a, b) = sqrt(a^2 + b^2), without overflow.
CTGRAD_DETAIL_DEFINE_FUNCTION2(hypot, hypot_op)
/// max(a, b) and min(a, b), as torch.maximum and torch.minimum (a tie shares the gradient).
CTGRAD_DETAIL_DEFINE_FUNCTION2(max, max_op)
CTGRAD_DETAIL_DEFINE_FUNCTION2(min, min_op)
/// clamp_min(a, lo) and clamp_max(a, hi), as torch.clamp with one bound.
CTGRAD_DETAIL_DEFINE_FUNCTION2(clamp_min, clamp_min_op)
CTGRAD_DETAIL_DEFINE_FUNCTION2(clamp_max, clamp_max_op)

#undef CTGRAD_DETAIL_DEFINE_FUNCTION2

/// clamp(a, lo, hi), as torch.clamp: min(max(a, lo), hi); the gradient passes where
/// lo <= a <= hi (bounds included) and nan stays nan.
template <class A, class L, class H> requires detail::operands<A, L> && operand<H>
constexpr auto clamp(const A& a, const L& lo, const H& hi) { return clamp_max(clamp_min(a, lo), hi); }

// ---- comparisons and selection ----------------------------------------------------------

/// `a < b`, `a > b`, `a <= b`, `a >= b`, `a == b`, `a != b`: conditions, 1 where true and 0
/// where false (false for nan, except !=), for `where`. Their derivative is 0.
template <class A, class B> requires detail::operands<A, B>
constexpr auto operator<(const A& a, const B& b) { return make_lt(detail::as_expr(a), detail::as_expr(b)); }
template <class A, class B> requires detail::operands<A, B>
constexpr auto operator>(const A& a, const B& b) { return make_gt(detail::as_expr(a), detail::as_expr(b)); }
template <class A, class B> requires detail::operands<A, B>
constexpr auto operator<=(const A& a, const B& b) { return make_le(detail::as_expr(a), detail::as_expr(b)); }
template <class A, class B> requires detail::operands<A, B>
constexpr auto operator>=(const A& a, const B& b) { return make_ge(detail::as_expr(a), detail::as_expr(b)); }
template <class A, class B> requires detail::operands<A, B>
constexpr auto operator==(const A& a, const B& b) { return make_eq(detail::as_expr(a), detail::as_expr(b)); }
template <class A, class B> requires detail::operands<A, B>
constexpr auto operator!=(const A& a, const B& b) { return make_ne(detail::as_expr(a), detail::as_expr(b)); }
/// `c && d` of two conditions, `!c`.
template <expression A, expression B>
constexpr auto operator&&(const A& a, const B& b) { return make_and(a, b); }
template <expression A>
constexpr auto operator!(const A& a) { return make_not(a); }

/// where(c, a, b), as torch.where: a where the condition c holds (c != 0), else b. The gradient
/// goes to a where c holds and to b elsewhere, whatever the other branch is (inf, nan).
template <class C, class A, class B> requires expression<C> && operand<A> && operand<B>
constexpr auto where(const C& c, const A& a, const B& b) {
    // where(c, 0, b) + where(!c, 0, a): each term a select, so the sum is exactly a or b
    return make_add(make_where(c, detail::as_expr(b)), make_where(make_not(c), detail::as_expr(a)));
}

/// A user's operation `Op` (derived from `ctgrad::function_op`, core/ops.hpp) applied to `a`,
/// or to `a` and `b`.
template <class Op, expression A>
constexpr auto apply(const A& a) { return make_unary<Op>(a); }
template <class Op, class A, class B> requires detail::operands<A, B>
constexpr auto apply(const A& a, const B& b) { return make_binary_function<Op>(detail::as_expr(a), detail::as_expr(b)); }

// ---- functions ctgrad does not have --------------------------------------------------------
//
// Without these, `atan(x)` on a ctgrad expression or Tensor would reach ::atan(double) and
// fail on the conversion, or worse, compile through some other overload. Found by ADL on
// ctgrad's types, each says which functions ctgrad has; it returns its argument, so that the
// code around the mistake still compiles.

template <class T> class basic_tensor;
template <class T, class E, std::size_t L> class tensor_expr;

namespace detail {
template <class X> struct is_ctgrad_object_trait : std::bool_constant<expression<X>> {};
template <class T> struct is_ctgrad_object_trait<basic_tensor<T>> : std::bool_constant<true> {};
template <class T, class E, std::size_t L> struct is_ctgrad_object_trait<tensor_expr<T, E, L>> : std::bool_constant<true> {};
/// An expression, a Tensor or a tensor statement.
template <class X> concept ctgrad_object = is_ctgrad_object_trait<std::remove_cvref_t<X>>::value;
template <class A, class B> concept ctgrad_operands = ctgrad_object<A> || ctgrad_object<B>;

template <class A, class B>
constexpr const auto& ctgrad_side(const A& a, const B& b) {
    if constexpr (ctgrad_object<A>) return a;
    else return b;
}

/// The condition of the static_asserts below: false, and printed with the argument's type.
template <class... X> inline constexpr bool is_a_ctgrad_function = false;
}  // namespace detail

#define CTGRAD_DETAIL_FUNCTIONS                                                                              \
    "exp, log, sin, cos, tan, tanh, sqrt, sigmoid, abs, relu, log1p, expm1, sign, step, atan, asin, acos, sinh, " \
    "cosh, asinh, acosh, atanh, erf, erfc, log2, log10, cbrt, pow, atan2, hypot, min, max, clamp and where"

template <detail::ctgrad_object A> constexpr auto exp2(const A& a) { static_assert(detail::is_a_ctgrad_function<detail::readable<A>>, "ctgrad: exp2 is not a ctgrad function; ctgrad has " CTGRAD_DETAIL_FUNCTIONS); return a; }
template <detail::ctgrad_object A> constexpr auto tgamma(const A& a) { static_assert(detail::is_a_ctgrad_function<detail::readable<A>>, "ctgrad: tgamma is not a ctgrad function; ctgrad has " CTGRAD_DETAIL_FUNCTIONS); return a; }
template <detail::ctgrad_object A> constexpr auto lgamma(const A& a) { static_assert(detail::is_a_ctgrad_function<detail::readable<A>>, "ctgrad: lgamma is not a ctgrad function; ctgrad has " CTGRAD_DETAIL_FUNCTIONS); return a; }
template <detail::ctgrad_object A> constexpr auto floor(const A& a) { static_assert(detail::is_a_ctgrad_function<detail::readable<A>>, "ctgrad: floor is not a ctgrad function; ctgrad has " CTGRAD_DETAIL_FUNCTIONS); return a; }
template <detail::ctgrad_object A> constexpr auto ceil(const A& a) { static_assert(detail::is_a_ctgrad_function<detail::readable<A>>, "ctgrad: ceil is not a ctgrad function; ctgrad has " CTGRAD_DETAIL_FUNCTIONS); return a; }
template <detail::ctgrad_object A> constexpr auto round(const A& a) { static_assert(detail::is_a_ctgrad_function<detail::readable<A>>, "ctgrad: round is not a ctgrad function; ctgrad has " CTGRAD_DETAIL_FUNCTIONS); return a; }
template <detail::ctgrad_object A> constexpr auto trunc(const A& a) { static_assert(detail::is_a_ctgrad_function<detail::readable<A>>, "ctgrad: trunc is not a ctgrad function; ctgrad has " CTGRAD_DETAIL_FUNCTIONS); return a; }
template <detail::ctgrad_object A> constexpr auto fabs(const A& a) { static_assert(detail::is_a_ctgrad_function<detail::readable<A>>, "ctgrad: fabs is not a ctgrad function; ctgrad has " CTGRAD_DETAIL_FUNCTIONS); return a; }
template <class A, class B> requires detail::ctgrad_operands<A, B> constexpr auto fmod(const A& a, const B& b) { static_assert(detail::is_a_ctgrad_function<detail::readable<A>, detail::readable<B>>, "ctgrad: fmod is not a ctgrad function; ctgrad has " CTGRAD_DETAIL_FUNCTIONS); return detail::ctgrad_side(a, b); }
template <class A, class B> requires detail::ctgrad_operands<A, B> constexpr auto fmin(const A& a, const B& b) { static_assert(detail::is_a_ctgrad_function<detail::readable<A>, detail::readable<B>>, "ctgrad: fmin is not a ctgrad function; ctgrad has " CTGRAD_DETAIL_FUNCTIONS); return detail::ctgrad_side(a, b); }
template <class A, class B> requires detail::ctgrad_operands<A, B> constexpr auto fmax(const A& a, const B& b) { static_assert(detail::is_a_ctgrad_function<detail::readable<A>, detail::readable<B>>, "ctgrad: fmax is not a ctgrad function; ctgrad has " CTGRAD_DETAIL_FUNCTIONS); return detail::ctgrad_side(a, b); }

#undef CTGRAD_DETAIL_FUNCTIONS

/// `frac<1, 2>`: the exact rational constant 1/2.
template <std::intmax_t Num, std::intmax_t Den>
inline constexpr auto frac = detail::make_constant<Num, Den>();

namespace literals {
/// `2_c`, `10_c`, `0.25_c`: exact compile-time constants (a decimal point gives a rational).
template <char... Cs>
constexpr auto operator""_c() {
    constexpr bool decimal = [] {
        constexpr char cs[] = {Cs...};
        for (char c : cs)
            if (c != '.' && c != '\'' && (c < '0' || c > '9')) return false;  // exponent, hex, binary
        return !(sizeof(cs) > 1 && cs[0] == '0' && cs[1] != '.');           // octal
    }();
    static_assert(decimal, "ctgrad: _c takes a plain decimal number such as 2_c or 0.25_c (no exponent, hex, binary or octal)");
    constexpr auto parsed = [] {
        std::intmax_t num = 0, den = 1;
        bool point = false;
        for (char c : {Cs...}) {
            if (c == '.') { point = true; continue; }
            if (c == '\'') continue;
            num = num * 10 + (c - '0');
            if (point) den *= 10;
        }
        struct { std::intmax_t num, den; } r{num, den};
        return r;
    }();
    return detail::make_constant<parsed.num, parsed.den>();
}
}  // namespace literals

}  // namespace ctgrad

#endif
