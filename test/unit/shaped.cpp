// Vectors and matrices in the compile-time core (core/shaped.hpp): every gradient that
// value_and_grad returns, every symbolic gradient evaluated and every Hessian agrees with
// central differences of the loss; misuse at run time throws with a sentence naming the sizes.
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using namespace ctgrad::literals;

constexpr auto w = ctgrad::vec<"w">;
constexpr auto u = ctgrad::vec<"u">;
constexpr auto x = ctgrad::vec<"x">;
constexpr auto y = ctgrad::var<"y">;
constexpr auto c = ctgrad::var<"c">;
constexpr auto W = ctgrad::mat<"W">;
constexpr auto b = ctgrad::vec<"b">;
constexpr auto v = ctgrad::vec<"v">;

// The printed formulas.
static_assert(ctgrad::to_string(ctgrad::d(ctgrad::dot(w, x), w)) == "x");
static_assert(ctgrad::to_string(ctgrad::d(ctgrad::dot(w, w), w)) == "2 * w");
static_assert(ctgrad::to_string(ctgrad::d(ctgrad::vsum(w), w)) == "1");
static_assert(ctgrad::to_string(ctgrad::d(ctgrad::dot(v, W * x), W)) == "outer(v, x)");
static_assert(ctgrad::to_string(ctgrad::d(ctgrad::dot(v, W * x), x)) == "transpose(W) @ v");
static_assert(ctgrad::to_string(ctgrad::d(c * w, c)) == "w");
static_assert(ctgrad::to_string(ctgrad::d(ctgrad::vsum(c * w), c)) == "vsum(w)");
static_assert(ctgrad::to_string(ctgrad::mean(ctgrad::log1p(ctgrad::exp(-y * ctgrad::dot(w, x))))) ==
              "mean(log1p(exp(-(y * dot(w, x)))))");
static_assert(ctgrad::detail::shape_rank<decltype(W * x)> == 1);
static_assert(ctgrad::detail::shape_rank<decltype(ctgrad::outer(x, w))> == 2);
static_assert(ctgrad::detail::shape_rank<decltype(ctgrad::norm(x - w))> == 0);

const double h = 1e-6;

/// Central differences of `f()` by each component of `p` (f reads p).
template <class F>
std::vector<double> differences(F f, std::vector<double>& p) {
    std::vector<double> g(p.size());
    for (std::size_t k = 0; k < p.size(); ++k) {
        const double keep = p[k];
        p[k] = keep + h;
        const double fp = f();
        p[k] = keep - h;
        const double fm = f();
        p[k] = keep;
        g[k] = (fp - fm) / (2 * h);
    }
    return g;
}

template <class G>
void check_close(const G& got, const std::vector<double>& want, double tol, const std::string& what) {
    BOOST_TEST_CONTEXT(what) {
        BOOST_TEST_REQUIRE(std::size_t(got.size()) == want.size());
        for (std::size_t k = 0; k < want.size(); ++k) {
            BOOST_TEST_CONTEXT("component " << k) {
                BOOST_TEST(std::abs(double(got[k]) - want[k]) <= tol * (1 + std::abs(want[k])), got[k] << " against " << want[k]);
            }
        }
    }
}

struct data {
    std::size_t n = 13, d = 3, hdim = 4;
    std::vector<double> X, Y, wv, uv, Wv, bv, vv;
    double cv = 0.3;
    data() {
        for (std::size_t i = 0; i < n * d; ++i) X.push_back(std::sin(0.7 * double(i) + 0.2));
        for (std::size_t i = 0; i < n; ++i) Y.push_back(std::cos(1.3 * double(i)));
        for (std::size_t j = 0; j < d; ++j) wv.push_back(0.3 * std::sin(double(j) + 1.0)), uv.push_back(0.2 + 0.1 * double(j));
        for (std::size_t k = 0; k < hdim * d; ++k) Wv.push_back(0.4 * std::cos(1.7 * double(k)));
        for (std::size_t i = 0; i < hdim; ++i) bv.push_back(0.1 * double(i) - 0.1), vv.push_back(0.5 * std::sin(double(i)));
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(shaped)

BOOST_AUTO_TEST_CASE(logistic_regression_gradient_and_hessian) {
    data t;
    const auto loss = ctgrad::mean(ctgrad::log1p(ctgrad::exp(-y * ctgrad::dot(w, x))));
    auto value = [&] { return loss(w = t.wv, x = ctgrad::rows(t.X, t.d), y = t.Y); };
    // against a hand loop
    double hand = 0;
    for (std::size_t i = 0; i < t.n; ++i) {
        double z = 0;
        for (std::size_t j = 0; j < t.d; ++j) z += t.wv[j] * t.X[i * t.d + j];
        hand += std::log1p(std::exp(-t.Y[i] * z));
    }
    BOOST_TEST(value() == hand / double(t.n), boost::test_tools::tolerance(1e-14));

    auto [l, gw] = ctgrad::value_and_grad(loss, ctgrad::wrt(w), w = t.wv, x = ctgrad::rows(t.X, t.d), y = t.Y);
    static_assert(std::is_same_v<decltype(gw), std::vector<double>>);
    BOOST_TEST(l == value(), boost::test_tools::tolerance(1e-14));
    const auto fd = differences(value, t.wv);
    check_close(gw, fd, 1e-7, "fused gradient by w");
    const std::vector<double> symbolic = ctgrad::d(loss, w)(w = t.wv, x = ctgrad::rows(t.X, t.d), y = t.Y);
    check_close(symbolic, fd, 1e-7, "symbolic gradient by w");

    // Hessian: differences of the fused gradient
    const std::vector<double> H = ctgrad::hessian(loss, ctgrad::wrt(w), w = t.wv, x = ctgrad::rows(t.X, t.d), y = t.Y);
    BOOST_TEST_REQUIRE(H.size() == t.d * t.d);
    for (std::size_t j = 0; j < t.d; ++j) {
        auto component = [&] {
            auto [l2, g2] = ctgrad::value_and_grad(loss, ctgrad::wrt(w), w = t.wv, x = ctgrad::rows(t.X, t.d), y = t.Y);
            return g2[j];
        };
        const auto row = differences(component, t.wv);
        check_close(std::vector<double>(H.begin() + std::ptrdiff_t(j * t.d), H.begin() + std::ptrdiff_t((j + 1) * t.d)), row, 1e-6,
                    "hessian row " + std::to_string(j));
    }
}

BOOST_AUTO_TEST_CASE(perceptron_gradients_by_a_matrix_vectors_and_a_scalar) {
    data t;
    const auto loss = ctgrad::mean(ctgrad::pow(ctgrad::dot(v, ctgrad::tanh(W * x + b)) + c - y, 2_c));
    auto value = [&] {
        return loss(W = ctgrad::as_matrix(t.Wv, t.hdim, t.d), b = t.bv, v = t.vv, c = t.cv, x = ctgrad::rows(t.X, t.d), y = t.Y);
    };
    std::vector<double> gW(t.hdim * t.d);
    auto [l, dW, db, dv, dc] = ctgrad::value_and_grad(loss, ctgrad::wrt(W, b, v, c), ctgrad::into(W, gW),
                                                      W = ctgrad::as_matrix(t.Wv, t.hdim, t.d), b = t.bv, v = t.vv, c = t.cv,
                                                      x = ctgrad::rows(t.X, t.d), y = t.Y);
    static_assert(std::is_same_v<decltype(dW), std::span<double>>);
    static_assert(std::is_same_v<decltype(dc), double>);
    BOOST_TEST(dW.data() == gW.data());
    BOOST_TEST(l == value(), boost::test_tools::tolerance(1e-14));
    check_close(dW, differences(value, t.Wv), 1e-7, "by W");
    check_close(db, differences(value, t.bv), 1e-7, "by b");
    check_close(dv, differences(value, t.vv), 1e-7, "by v");
    std::vector<double> cs{t.cv};
    auto by_c = [&] {
        t.cv = cs[0];
        return value();
    };
    BOOST_TEST(std::abs(dc - differences(by_c, cs)[0]) <= 1e-7);
    t.cv = cs[0];

    // the symbolic gradients, evaluated
    const std::vector<double> sW = ctgrad::d(loss, W)(W = ctgrad::as_matrix(t.Wv, t.hdim, t.d), b = t.bv, v = t.vv, c = t.cv,
                                                      x = ctgrad::rows(t.X, t.d), y = t.Y);
    check_close(sW, std::vector<double>(dW.begin(), dW.end()), 1e-12, "symbolic by W");
    const auto [sb, sc] = ctgrad::grad(loss, b, c);
    const std::vector<double> sbv = sb(W = ctgrad::as_matrix(t.Wv, t.hdim, t.d), b = t.bv, v = t.vv, c = t.cv, x = ctgrad::rows(t.X, t.d), y = t.Y);
    check_close(sbv, db, 1e-12, "symbolic by b");
    BOOST_TEST(sc(W = ctgrad::as_matrix(t.Wv, t.hdim, t.d), b = t.bv, v = t.vv, c = t.cv, x = ctgrad::rows(t.X, t.d), y = t.Y) == dc,
               boost::test_tools::tolerance(1e-12));

    // Hessian by (b, c): a vector and a scalar, (hdim + 1) x (hdim + 1)
    const auto H = ctgrad::hessian(loss, ctgrad::wrt(b, c), W = ctgrad::as_matrix(t.Wv, t.hdim, t.d), b = t.bv, v = t.vv, c = t.cv,
                                   x = ctgrad::rows(t.X, t.d), y = t.Y);
    const std::size_t S = t.hdim + 1;
    BOOST_TEST_REQUIRE(H.size() == S * S);
    for (std::size_t i = 0; i < S; ++i) {
        auto component = [&] {
            auto [l2, g2, gc2] = ctgrad::value_and_grad(loss, ctgrad::wrt(b, c), W = ctgrad::as_matrix(t.Wv, t.hdim, t.d), b = t.bv,
                                                        v = t.vv, c = t.cv, x = ctgrad::rows(t.X, t.d), y = t.Y);
            return i < t.hdim ? g2[i] : gc2;
        };
        auto row = differences(component, t.bv);
        std::vector<double> cc{t.cv};
        auto by_c2 = [&] {
            t.cv = cc[0];
            return component();
        };
        row.push_back(differences(by_c2, cc)[0]);
        t.cv = cc[0];
        check_close(std::vector<double>(H.begin() + std::ptrdiff_t(i * S), H.begin() + std::ptrdiff_t((i + 1) * S)), row, 1e-6,
                    "hessian row " + std::to_string(i));
    }
}

BOOST_AUTO_TEST_CASE(several_reductions_and_terms_outside_them) {
    data t;
    // a product of two reductions, a regulariser outside them, transpose, outer, norm, vsum
    const auto loss = ctgrad::mean(ctgrad::log1p(ctgrad::exp(-y * ctgrad::dot(w, x)))) * ctgrad::sum(y * ctgrad::vsum(u * x)) +
                      0.1 * ctgrad::dot(w, w) +
                      ctgrad::mean(ctgrad::norm(ctgrad::transpose(W) * ctgrad::tanh(W * x)) +
                                   ctgrad::vsum(ctgrad::outer(x, u) * ctgrad::outer(u, w)) / (1 + ctgrad::squared_norm(x)));
    auto value = [&] { return loss(w = t.wv, u = t.uv, W = ctgrad::as_matrix(t.Wv, t.hdim, t.d), x = ctgrad::rows(t.X, t.d), y = t.Y); };
    auto [l, gw, gu, gW] = ctgrad::value_and_grad(loss, ctgrad::wrt(w, u, W), w = t.wv, u = t.uv, W = ctgrad::as_matrix(t.Wv, t.hdim, t.d),
                                                  x = ctgrad::rows(t.X, t.d), y = t.Y);
    BOOST_TEST(l == value(), boost::test_tools::tolerance(1e-13));
    check_close(gw, differences(value, t.wv), 1e-7, "by w");
    check_close(gu, differences(value, t.uv), 1e-7, "by u");
    check_close(gW, differences(value, t.Wv), 1e-7, "by W");
    const std::vector<double> sw = ctgrad::d(loss, w)(w = t.wv, u = t.uv, W = ctgrad::as_matrix(t.Wv, t.hdim, t.d), x = ctgrad::rows(t.X, t.d), y = t.Y);
    check_close(sw, gw, 1e-10, "symbolic by w");
    const std::vector<double> sW = ctgrad::d(loss, W)(w = t.wv, u = t.uv, W = ctgrad::as_matrix(t.Wv, t.hdim, t.d), x = ctgrad::rows(t.X, t.d), y = t.Y);
    check_close(sW, gW, 1e-10, "symbolic by W");
}

BOOST_AUTO_TEST_CASE(gradients_by_rows_of_data_and_by_gathered_rows) {
    data t;
    // by the data itself: one gradient row per row of X
    const auto loss = ctgrad::sum(ctgrad::exp(0.5 * ctgrad::dot(w, x)) * y);
    auto value = [&] { return loss(w = t.wv, x = ctgrad::rows(t.X, t.d), y = t.Y); };
    auto [l, gx, gy] = ctgrad::value_and_grad(loss, ctgrad::wrt(x, y), w = t.wv, x = ctgrad::rows(t.X, t.d), y = t.Y);
    check_close(gx, differences(value, t.X), 1e-7, "by the rows of X");
    check_close(gy, differences(value, t.Y), 1e-7, "by y");

    // gathered rows: a pair energy over index lists; each pair adds into the rows it read
    std::vector<double> P(5 * 3);
    for (std::size_t k = 0; k < P.size(); ++k) P[k] = double(k % 3) + 1.3 * double(k / 3) + 0.1 * std::sin(double(k));
    const std::vector<std::int64_t> I{0, 0, 1, 3, 2, 4}, J{1, 2, 3, 4, 4, 0};
    constexpr auto p = ctgrad::vec<"p">;
    constexpr auto q = ctgrad::vec<"q">;
    const auto energy = ctgrad::sum(ctgrad::pow(ctgrad::norm(p - q) - 1.5, 2_c) + 1 / ctgrad::squared_norm(p - q));
    auto e = [&] { return energy(p = ctgrad::rows(P, 3, I), q = ctgrad::rows(P, 3, J)); };
    std::vector<double> gp(P.size()), gq(P.size());
    auto [E, dp, dq] = ctgrad::value_and_grad(energy, ctgrad::wrt(p, q), ctgrad::into(p, gp), ctgrad::into(q, gq), p = ctgrad::rows(P, 3, I),
                                              q = ctgrad::rows(P, 3, J));
    BOOST_TEST(E == e(), boost::test_tools::tolerance(1e-14));
    std::vector<double> total(P.size());
    for (std::size_t k = 0; k < P.size(); ++k) total[k] = dp[k] + dq[k];
    check_close(total, differences(e, P), 1e-7, "by the positions");
}

BOOST_AUTO_TEST_CASE(evaluation_shapes_and_types) {
    data t;
    // a vector result: per-row without a reduction, one vector with one
    const std::vector<double> rowsum = ctgrad::vsum(x)(x = ctgrad::rows(t.X, t.d));
    BOOST_TEST(rowsum.size() == t.n);
    BOOST_TEST(rowsum[2] == t.X[6] + t.X[7] + t.X[8], boost::test_tools::tolerance(1e-15));
    const std::vector<double> means = ctgrad::mean(x)(x = ctgrad::rows(t.X, t.d));
    BOOST_TEST_REQUIRE(means.size() == t.d);
    double m0 = 0;
    for (std::size_t i = 0; i < t.n; ++i) m0 += t.X[i * t.d];
    BOOST_TEST(means[0] == m0 / double(t.n), boost::test_tools::tolerance(1e-14));
    const std::vector<double> Wx = (W * w)(W = ctgrad::as_matrix(t.Wv, t.hdim, t.d), w = t.wv);
    BOOST_TEST_REQUIRE(Wx.size() == t.hdim);
    BOOST_TEST(Wx[1] == t.Wv[3] * t.wv[0] + t.Wv[4] * t.wv[1] + t.Wv[5] * t.wv[2], boost::test_tools::tolerance(1e-15));
    const std::vector<double> o = ctgrad::outer(w, u)(w = t.wv, u = t.uv);
    BOOST_TEST(o[1 * t.d + 2] == t.wv[1] * t.uv[2]);
    // float data evaluates in float
    const std::vector<float> xf{1.f, 2.f, 3.f, 4.f}, wf{0.5f, -1.f};
    const auto lf = ctgrad::sum(ctgrad::dot(w, x))(w = wf, x = ctgrad::rows(xf, 2));
    static_assert(std::is_same_v<decltype(lf), const float>);
    BOOST_TEST(lf == 0.5f * 4 - 6);
    // a temporary vector is kept by its binding
    const auto bound = w = std::vector<double>{1.0, 2.0};
    BOOST_TEST(ctgrad::dot(w, w)(bound) == 5.0);
}

BOOST_AUTO_TEST_CASE(sizes_that_differ_throw) {
    data t;
    const std::vector<double> w2{1.0, 2.0};
    auto what = [](auto f) {
        try {
            f();
        } catch (const std::exception& e) {
            return std::string(e.what());
        }
        return std::string("no exception");
    };
    BOOST_TEST(what([&] { (void)ctgrad::sum(ctgrad::dot(w, x))(w = w2, x = ctgrad::rows(t.X, t.d)); }) ==
               "ctgrad: dot(a, b) of vectors of different sizes (2 and 3)");
    BOOST_TEST(what([&] { (void)(W * w)(W = ctgrad::as_matrix(t.Wv, t.hdim, t.d), w = w2); }) ==
               "ctgrad: W @ x with W's columns and x's size different (3 and 2)");
    BOOST_TEST(what([&] { (void)(w - u)(w = w2, u = t.uv); }) == "ctgrad: an element-wise operation of operands of different sizes (2 and 3)");
    BOOST_TEST(what([&] { (void)ctgrad::rows(t.X, 4); }) == "ctgrad::rows(X, d): X has 39 numbers, not a multiple of d = 4");
    BOOST_TEST(what([&] { (void)ctgrad::as_matrix(t.Wv, 3, 3); }) == "ctgrad::as_matrix(A, r, c): A has 12 numbers, not r * c = 9");
    const std::vector<std::int64_t> bad{0, 13};
    BOOST_TEST(what([&] { (void)ctgrad::rows(t.X, t.d, bad); }) == "ctgrad::rows(X, d, index): index 13 is out of bounds for 13 rows");
    const std::vector<double> short_y(5);
    BOOST_TEST(what([&] { (void)ctgrad::sum(y * ctgrad::dot(w, x))(w = t.wv, x = ctgrad::rows(t.X, t.d), y = short_y); }) ==
               "ctgrad: data bound to x and y have different numbers of rows (13 and 5)");
    std::vector<double> small(2);
    BOOST_TEST(what([&] {
                   (void)ctgrad::value_and_grad(ctgrad::sum(ctgrad::dot(w, x)), ctgrad::wrt(w), ctgrad::into(w, small), w = t.wv,
                                                x = ctgrad::rows(t.X, t.d));
               }) == "ctgrad::into(w, buffer): the buffer has 2 numbers, the gradient 3");
}

BOOST_AUTO_TEST_SUITE_END()
