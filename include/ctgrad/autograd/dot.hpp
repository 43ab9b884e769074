// Graphviz DOT pictures of tensor statements (symbolic expressions: io/dot.hpp):
//   to_dot(t, names)        a tensor statement (forward graph), leaves labelled with their
//                           names and shapes, leaves that require grad filled;
//   to_dot_backward(t, names) the graph backward() walks: grad_fn nodes (MulBackward0, ...)
//                           down to AccumulateGrad of each leaf, as torchviz draws it.
// Render with Graphviz: `dot -Tsvg graph.dot -o graph.svg`.
#ifndef CTGRAD_AUTOGRAD_DOT_HPP
#define CTGRAD_AUTOGRAD_DOT_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/tensor.hpp>
#include <ctgrad/io/dot.hpp>
#include <ctgrad/io/python_repr.hpp>
#include <ctgrad/io/to_string.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace ctgrad {

/// Names for the tensors of a picture: `{{"x", x}, {"w", w}}`.
template <class T>
using dot_names = std::vector<std::pair<std::string, basic_tensor<T>>>;

namespace detail {

/// A leaf's label in a picture: its name (or "tensor") and shape, or a number.
template <class T>
std::string tensor_label(const targ<T>& a, const dot_names<T>& names);

/// The graph backward() walks from f, as DOT.
template <class T>
std::string backward_dot_text(const grad_fn& f, const dot_names<T>& names);

/// A tensor statement: returns the node id and the node's shape.
template <class E, std::size_t Off, class T, std::size_t L>
std::pair<std::size_t, tensor_size> tensor_dot(dot_writer& out, const std::array<targ<T>, L>& args, const dot_names<T>& names) {
    if constexpr (is_variable<E>) {
        const targ<T>& a = args[Off];
        const bool leaf_grad = a.t && a.t->requires_grad && !a.t->grad_fn;
        const std::string attrs = !a.t ? "shape=plaintext, style=\"\"" : leaf_grad ? "fillcolor=lightblue" : "";
        return {out.add_node(tensor_label(a, names), attrs), a.t ? a.t->shape : tensor_size{}};
    } else if constexpr (is_constant<E>) {
        return {out.add_node(to_string(E{}).str(), "shape=plaintext, style=\"\""), tensor_size{}};
    } else if constexpr (is_unary<E>) {
        const auto [a, shape] = tensor_dot<typename E::operand_type, Off>(out, args, names);
        const tensor_size s = is_reduction<E> ? tensor_size{} : shape;
        const std::size_t id = out.add_node(op_label<op_t<E>>() + "\n" + s.str());
        out.add_edge(a, id);
        return {id, s};
    } else {
        using Lt = typename E::left_type;
        const auto [l, ls] = tensor_dot<Lt, Off>(out, args, names);
        const auto [r, rs] = tensor_dot<typename E::right_type, Off + slot_count<Lt>>(out, args, names);
        const tensor_size s = broadcast_shapes(ls, rs);
        const std::size_t id = out.add_node(op_label<op_t<E>>() + "\n" + s.str());
        out.add_edge(l, id);
        out.add_edge(r, id);
        return {id, s};
    }
}

}  // namespace detail

/// DOT for a tensor statement: its operations, with shapes, over its tensors and numbers.
template <class T, class E, std::size_t L>
std::string to_dot(const tensor_expr<T, E, L>& e, const dot_names<T>& names = {}) {
    detail::dot_writer out;
    detail::tensor_dot<E, 0>(out, detail::statement_access::args(e), names);
    return out.str("statement");
}

/// DOT for the backward graph of a tensor or statement: grad_fn nodes down to the leaves'
/// AccumulateGrad (named when `names` holds the leaf).
template <class X> requires tensor_like<X>
std::string to_dot_backward(const X& t, const dot_names<typename X::value_type>& names = {}) {
    return detail::backward_dot_text<typename X::value_type>(t.grad_fn(), names);
}

#if CTGRAD_RUNTIME_DEFINITIONS

namespace detail {

template <class T>
std::string tensor_label(const targ<T>& a, const dot_names<T>& names) {
    if (!a.t) return python_repr(static_cast<double>(a.number));
    std::string label = "tensor";
    for (const auto& [name, t] : names)
        if (t.defined() && t.impl_ptr() == a.t) label = name;
    label += "\n" + a.t->shape.str();
    if (a.t->grad_fn) label += "\n" + a.t->grad_fn->name();
    else if (a.t->requires_grad) label += "\nrequires_grad";
    return label;
}

template <class T>
void backward_dot(dot_writer& out, const grad_fn& f, std::size_t parent, bool has_parent, const dot_names<T>& names,
                  std::vector<std::pair<const void*, std::size_t>>& seen) {
    for (const auto& [key, id] : seen)
        if (key == f.id()) {
            if (has_parent) out.add_edge(id, parent);
            return;
        }
    std::string label = f.name();
    std::string attrs;
    if (label.starts_with("torch::autograd::")) {  // a leaf: its id is the leaf tensor's
        label.erase(0, 17);
        attrs = "fillcolor=lightblue";
        for (const auto& [name, t] : names)
            if (t.defined() && static_cast<const void*>(t.impl_ptr().get()) == f.id())
                label += "\n" + name + " " + t.shape().str();
    }
    const std::size_t id = out.add_node(label, attrs);
    seen.emplace_back(f.id(), id);
    if (has_parent) out.add_edge(id, parent);
    for (const auto& edge : f.next_functions())
        if (edge.function) backward_dot(out, edge.function, id, true, names, seen);
}

template <class T>
std::string backward_dot_text(const grad_fn& f, const dot_names<T>& names) {
    dot_writer out;
    std::vector<std::pair<const void*, std::size_t>> seen;
    if (f) backward_dot(out, f, 0, false, names, seen);
    return out.str("backward");
}

}  // namespace detail

#endif  // CTGRAD_RUNTIME_DEFINITIONS

}  // namespace ctgrad

#endif
