// Scalar evaluation with named bindings: f(x = 1.0, y = 2.0), constexpr where the math is.
#ifndef CTGRAD_EVAL_EVALUATE_HPP
#define CTGRAD_EVAL_EVALUATE_HPP

#include <ctgrad/eval/dag.hpp>
#include <ctgrad/eval/fused.hpp>

#include <boost/hana/type.hpp>

#include <type_traits>

namespace ctgrad {

/// The value of `e` with each variable bound by name: `evaluate(f, x = 1.0, y = 2.0)`, also
/// written `f(x = 1.0, y = 2.0)`. Each distinct subexpression is computed once (eval/dag.hpp).
/// Constexpr when the expression needs only + - * / and
/// integer powers. The result is float when every bound number is float, else double.
/// With arrays bound (std::vector, std::array, std::span, Eigen), an expression with
/// reductions gives its value from one fused pass, and an element-wise one a std::vector.
template <class E, class... Bindings>
constexpr auto evaluate(const E& e, const Bindings&... bindings) {
    if constexpr (!detail::check_evaluation<E, Bindings...>()) return detail::failed_value<E, Bindings...>();
    else return detail::evaluate_checked(e, bindings...);
}

namespace detail {
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

}  // namespace ctgrad

#endif
