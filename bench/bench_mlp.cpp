// The training step of examples/mlp.cpp with ctgrad's Tensor, nn::functional and optim::Adam
// (mlp_data.hpp), and the heap allocations one step makes in steady state. Its LibTorch
// counterpart is bench_mlp_torch; run_mlp.py prints the two side by side.
#include "mlp_data.hpp"

#include <ctgrad/nn.hpp>

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <span>
#include <string>

#ifndef CTGRAD_BENCH_FLAGS
#define CTGRAD_BENCH_FLAGS "unknown"
#endif

namespace {
std::atomic<std::size_t> allocations{0};

void* counted_allocate(std::size_t n) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void release(void* p) noexcept { std::free(p); }
}  // namespace

// Every allocation of the step is counted (the aligned forms are not used by ctgrad).
void* operator new(std::size_t n) { return counted_allocate(n); }
void* operator new[](std::size_t n) { return counted_allocate(n); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }

namespace {

namespace F = ctgrad::nn::functional;
using ctgrad::Tensor;

struct mlp {
    Tensor X, y, W1, b1, W2, b2;
    ctgrad::optim::Adam opt;

    explicit mlp(const bench::mlp_data& d)
        : X(ctgrad::from_values<float>(d.X, {d.n, 2})), y(ctgrad::from_values<float>(d.y, {d.n, 1})),
          W1(ctgrad::from_values<float>(d.W1, {d.h, 2}, {.requires_grad = true})),
          b1(ctgrad::from_values<float>(d.b1, {d.h}, {.requires_grad = true})),
          W2(ctgrad::from_values<float>(d.W2, {1, d.h}, {.requires_grad = true})),
          b2(ctgrad::from_values<float>(d.b2, {1}, {.requires_grad = true})), opt({W1, b1, W2, b2}, {.lr = 0.02}) {}

    double step() {
        opt.zero_grad();
        Tensor logits = F::linear(ctgrad::tanh(F::linear(X, W1, b1)), W2, b2);
        Tensor loss = F::binary_cross_entropy_with_logits(logits, y);
        loss.backward();
        opt.step();
        return loss.item();
    }
};

void mlp_step(benchmark::State& state) {
    const auto d = bench::make_mlp(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)));
    mlp m(d);
    for (int i = 0; i < 3; ++i) m.step();  // steady state: the optimizer's state exists
    const std::size_t before = allocations.load();
    m.step();
    const std::size_t per_step = allocations.load() - before;
    for (auto _ : state) benchmark::DoNotOptimize(m.step());
    state.counters["allocs_per_step"] = static_cast<double>(per_step);
    state.SetLabel(CTGRAD_BENCH_FLAGS);
}

}  // namespace

BENCHMARK(mlp_step)->Args({200, 16})->Args({2000, 16})->Args({2000, 64})->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) {
    // the loss after 50 steps on the 200-row problem, for run_mlp.py to compare with LibTorch's
    {
        mlp m(bench::make_mlp(200, 16));
        double loss = 0;
        for (int i = 0; i < 50; ++i) loss = m.step();
        std::fprintf(stderr, "check: loss after 50 steps %.6f\n", loss);
    }
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}
