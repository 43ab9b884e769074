// Python's print for the values a PyTorch program prints: `ctgrad::print("x.grad:", x.grad())`
// writes what `print("x.grad:", x.grad)` writes (True/False, float repr, None, tensors).
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

/// One value given to print, as its text: text and numbers are converted here, so that a
/// print of string literals of new lengths compiles no new code.
struct print_arg {
    std::string text;
    print_arg(const char* s) : text(s) {}                   // NOLINT: implicit, as print's arguments
    print_arg(std::string_view s) : text(s) {}              // NOLINT
    print_arg(const std::string& s) : text(s) {}            // NOLINT
    template <class V>
        requires(!std::is_convertible_v<const V&, std::string_view>)
    print_arg(const V& v) : text(python_str(v)) {}          // NOLINT
};

/// Writes the texts separated by spaces, then a newline, on std::cout.
CTGRAD_RUNTIME_INLINE void print_line(std::initializer_list<print_arg> args);

#if CTGRAD_RUNTIME_DEFINITIONS
CTGRAD_RUNTIME_INLINE void print_line(std::initializer_list<print_arg> args) {
    std::string line;
    bool first = true;
    for (const print_arg& a : args) {
        if (!first) line += ' ';
        line += a.text;
        first = false;
    }
    line += '\n';
    std::cout << line;
}
#endif

}  // namespace detail

/// print(a, b, ...): the values separated by spaces, then a newline, on std::cout.
template <class... Vs>
void print(const Vs&... vs) {
    detail::print_line({detail::print_arg(vs)...});
}

}  // namespace ctgrad

#endif
