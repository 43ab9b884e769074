// Python's print for the values a PyTorch program prints: `ctgrad::print("x.grad:", x.grad())`
// writes what `print("x.grad:", x.grad)` writes (True/False, float repr, None, tensors).
#ifndef CTGRAD_AUTOGRAD_PRINT_HPP
#define CTGRAD_AUTOGRAD_PRINT_HPP

#include <ctgrad/autograd/tensor.hpp>
#include <ctgrad/io/python_repr.hpp>

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

/// print(a, b, ...): the values separated by spaces, then a newline, on std::cout.
template <class... Vs>
void print(const Vs&... vs) {
    std::string line;
    bool first = true;
    ((line += (first ? "" : " ") + python_str(vs), first = false), ...);
    line += '\n';
    std::cout << line;
}

}  // namespace ctgrad

#endif
