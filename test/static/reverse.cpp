// Compile-time checks of symbolic reverse mode: grad, jacobian, hessian. Compiling this file is
// the test.
#include <ctgrad/ctgrad.hpp>

#include <tuple>
#include <type_traits>

namespace {

using namespace ctgrad::literals;
using ctgrad::get;
using ctgrad::to_string;
using ctgrad::wrt;

constexpr auto x = ctgrad::var<"x">;
constexpr auto y = ctgrad::var<"y">;
constexpr auto z = ctgrad::var<"z">;

template <class A, class B>
constexpr bool same(const A&, const B&) { return std::is_same_v<std::remove_cvref_t<A>, std::remove_cvref_t<B>>; }

// ---- grad: reverse mode over the DAG ---------------------------------------------------
constexpr auto g1 = ctgrad::grad(x * x * y, x, y);
static_assert(to_string(std::get<0>(g1)) == "2 * x * y");
static_assert(to_string(std::get<1>(g1)) == "x^2");
static_assert(same(std::get<0>(ctgrad::grad(x * y, z)), 0_c));            // f does not use z
static_assert(same(std::get<0>(ctgrad::grad(x, x)), 1_c));
static_assert(to_string(std::get<0>(ctgrad::grad(sin(x) * cos(x), x))) == to_string(ctgrad::d(sin(x) * cos(x), x)));
// a shared step: the adjoint of s collects both of its uses, once
constexpr auto s = x * y + sin(x);
constexpr auto f = sin(s) * x + s * y;
static_assert(to_string(std::get<1>(ctgrad::grad(f, x, y))) == "sin(x) + x * y + x * (y + x * cos(sin(x) + x * y))");
// an adjoint used by several children is a name: the gradient's type stays as small as f's DAG
template <class List> struct has_name;
template <class... Es> struct has_name<ctgrad::detail::typelist<Es...>> : std::bool_constant<(ctgrad::detail::is_named<typename Es::node> || ...)> {};
static_assert(has_name<ctgrad::detail::dag<std::remove_cvref_t<decltype(std::get<0>(ctgrad::grad(sin(sin(s) * s), x)))>>>::value);
// constexpr values
static_assert(std::get<0>(g1)(x = 2.0, y = 3.0) == 12.0);
static_assert(std::get<1>(g1)(x = 2.0, y = 3.0) == 4.0);
// masks stay outermost: nothing passes where x <= 0, whatever flows in
static_assert(to_string(std::get<0>(ctgrad::grad(relu(x) * y, x))) == "where(x <= 0, 0, y)");
// reductions: by linearity, the adjoint of sum(b) times sum(d b / dx)
static_assert(to_string(std::get<0>(ctgrad::grad(sum(x * y) * x, x))) == "x * sum(y) + sum(x * y)");
static_assert(to_string(std::get<1>(ctgrad::grad(mean(x * y) + y, x, y))) == "mean(x) + 1");

// the gradient's distinct nodes grow with f's: a chain of shared steps, depth 8 and 16
template <int K, class S>
constexpr auto chain(const S& s) {
    if constexpr (K == 0) return s;
    else return chain<K - 1>(sin(s) * x + s * y);
}
template <class E>
constexpr std::size_t nodes = ctgrad::detail::dag<E>::size;
using chain8 = decltype(chain<8>(s));
using chain16 = decltype(chain<16>(s));
using grad8 = std::remove_cvref_t<decltype(std::get<0>(ctgrad::grad(chain8{}, x, y)))>;
using grad16 = std::remove_cvref_t<decltype(std::get<0>(ctgrad::grad(chain16{}, x, y)))>;
static_assert(nodes<chain16> - nodes<chain8> == 8 * (nodes<chain16> - nodes<chain8>) / 8);  // linear in the depth
static_assert(nodes<grad16> - nodes<grad8> <= 4 * (nodes<chain16> - nodes<chain8>));
static_assert(nodes<grad16> < 400);  // the tree of grad16 has about 2^16 copies of s

// ---- hessian: a symmetric matrix whose mixed partials are one type ----------------------
constexpr auto h = ctgrad::hessian(x * x * y, wrt(x, y));
static_assert(to_string(h) == "[[2 * y, 2 * x], [2 * x, 0]]");
static_assert(decltype(h)::row_count == 2 && decltype(h)::column_count == 2);
static_assert(same(get<0, 1>(h), get<1, 0>(h)));
static_assert(same(get<1, 1>(h), 0_c));
static_assert(h(x = 3.0, y = 2.0)[0][0] == 4.0 && h(x = 3.0, y = 2.0)[1][0] == 6.0);
constexpr auto h3 = ctgrad::hessian(exp(x * y) + z * sin(x), wrt(x, y, z));
static_assert(same(get<0, 2>(h3), get<2, 0>(h3)) && same(get<1, 2>(h3), get<2, 1>(h3)) && same(get<0, 1>(h3), get<1, 0>(h3)));
static_assert(to_string(get<0, 2>(h3)) == "cos(x)");
static_assert(same(get<2, 2>(h3), 0_c));
static_assert(to_string(ctgrad::hessian(x * y, wrt(x, y))) == "[[0, 1], [1, 0]]");
// rows for structured bindings
static_assert(std::tuple_size_v<decltype(h)> == 2);
static_assert(to_string(std::get<1>(get<0>(h))) == "2 * x");

// ---- jacobian ---------------------------------------------------------------------------
constexpr auto j = ctgrad::jacobian(ctgrad::outputs(x * y, x + sin(y), z), wrt(x, y));
static_assert(to_string(j) == "[[y, x], [1, cos(y)], [0, 0]]");
static_assert(decltype(j)::row_count == 3 && decltype(j)::column_count == 2);
constexpr auto j2 = ctgrad::jacobian(ctgrad::outputs(x * y, x + y * y), wrt(x, y));
static_assert(j2(x = 2.0, y = 3.0)[0][0] == 3.0 && j2(x = 2.0, y = 3.0)[0][1] == 2.0 && j2(x = 2.0, y = 3.0)[1][1] == 6.0);

}  // namespace
