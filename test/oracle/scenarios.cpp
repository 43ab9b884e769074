// The C++ twin of test/oracle/scenarios.py: the same catalogue of small autograd scenarios,
// written with ctgrad's runtime Tensor, printing the same lines as the PyTorch script.
//
//     oracle_scenarios                    # every scenario, in order
//     oracle_scenarios grad_mul           # one scenario
//     oracle_scenarios 'error_*' print_nan_inf   # shell-style patterns
//     oracle_scenarios --list             # the names, one a line
//
// Each scenario translates its Python namesake statement by statement (same values, same
// operations): a Python name bound to a result is a Tensor (`Tensor z = x + y;`), a result
// used in place stays a lazy expression. Lines beginning with "# " are explanations, which
// test/oracle/compare.py ignores. Errors print as "<ExceptionType>: <first line>":
// ctgrad::error is PyTorch's RuntimeError, ctgrad::value_error its ValueError.
#include <ctgrad/nn.hpp>
#include <ctgrad/tensor.hpp>

#include <fnmatch.h>

#include <cstdio>
#include <exception>
#include <functional>
#include <initializer_list>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace ctgrad::literals;
using ctgrad::DoubleTensor;
using ctgrad::Tensor;
using ctgrad::print;

// ---- helpers (those of scenarios.py) --------------------------------------------------

/// show_error(e): "<ExceptionType>: <first line of the message>".
void show_error(std::string_view type, const std::exception& e) {
    const std::string message = e.what();
    print(std::string(type) + ":", message.substr(0, message.find('\n')));
}

/// Runs f and prints its error as Python names it.
template <class Fn>
void show_errors_of(Fn f) {
    try {
        f();
    } catch (const ctgrad::index_error& e) {
        show_error("IndexError", e);
    } catch (const ctgrad::value_error& e) {
        show_error("ValueError", e);
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
}

/// fn_name(t): the grad_fn's name, or None for a leaf / a tensor outside the graph.
std::string fn_name(const ctgrad::grad_fn& f) { return f ? f.name() : "None"; }

/// next_fns(t): [(name or None, input_nr), ...] as Python prints the list.
std::string next_fns(const ctgrad::grad_fn& f) {
    std::string s = "[";
    bool first = true;
    for (const auto& [function, input_nr] : f.next_functions()) {
        s += first ? "(" : ", (";
        s += function ? "'" + function.name() + "'" : std::string("None");
        s += ", " + std::to_string(input_nr) + ")";
        first = false;
    }
    return s + "]";
}

/// The catalogue's standard mixed-sign vector.
template <class T = float>
ctgrad::basic_tensor<T> vec(bool requires_grad = true) {
    return ctgrad::tensor<T>({0.5, 1.5, -2.0}, {.requires_grad = requires_grad});
}

/// A positive vector, for log / sqrt / pow 0.5.
template <class T = float>
ctgrad::basic_tensor<T> pos(bool requires_grad = true) {
    return ctgrad::tensor<T>({0.25, 1.0, 4.0}, {.requires_grad = requires_grad});
}

/// y = op(x); y.sum().backward(); prints y, its grad_fn name and x.grad.
template <class MakeX, class Op>
void unary_grad(MakeX make_x, Op op) {
    Tensor x = make_x();
    Tensor y = op(x);
    print(y);
    print(fn_name(y.grad_fn()));
    y.sum().backward();
    print(x.grad());
}

Tensor vec_default() { return vec(); }
Tensor pos_default() { return pos(); }
Tensor zero_middle() { return ctgrad::tensor({0.5, 0.0, -2.0}, {.requires_grad = true}); }

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

// ---------------------------------------------------------------------------
// Gradients of every op
// ---------------------------------------------------------------------------
void grad_add() {
    Tensor x = vec();
    Tensor y = ctgrad::tensor({1.0, 2.0, 3.0}, {.requires_grad = true});
    Tensor z = x + y;
    print(z);
    print(fn_name(z.grad_fn()));
    z.sum().backward();
    print(x.grad());
    print(y.grad());
}

void grad_sub() {
    Tensor x = vec();
    Tensor y = ctgrad::tensor({1.0, 2.0, 3.0}, {.requires_grad = true});
    Tensor z = x - y;
    print(z);
    print(fn_name(z.grad_fn()));
    z.sum().backward();
    print(x.grad());
    print(y.grad());
}

void grad_mul() {
    Tensor x = vec();
    Tensor y = ctgrad::tensor({4.0, 5.0, 6.0}, {.requires_grad = true});
    Tensor z = x * y;
    print(z);
    print(fn_name(z.grad_fn()));
    z.sum().backward();
    print(x.grad());
    print(y.grad());
}

void grad_div() {
    Tensor x = vec();
    Tensor y = ctgrad::tensor({4.0, -5.0, 8.0}, {.requires_grad = true});
    Tensor z = x / y;
    print(z);
    print(fn_name(z.grad_fn()));
    z.sum().backward();
    print(x.grad());
    print(y.grad());
}

void grad_neg() { unary_grad(vec_default, [](const Tensor& x) { return -x; }); }
void grad_pow2() { unary_grad(vec_default, [](const Tensor& x) { return ctgrad::pow(x, 2_c); }); }
void grad_pow3() { unary_grad(vec_default, [](const Tensor& x) { return x.pow(3_c); }); }
void grad_pow_half() { unary_grad(pos_default, [](const Tensor& x) { return ctgrad::pow(x, 0.5); }); }
void grad_exp() { unary_grad(vec_default, [](const Tensor& x) { return ctgrad::exp(x); }); }
void grad_log() { unary_grad(pos_default, [](const Tensor& x) { return ctgrad::log(x); }); }
void grad_sin() { unary_grad(vec_default, [](const Tensor& x) { return ctgrad::sin(x); }); }
void grad_cos() { unary_grad(vec_default, [](const Tensor& x) { return ctgrad::cos(x); }); }
void grad_tanh() { unary_grad(vec_default, [](const Tensor& x) { return ctgrad::tanh(x); }); }
void grad_sigmoid() { unary_grad(vec_default, [](const Tensor& x) { return ctgrad::sigmoid(x); }); }

void grad_relu() {
    print("# relu'(0) is 0");
    unary_grad(zero_middle, [](const Tensor& x) { return ctgrad::relu(x); });
}

void grad_sqrt() { unary_grad(pos_default, [](const Tensor& x) { return ctgrad::sqrt(x); }); }

void grad_abs() {
    print("# abs'(0) is 0 (sign(0))");
    unary_grad(zero_middle, [](const Tensor& x) { return ctgrad::abs(x); });
}

void grad_sum() {
    Tensor x = vec();
    Tensor s = x.sum();
    print(s);
    print(fn_name(s.grad_fn()));
    s.backward();
    print(x.grad());
}

void grad_mean() {
    Tensor x = vec();
    Tensor m = x.mean();
    print(m);
    print(fn_name(m.grad_fn()));
    m.backward();
    print(x.grad());
}

void grad_chain() {
    print("# a small composite: mean((w*x + b - y)**2)");
    Tensor w = ctgrad::tensor(0.5, {.requires_grad = true});
    Tensor b = ctgrad::tensor(-1.0, {.requires_grad = true});
    Tensor x = ctgrad::tensor({1.0, 2.0, 3.0});
    Tensor y = ctgrad::tensor({0.0, 1.0, 1.0});
    Tensor loss = ctgrad::pow(w * x + b - y, 2_c).mean();
    print(loss);
    loss.backward();
    print(w.grad());
    print(b.grad());
    print(w.grad().item(), b.grad().item());
}

// ---------------------------------------------------------------------------
// Accumulation, zero_, no_grad
// ---------------------------------------------------------------------------
void grad_accumulation() {
    Tensor x = vec();
    (x * x).sum().backward();
    print(x.grad());
    (x * 3.0).sum().backward();
    print(x.grad());
}

void grad_zero() {
    Tensor x = vec();
    (x * x).sum().backward();
    print(x.grad());
    Tensor g = x.grad();
    x.grad().zero_();
    print(x.grad());
    print(g);
    (x * 2.0).sum().backward();
    print(x.grad());
}

void no_grad_basic() {
    Tensor x = vec();
    print(ctgrad::is_grad_enabled());
    {
        ctgrad::no_grad guard;
        print(ctgrad::is_grad_enabled());
        Tensor y = x * 2.0;
        print(y);
        print(y.requires_grad(), y.is_leaf(), fn_name(y.grad_fn()));
    }
    print(ctgrad::is_grad_enabled());
    Tensor z = x * 2.0;
    print(z.requires_grad(), z.is_leaf(), fn_name(z.grad_fn()));
}

void no_grad_rebind() {
    print("# w = w - lr*grad under no_grad: a new tensor, leaf, no longer requires grad");
    Tensor w = vec();
    (w * w).sum().backward();
    print(w.grad());
    {
        ctgrad::no_grad guard;
        w = w - 0.1 * w.grad();
    }
    print(w);
    print(w.requires_grad(), w.is_leaf(), w.grad());
}

void no_grad_inplace() {
    print("# w -= lr*grad under no_grad: same leaf, still requires grad, grad kept");
    Tensor w = vec();
    (w * w).sum().backward();
    {
        ctgrad::no_grad guard;
        w -= 0.1 * w.grad();
    }
    print(w);
    print(w.requires_grad(), w.is_leaf(), fn_name(w.grad_fn()));
    print(w.grad());
    w.grad().zero_();
    (w * w).sum().backward();
    print(w.grad());
}

void no_grad_inplace_ops() {
    Tensor w = vec();
    {
        ctgrad::no_grad guard;
        w += 1.0;
        print(w);
        w *= 2.0;
        print(w);
        w -= ctgrad::tensor({1.0, 1.0, 1.0});
    }
    print(w);
    print(w.requires_grad(), w.is_leaf());
}

// ---------------------------------------------------------------------------
// Leaves, non-leaves, retain_grad, detach, requires_grad_, data, item
// ---------------------------------------------------------------------------
void nonleaf_grad_none() {
    print("# reading .grad of a non-leaf gives None (plus a UserWarning on stderr)");
    Tensor x = vec();
    Tensor y = x * 2.0;
    y.sum().backward();
    print(y.grad());
    print(x.grad());
}

void retain_grad() {
    Tensor x = vec();
    Tensor y = x * 2.0;
    y.retain_grad();
    Tensor z = (y * y).sum();
    z.backward();
    print(y.grad());
    print(x.grad());
    print(y.is_leaf(), y.requires_grad());
}

void backward_gradient() {
    Tensor x = vec();
    Tensor y = x * x;
    y.backward(ctgrad::tensor({1.0, 0.1, 0.01}));
    print(x.grad());
}

void backward_gradient_rank2() {
    Tensor x = ctgrad::tensor({{1.0, 2.0}, {3.0, 4.0}}, {.requires_grad = true});
    Tensor y = x * 3.0;
    y.backward(ctgrad::ones({2, 2}));
    print(x.grad());
}

void leaf_flags() {
    Tensor a = ctgrad::tensor({1.0, 2.0});
    Tensor b = ctgrad::tensor({1.0, 2.0}, {.requires_grad = true});
    print(a.is_leaf(), a.requires_grad(), a.grad(), fn_name(a.grad_fn()));
    print(b.is_leaf(), b.requires_grad(), b.grad(), fn_name(b.grad_fn()));
    Tensor c = a * 2.0;
    Tensor d = b * 2.0;
    print(c.is_leaf(), c.requires_grad(), fn_name(c.grad_fn()));
    print(d.is_leaf(), d.requires_grad(), fn_name(d.grad_fn()));
    Tensor e = a + b;
    print(e.is_leaf(), e.requires_grad(), fn_name(e.grad_fn()));
}

void detach_flags() {
    Tensor x = vec();
    Tensor y = x * 2.0;
    Tensor d = y.detach();
    print(d);
    print(d.is_leaf(), d.requires_grad(), fn_name(d.grad_fn()));
    Tensor dx = x.detach();
    print(dx);
    print(dx.is_leaf(), dx.requires_grad());
    print("# detach shares storage");
    {
        ctgrad::no_grad guard;
        dx *= 10.0;
    }
    print(x);
}

void requires_grad_inplace() {
    Tensor x = ctgrad::tensor({1.0, -1.0, 2.0});
    print(x.requires_grad());
    Tensor r = x.requires_grad_();
    print(x.requires_grad(), r.requires_grad(), x.is_leaf());
    print(x);
    (x * x).sum().backward();
    print(x.grad());
    x.requires_grad_(false);
    print(x.requires_grad());
    print(x);
}

void data_shares_storage() {
    Tensor x = vec();
    Tensor d = x.data();
    print(d);
    print(d.requires_grad(), d.is_leaf());
    d *= 2.0;
    print(x);
    d -= 1.0;
    print(x);
    print(x.requires_grad(), x.is_leaf());
}

void item_values() {
    Tensor a = ctgrad::tensor(2.5);
    print(a.item());
    Tensor b = ctgrad::tensor({0.1});
    print(b.item());
    DoubleTensor c = ctgrad::tensor<double>({0.1});
    print(c.item());
    Tensor x = vec();
    Tensor s = (x * x).sum();
    print(s.item());
    Tensor m = x.mean();
    print(m.item());
    print(ctgrad::tensor({{3.0}}).item());
}

// ---------------------------------------------------------------------------
// Broadcasting and Python scalars
// ---------------------------------------------------------------------------
void broadcast_1x1_4x1() {
    Tensor a = ctgrad::tensor({{2.0}}, {.requires_grad = true});
    Tensor b = ctgrad::tensor({{1.0}, {2.0}, {3.0}, {4.0}}, {.requires_grad = true});
    Tensor c = a * b;
    print(c);
    c.sum().backward();
    print(a.grad());
    print(b.grad());
}

void broadcast_0d_vector() {
    Tensor s = ctgrad::tensor(3.0, {.requires_grad = true});
    Tensor v = ctgrad::tensor({1.0, 2.0, 3.0}, {.requires_grad = true});
    Tensor c = s * v + s;
    print(c);
    c.sum().backward();
    print(s.grad());
    print(v.grad());
}

void python_scalars() {
    Tensor x = vec();
    const auto show = [](const Tensor& y) {
        print(y);
        print(fn_name(y.grad_fn()));
    };
    show(x + 1);
    show(1 + x);
    show(x - 1);
    show(2 - x);
    show(2 * x);
    show(x * 2);
    show(x / 2);
    show(1 / x);
    show(ctgrad::pow(x, 2_c));
    show(ctgrad::pow(2, x));
    print("# 1/x is reciprocal(x)*1: MulBackward0 over ReciprocalBackward0");
    print(next_fns((1 / x).grad_fn()));
    (1 / x + ctgrad::pow(2, x)).sum().backward();
    print(x.grad());
}

// ---------------------------------------------------------------------------
// grad_fn names and next_functions
// ---------------------------------------------------------------------------
void grad_fn_names() {
    Tensor x = vec();
    Tensor y = ctgrad::tensor({4.0, 5.0, 6.0}, {.requires_grad = true});
    print(fn_name(x.grad_fn()));
    const auto show = [](const Tensor& t) { print(fn_name(t.grad_fn())); };
    show(x + y);
    show(x - y);
    show(x * y);
    show(x / y);
    show(-x);
    show(ctgrad::pow(x, 2_c));
    show(ctgrad::pow(x, 0.5));
    show(x.pow(3_c));
    show(ctgrad::exp(x));
    show(ctgrad::log(x));
    show(ctgrad::sin(x));
    show(ctgrad::cos(x));
    show(ctgrad::tanh(x));
    show(ctgrad::sigmoid(x));
    show(ctgrad::relu(x));
    show(ctgrad::sqrt(x));
    show(ctgrad::abs(x));
    show(x.sum());
    show(x.mean());
}

void next_functions() {
    Tensor x = vec();
    Tensor y = ctgrad::tensor({4.0, 5.0, 6.0}, {.requires_grad = true});
    Tensor c = ctgrad::tensor({1.0, 1.0, 1.0});
    Tensor z = x * y;
    print(next_fns(z.grad_fn()));
    Tensor w = z + c;
    print(next_fns(w.grad_fn()));
    Tensor s = w.sum();
    print(next_fns(s.grad_fn()));
    print(next_fns((x * 2.0).grad_fn()));
    print(next_fns((-x).grad_fn()));
    print(next_fns(ctgrad::exp(x).grad_fn()));
    print(next_fns((c * x).grad_fn()));
}

// ---------------------------------------------------------------------------
// Ranks and dtypes
// ---------------------------------------------------------------------------
void rank0() {
    Tensor x = ctgrad::tensor(2.0, {.requires_grad = true});
    print(x);
    Tensor y = x * x * x;
    print(y);
    y.backward();
    print(x.grad());
    print(x.grad().item());
}

void rank2_grad() {
    Tensor x = ctgrad::tensor({{1.0, -2.0, 3.0}, {0.5, 0.25, -4.0}}, {.requires_grad = true});
    Tensor y = (x * x).sum();
    print(y);
    y.backward();
    print(x.grad());
    Tensor m = ctgrad::tensor({{1.0, 2.0}, {3.0, 4.0}}, {.requires_grad = true});
    Tensor n = m.mean();
    n.backward();
    print(m.grad());
}

void float64_grad() {
    DoubleTensor x = vec<double>();
    print(x);
    DoubleTensor y = ctgrad::exp(x) * x;
    print(y);
    y.sum().backward();
    print(x.grad());
    print(y.sum().item());
}

void float64_mixed_python_scalar() {
    DoubleTensor x = ctgrad::tensor<double>({1.0, 2.0}, {.requires_grad = true});
    DoubleTensor y = x / 3;
    print(y);
    print(y.sum().item());
    DoubleTensor z = ctgrad::tensor<double>({1.0, 2.0}) * 0.1;
    print(z);
    print(z.sum().item());
}

// ---------------------------------------------------------------------------
// Errors (exact messages, first line only)
// ---------------------------------------------------------------------------
void error_backward_nonscalar() {
    Tensor x = vec();
    Tensor y = x * 2.0;
    try {
        y.backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
}

void error_no_grad_fn() {
    Tensor x = ctgrad::tensor({1.0, 2.0});
    Tensor s = x.sum();
    try {
        s.backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    x = vec();
    {
        ctgrad::no_grad guard;
        s = (x * x).sum();
    }
    try {
        s.backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
}

void error_inplace_leaf() {
    Tensor x = vec();
    try {
        x -= 1.0;
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    print(x);
    try {
        x *= 2.0;
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    print(x);
}

void error_backward_twice() {
    Tensor x = vec();
    Tensor y = ctgrad::tensor({4.0, 5.0, 6.0}, {.requires_grad = true});
    Tensor s = (x * y).sum();
    s.backward();
    print(x.grad());
    try {
        s.backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    print(x.grad());
}

void error_version_counter() {
    print("# a saved leaf modified under no_grad");
    Tensor x = vec();
    Tensor y = ctgrad::tensor({4.0, 5.0, 6.0}, {.requires_grad = true});
    Tensor z = x * y;
    {
        ctgrad::no_grad guard;
        y += 1.0;
    }
    try {
        z.sum().backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    print("# a saved non-leaf modified in place");
    Tensor a = x * 2.0;
    Tensor b = a * a;
    a += 1.0;
    try {
        b.sum().backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    print("# float64");
    DoubleTensor u = vec<double>();
    DoubleTensor v = ctgrad::exp(u);
    v *= 2.0;
    try {
        v.sum().backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
}

void error_item_multi() {
    print("# a ValueError, not a RuntimeError");
    try {
        (void)ctgrad::tensor({1.0, 2.0, 3.0}).item();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    } catch (const ctgrad::value_error& e) {
        show_error("ValueError", e);
    }
}

void error_broadcast_mismatch() {
    try {
        (void)(ctgrad::ones({3}) + ctgrad::ones({4}));
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    try {
        (void)(ctgrad::ones({2, 3}) * ctgrad::ones({3, 2}));
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
}

// ---------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------
void print_integers() {
    print(ctgrad::tensor({1.0, 2.0, 3.0}));
    print(ctgrad::tensor({-1.0, 0.0, 100.0}));
    print(ctgrad::tensor(56.0));
    print(ctgrad::zeros({3}));
    print(ctgrad::ones({2, 2}));
    print(ctgrad::tensor({123456.0, 7.0}));
}

void print_mixed_signs() {
    print(ctgrad::tensor({0.5, -1.25, 3.0}));
    print(ctgrad::tensor({-0.0, 0.1, -0.1234567}));
    print(ctgrad::tensor({1.0, -10.5, 100.25, -1000.125}));
    print(ctgrad::tensor(-0.5));
}

void print_sci_small() {
    print(ctgrad::tensor({1e-5, 2e-5, 3e-5}));
    print(ctgrad::tensor({1e-5, -1.0}));
    print(ctgrad::tensor(1e-5));
}

void print_sci_large() {
    print(ctgrad::tensor({1e9, 2.5e9}));
    print(ctgrad::tensor({1e9, 1.0}));
    print(ctgrad::tensor(1e9));
}

void print_sci_mixed() {
    print(ctgrad::tensor({1e-3, 1e4}));
    print(ctgrad::tensor({1e-3, 1e3}));
    print(ctgrad::tensor({1e-4, 1.0, 1e4}));
    print(ctgrad::tensor({0.001, 0.01, 0.1}));
}

void print_nan_inf() {
    print(ctgrad::tensor({nan, inf, -inf, 1.0}));
    print(ctgrad::tensor({nan, 0.5}));
    print(ctgrad::tensor({inf, 1e-5}));
    print(ctgrad::tensor(nan));
    print(ctgrad::tensor({1.0, 2.0}) / ctgrad::tensor({0.0, 0.0}));
    print(ctgrad::log(ctgrad::tensor({-1.0})));
}

void print_long_wrap() {
    print(ctgrad::arange(30) / 7);
    print(ctgrad::arange(20));
    print(ctgrad::arange(30) * 1e5);
}

void print_matrix() {
    print(ctgrad::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}));
    print(ctgrad::tensor({{0.5, -1.5}, {1e-5, 2.0}}));
    print(ctgrad::zeros({2, 3}));
    print(ctgrad::tensor({{1.0}, {2.0}}));
    print((ctgrad::arange(24) / 7).pow(2_c) - 10);
}

void print_float64() {
    print(ctgrad::tensor<double>({1.0, 2.0}));
    print(ctgrad::tensor<double>({0.1, 0.2, 0.3}));
    print(ctgrad::tensor<double>(1.5));
    print(ctgrad::tensor<double>({{1e-5, 1.0}, {2.0, 3.0}}));
    print(ctgrad::tensor<double>({1.0, 2.0}, {.requires_grad = true}));
    print(ctgrad::zeros<double>({2}));
}

void print_requires_grad() {
    print(ctgrad::tensor({1.0, 2.0, 3.0}, {.requires_grad = true}));
    print(ctgrad::tensor(0.5, {.requires_grad = true}));
    print(ctgrad::tensor({{1.0, 2.0}, {3.0, 4.0}}, {.requires_grad = true}));
    print(Tensor(ctgrad::arange(30) / 7).requires_grad_());
    print(ctgrad::tensor({1e-5, 1.0}, {.requires_grad = true}));
}

void print_grad_fn() {
    Tensor x = vec();
    print(x * 2.0);
    print((x * x).sum());
    print(x.mean());
    print(ctgrad::tensor({{1.0, 2.0}, {3.0, 4.0}}, {.requires_grad = true}) + 1);
    print(vec<double>() * 2.0);
    print(ctgrad::arange(30).requires_grad_() / 7);
}

// ---------------------------------------------------------------------------
// randn
// ---------------------------------------------------------------------------
void randn_seed(std::uint64_t seed) {
    for (std::size_t n : {5, 16, 17, 40}) {
        ctgrad::manual_seed(seed);
        print(ctgrad::randn({n}));
    }
}

void randn_seed0() { randn_seed(0); }
void randn_seed1() { randn_seed(1); }
void randn_seed42() { randn_seed(42); }

void randn_rank2() {
    ctgrad::manual_seed(0);
    print(ctgrad::randn({10, 1}));
    ctgrad::manual_seed(0);
    print(ctgrad::randn({3, 4}));
    ctgrad::manual_seed(42);
    print(ctgrad::randn({3, 4}));
}

void randn_float64() {
    for (std::uint64_t seed : {0, 1, 42}) {
        for (std::size_t n : {5, 16, 17}) {
            ctgrad::manual_seed(seed);
            print(ctgrad::randn<double>({n}));
        }
    }
    ctgrad::manual_seed(0);
    print(ctgrad::randn<double>({3, 4}));
}

void randn_consecutive() {
    print("# two draws after one seed continue the stream");
    ctgrad::manual_seed(0);
    print(ctgrad::randn({3}));
    print(ctgrad::randn({3}));
    ctgrad::manual_seed(0);
    print(ctgrad::randn({6}));
}

void randn_requires_grad() {
    ctgrad::manual_seed(0);
    Tensor w = ctgrad::randn({3}).requires_grad_();
    print(w);
    (w * w).sum().backward();
    print(w.grad());
}

// ---------------------------------------------------------------------------
// The graph engine across materialised tensors
// ---------------------------------------------------------------------------
void graph_diamond() {
    Tensor x = vec();
    Tensor a = x * 2.0;
    Tensor b = a * a + a;
    print(b);
    print(fn_name(b.grad_fn()));
    print(next_fns(b.grad_fn()));
    b.sum().backward();
    print(x.grad());
}

void graph_shared_nonleaf() {
    Tensor x = vec();
    Tensor a = ctgrad::exp(x);
    Tensor b = a * 3.0;
    Tensor c = a * a;
    (b + c).sum().backward();
    print(x.grad());
    print("# a sum saves nothing: two passes through x + 1");
    Tensor u = x + 1.0;
    Tensor v = u * 3.0;
    Tensor w = u * 2.0;
    v.sum().backward();
    print(x.grad());
    w.sum().backward();
    print(x.grad());
    print("# exp saves its result, freed by the first pass");
    Tensor p = ctgrad::exp(x);
    Tensor q = p * 3.0;
    Tensor r = p * 2.0;
    q.sum().backward();
    print(x.grad());
    try {
        r.sum().backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    print(x.grad());
}

void retain_grad_used_twice() {
    Tensor x = vec();
    Tensor a = x * x;
    a.retain_grad();
    Tensor b = a * 2.0;
    Tensor c = a * a;
    (b + c).sum().backward();
    print(a.grad());
    print(x.grad());
    print(a.retains_grad(), b.retains_grad());
}

void retain_grad_second_pass() {
    print("# a retained grad is replaced (grad + new), a leaf's grad accumulates in place");
    Tensor x = vec();
    Tensor a = x * x;
    a.retain_grad();
    Tensor s = (a * 2.0).sum();
    s.backward(true);
    Tensor g = a.grad();
    Tensor h = x.grad();
    s.backward();
    print(a.grad());
    print(g);
    print(x.grad());
    print(h);
}

void retain_graph_three_times() {
    Tensor x = vec();
    Tensor a = x * x;
    Tensor s = (a * 3.0).sum();
    s.backward(true);
    print(x.grad());
    s.backward(true);
    print(x.grad());
    s.backward();
    print(x.grad());
    try {
        s.backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    print(x.grad());
}

void backward_twice_sums_only() {
    Tensor x = vec();
    Tensor y = ctgrad::tensor({4.0, 5.0, 6.0}, {.requires_grad = true});
    Tensor a = x - y;
    Tensor s = (a + x).sum();
    s.backward();
    s.backward();
    print(x.grad());
    print(y.grad());
    print("# a product below the sum: the second pass raises, after x's direct gradient");
    Tensor b = x * y;
    Tensor t = (b + x).sum();
    t.backward();
    print(x.grad());
    try {
        t.backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    print(x.grad());
    print(y.grad());
}

// ---------------------------------------------------------------------------
// In-place operations and the version counter
// ---------------------------------------------------------------------------
void inplace_nonleaf_recorded() {
    Tensor x = vec();
    Tensor a = x * 2.0;
    a += 1.0;
    print(a);
    print(fn_name(a.grad_fn()), a.is_leaf(), a.version());
    print(next_fns(a.grad_fn()));
    a *= 3.0;
    print(a);
    print(next_fns(a.grad_fn()));
    a.sum().backward();
    print(x.grad());
    print("# an in-place op with a tensor that requires grad makes a non-leaf");
    Tensor c = ctgrad::tensor({1.0, 2.0, 3.0});
    c += x;
    print(c);
    print(c.requires_grad(), c.is_leaf(), fn_name(c.grad_fn()));
    print(next_fns(c.grad_fn()));
    c.sum().backward();
    print(x.grad());
}

void inplace_self_alias() {
    Tensor x = vec();
    Tensor a = x * 2.0;
    a += a;
    print(a);
    a.sum().backward();
    print(x.grad());
    print("# b *= b: mul_ saved b as its other operand before bumping its version");
    Tensor b = x * 2.0;
    b *= b;
    print(b);
    try {
        b.sum().backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    print("# c *= c.detach(): the detached tensor shares the version counter");
    Tensor c = x * 2.0;
    c *= c.detach();
    print(c);
    try {
        c.sum().backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    print(x.grad());
}

void inplace_no_grad_saved() {
    Tensor x = vec();
    Tensor a = x * 2.0;
    Tensor b = a * a;
    {
        ctgrad::no_grad guard;
        a += 1.0;
    }
    print(a);
    print(a.requires_grad(), a.is_leaf(), a.version());
    try {
        b.sum().backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    print("# exp saves its result");
    Tensor u = ctgrad::exp(x);
    {
        ctgrad::no_grad guard;
        u *= 2.0;
    }
    print(u);
    try {
        u.sum().backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    print(x.grad());
}

void detach_version_shared() {
    Tensor x = vec();
    Tensor a = ctgrad::exp(x);
    Tensor d = a.detach();
    d += 1.0;
    print(a);
    print(a.version(), d.version());
    try {
        a.sum().backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    Tensor y = vec();
    Tensor z = y * y;
    Tensor dy = y.detach();
    dy *= 2.0;
    print(y);
    print(y.version(), dy.version());
    try {
        z.sum().backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    print(y.grad());
}

void data_untracked() {
    Tensor x = vec();
    Tensor a = x * x;
    Tensor d = x.data();
    d *= 2.0;
    print(x);
    print(x.version(), d.version());
    a.sum().backward();
    print(a);
    print(x.grad());
}

// ---------------------------------------------------------------------------
// .grad, requires_grad_, accumulation
// ---------------------------------------------------------------------------
void set_grad_none() {
    Tensor x = vec();
    (x * x).sum().backward();
    Tensor g = x.grad();
    print(g);
    x.set_grad({});
    print(x.grad());
    (x * 3.0).sum().backward();
    print(x.grad());
    print(g);
}

void requires_grad_then_use() {
    Tensor x = ctgrad::tensor({1.0, -1.0, 2.0});
    Tensor y = x * 2.0;
    x.requires_grad_();
    print(y.requires_grad(), y.is_leaf());
    Tensor z = x * y;
    print(fn_name(z.grad_fn()), next_fns(z.grad_fn()));
    z.sum().backward();
    print(x.grad());
    try {
        z.requires_grad_(false);
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    try {
        y.retain_grad();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
}

void broadcast_1x1_accumulate() {
    Tensor w = ctgrad::tensor({{0.5}}, {.requires_grad = true});
    Tensor x = ctgrad::tensor({{0.1}, {0.2}, {0.3}, {0.7}, {1.1}});
    for (int step = 0; step != 3; ++step) {
        Tensor loss = ctgrad::pow(w * x - 1.0, 2_c).mean();
        loss.backward();
        print(loss.item(), w.grad(), w.grad().item());
    }
}

// ---------------------------------------------------------------------------
// Ops through the engine
// ---------------------------------------------------------------------------
void float64_engine() {
    DoubleTensor x = ctgrad::tensor<double>({0.1, 0.7, -1.3}, {.requires_grad = true});
    DoubleTensor a = x * x;
    DoubleTensor b = ctgrad::exp(a) + a;
    DoubleTensor c = b * x;
    DoubleTensor s = c.sum();
    print(s);
    s.backward();
    print(x.grad());
    print(s.item());
}

void mean_2d_grad() {
    Tensor x = ctgrad::tensor({{1.0, -2.0, 3.0}, {0.5, 0.25, -4.0}}, {.requires_grad = true});
    Tensor a = x * x;
    Tensor m = a.mean();
    print(m);
    print(fn_name(m.grad_fn()));
    m.backward();
    print(x.grad());
    (x * 3.0).mean().backward();
    print(x.grad());
}

void unary_chain() {
    Tensor x = vec();
    Tensor y = ctgrad::exp(ctgrad::sin(x));
    print(y);
    print(fn_name(y.grad_fn()), next_fns(y.grad_fn()));
    y.sum().backward();
    print(x.grad());
    Tensor u = ctgrad::tensor({0.3, -0.8, 1.7}, {.requires_grad = true});
    Tensor v = ctgrad::tanh(ctgrad::log(ctgrad::sigmoid(ctgrad::cos(u))));
    print(v);
    v.sum().backward();
    print(u.grad());
    print(u.grad().sum().item());
}

void pow_tensor_exponent() {
    Tensor x = ctgrad::tensor({0.3, 1.7, 2.5}, {.requires_grad = true});
    Tensor p = ctgrad::tensor({2.0, 0.5, -1.5}, {.requires_grad = true});
    Tensor y = ctgrad::pow(x, p);
    print(y);
    print(fn_name(y.grad_fn()), next_fns(y.grad_fn()));
    y.sum().backward();
    print(x.grad());
    print(p.grad());
    print(x.grad().sum().item(), p.grad().sum().item());
}

void sub_rsub_neg() {
    Tensor x = vec();
    Tensor y = ctgrad::tensor({4.0, 5.0, 6.0}, {.requires_grad = true});
    Tensor z = 1.0 - (x - y);
    print(z);
    print(fn_name(z.grad_fn()), next_fns(z.grad_fn()));
    Tensor w = -(2.0 - x) - y;
    print(w);
    print(fn_name(w.grad_fn()), next_fns(w.grad_fn()));
    (z * w).sum().backward();
    print(x.grad());
    print(y.grad());
}

void div_broadcast_0d() {
    Tensor s = ctgrad::tensor(3.0, {.requires_grad = true});
    Tensor v = ctgrad::tensor({1.0, 2.0, 5.0}, {.requires_grad = true});
    Tensor y = v / s;
    print(y);
    y.sum().backward();
    print(s.grad());
    print(v.grad());
    Tensor z = s / v;
    print(z);
    z.sum().backward();
    print(s.grad());
    print(v.grad());
}

void backward_gradient_intermediate() {
    Tensor x = vec();
    Tensor a = x * x;
    Tensor b = a * 2.0;
    b.backward(ctgrad::tensor({1.0, 0.5, 0.25}), true);
    print(x.grad());
    a.backward(ctgrad::tensor({1.0, 1.0, 1.0}));
    print(x.grad());
    try {
        b.backward(ctgrad::tensor({1.0, 0.5, 0.25}));
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    print(x.grad());
}

void item_1x1() {
    Tensor a = ctgrad::tensor({{2.5}}, {.requires_grad = true});
    Tensor y = a * a;
    print(y);
    print(y.item());
    y.backward();
    print(a.grad());
    print(a.grad().item());
    print((a * 3.0).sum().item());
    Tensor z = ctgrad::tensor({{0.1}}) * 3.0;
    print(z.item());
}

void grad_negative_zero() {
    print("# relu'(x) is 0 where x <= 0, and NegBackward0 makes it -0");
    Tensor x = ctgrad::tensor({0.5, 0.0, -2.0}, {.requires_grad = true});
    Tensor y = ctgrad::relu(-x);
    y.sum().backward();
    print(x.grad());
    Tensor u = ctgrad::tensor({0.0, 1.0}, {.requires_grad = true});
    (-(u * u)).sum().backward();
    print(u.grad());
}

// ---------------------------------------------------------------------------
// Gradients at the edges: zero bases, tiny divisors, masks under inf/nan, far tails
// ---------------------------------------------------------------------------
void edge_pow_zero_base() {
    print("# d/dx x**y is 0 where y == 0; d/dy is 0 where x == 0 and y >= 0");
    Tensor x = ctgrad::tensor({0.0, 0.0, 0.0, 0.0, 0.0, 2.0}, {.requires_grad = true});
    Tensor y = ctgrad::tensor({-1.0, 0.0, 0.5, 1.0, 2.0, 0.0}, {.requires_grad = true});
    Tensor z = ctgrad::pow(x, y);
    print(z);
    z.sum().backward();
    print(x.grad());
    print(y.grad());
    print("# d/dx selects 0 whatever flows in; d/dy multiplies what flows in");
    Tensor u = ctgrad::tensor({0.0, 0.0, 1.0}, {.requires_grad = true});
    Tensor v = ctgrad::tensor({0.0, 2.0, 0.0}, {.requires_grad = true});
    Tensor w = ctgrad::pow(u, v);
    w.backward(ctgrad::tensor({inf, inf, inf}));
    print(u.grad());
    print(v.grad());
    print("# a number base 0: PowBackward1");
    Tensor p = ctgrad::tensor({-1.0, 0.0, 0.5, 2.0}, {.requires_grad = true});
    Tensor q = ctgrad::pow(0.0, p);
    print(q);
    print(fn_name(q.grad_fn()));
    q.sum().backward();
    print(p.grad());
    print("# float64");
    DoubleTensor a = ctgrad::tensor<double>({0.0, 0.0, 0.0}, {.requires_grad = true});
    DoubleTensor b = ctgrad::tensor<double>({0.0, 0.5, 3.0}, {.requires_grad = true});
    ctgrad::pow(a, b).sum().backward();
    print(a.grad());
    print(b.grad());
}

void edge_pow_zero_exponent() {
    print("# a power 0 has the gradient +0, also at a zero base and whatever flows in");
    Tensor x = ctgrad::tensor({0.0, 2.0}, {.requires_grad = true});
    Tensor y = x.pow(0_c);
    print(y);
    print(fn_name(y.grad_fn()));
    y.sum().backward();
    print(x.grad());
    Tensor u = ctgrad::tensor({0.0, 2.0}, {.requires_grad = true});
    ctgrad::pow(u, 0.0).sum().backward();
    print(u.grad());
    Tensor v = ctgrad::tensor({0.0, 2.0}, {.requires_grad = true});
    ctgrad::pow(v, 0.0).backward(ctgrad::tensor({inf, nan}));
    print(v.grad());
    Tensor r = ctgrad::tensor({0.0, 2.0}, {.requires_grad = true});
    ctgrad::pow(r, 0.5).sum().backward();
    print(r.grad());
}

void edge_div_tiny() {
    print("# d(a/b)/db is -(a/b)/b: no overflow of b**2");
    DoubleTensor a = ctgrad::tensor<double>({1e-200}, {.requires_grad = true});
    DoubleTensor b = ctgrad::tensor<double>({1e-200}, {.requires_grad = true});
    (a / b).sum().backward();
    print(a.grad());
    print(b.grad());
    print(a.grad().item(), b.grad().item());
    Tensor p = ctgrad::tensor({1e-25, 3.0}, {.requires_grad = true});
    Tensor q = ctgrad::tensor({1e-25, 7.0}, {.requires_grad = true});
    (p / q).sum().backward();
    print(p.grad());
    print(q.grad());
    print("# the rounding of g / b and -g * ((a / b) / b)");
    Tensor s = ctgrad::tensor({1.5}, {.requires_grad = true});
    Tensor t = ctgrad::tensor({1.1}, {.requires_grad = true});
    ((s / t) * 3.0).sum().backward();
    print(s.grad().item(), t.grad().item());
}

void edge_relu_mask() {
    print("# relu passes nothing where x <= 0, whatever flows in: a select, not a product");
    Tensor x = ctgrad::tensor({-1.0, 0.0, 2.0}, {.requires_grad = true});
    ctgrad::sqrt(ctgrad::relu(x)).sum().backward();
    print(x.grad());
    Tensor u = ctgrad::tensor({-1.0, 0.0, 2.0}, {.requires_grad = true});
    ctgrad::relu(u).backward(ctgrad::tensor({inf, nan, inf}));
    print(u.grad());
    print("# +0 where masked, also under a negative gradient");
    Tensor v = ctgrad::tensor({-1.0, 0.0, 2.0}, {.requires_grad = true});
    ctgrad::relu(v).backward(ctgrad::tensor({-1.0, -1.0, -1.0}));
    print(v.grad());
    print("# relu(nan) is nan, and its gradient passes");
    Tensor w = ctgrad::tensor({nan, -1.0, 2.0}, {.requires_grad = true});
    Tensor r = ctgrad::relu(w);
    print(r);
    r.sum().backward();
    print(w.grad());
    print("# abs multiplies by sign(x): nan at 0 under an infinite gradient");
    Tensor a = ctgrad::tensor({-1.0, 0.0, 2.0}, {.requires_grad = true});
    ctgrad::sqrt(ctgrad::abs(a)).sum().backward();
    print(a.grad());
}

void edge_sigmoid_tails() {
    print("# sigmoid is 1 / (1 + exp(-x)): exactly 0 once exp(-x) overflows");
    Tensor x = ctgrad::tensor({-100.0, -90.0, -88.72, 0.0, 3.0}, {.requires_grad = true});
    Tensor s = ctgrad::sigmoid(x);
    print(s);
    s.sum().backward();
    print(x.grad());
    Tensor u = ctgrad::tensor({-100.0, -90.0, 0.0, 3.0}, {.requires_grad = true});
    Tensor t = ctgrad::sigmoid(u);
    print(t);
    t.sum().backward();
    print(u.grad());
    DoubleTensor d = ctgrad::tensor<double>({-709.78, -709.79, -745.0, 0.0}, {.requires_grad = true});
    DoubleTensor e = ctgrad::sigmoid(d);
    print(e);
    e.sum().backward();
    print(d.grad());
    print(ctgrad::sigmoid(ctgrad::tensor<double>(-800.0)).item(), ctgrad::sigmoid(ctgrad::tensor(40.0)).item());
}

// ---------------------------------------------------------------------------
// Inverse trigonometric, hyperbolic and special functions
// ---------------------------------------------------------------------------
/// A vector inside (-1, 1), for asin / acos / atanh.
template <class T = float>
ctgrad::basic_tensor<T> mid(bool requires_grad = true) {
    return ctgrad::tensor<T>({0.5, -0.25, 0.9}, {.requires_grad = requires_grad});
}

/// A vector above 1, for acosh.
template <class T = float>
ctgrad::basic_tensor<T> above1(bool requires_grad = true) {
    return ctgrad::tensor<T>({1.5, 2.0, 4.0}, {.requires_grad = requires_grad});
}

Tensor mid_default() { return mid(); }
Tensor above1_default() { return above1(); }

/// z = op(x, y); z.sum().backward(); prints z, its grad_fn name, x.grad and y.grad.
template <class T, class Op>
void binary_grad(const ctgrad::basic_tensor<T>& x, const ctgrad::basic_tensor<T>& y, Op op) {
    ctgrad::basic_tensor<T> z = op(x, y);
    print(z);
    print(fn_name(z.grad_fn()));
    z.sum().backward();
    print(x.grad());
    print(y.grad());
}

/// Items to 15 significant digits: torch's kernels (SLEEF's acos, its erf and log10 backward
/// formulas) and the standard library's may differ in the last bit of a double.
void print_g15(std::initializer_list<double> values) {
    const char* sep = "";
    for (double v : values) {
        std::printf("%s%.15g", sep, v);
        sep = " ";
    }
    std::printf("\n");
    std::fflush(stdout);
}

/// unary_grad on a given x, then the sums of the value and of the gradient as items.
template <class T, class Op>
void unary_grad_item(const ctgrad::basic_tensor<T>& x, Op op) {
    ctgrad::basic_tensor<T> y = op(x);
    print(y);
    print(fn_name(y.grad_fn()));
    y.sum().backward();
    print(x.grad());
    print_g15({y.sum().item(), x.grad().sum().item()});
}

/// A user's op, the twin of torch.nn.functional.softplus (below its threshold 20).
struct softplus_op : ctgrad::function_op<"softplus"> {
    template <class T> static T value(T a) {
        using std::exp;
        using std::log1p;
        return log1p(exp(a));
    }
    template <class A, class R> static constexpr auto partial(const A& a, const R&) { return ctgrad::sigmoid(a); }
};

void grad_atan() { unary_grad(vec_default, [](const Tensor& x) { return ctgrad::atan(x); }); }
void grad_asin() { unary_grad(mid_default, [](const Tensor& x) { return ctgrad::asin(x); }); }
void grad_acos() { unary_grad(mid_default, [](const Tensor& x) { return ctgrad::acos(x); }); }
void grad_sinh() { unary_grad(vec_default, [](const Tensor& x) { return ctgrad::sinh(x); }); }
void grad_cosh() { unary_grad(vec_default, [](const Tensor& x) { return ctgrad::cosh(x); }); }
void grad_asinh() { unary_grad(vec_default, [](const Tensor& x) { return ctgrad::asinh(x); }); }
void grad_acosh() { unary_grad(above1_default, [](const Tensor& x) { return ctgrad::acosh(x); }); }
void grad_atanh() { unary_grad(mid_default, [](const Tensor& x) { return ctgrad::atanh(x); }); }
void grad_erf() { unary_grad(vec_default, [](const Tensor& x) { return ctgrad::erf(x); }); }
void grad_erfc() { unary_grad(vec_default, [](const Tensor& x) { return ctgrad::erfc(x); }); }
void grad_log2() { unary_grad(pos_default, [](const Tensor& x) { return ctgrad::log2(x); }); }
void grad_log10() { unary_grad(pos_default, [](const Tensor& x) { return ctgrad::log10(x); }); }

void float64_special_unary() {
    unary_grad_item(vec<double>(), [](const DoubleTensor& x) { return ctgrad::atan(x); });
    unary_grad_item(mid<double>(), [](const DoubleTensor& x) { return ctgrad::asin(x); });
    unary_grad_item(mid<double>(), [](const DoubleTensor& x) { return ctgrad::acos(x); });
    unary_grad_item(vec<double>(), [](const DoubleTensor& x) { return ctgrad::sinh(x); });
    unary_grad_item(vec<double>(), [](const DoubleTensor& x) { return ctgrad::cosh(x); });
    unary_grad_item(vec<double>(), [](const DoubleTensor& x) { return ctgrad::asinh(x); });
    unary_grad_item(above1<double>(), [](const DoubleTensor& x) { return ctgrad::acosh(x); });
    unary_grad_item(mid<double>(), [](const DoubleTensor& x) { return ctgrad::atanh(x); });
    unary_grad_item(vec<double>(), [](const DoubleTensor& x) { return ctgrad::erf(x); });
    unary_grad_item(vec<double>(), [](const DoubleTensor& x) { return ctgrad::erfc(x); });
    unary_grad_item(pos<double>(), [](const DoubleTensor& x) { return ctgrad::log2(x); });
    unary_grad_item(pos<double>(), [](const DoubleTensor& x) { return ctgrad::log10(x); });
}

void grad_atan2() {
    print("# atan2(y, x): the angle of the point (x, y)");
    Tensor y = vec();
    Tensor x = ctgrad::tensor({4.0, -5.0, 8.0}, {.requires_grad = true});
    binary_grad(y, x, [](const Tensor& a, const Tensor& b) { return ctgrad::atan2(a, b); });
}

void grad_hypot() {
    Tensor x = vec();
    Tensor y = ctgrad::tensor({4.0, -5.0, 8.0}, {.requires_grad = true});
    binary_grad(x, y, [](const Tensor& a, const Tensor& b) { return ctgrad::hypot(a, b); });
}

void grad_maximum() {
    Tensor x = vec();
    Tensor y = ctgrad::tensor({1.0, -1.0, 3.0}, {.requires_grad = true});
    binary_grad(x, y, [](const Tensor& a, const Tensor& b) { return ctgrad::maximum(a, b); });
    print("# torch.max of two tensors is torch.maximum");
    Tensor u = vec();
    Tensor v = ctgrad::tensor({1.0, -1.0, 3.0}, {.requires_grad = true});
    binary_grad(u, v, [](const Tensor& a, const Tensor& b) { return ctgrad::max(a, b); });
}

void grad_minimum() {
    Tensor x = vec();
    Tensor y = ctgrad::tensor({1.0, -1.0, 3.0}, {.requires_grad = true});
    binary_grad(x, y, [](const Tensor& a, const Tensor& b) { return ctgrad::minimum(a, b); });
    print("# torch.min of two tensors is torch.minimum");
    Tensor u = vec();
    Tensor v = ctgrad::tensor({1.0, -1.0, 3.0}, {.requires_grad = true});
    binary_grad(u, v, [](const Tensor& a, const Tensor& b) { return ctgrad::min(a, b); });
}

void grad_clamp() {
    Tensor x = ctgrad::tensor({-3.0, -0.5, 0.25, 1.5, 4.0}, {.requires_grad = true});
    Tensor y = ctgrad::clamp(x, -1.0, 2.0);
    print(y);
    print(fn_name(y.grad_fn()));
    y.sum().backward();
    print(x.grad());
    Tensor u = ctgrad::tensor({-3.0, -0.5, 0.25, 1.5, 4.0}, {.requires_grad = true});
    Tensor v = ctgrad::clamp_min(u, 0.0);
    print(v);
    print(fn_name(v.grad_fn()));
    v.sum().backward();
    print(u.grad());
    Tensor w = ctgrad::tensor({-3.0, -0.5, 0.25, 1.5, 4.0}, {.requires_grad = true});
    Tensor m = ctgrad::clamp_max(w, 1.0);
    print(m);
    print(fn_name(m.grad_fn()));
    m.sum().backward();
    print(w.grad());
}

template <class Op>
void special_binary_f64(Op op) {
    DoubleTensor x = ctgrad::tensor<double>({0.1, 0.7, -1.3}, {.requires_grad = true});
    DoubleTensor y = ctgrad::tensor<double>({0.3, -0.2, -1.3}, {.requires_grad = true});
    DoubleTensor z = op(x, y);
    print(z);
    print(fn_name(z.grad_fn()));
    z.sum().backward();
    print(x.grad());
    print(y.grad());
    print_g15({z.sum().item(), x.grad().sum().item(), y.grad().sum().item()});
}

void float64_special_binary() {
    special_binary_f64([](const DoubleTensor& a, const DoubleTensor& b) { return ctgrad::atan2(a, b); });
    special_binary_f64([](const DoubleTensor& a, const DoubleTensor& b) { return ctgrad::hypot(a, b); });
    special_binary_f64([](const DoubleTensor& a, const DoubleTensor& b) { return ctgrad::maximum(a, b); });
    special_binary_f64([](const DoubleTensor& a, const DoubleTensor& b) { return ctgrad::minimum(a, b); });
    DoubleTensor c = ctgrad::tensor<double>({0.1, 0.7, -1.3, 0.5}, {.requires_grad = true});
    DoubleTensor d = ctgrad::clamp(c, -1.0, 0.5);
    print(d);
    print(fn_name(d.grad_fn()));
    d.sum().backward();
    print(c.grad());
}

void grad_fn_names_special() {
    Tensor x = vec();
    Tensor y = ctgrad::tensor({4.0, 5.0, 6.0}, {.requires_grad = true});
    const auto show = [](const Tensor& t) { print(fn_name(t.grad_fn())); };
    show(ctgrad::atan(x));
    show(ctgrad::asin(x));
    show(ctgrad::acos(x));
    show(ctgrad::sinh(x));
    show(ctgrad::cosh(x));
    show(ctgrad::asinh(x));
    show(ctgrad::acosh(x));
    show(ctgrad::atanh(x));
    show(ctgrad::erf(x));
    show(ctgrad::erfc(x));
    show(ctgrad::log2(x));
    show(ctgrad::log10(x));
    show(ctgrad::atan2(x, y));
    show(ctgrad::hypot(x, y));
    show(ctgrad::maximum(x, y));
    show(ctgrad::minimum(x, y));
    show(ctgrad::max(x, y));
    show(ctgrad::min(x, y));
    show(ctgrad::clamp_min(x, 0.0));
    show(ctgrad::clamp_max(x, 1.0));
    show(ctgrad::clamp(x, 0.0, 1.0));
    show(ctgrad::apply<softplus_op>(x));
}

void next_functions_special() {
    Tensor x = vec();
    Tensor y = ctgrad::tensor({4.0, 5.0, 6.0}, {.requires_grad = true});
    Tensor c = ctgrad::tensor({1.0, 1.0, 1.0});
    print("# clamp with two number bounds is one node, ClampBackward1, with one edge");
    print(next_fns(ctgrad::clamp(x, 0.0, 1.0).grad_fn()));
    print(next_fns(ctgrad::clamp_min(x, 2.0).grad_fn()));
    print(next_fns(ctgrad::clamp_max(x, 2.0).grad_fn()));
    print(next_fns(ctgrad::clamp(x * 2.0, -1.0, 1.0).grad_fn()));
    print(next_fns((ctgrad::clamp_min(x, 2.0) * 3.0).grad_fn()));
    print(next_fns(ctgrad::maximum(x, y).grad_fn()));
    print(next_fns(ctgrad::minimum(c, x).grad_fn()));
    print(next_fns(ctgrad::atan2(x, c).grad_fn()));
    print(next_fns(ctgrad::hypot(ctgrad::exp(x), y).grad_fn()));
    print(next_fns(ctgrad::atan(ctgrad::erf(x)).grad_fn()));
}

// ---------------------------------------------------------------------------
// The special functions at their edges
// ---------------------------------------------------------------------------
void edge_maximum_tie_nan() {
    print("# at a tie each operand gets half the gradient");
    Tensor x = ctgrad::tensor({1.0, 2.0, -3.0, 0.0}, {.requires_grad = true});
    Tensor y = ctgrad::tensor({1.0, 1.0, -3.0, -0.0}, {.requires_grad = true});
    Tensor z = ctgrad::maximum(x, y);
    print(z);
    z.backward(ctgrad::tensor({1.0, 1.0, 3.0, 5.0}));
    print(x.grad());
    print(y.grad());
    Tensor u = ctgrad::tensor({1.0, 2.0, -3.0, 0.0}, {.requires_grad = true});
    Tensor v = ctgrad::tensor({1.0, 1.0, -3.0, -0.0}, {.requires_grad = true});
    Tensor w = ctgrad::minimum(u, v);
    print(w);
    w.backward(ctgrad::tensor({1.0, 1.0, 3.0, 5.0}));
    print(u.grad());
    print(v.grad());
    print("# nan wins, and both operands get the whole gradient");
    Tensor a = ctgrad::tensor({nan, 1.0, nan, 2.0}, {.requires_grad = true});
    Tensor b = ctgrad::tensor({1.0, nan, nan, 1.0}, {.requires_grad = true});
    Tensor m = ctgrad::maximum(a, b);
    print(m);
    m.sum().backward();
    print(a.grad());
    print(b.grad());
    Tensor p = ctgrad::tensor({nan, 1.0, nan, 2.0}, {.requires_grad = true});
    Tensor q = ctgrad::tensor({1.0, nan, nan, 1.0}, {.requires_grad = true});
    Tensor n = ctgrad::minimum(p, q);
    print(n);
    n.sum().backward();
    print(p.grad());
    print(q.grad());
    print("# float64, and a tensor with itself");
    DoubleTensor r = ctgrad::tensor<double>({0.5, nan, 2.0}, {.requires_grad = true});
    DoubleTensor s = ctgrad::tensor<double>({0.5, 0.5, 3.0}, {.requires_grad = true});
    (ctgrad::maximum(r, s) + ctgrad::minimum(r, s)).sum().backward();
    print(r.grad());
    print(s.grad());
    Tensor t = vec();
    ctgrad::maximum(t, t).sum().backward();
    print(t.grad());
}

void edge_clamp_bounds() {
    print("# the bounds are included; nan stays nan with the gradient 0");
    Tensor x = ctgrad::tensor({nan, -1.0, 0.5, 1.0, 2.0, 3.0}, {.requires_grad = true});
    Tensor y = ctgrad::clamp(x, 0.5, 2.0);
    print(y);
    y.sum().backward();
    print(x.grad());
    Tensor u = ctgrad::tensor({nan, -1.0, 0.5, 1.0, 2.0, 3.0}, {.requires_grad = true});
    Tensor v = ctgrad::clamp_min(u, 0.5);
    print(v);
    v.sum().backward();
    print(u.grad());
    Tensor w = ctgrad::tensor({nan, -1.0, 0.5, 1.0, 2.0, 3.0}, {.requires_grad = true});
    Tensor m = ctgrad::clamp_max(w, 2.0);
    print(m);
    m.sum().backward();
    print(w.grad());
    print("# lo > hi: every value is hi, and nothing passes");
    Tensor a = ctgrad::tensor({nan, -1.0, 0.5, 1.0, 2.0, 3.0}, {.requires_grad = true});
    Tensor b = ctgrad::clamp(a, 2.0, 0.5);
    print(b);
    b.sum().backward();
    print(a.grad());
    print("# lo == hi");
    Tensor c = ctgrad::tensor({0.0, 1.0, 2.0}, {.requires_grad = true});
    Tensor d = ctgrad::clamp(c, 1.0, 1.0);
    print(d);
    d.sum().backward();
    print(c.grad());
    print("# float64, infinite inputs");
    DoubleTensor e = ctgrad::tensor<double>({-inf, 0.5, inf, nan}, {.requires_grad = true});
    DoubleTensor f = ctgrad::clamp(e, -1.0, 1.0);
    print(f);
    f.backward(ctgrad::tensor<double>({2.0, 3.0, 4.0, 5.0}));
    print(e.grad());
}

void edge_hypot_origin() {
    print("# at (0, 0) the gradient is 0/0: nan");
    Tensor x = ctgrad::tensor({0.0, 0.0, -0.0, 3.0}, {.requires_grad = true});
    Tensor y = ctgrad::tensor({0.0, 3.0, 0.0, -4.0}, {.requires_grad = true});
    Tensor h = ctgrad::hypot(x, y);
    print(h);
    h.sum().backward();
    print(x.grad());
    print(y.grad());
    print("# no overflow of the squares");
    Tensor a = ctgrad::tensor({3e30, 1e-30}, {.requires_grad = true});
    Tensor b = ctgrad::tensor({4e30, 1e-30}, {.requires_grad = true});
    Tensor r = ctgrad::hypot(a, b);
    print(r);
    r.sum().backward();
    print(a.grad());
    print(b.grad());
    DoubleTensor p = ctgrad::tensor<double>({0.0, 3e300}, {.requires_grad = true});
    DoubleTensor q = ctgrad::tensor<double>({0.0, 4e300}, {.requires_grad = true});
    DoubleTensor s = ctgrad::hypot(p, q);
    print(s);
    s.sum().backward();
    print(p.grad());
    print(q.grad());
}

void edge_atan2_quadrants() {
    print("# the four quadrants, then the axes and the origin");
    Tensor y = ctgrad::tensor({1.0, 1.0, -1.0, -1.0, 0.0, 2.0, 0.0, -2.0, 0.0}, {.requires_grad = true});
    Tensor x = ctgrad::tensor({1.0, -1.0, -1.0, 1.0, 2.0, 0.0, -2.0, 0.0, 0.0}, {.requires_grad = true});
    Tensor a = ctgrad::atan2(y, x);
    print(a);
    a.sum().backward();
    print(y.grad());
    print(x.grad());
    print("# signed zeros pick the branch");
    DoubleTensor u = ctgrad::tensor<double>({0.0, -0.0, 0.0, -0.0}, {.requires_grad = true});
    DoubleTensor v = ctgrad::tensor<double>({0.0, 0.0, -0.0, -0.0}, {.requires_grad = true});
    DoubleTensor b = ctgrad::atan2(u, v);
    print(b);
    print(b.sum().item());
    b.sum().backward();
    print(u.grad());
    print(v.grad());
    print("# float64 on the negative x axis");
    DoubleTensor p = ctgrad::tensor<double>({1e-300, -1e-300, 0.0}, {.requires_grad = true});
    DoubleTensor q = ctgrad::tensor<double>({-1.0, -1.0, -1.0}, {.requires_grad = true});
    DoubleTensor c = ctgrad::atan2(p, q);
    print(c);
    c.sum().backward();
    print(p.grad());
    print(q.grad());
}

void edge_domain_nan() {
    print("# outside the domain the value is nan; at the ends of it +-inf");
    Tensor x = ctgrad::tensor({-2.0, -1.0, 1.0, 2.0, nan}, {.requires_grad = true});
    Tensor a = ctgrad::asin(x);
    print(a);
    a.sum().backward();
    print(x.grad());
    Tensor u = ctgrad::tensor({-2.0, -1.0, 1.0, 2.0}, {.requires_grad = true});
    Tensor b = ctgrad::acos(u);
    print(b);
    b.sum().backward();
    print(u.grad());
    Tensor v = ctgrad::tensor({0.5, -1.0, 1.0, 1.5}, {.requires_grad = true});
    Tensor c = ctgrad::acosh(v);
    print(c);
    c.sum().backward();
    print(v.grad());
    Tensor w = ctgrad::tensor({-1.5, -1.0, 1.0, 1.5}, {.requires_grad = true});
    Tensor d = ctgrad::atanh(w);
    print(d);
    d.sum().backward();
    print(w.grad());
    print("# log2 and log10 at 0 and below");
    Tensor p = ctgrad::tensor({0.0, -1.0, 8.0}, {.requires_grad = true});
    Tensor e = ctgrad::log2(p);
    print(e);
    e.sum().backward();
    print(p.grad());
    Tensor q = ctgrad::tensor({0.0, -1.0, 1000.0}, {.requires_grad = true});
    Tensor f = ctgrad::log10(q);
    print(f);
    f.sum().backward();
    print(q.grad());
    print("# float64");
    DoubleTensor r = ctgrad::tensor<double>({1.0, 1.0 + 1e-12, 0.999}, {.requires_grad = true});
    DoubleTensor g = ctgrad::acosh(r);
    print(g);
    g.sum().backward();
    print(r.grad());
    DoubleTensor s = ctgrad::tensor<double>({1.0, 1.0 - 1e-12, 2.0}, {.requires_grad = true});
    DoubleTensor h = ctgrad::atanh(s) + ctgrad::asin(s);
    print(h);
    h.sum().backward();
    print(s.grad());
}

void edge_erf_tails() {
    print("# erf saturates at +-1, erfc reaches 2 and underflows to 0; exp(-x*x) underflows");
    Tensor x = ctgrad::tensor({-10.0, -5.0, 5.0, 10.0, 30.0}, {.requires_grad = true});
    Tensor e = ctgrad::erf(x);
    print(e);
    e.sum().backward();
    print(x.grad());
    Tensor u = ctgrad::tensor({-10.0, -5.0, 5.0, 9.0, 30.0}, {.requires_grad = true});
    Tensor c = ctgrad::erfc(u);
    print(c);
    c.sum().backward();
    print(u.grad());
    DoubleTensor d = ctgrad::tensor<double>({-30.0, 5.0, 10.0, 26.0, 30.0}, {.requires_grad = true});
    DoubleTensor f = ctgrad::erfc(d);
    print(f);
    f.sum().backward();
    print(d.grad());
    print(ctgrad::erfc(ctgrad::tensor<double>(10.0)).item(), ctgrad::erf(ctgrad::tensor(0.5)).item());
}

void edge_sinh_cosh_overflow() {
    print("# sinh and cosh overflow to +-inf, with infinite gradients");
    Tensor x = ctgrad::tensor({-90.0, -89.0, 0.0, 89.0, 90.0}, {.requires_grad = true});
    Tensor s = ctgrad::sinh(x);
    print(s);
    s.sum().backward();
    print(x.grad());
    Tensor u = ctgrad::tensor({-90.0, -89.0, 0.0, 89.0, 90.0}, {.requires_grad = true});
    Tensor c = ctgrad::cosh(u);
    print(c);
    c.sum().backward();
    print(u.grad());
    print("# atan and asinh at large |x|");
    Tensor v = ctgrad::tensor({-1e20, 1e20, 1e-20}, {.requires_grad = true});
    Tensor a = ctgrad::atan(v) + ctgrad::asinh(v);
    print(a);
    a.sum().backward();
    print(v.grad());
}

// ---------------------------------------------------------------------------
// Statements mixing them, and a user's op
// ---------------------------------------------------------------------------
void chain_special_mixed() {
    Tensor x = vec();
    Tensor y = ctgrad::tensor({4.0, -5.0, 8.0}, {.requires_grad = true});
    Tensor z = ctgrad::atan2(x, y) * ctgrad::erf(x) + ctgrad::hypot(x, y);
    print(z);
    print(fn_name(z.grad_fn()), next_fns(z.grad_fn()));
    z.sum().backward();
    print(x.grad());
    print(y.grad());
    Tensor u = ctgrad::tensor({0.3, -0.8, 1.7}, {.requires_grad = true});
    Tensor v = ctgrad::clamp(ctgrad::sinh(u), -0.5, 2.0) * ctgrad::maximum(ctgrad::log2(u * u), ctgrad::atan(u)) -
               ctgrad::acosh(u * u + 1.5);
    print(v);
    print(fn_name(v.grad_fn()), next_fns(v.grad_fn()));
    v.sum().backward();
    print(u.grad());
    print("# float64");
    DoubleTensor a = ctgrad::tensor<double>({0.1, 0.7, -1.3}, {.requires_grad = true});
    DoubleTensor b = ctgrad::tensor<double>({0.3, -0.2, 2.5}, {.requires_grad = true});
    DoubleTensor c = ctgrad::atan2(a, b) * ctgrad::erfc(a) + ctgrad::hypot(a, b) / ctgrad::cosh(ctgrad::minimum(a, b));
    print(c);
    c.sum().backward();
    print(a.grad());
    print(b.grad());
    print_g15({c.sum().item(), a.grad().sum().item(), b.grad().sum().item()});
}

void apply_softplus() {
    print("# a user's op: softplus(a) = log1p(exp(a)), d/da = sigmoid(a)");
    Tensor x = vec();
    Tensor y = ctgrad::apply<softplus_op>(x);
    print(y);
    print(fn_name(y.grad_fn()), next_fns(y.grad_fn()));
    y.sum().backward();
    print(x.grad());
    DoubleTensor u = ctgrad::tensor<double>({-20.0, -1.0, 0.0, 1.0, 15.0}, {.requires_grad = true});
    DoubleTensor v = ctgrad::apply<softplus_op>(u);
    print(v);
    v.sum().backward();
    print(u.grad());
    print(v.sum().item());
}

void apply_softplus_chain() {
    Tensor x = vec();
    Tensor y = ctgrad::tensor({4.0, -5.0, 8.0}, {.requires_grad = true});
    Tensor z = ctgrad::apply<softplus_op>(ctgrad::atan2(x, y)) * ctgrad::clamp(y, -1.0, 6.0) +
               ctgrad::maximum(ctgrad::apply<softplus_op>(x), ctgrad::erf(y));
    print(z);
    print(fn_name(z.grad_fn()), next_fns(z.grad_fn()));
    z.sum().backward();
    print(x.grad());
    print(y.grad());
    print("# the op's result kept and reused");
    Tensor s = ctgrad::apply<softplus_op>(x * 2.0);
    Tensor t = ctgrad::hypot(s, y) - ctgrad::clamp_min(s, 1.0);
    print(t);
    print(fn_name(s.grad_fn()), next_fns(s.grad_fn()));
    print(fn_name(t.grad_fn()), next_fns(t.grad_fn()));
    t.sum().backward();
    print(x.grad());
    print(y.grad());
}

// ---------------------------------------------------------------------------
struct scenario {
    const char* name;
    void (*run)();
};


// ---------------------------------------------------------------------------
// Beyond the tutorial: full broadcasting, rank 3 and 4, shapes, reductions over a
// dimension, matrix products
// ---------------------------------------------------------------------------
void broadcast_row_to_matrix() {
    Tensor x = ctgrad::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, {.requires_grad = true});
    Tensor b = ctgrad::tensor({0.5, -1.0, 2.0}, {.requires_grad = true});
    Tensor y = x * b + b;
    print(y);
    print(next_fns(y.grad_fn()));
    (y * y).sum().backward();
    print(x.grad());
    print(b.grad());
}

void broadcast_outer() {
    Tensor c = ctgrad::tensor({{1.0}, {2.0}, {3.0}}, {.requires_grad = true});
    Tensor r = ctgrad::tensor({{1.0, 10.0}}, {.requires_grad = true});
    Tensor o = c * r - r;
    print(o);
    print(o.shape());
    o.pow(2_c).sum().backward();
    print(c.grad());
    print(r.grad());
}

void broadcast_rank3() {
    Tensor a = ctgrad::tensor({{{1.0, 2.0}, {3.0, 4.0}}, {{5.0, 6.0}, {7.0, 8.0}}}, {.requires_grad = true});
    Tensor s = ctgrad::tensor({{0.5}, {2.0}}, {.requires_grad = true});
    Tensor y = a * s;
    print(y);
    print(y.shape());
    y.sum().backward();
    print(a.grad());
    print(s.grad());
}

void broadcast_inplace_row() {
    Tensor x = ctgrad::zeros({2, 3});
    x += ctgrad::tensor({1.0, 2.0, 3.0});
    print(x);
    try {
        Tensor y = ctgrad::zeros({3});
        y += ctgrad::ones({2, 3});
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
}

void rank4_print() {
    Tensor t = ctgrad::arange(24).reshape({1, 2, 3, 4});
    print(t);
    print(t.shape());
    print(t.sum(3));
}

void shape_views() {
    Tensor x = ctgrad::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, {.requires_grad = true});
    Tensor r = x.reshape({3, 2});
    print(r);
    print(fn_name(r.grad_fn()));
    Tensor v = x.view({-1});
    print(v);
    print(fn_name(v.grad_fn()));
    Tensor u = x.unsqueeze(1);
    print(u.shape());
    print(fn_name(u.grad_fn()));
    print(u.squeeze().shape());
    print(fn_name(u.squeeze().grad_fn()));
    print(u.squeeze(1).shape());
    print(fn_name(u.squeeze(1).grad_fn()));
    print(x.unsqueeze(-1).shape());
    (r * ctgrad::tensor({{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}})).sum().backward();
    print(x.grad());
}

void shape_transpose() {
    Tensor x = ctgrad::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, {.requires_grad = true});
    Tensor t = x.t();
    print(t);
    print(fn_name(t.grad_fn()));
    Tensor tt = ctgrad::T(x);
    print(fn_name(tt.grad_fn()));
    Tensor tr = x.transpose(0, 1);
    print(fn_name(tr.grad_fn()));
    (t * ctgrad::tensor({{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}})).sum().backward();
    print(x.grad());
}

void shape_expand() {
    Tensor b = ctgrad::tensor({1.0, 2.0}, {.requires_grad = true});
    Tensor e = b.expand({3, 2});
    print(e);
    print(fn_name(e.grad_fn()));
    (e * ctgrad::tensor({{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}})).sum().backward();
    print(b.grad());
    Tensor c = ctgrad::tensor({{1.0}, {2.0}}).expand({-1, 3});
    print(c);
}

void reduce_dim() {
    Tensor x = ctgrad::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, {.requires_grad = true});
    Tensor s0 = x.sum(0);
    print(s0);
    print(fn_name(s0.grad_fn()));
    Tensor s1 = x.sum(1, true);
    print(s1);
    Tensor m = x.mean(-1);
    print(m);
    print(fn_name(m.grad_fn()));
    Tensor m0 = x.mean(0, true);
    print(m0);
    (s0.sum() + (s1 * 2).sum() + (m * m).sum()).backward();
    print(x.grad());
}

void reduce_dim_rank3() {
    Tensor a = ctgrad::arange(12).reshape({2, 3, 2}).detach().requires_grad_();
    Tensor s = a.sum(1);
    print(s);
    print(a.mean(2, true));
    s.pow(2_c).sum().backward();
    print(a.grad());
}

void matmul_mm() {
    Tensor a = ctgrad::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, {.requires_grad = true});
    Tensor w = ctgrad::tensor({{0.5, -1.0}, {2.0, 0.25}, {-0.5, 1.5}}, {.requires_grad = true});
    Tensor y = ctgrad::matmul(a, w);
    print(y);
    print(fn_name(y.grad_fn()));
    print(next_fns(y.grad_fn()));
    (y * y).sum().backward();
    print(a.grad());
    print(w.grad());
    Tensor z = ctgrad::mm(a, w);
    print(z);
}

void matmul_vectors() {
    Tensor a = ctgrad::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, {.requires_grad = true});
    Tensor v = ctgrad::tensor({1.0, -1.0, 2.0}, {.requires_grad = true});
    Tensor r = ctgrad::tensor({0.5, 2.0}, {.requires_grad = true});
    Tensor mv = a.matmul(v);
    print(mv);
    print(fn_name(mv.grad_fn()));
    Tensor vm = r.matmul(a);
    print(vm);
    print(fn_name(vm.grad_fn()));
    Tensor d = v.matmul(v);
    print(d);
    print(fn_name(d.grad_fn()));
    (mv.sum() + vm.sum() + d).backward();
    print(a.grad());
    print(v.grad());
    print(r.grad());
}

void matmul_chain_bias() {
    ctgrad::manual_seed(0);
    Tensor x = ctgrad::randn({4, 3});
    Tensor w = ctgrad::randn({3, 2}, {.requires_grad = true});
    Tensor b = ctgrad::randn({2}, {.requires_grad = true});
    Tensor h = ctgrad::tanh(ctgrad::matmul(x, w) + b);
    print(h);
    Tensor loss = ctgrad::pow(h, 2_c).mean();
    print(loss);
    loss.backward();
    print(w.grad());
    print(b.grad());
}

void error_shapes() {
    Tensor x = ctgrad::ones({2, 3});
    const std::function<void()> cases[] = {
        [&] { (void)x.reshape({4, 2}); },
        [&] { (void)x.view({-1, -1}); },
        [&] { (void)x.sum(2); },
        [&] { (void)x.unsqueeze(3); },
        [&] { (void)x.transpose(0, 2); },
        [&] { (void)x.expand({3, 3}); },
        [&] { (void)ctgrad::matmul(x, ctgrad::ones({2, 3})); },
        [&] { (void)ctgrad::matmul(x, ctgrad::ones({2})); },
        [&] { (void)ctgrad::matmul(ctgrad::ones({3}), ctgrad::ones({4})); },
        [&] { (void)ctgrad::mm(ctgrad::ones({3}), x); },
        [&] { (void)ctgrad::ones({2, 3, 4}).t(); },
    };
    for (const auto& f : cases) show_errors_of(f);
}


// ---------------------------------------------------------------------------
// torch.nn.functional and torch.optim
// ---------------------------------------------------------------------------
namespace F = ctgrad::nn::functional;

void nn_mse_l1() {
    Tensor x = ctgrad::tensor({{0.5, -1.0}, {2.0, 0.25}}, {.requires_grad = true});
    Tensor y = ctgrad::tensor({{1.0, 0.0}, {1.5, 0.25}});
    for (const char* reduction : {"mean", "sum", "none"}) {
        Tensor loss = F::mse_loss(x, y, reduction);
        print(loss);
    }
    Tensor loss = F::mse_loss(x, y);
    loss.backward();
    print(x.grad());
    x.set_grad({});
    Tensor l1 = F::l1_loss(x, y);
    print(l1);
    l1.backward();
    print(x.grad());
}

void nn_bce() {
    Tensor z = ctgrad::tensor({-2.0, 0.5, 3.0, -0.25}, {.requires_grad = true});
    Tensor t = ctgrad::tensor({0.0, 1.0, 1.0, 0.0});
    Tensor loss = F::binary_cross_entropy_with_logits(z, t);
    print(loss);
    loss.backward();
    print(z.grad());
    Tensor p = Tensor(ctgrad::sigmoid(z.detach())).requires_grad_();
    Tensor loss2 = F::binary_cross_entropy(p, t);
    print(loss2);
    loss2.backward();
    print(p.grad());
    print(F::binary_cross_entropy(ctgrad::tensor({0.0, 1.0}), ctgrad::tensor({1.0, 0.0})));
}

void nn_linear() {
    ctgrad::manual_seed(1);
    Tensor x = ctgrad::randn({3, 4});
    Tensor w = ctgrad::randn({2, 4}, {.requires_grad = true});
    Tensor b = ctgrad::randn({2}, {.requires_grad = true});
    Tensor y = F::linear(x, w, b);
    print(y);
    print(fn_name(y.grad_fn()));
    print(next_fns(y.grad_fn()));
    y.pow(2_c).sum().backward();
    print(w.grad());
    print(b.grad());
    print(F::linear(x, w));
}

void nn_softmax() {
    Tensor x = ctgrad::tensor({{1.0, 2.0, 3.0}, {1.0, -1.0, 0.0}}, {.requires_grad = true});
    Tensor s = F::softmax(x, 1);
    print(s);
    print(fn_name(s.grad_fn()));
    Tensor ls = F::log_softmax(x, -1);
    print(ls);
    print(fn_name(ls.grad_fn()));
    (s * ctgrad::tensor({{1.0, 0.0, 0.0}, {0.0, 2.0, 0.0}})).sum().backward();
    print(x.grad());
    x.set_grad({});
    (ls * ctgrad::tensor({{1.0, 0.0, 0.0}, {0.0, 2.0, 0.0}})).sum().backward();
    print(x.grad());
    print(F::softmax(x, 0));
}

void optim_sgd() {
    Tensor w = ctgrad::tensor({1.0, -2.0, 0.5}, {.requires_grad = true});
    ctgrad::optim::SGD opt({w}, {.lr = 0.1, .momentum = 0.9, .weight_decay = 0.01});
    for (int step = 0; step < 5; ++step) {
        opt.zero_grad();
        Tensor loss = (w * w * ctgrad::tensor({1.0, 2.0, 3.0})).sum();
        loss.backward();
        opt.step();
        print(step, loss.item(), w);
    }
    print(w.grad());
    opt.zero_grad();
    print(w.grad());
}

void optim_sgd_nesterov_zero() {
    Tensor w = ctgrad::tensor({{1.0, -2.0}, {0.5, 3.0}}, {.requires_grad = true});
    ctgrad::optim::SGD opt({w}, {.lr = 0.05, .momentum = 0.5, .nesterov = true});
    for (int step = 0; step < 3; ++step) {
        opt.zero_grad(false);
        Tensor loss = w.pow(2_c).mean();
        loss.backward();
        opt.step();
    }
    print(w);
    print(w.grad());
    print(static_cast<int>(w.version()));
}

void optim_adam() {
    Tensor w = ctgrad::tensor({1.0, -2.0, 0.5}, {.requires_grad = true});
    Tensor b = ctgrad::tensor(0.25, {.requires_grad = true});
    ctgrad::optim::Adam opt({w, b}, {.lr = 0.1});
    for (int step = 0; step < 5; ++step) {
        opt.zero_grad();
        Tensor loss = ctgrad::pow(w * ctgrad::tensor({1.0, 2.0, 3.0}) + b - 1, 2_c).sum();
        loss.backward();
        opt.step();
        print(step, loss.item());
    }
    print(w);
    print(b);
    ctgrad::optim::Adam opt2({w}, {.lr = 0.01, .weight_decay = 0.1, .amsgrad = true});
    for (int step = 0; step < 3; ++step) {
        opt2.zero_grad();
        ctgrad::pow(w, 2_c).sum().backward();
        opt2.step();
    }
    print(w);
}

void error_nn_optim() {
    Tensor w = ctgrad::tensor({0.2, 0.7}, {.requires_grad = true});
    const std::function<void()> cases[] = {
        [&] { (void)F::mse_loss(w, ctgrad::ones({2}), "bad"); },
        [&] { ctgrad::optim::SGD({w}, {.lr = -0.1}); },
        [&] { ctgrad::optim::SGD({w}, {.lr = 0.1, .nesterov = true}); },
        [&] { ctgrad::optim::Adam({w}, {.lr = 0.1, .betas = {1.0, 0.9}}); },
        [&] { ctgrad::optim::Adam({w}, {.eps = -1.0}); },
        [&] { (void)F::binary_cross_entropy(w * 2, ctgrad::ones({2})); },
        [&] { ctgrad::optim::SGD({}, {.lr = 0.1}); },
        [&] { ctgrad::optim::SGD({Tensor(w * 2)}, {.lr = 0.1}); },
        [&] { (void)F::softmax(w, 1); },
    };
    for (const auto& f : cases) show_errors_of(f);
}


void method_forms() {
    Tensor x = ctgrad::tensor({0.5, 1.5, -2.0}, {.requires_grad = true});
    Tensor y = x.exp() + x.sin() * x.tanh() - x.sigmoid() + x.abs().sqrt() + x.neg().relu();
    print(y);
    print(fn_name(y.grad_fn()));
    y.sum().backward();
    print(x.grad());
    Tensor z = (x * 2).log1p().expm1().reciprocal();
    print(z);
    print((x * x).cos().tan());
}

void inplace_named() {
    Tensor a = ctgrad::tensor({1.0, 2.0, 3.0});
    a.add_(ctgrad::tensor({0.5, 0.5, 0.5}));
    a.mul_(2);
    a.sub_(1);
    a.div_(ctgrad::tensor({1.0, 2.0, 4.0}));
    print(a);
    print(static_cast<int>(a.version()));
    Tensor w = ctgrad::tensor({1.0, 2.0}, {.requires_grad = true});
    Tensor h = w * 3;
    h.add_(w);
    print(h);
    print(fn_name(h.grad_fn()));
    h.sum().backward();
    print(w.grad());
    try {
        w.mul_(2);
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
}

void select_narrow() {
    Tensor x = ctgrad::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, {.requires_grad = true});
    Tensor r = x[1];
    print(r);
    print(fn_name(r.grad_fn()));
    Tensor c = x.select(1, -1);
    print(c);
    Tensor n = x.narrow(1, 1, 2);
    print(n);
    print(fn_name(n.grad_fn()));
    (r.sum() + (c * 10).sum() + (n * 100).sum()).backward();
    print(x.grad());
    print(x[-2]);
}

void cat_stack() {
    Tensor a = ctgrad::tensor({{1.0, 2.0}}, {.requires_grad = true});
    Tensor b = ctgrad::tensor({{3.0, 4.0}, {5.0, 6.0}});
    Tensor c = ctgrad::cat<float>({a, b});
    print(c);
    print(fn_name(c.grad_fn()));
    print(next_fns(c.grad_fn()));
    print(ctgrad::cat<float>({b, b}, 1));
    Tensor s = ctgrad::stack<float>({a[0], b[1]}, 1);
    print(s);
    print(fn_name(s.grad_fn()));
    (c.sum() + (s * 10).sum()).backward();
    print(a.grad());
}

void error_index_cat() {
    Tensor x = ctgrad::ones({2, 3});
    const std::function<void()> cases[] = {
        [&] { (void)x.select(0, 5); },
        [&] { (void)x[5]; },
        [&] { (void)x[-3]; },
        [&] { (void)x.narrow(1, 2, 2); },
        [&] { (void)ctgrad::cat<float>({}); },
        [&] { (void)ctgrad::cat<float>({ctgrad::ones({2, 2}), ctgrad::ones({3, 3})}, 1); },
        [&] { (void)ctgrad::cat<float>({ctgrad::ones({2, 2}), ctgrad::ones({2})}); },
        [&] { (void)ctgrad::stack<float>({ctgrad::ones({2}), ctgrad::ones({3})}); },
        [&] { (void)ctgrad::stack<float>({}); },
    };
    for (const auto& f : cases) show_errors_of(f);
}


struct Exp : ctgrad::autograd::Function<Exp> {
    static Tensor forward(ctgrad::autograd::context& ctx, const Tensor& x) {
        Tensor r = x.exp();
        ctx.save_for_backward({r});
        return r;
    }
    static std::vector<Tensor> backward(ctgrad::autograd::context& ctx, const Tensor& grad) {
        return {grad * ctx.saved_tensors()[0]};
    }
};

struct ScaledProduct : ctgrad::autograd::Function<ScaledProduct> {
    static Tensor forward(ctgrad::autograd::context& ctx, const Tensor& a, const Tensor& b, double scale) {
        ctx.save_for_backward({a, b});
        ctx.saved_data["scale"] = scale;
        return a * b * scale;
    }
    static std::vector<Tensor> backward(ctgrad::autograd::context& ctx, const Tensor& grad) {
        const auto& saved = ctx.saved_tensors();
        const double scale = ctx.saved_data["scale"];
        return {grad * saved[1] * scale, grad * saved[0] * scale};
    }
};

struct WrongShape : ctgrad::autograd::Function<WrongShape> {
    static Tensor forward(ctgrad::autograd::context&, const Tensor& x) { return x * 2; }
    static std::vector<Tensor> backward(ctgrad::autograd::context&, const Tensor&) { return {ctgrad::ones({3})}; }
};

struct WrongCount : ctgrad::autograd::Function<WrongCount> {
    static Tensor forward(ctgrad::autograd::context&, const Tensor& x) { return x * 2; }
    static std::vector<Tensor> backward(ctgrad::autograd::context&, const Tensor& grad) { return {grad, grad}; }
};

void custom_function() {
    Tensor x = ctgrad::tensor({0.5, 1.0, -1.0}, {.requires_grad = true});
    Tensor y = Exp::apply(x);
    print(y);
    print(fn_name(y.grad_fn()));
    print(next_fns(y.grad_fn()));
    (y * y).sum().backward();
    print(x.grad());
    print(Exp::apply(ctgrad::tensor({1.0})));
    try {
        y.sum().backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
}

void custom_function_two_inputs() {
    Tensor a = ctgrad::tensor({1.0, 2.0}, {.requires_grad = true});
    Tensor b = ctgrad::tensor({3.0, -1.0});
    Tensor p = ScaledProduct::apply(a, b, 0.5);
    print(p);
    print(fn_name(p.grad_fn()));
    print(next_fns(p.grad_fn()));
    Tensor q = (p + a).sum();
    q.backward();
    print(a.grad());
    print(b.grad());
}

void error_custom_function() {
    Tensor x = ctgrad::tensor({1.0, 2.0}, {.requires_grad = true});
    try {
        WrongShape::apply(x).sum().backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    try {
        WrongCount::apply(x).sum().backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
}


void autograd_grad() {
    Tensor x = ctgrad::tensor({1.0, 2.0, 3.0}, {.requires_grad = true});
    Tensor w = ctgrad::tensor({0.5, -1.0, 2.0}, {.requires_grad = true});
    Tensor h = x * w;
    Tensor loss = (h * h).sum();
    const auto g = ctgrad::autograd::grad(loss, {x, w}, {.retain_graph = true});
    print(g[0]);
    print(g[1]);
    print(x.grad());
    print(ctgrad::autograd::grad(loss, {h}, {.retain_graph = true})[0]);
    print(ctgrad::autograd::grad<float>({h}, {x}, {ctgrad::tensor({1.0, 0.0, -1.0})}, {.retain_graph = true})[0]);
    loss.backward();
    print(x.grad());
    Tensor u = ctgrad::tensor({1.0}, {.requires_grad = true});
    const auto unused = ctgrad::autograd::grad(Tensor((x * 2).sum()), {x, u}, {.allow_unused = true});
    std::ostringstream both;
    both << '(' << unused[0] << ", " << unused[1] << ')';
    print(both.str());
}

void tensor_hooks() {
    Tensor x = ctgrad::tensor({1.0, 2.0}, {.requires_grad = true});
    x.register_hook([](const Tensor& g) { return Tensor(g * 2); });
    Tensor y = x * x;
    y.register_hook([](const Tensor& g) { print("y's gradient:", g); });
    Tensor z = y * 3;
    z.sum().backward();
    print(x.grad());
    Tensor w = ctgrad::tensor({1.0, -1.0}, {.requires_grad = true});
    w.register_hook([](const Tensor& g) { return Tensor(g + 1); });
    w.register_hook([](const Tensor& g) { return Tensor(g * 10); });
    (w * 5).sum().backward();
    print(w.grad());
}

void error_grad_hooks() {
    Tensor x = ctgrad::tensor({1.0, 2.0}, {.requires_grad = true});
    Tensor y = x * x;
    const std::function<void()> cases[] = {
        [&] { (void)ctgrad::autograd::grad(Tensor(y.sum()), {x, ctgrad::ones({2})}); },
        [&] { (void)ctgrad::autograd::grad(Tensor(y.sum()), {ctgrad::ones({2}, {.requires_grad = true})}); },
        [&] { (void)ctgrad::autograd::grad(y, {x}); },
        [&] { (void)ctgrad::autograd::grad(Tensor(ctgrad::ones({2}).sum()), {x}); },
        [&] { ctgrad::ones({2}).register_hook([](const Tensor& g) { return g; }); },
    };
    for (const auto& f : cases) show_errors_of(f);
    x.register_hook([](const Tensor&) { return ctgrad::ones({3}); });
    try {
        (x * 2).sum().backward();
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
}


void reduce_amax_logsumexp() {
    Tensor x = ctgrad::tensor({{1.0, 3.0, 3.0}, {2.0, -1.0, 0.0}}, {.requires_grad = true});
    Tensor a = ctgrad::amax(x, 1);
    print(a);
    print(fn_name(a.grad_fn()));
    Tensor m = ctgrad::amin(x, 0, true);
    print(m);
    Tensor lse = ctgrad::logsumexp(x, 1);
    print(lse);
    print(fn_name(lse.grad_fn()));
    (a.sum() + m.sum() + lse.sum()).backward();
    print(x.grad());
}

void matmul_batched() {
    Tensor a = ctgrad::tensor({{{1.0, 2.0}, {3.0, 4.0}}, {{0.5, -1.0}, {2.0, 0.0}}}, {.requires_grad = true});
    Tensor b = ctgrad::tensor({{{1.0, 0.0, 2.0}, {0.0, 1.0, -1.0}}, {{2.0, 1.0, 0.0}, {1.0, 1.0, 1.0}}}, {.requires_grad = true});
    Tensor c = ctgrad::bmm(a, b);
    print(c);
    print(fn_name(c.grad_fn()));
    Tensor d = ctgrad::matmul(a, b);
    print(fn_name(d.grad_fn()));
    (c * c).sum().backward();
    print(a.grad());
    print(b.grad());
    try {
        (void)ctgrad::bmm(ctgrad::ones({2, 3, 4}), ctgrad::ones({3, 4, 5}));
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
    try {
        (void)ctgrad::bmm(ctgrad::ones({3, 4}), ctgrad::ones({2, 3, 5}));
    } catch (const ctgrad::error& e) {
        show_error("RuntimeError", e);
    }
}


void detect_anomaly_nan() {
    Tensor x = ctgrad::tensor({-1.0, 4.0}, {.requires_grad = true});
    {
        const ctgrad::autograd::detect_anomaly anomaly;
        Tensor y = ctgrad::sqrt(x);
        Tensor z = y * 0;
        try {
            z.sum().backward();
        } catch (const ctgrad::error& e) {
            show_error("RuntimeError", e);
        }
        Tensor a = ctgrad::tensor({0.0, 1.0}, {.requires_grad = true});
        Tensor b = ctgrad::tensor({0.0, 2.0}, {.requires_grad = true});
        Tensor q = a / b;
        try {
            q.sum().backward();
        } catch (const ctgrad::error& e) {
            show_error("RuntimeError", e);
        }
    }
    print(ctgrad::autograd::is_anomaly_enabled());
    Tensor y = ctgrad::sqrt(x);
    (y * 0).sum().backward();
    print(x.grad());
}

// ---- torch.int64 and torch.bool, comparisons, where, max / argmax, cross_entropy ----------

using ctgrad::BoolTensor;
using ctgrad::LongTensor;
namespace F = ctgrad::nn::functional;

LongTensor longs(const ctgrad::tensor_data& d) { return ctgrad::tensor<std::int64_t>(d); }
BoolTensor bools(const ctgrad::tensor_data& d) { return ctgrad::tensor<bool>(d); }
LongTensor arange(std::int64_t n) { return ctgrad::arange<std::int64_t>(n); }

void int_tensor_print() {
    print(arange(5));
    print(longs({1, -10, 3}));
    print(longs({{1, 2}, {30, 4}}));
    print(longs(7), bools(1));
    print(bools({1, 0}));
    print(bools({{1, 0}, {0, 1}}));
    print(ctgrad::zeros<std::int64_t>({0}), ctgrad::zeros<bool>({0, 2}));
    print(arange(1200));
    print(ctgrad::arange<std::int64_t>(2, 11, 3), ctgrad::arange<std::int64_t>(5, 0, -2));
    print(ctgrad::zeros<std::int64_t>({2}), ctgrad::ones<bool>({3}), ctgrad::full<std::int64_t>({2}, 7));
}

void int_tensor_reduce() {
    LongTensor t = longs({{3, -1, 4}, {1, 5, 9}});
    print(t.sum(), t.sum(0), t.sum(1, true));
    BoolTensor b = bools({1, 0, 1, 1});
    print(b.sum(), b.sum().item());
    print(t[1], t[0][2].item(), t[-1]);
    print(t.reshape({3, 2}), t.view({-1}));
    print(t.requires_grad(), t.is_leaf(), fn_name(t.grad_fn()));
}

void int_tensor_errors() {
    show_errors_of([] { (void)ctgrad::tensor<std::int64_t>({1, 2}, {.requires_grad = true}); });
    show_errors_of([] { (void)arange(3).mean(); });
    show_errors_of([] { (void)bools({1}).mean(); });
    show_errors_of([] { (void)arange(3).requires_grad_(); });
    show_errors_of([] { (void)arange(3)[3]; });
    show_errors_of([] { (void)arange(3).item(); });
}

void compare_ops() {
    Tensor x = ctgrad::tensor({{1.0, 5.0, 3.0}, {4.0, 2.0, 6.0}}, {.requires_grad = true});
    print(x > 2);
    print(x <= 3, x == 4, x != 4);
    print(2 < x[0], 5.0 >= x[1]);
    LongTensor a = longs({0, 2, 2});
    print(arange(3) == a, ctgrad::eq(a, 2), ctgrad::ne(a, arange(3)));
    print(ctgrad::lt(x, 3.5), ctgrad::ge(a, 1), ctgrad::gt(x[0], x[1]), ctgrad::le(x[0], 3));
    print(ctgrad::tensor({{1.0}, {2.0}, {3.0}}) < ctgrad::tensor({{1.5, 2.5, 3.5}}));
    print(ctgrad::tensor(0.1) > 0.1, ctgrad::tensor<double>(0.1) > 0.1);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    print(longs({1, 2, 3}) > 1.5, ctgrad::tensor({nan, 1.0}) == ctgrad::tensor({nan, 1.0}));
    print((x > 2).requires_grad(), fn_name((x > 2).grad_fn()));
}

void bool_logic() {
    BoolTensor a = bools({1, 1, 0, 0});
    BoolTensor b = bools({1, 0, 1, 0});
    print(a & b, a | b);
    print(a ^ b, ~a);
    Tensor x = ctgrad::tensor({-1.0, 0.5, 2.0, 3.0});
    print((x > 0) & (x < 2.5));
}

void dtype_promotion() {
    LongTensor i = arange(3);
    Tensor f = ctgrad::tensor({0.5, 1.0, 2.0});
    print(i + f, f * i, i - f);
    print(i * 2, i + 1, 3 - i, i * i);
    print(i / 2, i * 1.5, i / longs({1, 2, 4}));
    print(i + ctgrad::tensor<double>({0.5, 1.0, 2.0}));
    print(bools({1, 0, 1}) * f);
    print(std::is_same_v<decltype(ctgrad::Tensor(i + f)), Tensor>, std::is_same_v<decltype(i * 2), LongTensor>);
}

void dtype_promotion_grad() {
    Tensor x = vec();
    LongTensor labels = longs({1, 0, 2});
    Tensor y = x * labels + labels;
    print(y);
    y.sum().backward();
    print(x.grad());
    Tensor z = (x > 0) * x;
    print(z, fn_name(z.grad_fn()));
}

void dtype_conversion() {
    LongTensor i = longs({3, -2, 0});
    print(i.to<float>(), i.to<double>(), i.to<bool>());
    Tensor f = ctgrad::tensor({1.7, -1.7, 0.0, 2.5});
    print(f.to<std::int64_t>(), f.to<bool>(), f.to<double>());
    print(bools({1, 0}).to<std::int64_t>(), bools({1, 0}).to<float>());
    Tensor x = ctgrad::tensor({1.0, 2.0}, {.requires_grad = true});
    print(x.to<std::int64_t>(), x.to<std::int64_t>().requires_grad());
}

void max_min_dim() {
    Tensor x = ctgrad::tensor({{1.0, 5.0, 3.0}, {4.0, 2.0, 6.0}}, {.requires_grad = true});
    auto m = ctgrad::max(x, 1);
    print(m.values, m.indices);
    print(ctgrad::max(x, 1, true));
    auto [values, indices] = ctgrad::min(x, 0);
    print(values, indices, fn_name(values.grad_fn()));
    (m.values.sum() + 2 * values.sum()).backward();
    print(x.grad());
    Tensor t = ctgrad::tensor({{2.0, 7.0, 7.0}, {1.0, 1.0, 0.0}}, {.requires_grad = true});
    auto [v, i] = ctgrad::max(t, 1);
    print(v, i);
    v.sum().backward();
    print(t.grad());
    print(ctgrad::max(longs({{3, 9}, {8, 1}}), 0));
    print(ctgrad::max(ctgrad::tensor(2.5), 0));
}

void max_min_full() {
    Tensor x = ctgrad::tensor({{1.0, 6.0, 3.0}, {6.0, 2.0, 0.5}}, {.requires_grad = true});
    Tensor m = ctgrad::max(x);
    print(m, fn_name(m.grad_fn()));
    m.backward();
    print(x.grad());
    x.set_grad({});
    Tensor n = ctgrad::min(x);
    print(n, fn_name(n.grad_fn()));
    n.backward();
    print(x.grad());
    show_errors_of([] { (void)ctgrad::max(ctgrad::ones({0})); });
    show_errors_of([&] { (void)ctgrad::max(x, 2); });
}

void argmax_argmin() {
    Tensor x = ctgrad::tensor({{1.0, 5.0, 5.0}, {4.0, 2.0, 6.0}});
    print(ctgrad::argmax(x), ctgrad::argmax(x, 1), ctgrad::argmax(x, 0, true));
    print(ctgrad::argmin(x), ctgrad::argmin(x, 1), x.argmax(), x.argmax(1));
    print(ctgrad::argmax(longs({3, 9, 9, 1})), ctgrad::argmax(ctgrad::tensor({std::numeric_limits<double>::quiet_NaN(), 1.0, 2.0})));
    print(ctgrad::argmax(x, 1, true));
}

void where_grad() {
    Tensor x = ctgrad::tensor({{1.0, 5.0, 3.0}, {4.0, 2.0, 6.0}}, {.requires_grad = true});
    Tensor y = ctgrad::tensor({10.0, 20.0, 30.0}, {.requires_grad = true});
    Tensor w = ctgrad::where(x > 2, x, y);
    print(w, fn_name(w.grad_fn()));
    print(next_fns(w.grad_fn()));
    (w * ctgrad::tensor({1.0, 2.0, 3.0})).sum().backward();
    print(x.grad());
    print(y.grad());
    x.set_grad({});
    Tensor z = ctgrad::where(x < 3, x * x, 0.0);
    print(z, next_fns(z.grad_fn()));
    z.sum().backward();
    print(x.grad());
    print(ctgrad::where(bools({1, 0}), ctgrad::tensor({1.0, 2.0}), ctgrad::tensor({{3.0}, {4.0}})));
}

void clamp_tensor_bounds() {
    Tensor x = ctgrad::tensor({{1.0, 5.0, 3.0}, {4.0, 2.0, 6.0}}, {.requires_grad = true});
    Tensor lo = ctgrad::tensor({2.0, 2.0, 2.0}, {.requires_grad = true});
    Tensor hi = ctgrad::tensor(4.0, {.requires_grad = true});
    Tensor c = ctgrad::clamp(x, lo, hi);
    print(c, fn_name(c.grad_fn()));
    c.sum().backward();
    print(x.grad(), lo.grad(), hi.grad());
    Tensor a = ctgrad::tensor({0.0, 5.0}, {.requires_grad = true});
    Tensor lo2 = ctgrad::tensor({3.0, 3.0}, {.requires_grad = true});
    Tensor hi2 = ctgrad::tensor({1.0, 1.0}, {.requires_grad = true});
    Tensor d = ctgrad::clamp(a, lo2, hi2);
    print(d);
    d.sum().backward();
    print(a.grad(), lo2.grad(), hi2.grad());
}

void clamp_one_tensor_bound() {
    Tensor x = ctgrad::tensor({0.5, 2.0, -1.0, 1.0}, {.requires_grad = true});
    Tensor lo = ctgrad::tensor({1.0, 1.0, 1.0, 1.0}, {.requires_grad = true});
    Tensor w = ctgrad::tensor({1.0, 2.0, 3.0, 4.0});
    Tensor y = ctgrad::clamp_min(x, lo);
    print(y, next_fns(y.grad_fn()));
    (y * w).sum().backward();
    print(x.grad(), lo.grad());
    x.set_grad(Tensor());
    lo.set_grad(Tensor());
    Tensor z = ctgrad::clamp_max(x, lo);
    (z * w).sum().backward();
    print(z, x.grad(), lo.grad());
    Tensor m = ctgrad::tensor({{0.5, 2.0}, {1.0, -3.0}}, {.requires_grad = true});
    Tensor b = ctgrad::tensor({1.0, 0.0}, {.requires_grad = true});
    Tensor c = ctgrad::clamp_max(m, b);
    c.sum().backward();
    print(c, m.grad(), b.grad());
    const float nan = std::numeric_limits<float>::quiet_NaN();
    Tensor l2 = ctgrad::tensor({1.0f, nan, 1.0f}, {.requires_grad = true});
    Tensor x2 = ctgrad::tensor({0.5f, 2.0f, nan}, {.requires_grad = true});
    Tensor n = ctgrad::clamp_min(x2, l2);
    n.sum().backward();
    print(n, x2.grad(), l2.grad());
    print(ctgrad::clamp_min(x2, nan), ctgrad::clamp_max(x2, nan), ctgrad::clamp(x2, 0.0, 1.0));
    print(ctgrad::clamp_min(x2 * 2, l2 + 1), fn_name(ctgrad::clamp_min(x, 0.0).grad_fn()));
}

void cross_entropy_loss() {
    Tensor x = ctgrad::tensor({{1.0, 5.0, 3.0}, {4.0, 2.0, 6.0}, {0.5, 0.5, -1.0}}, {.requires_grad = true});
    LongTensor t = longs({2, 0, 1});
    Tensor loss = F::cross_entropy(x, t);
    print(loss, next_fns(loss.grad_fn()));
    loss.backward();
    print(x.grad());
    print(F::cross_entropy(x, t, "sum"), F::cross_entropy(x, t, "none"));
    print(F::cross_entropy(x, longs({2, -100, 1})), F::cross_entropy(x, longs({1, 0, 0}), "mean", 0));
    print(F::cross_entropy(ctgrad::tensor({1.0, 2.0, 0.5}), longs(1)));
    print(F::cross_entropy(ctgrad::tensor({{1.0, 2.0}}), longs({-100})));
    DoubleTensor d = ctgrad::tensor<double>({{0.2, -0.4}, {1.5, 0.3}}, {.requires_grad = true});
    DoubleTensor l2 = F::cross_entropy(d, longs({1, 0}));
    l2.backward();
    print(l2, d.grad());
}

void nll_loss_grad() {
    Tensor x = ctgrad::tensor({{1.0, 5.0, 3.0}, {4.0, 2.0, 6.0}}, {.requires_grad = true});
    Tensor lp = F::log_softmax(x, 1);
    LongTensor t = longs({1, 2});
    Tensor loss = F::nll_loss(lp, t);
    print(loss, next_fns(loss.grad_fn()));
    loss.backward();
    print(x.grad());
    Tensor y = ctgrad::tensor({{-0.5, -1.0}, {-2.0, -0.1}}, {.requires_grad = true});
    Tensor n = F::nll_loss(y, longs({0, 1}), "none");
    print(n);
    n.sum().backward();
    print(y.grad());
}

void cross_entropy_errors() {
    Tensor x = ctgrad::ones({2, 3});
    show_errors_of([&] { (void)F::cross_entropy(x, longs({3, 0})); });
    show_errors_of([&] { (void)F::cross_entropy(x, longs({-1, 0})); });
    show_errors_of([&] { (void)F::cross_entropy(x, longs({1, 0, 1})); });
    show_errors_of([&] { (void)F::cross_entropy(x, longs(1)); });
    show_errors_of([&] { (void)F::cross_entropy(ctgrad::ones({3}), longs({1})); });
    show_errors_of([&] { (void)F::nll_loss(x, longs({0, 1}), "avg"); });
}

void cross_entropy_class_weights() {
    Tensor x = ctgrad::tensor({{0.5, -1.0, 2.0}, {1.5, 0.25, -0.75}, {-2.0, 1.0, 0.0}, {0.1, 0.2, 0.3}},
                              {.requires_grad = true});
    LongTensor t = longs({0, 2, 1, -100});
    Tensor w = ctgrad::tensor({1.0, 2.0, 0.5});
    Tensor loss = F::cross_entropy(x, t, w);
    print(loss, next_fns(loss.grad_fn()));
    loss.backward();
    print(x.grad());
    print(F::cross_entropy(x, t, w, "sum"), F::cross_entropy(x, t, w, "none"));
    print(F::nll_loss(x, longs({2, 2, 0, 1}), w), F::nll_loss(x, longs({0, 2, 1, 1}), w, "none", 2));
    print(F::nll_loss(x, longs({-100, -100, -100, -100}), w), F::cross_entropy(x, longs({1, 1, 1, 1}), ctgrad::zeros({3})));
    print(F::cross_entropy(ctgrad::tensor({1.0, 2.0, 0.5}), longs(2), w));
    show_errors_of([&] { (void)F::cross_entropy(x, t, ctgrad::ones({2})); });
    show_errors_of([&] { (void)F::nll_loss(x, t, ctgrad::ones({1, 3})); });
    show_errors_of([&] { (void)F::nll_loss(x, t, ctgrad::ones({3}, {.requires_grad = true})); });
}

void cross_entropy_label_smoothing() {
    Tensor x = ctgrad::tensor({{0.5, -1.0, 2.0}, {1.5, 0.25, -0.75}, {-2.0, 1.0, 0.0}, {0.1, 0.2, 0.3}},
                              {.requires_grad = true});
    LongTensor t = longs({0, 2, 1, -100});
    Tensor w = ctgrad::tensor({1.0, 2.0, 0.5});
    Tensor loss = F::cross_entropy(x, t, {.label_smoothing = 0.1});
    print(loss, next_fns(loss.grad_fn()));
    loss.backward();
    print(x.grad());
    x.set_grad(Tensor());
    Tensor weighted = F::cross_entropy(x, t, {.weight = w, .label_smoothing = 0.2});
    weighted.backward();
    print(weighted, x.grad());
    print(F::cross_entropy(x, t, {.reduction = "sum", .label_smoothing = 0.3}),
          F::cross_entropy(x, longs({0, 2, 1, 1}), {.weight = w, .reduction = "none", .ignore_index = 1, .label_smoothing = 0.5}));
    print(F::cross_entropy(x, t, w, "mean", -100, 1.0), F::cross_entropy(x, t, {.label_smoothing = -0.5}));
    print(F::cross_entropy(ctgrad::tensor({1.0, 2.0, 0.5}), longs(1), {.weight = w, .label_smoothing = 0.1}));
    show_errors_of([&] { (void)F::cross_entropy(x, t, {.label_smoothing = 1.5}); });
}

void cross_entropy_probabilities() {
    Tensor x = ctgrad::tensor({{0.5, -1.0, 2.0}, {1.5, 0.25, -0.75}, {-2.0, 1.0, 0.0}, {0.1, 0.2, 0.3}},
                              {.requires_grad = true});
    Tensor p = ctgrad::tensor({{0.2, 0.3, 0.5}, {1.0, 0.0, 0.0}, {0.1, 0.1, 0.8}, {0.3, 0.3, 0.4}});
    Tensor w = ctgrad::tensor({1.0, 2.0, 0.5});
    Tensor loss = F::cross_entropy(x, p);
    print(loss, next_fns(loss.grad_fn()));
    loss.backward();
    print(x.grad());
    x.set_grad(Tensor());
    Tensor smoothed = F::cross_entropy(x, p, {.weight = w, .label_smoothing = 0.1});
    smoothed.backward();
    print(smoothed, x.grad());
    print(F::cross_entropy(x, p, {.reduction = "sum"}), F::cross_entropy(x, p, {.weight = w, .reduction = "none"}));
    print(F::cross_entropy(ctgrad::tensor({1.0, 2.0, 0.5}), ctgrad::tensor({0.0, 0.5, 0.5})));
    show_errors_of([&] { (void)F::cross_entropy(x, p, {.ignore_index = 1}); });
    show_errors_of([&] { (void)F::cross_entropy(x, ctgrad::tensor({1.0, 2.0, 0.0, 1.0})); });
    show_errors_of([&] { (void)F::cross_entropy(x, ctgrad::ones({4, 2})); });
}

void classification_accuracy() {
    Tensor logits = ctgrad::tensor({{0.2, 1.5}, {2.0, -1.0}, {0.3, 0.1}, {-0.5, 0.5}});
    LongTensor labels = longs({1, 0, 1, 1});
    LongTensor pred = logits.argmax(1);
    BoolTensor correct = pred == labels;
    print(pred, correct);
    print(correct.sum(), correct.sum().item(), correct.to<float>().mean());
    print(correct.to<float>().mean().item());
}

using ctgrad::indexing::Ellipsis;
using ctgrad::indexing::None;
using ctgrad::indexing::Slice;

/// Python's tuple(t.shape): "(2, 3, 5)".
std::string shape_tuple(const ctgrad::tensor_size& s) {
    std::string out = "(";
    for (std::size_t i = 0; i != s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
    return out + (s.size() == 1 ? ",)" : ")");
}

void index_slices() {
    Tensor x = ctgrad::arange(12).reshape({3, 4});
    x.requires_grad_();
    for (const Tensor& y : {x.index({Slice(0, 2), 1}), x.index({Slice(), 1}), x.index({Slice(1)}), x.index({Slice(None, None, 2), -1}),
                            x.index({None, 1}), x.index({Ellipsis, 2}), x.index({1, Slice(1, 3)}), x.index({Slice(-5, 10)}),
                            x.index({Slice(2, 1)}), x.index({Slice(), Slice()}), x.index({Slice(1), Slice(None, None, 3)}),
                            x.index({Ellipsis, None, 0})})
        print(y, fn_name(y.grad_fn()));
    Tensor y = x.index({Slice(0, 2), 1});
    print(next_fns(y.grad_fn()));
    (x.index({Slice(None, None, 2), Slice(1, 3)}) * ctgrad::tensor({1.0, 2.0})).sum().backward();
    print(x.grad());
}

void index_tensors() {
    Tensor x = ctgrad::arange(12).reshape({3, 4});
    x.requires_grad_();
    print(x.index({longs({2, 0})}));
    Tensor y = x.index({Slice(), longs({{3, 0}, {1, 1}})});
    print(y, fn_name(y.grad_fn()), next_fns(y.grad_fn()));
    Tensor z = x.index({Slice(), longs({1, 1, -1})});
    print(z);
    z.sum().backward();
    print(x.grad());
    x.set_grad({});
    Tensor m = x.index({x > 5});
    print(m, fn_name(m.grad_fn()));
    (m * m).sum().backward();
    print(x.grad());
    print(x.index({bools({1, 0, 1})}), x.index({1, bools({0, 1, 1, 0})}));
}

void index_several_tensors() {
    Tensor x = ctgrad::arange(12.0f).reshape({3, 4});
    x.requires_grad_();
    Tensor y = x.index({longs({0, 2, 2}), longs({1, -1, 3})});
    print(y, next_fns(y.grad_fn()));
    y.sum().backward();
    print(x.grad());
    print(x.index({longs({{0}, {2}}), longs({1, 3})}));
    Tensor z = ctgrad::arange(24.0f).reshape({2, 3, 4});
    z.requires_grad_();
    Tensor a = z.index({Slice(), longs({0, 2}), longs({1, 1})});
    Tensor b = z.index({longs({1, 0}), Slice(), longs({3, 0})});
    print(a, b);
    (b * ctgrad::arange(6.0f).reshape({2, 3})).sum().backward();
    print(z.grad());
    print(fn_name(x.index({1, longs({0, 2})}).grad_fn()), x.index({Slice(0, 2), longs({0, 2})}));
    show_errors_of([&] { (void)x.index({longs({0, 1}), longs({0, 1, 2})}); });
    show_errors_of([&] { (void)x.index({longs({0, 3}), longs({0, 1})}); });
    show_errors_of([&] { (void)x.index({longs({0, 1}), longs({0, 4})}); });
}

void index_put() {
    Tensor x = ctgrad::zeros({2, 3});
    Tensor v = ctgrad::tensor({1.0, 2.0}, {.requires_grad = true});
    x.index_put_({longs({0, 1}), longs({2, 0})}, v);
    print(x, fn_name(x.grad_fn()));
    Tensor z = ctgrad::zeros({3});
    z.index_put_({longs({0, 0, 2})}, 1.0f, true);
    print(z);
    show_errors_of([&] { z.index_put_({longs({0, 1})}, ctgrad::tensor({1.0, 2.0, 3.0})); });
    Tensor w = ctgrad::ones({3}, {.requires_grad = true});
    show_errors_of([&] { w.index_put_({longs({0})}, 2.0f); });
    Tensor a = ctgrad::ones({3}, {.requires_grad = true});
    Tensor b = a * 2;
    Tensor vv = ctgrad::tensor({5.0, 6.0}, {.requires_grad = true});
    b.index_put_({longs({2, 0})}, vv);
    print(b);
    (b * ctgrad::tensor({1.0, 2.0, 3.0})).sum().backward();
    print(a.grad(), vv.grad());
    Tensor m = ctgrad::zeros({2, 3});
    m.index_put_({Slice(), 1}, ctgrad::tensor({7.0, 8.0}));
    m.index_put_({m > 7.5}, -1.0f);
    print(m);
    Tensor c = ctgrad::ones({2, 2}, {.requires_grad = true});
    Tensor d = c * 1;
    d.index_put_({0}, ctgrad::tensor({3.0, 4.0}, {.requires_grad = true}), true);
    d.sum().backward();
    print(d, c.grad());
}

void index_errors() {
    Tensor x = ctgrad::arange(12).reshape({3, 4});
    show_errors_of([&] { (void)x.index({3}); });
    show_errors_of([&] { (void)x.index({0, 0, 0}); });
    show_errors_of([&] { (void)x.index({longs({4})}); });
    show_errors_of([&] { (void)x.index({bools({1, 0})}); });
    show_errors_of([&] { (void)x.index({Slice(None, None, -1)}); });
    show_errors_of([&] { (void)x.index({Slice(), 5}); });
}

void matmul_broadcast() {
    ctgrad::manual_seed(0);
    const std::vector<std::pair<ctgrad::tensor_size, ctgrad::tensor_size>> cases = {
        {{2, 3, 4}, {4, 5}}, {{3, 4}, {2, 4, 5}}, {{4}, {2, 4, 5}}, {{2, 3, 4}, {4}},
        {{2, 1, 3, 4}, {5, 4, 2}}, {{2, 3, 4}, {1, 4, 5}}, {{2, 2, 3, 4}, {2, 2, 4, 5}}};
    for (const auto& [sa, sb] : cases) {
        Tensor a = ctgrad::randn(sa, {.requires_grad = true});
        Tensor b = ctgrad::randn(sb, {.requires_grad = true});
        Tensor c = ctgrad::matmul(a, b);
        print(shape_tuple(c.shape()), fn_name(c.grad_fn()));
        (c * c).sum().backward();
        print(a.grad().sum(), b.grad().sum());
    }
    Tensor a = ctgrad::tensor({{{1.0, 2.0}, {3.0, 4.0}}, {{0.5, -1.0}, {2.0, 0.0}}}, {.requires_grad = true});
    Tensor w = ctgrad::tensor({{1.0, -1.0}, {0.5, 2.0}}, {.requires_grad = true});
    Tensor c = ctgrad::matmul(a, w);
    print(c);
    c.sum().backward();
    print(a.grad());
    print(w.grad());
    show_errors_of([] { (void)ctgrad::matmul(ctgrad::ones({2, 3, 4}), ctgrad::ones({3, 4, 5})); });
    show_errors_of([] { (void)ctgrad::matmul(ctgrad::ones({2, 3, 4}), ctgrad::ones({2, 5, 4})); });
    show_errors_of([] { (void)ctgrad::matmul(ctgrad::ones({2, 3, 4}), ctgrad::ones({5, 5})); });
    show_errors_of([] { (void)ctgrad::matmul(ctgrad::ones({2, 3, 4}), ctgrad::ones({5})); });
}

void hook_remove() {
    Tensor x = vec();
    ctgrad::hook_handle h = x.register_hook([](const Tensor& g) { return Tensor(g * 10); });
    (x * x).sum().backward();
    print(x.grad());
    h.remove();
    x.set_grad({});
    (x * x).sum().backward();
    print(x.grad());
    h.remove();
}

void print_sep_end() {
    Tensor x = ctgrad::tensor({1.0, 2.0});
    print("a", "b", 3, ctgrad::sep(", "));
    print("loss", 0.25, ctgrad::sep(": "), ctgrad::end("!\n"));
    print(x, x.sum(), ctgrad::sep("\n"));
    print("no newline", ctgrad::end(""));
    print(" then this");
}

void dtype_index_edge_cases() {
    const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
    print(ctgrad::tensor({nan, inf, 1e30, -2.7}).to<std::int64_t>());
    print(ctgrad::clamp(ctgrad::tensor({1.0, 2.0}), ctgrad::tensor({nan, 0.0}), ctgrad::tensor({3.0, nan})));
    Tensor x = ctgrad::arange(6).reshape({2, 3});
    x.requires_grad_();
    Tensor a = x.index({Ellipsis});
    print(a, fn_name(a.grad_fn()), a.impl_ptr() == x.impl_ptr());
    Tensor s = x.index({longs(1)});
    print(s, fn_name(s.grad_fn()));
    Tensor t = x.index({longs(1), longs({0, 2})});
    print(t, fn_name(t.grad_fn()), next_fns(t.grad_fn()));
    show_errors_of([] { (void)F::cross_entropy(ctgrad::ones({2, 3}), ctgrad::zeros<std::int64_t>({2, 2})); });
    show_errors_of([] { (void)ctgrad::matmul(ctgrad::ones({3, 4}), ctgrad::ones({2, 5, 6})); });
    show_errors_of([] { (void)ctgrad::matmul(ctgrad::ones({4}), ctgrad::ones({2, 5, 6})); });
}


void grad_through_conversions() {
    DoubleTensor x = ctgrad::tensor<double>({1.0, 2.0, 3.0}, {.requires_grad = true});
    DoubleTensor y = x * 2.0 + (x.to<float>() * 3.0f).to<double>();
    const auto g = ctgrad::autograd::grad(DoubleTensor(y.sum()), {x});
    print(g[0], x.grad());
    Tensor a = ctgrad::tensor({1.0, -2.0}, {.requires_grad = true});
    DoubleTensor b = ctgrad::tensor<double>({0.5, 4.0}, {.requires_grad = true});
    DoubleTensor z = (a * b).sum();
    const auto gb = ctgrad::autograd::grad(z, {b});
    print(gb[0], a.grad(), b.grad());
    Tensor w = ctgrad::tensor({1.0, 3.0}, {.requires_grad = true});
    Tensor u = (w.to<double>() * w.to<double>()).to<float>().sum();
    print(ctgrad::autograd::grad(u, {w})[0], w.grad());
    print(ctgrad::autograd::grad(Tensor((w.to<double>() * 2.0).to<float>().sum()), {w})[0]);
}

void float_with_double() {
    Tensor x = ctgrad::tensor({1.5, -2.25}, {.requires_grad = true});
    ctgrad::DoubleTensor y = ctgrad::tensor<double>({0.1, 3.0}, {.requires_grad = true});
    ctgrad::DoubleTensor z = x * y + ctgrad::exp(x) / y;
    print(z, fn_name(z.grad_fn()));
    z.sum().backward();
    print(x.grad(), y.grad());
    ctgrad::DoubleTensor w = x.to<double>();
    print(w, next_fns(w.grad_fn()));
}

void create_graph_through_eager_ops() {
    // views, products and reductions over a dimension record their backward without CTGRAD_CREATE_GRAPH
    Tensor x = ctgrad::tensor({1.0, 2.0, 3.0, 4.0}, {.requires_grad = true});
    Tensor w = ctgrad::tensor({{1.0, -1.0}, {0.5, 2.0}}, {.requires_grad = true});
    Tensor y = x.view({2, 2}).matmul(w).sum(1).sum(0);
    const auto g = ctgrad::autograd::grad(y, {x}, {.create_graph = true});
    print(g[0], g[0].requires_grad());
    print(ctgrad::autograd::grad(g[0].sum(0), {w})[0]);
}

#define CTGRAD_SCENARIO(fn) scenario{#fn, fn}
const scenario scenarios[] = {
    CTGRAD_SCENARIO(grad_add),
    CTGRAD_SCENARIO(grad_sub),
    CTGRAD_SCENARIO(grad_mul),
    CTGRAD_SCENARIO(grad_div),
    CTGRAD_SCENARIO(grad_neg),
    CTGRAD_SCENARIO(grad_pow2),
    CTGRAD_SCENARIO(grad_pow3),
    CTGRAD_SCENARIO(grad_pow_half),
    CTGRAD_SCENARIO(grad_exp),
    CTGRAD_SCENARIO(grad_log),
    CTGRAD_SCENARIO(grad_sin),
    CTGRAD_SCENARIO(grad_cos),
    CTGRAD_SCENARIO(grad_tanh),
    CTGRAD_SCENARIO(grad_sigmoid),
    CTGRAD_SCENARIO(grad_relu),
    CTGRAD_SCENARIO(grad_sqrt),
    CTGRAD_SCENARIO(grad_abs),
    CTGRAD_SCENARIO(grad_sum),
    CTGRAD_SCENARIO(grad_mean),
    CTGRAD_SCENARIO(grad_chain),
    CTGRAD_SCENARIO(grad_accumulation),
    CTGRAD_SCENARIO(grad_zero),
    CTGRAD_SCENARIO(no_grad_basic),
    CTGRAD_SCENARIO(no_grad_rebind),
    CTGRAD_SCENARIO(no_grad_inplace),
    CTGRAD_SCENARIO(no_grad_inplace_ops),
    CTGRAD_SCENARIO(nonleaf_grad_none),
    CTGRAD_SCENARIO(retain_grad),
    CTGRAD_SCENARIO(backward_gradient),
    CTGRAD_SCENARIO(backward_gradient_rank2),
    CTGRAD_SCENARIO(leaf_flags),
    CTGRAD_SCENARIO(detach_flags),
    CTGRAD_SCENARIO(requires_grad_inplace),
    CTGRAD_SCENARIO(data_shares_storage),
    CTGRAD_SCENARIO(item_values),
    CTGRAD_SCENARIO(broadcast_1x1_4x1),
    CTGRAD_SCENARIO(broadcast_0d_vector),
    CTGRAD_SCENARIO(python_scalars),
    CTGRAD_SCENARIO(grad_fn_names),
    CTGRAD_SCENARIO(next_functions),
    CTGRAD_SCENARIO(rank0),
    CTGRAD_SCENARIO(rank2_grad),
    CTGRAD_SCENARIO(float64_grad),
    CTGRAD_SCENARIO(float64_mixed_python_scalar),
    CTGRAD_SCENARIO(error_backward_nonscalar),
    CTGRAD_SCENARIO(error_no_grad_fn),
    CTGRAD_SCENARIO(error_inplace_leaf),
    CTGRAD_SCENARIO(error_backward_twice),
    CTGRAD_SCENARIO(error_version_counter),
    CTGRAD_SCENARIO(error_item_multi),
    CTGRAD_SCENARIO(error_broadcast_mismatch),
    CTGRAD_SCENARIO(print_integers),
    CTGRAD_SCENARIO(print_mixed_signs),
    CTGRAD_SCENARIO(print_sci_small),
    CTGRAD_SCENARIO(print_sci_large),
    CTGRAD_SCENARIO(print_sci_mixed),
    CTGRAD_SCENARIO(print_nan_inf),
    CTGRAD_SCENARIO(print_long_wrap),
    CTGRAD_SCENARIO(print_matrix),
    CTGRAD_SCENARIO(print_float64),
    CTGRAD_SCENARIO(print_requires_grad),
    CTGRAD_SCENARIO(print_grad_fn),
    CTGRAD_SCENARIO(randn_seed0),
    CTGRAD_SCENARIO(randn_seed1),
    CTGRAD_SCENARIO(randn_seed42),
    CTGRAD_SCENARIO(randn_rank2),
    CTGRAD_SCENARIO(randn_float64),
    CTGRAD_SCENARIO(randn_consecutive),
    CTGRAD_SCENARIO(randn_requires_grad),
    CTGRAD_SCENARIO(graph_diamond),
    CTGRAD_SCENARIO(graph_shared_nonleaf),
    CTGRAD_SCENARIO(retain_grad_used_twice),
    CTGRAD_SCENARIO(retain_grad_second_pass),
    CTGRAD_SCENARIO(retain_graph_three_times),
    CTGRAD_SCENARIO(backward_twice_sums_only),
    CTGRAD_SCENARIO(inplace_nonleaf_recorded),
    CTGRAD_SCENARIO(inplace_self_alias),
    CTGRAD_SCENARIO(inplace_no_grad_saved),
    CTGRAD_SCENARIO(detach_version_shared),
    CTGRAD_SCENARIO(data_untracked),
    CTGRAD_SCENARIO(set_grad_none),
    CTGRAD_SCENARIO(requires_grad_then_use),
    CTGRAD_SCENARIO(broadcast_1x1_accumulate),
    CTGRAD_SCENARIO(float64_engine),
    CTGRAD_SCENARIO(mean_2d_grad),
    CTGRAD_SCENARIO(unary_chain),
    CTGRAD_SCENARIO(pow_tensor_exponent),
    CTGRAD_SCENARIO(sub_rsub_neg),
    CTGRAD_SCENARIO(div_broadcast_0d),
    CTGRAD_SCENARIO(backward_gradient_intermediate),
    CTGRAD_SCENARIO(item_1x1),
    CTGRAD_SCENARIO(grad_negative_zero),
    CTGRAD_SCENARIO(edge_pow_zero_base),
    CTGRAD_SCENARIO(edge_pow_zero_exponent),
    CTGRAD_SCENARIO(edge_div_tiny),
    CTGRAD_SCENARIO(edge_relu_mask),
    CTGRAD_SCENARIO(edge_sigmoid_tails),
    CTGRAD_SCENARIO(grad_atan),
    CTGRAD_SCENARIO(grad_asin),
    CTGRAD_SCENARIO(grad_acos),
    CTGRAD_SCENARIO(grad_sinh),
    CTGRAD_SCENARIO(grad_cosh),
    CTGRAD_SCENARIO(grad_asinh),
    CTGRAD_SCENARIO(grad_acosh),
    CTGRAD_SCENARIO(grad_atanh),
    CTGRAD_SCENARIO(grad_erf),
    CTGRAD_SCENARIO(grad_erfc),
    CTGRAD_SCENARIO(grad_log2),
    CTGRAD_SCENARIO(grad_log10),
    CTGRAD_SCENARIO(float64_special_unary),
    CTGRAD_SCENARIO(grad_atan2),
    CTGRAD_SCENARIO(grad_hypot),
    CTGRAD_SCENARIO(grad_maximum),
    CTGRAD_SCENARIO(grad_minimum),
    CTGRAD_SCENARIO(grad_clamp),
    CTGRAD_SCENARIO(float64_special_binary),
    CTGRAD_SCENARIO(grad_fn_names_special),
    CTGRAD_SCENARIO(next_functions_special),
    CTGRAD_SCENARIO(edge_maximum_tie_nan),
    CTGRAD_SCENARIO(edge_clamp_bounds),
    CTGRAD_SCENARIO(edge_hypot_origin),
    CTGRAD_SCENARIO(edge_atan2_quadrants),
    CTGRAD_SCENARIO(edge_domain_nan),
    CTGRAD_SCENARIO(edge_erf_tails),
    CTGRAD_SCENARIO(edge_sinh_cosh_overflow),
    CTGRAD_SCENARIO(chain_special_mixed),
    CTGRAD_SCENARIO(apply_softplus),
    CTGRAD_SCENARIO(apply_softplus_chain),
    CTGRAD_SCENARIO(broadcast_row_to_matrix),
    CTGRAD_SCENARIO(broadcast_outer),
    CTGRAD_SCENARIO(broadcast_rank3),
    CTGRAD_SCENARIO(broadcast_inplace_row),
    CTGRAD_SCENARIO(rank4_print),
    CTGRAD_SCENARIO(shape_views),
    CTGRAD_SCENARIO(shape_transpose),
    CTGRAD_SCENARIO(shape_expand),
    CTGRAD_SCENARIO(reduce_dim),
    CTGRAD_SCENARIO(reduce_dim_rank3),
    CTGRAD_SCENARIO(matmul_mm),
    CTGRAD_SCENARIO(matmul_vectors),
    CTGRAD_SCENARIO(matmul_chain_bias),
    CTGRAD_SCENARIO(error_shapes),
    CTGRAD_SCENARIO(nn_mse_l1),
    CTGRAD_SCENARIO(nn_bce),
    CTGRAD_SCENARIO(nn_linear),
    CTGRAD_SCENARIO(nn_softmax),
    CTGRAD_SCENARIO(optim_sgd),
    CTGRAD_SCENARIO(optim_sgd_nesterov_zero),
    CTGRAD_SCENARIO(optim_adam),
    CTGRAD_SCENARIO(error_nn_optim),
    CTGRAD_SCENARIO(method_forms),
    CTGRAD_SCENARIO(inplace_named),
    CTGRAD_SCENARIO(select_narrow),
    CTGRAD_SCENARIO(cat_stack),
    CTGRAD_SCENARIO(error_index_cat),
    CTGRAD_SCENARIO(custom_function),
    CTGRAD_SCENARIO(custom_function_two_inputs),
    CTGRAD_SCENARIO(error_custom_function),
    CTGRAD_SCENARIO(autograd_grad),
    CTGRAD_SCENARIO(tensor_hooks),
    CTGRAD_SCENARIO(error_grad_hooks),
    CTGRAD_SCENARIO(reduce_amax_logsumexp),
    CTGRAD_SCENARIO(matmul_batched),
    CTGRAD_SCENARIO(detect_anomaly_nan),
    CTGRAD_SCENARIO(int_tensor_print),
    CTGRAD_SCENARIO(int_tensor_reduce),
    CTGRAD_SCENARIO(int_tensor_errors),
    CTGRAD_SCENARIO(compare_ops),
    CTGRAD_SCENARIO(bool_logic),
    CTGRAD_SCENARIO(dtype_promotion),
    CTGRAD_SCENARIO(dtype_promotion_grad),
    CTGRAD_SCENARIO(dtype_conversion),
    CTGRAD_SCENARIO(max_min_dim),
    CTGRAD_SCENARIO(max_min_full),
    CTGRAD_SCENARIO(argmax_argmin),
    CTGRAD_SCENARIO(where_grad),
    CTGRAD_SCENARIO(clamp_tensor_bounds),
    CTGRAD_SCENARIO(clamp_one_tensor_bound),
    CTGRAD_SCENARIO(cross_entropy_loss),
    CTGRAD_SCENARIO(nll_loss_grad),
    CTGRAD_SCENARIO(cross_entropy_errors),
    CTGRAD_SCENARIO(cross_entropy_class_weights),
    CTGRAD_SCENARIO(cross_entropy_label_smoothing),
    CTGRAD_SCENARIO(cross_entropy_probabilities),
    CTGRAD_SCENARIO(classification_accuracy),
    CTGRAD_SCENARIO(index_slices),
    CTGRAD_SCENARIO(index_tensors),
    CTGRAD_SCENARIO(index_errors),
    CTGRAD_SCENARIO(index_several_tensors),
    CTGRAD_SCENARIO(index_put),
    CTGRAD_SCENARIO(matmul_broadcast),
    CTGRAD_SCENARIO(hook_remove),
    CTGRAD_SCENARIO(print_sep_end),
    CTGRAD_SCENARIO(dtype_index_edge_cases),
    CTGRAD_SCENARIO(float_with_double),
    CTGRAD_SCENARIO(grad_through_conversions),
    CTGRAD_SCENARIO(create_graph_through_eager_ops),
};
#undef CTGRAD_SCENARIO

constexpr const char* usage = R"(The C++ twin of test/oracle/scenarios.py: prints what the PyTorch script prints.

    oracle_scenarios                    # every scenario, in order
    oracle_scenarios grad_mul           # one scenario
    oracle_scenarios 'error_*' print_nan_inf   # shell-style patterns
    oracle_scenarios --list             # the names, one a line
)";

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
        std::cout << usage << '\n';
        return 0;
    }
    if (!args.empty() && args[0] == "--list") {
        for (const scenario& s : scenarios) std::cout << s.name << '\n';
        return 0;
    }
    // Python's fnmatch.fnmatchcase: '*' also matches '/' and a leading '.', '\' is literal.
    const auto selected = [&](const scenario& s) {
        if (args.empty()) return true;
        for (const std::string& p : args)
            if (fnmatch(p.c_str(), s.name, FNM_NOESCAPE) == 0) return true;
        return false;
    };
    std::vector<const scenario*> chosen;
    for (const scenario& s : scenarios)
        if (selected(s)) chosen.push_back(&s);
    if (chosen.empty()) {
        std::string joined;
        for (const std::string& p : args) joined += (joined.empty() ? "" : " ") + p;
        std::cerr << "scenarios: no scenario matches " << joined << '\n';
        return 2;
    }
    for (const scenario* s : chosen) {
        std::cout << "== " << s->name << '\n';
        s->run();
    }
    return 0;
}
