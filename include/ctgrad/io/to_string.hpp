// Printing: readable infix with minimal parentheses, in a constant expression when the
// expression holds no runtime state.
#ifndef CTGRAD_IO_TO_STRING_HPP
#define CTGRAD_IO_TO_STRING_HPP

#include <ctgrad/core/ops.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace ctgrad {
namespace detail {

/// Counts characters; the first pass of a compile-time print.
struct counting_sink {
    std::size_t n = 0;
    constexpr void put(std::string_view s) { n += s.size(); }
};

/// Writes into a buffer sized by a counting pass.
struct buffer_sink {
    char* out;
    constexpr void put(std::string_view s) {
        for (char c : s) *out++ = c;
    }
};

/// Appends to a std::string (run-time printing, for expressions with literals).
struct string_sink {
    std::string* out;
    void put(std::string_view s) { out->append(s); }
};

constexpr std::size_t print_int(std::intmax_t v, char (&buf)[24]) {
    char tmp[24]{};
    std::size_t n = 0;
    bool negative = v < 0;
    std::uintmax_t u = negative ? std::uintmax_t(0) - static_cast<std::uintmax_t>(v) : static_cast<std::uintmax_t>(v);
    do { tmp[n++] = static_cast<char>('0' + u % 10); u /= 10; } while (u != 0);
    std::size_t k = 0;
    if (negative) buf[k++] = '-';
    while (n != 0) buf[k++] = tmp[--n];
    return k;
}

template <class Sink>
constexpr void put_int(Sink& sink, std::intmax_t v) {
    char buf[24]{};
    std::size_t n = print_int(v, buf);
    sink.put(std::string_view(buf, n));
}

/// `where(c, 0, b) + where(!c, 0, a)`, which `where(c, a, b)` builds (core/operators.hpp), and
/// `clamp_max(clamp_min(a, lo), hi)`, which `clamp(a, lo, hi)` builds: printed as written.
template <class E> struct is_select_pair_trait : std::bool_constant<false> {};
template <class E> concept is_select_pair = is_select_pair_trait<E>::value;
template <class C, class B, class A>
struct is_select_pair_trait<binary<add_op, binary<where_op, C, B>, binary<where_op, unary<not_op, C>, A>>> : std::bool_constant<true> {};
template <class C, class B, class A>
struct is_select_pair_trait<binary<add_op, binary<where_op, unary<not_op, C>, A>, binary<where_op, C, B>>> : std::bool_constant<true> {};
template <class E> concept is_clamp = is_op<E, clamp_max_op> && is_op<typename E::left_type, clamp_min_op>;

/// The binding strength of a node as printed: sums 1, products 2, negation 3, powers 4,
/// atoms (names, function calls, non-negative integers) 5.
template <class E>
constexpr int print_precedence(const E& e) {
    if constexpr (is_constant<E>) return E::den != 1 ? 2 : E::num < 0 ? 3 : 5;
    else if constexpr (is_literal<E>) return e.value < 0 ? 3 : 5;
    else if constexpr (is_variable<E> || is_select_pair<E> || is_clamp<E>) return 5;
    else if constexpr (is_op<E, where_op>) {
        // printed as its branch when the condition is a number (see print)
        if constexpr (is_literal<typename E::left_type>) return e.l().value != 0 ? 5 : print_precedence(e.r());
        else return op_t<E>::precedence;
    } else return op_t<E>::precedence;
}

template <class E, class Sink>
constexpr void print(const E& e, Sink& sink);

template <class E, class Sink>
constexpr void print_operand(const E& e, Sink& sink, bool parenthesize) {
    if (parenthesize) sink.put("(");
    print(e, sink);
    if (parenthesize) sink.put(")");
}

template <class E, class Sink>
constexpr void print(const E& e, Sink& sink) {
    if constexpr (is_variable<E>) {
        sink.put(E::name());
    } else if constexpr (is_constant<E>) {
        put_int(sink, E::num);
        if constexpr (E::den != 1) {
            sink.put("/");
            put_int(sink, E::den);
        }
    } else if constexpr (is_literal<E>) {
        char buf[32];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, e.value);
        sink.put(std::string_view(buf, ec == std::errc{} ? static_cast<std::size_t>(end - buf) : 0));
    } else if constexpr (is_op<E, where_op>) {
        // where(c, 0, v); a condition known as a number (a runtime exponent: x^2.5) prints
        // the branch it takes
        if constexpr (is_literal<typename E::left_type>) {
            if (e.l().value != 0) sink.put("0");
            else print(e.r(), sink);
        } else if constexpr (is_op<typename E::left_type, not_op>) {
            // where(!c, 0, v) is where(c, v, 0)
            sink.put("where(");
            print(e.l().a(), sink);
            sink.put(", ");
            print(e.r(), sink);
            sink.put(", 0)");
        } else {
            sink.put("where(");
            print(e.l(), sink);
            sink.put(", 0, ");
            print(e.r(), sink);
            sink.put(")");
        }
    } else if constexpr (is_select_pair<E>) {
        // where(c, a, b): the term whose condition is not negated holds c and b
        sink.put("where(");
        if constexpr (!is_op<typename E::left_type::left_type, not_op>) {
            print(e.l().l(), sink);
            sink.put(", ");
            print(e.r().r(), sink);
            sink.put(", ");
            print(e.l().r(), sink);
        } else {
            print(e.r().l(), sink);
            sink.put(", ");
            print(e.l().r(), sink);
            sink.put(", ");
            print(e.r().r(), sink);
        }
        sink.put(")");
    } else if constexpr (is_clamp<E>) {
        sink.put("clamp(");
        print(e.l().l(), sink);
        sink.put(", ");
        print(e.l().r(), sink);
        sink.put(", ");
        print(e.r(), sink);
        sink.put(")");
    } else {
        using Op = op_t<E>;
        constexpr int p = Op::precedence;
        if constexpr (Op::notation == notation::symbol) {
            sink.put(Op::name);
        } else if constexpr (Op::notation == notation::function && is_unary<E>) {
            sink.put(Op::name);
            sink.put("(");
            print(e.a(), sink);
            sink.put(")");
        } else if constexpr (Op::notation == notation::function) {
            sink.put(Op::name);
            sink.put("(");
            print(e.l(), sink);
            sink.put(", ");
            print(e.r(), sink);
            sink.put(")");
        } else if constexpr (Op::notation == notation::prefix) {
            sink.put(Op::name);
            print_operand(e.a(), sink, print_precedence(e.a()) < p);
        } else if constexpr (is_unary<E>) {  // a^N, right-associative
            print_operand(e.a(), sink, print_precedence(e.a()) <= p);
            sink.put("^");
            constexpr std::intmax_t n = Op::exponent;
            if constexpr (n < 0) sink.put("(");
            put_int(sink, n);
            if constexpr (n < 0) sink.put(")");
        } else if constexpr (Op::notation == notation::power) {  // a^b, right-associative
            print_operand(e.l(), sink, print_precedence(e.l()) <= p);
            sink.put("^");
            print_operand(e.r(), sink, print_precedence(e.r()) < p);
        } else {  // infix, left-associative
            print_operand(e.l(), sink, print_precedence(e.l()) < p);
            sink.put(" ");
            sink.put(Op::name);
            sink.put(" ");
            print_operand(e.r(), sink, print_precedence(e.r()) < p || (print_precedence(e.r()) == p && !Op::associative));
        }
    }
}

template <class E>
consteval std::size_t printed_size() {
    counting_sink c;
    print(E{}, c);
    return c.n;
}

}  // namespace detail

/// The expression in readable infix, e.g. "2 * x" or "cos(x) * exp(sin(x))".
///
/// Without runtime literals the result is a `static_string` built at compile time:
/// `static_assert(to_string(d(x * x, x)) == "2 * x");`. With literals it is a std::string.
template <class E>
constexpr auto to_string(const E& e) {
    static_assert(detail::is_an_expression<E>, "ctgrad::to_string(e): e must be a ctgrad expression");
    if constexpr (!expression<E>) {
        return std::string();
    } else if constexpr (!detail::has_state<E>) {
        static_string<detail::printed_size<E>()> s;
        detail::buffer_sink sink{s.chars};
        detail::print(e, sink);
        return s;
    } else {
        std::string s;
        detail::string_sink sink{&s};
        detail::print(e, sink);
        return s;
    }
}

/// Prints `to_string(e)`.
template <class E> requires expression<E>
std::ostream& operator<<(std::ostream& os, const E& e) {
    return os << to_string(e);
}

// ---- diagnostics: readable<E> of an operation (core/expr.hpp) ------------------------------

namespace detail {

/// An expression's formula as a template argument.
template <class E>
inline constexpr auto formula_text = fixed_string<printed_size<E>() + 1>(to_string(E{}).chars);

/// A formula in a diagnostic. g++ prints a string template argument as a string; clang prints
/// it as numbers, but characters as characters.
#if defined(__clang__)
template <char... Cs> struct formula {};
template <class E, class = std::make_index_sequence<printed_size<E>()>> struct formula_of;
template <class E, std::size_t... I> struct formula_of<E, std::index_sequence<I...>> {
    using type = formula<formula_text<E>.chars[I]...>;
};
#else
template <fixed_string F> struct formula {};
template <class E> struct formula_of {
    using type = formula<formula_text<E>>;
};
#endif

/// The structure, with the operands readable.
template <class E> struct structure_of { using type = E; };
template <class Op, class A> struct structure_of<unary<Op, A>> { using type = unary<Op, readable<A>>; };
template <class Op, class L, class R> struct structure_of<binary<Op, L, R>> { using type = binary<Op, readable<L>, readable<R>>; };

/// A formula of up to 40 nodes without run-time numbers is written out; a longer one shows its
/// structure (a named step: its name).
template <class E, bool Short = !has_state<E> && (tree_size<E> <= 40)>
struct written_choice : structure_of<E> {};
template <class E> struct written_choice<E, true> : formula_of<E> {};

template <class E> struct written : written_choice<E> {};

}  // namespace detail

}  // namespace ctgrad

#endif
