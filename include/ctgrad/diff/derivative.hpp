// Symbolic differentiation at compile time: d(f, x), d<N>(f, x), grad(f, x, y, ...).
#ifndef CTGRAD_DIFF_DERIVATIVE_HPP
#define CTGRAD_DIFF_DERIVATIVE_HPP

#include <ctgrad/core/reductions.hpp>

#include <tuple>
#include <type_traits>

namespace ctgrad {
namespace detail {

/// d e / d v by the chain rule; each op contributes its partials (core/ops.hpp), and the
/// simplifying constructors keep the result small. Subtrees that do not depend on v are
/// skipped without being visited.
template <class E, class V>
constexpr auto derivative(const E& e, const V& v) {
    if constexpr (!depends_on<E, V>) return zero;
    else if constexpr (is_variable<E>) return one;
    else if constexpr (is_reduction<E>) return make_reduction<op_t<E>>(derivative(e.a(), v));
    else if constexpr (is_unary<E>) {
        using Op = op_t<E>;
        return make_mul(Op::partial(e.a(), e), derivative(e.a(), v));
    } else {
        using Op = op_t<E>;
        if constexpr (!depends_on<typename E::right_type, V>)
            return make_mul(Op::partial_l(e.l(), e.r(), e), derivative(e.l(), v));
        else if constexpr (!depends_on<typename E::left_type, V>)
            return make_mul(Op::partial_r(e.l(), e.r(), e), derivative(e.r(), v));
        else
            return make_add(make_mul(Op::partial_l(e.l(), e.r(), e), derivative(e.l(), v)),
                            make_mul(Op::partial_r(e.l(), e.r(), e), derivative(e.r(), v)));
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

template <class F, class X>
consteval bool check_d_arguments() {
    static_assert(expression<F>, "ctgrad::d(f, x): f must be a ctgrad expression");
    static_assert(is_variable<X>, "ctgrad::d(f, x): x must be a variable such as var<\"x\">");
    return expression<F> && is_variable<X>;
}

}  // namespace detail

/// The derivative of `f` with respect to the variable `x`, as a new expression type.
///
/// `static_assert(to_string(d(x * x, x)) == "2 * x");`
template <class F, class X>
constexpr auto d(const F& f, const X& x) {
    if constexpr (!detail::check_d_arguments<F, X>()) return zero;
    else return detail::derivative_of(f, x);
}

/// The `N`-th derivative of `f` with respect to `x`: `d<2>(f, x) == d(d(f, x), x)`.
template <int N, class F, class X>
constexpr auto d(const F& f, const X& x) {
    static_assert(N >= 1, "ctgrad::d<N>(f, x): the order N must be at least 1");
    if constexpr (N < 1 || !detail::check_d_arguments<F, X>()) return zero;
    else if constexpr (N == 1) return detail::derivative_of(f, x);
    else return d<N - 1>(detail::derivative_of(f, x), x);
}

/// All first derivatives of `f`, one per variable, as a `std::tuple` (structured bindings work;
/// a hana::tuple would not, since it does not model the tuple protocol).
///
/// `auto [dfdx, dfdy] = grad(x * y, x, y);`
template <class F, class... Xs>
constexpr auto grad(const F& f, const Xs&... xs) {
    static_assert(sizeof...(Xs) >= 1, "ctgrad::grad(f, x, ...): name at least one variable");
    return std::tuple{d(f, xs)...};
}

}  // namespace ctgrad

#endif
