// bench_engine's hand-written case, in its own file: CMake compiles this file at -O3 in every
// build (set_source_files_properties), whatever CTGRAD_BENCH_OPT gives bench_engine.cpp, so
// that a build at -O2 compares value_and_grad at -O2 with the -O3 hand loop in one process.
// The loop computes what bench_fused.cpp's does (README.md, "The hand-written loop"), plus the
// update, in a shape measured fast with both g++ and clang++ (hand_shape below).
#include "engine_hand.hpp"
#include "simd_width.hpp"

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>

#ifndef CTGRAD_BENCH_HAND_FLAGS
#define CTGRAD_BENCH_HAND_FLAGS "unknown"
#endif

namespace bench::engine {

namespace {

/// K partial sums per quantity, written as plain arrays indexed by the inner loop's j, combined
/// pairwise at the end; a one-accumulator loop below K elements. Chosen by measurement at
/// -O3 with g++ 12 and clang++ 14, for -march=native (AVX-512), -march=haswell and no -march
/// (ratios to the chosen K at N = 1 000):
///   float   K = 32 with both. 8 partial sums are 3-25x slower; 16 up to 2x (g++, AVX-512) and
///           3x (clang++, AVX-512 and AVX2); 64 spill with clang++ (which keeps to 256-bit
///           vectors even for AVX-512) and are 1.2-2.2x slower with both.
///   double  K = 16 with g++, 32 with clang++. clang++ 14 vectorizes 16 double partial sums
///           only 2 wide, with spills (2-2.6x slower for AVX-512 and AVX2); g++ vectorizes 16
///           at full width and loses 25-35 % with 32 for AVX2 and SSE2 (16 registers).
/// The earlier shape, U vectors of V lanes as a 2-D array (bench_fused.cpp's), is as fast with
/// g++, but clang++ 14 vectorizes it badly for float at AVX-512 and without -march and for
/// double at AVX2 and without -march: 1.7-2.5 us per step at N = 1 000 instead of 0.1-0.8 us.
template <class T>
struct hand_shape;
template <> struct hand_shape<float> {
    static constexpr int K = 32;
};
template <> struct hand_shape<double> {
#if defined(__clang__)
    static constexpr int K = 32;
#else
    static constexpr int K = 16;
#endif
};

template <class T>
struct sums {
    T loss, dw, db;
};

template <class T>
sums<T> hand_simple(const T* xp, const T* yp, std::size_t n, T wv, T bv) {
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

/// Not inlined: inlined into hand_step, where n comes from std::vector::size(), clang++ 14
/// vectorizes the same loop mostly in 128-bit instead of 256-bit registers (float, AVX-512 or
/// AVX2: 1.5 us per step at N = 1 000 instead of 0.15 us). The call costs about a nanosecond.
template <class T>
[[gnu::noinline]] sums<T> hand_fused(const T* xp, const T* yp, std::size_t n, T wv, T bv) {
    constexpr int K = hand_shape<T>::K;
    static_assert((K & (K - 1)) == 0, "pairwise combination halves K down to 1");
    if (n < static_cast<std::size_t>(K)) return hand_simple(xp, yp, n, wv, bv);
    T s0[K] = {}, s1[K] = {}, s2[K] = {};
    std::size_t i = 0;
    for (; i + K <= n; i += K) {
        for (int j = 0; j != K; ++j) {
            const T xv = xp[i + j];
            const T r = wv * xv + bv - yp[i + j];
            s0[j] += r * r;
            s1[j] += r * xv;
            s2[j] += r;
        }
    }
    for (int h = K / 2; h != 0; h /= 2) {
        for (int j = 0; j != h; ++j) {
            s0[j] += s0[j + h];
            s1[j] += s1[j + h];
            s2[j] += s2[j + h];
        }
    }
    T a0 = s0[0], a1 = s1[0], a2 = s2[0];
    for (; i != n; ++i) {  // fewer than K left
        const T r = wv * xp[i] + bv - yp[i];
        a0 += r * r;
        a1 += r * xp[i];
        a2 += r;
    }
    const T inv = T(1) / static_cast<T>(n);
    return {a0 * inv, 2 * a1 * inv, 2 * a2 * inv};
}

}  // namespace

template <class T>
T hand_step(const arrays<T>& d, T& w, T& b, T lr) {
    const sums<T> r = hand_fused(d.xs.data(), d.ys.data(), d.xs.size(), w, b);
    w -= lr * r.dw;
    b -= lr * r.db;
    return r.loss;
}

template <class T>
void bm_hand(benchmark::State& state, const arrays<T>* d) {
    T w = d->w0, b = d->b0;
    const T lr = T(0.01);
    for (auto _ : state) {
        T l = hand_step(*d, w, b, lr);
        benchmark::DoNotOptimize(l);
        benchmark::DoNotOptimize(w);
        benchmark::DoNotOptimize(b);
    }
    if (!std::isfinite(w) || !std::isfinite(b)) {
        std::fprintf(stderr, "bench_engine: hand (N = %zu): parameters not finite after the timed loop\n", d->xs.size());
        std::abort();
    }
}

const char* hand_variant() {
    static char text[128];
    if (text[0] == 0) {
        // no std::string concatenation here: g++ 12 at -O3 warns falsely about it (-Wrestrict)
        std::snprintf(text, sizeof text, "%s target: float %d partial sums, double %d, combined pairwise",
                      bench::vector_isa, hand_shape<float>::K, hand_shape<double>::K);
    }
    return text;
}

const char* hand_flags() { return CTGRAD_BENCH_HAND_FLAGS; }

template float hand_step<float>(const arrays<float>&, float&, float&, float);
template double hand_step<double>(const arrays<double>&, double&, double&, double);
template void bm_hand<float>(benchmark::State&, const arrays<float>*);
template void bm_hand<double>(benchmark::State&, const arrays<double>*);

}  // namespace bench::engine
