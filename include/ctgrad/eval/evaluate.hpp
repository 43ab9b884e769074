// Scalar evaluation with named bindings: f(x = 1.0, y = 2.0), constexpr where the math is.
#ifndef CTGRAD_EVAL_EVALUATE_HPP
#define CTGRAD_EVAL_EVALUATE_HPP

#include <ctgrad/eval/dag.hpp>
#include <ctgrad/eval/fused.hpp>
#include <ctgrad/core/substitute.hpp>

#include <boost/hana/type.hpp>

#include <type_traits>

namespace ctgrad {

namespace detail {
template <class V> concept substituted_value = expression<V> || std::is_arithmetic<V>::value;

/// Whether an evaluation is a partial one (core/substitute.hpp): every binding is to a number or
/// an expression, each variable bound once, and an expression is bound or a variable of E is
/// left unbound.
template <class E, class... Bindings>
consteval bool partial_evaluation() {
    if constexpr (!expression<E> || !(is_binding<Bindings> && ...)) return false;
    else if constexpr (!(substituted_value<typename binding_traits<Bindings>::value_type> && ...)) return false;
    else if constexpr (!CTGRAD_IS_SAME(typename first_twice<typename binding_traits<Bindings>::key...>::type, void)) return false;
    else
        return (expression<typename binding_traits<Bindings>::value_type> || ...) ||
               !CTGRAD_IS_SAME(typename first_unbound<E, bound_set<typename binding_traits<Bindings>::key...>>::type, void);
}

/// `evaluate` after the checks.
template <class E, class... Bindings>
constexpr auto evaluate_checked(const E& e, const Bindings&... bindings) {
    if constexpr (!(std::is_arithmetic<typename binding_traits<Bindings>::value_type>::value && ...)) {
        return evaluate_arrays(e, bindings...);
    } else {
        using T = evaluation_scalar<typename binding_traits<Bindings>::value_type...>;
        const auto map = make_binding_map<typename binding_traits<Bindings>::key...>(bindings.value...);
        return dag_eval(e, scalar_context<T, std::remove_cvref_t<decltype(map)>>{map});
    }
}
}  // namespace detail

/// The value of `e` with each variable bound by name: `evaluate(f, x = 1.0, y = 2.0)`, also
/// written `f(x = 1.0, y = 2.0)`. With a variable left unbound, or one bound to an expression
/// (`x = 2_c`), it is a partial evaluation: the expression that remains, `subs(f, ...)`
/// (core/substitute.hpp). Each distinct subexpression is computed once (eval/dag.hpp).
/// Constexpr when the expression needs only + - * / and
/// integer powers. The result is float when every bound number is float, else double.
/// With arrays bound (std::vector, std::array, std::span, Eigen), an expression with
/// reductions gives its value from one fused pass, and an element-wise one a std::vector.
template <class E, class... Bindings>
constexpr auto evaluate(const E& e, const Bindings&... bindings) {
    if constexpr (detail::is_shaped<E>) return detail::shaped_evaluate(e, bindings...);
    else if constexpr (detail::partial_evaluation<E, Bindings...>()) return detail::substitute(e, bindings...);
    else if constexpr (!detail::check_evaluation<E, Bindings...>()) return detail::failed_value<E, Bindings...>();
    else return detail::evaluate_checked(e, bindings...);
}

/// `f(x = 1.0, y = 2.0)`, declared in core/expr.hpp: `evaluate`, with its checks here (not one
/// call deeper) so that a mistake's sentence comes after the same chain of calls.
template <class Derived>
template <class... Bindings>
constexpr auto expr_base<Derived>::operator()(const Bindings&... bindings) const {
    if constexpr (detail::is_shaped<Derived>) return detail::shaped_evaluate(static_cast<const Derived&>(*this), bindings...);
    else if constexpr (detail::partial_evaluation<Derived, Bindings...>()) return detail::substitute(static_cast<const Derived&>(*this), bindings...);
    else if constexpr (!detail::check_evaluation<Derived, Bindings...>()) return detail::failed_value<Derived, Bindings...>();
    else return detail::evaluate_checked(static_cast<const Derived&>(*this), bindings...);
}

}  // namespace ctgrad

#endif
