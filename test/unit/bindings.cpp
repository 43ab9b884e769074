// Bindings to temporary containers (core/expr.hpp): `x = make_data()` keeps the container in
// the binding, so a binding kept in a variable, copied, moved or stored in a tuple never reads
// a destroyed container (AddressSanitizer reported heap-use-after-free before), while a binding
// to an lvalue stays a span of the caller's data (no copy, no extra member).
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

using namespace ctgrad::literals;

constexpr auto w = ctgrad::var<"w">;
constexpr auto x = ctgrad::var<"x">;

std::vector<double> make_data() { return {1.0, 2.0, 3.0}; }
std::array<float, 3> make_array() { return {1.0f, 2.0f, 3.0f}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(bindings)

BOOST_AUTO_TEST_CASE(lvalues_bind_as_spans_without_cost) {
    const std::vector<double> xs = make_data();
    const auto b = (x = xs);
    static_assert(std::is_same_v<decltype(b.value), std::span<const double>>);
    static_assert(sizeof(b) == sizeof(std::span<const double>));
    BOOST_TEST(b.value.data() == xs.data());
}

BOOST_AUTO_TEST_CASE(a_kept_binding_owns_its_temporary) {
    const auto b = (x = make_data());  // the vector would die at the end of this line
    static_assert(std::is_same_v<decltype(b.value), std::span<const double>>);
    BOOST_TEST(ctgrad::evaluate(sum(x * x), b) == 14.0);
    BOOST_TEST(sum(x)(b) == 6.0);
    const std::vector<double> doubled = ctgrad::evaluate(2_c * x, b);
    BOOST_TEST(doubled == (std::vector<double>{2.0, 4.0, 6.0}), boost::test_tools::per_element());
    const auto [loss, dw] = ctgrad::value_and_grad(sum(w * x), ctgrad::wrt(w), w = 2.0, b);
    BOOST_TEST(loss == 12.0);
    BOOST_TEST(dw == 6.0);
    std::vector<double> out(3);
    ctgrad::evaluate_into(std::span<double>(out), x + 1_c, b);
    BOOST_TEST(out == (std::vector<double>{2.0, 3.0, 4.0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(copies_and_moves_view_their_own_container) {
    // std::array keeps its elements inline: a copied or moved binding must not view the old one
    auto original = (x = make_array());
    const auto copy = original;
    const auto moved = std::move(original);
    BOOST_TEST(copy.value.data() == copy.storage.data());
    BOOST_TEST(moved.value.data() == moved.storage.data());
    BOOST_TEST(copy.value.size() == 3U);
    BOOST_TEST(ctgrad::evaluate(sum(x), copy) == 6.0f);
    BOOST_TEST(ctgrad::evaluate(sum(x), moved) == 6.0f);

    auto assigned = (x = make_array());
    assigned = copy;
    BOOST_TEST(assigned.value.data() == assigned.storage.data());
    assigned = std::move(original);
    BOOST_TEST(assigned.value.data() == assigned.storage.data());
}

BOOST_AUTO_TEST_CASE(bindings_kept_in_a_tuple) {
    const auto args = std::tuple{w = 0.5, x = make_data()};
    const auto [loss, dw, dx] = std::apply(
        [](const auto&... b) { return ctgrad::value_and_grad(mean(w * x * x), ctgrad::wrt(w, x), b...); }, args);
    BOOST_TEST(loss == 0.5 * 14.0 / 3.0, boost::test_tools::tolerance(1e-15));
    BOOST_TEST(dw == 14.0 / 3.0, boost::test_tools::tolerance(1e-15));
    BOOST_TEST(dx == (std::vector<double>{1.0 / 3.0, 2.0 / 3.0, 1.0}), boost::test_tools::tolerance(1e-15) << boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(temporaries_in_the_call) {
    BOOST_TEST(sum(x * x)(x = make_data()) == 14.0);
    BOOST_TEST(ctgrad::evaluate(sum(x), x = make_data()) == 6.0);
    const auto [loss, dw] = ctgrad::value_and_grad(sum(w * x), ctgrad::wrt(w), w = 1.0, x = make_data());
    BOOST_TEST(loss == 6.0);
    BOOST_TEST(dw == 6.0);
    // a temporary span is a view, bound as a span
    const std::vector<double> xs = make_data();
    const auto b = (x = std::span<const double>(xs));
    BOOST_TEST(b.value.data() == xs.data());
}

BOOST_AUTO_TEST_SUITE_END()
