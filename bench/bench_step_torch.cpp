// LibTorch with autograd on bench_step's workload: exercise 3's whole training step written
// as in PyTorch, float32, at N = 10, 1 000 and 100 000:
//   torch.manual_seed(0); x = torch.randn(N, 1); y = 2 * x + 1;
//   w = torch.randn(1, 1, requires_grad=True); b = torch.randn(1, 1, requires_grad=True)
//   step: loss = ((w * x + b - y) ** 2).mean(); zero the grads (grad.zero_() once they exist);
//         loss.backward(); with torch.no_grad(): w.sub_(lr * w.grad); b.sub_(lr * b.grad)
// Its own executable in C++17: LibTorch 1.13's headers do not compile as C++20 with clang 14
// (bench/CMakeLists.txt). ATen headers only: torch/torch.h costs ~20 s of compile time.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#ifndef CTGRAD_BENCH_FLAGS
#define CTGRAD_BENCH_FLAGS "unknown"
#endif

namespace {

constexpr std::int64_t sizes[] = {10, 1000, 100000};
constexpr double learning_rate = 0.01;
/// Where 100 steps of the tutorial's loop end at N = 10 (PyTorch's exercise 3 prints these).
constexpr double expected_w = 1.689080, expected_b = 0.714315, expected_tol = 2e-6;

struct problem {
    at::Tensor x, y;  // N x 1
    float w0 = 0, b0 = 0;
};

problem make_problem(std::int64_t n) {
    problem p;
    at::manual_seed(0);
    p.x = at::randn({n, 1});
    p.y = 2 * p.x + 1;
    p.w0 = at::randn({1, 1}).item<float>();
    p.b0 = at::randn({1, 1}).item<float>();
    return p;
}

struct params {
    at::Tensor w, b;
    explicit params(const problem& p)
        : w(at::full({1, 1}, p.w0).requires_grad_(true)), b(at::full({1, 1}, p.b0).requires_grad_(true)) {}
};

void step(const problem& p, params& q, double lr) {
    at::Tensor& w = q.w;
    at::Tensor& b = q.b;
    at::Tensor loss = (w * p.x + b - p.y).pow(2).mean();
    if (w.grad().defined()) {
        w.grad().zero_();
        b.grad().zero_();
    }
    loss.backward();
    {
        at::NoGradGuard guard;
        w.sub_(lr * w.grad());
        b.sub_(lr * b.grad());
    }
}

[[noreturn]] void fail(const char* what, std::int64_t n, const char* detail) {
    std::fprintf(stderr, "bench_step_torch: %s (N = %lld): %s\n", what, static_cast<long long>(n), detail);
    std::abort();
}

/// 100 steps of plain gradient descent in long double on the same float data.
void reference_100(const problem& p, double& w_out, double& b_out) {
    const at::Tensor xc = p.x.contiguous(), yc = p.y.contiguous();
    const float* xs = xc.data_ptr<float>();
    const float* ys = yc.data_ptr<float>();
    const std::int64_t n = xc.numel();
    long double w = p.w0, b = p.b0;
    for (int k = 0; k != 100; ++k) {
        long double s1 = 0, s2 = 0;
        for (std::int64_t i = 0; i != n; ++i) {
            const long double r = w * xs[i] + b - ys[i];
            s1 += r * xs[i];
            s2 += r;
        }
        w -= static_cast<long double>(learning_rate) * (2 * s1 / n);
        b -= static_cast<long double>(learning_rate) * (2 * s2 / n);
    }
    w_out = static_cast<double>(w);
    b_out = static_cast<double>(b);
}

void require_near(const char* what, std::int64_t n, double gw, double gb, double w, double b, double tol) {
    if (std::fabs(gw - w) <= tol && std::fabs(gb - b) <= tol) return;
    char msg[256];
    std::snprintf(msg, sizeof msg, "after 100 steps w = %.7f, b = %.7f; expected w = %.7f, b = %.7f within %g", gw, gb,
                  w, b, tol);
    fail(what, n, msg);
}

/// Aborts unless LibTorch trains as the tutorial does; returns the deviation from the reference.
double check(const problem& p, std::int64_t n) {
    params q(p);
    for (int k = 0; k != 100; ++k) step(p, q, learning_rate);
    const double w = q.w.item<double>(), b = q.b.item<double>();
    if (n == 10) require_near("LibTorch vs PyTorch's exercise 3", n, w, b, expected_w, expected_b, expected_tol);
    double rw = 0, rb = 0;
    reference_100(p, rw, rb);
    require_near("LibTorch vs the long double reference", n, w, b, rw, rb, 1e-5);
    return std::fmax(std::fabs(w - rw), std::fabs(b - rb));
}

void bm_torch(benchmark::State& state, const problem* p, std::int64_t n, int threads) {
    at::set_num_threads(threads);  // set on every run: random interleaving alternates the cases
    params q(*p);                  // fresh parameters, no .grad yet: the first step creates them
    for (auto _ : state) {
        step(*p, q, learning_rate);
        benchmark::ClobberMemory();
    }
    const double w = q.w.item<double>(), b = q.b.item<double>();
    if (!std::isfinite(w) || !std::isfinite(b)) {
        char msg[128];
        std::snprintf(msg, sizeof msg, "parameters not finite after the timed loop: w = %g, b = %g", w, b);
        fail("torch", n, msg);
    }
    state.counters["threads"] = at::get_num_threads();
}

}  // namespace

int main(int argc, char** argv) {
    // What LibTorch chose by itself, before any set_num_threads (1 on some machines); the
    // "default" case sets one thread per core explicitly, what PyTorch normally picks.
    const int default_threads = at::get_num_threads();
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    const int all_threads = cores > 0 ? cores : 2;
    at::set_num_threads(1);
    std::string data_sums, worst_text;
    for (std::int64_t n : sizes) {
        const auto* p = new problem(make_problem(n));  // kept for the whole run
        const double worst = check(*p, n);
        const double sx = p->x.to(at::kDouble).sum().item<double>();
        char buf[160];
        std::snprintf(buf, sizeof buf, "%sN=%lld: sum(x)=%.9g w0=%.9g b0=%.9g", data_sums.empty() ? "" : "; ",
                      static_cast<long long>(n), sx, double(p->w0), double(p->b0));
        data_sums += buf;
        std::snprintf(buf, sizeof buf, "%sN=%lld: %.2g", worst_text.empty() ? "" : "; ", static_cast<long long>(n), worst);
        worst_text += buf;
        std::string suffix = "/";
        suffix += std::to_string(n);
        benchmark::RegisterBenchmark(("torch_1thread" + suffix).c_str(), bm_torch, p, n, 1)->UseRealTime();
        benchmark::RegisterBenchmark(("torch_default" + suffix).c_str(), bm_torch, p, n, all_threads)->UseRealTime();
    }
    std::fprintf(stderr,
                 "bench_step_torch: 100 steps match the long double reference (max deviation %s) and end at "
                 "w = %.6f, b = %.6f at N = 10\n",
                 worst_text.c_str(), expected_w, expected_b);

    benchmark::AddCustomContext("torch_initial_num_threads", std::to_string(default_threads));
    benchmark::AddCustomContext("torch_default_case_threads", std::to_string(all_threads));
    benchmark::AddCustomContext("hardware_concurrency", std::to_string(cores));
    benchmark::AddCustomContext("compile_flags", CTGRAD_BENCH_FLAGS);
    benchmark::AddCustomContext("data", data_sums);
    benchmark::AddCustomContext("check_max_deviation_100_steps", worst_text);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
