// Shared subexpressions: each distinct node is evaluated once, gradients come from one reverse
// sweep over the deduplicated DAG, and runtime literals of one type are merged only when equal.
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace {

using namespace ctgrad::literals;
constexpr auto x = ctgrad::var<"x">;
constexpr auto y = ctgrad::var<"y">;

/// The identity, counting how often it is evaluated.
int evaluations = 0;
struct counted_op : ctgrad::detail::op_base<"counted", ctgrad::notation::function> {
    template <class T> static T value(T a) {
        ++evaluations;
        return a;
    }
    template <class A, class R> static constexpr auto partial(const A&, const R&) { return ctgrad::one; }
};
template <class E>
constexpr auto counted(const E& e) { return ctgrad::make_unary<counted_op>(e); }

/// s_{k+1} = sin(s_k) * x + s_k * y, which holds s_0 2^k times as a tree.
template <int K, class S>
constexpr auto chain(const S& s) {
    if constexpr (K == 0) return s;
    else return chain<K - 1>(sin(s) * x + s * y);
}

/// The same chain written the documented way: each step named by ctgrad::let, in ordinary
/// code (not in a function template, whose arguments a lambda's name would repeat), so its type
/// holds each step once and a Debug build (-g) compiles it too. A macro only to keep the test
/// short: each line is what a user writes.
#define CTGRAD_TEST_STEP(next, s) const auto next = ctgrad::let([=] { return sin(s) * x + s * y; })
#define CTGRAD_TEST_CHAIN_4(out, s0)  \
    CTGRAD_TEST_STEP(out##_1, s0);     \
    CTGRAD_TEST_STEP(out##_2, out##_1); \
    CTGRAD_TEST_STEP(out##_3, out##_2); \
    CTGRAD_TEST_STEP(out, out##_3)

/// The same chain on doubles, for finite differences.
double chain_value(int k, double xv, double yv) {
    double s = xv * yv + std::sin(xv);
    for (int i = 0; i != k; ++i) s = std::sin(s) * xv + s * yv;
    return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dag)

BOOST_AUTO_TEST_CASE(shared_subexpression_is_evaluated_once) {
    const auto s = counted(x * y);
    const auto f = s * s + sin(s) + s;  // s four times in the tree
    evaluations = 0;
    const double v = f(x = 2.0, y = 3.0);
    BOOST_TEST(evaluations == 1);
    BOOST_TEST(v == 36.0 + std::sin(6.0) + 6.0);

    evaluations = 0;
    const auto [value, gx, gy] = ctgrad::value_and_grad(f, ctgrad::wrt(x, y), x = 2.0, y = 3.0);
    BOOST_TEST(evaluations == 1);  // the reverse sweep reuses the forward values
    BOOST_TEST(value == v);
    const double ds = 2 * 6.0 + std::cos(6.0) + 1;  // df/ds
    BOOST_TEST(gx == ds * 3.0, boost::test_tools::tolerance(1e-14));
    BOOST_TEST(gy == ds * 2.0, boost::test_tools::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(deep_chain_is_evaluated_once_per_point) {
    const auto s0 = ctgrad::let([=] { return x * y + sin(counted(x)); });
    CTGRAD_TEST_CHAIN_4(s4, s0);
    CTGRAD_TEST_CHAIN_4(s8, s4);
    CTGRAD_TEST_CHAIN_4(s12, s8);
    CTGRAD_TEST_CHAIN_4(f, s12);  // 16 steps: 2^16 copies of the bottom as a tree
    evaluations = 0;
    (void)f(x = 0.3, y = 0.4);
    BOOST_TEST(evaluations == 1);
    evaluations = 0;
    (void)ctgrad::value_and_grad(f, ctgrad::wrt(x, y), x = 0.3, y = 0.4);
    BOOST_TEST(evaluations == 1);

    // in the fused loop: once per element, value and gradient together
    const std::vector<double> xs{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
    evaluations = 0;
    (void)ctgrad::value_and_grad(sum(f), ctgrad::wrt(y), x = xs, y = 0.4);
    BOOST_TEST(evaluations == 10);
}

BOOST_AUTO_TEST_CASE(deep_chain_gradients_match_finite_differences) {
    const auto s0 = ctgrad::let([=] { return x * y + sin(x); });
    CTGRAD_TEST_CHAIN_4(s4, s0);
    CTGRAD_TEST_CHAIN_4(s8, s4);
    CTGRAD_TEST_CHAIN_4(f, s8);  // 12 steps
    for (double xv : {-0.7, 0.2, 0.45}) {
        for (double yv : {-0.3, 0.1, 0.5}) {
            const auto [value, gx, gy] = ctgrad::value_and_grad(f, ctgrad::wrt(x, y), x = xv, y = yv);
            const double h = 1e-6;
            const double fx = (chain_value(12, xv + h, yv) - chain_value(12, xv - h, yv)) / (2 * h);
            const double fy = (chain_value(12, xv, yv + h) - chain_value(12, xv, yv - h)) / (2 * h);
            BOOST_TEST(value == chain_value(12, xv, yv), boost::test_tools::tolerance(1e-12));
            BOOST_TEST(std::abs(gx - fx) <= 1e-6 * (1 + std::abs(fx)), "d/dx at " << xv << ", " << yv << ": " << gx << " vs " << fx);
            BOOST_TEST(std::abs(gy - fy) <= 1e-6 * (1 + std::abs(fy)), "d/dy at " << xv << ", " << yv << ": " << gy << " vs " << fy);
            // forward-mode symbolic d agrees with the reverse sweep
            BOOST_TEST(ctgrad::d(f, x)(x = xv, y = yv) == gx, boost::test_tools::tolerance(1e-12));
            BOOST_TEST(ctgrad::d(f, y)(x = xv, y = yv) == gy, boost::test_tools::tolerance(1e-12));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_named_step_is_its_expression) {
    // A short chain both ways: the same formulas, values, derivatives and gradients.
    const auto spelled = chain<4>(x * y + sin(x));
    const auto s0 = ctgrad::let([=] { return x * y + sin(x); });
    CTGRAD_TEST_CHAIN_4(named, s0);
    BOOST_TEST(ctgrad::to_string(named).str() == ctgrad::to_string(spelled).str());
    BOOST_TEST(ctgrad::to_string(ctgrad::d(named, x)).str() == ctgrad::to_string(ctgrad::d(spelled, x)).str());
    BOOST_TEST(ctgrad::to_string(ctgrad::d<2>(named, y)).str() == ctgrad::to_string(ctgrad::d<2>(spelled, y)).str());
    // The same picture: each distinct node once.
    BOOST_TEST(ctgrad::to_dot(named) == ctgrad::to_dot(spelled));
    BOOST_TEST(ctgrad::to_dot(ctgrad::d(named, x)) == ctgrad::to_dot(ctgrad::d(spelled, x)));
    for (double xv : {-0.7, 0.45}) {
        BOOST_TEST(named(x = xv, y = 0.3) == spelled(x = xv, y = 0.3));
        BOOST_TEST(ctgrad::d(named, x)(x = xv, y = 0.3) == ctgrad::d(spelled, x)(x = xv, y = 0.3), boost::test_tools::tolerance(1e-14));
        const auto [v1, gx1, gy1] = ctgrad::value_and_grad(named, ctgrad::wrt(x, y), x = xv, y = 0.3);
        const auto [v2, gx2, gy2] = ctgrad::value_and_grad(spelled, ctgrad::wrt(x, y), x = xv, y = 0.3);
        BOOST_TEST(v1 == v2);
        BOOST_TEST(gx1 == gx2);
        BOOST_TEST(gy1 == gy2);
    }
    // Over arrays, in the fused loop.
    const std::vector<double> xs{0.1, -0.2, 0.3, 0.4, -0.5};
    const auto [m1, dy1] = ctgrad::value_and_grad(mean(named), ctgrad::wrt(y), x = xs, y = 0.3);
    const auto [m2, dy2] = ctgrad::value_and_grad(mean(spelled), ctgrad::wrt(y), x = xs, y = 0.3);
    BOOST_TEST(m1 == m2);
    BOOST_TEST(dy1 == dy2);
    // A name shared with its own expression is one node, computed once.
    const auto s = ctgrad::let([=] { return counted(x * y); });
    evaluations = 0;
    BOOST_TEST((s * counted(x * y))(x = 2.0, y = 3.0) == 36.0);
    BOOST_TEST(evaluations == 1);
}

BOOST_AUTO_TEST_CASE(a_named_step_keeps_its_runtime_numbers) {
    const double k = 0.5;
    const auto s = ctgrad::let([=] { return x * k + sin(x); });
    const auto f = s * s + s * y;
    const double xv = 0.7, yv = -0.4, sv = xv * k + std::sin(xv);
    BOOST_TEST(f(x = xv, y = yv) == sv * sv + sv * yv, boost::test_tools::tolerance(1e-15));
    const double ds = (k + std::cos(xv)) * (2 * sv + yv);
    BOOST_TEST(ctgrad::d(f, x)(x = xv, y = yv) == ds, boost::test_tools::tolerance(1e-14));
    const auto [v, gx, gy] = ctgrad::value_and_grad(f, ctgrad::wrt(x, y), x = xv, y = yv);
    BOOST_TEST(v == sv * sv + sv * yv, boost::test_tools::tolerance(1e-15));
    BOOST_TEST(gx == ds, boost::test_tools::tolerance(1e-14));
    BOOST_TEST(gy == sv, boost::test_tools::tolerance(1e-15));

    // A name and its expression written out are one node when their numbers are equal, and
    // two when they differ.
    const auto t = ctgrad::let([=] { return counted(x * k); });
    evaluations = 0;
    BOOST_TEST((t * counted(x * k))(x = 2.0) == 1.0);
    BOOST_TEST(evaluations == 1);
    const auto [v2, g2] = ctgrad::value_and_grad(t * counted(x * k), ctgrad::wrt(x), x = 2.0);
    BOOST_TEST(v2 == 1.0);
    BOOST_TEST(g2 == 1.0);  // d/dx (x k)^2 = 2 x k^2
    evaluations = 0;
    BOOST_TEST((t * counted(x * 0.25))(x = 2.0) == 0.5);
    BOOST_TEST(evaluations == 2);
    const auto [v3, g3] = ctgrad::value_and_grad(t * counted(x * 0.25), ctgrad::wrt(x), x = 2.0);
    BOOST_TEST(v3 == 0.5);
    BOOST_TEST(g3 == 0.5);  // d/dx (x k)(x / 4) = 2 x k / 4
}

BOOST_AUTO_TEST_CASE(runtime_literals_of_one_type_are_merged_only_when_equal) {
    // x * 0.5 and x * 0.7 have one type; they are different nodes
    const auto different = counted(x * 0.5) + counted(x * 0.7);
    static_assert(std::is_same_v<std::remove_cvref_t<decltype(different.l())>, std::remove_cvref_t<decltype(different.r())>>);
    evaluations = 0;
    BOOST_TEST(different(x = 2.0) == 2.4, boost::test_tools::tolerance(1e-15));
    BOOST_TEST(evaluations == 2);
    const auto [v1, g1] = ctgrad::value_and_grad(different, ctgrad::wrt(x), x = 2.0);
    BOOST_TEST(v1 == 2.4, boost::test_tools::tolerance(1e-15));
    BOOST_TEST(g1 == 1.2, boost::test_tools::tolerance(1e-15));

    // equal values: one node
    const auto same = counted(x * 0.5) * counted(x * 0.5);
    evaluations = 0;
    BOOST_TEST(same(x = 2.0) == 1.0);
    BOOST_TEST(evaluations == 1);
    const auto [v2, g2] = ctgrad::value_and_grad(same, ctgrad::wrt(x), x = 2.0);
    BOOST_TEST(v2 == 1.0);
    BOOST_TEST(g2 == 1.0);  // d/dx (x/2)^2 = x/2

    // the same in the fused loop
    const std::vector<double> xs{1.0, 2.0, 3.0};
    const auto [v3, g3] = ctgrad::value_and_grad(sum(x * 0.5 + x * 0.7), ctgrad::wrt(x), x = xs);
    BOOST_TEST(v3 == 7.2, boost::test_tools::tolerance(1e-14));
    for (double g : g3) BOOST_TEST(g == 1.2, boost::test_tools::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(user_variables_never_collide_with_reduction_slots) {
    constexpr auto c = ctgrad::var<"#000">;
    const std::vector<double> xs{1.0, 2.0, 3.0};
    BOOST_TEST(ctgrad::evaluate(sum(x) + c, x = xs, c = 100.0) == 106.0);
}

BOOST_AUTO_TEST_CASE(invariant_parts_of_a_sum_are_evaluated_once) {
    // sum(c + e), sum(e / c), sum(c * e), mean(e - c): c, which uses no array, leaves the loop.
    const std::vector<double> xs{0.5, 1.5, -2.0, 3.0, 0.25, -1.0, 2.0, 4.0, -3.5, 1.0};
    double sx = 0, sxx = 0;
    for (double v : xs) {
        sx += v;
        sxx += v * v;
    }
    const double c = 1.7, n = static_cast<double>(xs.size());

    evaluations = 0;
    const auto [v1, dc1] = ctgrad::value_and_grad(sum(counted(y) * 2_c + x * x), ctgrad::wrt(y), x = xs, y = c);
    BOOST_TEST(evaluations == 1);
    BOOST_TEST(v1 == 2 * c * n + sxx, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(dc1 == 2 * n, boost::test_tools::tolerance(1e-12));

    evaluations = 0;
    const auto [v2, dc2] = ctgrad::value_and_grad(sum(x * x / exp(counted(y))), ctgrad::wrt(y), x = xs, y = c);
    BOOST_TEST(evaluations == 1);
    BOOST_TEST(v2 == sxx / std::exp(c), boost::test_tools::tolerance(1e-12));
    BOOST_TEST(dc2 == -sxx / std::exp(c), boost::test_tools::tolerance(1e-12));

    evaluations = 0;
    const auto [v3, dc3] = ctgrad::value_and_grad(mean(x - counted(y) * sin(y)), ctgrad::wrt(y), x = xs, y = c);
    BOOST_TEST(evaluations == 1);
    BOOST_TEST(v3 == sx / n - c * std::sin(c), boost::test_tools::tolerance(1e-12));
    BOOST_TEST(dc3 == -(std::sin(c) + c * std::cos(c)), boost::test_tools::tolerance(1e-12));

    // Both sides use the array: the sum is not split, so shared nodes stay computed once each.
    evaluations = 0;
    (void)ctgrad::value_and_grad(sum(sin(counted(x)) * y + counted(x) * x), ctgrad::wrt(y), x = xs, y = c);
    BOOST_TEST(evaluations == xs.size());
}

BOOST_AUTO_TEST_SUITE_END()
