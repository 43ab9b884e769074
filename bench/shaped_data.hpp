// Shared by bench_shaped (C++20) and bench_shaped_torch (C++17): the workloads of the shaped
// core, their data and the hand-written loops that are the baseline.
//   logistic    loss = mean(log1p(exp(-y * dot(w, x)))), x a row of d features, gradient by w;
//   perceptron  loss = mean((dot(v, tanh(W x + b)) + c - y)^2), d -> h -> 1, gradients by
//               W (h x d), b (h), v (h) and c.
#ifndef CTGRAD_BENCH_SHAPED_DATA_HPP
#define CTGRAD_BENCH_SHAPED_DATA_HPP

#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

namespace bench {

template <class T>
struct logistic_data {
    std::size_t n, d;
    std::vector<T> X, y, w;
};

/// x uniform in [-1, 1), y = sign of a fixed linear score, w small; a fixed seed.
template <class T>
logistic_data<T> make_logistic(std::size_t n, std::size_t d) {
    std::mt19937 gen(20261202u);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    logistic_data<T> data{n, d, std::vector<T>(n * d), std::vector<T>(n), std::vector<T>(d)};
    for (std::size_t j = 0; j < d; ++j) data.w[j] = static_cast<T>(0.1 * u(gen));
    for (std::size_t i = 0; i < n; ++i) {
        double s = 0;
        for (std::size_t j = 0; j < d; ++j) {
            const double x = u(gen);
            data.X[i * d + j] = static_cast<T>(x);
            s += x * (j % 2 ? -1.0 : 1.0);
        }
        data.y[i] = s > 0 ? T(1) : T(-1);
    }
    return data;
}

/// The hand-written fused loop: per row the score, the loss term and the gradient's share.
template <class T>
T logistic_hand(const logistic_data<T>& data, T* gw) {
    const std::size_t n = data.n, d = data.d;
    const T* X = data.X.data();
    const T* w = data.w.data();
    for (std::size_t j = 0; j < d; ++j) gw[j] = T(0);
    T loss = T(0);
    for (std::size_t i = 0; i < n; ++i) {
        const T* x = X + i * d;
        T z = T(0);
        for (std::size_t j = 0; j < d; ++j) z += w[j] * x[j];
        const T m = -data.y[i] * z;
        const T e = std::exp(m);
        loss += std::log1p(e);
        const T g = -data.y[i] * e / (T(1) + e);
        for (std::size_t j = 0; j < d; ++j) gw[j] += g * x[j];
    }
    const T inv = T(1) / T(n);
    for (std::size_t j = 0; j < d; ++j) gw[j] *= inv;
    return loss * inv;
}

template <class T>
struct perceptron_data {
    std::size_t n, d, h;
    std::vector<T> X, y, W, b, v;
    T c;
};

template <class T>
perceptron_data<T> make_perceptron(std::size_t n, std::size_t d, std::size_t h) {
    std::mt19937 gen(20261203u);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    perceptron_data<T> p{n, d, h, std::vector<T>(n * d), std::vector<T>(n), std::vector<T>(h * d), std::vector<T>(h),
                         std::vector<T>(h), T(0.1)};
    for (auto& x : p.W) x = static_cast<T>(u(gen) / std::sqrt(double(d)));
    for (auto& x : p.b) x = static_cast<T>(0.1 * u(gen));
    for (auto& x : p.v) x = static_cast<T>(u(gen) / std::sqrt(double(h)));
    for (std::size_t i = 0; i < n; ++i) {
        double s = 0;
        for (std::size_t j = 0; j < d; ++j) {
            const double x = u(gen);
            p.X[i * d + j] = static_cast<T>(x);
            s += std::sin(3.0 * x + double(j));
        }
        p.y[i] = static_cast<T>(s / double(d));
    }
    return p;
}

/// Forward and backward by hand: per row the hidden layer, its tanh, the output, then the
/// gradients by c, v, b and W (a rank-1 update), all accumulated over the rows.
template <class T>
T perceptron_hand(const perceptron_data<T>& p, T* gW, T* gb, T* gv, T& gc, std::vector<T>& t) {
    const std::size_t n = p.n, d = p.d, h = p.h;
    const T* W = p.W.data();
    for (std::size_t k = 0; k < h * d; ++k) gW[k] = T(0);
    for (std::size_t i = 0; i < h; ++i) gb[i] = gv[i] = T(0);
    gc = T(0);
    T loss = T(0);
    for (std::size_t r = 0; r < n; ++r) {
        const T* x = p.X.data() + r * d;
        T out = p.c;
        for (std::size_t i = 0; i < h; ++i) {
            T a = p.b[i];
            for (std::size_t j = 0; j < d; ++j) a += W[i * d + j] * x[j];
            t[i] = std::tanh(a);
            out += p.v[i] * t[i];
        }
        const T e = out - p.y[r];
        loss += e * e;
        const T g = T(2) * e;
        gc += g;
        for (std::size_t i = 0; i < h; ++i) {
            gv[i] += g * t[i];
            const T da = g * p.v[i] * (T(1) - t[i] * t[i]);
            gb[i] += da;
            T* gWi = gW + i * d;
            for (std::size_t j = 0; j < d; ++j) gWi[j] += da * x[j];
        }
    }
    const T inv = T(1) / T(n);
    for (std::size_t k = 0; k < h * d; ++k) gW[k] *= inv;
    for (std::size_t i = 0; i < h; ++i) gb[i] *= inv, gv[i] *= inv;
    gc *= inv;
    return loss * inv;
}

}  // namespace bench

#endif
