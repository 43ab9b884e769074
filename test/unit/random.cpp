// ctgrad::fill_randn against PyTorch 1.13 (CPU, x86-64 with AVX2): every expected value below
// was printed by torch and must be reproduced bit for bit, float32 and float64 alike.
//
// The tables of randn values come from (python3, torch 1.13; float.hex of each element):
//
//   import re, torch
//   picks = lambda n: sorted({i for i in (0, 1, 7, 8, n // 2, n - 17, n - 16, n - 9, n - 2, n - 1) if 0 <= i < n})
//   for dt in (torch.float32, torch.float64):
//       for seed in (0, 1, 42, 12345):
//           for n in (1, 5, 15, 16, 17, 31, 100, 1000, 65536):
//               torch.manual_seed(seed); x = torch.randn(n, dtype=dt).tolist()
//               torch.manual_seed(seed); assert torch.randn(n, 1, dtype=dt).flatten().tolist() == x
//               print(seed, n, [(i, float(x[i]).hex()) for i in picks(n)])
//
// Sizes 1, 5, 15 take PyTorch's scalar Box-Muller path, 16 and more its block-of-16 path;
// 17, 31, 100, 1000 and 65536 also recompute a tail of 16; 65536 float64 draws 2^17 32-bit words,
// many refreshes of the mt19937 state. The other expected values have their one-liner next to them.
#include <boost/test/unit_test.hpp>

#include <ctgrad/autograd/random.hpp>

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace {

template <class T>
struct randn_case {
    std::uint64_t seed;
    std::size_t n;
    std::vector<std::pair<std::size_t, T>> expected; // (index, value)
};

template <class T>
auto bits(T v) {
    if constexpr (sizeof(T) == 4) {
        return std::bit_cast<std::uint32_t>(v);
    } else {
        return std::bit_cast<std::uint64_t>(v);
    }
}

template <class T>
std::string show(T v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%a", static_cast<double>(v));
    return buf;
}

/// Checks got == expected to the last bit (and sign of zero), naming both in hex-float.
template <class T>
void check_same(T got, T expected, const std::string& what) {
    BOOST_TEST((bits(got) == bits(expected)), what << ": got " << show(got) << ", torch gives " << show(expected));
}

template <class T>
std::vector<T> randn(std::size_t n) {
    std::vector<T> v(n);
    ctgrad::fill_randn(std::span<T>(v));
    return v;
}

template <class T>
std::vector<T> randn(std::size_t n, ctgrad::generator& g, ctgrad::randn_path path = ctgrad::randn_path::avx2) {
    std::vector<T> v(n);
    ctgrad::fill_randn(std::span<T>(v), g, path);
    return v;
}

template <class T>
void check_table(const std::vector<randn_case<T>>& cases) {
    for (const auto& c : cases) {
        ctgrad::manual_seed(c.seed);
        const std::vector<T> x = randn<T>(c.n);
        for (const auto& [i, expected] : c.expected) {
            check_same(x[i], expected,
                       "seed " + std::to_string(c.seed) + ", randn(" + std::to_string(c.n) + ")[" + std::to_string(i) + "]");
        }
        // The same stream through an explicit generator.
        ctgrad::generator g{c.seed};
        const std::vector<T> y = randn<T>(c.n, g);
        BOOST_TEST((x == y), "explicit generator differs from the default one, seed " << c.seed << ", n " << c.n);
    }
}

const std::vector<randn_case<float>> float_cases = {
    {0, 1, {{0, 0x1.8a7eb8p+0f}}},
    {0, 5, {{0, 0x1.8a7eb8p+0f}, {1, -0x1.2c78ap-2f}, {2, -0x1.16e292p+1f},
          {3, 0x1.23096cp-1f}, {4, -0x1.15a342p+0f}}},
    {0, 15, {{0, 0x1.8a7eb8p+0f}, {1, -0x1.2c78ap-2f}, {6, 0x1.9d06f4p-2f},
          {7, 0x1.ad11cap-1f}, {8, -0x1.704288p-1f}, {13, 0x1.19c132p+0f},
          {14, -0x1.123956p+0f}}},
    {0, 16, {{0, -0x1.20370ap+0f}, {1, -0x1.270114p+0f}, {7, -0x1.0ebf82p+1f},
          {8, 0x1.4a027p-2f}, {14, 0x1.1de51cp+0f}, {15, -0x1.fa6cf8p-3f}}},
    {0, 17, {{0, -0x1.20370ap+0f}, {1, -0x1.b2288cp+0f}, {7, 0x1.da5e9cp+0f},
          {8, 0x1.df54aap-2f}, {15, -0x1.aff666p-1f}, {16, 0x1.dd186p-1f}}},
    {0, 31, {{0, -0x1.20370ap+0f}, {1, -0x1.270114p+0f}, {7, -0x1.0ebf82p+1f},
          {8, 0x1.4a027p-2f}, {14, 0x1.1de51cp+0f}, {15, -0x1.c926dep-4f},
          {22, 0x1.4815fp-1f}, {29, 0x1.26aeaap+1f}, {30, -0x1.78096ep+0f}}},
    {0, 100, {{0, -0x1.20370ap+0f}, {1, -0x1.270114p+0f}, {7, -0x1.0ebf82p+1f},
          {8, 0x1.4a027p-2f}, {50, 0x1.0e2be8p+0f}, {83, 0x1.d3924ap-11f},
          {84, -0x1.4e815ap+1f}, {91, 0x1.bca5a6p-2f}, {98, -0x1.b71f36p-2f},
          {99, 0x1.dd0444p-3f}}},
    {0, 1000, {{0, -0x1.20370ap+0f}, {1, -0x1.270114p+0f}, {7, -0x1.0ebf82p+1f},
          {8, 0x1.4a027p-2f}, {500, -0x1.505094p-3f}, {983, 0x1.1c123ap-1f},
          {984, -0x1.97a694p-1f}, {991, 0x1.c47872p-4f}, {998, 0x1.02e784p-3f},
          {999, -0x1.2c1ecp-1f}}},
    {0, 65536, {{0, -0x1.20370ap+0f}, {1, -0x1.270114p+0f}, {7, -0x1.0ebf82p+1f},
          {8, 0x1.4a027p-2f}, {32768, -0x1.f4be04p-1f}, {65519, 0x1.01e07ap-3f},
          {65520, -0x1.1ffb3p+0f}, {65527, -0x1.4bcdc8p-2f}, {65534, 0x1.0c23b4p-2f},
          {65535, -0x1.7532a6p+0f}}},
    {1, 1, {{0, 0x1.529ccp-1f}}},
    {1, 5, {{0, 0x1.529ccp-1f}, {1, 0x1.11548ep-2f}, {2, 0x1.f94296p-5f},
          {3, 0x1.3e1d4ep-1f}, {4, -0x1.cec07p-2f}}},
    {1, 15, {{0, 0x1.529ccp-1f}, {1, 0x1.11548ep-2f}, {6, -0x1.85d428p+0f},
          {7, 0x1.86d826p-2f}, {8, -0x1.07115cp+0f}, {13, -0x1.ee67d6p-1f},
          {14, 0x1.b08da4p-2f}}},
    {1, 16, {{0, -0x1.868d74p+0f}, {1, -0x1.801e62p-1f}, {7, -0x1.9bedbcp+0f},
          {8, -0x1.6c9e38p-1f}, {14, 0x1.d3d094p-3f}, {15, 0x1.dedbd8p-2f}}},
    {1, 17, {{0, -0x1.868d74p+0f}, {1, -0x1.2927aap+0f}, {7, 0x1.9d5782p-1f},
          {8, 0x1.c1ae54p-2f}, {15, -0x1.0d9078p-3f}, {16, -0x1.98cd1ap-1f}}},
    {1, 31, {{0, -0x1.868d74p+0f}, {1, -0x1.801e62p-1f}, {7, -0x1.9bedbcp+0f},
          {8, -0x1.6c9e38p-1f}, {14, 0x1.d3d094p-3f}, {15, -0x1.3287c6p-2f},
          {22, 0x1.39417ap-3f}, {29, -0x1.098f08p+0f}, {30, 0x1.9325f8p+0f}}},
    {1, 100, {{0, -0x1.868d74p+0f}, {1, -0x1.801e62p-1f}, {7, -0x1.9bedbcp+0f},
          {8, -0x1.6c9e38p-1f}, {50, 0x1.0f7be4p-4f}, {83, 0x1.76a08ep-1f},
          {84, 0x1.6298e8p+0f}, {91, 0x1.b537e4p-1f}, {98, -0x1.11fdbap+0f},
          {99, -0x1.bf9f6cp-1f}}},
    {1, 1000, {{0, -0x1.868d74p+0f}, {1, -0x1.801e62p-1f}, {7, -0x1.9bedbcp+0f},
          {8, -0x1.6c9e38p-1f}, {500, 0x1.50644ap-3f}, {983, 0x1.c8a8fap+0f},
          {984, -0x1.bbf1b4p-1f}, {991, -0x1.898736p-1f}, {998, 0x1.04ed68p+0f},
          {999, 0x1.ee1dep-5f}}},
    {1, 65536, {{0, -0x1.868d74p+0f}, {1, -0x1.801e62p-1f}, {7, -0x1.9bedbcp+0f},
          {8, -0x1.6c9e38p-1f}, {32768, 0x1.2fa0b4p+0f}, {65519, 0x1.6d919ep-2f},
          {65520, -0x1.2a1f6p+0f}, {65527, 0x1.c88bd2p-2f}, {65534, 0x1.4b4e64p+0f},
          {65535, -0x1.32c5dp+0f}}},
    {42, 1, {{0, 0x1.58c55cp-2f}}},
    {42, 5, {{0, 0x1.58c55cp-2f}, {1, 0x1.07cd3ap-3f}, {2, 0x1.e02dcep-3f},
          {3, 0x1.d7b8d8p-3f}, {4, -0x1.1f7384p+0f}}},
    {42, 15, {{0, 0x1.58c55cp-2f}, {1, 0x1.07cd3ap-3f}, {6, 0x1.1aa658p+1f},
          {7, -0x1.46a78cp-1f}, {8, 0x1.d8bcacp-2f}, {13, -0x1.b096aap+0f},
          {14, -0x1.fa58f4p-1f}}},
    {42, 16, {{0, 0x1.ed4a52p+0f}, {1, 0x1.7cbea6p+0f}, {7, -0x1.9acb74p+0f},
          {8, -0x1.8117ep-1f}, {14, -0x1.89a54p-1f}, {15, 0x1.865f3ep-1f}}},
    {42, 17, {{0, 0x1.ed4a52p+0f}, {1, -0x1.46db0ap-3f}, {7, 0x1.ae3d26p+0f},
          {8, 0x1.6c668ap-2f}, {15, 0x1.b83f6p-1f}, {16, -0x1.3d2904p-2f}}},
    {42, 31, {{0, 0x1.ed4a52p+0f}, {1, 0x1.7cbea6p+0f}, {7, -0x1.9acb74p+0f},
          {8, -0x1.8117ep-1f}, {14, -0x1.89a54p-1f}, {15, -0x1.bc041ep-3f},
          {22, 0x1.390ee8p-2f}, {29, 0x1.0fb76cp+1f}, {30, -0x1.3c123ap+0f}}},
    {42, 100, {{0, 0x1.ed4a52p+0f}, {1, 0x1.7cbea6p+0f}, {7, -0x1.9acb74p+0f},
          {8, -0x1.8117ep-1f}, {50, 0x1.3f95f6p-4f}, {83, -0x1.2bb5bp-1f},
          {84, 0x1.481114p-1f}, {91, -0x1.6e34bap-2f}, {98, 0x1.6643bcp-2f},
          {99, 0x1.3c0c38p-1f}}},
    {42, 1000, {{0, 0x1.ed4a52p+0f}, {1, 0x1.7cbea6p+0f}, {7, -0x1.9acb74p+0f},
          {8, -0x1.8117ep-1f}, {500, -0x1.815324p-1f}, {983, -0x1.6f9b98p-2f},
          {984, -0x1.a7a326p-2f}, {991, 0x1.21c168p-3f}, {998, -0x1.84dfa6p-2f},
          {999, -0x1.b4f7fap-1f}}},
    {42, 65536, {{0, 0x1.ed4a52p+0f}, {1, 0x1.7cbea6p+0f}, {7, -0x1.9acb74p+0f},
          {8, -0x1.8117ep-1f}, {32768, -0x1.914be2p-1f}, {65519, -0x1.2b2974p+0f},
          {65520, -0x1.b1b368p-2f}, {65527, -0x1.52bd0cp+0f}, {65534, -0x1.b18182p-2f},
          {65535, 0x1.9f1a48p+0f}}},
    {12345, 1, {{0, 0x1.6d586cp+0f}}},
    {12345, 5, {{0, 0x1.6d586cp+0f}, {1, -0x1.debe2ap+0f}, {2, -0x1.323ad8p+0f},
          {3, -0x1.05a032p+1f}, {4, -0x1.d2ef32p-2f}}},
    {12345, 15, {{0, 0x1.6d586cp+0f}, {1, -0x1.debe2ap+0f}, {6, -0x1.6f60bcp-1f},
          {7, 0x1.64672cp+0f}, {8, 0x1.4c07dcp-4f}, {13, 0x1.98d2ap+1f},
          {14, -0x1.ba8af4p-6f}}},
    {12345, 16, {{0, -0x1.7ad4aep+0f}, {1, 0x1.f30058p-2f}, {7, -0x1.480e5p+0f},
          {8, 0x1.34a21p+1f}, {14, 0x1.dd0ffcp-1f}, {15, 0x1.7e7944p-3f}}},
    {12345, 17, {{0, -0x1.7ad4aep+0f}, {1, -0x1.2318c4p+0f}, {7, -0x1.ecf8b6p+0f},
          {8, -0x1.b75786p-3f}, {15, -0x1.c7b574p-2f}, {16, 0x1.0b7a54p-1f}}},
    {12345, 31, {{0, -0x1.7ad4aep+0f}, {1, 0x1.f30058p-2f}, {7, -0x1.480e5p+0f},
          {8, 0x1.34a21p+1f}, {14, 0x1.dd0ffcp-1f}, {15, 0x1.1aa73p+0f},
          {22, -0x1.d560d6p-2f}, {29, 0x1.79acep-3f}, {30, 0x1.4466a2p-1f}}},
    {12345, 100, {{0, -0x1.7ad4aep+0f}, {1, 0x1.f30058p-2f}, {7, -0x1.480e5p+0f},
          {8, 0x1.34a21p+1f}, {50, 0x1.763dc8p-5f}, {83, -0x1.f3ed0ep-2f},
          {84, 0x1.45dfd2p-2f}, {91, 0x1.92194p-2f}, {98, -0x1.9f0674p-1f},
          {99, 0x1.156f48p+0f}}},
    {12345, 1000, {{0, -0x1.7ad4aep+0f}, {1, 0x1.f30058p-2f}, {7, -0x1.480e5p+0f},
          {8, 0x1.34a21p+1f}, {500, -0x1.510926p-4f}, {983, 0x1.ebd5f8p+0f},
          {984, -0x1.c9bd6ap-1f}, {991, -0x1.d9b2b8p-2f}, {998, 0x1.b5b9d6p+0f},
          {999, -0x1.7f5c2p-2f}}},
    {12345, 65536, {{0, -0x1.7ad4aep+0f}, {1, 0x1.f30058p-2f}, {7, -0x1.480e5p+0f},
          {8, 0x1.34a21p+1f}, {32768, 0x1.af4d8ap-1f}, {65519, 0x1.459d1cp-3f},
          {65520, -0x1.332e6cp-6f}, {65527, -0x1.bc574p+0f}, {65534, -0x1.85c15ap-1f},
          {65535, 0x1.1abaa8p-2f}}},
};
const std::vector<randn_case<double>> double_cases = {
    {0, 1, {{0, 0x1.8a7eb8902be3ap+0}}},
    {0, 5, {{0, 0x1.8a7eb8902be3ap+0}, {1, -0x1.2c78a087c6feap-2}, {2, -0x1.16e2920a70ee5p+1},
          {3, 0x1.23096ca3e350dp-1}, {4, -0x1.15a341987e136p+0}}},
    {0, 15, {{0, 0x1.8a7eb8902be3ap+0}, {1, -0x1.2c78a087c6feap-2}, {6, 0x1.9d06f4be0cd62p-2},
          {7, 0x1.ad11c99ad2d18p-1}, {8, -0x1.70428781da237p-1}, {13, 0x1.19c131e7df15p+0},
          {14, -0x1.123955c471384p+0}}},
    {0, 16, {{0, -0x1.27bb92e9262dcp+1}, {1, -0x1.7e3579493946p-2}, {7, -0x1.bb9e3bd0377c5p-1},
          {8, -0x1.4bae386384915p+0}, {14, 0x1.24683cd232dap-4}, {15, 0x1.5a213bee53bb6p-2}}},
    {0, 17, {{0, -0x1.27bb92e9262dcp+1}, {1, -0x1.443c91ccf2402p-1}, {7, -0x1.a9389d082941dp-1},
          {8, 0x1.e8e503666016dp-3}, {15, -0x1.c8318cc163de5p-1}, {16, 0x1.5986ed8e63e98p-1}}},
    {0, 31, {{0, -0x1.27bb92e9262dcp+1}, {1, -0x1.7e3579493946p-2}, {7, -0x1.bb9e3bd0377c5p-1},
          {8, -0x1.4bae386384915p+0}, {14, 0x1.24683cd232dap-4}, {15, -0x1.e7e0a066b510fp-1},
          {22, 0x1.2a9ecee4e86fdp+0}, {29, 0x1.ebe39d52b4666p-3}, {30, -0x1.594867157f914p+0}}},
    {0, 100, {{0, -0x1.27bb92e9262dcp+1}, {1, -0x1.7e3579493946p-2}, {7, -0x1.bb9e3bd0377c5p-1},
          {8, -0x1.4bae386384915p+0}, {50, 0x1.b23a536534125p+0}, {83, 0x1.9396073bb711p-2},
          {84, 0x1.acdeebba76c45p-2}, {91, 0x1.4943e9b242292p+1}, {98, -0x1.fa1d68ec5a28dp-1},
          {99, 0x1.737b0be1c7d86p-1}}},
    {0, 1000, {{0, -0x1.27bb92e9262dcp+1}, {1, -0x1.7e3579493946p-2}, {7, -0x1.bb9e3bd0377c5p-1},
          {8, -0x1.4bae386384915p+0}, {500, -0x1.6c1e8096305d4p+0}, {983, 0x1.73b9b761d84a3p-2},
          {984, -0x1.244957a037e8cp-1}, {991, 0x1.c5c48f367dad8p+0}, {998, -0x1.29a1671f157b3p-2},
          {999, -0x1.04e02bf7e5938p-3}}},
    {0, 65536, {{0, -0x1.27bb92e9262dcp+1}, {1, -0x1.7e3579493946p-2}, {7, -0x1.bb9e3bd0377c5p-1},
          {8, -0x1.4bae386384915p+0}, {32768, 0x1.9e76108e46f6ep-2}, {65519, 0x1.1c2be2e7293bp-1},
          {65520, -0x1.1bb9ea91fadb7p+1}, {65527, -0x1.eda0923e26e08p-2}, {65534, -0x1.804e581741e91p+0},
          {65535, -0x1.28e9b663d5f2fp-1}}},
    {1, 1, {{0, 0x1.529cc078113dap-1}}},
    {1, 5, {{0, 0x1.529cc078113dap-1}, {1, 0x1.11548d02b8fe5p-2}, {2, 0x1.f94295e129d76p-5},
          {3, 0x1.3e1d4e0e48b01p-1}, {4, -0x1.cec06fed14fffp-2}}},
    {1, 15, {{0, 0x1.529cc078113dap-1}, {1, 0x1.11548d02b8fe5p-2}, {6, -0x1.85d427c6372fcp+0},
          {7, 0x1.86d825192ee02p-2}, {8, -0x1.07115b0a48f26p+0}, {13, -0x1.ee67d5306bcbcp-1},
          {14, 0x1.b08da4573a0ddp-2}}},
    {1, 16, {{0, -0x1.3ec2b05b54971p-2}, {1, -0x1.6d124df02c168p-1}, {7, 0x1.2952de0f17674p+0},
          {8, -0x1.5d505d875a733p-3}, {14, 0x1.305bd8684758fp-1}, {15, 0x1.0e64ac5436be1p+0}}},
    {1, 17, {{0, -0x1.3ec2b05b54971p-2}, {1, 0x1.7ef6234f2b7ecp-2}, {7, -0x1.d7b2c0598141dp+0},
          {8, 0x1.818c389b97035p-4}, {15, 0x1.c7836b0b2366fp-1}, {16, -0x1.edb7a381131e9p+0}}},
    {1, 31, {{0, -0x1.3ec2b05b54971p-2}, {1, -0x1.6d124df02c168p-1}, {7, 0x1.2952de0f17674p+0},
          {8, -0x1.5d505d875a733p-3}, {14, 0x1.305bd8684758fp-1}, {15, -0x1.31c46b79d76afp-2},
          {22, 0x1.7470101d2eeafp-2}, {29, 0x1.b0b585c9ff9cep-1}, {30, -0x1.09f988ab1e07fp+0}}},
    {1, 100, {{0, -0x1.3ec2b05b54971p-2}, {1, -0x1.6d124df02c168p-1}, {7, 0x1.2952de0f17674p+0},
          {8, -0x1.5d505d875a733p-3}, {50, 0x1.2e80af8a0232p+0}, {83, -0x1.2e7152a311062p+0},
          {84, 0x1.44b8f20623318p+1}, {91, 0x1.bf5aac36fb71p-2}, {98, 0x1.c44c74c309f74p-1},
          {99, 0x1.1209a279b166ap+0}}},
    {1, 1000, {{0, -0x1.3ec2b05b54971p-2}, {1, -0x1.6d124df02c168p-1}, {7, 0x1.2952de0f17674p+0},
          {8, -0x1.5d505d875a733p-3}, {500, -0x1.1eb066aff4c91p-1}, {983, 0x1.230182e1aee4bp-4},
          {984, 0x1.8be9e04f9b967p-1}, {991, 0x1.c54f474ed04bbp-2}, {998, -0x1.c404273a3ca55p+0},
          {999, 0x1.4ee30fc4cfe63p-3}}},
    {1, 65536, {{0, -0x1.3ec2b05b54971p-2}, {1, -0x1.6d124df02c168p-1}, {7, 0x1.2952de0f17674p+0},
          {8, -0x1.5d505d875a733p-3}, {32768, 0x1.39ec662cfac6cp-1}, {65519, 0x1.67fde715f2ea1p+0},
          {65520, -0x1.c02c56ce21e8ap-1}, {65527, 0x1.3a528191bc68ap-2}, {65534, 0x1.58a7f36b45fcfp+0},
          {65535, 0x1.4a3a814981df4p+0}}},
    {42, 1, {{0, 0x1.58c55b33d44ccp-2}}},
    {42, 5, {{0, 0x1.58c55b33d44ccp-2}, {1, 0x1.07cd39b3d4b85p-3}, {2, 0x1.e02dcdb63ec41p-3},
          {3, 0x1.d7b8d7b0a7c22p-3}, {4, -0x1.1f7383f8320c1p+0}}},
    {42, 15, {{0, 0x1.58c55b33d44ccp-2}, {1, 0x1.07cd39b3d4b85p-3}, {6, 0x1.1aa65763ab83bp+1},
          {7, -0x1.46a78cdb84d7bp-1}, {8, 0x1.d8bcabb37ba27p-2}, {13, -0x1.b096a9168f811p+0},
          {14, -0x1.fa58f31529415p-1}}},
    {42, 16, {{0, 0x1.32bee22ccb503p-2}, {1, 0x1.f063c46668b78p-3}, {7, -0x1.bf975374a1832p+0},
          {8, 0x1.63479875eff86p-3}, {14, 0x1.bbf5377e05516p+0}, {15, -0x1.7df87a7384c38p+0}}},
    {42, 17, {{0, 0x1.32bee22ccb503p-2}, {1, 0x1.812ba60e823bdp+0}, {7, 0x1.6e82bfad73187p-4},
          {8, 0x1.3adc896b5cc6ap-5}, {15, 0x1.b5deddd314d28p-1}, {16, 0x1.fecba7d412db7p-3}}},
    {42, 31, {{0, 0x1.32bee22ccb503p-2}, {1, 0x1.f063c46668b78p-3}, {7, -0x1.bf975374a1832p+0},
          {8, 0x1.63479875eff86p-3}, {14, 0x1.bbf5377e05516p+0}, {15, -0x1.540a8a4e83d44p-1},
          {22, -0x1.490a197c5ed36p-1}, {29, -0x1.b237c7fac2d57p-3}, {30, 0x1.24c0307af6c6p-1}}},
    {42, 100, {{0, 0x1.32bee22ccb503p-2}, {1, 0x1.f063c46668b78p-3}, {7, -0x1.bf975374a1832p+0},
          {8, 0x1.63479875eff86p-3}, {50, -0x1.1bafdf74af1b2p+0}, {83, -0x1.7f185e5c67246p-4},
          {84, -0x1.af12050ae7431p-1}, {91, 0x1.fb45edd776bafp-8}, {98, 0x1.156924946f277p+0},
          {99, -0x1.eb1776dfd5bebp-1}}},
    {42, 1000, {{0, 0x1.32bee22ccb503p-2}, {1, 0x1.f063c46668b78p-3}, {7, -0x1.bf975374a1832p+0},
          {8, 0x1.63479875eff86p-3}, {500, 0x1.64a3f85451649p-1}, {983, -0x1.356834409f2acp-3},
          {984, -0x1.f5b4ceab8915ap-3}, {991, 0x1.eec7280c179f4p-2}, {998, 0x1.928696d39a83bp-3},
          {999, -0x1.4063f01060554p-2}}},
    {42, 65536, {{0, 0x1.32bee22ccb503p-2}, {1, 0x1.f063c46668b78p-3}, {7, -0x1.bf975374a1832p+0},
          {8, 0x1.63479875eff86p-3}, {32768, 0x1.be142f36e9b59p+0}, {65519, 0x1.1c4922602e599p+1},
          {65520, 0x1.2e9392a64c474p+0}, {65527, 0x1.5523c011143d3p-2}, {65534, -0x1.7223cf70363efp-4},
          {65535, 0x1.81ae475eec1cdp-3}}},
    {12345, 1, {{0, 0x1.6d586b9643c27p+0}}},
    {12345, 5, {{0, 0x1.6d586b9643c27p+0}, {1, -0x1.debe2a3e3dc34p+0}, {2, -0x1.323ad82ee920bp+0},
          {3, -0x1.05a0327e3fb3ep+1}, {4, -0x1.d2ef31448bd09p-2}}},
    {12345, 15, {{0, 0x1.6d586b9643c27p+0}, {1, -0x1.debe2a3e3dc34p+0}, {6, -0x1.6f60bbd213b0fp-1},
          {7, 0x1.64672b64bd356p+0}, {8, 0x1.4c07dce7ec2f1p-4}, {13, 0x1.98d2a0e5b1e21p+1},
          {14, -0x1.ba8af388dfcf5p-6}}},
    {12345, 16, {{0, 0x1.101a859b8762dp-3}, {1, -0x1.2c60f115c50adp+1}, {7, -0x1.82c2747531ef4p-1},
          {8, -0x1.f4d1082c75665p+0}, {14, -0x1.c65f662e1577bp-1}, {15, 0x1.5f3d3cc6bfe0fp+0}}},
    {12345, 17, {{0, 0x1.101a859b8762dp-3}, {1, -0x1.2563997831914p-1}, {7, 0x1.f2af23b86d0dbp-1},
          {8, 0x1.c8c4ac2e935d3p-2}, {15, 0x1.7f8a1b83ca2cdp+0}, {16, -0x1.c900f885c202bp-1}}},
    {12345, 31, {{0, 0x1.101a859b8762dp-3}, {1, -0x1.2c60f115c50adp+1}, {7, -0x1.82c2747531ef4p-1},
          {8, -0x1.f4d1082c75665p+0}, {14, -0x1.c65f662e1577bp-1}, {15, -0x1.2bd6ffe128905p-1},
          {22, -0x1.e14ddfe89027p-3}, {29, -0x1.9b9dd757ec1d7p-1}, {30, -0x1.0225cf535a893p-1}}},
    {12345, 100, {{0, 0x1.101a859b8762dp-3}, {1, -0x1.2c60f115c50adp+1}, {7, -0x1.82c2747531ef4p-1},
          {8, -0x1.f4d1082c75665p+0}, {50, 0x1.e32092763628cp-1}, {83, 0x1.0bd34baaeb489p-2},
          {84, 0x1.b94ca8130fa71p-1}, {91, -0x1.727ef12ff03bp-1}, {98, 0x1.251d27b440e1p-2},
          {99, 0x1.4392fc787e933p-1}}},
    {12345, 1000, {{0, 0x1.101a859b8762dp-3}, {1, -0x1.2c60f115c50adp+1}, {7, -0x1.82c2747531ef4p-1},
          {8, -0x1.f4d1082c75665p+0}, {500, -0x1.90af0e4e92aa8p-2}, {983, -0x1.a5edb8ea39c93p-2},
          {984, 0x1.19e4721605507p+0}, {991, 0x1.01d9f3be8008dp-1}, {998, 0x1.dcd59385186abp-2},
          {999, 0x1.f0453003dc6e2p-1}}},
    {12345, 65536, {{0, 0x1.101a859b8762dp-3}, {1, -0x1.2c60f115c50adp+1}, {7, -0x1.82c2747531ef4p-1},
          {8, -0x1.f4d1082c75665p+0}, {32768, -0x1.8af30d76c973dp-5}, {65519, -0x1.29804f86662b6p-2},
          {65520, -0x1.050b20d2d4c2ep+0}, {65527, -0x1.b10b3082d0dfcp-2}, {65534, -0x1.e06ec67f4dcc2p-1},
          {65535, 0x1.350a817ef57edp+0}}},
};

} // namespace

BOOST_AUTO_TEST_SUITE(torch_random)

BOOST_AUTO_TEST_CASE(engine_is_the_reference_mt19937) {
    // at::mt19937 is init_genrand + genrand_int32 on the low 32 bits of the seed, as std::mt19937.
    for (std::uint64_t seed : {0ULL, 1ULL, 42ULL, 12345ULL, 5489ULL, 67280421310721ULL, 0xffffffffffffffffULL}) {
        ctgrad::generator g{seed};
        std::mt19937 reference(static_cast<std::mt19937::result_type>(seed & 0xffffffffu));
        bool same = true;
        for (int i = 0; i < 5000 && same; ++i) same = g.random() == reference();
        BOOST_TEST(same, "random() leaves std::mt19937 for seed " << seed);
        BOOST_TEST(g.initial_seed() == seed);
    }
}

BOOST_AUTO_TEST_CASE(random_bits_match_torch) {
    // torch.manual_seed(0); torch.empty(3, dtype=torch.int32).random_()   -> random() % 2^31
    // torch.manual_seed(0); torch.empty(3, dtype=torch.int64).random_()   -> random64() % 2^63
    ctgrad::generator g{0};
    const std::uint32_t r32[] = {209652396u, 398764591u, 924231285u};
    for (std::uint32_t expected : r32) BOOST_TEST((g.random() & 0x7fffffffu) == expected);
    g.manual_seed(0);
    const std::uint64_t r64[] = {900450186894289455ULL, 3969543146641149120ULL, 1895649597198586619ULL};
    for (std::uint64_t expected : r64) BOOST_TEST((g.random64() & 0x7fffffffffffffffULL) == expected);
}

BOOST_AUTO_TEST_CASE(randn_float32) { check_table(float_cases); }

BOOST_AUTO_TEST_CASE(randn_float64) { check_table(double_cases); }

BOOST_AUTO_TEST_CASE(every_bit_of_a_million_values) {
    // The sampled positions above can miss a rare one-ulp difference (in float32, a multiply-add
    // fused or not inside PyTorch's polynomial log and sincos changes about 1 value in 5000), so
    // every value of randn(1000003) is checked through sum(bits[i] * (2 i + 1)) mod 2^64:
    //
    //   import numpy as np, torch
    //   def h(t):
    //       b = t.numpy().view(np.uint32 if t.dtype == torch.float32 else np.uint64).astype(np.uint64)
    //       return hex(int(np.sum(b * (2 * np.arange(b.size, dtype=np.uint64) + 1), dtype=np.uint64)))
    //   for dt in (torch.float32, torch.float64): torch.manual_seed(0); print(h(torch.randn(1000003, dtype=dt)))
    //
    // and the same under ATEN_CPU_CAPABILITY=default for the portable kernel.
    constexpr std::size_t n = 1000003;
    auto hash = [](const auto& values) {
        std::uint64_t h = 0;
        for (std::size_t i = 0; i < values.size(); ++i) h += static_cast<std::uint64_t>(bits(values[i])) * (2 * i + 1);
        return h;
    };
    ctgrad::generator g{0};
    BOOST_TEST(hash(randn<float>(n, g)) == 0x9881654d7153f742ULL);
    g.manual_seed(0);
    BOOST_TEST(hash(randn<double>(n, g)) == 0xfa1a23aec2cdceedULL);
    g.manual_seed(0);
    BOOST_TEST(hash(randn<float>(n, g, ctgrad::randn_path::portable)) == 0x98816830f7aae631ULL);
}

BOOST_AUTO_TEST_CASE(tutorial_sequence) {
    // torch.manual_seed(0); x = torch.randn(10, 1); w = torch.randn(1, 1); b = torch.randn(1, 1)
    // print([v.hex() for v in x.flatten().tolist()], w.item().hex(), b.item().hex())
    // print(x[:3], w, b)   ->   1.5410, -0.2934, -2.1788;  -0.5966;  0.1820
    ctgrad::manual_seed(0);
    const auto x = randn<float>(10);
    const auto w = randn<float>(1);
    const auto b = randn<float>(1);
    const float expected_x[] = {0x1.8a7eb8p+0f,  -0x1.2c78ap-2f,  -0x1.16e292p+1f, 0x1.23096cp-1f, -0x1.15a342p+0f,
                                -0x1.660a5ap+0f, 0x1.9d06f4p-2f,  0x1.ad11cap-1f,  -0x1.704288p-1f, -0x1.9d0616p-2f};
    for (std::size_t i = 0; i < 10; ++i) check_same(x[i], expected_x[i], "x[" + std::to_string(i) + "]");
    check_same(w[0], -0x1.317a3p-1f, "w");
    check_same(b[0], 0x1.74cf8cp-3f, "b");
    // As printed with 4 decimals.
    BOOST_TEST(std::round(x[0] * 1e4f) == 15410.0f);
    BOOST_TEST(std::round(x[1] * 1e4f) == -2934.0f);
    BOOST_TEST(std::round(x[2] * 1e4f) == -21788.0f);
    BOOST_TEST(std::round(w[0] * 1e4f) == -5966.0f);
    BOOST_TEST(std::round(b[0] * 1e4f) == 1820.0f);
    // w and b are the two halves of one Box-Muller pair: b came from the cache.
    BOOST_TEST(!ctgrad::detail::default_generator().next_double_normal_sample().has_value());
}

BOOST_AUTO_TEST_CASE(cached_normal_survives_the_block_path) {
    // torch.manual_seed(0); a = torch.randn(3, dtype=torch.float64); c = torch.randn(20, dtype=torch.float64)
    // d = torch.randn(1, dtype=torch.float64)   (d is the sine half left over by a's second pair)
    ctgrad::manual_seed(0);
    const auto a = randn<double>(3);
    check_same(a[0], 0x1.8a7eb8902be3ap+0, "a[0]");
    check_same(a[1], -0x1.2c78a087c6feap-2, "a[1]");
    check_same(a[2], -0x1.16e2920a70ee5p+1, "a[2]");
    BOOST_TEST(ctgrad::detail::default_generator().next_double_normal_sample().has_value());
    const auto c = randn<double>(20);
    check_same(c[0], -0x1.c49eece710105p-1, "c[0]");
    check_same(c[19], 0x1.0a7fcad9b001cp+0, "c[19]");
    const auto d = randn<double>(1);
    check_same(d[0], 0x1.23096ca3e350dp-1, "d[0]");
}

BOOST_AUTO_TEST_CASE(float32_and_float64_share_the_cache) {
    // torch.manual_seed(0); e = torch.randn(1, dtype=torch.float64); f = torch.randn(1)
    ctgrad::manual_seed(0);
    check_same(randn<double>(1)[0], 0x1.8a7eb8902be3ap+0, "e");
    check_same(randn<float>(1)[0], -0x1.2c78ap-2f, "f");
}

BOOST_AUTO_TEST_CASE(manual_seed_clears_the_cache) {
    ctgrad::manual_seed(0);
    const auto first = randn<double>(1);
    BOOST_TEST(ctgrad::detail::default_generator().next_double_normal_sample().has_value());
    ctgrad::manual_seed(0);
    BOOST_TEST(!ctgrad::detail::default_generator().next_double_normal_sample().has_value());
    check_same(randn<double>(1)[0], first[0], "first value after reseeding");
}

BOOST_AUTO_TEST_CASE(unseeded_and_explicit_generators) {
    // g = torch.Generator(); g.initial_seed(); torch.randn(3, generator=g, dtype=torch.float64)
    ctgrad::generator fresh;
    BOOST_TEST(fresh.initial_seed() == 67280421310721ULL);
    const auto v = randn<double>(3, fresh);
    check_same(v[0], 0x1.f45bd6ee8909dp-1, "fresh[0]");
    check_same(v[1], 0x1.2827dd26ee005p+0, "fresh[1]");
    check_same(v[2], -0x1.85ca12e788ffdp-2, "fresh[2]");

    // g = torch.Generator().manual_seed(7); torch.randn(4, generator=g, dtype=torch.float64)
    // An explicit generator leaves the default one alone.
    ctgrad::manual_seed(0);
    ctgrad::generator g;
    g.manual_seed(7);
    const auto u = randn<double>(4, g);
    check_same(u[0], -0x1.2ca2e8774a1cp-3, "gen7[0]");
    check_same(u[1], 0x1.92811cc01ae83p-1, "gen7[1]");
    check_same(u[2], 0x1.e4c5cd4ba2dcfp-1, "gen7[2]");
    check_same(u[3], -0x1.1d45a657cf2b6p+0, "gen7[3]");
    check_same(randn<double>(1)[0], 0x1.8a7eb8902be3ap+0, "default generator after using g");

    // A copy continues the same stream (torch.Generator.clone_state / set_state).
    ctgrad::generator h{3};
    (void)randn<double>(5, h);
    ctgrad::generator copy = h;
    BOOST_TEST((copy == h));
    BOOST_TEST((randn<double>(7, copy) == randn<double>(7, h)));
}

BOOST_AUTO_TEST_CASE(seeds_beyond_32_bits) {
    // torch.manual_seed(2**32 + 5) draws what torch.manual_seed(5) draws; initial_seed keeps all bits.
    // torch.manual_seed(-5); torch.initial_seed(); torch.randn(1, dtype=torch.float64)
    ctgrad::manual_seed((std::uint64_t{1} << 32) + 5);
    BOOST_TEST(ctgrad::initial_seed() == (std::uint64_t{1} << 32) + 5);
    const auto high = randn<float>(20);
    ctgrad::manual_seed(5);
    BOOST_TEST((randn<float>(20) == high));
    ctgrad::manual_seed(static_cast<std::uint64_t>(-5));
    BOOST_TEST(ctgrad::initial_seed() == 18446744073709551611ULL);
    check_same(randn<double>(1)[0], -0x1.d39dab6eeebf4p+0, "seed -5");
}

BOOST_AUTO_TEST_CASE(portable_kernel) {
    // ATEN_CPU_CAPABILITY=default python3 -c "import torch; torch.manual_seed(0); x = torch.randn(n).tolist(); ..."
    // (the kernel of non-AVX2 x86 machines and of other architectures)
    struct pick {
        std::size_t n, i;
        float value;
    };
    const pick picks[] = {{16, 0, -0x1.20370ap+0f},  {16, 4, 0x1.b28a2ap-1f},   {16, 5, 0x1.624f08p-1f},
                          {16, 8, 0x1.4a027p-2f},    {16, 15, -0x1.fa6cb4p-3f}, {17, 1, -0x1.b2288ep+0f},
                          {17, 4, 0x1.329b16p-1f},   {17, 5, -0x1.8e1ab6p+0f},  {17, 16, 0x1.dd1862p-1f},
                          {100, 84, -0x1.4e815ap+1f}, {100, 99, 0x1.dd0442p-3f}};
    for (const pick& p : picks) {
        ctgrad::generator g{0};
        const auto x = randn<float>(p.n, g, ctgrad::randn_path::portable);
        check_same(x[p.i], p.value, "portable randn(" + std::to_string(p.n) + ")[" + std::to_string(p.i) + "]");
    }
    // Below 16 elements, and for float64, both kernels agree.
    for (std::size_t n : {1u, 15u}) {
        ctgrad::generator a{9}, b{9};
        BOOST_TEST((randn<float>(n, a, ctgrad::randn_path::portable) == randn<float>(n, b)));
    }
    ctgrad::generator a{9}, b{9};
    BOOST_TEST((randn<double>(100, a, ctgrad::randn_path::portable) == randn<double>(100, b)));
}

BOOST_AUTO_TEST_CASE(empty_fill_draws_nothing) {
    ctgrad::generator g{1}, untouched{1};
    (void)randn<float>(0, g);
    BOOST_TEST((g == untouched));
}

BOOST_AUTO_TEST_SUITE_END()
