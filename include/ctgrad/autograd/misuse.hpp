// Mistakes with tensors, caught at compile time with one sentence each.
//
// Each mistake selects an overload of its own, whose static_assert is the only error: an
// operation between a Tensor and something that is neither a Tensor nor a number, a statement
// of more than 64 operands. The overload for the last is more constrained than the operators
// of autograd/tensor.hpp (its constraints include `detail::tensor_operands`), so it wins
// exactly when the mistake is made. After the sentence it returns an operand, so that the code
// around the mistake still compiles. Tensors of different dtypes (float32 with float64) select
// overloads of the same kind that promote the float32 operand.
#ifndef CTGRAD_AUTOGRAD_MISUSE_HPP
#define CTGRAD_AUTOGRAD_MISUSE_HPP

#include <ctgrad/autograd/tensor.hpp>
#include <ctgrad/core/expr.hpp>

#include <cstddef>
#include <type_traits>

namespace ctgrad {
namespace detail {

/// The number of operands `x` brings to a statement (see `operand` in autograd/tensor.hpp):
/// one for a number or a Tensor, one for a reduced statement that is evaluated first, else
/// the statement's own. (Class templates rather than functions or variable templates: they
/// are checked for every operation on tensors, and make no symbols.)
template <class X, bool KeepReduced> struct operand_count : std::integral_constant<std::size_t, 1> {};
template <class T, class E, std::size_t L, bool KeepReduced> struct operand_count<tensor_expr<T, E, L>, KeepReduced>
    : std::integral_constant<std::size_t, (tensor_expr<T, E, L>::reduced && !KeepReduced) ? 1 : L> {};

/// The number of operands of the statement `a op b`.
template <class A, class B> struct statement_operands
    : std::integral_constant<std::size_t, operand_count<A, std::is_arithmetic<B>::value>::value +
                                              operand_count<B, std::is_arithmetic<A>::value>::value> {};

template <class A, class B>
inline constexpr bool same_dtype = CTGRAD_IS_SAME(typename scalar_of<A>::type, typename scalar_of<B>::type);

template <class A, class B>
concept mixed_dtypes = tensor_like<A> && tensor_like<B> && !same_dtype<A, B>;

/// The statement `a op b` would hold more than 64 operands.
template <class A, class B>
concept too_many_operands = !mixed_dtypes<A, B> && (statement_operands<A, B>::value > 64);

template <class A, class B>
concept tensor_and_expression = (tensor_like<A> && expression<B>) || (expression<A> && tensor_like<B>);

/// A Tensor and something that is neither a Tensor, a number nor an expression.
template <class X>
concept foreign_operand = !tensor_like<X> && !std::is_arithmetic<X>::value && !expression<X> && !int_tensor<X>;
template <class A, class B>
concept tensor_and_foreign = (tensor_like<A> && foreign_operand<B>) || (foreign_operand<A> && tensor_like<B>);

template <class A, class B>
constexpr const auto& tensor_side(const A& a, const B& b) {
    if constexpr (tensor_like<A>) return a;
    else return b;
}

// The conditions of the static_asserts: false where they are instantiated, and printed with
// their arguments next to the sentence.
template <class X> inline constexpr bool is_a_tensor_or_a_number = false;
template <std::size_t N> inline constexpr bool at_most_64_operands = N <= 64;

template <class A, class B>
auto reject_expression(const A& a, const B& b) {
    static_assert(is_a_tensor_or_a_number<readable<std::conditional_t<tensor_like<A>, B, A>>>,
                  "ctgrad: a Tensor combines with Tensors and numbers, not with a symbolic expression such as var<\"y\"> or 2_c");
    return tensor_side(a, b);
}
template <class A, class B>
auto reject_foreign(const A& a, const B& b) {
    static_assert(is_a_tensor_or_a_number<std::conditional_t<tensor_like<A>, B, A>>,
                  "ctgrad: a Tensor combines with Tensors and numbers; make the other operand a Tensor with ctgrad::tensor(...)");
    return tensor_side(a, b);
}

template <std::size_t Operands, class A, class B>
auto reject_too_many_operands(const A& a, const B& b) {
    static_assert(at_most_64_operands<Operands>,
                  "ctgrad: at most 64 tensors and numbers in one statement; assign part of it to a Tensor");
    return tensor_side(a, b);
}

}  // namespace detail

template <class A, class B> requires detail::tensor_and_expression<A, B>
auto operator+(const A& a, const B& b) { return detail::reject_expression(a, b); }
template <class A, class B> requires detail::tensor_and_expression<A, B>
auto operator-(const A& a, const B& b) { return detail::reject_expression(a, b); }
template <class A, class B> requires detail::tensor_and_expression<A, B>
auto operator*(const A& a, const B& b) { return detail::reject_expression(a, b); }
template <class A, class B> requires detail::tensor_and_expression<A, B>
auto operator/(const A& a, const B& b) { return detail::reject_expression(a, b); }
template <class A, class B> requires detail::tensor_and_expression<A, B>
auto pow(const A& a, const B& b) { return detail::reject_expression(a, b); }

template <class A, class B> requires detail::tensor_and_foreign<A, B>
auto operator+(const A& a, const B& b) { return detail::reject_foreign(a, b); }
template <class A, class B> requires detail::tensor_and_foreign<A, B>
auto operator-(const A& a, const B& b) { return detail::reject_foreign(a, b); }
template <class A, class B> requires detail::tensor_and_foreign<A, B>
auto operator*(const A& a, const B& b) { return detail::reject_foreign(a, b); }
template <class A, class B> requires detail::tensor_and_foreign<A, B>
auto operator/(const A& a, const B& b) { return detail::reject_foreign(a, b); }
template <class A, class B> requires detail::tensor_and_foreign<A, B>
auto pow(const A& a, const B& b) { return detail::reject_foreign(a, b); }

// float32 with float64: the float32 operand is converted (ToCopyBackward0, its gradient
// converted back) and the operation is a float64 statement, as torch.result_type gives for two
// tensors of which one has dimensions (PyTorch keeps float32 when the float64 one is
// 0-dimensional and the other is not; here the dtype is part of the type: float64).
template <class A, class B> requires detail::tensor_operands<A, B> && detail::mixed_dtypes<A, B>
auto operator+(const A& a, const B& b) { return detail::as_double(a) + detail::as_double(b); }
template <class A, class B> requires detail::tensor_operands<A, B> && detail::mixed_dtypes<A, B>
auto operator-(const A& a, const B& b) { return detail::as_double(a) - detail::as_double(b); }
template <class A, class B> requires detail::tensor_operands<A, B> && detail::mixed_dtypes<A, B>
auto operator*(const A& a, const B& b) { return detail::as_double(a) * detail::as_double(b); }
template <class A, class B> requires detail::tensor_operands<A, B> && detail::mixed_dtypes<A, B>
auto operator/(const A& a, const B& b) { return detail::as_double(a) / detail::as_double(b); }
template <class A, class B> requires detail::tensor_operands<A, B> && detail::mixed_dtypes<A, B>
auto pow(const A& a, const B& b) { return pow(detail::as_double(a), detail::as_double(b)); }

template <class A, class B> requires detail::tensor_operands<A, B> && detail::too_many_operands<A, B>
auto operator+(const A& a, const B& b) { return detail::reject_too_many_operands<detail::statement_operands<A, B>::value>(a, b); }
template <class A, class B> requires detail::tensor_operands<A, B> && detail::too_many_operands<A, B>
auto operator-(const A& a, const B& b) { return detail::reject_too_many_operands<detail::statement_operands<A, B>::value>(a, b); }
template <class A, class B> requires detail::tensor_operands<A, B> && detail::too_many_operands<A, B>
auto operator*(const A& a, const B& b) { return detail::reject_too_many_operands<detail::statement_operands<A, B>::value>(a, b); }
template <class A, class B> requires detail::tensor_operands<A, B> && detail::too_many_operands<A, B>
auto operator/(const A& a, const B& b) { return detail::reject_too_many_operands<detail::statement_operands<A, B>::value>(a, b); }
template <class A, class B> requires detail::tensor_operands<A, B> && detail::too_many_operands<A, B>
auto pow(const A& a, const B& b) { return detail::reject_too_many_operands<detail::statement_operands<A, B>::value>(a, b); }

}  // namespace ctgrad

#endif
