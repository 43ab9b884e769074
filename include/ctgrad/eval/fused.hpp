// The fused loop: a loss and every gradient in one pass over arrays, no temporaries.
//
// A loss is a scalar function G of reductions sum_i e_k(i) (or means) and of scalars. One
// pass accumulates, for every reduction k, s_k = sum_i e_k(i) and, for every scalar w we
// differentiate by, S_kw = sum_i d e_k(i) / dw, with the derivatives derived at compile time.
// Then  dL/dw = dG/dw + sum_k dG/ds_k S_kw.  A gradient with respect to an array x needs
// the coefficients dG/ds_k, known only after the pass, so it takes a second pass that writes
// dL/dx_i = sum_k dG/ds_k d e_k(i) / dx_i.
#ifndef CTGRAD_EVAL_FUSED_HPP
#define CTGRAD_EVAL_FUSED_HPP

#include <ctgrad/core/reductions.hpp>
#include <ctgrad/diff/derivative.hpp>
#include <ctgrad/eval/context.hpp>
#include <ctgrad/eval/dag.hpp>
#include <ctgrad/eval/loop.hpp>
#include <ctgrad/eval/simd.hpp>
#include <ctgrad/detail/config.hpp>

#include <boost/hana/at.hpp>
#include <boost/hana/concat.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/range.hpp>
#include <boost/hana/transform.hpp>
#include <boost/hana/size.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>
#include <boost/hana/unpack.hpp>

#if defined(CTGRAD_OPENMP) && defined(_OPENMP)
#include <omp.h>
#endif

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctgrad {

/// The variables `value_and_grad` differentiates by: `wrt(w, b)`.
template <class... Vars>
struct wrt_t {};

template <class... Vars>
constexpr wrt_t<Vars...> wrt(const Vars&...) {
    static_assert((detail::is_a_variable<detail::readable<Vars>> && ...), "ctgrad::wrt(v, ...): every argument must be a variable such as var<\"w\">");
    return {};
}

/// Where `value_and_grad` writes the gradient by the array variable `V`: the caller's buffer,
/// made by `into(x, dx)`.
template <class V, class T>
struct gradient_buffer {
    using variable_type = V;
    std::span<T> out;
};

/// The gradient by the array variable `x` goes into `dx` (a std::vector, std::array, std::span
/// or Eigen array of the evaluation's type, as long as the arrays bound), not into a new vector:
///
///     std::vector<double> dx(xs.size());
///     auto [l, dw, gx] = value_and_grad(loss, wrt(w, x), into(x, dx), w = 0.5, x = xs, y = ys);
///
/// `gx` is then a std::span over `dx`; nothing is allocated.
template <class V, class D>
constexpr auto into(const V&, D& buffer) {
    using T = std::remove_cvref_t<decltype(*buffer.data())>;
    static_assert(detail::is_a_variable<detail::readable<V>>, "ctgrad::into(x, buffer): x must be a variable such as var<\"x\">");
    static_assert(std::is_floating_point_v<T> && !std::is_const_v<std::remove_reference_t<decltype(*buffer.data())>>,
                  "ctgrad::into(x, buffer): the buffer must be a writable array of float or double");
    return gradient_buffer<V, T>{std::span<T>(buffer.data(), static_cast<std::size_t>(buffer.size()))};
}

namespace detail {
template <class A> struct is_buffer_trait : std::bool_constant<false> {};
template <class V, class T> struct is_buffer_trait<gradient_buffer<V, T>> : std::bool_constant<true> {};
template <class A> concept is_buffer = is_buffer_trait<A>::value;
template <class V, class B> struct is_buffer_for : std::bool_constant<false> {};
template <class V, class T> struct is_buffer_for<V, gradient_buffer<V, T>> : std::bool_constant<true> {};

template <class V> struct is_span_trait : std::bool_constant<false> {};
template <class V> concept is_span = is_span_trait<V>::value;
template <class T> struct is_span_trait<std::span<const T>> : std::bool_constant<true> {};

template <class V> struct element_of { using type = V; };
template <class T> struct element_of<std::span<const T>> { using type = T; };
template <class V> using element_t = typename element_of<V>::type;

template <class B> using binding_key_t = typename binding_traits<B>::key;
template <class B> using binding_value_t = typename binding_traits<B>::value_type;

/// Whether the variable `V` is bound to an array among `Bindings`.
template <class V, class... Bindings> struct bound_to_array_trait : std::bool_constant<((CTGRAD_IS_SAME(V, binding_key_t<Bindings>) && is_span<binding_value_t<Bindings>>) || ...)> {};
template <class V, class... Bindings> concept bound_to_array = bound_to_array_trait<V, Bindings...>::value;

/// Whether `E` uses a variable bound to an array, outside any reduction.
template <class E, class... Bindings> struct uses_array_trait : std::bool_constant<false> {};
template <class E, class... Bindings> concept uses_array = uses_array_trait<E, Bindings...>::value;
template <fixed_string N, class... Bindings> struct uses_array_trait<variable<N>, Bindings...> : std::bool_constant<bound_to_array<variable<N>, Bindings...>> {};
template <class Op, class A, class... Bindings> struct uses_array_trait<unary<Op, A>, Bindings...> : std::bool_constant<!is_reduction<unary<Op, A>> && uses_array<A, Bindings...>> {};
template <class Op, class L, class R, class... Bindings> struct uses_array_trait<binary<Op, L, R>, Bindings...> : std::bool_constant<uses_array<L, Bindings...> || uses_array<R, Bindings...>> {};
template <class Id, class... Bindings> struct uses_array_trait<named<Id>, Bindings...> : uses_array_trait<named_expression_t<Id>, Bindings...> {};

template <class V> struct is_runtime_operand_trait : std::bool_constant<false> {};
template <class V> concept is_runtime_operand = is_runtime_operand_trait<V>::value;
template <class T> struct is_runtime_operand_trait<const runtime_operand<T>*> : std::bool_constant<true> {};

/// The slot scheme of every loop: a binding map (eval/context.hpp) from variables to what they
/// are bound to, read at element `i` (with P a pack, at elements i .. i + W - 1). A std::span is
/// an array and a number broadcasts, both known at compile time (value_and_grad); a
/// runtime_operand is either, known at run time (a Tensor statement's slots).
template <class P, class Map>
struct element_context {
    using scalar = P;
    const Map& map;
    std::size_t i;
    template <class V>
    CTGRAD_ALWAYS_INLINE constexpr P get() const {
        const auto& b = map[boost::hana::type_c<V>];
        using B = std::remove_cvref_t<decltype(b)>;
        if constexpr (is_span<B>) return load_as<P>(b.data() + i);
        else if constexpr (is_runtime_operand<B>) return b->template load<P>(i);
        else return P(static_cast<lane_t<P>>(b));
    }
};

/// A binding's value where it is one number: the number, or a runtime operand's first element.
template <class T, class B>
CTGRAD_ALWAYS_INLINE constexpr T bound_number(const B& b) {
    if constexpr (is_runtime_operand<B>) return b->template load<T>(0);
    else return static_cast<T>(b);
}

template <class P, class Map>
CTGRAD_ALWAYS_INLINE constexpr element_context<P, Map> at_element(const Map& map, std::size_t i) {
    return {map, i};
}

/// The placeholder standing for the k-th reduction in the outer function G.
/// The name of the library's own variable number K of a kind: a first character `Mark` that no
/// user writes (so no user variable is one of them), then three digits.
template <char Mark, std::size_t K>
inline constexpr fixed_string<5> internal_name = [] {
    static_assert(K < 1000, "ctgrad: at most 1000 reductions in one loss, or variables in one hvp");
    fixed_string<5> s;
    s.chars[0] = Mark;
    s.chars[1] = static_cast<char>('0' + K / 100 % 10);
    s.chars[2] = static_cast<char>('0' + K / 10 % 10);
    s.chars[3] = static_cast<char>('0' + K % 10);
    return s;
}();
template <std::size_t K>
inline constexpr fixed_string<5> slot_name = internal_name<'\x01', K>;
template <std::size_t K>
using slot = variable<slot_name<K>>;

/// Splits `e` into G (each reduction replaced by a slot, numbered from K in order of
/// occurrence) and the tuple of reductions.
template <std::size_t K, class E>
constexpr auto split_reductions(const E& e) {
    if constexpr (is_reduction<E>) return std::pair{slot<K>{}, boost::hana::make_tuple(e)};
    else if constexpr (!has_reduction<E>) return std::pair{e, boost::hana::make_tuple()};
    else if constexpr (is_unary<E>) {
        auto [g, rs] = split_reductions<K>(e.a());
        return std::pair{unary<op_t<E>, decltype(g)>{g}, rs};
    } else {
        auto [gl, rl] = split_reductions<K>(e.l());
        constexpr std::size_t kl = decltype(boost::hana::size(rl))::value;
        auto [gr, rr] = split_reductions<K + kl>(e.r());
        return std::pair{binary<op_t<E>, decltype(gl), decltype(gr)>{gl, gr}, boost::hana::concat(rl, rr)};
    }
}

/// Slots are recognised by their name, "\x01" and three digits (a name is not deducible
/// from a partial specialisation on slot<J>).
template <class V>
consteval bool slot_check() {
    if constexpr (!is_variable<V>) return false;
    else return V::name().size() == 4 && V::name()[0] == '\x01';
}
template <class V> struct is_slot_trait : std::bool_constant<slot_check<V>()> {};
template <class V> concept is_slot = is_slot_trait<V>::value;
template <class V>
inline constexpr std::size_t slot_index =
    std::size_t(V::name()[1] - '0') * 100 + std::size_t(V::name()[2] - '0') * 10 + std::size_t(V::name()[3] - '0');

/// The number of elements a sum runs over, as a variable of G: `sum(c)` with `c` the same for
/// every element is `c * n`.
using element_count = variable<"\x03n">;

/// Pulls what does not depend on the element out of a reduction of `body`, by linearity, for c
/// using no array: sum(c + e) = c n + sum(e), sum(c * e) = c * sum(e), sum(e / c) = sum(e) / c,
/// sum(-e) = -sum(e), and likewise for differences and means. What stays inside is evaluated
/// per element, the rest once, in G: a division by 2 sigma^2 per element becomes one division.
/// The result is kept where it is that of the reductions as written (factoring_is_exact), which
/// differ where numbers are not finite.
template <class Op, class... Bindings, class B>
constexpr auto pull_invariants(const B& body) {
    if constexpr (!uses_array<B, Bindings...>) {
        if constexpr (CTGRAD_IS_SAME(Op, sum_op)) return make_mul(body, element_count{});
        else return body;
    } else if constexpr (is_op<B, add_op> || is_op<B, sub_op>) {
        // Only an invariant side leaves the sum: splitting it into two sums would evaluate the
        // nodes both sides share twice per element.
        using Combine = op_t<B>;
        if constexpr (!uses_array<typename B::left_type, Bindings...> || !uses_array<typename B::right_type, Bindings...>) {
            const auto l = pull_invariants<Op, Bindings...>(body.l());
            const auto r = pull_invariants<Op, Bindings...>(body.r());
            if constexpr (CTGRAD_IS_SAME(Combine, add_op)) return make_add(l, r);
            else return make_sub(l, r);
        } else {
            return unary<Op, B>{body};
        }
    } else if constexpr (is_op<B, neg_op>) {
        return make_neg(pull_invariants<Op, Bindings...>(body.a()));
    } else if constexpr (is_op<B, mul_op>) {
        if constexpr (!uses_array<typename B::left_type, Bindings...>)
            return make_mul(body.l(), pull_invariants<Op, Bindings...>(body.r()));
        else if constexpr (!uses_array<typename B::right_type, Bindings...>)
            return make_mul(pull_invariants<Op, Bindings...>(body.l()), body.r());
        else
            return unary<Op, B>{body};
    } else if constexpr (is_op<B, div_op>) {
        if constexpr (!uses_array<typename B::right_type, Bindings...>)
            return make_div(pull_invariants<Op, Bindings...>(body.l()), body.r());
        else
            return unary<Op, B>{body};
    } else {
        return unary<Op, B>{body};
    }
}

/// What `pull_invariants` takes out of a reduction, as three expressions of the invariants that
/// bound what the reduction as written computes: `gain`, the product of (1 + |c|) over the factors c
/// and of (1 + 1/|c|) over the divisors c; `offset`, the sum of (1 + |c|) over the terms c; `slope`,
/// the sum of |dc/dw| over those c and the scalar wrt variables w (`Ws`).
template <class Gain, class Offset, class Slope>
struct pulled_bound {
    Gain gain;
    Offset offset;
    Slope slope;
};
template <class Gain, class Offset, class Slope>
constexpr pulled_bound<Gain, Offset, Slope> make_pulled_bound(const Gain& g, const Offset& o, const Slope& s) {
    return {g, o, s};
}

/// |e|, and 0 for the constant 0.
template <class E>
constexpr auto magnitude(const E& e) {
    if constexpr (is_zero<E>) return zero;
    else return make_unary<abs_op>(e);
}

/// The sum over the variables `Ws` of |dc/dw|.
template <class... Ws, class C>
constexpr auto invariant_slope(typelist<Ws...>, const C& c) {
    if constexpr (sizeof...(Ws) == 0) return zero;
    else return (magnitude(derivative_of(c, Ws{})) + ...);
}

template <class Op, class Ws, class... Bindings, class B>
constexpr auto pulled_bounds(const B& body) {
    constexpr auto nothing = [] { return make_pulled_bound(one, zero, zero); };
    if constexpr (!uses_array<B, Bindings...>) {
        return make_pulled_bound(one, make_add(one, magnitude(body)), invariant_slope(Ws{}, body));
    } else if constexpr (is_op<B, add_op> || is_op<B, sub_op>) {
        if constexpr (!uses_array<typename B::left_type, Bindings...> || !uses_array<typename B::right_type, Bindings...>) {
            const auto l = pulled_bounds<Op, Ws, Bindings...>(body.l());
            const auto r = pulled_bounds<Op, Ws, Bindings...>(body.r());
            return make_pulled_bound(make_mul(l.gain, r.gain), make_add(l.offset, r.offset), make_add(l.slope, r.slope));
        } else {
            return nothing();
        }
    } else if constexpr (is_op<B, neg_op>) {
        return pulled_bounds<Op, Ws, Bindings...>(body.a());
    } else if constexpr (is_op<B, mul_op>) {
        const auto factor = [](const auto& c, const auto& inner) {
            return make_pulled_bound(make_mul(make_add(one, magnitude(c)), inner.gain), inner.offset,
                                     make_add(invariant_slope(Ws{}, c), inner.slope));
        };
        if constexpr (!uses_array<typename B::left_type, Bindings...>)
            return factor(body.l(), pulled_bounds<Op, Ws, Bindings...>(body.r()));
        else if constexpr (!uses_array<typename B::right_type, Bindings...>)
            return factor(body.r(), pulled_bounds<Op, Ws, Bindings...>(body.l()));
        else
            return nothing();
    } else if constexpr (is_op<B, div_op>) {
        if constexpr (!uses_array<typename B::right_type, Bindings...>) {
            const auto inner = pulled_bounds<Op, Ws, Bindings...>(body.l());
            return make_pulled_bound(make_mul(make_add(one, make_div(one, magnitude(body.r()))), inner.gain), inner.offset,
                                     make_add(invariant_slope(Ws{}, body.r()), inner.slope));
        } else {
            return nothing();
        }
    } else {
        return nothing();
    }
}

/// `e` with the invariant parts of every reduction pulled out of it.
template <class... Bindings, class E>
constexpr auto hoist_out_of_reductions(const E& e) {
    if constexpr (is_reduction<E>) return pull_invariants<op_t<E>, Bindings...>(e.a());
    else if constexpr (!has_reduction<E>) return e;
    else if constexpr (is_unary<E>) {
        const auto a = hoist_out_of_reductions<Bindings...>(e.a());
        return unary<op_t<E>, std::remove_cvref_t<decltype(a)>>{a};
    } else {
        const auto l = hoist_out_of_reductions<Bindings...>(e.l());
        const auto r = hoist_out_of_reductions<Bindings...>(e.r());
        return binary<op_t<E>, std::remove_cvref_t<decltype(l)>, std::remove_cvref_t<decltype(r)>>{l, r};
    }
}

/// Context for G: slots read the reduced values, variables the scalar bindings.
template <class T, class Map, std::size_t K>
struct outer_context {
    using scalar = T;
    const Map& map;
    const std::array<T, K>& reduced;
    T count = T(1);
    template <class V>
    constexpr T get() const {
        if constexpr (is_slot<V>) return reduced[slot_index<V>];
        else if constexpr (CTGRAD_IS_SAME(V, element_count)) return count;
        else return bound_number<T>(map[boost::hana::type_c<V>]);
    }
};

/// Thrown by common_length; out of line so that the check itself stays small and inlines.
[[noreturn]] inline void throw_length_mismatch(std::string_view first, std::string_view name, std::size_t n,
                                               std::size_t m) {
    throw std::invalid_argument("ctgrad: arrays bound to " + std::string(first) + " and " + std::string(name) +
                                " have different lengths (" + std::to_string(n) + " and " + std::to_string(m) + ")");
}

/// The length shared by every array binding (1 when there is none); throws
/// std::invalid_argument naming the variables and both lengths when two differ.
template <class... Bindings>
std::size_t common_length(const Bindings&... bindings) {
    std::size_t n = 0;
    std::string_view first;
    bool any = false;
    auto visit = [&](const auto& b) {
        using B = std::remove_cvref_t<decltype(b)>;
        if constexpr (is_span<binding_value_t<B>>) {
            std::string_view name = binding_key_t<B>::name();
            if (!any) {
                any = true;
                n = b.value.size();
                first = name;
            } else if (b.value.size() != n) {
                throw_length_mismatch(first, name, n, b.value.size());
            }
        }
    };
    (visit(bindings), ...);
    return any ? n : 1;
}

/// The sums over [0, n) in fast_order (eval/loop.hpp). With CTGRAD_OPENMP, arrays of at least
/// `parallel_threshold` elements are cut into one contiguous chunk per thread and the
/// chunks' sums are added in chunk order: the result depends only on n and the number of
/// threads.
inline constexpr std::size_t parallel_threshold = std::size_t(1) << 16;

template <class T, std::size_t M, class Body>
std::array<T, M> fused_sum(std::size_t n, const Body& body) {
#if defined(CTGRAD_OPENMP) && defined(_OPENMP)
    if (n >= parallel_threshold && omp_get_max_threads() > 1) {
        constexpr int max_chunks = 64;
        const int chunks = omp_get_max_threads() < max_chunks ? omp_get_max_threads() : max_chunks;
        std::array<T, M> partial[max_chunks];
#pragma omp parallel for num_threads(chunks) schedule(static, 1)
        for (int c = 0; c < chunks; ++c) {
            const std::size_t begin = n * static_cast<std::size_t>(c) / static_cast<std::size_t>(chunks);
            const std::size_t end = n * static_cast<std::size_t>(c + 1) / static_cast<std::size_t>(chunks);
            partial[c] = sum_elements<T, M>(fast_order{}, begin, end, body);
        }
        std::array<T, M> total{};
        for (int c = 0; c < chunks; ++c)
            for (std::size_t m = 0; m != M; ++m) total[m] += partial[c][m];
        return total;
    }
#endif
    return sum_elements<T, M>(fast_order{}, 0, n, body);
}

template <class R> struct is_mean_trait : std::bool_constant<is_op<R, mean_op>> {};
template <class R> concept is_mean = is_mean_trait<R>::value;

/// What a reduction R of n terms whose sum is x gives (x, or x / n for a mean), and likewise the
/// coefficient of each term from that of the reduction: divided by n, as PyTorch's mean and
/// MeanBackward do.
template <class R, class T>
CTGRAD_ALWAYS_INLINE T reduction_scaled(T x, std::size_t n) {
    if constexpr (is_mean<R>) return x / static_cast<T>(n);
    else return x;
}

/// The result type of one gradient: a scalar for a scalar binding, a vector for an array.
template <class T, class V, class... Bindings>
using gradient_t = std::conditional_t<bound_to_array<V, Bindings...>, std::vector<T>, T>;

/// Whether the buffers (a std::tuple of gradient_buffer) have one for `V`.
template <class V, class Outs> struct has_buffer_for : std::bool_constant<false> {};
template <class V, class... Bs> struct has_buffer_for<V, std::tuple<Bs...>> : std::bool_constant<(is_buffer_for<V, Bs>::value || ...)> {};
/// The result type of one gradient, given the caller's buffers: a span over the buffer for an
/// array variable that has one.
template <class T, class V, class Outs, class... Bindings>
using gradient_out_t = std::conditional_t<bound_to_array<V, Bindings...> && has_buffer_for<V, Outs>::value, std::span<T>,
                                          gradient_t<T, V, Bindings...>>;
/// The buffer for V among the buffers, as a one-element tuple.
template <class V, class Outs>
constexpr auto buffer_for(const Outs& outs) {
    return std::apply([](const auto&... b) {
        return std::tuple_cat([&] {
            if constexpr (is_buffer_for<V, std::remove_cvref_t<decltype(b)>>::value) return std::tuple{b.out};
            else return std::tuple<>{};
        }()...);
    }, outs);
}

/// Thrown when a gradient buffer's length is not the arrays'.
[[noreturn]] inline void throw_buffer_length(std::string_view name, std::size_t size, std::size_t n) {
    throw std::invalid_argument("ctgrad::into(" + std::string(name) + ", buffer): the buffer has " + std::to_string(size) +
                                " elements and the bound arrays " + std::to_string(n));
}

template <class E, class... Bindings>
consteval bool check_fused() {
    if constexpr (!check_bindings<E, Bindings...>()) return false;
    else {
        constexpr bool values_ok = ((std::is_arithmetic<binding_value_t<Bindings>>::value || is_span<binding_value_t<Bindings>>) && ...);
        static_assert(values_ok, "ctgrad: bind every variable to a number or to an array of floating-point numbers");
        return values_ok;
    }
}

/// The wrt variables bound to scalars, as a typelist.
template <class List, class... Bindings> struct filter_scalar;
template <class... Vars, class... Bindings>
struct filter_scalar<typelist<Vars...>, Bindings...> {
    template <class V> using keep = std::conditional_t<bound_to_array<V, Bindings...>, typelist<>, typelist<V>>;
    template <class... Ls> struct join;
    template <class... As> struct join<typelist<As...>> { using type = typelist<As...>; };
    template <class... As, class... Bs, class... Rest>
    struct join<typelist<As...>, typelist<Bs...>, Rest...> { using type = typename join<typelist<As..., Bs...>, Rest...>::type; };
    using type = typename join<typelist<>, keep<Vars>...>::type;
};

/// For each reduction k at one element: its body's value, then d body / dw for each scalar w.
/// Loop invariants of a reduction's body: its compound nodes that use no array. The loop reads
/// their values, computed once before it (a call such as log(sigma) is not hoisted by the
/// compiler, which must keep errno).
template <class... Bindings>
struct array_free {
    template <class N>
    static constexpr bool invariant = (is_unary<N> || is_binary<N>) && !uses_array<N, Bindings...>;
};

template <class Hoist, class List> struct hoists_any_trait : std::bool_constant<false> {};
template <class Hoist, class List> concept hoists_any = hoists_any_trait<Hoist, List>::value;
template <class Hoist, class... Es> struct hoists_any_trait<Hoist, typelist<Es...>> : std::bool_constant<(Hoist::template invariant<typename Es::node> || ...)> {};

/// The hoisting rule for a body: none when the body has no compound invariant.
template <class Body, class... Bindings>
using hoist_for = std::conditional_t<hoists_any<array_free<Bindings...>, dag<Body>>, array_free<Bindings...>, hoist_none>;

/// The values of `body`'s nodes at element 0, read by the loop for its invariant nodes.
template <class T, class... Bindings, class Body, class Map, class State>
std::array<T, dag<Body>::size> loop_invariants(const Body&, const Map& map, std::size_t n, const State& state) {
    if constexpr (CTGRAD_IS_SAME(hoist_for<Body, Bindings...>, hoist_none)) {
        return {};
    } else {
        if (n == 0) return {};
        return dag_forward<T>(dag<Body>{}, at_element<T>(map, 0), state.lits.data());
    }
}

/// Whether every value of `E` is >= 0 (or nan): a sum of them is the sum of their absolute values.
template <class E> struct nonnegative_trait : std::bool_constant<false> {};
template <class E> concept nonnegative = nonnegative_trait<E>::value;
template <std::intmax_t N, std::intmax_t D> struct nonnegative_trait<constant<N, D>> : std::bool_constant<(N >= 0)> {};
template <std::intmax_t N, class A> struct nonnegative_trait<unary<ipow_op<N>, A>> : std::bool_constant<N % 2 == 0 || nonnegative<A>> {};
template <class A> struct nonnegative_trait<unary<exp_op, A>> : std::bool_constant<true> {};
template <class A> struct nonnegative_trait<unary<sqrt_op, A>> : std::bool_constant<true> {};
template <class A> struct nonnegative_trait<unary<abs_op, A>> : std::bool_constant<true> {};
template <class A> struct nonnegative_trait<unary<relu_op, A>> : std::bool_constant<true> {};
template <class A> struct nonnegative_trait<unary<sigmoid_op, A>> : std::bool_constant<true> {};
template <class L, class R> struct nonnegative_trait<binary<add_op, L, R>> : std::bool_constant<nonnegative<L> && nonnegative<R>> {};
template <class L, class R> struct nonnegative_trait<binary<mul_op, L, R>> : std::bool_constant<nonnegative<L> && nonnegative<R>> {};
template <class L, class R> struct nonnegative_trait<binary<div_op, L, R>> : std::bool_constant<nonnegative<L> && nonnegative<R>> {};
template <class L, class R> struct nonnegative_trait<binary<pow_op, L, R>> : std::bool_constant<nonnegative<L>> {};
template <class Id> struct nonnegative_trait<named<Id>> : nonnegative_trait<named_expression_t<Id>> {};

/// Whether the body of every reduction of a tuple is nonnegative.
template <class Reductions> struct bodies_nonnegative : std::bool_constant<false> {};
template <class... R> struct bodies_nonnegative<boost::hana::tuple<R...>> : std::bool_constant<(nonnegative<typename R::operand_type> && ...)> {};

/// Copies a reduction's quantities to `out` at `Offset`; with `Magnitude`, the absolute value of
/// the first (the body's value) follows them, what the check of a factored reduction sums (see
/// factoring_is_exact) when the body may be negative. Those of the derivatives would double the
/// time of a loop such as a regression's, whose body is a few multiplications.
template <std::size_t Offset, bool Magnitude, class T, std::size_t M, std::size_t P>
CTGRAD_ALWAYS_INLINE void copy_quantities(std::array<T, M>& out, const std::array<T, P>& q) {
    CTGRAD_UNROLL
    for (std::size_t j = 0; j != P; ++j) out[Offset + j] = q[j];
    if constexpr (Magnitude) out[Offset + P] = apply_op<abs_op>(q[0]);
}

template <class T, std::size_t M, bool Magnitude, class... Bindings, class... Ws, class Reductions, class States, class Pres,
          class Ctx, std::size_t... K>
CTGRAD_ALWAYS_INLINE std::array<T, M> element_quantities_at(typelist<Ws...>, const Reductions& reductions, const States& states,
                                                            const Pres& pres, const Ctx& ctx, std::index_sequence<K...>) {
    constexpr std::size_t per = 1 + sizeof...(Ws) + std::size_t(Magnitude);
    std::array<T, M> out{};
    (copy_quantities<K * per, Magnitude>(
         out, dag_value_and_grad_hoisted<hoist_for<std::remove_cvref_t<decltype(boost::hana::at_c<K>(reductions).a())>, Bindings...>,
                                         Ws...>(boost::hana::at_c<K>(reductions).a(), ctx, boost::hana::at_c<K>(states), T(1),
                                                boost::hana::at_c<K>(pres).data())),
     ...);
    return out;
}

template <class T, std::size_t M, bool Magnitude, class... Bindings, class... Ws, class Reductions, class States, class Pres,
          class Ctx>
CTGRAD_ALWAYS_INLINE std::array<T, M> element_quantities(typelist<Ws...> ws, const Reductions& reductions, const States& states,
                                                         const Pres& pres, const Ctx& ctx) {
    return element_quantities_at<T, M, Magnitude, Bindings...>(
        ws, reductions, states, pres, ctx, std::make_index_sequence<M / (1 + sizeof...(Ws) + std::size_t(Magnitude))>{});
}

/// The same quantities from the trees, with symbolic derivatives (the fallback for stateful
/// nodes whose values differ).
template <class T, std::size_t M, bool Magnitude, class... Ws, class Reductions, class Ctx>
std::array<T, M> tree_element_quantities(typelist<Ws...>, const Reductions& reductions, const Ctx& ctx) {
    std::array<T, M> out{};
    std::size_t m = 0;
    boost::hana::for_each(reductions, [&](const auto& red) {
        const T value = eval(red.a(), ctx);
        out[m++] = value;
        ((out[m++] = eval(d(red.a(), Ws{}), ctx)), ...);
        if constexpr (Magnitude) out[m++] = apply_op<abs_op>(value);
    });
    return out;
}

/// Evaluates `e` in `ctx`, reading the value of a node of G's DAG (`List`, values `v`) instead of
/// computing it again.
template <class List, class E, class T, std::size_t V, class Ctx>
constexpr T eval_reusing(const E& e, const std::array<T, V>& v, const Ctx& ctx) {
    if constexpr (contains_node<E, List>::value) return v[index_in<E, List>::value];
    else if constexpr (is_unary<E>) return op_t<E>::value(eval_reusing<List>(e.a(), v, ctx));
    else if constexpr (is_binary<E>) return op_t<E>::value(eval_reusing<List>(e.l(), v, ctx), eval_reusing<List>(e.r(), v, ctx));
    else return eval(e, ctx);
}

/// Whether pulling the invariant parts out of the reductions `originals` (as written) kept the
/// result: pulled out, what is left of reduction k sums, and the invariants are then applied
/// once, where the reduction as written applies them to every term (sum(x / c) is sum(x) / c). The
/// two differ by rounding, and where non-finite numbers appear: with c = 0 and x = [1, -1, 1],
/// sum(x) / c is inf where the terms give nan; with c = 1e10 and x = [1e300, -1e300], c * sum(x)
/// is 0 where they give nan. `magnitudes` holds, for each slot, the sum over the elements of the
/// absolute value of what is left inside; with the bounds of what was taken out (pulled_bounds),
/// gain^2 (magnitude + n (1 + offset)) (1 + slope) bounds the values, partial sums and adjoints
/// of the invariants that the reduction as written computes, and while it stays well below the
/// largest finite number none of them overflows. Not bounded (their magnitudes would cost as
/// much as the loop, see copy_quantities): the derivatives of what is left inside times the
/// factors; the caller also requires finite results, so only a derivative that overflows once
/// multiplied by a factor, and cancels in the factored sum, goes unseen. `eval_node` evaluates
/// the bounds.
template <class T, class Ws, class... Bindings, class Originals, std::size_t K, class Eval>
bool factoring_is_exact(const Originals& originals, const std::array<T, K>& magnitudes, T n, const Eval& eval_node) {
    bool exact = true;
    std::size_t j = 0;
    boost::hana::for_each(originals, [&](const auto& red) {
        using R = std::remove_cvref_t<decltype(red)>;
        using Pulled = decltype(pull_invariants<op_t<R>, Bindings...>(red.a()));
        constexpr std::size_t slots = decltype(boost::hana::size(split_reductions<0>(std::declval<const Pulled&>()).second))::value;
        T magnitude = 0;
        for (std::size_t s = 0; s != slots; ++s) magnitude += magnitudes[j + s];
        j += slots;
        const auto b = pulled_bounds<op_t<R>, Ws, Bindings...>(red.a());
        const T gain = eval_node(b.gain);
        const T bound = gain * gain * (magnitude + n * (T(1) + eval_node(b.offset))) * (T(1) + eval_node(b.slope));
        exact = exact && bound <= std::numeric_limits<T>::max() / T(64);  // false for nan
    });
    return exact;
}

/// The value of the outer function G and its derivatives by the scalar wrt variables `Ws`
/// and by the K reduction slots: one forward and one reverse sweep over G's DAG. Between the
/// two, `check` is called with a function evaluating an expression in the outer context (reusing
/// G's values); nothing is returned when it returns false.
template <class T, std::size_t K, class... Ws, class G, class Ctx, class Check>
std::optional<std::array<T, 1 + sizeof...(Ws) + K>> outer_sweep(typelist<Ws...>, const G& g, const Ctx& octx, const Check& check) {
    return [&]<std::size_t... J>(std::index_sequence<J...>) -> std::optional<std::array<T, 1 + sizeof...(Ws) + K>> {
        const auto state = make_dag_state(g);
        if constexpr (has_state<G>) {
            if (!state.consistent) {  // stateful nodes of one type with different values: trees
                if (!check([&](const auto& e) { return eval(e, octx); })) return std::nullopt;
                return std::array<T, 1 + sizeof...(Ws) + K>{eval(g, octx), eval(d(g, Ws{}), octx)...,
                                                             eval(d(g, slot<J>{}), octx)...};
            }
        }
        using List = dag<G>;
        const auto v = dag_forward<T>(List{}, octx, state.lits.data());
        if (!check([&](const auto& e) { return eval_reusing<List>(e, v, octx); })) return std::nullopt;
        [[maybe_unused]] const auto adj = dag_backward<List>(v, T(1));
        return std::array<T, 1 + sizeof...(Ws) + K>{v[List::size - 1], adjoint_of<Ws, List>(adj)..., adjoint_of<slot<J>, List>(adj)...};
    }(std::make_index_sequence<K>{});
}

/// One evaluation of value_and_grad (see the comment at the top of this file). With `Factor`, the
/// invariant parts of the reductions leave them (pull_invariants), and the result is empty where
/// that may change it (factoring_is_exact); without, the reductions are evaluated as written.
template <bool Factor, class... Vars, class Outs, class E, class... Bindings>
auto value_and_grad_pass(wrt_t<Vars...>, const Outs& outs, const E& loss, const Bindings&... bindings) {
    namespace hana = boost::hana;
    using T = evaluation_scalar<element_t<binding_value_t<Bindings>>...>;
    using Result = std::tuple<T, gradient_out_t<T, Vars, Outs, Bindings...>...>;
    const std::size_t n = common_length(bindings...);
    const auto map = make_binding_map<binding_key_t<Bindings>...>(bindings.value...);
    using Map = std::remove_cvref_t<decltype(map)>;

    const auto split = [&] {  // lambdas capture these
        if constexpr (Factor) return split_reductions<0>(hoist_out_of_reductions<Bindings...>(loss));
        else return split_reductions<0>(loss);
    }();
    const auto& g = split.first;
    const auto& reductions = split.second;
    using G = std::remove_cvref_t<decltype(g)>;
    static_assert(!uses_array<G, Bindings...>,
                  "ctgrad: the loss must reduce every array to a scalar (sum, mean, dot)");
    constexpr std::size_t K = decltype(hana::size(reductions))::value;
    constexpr std::size_t W = (std::size_t(!bound_to_array<Vars, Bindings...>) + ... + 0);  // scalar wrt vars
    // Per reduction: its value, its derivatives, and for the check of a factored reduction the sum
    // of the absolute values, unless that is the value (squares, exp, ...).
    constexpr bool magnitudes = Factor && !bodies_nonnegative<std::remove_cvref_t<decltype(reductions)>>::value;
    constexpr std::size_t per_reduction = 1 + W + std::size_t(magnitudes);

    // Per element and reduction: the value of its body and the body's derivative by each
    // scalar wrt variable, from one forward and one reverse sweep over the body's DAG.
    using ScalarVars = typename filter_scalar<typelist<Vars...>, Bindings...>::type;
    const auto states = hana::transform(reductions, [](const auto& red) { return make_dag_state(red.a()); });
    const bool consistent = hana::fold_left(states, true, [](bool ok, const auto& st) { return ok && st.consistent; });
    constexpr std::size_t M = K * per_reduction;

    const auto pres = hana::unpack(hana::make_range(hana::size_c<0>, hana::size_c<K>), [&](auto... k) {
        return hana::make_tuple(loop_invariants<T, Bindings...>(reductions[k].a(), map, n, states[k])...);
    });
    // Called with width 1 (numbers) or the target's lanes (packs): see eval/loop.hpp.
    const auto dag_quantities = [&](auto width, std::size_t i) {
        using P = lanes_of<T, decltype(width)::value>;
        return element_quantities<P, M, magnitudes, Bindings...>(ScalarVars{}, reductions, states, pres, at_element<P>(map, i));
    };
    const std::array<T, M> totals = [&] {
        if constexpr (K == 0) {
            return std::array<T, 0>{};
        } else if constexpr (!has_state<E>) {
            return fused_sum<T, M>(n, dag_quantities);
        } else {
            // Two stateful nodes that share a type but not their values: evaluate the trees,
            // with symbolic forward derivatives.
            const auto tree_quantities = [&](auto width, std::size_t i) {
                using P = lanes_of<T, decltype(width)::value>;
                return tree_element_quantities<P, M, magnitudes>(ScalarVars{}, reductions, at_element<P>(map, i));
            };
            return consistent ? fused_sum<T, M>(n, dag_quantities) : fused_sum<T, M>(n, tree_quantities);
        }
    }();

    // Reduced values s_k.
    std::array<T, K> reduced{};
    hana::unpack(hana::make_range(hana::size_c<0>, hana::size_c<K>), [&](auto... k) {
        ((reduced[decltype(k)::value] =
              reduction_scaled<std::remove_cvref_t<decltype(reductions[k])>>(totals[decltype(k)::value * per_reduction], n)),
         ...);
    });
    const outer_context<T, Map, K> octx{map, reduced, static_cast<T>(n)};
    // G's value and its derivatives by the scalar wrt variables and by each reduction; nothing
    // when a factored reduction may not give what it gives as written.
    const auto checked = outer_sweep<T, K>(ScalarVars{}, g, octx, [&](const auto& eval_node) {
        if constexpr (!Factor) {
            (void)eval_node;
            return true;
        } else {
            std::array<T, K> sums_of_magnitudes{};
            for (std::size_t k = 0; k != K; ++k) sums_of_magnitudes[k] = totals[k * per_reduction + (magnitudes ? W + 1 : 0)];
            return factoring_is_exact<T, ScalarVars, Bindings...>(split_reductions<0>(loss).second, sums_of_magnitudes,
                                                                  static_cast<T>(n), eval_node);
        }
    });
    if (!checked) return std::optional<Result>{};
    const auto& outer = *checked;
    constexpr std::size_t W1 = 1 + W;
    const T value = outer[0];

    // dG/ds_k, divided by n for a mean: the coefficient of each term of reduction k.
    std::array<T, K> coef{};
    hana::unpack(hana::make_range(hana::size_c<0>, hana::size_c<K>), [&](auto... k) {
        ((coef[decltype(k)::value] = reduction_scaled<std::remove_cvref_t<decltype(reductions[k])>>(outer[W1 + decltype(k)::value], n)),
         ...);
    });

    // The derivatives by the scalar wrt variables: dG/dw + sum_k dG/ds_k S_kw.
    std::array<T, W> scalar_gradients{};
    for (std::size_t wi = 0; wi != W; ++wi) {
        T acc = outer[1 + wi];
        if (n != 0) {  // no element contributes to an empty reduction (PyTorch gives 0 too)
            for (std::size_t k = 0; k != K; ++k) acc += coef[k] * totals[k * per_reduction + 1 + wi];
        }
        scalar_gradients[wi] = acc;
    }
    if constexpr (Factor) {  // not finite: the reductions as written say which inf or nan
        bool finite = std::isfinite(value);
        for (const T g : scalar_gradients) finite = finite && std::isfinite(g);
        if (!finite) return std::optional<Result>{};
    }

    std::size_t w_index = 0;
    auto gradient = [&](auto var) {
        using V = decltype(var);
        if constexpr (bound_to_array<V, Bindings...>) {
            auto out = [&] {
                if constexpr (has_buffer_for<V, Outs>::value) {
                    const auto buffer = std::get<0>(buffer_for<V>(outs));
                    static_assert(CTGRAD_IS_SAME(typename decltype(buffer)::element_type, T),
                                  "ctgrad::into(x, buffer): the buffer's elements must have the evaluation's type (float "
                                  "when every bound number is float, else double)");
                    if (buffer.size() != n) throw_buffer_length(V::name(), buffer.size(), n);
                    return buffer;
                } else {
                    return std::vector<T>(n, T(0));
                }
            }();
            for_elements<T>(0, n, [&](auto width, std::size_t i) {
                using P = lanes_of<T, decltype(width)::value>;
                const auto ctx = at_element<P>(map, i);
                P acc(T(0));
                hana::unpack(hana::make_range(hana::size_c<0>, hana::size_c<K>), [&](auto... k) {
                    if (consistent) {
                        ((acc += dag_value_and_grad<V>(reductions[k].a(), ctx, states[k], P(coef[decltype(k)::value]))[1]), ...);
                    } else {
                        ((acc += P(coef[decltype(k)::value]) * eval(d(reductions[k].a(), V{}), ctx)), ...);
                    }
                });
                store_lanes(out.data() + i, acc);
            });
            return out;
        } else {
            return scalar_gradients[w_index++];
        }
    };
    (void)gradient;  // unused when there is nothing to differentiate by
    return std::optional<Result>{Result{value, gradient(Vars{})...}};
}

/// value_and_grad's implementation: the reductions with their invariant parts pulled out when
/// that keeps the result (value_and_grad_pass), else as written.
/// Array gradients go into the buffers `outs` (a std::tuple of gradient_buffer) where there is one.
template <class... Vars, class Outs, class E, class... Bindings>
auto value_and_grad_into(wrt_t<Vars...> vars, const Outs& outs, const E& loss, const Bindings&... bindings) {
    using Factored = std::remove_cvref_t<decltype(hoist_out_of_reductions<Bindings...>(loss))>;
    if constexpr (CTGRAD_IS_SAME(Factored, E)) {  // nothing to pull out
        return *value_and_grad_pass<false>(vars, outs, loss, bindings...);
    } else {
        if (auto factored = value_and_grad_pass<true>(vars, outs, loss, bindings...)) return std::move(*factored);
        return *value_and_grad_pass<false>(vars, outs, loss, bindings...);
    }
}
template <class... Vars, class E, class... Bindings>
auto value_and_grad_impl(wrt_t<Vars...> vars, const E& loss, const Bindings&... bindings) {
    return value_and_grad_into(vars, std::tuple<>{}, loss, bindings...);
}

/// `evaluate(e, bindings...)` with arrays bound: the value of a loss (one fused pass), or the
/// elements of an element-wise expression as a std::vector.
template <class E, class... Bindings>
auto evaluate_arrays(const E& e, const Bindings&... bindings) {
    if constexpr (!check_fused<E, Bindings...>()) {
        return 0.0;
    } else if constexpr (has_reduction<E>) {
        return std::get<0>(value_and_grad_impl(wrt_t<>{}, e, bindings...));
    } else {
        using T = evaluation_scalar<element_t<binding_value_t<Bindings>>...>;
        std::vector<T> out(common_length(bindings...));
        const auto map = make_binding_map<binding_key_t<Bindings>...>(bindings.value...);
        for_elements<T>(0, out.size(), [&](auto width, std::size_t i) {
            using P = lanes_of<T, decltype(width)::value>;
            store_lanes(out.data() + i, eval(e, at_element<P>(map, i)));
        });
        return out;
    }
}

}  // namespace detail

/// Writes the elements of the element-wise expression `e` into `out`, whose length must be
/// that of the bound arrays; allocates nothing.
template <class T, class E, class... Bindings>
void evaluate_into(std::span<T> out, const E& e, const Bindings&... bindings) {
    static_assert(expression<E>, "ctgrad::evaluate_into(out, e, ...): e must be a ctgrad expression");
    static_assert(!detail::has_reduction<E>, "ctgrad::evaluate_into(out, e, ...): e must be element-wise (no sum or mean)");
    if constexpr (expression<E> && detail::check_fused<E, Bindings...>()) {
        const std::size_t n = detail::common_length(bindings...);
        if (n != out.size())
            throw std::invalid_argument("ctgrad::evaluate_into: the output has " + std::to_string(out.size()) +
                                        " elements and the bound arrays " + std::to_string(n));
        const auto map = detail::make_binding_map<detail::binding_key_t<Bindings>...>(bindings.value...);
        detail::for_elements<T>(0, n, [&](auto width, std::size_t i) {
            using P = detail::lanes_of<T, decltype(width)::value>;
            detail::store_lanes(out.data() + i, detail::eval(e, detail::at_element<P>(map, i)));
        });
    }
}

namespace detail {
template <class V, class Wrt> struct is_wrt_of : std::bool_constant<false> {};
template <class V, class... Vars> struct is_wrt_of<V, wrt_t<Vars...>> : std::bool_constant<(CTGRAD_IS_SAME(V, Vars) || ...)> {};

/// Whether the argument A binds the variable V to an array.
template <class V, class A, bool = is_binding<A>> struct binds_array_to : std::bool_constant<false> {};
template <class V, class A>
struct binds_array_to<V, A, true> : std::bool_constant<CTGRAD_IS_SAME(V, binding_key_t<A>) && is_span<binding_value_t<A>>> {};
/// Whether every buffer among Args is for a wrt variable bound to an array (or an argument is
/// neither a buffer nor a binding: that is reported by the checks of the bindings).
template <class Wrt, class... Args> struct buffers_fit;
template <class... Vars, class... Args>
struct buffers_fit<wrt_t<Vars...>, Args...> {
    template <class A> static constexpr bool fits() {
        if constexpr (!is_buffer<A>) return true;
        else return is_wrt_of<typename A::variable_type, wrt_t<Vars...>>::value &&
                    (binds_array_to<typename A::variable_type, Args>::value || ...);
    }
    static constexpr bool value = !((is_buffer<Args> || is_binding<Args>) && ...) || (fits<Args>() && ...);
};

/// value_and_grad with gradient buffers among the arguments: the buffers and the bindings apart.
template <class... Vars, class E, class... Args>
auto value_and_grad_with_buffers(const E& loss, wrt_t<Vars...> vars, const Args&... args) {
    const auto outs = std::tuple_cat([](const auto& a) {
        if constexpr (is_buffer<std::remove_cvref_t<decltype(a)>>) return std::tuple{a};
        else return std::tuple<>{};
    }(args)...);
    const auto bound = std::tuple_cat([](const auto& a) {
        if constexpr (is_buffer<std::remove_cvref_t<decltype(a)>>) return std::tuple<>{};
        else return std::tuple<const std::remove_cvref_t<decltype(a)>&>{a};
    }(args)...);
    return std::apply([&](const auto&... bindings) {
        return [&]<class... Bs, class... Bindings>(const std::tuple<Bs...>& buffers, const Bindings&... bs) {
            if constexpr (!check_evaluation<E, Bindings...>()) {
                return failed_gradients<wrt_t<Vars...>, Bindings...>();
            } else if constexpr (!check_gradient<E, wrt_t<Vars...>, Bindings...>()) {
                return failed_gradients<wrt_t<Vars...>, Bindings...>();
            } else {
                return value_and_grad_into(vars, buffers, loss, bs...);
            }
        }(outs, bindings...);
    }, bound);
}
}  // namespace detail

/// The loss and its gradient with respect to each variable of `wrt(...)`, in one fused pass
/// over the arrays bound to variables; scalars broadcast.
///
///     auto [loss, dw, db] = value_and_grad(mean(pow(w * x + b - y, 2_c)), wrt(w, b),
///                                          w = 0.5, b = 0.1, x = xs, y = ys);
///
/// A gradient is a scalar for a variable bound to a number, a std::vector for one bound to
/// an array. Arrays of different lengths throw std::invalid_argument. With `into(x, dx)` among
/// the arguments, the gradient by the array variable x is written into the caller's buffer dx
/// and returned as a std::span over it: nothing is allocated (a buffer whose length is not the
/// arrays' throws std::invalid_argument).
template <class... Vars, class E, class... Bindings>
auto value_and_grad(const E& loss, wrt_t<Vars...> vars, const Bindings&... bindings) {
    if constexpr (detail::is_shaped<E> && (detail::is_buffer<Bindings> || ...)) {
        return detail::shaped_value_and_grad(loss, vars, bindings...);
    } else if constexpr (detail::is_shaped<E>) {
        return detail::shaped_value_and_grad_checked(loss, vars, std::tuple<>{}, bindings...);
    } else if constexpr ((detail::is_buffer<Bindings> || ...)) {
        if constexpr (!detail::buffers_fit<wrt_t<Vars...>, Bindings...>::value) {
            static_assert(detail::never<detail::readable<E>, Bindings...>,
                          "ctgrad::into(x, buffer): x must be a wrt variable bound to an array");
            return detail::failed_gradients<wrt_t<Vars...>, Bindings...>();
        } else {
            return detail::value_and_grad_with_buffers(loss, vars, bindings...);
        }
    } else if constexpr (!detail::check_evaluation<E, Bindings...>()) {
        return detail::failed_gradients<wrt_t<Vars...>, Bindings...>();
    } else if constexpr (!detail::check_gradient<E, wrt_t<Vars...>, Bindings...>()) {
        return detail::failed_gradients<wrt_t<Vars...>, Bindings...>();
    } else {
        return detail::value_and_grad_impl(vars, loss, bindings...);
    }
}

}  // namespace ctgrad

#endif
