// Python's repr of a float: how numbers show in what PyTorch programs print, and in pictures.
#ifndef CTGRAD_IO_PYTHON_REPR_HPP
#define CTGRAD_IO_PYTHON_REPR_HPP

#include <ctgrad/detail/config.hpp>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <string>
#include <string_view>

namespace ctgrad {

/// Python's repr(float): the shortest digits that read back the same double, in fixed
/// notation for exponents -4 to 15 and scientific notation otherwise (`1e-05`, `1e+16`).
CTGRAD_RUNTIME_INLINE std::string python_repr(double v);

#if CTGRAD_RUNTIME_DEFINITIONS
CTGRAD_RUNTIME_INLINE std::string python_repr(double v) {
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
#endif  // CTGRAD_RUNTIME_DEFINITIONS

}  // namespace ctgrad

#endif
