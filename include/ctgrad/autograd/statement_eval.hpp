// How a statement's loops read its slots: a binding map from slot K to operand K, read by the
// contexts of eval/fused.hpp; the loop driver and PyTorch's summation order are eval/loop.hpp.
#ifndef CTGRAD_AUTOGRAD_STATEMENT_EVAL_HPP
#define CTGRAD_AUTOGRAD_STATEMENT_EVAL_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/slots.hpp>
#include <ctgrad/eval/fused.hpp>
#include <ctgrad/eval/loop.hpp>

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctgrad {

namespace detail {

/// The binding map of a statement: slot K bound to operand K.
template <class T, std::size_t... K>
auto slot_map(const std::array<runtime_operand<T>, sizeof...(K)>& ops, std::index_sequence<K...>) {
    return make_binding_map<tslot<K>...>(&ops[K]...);
}

template <class E>
using split_t = decltype(split_reductions<0>(std::declval<const E&>()));

/// The parts of a statement of one reduction, G(..., R(Body)): G with the reduction as slot<0>,
/// R and its Body. Named through a class template's members, not by decltype of a declval at
/// the point of use: g++ 12 resolved such a decltype alias, used as a template argument in a
/// generic lambda nested in another, as the one of another statement of the translation unit.
template <class E>
struct split_parts {
    using outer = std::remove_cvref_t<decltype(std::declval<split_t<E>>().first)>;
    using reduction = std::remove_cvref_t<decltype(boost::hana::at_c<0>(std::declval<split_t<E>>().second))>;
    using body = typename reduction::operand_type;
};

}  // namespace detail

}  // namespace ctgrad

#endif
