// float32 with float64 is float64, as PyTorch promotes: the float32 operand is converted
// (ToCopyBackward0) and its gradient converted back. Values from PyTorch 1.13.
#include <boost/test/unit_test.hpp>

#include <ctgrad/autograd/function.hpp>
#include <ctgrad/tensor.hpp>

#include <cmath>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace {

template <class T>
void check_values(const ctgrad::basic_tensor<T>& t, const std::vector<double>& want, double tol) {
    BOOST_TEST_REQUIRE(t.defined());
    const auto v = t.values();
    BOOST_TEST_REQUIRE(v.size() == want.size());
    for (std::size_t i = 0; i != v.size(); ++i) BOOST_TEST(std::abs(double(v[i]) - want[i]) <= tol, v[i] << " vs " << want[i]);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dtype_promotion)

BOOST_AUTO_TEST_CASE(float_with_double_is_double_and_differentiable) {
    ctgrad::Tensor x = ctgrad::tensor({1.5, -2.25}, {.requires_grad = true});
    ctgrad::DoubleTensor y = ctgrad::tensor<double>({0.1, 3.0}, {.requires_grad = true});
    auto e = x * y + ctgrad::exp(x) / y;
    static_assert(std::is_same_v<decltype(e)::value_type, double>);
    const ctgrad::DoubleTensor z = e;
    std::ostringstream os;
    os << z;
    BOOST_TEST(os.str() == "tensor([44.9669, -6.7149], dtype=torch.float64, grad_fn=<AddBackward0>)");
    ctgrad::sum(z).backward();
    check_values(x.grad(), {44.9169, 3.0351}, 1e-4);
    check_values(y.grad(), {-446.6689, -2.2617}, 1e-4);
    // autograd::grad by the float64 input does not need the conversion
    check_values(ctgrad::autograd::grad(ctgrad::sum(x * y), {y})[0], {1.5, -2.25}, 1e-12);
}

BOOST_AUTO_TEST_CASE(to_keeps_the_graph) {
    ctgrad::Tensor x = ctgrad::tensor({1.5, -2.25}, {.requires_grad = true});
    const ctgrad::DoubleTensor w = x.to<double>();
    BOOST_TEST(w.grad_fn().name() == "ToCopyBackward0");
    BOOST_TEST(w.grad_fn().next_functions()[0].function.name() == "torch::autograd::AccumulateGrad");
    const ctgrad::Tensor back = ctgrad::DoubleTensor(w * w).to<float>();
    ctgrad::sum(back).backward();
    check_values(x.grad(), {3.0, -4.5}, 1e-6);
}

BOOST_AUTO_TEST_CASE(autograd_grad_follows_conversions) {
    // values from PyTorch 1.13: a path through the other dtype adds to the gradient, and no
    // .grad changes
    ctgrad::DoubleTensor x = ctgrad::tensor<double>({1.0, 2.0, 3.0}, {.requires_grad = true});
    const ctgrad::DoubleTensor y = x * 2.0 + (x.to<float>() * 3.0f).to<double>();
    check_values(ctgrad::autograd::grad(ctgrad::DoubleTensor(y.sum()), {x})[0], {5.0, 5.0, 5.0}, 1e-12);
    BOOST_TEST(!x.grad().defined());
    ctgrad::Tensor w = ctgrad::tensor({1.0, 3.0}, {.requires_grad = true});
    const ctgrad::Tensor u = (w.to<double>() * w.to<double>()).to<float>().sum();
    check_values(ctgrad::autograd::grad(u, {w})[0], {2.0, 6.0}, 1e-6);
    BOOST_TEST(!w.grad().defined());
    const ctgrad::Tensor only_double = (w.to<double>() * 2.0).to<float>().sum();
    check_values(ctgrad::autograd::grad(only_double, {w})[0], {2.0, 2.0}, 1e-6);
}

BOOST_AUTO_TEST_SUITE_END()
