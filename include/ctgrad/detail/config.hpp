// Compiler settings shared by the headers.
#ifndef CTGRAD_DETAIL_CONFIG_HPP
#define CTGRAD_DETAIL_CONFIG_HPP

/// On the per-element path of the fused loop: g++ at -O2 does not inline the sweeps over a
/// DAG on its own, and a loop that calls them cannot vectorise (30x slower at N = 1000).
#if defined(__GNUC__) || defined(__clang__)
#define CTGRAD_ALWAYS_INLINE [[gnu::always_inline]] inline
#else
#define CTGRAD_ALWAYS_INLINE inline
#endif

/// Before a loop of a few iterations known at compile time (the packs of a block, the quantities
/// of a loop): g++ at -O2 unrolls no such loop on its own, and its arrays of vectors then stay in
/// memory instead of registers (value_and_grad 4x slower than at -O3).
#if defined(CTGRAD_UNROLL)
#elif defined(__clang__)
#define CTGRAD_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define CTGRAD_UNROLL _Pragma("GCC unroll 64")
#else
#define CTGRAD_UNROLL
#endif

/// Type equality without instantiating std::is_same for each pair (a GCC and Clang builtin).
#if defined(__GNUC__) || defined(__clang__)
#define CTGRAD_IS_SAME(...) __is_same(__VA_ARGS__)
#else
#include <type_traits>
#define CTGRAD_IS_SAME(...) std::is_same_v<__VA_ARGS__>
#endif

/// Whether B is a base of D, without instantiating std::is_base_of / std::derived_from.
#if defined(__GNUC__) || defined(__clang__)
#define CTGRAD_IS_BASE_OF(...) __is_base_of(__VA_ARGS__)
#else
#define CTGRAD_IS_BASE_OF(...) std::is_base_of_v<__VA_ARGS__>
#endif

/// The run-time part of the Tensor layer depends on no statement's type: printing, storage,
/// the backward engine across statements, the factories, random numbers. By default it is
/// defined inline in the headers (nothing to link). With CTGRAD_SEPARATE_RUNTIME defined (CMake:
/// link ctgrad::runtime, which defines it for its users) the headers only declare it, and the
/// ctgrad_runtime library compiles it once, for float and double: a program's compile then
/// generates code only for its own statements. Every translation unit of a program must agree.
#if defined(CTGRAD_SEPARATE_RUNTIME) && !defined(CTGRAD_BUILDING_RUNTIME)
#define CTGRAD_RUNTIME_DEFINITIONS 0
#else
#define CTGRAD_RUNTIME_DEFINITIONS 1
#endif
/// On a non-template function of that part: inline in the headers, an ordinary function in
/// the library.
/// create_graph=True through Tensor statements (autograd/create_graph.hpp): with
/// CTGRAD_CREATE_GRAPH defined to 1 before the first ctgrad header, each statement that
/// requires grad also compiles its backward as statements of its compile-time derivative, so
/// that gradients computed with create_graph=True can be differentiated again. Off by default:
/// it makes a program with many statements compile about half again as long. Every translation
/// unit of a program must make the same choice.
#ifndef CTGRAD_CREATE_GRAPH
#define CTGRAD_CREATE_GRAPH 0
#endif

#if defined(CTGRAD_SEPARATE_RUNTIME)
#define CTGRAD_RUNTIME_INLINE
#else
#define CTGRAD_RUNTIME_INLINE inline
#endif

#endif
