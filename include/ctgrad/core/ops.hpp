// Op tags: each operation's value and local partial derivatives, written once, beside the formula.
//
// A tag provides
//   name, hash_seed          how it prints and a seed for the canonical order;
//   notation, precedence     infix ("a + b"), prefix ("-a"), power ("a^3") or function ("sin(a)");
//   value(a[, b])            the number, for any floating-point type;
//   partial(a, r)            unary:  d op(a) / da as an expression of a and of the result r;
//   partial_l(a, b, r),      binary: d op(a, b) / da and d op(a, b) / db.
//   partial_r(a, b, r)
//   torch_backward           the grad_fn name of the Tensor operation ("MulBackward0"); empty
//                            for an operation Tensors do not have;
//   saves_result             whether that PyTorch backward saves its result: changing the
//                            result in place then makes backward raise;
//   linear                   whether its backward reads no value (sums and differences): a
//                            statement of such operations keeps nothing a second backward needs;
//   dot_label                its label in a Graphviz picture (io/dot.hpp).
// Adding an operation is adding a tag here (a reduction in core/reductions.hpp) and listing it
// in `detail::all_ops` (core/reductions.hpp), whose entries test/static checks.
// The partials are expressions, so the same formula serves symbolic `d` (with a, b, r the
// operand and result expressions) and numeric reverse mode (with placeholders bound to values).
// The reverse sweep (eval/dag.hpp) applies a partial p to the adjoint g as PyTorch's backward
// formulas do: g * p in general, g / e for p = 1 / e, and for a masked partial
// where(c, 0, p) (made by `make_where`) a select, c ? 0 : g * p, which gives +0 where c holds
// whatever g is (inf, nan): relu's and pow's masks. The symbolic chain rule keeps the select
// outermost (diff/derivative.hpp).
#ifndef CTGRAD_CORE_OPS_HPP
#define CTGRAD_CORE_OPS_HPP

#include <ctgrad/core/build.hpp>
#include <ctgrad/core/math.hpp>

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>

// The value of a <cmath> function f of a T: ctgrad::math::f for a floating-point T (constexpr:
// a derivative's value can be static_assert-ed, core/math.hpp), else f found by argument-
// dependent lookup (SIMD packs, user number types), with std::f for the built-in types.
#define CTGRAD_DETAIL_CMATH(f, ...)                             \
    if constexpr (std::floating_point<T>) {                     \
        return ::ctgrad::math::f(__VA_ARGS__);                  \
    } else {                                                    \
        using std::f;                                           \
        return f(__VA_ARGS__);                                  \
    }

namespace ctgrad {

/// How an operation prints: infix ("a + b"), prefix ("-a"), power ("a^3"), function
/// ("sin(a)", "atan2(a, b)"), or symbol ("pi": a constant whose operand is not printed).
enum class notation { infix, prefix, power, function, symbol };

namespace detail {
template <fixed_string Name, notation Notation, int Precedence = 5>
struct op_base {
    static constexpr std::string_view name = Name.view();
    static constexpr std::uint64_t hash_seed = fnv1a(Name.view());
    static constexpr ctgrad::notation notation = Notation;
    static constexpr int precedence = Precedence;
};

/// "^N", the DOT label of a power with the exponent N, spelled at compile time.
consteval std::size_t power_label_size(std::intmax_t n) {
    std::size_t size = n < 0 ? 3 : 2;
    for (std::uintmax_t u = n < 0 ? std::uintmax_t(0) - static_cast<std::uintmax_t>(n) : static_cast<std::uintmax_t>(n); u >= 10; u /= 10) ++size;
    return size;
}
template <std::intmax_t N>
inline constexpr static_string<power_label_size(N)> power_label = [] {
    static_string<power_label_size(N)> s;
    s.chars[0] = '^';
    if (N < 0) s.chars[1] = '-';
    std::uintmax_t u = N < 0 ? std::uintmax_t(0) - static_cast<std::uintmax_t>(N) : static_cast<std::uintmax_t>(N);
    std::size_t k = s.size();
    do {
        s.chars[--k] = static_cast<char>('0' + u % 10);
        u /= 10;
    } while (u != 0);
    return s;
}();
}  // namespace detail

// ---- arithmetic ----------------------------------------------------------------------

/// a + b;  d/da = 1, d/db = 1.
struct add_op : detail::op_base<"+", notation::infix, 1> {
    static constexpr bool associative = true;
    static constexpr std::string_view torch_backward = "AddBackward0";
    static constexpr bool saves_result = false;
    static constexpr bool linear = true;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a, T b) { return a + b; }
    template <class A, class B, class R> static constexpr auto partial_l(const A&, const B&, const R&) { return one; }
    template <class A, class B, class R> static constexpr auto partial_r(const A&, const B&, const R&) { return one; }
};

/// a - b;  d/da = 1, d/db = -1.
struct sub_op : detail::op_base<"-", notation::infix, 1> {
    static constexpr bool associative = false;
    static constexpr std::string_view torch_backward = "SubBackward0";
    static constexpr bool saves_result = false;
    static constexpr bool linear = true;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a, T b) { return a - b; }
    template <class A, class B, class R> static constexpr auto partial_l(const A&, const B&, const R&) { return one; }
    template <class A, class B, class R> static constexpr auto partial_r(const A&, const B&, const R&) { return constant<-1>{}; }
};

/// a * b;  d/da = b, d/db = a.
struct mul_op : detail::op_base<"*", notation::infix, 2> {
    static constexpr bool associative = true;
    static constexpr std::string_view torch_backward = "MulBackward0";
    static constexpr bool saves_result = false;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a, T b) { return a * b; }
    template <class A, class B, class R> static constexpr auto partial_l(const A&, const B& b, const R&) { return b; }
    template <class A, class B, class R> static constexpr auto partial_r(const A& a, const B&, const R&) { return a; }
};

/// a / b;  d/da = 1 / b, d/db = -(a / b) / b = -r / b.  As PyTorch: the adjoint is divided by b,
/// and -(a / b) / b does not overflow where a / b^2 would (a = b = 1e-200).
struct div_op : detail::op_base<"/", notation::infix, 2> {
    static constexpr bool associative = false;
    static constexpr std::string_view torch_backward = "DivBackward0";
    static constexpr bool saves_result = false;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a, T b) { return a / b; }
    template <class A, class B, class R> static constexpr auto partial_l(const A&, const B& b, const R&) { return make_div(one, b); }
    template <class A, class B, class R> static constexpr auto partial_r(const A&, const B& b, const R& r) {
        return make_div(make_neg(r), b);
    }
};

/// -a;  d/da = -1.
struct neg_op : detail::op_base<"-", notation::prefix, 3> {
    static constexpr std::string_view torch_backward = "NegBackward0";
    static constexpr bool saves_result = false;
    static constexpr bool linear = true;
    static constexpr std::string_view dot_label = "neg";
    template <class T> static constexpr T value(T a) { return -a; }
    template <class A, class R> static constexpr auto partial(const A&, const R&) { return constant<-1>{}; }
};

/// a^N for an integer N known at compile time;  d/da = N a^(N-1).  Evaluated by multiplication.
template <std::intmax_t N>
struct ipow_op : detail::op_base<"^", notation::power, 4> {
    static constexpr std::intmax_t exponent = N;
    static constexpr std::uint64_t hash_seed = detail::mix(detail::fnv1a("^"), static_cast<std::uint64_t>(N));
    static constexpr std::string_view torch_backward = "PowBackward0";
    static constexpr bool saves_result = false;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = detail::power_label<N>.view();  // "^3"
    template <class T> static constexpr T value(T a) {
        if constexpr (N < 0) return T(1) / ipow_op<-N>::value(a);
        else if constexpr (N == 0) return T(1);
        else if constexpr (N == 1) return a;
        else {
            T h = ipow_op<N / 2>::value(a);
            if constexpr (N % 2 == 0) return h * h;
            else return h * h * a;
        }
    }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) {
        return make_mul(constant<N>{}, make_ipow<N - 1>(a));
    }
};

/// a^b;  d/da = b a^(b-1), masked where b == 0; d/db = log(a) a^b, 0 where a == 0 and b >= 0
/// (PyTorch's masks: d/da selects 0 whatever flows in, d/db is a factor 0).
struct pow_op : detail::op_base<"^", notation::power, 4> {
    // A number exponent gives PowBackward0, which saves no result (see autograd/torch_names.hpp).
    static constexpr std::string_view torch_backward = "PowBackward1";
    static constexpr bool saves_result = true;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a, T b) { CTGRAD_DETAIL_CMATH(pow, a, b) }
    template <class A, class B, class R> static constexpr auto partial_l(const A& a, const B& b, const R&);
    template <class A, class B, class R> static constexpr auto partial_r(const A& a, const B&, const R& r);
};

// ---- elementary functions ---------------------------------------------------------------

/// exp(a);  d/da = exp(a) = r.
struct exp_op : detail::op_base<"exp", notation::function> {
    static constexpr std::string_view torch_backward = "ExpBackward0";
    static constexpr bool saves_result = true;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(exp, a) }
    template <class A, class R> static constexpr auto partial(const A&, const R& r) { return r; }
};

/// log(a);  d/da = 1 / a.
struct log_op : detail::op_base<"log", notation::function> {
    static constexpr std::string_view torch_backward = "LogBackward0";
    static constexpr bool saves_result = false;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(log, a) }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) { return make_div(one, a); }
};

/// sin(a);  d/da = cos(a).
struct sin_op : detail::op_base<"sin", notation::function> {
    static constexpr std::string_view torch_backward = "SinBackward0";
    static constexpr bool saves_result = false;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(sin, a) }
    template <class A, class R> static constexpr auto partial(const A& a, const R&);
};

/// cos(a);  d/da = -sin(a).
struct cos_op : detail::op_base<"cos", notation::function> {
    static constexpr std::string_view torch_backward = "CosBackward0";
    static constexpr bool saves_result = false;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(cos, a) }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) {
        return make_neg(make_unary<sin_op>(a));
    }
};

template <class A, class R>
constexpr auto sin_op::partial(const A& a, const R&) { return make_unary<cos_op>(a); }

/// tan(a);  d/da = 1 + tan(a)^2 = 1 + r^2.
struct tan_op : detail::op_base<"tan", notation::function> {
    static constexpr std::string_view torch_backward = "TanBackward0";
    static constexpr bool saves_result = true;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(tan, a) }
    template <class A, class R> static constexpr auto partial(const A&, const R& r) { return make_add(one, make_ipow<2>(r)); }
};

/// tanh(a);  d/da = 1 - tanh(a)^2 = 1 - r^2.
struct tanh_op : detail::op_base<"tanh", notation::function> {
    static constexpr std::string_view torch_backward = "TanhBackward0";
    static constexpr bool saves_result = true;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(tanh, a) }
    template <class A, class R> static constexpr auto partial(const A&, const R& r) { return make_sub(one, make_ipow<2>(r)); }
};

/// sqrt(a);  d/da = 1 / (2 sqrt(a)) = 1 / (2 r).
struct sqrt_op : detail::op_base<"sqrt", notation::function> {
    static constexpr std::string_view torch_backward = "SqrtBackward0";
    static constexpr bool saves_result = true;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(sqrt, a) }
    template <class A, class R> static constexpr auto partial(const A&, const R& r) {
        return make_div(one, make_mul(constant<2>{}, r));
    }
};

/// sigmoid(a) = 1 / (1 + exp(-a));  d/da = r (1 - r).  PyTorch's formula: exp(-a) overflows
/// to inf below a = -88.7 (float) or -709.8 (double), where sigmoid is then exactly 0.
struct sigmoid_op : detail::op_base<"sigmoid", notation::function> {
    static constexpr std::string_view torch_backward = "SigmoidBackward0";
    static constexpr bool saves_result = true;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a) {
        if constexpr (std::floating_point<T>) {
            return T(1) / (T(1) + ::ctgrad::math::exp(-a));
        } else {
            using std::exp;
            return T(1) / (T(1) + exp(-a));
        }
    }
    template <class A, class R> static constexpr auto partial(const A&, const R& r) { return make_mul(r, make_sub(one, r)); }
};

/// log1p(a) = log(1 + a);  d/da = 1 / (1 + a).
struct log1p_op : detail::op_base<"log1p", notation::function> {
    static constexpr std::string_view torch_backward = "Log1PBackward0";
    static constexpr bool saves_result = false;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(log1p, a) }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) { return make_div(one, make_add(one, a)); }
};

/// expm1(a) = exp(a) - 1;  d/da = exp(a).
struct expm1_op : detail::op_base<"expm1", notation::function> {
    static constexpr std::string_view torch_backward = "Expm1Backward0";
    static constexpr bool saves_result = true;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(expm1, a) }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) { return make_unary<exp_op>(a); }
};

/// 1 / a, as torch.reciprocal;  d/da = -r^2.  `2.0 / x` is `reciprocal(x) * 2.0`, as in PyTorch.
/// Made by the Tensor layer only: an expression writes 1 / a.
struct reciprocal_op : detail::op_base<"reciprocal", notation::function> {
    // PyTorch's ReciprocalBackward0 saves its result; ctgrad does not check it.
    static constexpr std::string_view torch_backward = "ReciprocalBackward0";
    static constexpr bool saves_result = false;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a) { return T(1) / a; }
    template <class A, class R> static constexpr auto partial(const A&, const R& r) { return make_neg(make_mul(r, r)); }
};

/// sign(a) in {-1, 0, 1};  d/da = 0 (almost everywhere).  The derivative of abs.
struct sign_op : detail::op_base<"sign", notation::function> {
    static constexpr std::string_view torch_backward = "";
    static constexpr bool saves_result = false;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a) { return T((a > T(0)) - (a < T(0))); }
    template <class A, class R> static constexpr auto partial(const A&, const R&) { return zero; }
};

/// abs(a);  d/da = sign(a)  (0 at a = 0, as in PyTorch).
struct abs_op : detail::op_base<"abs", notation::function> {
    static constexpr std::string_view torch_backward = "AbsBackward0";
    static constexpr bool saves_result = false;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a) { return a < T(0) ? -a : a; }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) { return make_unary<sign_op>(a); }
};

/// step(a) = 1 if a > 0 else 0;  d/da = 0 (almost everywhere).
struct step_op : detail::op_base<"step", notation::function> {
    static constexpr std::string_view torch_backward = "";
    static constexpr bool saves_result = false;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a) { return a > T(0) ? T(1) : T(0); }
    template <class A, class R> static constexpr auto partial(const A&, const R&) { return zero; }
};

// ---- conditions and masks -----------------------------------------------------------------

/// The comparisons and conjunction that masks test: 1 if true, else 0 (false for nan).
/// Their derivative is 0.
template <fixed_string Name, int Precedence, class Test>
struct condition_op : detail::op_base<Name, notation::infix, Precedence> {
    static constexpr bool associative = false;
    static constexpr std::string_view torch_backward = "";
    static constexpr bool saves_result = false;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = Name.view();
    template <class T> static constexpr T value(T a, T b) { return Test{}(a, b) ? T(1) : T(0); }
    template <class A, class B, class R> static constexpr auto partial_l(const A&, const B&, const R&) { return zero; }
    template <class A, class B, class R> static constexpr auto partial_r(const A&, const B&, const R&) { return zero; }
};
namespace detail {
struct test_le { template <class T> constexpr bool operator()(T a, T b) const { return a <= b; } };
struct test_ge { template <class T> constexpr bool operator()(T a, T b) const { return a >= b; } };
struct test_eq { template <class T> constexpr bool operator()(T a, T b) const { return a == b; } };
struct test_and { template <class T> constexpr bool operator()(T a, T b) const { return a != T(0) && b != T(0); } };
struct test_lt { template <class T> constexpr bool operator()(T a, T b) const { return a < b; } };
struct test_gt { template <class T> constexpr bool operator()(T a, T b) const { return a > b; } };
struct test_ne { template <class T> constexpr bool operator()(T a, T b) const { return a != b; } };
}  // namespace detail
/// a <= b
struct le_op : condition_op<"<=", 0, detail::test_le> {};
/// a >= b
struct ge_op : condition_op<">=", 0, detail::test_ge> {};
/// a == b
struct eq_op : condition_op<"==", 0, detail::test_eq> {};
/// a && b, of two conditions
struct and_op : condition_op<"&&", -1, detail::test_and> {};
/// a < b
struct lt_op : condition_op<"<", 0, detail::test_lt> {};
/// a > b
struct gt_op : condition_op<">", 0, detail::test_gt> {};
/// a != b (true for nan)
struct ne_op : condition_op<"!=", 0, detail::test_ne> {};

/// !c, of a condition: 1 where c == 0, else 0.  Its derivative is 0.
struct not_op : detail::op_base<"!", notation::prefix, 3> {
    static constexpr std::string_view torch_backward = "";
    static constexpr bool saves_result = false;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = "not";
    template <class T> static constexpr T value(T c) { return c == T(0) ? T(1) : T(0); }
    template <class A, class R> static constexpr auto partial(const A&, const R&) { return zero; }
};

/// where(c, 0, v): 0 where the condition c holds (c != 0), else v; printed as torch.where.
/// d/dv = where(c, 0, 1): a masked partial, which the reverse sweep applies as a select.
struct where_op : detail::op_base<"where", notation::function> {
    static constexpr std::string_view torch_backward = "";
    static constexpr bool saves_result = false;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T c, T v) { return c != T(0) ? T(0) : v; }
    template <class C, class V, class R> static constexpr auto partial_l(const C&, const V&, const R&) { return zero; }
    template <class C, class V, class R> static constexpr auto partial_r(const C& c, const V&, const R&);
};

namespace detail {
template <class Op, class A, class B>
constexpr auto make_condition(const A& a, const B& b) {
    if constexpr (is_constant<A> && is_constant<B>) return constant<Op::value(A::template as<double>(), B::template as<double>()) != 0 ? 1 : 0>{};
    else if constexpr (is_number<A> && is_number<B>) return literal{Op::value(number_value(a), number_value(b))};
    else return binary<Op, A, B>{a, b};
}
}  // namespace detail

/// `a <= b`, `a >= b`, `a == b` (1 or 0), folded when both are numbers.
template <class A, class B> constexpr auto make_le(const A& a, const B& b) { return detail::make_condition<le_op>(a, b); }
template <class A, class B> constexpr auto make_ge(const A& a, const B& b) { return detail::make_condition<ge_op>(a, b); }
template <class A, class B> constexpr auto make_eq(const A& a, const B& b) { return detail::make_condition<eq_op>(a, b); }
/// `a < b`, `a > b`, `a != b` (1 or 0), folded when both are numbers.
template <class A, class B> constexpr auto make_lt(const A& a, const B& b) { return detail::make_condition<lt_op>(a, b); }
template <class A, class B> constexpr auto make_gt(const A& a, const B& b) { return detail::make_condition<gt_op>(a, b); }
template <class A, class B> constexpr auto make_ne(const A& a, const B& b) { return detail::make_condition<ne_op>(a, b); }

/// `!c`, simplified: a constant condition is folded, !!c is c.
template <class C>
constexpr auto make_not(const C& c) {
    using namespace detail;
    if constexpr (is_constant<C>) return constant<C::num == 0 ? 1 : 0>{};
    else if constexpr (is_literal<C>) return literal{c.value == 0 ? 1.0 : 0.0};
    else if constexpr (is_op<C, not_op>) return c.a();
    else return unary<not_op, C>{c};
}

/// `a && b` of two conditions: a constant false side decides, a constant true side drops out.
template <class A, class B>
constexpr auto make_and(const A& a, const B& b) {
    using namespace detail;
    if constexpr (is_zero<A> || is_zero<B>) return zero;
    else if constexpr (is_constant<A>) return b;
    else if constexpr (is_constant<B>) return a;
    else return make_condition<and_op>(a, b);
}

/// `where(c, 0, v)`, simplified: a constant condition decides, where(c, 0, 0) is 0.
template <class C, class V>
constexpr auto make_where(const C& c, const V& v) {
    using namespace detail;
    if constexpr (is_zero<V>) return zero;
    else if constexpr (is_constant<C>) {
        if constexpr (is_zero<C>) return v;
        else return zero;
    } else return binary<where_op, C, V>{c, v};
}

template <class C, class V, class R>
constexpr auto where_op::partial_r(const C& c, const V&, const R&) { return make_where(c, one); }

/// relu(a) = max(a, 0), nan for nan and -0 for -0 (PyTorch's clamp_min);  d/da = where(a <= 0, 0, 1):
/// nothing passes where a <= 0, whatever flows in (PyTorch's threshold_backward).
struct relu_op : detail::op_base<"relu", notation::function> {
    static constexpr std::string_view torch_backward = "ReluBackward0";
    static constexpr bool saves_result = true;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T a) { return a < T(0) ? T(0) : a; }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) { return make_where(make_le(a, zero), one); }
};

// ---- inverse trigonometric, hyperbolic and special functions ------------------------------

/// pi, as a symbol: `unary<pi_op, constant<1>>`, which is `ctgrad::pi`.  Its derivative is 0.
struct pi_op : detail::op_base<"pi", notation::symbol> {
    static constexpr std::string_view torch_backward = "";
    static constexpr bool saves_result = false;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = name;
    template <class T> static constexpr T value(T) { return T(3.141592653589793238462643383279502884L); }
    template <class A, class R> static constexpr auto partial(const A&, const R&) { return zero; }
};

/// The constant pi (prints "pi"): `2 * pi * r`.
inline constexpr unary<pi_op, constant<1>> pi{};

namespace detail {
/// PyTorch's name of the backward of the function `name`: "log_softmax" -> "LogSoftmaxBackward0".
template <fixed_string Name>
consteval std::size_t torch_style_size() {
    std::size_t n = 9;  // "Backward0"
    for (char c : Name.view()) n += c != '_';
    return n;
}
template <fixed_string Name>
inline constexpr auto torch_style_backward = [] {
    fixed_string<torch_style_size<Name>() + 1> s;
    std::size_t k = 0;
    bool upper = true;
    for (char c : Name.view()) {
        if (c == '_') { upper = true; continue; }
        s.chars[k++] = upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
        upper = false;
    }
    for (char c : std::string_view("Backward0")) s.chars[k++] = c;
    return s;
}();
}  // namespace detail

/// The base of an operation printed as a function call, `name(a)` or `name(a, b)`: the built-in
/// functions below and a user's own operations.
///
/// A tag derived from it adds `value` and the partials, the fields described at the top of this
/// file:
///
///     struct softplus_op : ctgrad::function_op<"softplus"> {
///         template <class T> static T value(T a) { using std::exp; using std::log1p; return log1p(exp(a)); }
///         template <class A, class R> static constexpr auto partial(const A& a, const R&) { return ctgrad::sigmoid(a); }
///     };
///     auto f = ctgrad::apply<softplus_op>(x);   // prints "softplus(x)"
///
/// `Backward` is the grad_fn name on a Tensor (by default PyTorch's style: "SoftplusBackward0");
/// `SavesResult` says whether that backward reads the result (then changing the result in place
/// makes backward raise, as in PyTorch).
template <fixed_string Name, fixed_string Backward = detail::torch_style_backward<Name>, bool SavesResult = false>
struct function_op : detail::op_base<Name, notation::function> {
    static constexpr bool associative = false;
    static constexpr std::string_view torch_backward = Backward.view();
    static constexpr bool saves_result = SavesResult;
    static constexpr bool linear = false;
    static constexpr std::string_view dot_label = Name.view();
};

/// atan(a);  d/da = 1 / (1 + a^2).
struct atan_op : function_op<"atan"> {
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(atan, a) }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) { return make_div(one, make_add(one, make_ipow<2>(a))); }
};

/// asin(a);  d/da = 1 / sqrt(1 - a^2).
struct asin_op : function_op<"asin"> {
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(asin, a) }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) {
        return make_div(one, make_unary<sqrt_op>(make_sub(one, make_ipow<2>(a))));
    }
};

/// acos(a);  d/da = -1 / sqrt(1 - a^2).
struct acos_op : function_op<"acos"> {
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(acos, a) }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) {
        return make_div(constant<-1>{}, make_unary<sqrt_op>(make_sub(one, make_ipow<2>(a))));
    }
};

/// sinh(a);  d/da = cosh(a).
struct sinh_op : function_op<"sinh"> {
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(sinh, a) }
    template <class A, class R> static constexpr auto partial(const A& a, const R&);
};

/// cosh(a);  d/da = sinh(a).
struct cosh_op : function_op<"cosh"> {
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(cosh, a) }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) { return make_unary<sinh_op>(a); }
};

template <class A, class R>
constexpr auto sinh_op::partial(const A& a, const R&) { return make_unary<cosh_op>(a); }

/// asinh(a);  d/da = 1 / sqrt(a^2 + 1).
struct asinh_op : function_op<"asinh"> {
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(asinh, a) }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) {
        return make_div(one, make_unary<sqrt_op>(make_add(make_ipow<2>(a), one)));
    }
};

/// acosh(a);  d/da = 1 / sqrt(a^2 - 1).
struct acosh_op : function_op<"acosh"> {
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(acosh, a) }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) {
        return make_div(one, make_unary<sqrt_op>(make_sub(make_ipow<2>(a), one)));
    }
};

/// atanh(a);  d/da = 1 / (1 - a^2).
struct atanh_op : function_op<"atanh"> {
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(atanh, a) }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) { return make_div(one, make_sub(one, make_ipow<2>(a))); }
};

/// erf(a);  d/da = 2 exp(-a^2) / sqrt(pi).
struct erf_op : function_op<"erf"> {
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(erf, a) }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) {
        return make_div(make_mul(constant<2>{}, make_unary<exp_op>(make_neg(make_ipow<2>(a)))), make_unary<sqrt_op>(pi));
    }
};

/// erfc(a) = 1 - erf(a);  d/da = -2 exp(-a^2) / sqrt(pi).
struct erfc_op : function_op<"erfc"> {
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(erfc, a) }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) {
        return make_div(make_mul(constant<-2>{}, make_unary<exp_op>(make_neg(make_ipow<2>(a)))), make_unary<sqrt_op>(pi));
    }
};

/// log2(a);  d/da = 1 / (a log(2)).
struct log2_op : function_op<"log2"> {
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(log2, a) }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) {
        return make_div(one, make_mul(a, make_unary<log_op>(constant<2>{})));
    }
};

/// log10(a);  d/da = 1 / (a log(10)).
struct log10_op : function_op<"log10"> {
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(log10, a) }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) {
        return make_div(one, make_mul(a, make_unary<log_op>(constant<10>{})));
    }
};

/// cbrt(a), the real cube root;  d/da = 1 / (3 cbrt(a)^2) = 1 / (3 r^2).  (PyTorch has no cbrt.)
struct cbrt_op : function_op<"cbrt", ""> {
    template <class T> static constexpr T value(T a) { CTGRAD_DETAIL_CMATH(cbrt, a) }
    template <class A, class R> static constexpr auto partial(const A&, const R& r) {
        return make_div(one, make_mul(constant<3>{}, make_ipow<2>(r)));
    }
};

/// atan2(a, b), the angle of the point (b, a);  d/da = b / (a^2 + b^2), d/db = -a / (a^2 + b^2).
struct atan2_op : function_op<"atan2"> {
    template <class T> static constexpr T value(T a, T b) { CTGRAD_DETAIL_CMATH(atan2, a, b) }
    template <class A, class B, class R> static constexpr auto partial_l(const A& a, const B& b, const R&) {
        return make_div(b, make_add(make_ipow<2>(a), make_ipow<2>(b)));
    }
    template <class A, class B, class R> static constexpr auto partial_r(const A& a, const B& b, const R&) {
        return make_div(make_neg(a), make_add(make_ipow<2>(a), make_ipow<2>(b)));
    }
};

/// hypot(a, b) = sqrt(a^2 + b^2) without overflow;  d/da = a / r, d/db = b / r (nan at 0, 0, as
/// in PyTorch).
struct hypot_op : function_op<"hypot"> {
    template <class T> static constexpr T value(T a, T b) { CTGRAD_DETAIL_CMATH(hypot, a, b) }
    template <class A, class B, class R> static constexpr auto partial_l(const A& a, const B&, const R& r) { return make_div(a, r); }
    template <class A, class B, class R> static constexpr auto partial_r(const A&, const B& b, const R& r) { return make_div(b, r); }
};

namespace detail {
/// The share of the gradient of max(a, b) or min(a, b) an operand gets where it is not the
/// smaller (larger) one: 1, or 1/2 at a tie, as torch.maximum and torch.minimum.
template <class A, class B>
constexpr auto tie_share(const A& a, const B& b) {
    return make_sub(one, make_mul(make_constant<1, 2>(), make_condition<eq_op>(a, b)));
}
}  // namespace detail

/// max(a, b), as torch.maximum: nan if either is nan, a at a tie (0 and -0 too);  d/da = 0 where a < b, 1/2 at a tie, else 1
/// (d/db alike).
struct max_op : function_op<"max", "MaximumBackward0"> {
    template <class T> static constexpr T value(T a, T b) { return b > a || b != b ? b : a; }
    template <class A, class B, class R> static constexpr auto partial_l(const A& a, const B& b, const R&);
    template <class A, class B, class R> static constexpr auto partial_r(const A& a, const B& b, const R&);
};

/// min(a, b), as torch.minimum: nan if either is nan, a at a tie (0 and -0 too);  d/da = 0 where a > b, 1/2 at a tie, else 1
/// (d/db alike).
struct min_op : function_op<"min", "MinimumBackward0"> {
    template <class T> static constexpr T value(T a, T b) { return b < a || b != b ? b : a; }
    template <class A, class B, class R> static constexpr auto partial_l(const A& a, const B& b, const R&);
    template <class A, class B, class R> static constexpr auto partial_r(const A& a, const B& b, const R&);
};

/// clamp_min(a, lo) = max(a, lo) with clamp's gradient: d/da = 1 where a >= lo, else 0 (also at
/// nan); d/dlo = 1 where a < lo (torch.clamp(a, min=lo): a tie goes to a).  A nan operand or
/// bound gives nan, as PyTorch.
struct clamp_min_op : function_op<"clamp_min", "ClampMinBackward0"> {
    template <class T> static constexpr T value(T a, T lo) { return a < lo || lo != lo ? lo : a; }
    template <class A, class B, class R> static constexpr auto partial_l(const A& a, const B& lo, const R&);
    template <class A, class B, class R> static constexpr auto partial_r(const A& a, const B& lo, const R&);
};

/// clamp_max(a, hi) = min(a, hi) with clamp's gradient: d/da = 1 where a <= hi, else 0 (also at
/// nan); d/dhi = 1 where a > hi.  A nan operand or bound gives nan, as PyTorch.
struct clamp_max_op : function_op<"clamp_max", "ClampMaxBackward0"> {
    template <class T> static constexpr T value(T a, T hi) { return a > hi || hi != hi ? hi : a; }
    template <class A, class B, class R> static constexpr auto partial_l(const A& a, const B& hi, const R&);
    template <class A, class B, class R> static constexpr auto partial_r(const A& a, const B& hi, const R&);
};

template <class A, class B, class R>
constexpr auto max_op::partial_l(const A& a, const B& b, const R&) { return make_where(make_lt(a, b), detail::tie_share(a, b)); }
template <class A, class B, class R>
constexpr auto max_op::partial_r(const A& a, const B& b, const R&) { return make_where(make_gt(a, b), detail::tie_share(a, b)); }
template <class A, class B, class R>
constexpr auto min_op::partial_l(const A& a, const B& b, const R&) { return make_where(make_gt(a, b), detail::tie_share(a, b)); }
template <class A, class B, class R>
constexpr auto min_op::partial_r(const A& a, const B& b, const R&) { return make_where(make_lt(a, b), detail::tie_share(a, b)); }
template <class A, class B, class R>
constexpr auto clamp_min_op::partial_l(const A& a, const B& lo, const R&) { return make_where(make_not(make_ge(a, lo)), one); }
template <class A, class B, class R>
constexpr auto clamp_min_op::partial_r(const A& a, const B& lo, const R&) { return make_where(make_not(make_lt(a, lo)), one); }
template <class A, class B, class R>
constexpr auto clamp_max_op::partial_l(const A& a, const B& hi, const R&) { return make_where(make_not(make_le(a, hi)), one); }
template <class A, class B, class R>
constexpr auto clamp_max_op::partial_r(const A& a, const B& hi, const R&) { return make_where(make_not(make_gt(a, hi)), one); }

// ---- general power (needs exp/log, so defined last) -----------------------------------

/// `a^b`, simplified: an integer constant exponent becomes `ipow`, 1/2 becomes sqrt.
template <class A, class B>
constexpr auto make_pow(const A& a, const B& b) {
    using namespace detail;
    if constexpr (is_integer_constant<B>) return make_ipow<B::num>(a);
    else if constexpr (is_constant_equal<B, 1, 2>) return make_unary<sqrt_op>(a);
    else if constexpr (is_one<A>) return one;
    else return binary<pow_op, A, B>{a, b};
}

template <class A, class B, class R>
constexpr auto pow_op::partial_l(const A& a, const B& b, const R&) {
    return make_where(make_eq(b, zero), make_mul(b, make_pow(a, make_sub(b, one))));
}
template <class A, class B, class R>
constexpr auto pow_op::partial_r(const A& a, const B& b, const R& r) {
    return make_mul(make_where(make_and(make_eq(a, zero), make_ge(b, zero)), make_unary<log_op>(a)), r);
}

}  // namespace ctgrad

#undef CTGRAD_DETAIL_CMATH

#endif
