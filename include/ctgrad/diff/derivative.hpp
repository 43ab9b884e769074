// Symbolic differentiation at compile time, forward: d(f, x), d<N>(f, x). (grad, jacobian and
// hessian, reverse mode: diff/reverse.hpp.)
#ifndef CTGRAD_DIFF_DERIVATIVE_HPP
#define CTGRAD_DIFF_DERIVATIVE_HPP

#include <ctgrad/core/reductions.hpp>
#include <ctgrad/core/shaped.hpp>

#include <tuple>
#include <type_traits>

namespace ctgrad {

namespace detail {
/// d(f, x) over vectors and matrices (diff/shaped.hpp).
template <int Order, class F, class X>
constexpr auto shaped_d(const F& f, const X& x);
}  // namespace detail
namespace detail {

/// Whether `E` is a select, where(c, 0, v), or a sum, difference or negation with one in a term.
template <class E> struct holds_mask_trait : std::bool_constant<is_op<E, where_op>> {};
template <class E> concept holds_mask = holds_mask_trait<E>::value;
template <class L, class R> struct holds_mask_trait<binary<add_op, L, R>> : std::bool_constant<holds_mask<L> || holds_mask<R>> {};
template <class L, class R> struct holds_mask_trait<binary<sub_op, L, R>> : std::bool_constant<holds_mask<L> || holds_mask<R>> {};
template <class A> struct holds_mask_trait<unary<neg_op, A>> : std::bool_constant<holds_mask<A>> {};
template <class Id> struct holds_mask_trait<named<Id>> : holds_mask_trait<named_expression_t<Id>> {};

/// The product of a partial and a derivative in the chain rule. A factor moves into a select,
/// p * where(c, 0, v) = where(c, 0, p * v), and over the terms of a sum that holds one: a mask
/// then gives 0 whatever the other factors are (inf, nan), as in the reverse sweep.
template <class P, class D>
constexpr auto chain_mul(const P& p, const D& d) {
    if constexpr (is_op<P, where_op>) return make_where(p.l(), chain_mul(p.r(), d));
    else if constexpr (is_op<D, where_op>) return make_where(d.l(), chain_mul(p, d.r()));
    else if constexpr (holds_mask<D>) {
        if constexpr (is_op<D, add_op>) return make_add(chain_mul(p, d.l()), chain_mul(p, d.r()));
        else if constexpr (is_op<D, sub_op>) return make_sub(chain_mul(p, d.l()), chain_mul(p, d.r()));
        else return make_neg(chain_mul(p, d.a()));
    } else if constexpr (holds_mask<P>) {
        return chain_mul(d, p);
    } else {
        return make_mul(p, d);
    }
}

template <class E, class V>
constexpr auto derivative(const E& e, const V& v);

/// The chain rule at the root of `e` (an operation, or a name of one); each op contributes its
/// partials (core/ops.hpp), and the simplifying constructors keep the result small.
template <class E, class V>
constexpr auto derivative_rule(const E& e, const V& v) {
    if constexpr (is_reduction<E>) return make_reduction<op_t<E>>(derivative(e.a(), v));
    else if constexpr (is_unary<E>) {
        using Op = op_t<E>;
        return chain_mul(Op::partial(e.a(), e), derivative(e.a(), v));
    } else {
        using Op = op_t<E>;
        if constexpr (!depends_on<typename E::right_type, V>)
            return chain_mul(Op::partial_l(e.l(), e.r(), e), derivative(e.l(), v));
        else if constexpr (!depends_on<typename E::left_type, V>)
            return chain_mul(Op::partial_r(e.l(), e.r(), e), derivative(e.r(), v));
        else
            return make_add(chain_mul(Op::partial_l(e.l(), e.r(), e), derivative(e.l(), v)),
                            chain_mul(Op::partial_r(e.l(), e.r(), e), derivative(e.r(), v)));
    }
}

/// The name of d named<Id> / d V: the derivative of a named subexpression is named too, so a
/// derivative that uses it several times spells it once per use as a name.
template <class Id, class V>
struct derivative_name {
    using expression_type = decltype(derivative_rule(std::declval<const named<Id>&>(), V{}));
};

/// d e / d v by the chain rule. Subtrees that do not depend on v are skipped without being
/// visited; a named subexpression's derivative is a name (unless it is a number or a variable).
template <class E, class V>
constexpr auto derivative(const E& e, const V& v) {
    if constexpr (!depends_on<E, V>) return zero;
    else if constexpr (is_variable<E>) return one;
    else if constexpr (is_named<E>) {
        using D = decltype(derivative_rule(e, v));
        if constexpr (!is_named<D> && (is_unary<D> || is_binary<D>))
            return named<derivative_name<typename E::id_type, V>>(derivative_rule(e, v));
        else return derivative_rule(e, v);
    } else {
        return derivative_rule(e, v);
    }
}

/// `derivative(f, x)`. Without runtime state the result is a type alone, made without
/// running the rule: a constant evaluation of the rule would visit a shared subexpression
/// once per occurrence (2^k times in a chain of k shared steps), as it caches calls by the
/// operands' addresses.
template <class F, class X>
constexpr auto derivative_of(const F& f, const X& x) {
    if constexpr (!has_state<F>) return decltype(derivative(f, x)){};
    else return derivative(f, x);
}

/// Conditions of the static_asserts below, printed with their arguments.
template <int N> inline constexpr bool is_at_least_1 = N >= 1;

/// The first of `Xs` that is not a variable, or void.
template <class... Xs> struct first_non_variable { using type = void; };
template <class X, class... Xs> struct first_non_variable<X, Xs...> {
    using type = std::conditional_t<is_variable<X>, typename first_non_variable<Xs...>::type, X>;
};

}  // namespace detail

/// The derivative of order `Order` (a constant) of `f` with respect to the variable `x`, as a
/// new expression type; `d(f, x)` is the first, and `d<2>(f, x) == d(d(f, x), x)`.
///
/// `static_assert(to_string(d(x * x, x)) == "2 * x");`
template <int Order = 1, class F, class X>
constexpr auto d(const F& f, const X& x) {
    if constexpr (Order < 1) {
        static_assert(detail::is_at_least_1<Order>, "ctgrad::d<N>(f, x): the order N must be at least 1");
        return zero;
    } else if constexpr (!expression<F>) {
        static_assert(detail::is_an_expression<F>, "ctgrad::d(f, x): f must be a ctgrad expression");
        return zero;
    } else if constexpr (!detail::is_variable<X>) {
        static_assert(detail::is_a_variable<detail::readable<X>>, "ctgrad::d(f, x): x must be a variable such as var<\"x\">");
        return zero;
    } else if constexpr (detail::is_shaped<F> || detail::is_shaped<X>) {
        return detail::shaped_d<Order>(f, x);
    } else if constexpr (Order == 1) {
        return detail::derivative_of(f, x);
    } else {
        return d<Order - 1>(detail::derivative_of(f, x), x);
    }
}

}  // namespace ctgrad

#endif
