// Substitution and partial evaluation: `subs(f, x = 2_c)` replaces variables by constants,
// numbers or other expressions and simplifies the result as it is rebuilt.
//
// Every node is rebuilt through the simplifying constructors (core/build.hpp), so
// `subs(x * y + y, x = 1_c)` is `2 * y`, a type. A variable bound to a number becomes a run-time
// literal: `f(x = 2.0)` with y unbound is the expression of y that remains (eval/evaluate.hpp).
// An operation whose operands all became run-time numbers is computed; an operation of
// compile-time constants other than + - * / and integer powers stays symbolic (`sin(2)`), so
// the result remains a type.
#ifndef CTGRAD_CORE_SUBSTITUTE_HPP
#define CTGRAD_CORE_SUBSTITUTE_HPP

#include <ctgrad/core/reductions.hpp>

#include <type_traits>

namespace ctgrad {
namespace detail {

template <class B> struct binding_key;
template <fixed_string N, class V> struct binding_key<binding<N, V>> { using type = variable<N>; };

/// A bound value as an expression: a number becomes a literal, an expression stays.
template <class V>
constexpr auto as_substitute(const V& v) {
    if constexpr (expression<V>) return v;
    else return literal{static_cast<double>(v)};
}

/// The value bound to `Var` among the bindings, as an expression; `Var` itself when unbound.
template <class Var>
constexpr auto lookup_substitute() { return Var{}; }
template <class Var, class B, class... Bs>
constexpr auto lookup_substitute(const B& b, const Bs&... bs) {
    if constexpr (CTGRAD_IS_SAME(typename binding_key<B>::type, Var)) return as_substitute(b.value);
    else return lookup_substitute<Var>(bs...);
}

template <class Op> struct is_ipow_op_trait : std::bool_constant<false> {};
template <std::intmax_t N> struct is_ipow_op_trait<ipow_op<N>> : std::bool_constant<true> {};
template <class Op> concept is_ipow_op = is_ipow_op_trait<Op>::value;

/// `Op(a)` rebuilt with the simplifying constructor of its kind.
template <class Op, class A>
constexpr auto rebuild(const A& a) {
    if constexpr (requires { Op::reduction; }) return make_reduction<Op>(a);
    else if constexpr (CTGRAD_IS_SAME(Op, neg_op)) return make_neg(a);
    else if constexpr (is_ipow_op<Op>) return make_ipow<Op::exponent>(a);
    else if constexpr (CTGRAD_IS_SAME(Op, not_op)) return make_not(a);
    else if constexpr (is_literal<A>) return literal{Op::value(a.value)};
    else return make_unary<Op>(a);
}

/// `Op(l, r)` rebuilt with the simplifying constructor of its kind.
template <class Op, class L, class R>
constexpr auto rebuild(const L& l, const R& r) {
    if constexpr (CTGRAD_IS_SAME(Op, add_op)) return make_add(l, r);
    else if constexpr (CTGRAD_IS_SAME(Op, sub_op)) return make_sub(l, r);
    else if constexpr (CTGRAD_IS_SAME(Op, mul_op)) return make_mul(l, r);
    else if constexpr (CTGRAD_IS_SAME(Op, div_op)) return make_div(l, r);
    else if constexpr (CTGRAD_IS_SAME(Op, pow_op)) return make_pow(l, r);
    else if constexpr (CTGRAD_IS_SAME(Op, where_op)) return make_where(l, r);
    else if constexpr (CTGRAD_IS_SAME(Op, and_op)) return make_and(l, r);
    else if constexpr (CTGRAD_IS_SAME(Op, le_op) || CTGRAD_IS_SAME(Op, ge_op) || CTGRAD_IS_SAME(Op, eq_op) ||
                       CTGRAD_IS_SAME(Op, lt_op) || CTGRAD_IS_SAME(Op, gt_op) || CTGRAD_IS_SAME(Op, ne_op))
        return make_condition<Op>(l, r);
    else return make_binary_function<Op>(l, r);
}

/// `e` with each bound variable replaced, rebuilt bottom-up.
template <class E, class... Bs>
constexpr auto substitute(const E& e, const Bs&... bs) {
    if constexpr (is_variable<E>) return lookup_substitute<E>(bs...);
    else if constexpr (is_named<E>) return substitute(e.expression(), bs...);
    else if constexpr (is_unary<E>) return rebuild<op_t<E>>(substitute(e.a(), bs...));
    else if constexpr (is_binary<E>) return rebuild<op_t<E>>(substitute(e.l(), bs...), substitute(e.r(), bs...));
    else return e;  // a constant or a literal
}

template <class... Bs>
inline constexpr bool are_subs_bindings = false;
}  // namespace detail

/// `f` with variables replaced: `subs(f, x = 2_c)` (a compile-time constant: the result is a
/// type, simplified), `subs(f, x = 2.0)` (a run-time literal), `subs(f, x = y * y)` (an
/// expression). Variables not bound stay.
///
///     static_assert(to_string(subs(x * y + y, x = 1_c)) == "2 * y");
template <class E, class... Bindings>
constexpr auto subs(const E& f, const Bindings&... bindings) {
    static_assert(detail::is_an_expression<E>, "ctgrad::subs(f, x = ...): f must be a ctgrad expression");
    if constexpr (!(requires { typename detail::binding_key<Bindings>::type; } && ...)) {
        static_assert(detail::are_subs_bindings<Bindings...>,
                      "ctgrad::subs(f, x = ...): substitute with bindings such as x = 2_c, x = 2.0 or x = y * y");
        return f;
    } else {
        return detail::substitute(f, bindings...);
    }
}

}  // namespace ctgrad

#endif
