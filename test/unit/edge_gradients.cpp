// Gradients at the edges, against PyTorch 1.13: the symbolic derivative (`d`), the reverse
// sweep over scalars (`value_and_grad` with numbers bound) and the fused loop (`value_and_grad`
// with arrays bound) give torch's values
//
//   pow_*           at a zero base, where torch masks d/dx where y == 0 (a select: 0 whatever
//                   flows in) and d/dy where x == 0 and y >= 0 (a factor 0);
//   relu_*          0 where x <= 0 whatever flows in (inf, nan), as +0; relu(nan) = nan;
//   div_*           d(a/b)/db as -(a/b)/b, which does not overflow where b^2 would, and the
//                   adjoint divided by b, not multiplied by 1/b (torch's rounding);
//   sigmoid_*       1 / (1 + exp(-x)): exactly 0 once exp(-x) overflows;
//   max_min_*       torch.maximum / torch.minimum: a tie shares the gradient (1/2 each), nan
//                   passes the gradient to both;
//   clamp_*         the gradient passes where lo <= x <= hi, bounds included, and not at nan;
//   where_*         the gradient of the branch not taken is 0 whatever it is (inf, nan);
//   factoring_*     a sum whose invariant factors or terms leave the loop gives the result of
//                   the sum as written when that result is not finite.
//
// The values in the comments are torch 1.13's (Debian's python3-torch). The Tensor layer's
// twins are the oracle scenarios edge_* (test/oracle/scenarios.py).
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace {

using namespace ctgrad::literals;

constexpr auto x = ctgrad::var<"x">;
constexpr auto y = ctgrad::var<"y">;
constexpr auto w = ctgrad::var<"w">;
constexpr auto c = ctgrad::var<"c">;

using scalar_types = std::tuple<float, double>;

template <class T>
constexpr T infinity = std::numeric_limits<T>::infinity();
template <class T>
constexpr T not_a_number = std::numeric_limits<T>::quiet_NaN();

template <class T>
constexpr const char* type_name = std::is_same_v<T, float> ? "float" : "double";

/// `got` is `expected` exactly: the same number with the same sign of zero, or both NaN.
template <class T>
bool same_value(T got, T expected) {
    if (std::isnan(expected)) return std::isnan(got);
    return got == expected && std::signbit(got) == std::signbit(expected);
}

template <class T>
void check_same(T got, T expected, std::string_view what) {
    BOOST_CHECK_MESSAGE(same_value(got, expected), what << " [" << type_name<T> << "]: got " << got << " (sign bit "
                                                        << std::signbit(got) << "), expected " << expected
                                                        << " (sign bit " << std::signbit(expected) << ")");
}

template <class T>
void check_all_same(const std::vector<T>& got, const std::vector<T>& expected, std::string_view what) {
    BOOST_TEST_REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i != got.size(); ++i) check_same(got[i], expected[i], std::string(what) + "[" + std::to_string(i) + "]");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(edge_gradients)

// ---- pow at a zero base ------------------------------------------------------------------------

// x = torch.zeros(5, requires_grad=True); y = torch.tensor([-1., 0., .5, 1., 2.], requires_grad=True)
// (x ** y).sum().backward()  ->  x.grad = [-inf, 0, inf, 1, 0], y.grad = [-inf, 0, 0, 0, 0]
BOOST_AUTO_TEST_CASE_TEMPLATE(pow_at_zero_base, T, scalar_types) {
    const std::vector<T> ys{T(-1), T(0), T(0.5), T(1), T(2)};
    const std::vector<T> dx{-infinity<T>, T(0), infinity<T>, T(1), T(0)};
    const std::vector<T> dy{-infinity<T>, T(0), T(0), T(0), T(0)};
    const auto [fx, fy] = ctgrad::grad(ctgrad::pow(x, y), x, y);
    for (std::size_t i = 0; i != ys.size(); ++i) {
        const std::string at = " at x = 0, y = " + std::to_string(static_cast<double>(ys[i]));
        check_same<T>(fx(x = T(0), y = ys[i]), dx[i], "d/dx x^y (symbolic)" + at);
        check_same<T>(fy(x = T(0), y = ys[i]), dy[i], "d/dy x^y (symbolic)" + at);
        const auto [v, gx, gy] = ctgrad::value_and_grad(ctgrad::pow(x, y), ctgrad::wrt(x, y), x = T(0), y = ys[i]);
        check_same<T>(gx, dx[i], "d/dx x^y (reverse sweep)" + at);
        check_same<T>(gy, dy[i], "d/dy x^y (reverse sweep)" + at);
        (void)v;
    }
    const std::vector<T> zeros(ys.size(), T(0));
    const auto [v, gx, gy] = ctgrad::value_and_grad(sum(ctgrad::pow(x, y)), ctgrad::wrt(x, y), x = zeros, y = ys);
    check_all_same(gx, dx, "d/dx sum(x^y) (fused)");
    check_all_same(gy, dy, "d/dy sum(x^y) (fused)");
    (void)v;
}

// A zero exponent: (x ** 0.0).sum().backward() -> x.grad = [0, 0] at x = [0, 2]; a number base 0:
// (0.0 ** y).sum().backward() -> y.grad = [-inf, 0, 0, 0] at y = [-1, 0, 0.5, 2].
BOOST_AUTO_TEST_CASE_TEMPLATE(pow_with_a_number_zero, T, scalar_types) {
    check_same<T>(ctgrad::d(ctgrad::pow(x, 0.0), x)(x = T(0)), T(0), "d/dx x^0.0 at 0 (symbolic)");
    check_same<T>(std::get<1>(ctgrad::value_and_grad(ctgrad::pow(x, 0.0), ctgrad::wrt(x), x = T(0))), T(0),
                  "d/dx x^0.0 at 0 (reverse sweep)");
    const std::vector<T> xs{T(0), T(2)};
    check_all_same(std::get<1>(ctgrad::value_and_grad(sum(ctgrad::pow(x, 0.0)), ctgrad::wrt(x), x = xs)), {T(0), T(0)},
                   "d/dx sum(x^0.0) (fused)");

    const std::vector<T> ys{T(-1), T(0), T(0.5), T(2)};
    const std::vector<T> dy{-infinity<T>, T(0), T(0), T(0)};
    for (std::size_t i = 0; i != ys.size(); ++i) {
        check_same<T>(ctgrad::d(ctgrad::pow(0.0, y), y)(y = ys[i]), dy[i], "d/dy 0.0^y (symbolic)");
        check_same<T>(std::get<1>(ctgrad::value_and_grad(ctgrad::pow(0.0, y), ctgrad::wrt(y), y = ys[i])), dy[i],
                      "d/dy 0.0^y (reverse sweep)");
    }
    check_all_same(std::get<1>(ctgrad::value_and_grad(sum(ctgrad::pow(0.0, y)), ctgrad::wrt(y), y = ys)), dy,
                   "d/dy sum(0.0^y) (fused)");
}

// The mask of d/dx is a select, that of d/dy a factor 0, as in torch:
// u = torch.tensor([0., 0., 1.]); v = torch.tensor([0., 2., 0.]) (both requiring grad)
// (u ** v).backward(torch.tensor([inf, inf, inf]))  ->  u.grad = [0, nan, 0], v.grad = [nan, nan, nan]
BOOST_AUTO_TEST_CASE_TEMPLATE(pow_masks_under_an_infinite_gradient, T, scalar_types) {
    const std::vector<T> us{T(0), T(0), T(1)};
    const std::vector<T> vs{T(0), T(2), T(0)};
    const std::vector<T> du{T(0), not_a_number<T>, T(0)};
    const auto f = ctgrad::pow(x, y) * w;  // w = inf: what flows into the power is inf
    const auto [fx, fy] = ctgrad::grad(f, x, y);
    for (std::size_t i = 0; i != us.size(); ++i) {
        check_same<T>(fx(x = us[i], y = vs[i], w = infinity<T>), du[i], "d/dx x^y * inf (symbolic)");
        check_same<T>(fy(x = us[i], y = vs[i], w = infinity<T>), not_a_number<T>, "d/dy x^y * inf (symbolic)");
        const auto [v, gx, gy] = ctgrad::value_and_grad(f, ctgrad::wrt(x, y), x = us[i], y = vs[i], w = infinity<T>);
        check_same<T>(gx, du[i], "d/dx x^y * inf (reverse sweep)");
        check_same<T>(gy, not_a_number<T>, "d/dy x^y * inf (reverse sweep)");
        (void)v;
    }
}

// ---- relu ----------------------------------------------------------------------------------------

// x = torch.tensor([-1., 0., 2.], requires_grad=True); torch.sqrt(torch.relu(x)).sum().backward()
//   -> x.grad = [0, 0, 0.3536]  (sqrt's gradient at 0 is inf; relu passes nothing there)
BOOST_AUTO_TEST_CASE_TEMPLATE(relu_masks_an_infinite_gradient, T, scalar_types) {
    const std::vector<T> xs{T(-1), T(0), T(2)};
    const std::vector<T> expected{T(0), T(0), T(1) / (T(2) * std::sqrt(T(2)))};
    const auto f = sqrt(relu(x));
    for (std::size_t i = 0; i != xs.size(); ++i) {
        check_same<T>(ctgrad::d(f, x)(x = xs[i]), expected[i], "d/dx sqrt(relu(x)) (symbolic)");
        check_same<T>(std::get<1>(ctgrad::value_and_grad(f, ctgrad::wrt(x), x = xs[i])), expected[i],
                      "d/dx sqrt(relu(x)) (reverse sweep)");
    }
    check_all_same(std::get<1>(ctgrad::value_and_grad(sum(f), ctgrad::wrt(x), x = xs)), expected, "d/dx sum(sqrt(relu(x))) (fused)");
    // what flows in is nan: relu(x) * w with w = nan passes nothing where x <= 0
    check_all_same(std::get<1>(ctgrad::value_and_grad(sum(relu(x) * w), ctgrad::wrt(x), x = xs, w = not_a_number<T>)),
                   {T(0), T(0), not_a_number<T>}, "d/dx sum(relu(x) * nan) (fused)");
    check_same<T>(ctgrad::d(relu(x) * w, x)(x = T(-1), w = not_a_number<T>), T(0), "d/dx relu(x) * nan (symbolic)");
}

// v = torch.tensor([-1., 0., 2.], requires_grad=True); torch.relu(v).backward(-torch.ones(3))
//   -> v.grad = [0., 0., -1.]  (+0, not -0);  (-torch.relu(v)).sum().backward() likewise
// w = torch.tensor([nan, -1., 2.], requires_grad=True); torch.relu(w) -> [nan, 0, 2]; grad [1, 0, 1]
BOOST_AUTO_TEST_CASE_TEMPLATE(relu_masks_with_positive_zero_and_passes_nan, T, scalar_types) {
    const std::vector<T> xs{T(-1), T(0), T(2)};
    const std::vector<T> expected{T(0), T(0), T(-1)};
    for (std::size_t i = 0; i != xs.size(); ++i) {
        check_same<T>(ctgrad::d(-relu(x), x)(x = xs[i]), expected[i], "d/dx -relu(x) (symbolic)");
        check_same<T>(std::get<1>(ctgrad::value_and_grad(-relu(x), ctgrad::wrt(x), x = xs[i])), expected[i],
                      "d/dx -relu(x) (reverse sweep)");
    }
    check_all_same(std::get<1>(ctgrad::value_and_grad(sum(-relu(x)), ctgrad::wrt(x), x = xs)), expected, "d/dx sum(-relu(x)) (fused)");

    BOOST_TEST(std::isnan(relu(x)(x = not_a_number<T>)));
    check_same<T>(ctgrad::d(relu(x), x)(x = not_a_number<T>), T(1), "d/dx relu(x) at nan (symbolic)");
    check_same<T>(std::get<1>(ctgrad::value_and_grad(relu(x), ctgrad::wrt(x), x = not_a_number<T>)), T(1), "d/dx relu(x) at nan (reverse sweep)");
}

// ---- division ------------------------------------------------------------------------------------

// a = torch.tensor([1e-200], dtype=torch.float64, requires_grad=True); b likewise
// (a / b).sum().backward()  ->  a.grad = 1e200, b.grad = -1e200  (b**2 would underflow to 0)
// float32 at 1e-25: a.grad = 9.9999995620e+24, b.grad = -9.9999995620e+24
BOOST_AUTO_TEST_CASE_TEMPLATE(div_by_a_tiny_divisor, T, scalar_types) {
    const T tiny = std::is_same_v<T, float> ? T(1e-25) : T(1e-200);
    const T expected_b = -((tiny / tiny) / tiny);
    BOOST_TEST(std::isfinite(expected_b));
    check_same<T>(ctgrad::d(x / y, y)(x = tiny, y = tiny), expected_b, "d/dy x / y (symbolic)");
    const auto [v, gx, gy] = ctgrad::value_and_grad(x / y, ctgrad::wrt(x, y), x = tiny, y = tiny);
    check_same<T>(gx, T(1) / tiny, "d/dx x / y (reverse sweep)");
    check_same<T>(gy, expected_b, "d/dy x / y (reverse sweep)");
    (void)v;
    const std::vector<T> xs{tiny, T(3)};
    const std::vector<T> ys{tiny, T(7)};
    check_all_same(std::get<1>(ctgrad::value_and_grad(sum(x / y), ctgrad::wrt(y), x = xs, y = ys)),
                   {expected_b, -((T(3) / T(7)) / T(7))}, "d/dy sum(x / y) (fused)");
}

// s = torch.tensor([1.5], requires_grad=True); t = torch.tensor([1.1], requires_grad=True)
// ((s / t) * 3.0).sum().backward(); s.grad.item(), t.grad.item()
//   -> 2.7272727489471436 -3.719008445739746   (3 * (1 / t) would give 2.7272725105285645)
BOOST_AUTO_TEST_CASE(div_rounds_as_torch) {
    const auto [v, gs, gt] = ctgrad::value_and_grad(x / y * 3_c, ctgrad::wrt(x, y), x = 1.5f, y = 1.1f);
    BOOST_TEST(gs == 2.7272727489471436f);
    BOOST_TEST(gt == -3.719008445739746f);
    (void)v;
}

// ---- sigmoid -------------------------------------------------------------------------------------

// torch.sigmoid in float32: 2.947087615903095e-39 at -88.72, 0 at -88.73 and below;
// in float64: 5.577796105262746e-309 at -709.78, 0 at -709.79 and below; the gradient is 0 there.
BOOST_AUTO_TEST_CASE_TEMPLATE(sigmoid_tails_are_zero, T, scalar_types) {
    const auto f = sigmoid(x);
    const auto df = ctgrad::d(f, x);
    const T last = std::is_same_v<T, float> ? T(-88.72) : T(-709.78);
    const T first_zero = std::is_same_v<T, float> ? T(-88.73) : T(-709.79);
    BOOST_TEST(f(x = last) > T(0));
    BOOST_TEST(f(x = last) == T(1) / (T(1) + std::exp(-last)));
    for (const T v : {first_zero, T(2) * first_zero, T(-800), T(-1e30), -infinity<T>}) {
        check_same<T>(f(x = v), T(0), "sigmoid far left");
        check_same<T>(df(x = v), T(0), "d/dx sigmoid far left (symbolic)");
        check_same<T>(std::get<1>(ctgrad::value_and_grad(f, ctgrad::wrt(x), x = v)), T(0), "d/dx sigmoid far left (reverse sweep)");
    }
    check_same<T>(f(x = infinity<T>), T(1), "sigmoid(inf)");
    // torch's formula everywhere
    for (const T v : {T(-30), T(-5), T(-0.5), T(0), T(0.5), T(5), T(30)})
        check_same<T>(f(x = v), T(1) / (T(1) + std::exp(-v)), "sigmoid = 1 / (1 + exp(-x))");
}

// ---- factoring a sum -------------------------------------------------------------------------------

// (torch.tensor([1., -1., 1.]) / 0.).sum() -> nan (factored: sum(x) / 0 = inf)
// (1e10 * torch.tensor([1e300, -1e300], dtype=torch.float64)).sum() -> nan (factored: 1e10 * 0 = 0)
BOOST_AUTO_TEST_CASE_TEMPLATE(factoring_keeps_nan, T, scalar_types) {
    const std::vector<T> ones{T(1), T(-1), T(1)};
    BOOST_TEST(std::isnan(ctgrad::evaluate(sum(x / c), x = ones, c = T(0))));
    BOOST_TEST(std::isnan(ctgrad::evaluate(mean(x / c), x = ones, c = T(0))));
    const T big = std::is_same_v<T, float> ? T(1e30) : T(1e300);
    const std::vector<T> bigs{big, -big};
    BOOST_TEST(std::isnan(ctgrad::evaluate(sum(c * x), x = bigs, c = T(1e10))));
    BOOST_TEST(std::isnan(ctgrad::evaluate(sum(x * 1e10), x = bigs)));
    BOOST_TEST(std::isnan(ctgrad::evaluate(sum(-(x * c)), x = bigs, c = T(1e10))));
    // gradients too: c = torch.tensor(0., requires_grad=True); (x / c).sum().backward() -> c.grad = nan
    const auto [v1, dc1] = ctgrad::value_and_grad(sum(x / c), ctgrad::wrt(c), x = ones, c = T(0));
    BOOST_TEST(std::isnan(v1));
    BOOST_TEST(std::isnan(dc1));
    const auto [v2, dc2] = ctgrad::value_and_grad(sum(c * x), ctgrad::wrt(c), x = bigs, c = T(1e10));
    BOOST_TEST(std::isnan(v2));
    check_same<T>(dc2, T(0), "d/dc sum(c * x)");  // sum(x), as torch
}

// An invariant term: (c + x).sum() with c = 0.5 big, x = [1.7 big, -1.7 big] -> inf (the first term
// overflows); factored, c * 2 + sum(x) = big.
BOOST_AUTO_TEST_CASE_TEMPLATE(factoring_keeps_inf, T, scalar_types) {
    const T big = std::numeric_limits<T>::max() / T(1.8);
    const std::vector<T> xs{T(1.7) * big, T(-1.7) * big};
    const T expected = (T(0.5) * big + xs[0]) + (T(0.5) * big + xs[1]);
    BOOST_TEST(std::isinf(expected));
    check_same<T>(ctgrad::evaluate(sum(c + x), x = xs, c = T(0.5) * big), expected, "sum(c + x)");
    check_same<T>(ctgrad::evaluate(sum(x - c), x = xs, c = T(-0.5) * big), expected, "sum(x - c)");
    const std::vector<T> ones{T(1), T(-1), T(1)};
    check_same<T>(ctgrad::evaluate(sum(x / c), x = std::vector<T>{T(1), T(2)}, c = T(0)), infinity<T>, "sum(x / 0), same signs");
    (void)ones;
}

// Finite values stay factored and as accurate as before.
BOOST_AUTO_TEST_CASE_TEMPLATE(factoring_finite_values, T, scalar_types) {
    const std::vector<T> xs{T(0.5), T(1.5), T(-2), T(3), T(0.25)};
    T sx = 0, sxx = 0;
    for (T v : xs) {
        sx += v;
        sxx += v * v;
    }
    const T s = T(0.7);
    const auto [v, dmu, dsigma] = ctgrad::value_and_grad(sum(-log(c) - pow(x - w, 2_c) / (2_c * pow(c, 2_c))), ctgrad::wrt(w, c),
                                                         x = xs, w = T(0), c = s);
    const T n = static_cast<T>(xs.size());
    BOOST_TEST(v == -n * std::log(s) - sxx / (2 * s * s), boost::test_tools::tolerance(T(1e-5)));
    BOOST_TEST(dmu == sx / (s * s), boost::test_tools::tolerance(T(1e-5)));
    BOOST_TEST(dsigma == -n / s + sxx / (s * s * s), boost::test_tools::tolerance(T(1e-5)));
}

// ---- max, min, clamp and where at their ties ----------------------------------------------------

// a = [1, 2, 3, nan, 0], b = [1, 1, 4, 1, nan]; torch.maximum(a, b).sum().backward() ->
// a.grad = [.5, 1, 0, 1, 1], b.grad = [.5, 0, 1, 1, 1]; torch.minimum: a.grad = [.5, 0, 1, 1, 1],
// b.grad = [.5, 1, 0, 1, 1].
BOOST_AUTO_TEST_CASE_TEMPLATE(max_min_ties_and_nan, T, scalar_types) {
    const T nan = not_a_number<T>;
    const std::vector<T> as{T(1), T(2), T(3), nan, T(0)};
    const std::vector<T> bs{T(1), T(1), T(4), T(1), nan};
    const std::vector<T> max_da{T(0.5), T(1), T(0), T(1), T(1)};
    const std::vector<T> max_db{T(0.5), T(0), T(1), T(1), T(1)};
    const std::vector<T> min_da{T(0.5), T(0), T(1), T(1), T(1)};
    const std::vector<T> min_db{T(0.5), T(1), T(0), T(1), T(1)};
    const auto [fa, fb] = ctgrad::grad(max(x, y), x, y);
    const auto [ga, gb] = ctgrad::grad(min(x, y), x, y);
    for (std::size_t i = 0; i != as.size(); ++i) {
        const std::string at = " at " + std::to_string(i);
        check_same<T>(fa(x = as[i], y = bs[i]), max_da[i], "d/dx max(x, y) (symbolic)" + at);
        check_same<T>(fb(x = as[i], y = bs[i]), max_db[i], "d/dy max(x, y) (symbolic)" + at);
        check_same<T>(ga(x = as[i], y = bs[i]), min_da[i], "d/dx min(x, y) (symbolic)" + at);
        check_same<T>(gb(x = as[i], y = bs[i]), min_db[i], "d/dy min(x, y) (symbolic)" + at);
    }
    const auto [v, da, db] = ctgrad::value_and_grad(sum(max(x, y)), ctgrad::wrt(x, y), x = as, y = bs);
    check_all_same(da, max_da, "d/dx sum(max(x, y)) (fused)");
    check_all_same(db, max_db, "d/dy sum(max(x, y)) (fused)");
    BOOST_TEST(std::isnan(v));
}

// x = [0, 1, 2, 3, nan]; torch.clamp(x, 1., 2.) = [1, 1, 2, 2, nan], its gradient [0, 1, 1, 0, 0].
BOOST_AUTO_TEST_CASE_TEMPLATE(clamp_bounds_included, T, scalar_types) {
    const std::vector<T> xs{T(0), T(1), T(2), T(3), not_a_number<T>};
    const std::vector<T> values{T(1), T(1), T(2), T(2), not_a_number<T>};
    const std::vector<T> dx{T(0), T(1), T(1), T(0), T(0)};
    const auto f = clamp(x, 1_c, 2_c);
    const auto df = ctgrad::d(f, x);
    for (std::size_t i = 0; i != xs.size(); ++i) {
        check_same<T>(f(x = xs[i]), values[i], "clamp(x, 1, 2) at " + std::to_string(i));
        check_same<T>(df(x = xs[i]), dx[i], "d/dx clamp(x, 1, 2) at " + std::to_string(i));
    }
    const auto [v, g] = ctgrad::value_and_grad(sum(clamp(x, 1.0, 2.0)), ctgrad::wrt(x), x = xs);
    check_all_same(g, dx, "d/dx sum(clamp(x, 1.0, 2.0)) (fused)");
    (void)v;
}

// x = [-1, 2], y = [inf, 1]; w = torch.where(x > 0, x * x, torch.log(x) * y) = [nan, 4];
// w.sum().backward() -> x.grad = [-inf, 4], y.grad = [nan, 0].
BOOST_AUTO_TEST_CASE_TEMPLATE(where_branch_not_taken, T, scalar_types) {
    const std::vector<T> xs{T(-1), T(2)};
    const std::vector<T> ys{infinity<T>, T(1)};
    const auto f = where(x > 0_c, x * x, log(x) * y);
    const auto [fx, fy] = ctgrad::grad(f, x, y);
    const std::vector<T> values{not_a_number<T>, T(4)};
    const std::vector<T> dx{-infinity<T>, T(4)};
    const std::vector<T> dy{not_a_number<T>, T(0)};
    for (std::size_t i = 0; i != xs.size(); ++i) {
        check_same<T>(f(x = xs[i], y = ys[i]), values[i], "where at " + std::to_string(i));
        check_same<T>(fx(x = xs[i], y = ys[i]), dx[i], "d/dx where (symbolic) at " + std::to_string(i));
        check_same<T>(fy(x = xs[i], y = ys[i]), dy[i], "d/dy where (symbolic) at " + std::to_string(i));
    }
    const auto [v, gx, gy] = ctgrad::value_and_grad(sum(f), ctgrad::wrt(x, y), x = xs, y = ys);
    check_all_same(gx, dx, "d/dx sum(where) (fused)");
    check_all_same(gy, dy, "d/dy sum(where) (fused)");
    (void)v;
}

BOOST_AUTO_TEST_SUITE_END()
