// Evaluation contexts: bindings, their checks, and the evaluator shared by scalar evaluation
// and the fused loop.
#ifndef CTGRAD_EVAL_CONTEXT_HPP
#define CTGRAD_EVAL_CONTEXT_HPP

#include <ctgrad/core/reductions.hpp>
#include <ctgrad/core/shaped.hpp>
#include <ctgrad/detail/config.hpp>
#include <ctgrad/eval/simd.hpp>

#include <boost/hana/type.hpp>

#include <span>
#include <tuple>
#include <type_traits>
#include <vector>

namespace ctgrad {

/// The variables `value_and_grad` differentiates by: `wrt(w, b)` (eval/fused.hpp).
template <class... Vars>
struct wrt_t;

namespace detail {
/// Evaluation and value_and_grad of expressions over vectors and matrices (eval/shaped.hpp).
template <class E, class... Bs>
auto shaped_evaluate(const E& e, const Bs&... bs);
template <class E, class... Vars, class... Args>
auto shaped_value_and_grad(const E& loss, wrt_t<Vars...> vars, const Args&... args);
template <class E, class... Vars, class Buffers, class... Bs>
auto shaped_value_and_grad_checked(const E& loss, wrt_t<Vars...> vars, const Buffers& buffers, const Bs&... bs);
}  // namespace detail

namespace detail {

template <class B> struct is_binding_trait : std::bool_constant<false> {};
template <class B> concept is_binding = is_binding_trait<B>::value;
template <fixed_string N, class V> struct is_binding_trait<binding<N, V>> : std::bool_constant<true> {};

template <class B> struct binding_traits;
template <fixed_string N, class V> struct binding_traits<binding<N, V>> {
    using key = variable<N>;
    using value_type = V;
};
/// A binding that owns a temporary container reads it as a span, like any array.
template <fixed_string N, class C> struct binding_traits<binding<N, owned<C>>> {
    using key = variable<N>;
    using value_type = std::span<const array_element_t<C>>;
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

/// The bound values of an evaluation keyed by variable type: `map[hana::type_c<V>]` as with a
/// hana::map, but an aggregate of its own. (GCC 12 at -O0 decides differently in different
/// translation units whether a one-entry hana::map is trivially copyable, so functions
/// returning one were compiled with two calling conventions and the linker mixed them.)
template <class K, class V>
struct map_entry {
    V value;
};
template <class K, class V>
constexpr const V& entry_value(const map_entry<K, V>& e) { return e.value; }

template <class... Entries>
struct binding_map : Entries... {
    template <class K>
    constexpr const auto& operator[](boost::hana::basic_type<K>) const { return entry_value<K>(*this); }
};

/// `make_binding_map<K...>(v...)`: the value v_i under the key K_i.
template <class... Ks, class... Vs>
constexpr binding_map<map_entry<Ks, Vs>...> make_binding_map(const Vs&... values) {
    return {map_entry<Ks, Vs>{values}...};
}

/// Evaluation context over a map from variable types to bound values (binding_map).
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

template <class K, class... Ks>
inline constexpr int count_of = (int(CTGRAD_IS_SAME(K, Ks)) + ... + 0);

// ---- the checks of every entry point that takes bindings ---------------------------------
//
// Each check finds the culprit as a type (void when there is none), without a static_assert;
// the entry point then asserts once, on a condition that names the culprit: a variable's name
// is spelled as characters (detail::spelled), which both compilers print readably.

/// The name of a variable type, spelled.
template <class V> struct name_of { using type = void; };
template <fixed_string N> struct name_of<variable<N>> { using type = spelled<N>; };

/// The first variable of `E` not in `Bound`, spelled; void when every one is. Memoised per
/// node type, so shared subexpressions are visited once.
template <class E, class Bound> struct first_unbound { using type = void; };
template <fixed_string N, class Bound> struct first_unbound<variable<N>, Bound> {
    using type = std::conditional_t<Bound::template contains<variable<N>>, void, spelled<N>>;
};
template <class Op, class A, class Bound> struct first_unbound<unary<Op, A>, Bound> {
    using type = typename first_unbound<A, Bound>::type;
};
template <class Op, class L, class R, class Bound> struct first_unbound<binary<Op, L, R>, Bound> {
    using left = typename first_unbound<L, Bound>::type;
    using type = std::conditional_t<CTGRAD_IS_SAME(left, void), typename first_unbound<R, Bound>::type, left>;
};
template <class Id, class Bound> struct first_unbound<named<Id>, Bound> : first_unbound<named_expression_t<Id>, Bound> {};

/// The first variable bound more than once among `Keys`, spelled; void when there is none.
template <class... Keys> struct first_twice { using type = void; };
template <class K, class... Ks> struct first_twice<K, Ks...> {
    using type = std::conditional_t<(count_of<K, Ks...> > 0), typename name_of<K>::type, typename first_twice<Ks...>::type>;
};

/// The first variable among `Vars` that `E` does not use, spelled; void when it uses them all.
template <class E, class... Vars> struct first_unused { using type = void; };
template <class E, class V, class... Vars> struct first_unused<E, V, Vars...> {
    using type = std::conditional_t<depends_on<E, V>, typename first_unused<E, Vars...>::type, typename name_of<V>::type>;
};

/// Whether `E` reads a variable bound to an array (one of `Arrays`) outside every reduction.
template <class E, class Arrays> struct array_outside_reduction : std::bool_constant<false> {};
template <fixed_string N, class Arrays> struct array_outside_reduction<variable<N>, Arrays>
    : std::bool_constant<Arrays::template contains<variable<N>>> {};
template <class Op, class A, class Arrays> struct array_outside_reduction<unary<Op, A>, Arrays>
    : std::bool_constant<!is_reduction<unary<Op, A>> && array_outside_reduction<A, Arrays>::value> {};
template <class Op, class L, class R, class Arrays> struct array_outside_reduction<binary<Op, L, R>, Arrays>
    : std::bool_constant<array_outside_reduction<L, Arrays>::value || array_outside_reduction<R, Arrays>::value> {};
template <class Id, class Arrays> struct array_outside_reduction<named<Id>, Arrays>
    : array_outside_reduction<named_expression_t<Id>, Arrays> {};

template <class V> struct is_span_value : std::bool_constant<false> {};
template <class T> struct is_span_value<std::span<const T>> : std::bool_constant<true> {};

/// The variables bound to arrays, as a bound_set.
template <class... Bindings>
struct array_variables {
    template <class V>
    static constexpr bool contains =
        ((CTGRAD_IS_SAME(V, typename binding_traits<Bindings>::key) && is_span_value<typename binding_traits<Bindings>::value_type>::value) || ...);
};

// The conditions of the static_asserts below: false where they are instantiated. Their names
// and arguments are what the compiler prints with the sentence, e.g. clang's
// "static_assert failed due to requirement 'ctgrad::detail::is_bound<ctgrad::detail::variable_named<'y'>>'".
template <class... Arguments> inline constexpr bool are_bindings = (is_binding<Arguments> && ...);
template <class Variable> inline constexpr bool is_bound = false;
template <class Variable> inline constexpr bool is_bound_once = false;
template <class Variable> inline constexpr bool is_used_by_the_loss = false;
template <class Loss> inline constexpr bool reduces_every_array = false;

/// The checks of `f(bindings...)`, `evaluate(f, bindings...)` and `value_and_grad`: true when
/// they pass; otherwise exactly one static_assert fails, and the caller returns
/// `failed_value`.
template <class E, class... Bindings>
consteval bool check_evaluation() {
    if constexpr (!expression<E>) {
        static_assert(is_an_expression<E>, "ctgrad: only a ctgrad expression evaluates with bindings, and the first argument is not one");
        return false;
    } else if constexpr (!(is_binding<Bindings> && ...)) {
        static_assert(are_bindings<Bindings...>, "ctgrad: evaluate an expression with bindings such as f(x = 1.0, y = 2.0)");
        return false;
    } else {
        using twice = typename first_twice<typename binding_traits<Bindings>::key...>::type;
        using unbound = typename first_unbound<E, bound_set<typename binding_traits<Bindings>::key...>>::type;
        if constexpr (!CTGRAD_IS_SAME(twice, void)) {
            static_assert(is_bound_once<twice>, "ctgrad: the same variable is bound twice");
            return false;
        } else if constexpr (!CTGRAD_IS_SAME(unbound, void)) {
            static_assert(is_bound<unbound>, "ctgrad: the expression uses a variable that is not bound; bind it as name = value");
            return false;
        } else {
            return true;
        }
    }
}

/// The wrt variables of `value_and_grad`: whether all are variables, the first one `E` does
/// not use (spelled, or void), and a tuple of the loss and a gradient per variable, which a
/// failed call returns so that `auto [l, dw] = ...` still compiles (a std::vector for a
/// variable bound to an array).
template <class Wrt> struct wrt_traits;
template <class... Vars> struct wrt_traits<wrt_t<Vars...>> {
    static constexpr bool variables = (is_variable<Vars> && ...);
    template <class E> using first_unused_by = typename first_unused<E, Vars...>::type;
    template <class... Bindings>
    using failed_result = std::tuple<double, std::conditional_t<array_variables<Bindings...>::template contains<Vars>,
                                                                std::vector<double>, double>...>;
};

/// The checks `value_and_grad(loss, wrt(vars...), bindings...)` adds once `check_evaluation`
/// passed. A wrt argument that is not a variable was reported by `wrt` itself.
template <class E, class Wrt, class... Bindings>
consteval bool check_gradient() {
    if constexpr (!wrt_traits<Wrt>::variables) {
        return false;
    } else {
        using unused = typename wrt_traits<Wrt>::template first_unused_by<E>;
        if constexpr (array_outside_reduction<E, array_variables<Bindings...>>::value) {
            static_assert(reduces_every_array<readable<E>>, "ctgrad::value_and_grad: the loss must reduce every array to a scalar (sum, mean, dot)");
            return false;
        } else if constexpr (!CTGRAD_IS_SAME(unused, void)) {
            static_assert(is_used_by_the_loss<unused>,
                          "ctgrad::value_and_grad: the loss does not use a variable of wrt(...); remove it from wrt");
            return false;
        } else {
            return true;
        }
    }
}

/// What a failed value_and_grad returns.
template <class Wrt, class... Bindings>
auto failed_gradients() {
    if constexpr (!(is_binding<Bindings> && ...)) return typename wrt_traits<Wrt>::template failed_result<>{};
    else return typename wrt_traits<Wrt>::template failed_result<Bindings...>{};
}

/// The old name of `check_evaluation`.
template <class E, class... Bindings>
consteval bool check_bindings() {
    return check_evaluation<E, Bindings...>();
}

/// What a failed evaluation returns, so that the code around it still compiles: a
/// std::vector for an element-wise expression over arrays, else a number.
template <class E, class... Bindings>
constexpr auto failed_value() {
    if constexpr (!expression<E> || !(is_binding<Bindings> && ...)) {
        return 0.0;
    } else if constexpr (!has_reduction<E> && (is_span_value<typename binding_traits<Bindings>::value_type>::value || ...)) {
        return std::vector<double>{};
    } else {
        return 0.0;
    }
}

/// The value of `e` in `ctx`: leaves read the context, ops apply their `value`.
template <class E, class Ctx>
CTGRAD_ALWAYS_INLINE constexpr typename Ctx::scalar eval(const E& e, const Ctx& ctx) {
    using T = typename Ctx::scalar;
    if constexpr (is_variable<E>) return ctx.template get<E>();
    else if constexpr (is_constant<E>) return T(E::template as<lane_t<T>>());
    else if constexpr (is_literal<E>) return T(static_cast<lane_t<T>>(e.value));
    else if constexpr (is_unary<E>) return apply_op<op_t<E>>(eval(e.a(), ctx));
    else return apply_op<op_t<E>>(eval(e.l(), ctx), eval(e.r(), ctx));
}

}  // namespace detail
}  // namespace ctgrad

#endif
