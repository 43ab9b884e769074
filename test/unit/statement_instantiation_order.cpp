// A statement's gradient does not depend on the other statements of the translation unit.
// g++ 12 once gave `2 * y.sum()` the slot set of `a.sum() / 2` when the latter was
// instantiated further down the same file: y's gradient was -0 instead of 2, silently. The
// test of the first statement comes before the function that instantiates the second, as
// when it went wrong (only g++ was affected; clang++ compiled both correctly).
#include <boost/test/unit_test.hpp>

#include <ctgrad/tensor.hpp>

#include <vector>

namespace {

void check_grad(const ctgrad::Tensor& t, const std::vector<float>& want) {
    BOOST_TEST_REQUIRE(t.defined());
    const auto v = t.values();
    BOOST_TEST_REQUIRE(v.size() == want.size());
    for (std::size_t i = 0; i != v.size(); ++i) BOOST_TEST(v[i] == want[i]);
}

float mean_of_two_later();

}  // namespace

BOOST_AUTO_TEST_SUITE(statement_instantiation_order)

BOOST_AUTO_TEST_CASE(number_times_a_sum_of_a_non_leaf) {
    ctgrad::Tensor x = ctgrad::tensor({1.0, 5.0, 3.0}, {.requires_grad = true});
    ctgrad::Tensor y = x * 1.0f;
    ctgrad::Tensor b = 2 * y.sum();
    BOOST_TEST(b.item() == 18.0f);
    b.backward();
    check_grad(x.grad(), {2.0f, 2.0f, 2.0f});
}

BOOST_AUTO_TEST_CASE(max_and_min_over_dimensions_in_one_statement) {
    ctgrad::Tensor x = ctgrad::tensor({{1.0, 5.0, 3.0}, {4.0, 2.0, 6.0}}, {.requires_grad = true});
    auto m = ctgrad::max(x, 1);
    auto [values, indices] = ctgrad::min(x, 0);
    (m.values.sum() + 2 * values.sum()).backward();
    check_grad(x.grad(), {2.0f, 1.0f, 2.0f, 0.0f, 2.0f, 1.0f});
}

BOOST_AUTO_TEST_CASE(a_sum_divided_by_a_number) { BOOST_TEST(mean_of_two_later() == 1.5f); }

BOOST_AUTO_TEST_SUITE_END()

namespace {

// Instantiated after the tests above, on purpose.
float mean_of_two_later() {
    ctgrad::Tensor a = ctgrad::tensor({1.0, 2.0}, {.requires_grad = true});
    ctgrad::Tensor b = a.sum() / 2.0f;
    b.backward();
    check_grad(a.grad(), {0.5f, 0.5f});
    return b.item();
}

}  // namespace
