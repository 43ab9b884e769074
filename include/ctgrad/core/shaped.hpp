// Shaped variables: vectors and matrices in the compile-time core.
//
// `vec<"w">` is a vector variable and `mat<"W">` a matrix variable. Bound to a plain array a
// vector is a parameter (the same d numbers for every row); bound to `rows(X, d)` it is data,
// one row of X per step of the fused loop. A matrix binds to `as_matrix(data, rows, cols)`,
// row-major. Element-wise operations (+ - * /, exp, tanh, ...) apply per component and
// broadcast a scalar; `dot`, `vsum`, `norm` and `squared_norm` reduce a vector to a scalar;
// `W * x` (or `matvec(W, x)`) is a matrix-vector product; `sum` and `mean` reduce over the
// rows as before. The sizes are run-time values, checked when the variables are bound.
//
// The nodes are the scalar core's (unary, binary) with the ops below; what is new is the rank
// of a node (0 scalar, 1 vector, 2 matrix), computed from its leaves (`detail::rank`).
// Derivatives are in diff/shaped.hpp, evaluation and the fused loop in eval/shaped.hpp.
#ifndef CTGRAD_CORE_SHAPED_HPP
#define CTGRAD_CORE_SHAPED_HPP

#include <ctgrad/core/reductions.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctgrad {

// ---- views of the caller's data -------------------------------------------------------

/// A parameter vector: `size` numbers, the same in every row.
template <class T>
struct vector_view {
    const T* data;
    std::size_t size;
};

/// Data: one vector of `cols` numbers per row of the loop. Row n is `data + n * cols`, or with
/// an index `data + index[n] * cols` (a gather: pairs of particles, minibatches); `count` is the
/// number of rows the loop sees and `rows` the number of rows of the array.
template <class T>
struct rows_view {
    const T* data;
    std::size_t rows;
    std::size_t cols;
    const std::int64_t* index = nullptr;
    std::size_t count = 0;
    constexpr std::size_t row_at(std::size_t n) const { return index ? static_cast<std::size_t>(index[n]) : n; }
};

/// A parameter matrix, row-major: `rows` rows of `cols` numbers.
template <class T>
struct matrix_view {
    const T* data;
    std::size_t rows;
    std::size_t cols;
};

namespace detail {
template <class D>
concept contiguous_floats = array_like<std::remove_cvref_t<D>>;
template <class D>
concept contiguous_indices = requires(const D& d) {
    { d.data() } -> std::convertible_to<const std::int64_t*>;
    { d.size() } -> std::convertible_to<std::size_t>;
};
template <class D> using floats_of = array_element_t<std::remove_cvref_t<D>>;
}  // namespace detail

/// `rows(X, d)`: the array X (N * d numbers, row-major) as N rows of d, for a vector variable
/// that is data: `x = rows(X, d)` makes `x` row n of X in step n of the loop. The array must
/// outlive the binding. X's size must be a multiple of d (std::invalid_argument otherwise).
template <class D>
    requires detail::contiguous_floats<D>
constexpr auto rows(const D& x, std::size_t cols) {
    using T = detail::floats_of<D>;
    const auto size = static_cast<std::size_t>(x.size());
    if (cols == 0 || size % cols != 0)
        throw std::invalid_argument("ctgrad::rows(X, d): X has " + std::to_string(size) + " numbers, not a multiple of d = " +
                                    std::to_string(cols));
    return rows_view<T>{x.data(), size / cols, cols, nullptr, size / cols};
}

/// `rows(X, d, index)`: step n of the loop sees row index[n] of X (std::int64_t indices; a
/// gradient by such a variable is added into the rows it read, so repeated rows accumulate).
template <class D, class I>
    requires detail::contiguous_floats<D> && detail::contiguous_indices<I>
auto rows(const D& x, std::size_t cols, const I& index) {
    auto v = rows(x, cols);
    for (std::size_t n = 0; n < static_cast<std::size_t>(index.size()); ++n)
        if (index.data()[n] < 0 || static_cast<std::size_t>(index.data()[n]) >= v.rows)
            throw std::out_of_range("ctgrad::rows(X, d, index): index " + std::to_string(index.data()[n]) +
                                    " is out of bounds for " + std::to_string(v.rows) + " rows");
    v.index = index.data();
    v.count = static_cast<std::size_t>(index.size());
    return v;
}

/// `as_matrix(A, r, c)`: the array A (r * c numbers, row-major) as an r x c matrix, for a matrix
/// variable: `W = as_matrix(w1, h, d)`. A size other than r * c throws std::invalid_argument.
template <class D>
    requires detail::contiguous_floats<D>
constexpr auto as_matrix(const D& a, std::size_t r, std::size_t c) {
    using T = detail::floats_of<D>;
    if (static_cast<std::size_t>(a.size()) != r * c)
        throw std::invalid_argument("ctgrad::as_matrix(A, r, c): A has " + std::to_string(a.size()) + " numbers, not r * c = " +
                                    std::to_string(r * c));
    return matrix_view<T>{a.data(), r, c};
}

// rows and matrix keep a pointer into the array: a temporary would be destroyed first.
template <class D>
    requires detail::contiguous_floats<D> && (!std::is_lvalue_reference_v<D>) && (!detail::is_std_span_trait<std::remove_cvref_t<D>>::value)
auto rows(D&&, std::size_t) = delete;
template <class D>
    requires detail::contiguous_floats<D> && (!std::is_lvalue_reference_v<D>) && (!detail::is_std_span_trait<std::remove_cvref_t<D>>::value)
auto as_matrix(D&&, std::size_t, std::size_t) = delete;

/// A shaped variable bound to a value: what `w = wv` returns for `vec<"w">` or `mat<"W">`.
/// A temporary container is kept in the binding, so a binding kept in a variable stays valid.
template <class Var, class View>
struct shaped_binding {
    View value;
    std::vector<std::remove_cvref_t<decltype(*std::declval<View>().data)>> storage{};

    shaped_binding(View v) : value(v) {}
    template <class T>
    shaped_binding(std::vector<T>&& own) : value{nullptr, 0}, storage(std::move(own)) {
        value = View{storage.data(), storage.size()};
    }
    shaped_binding(const shaped_binding& o) : value(o.value), storage(o.storage) {
        if (!storage.empty()) value.data = storage.data();
    }
    shaped_binding& operator=(const shaped_binding& o) {
        value = o.value;
        storage = o.storage;
        if (!storage.empty()) value.data = storage.data();
        return *this;
    }
};

namespace detail {
template <class Variable, class Value> inline constexpr bool bindable_to_shape = false;
template <class D> struct is_shaped_view {
    static constexpr bool rows = false;
    static constexpr bool matrix = false;
};
template <class T> struct is_shaped_view<rows_view<T>> {
    static constexpr bool rows = true;
    static constexpr bool matrix = false;
};
template <class T> struct is_shaped_view<matrix_view<T>> {
    static constexpr bool rows = false;
    static constexpr bool matrix = true;
};
}  // namespace detail

/// `vec<"w">`: a vector variable. `w = container` (std::vector, std::array, std::span, Eigen)
/// binds a parameter of container.size() numbers; `w = rows(X, d)` binds data, a row per step.
template <fixed_string Name>
struct vec_variable : expr_base<vec_variable<Name>> {
    static constexpr std::string_view name() { return Name.view(); }

    template <class V>
    auto operator=(V&& v) const {
        using D = std::remove_cvref_t<V>;
        if constexpr (detail::is_shaped_view<D>::rows) {
            return shaped_binding<vec_variable, D>(v);
        } else if constexpr (detail::array_like<D>) {
            using T = detail::array_element_t<D>;
            if constexpr (detail::owned_when_bound<V>)
                return shaped_binding<vec_variable, vector_view<T>>(std::vector<T>(v.data(), v.data() + v.size()));
            else
                return shaped_binding<vec_variable, vector_view<T>>(vector_view<T>{v.data(), static_cast<std::size_t>(v.size())});
        } else {
            static_assert(detail::bindable_to_shape<detail::spelled<Name>, D>,
                          "ctgrad: bind a vector variable to an array of float or double (a parameter) or to rows(X, d) (data)");
            return shaped_binding<vec_variable, vector_view<double>>(vector_view<double>{nullptr, 0});
        }
    }
    using expr_base<vec_variable<Name>>::operator();
};

/// `mat<"W">`: a matrix variable, bound as `W = as_matrix(data, rows, cols)` (row-major).
template <fixed_string Name>
struct mat_variable : expr_base<mat_variable<Name>> {
    static constexpr std::string_view name() { return Name.view(); }

    template <class V>
    auto operator=(V&& v) const {
        using D = std::remove_cvref_t<V>;
        if constexpr (detail::is_shaped_view<D>::matrix) {
            return shaped_binding<mat_variable, D>(v);
        } else {
            static_assert(detail::bindable_to_shape<detail::spelled<Name>, D>,
                          "ctgrad: bind a matrix variable to as_matrix(data, rows, cols), which gives its dimensions");
            return shaped_binding<mat_variable, matrix_view<double>>(matrix_view<double>{nullptr, 0, 0});
        }
    }
    using expr_base<mat_variable<Name>>::operator();
};

/// `vec<"w">` and `mat<"W">`, as `var<"x">` for a scalar.
template <fixed_string Name>
inline constexpr vec_variable<Name> vec{};
template <fixed_string Name>
inline constexpr mat_variable<Name> mat{};

// ---- ops of shaped operands -----------------------------------------------------------

namespace detail {
template <fixed_string Name, notation N, int P = 5>
struct shaped_op : op_base<Name, N, P> {
    static constexpr std::string_view torch_backward = "";
    static constexpr bool saves_result = false;
    static constexpr bool linear = false;
    static constexpr bool associative = false;
    static constexpr std::string_view dot_label = Name.view();
};
}  // namespace detail

/// dot(a, b) = sum_j a_j b_j of two vectors.
struct dot_op : detail::shaped_op<"dot", notation::function> {};
/// vsum(a) = sum_j a_j, the sum of a vector's (or matrix's) components.
struct vsum_op : detail::shaped_op<"vsum", notation::function> {};
/// W @ x, a matrix times a vector: (W @ x)_i = sum_j W_ij x_j.
struct matvec_op : detail::shaped_op<"@", notation::infix, 2> {};
/// transpose(W): only as the left operand of @ (the gradient by a vector of W @ x).
struct transpose_op : detail::shaped_op<"transpose", notation::function> {};
/// outer(a, b)_ij = a_i b_j (the gradient by W of W @ x).
struct outer_op : detail::shaped_op<"outer", notation::function> {};

namespace detail {
template <fixed_string N> struct readable_trait<vec_variable<N>> { using type = spelled<N>; };
template <fixed_string N> struct readable_trait<mat_variable<N>> { using type = spelled<N>; };
template <fixed_string N> struct is_variable_trait<vec_variable<N>> : std::bool_constant<true> {};
template <fixed_string N> struct is_variable_trait<mat_variable<N>> : std::bool_constant<true> {};

/// The rank of a node: 0 a scalar, 1 a vector, 2 a matrix.
template <class E> struct rank_of : std::integral_constant<int, 0> {};
template <class E> inline constexpr int shape_rank = rank_of<E>::value;
template <fixed_string N> struct rank_of<vec_variable<N>> : std::integral_constant<int, 1> {};
template <fixed_string N> struct rank_of<mat_variable<N>> : std::integral_constant<int, 2> {};
template <class Op, class A> struct rank_of<unary<Op, A>> : rank_of<A> {};
template <class A> struct rank_of<unary<vsum_op, A>> : std::integral_constant<int, 0> {};
template <class A> struct rank_of<unary<transpose_op, A>> : std::integral_constant<int, 2> {};
template <class Op, class L, class R> struct rank_of<binary<Op, L, R>> : std::integral_constant<int, (shape_rank<L> > shape_rank<R> ? shape_rank<L> : shape_rank<R>)> {};
template <class L, class R> struct rank_of<binary<dot_op, L, R>> : std::integral_constant<int, 0> {};
template <class L, class R> struct rank_of<binary<matvec_op, L, R>> : std::integral_constant<int, 1> {};
template <class L, class R> struct rank_of<binary<outer_op, L, R>> : std::integral_constant<int, 2> {};
template <class Id> struct rank_of<named<Id>> : rank_of<named_expression_t<Id>> {};

/// Whether an expression uses a shaped variable: it is then evaluated and differentiated by
/// eval/shaped.hpp and diff/shaped.hpp.
template <class E> struct is_shaped_trait : std::bool_constant<false> {};
template <class E> concept is_shaped = is_shaped_trait<std::remove_cvref_t<E>>::value;
template <fixed_string N> struct is_shaped_trait<vec_variable<N>> : std::bool_constant<true> {};
template <fixed_string N> struct is_shaped_trait<mat_variable<N>> : std::bool_constant<true> {};
template <class Op, class A> struct is_shaped_trait<unary<Op, A>> : is_shaped_trait<A> {};
template <class Op, class L, class R> struct is_shaped_trait<binary<Op, L, R>> : std::bool_constant<is_shaped<L> || is_shaped<R>> {};
template <class Id> struct is_shaped_trait<named<Id>> : is_shaped_trait<named_expression_t<Id>> {};

template <class A, class B>
concept shaped_operands = operands<A, B> && (is_shaped<A> || is_shaped<B>);

template <class E> using expr_of = std::remove_cvref_t<decltype(as_expr(std::declval<const E&>()))>;

/// Conditions of the static_asserts below, printed with the operands.
template <class A, class B> inline constexpr bool are_two_vectors = false;
template <class A> inline constexpr bool is_a_vector_or_matrix = false;
template <class W, class X> inline constexpr bool are_a_matrix_and_a_vector = false;
template <class A> inline constexpr bool is_a_matrix = false;

template <class A, class B>
constexpr auto make_dot(const A& a, const B& b) {
    if constexpr (is_zero<A> || is_zero<B>) return zero;
    else return binary<dot_op, A, B>{a, b};
}
template <class W, class X>
constexpr auto make_matvec(const W& w, const X& x) {
    if constexpr (is_zero<W> || is_zero<X>) return zero;
    else return binary<matvec_op, W, X>{w, x};
}
template <class A, class B>
constexpr auto make_outer(const A& a, const B& b) {
    if constexpr (is_zero<A> || is_zero<B>) return zero;
    else return binary<outer_op, A, B>{a, b};
}
template <class A>
constexpr auto make_vsum(const A& a) {
    if constexpr (is_zero<A>) return zero;
    else return unary<vsum_op, A>{a};
}
template <class A>
constexpr auto make_transpose(const A& a) {
    if constexpr (is_zero<A>) return zero;
    else if constexpr (is_op<A, transpose_op>) return a.a();
    else return unary<transpose_op, A>{a};
}
}  // namespace detail

/// The dot product of two vectors, sum_j a_j b_j: a scalar per row. (Of two scalar arrays,
/// `dot` is the sum over the rows, core/reductions.hpp.)
template <class A, class B> requires detail::shaped_operands<A, B>
constexpr auto dot(const A& a, const B& b) {
    using EA = detail::expr_of<A>;
    using EB = detail::expr_of<B>;
    if constexpr (detail::shape_rank<EA> != 1 || detail::shape_rank<EB> != 1) {
        static_assert(detail::are_two_vectors<detail::readable<EA>, detail::readable<EB>>,
                      "ctgrad::dot(a, b): a and b must both be vectors");
        return zero;
    } else {
        return detail::make_dot(detail::as_expr(a), detail::as_expr(b));
    }
}

/// The sum of a vector's components, sum_j a_j: a scalar per row.
template <expression A>
constexpr auto vsum(const A& a) {
    if constexpr (detail::shape_rank<A> == 0) {
        static_assert(detail::is_a_vector_or_matrix<detail::readable<A>>,
                      "ctgrad::vsum(a): a must be a vector or a matrix; sum and mean reduce scalars over the rows");
        return zero;
    } else {
        return detail::make_vsum(a);
    }
}

/// The matrix-vector product W @ x, also written `W * x`.
template <expression W, expression X>
constexpr auto matvec(const W& w, const X& x) {
    if constexpr (detail::shape_rank<W> != 2 || detail::shape_rank<X> != 1) {
        static_assert(detail::are_a_matrix_and_a_vector<detail::readable<W>, detail::readable<X>>,
                      "ctgrad::matvec(W, x): W must be a matrix and x a vector");
        return zero;
    } else {
        return detail::make_matvec(w, x);
    }
}

/// A matrix times a vector: `W * x` is `matvec(W, x)` (between two vectors `*` is element-wise).
template <class W, class X>
    requires detail::shaped_operands<W, X> && (detail::shape_rank<detail::expr_of<W>> == 2 && detail::shape_rank<detail::expr_of<X>> == 1)
constexpr auto operator*(const W& w, const X& x) {
    return detail::make_matvec(w, x);
}

/// The transpose of a matrix, as the left operand of @: `transpose(W) * g`.
template <expression A>
constexpr auto transpose(const A& a) {
    if constexpr (detail::shape_rank<A> != 2) {
        static_assert(detail::is_a_matrix<detail::readable<A>>, "ctgrad::transpose(W): W must be a matrix");
        return zero;
    } else {
        return detail::make_transpose(a);
    }
}

/// The outer product of two vectors, a matrix: outer(a, b)_ij = a_i b_j.
template <expression A, expression B>
constexpr auto outer(const A& a, const B& b) {
    if constexpr (detail::shape_rank<A> != 1 || detail::shape_rank<B> != 1) {
        static_assert(detail::are_two_vectors<detail::readable<A>, detail::readable<B>>,
                      "ctgrad::outer(a, b): a and b must both be vectors");
        return zero;
    } else {
        return detail::make_outer(a, b);
    }
}

/// sum_j a_j^2, the squared Euclidean norm of a vector.
template <expression A>
constexpr auto squared_norm(const A& a) { return dot(a, a); }

/// sqrt(sum_j a_j^2), the Euclidean norm of a vector.
template <expression A>
constexpr auto norm(const A& a) { return sqrt(dot(a, a)); }

}  // namespace ctgrad

#endif
