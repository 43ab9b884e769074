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
    enum : std::size_t { a = A, b = B };  // enumerators: no symbol per node (see below)
};

// The nodes found so far form a chain of classes, one per node, each deriving from the
// previous one and from two keys: node_key<N, I> (node type to position) and index_key<I, Entry>
// (position to entry). Adding a node makes one class with three bases, whatever the number of
// nodes; finding a node is a derived-to-base deduction, done inside the compiler. (A list type
// per step, as in typelist<Es..., E>, costs O(n) per step and O(n^2) in all, which dominated
// the compile time of long sums.)

template <std::uint64_t H, std::size_t I> struct node_key {};
template <std::size_t I, class Entry> struct index_key {};

// Sizes and positions are enumerators (used only after a conversion to std::size_t), not
// static data members: g++ makes a symbol for every instantiated static member, named after
// its class, and these class names grow with the number of nodes (O(n^2) in all).

struct empty_nodes {
    enum : std::size_t { size = 0 };
};
template <class Prev, class Entry>
struct nodes : Prev, node_key<structural_hash<typename Entry::node>, Prev::size>, index_key<Prev::size, Entry> {
    enum : std::size_t { size = std::size_t(Prev::size) + 1 };
};

inline constexpr std::size_t not_found = ~std::size_t(0);
template <std::uint64_t H, std::size_t I>
std::integral_constant<std::size_t, I> position_of(const node_key<H, I>*);
template <std::uint64_t H>
std::integral_constant<std::size_t, not_found> position_of(const void*);
/// The position of node type N among Nodes, or not_found. Nodes are keyed by their structural
/// hash: deducing a position from a key holding the node type itself makes g++ walk that type
/// for every base it tries.
template <class N, class Nodes>
using position_in = decltype(detail::position_of<structural_hash<N>>(static_cast<const Nodes*>(nullptr)));

template <std::size_t I, class Entry>
Entry entry_of(const index_key<I, Entry>*);
template <std::size_t I, class Nodes>
using entry_at = decltype(detail::entry_of<I>(static_cast<const Nodes*>(nullptr)));

template <class Nodes, class E, std::size_t Found = position_in<E, Nodes>::value> struct collect;

template <class Nodes, class E, std::size_t Found>
struct collect {  // already present
    using type = Nodes;
    enum : std::size_t { index = Found };
};
template <class Nodes, class E>
struct collect<Nodes, E, not_found> {  // a leaf
    using type = nodes<Nodes, entry<E, 0, 0>>;
    enum : std::size_t { index = Nodes::size };
};
template <class Nodes, class Op, class A>
struct collect<Nodes, unary<Op, A>, not_found> {
    using ca = collect<Nodes, A>;
    using type = nodes<typename ca::type, entry<unary<Op, A>, ca::index, ca::index>>;
    enum : std::size_t { index = ca::type::size };
};
template <class Nodes, class Op, class L, class R>
struct collect<Nodes, binary<Op, L, R>, not_found> {
    using cl = collect<Nodes, L>;
    using cr = collect<typename cl::type, R>;
    using type = nodes<typename cr::type, entry<binary<Op, L, R>, cl::index, cr::index>>;
    enum : std::size_t { index = cr::type::size };
};

template <class Nodes, class Seq> struct to_typelist;
template <class Nodes, std::size_t... I>
struct to_typelist<Nodes, std::index_sequence<I...>> {
    using type = typelist<entry_at<I, Nodes>...>;
};

/// The distinct nodes of `E` (as entries), children before parents; `E` itself is last.
template <class E>
using dag = typename to_typelist<typename collect<empty_nodes, E>::type,
                                 std::make_index_sequence<collect<empty_nodes, E>::type::size>>::type;

// ---- positions ------------------------------------------------------------------------

// Queries on a node list are types (std::integral_constant), not variable templates: a
// variable is a symbol named after its arguments, and a list's name grows with its nodes.
template <class T, class List> struct contains_node_of;
template <class T, class... Es>
struct contains_node_of<T, typelist<Es...>> {
    using type = std::bool_constant<(CTGRAD_IS_SAME(T, typename Es::node) || ...)>;
};
template <class T, class List>
using contains_node = typename contains_node_of<T, List>::type;

consteval std::size_t first_true(const bool* flags, std::size_t n) {
    std::size_t i = 0;
    while (i != n && !flags[i]) ++i;
    return i;
}
template <class T, class List> struct index_of;
template <class T, class... Es>
struct index_of<T, typelist<Es...>> {
    static consteval std::size_t find() {
        constexpr bool flags[] = {CTGRAD_IS_SAME(T, typename Es::node)..., false};
        return first_true(flags, sizeof...(Es));
    }
    using type = std::integral_constant<std::size_t, find()>;
};
/// The position of node type `T` in `List`.
template <class T, class List>
using index_in = typename index_of<T, List>::type;

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
    using kind = std::integral_constant<node_kind, is_variable<N> ? node_kind::variable
                                                   : is_constant<N> ? node_kind::constant
                                                                    : node_kind::literal>;
    using tag = N;  // the leaf itself: variables and constants are small types
    using a_is_number = std::true_type;
    using b_is_number = std::true_type;
};
template <class Op, class A>
struct step_of<unary<Op, A>> {
    using kind = std::integral_constant<node_kind, node_kind::unary>;
    using tag = Op;
    using a_is_number = std::bool_constant<is_number<A>>;
    using b_is_number = std::true_type;
};
template <class Op, class L, class R>
struct step_of<binary<Op, L, R>> {
    using kind = std::integral_constant<node_kind, node_kind::binary>;
    using tag = Op;
    using a_is_number = std::bool_constant<is_number<L>>;
    using b_is_number = std::bool_constant<is_number<R>>;
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
        constexpr std::size_t i = index_in<N, List>::value;
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
                 : forward_step<step_of<typename Es::node>::kind::value, typename step_of<typename Es::node>::tag, I, Es::a, Es::b>(v, ctx, lits)),
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
    ((backward_step<step_of<typename Es::node>::kind::value, typename step_of<typename Es::node>::tag, I, Es::a, Es::b,
                    step_of<typename Es::node>::a_is_number::value, step_of<typename Es::node>::b_is_number::value>(v, adj),
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
    if constexpr (contains_node<X, List>::value) return adj[index_in<X, List>::value];
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
