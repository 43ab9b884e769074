// Second order: value_grad_and_hessian and hvp (one fused pass), and hessian / jacobian evaluated
// at numbers, against central differences of the gradient (float and double) and against
// torch.autograd.functional.hessian and hvp (torch 1.13, values in the comments below).
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <array>
#include <cmath>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace {

constexpr auto w0 = ctgrad::var<"w0">;
constexpr auto w1 = ctgrad::var<"w1">;
constexpr auto w2 = ctgrad::var<"w2">;
constexpr auto w3 = ctgrad::var<"w3">;
constexpr auto w4 = ctgrad::var<"w4">;
constexpr auto x1 = ctgrad::var<"x1">;
constexpr auto x2 = ctgrad::var<"x2">;
constexpr auto y = ctgrad::var<"y">;

using scalar_types = std::tuple<float, double>;

/// A logistic regression in five parameters over 64 points (the data of the torch values below).
template <class T>
struct data {
    std::vector<T> x1s, x2s, ys;
    data() {
        for (int i = 0; i != 64; ++i) {
            x1s.push_back(static_cast<T>(std::cos(0.7 * i)));
            x2s.push_back(static_cast<T>(std::sin(0.3 * i + 1.0)));
            ys.push_back(std::sin(1.1 * i) > 0 ? T(1) : T(0));
        }
    }
};
constexpr auto z = w0 + w1 * x1 + w2 * x2 + w3 * x1 * x2 + w4 * x1 * x1;
constexpr auto loss = mean(log1p(exp(z)) - y * z);
constexpr std::array<double, 5> at{0.1, -0.2, 0.3, 0.05, -0.1};

// torch.autograd.functional.hessian(loss, w) at w = at, float64:
constexpr double torch_value = 0.704319457063992;
constexpr double torch_hessian[5][5] = {
    {0.24583240167936157, 0.0043639239332604086, 0.0032794595045304168, 0.0055909802743113893, 0.12488000576961046},
    {0.004363923933260406, 0.12488000576961049, 0.0055909802743113841, 0.003802633204894225, 0.0042414877464552261},
    {0.0032794595045304116, 0.0055909802743113858, 0.12328647579365216, 0.0031031376847381435, 0.0038026332048942259},
    {0.0055909802743113867, 0.0038026332048942263, 0.0031031376847381479, 0.063124372418865843, 0.0050865947047825343},
    {0.12488000576961047, 0.0042414877464552313, 0.0038026332048942263, 0.0050865947047825308, 0.094626316239715902}};
// torch.autograd.functional.hvp(loss, w, v) with v = [1, -1, 0.5, 2, 0.25]:
constexpr std::array<double, 5> direction{1.0, -1.0, 0.5, 2.0, 0.25};
constexpr double torch_hvp[5] = {0.28551016948939179, -0.10905495335279211, 0.06648865079774495, 0.13086030942571353,
                                 0.1563696030950964};

template <class T> constexpr double tol = sizeof(T) == 8 ? 1e-12 : 2e-5;
template <class T> constexpr double difference_tol = sizeof(T) == 8 ? 1e-7 : 2e-2;

bool close(double a, double b, double t) { return std::abs(a - b) <= t * (1.0 + std::abs(b)); }

template <class T, class E>
auto vgh(const E& e, const data<T>& d, const std::array<T, 5>& w) {
    return ctgrad::value_grad_and_hessian(e, ctgrad::wrt(w0, w1, w2, w3, w4), w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3],
                                          w4 = w[4], x1 = d.x1s, x2 = d.x2s, y = d.ys);
}

template <class T>
std::array<T, 5> params(const std::array<double, 5>& p) {
    std::array<T, 5> w{};
    for (std::size_t k = 0; k != 5; ++k) w[k] = static_cast<T>(p[k]);
    return w;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(second_order)

BOOST_AUTO_TEST_CASE_TEMPLATE(hessian_of_a_loss_against_torch, T, scalar_types) {
    const data<T> d;
    const auto [value, gradient, hessian] = vgh(loss, d, params<T>(at));
    static_assert(std::is_same_v<std::remove_cvref_t<decltype(value)>, T>);
    BOOST_TEST(close(value, torch_value, tol<T>), "value " << value << ", torch " << torch_value);
    for (std::size_t i = 0; i != 5; ++i)
        for (std::size_t j = 0; j != 5; ++j)
            BOOST_TEST(close(hessian[i][j], torch_hessian[i][j], tol<T>),
                       "H[" << i << "][" << j << "] = " << hessian[i][j] << ", torch " << torch_hessian[i][j]);
    // the same value and gradient as value_and_grad's pass
    const auto w = params<T>(at);
    const auto [v, g0, g1, g2, g3, g4] = ctgrad::value_and_grad(loss, ctgrad::wrt(w0, w1, w2, w3, w4), w0 = w[0], w1 = w[1],
                                                                 w2 = w[2], w3 = w[3], w4 = w[4], x1 = d.x1s, x2 = d.x2s, y = d.ys);
    const T g[5] = {g0, g1, g2, g3, g4};
    BOOST_TEST(close(value, v, tol<T>));
    for (std::size_t i = 0; i != 5; ++i) BOOST_TEST(close(gradient[i], g[i], tol<T>), "gradient " << i);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(hessian_against_differences_of_the_gradient, T, scalar_types) {
    const data<T> d;
    const auto base = params<T>(at);
    const auto [value, gradient, hessian] = vgh(loss, d, base);
    (void)value;
    (void)gradient;
    for (std::size_t j = 0; j != 5; ++j) {
        auto hi = base;
        auto lo = base;
        const T h = sizeof(T) == 8 ? T(1e-5) : T(1e-2);
        hi[j] += h;
        lo[j] -= h;
        const auto up = vgh(loss, d, hi).gradient;
        const auto down = vgh(loss, d, lo).gradient;
        const double step = static_cast<double>(hi[j]) - static_cast<double>(lo[j]);
        for (std::size_t i = 0; i != 5; ++i) {
            const double difference = (static_cast<double>(up[i]) - static_cast<double>(down[i])) / step;
            BOOST_TEST(close(hessian[i][j], difference, difference_tol<T>),
                       "H[" << i << "][" << j << "] = " << hessian[i][j] << ", central difference " << difference);
        }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(hessian_vector_product, T, scalar_types) {
    const data<T> d;
    const auto w = params<T>(at);
    const auto hv = ctgrad::hvp(loss, ctgrad::wrt(w0, w1, w2, w3, w4), direction, w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3],
                                w4 = w[4], x1 = d.x1s, x2 = d.x2s, y = d.ys);
    static_assert(std::is_same_v<std::remove_cvref_t<decltype(hv)>, std::array<T, 5>>);
    for (std::size_t i = 0; i != 5; ++i) BOOST_TEST(close(hv[i], torch_hvp[i], tol<T>), "Hv[" << i << "] = " << hv[i]);
    BOOST_CHECK_THROW(ctgrad::hvp(loss, ctgrad::wrt(w0, w1), std::vector<double>{1.0}, w0 = w[0], w1 = w[1], w2 = w[2],
                                  w3 = w[3], w4 = w[4], x1 = d.x1s, x2 = d.x2s, y = d.ys),
                      std::invalid_argument);
}

// A loss with a runtime literal (0.01) evaluates each output on its own: the same numbers.
BOOST_AUTO_TEST_CASE(hessian_with_a_runtime_literal) {
    const data<double> d;
    const auto w = params<double>(at);
    const auto regularised = loss + (w1 * w1 + w2 * w2) * 0.01;
    const auto [value, gradient, hessian] = vgh(regularised, d, w);
    BOOST_TEST(close(value, torch_value + 0.01 * (0.04 + 0.09), 1e-12));
    BOOST_TEST(close(hessian[1][1], torch_hessian[1][1] + 0.02, 1e-12));
    BOOST_TEST(close(hessian[1][2], torch_hessian[1][2], 1e-12));
    BOOST_TEST(hessian[1][2] == hessian[2][1]);
    (void)gradient;
}

// Numbers only: one sweep over the DAG of every entry; and hessian / jacobian evaluated.
BOOST_AUTO_TEST_CASE(second_order_at_numbers) {
    const auto f = exp(w0 * w1) + w2 * sin(w0);
    const auto [value, gradient, hessian] =
        ctgrad::value_grad_and_hessian(f, ctgrad::wrt(w0, w1, w2), w0 = 0.5, w1 = -1.5, w2 = 2.0);
    const double e = std::exp(-0.75);
    BOOST_TEST(close(value, e + 2.0 * std::sin(0.5), 1e-15));
    BOOST_TEST(close(gradient[0], -1.5 * e + 2.0 * std::cos(0.5), 1e-15));
    BOOST_TEST(close(hessian[0][0], 2.25 * e - 2.0 * std::sin(0.5), 1e-15));
    BOOST_TEST(close(hessian[0][1], e + 0.5 * -1.5 * e, 1e-15));
    BOOST_TEST(close(hessian[0][2], std::cos(0.5), 1e-15));
    BOOST_TEST(hessian[2][2] == 0.0);
    const auto h = ctgrad::hessian(f, ctgrad::wrt(w0, w1, w2))(w0 = 0.5, w1 = -1.5, w2 = 2.0);
    for (std::size_t i = 0; i != 3; ++i)
        for (std::size_t j = 0; j != 3; ++j) BOOST_TEST(close(h[i][j], hessian[i][j], 1e-15));
    const auto jac = ctgrad::jacobian(ctgrad::outputs(w0 * w1, sin(w1)), ctgrad::wrt(w0, w1))(w0 = 2.0, w1 = 0.5f);
    BOOST_TEST(jac[0][0] == 0.5);
    BOOST_TEST(close(jac[1][1], std::cos(0.5), 1e-15));
}

BOOST_AUTO_TEST_SUITE_END()
