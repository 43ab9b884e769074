// Expression nodes: the types that encode the computation graph.
//
// Nodes hold data; op tags (core/ops.hpp) hold the math; evaluators (eval/) and
// rules (diff/) compute. A node without runtime state is an empty type, so the type
// alone is the graph.
#ifndef CTGRAD_CORE_EXPR_HPP
#define CTGRAD_CORE_EXPR_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/core/fixed_string.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <utility>

namespace ctgrad {

namespace detail {
struct expr_tag {};
}  // namespace detail

/// True for every ctgrad expression node.
template <class E>
concept expression = CTGRAD_IS_BASE_OF(detail::expr_tag, std::remove_cvref_t<E>);

namespace detail {
/// False, but only once instantiated: the condition of a static_assert in a template that is
/// a mistake to use. Its arguments show in the compiler's message.
template <class...>
inline constexpr bool never = false;

/// Conditions of static_asserts, printed with their arguments next to the sentence. (A
/// concept there would make the compilers explain why it is not satisfied, at length.)
template <class E>
inline constexpr bool is_an_expression = expression<E>;

/// A variable's name as characters, for diagnostics: compilers print a name given as a
/// template argument of class type in numbers (clang: `variable<{{121, 0}}>`), but characters
/// as characters (`variable_named<'y'>`).
template <char... Cs>
struct variable_named {};
template <fixed_string Name, class = std::make_index_sequence<Name.size()>>
struct spell;
template <fixed_string Name, std::size_t... I>
struct spell<Name, std::index_sequence<I...>> {
    using type = variable_named<Name.chars[I]...>;
};
template <fixed_string Name>
using spelled = typename spell<Name>::type;

/// An expression type with its variables spelled, for diagnostics: `readable<E>` names the
/// same graph as `E` (and is only printed, never used).
template <class E> struct readable_trait { using type = E; };
template <class E> using readable = typename readable_trait<E>::type;
}  // namespace detail

namespace detail {
template <class E, class Bound> struct first_unbound;
template <class... Bound> struct bound_set;
/// The condition of the static_assert below, printed with the first variable left unbound.
template <class Unbound> inline constexpr bool is_a_number_once_bound = false;
}  // namespace detail

/// Common base of all nodes: evaluation with named bindings, `f(x = 1.0, y = 2.0)`.
template <class Derived>
struct expr_base : detail::expr_tag {
    /// Declared here and defined by eval/evaluate.hpp (as `evaluate(f, bindings...)`), so that
    /// the nodes depend on no evaluator.
    template <class... Bindings>
    constexpr auto operator()(const Bindings&... bindings) const;

    /// A mistake: an expression is not a number. (A partial evaluation, `f(x = 2.0)` with y
    /// unbound, is the expression of y that remains.)
    template <class T>
        requires std::is_arithmetic<T>::value
    constexpr explicit operator T() const {
        static_assert(detail::is_a_number_once_bound<typename detail::first_unbound<Derived, detail::bound_set<>>::type>,
                      "ctgrad: the expression uses a variable that is not bound, so it is an expression, not a number; "
                      "bind every variable as name = value");
        return T();
    }

    /// A mistake: an expression has derivatives, not a backward pass.
    template <class... Args>
    void backward(const Args&...) const {
        static_assert(detail::never<detail::readable<Derived>, Args...>,
                      "ctgrad: backward() is a Tensor method; differentiate an expression with d(f, x), grad(f, x, ...) "
                      "or value_and_grad(f, wrt(x), ...)");
    }
};

namespace detail {
/// Contiguous floating-point data with `data()` and `size()`: std::vector, std::array,
/// std::span, Eigen arrays and vectors. A variable binds to it as a std::span, never a copy.
template <class D>
concept array_like = requires(const D& d) {
    { d.data() } -> std::convertible_to<const void*>;
    { d.size() } -> std::convertible_to<std::size_t>;
} && std::is_floating_point_v<std::remove_cvref_t<decltype(*std::declval<const D&>().data())>>;

/// Contiguous data with `data()` and `size()` whose elements are not floating-point.
template <class D>
concept other_array = requires(const D& d) {
    { d.data() } -> std::convertible_to<const void*>;
    { d.size() } -> std::convertible_to<std::size_t>;
} && !array_like<D>;

template <class D> struct is_std_span_trait : std::bool_constant<false> {};
template <class T, std::size_t N> struct is_std_span_trait<std::span<T, N>> : std::bool_constant<true> {};

/// The element type of an array.
template <class D>
using array_element_t = std::remove_cvref_t<decltype(*std::declval<const D&>().data())>;

/// A temporary container bound to a variable, kept in the binding (`binding<Name, owned<C>>`).
template <class C>
struct owned;

/// A variable binds to a number by value, to an array it does not own as a span, and to a
/// temporary container (`x = make_data()`) by taking it over: the binding owns it, so a
/// binding kept in a variable never refers to a destroyed container. (A std::span is a view:
/// a temporary span is copied as a span.)
template <class V>
concept owned_when_bound = array_like<std::remove_cvref_t<V>> && !std::is_lvalue_reference_v<V> &&
                           !is_std_span_trait<std::remove_cvref_t<V>>::value;

template <class D>
constexpr auto bound_value(const D& v) {
    if constexpr (array_like<D>) return std::span<const array_element_t<D>>(v.data(), static_cast<std::size_t>(v.size()));
    else return v;
}

/// Integers and bool: what an array of numbers that is not float or double holds.
template <class T>
concept is_number_element = std::is_arithmetic_v<T> && !CTGRAD_IS_SAME(T, char) && !CTGRAD_IS_SAME(T, wchar_t) &&
                            !CTGRAD_IS_SAME(T, char8_t) && !CTGRAD_IS_SAME(T, char16_t) && !CTGRAD_IS_SAME(T, char32_t);

/// An array of integers or bool.
template <class D>
concept number_array = other_array<D> && is_number_element<array_element_t<D>>;

/// The diagnostics' conditions: false where they are instantiated; the arguments name the
/// variable and what it was bound to.
template <class Variable, class Value>
inline constexpr bool bindable = false;
}  // namespace detail

/// A value bound to the variable named `Name`: what `x = 1.0` returns.
template <fixed_string Name, class V>
struct binding {
    V value;
};

/// A temporary container bound to `Name`: the binding owns it, and `value` views it. Copies
/// and moves view their own container.
template <fixed_string Name, class C>
struct binding<Name, detail::owned<C>> {
    C storage;
    std::span<const detail::array_element_t<C>> value;

    constexpr explicit binding(C&& c) : storage(std::move(c)), value(detail::bound_value(storage)) {}
    constexpr explicit binding(const C& c) : storage(c), value(detail::bound_value(storage)) {}
    constexpr binding(const binding& o) : storage(o.storage), value(detail::bound_value(storage)) {}
    constexpr binding(binding&& o) noexcept(std::is_nothrow_move_constructible_v<C>)
        : storage(std::move(o.storage)), value(detail::bound_value(storage)) {}
    constexpr binding& operator=(const binding& o) {
        storage = o.storage;
        value = detail::bound_value(storage);
        return *this;
    }
    constexpr binding& operator=(binding&& o) noexcept(std::is_nothrow_move_assignable_v<C>) {
        storage = std::move(o.storage);
        value = detail::bound_value(storage);
        return *this;
    }
};

/// A variable named at compile time; `x = v` makes a binding.
template <fixed_string Name>
struct variable : expr_base<variable<Name>> {
    static constexpr std::string_view name() { return Name.view(); }

    /// A number binds by value; an array (std::vector, std::array, std::span, Eigen) as a span,
    /// and a temporary container is kept in the binding; an expression (`x = 2_c`, `x = y * y`)
    /// is substituted (core/substitute.hpp).
    template <class V>
    constexpr auto operator=(V&& v) const {
        using D = std::remove_cvref_t<V>;
        if constexpr (detail::owned_when_bound<V>) {
            return binding<Name, detail::owned<D>>(static_cast<V&&>(v));
        } else if constexpr (detail::array_like<D>) {
            return binding<Name, std::span<const detail::array_element_t<D>>>{detail::bound_value(v)};
        } else if constexpr (std::is_arithmetic<D>::value) {
            return binding<Name, D>{v};
        } else if constexpr (expression<D>) {  // substitution: f(x = 2_c), subs(f, x = y * y)
            return binding<Name, D>{v};
        } else if constexpr (detail::number_array<D>) {
            static_assert(detail::bindable<detail::spelled<Name>, D>,
                          "ctgrad: an array bound to a variable must hold float or double; copy integers into a "
                          "std::vector<double>");
            return binding<Name, double>{0.0};
        } else {
            static_assert(detail::bindable<detail::spelled<Name>, D>,
                          "ctgrad: bind a variable to a number or to an array of float or double (std::vector, "
                          "std::array, std::span, Eigen)");
            return binding<Name, double>{0.0};
        }
    }
    using expr_base<variable<Name>>::operator();
};

/// An exact rational constant known at compile time, always in lowest terms with `Den > 0`.
template <std::intmax_t Num, std::intmax_t Den = 1>
struct constant : expr_base<constant<Num, Den>> {
    static_assert(Den > 0, "ctgrad: a constant's denominator must be positive");
    static constexpr std::intmax_t num = Num;
    static constexpr std::intmax_t den = Den;
    template <class T>
    static constexpr T as() { return static_cast<T>(Num) / static_cast<T>(Den); }
};

/// A number known only at run time, such as the `0.5` in `x * 0.5`.
struct literal : expr_base<literal> {
    double value;
    constexpr explicit literal(double v) : value(v) {}
};

template <class Op, class A> struct unary;
template <class Op, class L, class R> struct binary;
/// A named subexpression (`let`, below): its type is named after `Id`, not spelled out.
template <class Id> struct named;

namespace detail {
/// The expression a name stands for: what the closure `Id` returns, or, for the library's own
/// names (the derivative of a named subexpression), `Id::expression_type`.
template <class Id> struct named_expression_of {
    using type = std::remove_cvref_t<decltype(std::declval<const Id&>()())>;
};
template <class Id>
    requires requires { typename Id::expression_type; }
struct named_expression_of<Id> {
    using type = typename Id::expression_type;
};
template <class Id> using named_expression_t = typename named_expression_of<Id>::type;

template <class E> struct is_named_trait : std::bool_constant<false> {};
template <class Id> struct is_named_trait<named<Id>> : std::bool_constant<true> {};
template <class E> concept is_named = is_named_trait<E>::value;

/// The node a type stands for: the type with every name replaced by its expression, at every
/// depth. A name and its expression are the same node of a DAG, and so are two operations whose
/// operands differ only in being named or written out.
template <class E> struct node_identity_of { using type = E; };
template <class E> using node_identity = typename node_identity_of<E>::type;
template <class Id> struct node_identity_of<named<Id>> : node_identity_of<named_expression_t<Id>> {};
template <class Op, class A> struct node_identity_of<unary<Op, A>> { using type = unary<Op, node_identity<A>>; };
template <class Op, class L, class R> struct node_identity_of<binary<Op, L, R>> {
    using type = binary<Op, node_identity<L>, node_identity<R>>;
};
}  // namespace detail

namespace detail {
/// Whether a node (or any node below it) holds a value known only at run time.
template <class E> struct has_state_trait : std::bool_constant<CTGRAD_IS_SAME(E, literal)> {};
template <class E> concept has_state = has_state_trait<E>::value;
template <class Op, class A> struct has_state_trait<unary<Op, A>> : std::bool_constant<has_state<A>> {};
template <class Op, class L, class R> struct has_state_trait<binary<Op, L, R>> : std::bool_constant<has_state<L> || has_state<R>> {};
template <class Id> struct has_state_trait<named<Id>> : has_state_trait<named_expression_t<Id>> {};

// Operand storage. An operand without runtime state is not stored: its type is its value, so
// the accessor returns a fresh (empty) object and the node stays empty. Storing it would give a
// node that uses one subexpression twice two distinct subobjects, and a chain of k such nodes
// 2^k of them. (Nor is it a static data member: g++ gives every instantiated static member a
// symbol named after its class, and for a sum of n terms those names cost O(n^2).)
template <class Tag, class A, bool Stored = has_state<A>>
struct operand_storage {
    [[no_unique_address]] A value;
    constexpr operand_storage() = default;
    constexpr explicit operand_storage(const A& v) : value(v) {}
    constexpr const A& get() const { return value; }
};
template <class Tag, class A>
struct operand_storage<Tag, A, false> {
    constexpr operand_storage() = default;
    constexpr explicit operand_storage(const A&) {}
    static constexpr A get() { return A{}; }
};
struct operand_a_tag {};
struct operand_l_tag {};
struct operand_r_tag {};
}  // namespace detail

/// An operation with one operand; `Op` is an empty tag from core/ops.hpp.
template <class Op, class A>
struct unary : expr_base<unary<Op, A>>, private detail::operand_storage<detail::operand_a_tag, A> {
    using operand_type = A;
    constexpr unary() = default;
    constexpr explicit unary(const A& a_) : detail::operand_storage<detail::operand_a_tag, A>(a_) {}
    /// The operand.
    constexpr decltype(auto) a() const { return detail::operand_storage<detail::operand_a_tag, A>::get(); }
};

/// An operation with two operands.
template <class Op, class L, class R>
struct binary : expr_base<binary<Op, L, R>>,
                private detail::operand_storage<detail::operand_l_tag, L>,
                private detail::operand_storage<detail::operand_r_tag, R> {
    using left_type = L;
    using right_type = R;
    constexpr binary() = default;
    constexpr binary(const L& l_, const R& r_)
        : detail::operand_storage<detail::operand_l_tag, L>(l_), detail::operand_storage<detail::operand_r_tag, R>(r_) {}
    /// The left operand.
    constexpr decltype(auto) l() const { return detail::operand_storage<detail::operand_l_tag, L>::get(); }
    /// The right operand.
    constexpr decltype(auto) r() const { return detail::operand_storage<detail::operand_r_tag, R>::get(); }
};

/// `var<"x">`: the variable named x.
template <fixed_string Name>
inline constexpr variable<Name> var{};

// Op tags, defined in core/ops.hpp.
struct add_op;
struct sub_op;
struct mul_op;
struct div_op;
struct pow_op;
struct neg_op;
template <std::intmax_t N>
struct ipow_op;

namespace detail {

template <fixed_string N> struct readable_trait<variable<N>> { using type = spelled<N>; };

/// Conditions of static_asserts, given `readable<X>`.
template <class X> inline constexpr bool is_a_variable = false;
template <char... Cs> inline constexpr bool is_a_variable<variable_named<Cs...>> = true;
/// An operation as a diagnostic shows it: its formula in ctgrad's notation when it is short
/// (`written`, defined with the printer in io/to_string.hpp), otherwise its structure with the
/// variables spelled; a named step shows its formula or its name.
template <class E> struct written;
template <class Op, class A> struct readable_trait<unary<Op, A>> : written<unary<Op, A>> {};
template <class Op, class L, class R> struct readable_trait<binary<Op, L, R>> : written<binary<Op, L, R>> {};
template <class Id> struct readable_trait<named<Id>> : written<named<Id>> {};

template <class E> struct is_variable_trait : std::bool_constant<false> {};
template <class E> concept is_variable = is_variable_trait<E>::value;
template <fixed_string N> struct is_variable_trait<variable<N>> : std::bool_constant<true> {};

template <class E> struct is_constant_trait : std::bool_constant<false> {};
template <class E> concept is_constant = is_constant_trait<E>::value;
template <std::intmax_t N, std::intmax_t D> struct is_constant_trait<constant<N, D>> : std::bool_constant<true> {};

template <class E> struct is_literal_trait : std::bool_constant<CTGRAD_IS_SAME(E, literal)> {};
template <class E> concept is_literal = is_literal_trait<E>::value;

/// A number: a compile-time constant or a runtime literal.
template <class E> struct is_number_trait : std::bool_constant<is_constant<E> || is_literal<E>> {};
template <class E> concept is_number = is_number_trait<E>::value;

template <class E> struct is_unary_trait : std::bool_constant<false> {};
template <class E> concept is_unary = is_unary_trait<E>::value;
template <class Op, class A> struct is_unary_trait<unary<Op, A>> : std::bool_constant<true> {};
template <class Id> struct is_unary_trait<named<Id>> : is_unary_trait<named_expression_t<Id>> {};

template <class E> struct is_binary_trait : std::bool_constant<false> {};
template <class E> concept is_binary = is_binary_trait<E>::value;
template <class Op, class L, class R> struct is_binary_trait<binary<Op, L, R>> : std::bool_constant<true> {};
template <class Id> struct is_binary_trait<named<Id>> : is_binary_trait<named_expression_t<Id>> {};

template <class E, class Op> struct is_op_trait : std::bool_constant<false> {};
template <class E, class Op> concept is_op = is_op_trait<E, Op>::value;
template <class Op, class A> struct is_op_trait<unary<Op, A>, Op> : std::bool_constant<true> {};
template <class Op, class L, class R> struct is_op_trait<binary<Op, L, R>, Op> : std::bool_constant<true> {};
template <class Id, class Op> struct is_op_trait<named<Id>, Op> : is_op_trait<named_expression_t<Id>, Op> {};

template <class E> struct is_ipow_trait : std::bool_constant<false> {};
template <class E> concept is_ipow = is_ipow_trait<E>::value;
template <std::intmax_t N, class A> struct is_ipow_trait<unary<ipow_op<N>, A>> : std::bool_constant<true> {};
template <class Id> struct is_ipow_trait<named<Id>> : is_ipow_trait<named_expression_t<Id>> {};

/// The op tag of a unary or binary node.
template <class E> struct op_of {};
template <class Op, class A> struct op_of<unary<Op, A>> { using type = Op; };
template <class Op, class L, class R> struct op_of<binary<Op, L, R>> { using type = Op; };
template <class Id> struct op_of<named<Id>> : op_of<named_expression_t<Id>> {};
template <class E> using op_t = typename op_of<E>::type;

template <class E> inline constexpr std::intmax_t ipow_exponent = 0;
template <std::intmax_t N, class A> inline constexpr std::intmax_t ipow_exponent<unary<ipow_op<N>, A>> = N;
template <class Id> inline constexpr std::intmax_t ipow_exponent<named<Id>> = ipow_exponent<named_expression_t<Id>>;

template <class E, std::intmax_t N, std::intmax_t D = 1> struct is_constant_equal_trait : std::bool_constant<CTGRAD_IS_SAME(E, constant<N, D>)> {};
template <class E, std::intmax_t N, std::intmax_t D = 1> concept is_constant_equal = is_constant_equal_trait<E, N, D>::value;

template <class E> struct is_zero_trait : std::bool_constant<is_constant_equal<E, 0>> {};
template <class E> concept is_zero = is_zero_trait<E>::value;
template <class E> struct is_one_trait : std::bool_constant<is_constant_equal<E, 1>> {};
template <class E> concept is_one = is_one_trait<E>::value;

template <class E> struct is_integer_constant_trait : std::bool_constant<false> {};
template <class E> concept is_integer_constant = is_integer_constant_trait<E>::value;
template <std::intmax_t N> struct is_integer_constant_trait<constant<N, 1>> : std::bool_constant<true> {};

template <class E> struct is_negative_constant_trait : std::bool_constant<false> {};
template <class E> concept is_negative_constant = is_negative_constant_trait<E>::value;
template <std::intmax_t N, std::intmax_t D> struct is_negative_constant_trait<constant<N, D>> : std::bool_constant<(N < 0)> {};

/// Two operands are certainly the same value: equal types and no runtime state.
template <class A, class B>
struct same_node_trait : std::bool_constant<CTGRAD_IS_SAME(node_identity<A>, node_identity<B>) && !has_state<A>> {};
template <class A, class B> concept same_node = same_node_trait<A, B>::value;

/// `k * e` with a number `k`.
template <class E> struct is_scaled_trait : std::bool_constant<false> {};
template <class E> concept is_scaled = is_scaled_trait<E>::value;
template <class L, class R> struct is_scaled_trait<binary<mul_op, L, R>> : std::bool_constant<is_number<L>> {};
template <class Id> struct is_scaled_trait<named<Id>> : is_scaled_trait<named_expression_t<Id>> {};

/// `P` is `b^N` and `B` is `b`.
template <class P, class B> struct is_power_of_trait : std::bool_constant<false> {};
template <class P, class B> concept is_power_of = is_power_of_trait<P, B>::value;
template <std::intmax_t N, class X, class B> struct is_power_of_trait<unary<ipow_op<N>, X>, B> : std::bool_constant<same_node<X, B>> {};
template <class Id, class B> struct is_power_of_trait<named<Id>, B> : is_power_of_trait<named_expression_t<Id>, B> {};

/// `A` is `b^M` and `B` is `b^N`.
template <class A, class B>
struct same_power_base_trait
    : std::conditional_t<is_named<A> || is_named<B>, same_power_base_trait<node_identity<A>, node_identity<B>>, std::false_type> {};
template <class A, class B> concept same_power_base = same_power_base_trait<A, B>::value;
template <std::intmax_t M, std::intmax_t N, class X, class Y> struct same_power_base_trait<unary<ipow_op<M>, X>, unary<ipow_op<N>, Y>> : std::bool_constant<same_node<X, Y>> {};

/// Whether `E` depends on the variable `V`.
template <class E, class V> struct depends_on_trait : std::bool_constant<CTGRAD_IS_SAME(E, V)> {};
template <class E, class V> concept depends_on = depends_on_trait<E, V>::value;
template <class Op, class A, class V> struct depends_on_trait<unary<Op, A>, V> : std::bool_constant<depends_on<A, V>> {};
template <class Op, class L, class R, class V> struct depends_on_trait<binary<Op, L, R>, V> : std::bool_constant<depends_on<L, V> || depends_on<R, V>> {};
template <class Id, class V> struct depends_on_trait<named<Id>, V> : depends_on_trait<named_expression_t<Id>, V> {};

/// The operand types a named node shows: those of its expression's root.
template <class E, bool Unary = is_unary<E>, bool Binary = is_binary<E>> struct named_operands {};
template <class E> struct named_operands<E, true, false> {
    using operand_type = typename E::operand_type;
};
template <class E> struct named_operands<E, false, true> {
    using left_type = typename E::left_type;
    using right_type = typename E::right_type;
};

}  // namespace detail

/// A named subexpression: `let([=] { return x * y + sin(x); })` (core/let below). Its type is
/// named after `Id`, the lambda's closure type (a short name of its own), or a name the library
/// gives (the derivative of a named subexpression), instead of spelling its expression out. An
/// expression that uses it several times, and everything derived from it, then has a type whose
/// name, symbols and debug information grow with its distinct steps, not with its tree.
/// Everything else sees the expression: the same operation and operands (a name forwards its
/// root's), value, derivatives, printed formula, and one node of a DAG.
template <class Id>
struct named : expr_base<named<Id>>,
               detail::named_operands<detail::named_expression_t<Id>>,
               private detail::operand_storage<detail::operand_a_tag, detail::named_expression_t<Id>> {
    using id_type = Id;
    using expression_type = detail::named_expression_t<Id>;
    constexpr named() = default;
    constexpr explicit named(const expression_type& e)
        : detail::operand_storage<detail::operand_a_tag, expression_type>(e) {}
    /// The expression it names.
    constexpr decltype(auto) expression() const {
        return detail::operand_storage<detail::operand_a_tag, expression_type>::get();
    }
    /// Its root's operands.
    constexpr decltype(auto) a() const
        requires detail::is_unary<expression_type>
    {
        return expression().a();
    }
    constexpr decltype(auto) l() const
        requires detail::is_binary<expression_type>
    {
        return expression().l();
    }
    constexpr decltype(auto) r() const
        requires detail::is_binary<expression_type>
    {
        return expression().r();
    }
};

/// Names a shared step: `const auto s = ctgrad::let([=] { return x * y + sin(x); });`. The
/// function (a lambda; capture with `=`) returns the step's expression; `s` is that expression
/// under a short name of its own. Write deep models this way: `auto f = sin(s) * x + s * y`
/// then spells `s` once per use as a name, not as its whole expression, so a chain of k shared
/// steps compiles (with -g too) in time and memory that grow with k, not 2^k. A function that
/// returns a variable, a number or a name returns it unchanged.
template <class F>
constexpr auto let(const F& f) {
    using E = std::remove_cvref_t<decltype(f())>;
    if constexpr (!expression<E>) {
        static_assert(detail::never<E>, "ctgrad::let(f): f must return a ctgrad expression, as [=] { return x * y; }");
        return f();
    } else if constexpr (detail::is_named<E> || !(detail::is_unary<E> || detail::is_binary<E>)) {
        return f();
    } else {
        return named<F>(f());
    }
}

}  // namespace ctgrad

#endif
