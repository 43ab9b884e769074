// PyTorch's names for a statement: the grad_fn of each operation (MulBackward0, ...), the
// grad_fn tree Python would show, and which backward functions save their result.
#ifndef CTGRAD_AUTOGRAD_TORCH_NAMES_HPP
#define CTGRAD_AUTOGRAD_TORCH_NAMES_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/grad_fn.hpp>
#include <ctgrad/autograd/slots.hpp>
#include <ctgrad/autograd/storage.hpp>
#include <ctgrad/core/reductions.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
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

/// One node of a statement's tree, in preorder (a node's operand follows it; a binary node's
/// right operand follows its left operand's subtree): what the run-time part reads to name the
/// statement's grad_fn and build the grad_fn tree Python shows, so that this code is compiled
/// once per dtype, not once per statement and node.
struct statement_node {
    enum kind_type : unsigned char { slot, constant, unary_op, binary_op };
    kind_type kind = constant;
    std::string_view name{};     ///< grad_fn.name() of the operation (backward_name)
    std::size_t first_slot = 0;  ///< the node's slots are [first_slot, first_slot + slots)
    std::size_t slots = 0;
    std::size_t right = 0;       ///< a binary node: the preorder index of its right operand
    bool rsub = false;           ///< a difference whose left operand is a slot: RsubBackward1 when it is a number
    bool pow_slot_exponent = false;  ///< a power whose exponent is a slot: PowBackward0 when it is a number
    bool number_bound = false;   ///< clamp_min or clamp_max with a number bound: no edge to the bound
    bool clamp_pair = false;     ///< clamp_max(clamp_min(t, lo), hi), number bounds: one ClampBackward1
    bool clamp_bound = false;    ///< clamp_min or clamp_max: ClampMinBackward1 / ClampMaxBackward1 with a tensor bound
};

template <class E>
constexpr std::size_t fill_statement_nodes(statement_node* out, std::size_t i, std::size_t first_slot) {
    statement_node& n = out[i];
    n.first_slot = first_slot;
    n.slots = slot_count<E>;
    if constexpr (is_variable<E>) {
        n.kind = statement_node::slot;
        return i + 1;
    } else if constexpr (is_constant<E>) {
        n.kind = statement_node::constant;
        return i + 1;
    } else if constexpr (is_unary<E>) {
        n.kind = statement_node::unary_op;
        n.name = backward_name<op_t<E>>;
        return fill_statement_nodes<typename E::operand_type>(out, i + 1, first_slot);
    } else {
        using Op = op_t<E>;
        using Lt = typename E::left_type;
        n.kind = statement_node::binary_op;
        n.name = CTGRAD_IS_SAME(Op, pow_op) ? std::string_view("PowBackward1") : backward_name<Op>;
        n.rsub = CTGRAD_IS_SAME(Op, sub_op) && is_variable<Lt>;
        n.pow_slot_exponent = CTGRAD_IS_SAME(Op, pow_op) && is_variable<typename E::right_type>;
        n.number_bound = (CTGRAD_IS_SAME(Op, clamp_min_op) || CTGRAD_IS_SAME(Op, clamp_max_op)) && is_variable<typename E::right_type>;
        n.clamp_bound = CTGRAD_IS_SAME(Op, clamp_min_op) || CTGRAD_IS_SAME(Op, clamp_max_op);
        if constexpr (CTGRAD_IS_SAME(Op, clamp_max_op) && is_op<Lt, clamp_min_op>)
            n.clamp_pair = is_variable<typename E::right_type> && is_variable<typename Lt::right_type>;
        n.right = fill_statement_nodes<Lt>(out, i + 1, first_slot);
        return fill_statement_nodes<typename E::right_type>(out, n.right, first_slot + slot_count<Lt>);
    }
}

/// E's nodes in preorder.
template <class E>
inline constexpr auto statement_nodes = [] {
    std::array<statement_node, tree_size<E>> nodes{};
    fill_statement_nodes<E>(nodes.data(), 0, 0);
    return nodes;
}();

/// grad_fn.name() of node i's operation (empty for a slot or a constant).
template <class T>
std::string statement_name(std::span<const statement_node> nodes, std::span<const targ<T>> args, std::size_t i = 0);

/// The grad_fn of node i, as PyTorch would build it; `id` is the root's identity (node i's is
/// id + i: distinct for the distinct nodes of one statement).
template <class T>
grad_fn describe_statement(std::span<const statement_node> nodes, std::span<const targ<T>> args, const void* id,
                           std::size_t i = 0);

template <class T>
grad_fn describe_tensor(const targ<T>& a);

/// grad_fn.name() of E's last operation.
template <class E, class T, std::size_t L>
std::string statement_name(const std::array<targ<T>, L>& args) {
    return statement_name<T>(statement_nodes<E>, args);
}

/// The grad_fn of statement E, as PyTorch would build it.
template <class E, class T, std::size_t L>
grad_fn describe_expr(const std::array<targ<T>, L>& args, const void* id) {
    return describe_statement<T>(statement_nodes<E>, args, id);
}

#if CTGRAD_RUNTIME_DEFINITIONS

template <class T>
std::string statement_name(std::span<const statement_node> nodes, std::span<const targ<T>> args, std::size_t i) {
    const statement_node& n = nodes[i];
    if (n.rsub && is_number_slot<T>(args[n.first_slot])) return "RsubBackward1";
    if (n.pow_slot_exponent && is_number_slot<T>(args[nodes[n.right].first_slot])) return "PowBackward0";
    if (n.clamp_pair && is_number_slot<T>(args[nodes[n.right].first_slot]) &&
        is_number_slot<T>(args[nodes[nodes[i + 1].right].first_slot]))
        return "ClampBackward1";
    if (n.clamp_bound && !(nodes[n.right].kind == statement_node::slot && is_number_slot<T>(args[nodes[n.right].first_slot])))
        return std::string(n.name.substr(0, n.name.size() - 1)) + "1";  // a tensor bound
    return std::string(n.name);
}

template <class T>
grad_fn describe_statement(std::span<const statement_node> nodes, std::span<const targ<T>> args, const void* id,
                           std::size_t i) {
    const statement_node& n = nodes[i];
    if (n.kind == statement_node::slot) return describe_tensor(args[n.first_slot]);
    if (n.kind == statement_node::constant) return {};
    const auto operand = [&](std::size_t k) {
        const statement_node& c = nodes[k];
        bool grad = false;
        for (std::size_t s = c.first_slot; s != c.first_slot + c.slots; ++s) grad = grad || args[s].grad;
        return grad_fn::edge{grad ? describe_statement<T>(nodes, args, id, k) : grad_fn{}, 0};
    };
    const void* node_id = reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(id) + i);
    std::string name = statement_name<T>(nodes, args, i);
    if (n.kind == statement_node::unary_op) return {std::move(name), node_id, {operand(i + 1)}};
    // A number operand has no edge: `2 - t` (RsubBackward1) and `t ** 2.` (PowBackward0).
    if (name == "RsubBackward1") return {std::move(name), node_id, {operand(n.right)}};
    if (name == "PowBackward0") return {std::move(name), node_id, {operand(i + 1)}};
    // torch.clamp(t, lo, hi) with number bounds is one node; a number bound has no edge
    if (name == "ClampBackward1") return {std::move(name), node_id, {operand(i + 2)}};
    if (n.number_bound && is_number_slot<T>(args[nodes[n.right].first_slot])) return {std::move(name), node_id, {operand(i + 1)}};
    return {std::move(name), node_id, {operand(i + 1), operand(n.right)}};
}

template <class T>
grad_fn describe_tensor(const targ<T>& a) {
    if (!a.t || !a.grad) return {};
    if (a.t->grad_fn && a.t->grad_fn->transparent()) return describe_tensor(a.t->grad_fn->inputs()[0]);
    if (a.t->grad_fn) {  // another statement's node: its inputs are described when asked for
        std::shared_ptr<const node<T>> n = a.t->grad_fn;
        std::string name = n->name();
        const void* id = n->id();
        return {std::move(name), id, std::function<std::vector<grad_fn::edge>()>([n] { return n->describe().next_functions(); })};
    }
    return {"torch::autograd::AccumulateGrad", static_cast<const void*>(a.t.get()), std::vector<grad_fn::edge>{}};
}

#endif  // CTGRAD_RUNTIME_DEFINITIONS

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
