// A long chain of Tensor statements, as a training loop over many steps or an unrolled
// recurrence builds it: t = x * 1; then n times t = t * w + b; then t.sum().backward(), and
// the graph destroyed. Float32 tensors of one element, n = 10 000, 100 000 and 1 000 000. The
// time covers building, backward and freeing the graph; PyTorch's twin is chain_torch.py and
// LibTorch's bench_chain_torch.cpp (run_chain.py runs all three).
#include <ctgrad/tensor.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#ifndef CTGRAD_BENCH_FLAGS
#define CTGRAD_BENCH_FLAGS "unknown"
#endif

namespace {

constexpr std::int64_t sizes[] = {10000, 100000, 1000000};
constexpr double weight = 0.999999, bias = 0.5;

/// Builds the chain, runs backward, frees it; returns b's gradient.
double chain(std::int64_t n) {
    ctgrad::Tensor x = ctgrad::tensor({1.0}, {.requires_grad = true});
    ctgrad::Tensor w = ctgrad::tensor({weight}, {.requires_grad = true});
    ctgrad::Tensor b = ctgrad::tensor({bias}, {.requires_grad = true});
    {
        ctgrad::Tensor t = x * 1.0;
        for (std::int64_t k = 0; k != n; ++k) t = t * w + b;
        t.sum().backward();
    }
    return b.grad().item();
}

/// dt_n/db = sum of w^k for k < n; the chain adds a million float terms one by one, as PyTorch
/// does (the same bits), so it is within 1 % of the closed form, not within float epsilon.
void check(std::int64_t n) {
    const double got = chain(n);
    const double want = (1 - std::pow(static_cast<double>(static_cast<float>(weight)), static_cast<double>(n))) /
                        (1 - static_cast<double>(static_cast<float>(weight)));
    if (std::fabs(got - want) > 1e-2 * want) {
        std::fprintf(stderr, "bench_chain: b.grad = %.6f at n = %lld, expected %.6f\n", got, static_cast<long long>(n), want);
        std::abort();
    }
}

void bm_ctgrad(benchmark::State& state) {
    const std::int64_t n = state.range(0);
    for (auto _ : state) benchmark::DoNotOptimize(chain(n));
    state.counters["ns_per_statement"] =
        benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

}  // namespace

int main(int argc, char** argv) {
    for (std::int64_t n : sizes) check(n);
    std::fprintf(stderr, "bench_chain: the gradients agree with the closed form at every size\n");
    for (std::int64_t n : sizes) benchmark::RegisterBenchmark("ctgrad", bm_ctgrad)->Arg(n)->Unit(benchmark::kMillisecond)->UseRealTime();
    benchmark::AddCustomContext("compile_flags", CTGRAD_BENCH_FLAGS);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
