// create_graph=True through the Tensor layer (autograd/create_graph.hpp), in a program built
// with CTGRAD_CREATE_GRAPH=1 (every translation unit of a program makes the same choice, so
// this is its own executable). The values are PyTorch 1.13's; examples/second_order.cpp and
// its twin compare printed results with torch line by line.
#define BOOST_TEST_MODULE ctgrad create_graph
#define CTGRAD_CREATE_GRAPH 1
#include <boost/test/unit_test.hpp>

#include <ctgrad/autograd/function.hpp>
#include <ctgrad/nn.hpp>
#include <ctgrad/tensor.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

using ctgrad::Tensor;
using namespace ctgrad::literals;
namespace autograd = ctgrad::autograd;
namespace F = ctgrad::nn::functional;

namespace {

/// Each value within `tol` of PyTorch's (printed with 4 decimals: tol 1e-4).
void check_values(const Tensor& t, const std::vector<float>& want, float tol = 1e-5F) {
    BOOST_TEST_REQUIRE(t.defined());
    const auto v = t.values();
    BOOST_TEST_REQUIRE(v.size() == want.size());
    for (std::size_t i = 0; i != v.size(); ++i) BOOST_TEST(std::abs(v[i] - want[i]) <= tol, v[i] << " vs " << want[i]);
}

std::string error_of(const auto& f) {
    try {
        f();
    } catch (const ctgrad::error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(create_graph)

BOOST_AUTO_TEST_CASE(second_derivative_of_a_statement) {
    Tensor x = ctgrad::tensor({1., 2., 3.}, {.requires_grad = true});
    const auto g = autograd::grad(ctgrad::sum(x * x * x), {x}, {.create_graph = true});
    check_values(g[0], {3.F, 12.F, 27.F});
    BOOST_TEST(g[0].requires_grad());
    BOOST_TEST(g[0].grad_fn().name() == "AddBackward0");
    ctgrad::sum(g[0]).backward();
    check_values(x.grad(), {6.F, 12.F, 18.F});
}

BOOST_AUTO_TEST_CASE(hessian_rows_through_select) {
    // Rosenbrock at (-1.5, 2): the Hessian is [[1902, 600], [600, 200]]
    Tensor x = ctgrad::tensor({-1.5, 2.0}, {.requires_grad = true});
    const Tensor f = ctgrad::pow(1.0 - x[0], 2_c) + 100.0 * ctgrad::pow(x[1] - ctgrad::pow(x[0], 2_c), 2_c);
    const Tensor g = autograd::grad(f, {x}, {.create_graph = true})[0];
    check_values(g, {-155.F, -50.F});
    check_values(autograd::grad(g[0], {x}, {.retain_graph = true})[0], {1902.F, 600.F}, 1e-4F);
    check_values(autograd::grad(g[1], {x})[0], {600.F, 200.F}, 1e-4F);
}

BOOST_AUTO_TEST_CASE(backward_with_create_graph_keeps_a_differentiable_grad) {
    Tensor z = ctgrad::tensor({1., 2.}, {.requires_grad = true});
    ctgrad::sum(z * z * z).backward(false, true);
    const Tensor gz = z.grad();
    check_values(gz, {3.F, 12.F});
    BOOST_TEST(gz.grad_fn().name() == "CopyBackwards");
    // a second pass adds, recorded: grad + new
    ctgrad::sum(z * z).backward(false, true);
    check_values(z.grad(), {5.F, 16.F});
    BOOST_TEST(z.grad().grad_fn().name() == "AddBackward0");
    z.set_grad(Tensor());
    ctgrad::sum(gz).backward();
    check_values(z.grad(), {6.F, 12.F});
}

BOOST_AUTO_TEST_CASE(gradient_penalty_through_linear_and_tanh) {
    Tensor w = ctgrad::tensor({{0.3, -0.2}, {0.1, 0.4}, {-0.5, 0.2}}, {.requires_grad = true});
    Tensor b = ctgrad::tensor({0.1, 0.0, -0.1}, {.requires_grad = true});
    Tensor x = ctgrad::tensor({{1., 2.}, {0.5, -1.}}, {.requires_grad = true});
    const Tensor out = ctgrad::mean(F::linear(x, w, b).tanh(), 1).sum();
    const Tensor gx = autograd::grad(out, {x}, {.create_graph = true})[0];
    check_values(gx, {-0.0439F, 0.0623F, -0.0132F, 0.1134F}, 1e-4F);
    ctgrad::sum(ctgrad::pow(gx, 2_c)).backward();
    check_values(w.grad(), {-0.0303F, 0.0914F, -0.0228F, 0.0507F, -0.0187F, 0.0994F}, 1e-4F);
    check_values(b.grad(), {0.0123F, 0.0080F, 0.0233F}, 1e-4F);
}

BOOST_AUTO_TEST_CASE(grad_outputs_that_require_grad_are_differentiated) {
    // d/dv of <grad(y, x, v), 1> for y = x^2: 2x
    Tensor x = ctgrad::tensor({1., -2.}, {.requires_grad = true});
    Tensor v = ctgrad::tensor({0.5, 3.}, {.requires_grad = true});
    const Tensor y = x * x;
    const auto g = autograd::grad(std::vector<Tensor>{y}, {x}, {v}, {.create_graph = true});
    check_values(g[0], {1.F, -12.F});
    const auto gv = autograd::grad(ctgrad::sum(g[0]), {v});
    check_values(gv[0], {2.F, -4.F});
}

BOOST_AUTO_TEST_CASE(custom_function_backward_is_recorded) {
    struct Square : autograd::Function<Square> {
        static Tensor forward(autograd::context& ctx, const Tensor& x) {
            ctx.save_for_backward({x});
            return x * x;
        }
        static std::vector<Tensor> backward(autograd::context& ctx, const Tensor& g) {
            return {g * 2.0 * ctx.saved_tensors()[0]};
        }
    };
    Tensor u = ctgrad::tensor({3., -1.}, {.requires_grad = true});
    const Tensor gu = autograd::grad(ctgrad::sum(Square::apply(u)), {u}, {.create_graph = true})[0];
    check_values(gu, {6.F, -2.F});
    ctgrad::sum(gu).backward();
    check_values(u.grad(), {2.F, 2.F});
}

BOOST_AUTO_TEST_CASE(unused_input_and_allow_unused) {
    Tensor x = ctgrad::tensor({1., 2.}, {.requires_grad = true});
    Tensor y = ctgrad::tensor({1., 2.}, {.requires_grad = true});
    const Tensor s = ctgrad::sum(x * x);
    BOOST_TEST(error_of([&] { (void)autograd::grad(s, {y}, {.retain_graph = true, .create_graph = true}); }) ==
               "One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True "
               "if this is the desired behavior.");
    const auto g = autograd::grad(s, {x, y}, {.create_graph = true, .allow_unused = true});
    check_values(g[0], {2.F, 4.F});
    BOOST_TEST(!g[1].defined());
}

BOOST_AUTO_TEST_CASE(third_derivative_is_refused_with_a_message) {
    Tensor x = ctgrad::tensor({2.}, {.requires_grad = true});
    const Tensor g1 = autograd::grad(ctgrad::sum(x * x * x), {x}, {.create_graph = true})[0];
    BOOST_TEST(error_of([&] { (void)autograd::grad(ctgrad::sum(g1), {x}, {.create_graph = true}); }) ==
               "ctgrad: create_graph=True through a gradient computed with create_graph=True (a third derivative) is "
               "not supported; such a gradient can be differentiated once");
    // differentiating it without create_graph works: 6x
    check_values(autograd::grad(ctgrad::sum(g1), {x})[0], {12.F});
}

BOOST_AUTO_TEST_CASE(double_backprop_through_cross_entropy) {
    // the input-gradient penalty of a classifier (values from PyTorch 1.13)
    Tensor x = ctgrad::tensor({{0.2, 0.7, -0.1}, {1.5, -0.3, 0.4}}, {.requires_grad = true});
    Tensor w = ctgrad::tensor({{0.5, -0.2, 0.1}, {0.3, 0.8, -0.6}, {-0.4, 0.2, 0.9}}, {.requires_grad = true});
    const auto labels = ctgrad::tensor<std::int64_t>({1, 0});
    const Tensor loss = F::cross_entropy(x.matmul(w), labels);
    const Tensor gx = autograd::grad(loss, {x}, {.create_graph = true})[0];
    check_values(gx, {0.1599F, -0.2129F, -0.0574F, -0.1450F, -0.1730F, 0.3475F}, 1e-4F);
    const auto g = autograd::grad(ctgrad::sum(ctgrad::pow(gx, 2_c)), {w});
    check_values(g[0], {-0.0400F, -0.1496F, 0.1896F, 0.0921F, 0.0508F, -0.1429F, -0.2926F, 0.0826F, 0.2100F}, 1e-4F);
}

BOOST_AUTO_TEST_CASE(double_backprop_through_weighted_and_smoothed_cross_entropy) {
    // the squared input gradient differentiated again (values from PyTorch 1.13); a row whose
    // target is ignore_index has no second derivative
    Tensor x = ctgrad::tensor({{0.5, -1.0, 2.0}, {1.5, 0.25, -0.75}, {-2.0, 1.0, 0.0}, {0.1, 0.2, 0.3}},
                              {.requires_grad = true});
    const auto t = ctgrad::tensor<std::int64_t>({0, 2, 1, -100});
    const Tensor w = ctgrad::tensor({1.0, 2.0, 0.5});
    const Tensor p = ctgrad::tensor({{0.2, 0.3, 0.5}, {1.0, 0.0, 0.0}, {0.1, 0.1, 0.8}, {0.3, 0.3, 0.4}});
    const auto second = [&](const Tensor& loss) {
        const Tensor g = autograd::grad(loss, {x}, {.create_graph = true})[0];
        return autograd::grad(ctgrad::sum(g * g), {x})[0];
    };
    check_values(second(F::cross_entropy(x, t, w)),
                 {-0.037171F, -0.002778F, 0.039949F, 0.006742F, -0.002375F, -0.004367F, 0.003999F, -0.071573F,
                  0.067574F, 0.F, 0.F, 0.F});
    check_values(second(F::cross_entropy(x, t, {.weight = w, .label_smoothing = 0.2})),
                 {-0.034697F, -0.003832F, 0.038529F, 0.010336F, -0.005367F, -0.004969F, 0.002034F, -0.0516F,
                  0.049566F, 0.F, 0.F, 0.F});
    check_values(second(F::cross_entropy(x, p, {.weight = w, .label_smoothing = 0.1})),
                 {-0.010834F, -0.005209F, 0.016043F, -0.008313F, 0.006656F, 0.001657F, -0.000799F, 0.008781F,
                  -0.007982F, 0.000954F, -0.011278F, 0.010324F});
}

BOOST_AUTO_TEST_CASE(a_conversion_is_refused_by_grad_with_create_graph) {
    // followed by backward(create_graph=true) (its .grad: CopyBackwards, then AddBackward0 for
    // the second conversion, where PyTorch sums both paths before one CopyBackwards)
    Tensor w = ctgrad::tensor({1.0, 3.0}, {.requires_grad = true});
    const Tensor u = (w.to<double>() * w.to<double>()).to<float>().sum();
    BOOST_TEST(error_of([&] { (void)autograd::grad(u, {w}, {.create_graph = true}); }) ==
               "ctgrad: autograd::grad with create_graph=true does not follow a conversion between float and double "
               "(ToCopyBackward0); compute the gradient in one dtype, or use backward(create_graph=true)");
    const Tensor u2 = (w.to<double>() * w.to<double>()).to<float>().sum();
    u2.backward(Tensor(), false, true);
    check_values(w.grad(), {2.F, 6.F});
    BOOST_TEST(w.grad().requires_grad());
    w.set_grad(Tensor());  // the reference cycle PyTorch's warning speaks of, broken
}

BOOST_AUTO_TEST_CASE(where_logsumexp_and_index_with_a_long_tensor) {
    // values from PyTorch 1.13
    Tensor x = ctgrad::tensor({{0.2, -0.7, 1.1}, {1.5, -0.3, 0.4}}, {.requires_grad = true});
    Tensor b = ctgrad::tensor({0.5, 0.5, 0.5}, {.requires_grad = true});
    const Tensor y = ctgrad::where(x > 0.3, x * x, b * x).sum();
    const auto g = autograd::grad(y, {x, b}, {.create_graph = true});
    check_values(g[0], {0.5F, 0.5F, 2.2F, 3.F, 0.5F, 0.8F});
    check_values(g[1], {0.2F, -1.F, 0.F});
    const auto h = autograd::grad(ctgrad::pow(g[0], 2_c).sum() + ctgrad::pow(g[1], 2_c).sum(), {x, b});
    check_values(h[0], {0.4F, -2.F, 8.8F, 12.F, -2.F, 3.2F}, 1e-5F);
    check_values(h[1], {1.F, 2.F, 0.F});

    const Tensor l = (ctgrad::logsumexp(x * x, 1) * ctgrad::tensor({1.0, 2.0})).sum();
    const Tensor gl = autograd::grad(l, {x}, {.create_graph = true})[0];
    check_values(gl, {0.0691F, -0.3792F, 1.2242F, 4.8426F, -0.1117F, 0.1597F}, 1e-4F);
    check_values(autograd::grad(ctgrad::pow(gl, 2_c).sum(), {x})[0],
                 {-0.1760F, 0.4358F, 5.2858F, 58.2256F, 2.5254F, -3.5833F}, 1e-3F);

    const auto idx = ctgrad::tensor<std::int64_t>({2, 0, 2});
    const Tensor s = ctgrad::pow(x.index({ctgrad::indexing::Slice(), idx}), 3_c).sum();
    const Tensor gs = autograd::grad(s, {x}, {.create_graph = true})[0];
    check_values(gs, {0.12F, 0.F, 7.26F, 6.75F, 0.F, 0.96F}, 1e-4F);
    check_values(autograd::grad(gs.sum(), {x})[0], {1.2F, 0.F, 13.2F, 9.F, 0.F, 4.8F}, 1e-4F);
}

BOOST_AUTO_TEST_CASE(max_over_a_dimension_and_amax_with_ties) {
    // values from PyTorch 1.13: max sends the gradient to one index, amax shares it among ties
    Tensor x = ctgrad::tensor({{0.2, -0.7, 1.1}, {1.5, -0.3, 1.5}}, {.requires_grad = true});
    const auto [v, i] = ctgrad::max(x * x, 1);
    const Tensor g = autograd::grad(ctgrad::pow(v, 2_c).sum(), {x}, {.create_graph = true})[0];
    check_values(g, {0.F, 0.F, 5.324F, 13.5F, 0.F, 0.F}, 1e-4F);
    check_values(autograd::grad(g.sum(), {x})[0], {0.F, 0.F, 14.52F, 27.F, 0.F, 0.F}, 1e-4F);
    const Tensor ga = autograd::grad(ctgrad::pow(ctgrad::amax(x * x, 1), 2_c).sum(), {x}, {.create_graph = true})[0];
    check_values(ga, {0.F, 0.F, 5.324F, 6.75F, 0.F, 6.75F}, 1e-4F);
    check_values(autograd::grad(ga.sum(), {x})[0], {0.F, 0.F, 14.52F, 13.5F, 0.F, 13.5F}, 1e-4F);
}

BOOST_AUTO_TEST_CASE(a_second_backward_through_the_first_graph_still_works) {
    // create_graph retains the graph: the ordinary backward can follow
    Tensor x = ctgrad::tensor({0.5, 1.5}, {.requires_grad = true});
    const Tensor y = ctgrad::sum(ctgrad::exp(x) * ctgrad::sin(x));
    const Tensor g = autograd::grad(y, {x}, {.create_graph = true})[0];
    check_values(g, {2.2373F, 4.7875F}, 1e-4F);
    y.backward();
    check_values(x.grad(), {2.2373F, 4.7875F}, 1e-4F);
    ctgrad::sum(g).backward();
    check_values(x.grad(), {2.2373F + 2.8938F, 4.7875F + 0.6340F}, 1e-4F);
}

BOOST_AUTO_TEST_CASE(double_tensors) {
    ctgrad::DoubleTensor x = ctgrad::tensor<double>({0.25, -1.0}, {.requires_grad = true});
    const auto g = autograd::grad(ctgrad::sum(ctgrad::tanh(x) * x), {x}, {.create_graph = true})[0];
    ctgrad::sum(g).backward();
    // d2/dx2 (x tanh x) = 2 sech^2 x - 2 x tanh x sech^2 x
    const auto v = x.grad().values();
    const double xs[2] = {0.25, -1.0};
    for (int i = 0; i != 2; ++i) {
        const double t = std::tanh(xs[i]), s2 = 1 - t * t;
        BOOST_TEST(v[i] == 2 * s2 - 2 * xs[i] * t * s2, boost::test_tools::tolerance(1e-12));
    }
}

BOOST_AUTO_TEST_SUITE_END()
