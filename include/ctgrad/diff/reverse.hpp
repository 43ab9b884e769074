// Symbolic reverse mode: grad(f, x, y, ...), jacobian(outputs(...), wrt(...)), hessian(f, wrt(...)).
//
// The adjoints are expression types built over the DAG of f's distinct nodes (eval/dag.hpp),
// from the root down: the adjoint of a node is the sum over its parents of the parent's adjoint
// times the local partial (core/ops.hpp), made by the same simplifying constructors and chain
// rule products as `d` (diff/derivative.hpp). Each compound adjoint is a name
// (`named<adjoint_name<F, I>>`, core/expr.hpp), so a gradient that uses one adjoint in several
// places spells it once per use as a name: its distinct nodes grow with f's, and it prints,
// evaluates and differentiates like any expression.
//
// A reduction (sum, mean) passes no adjoint into its body: by linearity, the body's own gradient
// is computed the same way and reduced, d red(b) / dx = red(d b / dx), then weighted by the
// reduction's adjoint. An expression with runtime literals (a stateful expression) is
// differentiated by `d`, one variable at a time: its nodes hold their values, and a name holds a
// copy of its expression, so adjoints shared by several children would copy those values once
// per path.
#ifndef CTGRAD_DIFF_REVERSE_HPP
#define CTGRAD_DIFF_REVERSE_HPP

#include <ctgrad/diff/derivative.hpp>
#include <ctgrad/eval/dag.hpp>
#include <ctgrad/eval/evaluate.hpp>
#include <ctgrad/eval/fused.hpp>
#include <ctgrad/io/to_string.hpp>

#include <array>
#include <cstddef>
#include <ostream>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace ctgrad {

namespace detail {
/// grad(f, xs...) over vectors and matrices (diff/shaped.hpp).
template <class F, class... Xs>
constexpr auto shaped_grad(const F& f, const Xs&... xs);
}  // namespace detail
namespace detail {

// ---- the entries of a DAG by position --------------------------------------------------

template <std::size_t I, class E> struct indexed_entry {};
template <class List, class Seq = std::make_index_sequence<List::size>> struct entry_index;
template <class... Es, std::size_t... I>
struct entry_index<typelist<Es...>, std::index_sequence<I...>> : indexed_entry<I, Es>... {};
template <std::size_t I, class E> E entry_at_position(const indexed_entry<I, E>*);  // declared only
/// The entry at position `I` of `List`: one overload resolution, no recursion over the list.
template <class List, std::size_t I>
using entry_at = decltype(detail::entry_at_position<I>(static_cast<const entry_index<List>*>(nullptr)));

/// Whether an entry's node passes its adjoint to its operands: an operation that is not a
/// reduction (a reduction's body is differentiated on its own, see the top of this file).
template <class N>
inline constexpr bool passes_adjoint = (is_unary<N> || is_binary<N>) && !is_reduction<N>;

/// The uses of the node at position `I` by its parents, each `2 J + side` for the parent at
/// position J and its left (0) or right (1) operand; a unary parent uses its operand as side 0.
template <class List, std::size_t I> struct parent_uses;
template <class... Es, std::size_t I>
struct parent_uses<typelist<Es...>, I> {
    /// With `counting`, the number of uses; else use number k.
    static consteval std::size_t scan(std::size_t k, bool counting) {
        constexpr bool passes[] = {passes_adjoint<typename Es::node>..., false};
        constexpr bool binary_node[] = {is_binary<typename Es::node>..., false};
        constexpr std::size_t as[] = {std::size_t(Es::a)..., 0};
        constexpr std::size_t bs[] = {std::size_t(Es::b)..., 0};
        std::size_t n = 0;
        for (std::size_t j = I + 1; j < sizeof...(Es); ++j) {
            if (!passes[j]) continue;
            for (std::size_t side = 0; side != 2; ++side) {
                if ((side == 0 ? as[j] : bs[j]) != I || (side == 1 && !binary_node[j])) continue;
                if (!counting && n == k) return 2 * j + side;
                ++n;
            }
        }
        return counting ? n : 0;
    }
    static consteval std::size_t count() { return scan(0, true); }
    static consteval std::size_t use(std::size_t k) { return scan(k, false); }
};

/// The local partial of the node `N` by its operand on `Side`, as an expression of the node's
/// operands and of the node itself (its result).
template <class N, std::size_t Side>
constexpr auto local_partial() {
    using Op = op_t<N>;
    if constexpr (is_unary<N>) return Op::partial(N{}.a(), N{});
    else if constexpr (Side == 0) return Op::partial_l(N{}.l(), N{}.r(), N{});
    else return Op::partial_r(N{}.l(), N{}.r(), N{});
}

template <class F, std::size_t I> struct adjoint_name;
template <class F, std::size_t I> struct adjoint_at;

/// The sum of the terms, left to right, simplified as it is built.
constexpr auto add_all() { return zero; }
template <class A>
constexpr auto add_all(const A& a) { return a; }
template <class A, class B, class... Rest>
constexpr auto add_all(const A& a, const B& b, const Rest&... rest) {
    return add_all(make_add(a, b), rest...);
}

/// The contribution of the use `Use` (`2 J + side`) to its operand's adjoint: the local partial
/// times the adjoint of the parent at J.
template <class F, std::size_t Use>
using adjoint_contribution = decltype(chain_mul(local_partial<typename entry_at<dag<F>, Use / 2>::node, Use % 2>(),
                                                typename adjoint_at<F, Use / 2>::type{}));

/// The adjoint of position I: 1 at the root, else the sum of the contributions of its uses.
template <class F, std::size_t I, class Uses = std::make_index_sequence<parent_uses<dag<F>, I>::count()>>
struct adjoint_sum;
template <class F, std::size_t I>
struct adjoint_sum<F, I, std::index_sequence<>> {
    using type = std::conditional_t<I + 1 == dag<F>::size, constant<1>, constant<0>>;
};
template <class F, std::size_t I, std::size_t... K>
struct adjoint_sum<F, I, std::index_sequence<K...>> {
    using type = decltype(add_all(adjoint_contribution<F, parent_uses<dag<F>, I>::use(K)>{}...));
};

/// The name of the adjoint at position I of F's DAG.
template <class F, std::size_t I>
struct adjoint_name {
    using expression_type = typename adjoint_sum<F, I>::type;
};

/// The adjoint at position I: a name when it is an operation, else the number or variable.
template <class F, std::size_t I>
struct adjoint_at {
    using sum = typename adjoint_sum<F, I>::type;
    using type = std::conditional_t<(is_unary<sum> || is_binary<sum>) && !is_named<sum>, named<adjoint_name<F, I>>, sum>;
};

/// Instantiates the adjoints of F from the root down, so that each one finds its parents'
/// already made and the instantiation depth stays that of one step, not of F's depth.
template <class F, class Seq = std::make_index_sequence<dag<F>::size>> struct adjoints_in_order;
template <class F, std::size_t... K>
struct adjoints_in_order<F, std::index_sequence<K...>> {
    using type = typelist<typename adjoint_at<F, dag<F>::size - 1 - K>::type...>;
};

/// The reduction nodes of a DAG list, as entries.
template <class List> struct reduction_entries;
template <class... Es>
struct reduction_entries<typelist<Es...>> {
    using type = decltype(std::tuple_cat(std::declval<std::conditional_t<is_reduction<typename Es::node>, std::tuple<Es>, std::tuple<>>>()...));
};

template <class F, class X>
constexpr auto reverse_derivative();

/// The contribution of a reduction node (its entry) to d F / d X: its adjoint times the
/// reduction of its body's derivative.
template <class F, class X, class Entry>
constexpr auto reduction_contribution() {
    using R = typename Entry::node;
    using Body = std::remove_cvref_t<decltype(R{}.a())>;
    if constexpr (!depends_on<Body, X>) return zero;
    else return chain_mul(typename adjoint_at<F, index_in<R, dag<F>>::value>::type{},
                          make_reduction<op_t<R>>(reverse_derivative<Body, X>()));
}

/// d F / d X by reverse mode, for a stateless F: a type (the value is an empty object).
template <class F, class X>
constexpr auto reverse_derivative() {
    if constexpr (!depends_on<F, X>) return zero;
    else if constexpr (is_variable<F>) return one;
    else {
        using List = dag<F>;
        using order = typename adjoints_in_order<F>::type;
        static_assert(order::size == List::size);
        using direct = std::conditional_t<contains_node<X, List>::value, typename adjoint_at<F, index_in<X, List>::value>::type, constant<0>>;
        using reductions = typename reduction_entries<List>::type;
        return []<class... Rs>(std::tuple<Rs...>*) {
            return add_all(direct{}, reduction_contribution<F, X, Rs>()...);
        }(static_cast<reductions*>(nullptr));
    }
}

/// d f / d x for `grad`, `jacobian` and `hessian`: reverse mode over f's DAG, a type, for an
/// expression without runtime literals; `d` for one with them.
template <class F, class X>
constexpr auto gradient_component(const F& f, const X& x) {
    if constexpr (has_state<F>) return derivative_of(f, x);
    else return decltype(reverse_derivative<F, X>()){};
}

/// Which function checks its arguments, for its messages.
enum class gradient_function { grad, jacobian, hessian };

/// The checks of grad, jacobian and hessian: f an expression, every x a variable.
template <gradient_function Which, class F, class... Xs>
consteval bool check_gradient_arguments() {
    using not_variable = typename first_non_variable<Xs...>::type;
    if constexpr (sizeof...(Xs) == 0) {
        if constexpr (Which == gradient_function::grad) static_assert(never<F>, "ctgrad::grad(f, x, ...): name at least one variable");
        else if constexpr (Which == gradient_function::jacobian)
            static_assert(never<F>, "ctgrad::jacobian(outputs(f, ...), wrt(x, ...)): name at least one variable");
        else static_assert(never<F>, "ctgrad::hessian(f, wrt(x, ...)): name at least one variable");
        return false;
    } else if constexpr (!expression<F>) {
        if constexpr (Which == gradient_function::grad) static_assert(is_an_expression<F>, "ctgrad::grad(f, x, ...): f must be a ctgrad expression");
        else if constexpr (Which == gradient_function::jacobian)
            static_assert(is_an_expression<F>, "ctgrad::jacobian(outputs(f, ...), wrt(x, ...)): every output must be a ctgrad expression");
        else static_assert(is_an_expression<F>, "ctgrad::hessian(f, wrt(x, ...)): f must be a ctgrad expression");
        return false;
    } else if constexpr (!CTGRAD_IS_SAME(not_variable, void)) {
        static_assert(is_a_variable<readable<not_variable>>, "ctgrad::grad(f, x, ...): x must be a variable such as var<\"x\">");
        return false;
    } else {
        return true;
    }
}

template <class... Es> struct first_non_expression { using type = void; };
/// The condition of outputs' static_assert, printed with the first argument that is not an expression.
template <class NotExpression> inline constexpr bool no_output_but_expressions = false;
template <> inline constexpr bool no_output_but_expressions<void> = true;
template <class E, class... Es> struct first_non_expression<E, Es...> {
    using type = std::conditional_t<expression<E>, typename first_non_expression<Es...>::type, E>;
};
}  // namespace detail

/// All first derivatives of `f`, one per variable, as a `std::tuple` (structured bindings work).
/// Reverse mode: the adjoints of f's distinct nodes are built once, from the root down, and
/// shared by every derivative (see the top of this file).
///
/// `auto [dfdx, dfdy] = grad(f, x, y);`
template <class F, class... Xs>
constexpr auto grad(const F& f, const Xs&... xs) {
    if constexpr (!detail::check_gradient_arguments<detail::gradient_function::grad, F, Xs...>()) return std::tuple{(void(xs), zero)...};
    else if constexpr (detail::is_shaped<F>) return detail::shaped_grad(f, xs...);
    else return std::tuple{detail::gradient_component(f, xs)...};
}

/// The expressions of several outputs, for `jacobian(outputs(f1, f2), wrt(x, y))`.
template <class... Fs>
struct outputs_t {
    std::tuple<Fs...> functions;
};
template <class... Fs>
constexpr outputs_t<Fs...> outputs(const Fs&... fs) {
    static_assert(detail::no_output_but_expressions<typename detail::first_non_expression<Fs...>::type>,
                  "ctgrad::outputs(f, ...): every argument must be a ctgrad expression");
    return {std::tuple<Fs...>{fs...}};
}

/// A matrix of expressions known at compile time: `jacobian` and `hessian` return one. Row `i`
/// is a `std::tuple` of expressions; `get<I, J>(m)` is one entry, `std::get<I>(m)` (and
/// structured bindings) one row. It prints as `[[a, b], [c, d]]` and evaluates with named
/// bindings, `m(x = 1.0, y = 2.0)`, to a `std::array` of rows, each distinct subexpression of all
/// its entries computed once.
template <class... Rows>
struct matrix {
    std::tuple<Rows...> rows;

    static constexpr std::size_t row_count = sizeof...(Rows);
    static constexpr std::size_t column_count = std::tuple_size_v<std::tuple_element_t<0, std::tuple<Rows..., std::tuple<>>>>;

    /// The values of the entries: `std::array<std::array<T, columns>, rows>`.
    template <class... Bindings>
    constexpr auto operator()(const Bindings&... bindings) const;
};

/// Entry (I, J).
template <std::size_t I, std::size_t J, class... Rows>
constexpr const auto& get(const matrix<Rows...>& m) {
    return std::get<J>(std::get<I>(m.rows));
}
}  // namespace ctgrad

template <class... Rows>
struct std::tuple_size<ctgrad::matrix<Rows...>> : std::integral_constant<std::size_t, sizeof...(Rows)> {};
template <std::size_t I, class... Rows>
struct std::tuple_element<I, ctgrad::matrix<Rows...>> {
    using type = std::tuple_element_t<I, std::tuple<Rows...>>;
};

namespace ctgrad {
/// Row I, for structured bindings: `auto [row0, row1] = hessian(f, wrt(x, y));`.
template <std::size_t I, class... Rows>
constexpr const auto& get(const matrix<Rows...>& m) {
    return std::get<I>(m.rows);
}

namespace detail {
template <class... Rows>
constexpr matrix<Rows...> make_matrix(const Rows&... rows) {
    return {std::tuple<Rows...>{rows...}};
}

template <class... Xs, class... Fs, std::size_t... I>
constexpr auto jacobian_rows(const std::tuple<Fs...>& fs, std::index_sequence<I...>) {
    return make_matrix(grad(std::get<I>(fs), Xs{}...)...);
}

/// Entry (I, J) of the Hessian of f by Xs: d/dx_max (d f / dx_min), so that (I, J) and (J, I)
/// are one type, derived once.
template <std::size_t I, std::size_t J, class F, class... Xs>
constexpr auto hessian_entry(const F& f) {
    using X = std::tuple<Xs...>;
    constexpr std::size_t lo = I < J ? I : J;
    constexpr std::size_t hi = I < J ? J : I;
    const auto first = gradient_component(f, std::tuple_element_t<lo, X>{});
    return gradient_component(first, std::tuple_element_t<hi, X>{});
}

template <std::size_t I, class F, class... Xs, std::size_t... J>
constexpr auto hessian_row(const F& f, std::index_sequence<J...>) {
    return std::tuple{hessian_entry<I, J, F, Xs...>(f)...};
}
template <class F, class... Xs, std::size_t... I>
constexpr auto hessian_rows(const F& f, std::index_sequence<I...>) {
    return make_matrix(hessian_row<I, F, Xs...>(f, std::index_sequence_for<Xs...>{})...);
}
}  // namespace detail

/// The Jacobian of the outputs by the variables: row i is `grad(f_i, x, y, ...)`.
///
/// `auto J = jacobian(outputs(x * y, x + sin(y)), wrt(x, y));  // [[y, x], [1, cos(y)]]`
template <class... Fs, class... Xs>
constexpr auto jacobian(const outputs_t<Fs...>& fs, wrt_t<Xs...>) {
    static_assert(sizeof...(Fs) >= 1, "ctgrad::jacobian(outputs(f, ...), wrt(x, ...)): name at least one output");
    if constexpr (sizeof...(Fs) == 0 || !(expression<Fs> && ...))  // `outputs` said which is not an expression
        return detail::make_matrix();
    else if constexpr (!(detail::check_gradient_arguments<detail::gradient_function::jacobian, Fs, Xs...>() && ...))
        return detail::make_matrix();
    else return detail::jacobian_rows<Xs...>(fs.functions, std::index_sequence_for<Fs...>{});
}

/// The Hessian of `f` by the variables: entry (i, j) is d^2 f / dx_i dx_j, a symmetric matrix
/// whose mixed partials (i, j) and (j, i) are one expression type, derived once (reverse mode
/// twice).
///
/// `auto H = hessian(x * x * y, wrt(x, y));  // [[2 * y, 2 * x], [2 * x, 0]]`
template <class F, class... Xs>
constexpr auto hessian(const F& f, wrt_t<Xs...>) {
    if constexpr (!detail::check_gradient_arguments<detail::gradient_function::hessian, F, Xs...>()) return detail::make_matrix();
    else return detail::hessian_rows<F, Xs...>(f, std::index_sequence_for<Xs...>{});
}

// ---- printing and evaluating a matrix -------------------------------------------------

namespace detail {
template <class Sink, class... Es>
constexpr void print_row(const std::tuple<Es...>& row, Sink& sink) {
    sink.put("[");
    std::apply([&](const auto&... e) {
        bool first = true;
        ((sink.put(first ? "" : ", "), first = false, print(e, sink)), ...);
    }, row);
    sink.put("]");
}
template <class Sink, class... Rows>
constexpr void print_matrix(const matrix<Rows...>& m, Sink& sink) {
    sink.put("[");
    std::apply([&](const auto&... row) {
        bool first = true;
        ((sink.put(first ? "" : ", "), first = false, print_row(row, sink)), ...);
    }, m.rows);
    sink.put("]");
}
template <class M>
consteval std::size_t printed_matrix_size() {
    counting_sink c;
    print_matrix(M{}, c);
    return c.n;
}
template <class Row> struct row_stateless;
template <class... Es> struct row_stateless<std::tuple<Es...>> : std::bool_constant<(!has_state<Es> && ...)> {};
/// Whether no entry holds a runtime literal.
template <class... Rows>
inline constexpr bool matrix_stateless = (row_stateless<Rows>::value && ...);
}  // namespace detail

/// The matrix as `[[a, b], [c, d]]`: a `static_string` when no entry holds a runtime literal
/// (`static_assert(to_string(hessian(x * y, wrt(x, y))) == "[[0, 1], [1, 0]]")`), else a std::string.
template <class... Rows>
constexpr auto to_string(const matrix<Rows...>& m) {
    if constexpr (detail::matrix_stateless<Rows...>) {
        static_string<detail::printed_matrix_size<matrix<Rows...>>()> s;
        detail::buffer_sink sink{s.chars};
        detail::print_matrix(m, sink);
        return s;
    } else {
        std::string s;
        detail::string_sink sink{&s};
        detail::print_matrix(m, sink);
        return s;
    }
}

/// Prints `to_string(m)`.
template <class... Rows>
std::ostream& operator<<(std::ostream& os, const matrix<Rows...>& m) {
    return os << to_string(m);
}

namespace detail {
/// The entries of the rows, row by row, as one list of types.
template <class... Rows> struct flat_entries;
template <> struct flat_entries<> { using type = typelist<>; };
template <class... Es, class... Rows> struct flat_entries<std::tuple<Es...>, Rows...> {
    template <class L> struct prepend;
    template <class... Ts> struct prepend<typelist<Ts...>> { using type = typelist<Es..., Ts...>; };
    using type = typename prepend<typename flat_entries<Rows...>::type>::type;
};

/// The distinct nodes of several expressions, children first (each expression after its nodes).
template <class Nodes, class... Es> struct collect_all { using type = Nodes; };
template <class Nodes, class E, class... Es>
struct collect_all<Nodes, E, Es...> : collect_all<typename collect<Nodes, E>::type, Es...> {};
template <class... Es>
using multi_dag = typename to_typelist<typename collect_all<empty_nodes, Es...>::type::entries>::type;
template <class List> struct multi_dag_of;
template <class... Es> struct multi_dag_of<typelist<Es...>> { using type = multi_dag<Es...>; };

/// The values of the expressions `Es` (stateless) in `ctx`, from one forward sweep over their
/// distinct nodes together.
template <class T, class... Es, class Ctx>
CTGRAD_ALWAYS_INLINE constexpr std::array<T, sizeof...(Es)> values_together(typelist<Es...>, const Ctx& ctx) {
    using List = multi_dag<Es...>;
    const auto v = dag_forward<T>(List{}, ctx, nullptr);
    return {v[index_in<Es, List>::value]...};
}
}  // namespace detail

template <class... Rows>
template <class... Bindings>
constexpr auto matrix<Rows...>::operator()(const Bindings&... bindings) const {
    using Entries = typename detail::flat_entries<Rows...>::type;
    using T = detail::evaluation_scalar<typename detail::binding_traits<Bindings>::value_type...>;
    static_assert((std::is_arithmetic<typename detail::binding_traits<Bindings>::value_type>::value && ...),
                  "ctgrad: a matrix of expressions evaluates with numbers bound to its variables");
    std::array<T, Entries::size> flat{};
    if constexpr (detail::matrix_stateless<Rows...>) {
        const auto map = detail::make_binding_map<typename detail::binding_traits<Bindings>::key...>(bindings.value...);
        flat = detail::values_together<T>(Entries{}, detail::scalar_context<T, std::remove_cvref_t<decltype(map)>>{map});
    } else {
        std::size_t k = 0;
        std::apply([&](const auto&... row) {
            (std::apply([&](const auto&... e) { ((flat[k++] = static_cast<T>(evaluate(e, bindings...))), ...); }, row), ...);
        }, rows);
    }
    std::array<std::array<T, column_count>, row_count> out{};
    for (std::size_t i = 0; i != row_count; ++i)
        for (std::size_t j = 0; j != column_count; ++j) out[i][j] = flat[i * column_count + j];
    return out;
}

}  // namespace ctgrad

#endif
