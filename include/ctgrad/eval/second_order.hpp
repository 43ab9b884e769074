// Second order over arrays: value_grad_and_hessian(loss, wrt(...), bindings...) and
// hvp(loss, wrt(...), v, bindings...), each one fused pass.
//
// The gradient and the Hessian are derived symbolically (diff/reverse.hpp): by linearity each
// entry of a loss built from reductions is a function of reductions, sum(d^2 body / dw_i dw_j)
// and the like. Every output (the loss, the k derivatives, the k (k + 1) / 2 distinct Hessian
// entries) is split into its outer function and its reductions; one loop over the elements
// computes the bodies of all the reductions together, each distinct node of all of them once
// per element (one forward sweep over their common DAG), and the outer functions are then
// evaluated once, together.
#ifndef CTGRAD_EVAL_SECOND_ORDER_HPP
#define CTGRAD_EVAL_SECOND_ORDER_HPP

#include <ctgrad/diff/reverse.hpp>
#include <ctgrad/eval/fused.hpp>

#include <boost/hana/tuple.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace ctgrad {

/// What value_grad_and_hessian returns: `auto [value, gradient, hessian] = ...`.
template <class T, std::size_t K>
struct value_grad_hessian {
    T value;
    std::array<T, K> gradient;
    std::array<std::array<T, K>, K> hessian;
};

namespace detail {

/// The outer function of output `E` whose slots start at `Offset`, and its reductions.
template <std::size_t Offset, class E>
using split_at = decltype(split_reductions<Offset>(std::declval<const E&>()));

/// The outputs `Os` split with consecutive slots: the outer functions and the reductions' types.
template <std::size_t Offset, class Outers, class Reductions, class... Os> struct split_all;
template <std::size_t Offset, class... Gs, class... Rs>
struct split_all<Offset, typelist<Gs...>, typelist<Rs...>> {
    using outers = typelist<Gs...>;
    using reductions = typelist<Rs...>;
    static constexpr std::size_t count = Offset;
};
template <class Tuple> struct tuple_types;
template <class... Ts> struct tuple_types<boost::hana::tuple<Ts...>> { using type = typelist<Ts...>; };
template <std::size_t Offset, class... Gs, class... Rs, class O, class... Os>
struct split_all<Offset, typelist<Gs...>, typelist<Rs...>, O, Os...> {
    using parts = split_at<Offset, O>;
    using G = std::remove_cvref_t<decltype(std::declval<parts>().first)>;
    template <class L> struct with;
    template <class... New> struct with<typelist<New...>> {
        using type = split_all<Offset + sizeof...(New), typelist<Gs..., G>, typelist<Rs..., New...>, Os...>;
    };
    using next = typename with<typename tuple_types<std::remove_cvref_t<decltype(std::declval<parts>().second)>>::type>::type;
    using outers = typename next::outers;
    using reductions = typename next::reductions;
    static constexpr std::size_t count = next::count;
};

template <class List> struct bodies_in;
template <class... Rs> struct bodies_in<typelist<Rs...>> { using type = typelist<std::remove_cvref_t<decltype(Rs{}.a())>...>; };

template <class T, class... Rs>
CTGRAD_ALWAYS_INLINE std::array<T, sizeof...(Rs)> scale_reductions(typelist<Rs...>, const std::array<T, sizeof...(Rs)>& totals,
                                                                   std::size_t n) {
    std::size_t k = 0;
    std::array<T, sizeof...(Rs)> out{};
    ((out[k] = reduction_scaled<Rs>(totals[k], n), ++k), ...);
    return out;
}

template <class Os> struct all_stateless;
template <class... Os> struct all_stateless<typelist<Os...>> : std::bool_constant<(!has_state<Os> && ...)> {};

/// The values of the outputs `Os` with `bindings`: with arrays bound, one fused pass for all
/// their reductions together; with numbers only, one sweep over their common DAG. An output
/// with runtime literals is evaluated on its own (`evaluate`).
template <class... Os, class... Bindings>
auto evaluate_together(const std::tuple<Os...>& outputs, const Bindings&... bindings) {
    using T = evaluation_scalar<element_t<binding_value_t<Bindings>>...>;
    constexpr bool arrays = (is_span<binding_value_t<Bindings>> || ...);
    std::array<T, sizeof...(Os)> out{};
    if constexpr (!all_stateless<typelist<Os...>>::value) {
        std::apply([&](const auto&... o) {
            std::size_t k = 0;
            ((out[k++] = static_cast<T>(evaluate(o, bindings...))), ...);
        }, outputs);
    } else if constexpr (!arrays) {
        const auto map = make_binding_map<binding_key_t<Bindings>...>(bindings.value...);
        out = values_together<T>(typelist<Os...>{}, scalar_context<T, std::remove_cvref_t<decltype(map)>>{map});
        (void)outputs;
    } else {
        using Split = split_all<0, typelist<>, typelist<>, Os...>;
        using Outers = typename Split::outers;
        using Reductions = typename Split::reductions;
        using Bodies = typename bodies_in<Reductions>::type;
        constexpr std::size_t R = Split::count;
        static_assert(!(uses_array<Os, Bindings...> || ...),
                      "ctgrad: the loss must reduce every array to a scalar (sum, mean, dot)");
        const std::size_t n = common_length(bindings...);
        const auto map = make_binding_map<binding_key_t<Bindings>...>(bindings.value...);
        using Map = std::remove_cvref_t<decltype(map)>;
        std::array<T, R> reduced{};
        if constexpr (R != 0) {
            const auto totals = fused_sum<T, R>(n, [&](auto width, std::size_t i) {
                using P = lanes_of<T, decltype(width)::value>;
                return values_together<P>(Bodies{}, at_element<P>(map, i));
            });
            reduced = scale_reductions<T>(Reductions{}, totals, n);
        }
        const outer_context<T, Map, R> octx{map, reduced, static_cast<T>(n)};
        out = values_together<T>(Outers{}, octx);
        (void)outputs;
    }
    return out;
}

/// Entry (i, j) of a symmetric k x k matrix among its distinct entries (i <= j), row by row.
constexpr std::size_t upper_index(std::size_t i, std::size_t j, std::size_t k) {
    if (i > j) {
        const std::size_t t = i;
        i = j;
        j = t;
    }
    return i * k - (i * (i + 1)) / 2 + j;
}
consteval std::size_t upper_row(std::size_t m, std::size_t k) {
    std::size_t i = 0;
    while (m >= k - i) m -= k - i++;
    return i;
}
consteval std::size_t upper_column(std::size_t m, std::size_t k) {
    std::size_t i = 0;
    while (m >= k - i) m -= k - i++;
    return i + m;
}

/// The loss, its gradient and the Hessian's distinct entries, as one tuple of expressions.
template <class F, class... Xs, std::size_t... M>
constexpr auto second_order_outputs(const F& f, std::index_sequence<M...>) {
    constexpr std::size_t k = sizeof...(Xs);
    return std::tuple{f, gradient_component(f, Xs{})..., hessian_entry<upper_row(M, k), upper_column(M, k), F, Xs...>(f)...};
}
/// The checks of value_grad_and_hessian and hvp: the loss an expression, the wrt variables bound
/// to numbers.
template <class Wrt, class... Bindings> struct wrt_bound_to_array;
template <class... Vars, class... Bindings>
struct wrt_bound_to_array<wrt_t<Vars...>, Bindings...> : std::bool_constant<(bound_to_array<Vars, Bindings...> || ...)> {};

template <class E, class Wrt, class... Bindings>
consteval bool check_second_order() {
    if constexpr (!check_evaluation<E, Bindings...>()) {
        return false;
    } else if constexpr (!check_gradient<E, Wrt, Bindings...>()) {
        return false;
    } else if constexpr (wrt_bound_to_array<Wrt, Bindings...>::value) {
        static_assert(never<readable<E>, Wrt>,
                      "ctgrad::value_grad_and_hessian / hvp: every wrt variable must be bound to a number (a parameter), not "
                      "to an array");
        return false;
    } else {
        return true;
    }
}

/// The direction of a Hessian-vector product, one variable per component.
template <std::size_t K>
using direction = variable<internal_name<'\x02', K>>;

template <class F, class... Xs, std::size_t... J>
constexpr auto directional_gradient(const F& f, std::index_sequence<J...>) {
    return add_all(make_mul(gradient_component(f, Xs{}), direction<J>{})...);
}
}  // namespace detail

/// The loss, its gradient and its Hessian by the variables of `wrt(...)`, all from one fused
/// pass over the arrays bound to the other variables (numbers broadcast):
///
///     auto [loss, g, H] = value_grad_and_hessian(mean(log1p(exp(z)) - y * z), wrt(a, b),
///                                                a = 0.1, b = -0.2, x = xs, y = ys);
///
/// `g` is a `std::array<T, k>` and `H` a `std::array<std::array<T, k>, k>` (symmetric: each
/// mixed partial is derived and computed once). The wrt variables must be bound to numbers.
template <class... Vars, class E, class... Bindings>
auto value_grad_and_hessian(const E& loss, wrt_t<Vars...>, const Bindings&... bindings) {
    using T = detail::evaluation_scalar<detail::element_t<detail::binding_value_t<Bindings>>...>;
    constexpr std::size_t K = sizeof...(Vars);
    value_grad_hessian<T, K> result{};
    if constexpr (detail::check_second_order<E, wrt_t<Vars...>, Bindings...>()) {
        const auto values = detail::evaluate_together(
            detail::second_order_outputs<E, Vars...>(loss, std::make_index_sequence<K * (K + 1) / 2>{}), bindings...);
        result.value = values[0];
        for (std::size_t i = 0; i != K; ++i) result.gradient[i] = values[1 + i];
        for (std::size_t i = 0; i != K; ++i)
            for (std::size_t j = 0; j != K; ++j) result.hessian[i][j] = values[1 + K + detail::upper_index(i, j, K)];
    }
    return result;
}

/// The Hessian of the loss by the variables of `wrt(...)` times the vector `v` (k numbers, in
/// the order of `wrt`), as a `std::array<T, k>`, from one fused pass: the gradient of
/// sum_j (d loss / dw_j) v_j, derived symbolically, without forming the Hessian.
///
///     auto hv = hvp(loss, wrt(a, b), std::array{1.0, 0.0}, a = 0.1, b = -0.2, x = xs, y = ys);
template <class... Vars, class E, class V, class... Bindings>
auto hvp(const E& loss, wrt_t<Vars...>, const V& v, const Bindings&... bindings) {
    using T = detail::evaluation_scalar<detail::element_t<detail::binding_value_t<Bindings>>...>;
    constexpr std::size_t K = sizeof...(Vars);
    std::array<T, K> result{};
    if constexpr (detail::check_second_order<E, wrt_t<Vars...>, Bindings...>()) {
        if (static_cast<std::size_t>(std::size(v)) != K)
            throw std::invalid_argument("ctgrad::hvp: the vector has " + std::to_string(std::size(v)) + " elements and wrt names " +
                                        std::to_string(K) + " variables");
        const auto directional = detail::directional_gradient<E, Vars...>(loss, std::make_index_sequence<K>{});
        const auto outputs = std::tuple{detail::gradient_component(directional, Vars{})...};
        result = [&]<std::size_t... J>(std::index_sequence<J...>) {
            const auto* data = std::data(v);
            return detail::evaluate_together(outputs, bindings..., (detail::direction<J>{} = static_cast<T>(data[J]))...);
        }(std::make_index_sequence<K>{});
    }
    return result;
}

}  // namespace ctgrad

#endif
