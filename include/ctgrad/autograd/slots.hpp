// The variables of a tensor statement: slot K is a ctgrad variable with a reserved name, so
// a statement is an ordinary ctgrad expression over its numbered operands.
#ifndef CTGRAD_AUTOGRAD_SLOTS_HPP
#define CTGRAD_AUTOGRAD_SLOTS_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/core/reductions.hpp>
#include <ctgrad/eval/simd.hpp>

#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

namespace ctgrad {

namespace detail {

/// The operands (tensors and numbers) one statement reads at most.
inline constexpr std::size_t max_statement_slots = 64;

/// Slot K of a statement, "\x02" and two digits: no user variable starts with that character.
template <std::size_t K>
inline constexpr fixed_string<4> tslot_name = [] {
    static_assert(K < 64, "ctgrad: at most 64 tensors and numbers in one statement; assign part of it to a Tensor");
    fixed_string<4> s;
    s.chars[0] = '\x02';
    s.chars[1] = static_cast<char>('0' + K / 10);
    s.chars[2] = static_cast<char>('0' + K % 10);
    return s;
}();
template <std::size_t K>
using tslot = variable<tslot_name<K>>;

consteval std::size_t tslot_number(std::string_view name) {
    return std::size_t(name[1] - '0') * 10 + std::size_t(name[2] - '0');
}
template <class V>
inline constexpr std::size_t tslot_index = tslot_number(V::name());

/// E with every slot number raised by Off (the right operand's slots follow the left's).
template <class E, std::size_t Off> struct shift { using type = E; };
template <fixed_string N, std::size_t Off>
struct shift<variable<N>, Off> { using type = tslot<tslot_number(N.view()) + Off>; };
template <class Op, class A, std::size_t Off>
struct shift<unary<Op, A>, Off> { using type = unary<Op, typename shift<A, Off>::type>; };
template <class Op, class L, class R, std::size_t Off>
struct shift<binary<Op, L, R>, Off> { using type = binary<Op, typename shift<L, Off>::type, typename shift<R, Off>::type>; };
template <class E, std::size_t Off> using shift_t = typename shift<E, Off>::type;

/// The number of slots in E (each slot occurs once).
template <class E> inline constexpr std::size_t slot_count = 0;
template <fixed_string N> inline constexpr std::size_t slot_count<variable<N>> = 1;
template <class Op, class A> inline constexpr std::size_t slot_count<unary<Op, A>> = slot_count<A>;
template <class Op, class L, class R>
inline constexpr std::size_t slot_count<binary<Op, L, R>> = slot_count<L> + slot_count<R>;

/// Where a statement's backward puts the adjoint of a slot: nowhere; into its gradient
/// element by element; or, for a slot of one element read by every element, summed in
/// PyTorch's order (the loop returns those sums).
enum class sink_kind : unsigned char { none, each, summed };

/// The adjoints r[1 + K] of element(s) i of a statement (or of a reduction's body) E: added
/// into the gradients of the slots taken element by element, returned for the summed ones (+0
/// for the others, masked without a branch). Called with E as a function template argument:
/// given as a tag object `uses_slot<Body>{}` from the loop's lambda, with Body a decltype alias,
/// g++ 12 resolved Body as another statement's and lost a gradient (see split_parts and
/// unit/statement_instantiation_order.cpp).
template <class E, class T, std::size_t L, class R, std::size_t... K>
CTGRAD_ALWAYS_INLINE auto accumulate_adjoints(std::index_sequence<K...>, const std::array<T*, L>& sinks,
                                              const std::array<sink_kind, L>& kinds, std::size_t i, const R& r) {
    using P = std::remove_cvref_t<decltype(r[0])>;
    ((depends_on<E, tslot<K>> && kinds[K] == sink_kind::each
          ? store_lanes(sinks[K] + i, load_as<P>(sinks[K] + i) + r[1 + K])
          : void()),
     ...);
    return std::array<P, L>{(depends_on<E, tslot<K>> ? keep_if(r[1 + K], kinds[K] == sink_kind::summed) : P(T(0)))...};
}

/// Whether backward reads no value (sums and differences only, the op tags' `linear`): such a
/// statement keeps nothing that a second backward could miss.
template <class E> struct linear_statement_trait : std::bool_constant<is_variable<E> || is_constant<E>> {};
template <class E> concept linear_statement = linear_statement_trait<E>::value;
template <class Op, class A> struct linear_statement_trait<unary<Op, A>> : std::bool_constant<Op::linear && linear_statement<A>> {};
template <class Op, class L, class R> struct linear_statement_trait<binary<Op, L, R>> : std::bool_constant<Op::linear && linear_statement<L> && linear_statement<R>> {};

}  // namespace detail

}  // namespace ctgrad

#endif
