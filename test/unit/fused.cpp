// Fused evaluation over arrays (eval/fused.hpp): broadcasting, reductions, value_and_grad,
// length checks and empty inputs, each against a plain loop or a finite difference.
//
//   broadcasting     element-wise expressions mixing arrays (std::vector, std::array, std::span)
//                    and scalars, from evaluate, the call operator and evaluate_into
//   reductions       sum, mean, dot and scalar functions of several reductions, against loops in
//                    long double, at lengths on both sides of the short path / blocked path
//                    boundary (2 * 64 / sizeof(T) elements) and of the block width
//   gradients        value_and_grad w.r.t. scalars and arrays, against the analytic gradient and
//                    central finite differences of the evaluated loss
//   length_mismatch  arrays of different lengths throw std::invalid_argument naming both
//   empty_inputs     the PyTorch conventions for empty data (sum 0, mean NaN, gradients 0)
//
// Zero-allocation checks live in test/alloc (they replace the global operator new).
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

namespace {

using namespace ctgrad::literals;

constexpr auto x = ctgrad::var<"x">;
constexpr auto y = ctgrad::var<"y">;
constexpr auto z = ctgrad::var<"z">;
constexpr auto w = ctgrad::var<"w">;
constexpr auto b = ctgrad::var<"b">;
constexpr auto mu = ctgrad::var<"mu">;
constexpr auto sigma = ctgrad::var<"sigma">;
constexpr auto count = ctgrad::var<"count">;

using scalar_types = std::tuple<float, double>;
using R = long double;  // reference computations

template <class T>
constexpr const char* type_name = std::is_same_v<T, float> ? "float" : "double";

template <class T>
constexpr double eps = std::numeric_limits<T>::epsilon();

// Lengths for the reductions: the fused loop sums short inputs (n < 2B) in a plain loop and longer
// ones in B = 64 / sizeof(T) interleaved partial sums (B = 16 for float, 8 for double) plus a
// tail; these lie on both sides of 2B and of multiples of B for both types. The last is above
// the threshold (2^16) of the OpenMP path, taken when the tests are built with CTGRAD_OPENMP.
constexpr std::array<std::size_t, 16> lengths{1, 2, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 1000, 4097, (1 << 16) + 3};

/// `n` reproducible pseudo-random numbers in [lo, hi) (a 64-bit LCG; the same on every platform).
template <class T>
std::vector<T> sample(std::size_t n, double lo, double hi, std::uint64_t seed) {
    std::uint64_t s = seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
    std::vector<T> v(n);
    for (T& e : v) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        const double u = static_cast<double>(s >> 11) * 0x1.0p-53;
        e = static_cast<T>(lo + (hi - lo) * u);
    }
    return v;
}

// ---- tolerances ------------------------------------------------------------------------------
//
// Summation: the fused loop keeps B = 64 / sizeof(T) partial sums, each receiving about n / B
// additions, combined by a tree of depth log2(B); below 2B elements it adds in one loop (< 2B
// additions). With terms t_i each evaluated to a few ulps, the error of the sum is at most about
// eps * (n / B + 2B + 8) * sum |t_i|. For float at n = 4097 this is ~1.8e-5 relative to sum |t_i|,
// so dropping or repeating one of 4097 comparable terms (2.4e-4) is still caught; exact sums of
// small integers (below) catch those at every length without any tolerance.
template <class T>
double summation_bound(std::size_t n) {
    constexpr std::size_t lanes = 64 / sizeof(T);
    return eps<T> * (static_cast<double>(n / lanes) + 2.0 * static_cast<double>(lanes) + 8.0);
}

/// Element-wise results: the same formula in T as the reference, up to the reordering of + and *
/// by ctgrad's canonical form: a few ulps of the operands, which are O(1) in these tests.
template <class T>
constexpr double elementwise_tol = 8 * eps<T>;

// Finite differences (as in derivative_laws.cpp): the step is step * max(1, |p|) and a
// gradient g agrees with the difference f when |g - f| <= tol * (1 + max(|g|, |f|)).
//   double: h ~ 1e-5 ~ cbrt(eps): truncation ~1e-10 |f'''|, rounding ~1e-11 |f| (|f| <= ~1e3 here,
//           summed in double); measured errors stay below ~1e-8 relative: tol = 1e-6.
//   float:  h ~ 5e-3: truncation ~4e-6 |f'''|, rounding ~1e-5 |f| summed in float over up to
//           1000 terms; measured errors below ~1e-3 relative: tol = 1e-2. A wrong gradient
//           (a missing 1/n, a missing term, a swapped variable) is off by O(1).
template <class T> struct fd_tolerance;
template <> struct fd_tolerance<double> {
    static constexpr double step = 1e-5;
    static constexpr double tol = 1e-6;
};
template <> struct fd_tolerance<float> {
    static constexpr double step = 5e-3;
    static constexpr double tol = 1e-2;
};

/// The central difference (f(p + h) - f(p - h)) / (2h), with the step actually taken in T.
template <class T, class F>
T central_difference(const F& f, T p) {
    const T h = static_cast<T>(fd_tolerance<T>::step * std::max(1.0, std::abs(static_cast<double>(p))));
    const T up = p + h;
    const T down = p - h;
    return (f(up) - f(down)) / (up - down);
}

template <class T>
void check_fd(T grad, T fd, std::string_view what) {
    const double g = grad, f = fd;
    const double bound = fd_tolerance<T>::tol * (1 + std::max(std::abs(g), std::abs(f)));
    BOOST_CHECK_MESSAGE(std::abs(g - f) <= bound, what << ": gradient " << g << ", central difference " << f
                                                       << ", |difference| " << std::abs(g - f) << " > " << bound);
}

/// |got - expected| <= bound, with a message naming what is compared.
template <class T>
void check_close(T got, R expected, double bound, std::string_view what) {
    const R error = std::abs(static_cast<R>(got) - expected);
    BOOST_CHECK_MESSAGE(error <= static_cast<R>(bound),
                        what << ": got " << static_cast<double>(got) << ", expected " << static_cast<double>(expected)
                             << ", |error| " << static_cast<double>(error) << " > " << bound);
}

/// The reference sum of `term(i)` over i < n, and the sum of the absolute terms (its scale).
struct ref_sum {
    R value = 0;
    R scale = 0;
};
template <class F>
ref_sum reference_sum(std::size_t n, const F& term) {
    ref_sum s;
    for (std::size_t i = 0; i != n; ++i) {
        const R t = term(i);
        s.value += t;
        s.scale += std::abs(t);
    }
    return s;
}

// ---- element-wise checks ----------------------------------------------------------------------

/// `e` evaluated with `bindings` by evaluate, by the call operator and by evaluate_into agrees
/// element by element with `ref(i)` (computed in T by a plain loop).
template <class T, class E, class Ref, class... Bindings>
void check_elementwise(std::string_view what, std::size_t n, const Ref& ref, const E& e, const Bindings&... bindings) {
    const auto evaluated = ctgrad::evaluate(e, bindings...);
    static_assert(std::is_same_v<std::remove_const_t<decltype(evaluated)>, std::vector<T>>,
                  "an element-wise evaluation gives a std::vector of the evaluation type");
    const auto called = e(bindings...);
    static_assert(std::is_same_v<std::remove_const_t<decltype(called)>, std::vector<T>>);
    std::vector<T> into(n, T(-12345));
    ctgrad::evaluate_into(std::span<T>(into), e, bindings...);

    BOOST_TEST_CONTEXT(what << ", " << type_name<T> << ", n = " << n) {
        BOOST_TEST_REQUIRE(evaluated.size() == n);
        BOOST_TEST_REQUIRE(called.size() == n);
        std::size_t failures = 0;
        for (std::size_t i = 0; i != n && failures < 5; ++i) {
            const T expected = ref(i);
            const double bound = elementwise_tol<T> * std::max(1.0, std::abs(static_cast<double>(expected)));
            const bool ok = std::abs(static_cast<double>(evaluated[i]) - static_cast<double>(expected)) <= bound &&
                            called[i] == evaluated[i] && into[i] == evaluated[i];
            BOOST_CHECK_MESSAGE(ok, "element " << i << ": evaluate " << evaluated[i] << ", call " << called[i]
                                               << ", evaluate_into " << into[i] << ", loop " << expected);
            failures += !ok;
        }
    }
}

/// Element-wise expressions of arrays `xb`, `yb` (any binding kind) and scalars w, b.
template <class T, class XB, class YB>
void check_broadcasting(std::string_view kind, const XB& xb, const YB& yb, const std::vector<T>& xr,
                        const std::vector<T>& yr) {
    const std::size_t n = xr.size();
    const T wv = T(0.75);
    const T bv = T(-0.25);
    BOOST_TEST_CONTEXT("arrays bound as " << kind) {
        check_elementwise<T>("w * x + b - y", n, [&](std::size_t i) { return wv * xr[i] + bv - yr[i]; },
                             w * x + b - y, x = xb, y = yb, w = wv, b = bv);
        check_elementwise<T>("exp(-x) * w + sin(y) / (b + 2)", n,
                             [&](std::size_t i) { return std::exp(-xr[i]) * wv + std::sin(yr[i]) / (bv + T(2)); },
                             exp(-x) * w + sin(y) / (b + 2_c), x = xb, y = yb, w = wv, b = bv);
        check_elementwise<T>("x^2 * 0.5 - sqrt(x) * y + w^3", n,
                             [&](std::size_t i) { return xr[i] * xr[i] * T(0.5) - std::sqrt(xr[i]) * yr[i] + wv * wv * wv; },
                             pow(x, 2_c) * 0.5 - sqrt(x) * y + pow(w, 3_c), x = xb, y = yb, w = wv);
        // one array only; integer literals
        check_elementwise<T>("x * 3 + 1", n, [&](std::size_t i) { return xr[i] * T(3) + T(1); }, x * 3 + 1, x = xb);
        // scalars only inside a function of the array
        check_elementwise<T>("tanh(w * y - b) + relu(y)", n,
                             [&](std::size_t i) { return std::tanh(wv * yr[i] - bv) + std::max(yr[i], T(0)); },
                             tanh(w * y - b) + relu(y), y = yb, w = wv, b = bv);
    }
}

// ---- losses used in several suites -------------------------------------------------------------

/// Exercise 3 of the autograd tutorial: linear regression, mean squared error.
constexpr auto mse = mean(pow(w * x + b - y, 2_c));
/// Log-density of N(mu, sigma^2) summed over the data (without the constant).
constexpr auto log_density = sum(-log(sigma) - pow(x - mu, 2_c) / (2_c * pow(sigma, 2_c)));
/// The same with sigma outside the reduction (and the count of elements bound as a scalar).
constexpr auto log_density_outer = -(sum(pow(x - mu, 2_c)) / (2_c * pow(sigma, 2_c))) - count * log(sigma);
constexpr auto squares_and_sines = sum(x * x) + 2_c * mean(sin(x));
constexpr auto log_sum_exp = log(sum(exp(x)));

/// A word of `text` (not part of a longer identifier or number).
bool mentions(std::string_view text, std::string_view word) {
    auto is_word_char = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; };
    for (std::size_t pos = text.find(word); pos != std::string_view::npos; pos = text.find(word, pos + 1)) {
        const bool before = pos == 0 || !is_word_char(text[pos - 1]);
        const bool after = pos + word.size() == text.size() || !is_word_char(text[pos + word.size()]);
        if (before && after) return true;
    }
    return false;
}

/// An exception predicate: what() mentions every one of `words`.
auto mentioning(std::initializer_list<std::string_view> words) {
    return [words = std::vector<std::string_view>(words)](const std::invalid_argument& e) {
        const std::string_view msg = e.what();
        bool all = true;
        for (std::string_view word : words) {
            if (!mentions(msg, word)) {
                BOOST_TEST_MESSAGE("the message \"" << msg << "\" does not mention " << word);
                all = false;
            }
        }
        return all;
    };
}

}  // namespace

BOOST_AUTO_TEST_SUITE(fused)

// ================================================================================================
BOOST_AUTO_TEST_SUITE(broadcasting)

BOOST_AUTO_TEST_CASE_TEMPLATE(vectors, T, scalar_types) {
    for (std::size_t n : {std::size_t(1), std::size_t(7), std::size_t(17), std::size_t(33), std::size_t(100)}) {
        const auto xs = sample<T>(n, 0.5, 2.0, 10 + n);
        const auto ys = sample<T>(n, -1.0, 1.0, 20 + n);
        check_broadcasting<T>("std::vector", xs, ys, xs, ys);
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(std_arrays, T, scalar_types) {
    constexpr std::size_t n = 37;
    const auto xs = sample<T>(n, 0.5, 2.0, 1);
    const auto ys = sample<T>(n, -1.0, 1.0, 2);
    std::array<T, n> xa{};
    std::array<T, n> ya{};
    std::copy(xs.begin(), xs.end(), xa.begin());
    std::copy(ys.begin(), ys.end(), ya.begin());
    check_broadcasting<T>("std::array", xa, ya, xs, ys);
    check_broadcasting<T>("std::vector and std::array", xs, ya, xs, ys);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(spans, T, scalar_types) {
    constexpr std::size_t n = 41;
    auto xs = sample<T>(n, 0.5, 2.0, 3);
    auto ys = sample<T>(n, -1.0, 1.0, 4);
    check_broadcasting<T>("std::span<const T>", std::span<const T>(xs), std::span<const T>(ys), xs, ys);
    check_broadcasting<T>("std::span<T>", std::span<T>(xs), std::span<T>(ys), xs, ys);
    // a subspan: only the viewed elements take part
    const std::vector<T> xsub(xs.begin() + 5, xs.begin() + 25);
    const std::vector<T> ysub(ys.begin() + 10, ys.begin() + 30);
    check_broadcasting<T>("subspans", std::span<const T>(xs).subspan(5, 20), std::span<T>(ys).subspan(10, 20), xsub, ysub);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(arrays_bind_as_spans_without_copy, T, scalar_types) {
    std::vector<T> xs(5, T(1));
    std::array<T, 3> xa{T(1), T(2), T(3)};
    const auto bv = (x = xs);
    const auto ba = (x = xa);
    const auto bs = (x = std::span<T>(xs));
    static_assert(std::is_same_v<decltype(bv.value), std::span<const T>>);
    static_assert(std::is_same_v<decltype(ba.value), std::span<const T>>);
    static_assert(std::is_same_v<decltype(bs.value), std::span<const T>>);
    BOOST_TEST(bv.value.data() == xs.data());
    BOOST_TEST(bv.value.size() == xs.size());
    BOOST_TEST(ba.value.data() == xa.data());
    BOOST_TEST(bs.value.data() == xs.data());

    // evaluation reads the caller's data at the time of the call
    xs[2] = T(10);
    const std::vector<T> r = ctgrad::evaluate(x * 2_c, bv);
    BOOST_TEST(r[2] == T(20));
}

BOOST_AUTO_TEST_CASE(result_element_type) {
    const std::vector<float> xf{1.0f, 2.0f, 3.0f};
    const std::vector<double> xd{1.0, 2.0, 3.0};
    const std::array<float, 3> yf{0.5f, 0.25f, 0.125f};
    // all bound data float: float
    static_assert(std::is_same_v<decltype(ctgrad::evaluate(w * x + y, x = xf, y = yf, w = 2.0f)), std::vector<float>>);
    static_assert(std::is_same_v<decltype(ctgrad::evaluate(sum(w * x), x = xf, w = 2.0f)), float>);
    static_assert(std::is_same_v<decltype(ctgrad::value_and_grad(sum(w * x), ctgrad::wrt(w, x), x = xf, w = 2.0f)),
                                 std::tuple<float, float, std::vector<float>>>);
    // a double anywhere (an array or a scalar), or an integer scalar: double
    static_assert(std::is_same_v<decltype(ctgrad::evaluate(w * x, x = xf, w = 2.0)), std::vector<double>>);
    static_assert(std::is_same_v<decltype(ctgrad::evaluate(w * x, x = xf, w = 2)), std::vector<double>>);
    static_assert(std::is_same_v<decltype(ctgrad::evaluate(x + y, x = xd, y = yf)), std::vector<double>>);
    static_assert(std::is_same_v<decltype(ctgrad::evaluate(dot(x, y), x = xd, y = yf)), double>);

    const std::vector<double> mixed = ctgrad::evaluate(w * x + y, x = xf, y = yf, w = 2.0);
    BOOST_TEST(mixed == (std::vector<double>{2.5, 4.25, 6.125}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(scalars_broadcast_over_arrays) {
    // A scalar-only subexpression has the same value at every element.
    const std::vector<double> xs{1.0, -2.0, 3.5, 0.0};
    const std::vector<double> r = ctgrad::evaluate(x * 0.0 + exp(w) * b, x = xs, w = 0.5, b = 3.0);
    BOOST_TEST_REQUIRE(r.size() == xs.size());
    for (double v : r) BOOST_TEST(v == std::exp(0.5) * 3.0);
    // and a reduction of a scalar-only expression adds it once per element
    BOOST_TEST(ctgrad::evaluate(sum(w + 0.0 * x), x = xs, w = 2.5) == 10.0);
    BOOST_TEST(ctgrad::evaluate(mean(w + 0.0 * x), x = xs, w = 2.5) == 2.5);
}

BOOST_AUTO_TEST_SUITE_END()  // broadcasting

// ================================================================================================
BOOST_AUTO_TEST_SUITE(reductions)

BOOST_AUTO_TEST_CASE_TEMPLATE(against_plain_loops, T, scalar_types) {
    for (std::size_t n : lengths) {
        const auto xs = sample<T>(n, 0.5, 2.0, 100 + n);
        const auto ys = sample<T>(n, -1.0, 1.0, 200 + n);
        const T wv = T(0.75);
        const double k = summation_bound<T>(n);
        const R nr = static_cast<R>(n);
        auto xi = [&](std::size_t i) { return static_cast<R>(xs[i]); };
        auto yi = [&](std::size_t i) { return static_cast<R>(ys[i]); };

        BOOST_TEST_CONTEXT(type_name<T> << ", n = " << n) {
            const ref_sum sx = reference_sum(n, xi);
            const T vsum = ctgrad::evaluate(sum(x), x = xs);
            check_close(vsum, sx.value, k * sx.scale, "sum(x)");

            const ref_sum swxy = reference_sum(n, [&](std::size_t i) { return static_cast<R>(wv) * xi(i) - yi(i); });
            check_close<T>(ctgrad::evaluate(sum(w * x - y), x = xs, y = ys, w = wv), swxy.value, k * swxy.scale, "sum(w * x - y)");

            check_close<T>(ctgrad::evaluate(mean(x), x = xs), sx.value / nr, (k + 2 * eps<T>) * sx.scale / nr, "mean(x)");

            const ref_sum sexp = reference_sum(n, [&](std::size_t i) { return std::exp(xi(i)); });
            check_close<T>(ctgrad::evaluate(mean(exp(x)), x = xs), sexp.value / nr, (k + 2 * eps<T>) * sexp.scale / nr,
                           "mean(exp(x))");

            const ref_sum sxy = reference_sum(n, [&](std::size_t i) { return xi(i) * yi(i); });
            check_close<T>(ctgrad::evaluate(dot(x, y), x = xs, y = ys), sxy.value, k * sxy.scale, "dot(x, y)");

            // several reductions in one loss
            const ref_sum sxx = reference_sum(n, [&](std::size_t i) { return xi(i) * xi(i); });
            const R combined = sxx.value / (sx.value / nr) + sxy.value;
            check_close<T>(ctgrad::evaluate(sum(x * x) / mean(x) + dot(x, y), x = xs, y = ys), combined,
                           3 * k * (sxx.value / (sx.value / nr) + sxy.scale), "sum(x * x) / mean(x) + dot(x, y)");

            // scalar functions of reductions: log of a positive sum (absolute error = relative
            // error of the sum), square root of a mean (relative error half that of the mean)
            const R lse = std::log(sexp.value);
            check_close<T>(ctgrad::evaluate(log(sum(exp(x))), x = xs), lse, k + 2 * eps<T> * std::abs(static_cast<double>(lse)),
                           "log(sum(exp(x)))");
            const ref_sum sd2 = reference_sum(n, [&](std::size_t i) { return (xi(i) - yi(i)) * (xi(i) - yi(i)); });
            const R rms = std::sqrt(sd2.value / nr);
            check_close<T>(ctgrad::evaluate(sqrt(mean(pow(x - y, 2_c))), x = xs, y = ys), rms,
                           (k + 4 * eps<T>) * static_cast<double>(rms), "sqrt(mean(pow(x - y, 2)))");
        }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(sums_of_small_integers_are_exact, T, scalar_types) {
    // Small integers and their sums are exact in float and double whatever the order of the
    // additions, so any dropped, repeated or misplaced element shows at every length.
    std::vector<std::size_t> ns;
    for (std::size_t n = 0; n <= 160; ++n) ns.push_back(n);
    ns.insert(ns.end(), lengths.begin(), lengths.end());
    for (std::size_t n : ns) {
        std::vector<T> xs(n);
        std::vector<T> ys(n);
        long long sx = 0, sy = 0, sxy = 0;
        for (std::size_t i = 0; i != n; ++i) {
            const long long xi = static_cast<long long>(i % 13) - 6;
            const long long yi = static_cast<long long>(i % 17);
            xs[i] = static_cast<T>(xi);
            ys[i] = static_cast<T>(yi);
            sx += xi;
            sy += yi;
            sxy += xi * yi;
        }
        BOOST_TEST_CONTEXT(type_name<T> << ", n = " << n) {
            BOOST_TEST(ctgrad::evaluate(sum(x), x = xs) == static_cast<T>(sx));
            BOOST_TEST(ctgrad::evaluate(dot(x, y), x = xs, y = ys) == static_cast<T>(sxy));
            BOOST_TEST(ctgrad::evaluate(sum(x * y + w), x = xs, y = ys, w = T(1)) == static_cast<T>(sxy + static_cast<long long>(n)));
            BOOST_TEST(ctgrad::evaluate(sum(x) - 2_c * sum(y) + dot(x, y), x = xs, y = ys) == static_cast<T>(sx - 2 * sy + sxy));
            // gradients are sums too
            const auto [v1, dw] = ctgrad::value_and_grad(sum(w * x), ctgrad::wrt(w), w = T(3), x = xs);
            BOOST_TEST(v1 == static_cast<T>(3 * sx));
            BOOST_TEST(dw == static_cast<T>(sx));
            const auto [v2, dmu, dw2] = ctgrad::value_and_grad(sum(pow(x - mu, 2_c) + w * y), ctgrad::wrt(mu, w), mu = T(0), w = T(2), x = xs, y = ys);
            BOOST_TEST(dmu == static_cast<T>(-2 * sx));
            BOOST_TEST(dw2 == static_cast<T>(sy));
            (void)v2;
            if (n != 0) {
                const T m = ctgrad::evaluate(mean(x), x = xs);
                const double expected = static_cast<double>(sx) / static_cast<double>(n);
                BOOST_TEST(std::abs(m - expected) <= 2 * eps<T> * std::abs(expected));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(same_result_for_every_binding_kind_and_call, T, scalar_types) {
    // The order of additions depends only on the length: equal data gives bit-identical results,
    // whatever container holds it, and on every call.
    constexpr std::size_t n = 100;
    const auto xs = sample<T>(n, 0.5, 2.0, 7);
    const auto ys = sample<T>(n, -1.0, 1.0, 8);
    std::array<T, n> xa{};
    std::copy(xs.begin(), xs.end(), xa.begin());
    constexpr auto loss = sum(x * x) / mean(x) + dot(x, y);
    const T from_vector = ctgrad::evaluate(loss, x = xs, y = ys);
    BOOST_TEST(ctgrad::evaluate(loss, x = xa, y = ys) == from_vector);
    BOOST_TEST(ctgrad::evaluate(loss, x = std::span<const T>(xs), y = std::span<const T>(ys)) == from_vector);
    BOOST_TEST(loss(x = xs, y = ys) == from_vector);
    BOOST_TEST(ctgrad::evaluate(loss, y = ys, x = xs) == from_vector);
}

BOOST_AUTO_TEST_CASE(reductions_of_scalars_see_one_element) {
    // With no array bound a reduction has one element: sum(e) = mean(e) = e.
    BOOST_TEST(ctgrad::evaluate(sum(w * w) + mean(w), w = 3.0) == 12.0);
    const auto [v, dw] = ctgrad::value_and_grad(sum(w * w) + mean(w), ctgrad::wrt(w), w = 3.0);
    BOOST_TEST(v == 12.0);
    BOOST_TEST(dw == 7.0);
}

BOOST_AUTO_TEST_SUITE_END()  // reductions

// ================================================================================================
BOOST_AUTO_TEST_SUITE(gradients)

BOOST_AUTO_TEST_CASE_TEMPLATE(mse_wrt_scalars, T, scalar_types) {
    for (std::size_t n : {std::size_t(1), std::size_t(7), std::size_t(16), std::size_t(17), std::size_t(33), std::size_t(100), std::size_t(1000)}) {
        const auto xs = sample<T>(n, -2.0, 2.0, 300 + n);
        auto ys = sample<T>(n, -0.5, 0.5, 400 + n);
        for (std::size_t i = 0; i != n; ++i) ys[i] += T(3) * xs[i] + T(1);
        const T wv = T(0.5), bv = T(0.1);

        const auto result = ctgrad::value_and_grad(mse, ctgrad::wrt(w, b), w = wv, b = bv, x = xs, y = ys);
        static_assert(std::is_same_v<std::remove_const_t<decltype(result)>, std::tuple<T, T, T>>);
        const auto [value, dw, db] = result;

        BOOST_TEST_CONTEXT(type_name<T> << ", n = " << n) {
            const T evaluated = ctgrad::evaluate(mse, w = wv, b = bv, x = xs, y = ys);
            check_close(value, evaluated, 4 * eps<T> * std::abs(static_cast<double>(evaluated)), "value vs evaluate");

            // analytic, in long double
            const R nr = static_cast<R>(n);
            auto r = [&](std::size_t i) { return static_cast<R>(wv) * xs[i] + static_cast<R>(bv) - ys[i]; };
            const ref_sum l = reference_sum(n, [&](std::size_t i) { return r(i) * r(i); });
            const ref_sum gw = reference_sum(n, [&](std::size_t i) { return 2 * r(i) * xs[i]; });
            const ref_sum gb = reference_sum(n, [&](std::size_t i) { return 2 * r(i); });
            const double k = summation_bound<T>(n) + 8 * eps<T>;
            check_close(value, l.value / nr, k * l.scale / nr, "loss vs loop");
            check_close(dw, gw.value / nr, k * gw.scale / nr, "d/dw vs loop");
            check_close(db, gb.value / nr, k * gb.scale / nr, "d/db vs loop");

            // finite differences of the evaluated loss
            check_fd(dw, central_difference([&](T p) { return T(ctgrad::evaluate(mse, w = p, b = bv, x = xs, y = ys)); }, wv), "d/dw");
            check_fd(db, central_difference([&](T p) { return T(ctgrad::evaluate(mse, w = wv, b = p, x = xs, y = ys)); }, bv), "d/db");
        }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(log_density_wrt_mu_and_sigma, T, scalar_types) {
    for (std::size_t n : {std::size_t(1), std::size_t(7), std::size_t(17), std::size_t(33), std::size_t(100), std::size_t(1000)}) {
        const auto xs = sample<T>(n, -2.0, 2.0, 500 + n);
        const T muv = T(0.3), sv = T(1.3);

        const auto [value, dmu, dsigma] = ctgrad::value_and_grad(log_density, ctgrad::wrt(mu, sigma), mu = muv, sigma = sv, x = xs);

        BOOST_TEST_CONTEXT(type_name<T> << ", n = " << n) {
            const T evaluated = ctgrad::evaluate(log_density, mu = muv, sigma = sv, x = xs);
            check_close(value, evaluated, 4 * eps<T> * std::abs(static_cast<double>(evaluated)), "value vs evaluate");

            const R m = muv, s = sv;
            auto d = [&](std::size_t i) { return static_cast<R>(xs[i]) - m; };
            const ref_sum l = reference_sum(n, [&](std::size_t i) { return -std::log(s) - d(i) * d(i) / (2 * s * s); });
            const ref_sum gm = reference_sum(n, [&](std::size_t i) { return d(i) / (s * s); });
            const ref_sum gs = reference_sum(n, [&](std::size_t i) { return -1 / s + d(i) * d(i) / (s * s * s); });
            const double k = summation_bound<T>(n) + 8 * eps<T>;
            check_close(value, l.value, k * l.scale, "loss vs loop");
            check_close(dmu, gm.value, k * gm.scale, "d/dmu vs loop");
            check_close(dsigma, gs.value, k * (gs.scale + static_cast<R>(n) / s), "d/dsigma vs loop");

            check_fd(dmu, central_difference([&](T p) { return T(ctgrad::evaluate(log_density, mu = p, sigma = sv, x = xs)); }, muv), "d/dmu");
            check_fd(dsigma, central_difference([&](T p) { return T(ctgrad::evaluate(log_density, mu = muv, sigma = p, x = xs)); }, sv),
                     "d/dsigma");

            // sigma outside the reduction: dL/dsigma = dG/dsigma + dG/ds * dS/dsigma
            const auto [v2, dmu2, dsigma2] =
                ctgrad::value_and_grad(log_density_outer, ctgrad::wrt(mu, sigma), mu = muv, sigma = sv, count = static_cast<T>(n), x = xs);
            check_close(v2, l.value, k * l.scale, "loss (sigma outside) vs loop");
            check_close(dmu2, gm.value, k * gm.scale, "d/dmu (sigma outside) vs loop");
            check_close(dsigma2, gs.value, k * (gs.scale + static_cast<R>(n) / s), "d/dsigma (sigma outside) vs loop");
        }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(squares_and_sines_wrt_array, T, scalar_types) {
    for (std::size_t n : {std::size_t(1), std::size_t(7), std::size_t(17), std::size_t(33), std::size_t(100), std::size_t(1000)}) {
        const auto xs = sample<T>(n, -2.0, 2.0, 600 + n);
        const auto result = ctgrad::value_and_grad(squares_and_sines, ctgrad::wrt(x), x = xs);
        static_assert(std::is_same_v<std::remove_const_t<decltype(result)>, std::tuple<T, std::vector<T>>>);
        const auto& [value, dx] = result;

        BOOST_TEST_CONTEXT(type_name<T> << ", n = " << n) {
            const T evaluated = ctgrad::evaluate(squares_and_sines, x = xs);
            check_close(value, evaluated, 4 * eps<T> * std::abs(static_cast<double>(evaluated)), "value vs evaluate");
            BOOST_TEST_REQUIRE(dx.size() == n);
            const R nr = static_cast<R>(n);
            for (std::size_t i = 0; i != n; ++i) {
                const R xi = xs[i];
                const R expected = 2 * xi + 2 * std::cos(xi) / nr;
                check_close(dx[i], expected, 8 * eps<T> * (std::abs(2 * xi) + 2 / nr), "d/dx_" + std::to_string(i) + " vs 2 x + 2 cos(x) / n");
            }
            if (n <= 33) {
                std::vector<T> xp = xs;
                for (std::size_t i = 0; i != n; ++i) {
                    const T fd = central_difference(
                        [&](T p) {
                            xp[i] = p;
                            const T f = ctgrad::evaluate(squares_and_sines, x = xp);
                            xp[i] = xs[i];
                            return f;
                        },
                        xs[i]);
                    check_fd(dx[i], fd, "d/dx_" + std::to_string(i));
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(log_sum_exp_wrt_array_is_softmax, T, scalar_types) {
    for (std::size_t n : {std::size_t(1), std::size_t(7), std::size_t(17), std::size_t(33), std::size_t(100), std::size_t(1000)}) {
        const auto xs = sample<T>(n, -3.0, 3.0, 700 + n);
        const auto [value, dx] = ctgrad::value_and_grad(log_sum_exp, ctgrad::wrt(x), x = xs);

        BOOST_TEST_CONTEXT(type_name<T> << ", n = " << n) {
            const T evaluated = ctgrad::evaluate(log_sum_exp, x = xs);
            check_close(value, evaluated, 4 * eps<T> * (1 + std::abs(static_cast<double>(evaluated))), "value vs evaluate");
            BOOST_TEST_REQUIRE(dx.size() == n);
            const ref_sum se = reference_sum(n, [&](std::size_t i) { return std::exp(static_cast<R>(xs[i])); });
            const double k = summation_bound<T>(n) + 8 * eps<T>;
            R total = 0;
            for (std::size_t i = 0; i != n; ++i) {
                const R softmax = std::exp(static_cast<R>(xs[i])) / se.value;
                check_close(dx[i], softmax, k * static_cast<double>(softmax), "d/dx_" + std::to_string(i) + " vs softmax");
                total += dx[i];
            }
            check_close(static_cast<T>(total), R(1), k + static_cast<double>(n) * eps<T>, "sum of the softmax");
            if (n <= 33) {
                std::vector<T> xp = xs;
                for (std::size_t i = 0; i != n; ++i) {
                    const T fd = central_difference(
                        [&](T p) {
                            xp[i] = p;
                            const T f = ctgrad::evaluate(log_sum_exp, x = xp);
                            xp[i] = xs[i];
                            return f;
                        },
                        xs[i]);
                    check_fd(dx[i], fd, "d/dx_" + std::to_string(i));
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(arrays_and_scalars_in_one_call, T, scalar_types) {
    // wrt(x, w, y, b): arrays and scalars interleaved; each gradient lands in its own place.
    for (std::size_t n : {std::size_t(1), std::size_t(7), std::size_t(17), std::size_t(100)}) {
        const auto xs = sample<T>(n, -2.0, 2.0, 800 + n);
        const auto ys = sample<T>(n, -3.0, 3.0, 900 + n);
        const T wv = T(0.5), bv = T(0.1);
        const auto result = ctgrad::value_and_grad(mse, ctgrad::wrt(x, w, y, b), w = wv, b = bv, x = xs, y = ys);
        static_assert(std::is_same_v<std::remove_const_t<decltype(result)>, std::tuple<T, std::vector<T>, T, std::vector<T>, T>>);
        const auto& [value, dx, dw, dy, db] = result;
        const auto [value2, dw2, db2] = ctgrad::value_and_grad(mse, ctgrad::wrt(w, b), w = wv, b = bv, x = xs, y = ys);

        BOOST_TEST_CONTEXT(type_name<T> << ", n = " << n) {
            check_close(value, value2, 4 * eps<T> * std::abs(static_cast<double>(value2)), "value vs wrt(w, b)");
            check_close(dw, dw2, 4 * eps<T> * (1 + std::abs(static_cast<double>(dw2))), "d/dw vs wrt(w, b)");
            check_close(db, db2, 4 * eps<T> * (1 + std::abs(static_cast<double>(db2))), "d/db vs wrt(w, b)");
            BOOST_TEST_REQUIRE(dx.size() == n);
            BOOST_TEST_REQUIRE(dy.size() == n);
            const R nr = static_cast<R>(n);
            for (std::size_t i = 0; i != n; ++i) {
                const R r = static_cast<R>(wv) * xs[i] + static_cast<R>(bv) - ys[i];
                const double scale = 4 * static_cast<double>((std::abs(static_cast<R>(wv) * xs[i]) + std::abs(static_cast<R>(bv)) + std::abs(static_cast<R>(ys[i]))) / nr);
                check_close(dx[i], 2 * r * static_cast<R>(wv) / nr, 8 * eps<T> * scale, "d/dx_" + std::to_string(i));
                check_close(dy[i], -2 * r / nr, 8 * eps<T> * scale, "d/dy_" + std::to_string(i));
            }
            if (n <= 17) {
                std::vector<T> xp = xs;
                std::vector<T> yp = ys;
                for (std::size_t i = 0; i != n; ++i) {
                    const T fdx = central_difference(
                        [&](T p) {
                            xp[i] = p;
                            const T f = ctgrad::evaluate(mse, w = wv, b = bv, x = xp, y = ys);
                            xp[i] = xs[i];
                            return f;
                        },
                        xs[i]);
                    check_fd(dx[i], fdx, "d/dx_" + std::to_string(i));
                    const T fdy = central_difference(
                        [&](T p) {
                            yp[i] = p;
                            const T f = ctgrad::evaluate(mse, w = wv, b = bv, x = xs, y = yp);
                            yp[i] = ys[i];
                            return f;
                        },
                        ys[i]);
                    check_fd(dy[i], fdy, "d/dy_" + std::to_string(i));
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(pytorch_reference_values) {
    // torch 1.13, float64:
    //   x = tensor([1., 2., 3., 4.]); y = tensor([2., 4.1, 5.9, 8.2])
    //   w = tensor(0.5, requires_grad=True); b = tensor(0.1, requires_grad=True)
    //   l = ((w * x + b - y) ** 2).mean(); l.backward()
    //   print(l.item(), w.grad.item(), b.grad.item())  -> 16.665 -22.35 -7.3999999999999995
    const std::vector<double> xs{1.0, 2.0, 3.0, 4.0};
    const std::vector<double> ys{2.0, 4.1, 5.9, 8.2};
    const auto [l, dw, db] = ctgrad::value_and_grad(mse, ctgrad::wrt(w, b), w = 0.5, b = 0.1, x = xs, y = ys);
    BOOST_TEST(l == 16.665, boost::test_tools::tolerance(1e-13));
    BOOST_TEST(dw == -22.35, boost::test_tools::tolerance(1e-13));
    BOOST_TEST(db == -7.4, boost::test_tools::tolerance(1e-13));
}

BOOST_AUTO_TEST_SUITE_END()  // gradients

// ================================================================================================
BOOST_AUTO_TEST_SUITE(length_mismatch)

BOOST_AUTO_TEST_CASE_TEMPLATE(throws_naming_both_variables_and_lengths, T, scalar_types) {
    const std::vector<T> xs3(3, T(1));
    const std::vector<T> ys4(4, T(2));
    const std::array<T, 4> ya4{T(1), T(2), T(3), T(4)};
    const auto x_y_3_4 = mentioning({"x", "y", "3", "4"});

    BOOST_CHECK_EXCEPTION(ctgrad::evaluate(sum(x * y), x = xs3, y = ys4), std::invalid_argument, x_y_3_4);
    BOOST_CHECK_EXCEPTION(ctgrad::evaluate(mean(x) + dot(x, y), x = xs3, y = ya4), std::invalid_argument, x_y_3_4);
    BOOST_CHECK_EXCEPTION(ctgrad::evaluate(x * y + w, x = xs3, y = ys4, w = T(1)), std::invalid_argument, x_y_3_4);
    BOOST_CHECK_EXCEPTION(ctgrad::value_and_grad(mse, ctgrad::wrt(w, b), w = T(0.5), b = T(0.1), x = xs3, y = ys4),
                          std::invalid_argument, x_y_3_4);
    BOOST_CHECK_EXCEPTION(ctgrad::value_and_grad(mse, ctgrad::wrt(x, w), w = T(0.5), b = T(0.1), x = xs3, y = ys4),
                          std::invalid_argument, x_y_3_4);
    BOOST_CHECK_EXCEPTION(ctgrad::value_and_grad(mse, ctgrad::wrt(w, b), w = T(0.5), b = T(0.1), y = ys4, x = xs3),
                          std::invalid_argument, x_y_3_4);
    // the odd one out among three arrays
    BOOST_CHECK_EXCEPTION(ctgrad::evaluate(sum(x * y * z), x = xs3, y = xs3, z = ys4), std::invalid_argument,
                          mentioning({"z", "3", "4"}));
    // an empty array against a non-empty one
    BOOST_CHECK_EXCEPTION(ctgrad::evaluate(sum(x * y), x = std::vector<T>{}, y = xs3), std::invalid_argument,
                          mentioning({"x", "y", "0", "3"}));
    // equal lengths and scalars are fine
    BOOST_CHECK_NO_THROW(ctgrad::evaluate(sum(x * y * w), x = ys4, y = ya4, w = T(2)));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(evaluate_into_checks_the_output_length, T, scalar_types) {
    const std::vector<T> xs3(3, T(1));
    const std::vector<T> ys4(4, T(2));
    std::vector<T> out4(4, T(-1));
    std::vector<T> out2(2, T(-1));
    BOOST_CHECK_EXCEPTION(ctgrad::evaluate_into(std::span<T>(out4), x * 2_c, x = xs3), std::invalid_argument,
                          mentioning({"3", "4"}));
    BOOST_CHECK_EXCEPTION(ctgrad::evaluate_into(std::span<T>(out2), x * w, x = xs3, w = T(2)), std::invalid_argument,
                          mentioning({"2", "3"}));
    // no scalar-only shortcut: a scalar expression has one element
    BOOST_CHECK_EXCEPTION(ctgrad::evaluate_into(std::span<T>(out2), w * 2_c, w = T(2)), std::invalid_argument,
                          mentioning({"1", "2"}));
    BOOST_CHECK_EXCEPTION(ctgrad::evaluate_into(std::span<T>(out4), x + y, x = xs3, y = ys4), std::invalid_argument,
                          mentioning({"x", "y", "3", "4"}));
    // nothing was written before the throw
    BOOST_TEST(out4 == std::vector<T>(4, T(-1)), boost::test_tools::per_element());
    BOOST_TEST(out2 == std::vector<T>(2, T(-1)), boost::test_tools::per_element());

    std::vector<T> out3(3, T(-1));
    BOOST_CHECK_NO_THROW(ctgrad::evaluate_into(std::span<T>(out3), x * 2_c, x = xs3));
    BOOST_TEST(out3 == std::vector<T>(3, T(2)), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()  // length_mismatch

// ================================================================================================
BOOST_AUTO_TEST_SUITE(empty_inputs)

// PyTorch 1.13 (Debian's python3-torch), for torch.float32 and torch.float64 alike:
//   x = torch.tensor([]); y = torch.tensor([])
//   torch.sum(x)                                      -> 0.0
//   torch.mean(x)                                     -> nan
//   torch.dot(x, y)                                   -> 0.0
//   torch.log(torch.sum(torch.exp(x)))                -> -inf
//   w = torch.tensor(0.5, requires_grad=True); b = torch.tensor(0.1, requires_grad=True)
//   l = torch.mean((w*x + b - y)**2); l.backward()    -> l = nan, w.grad = 0.0, b.grad = 0.0
//   mu = torch.tensor(0.3, requires_grad=True); sigma = torch.tensor(1.3, requires_grad=True)
//   l = torch.sum(-torch.log(sigma) - (x - mu)**2 / (2 * sigma**2)); l.backward()
//                                                     -> l = 0.0, mu.grad = 0.0, sigma.grad = 0.0
//   x.requires_grad_(); torch.log(torch.sum(torch.exp(x))).backward()  -> x.grad = tensor([])

BOOST_AUTO_TEST_CASE_TEMPLATE(reductions_of_nothing, T, scalar_types) {
    const std::vector<T> none;
    const std::array<T, 0> no_array{};
    const std::span<const T> no_span;
    BOOST_TEST(ctgrad::evaluate(sum(x), x = none) == T(0));
    BOOST_TEST(ctgrad::evaluate(sum(x), x = no_array) == T(0));
    BOOST_TEST(ctgrad::evaluate(sum(x), x = no_span) == T(0));
    BOOST_TEST(ctgrad::evaluate(sum(exp(x) * w), x = none, w = T(2)) == T(0));
    BOOST_TEST(std::isnan(ctgrad::evaluate(mean(x), x = none)));
    BOOST_TEST(std::isnan(ctgrad::evaluate(mean(x), x = no_array)));
    BOOST_TEST(std::isnan(ctgrad::evaluate(mean(x * x), x = no_span)));
    BOOST_TEST(ctgrad::evaluate(dot(x, y), x = none, y = no_array) == T(0));
    const T lse = ctgrad::evaluate(log_sum_exp, x = none);
    BOOST_TEST((std::isinf(lse) && lse < 0));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(elementwise_of_nothing, T, scalar_types) {
    const std::vector<T> none;
    const std::vector<T> r = ctgrad::evaluate(x * w + y, x = none, y = none, w = T(2));
    BOOST_TEST(r.empty());
    std::vector<T> out;
    BOOST_CHECK_NO_THROW(ctgrad::evaluate_into(std::span<T>(out), x * w, x = none, w = T(2)));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(gradients_on_nothing, T, scalar_types) {
    const std::vector<T> none;
    {
        const auto [value, dw, db] = ctgrad::value_and_grad(mse, ctgrad::wrt(w, b), w = T(0.5), b = T(0.1), x = none, y = none);
        BOOST_TEST(std::isnan(value));
        BOOST_TEST(dw == T(0));
        BOOST_TEST(db == T(0));
    }
    {
        const auto [value, dmu, dsigma] = ctgrad::value_and_grad(log_density, ctgrad::wrt(mu, sigma), mu = T(0.3), sigma = T(1.3), x = none);
        BOOST_TEST(value == T(0));
        BOOST_TEST(dmu == T(0));
        BOOST_TEST(dsigma == T(0));
    }
    {
        const auto [value, dx, dw] = ctgrad::value_and_grad(mse, ctgrad::wrt(x, w), w = T(0.5), b = T(0.1), x = none, y = none);
        BOOST_TEST(std::isnan(value));
        BOOST_TEST(dx.empty());
        BOOST_TEST(dw == T(0));
    }
    {
        const auto [value, dx] = ctgrad::value_and_grad(log_sum_exp, ctgrad::wrt(x), x = none);
        BOOST_TEST((std::isinf(value) && value < 0));
        BOOST_TEST(dx.empty());
    }
}

BOOST_AUTO_TEST_SUITE_END()  // empty_inputs

// Long float sums: a cascade over chunks keeps the error near the logarithm of n. With 16
// running partial sums of 625 000 terms each, the loss at n = 1e7 was off by 3e-4.
BOOST_AUTO_TEST_SUITE(accuracy)

BOOST_AUTO_TEST_CASE(float_sum_of_ten_million) {
    const std::size_t n = 10000000;
    std::vector<float> xs(n), ys(n);
    std::uint32_t state = 12345;
    const auto uniform = [&] {  // a small LCG: the same data on every platform
        state = state * 1664525U + 1013904223U;
        return static_cast<float>(state >> 8) / 16777216.0f;
    };
    for (std::size_t i = 0; i != n; ++i) {
        xs[i] = 2 * uniform() - 1;
        ys[i] = 2 * xs[i] + 1 + 0.1f * (uniform() - 0.5f);
    }
    const float wv = 0.5f, bv = -0.25f;
    const auto [value, dw, db] = ctgrad::value_and_grad(mse, ctgrad::wrt(w, b), w = wv, b = bv, x = xs, y = ys);
    long double loss = 0, gw = 0, gb = 0;
    for (std::size_t i = 0; i != n; ++i) {
        const long double r = static_cast<long double>(wv) * xs[i] + bv - ys[i];
        loss += r * r;
        gw += 2 * r * xs[i];
        gb += 2 * r;
    }
    const auto rel = [&](float got, long double want) { return static_cast<double>(std::fabs((got - want * 1.0L / n) / (want / n))); };
    BOOST_TEST(rel(value, loss) <= 1e-6);
    BOOST_TEST(rel(dw, gw) <= 1e-6);
    BOOST_TEST(rel(db, gb) <= 1e-6);
}

BOOST_AUTO_TEST_SUITE_END()  // accuracy

BOOST_AUTO_TEST_SUITE_END()  // fused
