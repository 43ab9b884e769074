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
// collect<List, E> appends E and its descendants not yet in List, in post-order. A node
// already present is not visited again, so the work is one step per distinct node and edge;
// membership is a fold of the __is_same builtin, which instantiates nothing.

template <class List, class E> struct collect;
template <bool Present, class List, class E> struct collect_new { using type = List; };

template <class List, class E> struct append_node;
template <class... Ts, class E> struct append_node<typelist<Ts...>, E> { using type = typelist<Ts..., E>; };

template <class... Ts, class E>
struct collect<typelist<Ts...>, E> {
    using type = typename collect_new<(std::is_same_v<E, Ts> || ...), typelist<Ts...>, E>::type;
};

template <class List, class E> struct collect_children { using type = List; };
template <class List, class Op, class A> struct collect_children<List, unary<Op, A>> {
    using type = typename collect<List, A>::type;
};
template <class List, class Op, class L, class R> struct collect_children<List, binary<Op, L, R>> {
    using type = typename collect<typename collect<List, L>::type, R>::type;
};

template <class List, class E>
struct collect_new<false, List, E> {
    using type = typename append_node<typename collect_children<List, E>::type, E>::type;
};

/// The distinct nodes of `E`, children before parents; `E` itself is last.
template <class E>
using dag = typename collect<typelist<>, E>::type;

// ---- index <-> type, by overload resolution against one base per node -------------------

template <class T, std::size_t I> struct index_entry {};
template <class List, class Seq> struct index_map_impl;
template <class... Ts, std::size_t... Is>
struct index_map_impl<typelist<Ts...>, std::index_sequence<Is...>> : index_entry<Ts, Is>... {};
template <class List>
using index_map = index_map_impl<List, std::make_index_sequence<List::size>>;

template <class T, std::size_t I>
constexpr std::size_t index_lookup(const index_entry<T, I>*) { return I; }

template <class T, class List> inline constexpr bool contains_node = false;
template <class T, class... Ts>
inline constexpr bool contains_node<T, typelist<Ts...>> = (std::is_same_v<T, Ts> || ...);

/// The position of node type `T` in `List`.
template <class T, class List>
inline constexpr std::size_t index_in = index_lookup<T>(static_cast<const index_map<List>*>(nullptr));

// ---- per-node steps ---------------------------------------------------------------------

/// Placeholders for an op's partials: the operands and the result.
using arg_a = variable<"#a">;
using arg_b = variable<"#b">;
using arg_r = variable<"#r">;

template <class T>
struct partial_context {
    using scalar = T;
    T a, b, r;
    template <class V>
    constexpr T get() const {
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

/// Pointers to one object of each node type that holds runtime state (its representative),
/// and whether every other node of that type holds the same values.
template <class List>
struct dag_state;

template <class... Ns>
struct dag_state<typelist<Ns...>> {
    using list = typelist<Ns...>;
    std::array<const void*, sizeof...(Ns)> reps{};
    bool consistent = true;

    template <class N>
    const N& rep() const { return *static_cast<const N*>(reps[index_in<N, list>]); }

    /// Records the representatives below `n`, visiting each node type once.
    template <class N>
    void visit(const N& n) {
        constexpr std::size_t i = index_in<N, list>;
        if (reps[i] != nullptr) {
            if (!same_values(*static_cast<const N*>(reps[i]), n)) consistent = false;
            return;
        }
        reps[i] = &n;
        if constexpr (is_unary<N>) {
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

/// The representatives of `e`'s stateful nodes (nothing to record when `e` has no state).
template <class E>
dag_state<dag<E>> make_dag_state(const E& e) {
    dag_state<dag<E>> s;
    if constexpr (has_state<E>) s.visit(e);
    return s;
}

/// A stateless stand-in for `dag_state` (constant expressions cannot hold void pointers).
struct no_state {
    bool consistent = true;
};

/// The value of node `N` from its children's values (`v`), the context (leaves) and, for
/// runtime literals, the representatives.
template <class List, class N, class T, std::size_t V, class Ctx, class State>
CTGRAD_ALWAYS_INLINE constexpr T node_value(const std::array<T, V>& v, const Ctx& ctx, const State& state) {
    if constexpr (is_variable<N>) return ctx.template get<N>();
    else if constexpr (is_constant<N>) return N::template as<T>();
    else if constexpr (is_literal<N>) return static_cast<T>(state.template rep<N>().value);
    else if constexpr (is_unary<N>) return op_t<N>::value(v[index_in<typename N::operand_type, List>]);
    else return op_t<N>::value(v[index_in<typename N::left_type, List>], v[index_in<typename N::right_type, List>]);
}

template <class T, class List, class... Ns, std::size_t... I, class Ctx, class State>
CTGRAD_ALWAYS_INLINE constexpr void dag_forward_steps(std::array<T, sizeof...(Ns)>& v, typelist<Ns...>, std::index_sequence<I...>,
                                                      const Ctx& ctx, const State& state) {
    ((v[I] = node_value<List, Ns>(v, ctx, state)), ...);
}

/// Forward sweep: the value of every distinct node, each computed once.
template <class T, class... Ns, class Ctx, class State>
CTGRAD_ALWAYS_INLINE constexpr std::array<T, sizeof...(Ns)> dag_forward(typelist<Ns...>, const Ctx& ctx, const State& state) {
    std::array<T, sizeof...(Ns)> v{};
    dag_forward_steps<T, typelist<Ns...>>(v, typelist<Ns...>{}, std::index_sequence_for<Ns...>{}, ctx, state);
    return v;
}

/// One reverse step at node `N` (position `I`): pass its adjoint to its children.
template <class List, class N, std::size_t I, class T, std::size_t V>
CTGRAD_ALWAYS_INLINE constexpr void node_backward(const std::array<T, V>& v, std::array<T, V>& adj) {
    if constexpr (is_unary<N>) {
        constexpr std::size_t ia = index_in<typename N::operand_type, List>;
        using P = unary_partial<op_t<N>>;
        if constexpr (!is_zero<P>) adj[ia] += adj[I] * eval(P{}, partial_context<T>{v[ia], T(0), v[I]});
    } else if constexpr (is_binary<N>) {
        constexpr std::size_t il = index_in<typename N::left_type, List>;
        constexpr std::size_t ir = index_in<typename N::right_type, List>;
        const partial_context<T> pc{v[il], v[ir], v[I]};
        using PL = left_partial<op_t<N>>;
        using PR = right_partial<op_t<N>>;
        if constexpr (!is_zero<PL> && !is_number<typename N::left_type>) adj[il] += adj[I] * eval(PL{}, pc);
        if constexpr (!is_zero<PR> && !is_number<typename N::right_type>) adj[ir] += adj[I] * eval(PR{}, pc);
    }
}

template <std::size_t I, class T> struct at_entry { using type = T; };
template <class List, class Seq> struct at_map_impl;
template <class... Ts, std::size_t... Is>
struct at_map_impl<typelist<Ts...>, std::index_sequence<Is...>> : at_entry<Is, Ts>... {};
template <std::size_t I, class T> at_entry<I, T> at_lookup(const at_entry<I, T>*);

/// The node type at position `I` of `List`.
template <std::size_t I, class List>
using type_at = typename decltype(at_lookup<I>(
    static_cast<const at_map_impl<List, std::make_index_sequence<List::size>>*>(nullptr)))::type;

template <class List, class T, std::size_t V, std::size_t... I>
CTGRAD_ALWAYS_INLINE constexpr void dag_backward_steps(const std::array<T, V>& v, std::array<T, V>& adj, std::index_sequence<I...>) {
    (node_backward<List, type_at<V - 1 - I, List>, V - 1 - I>(v, adj), ...);
}

/// Reverse sweep from the root with adjoint `seed`: the adjoint of every node.
template <class List, class T, std::size_t V>
CTGRAD_ALWAYS_INLINE constexpr std::array<T, V> dag_backward(const std::array<T, V>& v, T seed) {
    std::array<T, V> adj{};
    adj[V - 1] = seed;
    dag_backward_steps<List>(v, adj, std::make_index_sequence<V>{});
    return adj;
}

/// The adjoint of variable `X` (0 when the expression does not use it).
template <class X, class List, class T, std::size_t V>
CTGRAD_ALWAYS_INLINE constexpr T adjoint_of(const std::array<T, V>& adj) {
    if constexpr (contains_node<X, List>) return adj[index_in<X, List>];
    else return T(0);
}

/// The value of `e` and its derivative by each of `Xs`, from one forward and one reverse
/// sweep over the distinct nodes of `e`.
template <class... Xs, class E, class T, class Ctx, class State>
CTGRAD_ALWAYS_INLINE constexpr std::array<T, 1 + sizeof...(Xs)> dag_value_and_grad(const E&, const Ctx& ctx, const State& state, T seed = T(1)) {
    using List = dag<E>;
    const auto v = dag_forward<T>(List{}, ctx, state);
    if constexpr (sizeof...(Xs) == 0) {
        return {v[List::size - 1]};
    } else {
        const auto adj = dag_backward<List>(v, seed);
        return {v[List::size - 1], adjoint_of<Xs, List>(adj)...};
    }
}

/// The value of `e` in `ctx`, each distinct node computed once. Falls back to the tree when
/// two stateful nodes of one type hold different values, and in constant expressions for
/// stateful nodes (whose representatives are pointers).
template <class E, class Ctx>
constexpr typename Ctx::scalar dag_eval(const E& e, const Ctx& ctx) {
    using T = typename Ctx::scalar;
    if constexpr (!has_state<E>) {
        return dag_forward<T>(dag<E>{}, ctx, no_state{})[dag<E>::size - 1];
    } else {
        if (std::is_constant_evaluated()) return eval(e, ctx);
        const auto state = make_dag_state(e);
        if (!state.consistent) return eval(e, ctx);
        return dag_forward<T>(dag<E>{}, ctx, state)[dag<E>::size - 1];
    }
}

}  // namespace ctgrad::detail

#endif
