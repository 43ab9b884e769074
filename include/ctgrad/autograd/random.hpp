// Random numbers that reproduce PyTorch's CPU generator bit for bit: the same mt19937 stream
// for the same seed, and the same torch.randn values for float32 and float64.
//
//   ctgrad::manual_seed(0);                      // torch.manual_seed(0)
//   std::vector<float> x(10);
//   ctgrad::fill_randn(std::span<float>(x));     // torch.randn(10) (or randn(10, 1): same values)
//
// How PyTorch 1.13 fills torch.randn(n) on the CPU, and so how fill_randn does:
//
//   n < 16     one element at a time from a Box-Muller pair computed in double from two
//              53-bit uniforms; the pair's second value (r sin theta) is cached in the
//              generator and returned by the next scalar draw, even by a later call.
//              float32 rounds the double value.
//   n >= 16    all n uniforms first (24-bit for float32, 53-bit for float64), then Box-Muller
//              on blocks of 16: element j and j + 8 of a block come from uniforms j and j + 8.
//              When 16 does not divide n, the last 16 uniforms are drawn afresh and the last
//              16 elements recomputed from them. The double cache is neither used nor cleared.
//              float64 uses std::log / std::cos / std::sin. float32 depends on PyTorch's CPU
//              kernel: on x86 with AVX2 (also AVX-512 machines: normal_ is not dispatched to
//              AVX-512) single-precision polynomial log/sin/cos evaluated with fused
//              multiply-adds; with the portable kernel (ATEN_CPU_CAPABILITY=default; other
//              architectures build it too) std::log / std::cos / std::sin in float.
//              randn_path selects.
//
// std::log, std::sin and std::cos come from the C library, as in PyTorch: the values match
// PyTorch's bit for bit when both use the same math library (verified with glibc on x86-64).
//
// The default generator is process-wide, like PyTorch's. PyTorch seeds it from the operating
// system at start-up; here it starts from the seed of a fresh torch.Generator()
// (67280421310721), so that unseeded runs are reproducible too.
#ifndef CTGRAD_AUTOGRAD_RANDOM_HPP
#define CTGRAD_AUTOGRAD_RANDOM_HPP

#include <ctgrad/detail/config.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <optional>
#include <span>
#include <type_traits>

namespace ctgrad {
namespace detail {

/// The seed of a generator nobody seeded (at::default_rng_seed_val).
inline constexpr std::uint64_t default_rng_seed_val = 67280421310721ULL;

/// PyTorch's at::mt19937: the reference Mersenne Twister (init_genrand seeding, Cokus-style
/// state refresh). Only the low 32 bits of the seed enter the state; the full seed is kept.
class mt19937 {
public:
    static constexpr std::size_t state_n = 624;
    static constexpr std::size_t state_m = 397;

    explicit mt19937(std::uint64_t seed = 5489) { seed_with(seed); }

    [[nodiscard]] std::uint64_t seed() const { return seed_; }

    std::uint32_t operator()() {
        if (--left_ == 0) next_state();
        std::uint32_t y = state_[next_++];
        y ^= (y >> 11);
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= (y >> 18);
        return y;
    }

    friend bool operator==(const mt19937&, const mt19937&) = default;

private:
    void seed_with(std::uint64_t seed) {
        seed_ = seed;
        state_[0] = static_cast<std::uint32_t>(seed & 0xffffffffu);
        for (std::size_t j = 1; j < state_.size(); ++j) {
            state_[j] = 1812433253u * (state_[j - 1] ^ (state_[j - 1] >> 30)) + static_cast<std::uint32_t>(j);
        }
        left_ = 1;
        next_ = 0;
    }

    static constexpr std::uint32_t twist(std::uint32_t u, std::uint32_t v) {
        const std::uint32_t mixed = (u & 0x80000000u) | (v & 0x7fffffffu);
        return (mixed >> 1) ^ ((v & 1u) != 0 ? 0x9908b0dfu : 0u);
    }

    void next_state() {
        left_ = static_cast<int>(state_n);
        next_ = 0;
        std::size_t k = 0;
        for (; k < state_n - state_m; ++k) {
            state_[k] = state_[k + state_m] ^ twist(state_[k], state_[k + 1]);
        }
        for (; k < state_n - 1; ++k) {
            state_[k] = state_[k + state_m - state_n] ^ twist(state_[k], state_[k + 1]);
        }
        state_[k] = state_[k + state_m - state_n] ^ twist(state_[k], state_[0]);
    }

    std::uint64_t seed_ = 0;
    int left_ = 1;
    std::uint32_t next_ = 0;
    std::array<std::uint32_t, state_n> state_{};
};

template <class To, class From>
To bits_as(From from) {
    static_assert(sizeof(To) == sizeof(From));
    To to;
    std::memcpy(&to, &from, sizeof(To));
    return to;
}

} // namespace detail

/// Which of PyTorch's CPU kernels float32 randn of 16 or more elements follows (see the top
/// of this header). Smaller float32 tensors and all float64 tensors do not depend on it.
enum class randn_path {
    avx2,     ///< x86-64 builds on AVX2 / AVX-512 machines (PyTorch's usual kernel on x86)
    portable, ///< x86 without AVX2, ATEN_CPU_CAPABILITY=default, other architectures
};

/// PyTorch's CPU generator (at::CPUGeneratorImpl): an mt19937 engine plus the cached second
/// value of Box-Muller pairs. A value type: a copy continues the same stream (like
/// torch.Generator.set_state(g.get_state())).
class generator {
public:
    explicit generator(std::uint64_t seed = detail::default_rng_seed_val) : engine_(seed) {}

    /// torch.Generator.manual_seed: reseeds the engine and forgets the cached normals.
    void manual_seed(std::uint64_t seed) {
        next_float_normal_sample_.reset();
        next_double_normal_sample_.reset();
        engine_ = detail::mt19937(seed);
    }

    /// torch.Generator.initial_seed: the seed last given (all 64 bits).
    [[nodiscard]] std::uint64_t initial_seed() const { return engine_.seed(); }

    /// 32 random bits (CPUGeneratorImpl::random).
    std::uint32_t random() { return engine_(); }

    /// 64 random bits: the first 32-bit draw is the high half (CPUGeneratorImpl::random64).
    std::uint64_t random64() {
        const std::uint64_t hi = engine_();
        const std::uint64_t lo = engine_();
        return (hi << 32) | lo;
    }

    [[nodiscard]] std::optional<double> next_double_normal_sample() const { return next_double_normal_sample_; }
    void set_next_double_normal_sample(std::optional<double> v) { next_double_normal_sample_ = v; }
    /// Kept for fidelity with PyTorch's state; no CPU randn path reads or writes it.
    [[nodiscard]] std::optional<float> next_float_normal_sample() const { return next_float_normal_sample_; }
    void set_next_float_normal_sample(std::optional<float> v) { next_float_normal_sample_ = v; }

    friend bool operator==(const generator&, const generator&) = default;

private:
    detail::mt19937 engine_;
    std::optional<float> next_float_normal_sample_;
    std::optional<double> next_double_normal_sample_;
};

namespace detail {

inline constexpr double pi = 3.141592653589793238462643383279502884;

/// at::uniform_real_distribution<float>(0, 1): 24 random bits of a 32-bit draw.
inline float uniform_float(generator& g) {
    return static_cast<float>(g.random() & 0xffffffu) * (1.0f / 16777216.0f);
}

/// at::uniform_real_distribution<double>(0, 1): 53 random bits of a 64-bit draw.
inline double uniform_double(generator& g) {
    return static_cast<double>(g.random64() & ((std::uint64_t{1} << 53) - 1)) * (1.0 / 9007199254740992.0);
}

template <class T>
T uniform(generator& g) {
    if constexpr (std::is_same_v<T, float>) {
        return uniform_float(g);
    } else {
        return uniform_double(g);
    }
}

/// at::normal_distribution<double>(0, 1): one value, from the cache when it holds one.
inline double normal_double(generator& g) {
    if (const auto cached = g.next_double_normal_sample()) {
        g.set_next_double_normal_sample(std::nullopt);
        return *cached;
    }
    const double u1 = uniform_double(g);
    const double u2 = uniform_double(g);
    const double r = std::sqrt(-2.0 * std::log(1.0 - u2));
    const double theta = 2.0 * pi * u1;
    g.set_next_double_normal_sample(r * std::sin(theta));
    return r * std::cos(theta);
}

// ---- single-precision log / sincos of PyTorch's avx_mathfun.h (cephes polynomials), one lane
// at a time, with the multiply-adds that PyTorch's compiled AVX2 kernel fuses (read from its
// machine code) written as std::fma. The few other products that feed an addition are exact
// (scaling by a power of two, or n * 1 + 0), so results do not depend on whether the compiler
// contracts them (-ffp-contract, -march).

inline float avx2_log(float x) {
    const bool invalid = !(x > 0.0f);
    const float min_norm_pos = bits_as<float>(std::uint32_t{0x00800000u});
    if (x < min_norm_pos) x = min_norm_pos;
    std::uint32_t bits = bits_as<std::uint32_t>(x);
    const auto exponent = static_cast<std::int32_t>(bits >> 23) - 0x7f;
    bits = (bits & ~std::uint32_t{0x7f800000u}) | bits_as<std::uint32_t>(0.5f);
    x = bits_as<float>(bits);
    float e = static_cast<float>(exponent) + 1.0f;
    const bool below = x < static_cast<float>(0.707106781186547524);
    const float tmp = below ? x : 0.0f;
    x = x - 1.0f;
    e = e - (below ? 1.0f : 0.0f);
    x = x + tmp;
    const float z = x * x;
    float y = static_cast<float>(7.0376836292E-2);
    y = std::fma(y, x, static_cast<float>(-1.1514610310E-1));
    y = std::fma(y, x, static_cast<float>(1.1676998740E-1));
    y = std::fma(y, x, static_cast<float>(-1.2420140846E-1));
    y = std::fma(y, x, static_cast<float>(1.4249322787E-1));
    y = std::fma(y, x, static_cast<float>(-1.6668057665E-1));
    y = std::fma(y, x, static_cast<float>(2.0000714765E-1));
    y = std::fma(y, x, static_cast<float>(-2.4999993993E-1));
    y = std::fma(y, x, static_cast<float>(3.3333331174E-1));
    const float yx = y * x;
    const float eq1 = e * static_cast<float>(-2.12194440e-4);
    y = std::fma(yx, z, eq1);
    y = std::fma(-z, 0.5f, y);
    x = x + y;
    x = std::fma(e, 0.693359375f, x);
    if (invalid) x = bits_as<float>(std::uint32_t{0xffffffffu}); // or-ed with an all-ones mask: NaN
    return x;
}

struct sin_cos {
    float sin;
    float cos;
};

inline sin_cos avx2_sincos(float x) {
    std::uint32_t sign_sin = bits_as<std::uint32_t>(x) & 0x80000000u;
    x = bits_as<float>(bits_as<std::uint32_t>(x) & 0x7fffffffu);
    const float scaled = x * static_cast<float>(1.27323954473516); // 4 / pi
    // Truncation as cvttps2dq; theta < 2 pi here, far inside int32.
    auto j = static_cast<std::int32_t>(scaled);
    j = (j + 1) & ~std::int32_t{1};
    const auto y = static_cast<float>(j);
    const std::uint32_t swap_sign_sin = static_cast<std::uint32_t>(j & 4) << 29;
    const bool first_poly_for_cos = (j & 2) == 0;
    x = std::fma(y, -0.78515625f, x);
    x = std::fma(y, static_cast<float>(-2.4187564849853515625e-4), x);
    x = std::fma(y, static_cast<float>(-3.77489497744594108e-8), x);
    const std::uint32_t sign_cos = (~static_cast<std::uint32_t>(j - 2) & 4u) << 29;
    sign_sin ^= swap_sign_sin;

    const float z = x * x;
    float c = static_cast<float>(2.443315711809948E-005);
    c = std::fma(c, z, static_cast<float>(-1.388731625493765E-003));
    c = std::fma(c, z, static_cast<float>(4.166664568298827E-002));
    const float cz = c * z;
    const float half_z = z * 0.5f;
    c = std::fma(cz, z, -half_z);
    c = c + 1.0f;

    float s = static_cast<float>(-1.9515295891E-4);
    s = std::fma(s, z, static_cast<float>(8.3321608736E-3));
    s = std::fma(s, z, static_cast<float>(-1.6666654611E-1));
    const float sz = s * z;
    s = std::fma(sz, x, x);

    // Blend exactly as the vector code does (masked values and additions of zeros).
    const float ysin2 = first_poly_for_cos ? s : 0.0f;
    const float ysin1 = first_poly_for_cos ? 0.0f : c;
    const float sin_value = ysin1 + ysin2;
    const float cos_value = (c - ysin1) + (s - ysin2);
    return {bits_as<float>(bits_as<std::uint32_t>(sin_value) ^ sign_sin),
            bits_as<float>(bits_as<std::uint32_t>(cos_value) ^ sign_cos)};
}

/// normal_fill_16_AVX2 with mean 0 and std 1, on 16 uniforms in place.
inline void normal_fill_16_avx2(float* data) {
    const auto two_pi = static_cast<float>(2.0f * pi);
    for (std::size_t j = 0; j < 8; ++j) {
        const float u1 = 1.0f - data[j];
        const float u2 = data[j + 8];
        const float radius = std::sqrt(-2.0f * avx2_log(u1));
        const sin_cos sc = avx2_sincos(two_pi * u2);
        const float n1 = radius * sc.cos;
        const float n2 = radius * sc.sin;
        // fmadd(n, std = 1, mean = 0): exact, but turns -0 into +0.
        data[j] = n1 + 0.0f;
        data[j + 8] = n2 + 0.0f;
    }
}

/// normal_fill_16<T> (the portable kernel) with mean 0 and std 1, on 16 uniforms in place.
template <class T>
void normal_fill_16(T* data) {
    for (std::size_t j = 0; j < 8; ++j) {
        const T u1 = 1 - data[j];
        const T u2 = data[j + 8];
        const T radius = std::sqrt(-2 * std::log(u1));
        const auto theta = static_cast<T>(2.0f * pi * static_cast<double>(u2));
        data[j] = radius * std::cos(theta);
        data[j + 8] = radius * std::sin(theta);
    }
}

template <class T>
void normal_fill_16(T* block, randn_path path) {
    if constexpr (std::is_same_v<T, float>) {
        if (path == randn_path::avx2) {
            normal_fill_16_avx2(block);
            return;
        }
    } else {
        (void)path;
    }
    normal_fill_16(block);
}

/// normal_fill: the kernel for 16 or more elements.
template <class T>
void normal_fill(std::span<T> out, generator& g, randn_path path) {
    const std::size_t n = out.size();
    T* data = out.data();
    for (std::size_t i = 0; i < n; ++i) data[i] = uniform<T>(g);
    for (std::size_t i = 0; i + 16 <= n; i += 16) normal_fill_16(data + i, path);
    if (n % 16 != 0) {
        // Recompute the last 16 values from fresh uniforms.
        T* tail = data + (n - 16);
        for (std::size_t i = 0; i < 16; ++i) tail[i] = uniform<T>(g);
        normal_fill_16(tail, path);
    }
}

/// The process-wide default generator (at::detail::getDefaultCPUGenerator).
inline generator& default_generator() {
    static generator g;
    return g;
}

/// Guards default_generator() in ctgrad::manual_seed and the fill_randn overloads without a
/// generator argument (PyTorch locks its generators the same way).
inline std::mutex& default_generator_mutex() {
    static std::mutex m;
    return m;
}

} // namespace detail

namespace detail {
template <class T> void randn_into(std::span<T> out, generator& g, randn_path path);
template <class T> void randn_into_default(std::span<T> out, randn_path path);
}  // namespace detail

/// Fills out with torch.randn(out.size()) values drawn from g, for float (torch.float32) or
/// double (torch.float64). The shape does not matter: randn(10, 1) holds randn(10)'s values.
template <class T>
void fill_randn(std::span<T> out, generator& g, randn_path path = randn_path::avx2) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "fill_randn: PyTorch's randn is reproduced for float and double only");
    detail::randn_into(out, g, path);
}

/// torch.randn from the default generator.
template <class T>
void fill_randn(std::span<T> out, randn_path path = randn_path::avx2) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "fill_randn: PyTorch's randn is reproduced for float and double only");
    detail::randn_into_default(out, path);
}

/// torch.manual_seed: reseeds the default generator. A negative Python seed s corresponds to
/// static_cast<std::uint64_t>(s).
CTGRAD_RUNTIME_INLINE void manual_seed(std::uint64_t seed);

/// torch.initial_seed: the seed of the default generator.
CTGRAD_RUNTIME_INLINE std::uint64_t initial_seed();

#if CTGRAD_RUNTIME_DEFINITIONS

template <class T>
void detail::randn_into(std::span<T> out, generator& g, randn_path path) {
    if (out.size() >= 16) {
        detail::normal_fill(out, g, path);
    } else {
        for (T& v : out) v = static_cast<T>(detail::normal_double(g));
    }
}

template <class T>
void detail::randn_into_default(std::span<T> out, randn_path path) {
    const std::lock_guard<std::mutex> lock(detail::default_generator_mutex());
    randn_into(out, detail::default_generator(), path);
}

CTGRAD_RUNTIME_INLINE void manual_seed(std::uint64_t seed) {
    const std::lock_guard<std::mutex> lock(detail::default_generator_mutex());
    detail::default_generator().manual_seed(seed);
}

CTGRAD_RUNTIME_INLINE std::uint64_t initial_seed() {
    const std::lock_guard<std::mutex> lock(detail::default_generator_mutex());
    return detail::default_generator().initial_seed();
}

#endif  // CTGRAD_RUNTIME_DEFINITIONS

} // namespace ctgrad

#endif
