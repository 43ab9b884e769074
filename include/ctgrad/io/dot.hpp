// Graphviz DOT pictures of symbolic expressions:
//   to_dot(e)               a symbolic expression, each distinct node once (d(f, x) is one too).
// Pictures of tensor statements and their backward graphs are in autograd/dot.hpp.
// Render with Graphviz: `dot -Tsvg graph.dot -o graph.svg`.
#ifndef CTGRAD_IO_DOT_HPP
#define CTGRAD_IO_DOT_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/core/expr.hpp>
#include <ctgrad/core/ops.hpp>
#include <ctgrad/io/python_repr.hpp>
#include <ctgrad/io/to_string.hpp>

#include <cstddef>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ctgrad {
namespace detail {

CTGRAD_RUNTIME_INLINE std::string dot_escape(std::string_view s);

/// Collects nodes and edges; a node has an id "n<k>".
class dot_writer {
public:
    std::size_t add_node(const std::string& label, std::string_view attributes = {});
    void add_edge(std::size_t from, std::size_t to);
    [[nodiscard]] std::string str(std::string_view name) const;

private:
    std::ostringstream body_;
    std::size_t count_ = 0;
};

#if CTGRAD_RUNTIME_DEFINITIONS

CTGRAD_RUNTIME_INLINE std::string dot_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

CTGRAD_RUNTIME_INLINE std::size_t dot_writer::add_node(const std::string& label, std::string_view attributes) {
    const std::size_t id = count_++;
    body_ << "  n" << id << " [label=\"" << dot_escape(label) << '"';
    if (!attributes.empty()) body_ << ", " << attributes;
    body_ << "];\n";
    return id;
}

CTGRAD_RUNTIME_INLINE void dot_writer::add_edge(std::size_t from, std::size_t to) {
    body_ << "  n" << from << " -> n" << to << ";\n";
}

CTGRAD_RUNTIME_INLINE std::string dot_writer::str(std::string_view name) const {
    return "digraph " + std::string(name) +
           " {\n  rankdir=BT;\n  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"Helvetica\"];\n" +
           body_.str() + "}\n";
}

#endif  // CTGRAD_RUNTIME_DEFINITIONS

/// An operation's node label: its op tag's dot_label ("neg", "^2", "sin").
template <class Op>
std::string op_label() { return std::string(Op::dot_label); }

template <class N> inline constexpr char type_key = 0;

/// A symbolic expression: nodes without runtime state are shared by type.
struct symbolic_dot {
    dot_writer out;
    std::vector<std::pair<const void*, std::size_t>> seen;

    template <class E>
    std::size_t visit(const E& e) {
        if constexpr (!has_state<E>) {
            for (const auto& [key, id] : seen)
                if (key == &type_key<E>) return id;
        }
        std::size_t id = 0;
        if constexpr (is_variable<E>) {
            id = out.add_node(std::string(E::name()), "shape=ellipse");
        } else if constexpr (is_constant<E>) {
            id = out.add_node(to_string(e).str(), "shape=plaintext, style=\"\"");
        } else if constexpr (is_literal<E>) {
            id = out.add_node(python_repr(e.value), "shape=plaintext, style=\"\"");
        } else if constexpr (is_unary<E>) {
            const std::size_t a = visit(e.a());
            id = out.add_node(op_label<op_t<E>>());
            out.add_edge(a, id);
        } else {
            const std::size_t l = visit(e.l());
            const std::size_t r = visit(e.r());
            id = out.add_node(op_label<op_t<E>>());
            out.add_edge(l, id);
            out.add_edge(r, id);
        }
        if constexpr (!has_state<E>) seen.emplace_back(&type_key<E>, id);
        return id;
    }
};

}  // namespace detail

/// DOT for a symbolic expression (or a derivative: `to_dot(d(f, x))`).
template <class E> requires expression<E>
std::string to_dot(const E& e) {
    detail::symbolic_dot g;
    g.visit(e);
    return g.out.str("expression");
}

}  // namespace ctgrad

#endif
