// ctgrad::detail::format_tensor against PyTorch 1.13's print(tensor): every expected string in
// format_cases.inc was printed by torch (test/oracle/gen_format_cases.py regenerates the file)
// and must be reproduced character for character.
#include <boost/test/unit_test.hpp>

#include <ctgrad/autograd/format.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr double nan_ = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_ = std::numeric_limits<double>::infinity();

/// Element i is a + b * ((i * k) % m), the same doubles the generator script computes.
struct value_pattern {
    std::size_t n = 0;
    double a = 0.0;
    double b = 0.0;
    std::size_t k = 0;
    std::size_t m = 1;
};

struct format_case {
    const char* name = "";
    bool float64 = false;
    std::vector<std::size_t> shape{};
    std::vector<double> values{};
    value_pattern pattern{};
    bool requires_grad = false;
    const char* grad_fn = "";
    ctgrad::detail::print_options options{};
    const char* expected = "";
};

const std::vector<format_case> cases = {
#include "format_cases.inc"
};

std::vector<double> data_of(const format_case& c) {
    if (c.pattern.n == 0) return c.values;
    std::vector<double> v(c.pattern.n);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = c.pattern.a + c.pattern.b * static_cast<double>((i * c.pattern.k) % c.pattern.m);
    return v;
}

template <class T>
std::string format(const std::vector<T>& data, const std::vector<std::size_t>& shape, const ctgrad::detail::format_suffix& suffix = {},
                   const ctgrad::detail::print_options& options = {}) {
    return ctgrad::detail::format_tensor(std::span<const T>(data), std::span<const std::size_t>(shape), suffix, options);
}

std::string format_case_data(const format_case& c) {
    const std::vector<double> data = data_of(c);
    const ctgrad::detail::format_suffix suffix{c.float64, c.requires_grad, c.grad_fn};
    if (c.float64) return format(data, c.shape, suffix, c.options);
    std::vector<float> narrow(data.size());
    for (std::size_t i = 0; i < data.size(); ++i) narrow[i] = static_cast<float>(data[i]);
    return format(narrow, c.shape, suffix, c.options);
}

} // namespace

BOOST_AUTO_TEST_SUITE(torch_format)

BOOST_AUTO_TEST_CASE(cases_printed_by_torch) {
    BOOST_TEST(cases.size() >= 40u);
    for (const format_case& c : cases) {
        BOOST_TEST_CONTEXT("case " << c.name) {
            const std::string got = format_case_data(c);
            BOOST_TEST(got == std::string(c.expected), "case " << c.name << "\n  got:\n" << got << "\n  torch:\n" << c.expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(nan_sign_is_not_printed) {
    const std::vector<float> v = {-std::numeric_limits<float>::quiet_NaN(), 2.0f};
    BOOST_TEST(format(v, {2}) == "tensor([nan, 2.])");
    const std::vector<double> s = {std::copysign(nan_, -1.0)};
    BOOST_TEST(format(s, {}, {.float64 = true}) == "tensor(nan, dtype=torch.float64)");
}

BOOST_AUTO_TEST_CASE(grad_fn_wins_over_requires_grad) {
    // A non-leaf also requires grad; PyTorch prints only its grad_fn.
    const std::vector<float> v = {1.0f, 2.0f};
    BOOST_TEST(format(v, {2}, {.requires_grad = true, .grad_fn = "AddBackward0"}) == "tensor([1., 2.], grad_fn=<AddBackward0>)");
}

BOOST_AUTO_TEST_CASE(python_number_formatting) {
    using ctgrad::detail::python_format;
    // format(x, ".4f") / ".4e" / ".0f" in Python
    BOOST_TEST(python_format(0.03125, 4, false) == "0.0312");
    BOOST_TEST(python_format(2.5, 0, false) == "2");
    BOOST_TEST(python_format(-0.0, 4, false) == "-0.0000");
    BOOST_TEST(python_format(1e300, 4, true) == "1.0000e+300");
    BOOST_TEST(python_format(1e-5, 4, true) == "1.0000e-05");
    BOOST_TEST(python_format(-inf_, 4, true) == "-inf");
    BOOST_TEST(python_format(1e22, 0, false) == "10000000000000000000000");
    BOOST_TEST(python_format(std::numeric_limits<double>::max(), 4, false).size() == 314u);
}

BOOST_AUTO_TEST_CASE(data_must_match_shape) {
    const std::vector<float> v = {1.0f, 2.0f, 3.0f};
    BOOST_CHECK_THROW(format(v, {2, 2}), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
