// Without CTGRAD_CREATE_GRAPH (the default), create_graph=True through a statement says how to
// turn it on; the operations whose backward is written with tensor operations need nothing
// (test/create_graph has the tests with it on).
#include <boost/test/unit_test.hpp>

#include <ctgrad/autograd/function.hpp>
#include <ctgrad/tensor.hpp>

#include <string>

BOOST_AUTO_TEST_SUITE(create_graph_off)

BOOST_AUTO_TEST_CASE(a_statement_names_the_macro) {
    ctgrad::Tensor x = ctgrad::tensor({1., 2.}, {.requires_grad = true});
    std::string message;
    try {
        (void)ctgrad::autograd::grad(ctgrad::sum(x * x), {x}, {.create_graph = true});
    } catch (const ctgrad::error& e) {
        message = e.what();
    }
    BOOST_TEST(message ==
               "ctgrad: create_graph=True through SumBackward0 needs the statements' differentiable backward: define "
               "CTGRAD_CREATE_GRAPH to 1 before including ctgrad, in every translation unit");
}

BOOST_AUTO_TEST_CASE(shape_operations_need_no_macro) {
    // y = (x viewed as [2, 2]) @ w, summed over dimension 1 then 0: dy/dx is linear in x, so
    // the gradient is recorded but has no further dependence on x
    ctgrad::Tensor x = ctgrad::tensor({1., 2., 3., 4.}, {.requires_grad = true});
    ctgrad::Tensor w = ctgrad::tensor({{1., -1.}, {0.5, 2.}}, {.requires_grad = true});
    const ctgrad::Tensor y = x.view({2, 2}).matmul(w).sum(1).sum(0);
    const auto g = ctgrad::autograd::grad(y, {x}, {.create_graph = true});
    const auto v = g[0].values();
    BOOST_TEST(v[0] == 0.F);
    BOOST_TEST(v[1] == 2.5F);
    BOOST_TEST(v[2] == 0.F);
    BOOST_TEST(v[3] == 2.5F);
    BOOST_TEST(g[0].requires_grad());  // through w
    const auto gw = ctgrad::autograd::grad(g[0].sum(0), {w});
    const auto vw = gw[0].values();  // d/dw of sum_k (w[k,0] + w[k,1]) over both rows of x: 2 each
    for (const float e : vw) BOOST_TEST(e == 2.F);
}

BOOST_AUTO_TEST_SUITE_END()
