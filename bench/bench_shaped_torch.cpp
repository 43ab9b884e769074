// LibTorch with autograd, one thread, on the workloads of bench_shaped (shaped_data.hpp):
//   logistic    w (d) with requires_grad; loss = log1p(exp(-y * (X @ w))).mean();
//   perceptron  W (h x d), b, v (h), c with requires_grad;
//               loss = ((tanh(X @ W.T + b) @ v + c - y)^2).mean().
// One step is the forward, backward(), reading the loss, and resetting the gradients
// (set_to_none). The results are checked against the hand loops first.
// Its own executable in C++17: LibTorch 1.13's headers do not compile as C++20 with clang 14.
#include "shaped_data.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
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

template <class T>
at::TensorOptions options() {
    return at::TensorOptions().dtype(sizeof(T) >= sizeof(double) ? at::kDouble : at::kFloat);
}

template <class T>
at::Tensor tensor(const std::vector<T>& v, std::vector<std::int64_t> shape) {
    return at::from_blob(const_cast<T*>(v.data()), shape, options<T>()).clone();
}

template <class T>
struct logistic_problem {
    at::Tensor X, y, w;
};

template <class T>
T logistic_step(logistic_problem<T>& p) {
    at::Tensor loss = at::log1p(at::exp(-p.y * at::mv(p.X, p.w))).mean();
    loss.backward();
    const T l = loss.template item<T>();
    p.w.mutable_grad().reset();
    return l;
}

template <class T>
struct perceptron_problem {
    at::Tensor X, y, W, b, v, c;
};

template <class T>
T perceptron_step(perceptron_problem<T>& p) {
    at::Tensor out = at::mv(at::tanh(at::addmm(p.b, p.X, p.W.t())), p.v) + p.c;
    at::Tensor loss = (out - p.y).pow(2).mean();
    loss.backward();
    const T l = loss.template item<T>();
    for (at::Tensor* t : {&p.W, &p.b, &p.v, &p.c}) t->mutable_grad().reset();
    return l;
}

template <class T>
void require_close(const char* what, T a, T b) {
    const double tol = sizeof(T) == 4 ? 1e-4 : 1e-10;
    if (std::abs(double(a) - double(b)) > tol * (1.0 + std::abs(double(b)))) {
        std::fprintf(stderr, "bench_shaped_torch: %s: LibTorch %.12g, hand loop %.12g\n", what, double(a), double(b));
        std::exit(1);
    }
}

template <class T>
void register_type(const char* type) {
    for (std::int64_t d : {8, 64}) {
        const auto data = bench::make_logistic<T>(100000, std::size_t(d));
        auto* p = new logistic_problem<T>{tensor(data.X, {100000, d}), tensor(data.y, {100000}), tensor(data.w, {d}).requires_grad_(true)};
        std::vector<T> g(static_cast<std::size_t>(d));
        require_close("logistic loss", logistic_step(*p), bench::logistic_hand(data, g.data()));
        benchmark::RegisterBenchmark((std::string("logistic/") + type + "/torch_1thread").c_str(),
                                     [p](benchmark::State& s) {
                                         at::set_num_threads(1);
                                         for (auto _ : s) benchmark::DoNotOptimize(logistic_step(*p));
                                     })
            ->Args({d, 100000})->Unit(benchmark::kMicrosecond)->UseRealTime();
    }
    for (std::int64_t h : {16, 64}) {
        const auto q = bench::make_perceptron<T>(10000, 8, std::size_t(h));
        auto* p = new perceptron_problem<T>{tensor(q.X, {10000, 8}), tensor(q.y, {10000}), tensor(q.W, {h, 8}).requires_grad_(true),
                                            tensor(q.b, {h}).requires_grad_(true), tensor(q.v, {h}).requires_grad_(true),
                                            at::full({}, double(q.c), options<T>()).requires_grad_(true)};
        const auto hs = static_cast<std::size_t>(h);
        std::vector<T> gW(hs * 8), gb(hs), gv(hs), t(hs);
        T gc;
        require_close("perceptron loss", perceptron_step(*p), bench::perceptron_hand(q, gW.data(), gb.data(), gv.data(), gc, t));
        benchmark::RegisterBenchmark((std::string("perceptron/") + type + "/torch_1thread").c_str(),
                                     [p](benchmark::State& s) {
                                         at::set_num_threads(1);
                                         for (auto _ : s) benchmark::DoNotOptimize(perceptron_step(*p));
                                     })
            ->Args({h, 10000})->Unit(benchmark::kMicrosecond)->UseRealTime();
    }
}

}  // namespace

int main(int argc, char** argv) {
    at::set_num_threads(1);
    register_type<float>("float");
    register_type<double>("double");
    benchmark::AddCustomContext("compile_flags", CTGRAD_BENCH_FLAGS);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
