// The matrix-product kernel of the Tensor layer (ctgrad::detail::gemm_add, autograd/shape_ops.hpp)
// against Eigen's product, the candidate BLAS-quality kernel (Debian's libeigen3-dev, header-only),
// on C += A B with row-major float matrices: the shapes of the MLP example's step (200 rows,
// 2 -> 16 -> 1) and its backward, and square matrices of 32 to 256.
#include <ctgrad/tensor.hpp>

#include <Eigen/Core>
#include <benchmark/benchmark.h>

#include <cstddef>
#include <vector>

#ifndef CTGRAD_BENCH_FLAGS
#define CTGRAD_BENCH_FLAGS "unknown"
#endif

namespace {

struct operands {
    std::size_t m, k, n;
    std::vector<float> a, b, c;
    operands(std::size_t m_, std::size_t k_, std::size_t n_) : m(m_), k(k_), n(n_), a(m * k), b(k * n), c(m * n) {
        for (std::size_t i = 0; i != a.size(); ++i) a[i] = static_cast<float>((i * 7 % 13)) * 0.1f - 0.6f;
        for (std::size_t i = 0; i != b.size(); ++i) b[i] = static_cast<float>((i * 5 % 11)) * 0.1f - 0.5f;
    }
};

void set_counters(benchmark::State& state, const operands& o) {
    state.counters["flop/s"] = benchmark::Counter(2.0 * static_cast<double>(o.m * o.k * o.n) * static_cast<double>(state.iterations()),
                                                  benchmark::Counter::kIsRate);
}

void ctgrad_kernel(benchmark::State& state) {
    operands o(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)), static_cast<std::size_t>(state.range(2)));
    for (auto _ : state) {
        ctgrad::detail::gemm_add(o.m, o.k, o.n, o.a.data(), o.b.data(), o.c.data());
        benchmark::DoNotOptimize(o.c.data());
        benchmark::ClobberMemory();
    }
    set_counters(state, o);
}

void eigen_kernel(benchmark::State& state) {
    operands o(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)), static_cast<std::size_t>(state.range(2)));
    using M = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Map<const M> A(o.a.data(), static_cast<Eigen::Index>(o.m), static_cast<Eigen::Index>(o.k));
    const Eigen::Map<const M> B(o.b.data(), static_cast<Eigen::Index>(o.k), static_cast<Eigen::Index>(o.n));
    Eigen::Map<M> C(o.c.data(), static_cast<Eigen::Index>(o.m), static_cast<Eigen::Index>(o.n));
    for (auto _ : state) {
        C.noalias() += A * B;
        benchmark::DoNotOptimize(o.c.data());
        benchmark::ClobberMemory();
    }
    set_counters(state, o);
}

void shapes(benchmark::internal::Benchmark* b) {
    // m, k, n: the MLP step (forward X W1^T, hidden W2^T; backward dW1 = g^T X, dX-like products)
    b->Args({200, 2, 16})->Args({200, 16, 1})->Args({16, 200, 2})->Args({1, 200, 16})->Args({200, 1, 16});
    for (long s : {32, 64, 128, 256}) b->Args({s, s, s});
}

}  // namespace

BENCHMARK(ctgrad_kernel)->Apply(shapes);
BENCHMARK(eigen_kernel)->Apply(shapes);

int main(int argc, char** argv) {
    benchmark::AddCustomContext("build", CTGRAD_BENCH_FLAGS);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}
