// The user-facing operations on expressions: + - * / unary -, pow and the elementary functions.
// Each forwards to a simplifying constructor (core/build.hpp, core/ops.hpp).
#ifndef CTGRAD_CORE_OPERATORS_HPP
#define CTGRAD_CORE_OPERATORS_HPP

#include <ctgrad/core/ops.hpp>

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
        static_assert(detail::operands<A, B>,
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

#undef CTGRAD_DETAIL_DEFINE_FUNCTION

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
