// The evaluation of a statement's loops: views of its slots, the contexts that read them
// element by element, and torch_sum, the sums in PyTorch's order.
#ifndef CTGRAD_AUTOGRAD_STATEMENT_EVAL_HPP
#define CTGRAD_AUTOGRAD_STATEMENT_EVAL_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/slots.hpp>
#include <ctgrad/eval/fused.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <utility>

namespace ctgrad {

namespace detail {

template <class T, std::size_t L>
struct slot_views {
    std::array<const T*, L> p{};
    std::array<std::size_t, L> s{};  ///< 1: one element per index; 0: broadcast
};

template <class T, std::size_t L>
struct slot_context {
    using scalar = T;
    const slot_views<T, L>& v;
    std::size_t i;
    template <class V>
    CTGRAD_ALWAYS_INLINE T get() const {
        constexpr std::size_t k = tslot_index<V>;
        return v.p[k][i * v.s[k]];
    }
};

/// Context of the outer function of a reduction: the slot of the reduction reads its value.
template <class T, std::size_t L>
struct outer_slot_context {
    using scalar = T;
    const slot_views<T, L>& v;
    T reduced;
    template <class V>
    CTGRAD_ALWAYS_INLINE T get() const {
        if constexpr (is_slot<V>) return reduced;
        else return v.p[tslot_index<V>][0];
    }
};

template <class E>
using split_t = decltype(split_reductions<0>(std::declval<const E&>()));

/// M sums over i < n of value(i) (a std::array<T, M>), each added in the order of PyTorch
/// 1.13's CPU sum kernel (cascade_sum with 32-byte vectors, as built for AVX2): the same
/// order gives the same float bits as torch.sum and as the reduction of a broadcast gradient.
/// Each value(i) is computed once, in increasing i within each block.
template <class T, std::size_t M, class F>
std::array<T, M> torch_sum(std::size_t n, const F& value) {
    using A = std::array<T, M>;
    constexpr std::size_t lanes = 32 / sizeof(T);
    const auto add = [](A& a, const A& b) {
        for (std::size_t m = 0; m != M; ++m) a[m] += b[m];
    };
    // row_sum with 4 interleaved accumulators and 4 cascade levels over `size` rows of 4;
    // Acc is A or a vector of lanes A's.
    const auto multi_row_sum = [](std::size_t size, const auto& load, auto zero, const auto& plus) {
        using Acc = decltype(zero);
        constexpr std::size_t levels = 4;
        const std::size_t bits = size <= 2 ? 1 : static_cast<std::size_t>(std::bit_width(size - 1));
        const std::size_t level_power = std::max<std::size_t>(4, bits / levels);
        const std::size_t level_step = std::size_t(1) << level_power;
        const std::size_t level_mask = level_step - 1;
        std::array<std::array<Acc, 4>, levels> acc;
        for (auto& r : acc) r.fill(zero);
        std::size_t i = 0;
        while (i + level_step <= size) {
            for (std::size_t j = 0; j != level_step; ++j, ++i)
                for (std::size_t k = 0; k != 4; ++k) plus(acc[0][k], load(i, k));
            for (std::size_t j = 1; j != levels; ++j) {
                for (std::size_t k = 0; k != 4; ++k) {
                    plus(acc[j][k], acc[j - 1][k]);
                    acc[j - 1][k] = zero;
                }
                if ((i & (level_mask << (j * level_power))) != 0) break;
            }
        }
        for (; i < size; ++i)
            for (std::size_t k = 0; k != 4; ++k) plus(acc[0][k], load(i, k));
        for (std::size_t j = 1; j != levels; ++j)
            for (std::size_t k = 0; k != 4; ++k) plus(acc[0][k], acc[j][k]);
        return acc[0];
    };
    if (n < lanes) {  // scalar_inner_sum
        const std::size_t rows = n / 4;
        auto p = multi_row_sum(rows, [&](std::size_t i, std::size_t k) { return value(i * 4 + k); }, A{}, add);
        for (std::size_t i = rows * 4; i < n; ++i) add(p[0], value(i));
        for (std::size_t k = 1; k != 4; ++k) add(p[0], p[k]);
        return p[0];
    }
    // vectorized_inner_sum: rows of 4 vectors, lane by lane; then the tail, then the lanes.
    using V = std::array<A, lanes>;
    const auto vadd = [&](V& a, const V& b) {
        for (std::size_t l = 0; l != lanes; ++l) add(a[l], b[l]);
    };
    const auto vload = [&](std::size_t vi) {
        V r;
        for (std::size_t l = 0; l != lanes; ++l) r[l] = value(vi * lanes + l);
        return r;
    };
    const std::size_t vectors = n / lanes;
    const std::size_t rows = vectors / 4;
    auto p = multi_row_sum(rows, [&](std::size_t i, std::size_t k) { return vload(i * 4 + k); }, V{}, vadd);
    for (std::size_t i = rows * 4; i < vectors; ++i) vadd(p[0], vload(i));
    for (std::size_t k = 1; k != 4; ++k) vadd(p[0], p[k]);
    A total{};
    for (std::size_t i = vectors * lanes; i < n; ++i) add(total, value(i));
    for (std::size_t l = 0; l != lanes; ++l) add(total, p[0][l]);
    return total;
}

}  // namespace detail

}  // namespace ctgrad

#endif
