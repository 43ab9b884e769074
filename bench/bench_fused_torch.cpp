// LibTorch with autograd on the workload of bench_fused (exercise 3): w and b are 0-dim
// tensors with requires_grad, x and y tensors of N elements; one step is the forward
// ((w * x + b - y).pow(2)).mean(), backward(), reading the loss and both gradients, and
// resetting the gradients (zero_grad(set_to_none=True), PyTorch 2's default).
// Its own executable in C++17: LibTorch 1.13's headers do not compile as C++20 with clang 14.
#include "fused_data.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>

#ifndef CTGRAD_BENCH_FLAGS
#define CTGRAD_BENCH_FLAGS "unknown"
#endif

namespace {

template <class T>
struct torch_problem {
    at::Tensor x, y, w, b;
};

template <class T>
torch_problem<T> make_problem(const bench::dataset<T>& d) {
    const auto opts = at::TensorOptions().dtype(sizeof(T) >= sizeof(double) ? at::kDouble : at::kFloat);
    const auto n = static_cast<std::int64_t>(d.xs.size());
    torch_problem<T> p;
    // Copies, so that LibTorch owns (and aligns) its data; the values are those of bench_fused.
    p.x = at::from_blob(const_cast<T*>(d.xs.data()), {n}, opts).clone();
    p.y = at::from_blob(const_cast<T*>(d.ys.data()), {n}, opts).clone();
    p.w = at::full({}, bench::w0, opts).requires_grad_(true);
    p.b = at::full({}, bench::b0, opts).requires_grad_(true);
    return p;
}

template <class T>
bench::loss_and_grad<T> step(torch_problem<T>& p) {
    at::Tensor& w = p.w;
    at::Tensor& b = p.b;
    at::Tensor loss = (w * p.x + b - p.y).pow(2).mean();
    loss.backward();
    bench::loss_and_grad<T> r{loss.item<T>(), w.grad().item<T>(), b.grad().item<T>()};
    w.mutable_grad().reset();
    b.mutable_grad().reset();
    return r;
}

template <class T>
void bm_torch(benchmark::State& state, torch_problem<T>* p, int threads) {
    at::set_num_threads(threads);  // set on every run: random interleaving alternates the cases
    for (auto _ : state) {
        auto r = step(*p);
        benchmark::DoNotOptimize(r);
    }
    state.counters["threads"] = at::get_num_threads();
}

template <class T>
void register_type(int all_threads) {
    const char* type = bench::type_name<T>();
    for (std::int64_t n : bench::sizes) {
        const auto d = bench::make_dataset<T>(static_cast<std::size_t>(n));
        auto* p = new torch_problem<T>(make_problem(d));
        const auto got = step(*p);
        bench::require_close("LibTorch vs the reference", type, d.xs.size(), got, bench::reference(d, bench::w0, bench::b0),
                             bench::tolerance<T>());
        const std::string suffix = std::string("/") + type + "/" + std::to_string(n);
        benchmark::RegisterBenchmark(("torch_1thread" + suffix).c_str(), bm_torch<T>, p, 1)->UseRealTime();
        benchmark::RegisterBenchmark(("torch_default" + suffix).c_str(), bm_torch<T>, p, all_threads)->UseRealTime();
    }
}

}  // namespace

int main(int argc, char** argv) {
    // What LibTorch chose by itself, before any set_num_threads (1 on some machines); the
    // "default" case sets one thread per core explicitly, what PyTorch normally picks.
    const int default_threads = at::get_num_threads();
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    const int all_threads = cores > 0 ? cores : 2;
    register_type<float>(all_threads);
    register_type<double>(all_threads);
    std::fprintf(stderr, "bench_fused_torch: LibTorch agrees with the reference at every size\n");

    benchmark::AddCustomContext("torch_initial_num_threads", std::to_string(default_threads));
    benchmark::AddCustomContext("torch_default_case_threads", std::to_string(all_threads));
    benchmark::AddCustomContext("hardware_concurrency", std::to_string(cores));
    benchmark::AddCustomContext("compile_flags", CTGRAD_BENCH_FLAGS);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
