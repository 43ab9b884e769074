// PyTorch's names for a statement: the grad_fn of each operation (MulBackward0, ...), the
// grad_fn tree Python would show, and which backward functions save their result.
#ifndef CTGRAD_AUTOGRAD_TORCH_NAMES_HPP
#define CTGRAD_AUTOGRAD_TORCH_NAMES_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/grad_fn.hpp>
#include <ctgrad/autograd/slots.hpp>
#include <ctgrad/autograd/storage.hpp>
#include <ctgrad/core/reductions.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ctgrad {

/// 1 / a, as torch.reciprocal;  d/da = -r^2.  `2.0 / x` is `reciprocal(x) * 2.0`, as in PyTorch.
struct reciprocal_op : detail::op_base<"reciprocal", notation::function> {
    template <class T> static constexpr T value(T a) { return T(1) / a; }
    template <class A, class R> static constexpr auto partial(const A&, const R& r) { return make_neg(make_mul(r, r)); }
};

namespace detail {

template <class Op> inline constexpr std::string_view backward_name = "";
template <> inline constexpr std::string_view backward_name<add_op> = "AddBackward0";
template <> inline constexpr std::string_view backward_name<sub_op> = "SubBackward0";
template <> inline constexpr std::string_view backward_name<mul_op> = "MulBackward0";
template <> inline constexpr std::string_view backward_name<div_op> = "DivBackward0";
template <> inline constexpr std::string_view backward_name<neg_op> = "NegBackward0";
template <std::intmax_t N> inline constexpr std::string_view backward_name<ipow_op<N>> = "PowBackward0";
template <> inline constexpr std::string_view backward_name<exp_op> = "ExpBackward0";
template <> inline constexpr std::string_view backward_name<log_op> = "LogBackward0";
template <> inline constexpr std::string_view backward_name<sin_op> = "SinBackward0";
template <> inline constexpr std::string_view backward_name<cos_op> = "CosBackward0";
template <> inline constexpr std::string_view backward_name<tan_op> = "TanBackward0";
template <> inline constexpr std::string_view backward_name<tanh_op> = "TanhBackward0";
template <> inline constexpr std::string_view backward_name<sqrt_op> = "SqrtBackward0";
template <> inline constexpr std::string_view backward_name<sigmoid_op> = "SigmoidBackward0";
template <> inline constexpr std::string_view backward_name<log1p_op> = "Log1PBackward0";
template <> inline constexpr std::string_view backward_name<expm1_op> = "Expm1Backward0";
template <> inline constexpr std::string_view backward_name<abs_op> = "AbsBackward0";
template <> inline constexpr std::string_view backward_name<relu_op> = "ReluBackward0";
template <> inline constexpr std::string_view backward_name<reciprocal_op> = "ReciprocalBackward0";
template <> inline constexpr std::string_view backward_name<sum_op> = "SumBackward0";
template <> inline constexpr std::string_view backward_name<mean_op> = "MeanBackward0";

template <class T>
bool is_number_slot(const targ<T>& a) { return !a.t; }

/// Whether any slot in [Off, Off + slot_count<E>) takes a gradient.
template <class E, std::size_t Off, class Args>
bool any_grad(const Args& args) {
    for (std::size_t k = Off; k != Off + slot_count<E>; ++k)
        if (args[k].grad) return true;
    return false;
}

template <class T>
grad_fn describe_tensor(const targ<T>& a);

/// The identity of the node `k` places after `id` in the statement's tree (preorder): distinct
/// for the distinct nodes of one statement.
inline const void* node_id(const void* id, std::uint64_t k) {
    return reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(id) + k);
}

/// grad_fn.name() of E's last operation (its slots start at Off), as describe_expr names it.
template <class E, std::size_t Off, class Args>
std::string statement_name(const Args& args) {
    using T = typename Args::value_type::value_type;
    if constexpr (is_variable<E> || is_constant<E>) {
        return {};
    } else if constexpr (is_unary<E>) {
        return std::string(backward_name<op_t<E>>);
    } else {
        using Op = op_t<E>;
        constexpr std::size_t RO = Off + slot_count<typename E::left_type>;
        if constexpr (CTGRAD_IS_SAME(Op, sub_op) && is_variable<typename E::left_type>)
            if (is_number_slot<T>(args[Off])) return "RsubBackward1";
        if constexpr (CTGRAD_IS_SAME(Op, pow_op)) {
            if constexpr (is_variable<typename E::right_type>)
                if (is_number_slot<T>(args[RO])) return "PowBackward0";
            return "PowBackward1";
        } else {
            return std::string(backward_name<Op>);
        }
    }
}

/// The grad_fn of the node E whose slots start at Off, as PyTorch would build it.
template <class E, std::size_t Off, class Args>
grad_fn describe_expr(const Args& args, const void* id) {
    if constexpr (is_variable<E>) {
        return describe_tensor(args[Off]);
    } else if constexpr (is_constant<E>) {
        return {};
    } else if constexpr (is_unary<E>) {
        using A = typename E::operand_type;
        std::vector<grad_fn::edge> next{{any_grad<A, Off>(args) ? describe_expr<A, Off>(args, node_id(id, 1)) : grad_fn{}, 0}};
        return {statement_name<E, Off>(args), id, std::move(next)};
    } else {
        using Lt = typename E::left_type;
        using Rt = typename E::right_type;
        constexpr std::size_t RO = Off + slot_count<Lt>;
        auto left = [&] { return grad_fn::edge{any_grad<Lt, Off>(args) ? describe_expr<Lt, Off>(args, node_id(id, 1)) : grad_fn{}, 0}; };
        auto right = [&] {
            return grad_fn::edge{any_grad<Rt, RO>(args) ? describe_expr<Rt, RO>(args, node_id(id, 1 + tree_size<Lt>)) : grad_fn{}, 0};
        };
        // A number operand has no edge: `2 - t` (RsubBackward1) and `t ** 2.` (PowBackward0).
        std::string name = statement_name<E, Off>(args);
        if (name == "RsubBackward1") return {std::move(name), id, {right()}};
        if (name == "PowBackward0") return {std::move(name), id, {left()}};
        return {std::move(name), id, {left(), right()}};
    }
}

template <class T>
grad_fn describe_tensor(const targ<T>& a) {
    if (!a.t || !a.grad) return {};
    if (a.t->grad_fn) {  // another statement's node: its inputs are described when asked for
        std::shared_ptr<const node<T>> n = a.t->grad_fn;
        std::string name = n->name();
        const void* id = n->id();
        return {std::move(name), id, std::function<std::vector<grad_fn::edge>()>([n] { return n->describe().next_functions(); })};
    }
    return {"torch::autograd::AccumulateGrad", static_cast<const void*>(a.t.get()), std::vector<grad_fn::edge>{}};
}

/// Whether PyTorch's backward function of E's last operation saves its result (exp, expm1,
/// tan, tanh, sigmoid, sqrt, relu, and PowBackward1, a power with a tensor exponent): then
/// modifying the result in place makes that backward raise.
template <class E, class Args>
bool saves_result(const Args& args) {
    if constexpr (is_unary<E>) {
        using Op = op_t<E>;
        return CTGRAD_IS_SAME(Op, exp_op) || CTGRAD_IS_SAME(Op, expm1_op) || CTGRAD_IS_SAME(Op, tan_op) ||
               CTGRAD_IS_SAME(Op, tanh_op) || CTGRAD_IS_SAME(Op, sigmoid_op) || CTGRAD_IS_SAME(Op, sqrt_op) ||
               CTGRAD_IS_SAME(Op, relu_op);
    } else if constexpr (is_binary<E> && CTGRAD_IS_SAME(op_t<E>, pow_op)) {
        if constexpr (is_variable<typename E::right_type>) return !is_number_slot(args[slot_count<typename E::left_type>]);
        else return true;
    } else {
        return false;
    }
}

}  // namespace detail

}  // namespace ctgrad

#endif
