// gradcheck: the symbolic form (ctgrad::gradcheck on expressions) and the Tensor form
// (ctgrad::autograd::gradcheck), passing on correct gradients and failing, with torch 1.13's
// messages, where the analytical side misses something: a kink (relu at 0, where the derivative
// is taken as 0 and central differences give 0.5) or a part of a Tensor function that autograd
// does not see (detach). The expected messages were printed by torch.autograd.gradcheck on the
// same functions (the line after them, naming the variable, is ctgrad's own).
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/autograd/gradcheck.hpp>
#include <ctgrad/eval/gradcheck.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace {

using namespace ctgrad::literals;
using ctgrad::DoubleTensor;
using ctgrad::Tensor;

constexpr auto w = ctgrad::var<"w">;
constexpr auto b = ctgrad::var<"b">;
constexpr auto x = ctgrad::var<"x">;
constexpr auto y = ctgrad::var<"y">;

using scalar_types = std::tuple<float, double>;

template <class T>
struct line_data {
    std::vector<T> xs, ys;
    line_data() {
        for (int i = 0; i != 16; ++i) {
            xs.push_back(static_cast<T>(std::cos(0.9 * i) * 2.0));
            ys.push_back(static_cast<T>(2.0 * xs.back() + 1.0 + 0.3 * std::sin(2.1 * i)));
        }
    }
};

/// The message of the gradcheck_error that `f` throws ("" when it throws none).
template <class F>
std::string message_of(const F& f) {
    try {
        f();
    } catch (const ctgrad::gradcheck_error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(gradcheck_tests)

// ---- expressions -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE_TEMPLATE(passes_on_numbers, T, scalar_types) {
    const auto f = x * x * y + sin(x * y) + exp(y / x);
    BOOST_TEST(ctgrad::gradcheck(f, ctgrad::wrt(x, y), x = T(0.7), y = T(-1.3)));
    BOOST_TEST(ctgrad::gradcheck(f, ctgrad::wrt(y), x = T(1.5), y = T(0.25)));
    BOOST_TEST(ctgrad::gradcheck(sqrt(x) * tanh(x) + log1p(x * x) - sigmoid(-x), ctgrad::wrt(x), x = T(2.0)));
    BOOST_TEST(ctgrad::gradcheck(pow(x, y) + pow(x, 2.5) + x * 0.5, ctgrad::wrt(x, y), x = T(1.3), y = T(0.4)));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(passes_on_a_loss_over_arrays, T, scalar_types) {
    const line_data<T> d;
    const auto loss = mean(pow(w * x + b - y, 2_c));
    BOOST_TEST(ctgrad::gradcheck(loss, ctgrad::wrt(w, b), w = T(0.5), b = T(0.1), x = d.xs, y = d.ys));
    // by an array too: every element of x, perturbed in a copy
    BOOST_TEST(ctgrad::gradcheck(loss, ctgrad::wrt(w, x, b), w = T(0.5), b = T(0.1), x = d.xs, y = d.ys));
    BOOST_TEST(ctgrad::gradcheck(sum(log1p(exp(w * x)) - y * w * x) / 16.0 + w * w, ctgrad::wrt(x, w), w = T(-0.3),
                                 x = d.xs, y = d.ys));
    BOOST_TEST(ctgrad::gradcheck(dot(x, y) * mean(sin(w * x)), ctgrad::wrt(w, y), w = T(0.8), x = d.xs, y = d.ys));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(passes_on_element_wise_expressions, T, scalar_types) {
    const line_data<T> d;
    BOOST_TEST(ctgrad::gradcheck(sin(x) * w + exp(x * 0.5) - abs(x) * cos(w), ctgrad::wrt(x, w), x = d.xs, w = T(1.25)));
    BOOST_TEST(ctgrad::gradcheck(x * y + sigmoid(x - y), ctgrad::wrt(y, x), x = d.xs, y = d.ys));
}

// The options: a large eps misses a curvature that the default sees nothing of.
BOOST_AUTO_TEST_CASE(options) {
    const auto f = x * x * x;
    BOOST_TEST(ctgrad::gradcheck(f, ctgrad::wrt(x), x = 1.0));
    BOOST_TEST(!ctgrad::gradcheck(f, ctgrad::wrt(x), {.eps = 0.1, .raise_exception = false}, x = 1.0));  // 3.01 vs 3
    BOOST_TEST(ctgrad::gradcheck(f, ctgrad::wrt(x), {.eps = 0.1, .atol = 0.02}, x = 1.0));
    const ctgrad::gradcheck_options loose{.eps = 0.1, .rtol = 0.01};
    BOOST_TEST(ctgrad::gradcheck(f, ctgrad::wrt(x), loose, x = 1.0));
}

// relu at 0: numerical 0.5, analytical 0. torch:
//   gradcheck(lambda w, x: w * torch.relu(x), (tensor(1.), tensor(0.)))  (float64, requires_grad)
BOOST_AUTO_TEST_CASE(fails_at_a_kink_of_a_number) {
    const auto f = relu(x) * w;
    BOOST_TEST(message_of([&] { ctgrad::gradcheck(f, ctgrad::wrt(w, x), w = 1.0, x = 0.0); }) ==
               "Jacobian mismatch for output 0 with respect to input 1,\n"
               "numerical:tensor([[0.5000]], dtype=torch.float64)\n"
               "analytical:tensor([[0.]], dtype=torch.float64)\n"
               "input 1 is the variable x: numerical 0.5, analytical 0; |analytical - numerical| = 0.5 > atol + rtol * "
               "|numerical| = 0.00051\n");
    BOOST_TEST(!ctgrad::gradcheck(f, ctgrad::wrt(w, x), {.raise_exception = false}, w = 1.0, x = 0.0));
    BOOST_TEST(ctgrad::gradcheck(f, ctgrad::wrt(w, x), w = 1.0, x = 0.25));
    BOOST_CHECK_THROW(ctgrad::gradcheck(f, ctgrad::wrt(x), w = 1.0, x = 0.0), ctgrad::error);  // a RuntimeError
}

// torch: gradcheck(lambda w, x: (torch.relu(x) * w).sum(), (tensor(1.), tensor([-1., 0., 2.])))
BOOST_AUTO_TEST_CASE(fails_at_a_kink_in_an_array) {
    const std::vector<double> xs{-1.0, 0.0, 2.0};
    BOOST_TEST(message_of([&] { ctgrad::gradcheck(sum(relu(x) * w), ctgrad::wrt(w, x), w = 1.0, x = xs); }) ==
               "Jacobian mismatch for output 0 with respect to input 1,\n"
               "numerical:tensor([[0.0000],\n"
               "        [0.5000],\n"
               "        [1.0000]], dtype=torch.float64)\n"
               "analytical:tensor([[0.],\n"
               "        [0.],\n"
               "        [1.]], dtype=torch.float64)\n"
               "input 1 is the variable x; first mismatch at x[1]: numerical 0.5, analytical 0; |analytical - "
               "numerical| = 0.5 > atol + rtol * |numerical| = 0.00051\n");
    // float data: the differences are taken in double; the analytical Jacobian prints as float32
    const std::vector<float> xf{-1.0f, 0.0f, 2.0f};
    const std::string m = message_of([&] { ctgrad::gradcheck(sum(relu(x) * w), ctgrad::wrt(w, x), w = 1.0f, x = xf); });
    BOOST_TEST(m.find("analytical:tensor([[0.],\n        [0.],\n        [1.]])\n") != std::string::npos, m);
    BOOST_TEST(m.find("first mismatch at x[1]: numerical 0.5, analytical 0;") != std::string::npos, m);
}

// An element-wise expression: a Jacobian with a column per element.
// torch: gradcheck(lambda w, x: torch.relu(x) * w, (tensor(1.), tensor([-1., 0., 1.])))
BOOST_AUTO_TEST_CASE(fails_element_wise) {
    const std::vector<double> xs{-1.0, 0.0, 1.0};
    BOOST_TEST(message_of([&] { ctgrad::gradcheck(relu(x) * w, ctgrad::wrt(w, x), w = 1.0, x = xs); }) ==
               "Jacobian mismatch for output 0 with respect to input 1,\n"
               "numerical:tensor([[0.0000, 0.0000, 0.0000],\n"
               "        [0.0000, 0.5000, 0.0000],\n"
               "        [0.0000, 0.0000, 1.0000]], dtype=torch.float64)\n"
               "analytical:tensor([[0., 0., 0.],\n"
               "        [0., 0., 0.],\n"
               "        [0., 0., 1.]], dtype=torch.float64)\n"
               "input 1 is the variable x; first mismatch at x[1], output element 1: numerical 0.5, analytical 0; "
               "|analytical - numerical| = 0.5 > atol + rtol * |numerical| = 0.00051\n");
}

// abs just right of its kink: the differences straddle it (0.1), the derivative is 1.
BOOST_AUTO_TEST_CASE(fails_next_to_a_kink) {
    const std::string m = message_of([&] { ctgrad::gradcheck(abs(x) + x * x, ctgrad::wrt(x), x = 1e-7); });
    BOOST_TEST(m.rfind("Jacobian mismatch for output 0 with respect to input 0,\nnumerical:tensor([[0.1000]], dtype=torch.float64)\n"
                       "analytical:tensor([[1.0000]], dtype=torch.float64)\n",
                       0) == 0,
               m);
}

// ---- tensors -----------------------------------------------------------------------------

// The tutorial's exercise 1: x * y + z, summed and not.
BOOST_AUTO_TEST_CASE(tensor_exercise1) {
    DoubleTensor xt = ctgrad::tensor<double>({1.0, 2.0, 3.0}, {.requires_grad = true});
    DoubleTensor yt = ctgrad::tensor<double>({4.0, 5.0, 6.0});
    DoubleTensor zt = ctgrad::tensor<double>({7.0, 8.0, 9.0}, {.requires_grad = true});
    const auto f = [](const DoubleTensor& a, const DoubleTensor& c, const DoubleTensor& e) { return (a * c + e).sum(); };
    BOOST_TEST(ctgrad::autograd::gradcheck(f, {xt, yt, zt}));
    BOOST_TEST(ctgrad::autograd::gradcheck([](const DoubleTensor& a, const DoubleTensor& c, const DoubleTensor& e) { return a * c + e; },
                                           {xt, yt, zt}));
    // the inputs are left as they were: no .grad, the same values
    BOOST_TEST(!xt.grad().defined());
    BOOST_TEST(!zt.grad().defined());
    BOOST_TEST(xt.values()[1] == 2.0);
    // their .grad too, when they have one
    f(xt, yt, zt).backward();
    BOOST_TEST(ctgrad::autograd::gradcheck(f, {xt, yt, zt}));
    BOOST_TEST(xt.grad().values()[2] == 6.0);
}

// Exercise 2, with the inputs in a std::vector.
BOOST_AUTO_TEST_CASE(tensor_exercise2_vector) {
    const std::vector<DoubleTensor> inputs{ctgrad::tensor<double>({1.0, 2.0, 3.0}, {.requires_grad = true}),
                                           ctgrad::tensor<double>({0.5, 1.5, -2.0}, {.requires_grad = true}),
                                           ctgrad::tensor<double>({0.1, 0.2, 0.3}, {.requires_grad = true})};
    BOOST_TEST(ctgrad::autograd::gradcheck([](const std::vector<DoubleTensor>& v) { return (v[0] * v[1] + v[2]).sum(); }, inputs));
}

// Exercise 3's loss, float64 and float32 (torch's float32 numbers: its float arithmetic).
BOOST_AUTO_TEST_CASE(tensor_exercise3) {
    ctgrad::manual_seed(0);
    const DoubleTensor xd = ctgrad::randn<double>({10, 1});
    const DoubleTensor yd = 2.0 * xd + 1.0;
    const DoubleTensor wd = ctgrad::randn<double>({1, 1}, {.requires_grad = true});
    const DoubleTensor bd = ctgrad::randn<double>({1, 1}, {.requires_grad = true});
    BOOST_TEST(ctgrad::autograd::gradcheck(
        [&](const DoubleTensor& wt, const DoubleTensor& bt) { return mean(pow(wt * xd + bt - yd, 2_c)); }, {wd, bd}));
    BOOST_TEST(ctgrad::autograd::gradcheck(
        [&](const DoubleTensor& wt, const DoubleTensor& bt) { return exp(wt) * sigmoid(bt * xd) / (1.0 + bt * bt); }, {wd, bd}));

    ctgrad::manual_seed(0);
    const Tensor xs = ctgrad::randn({10, 1});
    const Tensor ys = 2.0 * xs + 1.0;
    const Tensor wf = ctgrad::randn({1, 1}, {.requires_grad = true});
    const Tensor bf = ctgrad::randn({1, 1}, {.requires_grad = true});
    const auto loss = [&](const Tensor& wt, const Tensor& bt) { return mean(pow(wt * xs + bt - ys, 2_c)); };
    // torch: float32 with the default eps fails (and warns), as here
    BOOST_TEST(message_of([&] { ctgrad::autograd::gradcheck(loss, {wf, bf}); }) ==
               "Jacobian mismatch for output 0 with respect to input 0,\n"
               "numerical:tensor([[-6.1989]])\n"
               "analytical:tensor([[-5.8939]])\n");
    BOOST_TEST(ctgrad::autograd::gradcheck(loss, {wf, bf}, {.eps = 1e-3, .atol = 1e-3, .rtol = 1e-2}));
}

// A part autograd does not see: x * x.detach() has the gradient x, its differences 2x.
// torch: gradcheck(lambda a: (a * a.detach()).sum(), tensor([[1., -2.], [0.5, 3.]]))
BOOST_AUTO_TEST_CASE(tensor_fails_with_detach) {
    const DoubleTensor m = ctgrad::tensor<double>({{1.0, -2.0}, {0.5, 3.0}}, {.requires_grad = true});
    const auto f = [](const DoubleTensor& a) { return (a * a.detach()).sum(); };
    BOOST_TEST(message_of([&] { ctgrad::autograd::gradcheck(f, m); }) ==
               "Jacobian mismatch for output 0 with respect to input 0,\n"
               "numerical:tensor([[ 2.0000],\n"
               "        [-4.0000],\n"
               "        [ 1.0000],\n"
               "        [ 6.0000]], dtype=torch.float64)\n"
               "analytical:tensor([[ 1.0000],\n"
               "        [-2.0000],\n"
               "        [ 0.5000],\n"
               "        [ 3.0000]], dtype=torch.float64)\n");
    BOOST_TEST(!ctgrad::autograd::gradcheck(f, m, {.raise_exception = false}));
}

// torch: gradcheck(lambda a, b, c: (a * b + c * c.detach()).sum(), (x, y, z)) with y not
// requiring grad: z is input 1, counting the inputs that require grad.
BOOST_AUTO_TEST_CASE(tensor_input_index_counts_differentiable_inputs) {
    const DoubleTensor xt = ctgrad::tensor<double>({1.0, 2.0, 3.0}, {.requires_grad = true});
    const DoubleTensor yt = ctgrad::tensor<double>({4.0, 5.0, 6.0});
    const DoubleTensor zt = ctgrad::tensor<double>({7.0, 8.0, 9.0}, {.requires_grad = true});
    BOOST_TEST(message_of([&] {
                   ctgrad::autograd::gradcheck(
                       [](const DoubleTensor& a, const DoubleTensor& c, const DoubleTensor& e) { return (a * c + e * e.detach()).sum(); },
                       {xt, yt, zt});
               }) ==
               "Jacobian mismatch for output 0 with respect to input 1,\n"
               "numerical:tensor([[14.0000],\n"
               "        [16.0000],\n"
               "        [18.0000]], dtype=torch.float64)\n"
               "analytical:tensor([[7.],\n"
               "        [8.],\n"
               "        [9.]], dtype=torch.float64)\n");
}

// A non-scalar output: the Jacobian column by column (backward of one-hot grad_outputs).
// torch: gradcheck(lambda a: a * a.detach(), tensor([1., 2., 3.]))
BOOST_AUTO_TEST_CASE(tensor_fails_non_scalar) {
    const DoubleTensor xt = ctgrad::tensor<double>({1.0, 2.0, 3.0}, {.requires_grad = true});
    BOOST_TEST(message_of([&] { ctgrad::autograd::gradcheck([](const DoubleTensor& a) { return a * a.detach(); }, xt); }) ==
               "Jacobian mismatch for output 0 with respect to input 0,\n"
               "numerical:tensor([[2.0000, 0.0000, 0.0000],\n"
               "        [0.0000, 4.0000, 0.0000],\n"
               "        [0.0000, 0.0000, 6.0000]], dtype=torch.float64)\n"
               "analytical:tensor([[1., 0., 0.],\n"
               "        [0., 2., 0.],\n"
               "        [0., 0., 3.]], dtype=torch.float64)\n");
    // the identity: fn returns its input
    BOOST_TEST(ctgrad::autograd::gradcheck([](const DoubleTensor& a) { return a; }, xt));
}

// relu at 0, float32: torch's numbers, from float arithmetic (1 + 1e-6 rounds in the sum).
// torch: gradcheck(lambda a: torch.relu(a).sum(), tensor([0., 1.]))
BOOST_AUTO_TEST_CASE(tensor_float_relu_at_zero) {
    const Tensor xt = ctgrad::tensor({0.0, 1.0}, {.requires_grad = true});
    BOOST_TEST(message_of([&] { ctgrad::autograd::gradcheck([](const Tensor& a) { return relu(a).sum(); }, xt); }) ==
               "Jacobian mismatch for output 0 with respect to input 0,\n"
               "numerical:tensor([[0.4768],\n"
               "        [0.9835]])\n"
               "analytical:tensor([[0.],\n"
               "        [1.]])\n");
}

// No differentiable output: the numerical gradient must be zero.
BOOST_AUTO_TEST_CASE(tensor_no_differentiable_output) {
    const DoubleTensor xt = ctgrad::tensor<double>({1.0, 2.0}, {.requires_grad = true});
    const DoubleTensor c = ctgrad::tensor<double>({3.0, 4.0});
    BOOST_TEST(message_of([&] { ctgrad::autograd::gradcheck([](const DoubleTensor& a) { return a.detach() * 2.0; }, xt); }) ==
               "Numerical gradient for function expected to be zero");
    BOOST_TEST(ctgrad::autograd::gradcheck([&](const DoubleTensor&) { return c * 2.0; }, xt));
    // an input that requires grad and is not used: zero both ways
    BOOST_TEST(ctgrad::autograd::gradcheck([](const DoubleTensor& a, const DoubleTensor&) { return (a * 2.0).sum(); }, {xt, xt}));
}

// No input requires grad: torch's ValueError, whatever raise_exception says.
BOOST_AUTO_TEST_CASE(tensor_no_input_requires_grad) {
    const DoubleTensor c = ctgrad::tensor<double>({3.0, 4.0});
    const auto f = [](const DoubleTensor& a) { return a * a; };
    try {
        ctgrad::autograd::gradcheck(f, c);
        BOOST_ERROR("no exception");
    } catch (const ctgrad::value_error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "gradcheck expects at least one input tensor to require gradient, but none of the them have "
                   "requires_grad=True.");
    }
    BOOST_CHECK_THROW(ctgrad::autograd::gradcheck(f, c, {.raise_exception = false}), ctgrad::value_error);
}

BOOST_AUTO_TEST_SUITE_END()
