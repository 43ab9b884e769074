// Run-time cost of the gradient: ctgrad::value_and_grad against a hand-written loop that
// computes the function only (the value, written well: independent partial sums, loop
// invariants hoisted). N = 10 000 doubles, fixed-seed data. Per case:
//   hand   the hand-written function-only loop;
//   value  ctgrad's value alone (ctgrad::evaluate / f(...)), for reference;
//   grad   ctgrad::value_and_grad, the value and every requested gradient.
// run_dag.py reports grad / hand (and grad / value). Cases (README.md):
//   sum     sum(x) by the array x (the gradient is a std::vector, allocated per call)
//   prod    exp(sum(log(x))) by x on positive data (ctgrad has no product reduction)
//   lse     log(sum(exp(x))) by x
//   normal  sum(-log(sigma) - (x - mu)^2 / (2 sigma^2)) by mu and sigma
//   regress sum(-log(sigma) - (y - w0 x0 - ... - w4 x4)^2 / (2 sigma^2)) by w0..w4, sigma
//   normal_hoisted, regress_hoisted: the same with -n log(sigma) and the division by 2 sigma^2
//           written outside the sum (not counted against the targets)
//   chain   s0 = x y + sin(x), s_{k+1} = sin(s_k) x + s_k y, depth 20, scalars x and y;
//           there "hand" is a plain loop of the recurrence and the target is grad / value
//   hessian second order: the logistic loss mean(log1p(exp(z)) - y z), z = w0 + w1 x1 + ... +
//           w4 x4, 5 parameters, labels y in {0, 1}; besides hand, value and grad
//           (value_and_grad) it has hess (ctgrad::value_grad_and_hessian: value, gradient and
//           the 5 x 5 Hessian) and hvp (ctgrad::hvp: H v); the target is hess / value <= 6
//   alloc   std::vector<double>(N): what allocating one array gradient costs
#include "simd_width.hpp"

#include <ctgrad/ctgrad.hpp>

#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#ifndef CTGRAD_BENCH_FLAGS
#define CTGRAD_BENCH_FLAGS "unknown"
#endif

namespace {

using namespace ctgrad::literals;

constexpr std::size_t N = 10000;
constexpr int P = 5;  // regression features

constexpr auto x = ctgrad::var<"x">;
constexpr auto y = ctgrad::var<"y">;
constexpr auto mu = ctgrad::var<"mu">;
constexpr auto sigma = ctgrad::var<"sigma">;
constexpr auto x0 = ctgrad::var<"x0">;
constexpr auto x1 = ctgrad::var<"x1">;
constexpr auto x2 = ctgrad::var<"x2">;
constexpr auto x3 = ctgrad::var<"x3">;
constexpr auto x4 = ctgrad::var<"x4">;
constexpr auto w0 = ctgrad::var<"w0">;
constexpr auto w1 = ctgrad::var<"w1">;
constexpr auto w2 = ctgrad::var<"w2">;
constexpr auto w3 = ctgrad::var<"w3">;
constexpr auto w4 = ctgrad::var<"w4">;

const auto sum_expr = ctgrad::sum(x);
const auto prod_expr = ctgrad::exp(ctgrad::sum(ctgrad::log(x)));
const auto lse_expr = ctgrad::log(ctgrad::sum(ctgrad::exp(x)));
const auto normal_expr =
    ctgrad::sum(-ctgrad::log(sigma) - ctgrad::pow(x - mu, 2_c) / (2_c * ctgrad::pow(sigma, 2_c)));
const auto regress_expr = ctgrad::sum(-ctgrad::log(sigma) - ctgrad::pow(y - (w0 * x0 + w1 * x1 + w2 * x2 + w3 * x3 + w4 * x4), 2_c) /
                                                                (2_c * ctgrad::pow(sigma, 2_c)));

// The same two losses with the per-element invariants written outside the sum by hand: what
// a user can do today, since ctgrad evaluates the whole body of a sum per element (README.md).
constexpr auto n_obs = ctgrad::var<"n">;
const auto normal_hoisted_expr =
    -n_obs * ctgrad::log(sigma) - ctgrad::sum(ctgrad::pow(x - mu, 2_c)) / (2_c * ctgrad::pow(sigma, 2_c));
const auto regress_hoisted_expr =
    -n_obs * ctgrad::log(sigma) - ctgrad::sum(ctgrad::pow(y - (w0 * x0 + w1 * x1 + w2 * x2 + w3 * x3 + w4 * x4), 2_c)) /
                                      (2_c * ctgrad::pow(sigma, 2_c));

// Logistic regression (the Newton use case): 4 features x1..x4 and an intercept w0.
const auto logit_z = w0 + w1 * x1 + w2 * x2 + w3 * x3 + w4 * x4;
const auto logistic_expr = ctgrad::mean(ctgrad::log1p(ctgrad::exp(logit_z)) - y * logit_z);

template <int K, class S>
constexpr auto chain(const S& s) {
    if constexpr (K == 0) return s;
    else return chain<K - 1>(ctgrad::sin(s) * x + s * y);
}
constexpr int chain_depth = 20;
const auto chain_expr = chain<chain_depth>(x * y + ctgrad::sin(x));

// ---- data ---------------------------------------------------------------------------------

struct data_t {
    std::vector<double> xs;   // uniform in [-1, 1): sum, lse
    std::vector<double> pos;  // uniform in [0.9, 1.1): prod (the product stays near 1e-7)
    std::vector<double> nrm;  // normal, mean 0.3, sd 1.2: normal log-density
    std::vector<double> feat[P];  // uniform in [-1, 1): regression features
    std::vector<double> resp;     // y = sum_j wtrue_j x_j + 0.5 noise
    std::vector<double> label;    // logistic: 1 with probability sigmoid(ztrue), features feat[1..4]
};

const data_t& data() {
    static const data_t d = [] {
        data_t d;
        std::mt19937 gen(20240607u);
        std::uniform_real_distribution<double> u(-1.0, 1.0);
        std::uniform_real_distribution<double> up(0.9, 1.1);
        std::normal_distribution<double> g(0.3, 1.2);
        std::normal_distribution<double> noise(0.0, 0.5);
        const double wtrue[P] = {0.5, -1.0, 2.0, 0.25, -0.75};
        for (std::size_t i = 0; i != N; ++i) d.xs.push_back(u(gen));
        for (std::size_t i = 0; i != N; ++i) d.pos.push_back(up(gen));
        for (std::size_t i = 0; i != N; ++i) d.nrm.push_back(g(gen));
        for (auto& f : d.feat)
            for (std::size_t i = 0; i != N; ++i) f.push_back(u(gen));
        for (std::size_t i = 0; i != N; ++i) {
            double r = noise(gen);
            for (int j = 0; j != P; ++j) r += wtrue[j] * d.feat[j][i];
            d.resp.push_back(r);
        }
        // Drawn last, so that the data above is what it was before this case existed.
        std::uniform_real_distribution<double> u01(0.0, 1.0);
        const double ltrue[P] = {-0.25, 1.5, -2.0, 0.75, 1.0};
        for (std::size_t i = 0; i != N; ++i) {
            double z = ltrue[0];
            for (int j = 1; j != P; ++j) z += ltrue[j] * d.feat[j][i];
            d.label.push_back(u01(gen) < 1 / (1 + std::exp(-z)) ? 1.0 : 0.0);
        }
        return d;
    }();
    return d;
}

// Parameters at which everything is evaluated (run-time values: DoNotOptimize every call).
constexpr double mu0 = 0.2, sigma0 = 1.1;
constexpr double wv0[P] = {0.4, -0.9, 1.8, 0.3, -0.6};
constexpr double cx0 = 0.7, cy0 = 0.45;  // chain
constexpr double lw0[P] = {-0.1, 1.2, -1.6, 0.5, 0.8};     // logistic: w0 (intercept) .. w4
constexpr double hv0[P] = {1.0, -0.5, 0.25, 2.0, -1.0};    // the direction of hvp

// ---- hand-written function-only loops -------------------------------------------------
//
// 16 partial sums (the number bench_fused found fastest for doubles) as vectors of the
// target's width (simd_width.hpp: 2 of 8 doubles with AVX-512, 4 of 4 with AVX2), written
// with GCC vector extensions: with plain arrays of partial sums g++ 12 -O3 sometimes
// vectorises across blocks instead, with hundreds of permutes, and runs 5x slower (it did
// for the normal density here). Loop invariants (log sigma, 1 / (2 sigma^2)) are hoisted. A
// plain loop for the tail. lse calls std::exp per element, which does not vectorise without
// -ffast-math (libmvec), so its loop is scalar.

constexpr int L = bench::lanes<double>(8);  // doubles per vector
constexpr int U = 16 / L;                   // vectors of partial sums
using vd = double __attribute__((vector_size(L * sizeof(double))));  // one register of the target
struct vec_tag {};
struct one_tag {};

/// p[i .. i + L - 1] as a vector, or p[i] alone.
[[gnu::always_inline]] inline vd ld(vec_tag, const double* p, std::size_t i) {
    vd v;
    std::memcpy(&v, p + i, sizeof v);
    return v;
}
[[gnu::always_inline]] inline double ld(one_tag, const double* p, std::size_t i) { return p[i]; }

/// sum of body(i) over i < n; body(i, tag) returns L elements' terms (vec_tag) or one (one_tag).
template <class Body>
[[gnu::always_inline]] inline double hand_sum(std::size_t n, Body body) {
    vd s[U] = {};
    std::size_t i = 0;
    for (; i + U * L <= n; i += U * L)
        for (int u = 0; u != U; ++u) s[u] += body(i + static_cast<std::size_t>(u * L), vec_tag{});
    double a = 0;
    for (; i != n; ++i) a += body(i, one_tag{});
    for (int u = 1; u != U; ++u) s[0] += s[u];
    for (int j = 0; j != L; ++j) a += s[0][j];
    return a;
}

double hand_sum_x(const std::vector<double>& xs) {
    const double* p = xs.data();
    return hand_sum(xs.size(), [p](std::size_t i, auto tag) { return ld(tag, p, i); });
}

double hand_prod(const std::vector<double>& xs) {
    const double* p = xs.data();
    const std::size_t n = xs.size();
    vd s[U];
    for (vd& v : s) {
        v = vd{};
        v += 1;
    }
    std::size_t i = 0;
    for (; i + U * L <= n; i += U * L)
        for (int u = 0; u != U; ++u) s[u] *= ld(vec_tag{}, p, i + static_cast<std::size_t>(u * L));
    double a = 1;
    for (; i != n; ++i) a *= p[i];
    for (int u = 1; u != U; ++u) s[0] *= s[u];
    for (int j = 0; j != L; ++j) a *= s[0][j];
    return a;
}

double hand_lse(const std::vector<double>& xs) {
    const double* p = xs.data();
    const std::size_t n = xs.size();
    double s[8] = {};
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j != 8; ++j) s[j] += std::exp(p[i + j]);
    double a = 0;
    for (; i != n; ++i) a += std::exp(p[i]);
    for (double v : s) a += v;
    return std::log(a);
}

double hand_normal(const std::vector<double>& xs, double m, double s) {
    const double* p = xs.data();
    const double q = hand_sum(xs.size(), [p, m](std::size_t i, auto tag) {
        const auto r = ld(tag, p, i) - m;
        return r * r;
    });
    return -static_cast<double>(xs.size()) * std::log(s) - q / (2 * s * s);
}

double hand_regress(const data_t& d, const double* w, double s) {
    const double *f0 = d.feat[0].data(), *f1 = d.feat[1].data(), *f2 = d.feat[2].data(), *f3 = d.feat[3].data(),
                 *f4 = d.feat[4].data(), *yp = d.resp.data();
    const double a0 = w[0], a1 = w[1], a2 = w[2], a3 = w[3], a4 = w[4];
    const double q = hand_sum(d.resp.size(), [=](std::size_t i, auto tag) {
        const auto r = ld(tag, yp, i) - (a0 * ld(tag, f0, i) + a1 * ld(tag, f1, i) + a2 * ld(tag, f2, i) +
                                         a3 * ld(tag, f3, i) + a4 * ld(tag, f4, i));
        return r * r;
    });
    return -static_cast<double>(d.resp.size()) * std::log(s) - q / (2 * s * s);
}

// The logistic loss, value only. std::exp and std::log1p do not vectorise without -ffast-math,
// so they are scalar calls; per block of 16 elements the loop computes the 16 z (vectorised),
// then the 16 exp, then the 16 log1p, into 16 partial sums. Written per element instead
// (log1p(exp(z)) in one expression) the same calls took about 1.8x as long with g++ 12 -O3:
// each log1p waits for its exp, and calls of independent elements overlap less.
double hand_logistic(const data_t& d, const double* w) {
    const double *f1 = d.feat[1].data(), *f2 = d.feat[2].data(), *f3 = d.feat[3].data(), *f4 = d.feat[4].data(),
                 *yp = d.label.data();
    const double a0 = w[0], a1 = w[1], a2 = w[2], a3 = w[3], a4 = w[4];
    const std::size_t n = d.label.size();
    constexpr int B = 16;
    double s[B] = {};
    std::size_t i = 0;
    for (; i + B <= n; i += B) {
        double z[B], e[B];
        for (int j = 0; j != B; ++j) z[j] = a0 + a1 * f1[i + j] + a2 * f2[i + j] + a3 * f3[i + j] + a4 * f4[i + j];
        for (int j = 0; j != B; ++j) e[j] = std::exp(z[j]);
        for (int j = 0; j != B; ++j) s[j] += std::log1p(e[j]) - yp[i + j] * z[j];
    }
    double a = 0;
    for (; i != n; ++i) {
        const double z = a0 + a1 * f1[i] + a2 * f2[i] + a3 * f3[i] + a4 * f4[i];
        a += std::log1p(std::exp(z)) - yp[i] * z;
    }
    for (double v : s) a += v;
    return a / static_cast<double>(n);
}

double hand_chain(double xv, double yv) {
    double s = xv * yv + std::sin(xv);
    for (int k = 0; k != chain_depth; ++k) s = std::sin(s) * xv + s * yv;
    return s;
}

// ---- ctgrad ---------------------------------------------------------------------------------

double ct_value_sum(const data_t& d) { return ctgrad::evaluate(sum_expr, x = d.xs); }
auto ct_grad_sum(const data_t& d) { return ctgrad::value_and_grad(sum_expr, ctgrad::wrt(x), x = d.xs); }

double ct_value_prod(const data_t& d) { return ctgrad::evaluate(prod_expr, x = d.pos); }
auto ct_grad_prod(const data_t& d) { return ctgrad::value_and_grad(prod_expr, ctgrad::wrt(x), x = d.pos); }

double ct_value_lse(const data_t& d) { return ctgrad::evaluate(lse_expr, x = d.xs); }
auto ct_grad_lse(const data_t& d) { return ctgrad::value_and_grad(lse_expr, ctgrad::wrt(x), x = d.xs); }

double ct_value_normal(const data_t& d, double m, double s) {
    return ctgrad::evaluate(normal_expr, x = d.nrm, mu = m, sigma = s);
}
auto ct_grad_normal(const data_t& d, double m, double s) {
    return ctgrad::value_and_grad(normal_expr, ctgrad::wrt(mu, sigma), x = d.nrm, mu = m, sigma = s);
}

double ct_value_regress(const data_t& d, const double* w, double s) {
    return ctgrad::evaluate(regress_expr, y = d.resp, x0 = d.feat[0], x1 = d.feat[1], x2 = d.feat[2], x3 = d.feat[3],
                            x4 = d.feat[4], w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4], sigma = s);
}
auto ct_grad_regress(const data_t& d, const double* w, double s) {
    return ctgrad::value_and_grad(regress_expr, ctgrad::wrt(w0, w1, w2, w3, w4, sigma), y = d.resp, x0 = d.feat[0],
                                  x1 = d.feat[1], x2 = d.feat[2], x3 = d.feat[3], x4 = d.feat[4], w0 = w[0], w1 = w[1],
                                  w2 = w[2], w3 = w[3], w4 = w[4], sigma = s);
}

double ct_value_normal_h(const data_t& d, double m, double s) {
    return ctgrad::evaluate(normal_hoisted_expr, x = d.nrm, mu = m, sigma = s, n_obs = static_cast<double>(d.nrm.size()));
}
auto ct_grad_normal_h(const data_t& d, double m, double s) {
    return ctgrad::value_and_grad(normal_hoisted_expr, ctgrad::wrt(mu, sigma), x = d.nrm, mu = m, sigma = s,
                                  n_obs = static_cast<double>(d.nrm.size()));
}

double ct_value_regress_h(const data_t& d, const double* w, double s) {
    return ctgrad::evaluate(regress_hoisted_expr, y = d.resp, x0 = d.feat[0], x1 = d.feat[1], x2 = d.feat[2],
                            x3 = d.feat[3], x4 = d.feat[4], w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4],
                            sigma = s, n_obs = static_cast<double>(d.resp.size()));
}
auto ct_grad_regress_h(const data_t& d, const double* w, double s) {
    return ctgrad::value_and_grad(regress_hoisted_expr, ctgrad::wrt(w0, w1, w2, w3, w4, sigma), y = d.resp,
                                  x0 = d.feat[0], x1 = d.feat[1], x2 = d.feat[2], x3 = d.feat[3], x4 = d.feat[4],
                                  w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4], sigma = s,
                                  n_obs = static_cast<double>(d.resp.size()));
}

double ct_value_logistic(const data_t& d, const double* w) {
    return ctgrad::evaluate(logistic_expr, y = d.label, x1 = d.feat[1], x2 = d.feat[2], x3 = d.feat[3], x4 = d.feat[4],
                            w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4]);
}
auto ct_grad_logistic(const data_t& d, const double* w) {
    return ctgrad::value_and_grad(logistic_expr, ctgrad::wrt(w0, w1, w2, w3, w4), y = d.label, x1 = d.feat[1],
                                  x2 = d.feat[2], x3 = d.feat[3], x4 = d.feat[4], w0 = w[0], w1 = w[1], w2 = w[2],
                                  w3 = w[3], w4 = w[4]);
}
auto ct_hess_logistic(const data_t& d, const double* w) {
    return ctgrad::value_grad_and_hessian(logistic_expr, ctgrad::wrt(w0, w1, w2, w3, w4), y = d.label, x1 = d.feat[1],
                                          x2 = d.feat[2], x3 = d.feat[3], x4 = d.feat[4], w0 = w[0], w1 = w[1],
                                          w2 = w[2], w3 = w[3], w4 = w[4]);
}
auto ct_hvp_logistic(const data_t& d, const double* w, const std::array<double, P>& v) {
    return ctgrad::hvp(logistic_expr, ctgrad::wrt(w0, w1, w2, w3, w4), v, y = d.label, x1 = d.feat[1], x2 = d.feat[2],
                       x3 = d.feat[3], x4 = d.feat[4], w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4]);
}

double ct_value_chain(double xv, double yv) { return chain_expr(x = xv, y = yv); }
auto ct_grad_chain(double xv, double yv) { return ctgrad::value_and_grad(chain_expr, ctgrad::wrt(x, y), x = xv, y = yv); }

// ---- checks against plain long double references ------------------------------------------

void require(const char* what, double got, long double want, double rel = 1e-9) {
    const long double scale = std::fmax(1.0L, std::fabs(want));
    if (std::fabs(static_cast<long double>(got) - want) <= rel * scale) return;
    std::fprintf(stderr, "bench_dag: %s: got %.17g, want %.17Lg (relative tolerance %g)\n", what, got, want, rel);
    std::abort();
}

void check_all() {
    const data_t& d = data();
    {  // sum
        long double s = 0;
        for (double v : d.xs) s += v;
        require("sum: hand", hand_sum_x(d.xs), s);
        require("sum: ctgrad value", ct_value_sum(d), s);
        const auto [v, g] = ct_grad_sum(d);
        require("sum: ctgrad value_and_grad", v, s);
        for (double gi : g) require("sum: gradient", gi, 1.0L);
    }
    {  // prod
        long double ls = 0, pr = 1;
        for (double v : d.pos) ls += std::log(static_cast<long double>(v)), pr *= v;
        require("prod: hand", hand_prod(d.pos), pr, 1e-9 * static_cast<double>(pr));
        const double p = static_cast<double>(std::exp(ls));
        require("prod: ctgrad value", ct_value_prod(d), pr, 1e-9 * p);
        const auto [v, g] = ct_grad_prod(d);
        require("prod: ctgrad value_and_grad", v, pr, 1e-9 * p);
        for (std::size_t i = 0; i != N; ++i) require("prod: gradient", g[i], pr / d.pos[i], 1e-9 * p);
    }
    {  // log-sum-exp
        long double s = 0;
        for (double v : d.xs) s += std::exp(static_cast<long double>(v));
        const long double l = std::log(s);
        require("lse: hand", hand_lse(d.xs), l);
        require("lse: ctgrad value", ct_value_lse(d), l);
        const auto [v, g] = ct_grad_lse(d);
        require("lse: ctgrad value_and_grad", v, l);
        for (std::size_t i = 0; i != N; ++i) require("lse: gradient", g[i], std::exp(static_cast<long double>(d.xs[i])) / s);
    }
    {  // normal log-density
        const long double m = mu0, s = sigma0;
        long double v = 0, dm = 0, ds = 0;
        for (double xi : d.nrm) {
            const long double r = xi - m;
            v += -std::log(s) - r * r / (2 * s * s);
            dm += r / (s * s);
            ds += -1 / s + r * r / (s * s * s);
        }
        require("normal: hand", hand_normal(d.nrm, mu0, sigma0), v);
        require("normal: ctgrad value", ct_value_normal(d, mu0, sigma0), v);
        const auto [cv, gm, gs] = ct_grad_normal(d, mu0, sigma0);
        require("normal: ctgrad value_and_grad", cv, v);
        require("normal: d/dmu", gm, dm);
        require("normal: d/dsigma", gs, ds);
        require("normal (hoisted): ctgrad value", ct_value_normal_h(d, mu0, sigma0), v);
        const auto [hv, hm, hs] = ct_grad_normal_h(d, mu0, sigma0);
        require("normal (hoisted): ctgrad value_and_grad", hv, v);
        require("normal (hoisted): d/dmu", hm, dm);
        require("normal (hoisted): d/dsigma", hs, ds);
    }
    {  // regression
        const long double s = sigma0;
        long double v = 0, dw[P] = {}, ds = 0;
        for (std::size_t i = 0; i != N; ++i) {
            long double pred = 0;
            for (int j = 0; j != P; ++j) pred += wv0[j] * static_cast<long double>(d.feat[j][i]);
            const long double r = d.resp[i] - pred;
            v += -std::log(s) - r * r / (2 * s * s);
            for (int j = 0; j != P; ++j) dw[j] += r * d.feat[j][i] / (s * s);
            ds += -1 / s + r * r / (s * s * s);
        }
        require("regress: hand", hand_regress(d, wv0, sigma0), v);
        require("regress: ctgrad value", ct_value_regress(d, wv0, sigma0), v);
        const auto [cv, g0, g1, g2, g3, g4, gs] = ct_grad_regress(d, wv0, sigma0);
        require("regress: ctgrad value_and_grad", cv, v);
        const double g[P] = {g0, g1, g2, g3, g4};
        for (int j = 0; j != P; ++j) require("regress: d/dw", g[j], dw[j]);
        require("regress: d/dsigma", gs, ds);
        require("regress (hoisted): ctgrad value", ct_value_regress_h(d, wv0, sigma0), v);
        const auto [hv, h0, h1, h2, h3, h4, hs] = ct_grad_regress_h(d, wv0, sigma0);
        require("regress (hoisted): ctgrad value_and_grad", hv, v);
        const double h[P] = {h0, h1, h2, h3, h4};
        for (int j = 0; j != P; ++j) require("regress (hoisted): d/dw", h[j], dw[j]);
        require("regress (hoisted): d/dsigma", hs, ds);
    }
    {  // logistic regression: value, gradient mean((s - y) x_j) and Hessian mean(s (1 - s) x_j x_k),
       // s = sigmoid(z), x_0 = 1
        long double v = 0, g[P] = {}, hs[P][P] = {};
        for (std::size_t i = 0; i != N; ++i) {
            long double xi[P] = {1.0L};
            for (int j = 1; j != P; ++j) xi[j] = d.feat[j][i];
            long double z = 0;
            for (int j = 0; j != P; ++j) z += lw0[j] * xi[j];
            const long double s = 1 / (1 + std::exp(-z)), yi = d.label[i];
            v += std::log1p(std::exp(z)) - yi * z;
            for (int j = 0; j != P; ++j) {
                g[j] += (s - yi) * xi[j];
                for (int k = 0; k != P; ++k) hs[j][k] += s * (1 - s) * xi[j] * xi[k];
            }
        }
        const long double n = N;
        v /= n;
        for (int j = 0; j != P; ++j) {
            g[j] /= n;
            for (int k = 0; k != P; ++k) hs[j][k] /= n;
        }
        require("hessian: hand", hand_logistic(d, lw0), v);
        require("hessian: ctgrad value", ct_value_logistic(d, lw0), v);
        const auto [cv, g0, g1, g2, g3, g4] = ct_grad_logistic(d, lw0);
        require("hessian: ctgrad value_and_grad", cv, v);
        const double cg[P] = {g0, g1, g2, g3, g4};
        for (int j = 0; j != P; ++j) require("hessian: value_and_grad d/dw", cg[j], g[j]);
        const auto r = ct_hess_logistic(d, lw0);
        require("hessian: value_grad_and_hessian value", r.value, v);
        for (int j = 0; j != P; ++j) {
            require("hessian: value_grad_and_hessian gradient", r.gradient[static_cast<std::size_t>(j)], g[j]);
            for (int k = 0; k != P; ++k)
                require("hessian: value_grad_and_hessian Hessian",
                        r.hessian[static_cast<std::size_t>(j)][static_cast<std::size_t>(k)], hs[j][k]);
        }
        std::array<double, P> dir{};
        for (int j = 0; j != P; ++j) dir[static_cast<std::size_t>(j)] = hv0[j];
        const auto hv = ct_hvp_logistic(d, lw0, dir);
        for (int j = 0; j != P; ++j) {
            long double want = 0;
            for (int k = 0; k != P; ++k) want += hs[j][k] * hv0[k];
            require("hessian: hvp", hv[static_cast<std::size_t>(j)], want);
        }
    }
    {  // chain: value against the plain recurrence, gradient against central differences
        const double v = hand_chain(cx0, cy0);
        require("chain: ctgrad value", ct_value_chain(cx0, cy0), v, 1e-12);
        const auto [cv, gx, gy] = ct_grad_chain(cx0, cy0);
        require("chain: ctgrad value_and_grad", cv, v, 1e-12);
        const double h = 1e-6;
        require("chain: d/dx", gx, (hand_chain(cx0 + h, cy0) - hand_chain(cx0 - h, cy0)) / (2 * h), 1e-6);
        require("chain: d/dy", gy, (hand_chain(cx0, cy0 + h) - hand_chain(cx0, cy0 - h)) / (2 * h), 1e-6);
    }
}

// ---- benchmarks -------------------------------------------------------------------------------

void bm_sum_hand(benchmark::State& st) {
    const data_t& d = data();
    for (auto _ : st) benchmark::DoNotOptimize(hand_sum_x(d.xs));
}
void bm_sum_value(benchmark::State& st) {
    const data_t& d = data();
    for (auto _ : st) benchmark::DoNotOptimize(ct_value_sum(d));
}
void bm_sum_grad(benchmark::State& st) {
    const data_t& d = data();
    for (auto _ : st) {
        auto r = ct_grad_sum(d);
        benchmark::DoNotOptimize(std::get<1>(r).data());
        benchmark::DoNotOptimize(std::get<0>(r));
    }
}

void bm_prod_hand(benchmark::State& st) {
    const data_t& d = data();
    for (auto _ : st) benchmark::DoNotOptimize(hand_prod(d.pos));
}
void bm_prod_value(benchmark::State& st) {
    const data_t& d = data();
    for (auto _ : st) benchmark::DoNotOptimize(ct_value_prod(d));
}
void bm_prod_grad(benchmark::State& st) {
    const data_t& d = data();
    for (auto _ : st) {
        auto r = ct_grad_prod(d);
        benchmark::DoNotOptimize(std::get<1>(r).data());
        benchmark::DoNotOptimize(std::get<0>(r));
    }
}

void bm_lse_hand(benchmark::State& st) {
    const data_t& d = data();
    for (auto _ : st) benchmark::DoNotOptimize(hand_lse(d.xs));
}
void bm_lse_value(benchmark::State& st) {
    const data_t& d = data();
    for (auto _ : st) benchmark::DoNotOptimize(ct_value_lse(d));
}
void bm_lse_grad(benchmark::State& st) {
    const data_t& d = data();
    for (auto _ : st) {
        auto r = ct_grad_lse(d);
        benchmark::DoNotOptimize(std::get<1>(r).data());
        benchmark::DoNotOptimize(std::get<0>(r));
    }
}

void bm_normal_hand(benchmark::State& st) {
    const data_t& d = data();
    double m = mu0, s = sigma0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(m);
        benchmark::DoNotOptimize(s);
        benchmark::DoNotOptimize(hand_normal(d.nrm, m, s));
    }
}
void bm_normal_value(benchmark::State& st) {
    const data_t& d = data();
    double m = mu0, s = sigma0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(m);
        benchmark::DoNotOptimize(s);
        benchmark::DoNotOptimize(ct_value_normal(d, m, s));
    }
}
void bm_normal_grad(benchmark::State& st) {
    const data_t& d = data();
    double m = mu0, s = sigma0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(m);
        benchmark::DoNotOptimize(s);
        auto r = ct_grad_normal(d, m, s);
        benchmark::DoNotOptimize(r);
    }
}

void bm_regress_hand(benchmark::State& st) {
    const data_t& d = data();
    double w[P] = {wv0[0], wv0[1], wv0[2], wv0[3], wv0[4]}, s = sigma0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(w);
        benchmark::DoNotOptimize(s);
        benchmark::DoNotOptimize(hand_regress(d, w, s));
    }
}
void bm_regress_value(benchmark::State& st) {
    const data_t& d = data();
    double w[P] = {wv0[0], wv0[1], wv0[2], wv0[3], wv0[4]}, s = sigma0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(w);
        benchmark::DoNotOptimize(s);
        benchmark::DoNotOptimize(ct_value_regress(d, w, s));
    }
}
void bm_regress_grad(benchmark::State& st) {
    const data_t& d = data();
    double w[P] = {wv0[0], wv0[1], wv0[2], wv0[3], wv0[4]}, s = sigma0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(w);
        benchmark::DoNotOptimize(s);
        auto r = ct_grad_regress(d, w, s);
        benchmark::DoNotOptimize(r);
    }
}

void bm_normal_h_value(benchmark::State& st) {
    const data_t& d = data();
    double m = mu0, s = sigma0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(m);
        benchmark::DoNotOptimize(s);
        benchmark::DoNotOptimize(ct_value_normal_h(d, m, s));
    }
}
void bm_normal_h_grad(benchmark::State& st) {
    const data_t& d = data();
    double m = mu0, s = sigma0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(m);
        benchmark::DoNotOptimize(s);
        auto r = ct_grad_normal_h(d, m, s);
        benchmark::DoNotOptimize(r);
    }
}
void bm_regress_h_value(benchmark::State& st) {
    const data_t& d = data();
    double w[P] = {wv0[0], wv0[1], wv0[2], wv0[3], wv0[4]}, s = sigma0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(w);
        benchmark::DoNotOptimize(s);
        benchmark::DoNotOptimize(ct_value_regress_h(d, w, s));
    }
}
void bm_regress_h_grad(benchmark::State& st) {
    const data_t& d = data();
    double w[P] = {wv0[0], wv0[1], wv0[2], wv0[3], wv0[4]}, s = sigma0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(w);
        benchmark::DoNotOptimize(s);
        auto r = ct_grad_regress_h(d, w, s);
        benchmark::DoNotOptimize(r);
    }
}

void bm_chain_hand(benchmark::State& st) {
    double xv = cx0, yv = cy0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(xv);
        benchmark::DoNotOptimize(yv);
        benchmark::DoNotOptimize(hand_chain(xv, yv));
    }
}
void bm_chain_value(benchmark::State& st) {
    double xv = cx0, yv = cy0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(xv);
        benchmark::DoNotOptimize(yv);
        benchmark::DoNotOptimize(ct_value_chain(xv, yv));
    }
}
void bm_chain_grad(benchmark::State& st) {
    double xv = cx0, yv = cy0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(xv);
        benchmark::DoNotOptimize(yv);
        auto r = ct_grad_chain(xv, yv);
        benchmark::DoNotOptimize(r);
    }
}

void bm_logistic_hand(benchmark::State& st) {
    const data_t& d = data();
    double w[P] = {lw0[0], lw0[1], lw0[2], lw0[3], lw0[4]};
    for (auto _ : st) {
        benchmark::DoNotOptimize(w);
        benchmark::DoNotOptimize(hand_logistic(d, w));
    }
}
void bm_logistic_value(benchmark::State& st) {
    const data_t& d = data();
    double w[P] = {lw0[0], lw0[1], lw0[2], lw0[3], lw0[4]};
    for (auto _ : st) {
        benchmark::DoNotOptimize(w);
        benchmark::DoNotOptimize(ct_value_logistic(d, w));
    }
}
void bm_logistic_grad(benchmark::State& st) {
    const data_t& d = data();
    double w[P] = {lw0[0], lw0[1], lw0[2], lw0[3], lw0[4]};
    for (auto _ : st) {
        benchmark::DoNotOptimize(w);
        auto r = ct_grad_logistic(d, w);
        benchmark::DoNotOptimize(r);
    }
}
void bm_logistic_hess(benchmark::State& st) {
    const data_t& d = data();
    double w[P] = {lw0[0], lw0[1], lw0[2], lw0[3], lw0[4]};
    for (auto _ : st) {
        benchmark::DoNotOptimize(w);
        auto r = ct_hess_logistic(d, w);
        benchmark::DoNotOptimize(r);
    }
}
void bm_logistic_hvp(benchmark::State& st) {
    const data_t& d = data();
    double w[P] = {lw0[0], lw0[1], lw0[2], lw0[3], lw0[4]};
    std::array<double, P> v{hv0[0], hv0[1], hv0[2], hv0[3], hv0[4]};
    for (auto _ : st) {
        benchmark::DoNotOptimize(w);
        benchmark::DoNotOptimize(v);
        auto r = ct_hvp_logistic(d, w, v);
        benchmark::DoNotOptimize(r);
    }
}

void bm_alloc(benchmark::State& st) {
    for (auto _ : st) {
        std::vector<double> v(N, 0.0);
        benchmark::DoNotOptimize(v.data());
    }
}

}  // namespace

int main(int argc, char** argv) {
    check_all();
    std::fprintf(stderr, "bench_dag: ctgrad, the hand-written loops and the references agree\n");

    struct entry {
        const char* name;
        void (*fn)(benchmark::State&);
    };
    const entry cases[] = {
        {"sum/hand", bm_sum_hand},         {"sum/value", bm_sum_value},         {"sum/grad", bm_sum_grad},
        {"prod/hand", bm_prod_hand},       {"prod/value", bm_prod_value},       {"prod/grad", bm_prod_grad},
        {"lse/hand", bm_lse_hand},         {"lse/value", bm_lse_value},         {"lse/grad", bm_lse_grad},
        {"normal/hand", bm_normal_hand},   {"normal/value", bm_normal_value},   {"normal/grad", bm_normal_grad},
        {"regress/hand", bm_regress_hand}, {"regress/value", bm_regress_value}, {"regress/grad", bm_regress_grad},
        {"normal_hoisted/hand", bm_normal_hand},   {"normal_hoisted/value", bm_normal_h_value},
        {"normal_hoisted/grad", bm_normal_h_grad}, {"regress_hoisted/hand", bm_regress_hand},
        {"regress_hoisted/value", bm_regress_h_value}, {"regress_hoisted/grad", bm_regress_h_grad},
        {"chain/hand", bm_chain_hand},     {"chain/value", bm_chain_value},     {"chain/grad", bm_chain_grad},
        {"hessian/hand", bm_logistic_hand}, {"hessian/value", bm_logistic_value}, {"hessian/grad", bm_logistic_grad},
        {"hessian/hess", bm_logistic_hess}, {"hessian/hvp", bm_logistic_hvp},
        {"alloc/hand", bm_alloc},
    };
    for (const entry& e : cases) benchmark::RegisterBenchmark(e.name, e.fn)->UseRealTime();

    benchmark::AddCustomContext("compile_flags", CTGRAD_BENCH_FLAGS);
    benchmark::AddCustomContext("n", std::to_string(N));
    benchmark::AddCustomContext("hand_vectors", std::string(bench::vector_isa) + ": " + std::to_string(U) + " vectors of " +
                                                    std::to_string(L) + " doubles");
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
