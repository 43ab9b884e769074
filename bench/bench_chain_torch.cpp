// LibTorch on bench_chain's workload: t = x * 1; n times t = t * w + b; t.sum().backward();
// float32 tensors of one element, one thread. Its own executable in C++17 (bench/CMakeLists.txt).
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/variable.h>
#include <benchmark/benchmark.h>

#include <cstdint>

#ifndef CTGRAD_BENCH_FLAGS
#define CTGRAD_BENCH_FLAGS "unknown"
#endif

namespace {

constexpr std::int64_t sizes[] = {10000, 100000, 1000000};

double chain(std::int64_t n) {
    at::Tensor x = at::full({1}, 1.0).requires_grad_(true);
    at::Tensor w = at::full({1}, 0.999999).requires_grad_(true);
    at::Tensor b = at::full({1}, 0.5).requires_grad_(true);
    {
        at::Tensor t = x * 1.0;
        for (std::int64_t k = 0; k != n; ++k) t = t * w + b;
        t.sum().backward();
    }
    return b.grad().item<double>();
}

void bm_torch(benchmark::State& state) {
    const std::int64_t n = state.range(0);
    for (auto _ : state) benchmark::DoNotOptimize(chain(n));
    state.counters["ns_per_statement"] =
        benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

}  // namespace

int main(int argc, char** argv) {
    at::set_num_threads(1);
    for (std::int64_t n : sizes) benchmark::RegisterBenchmark("libtorch", bm_torch)->Arg(n)->Unit(benchmark::kMillisecond)->UseRealTime();
    benchmark::AddCustomContext("compile_flags", CTGRAD_BENCH_FLAGS);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
