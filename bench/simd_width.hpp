// The widest vector register of the target the benchmarks are compiled for. The hand-written
// baselines size their vectors of partial sums from it, so that they build and run alike on
// AVX-512, AVX2 and baseline x86-64 (and on other architectures): a GCC vector wider than the
// target's registers would change the calling convention (-Wpsabi) and be split anyway.
#ifndef CTGRAD_BENCH_SIMD_WIDTH_HPP
#define CTGRAD_BENCH_SIMD_WIDTH_HPP

#include <cstddef>

namespace bench {

#if defined(__AVX512F__)
inline constexpr std::size_t vector_bytes = 64;
inline constexpr const char* vector_isa = "AVX-512";
#elif defined(__AVX__)
inline constexpr std::size_t vector_bytes = 32;
inline constexpr const char* vector_isa = "AVX";
#else
inline constexpr std::size_t vector_bytes = 16;
inline constexpr const char* vector_isa = "16-byte vectors";
#endif

/// Lanes of T in one vector of at most `max_lanes` elements that fits the target's registers.
template <class T>
constexpr int lanes(int max_lanes) {
    const int fit = static_cast<int>(vector_bytes / sizeof(T));
    return fit < max_lanes ? fit : max_lanes;
}

}  // namespace bench

#endif
