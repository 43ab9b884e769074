// LibTorch 1.13, one thread, on the training step of bench_mlp (mlp_data.hpp): zero_grad,
// linear / tanh / linear, binary_cross_entropy_with_logits, backward, torch::optim::Adam.
// Its own executable in C++17: LibTorch 1.13's headers do not compile as C++20 with clang 14.
#include "mlp_data.hpp"

#include <ATen/Parallel.h>
#include <benchmark/benchmark.h>
#include <torch/nn/functional.h>
#include <torch/optim/adam.h>
#include <torch/torch.h>

#include <cstdint>
#include <cstdio>
#include <vector>

#ifndef CTGRAD_BENCH_FLAGS
#define CTGRAD_BENCH_FLAGS "unknown"
#endif

namespace {

namespace F = torch::nn::functional;

torch::Tensor tensor(const std::vector<float>& v, std::vector<std::int64_t> shape, bool grad = false) {
    return torch::from_blob(const_cast<float*>(v.data()), shape, torch::kFloat).clone().requires_grad_(grad);
}

struct mlp {
    torch::Tensor X, y, W1, b1, W2, b2;
    torch::optim::Adam opt;

    explicit mlp(const bench::mlp_data& d)
        : X(tensor(d.X, {static_cast<std::int64_t>(d.n), 2})), y(tensor(d.y, {static_cast<std::int64_t>(d.n), 1})),
          W1(tensor(d.W1, {static_cast<std::int64_t>(d.h), 2}, true)), b1(tensor(d.b1, {static_cast<std::int64_t>(d.h)}, true)),
          W2(tensor(d.W2, {1, static_cast<std::int64_t>(d.h)}, true)), b2(tensor(d.b2, {1}, true)),
          opt(std::vector<torch::Tensor>{W1, b1, W2, b2}, torch::optim::AdamOptions(0.02)) {}

    double step() {
        opt.zero_grad();
        torch::Tensor logits = F::linear(torch::tanh(F::linear(X, W1, b1)), W2, b2);
        torch::Tensor loss = F::binary_cross_entropy_with_logits(logits, y);
        loss.backward();
        opt.step();
        return loss.item<double>();
    }
};

void mlp_step_torch(benchmark::State& state) {
    mlp m(bench::make_mlp(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1))));
    for (int i = 0; i < 3; ++i) m.step();
    for (auto _ : state) benchmark::DoNotOptimize(m.step());
    state.SetLabel(CTGRAD_BENCH_FLAGS);
}

}  // namespace

BENCHMARK(mlp_step_torch)->Args({200, 16})->Args({2000, 16})->Args({2000, 64})->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) {
    at::set_num_threads(1);
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
