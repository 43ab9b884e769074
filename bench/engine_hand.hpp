// Shared by bench_engine.cpp (the ctgrad cases, compiled at the build's optimisation level,
// CTGRAD_BENCH_OPT) and bench_engine_hand.cpp (the hand-written loop, compiled at -O3 in every
// build): the data of one size and type, and the hand-written case, defined in the -O3 file.
// No ctgrad header here: the -O3 file must not depend on the code under test.
#ifndef CTGRAD_BENCH_ENGINE_HAND_HPP
#define CTGRAD_BENCH_ENGINE_HAND_HPP

#include <benchmark/benchmark.h>

#include <cstddef>
#include <vector>

namespace bench::engine {

/// Exercise 3's data at one N, as plain arrays: x_data, y_true = 2 x_data + 1, and the initial
/// w, b drawn after them (the same values as the Tensor cases' N x 1 tensors).
template <class T>
struct arrays {
    std::vector<T> xs, ys;
    T w0 = 0, b0 = 0;
};

/// One gradient-descent step by the hand-written loop: loss, dw, db in one pass, then
/// w -= lr dw, b -= lr db. Returns the loss (before the update).
template <class T>
T hand_step(const arrays<T>& d, T& w, T& b, T lr);

/// The timed loop of the hand-written case: chained steps from (w0, b0).
template <class T>
void bm_hand(benchmark::State& state, const arrays<T>* d);

/// The hand loop's partial sums per quantity and the flags its file was compiled with.
const char* hand_variant();
const char* hand_flags();

extern template float hand_step<float>(const arrays<float>&, float&, float&, float);
extern template double hand_step<double>(const arrays<double>&, double&, double&, double);
extern template void bm_hand<float>(benchmark::State&, const arrays<float>*);
extern template void bm_hand<double>(benchmark::State&, const arrays<double>*);

}  // namespace bench::engine

#endif
