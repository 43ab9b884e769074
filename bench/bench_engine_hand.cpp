// bench_engine's hand-written case, in its own file: CMake compiles this file at -O3 in every
// build (set_source_files_properties), whatever CTGRAD_BENCH_OPT gives bench_engine.cpp, so
// that a build at -O2 compares value_and_grad at -O2 with the -O3 hand loop in one process.
// The loop is bench_fused.cpp's (README.md, "The hand-written loop"), plus the update.
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

/// U vectors of V lanes of partial sums per quantity (32 for float, 16 for double), never
/// wider than the target's registers; a one-accumulator loop below `small` elements.
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

template <class T>
sums<T> hand_fused(const T* xp, const T* yp, std::size_t n, T wv, T bv) {
    constexpr int V = hand_shape<T>::V, U = hand_shape<T>::U;
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
        std::snprintf(text, sizeof text, "%s: float %d lanes x %d, double %d lanes x %d", bench::vector_isa,
                      hand_shape<float>::V, hand_shape<float>::U, hand_shape<double>::V, hand_shape<double>::U);
    }
    return text;
}

const char* hand_flags() { return CTGRAD_BENCH_HAND_FLAGS; }

template float hand_step<float>(const arrays<float>&, float&, float&, float);
template double hand_step<double>(const arrays<double>&, double&, double&, double);
template void bm_hand<float>(benchmark::State&, const arrays<float>*);
template void bm_hand<double>(benchmark::State&, const arrays<double>*);

}  // namespace bench::engine
