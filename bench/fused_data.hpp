// Shared by bench_fused (C++20) and bench_fused_torch (C++17): the workload of exercise 3,
// loss = mean((w * x + b - y)^2) with gradients by the scalars w and b, its data, and checks.
#ifndef CTGRAD_BENCH_FUSED_DATA_HPP
#define CTGRAD_BENCH_FUSED_DATA_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

namespace bench {

/// The sizes of the table: tiny, in L1, in L3 (16 MB of doubles), main memory.
inline constexpr std::int64_t sizes[] = {10, 1000, 1000000, 10000000};

/// The parameters at which the loss and gradients are evaluated.
inline constexpr double w0 = 0.5;
inline constexpr double b0 = 0.1;

template <class T>
struct dataset {
    std::vector<T> xs, ys;
};

/// x uniform in [-1, 1), y = 2 x + 1 + noise; a fixed seed, generated in double and rounded,
/// so that every case (and both executables) sees the same numbers.
template <class T>
dataset<T> make_dataset(std::size_t n) {
    std::mt19937 gen(20240607u);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    dataset<T> d;
    d.xs.resize(n);
    d.ys.resize(n);
    for (std::size_t i = 0; i != n; ++i) {
        const double x = u(gen);
        const double noise = 0.1 * u(gen);
        d.xs[i] = static_cast<T>(x);
        d.ys[i] = static_cast<T>(2.0 * x + 1.0 + noise);
    }
    return d;
}

template <class T>
struct loss_and_grad {
    T loss, dw, db;
};

/// A slow, plain reference in long double, to check the benchmarked code.
template <class T>
loss_and_grad<double> reference(const dataset<T>& d, double w, double b) {
    long double s0 = 0, s1 = 0, s2 = 0;
    for (std::size_t i = 0; i != d.xs.size(); ++i) {
        const long double r = (long double)w * d.xs[i] + b - d.ys[i];
        s0 += r * r;
        s1 += r * d.xs[i];
        s2 += r;
    }
    const long double n = (long double)d.xs.size();
    return {double(s0 / n), double(2 * s1 / n), double(2 * s2 / n)};
}

/// Tolerance for comparing two summation orders: relative 1e-6 for double, 1e-3 for float.
template <class T>
constexpr double tolerance() { return sizeof(T) >= sizeof(double) ? 1e-6 : 1e-3; }

inline bool close(double a, double b, double rel) {
    const double scale = std::fmax(std::fabs(a), std::fabs(b));
    return std::fabs(a - b) <= rel * scale;
}

/// Aborts the benchmark, naming what disagreed, unless `got` matches `want`.
template <class T, class U>
void require_close(const char* what, const char* type, std::size_t n, const loss_and_grad<T>& got,
                   const loss_and_grad<U>& want, double rel) {
    if (close(got.loss, want.loss, rel) && close(got.dw, want.dw, rel) && close(got.db, want.db, rel)) return;
    std::fprintf(stderr,
                 "bench: %s disagrees (%s, N = %zu, relative tolerance %g):\n"
                 "  got  loss %.9g dw %.9g db %.9g\n  want loss %.9g dw %.9g db %.9g\n",
                 what, type, n, rel, double(got.loss), double(got.dw), double(got.db), double(want.loss),
                 double(want.dw), double(want.db));
    std::abort();
}

template <class T> constexpr const char* type_name() { return sizeof(T) >= sizeof(double) ? "double" : "float"; }

}  // namespace bench

#endif
