// Compile-time strings: variable names (template arguments) and printed expressions.
#ifndef CTGRAD_CORE_FIXED_STRING_HPP
#define CTGRAD_CORE_FIXED_STRING_HPP

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

namespace ctgrad {

/// A string literal usable as a template argument, e.g. the `"x"` in `var<"x">`.
template <std::size_t N>
struct fixed_string {
    char chars[N]{};
    constexpr fixed_string() = default;
    constexpr fixed_string(const char (&s)[N]) {
        for (std::size_t i = 0; i != N; ++i) chars[i] = s[i];
    }
    static constexpr std::size_t size() { return N - 1; }
    constexpr std::string_view view() const { return {chars, N - 1}; }
};

/// A string of exactly `N` characters built in a constant expression; compares with string literals.
///
/// `to_string(e)` returns one for expressions without runtime state, so that
/// `static_assert(to_string(d(x * x, x)) == "2 * x");` holds.
template <std::size_t N>
struct static_string {
    char chars[N + 1]{};
    static constexpr std::size_t size() { return N; }
    constexpr std::string_view view() const { return {chars, N}; }
    constexpr operator std::string_view() const { return view(); }
    std::string str() const { return std::string(view()); }
    friend constexpr bool operator==(const static_string& a, std::string_view b) { return a.view() == b; }
    /// Two printed forms compare by their characters, whatever their lengths.
    template <std::size_t M>
    constexpr bool operator==(const static_string<M>& b) const { return view() == b.view(); }
    friend std::ostream& operator<<(std::ostream& os, const static_string& s) { return os << s.view(); }
};

}  // namespace ctgrad

#endif
