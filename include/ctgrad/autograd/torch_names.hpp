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

namespace detail {

/// grad_fn.name() of an operation (its op tag's torch_backward, core/ops.hpp).
template <class Op> inline constexpr std::string_view backward_name = Op::torch_backward;

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

/// Whether PyTorch's backward function of E's last operation saves its result (its op tag's
/// saves_result: exp, expm1, tan, tanh, sigmoid, sqrt, relu, and PowBackward1, a power with a
/// tensor exponent): then modifying the result in place makes that backward raise.
template <class E, class Args>
bool saves_result(const Args& args) {
    if constexpr (is_binary<E> && CTGRAD_IS_SAME(op_t<E>, pow_op)) {
        // a number exponent makes it PowBackward0, which saves none
        if constexpr (is_variable<typename E::right_type>) return !is_number_slot(args[slot_count<typename E::left_type>]);
        else return true;
    } else if constexpr (is_unary<E> || is_binary<E>) {
        return op_t<E>::saves_result;
    } else {
        return false;
    }
}

}  // namespace detail

}  // namespace ctgrad

#endif
