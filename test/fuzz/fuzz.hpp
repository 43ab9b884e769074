// The derivative fuzz test: random expressions, generated as types at compile time from a seed,
// whose symbolic derivatives are checked against finite differences at random points.
//
// `random_expr<Seed, Depth, Literals>()` draws a tree from a constexpr PRNG: leaves x, y, exact
// constants and (when `Literals`) runtime literals; inner nodes from `unary_ops` and
// `binary_ops` below, each with a domain rule that keeps its operands where it is defined. The
// result carries, beside the expression, the arguments of its kinks (abs, relu, sign, step at
// 0; min and max where a = b, ...), so that points next to a kink can be skipped.
//
// `fuzz_one<Index, Seed>(run)` derives f by x and y (`d`, `d<2>`, `d(d(f, x), y)`, `grad`,
// `hessian`), evaluates everything at `points_per_expression` points in [-2, 2]^2 and hands the
// numbers to the checks in check.cpp, which are not templates.
#ifndef CTGRAD_TEST_FUZZ_FUZZ_HPP
#define CTGRAD_TEST_FUZZ_FUZZ_HPP

#include <ctgrad/symbolic.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctgrad_fuzz {

using namespace ctgrad::literals;
using ctgrad::frac;

inline constexpr auto x = ctgrad::var<"x">;
inline constexpr auto y = ctgrad::var<"y">;

// ---- the PRNG ------------------------------------------------------------------------------

/// SplitMix64's output function.
constexpr std::uint64_t splitmix64(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/// Draw number `k` at a node whose seed is `s` (children's seeds are draws too).
constexpr std::uint64_t draw(std::uint64_t s, std::uint64_t k) { return splitmix64(s ^ splitmix64(k)); }

/// The seed of expression number `index` of the batch with seed `batch`.
constexpr std::uint64_t expression_seed(std::uint64_t batch, std::uint64_t index) { return draw(splitmix64(batch), index); }

// ---- operands ------------------------------------------------------------------------------

/// Whether `E` depends on neither x nor y (a constant, a literal, sin(2), ...).
template <class E>
inline constexpr bool is_number = std::is_same_v<decltype(ctgrad::d(std::declval<const E&>(), x)), ctgrad::constant<0>> &&
                                  std::is_same_v<decltype(ctgrad::d(std::declval<const E&>(), y)), ctgrad::constant<0>>;

/// The operand of a function: a number becomes x + number. (A function of a number is a number,
/// and an integer power of an exact constant could overflow its fraction at compile time.)
template <class A>
constexpr auto with_variable(const A& a) {
    if constexpr (is_number<A>) return x + a;
    else return a;
}

// ---- domain rules ----------------------------------------------------------------------------
//
// A rule maps a generated operand `a` into the domain of the function it is given to;
// `shape<S>(a)` may use the seed S to choose among several ways. Points where a value is still
// out of range (exp overflowing, a pole of 1 / a) are skipped and counted by the checks.

/// Any operand, numbers included: the operands of + - * /.
struct any_operand {
    template <std::uint64_t S, class A> static constexpr auto shape(const A& a) { return a; }
};
/// Any real operand (a number becomes x + number).
struct anywhere {
    template <std::uint64_t S, class A> static constexpr auto shape(const A& a) { return with_variable(a); }
};
/// (0, inf): a^2 + 1/4, exp(a) or sigmoid(a).
struct positive {
    template <std::uint64_t S, class A> static constexpr auto shape(const A& a0) {
        const auto a = with_variable(a0);
        if constexpr (S % 3 == 0) return pow(a, 2_c) + frac<1, 4>;
        else if constexpr (S % 3 == 1) return exp(a);
        else return sigmoid(a);
    }
};
/// (-1, inf), for log1p: a^2 - 3/4 or expm1(a).
struct above_minus_one {
    template <std::uint64_t S, class A> static constexpr auto shape(const A& a0) {
        const auto a = with_variable(a0);
        if constexpr (S % 2 == 0) return pow(a, 2_c) - frac<3, 4>;
        else return expm1(a);
    }
};
/// (1, inf), for acosh: a^2 + 5/4.
struct above_one {
    template <std::uint64_t S, class A> static constexpr auto shape(const A& a0) { return pow(with_variable(a0), 2_c) + frac<5, 4>; }
};
/// |a| <= 7/5 < pi/2, for tan: 7/5 tanh(a) or sin(a).
struct within_half_pi {
    template <std::uint64_t S, class A> static constexpr auto shape(const A& a0) {
        const auto a = with_variable(a0);
        if constexpr (S % 2 == 0) return frac<7, 5> * tanh(a);
        else return sin(a);
    }
};
/// |a| <= 9/10 < 1, for asin, acos, atanh: 9/10 tanh(a) or 9/10 sin(a).
struct within_one {
    template <std::uint64_t S, class A> static constexpr auto shape(const A& a0) {
        const auto a = with_variable(a0);
        if constexpr (S % 2 == 0) return frac<9, 10> * tanh(a);
        else return frac<9, 10> * sin(a);
    }
};
/// A denominator: any operand but the constant 0.
struct denominator {
    template <std::uint64_t S, class A> static constexpr auto shape(const A& a) {
        if constexpr (std::is_same_v<A, ctgrad::constant<0>>) return with_variable(a);
        else return a;
    }
};

// ---- kinks -----------------------------------------------------------------------------------

/// Differentiable everywhere in its domain.
struct smooth {};
/// Not differentiable where the operand is 0: abs, relu, sign, step.
struct at_zero {
    template <class A> constexpr auto operator()(const A& a) const { return a; }
};
/// Not differentiable where the operands are equal: min, max.
struct where_equal {
    template <class A, class B> constexpr auto operator()(const A& a, const B& b) const { return a - b; }
};
/// Not differentiable where the operand is -1/2 or 1: clamp(a, -1/2, 1).
struct at_clamp_bounds {
    template <class A> constexpr auto operator()(const A& a) const { return (a + frac<1, 2>) * (a - 1_c); }
};
/// The branch cut of atan2(a, b) (b < 0): where the first operand is 0.
struct where_first_zero {
    template <class A, class B> constexpr auto operator()(const A& a, const B&) const { return a; }
};

// ---- the operations --------------------------------------------------------------------------
//
// One line per operation: a name (for the coverage report), how it is applied, the domain rule of
// each operand and, for an operation with a kink, the expression whose sign changes at it.
// Adding a function to ctgrad is adding its line here.

template <class Fn, class Rule, class Kink = smooth>
struct unary_op {
    using fn_type = Fn;
    using rule_type = Rule;
    using kink_type = Kink;
    std::string_view name;
    Fn fn;
    Rule rule;
    Kink kink{};
};
template <class Fn, class Rule> unary_op(std::string_view, Fn, Rule) -> unary_op<Fn, Rule>;
template <class Fn, class Rule, class Kink> unary_op(std::string_view, Fn, Rule, Kink) -> unary_op<Fn, Rule, Kink>;

template <class Fn, class RuleA, class RuleB, class Kink = smooth>
struct binary_op {
    using fn_type = Fn;
    using rule_a_type = RuleA;
    using rule_b_type = RuleB;
    using kink_type = Kink;
    std::string_view name;
    Fn fn;
    RuleA rule_a;
    RuleB rule_b;
    Kink kink{};
};
template <class Fn, class RuleA, class RuleB> binary_op(std::string_view, Fn, RuleA, RuleB) -> binary_op<Fn, RuleA, RuleB>;
template <class Fn, class RuleA, class RuleB, class Kink>
binary_op(std::string_view, Fn, RuleA, RuleB, Kink) -> binary_op<Fn, RuleA, RuleB, Kink>;

// clang-format off
inline constexpr std::tuple unary_ops{
    unary_op{"-a",      [](const auto& a) { return -a; },                  anywhere{}},
    unary_op{"a^2",     [](const auto& a) { return pow(a, 2_c); },         anywhere{}},
    unary_op{"a^3",     [](const auto& a) { return pow(a, 3_c); },         anywhere{}},
    unary_op{"a^-1",    [](const auto& a) { return pow(a, frac<-1, 1>); }, anywhere{}},  // pole at 0
    unary_op{"a^-2",    [](const auto& a) { return pow(a, frac<-2, 1>); }, anywhere{}},  // pole at 0
    unary_op{"a^(3/2)", [](const auto& a) { return pow(a, frac<3, 2>); },  positive{}},
    unary_op{"a^(1/3)", [](const auto& a) { return pow(a, frac<1, 3>); },  positive{}},
    unary_op{"a^(-1/2)",[](const auto& a) { return pow(a, frac<-1, 2>); }, positive{}},
    unary_op{"a^2.5",   [](const auto& a) { return pow(a, 2.5); },         positive{}},  // a runtime exponent
    unary_op{"exp",     [](const auto& a) { return exp(a); },              anywhere{}},
    unary_op{"log",     [](const auto& a) { return log(a); },              positive{}},
    unary_op{"sin",     [](const auto& a) { return sin(a); },              anywhere{}},
    unary_op{"cos",     [](const auto& a) { return cos(a); },              anywhere{}},
    unary_op{"tan",     [](const auto& a) { return tan(a); },              within_half_pi{}},
    unary_op{"tanh",    [](const auto& a) { return tanh(a); },             anywhere{}},
    unary_op{"sqrt",    [](const auto& a) { return sqrt(a); },             positive{}},
    unary_op{"sigmoid", [](const auto& a) { return sigmoid(a); },          anywhere{}},
    unary_op{"abs",     [](const auto& a) { return abs(a); },              anywhere{}, at_zero{}},
    unary_op{"relu",    [](const auto& a) { return relu(a); },             anywhere{}, at_zero{}},
    unary_op{"log1p",   [](const auto& a) { return log1p(a); },            above_minus_one{}},
    unary_op{"expm1",   [](const auto& a) { return expm1(a); },            anywhere{}},
    unary_op{"sign",    [](const auto& a) { return sign(a); },             anywhere{}, at_zero{}},
    unary_op{"step",    [](const auto& a) { return step(a); },             anywhere{}, at_zero{}},
    unary_op{"atan",    [](const auto& a) { return atan(a); },             anywhere{}},
    unary_op{"asin",    [](const auto& a) { return asin(a); },             within_one{}},
    unary_op{"acos",    [](const auto& a) { return acos(a); },             within_one{}},
    unary_op{"sinh",    [](const auto& a) { return sinh(a); },             anywhere{}},
    unary_op{"cosh",    [](const auto& a) { return cosh(a); },             anywhere{}},
    unary_op{"asinh",   [](const auto& a) { return asinh(a); },            anywhere{}},
    unary_op{"acosh",   [](const auto& a) { return acosh(a); },            above_one{}},
    unary_op{"atanh",   [](const auto& a) { return atanh(a); },            within_one{}},
    unary_op{"erf",     [](const auto& a) { return erf(a); },              anywhere{}},
    unary_op{"erfc",    [](const auto& a) { return erfc(a); },             anywhere{}},
    unary_op{"log2",    [](const auto& a) { return log2(a); },             positive{}},
    unary_op{"log10",   [](const auto& a) { return log10(a); },            positive{}},
    unary_op{"cbrt",    [](const auto& a) { return cbrt(a); },             anywhere{}, at_zero{}},  // infinite slope at 0
    unary_op{"clamp",   [](const auto& a) { return clamp(a, frac<-1, 2>, 1_c); }, anywhere{}, at_clamp_bounds{}},
};

inline constexpr std::tuple binary_ops{
    binary_op{"+",      [](const auto& a, const auto& b) { return a + b; },      any_operand{}, any_operand{}},
    binary_op{"-",      [](const auto& a, const auto& b) { return a - b; },      any_operand{}, any_operand{}},
    binary_op{"*",      [](const auto& a, const auto& b) { return a * b; },      any_operand{}, any_operand{}},
    binary_op{"/",      [](const auto& a, const auto& b) { return a / b; },      any_operand{}, denominator{}},
    binary_op{"pow",    [](const auto& a, const auto& b) { return pow(a, b); },  positive{},    anywhere{}},
    binary_op{"hypot",  [](const auto& a, const auto& b) { return hypot(a, b); }, anywhere{},  anywhere{}},  // kink at a = b = 0
    binary_op{"atan2",  [](const auto& a, const auto& b) { return atan2(a, b); }, anywhere{},  anywhere{}, where_first_zero{}},
    binary_op{"min",    [](const auto& a, const auto& b) { return min(a, b); },   anywhere{},  anywhere{}, where_equal{}},
    binary_op{"max",    [](const auto& a, const auto& b) { return max(a, b); },   anywhere{},  anywhere{}, where_equal{}},
    binary_op{"where",  [](const auto& a, const auto& b) { return where(a < b, a * b, a + b); }, anywhere{}, anywhere{}, where_equal{}},
};
// clang-format on

using unary_table = std::remove_const_t<decltype(unary_ops)>;
using binary_table = std::remove_const_t<decltype(binary_ops)>;
inline constexpr std::size_t unary_count = std::tuple_size_v<unary_table>;
inline constexpr std::size_t binary_count = std::tuple_size_v<binary_table>;
static_assert(unary_count <= 64 && binary_count <= 64, "the coverage masks have 64 bits");

// ---- generation ------------------------------------------------------------------------------

/// A generated expression, the arguments of its kinks, and which operations it used (bit k of
/// `unary_used`: entry k of `unary_ops`).
template <class E, class Kinks>
struct generated {
    E expr;
    Kinks kinks;
    std::uint64_t unary_used;
    std::uint64_t binary_used;
};
template <class E, class Kinks>
constexpr generated<E, Kinks> make_generated(const E& e, const Kinks& kinks, std::uint64_t unary_used, std::uint64_t binary_used) {
    return {e, kinks, unary_used, binary_used};
}

/// The kink arguments of a node: its operands' and, for an operation with a kink, its own.
template <class Kink, class Kinks, class... Args>
constexpr auto with_kink(const Kinks& kinks, const Args&... args) {
    if constexpr (std::is_same_v<Kink, smooth>) return kinks;
    else return std::tuple_cat(kinks, std::tuple{Kink{}(args...)});
}

/// A leaf: x or y (3 in 4), an exact constant, or a runtime literal (when `Literals`).
template <std::uint64_t S, bool Literals>
constexpr auto leaf() {
    constexpr std::uint64_t r = draw(S, 0) % 16;
    constexpr std::uint64_t v = draw(S, 1) % 6;
    if constexpr (r < 6) return make_generated(x, std::tuple{}, 0, 0);
    else if constexpr (r < 12) return make_generated(y, std::tuple{}, 0, 0);
    else if constexpr (r < 15 || !Literals) {
        if constexpr (v == 0) return make_generated(1_c, std::tuple{}, 0, 0);
        else if constexpr (v == 1) return make_generated(2_c, std::tuple{}, 0, 0);
        else if constexpr (v == 2) return make_generated(3_c, std::tuple{}, 0, 0);
        else if constexpr (v == 3) return make_generated(frac<1, 2>, std::tuple{}, 0, 0);
        else if constexpr (v == 4) return make_generated(frac<-3, 2>, std::tuple{}, 0, 0);
        else return make_generated(frac<2, 3>, std::tuple{}, 0, 0);
    } else {
        constexpr double values[] = {0.5, -1.25, 1.75, 0.3, 2.2, -0.7};
        return make_generated(ctgrad::literal{values[v]}, std::tuple{}, 0, 0);
    }
}

/// A random expression of depth at most `Depth`: a leaf (always at depth 0, else 1 in 8 below
/// the root), an entry of `unary_ops` (7 in 16) or of `binary_ops` (7 in 16). A root with
/// `Force` >= 0 applies operation number `Force` of the two tables (unary_ops, then binary_ops).
template <std::uint64_t S, int Depth, bool Literals, bool Root = false, int Force = -1>
constexpr auto random_expr() {
    constexpr std::uint64_t r = draw(S, 0) % 16;
    if constexpr (Force < 0 && (Depth == 0 || (r < 2 && !Root))) {
        return leaf<draw(S, 1), Literals>();
    } else if constexpr (Force >= 0 ? Force < int(unary_count) : r < 9) {
        constexpr std::size_t k = Force >= 0 ? std::size_t(Force) : draw(S, 2) % unary_count;
        using Op = std::tuple_element_t<k, unary_table>;
        const auto a = random_expr<draw(S, 3), Depth - 1, Literals>();
        const auto arg = Op::rule_type::template shape<draw(S, 4)>(a.expr);
        return make_generated(typename Op::fn_type{}(arg), with_kink<typename Op::kink_type>(a.kinks, arg),
                              a.unary_used | (std::uint64_t(1) << k), a.binary_used);
    } else {
        constexpr std::size_t k = Force >= 0 ? std::size_t(Force) - unary_count : draw(S, 2) % binary_count;
        using Op = std::tuple_element_t<k, binary_table>;
        const auto a = random_expr<draw(S, 3), Depth - 1, Literals>();
        const auto b = random_expr<draw(S, 5), Depth - 1, Literals>();
        const auto arg_a = Op::rule_a_type::template shape<draw(S, 4)>(a.expr);
        const auto arg_b = Op::rule_b_type::template shape<draw(S, 6)>(b.expr);
        return make_generated(typename Op::fn_type{}(arg_a, arg_b),
                              with_kink<typename Op::kink_type>(std::tuple_cat(a.kinks, b.kinks), arg_a, arg_b),
                              a.unary_used | b.unary_used, a.binary_used | b.binary_used | (std::uint64_t(1) << k));
    }
}

/// The number of nodes of an expression, as a tree.
template <class E> inline constexpr std::size_t tree_nodes = 1;
template <class Op, class A> inline constexpr std::size_t tree_nodes<ctgrad::unary<Op, A>> = 1 + tree_nodes<A>;
template <class Op, class L, class R>
inline constexpr std::size_t tree_nodes<ctgrad::binary<Op, L, R>> = 1 + tree_nodes<L> + tree_nodes<R>;

/// Expression number `Seed` of a batch: depth up to `max_depth` and at most `max_nodes` nodes
/// (the first of `attempts` draws that has; the cost of compiling second derivatives grows
/// fast with the size), literals in one expression in four, and never a number alone (a root
/// without variables becomes x + number). Expression number i < the number of operations
/// applies operation i at its root, so that a batch of that size checks every operation.
inline constexpr int max_depth = 4;
inline constexpr std::size_t max_nodes = CTGRAD_FUZZ_MAX_NODES;
inline constexpr int attempts = 8;

template <std::uint64_t Seed, int Force, int Attempt = 0>
constexpr auto sized_expression() {
    constexpr bool literals = draw(Seed, 7) % 4 == 0;
    constexpr int depth = Attempt < attempts ? max_depth : 2;
    const auto g = random_expr<draw(Seed, 8 + Attempt), depth, literals, true, Force>();
    if constexpr (tree_nodes<std::remove_cvref_t<decltype(g.expr)>> > max_nodes && Attempt < attempts)
        return sized_expression<Seed, Force, Attempt + 1>();
    else return g;
}

template <std::size_t Index, std::uint64_t Seed>
constexpr auto fuzz_expression() {
    constexpr int force = Index < unary_count + binary_count ? int(Index) : -1;
    const auto g = sized_expression<Seed, force>();
    return make_generated(with_variable(g.expr), g.kinks, g.unary_used, g.binary_used);
}

// ---- the checks (check.cpp) ------------------------------------------------------------------

/// Central differences of one function in one variable at one point, in long double, with the
/// steps h, h / 2 and h / 4.
struct differences {
    long double d[3];
};

/// The numbers of one point.
struct sample {
    double p = 0, q = 0;                        // the point (x, y)
    bool finite = true;                         // every value of f, d f / dx and d f / dy on the stencil is finite
    bool kink = false;                          // the sign of a kink argument changes on the stencil
    long double f = 0;                          // f(p, q)
    differences fd_x{}, fd_y{};                 // of f in x and in y
    differences fd_xx{}, fd_xy{}, fd_yy{};      // of d f / dx in x and in y, of d f / dy in y
    double fx = 0, fy = 0, fxx = 0, fxy = 0, fyy = 0;  // d(f, x), d(f, y), d<2>(f, x), d(d(f, x), y), d<2>(f, y)
    double gx = 0, gy = 0;                      // grad(f, x, y)
    double h[2][2] = {};                        // hessian(f, wrt(x, y))
};

struct expression_info {
    std::size_t index;
    std::uint64_t seed;
    bool stateful;                // holds runtime literals: grad and hessian use forward mode then
    std::uint64_t unary_used, binary_used;
};

/// The printed formulas of an expression and its derivatives, for a failure's message.
struct formulas {
    std::string f, fx, fy, fxx, fxy, fyy;
};

/// Accumulates the checks of a run.
class run;

/// The step of the differences in a variable at the point p: h = step_scale * max(1, |p|).
inline constexpr long double step_scale = 1.0L / 1024;
long double step_at(double p);
/// The point number k (of `points_per_expression`) of the expression with seed `seed`.
inline constexpr int points_per_expression = 20;
std::array<double, 2> point(std::uint64_t seed, int k);

/// Checks one point; returns whether it failed (then `report_failure` prints it with the formulas).
bool check(run& r, const expression_info& info, const sample& s);
void report_failure(run& r, const expression_info& info, const sample& s, const formulas& text);
void count_expression(run& r, const expression_info& info);

/// Central differences of `g` (a function of one long double) at c with steps h, h/2, h/4;
/// `finite` is cleared when a value is not finite.
template <class G>
differences central(const G& g, long double c, long double h, bool& finite) {
    differences out{};
    for (int i = 0; i != 3; ++i) {
        const long double step = h / static_cast<long double>(1 << i);
        const long double hi = c + step;
        const long double lo = c - step;
        const long double a = g(hi);
        const long double b = g(lo);
        finite = finite && std::isfinite(a) && std::isfinite(b);
        out.d[i] = (a - b) / (hi - lo);
    }
    return out;
}

/// The signs of the kink arguments at (p, q).
template <class Kinks>
std::uint64_t kink_signs(const Kinks& kinks, long double p, long double q) {
    std::uint64_t bits = 0;
    int k = 0;
    std::apply([&](const auto&... e) {
        ((bits |= [&] {
              const long double v = e(x = p, y = q);
              const std::uint64_t s = v > 0 ? 1 : v < 0 ? 2 : 3;
              return s << (2 * (k++ % 32));
          }()),
         ...);
    }, kinks);
    return bits;
}

template <class E>
std::string text(const E& e) {
    const auto s = ctgrad::to_string(e);
    return std::string(std::string_view(s));
}

/// Expression number `Index` (seed `Seed`) of a batch: every point checked.
template <std::size_t Index, std::uint64_t Seed>
void fuzz_one(run& r) {
    const auto g = fuzz_expression<Index, Seed>();
    const auto& f = g.expr;
    using F = std::remove_cvref_t<decltype(f)>;
    const expression_info info{Index, Seed, !std::is_empty_v<F>, g.unary_used, g.binary_used};
    count_expression(r, info);

    const auto fx = ctgrad::d(f, x);
    const auto fy = ctgrad::d(f, y);
    const auto fxx = ctgrad::d<2>(f, x);
    const auto fyy = ctgrad::d<2>(f, y);
    const auto fxy = ctgrad::d(fx, y);
    const auto [gx, gy] = ctgrad::grad(f, x, y);
    const auto hessian = ctgrad::hessian(f, ctgrad::wrt(x, y));

    for (int k = 0; k != points_per_expression; ++k) {
        const auto [p, q] = point(Seed, k);
        sample s;
        s.p = p;
        s.q = q;
        const long double cp = p;
        const long double cq = q;
        const long double hp = step_at(p);
        const long double hq = step_at(q);
        s.f = f(x = cp, y = cq);
        s.finite = std::isfinite(s.f);
        s.fd_x = central([&](long double v) { return f(x = v, y = cq); }, cp, hp, s.finite);
        s.fd_y = central([&](long double v) { return f(x = cp, y = v); }, cq, hq, s.finite);
        s.fd_xx = central([&](long double v) { return fx(x = v, y = cq); }, cp, hp, s.finite);
        s.fd_xy = central([&](long double v) { return fx(x = cp, y = v); }, cq, hq, s.finite);
        s.fd_yy = central([&](long double v) { return fy(x = cp, y = v); }, cq, hq, s.finite);
        // a kink argument must keep its sign on the whole stencil
        const std::uint64_t signs = kink_signs(g.kinks, cp, cq);
        for (const long double dp : {-hp, hp})
            s.kink = s.kink || kink_signs(g.kinks, cp + dp, cq) != signs;
        for (const long double dq : {-hq, hq})
            s.kink = s.kink || kink_signs(g.kinks, cp, cq + dq) != signs;

        s.fx = fx(x = p, y = q);
        s.fy = fy(x = p, y = q);
        s.fxx = fxx(x = p, y = q);
        s.fxy = fxy(x = p, y = q);
        s.fyy = fyy(x = p, y = q);
        s.gx = gx(x = p, y = q);
        s.gy = gy(x = p, y = q);
        const auto h = hessian(x = p, y = q);
        for (int i = 0; i != 2; ++i)
            for (int j = 0; j != 2; ++j) s.h[i][j] = h[i][j];

        if (check(r, info, s))
            report_failure(r, info, s, formulas{text(f), text(fx), text(fy), text(fxx), text(fxy), text(fyy)});
    }
}

/// A slice of a batch registers its expressions: `first` is the index of its first one.
using slice_runner = void (*)(run&);
struct registration {
    registration(std::size_t first, slice_runner runner);
};

}  // namespace ctgrad_fuzz

#endif
