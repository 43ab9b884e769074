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
#include <ctgrad/eval/simd.hpp>

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
// collect<Nodes, E> adds E and its descendants not yet among Nodes, in post-order, and gives
// E's position. Each entry records its operands' positions as they are found, so no step
// searches the list again. A node already present is not visited again: one step per
// distinct node and edge.
//
// The nodes found so far are kept twice, both persistent (a new node makes a few new types and
// shares the rest): a binary search tree keyed by the nodes' structural hashes (random keys, so
// about 2 ln n deep), which answers "is this node present, where", and a list of entries in
// reverse order, turned into the final typelist once. Every step costs O(log n) instantiations
// of small class templates. Sizes and positions are enumerators or template arguments, never
// static data members or variable templates: g++ gives each of those a symbol named after its
// arguments, and names that grow with the number of nodes made the compile time cubic.

/// A node of the DAG and the positions of its operands.
template <class N, std::size_t A, std::size_t B>
struct entry {
    using node = N;
    enum : std::size_t { a = A, b = B };
};

inline constexpr std::size_t not_found = ~std::size_t(0);

struct empty_tree {};
template <std::uint64_t H, std::size_t I, class N, class L, class R> struct tree_node {};

/// The position of the node keyed K (and its type), or not_found.
template <std::size_t I, class N> struct found {
    enum : std::size_t { index = I };
    using node = N;
};
template <class Tree, std::uint64_t K> struct tree_find;
template <std::uint64_t K> struct tree_find<empty_tree, K> {
    using type = found<not_found, void>;
};
template <std::uint64_t H, std::size_t I, class N, class L, class R, std::uint64_t K>
struct tree_find<tree_node<H, I, N, L, R>, K> {
    using type = typename std::conditional_t<K == H, std::type_identity<found<I, N>>,
                                             std::conditional_t<(K < H), tree_find<L, K>, tree_find<R, K>>>::type;
};

template <class Tree, std::uint64_t K, std::size_t J, class N> struct tree_insert;
template <class Node, std::uint64_t K, std::size_t J, class N> struct insert_left;
template <class Node, std::uint64_t K, std::size_t J, class N> struct insert_right;
template <std::uint64_t K, std::size_t J, class N>
struct tree_insert<empty_tree, K, J, N> {
    using type = tree_node<K, J, N, empty_tree, empty_tree>;
};
template <std::uint64_t H, std::size_t I, class M, class L, class R, std::uint64_t K, std::size_t J, class N>
struct tree_insert<tree_node<H, I, M, L, R>, K, J, N> {
    using type = typename std::conditional_t<(K < H), insert_left<tree_node<H, I, M, L, R>, K, J, N>,
                                             insert_right<tree_node<H, I, M, L, R>, K, J, N>>::type;
};
template <std::uint64_t H, std::size_t I, class M, class L, class R, std::uint64_t K, std::size_t J, class N>
struct insert_left<tree_node<H, I, M, L, R>, K, J, N> {
    using type = tree_node<H, I, M, typename tree_insert<L, K, J, N>::type, R>;
};
template <std::uint64_t H, std::size_t I, class M, class L, class R, std::uint64_t K, std::size_t J, class N>
struct insert_right<tree_node<H, I, M, L, R>, K, J, N> {
    using type = tree_node<H, I, M, L, typename tree_insert<R, K, J, N>::type>;
};

struct nil {};
template <class Head, class Tail> struct cons {};

/// The nodes found so far: the search tree, the entries (newest first) and their number.
template <class Tree, class Entries, std::size_t N>
struct node_set {
    using tree = Tree;
    using entries = Entries;
    enum : std::size_t { size = N };
};
using empty_nodes = node_set<empty_tree, nil, 0>;

template <class Nodes, class Entry>
using add_node = node_set<typename tree_insert<typename Nodes::tree, structural_hash<typename Entry::node>,
                                               Nodes::size, typename Entry::node>::type,
                          cons<Entry, typename Nodes::entries>, std::size_t(Nodes::size) + 1>;

template <class Found, class E>
struct checked_position {
    static_assert(Found::index == not_found || CTGRAD_IS_SAME(node_identity<typename Found::node>, node_identity<E>),
                  "ctgrad: two distinct subexpressions have the same structural hash; please report this expression");
    enum : std::size_t { value = Found::index };
};

template <class Nodes, class E, std::size_t Found = checked_position<typename tree_find<typename Nodes::tree, structural_hash<E>>::type, E>::value>
struct collect {  // already present
    using type = Nodes;
    enum : std::size_t { index = Found };
};
template <class Nodes, class E>
struct collect<Nodes, E, not_found> {  // a leaf
    using type = add_node<Nodes, entry<E, 0, 0>>;
    enum : std::size_t { index = Nodes::size };
};
/// The node N, an operation whose structure is E: its operands first, then N. N is E itself, or a
/// name of E (a name is the node of its expression's root, under the name).
template <class Nodes, class N, class E> struct collect_node;
template <class Nodes, class N, class Op, class A>
struct collect_node<Nodes, N, unary<Op, A>> {
    using ca = collect<Nodes, A>;
    using type = add_node<typename ca::type, entry<N, ca::index, ca::index>>;
    enum : std::size_t { index = ca::type::size };
};
template <class Nodes, class N, class Op, class L, class R>
struct collect_node<Nodes, N, binary<Op, L, R>> {
    using cl = collect<Nodes, L>;
    using cr = collect<typename cl::type, R>;
    using type = add_node<typename cr::type, entry<N, cl::index, cr::index>>;
    enum : std::size_t { index = cr::type::size };
};
template <class Nodes, class N, class Id>
struct collect_node<Nodes, N, named<Id>> : collect_node<Nodes, N, named_expression_t<Id>> {};
template <class Nodes, class Op, class A>
struct collect<Nodes, unary<Op, A>, not_found> : collect_node<Nodes, unary<Op, A>, unary<Op, A>> {};
template <class Nodes, class Op, class L, class R>
struct collect<Nodes, binary<Op, L, R>, not_found> : collect_node<Nodes, binary<Op, L, R>, binary<Op, L, R>> {};
template <class Nodes, class Id>
struct collect<Nodes, named<Id>, not_found> : collect_node<Nodes, named<Id>, named_expression_t<Id>> {};

/// The entries, newest first, as a typelist, oldest first: eight at a time, so that the
/// recursion is n / 8 deep.
template <class Entries, class... Done> struct to_typelist;
template <class... Done>
struct to_typelist<nil, Done...> {
    using type = typelist<Done...>;
};
template <class E1, class Rest, class... Done>
struct to_typelist<cons<E1, Rest>, Done...> : to_typelist<Rest, E1, Done...> {};
template <class E1, class E2, class E3, class E4, class E5, class E6, class E7, class E8, class Rest, class... Done>
struct to_typelist<cons<E1, cons<E2, cons<E3, cons<E4, cons<E5, cons<E6, cons<E7, cons<E8, Rest>>>>>>>>, Done...>
    : to_typelist<Rest, E8, E7, E6, E5, E4, E3, E2, E1, Done...> {};

/// The distinct nodes of `E` (as entries), children before parents; `E` itself is last.
template <class E>
using dag = typename to_typelist<typename collect<empty_nodes, E>::type::entries>::type;

// ---- positions ------------------------------------------------------------------------

// Queries on a node list are types (std::integral_constant), not variable templates: a
// variable is a symbol named after its arguments, and a list's name grows with its nodes.
template <class T, class List> struct contains_node_of;
template <class T, class... Es>
struct contains_node_of<T, typelist<Es...>> {
    using type = std::bool_constant<(CTGRAD_IS_SAME(node_identity<T>, node_identity<typename Es::node>) || ...)>;
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
        constexpr bool flags[] = {CTGRAD_IS_SAME(node_identity<T>, node_identity<typename Es::node>)..., false};
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
        if constexpr (CTGRAD_IS_SAME(V, arg_a)) return a;
        else if constexpr (CTGRAD_IS_SAME(V, arg_b)) return b;
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
template <class Id>
struct step_of<named<Id>> : step_of<named_expression_t<Id>> {};
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
    else if constexpr (Kind == node_kind::constant) return T(Tag::template as<lane_t<T>>());
    else if constexpr (Kind == node_kind::literal) return T(static_cast<lane_t<T>>(lits[I]));
    else if constexpr (Kind == node_kind::unary) return apply_op<Tag>(v[A]);
    else return apply_op<Tag>(v[A], v[B]);
}

/// The adjoint `g` through the partial `P` (an expression of the placeholders), as PyTorch's
/// backward formulas apply theirs: g / e for P = 1 / e; for a masked partial where(c, 0, p) a
/// select, +0 where c holds whatever g is (inf, nan); g * p otherwise.
template <class P, class T>
CTGRAD_ALWAYS_INLINE constexpr T through_partial(T g, const partial_context<T>& pc) {
    if constexpr (is_op<P, where_op>)
        return zero_where(eval(typename P::left_type{}, pc), through_partial<typename P::right_type>(g, pc));
    else if constexpr (is_one<P>) return g;
    else if constexpr (is_reciprocal<P>) return g / eval(typename P::right_type{}, pc);
    else return g * eval(P{}, pc);
}

/// adj[J] += g through P; a zero partial adds +0, as PyTorch's zero gradients (x^0 gives +0).
template <class P, std::size_t J, class T, std::size_t V>
CTGRAD_ALWAYS_INLINE constexpr void accumulate_through(std::array<T, V>& adj, T g, const partial_context<T>& pc) {
    if constexpr (is_zero<P>) adj[J] += T(0);
    else adj[J] += through_partial<P>(g, pc);
}

/// Passes the adjoint at position I to the operands: adj[a] += adj[I] * d node / d a.
template <node_kind Kind, class Tag, std::size_t I, std::size_t A, std::size_t B, bool ANumber, bool BNumber, class T,
          std::size_t V>
CTGRAD_ALWAYS_INLINE constexpr void backward_step(const std::array<T, V>& v, std::array<T, V>& adj) {
    if constexpr (Kind == node_kind::unary) {
        if constexpr (!ANumber) accumulate_through<unary_partial<Tag>, A>(adj, adj[I], partial_context<T>{v[A], T(0), v[I]});
    } else if constexpr (Kind == node_kind::binary) {
        const partial_context<T> pc{v[A], v[B], v[I]};
        if constexpr (!ANumber) accumulate_through<left_partial<Tag>, A>(adj, adj[I], pc);
        if constexpr (!BNumber) accumulate_through<right_partial<Tag>, B>(adj, adj[I], pc);
    }
}

/// An address per type, to tell the types of two objects apart.
template <class N> struct type_tag {
    static constexpr char id = 0;
};

/// The runtime literals of `e` by position, and whether every two stateful nodes of one type
/// hold equal values (otherwise the DAG would merge different numbers).
template <class List>
struct dag_state {
    std::array<double, List::size> lits{};
    std::array<const void*, List::size> reps{};
    std::array<const void*, List::size> rep_types{};
    bool consistent = true;

    /// Records the representatives below `n`, visiting each node type once.
    template <class N>
    void visit(const N& n) {
        if constexpr (is_named<N>) {
            // A name is the node of its expression: the representative is always the expression,
            // so that nodes of one position are compared as objects of one type.
            visit(n.expression());
            return;
        }
        constexpr std::size_t i = index_in<N, List>::value;
        if (reps[i] != nullptr) {
            // A node written with a name in one place and spelled out in another has two types:
            // their values are not compared, and the caller evaluates the trees.
            if (rep_types[i] != &type_tag<N>::id || !same_values(*static_cast<const N*>(reps[i]), n)) consistent = false;
            return;
        }
        reps[i] = &n;
        rep_types[i] = &type_tag<N>::id;
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
        else if constexpr (is_named<N>) return same_values(p.expression(), q.expression());
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
                                                      const Ctx& ctx, const double* lits, const lane_t<T>* pre) {
    ((v[I] = Hoist::template invariant<typename Es::node>
                 ? T(pre[I])
                 : forward_step<step_of<typename Es::node>::kind::value, typename step_of<typename Es::node>::tag, I, Es::a, Es::b>(v, ctx, lits)),
     ...);
}

/// Forward sweep: the value of every distinct node, each computed once.
template <class T, class Hoist = hoist_none, class... Ns, class Ctx>
CTGRAD_ALWAYS_INLINE constexpr std::array<T, sizeof...(Ns)> dag_forward(typelist<Ns...>, const Ctx& ctx, const double* lits,
                                                                        const lane_t<T>* pre = nullptr) {
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
    std::array<T, V> adj;
    CTGRAD_UNROLL
    for (std::size_t k = 0; k != V; ++k) adj[k] = T(lane_t<T>(-0.0));  // the additive identity: a single -0 contribution stays -0
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
                                                                                           T seed, const lane_t<T>* pre) {
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
    return dag_value_and_grad_hoisted<hoist_none, Xs...>(e, ctx, state, seed, static_cast<const lane_t<T>*>(nullptr));
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
