// Evaluation contexts: bindings, their checks, and the evaluator shared by scalar evaluation
// and the fused loop.
#ifndef CTGRAD_EVAL_CONTEXT_HPP
#define CTGRAD_EVAL_CONTEXT_HPP

#include <ctgrad/core/ops.hpp>
#include <ctgrad/detail/config.hpp>

#include <boost/hana/at_key.hpp>
#include <boost/hana/map.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/type.hpp>

#include <type_traits>

namespace ctgrad {
namespace detail {

template <class B> struct is_binding_trait : std::bool_constant<false> {};
template <class B> concept is_binding = is_binding_trait<B>::value;
template <fixed_string N, class V> struct is_binding_trait<binding<N, V>> : std::bool_constant<true> {};

template <class B> struct binding_traits;
template <fixed_string N, class V> struct binding_traits<binding<N, V>> {
    using key = variable<N>;
    using value_type = V;
};

/// The floating-point type a bound number is evaluated in: integers count as double.
template <class V>
using floating_t = std::conditional_t<std::is_integral_v<V>, double, V>;

/// The floating-point type of an evaluation: the common type of the bound numbers
/// (all float gives float), double when nothing is bound.
template <class... V>
struct evaluation_scalar_of { using type = std::common_type_t<floating_t<V>...>; };
template <>
struct evaluation_scalar_of<> { using type = double; };
template <class... V>
using evaluation_scalar = typename evaluation_scalar_of<V...>::type;

/// Evaluation context over a hana::map from variable types to bound values.
template <class T, class Map>
struct scalar_context {
    using scalar = T;
    Map map;
    template <class V>
    CTGRAD_ALWAYS_INLINE constexpr T get() const { return static_cast<T>(map[boost::hana::type_c<V>]); }
};

/// The variables bound in an evaluation. Membership is a fold expression rather than
/// hana::contains on a hana::set: the check runs once per variable of the expression,
/// and a fold instantiates nothing.
template <class... Bound>
struct bound_set {
    template <class V>
    static constexpr bool contains = (CTGRAD_IS_SAME(V, Bound) || ...);
};

/// One check per variable, so the failing instantiation names the variable
/// (`Name = "x"`) on the first line of the compiler's error.
template <fixed_string Name, class Bound>
consteval bool require_bound() {
    constexpr bool bound = Bound::template contains<variable<Name>>;
    static_assert(bound, "ctgrad: the expression uses a variable that is not bound; bind it as name = value");
    return bound;
}

/// Whether every variable of `E` is in `Bound`; memoised per node type, so shared
/// subexpressions are checked once.
template <class E, class Bound> struct all_bound_trait : std::bool_constant<true> {};
template <class E, class Bound> concept all_bound = all_bound_trait<E, Bound>::value;
template <fixed_string N, class Bound> struct all_bound_trait<variable<N>, Bound> : std::bool_constant<require_bound<N, Bound>()> {};
template <class Op, class A, class Bound> struct all_bound_trait<unary<Op, A>, Bound> : std::bool_constant<all_bound<A, Bound>> {};
template <class Op, class L, class R, class Bound> struct all_bound_trait<binary<Op, L, R>, Bound> : std::bool_constant<all_bound<L, Bound> && all_bound<R, Bound>> {};

template <class K, class... Ks>
inline constexpr int count_of = (int(CTGRAD_IS_SAME(K, Ks)) + ... + 0);

/// The checks common to every evaluation entry point; true when they all pass.
template <class E, class... Bindings>
consteval bool check_bindings() {
    constexpr bool are_bindings = (is_binding<Bindings> && ...);
    static_assert(are_bindings, "ctgrad: evaluate an expression with bindings such as f(x = 1.0, y = 2.0)");
    if constexpr (!are_bindings) return false;
    else {
        constexpr bool unique = ((count_of<typename binding_traits<Bindings>::key,
                                           typename binding_traits<Bindings>::key...> == 1) && ...);
        static_assert(unique, "ctgrad: the same variable is bound twice");
        return unique && all_bound<E, bound_set<typename binding_traits<Bindings>::key...>>;
    }
}

/// The value of `e` in `ctx`: leaves read the context, ops apply their `value`.
template <class E, class Ctx>
CTGRAD_ALWAYS_INLINE constexpr typename Ctx::scalar eval(const E& e, const Ctx& ctx) {
    using T = typename Ctx::scalar;
    if constexpr (is_variable<E>) return ctx.template get<E>();
    else if constexpr (is_constant<E>) return E::template as<T>();
    else if constexpr (is_literal<E>) return static_cast<T>(e.value);
    else if constexpr (is_unary<E>) return op_t<E>::value(eval(e.a(), ctx));
    else return op_t<E>::value(eval(e.l(), ctx), eval(e.r(), ctx));
}

}  // namespace detail
}  // namespace ctgrad

#endif
