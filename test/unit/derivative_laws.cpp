// Numerical laws of differentiation: every symbolic derivative that ctgrad builds must agree with
// a central finite difference of the expression it came from, in float and in double.
//
//   first derivatives     d(f, x)(x = p)   vs  (f(x = p + h) - f(x = p - h)) / (2h)
//   second derivatives    d<2>(f, x)       vs  the same difference of d(f, x)
//   partial derivatives   grad(f, x, y)    vs  differences in x with y held fixed, and in y with x fixed
//   mixed partials        d(d(f, x), y)    vs  d(d(f, y), x)   (symmetry of second derivatives)
//
// Points are chosen away from each function's singularities and kinks (log, sqrt only at x > 0,
// abs and relu away from 0, tan away from +-pi/2, ...). A failure names the law, the expression,
// the symbolic derivative as printed by ctgrad::to_string, the point and the scalar type.
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <boost/mpl/list.hpp>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

namespace {

using namespace ctgrad::literals;
using ctgrad::d;
using ctgrad::frac;

constexpr auto x = ctgrad::var<"x">;
constexpr auto y = ctgrad::var<"y">;
constexpr auto z = ctgrad::var<"z">;

using scalar_types = boost::mpl::list<float, double>;
using grid = std::initializer_list<double>;

// ---- tolerances ------------------------------------------------------------------------------
//
// A symbolic value s and a reference r agree when |s - r| <= tol * (1 + max(|s|, |r|)): absolute
// near zero, relative for large values. The step is h = step * max(1, |p|).
//
// The error of a central difference is about h^2 |f'''| / 6 (truncation) plus eps |f| / h
// (rounding); the optimum is h ~ cbrt(eps). A wrong rule is off by O(1), so it fails by orders
// of magnitude; the margins below are measured on the grids of this file.
//   double: eps = 1.1e-16, h = 1e-5: truncation ~2e-11 |f'''|, rounding ~1e-11 |f|, far below
//           tol = 1e-6. The worst point uses 1.5% of the allowance (d/dx of cos(x^2) sin(2x) at
//           x = 3.2), a 70x margin against flakiness.
//   float:  eps = 6e-8, h = 2e-3: truncation ~7e-7 |f'''|, rounding ~3e-5 |f|, and the derivative
//           itself is evaluated in float. With tol = 1e-2 the worst point uses 6% of the
//           allowance (the same function and point; x^x at 8.5 for second derivatives), a 17x
//           margin. The step is below "1e-2 or so" because h = 5e-3 already used 36% there.
//
// `symmetric_tol` compares two symbolic expressions that are equal in exact arithmetic
// (mixed partials); only rounding separates them.
template <class T> struct tolerance;
template <> struct tolerance<double> {
    static constexpr double step = 1e-5;
    static constexpr double tol = 1e-6;
    static constexpr double symmetric_tol = 1e-10;
    static constexpr std::string_view name = "double";
};
template <> struct tolerance<float> {
    static constexpr double step = 2e-3;
    static constexpr double tol = 1e-2;
    static constexpr double symmetric_tol = 1e-4;
    static constexpr std::string_view name = "float";
};

bool close(double a, double b, double tol) {
    return std::abs(a - b) <= tol * (1.0 + std::max(std::abs(a), std::abs(b)));
}

// ---- printing for messages -------------------------------------------------------------------

/// `ctgrad::to_string(e)` as a std::string (it is a static_string for expressions without literals).
template <class E>
std::string str(const E& e) {
    const auto s = ctgrad::to_string(e);
    return std::string(std::string_view(s));
}

template <ctgrad::fixed_string N, class V>
std::string describe(const ctgrad::binding<N, V>& b) {
    std::ostringstream os;
    os << ", " << N.view() << " = " << static_cast<double>(b.value);
    return os.str();
}

template <class... Bindings>
std::string describe_all(const Bindings&... bs) {
    return (std::string() + ... + describe(bs));
}

// ---- the law helpers -------------------------------------------------------------------------
//
// The templates below only evaluate; comparing and reporting happen in these non-template
// functions, which keeps the generated code (and so the compile time) small.

/// One point of a first- or second-derivative law: `symbolic` against the central `difference`.
void check_point(const std::string& law, std::string_view variable, double p, const std::string& fixed,
                 std::string_view type, const std::string& printed, double symbolic, double difference, double tol) {
    BOOST_TEST(close(symbolic, difference, tol),
               law << " at " << variable << " = " << p << fixed << " [" << type << "]: symbolic " << printed << " = "
                   << symbolic << ", central difference = " << difference);
}

/// One point of the symmetry of mixed partials.
void check_symmetric(const std::string& name, double p, double q, std::string_view type, const std::string& dxy,
                     double a, const std::string& dyx, double b, double tol) {
    BOOST_TEST(close(a, b, tol), "mixed partials of " << name << " at x = " << p << ", y = " << q << " [" << type
                                                      << "]: d/dy d/dx = " << dxy << " = " << a << ", d/dx d/dy = "
                                                      << dyx << " = " << b);
}

/// One point where reverse mode (grad, hessian) and forward mode (d) must agree.
void check_modes(const std::string& name, double p, double q, std::string_view type, std::string_view what, double reverse,
                 double forward, double tol) {
    BOOST_TEST(close(reverse, forward, tol), what << " of " << name << " at x = " << p << ", y = " << q << " [" << type
                                                 << "]: reverse mode " << reverse << ", forward mode " << forward);
}

std::string second_law(std::string_view var, const std::string& f, const std::string& df) {
    return "d2/d" + std::string(var) + "2 " + f + " (difference of d/d" + std::string(var) + " = " + df + ")";
}

/// Checks that `df` is the derivative of `f` with respect to `v` at every point of `points`, the
/// other variables bound by `fixed`; evaluation is in `T` (all bound values are `T`).
template <class T, class F, class DF, class V, class... Fixed>
void check_against_difference(const std::string& law, const F& f, const DF& df, const V& v, grid points,
                              const Fixed&... fixed) {
    static_assert(std::is_same_v<decltype(f(v = T(1), fixed...)), T>, "evaluation must happen in T");
    static_assert(std::is_same_v<decltype(df(v = T(1), fixed...)), T>, "evaluation must happen in T");
    const std::string printed = str(df);
    const std::string bound = describe_all(fixed...);
    for (const double p : points) {
        const T c = static_cast<T>(p);
        const T h = static_cast<T>(tolerance<T>::step * std::max(1.0, std::abs(p)));
        const T hi = c + h;
        const T lo = c - h;
        // Divide by the step as actually taken in T, so that rounding of c +- h does not count.
        const double difference = (static_cast<double>(f(v = hi, fixed...)) - static_cast<double>(f(v = lo, fixed...))) /
                                  (static_cast<double>(hi) - static_cast<double>(lo));
        const double symbolic = static_cast<double>(df(v = c, fixed...));
        check_point(law, V::name(), p, bound, tolerance<T>::name, printed, symbolic, difference, tolerance<T>::tol);
    }
}

/// First and second derivative of a function of x alone, at each point of `points`.
template <class T, class F>
void check_function(const F& f, grid points) {
    const std::string name = str(f);
    const auto df = d(f, x);
    check_against_difference<T>("d/dx " + name, f, df, x, points);
    check_against_difference<T>(second_law("x", name, str(df)), df, d<2>(f, x), x, points);
}

/// Both partial derivatives (from grad), both second derivatives and the mixed partials of a
/// function of x and y, on the grid xs * ys.
template <class T, class F>
void check_function(const F& f, grid xs, grid ys) {
    const std::string name = str(f);
    const auto [dx, dy] = ctgrad::grad(f, x, y);
    const auto dxy = d(dx, y);
    const auto dyx = d(dy, x);
    // grad is reverse mode, d forward mode; the Hessian is reverse mode twice
    const auto hessian = ctgrad::hessian(f, ctgrad::wrt(x, y));
    const auto forward_dx = d(f, x);
    const auto forward_dy = d(f, y);
    const auto forward_dxx = d<2>(f, x);
    const auto forward_dyy = d<2>(f, y);
    for (const double p : xs) {
        for (const double q : ys) {
            const T px = static_cast<T>(p);
            const T qy = static_cast<T>(q);
            const auto h = hessian(x = px, y = qy);
            check_modes(name, p, q, tolerance<T>::name, "d/dx", dx(x = px, y = qy), forward_dx(x = px, y = qy), tolerance<T>::symmetric_tol);
            check_modes(name, p, q, tolerance<T>::name, "d/dy", dy(x = px, y = qy), forward_dy(x = px, y = qy), tolerance<T>::symmetric_tol);
            check_modes(name, p, q, tolerance<T>::name, "hessian (0, 0)", h[0][0], forward_dxx(x = px, y = qy), tolerance<T>::symmetric_tol);
            check_modes(name, p, q, tolerance<T>::name, "hessian (0, 1)", h[0][1], dxy(x = px, y = qy), tolerance<T>::symmetric_tol);
            check_modes(name, p, q, tolerance<T>::name, "hessian (1, 0)", h[1][0], h[0][1], 0.0);
            check_modes(name, p, q, tolerance<T>::name, "hessian (1, 1)", h[1][1], forward_dyy(x = px, y = qy), tolerance<T>::symmetric_tol);
        }
    }
    const std::string printed_dxy = str(dxy);
    const std::string printed_dyx = str(dyx);
    for (const double q : ys) {
        check_against_difference<T>("d/dx " + name, f, dx, x, xs, y = static_cast<T>(q));
        check_against_difference<T>(second_law("x", name, str(dx)), dx, d<2>(f, x), x, xs, y = static_cast<T>(q));
    }
    for (const double p : xs) {
        check_against_difference<T>("d/dy " + name, f, dy, y, ys, x = static_cast<T>(p));
        check_against_difference<T>(second_law("y", name, str(dy)), dy, d<2>(f, y), y, ys, x = static_cast<T>(p));
        // d/dy of d/dx, against a difference of d/dx in y
        check_against_difference<T>("d2/dxdy " + name + " (difference in y of d/dx = " + str(dx) + ")", dx, dxy, y, ys,
                                    x = static_cast<T>(p));
        for (const double q : ys) {
            const double a = dxy(x = static_cast<T>(p), y = static_cast<T>(q));
            const double b = dyx(x = static_cast<T>(p), y = static_cast<T>(q));
            check_symmetric(name, p, q, tolerance<T>::name, printed_dxy, a, printed_dyx, b, tolerance<T>::symmetric_tol);
        }
    }
}

// ---- grids -------------------------------------------------------------------------------------

constexpr grid anywhere = {-2.7, -1.3, -0.45, 0.3, 0.85, 1.6, 3.2};  // no 0: abs, relu, 1/x, x^-2
constexpr grid positive = {0.2, 0.55, 1.0, 1.9, 3.7, 8.5};          // log, sqrt, x^(3/2), x^2.5, x^y
constexpr grid below_half_pi = {-1.2, -0.7, -0.2, 0.4, 0.9, 1.2};    // tan: |x| < pi/2 - 0.37
constexpr grid above_minus_one = {-0.6, -0.25, 0.3, 1.1, 4.0};      // log1p
constexpr grid wide = {-8.0, -2.7, -1.3, -0.45, 0.3, 0.85, 1.6, 3.2, 8.0};  // sigmoid, tanh

// 2-D grids; ys > 0 (exp(x) / y), no x = 0 (relu(x)), |y| < pi (1 + cos(y) > 0).
constexpr grid xs2 = {-1.6, -0.55, 0.4, 1.3, 2.2};
constexpr grid ys2 = {0.35, 1.05, 2.4};
constexpr grid xs2_positive = {0.3, 0.9, 1.7, 3.1};  // bases of x^y

}  // namespace

BOOST_AUTO_TEST_SUITE(derivative_laws)

// ---- + - * / and unary minus -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE_TEMPLATE(arithmetic_two_variables, T, scalar_types) {
    check_function<T>(x + y, xs2, ys2);
    check_function<T>(x - y, xs2, ys2);
    check_function<T>(x * y, xs2, ys2);
    check_function<T>(x / y, xs2, ys2);  // quotient rule, numerator
    check_function<T>(y / x, xs2, ys2);  // quotient rule, denominator
    check_function<T>(-(x * y), xs2, ys2);
    check_function<T>(x * y * y - x / (y + 1_c), xs2, ys2);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(arithmetic_constants_and_literals, T, scalar_types) {
    // compile-time constants
    check_function<T>(x + 2_c, anywhere);
    check_function<T>(3_c - x, anywhere);
    check_function<T>(x * 5_c, anywhere);
    check_function<T>(x / 4_c, anywhere);
    check_function<T>(4_c / x, anywhere);
    check_function<T>(frac<1, 3> * x * x, anywhere);
    // runtime literals
    check_function<T>(x * 0.5, anywhere);
    check_function<T>(0.5 * x, anywhere);
    check_function<T>(x + 1.5, anywhere);
    check_function<T>(2.5 - x, anywhere);
    check_function<T>(x / 0.25, anywhere);
    check_function<T>(3.0 / x, anywhere);
    check_function<T>(x * x * 0.75 - x * 1.25, anywhere);
    // unary minus
    check_function<T>(-x, anywhere);
    check_function<T>(-(x * x), anywhere);
    check_function<T>(-(x + 1_c) / (x * x + 1_c), anywhere);
}

// ---- powers ----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE_TEMPLATE(powers, T, scalar_types) {
    check_function<T>(ctgrad::pow(x, 3_c), anywhere);
    check_function<T>(ctgrad::pow(x, frac<-2, 1>), anywhere);
    check_function<T>(ctgrad::pow(x, frac<1, 2>), positive);
    check_function<T>(ctgrad::pow(x, frac<3, 2>), positive);
    check_function<T>(ctgrad::pow(x, frac<-1, 2>), positive);
    check_function<T>(ctgrad::pow(x, 2.5), positive);
    check_function<T>(ctgrad::pow(2_c, x), anywhere);
    check_function<T>(ctgrad::pow(x, x), positive);
    check_function<T>(ctgrad::pow(x, y), xs2_positive, ys2);  // d/dx y x^(y-1), d/dy log(x) x^y
}

// ---- elementary functions --------------------------------------------------------------------

BOOST_AUTO_TEST_CASE_TEMPLATE(elementary_functions, T, scalar_types) {
    check_function<T>(exp(x), anywhere);
    check_function<T>(log(x), positive);
    check_function<T>(sin(x), anywhere);
    check_function<T>(cos(x), anywhere);
    check_function<T>(tan(x), below_half_pi);
    check_function<T>(tanh(x), wide);
    check_function<T>(sqrt(x), positive);
    check_function<T>(sigmoid(x), wide);
    check_function<T>(abs(x), anywhere);
    check_function<T>(relu(x), anywhere);
    check_function<T>(log1p(x), above_minus_one);
    check_function<T>(expm1(x), anywhere);
}

constexpr grid inside_unit = {-0.85, -0.5, -0.15, 0.2, 0.6, 0.9};          // asin, acos, atanh
constexpr grid above_one = {1.1, 1.5, 2.3, 4.0, 9.5};                       // acosh
constexpr grid nonzero = {-6.5, -1.3, -0.45, 0.3, 0.85, 1.6, 3.2, 7.0};    // cbrt (not at 0)

BOOST_AUTO_TEST_CASE_TEMPLATE(inverse_and_hyperbolic_functions, T, scalar_types) {
    check_function<T>(atan(x), wide);
    check_function<T>(asin(x), inside_unit);
    check_function<T>(acos(x), inside_unit);
    check_function<T>(sinh(x), anywhere);
    check_function<T>(cosh(x), anywhere);
    check_function<T>(asinh(x), wide);
    check_function<T>(acosh(x), above_one);
    check_function<T>(atanh(x), inside_unit);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(special_functions, T, scalar_types) {
    check_function<T>(erf(x), anywhere);
    check_function<T>(erfc(x), anywhere);
    check_function<T>(log2(x), positive);
    check_function<T>(log10(x), positive);
    check_function<T>(cbrt(x), nonzero);
    check_function<T>(erf(x * y) + log2(x * x + y), xs2, ys2);
}

// Two operands; max, min and clamp away from their ties (the ties: test/unit/edge_gradients.cpp).
BOOST_AUTO_TEST_CASE_TEMPLATE(functions_of_two_operands, T, scalar_types) {
    check_function<T>(atan2(y, x), xs2, ys2);
    check_function<T>(atan2(x, y), xs2, ys2);
    check_function<T>(hypot(x, y), xs2, ys2);
    check_function<T>(max(x, y) * x, xs2, ys2);
    check_function<T>(min(x * x, y) + y, xs2, ys2);
    check_function<T>(clamp(x * y, -1_c, 1_c) + x, xs2, ys2);
    check_function<T>(clamp(x, -0.5, 2.0), anywhere);
    check_function<T>(where(x > y, x * x, sin(y)), xs2, ys2);
    check_function<T>(where(x * y <= 1_c, exp(x), y), xs2, ys2);
}

// sigmoid is evaluated without overflow: compare with 1 / (1 + exp(-x)) in long double to a few
// ulps. Its derivative r (1 - r) is compared with the same in long double to a few ulps plus an
// absolute few epsilon: for x > 0, 1 - r cancels (r rounds to 1 above x ~ 17 in float and
// ~ 37 in double, making the slope exactly 0), so only absolute accuracy is available there.
BOOST_AUTO_TEST_CASE_TEMPLATE(sigmoid_large_arguments, T, scalar_types) {
    const auto f = ctgrad::sigmoid(x);
    const auto df = d(f, x);
    const double rel = 32 * static_cast<double>(std::numeric_limits<T>::epsilon());
    for (const double p : {-30.0, -20.0, -5.0, -0.5, 0.0, 0.5, 5.0, 20.0, 30.0}) {
        const T c = static_cast<T>(p);
        const long double exact = 1.0L / (1.0L + std::exp(-static_cast<long double>(c)));
        const T value = f(x = c);
        BOOST_TEST(std::abs(static_cast<long double>(value) - exact) <= rel * exact,
                   "sigmoid(" << p << ") [" << tolerance<T>::name << "] = " << value << ", expected " << static_cast<double>(exact));
        const long double exact_slope = exact * (1.0L - exact);
        const T slope = df(x = c);
        BOOST_TEST(std::abs(static_cast<long double>(slope) - exact_slope) <= rel * exact_slope + rel / 8,
                   "d/dx sigmoid(" << p << ") [" << tolerance<T>::name << "] = " << slope << ", expected "
                                   << static_cast<double>(exact_slope));
    }
    // far outside: finite, in [0, 1], no NaN from exp overflow
    for (const double p : {-1000.0, -100.0, 100.0, 1000.0}) {
        const T value = f(x = static_cast<T>(p));
        const T slope = df(x = static_cast<T>(p));
        BOOST_TEST((std::isfinite(value) && value >= T(0) && value <= T(1)),
                   "sigmoid(" << p << ") [" << tolerance<T>::name << "] = " << value);
        BOOST_TEST((std::isfinite(slope) && slope >= T(0) && slope <= T(0.25)),
                   "d/dx sigmoid(" << p << ") [" << tolerance<T>::name << "] = " << slope);
    }
}

// ---- chain, product and quotient rules on composed expressions ---------------------------------

BOOST_AUTO_TEST_CASE_TEMPLATE(composed_two_variables, T, scalar_types) {
    using ctgrad::pow;
    check_function<T>(sin(x * y) + exp(x) / y, xs2, ys2);
    check_function<T>(log(1_c + x * x) * tanh(y), xs2, ys2);
    check_function<T>(sqrt(x * x + y * y), xs2, ys2);
    check_function<T>(sigmoid(x * y - 1_c) * relu(x), xs2, ys2);
    check_function<T>(pow(sin(x), 3_c) / (1_c + cos(y)), xs2, ys2);
    check_function<T>(pow(x * x + 1_c, y) * cos(x - y), xs2, ys2);
    check_function<T>(x * 0.5 * log1p(y * y) - expm1(-y) * abs(x), xs2, ys2);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(composed_one_variable, T, scalar_types) {
    check_function<T>(exp(-x * x / 2_c), wide);
    check_function<T>(sin(2_c * x) * cos(x * x), anywhere);
    check_function<T>(exp(sin(x)) / (x * x + 1_c), anywhere);
    check_function<T>(log(x) / sqrt(x) + ctgrad::pow(x, 2.5) * 0.1, positive);
    check_function<T>(tanh(sigmoid(x) - 0.5) * x, wide);
}

// ---- exact values --------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(exact_values) {
    // polynomials are evaluated by multiplication, so these are exact
    BOOST_TEST(d(x * x * x, x)(x = 2.0) == 12.0);
    static_assert(d(x * x * x, x)(x = 2.0) == 12.0);
    BOOST_TEST(d(x * x * x, x)(x = 2.0f) == 12.0f);
    BOOST_TEST(d<2>(ctgrad::pow(x, 4_c), x)(x = 3.0) == 108.0);
    BOOST_TEST(d<2>(ctgrad::pow(x, 4_c), x)(x = 3.0f) == 108.0f);
    BOOST_TEST(d(d(ctgrad::pow(x, 4_c), x), x)(x = 3.0) == 108.0);
    BOOST_TEST(d<4>(ctgrad::pow(x, 4_c), x)(x = 3.0) == 24.0);

    // a variable that f does not contain: the derivative is the constant 0
    const auto f = sin(x * y) + exp(x) / y;
    static_assert(std::is_same_v<decltype(d(f, z)), ctgrad::constant<0>>);
    BOOST_TEST(d(f, z)(x = 1.0, y = 2.0, z = 3.0) == 0.0);
    BOOST_TEST(d(f, z)(z = 3.0) == 0.0);
    const auto [dx, dy, dz] = ctgrad::grad(f, x, y, z);
    BOOST_TEST(dz(x = 0.5, y = 1.5, z = -2.0) == 0.0);
    BOOST_TEST(dx(x = 0.0, y = 2.0) == 2.5);  // y cos(x y) + exp(x) / y at x = 0, y = 2
    BOOST_TEST(dy(x = 0.0, y = 2.0) == -0.25);  // x cos(x y) - exp(x) / y^2 at x = 0, y = 2
}

BOOST_AUTO_TEST_SUITE_END()
