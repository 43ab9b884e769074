// Simplifying constructors: every node is built through these, so simplification
// happens while types are built and equal expressions get equal types.
//
// Rules (each a branch below): 0 + e -> e, e * 1 -> e, e * 0 -> 0, folding of
// compile-time constants (exact rationals) and of runtime literals, e - e -> 0,
// e / e -> 1, e + e -> 2 * e, e * e -> e^2, e^m * e^n -> e^(m+n),
// e * (e * f) -> e^2 * f, e^1 -> e, e^0 -> 1,
// -(-e) -> e, a + (-b) -> a - b, e * (1 / b) -> e / b, constants first in products and last in sums, and a canonical order of
// the operands of + and * (see `detail::precedes`).
#ifndef CTGRAD_CORE_BUILD_HPP
#define CTGRAD_CORE_BUILD_HPP

#include <ctgrad/core/expr.hpp>

#include <cstdint>
#include <numeric>
#include <string_view>
#include <type_traits>
#include <utility>

namespace ctgrad {
namespace detail {

// ---- exact rational arithmetic on constant<N, D> ----------------------------------

template <std::intmax_t N, std::intmax_t D>
consteval auto make_constant() {
    static_assert(D != 0, "ctgrad: division by the constant 0");
    constexpr std::intmax_t g = std::gcd(N, D) == 0 ? 1 : std::gcd(N, D);
    constexpr std::intmax_t s = D < 0 ? -1 : 1;
    return constant<s * N / g, s * D / g>{};
}

template <class A, class B> consteval auto constant_add() { return make_constant<A::num * B::den + B::num * A::den, A::den * B::den>(); }
template <class A, class B> consteval auto constant_sub() { return make_constant<A::num * B::den - B::num * A::den, A::den * B::den>(); }
template <class A, class B> consteval auto constant_mul() { return make_constant<A::num * B::num, A::den * B::den>(); }
template <class A, class B> consteval auto constant_div() { return make_constant<A::num * B::den, A::den * B::num>(); }

/// The value of a number node (constant or literal) as a double.
template <class E>
constexpr double number_value(const E& e) {
    if constexpr (is_literal<E>) return e.value;
    else return E::template as<double>();
}

// ---- canonical order -----------------------------------------------------------------

constexpr std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 14695981039346656037ull) {
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return h;
}
constexpr std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
    for (int i = 0; i != 8; ++i) h = (h ^ ((v >> (8 * i)) & 0xffu)) * 1099511628211ull;
    return h;
}

/// A structural hash of a node type, memoised per type; used only to order operands.
template <class E> inline constexpr std::uint64_t structural_hash = fnv1a("literal");
template <fixed_string N>
inline constexpr std::uint64_t structural_hash<variable<N>> = fnv1a(N.view(), fnv1a("var"));
template <std::intmax_t N, std::intmax_t D>
inline constexpr std::uint64_t structural_hash<constant<N, D>> =
    mix(mix(fnv1a("const"), static_cast<std::uint64_t>(N)), static_cast<std::uint64_t>(D));
template <class Op, class A>
inline constexpr std::uint64_t structural_hash<unary<Op, A>> = mix(Op::hash_seed, structural_hash<A>);
template <class Op, class L, class R>
inline constexpr std::uint64_t structural_hash<binary<Op, L, R>> =
    mix(mix(Op::hash_seed, structural_hash<L>), structural_hash<R>);
/// A name hashes as its expression: they are the same node.
template <class Id>
inline constexpr std::uint64_t structural_hash<named<Id>> = structural_hash<named_expression_t<Id>>;

/// The number of nodes of the tree (saturating); smaller operands are printed first.
template <class E> inline constexpr std::uint64_t tree_size = 1;
template <class Op, class A> inline constexpr std::uint64_t tree_size<unary<Op, A>> = 1 + tree_size<A>;
template <class Op, class L, class R>
inline constexpr std::uint64_t tree_size<binary<Op, L, R>> =
    tree_size<L> + tree_size<R> < (std::uint64_t(1) << 62) ? 1 + tree_size<L> + tree_size<R> : (std::uint64_t(1) << 62);
template <class Id> inline constexpr std::uint64_t tree_size<named<Id>> = tree_size<named_expression_t<Id>>;

/// Sort rank: numbers, then variables, then compound nodes.
template <class E>
inline constexpr int rank = is_constant<E> ? 0 : is_literal<E> ? 1 : is_variable<E> ? 2 : 3;

/// Compile-time helpers are consteval: a constexpr function named by long types is still a
/// function the compiler must name, and those names cost O(n^2) for n nodes.
///
/// A strict order on node types: by rank, then constants by value, variables by name,
/// compound nodes by size, then by structural hash. Operands of + and * are stored in this order.
template <class A, class B>
consteval bool precedes() {
    if constexpr (rank<A> != rank<B>) return rank<A> < rank<B>;
    else if constexpr (is_constant<A>) return A::num * B::den < B::num * A::den;
    else if constexpr (is_variable<A>) return A::name() < B::name();
    else if constexpr (is_literal<A>) return false;
    else if constexpr (tree_size<A> != tree_size<B>) return tree_size<A> < tree_size<B>;
    else return structural_hash<A> < structural_hash<B>;
}

/// A node that prints with a leading minus and whose negation is simpler: -e, a negative
/// constant, (-c) * e, (-a) / b. Sums turn `a + (-b)` into `a - b` with it.
template <class E> struct is_negated_trait : std::bool_constant<is_negative_constant<E> || is_op<E, neg_op>> {};
template <class E> concept is_negated = is_negated_trait<E>::value;
template <class L, class R> struct is_negated_trait<binary<mul_op, L, R>> : std::bool_constant<is_negative_constant<L>> {};
template <class L, class R> struct is_negated_trait<binary<div_op, L, R>> : std::bool_constant<is_negated<L>> {};
template <class Id> struct is_negated_trait<named<Id>> : is_negated_trait<named_expression_t<Id>> {};

/// `1 / e`.
template <class E> struct is_reciprocal_trait : std::bool_constant<false> {};
template <class E> concept is_reciprocal = is_reciprocal_trait<E>::value;
template <class R> struct is_reciprocal_trait<binary<div_op, constant<1>, R>> : std::bool_constant<true> {};
template <class Id> struct is_reciprocal_trait<named<Id>> : is_reciprocal_trait<named_expression_t<Id>> {};

/// `a * b` collapses into one power of a common base.
template <class A, class B> struct combines_trait : std::bool_constant<same_node<A, B> || is_power_of<A, B> || is_power_of<B, A> || same_power_base<A, B>> {};
template <class A, class B> concept combines = combines_trait<A, B>::value;

/// `B` is a product one of whose factors combines with `A` (side 1: left, 2: right).
template <class A, class B> inline constexpr int combines_with_factor = 0;
template <class A, class L, class R>
inline constexpr int combines_with_factor<A, binary<mul_op, L, R>> = combines<A, L> ? 1 : combines<A, R> ? 2 : 0;

}  // namespace detail

// ---- collecting like terms and cancelling factors -------------------------------------
//
// A name made by `let` is seen as its expression, as by the rules above: a named step and
// the same step spelled out simplify alike (and print alike).
namespace detail {

/// A node of the operation `Op` (or a name of one).
template <class E, class Op> concept is_raw = is_op<E, Op>;

/// `k * e` with k a constant.
template <class E> concept is_constant_scaled = is_raw<E, mul_op> && is_constant<typename E::left_type>;

/// The coefficient and the term of a sum's operand: k * e -> k and e; e -> 1 and e.
template <class E, bool = is_constant_scaled<E>> struct term_of { using coefficient = constant<1>; using term = E; };
template <class E> struct term_of<E, true> { using coefficient = typename E::left_type; using term = typename E::right_type; };
template <class E> constexpr decltype(auto) term_part(const E& e) {
    if constexpr (is_constant_scaled<E>) return e.r();
    else return (e);
}
/// `a` and `b` are multiples of one term by constants: 3 * y and 2 * y, x and 5 * x.
template <class A, class B>
concept like_terms = !is_number<A> && !is_number<B> && !has_state<A> && !has_state<B> &&
                     same_node<typename term_of<A>::term, typename term_of<B>::term>;

/// A factor of `A` (itself, or one of the factors of a product) and one of `B` are powers of
/// one base (x and x, x^3 and x, ...): the quotient A / B cancels them.
template <class A, class B>
consteval bool shares_factor() {
    if constexpr (is_raw<A, mul_op>) return shares_factor<typename A::left_type, B>() || shares_factor<typename A::right_type, B>();
    else if constexpr (is_raw<B, mul_op>) return shares_factor<A, typename B::left_type>() || shares_factor<A, typename B::right_type>();
    else if constexpr (is_number<A> || is_number<B> || has_state<A> || has_state<B>) return false;
    else return combines<A, B>;
}

/// The exponent and the base of a power: x^n -> n and x; e -> 1 and e.
template <class E> inline constexpr std::intmax_t power_exponent = is_ipow<E> ? ipow_exponent<E> : 1;
template <class E> constexpr decltype(auto) power_base(const E& e) {
    if constexpr (is_ipow<E>) return e.a();
    else return (e);
}

/// The tests of the rules below on an operand of `A`, false when `A` is not a node of `Op`.
template <class A, class Op, class B> consteval bool right_like() {
    if constexpr (is_raw<A, Op>) return like_terms<typename A::right_type, B>;
    else return false;
}
template <class A, class Op, class B> consteval bool left_like() {
    if constexpr (is_raw<A, Op>) return like_terms<typename A::left_type, B>;
    else return false;
}
template <class A, class Op> consteval bool right_is_constant() {
    if constexpr (is_raw<A, Op>) return is_constant<typename A::right_type>;
    else return false;
}
/// -a / b where a and b share a factor.
template <class A, class B> consteval bool negation_shares() {
    if constexpr (is_raw<A, neg_op>) return shares_factor<typename A::operand_type, B>();
    else return false;
}
/// A shares a factor with the left (Side 0) or right (Side 1) factor of the product B.
template <class A, class B, int Side> consteval bool shares_with_factor_of() {
    if constexpr (!is_raw<B, mul_op>) return false;
    else if constexpr (Side == 0) return shares_factor<A, typename B::left_type>();
    else return shares_factor<A, typename B::right_type>();
}
//// k / (m * b) with k / m an integer (1 / (2 * b) stays: it is how PyTorch divides by 2 b).
template <class A, class B> consteval bool integer_ratio() {
    if constexpr (is_constant<A> && is_constant_scaled<B>) return decltype(constant_div<A, typename B::left_type>())::den == 1;
    else return false;
}
/// (p / q) / (r / q).
template <class A, class B> consteval bool same_denominator() {
    if constexpr (is_raw<A, div_op> && is_raw<B, div_op>) return same_node<typename A::right_type, typename B::right_type>;
    else return false;
}
/// a * (c / d) where a and d share a factor (Side 1; Side 0: (c / d) * a).
template <class A, class B, int Side> consteval bool product_cancels() {
    if constexpr (Side == 1 && is_raw<B, div_op>) return shares_factor<A, typename B::right_type>();
    else if constexpr (Side == 0 && is_raw<A, div_op>) return shares_factor<B, typename A::right_type>();
    else return false;
}
/// k * (s + t) - b where b is a multiple of s (Side 0) or of t (Side 1): distributing cancels.
template <class A, class B, int Side> consteval bool distributes_like() {
    if constexpr (is_constant_scaled<A>) {
        using S = typename A::right_type;
        if constexpr (is_raw<S, add_op> || is_raw<S, sub_op>) {
            using T = std::conditional_t<Side == 0, typename S::left_type, typename S::right_type>;
            if constexpr (is_number<T>) return false;
            else return like_terms<decltype(make_mul(std::declval<const typename A::left_type&>(), std::declval<const T&>())), B>;
        } else return false;
    } else return false;
}
/// (c / d) / b with d and b distinct powers of one base.
template <class A, class B> consteval bool quotient_of_powers() {
    if constexpr (!is_raw<A, div_op>) return false;
    else {
        using D = typename A::right_type;
        if constexpr (same_node<D, B> || has_state<D> || has_state<B>) return false;
        else return combines<D, B>;
    }
}

}  // namespace detail

// ---- the simplifying constructors ---------------------------------------------------

inline constexpr constant<0> zero{};
inline constexpr constant<1> one{};

template <class A, class B> constexpr auto make_add(const A& a, const B& b);
template <class A, class B> constexpr auto make_sub(const A& a, const B& b);
template <class A, class B> constexpr auto make_mul(const A& a, const B& b);
template <class A, class B> constexpr auto make_div(const A& a, const B& b);
template <class A> constexpr auto make_neg(const A& a);
template <std::intmax_t N, class A> constexpr auto make_ipow(const A& a);

namespace detail {
/// q / r, one fraction when q is one: (c / d) / r -> c / (d * r).
template <class Q, class R>
constexpr auto divide_by(const Q& q, const R& r) {
    if constexpr (is_raw<Q, div_op>) return make_div(q.l(), make_mul(q.r(), r));
    else return make_div(q, r);
}
/// q * r, one fraction when q is one: (c / d) * r -> (c * r) / d.
template <class Q, class R>
constexpr auto multiply_by(const Q& q, const R& r) {
    if constexpr (is_raw<Q, div_op>) return make_div(make_mul(q.l(), r), q.r());
    else return make_mul(q, r);
}
}  // namespace detail

/// `a + b`, simplified.
template <class A, class B>
constexpr auto make_add(const A& a, const B& b) {
    using namespace detail;
    if constexpr (is_zero<A>) return b;
    else if constexpr (is_zero<B>) return a;
    else if constexpr (is_constant<A> && is_constant<B>) return constant_add<A, B>();
    else if constexpr (is_number<A> && is_number<B>) return literal{number_value(a) + number_value(b)};
    else if constexpr (is_negated<B>) return make_sub(a, make_neg(b));
    else if constexpr (is_negated<A>) return make_sub(b, make_neg(a));
    else if constexpr (same_node<A, B>) return make_mul(constant<2>{}, a);
    // like terms: 3 * y + 2 * y -> 5 * y, also one level into a sum: (s + 2 * y) + y -> s + 3 * y
    else if constexpr (like_terms<A, B>)
        return make_mul(constant_add<typename term_of<A>::coefficient, typename term_of<B>::coefficient>(), term_part(a));
    else if constexpr (right_like<A, add_op, B>()) return make_add(a.l(), make_add(a.r(), b));
    else if constexpr (left_like<A, add_op, B>()) return make_add(make_add(a.l(), b), a.r());
    else if constexpr (left_like<A, sub_op, B>()) return make_sub(make_add(a.l(), b), a.r());
    else if constexpr (right_like<A, sub_op, B>()) return make_add(a.l(), make_sub(b, a.r()));
    // constants gathered at the end of a sum: (s + 1) + 2 -> s + 3, (s - 1) + 1 -> s
    else if constexpr (is_constant<B> && right_is_constant<A, add_op>())
        return make_add(a.l(), constant_add<typename A::right_type, B>());
    else if constexpr (is_constant<B> && right_is_constant<A, sub_op>())
        return make_sub(a.l(), constant_sub<typename A::right_type, B>());
    else if constexpr (is_constant<A> && !is_number<B>) return make_add(b, a);
    // numbers go last in sums ("x + 1"); other operands in canonical order
    else if constexpr (is_number<A> && !is_number<B>) return binary<add_op, B, A>{b, a};
    else if constexpr (!is_number<A> && !is_number<B> && precedes<B, A>()) return binary<add_op, B, A>{b, a};
    else return binary<add_op, A, B>{a, b};
}

/// `a - b`, simplified.
template <class A, class B>
constexpr auto make_sub(const A& a, const B& b) {
    using namespace detail;
    if constexpr (is_zero<B>) return a;
    else if constexpr (is_zero<A>) return make_neg(b);
    else if constexpr (is_constant<A> && is_constant<B>) return constant_sub<A, B>();
    else if constexpr (is_number<A> && is_number<B>) return literal{number_value(a) - number_value(b)};
    else if constexpr (same_node<A, B>) return zero;
    else if constexpr (is_negated<B>) return make_add(a, make_neg(b));
    // like terms: 3 * y - 2 * y -> y, also one level into a sum: (s + 3 * y) - y -> s + 2 * y
    else if constexpr (like_terms<A, B>)
        return make_mul(constant_sub<typename term_of<A>::coefficient, typename term_of<B>::coefficient>(), term_part(a));
    else if constexpr (right_like<A, add_op, B>()) return make_add(a.l(), make_sub(a.r(), b));
    else if constexpr (left_like<A, add_op, B>()) return make_add(make_sub(a.l(), b), a.r());
    // 2 * (x + 1) - 2 * x -> 2
    else if constexpr (distributes_like<A, B, 0>() || distributes_like<A, B, 1>()) {
        const auto k = a.l();
        const auto& sum = a.r();
        if constexpr (is_raw<std::remove_cvref_t<decltype(sum)>, add_op>) return make_sub(make_add(make_mul(k, sum.l()), make_mul(k, sum.r())), b);
        else return make_sub(make_sub(make_mul(k, sum.l()), make_mul(k, sum.r())), b);
    }
    // constants gathered at the end of a sum: (s + 1) - 1 -> s
    else if constexpr (is_constant<B> && right_is_constant<A, add_op>())
        return make_add(a.l(), constant_sub<typename A::right_type, B>());
    else if constexpr (is_constant<B> && right_is_constant<A, sub_op>())
        return make_sub(a.l(), constant_add<typename A::right_type, B>());
    else return binary<sub_op, A, B>{a, b};
}

/// `a * b`, simplified.
template <class A, class B>
constexpr auto make_mul(const A& a, const B& b) {
    using namespace detail;
    if constexpr (is_zero<A> || is_zero<B>) return zero;
    else if constexpr (is_one<A>) return b;
    else if constexpr (is_one<B>) return a;
    else if constexpr (is_constant<A> && is_constant<B>) return constant_mul<A, B>();
    else if constexpr (is_number<A> && is_number<B>) return literal{number_value(a) * number_value(b)};
    else if constexpr (is_constant_equal<A, -1>) return make_neg(b);
    else if constexpr (is_constant_equal<B, -1>) return make_neg(a);
    else if constexpr (is_op<A, neg_op>) return make_neg(make_mul(a.a(), b));
    else if constexpr (is_op<B, neg_op>) return make_neg(make_mul(a, b.a()));
    // e * (1 / b) -> e / b
    else if constexpr (is_reciprocal<A>) return make_div(b, a.r());
    else if constexpr (is_reciprocal<B>) return make_div(a, b.r());
    // a * (c / d) -> (a * c) / d when a and d share a factor, which then cancels
    else if constexpr (product_cancels<A, B, 1>()) return make_div(make_mul(a, b.l()), b.r());
    else if constexpr (product_cancels<A, B, 0>()) return make_div(make_mul(a.l(), b), a.r());
    // pull numbers to the front: c * (k * e) -> (c k) * e, (k * e) * f -> k * (e * f)
    else if constexpr (is_number<A> && is_scaled<B>) return make_mul(make_mul(a, b.l()), b.r());
    else if constexpr (is_scaled<A>) return make_mul(a.l(), make_mul(a.r(), b));
    else if constexpr (!is_number<A> && is_scaled<B>) return make_mul(b.l(), make_mul(a, b.r()));
    // powers of one base: e * e -> e^2, e^m * e -> e^(m+1), e^m * e^n -> e^(m+n)
    else if constexpr (same_node<A, B>) return make_ipow<2>(a);
    else if constexpr (is_power_of<A, B>) return make_ipow<ipow_exponent<A> + 1>(b);
    else if constexpr (is_power_of<B, A>) return make_ipow<ipow_exponent<B> + 1>(a);
    else if constexpr (same_power_base<A, B>)
        return make_ipow<ipow_exponent<A> + ipow_exponent<B>>(a.a());
    // a * (b * c) -> (a * b) * c when a and b are powers of one base: y * (y * e) -> y^2 * e
    else if constexpr (combines_with_factor<A, B> == 1) return make_mul(make_mul(a, b.l()), b.r());
    else if constexpr (combines_with_factor<A, B> == 2) return make_mul(make_mul(a, b.r()), b.l());
    else if constexpr (combines_with_factor<B, A> == 1) return make_mul(make_mul(b, a.l()), a.r());
    else if constexpr (combines_with_factor<B, A> == 2) return make_mul(make_mul(b, a.r()), a.l());
    else if constexpr (precedes<B, A>()) return binary<mul_op, B, A>{b, a};
    else return binary<mul_op, A, B>{a, b};
}

/// `a / b`, simplified.
template <class A, class B>
constexpr auto make_div(const A& a, const B& b) {
    using namespace detail;
    if constexpr (is_zero<B>) {
        static_assert(!is_zero<B>, "ctgrad: division by the constant 0");
        return a;
    }
    else if constexpr (is_zero<A>) return zero;
    else if constexpr (is_one<B>) return a;
    else if constexpr (is_constant<A> && is_constant<B>) return constant_div<A, B>();
    else if constexpr (is_number<A> && is_number<B>) return literal{number_value(a) / number_value(b)};
    else if constexpr (is_constant_equal<B, -1>) return make_neg(a);
    else if constexpr (same_node<A, B>) return one;
    // constant factors: (4 * a) / (2 * b) -> 2 * (a / b), 2 / (2 * b) -> 1 / b
    else if constexpr (is_constant_scaled<A> && is_constant_scaled<B>)
        return make_mul(constant_div<typename A::left_type, typename B::left_type>(), make_div(a.r(), b.r()));
    else if constexpr (integer_ratio<A, B>()) return make_div(constant_div<A, typename B::left_type>(), b.r());
    // (p / q) / (r / q) -> p / r
    else if constexpr (same_denominator<A, B>()) return make_div(a.l(), b.l());
    // powers of one base: x^4 / x^2 -> x^2, x / x^3 -> 1 / x^2
    else if constexpr (!is_number<A> && !has_state<A> && !has_state<B> && combines<A, B>) {
        constexpr std::intmax_t n = power_exponent<A> - power_exponent<B>;
        if constexpr (n >= 0) return make_ipow<n>(power_base(a));
        else return make_div(one, make_ipow<-n>(power_base(a)));
    }
    // common factors of products cancel: y / (x * y) -> 1 / x, (2 * x * y) / (y * x^2) -> 2 / x
    else if constexpr (negation_shares<A, B>()) return make_neg(make_div(a.a(), b));
    else if constexpr (shares_with_factor_of<A, B, 0>()) return detail::divide_by(make_div(a, b.l()), b.r());
    else if constexpr (shares_with_factor_of<A, B, 1>()) return detail::divide_by(make_div(a, b.r()), b.l());
    else if constexpr (shares_with_factor_of<B, A, 0>()) return detail::multiply_by(make_div(a.l(), b), a.r());
    else if constexpr (shares_with_factor_of<B, A, 1>()) return detail::multiply_by(make_div(a.r(), b), a.l());
    // (c / x) / x^2 -> c / x^3 (not (c / b) / b: that is how a quotient's derivative divides,
    // as PyTorch does, without overflowing where b^2 would)
    else if constexpr (quotient_of_powers<A, B>())
        return make_div(a.l(), make_mul(a.r(), b));
    else return binary<div_op, A, B>{a, b};
}

/// `-a`, simplified: -(-e) -> e, -(c * e) -> (-c) * e, -(a / b) -> (-a) / b, -(a - b) -> b - a.
template <class A>
constexpr auto make_neg(const A& a) {
    using namespace detail;
    if constexpr (is_constant<A>) return make_constant<-A::num, A::den>();
    else if constexpr (is_literal<A>) return literal{-a.value};
    else if constexpr (is_op<A, neg_op>) return a.a();
    else if constexpr (is_scaled<A>) return make_mul(make_neg(a.l()), a.r());
    else if constexpr (is_op<A, div_op>) return make_div(make_neg(a.l()), a.r());
    else if constexpr (is_op<A, sub_op>) return make_sub(a.r(), a.l());
    else return unary<neg_op, A>{a};
}

/// `a^N` for an integer `N` known at compile time (evaluated by multiplication).
template <std::intmax_t N, class A>
constexpr auto make_ipow(const A& a) {
    using namespace detail;
    if constexpr (N == 0) return one;
    else if constexpr (N == 1) return a;
    else if constexpr (is_constant<A> && N > 0)
        return constant_mul<decltype(make_ipow<N - 1>(a)), A>();
    else if constexpr (is_constant<A> && N < 0)
        return constant_div<constant<1>, decltype(make_ipow<-N>(a))>();
    else if constexpr (is_ipow<A>) return make_ipow<N * ipow_exponent<A>>(a.a());
    else return unary<ipow_op<N>, A>{a};
}

/// An operation `Op` applied to `a`, for ops with no simplification of their own.
template <class Op, class A>
constexpr auto make_unary(const A& a) {
    return unary<Op, A>{a};
}

}  // namespace ctgrad

#endif
