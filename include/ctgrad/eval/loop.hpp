// The loop driver: runs a body over the elements [begin, end) on explicit vectors and sums the
// M quantities it returns, in one of two orders. Both `value_and_grad` (eval/fused.hpp) and
// the Tensor layer's statements run their loops here.
//
// The body is called as body(width, i) with `width` a std::integral_constant: width 1 gives
// the quantities of element i as numbers (std::array<T, M>), width W (the target's lanes,
// eval/simd.hpp) those of elements i .. i + W - 1 as packs. It may also write per-element
// results (gradients) itself.
//
// The sums are kept per lane of a block of 128 bytes (32 floats or 16 doubles): lane q adds
// the elements whose position in their block is q. A block is evaluated as 128 / vector_bytes
// packs, so the order of additions, and the result, depends only on n, not on whether the
// target has SSE, AVX2 or AVX-512. Two orders:
//   fast_order   blocks of 128 elements per lane form a chunk, chunks are joined by a cascade
//                (a binary counter, as PyTorch's cascade_sum): rounding error grows with
//                log n, and a float sum of 1e7 terms keeps 7 digits;
//   torch_order  PyTorch 1.13's CPU sum kernel (cascade_sum with 32-byte vectors, as built for
//                AVX2): 4 vectors of 32 bytes per row are one block, with PyTorch's 4 levels,
//                so a sum has the float bits of torch.sum and of the reduction of a broadcast
//                gradient.
#ifndef CTGRAD_EVAL_LOOP_HPP
#define CTGRAD_EVAL_LOOP_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/eval/simd.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <type_traits>

namespace ctgrad::detail {

struct fast_order {};
struct torch_order {};

template <std::size_t W>
using width_c = std::integral_constant<std::size_t, W>;

/// The elements of one block, and the packs it is evaluated as.
template <class T>
inline constexpr std::size_t block_lanes = 128 / sizeof(T);

/// Per-lane sums of M quantities over whole blocks: acc[m][p] holds lanes p W .. p W + W - 1.
template <class T, std::size_t M>
struct block_sums {
    static constexpr std::size_t W = native_lanes<T>;
    static constexpr std::size_t P = block_lanes<T> / W;
    lanes_of<T, W> acc[M][P];

    CTGRAD_ALWAYS_INLINE void clear() {
        CTGRAD_UNROLL
        for (std::size_t m = 0; m != M; ++m)
            CTGRAD_UNROLL
            for (std::size_t p = 0; p != P; ++p) acc[m][p] = lanes_of<T, W>(T(0));
    }
    /// Adds the block of elements [i, i + block_lanes).
    template <class Body>
    CTGRAD_ALWAYS_INLINE void add_block(std::size_t i, const Body& body) {
        CTGRAD_UNROLL
        for (std::size_t p = 0; p != P; ++p) {
            const std::array<lanes_of<T, W>, M> q = body(width_c<W>{}, i + p * W);
            CTGRAD_UNROLL
            for (std::size_t m = 0; m != M; ++m) acc[m][p] += q[m];
        }
    }
    /// Adds the `packs` packs of elements from i into the first lanes (a block's beginning).
    template <class Body>
    CTGRAD_ALWAYS_INLINE void add_packs(std::size_t i, std::size_t packs, const Body& body) {
        for (std::size_t p = 0; p < packs; ++p) {
            const std::array<lanes_of<T, W>, M> q = body(width_c<W>{}, i + p * W);
            CTGRAD_UNROLL
            for (std::size_t m = 0; m != M; ++m) acc[m][p] += q[m];
        }
    }
    CTGRAD_ALWAYS_INLINE void add(const block_sums& o) {
        CTGRAD_UNROLL
        for (std::size_t m = 0; m != M; ++m)
            CTGRAD_UNROLL
            for (std::size_t p = 0; p != P; ++p) acc[m][p] += o.acc[m][p];
    }
    /// The lanes as numbers: out[m][q].
    CTGRAD_ALWAYS_INLINE void store(T (&out)[M][block_lanes<T>]) const {
        CTGRAD_UNROLL
        for (std::size_t m = 0; m != M; ++m)
            CTGRAD_UNROLL
            for (std::size_t p = 0; p != P; ++p) store_lanes(out[m] + p * W, acc[m][p]);
    }
};

/// Lanes pairwise, s[j] += s[j + w] for w = BL / 2, ..., 1: on packs while w is a whole
/// number of them, then one by one.
template <class T, std::size_t BL>
CTGRAD_ALWAYS_INLINE T pairwise_lanes(T (&s)[BL]) {
    constexpr std::size_t W = native_lanes<T>;
    using P = lanes_of<T, W>;
    std::size_t w = BL / 2;
    for (; w >= W && w != 0; w /= 2)
        for (std::size_t j = 0; j < w; j += W) store_lanes(s + j, load_as<P>(s + j) + load_as<P>(s + j + w));
    for (; w != 0; w /= 2)
        for (std::size_t j = 0; j != w; ++j) s[j] += s[j + w];
    return s[0];
}

/// One chunk of fast_order: whole blocks on packs, then the rest of the chunk into the first
/// lanes (element j of the rest into lane j), as packs and then one by one; then the lanes
/// pairwise.
template <class T, std::size_t M, class Body>
std::array<T, M> fast_chunk(std::size_t begin, std::size_t end, const Body& body) {
    constexpr std::size_t BL = block_lanes<T>;
    constexpr std::size_t W = native_lanes<T>;
    block_sums<T, M> sums;
    sums.clear();
    const std::size_t blocks = (end - begin) / BL;
    for (std::size_t b = 0; b < blocks; ++b) sums.add_block(begin + b * BL, body);
    const std::size_t rest = begin + blocks * BL;
    const std::size_t packs = (end - rest) / W;
    sums.add_packs(rest, packs, body);
    T s[M][BL];
    sums.store(s);
    for (std::size_t i = rest + packs * W, j = packs * W; i < end; ++i, ++j) {
        const std::array<T, M> q = body(width_c<1>{}, i);
        for (std::size_t m = 0; m != M; ++m) s[m][j] += q[m];
    }
    std::array<T, M> total;
    for (std::size_t m = 0; m != M; ++m) total[m] = pairwise_lanes(s[m]);
    return total;
}

/// fast_order over [begin, end). Fewer than two blocks take a plain loop, small enough to
/// inline, where reducing the lanes would cost more than it saves.
template <class T, std::size_t M, class Body>
std::array<T, M> sum_elements(fast_order, std::size_t begin, std::size_t end, const Body& body) {
    constexpr std::size_t BL = block_lanes<T>;
    constexpr std::size_t chunk = 128 * BL;  // 128 terms per lane
    std::array<T, M> total{};
    if constexpr (M != 0) {
        if (end - begin < 2 * BL) {
            for (std::size_t i = begin; i < end; ++i) {
                const std::array<T, M> q = body(width_c<1>{}, i);
                for (std::size_t m = 0; m != M; ++m) total[m] += q[m];
            }
            return total;
        }
        if (end - begin <= chunk) return fast_chunk<T, M>(begin, end, body);
        std::array<T, M> levels[64];  // levels[k]: the sum of 2^k chunks while bit k of `chunks` is set
        std::size_t chunks = 0;
        for (std::size_t i = begin; i < end; i += chunk) {
            std::array<T, M> v = fast_chunk<T, M>(i, end - i < chunk ? end : i + chunk, body);
            std::size_t k = 0;
            for (; (chunks >> k) & 1U; ++k)
                for (std::size_t m = 0; m != M; ++m) v[m] = levels[k][m] + v[m];
            levels[k] = v;
            ++chunks;
        }
        bool first = true;
        for (std::size_t k = 0; k != 64; ++k) {
            if (!((chunks >> k) & 1U)) continue;
            for (std::size_t m = 0; m != M; ++m) total[m] = first ? levels[k][m] : total[m] + levels[k][m];
            first = false;
        }
    }
    return total;
}

/// PyTorch's multi_row_sum: `rows` rows added into 4 levels of accumulators, each row into
/// level 0, level j - 1 moved into level j every 2^(j level_power) rows. `add_row(acc, r)` adds
/// row r into `acc`; `merge(a, b)` adds b into a; `clear(a)` zeroes it.
template <class Acc, class AddRow, class Merge, class Clear>
CTGRAD_ALWAYS_INLINE void torch_multi_row_sum(std::size_t rows, Acc (&acc)[4], const AddRow& add_row, const Merge& merge,
                                              const Clear& clear) {
    constexpr std::size_t levels = 4;
    const std::size_t bits = rows <= 2 ? 1 : static_cast<std::size_t>(std::bit_width(rows - 1));
    const std::size_t level_power = std::max<std::size_t>(4, bits / levels);
    const std::size_t level_step = std::size_t(1) << level_power;
    const std::size_t level_mask = level_step - 1;
    for (auto& a : acc) clear(a);
    std::size_t i = 0;
    while (i + level_step <= rows) {
        for (std::size_t j = 0; j != level_step; ++j, ++i) add_row(acc[0], i);
        for (std::size_t j = 1; j != levels; ++j) {
            merge(acc[j], acc[j - 1]);
            clear(acc[j - 1]);
            if ((i & (level_mask << (j * level_power))) != 0) break;
        }
    }
    for (; i < rows; ++i) add_row(acc[0], i);
    for (std::size_t j = 1; j != levels; ++j) merge(acc[0], acc[j]);
}

/// torch_order over [0, n).
template <class T, std::size_t M, class Body>
std::array<T, M> sum_elements(torch_order, std::size_t n, const Body& body) {
    using A = std::array<T, M>;
    constexpr std::size_t lanes = 32 / sizeof(T);  // PyTorch's Vectorized<T> as built for AVX2
    constexpr std::size_t BL = block_lanes<T>;     // a row: 4 such vectors
    static_assert(BL == 4 * lanes);
    const auto add = [](A& a, const A& b) {
        for (std::size_t m = 0; m != M; ++m) a[m] += b[m];
    };
    if (n < lanes) {  // scalar_inner_sum: rows of 4 numbers
        const std::size_t rows = n / 4;
        A acc[4][4];
        torch_multi_row_sum(
            rows, acc,
            [&](A (&a)[4], std::size_t r) {
                for (std::size_t k = 0; k != 4; ++k) add(a[k], body(width_c<1>{}, r * 4 + k));
            },
            [&](A (&a)[4], const A (&b)[4]) {
                for (std::size_t k = 0; k != 4; ++k) add(a[k], b[k]);
            },
            [](A (&a)[4]) {
                for (auto& x : a) x = A{};
            });
        for (std::size_t i = rows * 4; i < n; ++i) add(acc[0][0], body(width_c<1>{}, i));
        for (std::size_t k = 1; k != 4; ++k) add(acc[0][0], acc[0][k]);
        return acc[0][0];
    }
    // vectorized_inner_sum: rows of 4 vectors (one block) on packs; the vectors after the last
    // whole row into the first vector, lane by lane; the 4 vectors into the first; then the
    // elements after the last whole vector, and the lanes in order.
    const std::size_t vectors = n / lanes;
    const std::size_t rows = vectors / 4;
    // Without a whole row the accumulators and levels stay +0, and adding +0 changes no sum that
    // started from +0 (such a sum is never -0): they are skipped, so a short sum costs its elements.
    T s[M][BL] = {};
    if (rows != 0) {
        block_sums<T, M> acc[4];
        torch_multi_row_sum(
            rows, acc, [&](block_sums<T, M>& a, std::size_t r) { a.add_block(r * BL, body); },
            [](block_sums<T, M>& a, const block_sums<T, M>& b) { a.add(b); }, [](block_sums<T, M>& a) { a.clear(); });
        acc[0].store(s);
    }
    for (std::size_t v = rows * 4; v < vectors; ++v) {
        for (std::size_t l = 0; l != lanes; ++l) {
            const A q = body(width_c<1>{}, v * lanes + l);
            for (std::size_t m = 0; m != M; ++m) s[m][l] += q[m];
        }
    }
    if (rows != 0) {
        for (std::size_t k = 1; k != 4; ++k)
            for (std::size_t m = 0; m != M; ++m)
                for (std::size_t l = 0; l != lanes; ++l) s[m][l] += s[m][k * lanes + l];
    }
    A total{};
    for (std::size_t i = vectors * lanes; i < n; ++i) add(total, body(width_c<1>{}, i));
    for (std::size_t l = 0; l != lanes; ++l)
        for (std::size_t m = 0; m != M; ++m) total[m] += s[m][l];
    return total;
}

/// A bound value whose kind is known at run time only (a Tensor's operand): an array (element i
/// at p[i]) or one number for every element. Decided once, before the loop: a number is spread
/// over a vector's lanes and its offset mask is 0, so element i is always at p + (i & mask), one
/// load for numbers and packs alike, with no test per element. A loop's context reads it through
/// a pointer in the binding map, as it reads a std::span or a number (eval/fused.hpp).
template <class T>
struct runtime_operand {
    static constexpr std::size_t W = native_lanes<T>;
    const T* p = nullptr;
    std::size_t mask = 0;
    alignas(vector_bytes) T spread[W];

    runtime_operand() = default;
    runtime_operand(const runtime_operand&) = delete;  // p points into spread
    runtime_operand& operator=(const runtime_operand&) = delete;

    void set_array(const T* data) {
        p = data;
        mask = ~std::size_t(0);
    }
    void set_number(T x) {
        for (std::size_t l = 0; l != W; ++l) spread[l] = x;
        p = spread;
        mask = 0;
    }
    bool is_number() const { return mask == 0; }
    /// The value at element i, as P (T, or a pack of elements i .. i + W - 1).
    template <class P>
    CTGRAD_ALWAYS_INLINE P load(std::size_t i) const {
        const T* q = p + (i & mask);
        if constexpr (is_pack<P>) return P::load(q);
        else return *q;
    }
};

/// Runs body(width, i) over [begin, end) for its effects (per-element results): packs of the
/// target's width, then the rest one by one.
template <class T, class Body>
void for_elements(std::size_t begin, std::size_t end, const Body& body) {
    constexpr std::size_t W = native_lanes<T>;
    const std::size_t packs = (end - begin) / W;  // counted, so that the compiler bounds both loops
    for (std::size_t j = 0; j < packs; ++j) body(width_c<W>{}, begin + j * W);
    for (std::size_t i = begin + packs * W; i < end; ++i) body(width_c<1>{}, i);
}

}  // namespace ctgrad::detail

#endif
