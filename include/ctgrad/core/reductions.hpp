// Reductions over arrays: sum, mean, dot. Linear ops: d sum(e) / dx = sum(d e / dx).
//
// Bound to scalars a reduction sees one element (sum(e) = mean(e) = e); bound to arrays it
// runs over every element in the fused loop (eval/fused.hpp).
#ifndef CTGRAD_CORE_REDUCTIONS_HPP
#define CTGRAD_CORE_REDUCTIONS_HPP

#include <ctgrad/core/operators.hpp>

#include <string_view>

namespace ctgrad {

/// sum_i a_i;  d/dx sum(a) = sum(d a / dx).
struct sum_op : detail::op_base<"sum", notation::function> {
    static constexpr bool reduction = true;
    static constexpr std::string_view torch_backward = "SumBackward0";
    static constexpr bool saves_result = false;
    static constexpr bool linear = true;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a) { return a; }  // one element
};

/// (1/n) sum_i a_i;  d/dx mean(a) = mean(d a / dx).  The mean of no elements is NaN, as in PyTorch.
struct mean_op : detail::op_base<"mean", notation::function> {
    static constexpr bool reduction = true;
    static constexpr std::string_view torch_backward = "MeanBackward0";
    static constexpr bool saves_result = false;
    static constexpr bool linear = true;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a) { return a; }  // one element
};

namespace detail {
template <class... Ops> struct op_list {};

/// Every op tag (a power ipow_op<N> by ipow_op<2>): test/static checks that each has what
/// core/ops.hpp lists.
using all_ops = op_list<add_op, sub_op, mul_op, div_op, neg_op, ipow_op<2>, pow_op, exp_op, log_op, sin_op, cos_op, tan_op,
                        tanh_op, sqrt_op, sigmoid_op, log1p_op, expm1_op, reciprocal_op, sign_op, abs_op, step_op, le_op,
                        ge_op, eq_op, and_op, lt_op, gt_op, ne_op, not_op, where_op, relu_op, pi_op, atan_op, asin_op,
                        acos_op, sinh_op, cosh_op, asinh_op, acosh_op, atanh_op, erf_op, erfc_op, log2_op, log10_op,
                        cbrt_op, atan2_op, hypot_op, max_op, min_op, clamp_min_op, clamp_max_op, sum_op, mean_op>;

template <class E> struct is_reduction_trait : std::bool_constant<false> {};
template <class E> concept is_reduction = is_reduction_trait<E>::value;
template <class A> struct is_reduction_trait<unary<sum_op, A>> : std::bool_constant<true> {};
template <class A> struct is_reduction_trait<unary<mean_op, A>> : std::bool_constant<true> {};
template <class Id> struct is_reduction_trait<named<Id>> : is_reduction_trait<named_expression_t<Id>> {};

/// Whether a reduction occurs anywhere in `E`.
template <class E> struct has_reduction_trait : std::bool_constant<false> {};
template <class E> concept has_reduction = has_reduction_trait<E>::value;
template <class Op, class A> struct has_reduction_trait<unary<Op, A>> : std::bool_constant<is_reduction<unary<Op, A>> || has_reduction<A>> {};
template <class Op, class L, class R> struct has_reduction_trait<binary<Op, L, R>> : std::bool_constant<has_reduction<L> || has_reduction<R>> {};
template <class Id> struct has_reduction_trait<named<Id>> : has_reduction_trait<named_expression_t<Id>> {};

/// The condition of the static_assert below, printed with the operand.
template <class A> inline constexpr bool has_no_reduction = false;

/// A reduction of `a`, simplified: the reduction of 0 is 0.
template <class Op, class A>
constexpr auto make_reduction(const A& a) {
    if constexpr (has_reduction<A>) {
        static_assert(has_no_reduction<readable<A>>,
                      "ctgrad: a reduction inside another reduction is not supported; reduce in two statements");
        return zero;
    } else if constexpr (is_zero<A>) {
        return zero;
    } else {
        return unary<Op, A>{a};
    }
}
}  // namespace detail

/// The sum of the elements of `e`.
template <expression A>
constexpr auto sum(const A& a) { return detail::make_reduction<sum_op>(a); }

/// The mean of the elements of `e`.
template <expression A>
constexpr auto mean(const A& a) { return detail::make_reduction<mean_op>(a); }

/// The dot product of two arrays, `sum(a * b)`.
template <class A, class B> requires detail::operands<A, B>
constexpr auto dot(const A& a, const B& b) { return sum(detail::as_expr(a) * detail::as_expr(b)); }

}  // namespace ctgrad

#endif
