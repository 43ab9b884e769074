// LibTorch with autograd, one thread, on bench_engine's workload: exercise 3's whole training
// step written as in PyTorch, in float32 and float64, at N = 10, 1 000, 1 000 000 and 10 000 000:
//   torch.manual_seed(0); x = torch.randn(N, 1, dtype); y = 2 * x + 1;
//   w = torch.randn(1, 1, dtype, requires_grad=True); b = likewise
//   step: loss = ((w * x + b - y) ** 2).mean(); zero the grads (grad.zero_() once they exist);
//         loss.backward(); with torch.no_grad(): w.sub_(lr * w.grad); b.sub_(lr * b.grad)
// Its own executable in C++17, built with g++ (LibTorch 1.13's headers do not compile as C++20
// with clang 14; bench/CMakeLists.txt). ATen headers only: torch/torch.h costs ~20 s of compile time.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#ifndef CTGRAD_BENCH_FLAGS
#define CTGRAD_BENCH_FLAGS "unknown"
#endif

namespace {

constexpr std::int64_t sizes[] = {10, 1000, 1000000, 10000000};
constexpr double learning_rate = 0.01;
/// Where 100 float steps of the tutorial's loop end at N = 10 (PyTorch's exercise 3 prints these).
constexpr double expected_w = 1.689080, expected_b = 0.714315, expected_tol = 2e-6;

struct problem {
    at::Tensor x, y;  // N x 1
    double w0 = 0, b0 = 0;
    at::ScalarType dtype = at::kFloat;
};

const char* type_name(at::ScalarType t) { return t == at::kFloat ? "float" : "double"; }

problem make_problem(std::int64_t n, at::ScalarType dtype) {
    problem p;
    p.dtype = dtype;
    at::manual_seed(0);
    p.x = at::randn({n, 1}, at::TensorOptions().dtype(dtype));
    p.y = 2 * p.x + 1;
    p.w0 = at::randn({1, 1}, at::TensorOptions().dtype(dtype)).item<double>();
    p.b0 = at::randn({1, 1}, at::TensorOptions().dtype(dtype)).item<double>();
    return p;
}

struct params {
    at::Tensor w, b;
    explicit params(const problem& p)
        : w(at::full({1, 1}, p.w0, at::TensorOptions().dtype(p.dtype)).requires_grad_(true)),
          b(at::full({1, 1}, p.b0, at::TensorOptions().dtype(p.dtype)).requires_grad_(true)) {}
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

[[noreturn]] void fail(const char* what, const problem& p, const char* detail) {
    std::fprintf(stderr, "bench_engine_torch: %s (%s, N = %lld): %s\n", what, type_name(p.dtype),
                 static_cast<long long>(p.x.numel()), detail);
    std::abort();
}

int check_steps(std::int64_t n) { return n <= 1000 ? 100 : 3; }

/// The values of x and y as doubles, in order.
template <class T>
void as_doubles(const problem& p, std::vector<double>& xs, std::vector<double>& ys) {
    const at::Tensor xc = p.x.contiguous(), yc = p.y.contiguous();
    const T* xp = xc.data_ptr<T>();
    const T* yp = yc.data_ptr<T>();
    xs.assign(xp, xp + xc.numel());
    ys.assign(yp, yp + yc.numel());
}

/// `steps` steps of plain gradient descent in long double on the same data.
void reference(const problem& p, int steps, double& w_out, double& b_out) {
    std::vector<double> xs, ys;
    if (p.dtype == at::kFloat)
        as_doubles<float>(p, xs, ys);
    else
        as_doubles<double>(p, xs, ys);
    long double w = p.w0, b = p.b0;
    const long double n = static_cast<long double>(xs.size());
    for (int k = 0; k != steps; ++k) {
        long double s1 = 0, s2 = 0;
        for (std::size_t i = 0; i != xs.size(); ++i) {
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

void require_near(const char* what, const problem& p, double gw, double gb, double w, double b, double tol) {
    if (std::fabs(gw - w) <= tol && std::fabs(gb - b) <= tol) return;
    char msg[256];
    std::snprintf(msg, sizeof msg, "after %d steps w = %.9g, b = %.9g; expected w = %.9g, b = %.9g within %g",
                  check_steps(p.x.numel()), gw, gb, w, b, tol);
    fail(what, p, msg);
}

/// Aborts unless LibTorch trains as gradient descent in long double does; returns the deviation.
double check(const problem& p) {
    const std::int64_t n = p.x.numel();
    const int steps = check_steps(n);
    params q(p);
    for (int k = 0; k != steps; ++k) step(p, q, learning_rate);
    const double w = q.w.item<double>(), b = q.b.item<double>();
    if (p.dtype == at::kFloat && n == 10)
        require_near("LibTorch vs PyTorch's exercise 3", p, w, b, expected_w, expected_b, expected_tol);
    double rw = 0, rb = 0;
    reference(p, steps, rw, rb);
    const double tol = p.dtype == at::kFloat ? (steps == 100 ? 1e-5 : 1e-4) : 1e-10;
    require_near("LibTorch vs the long double reference", p, w, b, rw, rb, tol);
    return std::fmax(std::fabs(w - rw), std::fabs(b - rb));
}

void bm_torch(benchmark::State& state, const problem* p) {
    at::set_num_threads(1);
    params q(*p);  // fresh parameters, no .grad yet: the first step creates them
    for (auto _ : state) {
        step(*p, q, learning_rate);
        benchmark::ClobberMemory();
    }
    const double w = q.w.item<double>(), b = q.b.item<double>();
    if (!std::isfinite(w) || !std::isfinite(b)) {
        char msg[128];
        std::snprintf(msg, sizeof msg, "parameters not finite after the timed loop: w = %g, b = %g", w, b);
        fail("torch", *p, msg);
    }
    state.counters["threads"] = at::get_num_threads();
}

/// sum(x) in double, in index order (as bench_engine computes it), to compare the data.
double sum_x(const problem& p) {
    std::vector<double> xs, ys;
    if (p.dtype == at::kFloat)
        as_doubles<float>(p, xs, ys);
    else
        as_doubles<double>(p, xs, ys);
    double s = 0;
    for (double v : xs) s += v;
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    const int initial_threads = at::get_num_threads();
    at::set_num_threads(1);
    std::string data_sums, worst_text;
    for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
        for (std::int64_t n : sizes) {
            const auto* p = new problem(make_problem(n, dtype));  // kept for the whole run
            const double worst = check(*p);
            char buf[200];
            std::snprintf(buf, sizeof buf, "%s%s N=%lld: sum(x)=%.9g w0=%.9g b0=%.9g", data_sums.empty() ? "" : "; ",
                          type_name(dtype), static_cast<long long>(n), sum_x(*p), p->w0, p->b0);
            data_sums += buf;
            std::snprintf(buf, sizeof buf, "%s%s N=%lld: %.2g", worst_text.empty() ? "" : "; ", type_name(dtype),
                          static_cast<long long>(n), worst);
            worst_text += buf;
            std::string name = "torch_1thread/";
            name += type_name(dtype);
            name += "/";
            name += std::to_string(n);
            benchmark::RegisterBenchmark(name.c_str(), bm_torch, p)->UseRealTime();
        }
    }
    std::fprintf(stderr,
                 "bench_engine_torch: 100 steps up to N = 1 000, 3 above, match gradient descent in long double "
                 "(max deviation %s)\n",
                 worst_text.c_str());

    benchmark::AddCustomContext("torch_initial_num_threads", std::to_string(initial_threads));
    benchmark::AddCustomContext("compile_flags", CTGRAD_BENCH_FLAGS);
    benchmark::AddCustomContext("data", data_sums);
    benchmark::AddCustomContext("check_max_deviation", worst_text);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
