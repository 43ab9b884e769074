// Runtime of exercise 3 (loss = mean((w * x + b - y)^2), gradients by w and b):
//   ctgrad  ctgrad::value_and_grad, one fused pass;
//   hand    the best hand-written fused loop found (see hand_fused below and README.md);
//   read    a plain read of x and y, sum of x[i] + y[i]: the memory-bandwidth floor.
// LibTorch runs in bench_fused_torch; run_fused.py combines both into one table.
#include "fused_data.hpp"
#include "simd_width.hpp"

#include <ctgrad/ctgrad.hpp>

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <type_traits>

#ifndef CTGRAD_BENCH_FLAGS
#define CTGRAD_BENCH_FLAGS "unknown"
#endif

namespace {

using namespace ctgrad::literals;

constexpr auto w = ctgrad::var<"w">;
constexpr auto b = ctgrad::var<"b">;
constexpr auto x = ctgrad::var<"x">;
constexpr auto y = ctgrad::var<"y">;

const auto loss_expr = ctgrad::mean(ctgrad::pow(w * x + b - y, 2_c));

template <class T>
bench::loss_and_grad<T> with_ctgrad(const bench::dataset<T>& d, T wv, T bv) {
    auto [l, dw, db] = ctgrad::value_and_grad(loss_expr, ctgrad::wrt(w, b), w = wv, b = bv, x = d.xs, y = d.ys);
    static_assert(std::is_same_v<decltype(l), T>, "bind w and b as T: a double w with float arrays evaluates in double");
    return {l, dw, db};
}

/// The hand-written loop: V x U partial sums per quantity (U independent vectors of V lanes),
/// r = w x + b - y computed once, sum r^2, sum r x, sum r, the factor 2 and 1/n applied once at
/// the end. Below `small` elements a one-accumulator loop, where reducing V x U partial sums
/// would cost more than it saves. No -ffast-math: the partial sums are what lets it vectorise.
/// The shapes are the fastest of those tried with g++ 12 -O3 -march=native on an AVX-512
/// machine (README.md): 8 lanes x 4 for float, 8 x 2 for double. A vector never exceeds the
/// target's registers (simd_width.hpp): with AVX2 double runs as 4 lanes x 4, the same 16
/// partial sums.
template <class T>
struct hand_shape;
template <> struct hand_shape<float> {
    static constexpr int V = bench::lanes<float>(8), U = 32 / V;
    static constexpr std::size_t small = 64;
};
template <> struct hand_shape<double> {
    static constexpr int V = bench::lanes<double>(8), U = 16 / V;
    static constexpr std::size_t small = 32;
};

template <class T>
bench::loss_and_grad<T> hand_simple(const T* xp, const T* yp, std::size_t n, T wv, T bv) {
    T s0 = 0, s1 = 0, s2 = 0;
    for (std::size_t i = 0; i != n; ++i) {
        const T r = wv * xp[i] + bv - yp[i];
        s0 += r * r;
        s1 += r * xp[i];
        s2 += r;
    }
    const T inv = T(1) / static_cast<T>(n);
    return {s0 * inv, 2 * s1 * inv, 2 * s2 * inv};
}

template <class T>
bench::loss_and_grad<T> hand_fused(const bench::dataset<T>& d, T wv, T bv) {
    constexpr int V = hand_shape<T>::V, U = hand_shape<T>::U;
    const T* xp = d.xs.data();
    const T* yp = d.ys.data();
    const std::size_t n = d.xs.size();
    if (n < hand_shape<T>::small) return hand_simple(xp, yp, n, wv, bv);
    T s0[U][V] = {}, s1[U][V] = {}, s2[U][V] = {};
    std::size_t i = 0;
    for (; i + U * V <= n; i += U * V) {
        for (int u = 0; u != U; ++u) {
            for (int j = 0; j != V; ++j) {
                const T xv = xp[i + u * V + j];
                const T r = wv * xv + bv - yp[i + u * V + j];
                s0[u][j] += r * r;
                s1[u][j] += r * xv;
                s2[u][j] += r;
            }
        }
    }
    T a0 = 0, a1 = 0, a2 = 0;
    for (; i != n; ++i) {
        const T r = wv * xp[i] + bv - yp[i];
        a0 += r * r;
        a1 += r * xp[i];
        a2 += r;
    }
    for (int u = 1; u != U; ++u) {
        for (int j = 0; j != V; ++j) {
            s0[0][j] += s0[u][j];
            s1[0][j] += s1[u][j];
            s2[0][j] += s2[u][j];
        }
    }
    for (int j = 0; j != V; ++j) {
        a0 += s0[0][j];
        a1 += s1[0][j];
        a2 += s2[0][j];
    }
    const T inv = T(1) / static_cast<T>(n);
    return {a0 * inv, 2 * a1 * inv, 2 * a2 * inv};
}

/// sum of x[i] + y[i]: reads exactly what the loss reads. 32 partial sums for both types, 8
/// lanes x 4 vectors where the registers hold 8 (with 16 partial sums g++ 12 does not
/// vectorise the double loop), and a plain loop below 64 elements.
template <class T>
T plain_read(const bench::dataset<T>& d) {
    constexpr int V = bench::lanes<T>(8), U = 32 / V;
    const T* xp = d.xs.data();
    const T* yp = d.ys.data();
    const std::size_t n = d.xs.size();
    T a = 0;
    if (n < 64) {
        for (std::size_t i = 0; i != n; ++i) a += xp[i] + yp[i];
        return a;
    }
    T s[U][V] = {};
    std::size_t i = 0;
    for (; i + U * V <= n; i += U * V)
        for (int u = 0; u != U; ++u)
            for (int j = 0; j != V; ++j) s[u][j] += xp[i + u * V + j] + yp[i + u * V + j];
    for (; i != n; ++i) a += xp[i] + yp[i];
    for (int u = 0; u != U; ++u)
        for (int j = 0; j != V; ++j) a += s[u][j];
    return a;
}

template <class T>
void bm_ctgrad(benchmark::State& state, const bench::dataset<T>* d) {
    T wv = T(bench::w0), bv = T(bench::b0);
    for (auto _ : state) {
        benchmark::DoNotOptimize(wv);  // parameters are run-time values, as in a training loop
        benchmark::DoNotOptimize(bv);
        auto r = with_ctgrad(*d, wv, bv);
        benchmark::DoNotOptimize(r);
    }
}

template <class T>
void bm_hand(benchmark::State& state, const bench::dataset<T>* d) {
    T wv = T(bench::w0), bv = T(bench::b0);
    for (auto _ : state) {
        benchmark::DoNotOptimize(wv);
        benchmark::DoNotOptimize(bv);
        auto r = hand_fused(*d, wv, bv);
        benchmark::DoNotOptimize(r);
    }
}

template <class T>
void bm_read(benchmark::State& state, const bench::dataset<T>* d) {
    for (auto _ : state) {
        T s = plain_read(*d);
        benchmark::DoNotOptimize(s);
    }
}

template <class T>
void register_type() {
    const char* type = bench::type_name<T>();
    for (std::int64_t n : bench::sizes) {
        // Built once, kept for the whole run, identical for every case.
        const auto* d = new bench::dataset<T>(bench::make_dataset<T>(static_cast<std::size_t>(n)));

        const auto ct = with_ctgrad(*d, T(bench::w0), T(bench::b0));
        const auto hd = hand_fused(*d, T(bench::w0), T(bench::b0));
        bench::require_close("ctgrad vs the hand-written loop", type, d->xs.size(), ct, hd, bench::tolerance<T>());
        bench::require_close("the hand-written loop vs the reference", type, d->xs.size(), hd,
                             bench::reference(*d, bench::w0, bench::b0), bench::tolerance<T>());

        const std::string suffix = std::string("/") + type + "/" + std::to_string(n);
        benchmark::RegisterBenchmark(("ctgrad" + suffix).c_str(), bm_ctgrad<T>, d)->UseRealTime();
        benchmark::RegisterBenchmark(("hand" + suffix).c_str(), bm_hand<T>, d)->UseRealTime();
        benchmark::RegisterBenchmark(("read" + suffix).c_str(), bm_read<T>, d)->UseRealTime();
    }
}

}  // namespace

int main(int argc, char** argv) {
    register_type<float>();
    register_type<double>();
    std::fprintf(stderr, "bench_fused: ctgrad and the hand-written loop agree at every size\n");

    benchmark::AddCustomContext("ctgrad_check", "ctgrad == hand-written == reference (rel 1e-6 double, 1e-3 float)");
    benchmark::AddCustomContext("compile_flags", CTGRAD_BENCH_FLAGS);
    const std::string variant = std::string(bench::vector_isa) + ": float: " + std::to_string(hand_shape<float>::V) +
                                " lanes x " + std::to_string(hand_shape<float>::U) +
                                " vectors = 32 partial sums, simple loop below 64; double: " +
                                std::to_string(hand_shape<double>::V) + " lanes x " +
                                std::to_string(hand_shape<double>::U) +
                                " vectors = 16 partial sums, simple loop below 32";
    benchmark::AddCustomContext("hand_variant", variant);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
