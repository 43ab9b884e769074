// Explicit vectors for the loops over elements: `pack<T, W>`, W lanes of T in one register of
// the target (GCC and Clang vector extensions), so a loop body evaluated on packs is vector
// code at every optimisation level, not only where the compiler's auto-vectoriser decides to.
//
// Arithmetic (+, -, *, /, negation, integer powers) runs on whole packs; every other op is
// applied lane by lane with its scalar `value`, the same function the scalar path calls, so a
// pack gives in each lane exactly what the scalar code gives for that element.
#ifndef CTGRAD_EVAL_SIMD_HPP
#define CTGRAD_EVAL_SIMD_HPP

#include <ctgrad/core/ops.hpp>
#include <ctgrad/detail/config.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace ctgrad::detail {

/// The width of the target's vector registers in bytes: 64 with AVX-512, 32 with AVX, else 16
/// (SSE2, NEON). A pack never exceeds it, so no function passes a vector the target cannot hold.
#if defined(__AVX512F__)
inline constexpr std::size_t vector_bytes = 64;
#elif defined(__AVX__)
inline constexpr std::size_t vector_bytes = 32;
#else
inline constexpr std::size_t vector_bytes = 16;
#endif

/// The lanes of T in one vector register: 1 (numbers only) for types other than float and
/// double.
template <class T>
inline constexpr std::size_t native_lanes =
    CTGRAD_IS_SAME(T, float) || CTGRAD_IS_SAME(T, double) ? vector_bytes / sizeof(T) : 1;

/// W lanes of T.
template <class T, std::size_t W>
struct pack {
    using element = T;
    static constexpr std::size_t lanes = W;
    typedef T vec __attribute__((vector_size(W * sizeof(T))));
    /// Lanes of all ones or all zeros, as a comparison of two packs gives.
    using bits = std::conditional_t<sizeof(T) == 8, std::int64_t, std::int32_t>;
    typedef bits mask __attribute__((vector_size(W * sizeof(T))));
    vec v;

    CTGRAD_ALWAYS_INLINE pack() = default;
    /// Every lane x. (Not vec{} + x, which turns -0 into +0: x - (+0) is x for every x.)
    CTGRAD_ALWAYS_INLINE constexpr pack(T x) : v(x - vec{}) {}  // NOLINT: a number broadcasts, as in the scalar code
    CTGRAD_ALWAYS_INLINE constexpr explicit pack(vec x, int) : v(x) {}

    /// W elements from `p` (any alignment).
    CTGRAD_ALWAYS_INLINE static pack load(const T* p) {
        pack r;
        std::memcpy(&r.v, p, sizeof(vec));
        return r;
    }
    CTGRAD_ALWAYS_INLINE void store(T* p) const { std::memcpy(p, &v, sizeof(vec)); }
    CTGRAD_ALWAYS_INLINE constexpr T operator[](std::size_t l) const { return v[l]; }
    CTGRAD_ALWAYS_INLINE constexpr void set(std::size_t l, T x) { v[l] = x; }
    /// The lanes where `m` is all ones, +0 where it is zero: a select without a branch.
    CTGRAD_ALWAYS_INLINE pack kept(mask m) const { return pack((vec)((mask)v & m), 0); }

    CTGRAD_ALWAYS_INLINE friend constexpr pack operator+(pack a, pack b) { return pack(a.v + b.v, 0); }
    CTGRAD_ALWAYS_INLINE friend constexpr pack operator-(pack a, pack b) { return pack(a.v - b.v, 0); }
    CTGRAD_ALWAYS_INLINE friend constexpr pack operator*(pack a, pack b) { return pack(a.v * b.v, 0); }
    CTGRAD_ALWAYS_INLINE friend constexpr pack operator/(pack a, pack b) { return pack(a.v / b.v, 0); }
    CTGRAD_ALWAYS_INLINE friend constexpr pack operator-(pack a) { return pack(-a.v, 0); }
    CTGRAD_ALWAYS_INLINE constexpr pack& operator+=(pack b) {
        v += b.v;
        return *this;
    }
};

template <class T> struct is_pack_trait : std::bool_constant<false> {};
template <class T, std::size_t W> struct is_pack_trait<pack<T, W>> : std::bool_constant<true> {};
template <class T> concept is_pack = is_pack_trait<T>::value;

/// The element type: T for T, T for pack<T, W>.
template <class T> struct lane_type_of { using type = T; };
template <class T, std::size_t W> struct lane_type_of<pack<T, W>> { using type = T; };
template <class T> using lane_t = typename lane_type_of<T>::type;

/// Ops whose `value` is arithmetic only, so it runs on whole packs.
template <class Op> inline constexpr bool packed_value = false;
template <> inline constexpr bool packed_value<add_op> = true;
template <> inline constexpr bool packed_value<sub_op> = true;
template <> inline constexpr bool packed_value<mul_op> = true;
template <> inline constexpr bool packed_value<div_op> = true;
template <> inline constexpr bool packed_value<neg_op> = true;
template <std::intmax_t N> inline constexpr bool packed_value<ipow_op<N>> = true;

/// Op(a) for a number or a pack.
template <class Op, class T>
CTGRAD_ALWAYS_INLINE constexpr T apply_op(T a) {
    if constexpr (!is_pack<T> || packed_value<Op>) {
        return Op::value(a);
    } else {
        T r;
        for (std::size_t l = 0; l != T::lanes; ++l) r.set(l, Op::value(a[l]));
        return r;
    }
}

/// Op(a, b) for numbers or packs.
template <class Op, class T>
CTGRAD_ALWAYS_INLINE constexpr T apply_op(T a, T b) {
    if constexpr (!is_pack<T> || packed_value<Op>) {
        return Op::value(a, b);
    } else {
        T r;
        for (std::size_t l = 0; l != T::lanes; ++l) r.set(l, Op::value(a[l], b[l]));
        return r;
    }
}

/// +0 where c != 0, else x: a masked partial's select (eval/dag.hpp), lane by lane for packs.
template <class T>
CTGRAD_ALWAYS_INLINE constexpr T zero_where(T c, T x) {
    if constexpr (!is_pack<T>) {
        return c != T(0) ? T(0) : x;
    } else {
        const typename T::mask keep = (c.v == typename T::vec{});  // all ones where c == 0 (a nan c is not 0)
        return x.kept(keep);
    }
}

/// x where `keep`, else +0, without a branch (a pack's lanes all kept or all cleared).
template <class T>
CTGRAD_ALWAYS_INLINE T keep_if(T x, bool keep) {
    if constexpr (!is_pack<T>) {
        return keep ? x : T(0);
    } else {
        return x.kept(typename T::mask{} - static_cast<typename T::bits>(keep));  // all ones or all zeros
    }
}

/// T for W = 1, else pack<T, W>.
template <class T, std::size_t W>
using lanes_of = std::conditional_t<W == 1, T, pack<T, W>>;

/// The elements p[0 .. W) as P (a number, or a pack of W lanes), converted to its lane type.
template <class P, class E>
CTGRAD_ALWAYS_INLINE P load_as(const E* p) {
    if constexpr (!is_pack<P>) {
        return static_cast<P>(*p);
    } else if constexpr (CTGRAD_IS_SAME(E, lane_t<P>)) {
        return P::load(p);
    } else {
        P r;
        for (std::size_t l = 0; l != P::lanes; ++l) r.set(l, static_cast<lane_t<P>>(p[l]));
        return r;
    }
}

/// Writes P (a number or a pack) at out[0 .. W).
template <class P, class T>
CTGRAD_ALWAYS_INLINE void store_lanes(T* out, const P& v) {
    if constexpr (!is_pack<P>) {
        *out = static_cast<T>(v);
    } else if constexpr (CTGRAD_IS_SAME(T, typename P::element)) {
        v.store(out);
    } else {
        for (std::size_t l = 0; l != P::lanes; ++l) out[l] = static_cast<T>(v[l]);
    }
}

}  // namespace ctgrad::detail

#endif
