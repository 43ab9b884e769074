// Python's print for the values a PyTorch program prints: `ctgrad::print("x.grad:", x.grad())`
// writes what `print("x.grad:", x.grad)` writes (True/False, float repr, None, tensors), with
// sep= and end= as `ctgrad::sep(", ")` and `ctgrad::end("")` anywhere among the arguments.
#ifndef CTGRAD_AUTOGRAD_PRINT_HPP
#define CTGRAD_AUTOGRAD_PRINT_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/tensor.hpp>
#include <ctgrad/io/python_repr.hpp>

#include <concepts>
#include <cstddef>
#include <initializer_list>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>

namespace ctgrad {

/// The text Python's print shows for one value.
template <class V>
std::string python_str(const V& v) {
    if constexpr (std::is_same_v<V, bool>) {
        return v ? "True" : "False";
    } else if constexpr (std::is_floating_point_v<V>) {
        return python_repr(static_cast<double>(v));
    } else if constexpr (std::is_same_v<V, std::nullptr_t>) {
        return "None";
    } else {
        std::ostringstream os;
        os << v;
        return os.str();
    }
}

namespace detail {

/// print's keyword arguments sep= and end=.
struct print_keyword {
    enum class which { sep, end } name;
    std::string text;
};

/// One value given to print, as its text: text and numbers are converted here, so that a
/// print of string literals of new lengths compiles no new code.
struct print_arg {
    std::string text;
    /// sep(...) or end(...) given to print, not a value.
    bool keyword = false;
    print_keyword::which name = print_keyword::which::sep;
    print_arg(const print_keyword& k) : text(k.text), keyword(true), name(k.name) {}  // NOLINT: implicit, as print's arguments
    print_arg(const char* s) : text(s) {}                   // NOLINT: implicit, as print's arguments
    print_arg(std::string_view s) : text(s) {}              // NOLINT
    print_arg(const std::string& s) : text(s) {}            // NOLINT
    template <class V>
        requires(!std::is_convertible_v<const V&, std::string_view> && !std::is_same_v<V, print_keyword>)
    print_arg(const V& v) : text(python_str(v)) {}          // NOLINT
};

/// Writes the texts separated by spaces, then a newline, on std::cout.
CTGRAD_RUNTIME_INLINE void print_line(std::initializer_list<print_arg> args);

#if CTGRAD_RUNTIME_DEFINITIONS
CTGRAD_RUNTIME_INLINE void print_line(std::initializer_list<print_arg> args) {
    std::string separator = " ", ending = "\n";
    for (const print_arg& a : args)
        if (a.keyword) (a.name == print_keyword::which::sep ? separator : ending) = a.text;
    std::string line;
    bool first = true;
    for (const print_arg& a : args) {
        if (a.keyword) continue;
        if (!first) line += separator;
        line += a.text;
        first = false;
    }
    line += ending;
    std::cout << line;
}
#endif

}  // namespace detail

/// Python's print(..., sep=", "): `print(a, b, ctgrad::sep(", "))`.
inline detail::print_keyword sep(std::string_view text) { return {detail::print_keyword::which::sep, std::string(text)}; }
/// Python's print(..., end=""): `print(a, ctgrad::end(""))`.
inline detail::print_keyword end(std::string_view text) { return {detail::print_keyword::which::end, std::string(text)}; }
/// A string literal: preferred to std::end(array) when both namespaces are used.
inline detail::print_keyword end(const char* text) { return end(std::string_view(text)); }
inline detail::print_keyword sep(const char* text) { return sep(std::string_view(text)); }

/// print(a, b, ...): the values separated by spaces (or sep(...)), then a newline (or end(...)),
/// on std::cout.
template <class... Vs>
void print(const Vs&... vs) {
    detail::print_line({detail::print_arg(vs)...});
}

}  // namespace ctgrad

#endif
