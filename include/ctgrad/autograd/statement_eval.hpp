// The contexts through which a statement's loops read its slots: the statement engine itself
// (operand table, loop driver, PyTorch's summation order) is eval/loop.hpp.
#ifndef CTGRAD_AUTOGRAD_STATEMENT_EVAL_HPP
#define CTGRAD_AUTOGRAD_STATEMENT_EVAL_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/slots.hpp>
#include <ctgrad/eval/fused.hpp>
#include <ctgrad/eval/loop.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <utility>

namespace ctgrad {

namespace detail {

/// Context of a statement's loop: slot K reads operand K of the table (eval/loop.hpp), as a
/// number or, with P a pack, as the elements i .. i + W - 1.
template <class P, std::size_t L>
struct slot_context {
    using scalar = P;
    const operand_table<lane_t<P>, L>& v;
    std::size_t i;
    template <class V>
    CTGRAD_ALWAYS_INLINE P get() const {
        return v.template load<P>(tslot_index<V>, i);
    }
};

/// Context of the outer function of a reduction: the slot of the reduction reads its value.
template <class T, std::size_t L>
struct outer_slot_context {
    using scalar = T;
    const operand_table<T, L>& v;
    T reduced;
    template <class V>
    CTGRAD_ALWAYS_INLINE T get() const {
        if constexpr (is_slot<V>) return reduced;
        else return v.template load<T>(tslot_index<V>, 0);
    }
};

template <class E>
using split_t = decltype(split_reductions<0>(std::declval<const E&>()));

}  // namespace detail

}  // namespace ctgrad

#endif
