// Evaluation of shaped expressions (core/shaped.hpp) and their fused value_and_grad.
//
// An expression over vectors and matrices becomes a tree of nodes, one per node of its type,
// made once per call: a vector or matrix node owns a buffer for its value and one for its
// adjoint, sized from the bindings before the loop, so the loop allocates nothing. Step n of
// the loop evaluates the body of each reduction over the rows (sum, mean) on row n of the data,
// then passes the adjoint 1 back through it; each leaf differentiated by adds its share into
// the gradient. Reverse mode through a body is linear in its seed, so the seed of a reduction
// (d loss / d reduction, known only once every reduction is summed) multiplies the sums after
// the loop: one pass over the data, whatever the loss does with its reductions.
//
// Inner loops run over a vector's components; the leaves read the caller's arrays in place.
#ifndef CTGRAD_EVAL_SHAPED_HPP
#define CTGRAD_EVAL_SHAPED_HPP

#include <ctgrad/core/shaped.hpp>
#include <ctgrad/eval/dag.hpp>
#include <ctgrad/eval/fused.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace ctgrad {
namespace detail {

// ---- bindings of shaped variables, seen by the checks of every entry point -------------

template <class Var, class View> struct is_binding_trait<shaped_binding<Var, View>> : std::bool_constant<true> {};
template <class Var, class View> struct binding_traits<shaped_binding<Var, View>> {
    using key = Var;
    using value_type = View;
};
template <fixed_string N, class Bound> struct first_unbound<vec_variable<N>, Bound> {
    using type = std::conditional_t<Bound::template contains<vec_variable<N>>, void, spelled<N>>;
};
template <fixed_string N, class Bound> struct first_unbound<mat_variable<N>, Bound> {
    using type = std::conditional_t<Bound::template contains<mat_variable<N>>, void, spelled<N>>;
};
template <fixed_string N> struct name_of<vec_variable<N>> { using type = spelled<N>; };
template <fixed_string N> struct name_of<mat_variable<N>> { using type = spelled<N>; };

namespace shaped {

/// What a binding holds: a number, an array of numbers (one per row), a parameter vector,
/// rows of data, or a matrix.
enum class held { number, numbers_per_row, vector, vector_per_row, matrix };

template <class V> struct held_of {
    static constexpr held kind = held::number;
    using element = floating_t<V>;
};
template <class T> struct held_of<std::span<const T>> {
    static constexpr held kind = held::numbers_per_row;
    using element = T;
};
template <class T> struct held_of<vector_view<T>> {
    static constexpr held kind = held::vector;
    using element = T;
};
template <class T> struct held_of<rows_view<T>> {
    static constexpr held kind = held::vector_per_row;
    using element = T;
};
template <class T> struct held_of<matrix_view<T>> {
    static constexpr held kind = held::matrix;
    using element = T;
};
template <class B> using held_by = held_of<typename binding_traits<B>::value_type>;

/// The position of the binding of `V` among `Bs`.
template <class V, class... Bs>
consteval std::size_t binding_index() {
    constexpr bool is[] = {CTGRAD_IS_SAME(V, typename binding_traits<Bs>::key)..., true};
    std::size_t i = 0;
    while (!is[i]) ++i;
    return i;
}

template <class E, class Ctx> struct reads_rows : std::bool_constant<false> {};
template <fixed_string N, class Ctx> struct reads_rows<variable<N>, Ctx> : std::bool_constant<Ctx::template kind<variable<N>> == held::numbers_per_row> {};
template <fixed_string N, class Ctx> struct reads_rows<vec_variable<N>, Ctx> : std::bool_constant<Ctx::template kind<vec_variable<N>> == held::vector_per_row> {};
template <class Op, class A, class Ctx> struct reads_rows<unary<Op, A>, Ctx> : reads_rows<A, Ctx> {};
template <class Op, class L, class R, class Ctx> struct reads_rows<binary<Op, L, R>, Ctx> : std::bool_constant<reads_rows<L, Ctx>::value || reads_rows<R, Ctx>::value> {};
template <class Id, class Ctx> struct reads_rows<named<Id>, Ctx> : reads_rows<named_expression_t<Id>, Ctx> {};

template <class E, class Ctx> struct reads_rows_outside : reads_rows<E, Ctx> {};
template <class Op, class A, class Ctx> struct reads_rows_outside<unary<Op, A>, Ctx> : std::bool_constant<!is_reduction<unary<Op, A>> && reads_rows_outside<A, Ctx>::value> {};
template <class Op, class L, class R, class Ctx> struct reads_rows_outside<binary<Op, L, R>, Ctx> : std::bool_constant<reads_rows_outside<L, Ctx>::value || reads_rows_outside<R, Ctx>::value> {};
template <class Id, class Ctx> struct reads_rows_outside<named<Id>, Ctx> : reads_rows_outside<named_expression_t<Id>, Ctx> {};

/// The bindings of one call, and the number of rows of its loop.
template <class T, class... Bs>
struct context {
    using scalar = T;
    std::tuple<const Bs&...> bindings;
    std::size_t rows = 1;

    template <class V> static constexpr std::size_t index = binding_index<V, Bs...>();
    template <class V> using binding_of = std::tuple_element_t<index<V>, std::tuple<Bs...>>;
    template <class V> static constexpr held kind = held_by<binding_of<V>>::kind;
    template <class V> const auto& value() const { return std::get<index<V>>(bindings).value; }

    /// Whether `E` reads a row of data, and whether it does outside every reduction over the rows.
    template <class E> static constexpr bool per_row = reads_rows<E, context>::value;
    template <class E> static constexpr bool per_row_outside_reductions = reads_rows_outside<E, context>::value;
};

[[noreturn]] inline void throw_size_mismatch(std::string_view what, std::size_t n, std::size_t m) {
    throw std::invalid_argument("ctgrad: " + std::string(what) + " (" + std::to_string(n) + " and " + std::to_string(m) + ")");
}

/// The number of rows of the loop: shared by every binding that is data (1 when none is).
template <class... Bs>
std::size_t row_count(const Bs&... bs) {
    std::size_t n = 0;
    std::string_view first;
    bool any = false;
    auto visit = [&](const auto& b) {
        using B = std::remove_cvref_t<decltype(b)>;
        constexpr held k = held_by<B>::kind;
        if constexpr (k == held::numbers_per_row || k == held::vector_per_row) {
            const std::size_t m = [&] {
                if constexpr (k == held::numbers_per_row) return b.value.size();
                else return b.value.count;
            }();
            std::string_view name = binding_traits<B>::key::name();
            if (!any) {
                any = true;
                n = m;
                first = name;
            } else if (m != n) {
                throw std::invalid_argument("ctgrad: data bound to " + std::string(first) + " and " + std::string(name) +
                                            " have different numbers of rows (" + std::to_string(n) + " and " +
                                            std::to_string(m) + ")");
            }
        }
    };
    (visit(bs), ...);
    return any ? n : 1;
}

/// The position of `V` among the variables differentiated by, or -1.
template <class V, class Wrt> inline constexpr int wrt_index = -1;
template <class V, class... Vars>
inline constexpr int wrt_index<V, wrt_t<Vars...>> = [] {
    int i = 0;
    return ((CTGRAD_IS_SAME(V, Vars) ? true : (++i, false)) || ...) ? i : -1;
}();

template <class E, class Wrt> inline constexpr bool needs_adjoint = false;
template <class E, class... Vars> inline constexpr bool needs_adjoint<E, wrt_t<Vars...>> = (depends_on<E, Vars> || ...);

/// Where the leaves add their gradients: one array per variable differentiated by.
template <class T, std::size_t K>
struct gradients {
    std::array<T*, K> at{};
};

template <class E, class Ctx, class Wrt> struct node;

/// What every node has: its size (components, and rows and columns for a matrix).
struct extent {
    std::size_t n = 1, r = 1, c = 1;
};

template <class T, class G>
CTGRAD_ALWAYS_INLINE constexpr T seed(const G& g, std::size_t k) { return g(k); }

// ---- leaves ----------------------------------------------------------------------------

template <fixed_string N, class Ctx, class Wrt>
struct node<variable<N>, Ctx, Wrt> : extent {
    using T = typename Ctx::scalar;
    using V = variable<N>;
    static constexpr int rank = 0;
    static constexpr bool needs = needs_adjoint<V, Wrt>;
    T v{};
    explicit node(const V&) {}
    void init(const Ctx&) {}
    CTGRAD_ALWAYS_INLINE void forward(const Ctx& ctx, std::size_t row) {
        if constexpr (Ctx::template kind<V> == held::numbers_per_row) v = T(ctx.template value<V>()[row]);
        else v = T(ctx.template value<V>());
    }
    CTGRAD_ALWAYS_INLINE T at(std::size_t) const { return v; }
    template <class G, std::size_t K>
    CTGRAD_ALWAYS_INLINE void backward(const Ctx&, std::size_t row, const G& g, gradients<T, K>& out) {
        constexpr int I = wrt_index<V, Wrt>;
        if constexpr (I >= 0) {
            if constexpr (Ctx::template kind<V> == held::numbers_per_row) out.at[I][row] += g(0);
            else out.at[I][0] += g(0);
        }
    }
    template <class F> void for_each_reduction(F&&) {}
};

template <fixed_string N, class Ctx, class Wrt>
struct node<vec_variable<N>, Ctx, Wrt> : extent {
    using T = typename Ctx::scalar;
    using V = vec_variable<N>;
    static constexpr int rank = 1;
    static constexpr bool needs = needs_adjoint<V, Wrt>;
    static constexpr bool data = Ctx::template kind<V> == held::vector_per_row;
    using E = typename held_by<typename Ctx::template binding_of<V>>::element;
    const E* p = nullptr;
    std::size_t offset = 0;
    explicit node(const V&) {}
    void init(const Ctx& ctx) {
        const auto& b = ctx.template value<V>();
        if constexpr (data) n = b.cols;
        else n = b.size;
        r = n;
        p = b.data;
    }
    CTGRAD_ALWAYS_INLINE void forward(const Ctx& ctx, std::size_t row) {
        if constexpr (data) {
            const auto& b = ctx.template value<V>();
            offset = b.row_at(row) * b.cols;
            p = b.data + offset;
        }
    }
    CTGRAD_ALWAYS_INLINE T at(std::size_t k) const { return T(p[k]); }
    template <class G, std::size_t K>
    CTGRAD_ALWAYS_INLINE void backward(const Ctx&, std::size_t, const G& g, gradients<T, K>& out) {
        constexpr int I = wrt_index<V, Wrt>;
        if constexpr (I >= 0) {
            T* __restrict d = out.at[I] + offset;
            for (std::size_t k = 0; k < n; ++k) d[k] += g(k);
        }
    }
    template <class F> void for_each_reduction(F&&) {}
};

template <fixed_string N, class Ctx, class Wrt>
struct node<mat_variable<N>, Ctx, Wrt> : extent {
    using T = typename Ctx::scalar;
    using V = mat_variable<N>;
    static constexpr int rank = 2;
    static constexpr bool needs = needs_adjoint<V, Wrt>;
    static constexpr bool is_leaf = true;
    using E = typename held_by<typename Ctx::template binding_of<V>>::element;
    const E* p = nullptr;
    explicit node(const V&) {}
    void init(const Ctx& ctx) {
        const auto& b = ctx.template value<V>();
        r = b.rows;
        c = b.cols;
        n = r * c;
        p = b.data;
    }
    CTGRAD_ALWAYS_INLINE void forward(const Ctx&, std::size_t) {}
    CTGRAD_ALWAYS_INLINE T at(std::size_t k) const { return T(p[k]); }
    template <class G, std::size_t K>
    CTGRAD_ALWAYS_INLINE void backward(const Ctx&, std::size_t, const G& g, gradients<T, K>& out) {
        constexpr int I = wrt_index<V, Wrt>;
        if constexpr (I >= 0) {
            T* __restrict d = out.at[I];
            for (std::size_t k = 0; k < n; ++k) d[k] += g(k);
        }
    }
    /// The adjoint outer(a, x) of W in W @ x, added row by row (no division per component).
    template <class X, std::size_t K>
    CTGRAD_ALWAYS_INLINE void add_outer(const T* __restrict a, const X& x, gradients<T, K>& out) {
        constexpr int I = wrt_index<V, Wrt>;
        if constexpr (I >= 0) {
            T* __restrict d = out.at[I];
            for (std::size_t i = 0; i < r; ++i) {
                const T ai = a[i];
                T* __restrict di = d + i * c;
                for (std::size_t j = 0; j < c; ++j) di[j] += ai * x.at(j);
            }
        }
    }
    template <class F> void for_each_reduction(F&&) {}
};

template <std::intmax_t Num, std::intmax_t Den, class Ctx, class Wrt>
struct node<constant<Num, Den>, Ctx, Wrt> : extent {
    using T = typename Ctx::scalar;
    static constexpr int rank = 0;
    static constexpr bool needs = false;
    T v = constant<Num, Den>::template as<T>();
    explicit node(const constant<Num, Den>&) {}
    void init(const Ctx&) {}
    void forward(const Ctx&, std::size_t) {}
    CTGRAD_ALWAYS_INLINE T at(std::size_t) const { return v; }
    template <class G, std::size_t K> void backward(const Ctx&, std::size_t, const G&, gradients<T, K>&) {}
    template <class F> void for_each_reduction(F&&) {}
};

template <class Ctx, class Wrt>
struct node<literal, Ctx, Wrt> : extent {
    using T = typename Ctx::scalar;
    static constexpr int rank = 0;
    static constexpr bool needs = false;
    T v;
    explicit node(const literal& e) : v(static_cast<T>(e.value)) {}
    void init(const Ctx&) {}
    void forward(const Ctx&, std::size_t) {}
    CTGRAD_ALWAYS_INLINE T at(std::size_t) const { return v; }
    template <class G, std::size_t K> void backward(const Ctx&, std::size_t, const G&, gradients<T, K>&) {}
    template <class F> void for_each_reduction(F&&) {}
};

template <class Id, class Ctx, class Wrt>
struct node<named<Id>, Ctx, Wrt> : node<named_expression_t<Id>, Ctx, Wrt> {
    explicit node(const named<Id>& e) : node<named_expression_t<Id>, Ctx, Wrt>(e.expression()) {}
};

// ---- operations ------------------------------------------------------------------------

/// A node's value: a number, or a buffer of components.
template <class T, int Rank>
struct value_store : extent {
    std::vector<T> buf, adj;
    void allocate() {
        buf.assign(n, T(0));
        adj.assign(n, T(0));
    }
    CTGRAD_ALWAYS_INLINE T at(std::size_t k) const { return buf[k]; }
};
template <class T>
struct value_store<T, 0> : extent {
    T v{};
    void allocate() {}
    CTGRAD_ALWAYS_INLINE T at(std::size_t) const { return v; }
};

/// An element-wise function of one operand.
template <class Op, class A, class Ctx, class Wrt>
struct node<unary<Op, A>, Ctx, Wrt> : value_store<typename Ctx::scalar, shape_rank<A>> {
    using T = typename Ctx::scalar;
    using P = unary_partial<Op>;
    static constexpr int rank = detail::shape_rank<A>;
    static constexpr bool needs = node<A, Ctx, Wrt>::needs;
    node<A, Ctx, Wrt> a;
    explicit node(const unary<Op, A>& e) : a(e.a()) {}
    void init(const Ctx& ctx) {
        a.init(ctx);
        this->n = a.n, this->r = a.r, this->c = a.c;
        this->allocate();
    }
    CTGRAD_ALWAYS_INLINE void forward(const Ctx& ctx, std::size_t row) {
        a.forward(ctx, row);
        if constexpr (rank == 0) this->v = apply_op<Op>(a.at(0));
        else
            for (std::size_t k = 0; k < this->n; ++k) this->buf[k] = apply_op<Op>(a.at(k));
    }
    template <class G, std::size_t K>
    CTGRAD_ALWAYS_INLINE void backward(const Ctx& ctx, std::size_t row, const G& g, gradients<T, K>& out) {
        if constexpr (needs) {
            if constexpr (rank == 0) {
                const T s = g(0);
                const partial_context<T> pc{a.at(0), T(0), this->v};
                a.backward(ctx, row, [&](std::size_t) { return through_partial<P>(s, pc); }, out);
            } else {
                for (std::size_t k = 0; k < this->n; ++k) this->adj[k] = g(k);
                a.backward(ctx, row, [&](std::size_t k) { return through_partial<P>(this->adj[k], partial_context<T>{a.at(k), T(0), this->buf[k]}); }, out);
            }
        }
    }
    template <class F> void for_each_reduction(F&& f) { a.for_each_reduction(f); }
};

/// The condition of the static_assert below, printed with the operands.
template <class L, class R, int RankL, int RankR>
inline constexpr bool shapes_match = RankL == RankR || RankL == 0 || RankR == 0;

/// Whether every element-wise operation of `E` has operands of one shape or a scalar operand;
/// `left` and `right` are the operands of the first that has not.
template <class E> struct shapes_agree : std::true_type {
    using left = void;
    using right = void;
};
template <class Op, class A> struct shapes_agree<unary<Op, A>> : shapes_agree<A> {};
template <class Id> struct shapes_agree<named<Id>> : shapes_agree<named_expression_t<Id>> {};
template <class Op, class L, class R>
    requires(!shapes_agree<L>::value)
struct shapes_agree<binary<Op, L, R>> : shapes_agree<L> {};
template <class Op, class L, class R>
    requires(shapes_agree<L>::value && !shapes_agree<R>::value)
struct shapes_agree<binary<Op, L, R>> : shapes_agree<R> {};
template <class Op, class L, class R>
    requires(shapes_agree<L>::value && shapes_agree<R>::value)
struct shapes_agree<binary<Op, L, R>> : std::bool_constant<CTGRAD_IS_SAME(Op, matvec_op) || CTGRAD_IS_SAME(Op, dot_op) || CTGRAD_IS_SAME(Op, outer_op) ||
                                                            shapes_match<L, R, shape_rank<L>, shape_rank<R>>> {
    using left = L;
    using right = R;
};

template <class Ctx, class V> struct failed_gradient {
    using type = std::conditional_t<Ctx::template kind<V> == held::number, double, std::vector<double>>;
};
/// What a failed value_and_grad returns, so that the code around it still compiles.
template <class Ctx, class... Vars>
auto failed_result() {
    return std::tuple<double, typename failed_gradient<Ctx, Vars>::type...>{};
}

/// An element-wise operation of two operands; a scalar operand broadcasts.
template <class Op, class L, class R, class Ctx, class Wrt>
struct node<binary<Op, L, R>, Ctx, Wrt> : value_store<typename Ctx::scalar, detail::shape_rank<binary<Op, L, R>>> {
    using T = typename Ctx::scalar;
    static constexpr int rank = detail::shape_rank<binary<Op, L, R>>;
    static constexpr bool needs = node<L, Ctx, Wrt>::needs || node<R, Ctx, Wrt>::needs;
    node<L, Ctx, Wrt> lhs;
    node<R, Ctx, Wrt> rhs;
    explicit node(const binary<Op, L, R>& e) : lhs(e.l()), rhs(e.r()) {}
    void init(const Ctx& ctx) {
        lhs.init(ctx);
        rhs.init(ctx);
        const extent& big = detail::shape_rank<L> >= detail::shape_rank<R> ? static_cast<const extent&>(lhs) : static_cast<const extent&>(rhs);
        if constexpr (detail::shape_rank<L> != 0 && detail::shape_rank<R> != 0)
            if (lhs.n != rhs.n || lhs.r != rhs.r) throw_size_mismatch("an element-wise operation of operands of different sizes", lhs.n, rhs.n);
        this->n = big.n, this->r = big.r, this->c = big.c;
        this->allocate();
    }
    CTGRAD_ALWAYS_INLINE void forward(const Ctx& ctx, std::size_t row) {
        lhs.forward(ctx, row);
        rhs.forward(ctx, row);
        if constexpr (rank == 0) this->v = apply_op<Op>(lhs.at(0), rhs.at(0));
        else
            for (std::size_t k = 0; k < this->n; ++k) this->buf[k] = apply_op<Op>(lhs.at(k), rhs.at(k));
    }
    template <class Child, class P, int ChildRank, class G, std::size_t K>
    CTGRAD_ALWAYS_INLINE void pass(Child& child, const Ctx& ctx, std::size_t row, const G& g, gradients<T, K>& out) {
        if constexpr (Child::needs) {
            if constexpr (rank == 0) {
                const T s = g(0);
                const partial_context<T> pc{lhs.at(0), rhs.at(0), this->v};
                child.backward(ctx, row, [&](std::size_t) { return through_partial<P>(s, pc); }, out);
            } else if constexpr (ChildRank == 0) {  // a broadcast scalar: the sum of its uses
                T s = T(0);
                for (std::size_t k = 0; k < this->n; ++k)
                    s += through_partial<P>(this->adj[k], partial_context<T>{lhs.at(k), rhs.at(k), this->buf[k]});
                child.backward(ctx, row, [&](std::size_t) { return s; }, out);
            } else {
                child.backward(ctx, row, [&](std::size_t k) { return through_partial<P>(this->adj[k], partial_context<T>{lhs.at(k), rhs.at(k), this->buf[k]}); }, out);
            }
        }
    }
    template <class G, std::size_t K>
    CTGRAD_ALWAYS_INLINE void backward(const Ctx& ctx, std::size_t row, const G& g, gradients<T, K>& out) {
        if constexpr (needs) {
            if constexpr (rank != 0)
                for (std::size_t k = 0; k < this->n; ++k) this->adj[k] = g(k);
            pass<node<L, Ctx, Wrt>, left_partial<Op>, detail::shape_rank<L>>(lhs, ctx, row, g, out);
            pass<node<R, Ctx, Wrt>, right_partial<Op>, detail::shape_rank<R>>(rhs, ctx, row, g, out);
        }
    }
    template <class F> void for_each_reduction(F&& f) {
        lhs.for_each_reduction(f);
        rhs.for_each_reduction(f);
    }
};

/// dot(a, b).
template <class L, class R, class Ctx, class Wrt>
struct node<binary<dot_op, L, R>, Ctx, Wrt> : value_store<typename Ctx::scalar, 0> {
    using T = typename Ctx::scalar;
    static constexpr int rank = 0;
    static constexpr bool needs = node<L, Ctx, Wrt>::needs || node<R, Ctx, Wrt>::needs;
    node<L, Ctx, Wrt> lhs;
    node<R, Ctx, Wrt> rhs;
    explicit node(const binary<dot_op, L, R>& e) : lhs(e.l()), rhs(e.r()) {}
    void init(const Ctx& ctx) {
        lhs.init(ctx);
        rhs.init(ctx);
        if (lhs.n != rhs.n) throw_size_mismatch("dot(a, b) of vectors of different sizes", lhs.n, rhs.n);
    }
    CTGRAD_ALWAYS_INLINE void forward(const Ctx& ctx, std::size_t row) {
        lhs.forward(ctx, row);
        rhs.forward(ctx, row);
        T s = T(0);
        for (std::size_t k = 0; k < lhs.n; ++k) s += lhs.at(k) * rhs.at(k);
        this->v = s;
    }
    template <class G, std::size_t K>
    CTGRAD_ALWAYS_INLINE void backward(const Ctx& ctx, std::size_t row, const G& g, gradients<T, K>& out) {
        if constexpr (needs) {
            const T s = g(0);
            if constexpr (node<L, Ctx, Wrt>::needs) lhs.backward(ctx, row, [&](std::size_t k) { return s * rhs.at(k); }, out);
            if constexpr (node<R, Ctx, Wrt>::needs) rhs.backward(ctx, row, [&](std::size_t k) { return s * lhs.at(k); }, out);
        }
    }
    template <class F> void for_each_reduction(F&& f) {
        lhs.for_each_reduction(f);
        rhs.for_each_reduction(f);
    }
};

/// vsum(a).
template <class A, class Ctx, class Wrt>
struct node<unary<vsum_op, A>, Ctx, Wrt> : value_store<typename Ctx::scalar, 0> {
    using T = typename Ctx::scalar;
    static constexpr int rank = 0;
    static constexpr bool needs = node<A, Ctx, Wrt>::needs;
    node<A, Ctx, Wrt> a;
    explicit node(const unary<vsum_op, A>& e) : a(e.a()) {}
    void init(const Ctx& ctx) { a.init(ctx); }
    CTGRAD_ALWAYS_INLINE void forward(const Ctx& ctx, std::size_t row) {
        a.forward(ctx, row);
        T s = T(0);
        for (std::size_t k = 0; k < a.n; ++k) s += a.at(k);
        this->v = s;
    }
    template <class G, std::size_t K>
    CTGRAD_ALWAYS_INLINE void backward(const Ctx& ctx, std::size_t row, const G& g, gradients<T, K>& out) {
        if constexpr (needs) {
            const T s = g(0);
            a.backward(ctx, row, [&](std::size_t) { return s; }, out);
        }
    }
    template <class F> void for_each_reduction(F&& f) { a.for_each_reduction(f); }
};

/// W @ x.
template <class W, class X, class Ctx, class Wrt>
struct node<binary<matvec_op, W, X>, Ctx, Wrt> : value_store<typename Ctx::scalar, 1> {
    using T = typename Ctx::scalar;
    static constexpr int rank = 1;
    static constexpr bool needs = node<W, Ctx, Wrt>::needs || node<X, Ctx, Wrt>::needs;
    node<W, Ctx, Wrt> w;
    node<X, Ctx, Wrt> x;
    std::vector<T> dw, dx;  // the adjoints of W (a computed matrix) and x
    explicit node(const binary<matvec_op, W, X>& e) : w(e.l()), x(e.r()) {}
    void init(const Ctx& ctx) {
        w.init(ctx);
        x.init(ctx);
        if (w.c != x.n) throw_size_mismatch("W @ x with W's columns and x's size different", w.c, x.n);
        this->n = this->r = w.r;
        this->allocate();
        dx.assign(x.n, T(0));
        if constexpr (!requires { node<W, Ctx, Wrt>::is_leaf; }) dw.assign(w.n, T(0));
    }
    CTGRAD_ALWAYS_INLINE void forward(const Ctx& ctx, std::size_t row) {
        w.forward(ctx, row);
        x.forward(ctx, row);
        const std::size_t c = w.c;
        for (std::size_t i = 0; i < this->n; ++i) {
            T s = T(0);
            for (std::size_t j = 0; j < c; ++j) s += w.at(i * c + j) * x.at(j);
            this->buf[i] = s;
        }
    }
    template <class G, std::size_t K>
    CTGRAD_ALWAYS_INLINE void backward(const Ctx& ctx, std::size_t row, const G& g, gradients<T, K>& out) {
        if constexpr (needs) {
            T* __restrict adj = this->adj.data();
            for (std::size_t i = 0; i < this->n; ++i) adj[i] = g(i);
            const std::size_t c = w.c;
            if constexpr (node<W, Ctx, Wrt>::needs) {
                if constexpr (requires { node<W, Ctx, Wrt>::is_leaf; }) {
                    w.add_outer(adj, x, out);
                } else {
                    for (std::size_t i = 0; i < this->n; ++i)
                        for (std::size_t j = 0; j < c; ++j) dw[i * c + j] = adj[i] * x.at(j);
                    w.backward(ctx, row, [&](std::size_t k) { return dw[k]; }, out);
                }
            }
            if constexpr (node<X, Ctx, Wrt>::needs) {
                T* __restrict d = dx.data();
                for (std::size_t j = 0; j < c; ++j) d[j] = T(0);
                for (std::size_t i = 0; i < this->n; ++i) {
                    const T ai = adj[i];
                    for (std::size_t j = 0; j < c; ++j) d[j] += w.at(i * c + j) * ai;
                }
                x.backward(ctx, row, [&](std::size_t j) { return dx[j]; }, out);
            }
        }
    }
    template <class F> void for_each_reduction(F&& f) {
        w.for_each_reduction(f);
        x.for_each_reduction(f);
    }
};

/// outer(a, b).
template <class A, class B, class Ctx, class Wrt>
struct node<binary<outer_op, A, B>, Ctx, Wrt> : value_store<typename Ctx::scalar, 2> {
    using T = typename Ctx::scalar;
    static constexpr int rank = 2;
    static constexpr bool needs = node<A, Ctx, Wrt>::needs || node<B, Ctx, Wrt>::needs;
    node<A, Ctx, Wrt> a;
    node<B, Ctx, Wrt> b;
    std::vector<T> da, db;
    explicit node(const binary<outer_op, A, B>& e) : a(e.l()), b(e.r()) {}
    void init(const Ctx& ctx) {
        a.init(ctx);
        b.init(ctx);
        this->r = a.n;
        this->c = b.n;
        this->n = a.n * b.n;
        this->allocate();
        da.assign(a.n, T(0));
        db.assign(b.n, T(0));
    }
    CTGRAD_ALWAYS_INLINE void forward(const Ctx& ctx, std::size_t row) {
        a.forward(ctx, row);
        b.forward(ctx, row);
        for (std::size_t i = 0; i < this->r; ++i)
            for (std::size_t j = 0; j < this->c; ++j) this->buf[i * this->c + j] = a.at(i) * b.at(j);
    }
    template <class G, std::size_t K>
    void backward(const Ctx& ctx, std::size_t row, const G& g, gradients<T, K>& out) {
        if constexpr (needs) {
            for (std::size_t k = 0; k < this->n; ++k) this->adj[k] = g(k);
            for (std::size_t i = 0; i < this->r; ++i) da[i] = T(0);
            for (std::size_t j = 0; j < this->c; ++j) db[j] = T(0);
            for (std::size_t i = 0; i < this->r; ++i)
                for (std::size_t j = 0; j < this->c; ++j) {
                    da[i] += this->adj[i * this->c + j] * b.at(j);
                    db[j] += this->adj[i * this->c + j] * a.at(i);
                }
            if constexpr (node<A, Ctx, Wrt>::needs) a.backward(ctx, row, [&](std::size_t i) { return da[i]; }, out);
            if constexpr (node<B, Ctx, Wrt>::needs) b.backward(ctx, row, [&](std::size_t j) { return db[j]; }, out);
        }
    }
    template <class F> void for_each_reduction(F&& f) {
        a.for_each_reduction(f);
        b.for_each_reduction(f);
    }
};

/// transpose(W).
template <class A, class Ctx, class Wrt>
struct node<unary<transpose_op, A>, Ctx, Wrt> : value_store<typename Ctx::scalar, 2> {
    using T = typename Ctx::scalar;
    static constexpr int rank = 2;
    static constexpr bool needs = node<A, Ctx, Wrt>::needs;
    node<A, Ctx, Wrt> a;
    explicit node(const unary<transpose_op, A>& e) : a(e.a()) {}
    void init(const Ctx& ctx) {
        a.init(ctx);
        this->r = a.c;
        this->c = a.r;
        this->n = a.n;
        this->allocate();
    }
    void forward(const Ctx& ctx, std::size_t row) {
        a.forward(ctx, row);
        for (std::size_t i = 0; i < a.r; ++i)
            for (std::size_t j = 0; j < a.c; ++j) this->buf[j * a.r + i] = a.at(i * a.c + j);
    }
    template <class G, std::size_t K>
    void backward(const Ctx& ctx, std::size_t row, const G& g, gradients<T, K>& out) {
        if constexpr (needs) {
            for (std::size_t k = 0; k < this->n; ++k) this->adj[k] = g(k);
            a.backward(ctx, row, [&](std::size_t k) { return this->adj[(k % a.c) * a.r + k / a.c]; }, out);
        }
    }
    template <class F> void for_each_reduction(F&& f) { a.for_each_reduction(f); }
};

/// sum or mean over the rows: its body runs in the loop (`accumulate`), the node itself
/// outside it, where its value is the sum (or mean) and its adjoint the seed of the body.
template <class Op, class A, class Ctx, class Wrt>
    requires(CTGRAD_IS_SAME(Op, sum_op) || CTGRAD_IS_SAME(Op, mean_op))
struct node<unary<Op, A>, Ctx, Wrt> : value_store<typename Ctx::scalar, detail::shape_rank<A>> {
    using T = typename Ctx::scalar;
    static constexpr int rank = detail::shape_rank<A>;
    static constexpr bool needs = node<A, Ctx, Wrt>::needs;
    static constexpr bool is_mean = CTGRAD_IS_SAME(Op, mean_op);
    node<A, Ctx, Wrt> a;
    std::vector<T> acc;
    T scale = T(0);  // d loss / d (sum over the rows of the body)
    std::size_t rows = 1;
    explicit node(const unary<Op, A>& e) : a(e.a()) {}
    void init(const Ctx& ctx) {
        a.init(ctx);
        this->n = a.n, this->r = a.r, this->c = a.c;
        this->allocate();
        acc.assign(a.n, T(0));
        rows = ctx.rows;
    }
    CTGRAD_ALWAYS_INLINE void accumulate(const Ctx& ctx, std::size_t row) {
        a.forward(ctx, row);
        if constexpr (rank == 0) acc[0] += a.at(0);
        else
            for (std::size_t k = 0; k < a.n; ++k) acc[k] += a.at(k);
    }
    template <std::size_t K>
    CTGRAD_ALWAYS_INLINE void accumulate_with_adjoint(const Ctx& ctx, std::size_t row, gradients<T, K>& out) {
        accumulate(ctx, row);
        if constexpr (needs) a.backward(ctx, row, [](std::size_t) { return T(1); }, out);
    }
    void forward(const Ctx&, std::size_t) {
        const T d = is_mean ? T(rows) : T(1);
        if constexpr (rank == 0) this->v = acc[0] / d;
        else
            for (std::size_t k = 0; k < this->n; ++k) this->buf[k] = acc[k] / d;
    }
    template <class G, std::size_t K>
    void backward(const Ctx&, std::size_t, const G& g, gradients<T, K>&) {
        scale = is_mean ? g(0) / T(rows) : g(0);
    }
    template <class F> void for_each_reduction(F&& f) { f(*this); }
};

// ---- entry points ----------------------------------------------------------------------

template <class B> using element_of_binding = typename held_by<B>::element;

/// The floating-point type of a call: the common type of what is bound.
template <class... Bs>
using scalar_of = std::common_type_t<float, element_of_binding<Bs>...>;

/// The number of components of the gradient by `V`: its binding's size.
template <class V, class Ctx>
std::size_t gradient_size(const Ctx& ctx) {
    const auto& b = ctx.template value<V>();
    constexpr held k = Ctx::template kind<V>;
    if constexpr (k == held::number) return 1;
    else if constexpr (k == held::numbers_per_row) return b.size();
    else if constexpr (k == held::vector) return b.size;
    else return b.rows * b.cols;
}

template <class E> struct has_outer_reduction_trait : std::bool_constant<false> {};
template <class Op, class A> struct has_outer_reduction_trait<unary<Op, A>> : std::bool_constant<is_reduction<unary<Op, A>> || has_outer_reduction_trait<A>::value> {};
template <class Op, class L, class R> struct has_outer_reduction_trait<binary<Op, L, R>> : std::bool_constant<has_outer_reduction_trait<L>::value || has_outer_reduction_trait<R>::value> {};
template <class Id> struct has_outer_reduction_trait<named<Id>> : has_outer_reduction_trait<named_expression_t<Id>> {};

/// Whether every reduction over the rows in `E` is of a scalar.
template <class E> struct scalar_reductions_trait : std::bool_constant<true> {};
template <class Op, class A> struct scalar_reductions_trait<unary<Op, A>>
    : std::bool_constant<(is_reduction<unary<Op, A>> ? shape_rank<A> == 0 : scalar_reductions_trait<A>::value)> {};
template <class Op, class L, class R> struct scalar_reductions_trait<binary<Op, L, R>> : std::bool_constant<scalar_reductions_trait<L>::value && scalar_reductions_trait<R>::value> {};
template <class Id> struct scalar_reductions_trait<named<Id>> : scalar_reductions_trait<named_expression_t<Id>> {};

template <class E, class Ctx, class Wrt = wrt_t<>>
auto make_root(const E& e, const Ctx& ctx) {
    node<E, Ctx, Wrt> root(e);
    root.init(ctx);
    return root;
}

/// The value of a shaped expression: a number for a scalar, a std::vector (row-major) for a
/// vector or matrix; an expression that reads data outside every reduction gives one value
/// (or vector) per row, concatenated.
template <class E, class... Bs>
auto evaluate(const E& e, const Bs&... bs) {
    using T = scalar_of<Bs...>;
    using Ctx = context<T, Bs...>;
    const Ctx ctx{std::tie(bs...), row_count(bs...)};
    node<E, Ctx, wrt_t<>> root(e);
    root.init(ctx);
    if constexpr (Ctx::template per_row_outside_reductions<E>) {
        std::vector<T> out;
        out.reserve(ctx.rows * root.n);
        for (std::size_t row = 0; row < ctx.rows; ++row) {
            root.forward(ctx, row);
            for (std::size_t k = 0; k < root.n; ++k) out.push_back(root.at(k));
        }
        return out;
    } else {
        if constexpr (has_outer_reduction_trait<E>::value)
            for (std::size_t row = 0; row < ctx.rows; ++row)
                root.for_each_reduction([&](auto& red) { red.accumulate(ctx, row); });
        root.forward(ctx, 0);
        if constexpr (shape_rank<E> == 0) {
            return root.at(0);
        } else {
            std::vector<T> out(root.n);
            for (std::size_t k = 0; k < root.n; ++k) out[k] = root.at(k);
            return out;
        }
    }
}

template <class V, class T> struct gradient_of { using type = std::vector<T>; };

/// `value_and_grad` of a shaped loss: the value and, per variable, its gradient in the
/// variable's shape (a number, or the caller's buffer as a std::span, or a std::vector).
template <class E, class... Vars, class Buffers, class... Bs>
auto value_and_grad(const E& loss, wrt_t<Vars...>, const Buffers& buffers, const Bs&... bs) {
    using T = scalar_of<Bs...>;
    using Ctx = context<T, Bs...>;
    using Wrt = wrt_t<Vars...>;
    constexpr std::size_t K = sizeof...(Vars);
    const Ctx ctx{std::tie(bs...), row_count(bs...)};
    node<E, Ctx, Wrt> root(loss);
    root.init(ctx);

    // The result's gradients: the caller's buffer where one is given, else a new vector.
    const std::array<std::size_t, K> sizes{gradient_size<Vars>(ctx)...};
    std::array<std::vector<T>, K> owned;
    gradients<T, K> final_out;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        auto place = [&]<std::size_t J, class V>() {
            std::span<T> given;
            std::apply([&](const auto&... b) {
                auto one = [&](const auto& buf) {
                    using Bf = std::remove_cvref_t<decltype(buf)>;
                    if constexpr (CTGRAD_IS_SAME(typename Bf::variable_type, V)) {
                        static_assert(CTGRAD_IS_SAME(std::remove_cvref_t<decltype(buf.out[0])>, T),
                                      "ctgrad::into(x, buffer): the buffer must hold numbers of the evaluation's type (double unless every bound array is float)");
                        given = buf.out;
                    }
                };
                (void)one;
                (one(b), ...);
            }, buffers);
            if (given.data() != nullptr) {
                if (given.size() != sizes[J])
                    throw std::invalid_argument("ctgrad::into(" + std::string(V::name()) + ", buffer): the buffer has " +
                                                std::to_string(given.size()) + " numbers, the gradient " +
                                                std::to_string(sizes[J]));
                std::fill(given.begin(), given.end(), T(0));
                final_out.at[J] = given.data();
            } else {
                owned[J].assign(sizes[J], T(0));
                final_out.at[J] = owned[J].data();
            }
        };
        (place.template operator()<I, Vars>(), ...);
    }(std::index_sequence_for<Vars...>{});

    // One set of sums per reduction after the first (which sums into the result), and one
    // for the variables used outside the reductions.
    std::size_t count = 0;
    root.for_each_reduction([&](auto&) { ++count; });
    std::vector<std::array<std::vector<T>, K>> extra(count > 1 ? count - 1 : 0);
    std::vector<gradients<T, K>> sets(count);
    for (std::size_t i = 0; i < count; ++i)
        for (std::size_t j = 0; j < K; ++j) {
            if (i == 0) {
                sets[i].at[j] = final_out.at[j];
            } else {
                extra[i - 1][j].assign(sizes[j], T(0));
                sets[i].at[j] = extra[i - 1][j].data();
            }
        }
    std::array<std::vector<T>, K> outside_store;
    gradients<T, K> outside;
    for (std::size_t j = 0; j < K; ++j) {
        outside_store[j].assign(sizes[j], T(0));
        outside.at[j] = outside_store[j].data();
    }

    if (count == 1) {
        for (std::size_t row = 0; row < ctx.rows; ++row)
            root.for_each_reduction([&](auto& red) { red.accumulate_with_adjoint(ctx, row, sets[0]); });
    } else {
        for (std::size_t row = 0; row < ctx.rows; ++row) {
            std::size_t i = 0;
            root.for_each_reduction([&](auto& red) { red.accumulate_with_adjoint(ctx, row, sets[i++]); });
        }
    }
    root.forward(ctx, 0);
    root.backward(ctx, 0, [](std::size_t) { return T(1); }, outside);

    // gradient = sum over the reductions of seed * sums, plus the uses outside them.
    std::vector<T> scales;
    root.for_each_reduction([&](auto& red) { scales.push_back(red.scale); });
    for (std::size_t j = 0; j < K; ++j) {
        T* g = final_out.at[j];
        const T s0 = count > 0 ? scales[0] : T(0);
        for (std::size_t k = 0; k < sizes[j]; ++k) {
            T v = count > 0 ? s0 * g[k] : T(0);
            for (std::size_t i = 1; i < count; ++i) v += scales[i] * extra[i - 1][j][k];
            g[k] = v + outside_store[j][k];
        }
    }

    const T value = root.at(0);
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
        auto result = [&]<std::size_t J, class V>() {
            if constexpr (Ctx::template kind<V> == held::number) {
                return final_out.at[J][0];
            } else {
                constexpr bool given = []<class... Bf>(std::type_identity<std::tuple<Bf...>>) {
                    return (CTGRAD_IS_SAME(typename Bf::variable_type, V) || ...);
                }(std::type_identity<Buffers>{});
                if constexpr (given) return std::span<T>(final_out.at[J], sizes[J]);
                else return std::move(owned[J]);
            }
        };
        return std::tuple{value, result.template operator()<I, Vars>()...};
    }(std::index_sequence_for<Vars...>{});
}

}  // namespace shaped

/// The conditions of the static_asserts of the shaped entry points.
template <class E> inline constexpr bool is_a_scalar_loss = false;
template <class E> inline constexpr bool reduces_to_scalars = false;

template <class E, class... Bs>
auto shaped_evaluate(const E& e, const Bs&... bs) {
    if constexpr (!check_evaluation<E, Bs...>()) {
        return 0.0;
    } else if constexpr (!shaped::shapes_agree<E>::value) {
        static_assert(shaped::shapes_match<readable<typename shaped::shapes_agree<E>::left>, readable<typename shaped::shapes_agree<E>::right>, 1, 2>,
                      "ctgrad: an element-wise operation needs operands of one shape, or a scalar and a vector or matrix");
        return 0.0;
    } else {
        return shaped::evaluate(e, bs...);
    }
}

/// value_and_grad of a shaped loss: its checks, then the loop.
template <class E, class... Vars, class Buffers, class... Bs>
auto shaped_value_and_grad_checked(const E& loss, wrt_t<Vars...> vars, const Buffers& buffers, const Bs&... bs) {
    using Ctx = shaped::context<double, Bs...>;
    using failed_early = std::tuple<double, decltype((void(std::declval<Vars>()), 0.0))...>;
    if constexpr (!check_evaluation<E, Bs...>()) {
        return failed_early{};
    } else if constexpr (!wrt_traits<wrt_t<Vars...>>::variables) {
        return failed_early{};
    } else if constexpr (!shaped::shapes_agree<E>::value) {
        static_assert(shaped::shapes_match<readable<typename shaped::shapes_agree<E>::left>, readable<typename shaped::shapes_agree<E>::right>, 1, 2>,
                      "ctgrad: an element-wise operation needs operands of one shape, or a scalar and a vector or matrix");
        return failed_early{};
    } else if constexpr (shape_rank<E> != 0) {
        static_assert(is_a_scalar_loss<readable<E>>, "ctgrad::value_and_grad: the loss must be a scalar; reduce vectors with dot, vsum or norm");
        return shaped::failed_result<Ctx, Vars...>();
    } else if constexpr (shaped::reads_rows_outside<E, Ctx>::value) {
        static_assert(reduces_every_array<readable<E>>, "ctgrad::value_and_grad: the loss must reduce every array to a scalar (sum, mean, dot)");
        return shaped::failed_result<Ctx, Vars...>();
    } else if constexpr (!shaped::scalar_reductions_trait<E>::value) {
        static_assert(reduces_to_scalars<readable<E>>,
                      "ctgrad::value_and_grad: sum and mean over the rows in a loss must reduce scalars; reduce each row's vector with dot, vsum or norm first");
        return shaped::failed_result<Ctx, Vars...>();
    } else if constexpr (!CTGRAD_IS_SAME(typename wrt_traits<wrt_t<Vars...>>::template first_unused_by<E>, void)) {
        static_assert(is_used_by_the_loss<typename wrt_traits<wrt_t<Vars...>>::template first_unused_by<E>>,
                      "ctgrad::value_and_grad: the loss does not use a variable of wrt(...); remove it from wrt");
        return shaped::failed_result<Ctx, Vars...>();
    } else {
        return shaped::value_and_grad(loss, vars, buffers, bs...);
    }
}

/// value_and_grad of a shaped loss; `args` are bindings and gradient buffers (`into`).
template <class E, class... Vars, class... Args>
auto shaped_value_and_grad(const E& loss, wrt_t<Vars...> vars, const Args&... args) {
    const auto buffers = std::tuple_cat([](const auto& a) {
        if constexpr (is_buffer<std::remove_cvref_t<decltype(a)>>) return std::tuple{a};
        else return std::tuple<>{};
    }(args)...);
    const auto bound = std::tuple_cat([](const auto& a) {
        if constexpr (is_buffer<std::remove_cvref_t<decltype(a)>>) return std::tuple<>{};
        else return std::tuple<const std::remove_cvref_t<decltype(a)>&>{a};
    }(args)...);
    return std::apply([&](const auto&... bs) { return shaped_value_and_grad_checked(loss, vars, buffers, bs...); }, bound);
}

}  // namespace detail
}  // namespace ctgrad

#endif
