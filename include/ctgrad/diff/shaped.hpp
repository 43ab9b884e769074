// Derivatives of shaped expressions (core/shaped.hpp): gradients by vectors and matrices.
//
// `d(f, w)` of a scalar f by a vector or matrix w is the gradient, an expression of w's shape,
// built in reverse mode: the adjoint of each node, an expression of its shape, passes to its
// operands by the rules below (dot(a, b) gives b * adjoint to a; W @ x gives outer(adjoint, x)
// to W and transpose(W) @ adjoint to x; a broadcast scalar receives the vsum of its uses).
// `d(f, x)` of a vector or matrix f by a scalar x is the derivative of each component, built in
// forward mode (`tangent`), which also gives Hessian-vector products: `hessian(f, wrt(w),
// bindings...)` evaluates them along each axis into the Hessian's columns.
#ifndef CTGRAD_DIFF_SHAPED_HPP
#define CTGRAD_DIFF_SHAPED_HPP

#include <ctgrad/core/shaped.hpp>
#include <ctgrad/diff/derivative.hpp>
#include <ctgrad/eval/shaped.hpp>

#include <cstddef>
#include <tuple>
#include <vector>

namespace ctgrad {
namespace detail {

/// The adjoint `g` of a scalar operand of an element-wise node of higher rank: the sum of its uses.
template <class Operand, class G>
constexpr auto reduce_to(const G& g) {
    if constexpr (shape_rank<Operand> == 0 && shape_rank<G> > 0) return make_vsum(g);
    else return g;
}

/// The gradient by `V` of the scalar at the root, through `e` whose adjoint is `adj`.
template <class E, class V, class Adj>
constexpr auto shaped_gradient(const E& e, const V& v, const Adj& adj) {
    if constexpr (!depends_on<E, V> || is_zero<Adj>) {
        return zero;
    } else if constexpr (CTGRAD_IS_SAME(E, V)) {
        return reduce_to<V>(adj);
    } else if constexpr (is_named<E>) {
        return shaped_gradient(e.expression(), v, adj);
    } else if constexpr (is_op<E, dot_op>) {
        return make_add(shaped_gradient(e.l(), v, make_mul(adj, e.r())), shaped_gradient(e.r(), v, make_mul(adj, e.l())));
    } else if constexpr (is_op<E, vsum_op>) {
        return shaped_gradient(e.a(), v, adj);
    } else if constexpr (is_op<E, matvec_op>) {
        return make_add(shaped_gradient(e.l(), v, make_outer(adj, e.r())),
                        shaped_gradient(e.r(), v, make_matvec(make_transpose(e.l()), adj)));
    } else if constexpr (is_op<E, outer_op>) {
        return make_add(shaped_gradient(e.l(), v, make_matvec(adj, e.r())),
                        shaped_gradient(e.r(), v, make_matvec(make_transpose(adj), e.l())));
    } else if constexpr (is_op<E, transpose_op>) {
        return shaped_gradient(e.a(), v, make_transpose(adj));
    } else if constexpr (is_reduction<E>) {
        // d sum_n body_n = sum_n d body_n; a scalar adjoint (the same in every row) leaves it
        if constexpr (shape_rank<Adj> == 0) return make_mul(adj, make_reduction<op_t<E>>(shaped_gradient(e.a(), v, one)));
        else return make_reduction<op_t<E>>(shaped_gradient(e.a(), v, adj));
    } else if constexpr (is_unary<E>) {
        return shaped_gradient(e.a(), v, chain_mul(op_t<E>::partial(e.a(), e), adj));
    } else {
        using Op = op_t<E>;
        using L = typename E::left_type;
        using R = typename E::right_type;
        auto left = [&] {
            if constexpr (!depends_on<L, V>) return zero;
            else return shaped_gradient(e.l(), v, reduce_to<L>(chain_mul(Op::partial_l(e.l(), e.r(), e), adj)));
        };
        auto right = [&] {
            if constexpr (!depends_on<R, V>) return zero;
            else return shaped_gradient(e.r(), v, reduce_to<R>(chain_mul(Op::partial_r(e.l(), e.r(), e), adj)));
        };
        return make_add(left(), right());
    }
}

/// A variable and its direction, for `tangent`.
template <class V, class D> struct tangent_direction {};
template <class... Ds> struct directions {};

template <class E, class Ds> struct depends_on_any;
template <class E, class... Vs, class... Ds> struct depends_on_any<E, directions<tangent_direction<Vs, Ds>...>>
    : std::bool_constant<(depends_on<E, Vs> || ...)> {};

template <class E, class... Vs, class... Ds>
constexpr auto direction_for(directions<tangent_direction<Vs, Ds>...>) {
    return std::tuple_element_t<0, decltype(std::tuple_cat(std::conditional_t<CTGRAD_IS_SAME(E, Vs), std::tuple<Ds>, std::tuple<>>{}...))>{};
}

/// The derivative of `e` along the directions: each variable V moves along its D (forward mode).
template <class E, class Ds>
constexpr auto tangent(const E& e, Ds ds) {
    if constexpr (!depends_on_any<E, Ds>::value) {
        return zero;
    } else if constexpr (is_variable<E>) {
        return direction_for<E>(ds);
    } else if constexpr (is_named<E>) {
        return tangent(e.expression(), ds);
    } else if constexpr (is_op<E, dot_op>) {
        return make_add(make_dot(tangent(e.l(), ds), e.r()), make_dot(e.l(), tangent(e.r(), ds)));
    } else if constexpr (is_op<E, vsum_op>) {
        return make_vsum(tangent(e.a(), ds));
    } else if constexpr (is_op<E, matvec_op>) {
        return make_add(make_matvec(tangent(e.l(), ds), e.r()), make_matvec(e.l(), tangent(e.r(), ds)));
    } else if constexpr (is_op<E, outer_op>) {
        return make_add(make_outer(tangent(e.l(), ds), e.r()), make_outer(e.l(), tangent(e.r(), ds)));
    } else if constexpr (is_op<E, transpose_op>) {
        return make_transpose(tangent(e.a(), ds));
    } else if constexpr (is_reduction<E>) {
        return make_reduction<op_t<E>>(tangent(e.a(), ds));
    } else if constexpr (is_unary<E>) {
        return chain_mul(op_t<E>::partial(e.a(), e), tangent(e.a(), ds));
    } else {
        using Op = op_t<E>;
        auto left = [&] {
            if constexpr (!depends_on_any<typename E::left_type, Ds>::value) return zero;
            else return chain_mul(Op::partial_l(e.l(), e.r(), e), tangent(e.l(), ds));
        };
        auto right = [&] {
            if constexpr (!depends_on_any<typename E::right_type, Ds>::value) return zero;
            else return chain_mul(Op::partial_r(e.l(), e.r(), e), tangent(e.r(), ds));
        };
        return make_add(left(), right());
    }
}

/// Conditions of the static_asserts below.
template <class F, class X> inline constexpr bool is_not_a_jacobian = false;
template <class F> inline constexpr bool has_bindings_for_the_hessian = false;

/// The name of the direction of the I-th variable of a Hessian.
consteval fixed_string<4> direction_name(std::size_t i) {
    fixed_string<4> s;
    s.chars[0] = '#';
    s.chars[1] = 'd';
    s.chars[2] = static_cast<char>('0' + i);
    return s;
}
template <class V, std::size_t I> struct direction_variable { using type = variable<direction_name(I)>; };
template <fixed_string N, std::size_t I> struct direction_variable<vec_variable<N>, I> { using type = vec_variable<direction_name(I)>; };
template <fixed_string N, std::size_t I> struct direction_variable<mat_variable<N>, I> { using type = mat_variable<direction_name(I)>; };

}  // namespace detail

namespace detail {
/// `d(f, x)` when f or x is a vector or matrix (called by `d`, after its checks): of a scalar f
/// by a vector or matrix x, the gradient (an expression of x's shape); of a vector or matrix f
/// by a scalar x, the derivative of each component. `d(dot(w, x), w)` is `x`.
template <int Order, class F, class X>
constexpr auto shaped_d(const F& f, const X& x) {
    if constexpr (shape_rank<F> != 0 && shape_rank<X> != 0) {
        static_assert(is_not_a_jacobian<readable<F>, readable<X>>,
                      "ctgrad::d(f, x): f and x are both vectors or matrices, so the derivative is a Jacobian; differentiate "
                      "a scalar, such as dot(u, f), or use hessian(f, wrt(x), bindings...) for second derivatives");
        return zero;
    } else {
        auto first = [&] {
            if constexpr (shape_rank<F> == 0) return shaped_gradient(f, x, one);
            else return tangent(f, directions<tangent_direction<X, constant<1>>>{});
        }();
        if constexpr (Order == 1) return first;
        else return d<Order - 1>(first, x);
    }
}

/// `grad(f, xs...)` of a scalar f over vectors and matrices: one expression per variable, each
/// of its variable's shape.
template <class F, class... Xs>
constexpr auto shaped_grad(const F& f, const Xs&... xs) {
    return std::tuple{shaped_d<1>(f, xs)...};
}
}  // namespace detail

/// The Hessian of a scalar f by vectors, matrices and scalars, evaluated: an S x S matrix,
/// row-major in a std::vector, where S is the total number of components of the variables in
/// the order of wrt (a matrix's row-major). Each column is a Hessian-vector product (forward
/// mode over the symbolic gradient), evaluated with the bindings in one pass over the rows.
///
///     std::vector<double> H = hessian(loss, wrt(w), w = wv, x = rows(X, d), y = ys);
template <class F, class... Xs, class B, class... Bs>
    requires detail::is_shaped<F>
auto hessian(const F& f, wrt_t<Xs...>, const B& b, const Bs&... bs) {
    using namespace detail;
    using T = shaped::scalar_of<B, Bs...>;
    using Ctx = shaped::context<T, B, Bs...>;
    static_assert(sizeof...(Xs) >= 1 && sizeof...(Xs) <= 9, "ctgrad::hessian(f, wrt(...), bindings...): give 1 to 9 variables");
    if constexpr (!check_evaluation<F, B, Bs...>()) {
        return std::vector<T>{};
    } else if constexpr (shape_rank<F> != 0) {
        static_assert(is_a_scalar_loss<readable<F>>, "ctgrad::hessian: f must be a scalar");
        return std::vector<T>{};
    } else {
        const Ctx ctx{std::tie(b, bs...), shaped::row_count(b, bs...)};
        constexpr std::size_t K = sizeof...(Xs);
        const std::array<std::size_t, K> sizes{shaped::gradient_size<Xs>(ctx)...};
        std::array<std::size_t, K + 1> offset{};
        for (std::size_t i = 0; i < K; ++i) offset[i + 1] = offset[i] + sizes[i];
        const std::size_t S = offset[K];
        std::vector<T> H(S * S, T(0));
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            using Ds = directions<tangent_direction<Xs, typename direction_variable<Xs, I>::type>...>;
            // the directions' values: a unit vector along one axis of one variable
            std::array<std::vector<T>, K> dir{std::vector<T>(sizes[I], T(0))...};
            const auto& first = std::get<0>(ctx.bindings);
            (void)first;
            auto binding_of = [&]<std::size_t J, class X>() {
                using D = typename direction_variable<X, J>::type;
                constexpr auto kind = Ctx::template kind<X>;
                if constexpr (kind == shaped::held::number || kind == shaped::held::numbers_per_row) {
                    static_assert(kind == shaped::held::number, "ctgrad::hessian: a variable differentiated by twice must be a parameter, not data");
                    return D{} = dir[J][0];
                } else if constexpr (kind == shaped::held::matrix) {
                    const auto& m = ctx.template value<X>();
                    return D{} = as_matrix(dir[J], m.rows, m.cols);
                } else {
                    static_assert(kind == shaped::held::vector, "ctgrad::hessian: a variable differentiated by twice must be a parameter, not data");
                    return D{} = std::span<const T>(dir[J]);
                }
            };
            auto column = [&](std::size_t col) {
                auto one_block = [&]<std::size_t J, class X>() {
                    const auto g = shaped_gradient(f, X{}, one);
                    const auto h = tangent(g, Ds{});
                    const auto value = shaped::evaluate(h, b, bs..., binding_of.template operator()<I, Xs>()...);
                    for (std::size_t m = 0; m < sizes[J]; ++m) {
                        T v;
                        if constexpr (std::is_arithmetic_v<std::remove_cvref_t<decltype(value)>>) v = value;
                        else v = value.size() == 1 ? value[0] : value[m];
                        H[(offset[J] + m) * S + col] = v;
                    }
                };
                (one_block.template operator()<I, Xs>(), ...);
            };
            for (std::size_t j = 0; j < K; ++j)
                for (std::size_t k = 0; k < sizes[j]; ++k) {
                    dir[j][k] = T(1);
                    column(offset[j] + k);
                    dir[j][k] = T(0);
                }
            return H;
        }(std::index_sequence_for<Xs...>{});
    }
}

}  // namespace ctgrad

#endif
