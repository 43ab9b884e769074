// Shared subexpressions: an expression as a DAG of its distinct nodes, evaluated once each,
// and reverse-mode adjoint accumulation over that DAG.
//
// Expression templates store a tree: `auto s = x*y + sin(x); auto f = sin(s)*x + s*y;` holds
// `s` twice, and a chain of k such steps holds its first step 2^k times. Here a node is
// identified by its type when it holds no runtime state; `dag<E>` lists the distinct node types
// of E children-first, so a forward sweep computes each node once and a reverse sweep
// accumulates adjoints  a[child] += a[node] * d node / d child  with each op's partials
// (core/ops.hpp). Work and generated code grow with the number of distinct nodes.
//
// Nodes with runtime state (runtime literals) of one type are the same node only when their
// values are equal: `dag_state` checks this at run time, and a caller falls back to evaluating
// the tree when two nodes share a type but not their values (x * 0.5 + x * 0.7).
#ifndef CTGRAD_EVAL_DAG_HPP
#define CTGRAD_EVAL_DAG_HPP

#include <ctgrad/core/ops.hpp>
#include <ctgrad/detail/config.hpp>
#include <ctgrad/eval/context.hpp>

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctgrad::detail {

template <class... Ts>
struct typelist {
    static constexpr std::size_t size = sizeof...(Ts);
};

// ---- the distinct nodes, children first ------------------------------------------------
//
// collect<List, E> appends E and its descendants not yet in List, in post-order, and gives
// E's position. Each entry records its operands' positions as they are found, so no step
// searches the list again. A node already present is not visited again: one step per
// distinct node and edge; membership is a fold of the __is_same builtin (std::is_same_v
// instantiates a class per pair of node types: (5n)^2 / 2 of them for a sum of n terms).

/// A node of the DAG and the positions of its operands.
template <class N, std::size_t A, std::size_t B>
struct entry {
    using node = N;
    static constexpr std::size_t a = A, b = B;
};

/// The position of the first true flag (n when none is).
consteval std::size_t first_true(const bool* flags, std::size_t n) {
    std::size_t i = 0;
    while (i != n && !flags[i]) ++i;
    return i;
}

template <class List, class E> struct collect;
template <bool Present, class List, class E, std::size_t Found> struct collect_new;

template <class... Es, class E>
struct collect<typelist<Es...>, E> {
    static constexpr bool flags[] = {CTGRAD_IS_SAME(E, typename Es::node)..., false};
    static constexpr std::size_t found = first_true(flags, sizeof...(Es));
    using impl = collect_new<(found < sizeof...(Es)), typelist<Es...>, E, found>;
    using type = typename impl::type;
    static constexpr std::size_t index = impl::index;
};

template <class List, class E, std::size_t Found>
struct collect_new<true, List, E, Found> {
    using type = List;
    static constexpr std::size_t index = Found;
};

template <class List, class Entry> struct append_entry;
template <class... Es, class Entry> struct append_entry<typelist<Es...>, Entry> { using type = typelist<Es..., Entry>; };

template <class List, class E, std::size_t Found>
struct collect_new<false, List, E, Found> {  // a leaf
    using type = typename append_entry<List, entry<E, 0, 0>>::type;
    static constexpr std::size_t index = List::size;
};
template <class List, class Op, class A, std::size_t Found>
struct collect_new<false, List, unary<Op, A>, Found> {
    using ca = collect<List, A>;
    using type = typename append_entry<typename ca::type, entry<unary<Op, A>, ca::index, ca::index>>::type;
    static constexpr std::size_t index = ca::type::size;
};
template <class List, class Op, class L, class R, std::size_t Found>
struct collect_new<false, List, binary<Op, L, R>, Found> {
    using cl = collect<List, L>;
    using cr = collect<typename cl::type, R>;
    using type = typename append_entry<typename cr::type, entry<binary<Op, L, R>, cl::index, cr::index>>::type;
    static constexpr std::size_t index = cr::type::size;
};

/// The distinct nodes of `E` (as entries), children before parents; `E` itself is last.
template <class E>
using dag = typename collect<typelist<>, E>::type;

// ---- positions ------------------------------------------------------------------------

template <class T, class List> inline constexpr bool contains_node = false;
template <class T, class... Es>
inline constexpr bool contains_node<T, typelist<Es...>> = (CTGRAD_IS_SAME(T, typename Es::node) || ...);

/// The position of node type `T` in `List`.
template <class T, class List> inline constexpr std::size_t index_in = 0;
template <class T, class... Es>
inline constexpr std::size_t index_in<T, typelist<Es...>> = collect<typelist<Es...>, T>::found;

// ---- per-node steps ---------------------------------------------------------------------
//
// A step is named by the op (or leaf) and the positions of its operands only, never by the
// node's whole type or the node list: a function named by either would carry a name as long
// as the expression, and n such names cost the compiler O(n^2).

/// Placeholders for an op's partials: the operands and the result.
using arg_a = variable<"#a">;
using arg_b = variable<"#b">;
using arg_r = variable<"#r">;

template <class T>
struct partial_context {
    using scalar = T;
    T a, b, r;
    template <class V>
    CTGRAD_ALWAYS_INLINE constexpr T get() const {
        if constexpr (std::is_same_v<V, arg_a>) return a;
        else if constexpr (std::is_same_v<V, arg_b>) return b;
        else return r;
    }
};

/// d op(a) / da, d op(a, b) / da and / db as expressions of the placeholders; written once in
/// core/ops.hpp, evaluated here with the placeholders bound to numbers.
template <class Op> using unary_partial = decltype(Op::partial(arg_a{}, arg_r{}));
template <class Op> using left_partial = decltype(Op::partial_l(arg_a{}, arg_b{}, arg_r{}));
template <class Op> using right_partial = decltype(Op::partial_r(arg_a{}, arg_b{}, arg_r{}));

enum class node_kind { variable, constant, literal, unary, binary };

/// What a step needs to know of a node: its kind, and its op (or the leaf itself).
template <class N>
struct step_of {
    static constexpr node_kind kind = is_variable<N> ? node_kind::variable
                                      : is_constant<N> ? node_kind::constant
                                                       : node_kind::literal;
    using tag = N;  // the leaf itself: variables and constants are small types
    static constexpr bool a_is_number = true, b_is_number = true;
};
template <class Op, class A>
struct step_of<unary<Op, A>> {
    static constexpr node_kind kind = node_kind::unary;
    using tag = Op;
    static constexpr bool a_is_number = is_number<A>, b_is_number = true;
};
template <class Op, class L, class R>
struct step_of<binary<Op, L, R>> {
    static constexpr node_kind kind = node_kind::binary;
    using tag = Op;
    static constexpr bool a_is_number = is_number<L>, b_is_number = is_number<R>;
};

/// The value at position I from the operands' values, the context (variables) and the
/// runtime literals (`lits`, by position).
template <node_kind Kind, class Tag, std::size_t I, std::size_t A, std::size_t B, class T, std::size_t V, class Ctx>
CTGRAD_ALWAYS_INLINE constexpr T forward_step(const std::array<T, V>& v, const Ctx& ctx, const double* lits) {
    if constexpr (Kind == node_kind::variable) return ctx.template get<Tag>();
    else if constexpr (Kind == node_kind::constant) return Tag::template as<T>();
    else if constexpr (Kind == node_kind::literal) return static_cast<T>(lits[I]);
    else if constexpr (Kind == node_kind::unary) return Tag::value(v[A]);
    else return Tag::value(v[A], v[B]);
}

/// Passes the adjoint at position I to the operands: adj[a] += adj[I] * d node / d a.
template <node_kind Kind, class Tag, std::size_t I, std::size_t A, std::size_t B, bool ANumber, bool BNumber, class T,
          std::size_t V>
CTGRAD_ALWAYS_INLINE constexpr void backward_step(const std::array<T, V>& v, std::array<T, V>& adj) {
    if constexpr (Kind == node_kind::unary) {
        using P = unary_partial<Tag>;
        if constexpr (!is_zero<P> && !ANumber) adj[A] += adj[I] * eval(P{}, partial_context<T>{v[A], T(0), v[I]});
    } else if constexpr (Kind == node_kind::binary) {
        const partial_context<T> pc{v[A], v[B], v[I]};
        using PL = left_partial<Tag>;
        using PR = right_partial<Tag>;
        if constexpr (!is_zero<PL> && !ANumber) adj[A] += adj[I] * eval(PL{}, pc);
        if constexpr (!is_zero<PR> && !BNumber) adj[B] += adj[I] * eval(PR{}, pc);
    }
}

/// The runtime literals of `e` by position, and whether every two stateful nodes of one type
/// hold equal values (otherwise the DAG would merge different numbers).
template <class List>
struct dag_state {
    std::array<double, List::size> lits{};
    std::array<const void*, List::size> reps{};
    bool consistent = true;

    /// Records the representatives below `n`, visiting each node type once.
    template <class N>
    void visit(const N& n) {
        constexpr std::size_t i = index_in<N, List>;
        if (reps[i] != nullptr) {
            if (!same_values(*static_cast<const N*>(reps[i]), n)) consistent = false;
            return;
        }
        reps[i] = &n;
        if constexpr (is_literal<N>) {
            lits[i] = n.value;
        } else if constexpr (is_unary<N>) {
            if constexpr (has_state<typename N::operand_type>) visit(n.a());
        } else if constexpr (is_binary<N>) {
            if constexpr (has_state<typename N::left_type>) visit(n.l());
            if constexpr (has_state<typename N::right_type>) visit(n.r());
        }
    }

    template <class N>
    static bool same_values(const N& p, const N& q) {
        if constexpr (!has_state<N>) return true;
        else if constexpr (is_literal<N>) return p.value == q.value;
        else if constexpr (is_unary<N>) return same_values(p.a(), q.a());
        else return same_values(p.l(), q.l()) && same_values(p.r(), q.r());
    }
};

/// The runtime literals of `e` (nothing to record when `e` has no state).
template <class E>
dag_state<dag<E>> make_dag_state(const E& e) {
    dag_state<dag<E>> s;
    if constexpr (has_state<E>) s.visit(e);
    return s;
}

/// Which nodes a sweep reads from values computed before a loop instead of computing them:
/// none by default. The fused loop marks the nodes that use no array (loop invariants).
struct hoist_none {
    template <class N> static constexpr bool invariant = false;
};

template <class T, class Hoist, class... Es, std::size_t... I, class Ctx>
CTGRAD_ALWAYS_INLINE constexpr void dag_forward_steps(std::array<T, sizeof...(Es)>& v, typelist<Es...>, std::index_sequence<I...>,
                                                      const Ctx& ctx, const double* lits, const T* pre) {
    ((v[I] = Hoist::template invariant<typename Es::node>
                 ? pre[I]
                 : forward_step<step_of<typename Es::node>::kind, typename step_of<typename Es::node>::tag, I, Es::a, Es::b>(v, ctx, lits)),
     ...);
}

/// Forward sweep: the value of every distinct node, each computed once.
template <class T, class Hoist = hoist_none, class... Ns, class Ctx>
CTGRAD_ALWAYS_INLINE constexpr std::array<T, sizeof...(Ns)> dag_forward(typelist<Ns...>, const Ctx& ctx, const double* lits,
                                                                        const T* pre = nullptr) {
    std::array<T, sizeof...(Ns)> v{};
    dag_forward_steps<T, Hoist>(v, typelist<Ns...>{}, std::index_sequence_for<Ns...>{}, ctx, lits, pre);
    return v;
}

template <class T, class... Es, std::size_t... I, std::size_t V>
CTGRAD_ALWAYS_INLINE constexpr void dag_backward_steps(const std::array<T, V>& v, std::array<T, V>& adj, typelist<Es...>,
                                                       std::index_sequence<I...>) {
    // Children come first in the list, so the sweep runs from the last node to the first: a
    // right fold over `=` evaluates its right operand first, which gives that order without
    // reversing the list.
    int order = 0;
    ((backward_step<step_of<typename Es::node>::kind, typename step_of<typename Es::node>::tag, I, Es::a, Es::b,
                    step_of<typename Es::node>::a_is_number, step_of<typename Es::node>::b_is_number>(v, adj),
      order) = ... = order);
}

/// Reverse sweep from the root with adjoint `seed`: the adjoint of every node.
template <class List, class T, std::size_t V>
CTGRAD_ALWAYS_INLINE constexpr std::array<T, V> dag_backward(const std::array<T, V>& v, T seed) {
    std::array<T, V> adj{};
    adj[V - 1] = seed;
    dag_backward_steps<T>(v, adj, List{}, std::make_index_sequence<V>{});
    return adj;
}

/// The adjoint of variable `X` (0 when the expression does not use it).
template <class X, class List, class T, std::size_t V>
CTGRAD_ALWAYS_INLINE constexpr T adjoint_of(const std::array<T, V>& adj) {
    if constexpr (contains_node<X, List>) return adj[index_in<X, List>];
    else return T(0);
}

/// The value of `e` and its derivative by each of `Xs`, from one forward and one reverse
/// sweep over the distinct nodes of `e`; the nodes `Hoist` marks are read from `pre`.
template <class Hoist, class... Xs, class E, class T, class Ctx, class State>
CTGRAD_ALWAYS_INLINE constexpr std::array<T, 1 + sizeof...(Xs)> dag_value_and_grad_hoisted(const E&, const Ctx& ctx, const State& state,
                                                                                           T seed, const T* pre) {
    using List = dag<E>;
    const auto v = dag_forward<T, Hoist>(List{}, ctx, state.lits.data(), pre);
    if constexpr (sizeof...(Xs) == 0) {
        return {v[List::size - 1]};
    } else {
        const auto adj = dag_backward<List>(v, seed);
        return {v[List::size - 1], adjoint_of<Xs, List>(adj)...};
    }
}

/// The value of `e` and its derivative by each of `Xs`, from one forward and one reverse
/// sweep over the distinct nodes of `e`.
template <class... Xs, class E, class T, class Ctx, class State>
CTGRAD_ALWAYS_INLINE constexpr std::array<T, 1 + sizeof...(Xs)> dag_value_and_grad(const E& e, const Ctx& ctx, const State& state,
                                                                                   T seed = T(1)) {
    return dag_value_and_grad_hoisted<hoist_none, Xs...>(e, ctx, state, seed, static_cast<const T*>(nullptr));
}

/// The value of `e` in `ctx`, each distinct node computed once. Falls back to the tree when
/// two stateful nodes of one type hold different values, and in constant expressions for
/// stateful nodes (whose representatives are pointers).
template <class E, class Ctx>
constexpr typename Ctx::scalar dag_eval(const E& e, const Ctx& ctx) {
    using T = typename Ctx::scalar;
    if constexpr (!has_state<E>) {
        return dag_forward<T>(dag<E>{}, ctx, nullptr)[dag<E>::size - 1];
    } else {
        if (std::is_constant_evaluated()) return eval(e, ctx);
        const auto state = make_dag_state(e);
        if (!state.consistent) return eval(e, ctx);
        return dag_forward<T>(dag<E>{}, ctx, state.lits.data())[dag<E>::size - 1];
    }
}

}  // namespace ctgrad::detail

#endif
