// Exercise 3's whole training step (forward, zero the grads, backward, update) for the targets
// of the one-statement engine: loss = mean((w * x + b - y)^2), gradients by the scalars w, b,
// in float and double, at N = 10, 1 000, 1 000 000 and 10 000 000. Data as in the tutorial:
//   ctgrad::manual_seed(0); x_data = randn({N, 1}); y_true = 2 * x_data + 1;
//   w = randn({1, 1}, requires_grad); b = randn({1, 1}, requires_grad); learning rate 0.01.
// Three cases in one process:
//   tensor  the Tensor API, update in place under ctgrad::no_grad (bench_step's tensor_nograd);
//   vag     ctgrad::value_and_grad on std::vector<T> with scalar w, b, then w -= lr * dw;
//   hand    a hand-written loop computing loss, dw, db in one pass, then the update.
// This file is compiled at the build's level (CTGRAD_BENCH_OPT, -O2 or -O3); the hand case
// lives in bench_engine_hand.cpp, compiled at -O3 in every build, so that the ratio of
// value_and_grad at -O2 to the -O3 hand loop comes from one run. LibTorch runs in
// bench_engine_torch; run_engine.py builds, runs and tabulates everything.
#include "engine_hand.hpp"

#include <ctgrad/ctgrad.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>
#include <vector>

#ifndef CTGRAD_BENCH_FLAGS
#define CTGRAD_BENCH_FLAGS "unknown"
#endif

namespace {

using namespace ctgrad::literals;
using bench::engine::arrays;

constexpr std::int64_t sizes[] = {10, 1000, 1000000, 10000000};
constexpr double learning_rate = 0.01;
/// Where 100 float steps of the tutorial's loop end at N = 10 (PyTorch's exercise 3 prints these).
constexpr double expected_w = 1.689080, expected_b = 0.714315, expected_tol = 2e-6;

template <class T>
const char* type_name() {
    return std::is_same_v<T, float> ? "float" : "double";
}

template <class T>
struct problem {
    ctgrad::basic_tensor<T> x_data, y_true;  // N x 1, as in the tutorial
    arrays<T> a;                             // the same values, for value_and_grad and the hand loop
};

template <class T>
problem<T> make_problem(std::int64_t n) {
    problem<T> p;
    ctgrad::manual_seed(0);
    p.x_data = ctgrad::randn<T>({static_cast<std::size_t>(n), 1});
    p.y_true = 2.0 * p.x_data + 1.0;
    const auto w = ctgrad::randn<T>({1, 1}, {.requires_grad = true});
    const auto b = ctgrad::randn<T>({1, 1}, {.requires_grad = true});
    p.a.w0 = static_cast<T>(w.item());
    p.a.b0 = static_cast<T>(b.item());
    p.a.xs.assign(p.x_data.values().begin(), p.x_data.values().end());
    p.a.ys.assign(p.y_true.values().begin(), p.y_true.values().end());
    return p;
}

[[noreturn]] void fail(const char* what, const char* type, std::int64_t n, const char* detail) {
    std::fprintf(stderr, "bench_engine: %s (%s, N = %lld): %s\n", what, type, static_cast<long long>(n), detail);
    std::abort();
}

template <class T>
void require_finite(const char* what, std::int64_t n, double w, double b) {
    if (std::isfinite(w) && std::isfinite(b)) return;
    char msg[128];
    std::snprintf(msg, sizeof msg, "parameters not finite after the timed loop: w = %g, b = %g", w, b);
    fail(what, type_name<T>(), n, msg);
}

// ---- the Tensor step, update under no_grad ------------------------------------------------

template <class T>
struct tensor_params {
    ctgrad::basic_tensor<T> w, b;
    explicit tensor_params(const arrays<T>& a)
        : w(ctgrad::full<T>({1, 1}, a.w0, {.requires_grad = true})),
          b(ctgrad::full<T>({1, 1}, a.b0, {.requires_grad = true})) {}
};

template <class T>
double step_tensor(const ctgrad::basic_tensor<T>& x_data, const ctgrad::basic_tensor<T>& y_true,
                   ctgrad::basic_tensor<T>& w, ctgrad::basic_tensor<T>& b, double lr) {
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

// ---- value_and_grad on plain vectors ------------------------------------------------------

constexpr auto vw = ctgrad::var<"w">;
constexpr auto vb = ctgrad::var<"b">;
constexpr auto vx = ctgrad::var<"x">;
constexpr auto vy = ctgrad::var<"y">;
const auto loss_expr = ctgrad::mean(ctgrad::pow(vw * vx + vb - vy, 2_c));

template <class T>
T step_vag(const arrays<T>& a, T& w, T& b, T lr) {
    auto [l, dw, db] = ctgrad::value_and_grad(loss_expr, ctgrad::wrt(vw, vb), vw = w, vb = b, vx = a.xs, vy = a.ys);
    static_assert(std::is_same_v<decltype(l), T>, "w and b bound as T evaluate in T");
    w -= lr * dw;
    b -= lr * db;
    return l;
}

// ---- checks before timing ---------------------------------------------------------------

/// Steps checked before timing: 100 (the tutorial's loop) up to N = 1 000, 3 above (100 steps
/// of 10 000 000 doubles through the Tensor API would take most of a minute).
int check_steps(std::int64_t n) { return n <= 1000 ? 100 : 3; }

/// `steps` steps of plain gradient descent in long double on the same data.
template <class T>
void reference(const arrays<T>& a, int steps, double& w_out, double& b_out) {
    long double w = a.w0, b = a.b0;
    const long double n = static_cast<long double>(a.xs.size());
    for (int k = 0; k != steps; ++k) {
        long double s1 = 0, s2 = 0;
        for (std::size_t i = 0; i != a.xs.size(); ++i) {
            const long double r = w * a.xs[i] + b - a.ys[i];
            s1 += r * a.xs[i];
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

template <class T>
void require_near(const char* what, std::int64_t n, end_point got, double w, double b, double tol) {
    if (std::fabs(got.w - w) <= tol && std::fabs(got.b - b) <= tol) return;
    char msg[256];
    std::snprintf(msg, sizeof msg, "after %d steps w = %.9g, b = %.9g; expected w = %.9g, b = %.9g within %g",
                  check_steps(n), got.w, got.b, w, b, tol);
    fail(what, type_name<T>(), n, msg);
}

/// Aborts unless every case trains as gradient descent in long double does (and, in float at
/// N = 10, as PyTorch's exercise 3). Returns the largest deviation from the reference.
template <class T>
double check(const problem<T>& p, std::int64_t n) {
    const int steps = check_steps(n);
    tensor_params<T> t(p.a);
    for (int k = 0; k != steps; ++k) step_tensor(p.x_data, p.y_true, t.w, t.b, learning_rate);
    const end_point tensor{t.w.item(), t.b.item()};
    if (std::is_same_v<T, float> && n == 10)
        require_near<T>("tensor vs PyTorch's exercise 3", n, tensor, expected_w, expected_b, expected_tol);

    const T lr = static_cast<T>(learning_rate);
    T vw_ = p.a.w0, vb_ = p.a.b0, hw = p.a.w0, hb = p.a.b0;
    for (int k = 0; k != steps; ++k) {
        step_vag(p.a, vw_, vb_, lr);
        bench::engine::hand_step(p.a, hw, hb, lr);
    }
    const end_point vag{vw_, vb_}, hand{hw, hb};

    double rw = 0, rb = 0;
    reference(p.a, steps, rw, rb);
    // float steps against long double: a few float ulps per step (100 steps), or the rounding
    // of sums of up to 1e7 float terms (3 steps); double: far below either.
    const double tol = std::is_same_v<T, float> ? (steps == 100 ? 1e-5 : 1e-4) : 1e-10;
    const end_point all[] = {tensor, vag, hand};
    const char* names[] = {"tensor vs the long double reference", "vag vs the long double reference",
                           "hand vs the long double reference"};
    double worst = 0;
    for (std::size_t k = 0; k != 3; ++k) {
        require_near<T>(names[k], n, all[k], rw, rb, tol);
        worst = std::fmax(worst, std::fmax(std::fabs(all[k].w - rw), std::fabs(all[k].b - rb)));
    }
    return worst;
}

// ---- benchmarks -------------------------------------------------------------------------

template <class T>
void bm_tensor(benchmark::State& state, const problem<T>* p, std::int64_t n) {
    tensor_params<T> t(p->a);  // fresh parameters, no .grad yet: the first step creates them
    for (auto _ : state) {
        double l = step_tensor(p->x_data, p->y_true, t.w, t.b, learning_rate);
        benchmark::DoNotOptimize(l);
    }
    require_finite<T>("tensor", n, t.w.item(), t.b.item());
}

template <class T>
void bm_vag(benchmark::State& state, const problem<T>* p, std::int64_t n) {
    T w = p->a.w0, b = p->a.b0;
    const T lr = static_cast<T>(learning_rate);
    for (auto _ : state) {
        T l = step_vag(p->a, w, b, lr);
        benchmark::DoNotOptimize(l);
        benchmark::DoNotOptimize(w);
        benchmark::DoNotOptimize(b);
    }
    require_finite<T>("vag", n, w, b);
}

template <class T>
void add_type(std::string& data_sums, std::string& worst_text) {
    for (std::int64_t n : sizes) {
        const auto* p = new problem<T>(make_problem<T>(n));  // kept for the whole run
        const double worst = check(*p, n);
        double sx = 0;
        for (T v : p->a.xs) sx += v;
        char buf[200];
        std::snprintf(buf, sizeof buf, "%s%s N=%lld: sum(x)=%.9g w0=%.9g b0=%.9g", data_sums.empty() ? "" : "; ",
                      type_name<T>(), static_cast<long long>(n), sx, double(p->a.w0), double(p->a.b0));
        data_sums += buf;
        std::snprintf(buf, sizeof buf, "%s%s N=%lld: %.2g", worst_text.empty() ? "" : "; ", type_name<T>(),
                      static_cast<long long>(n), worst);
        worst_text += buf;

        std::string suffix = "/";  // not "/" + ...: a false -Wrestrict in g++ 12
        suffix += type_name<T>();
        suffix += "/";
        suffix += std::to_string(n);
        benchmark::RegisterBenchmark(("tensor" + suffix).c_str(), bm_tensor<T>, p, n)->UseRealTime();
        benchmark::RegisterBenchmark(("vag" + suffix).c_str(), bm_vag<T>, p, n)->UseRealTime();
        benchmark::RegisterBenchmark(("hand" + suffix).c_str(), bench::engine::bm_hand<T>, &p->a)->UseRealTime();
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string data_sums, worst_text;
    add_type<float>(data_sums, worst_text);
    add_type<double>(data_sums, worst_text);
    std::fprintf(stderr,
                 "bench_engine: every case matches gradient descent in long double (100 steps up to N = 1 000, 3 "
                 "above; max deviation %s)\n",
                 worst_text.c_str());

    benchmark::AddCustomContext("compile_flags", CTGRAD_BENCH_FLAGS);
    benchmark::AddCustomContext("hand_compile_flags", bench::engine::hand_flags());
    benchmark::AddCustomContext("hand_variant", bench::engine::hand_variant());
    benchmark::AddCustomContext("data", data_sums);
    benchmark::AddCustomContext("check_max_deviation", worst_text);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
