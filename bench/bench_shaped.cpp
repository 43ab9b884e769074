// Runtime of the shaped core against hand-written loops (bench/shaped_data.hpp):
//   logistic/<d>/<N>    mean(log1p(exp(-y * dot(w, x)))), value_and_grad by w;
//   perceptron/<h>/<N>  mean((dot(v, tanh(W * x + b)) + c - y)^2), d = 8, by W, b, v, c.
// LibTorch runs in bench_shaped_torch; run_shaped.py combines both into one table.
#include "shaped_data.hpp"

#include <ctgrad/ctgrad.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#ifndef CTGRAD_BENCH_FLAGS
#define CTGRAD_BENCH_FLAGS "unknown"
#endif

namespace {

using namespace ctgrad::literals;

constexpr auto w = ctgrad::vec<"w">;
constexpr auto x = ctgrad::vec<"x">;
constexpr auto y = ctgrad::var<"y">;
constexpr auto W = ctgrad::mat<"W">;
constexpr auto b = ctgrad::vec<"b">;
constexpr auto v = ctgrad::vec<"v">;
constexpr auto c = ctgrad::var<"c">;

const auto logistic_loss = ctgrad::mean(ctgrad::log1p(ctgrad::exp(-y * ctgrad::dot(w, x))));
const auto perceptron_loss = ctgrad::mean(ctgrad::pow(ctgrad::dot(v, ctgrad::tanh(W * x + b)) + c - y, 2_c));

template <class T>
T logistic_ctgrad(const bench::logistic_data<T>& data, std::vector<T>& gw) {
    auto [l, g] = ctgrad::value_and_grad(logistic_loss, ctgrad::wrt(w), ctgrad::into(w, gw), w = data.w,
                                         x = ctgrad::rows(data.X, data.d), y = data.y);
    benchmark::DoNotOptimize(g.data());
    return l;
}

template <class T>
T perceptron_ctgrad(const bench::perceptron_data<T>& p, std::vector<T>& gW, std::vector<T>& gb, std::vector<T>& gv, T& gc) {
    auto [l, dW, db, dv, dc] = ctgrad::value_and_grad(perceptron_loss, ctgrad::wrt(W, b, v, c), ctgrad::into(W, gW),
                                                      ctgrad::into(b, gb), ctgrad::into(v, gv),
                                                      W = ctgrad::as_matrix(p.W, p.h, p.d), b = p.b, v = p.v, c = p.c,
                                                      x = ctgrad::rows(p.X, p.d), y = p.y);
    gc = dc;
    return l;
}

template <class T>
void check_close(const char* what, T a, T b) {
    const double tol = sizeof(T) == 4 ? 1e-3 : 1e-9;
    if (std::abs(double(a) - double(b)) > tol * (1.0 + std::abs(double(b)))) {
        std::fprintf(stderr, "bench_shaped: %s differs: %.12g against the hand loop's %.12g\n", what, double(a), double(b));
        std::exit(1);
    }
}

/// The results of ctgrad and the hand loop agree before anything is timed.
template <class T>
void check(std::size_t n, std::size_t d, std::size_t h) {
    auto data = bench::make_logistic<T>(n, d);
    std::vector<T> g1(d), g2(d);
    check_close("logistic loss", logistic_ctgrad(data, g1), bench::logistic_hand(data, g2.data()));
    for (std::size_t j = 0; j < d; ++j) check_close("logistic gradient", g1[j], g2[j]);
    auto p = bench::make_perceptron<T>(n, 8, h);
    std::vector<T> gW(h * 8), gb(h), gv(h), hW(h * 8), hb(h), hv(h), t(h);
    T gc{}, hc{};
    check_close("perceptron loss", perceptron_ctgrad(p, gW, gb, gv, gc), bench::perceptron_hand(p, hW.data(), hb.data(), hv.data(), hc, t));
    for (std::size_t k = 0; k < h * 8; ++k) check_close("perceptron dW", gW[k], hW[k]);
    for (std::size_t k = 0; k < h; ++k) check_close("perceptron db", gb[k], hb[k]), check_close("perceptron dv", gv[k], hv[k]);
    check_close("perceptron dc", gc, hc);
}

template <class T>
void logistic_case(benchmark::State& state, bool hand) {
    const auto d = static_cast<std::size_t>(state.range(0));
    const auto n = static_cast<std::size_t>(state.range(1));
    const auto data = bench::make_logistic<T>(n, d);
    std::vector<T> g(d);
    for (auto _ : state) {
        T l = hand ? bench::logistic_hand(data, g.data()) : logistic_ctgrad(data, g);
        benchmark::DoNotOptimize(l);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
}

template <class T>
void perceptron_case(benchmark::State& state, bool hand) {
    const auto h = static_cast<std::size_t>(state.range(0));
    const auto n = static_cast<std::size_t>(state.range(1));
    const auto p = bench::make_perceptron<T>(n, 8, h);
    std::vector<T> gW(h * 8), gb(h), gv(h), t(h);
    T gc{};
    for (auto _ : state) {
        T l = hand ? bench::perceptron_hand(p, gW.data(), gb.data(), gv.data(), gc, t) : perceptron_ctgrad(p, gW, gb, gv, gc);
        benchmark::DoNotOptimize(l);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
}

template <class T>
void register_type(const std::string& type) {
    for (const char* who : {"ctgrad", "hand"}) {
        const bool hand = std::string(who) == "hand";
        benchmark::RegisterBenchmark(("logistic/" + type + "/" + who).c_str(), [hand](benchmark::State& s) { logistic_case<T>(s, hand); })
            ->Args({8, 100000})->Args({64, 100000})->Unit(benchmark::kMicrosecond);
        benchmark::RegisterBenchmark(("perceptron/" + type + "/" + who).c_str(), [hand](benchmark::State& s) { perceptron_case<T>(s, hand); })
            ->Args({16, 10000})->Args({64, 10000})->Unit(benchmark::kMicrosecond);
    }
}

}  // namespace

int main(int argc, char** argv) {
    check<float>(1000, 8, 16);
    check<double>(1000, 64, 64);
    benchmark::AddCustomContext("ctgrad_flags", CTGRAD_BENCH_FLAGS);
    register_type<float>("float");
    register_type<double>("double");
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}
