// Python's print for the values a PyTorch program prints: `ctgrad::print("x.grad:", x.grad())`
// writes what `print("x.grad:", x.grad)` writes (True/False, float repr, None, tensors).
#ifndef CTGRAD_AUTOGRAD_PRINT_HPP
#define CTGRAD_AUTOGRAD_PRINT_HPP

#include <ctgrad/autograd/tensor.hpp>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>

namespace ctgrad {

/// Python's repr(float): the shortest digits that read back the same double, in fixed
/// notation for exponents -4 to 15 and scientific notation otherwise (`1e-05`, `1e+16`).
inline std::string python_repr(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    std::string_view sci(buf, static_cast<std::size_t>(r.ptr - buf));  // e.g. -1.2345e-05
    std::string sign;
    if (sci.front() == '-') {
        sign = "-";
        sci.remove_prefix(1);
    }
    const std::size_t e = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, e))
        if (c != '.') digits += c;
    const int exponent = std::atoi(std::string(sci.substr(e + 1)).c_str());
    if (exponent >= -4 && exponent < 16) {
        std::string out;
        if (exponent < 0) {
            out = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
        } else {
            const auto point = static_cast<std::size_t>(exponent) + 1;
            if (digits.size() <= point) out = digits + std::string(point - digits.size(), '0') + ".0";
            else out = digits.substr(0, point) + "." + digits.substr(point);
        }
        return sign + out;
    }
    std::string mantissa = digits.substr(0, 1);
    if (digits.size() > 1) mantissa += "." + digits.substr(1);
    const int a = std::abs(exponent);
    return sign + mantissa + (exponent < 0 ? "e-" : "e+") + (a < 10 ? "0" : "") + std::to_string(a);
}

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
