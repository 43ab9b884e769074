// Runtime of exercise 3's whole training step: forward, zero the grads, backward, update.
// Data as in the tutorial, at N = 10 (the tutorial's size), 1 000 and 100 000, float32:
//   ctgrad::manual_seed(0); x_data = randn({N, 1}); y_true = 2 * x_data + 1;
//   w = randn({1, 1}, requires_grad); b = randn({1, 1}, requires_grad); learning rate 0.01.
// Four ways to take one step, in one process:
//   tensor_nograd  the Tensor API, update in place under ctgrad::no_grad;
//   tensor_data    the Tensor API, update through .data as the tutorial writes it;
//   vag            ctgrad::value_and_grad on std::vector<float> with scalar w, b, then w -= lr*dw;
//   hand           a hand-written loop computing loss, dw, db in one pass, then the update.
// LibTorch runs in bench_step_torch; run_step.py combines both into one table.
#include "simd_width.hpp"

#include <ctgrad/ctgrad.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#ifndef CTGRAD_BENCH_FLAGS
#define CTGRAD_BENCH_FLAGS "unknown"
#endif

namespace {

using namespace ctgrad::literals;
using ctgrad::Tensor;

constexpr std::int64_t sizes[] = {10, 1000, 100000};
constexpr double learning_rate = 0.01;
/// Where 100 steps of the tutorial's loop end at N = 10 (PyTorch's exercise 3 prints these).
constexpr double expected_w = 1.689080, expected_b = 0.714315, expected_tol = 2e-6;

struct problem {
    Tensor x_data, y_true;          // N x 1, as in the tutorial
    std::vector<float> xs, ys;      // the same values, for value_and_grad and the hand loop
    float w0 = 0, b0 = 0;           // the initial parameters drawn after x_data
};

problem make_problem(std::int64_t n) {
    problem p;
    ctgrad::manual_seed(0);
    p.x_data = ctgrad::randn({static_cast<std::size_t>(n), 1});
    p.y_true = 2.0 * p.x_data + 1.0;
    const Tensor w = ctgrad::randn({1, 1}, {.requires_grad = true});
    const Tensor b = ctgrad::randn({1, 1}, {.requires_grad = true});
    p.w0 = static_cast<float>(w.item());
    p.b0 = static_cast<float>(b.item());
    p.xs.assign(p.x_data.values().begin(), p.x_data.values().end());
    p.ys.assign(p.y_true.values().begin(), p.y_true.values().end());
    return p;
}

[[noreturn]] void fail(const char* what, std::int64_t n, const char* detail) {
    std::fprintf(stderr, "bench_step: %s (N = %lld): %s\n", what, static_cast<long long>(n), detail);
    std::abort();
}

void require_finite(const char* what, std::int64_t n, double w, double b) {
    if (std::isfinite(w) && std::isfinite(b)) return;
    char msg[128];
    std::snprintf(msg, sizeof msg, "parameters not finite after the timed loop: w = %g, b = %g", w, b);
    fail(what, n, msg);
}

// ---- (a) Tensor API, update under no_grad ----------------------------------------------

struct tensor_params {
    Tensor w, b;
    explicit tensor_params(const problem& p)
        : w(ctgrad::full({1, 1}, p.w0, {.requires_grad = true})), b(ctgrad::full({1, 1}, p.b0, {.requires_grad = true})) {}
};

double step_tensor_nograd(const Tensor& x_data, const Tensor& y_true, Tensor& w, Tensor& b, double lr) {
    auto loss = ctgrad::mean(pow(w * x_data + b - y_true, 2_c));
    if (w.grad().defined()) {
        w.grad().zero_();
        b.grad().zero_();
    }
    loss.backward();
    {
        ctgrad::no_grad guard;
        w -= lr * w.grad();
        b -= lr * b.grad();
    }
    return loss.item();  // kept by backward: no evaluation
}

// ---- (b) Tensor API, update through .data (the tutorial's exercise 3) ------------------

double step_tensor_data(const Tensor& x_data, const Tensor& y_true, Tensor& w, Tensor& b, double lr) {
    auto loss = ctgrad::mean(pow(w * x_data + b - y_true, 2_c));
    if (w.grad().defined()) w.grad().zero_();
    if (b.grad().defined()) b.grad().zero_();
    loss.backward();
    w.set_data(w.data() - lr * w.grad().data());
    b.set_data(b.data() - lr * b.grad().data());
    return loss.item();
}

// ---- (c) value_and_grad on plain vectors -----------------------------------------------

constexpr auto vw = ctgrad::var<"w">;
constexpr auto vb = ctgrad::var<"b">;
constexpr auto vx = ctgrad::var<"x">;
constexpr auto vy = ctgrad::var<"y">;
const auto loss_expr = ctgrad::mean(ctgrad::pow(vw * vx + vb - vy, 2_c));

struct scalar_params {
    float w, b;
};

float step_vag(const problem& p, scalar_params& q, float lr) {
    auto [l, dw, db] = ctgrad::value_and_grad(loss_expr, ctgrad::wrt(vw, vb), vw = q.w, vb = q.b, vx = p.xs, vy = p.ys);
    q.w -= lr * dw;
    q.b -= lr * db;
    return l;
}

// ---- (d) the hand-written loop (bench_fused.cpp's float loop) plus the update -----------

struct loss_and_grad {
    float loss, dw, db;
};

/// One accumulator per quantity: the fastest below 64 elements (bench/README.md).
loss_and_grad hand_simple(const float* xp, const float* yp, std::size_t n, float wv, float bv) {
    float s0 = 0, s1 = 0, s2 = 0;
    for (std::size_t i = 0; i != n; ++i) {
        const float r = wv * xp[i] + bv - yp[i];
        s0 += r * r;
        s1 += r * xp[i];
        s2 += r;
    }
    const float inv = 1.0f / static_cast<float>(n);
    return {s0 * inv, 2 * s1 * inv, 2 * s2 * inv};
}

/// 8 lanes x 4 vectors = 32 partial sums per quantity (4 lanes x 8 where the registers hold
/// only 4 floats), r = w x + b - y computed once.
loss_and_grad hand_fused(const problem& p, float wv, float bv) {
    constexpr int V = bench::lanes<float>(8), U = 32 / V;
    const float* xp = p.xs.data();
    const float* yp = p.ys.data();
    const std::size_t n = p.xs.size();
    if (n < 64) return hand_simple(xp, yp, n, wv, bv);
    float s0[U][V] = {}, s1[U][V] = {}, s2[U][V] = {};
    std::size_t i = 0;
    for (; i + U * V <= n; i += U * V) {
        for (int u = 0; u != U; ++u) {
            for (int j = 0; j != V; ++j) {
                const float xv = xp[i + u * V + j];
                const float r = wv * xv + bv - yp[i + u * V + j];
                s0[u][j] += r * r;
                s1[u][j] += r * xv;
                s2[u][j] += r;
            }
        }
    }
    float a0 = 0, a1 = 0, a2 = 0;
    for (; i != n; ++i) {
        const float r = wv * xp[i] + bv - yp[i];
        a0 += r * r;
        a1 += r * xp[i];
        a2 += r;
    }
    for (int u = 1; u != U; ++u) {
        for (int j = 0; j != V; ++j) {
            s0[0][j] += s0[u][j];
            s1[0][j] += s1[u][j];
            s2[0][j] += s2[u][j];
        }
    }
    for (int j = 0; j != V; ++j) {
        a0 += s0[0][j];
        a1 += s1[0][j];
        a2 += s2[0][j];
    }
    const float inv = 1.0f / static_cast<float>(n);
    return {a0 * inv, 2 * a1 * inv, 2 * a2 * inv};
}

float step_hand(const problem& p, scalar_params& q, float lr) {
    const loss_and_grad r = hand_fused(p, q.w, q.b);
    q.w -= lr * r.dw;
    q.b -= lr * r.db;
    return r.loss;
}

// ---- checks before timing ---------------------------------------------------------------

/// 100 steps of plain gradient descent in long double on the same float data.
void reference_100(const problem& p, double& w_out, double& b_out) {
    long double w = p.w0, b = p.b0;
    const long double n = static_cast<long double>(p.xs.size());
    for (int k = 0; k != 100; ++k) {
        long double s1 = 0, s2 = 0;
        for (std::size_t i = 0; i != p.xs.size(); ++i) {
            const long double r = w * p.xs[i] + b - p.ys[i];
            s1 += r * p.xs[i];
            s2 += r;
        }
        w -= static_cast<long double>(learning_rate) * (2 * s1 / n);
        b -= static_cast<long double>(learning_rate) * (2 * s2 / n);
    }
    w_out = static_cast<double>(w);
    b_out = static_cast<double>(b);
}

struct end_point {
    double w, b;
};

template <class Step>
end_point after_100_tensor(const problem& p, Step step) {
    tensor_params t(p);
    for (int k = 0; k != 100; ++k) step(p.x_data, p.y_true, t.w, t.b, learning_rate);
    return {t.w.item(), t.b.item()};
}

template <class Step>
end_point after_100_scalar(const problem& p, Step step) {
    scalar_params q{p.w0, p.b0};
    for (int k = 0; k != 100; ++k) step(p, q, static_cast<float>(learning_rate));
    return {q.w, q.b};
}

void require_near(const char* what, std::int64_t n, end_point got, double w, double b, double tol) {
    if (std::fabs(got.w - w) <= tol && std::fabs(got.b - b) <= tol) return;
    char msg[256];
    std::snprintf(msg, sizeof msg, "after 100 steps w = %.7f, b = %.7f; expected w = %.7f, b = %.7f within %g", got.w,
                  got.b, w, b, tol);
    fail(what, n, msg);
}

/// Aborts unless every variant trains as the tutorial does. Returns the largest deviation
/// from the long double reference, for the context of the report.
double check(const problem& p, std::int64_t n) {
    const end_point a = after_100_tensor(p, step_tensor_nograd);
    if (n == 10) require_near("tensor_nograd vs PyTorch's exercise 3", n, a, expected_w, expected_b, expected_tol);
    double rw = 0, rb = 0;
    reference_100(p, rw, rb);
    // float32 steps against long double: a few float ulps per step at most
    const double tol = 1e-5;
    const end_point all[] = {a, after_100_tensor(p, step_tensor_data), after_100_scalar(p, step_vag),
                             after_100_scalar(p, step_hand)};
    const char* names[] = {"tensor_nograd vs the long double reference", "tensor_data vs the long double reference",
                           "vag vs the long double reference", "hand vs the long double reference"};
    double worst = 0;
    for (std::size_t k = 0; k != 4; ++k) {
        require_near(names[k], n, all[k], rw, rb, tol);
        worst = std::fmax(worst, std::fmax(std::fabs(all[k].w - rw), std::fabs(all[k].b - rb)));
    }
    // The no_grad and .data updates compute the same float operations.
    if (all[0].w != all[1].w || all[0].b != all[1].b) fail("tensor_data vs tensor_nograd", n, "different end points");
    return worst;
}

// ---- benchmarks -------------------------------------------------------------------------

void bm_tensor_nograd(benchmark::State& state, const problem* p, std::int64_t n) {
    tensor_params t(*p);  // fresh parameters, no .grad yet: the first step creates them
    for (auto _ : state) {
        double l = step_tensor_nograd(p->x_data, p->y_true, t.w, t.b, learning_rate);
        benchmark::DoNotOptimize(l);
    }
    require_finite("tensor_nograd", n, t.w.item(), t.b.item());
}

void bm_tensor_data(benchmark::State& state, const problem* p, std::int64_t n) {
    tensor_params t(*p);
    for (auto _ : state) {
        double l = step_tensor_data(p->x_data, p->y_true, t.w, t.b, learning_rate);
        benchmark::DoNotOptimize(l);
    }
    require_finite("tensor_data", n, t.w.item(), t.b.item());
}

void bm_vag(benchmark::State& state, const problem* p, std::int64_t n) {
    scalar_params q{p->w0, p->b0};
    const float lr = static_cast<float>(learning_rate);
    for (auto _ : state) {
        float l = step_vag(*p, q, lr);
        benchmark::DoNotOptimize(l);
        benchmark::DoNotOptimize(q);
    }
    require_finite("vag", n, q.w, q.b);
}

void bm_hand(benchmark::State& state, const problem* p, std::int64_t n) {
    scalar_params q{p->w0, p->b0};
    const float lr = static_cast<float>(learning_rate);
    for (auto _ : state) {
        float l = step_hand(*p, q, lr);
        benchmark::DoNotOptimize(l);
        benchmark::DoNotOptimize(q);
    }
    require_finite("hand", n, q.w, q.b);
}

}  // namespace

int main(int argc, char** argv) {
    std::string data_sums, worst_text;
    for (std::int64_t n : sizes) {
        const auto* p = new problem(make_problem(n));  // kept for the whole run
        const double worst = check(*p, n);
        double sx = 0;
        for (float v : p->xs) sx += v;
        char buf[160];
        std::snprintf(buf, sizeof buf, "%sN=%lld: sum(x)=%.9g w0=%.9g b0=%.9g", data_sums.empty() ? "" : "; ",
                      static_cast<long long>(n), sx, double(p->w0), double(p->b0));
        data_sums += buf;
        std::snprintf(buf, sizeof buf, "%sN=%lld: %.2g", worst_text.empty() ? "" : "; ", static_cast<long long>(n), worst);
        worst_text += buf;

        std::string suffix = "/";  // not "/" + to_string(n): a false -Wrestrict in g++ 12
        suffix += std::to_string(n);
        benchmark::RegisterBenchmark(("tensor_nograd" + suffix).c_str(), bm_tensor_nograd, p, n)->UseRealTime();
        benchmark::RegisterBenchmark(("tensor_data" + suffix).c_str(), bm_tensor_data, p, n)->UseRealTime();
        benchmark::RegisterBenchmark(("vag" + suffix).c_str(), bm_vag, p, n)->UseRealTime();
        benchmark::RegisterBenchmark(("hand" + suffix).c_str(), bm_hand, p, n)->UseRealTime();
    }
    std::fprintf(stderr,
                 "bench_step: 100 steps of every variant match the long double reference (max deviation %s), and "
                 "tensor_nograd ends at w = %.6f, b = %.6f at N = 10\n",
                 worst_text.c_str(), expected_w, expected_b);

    benchmark::AddCustomContext("compile_flags", CTGRAD_BENCH_FLAGS);
    benchmark::AddCustomContext("data", data_sums);
    benchmark::AddCustomContext("check_max_deviation_100_steps", worst_text);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
