// Second derivatives through Tensor: torch.autograd.grad(..., create_graph=True) records the
// gradient's own computation, so the gradient can be differentiated again. Its twin,
// pytorch/second_order.py, prints the same lines.
//
// create_graph through statements needs CTGRAD_CREATE_GRAPH defined to 1 before the first
// ctgrad header (in every file of the program): each statement then also compiles its
// backward as statements of its compile-time derivative.
#define CTGRAD_CREATE_GRAPH 1
#include <ctgrad/autograd/function.hpp>
#include <ctgrad/nn.hpp>
#include <ctgrad/tensor.hpp>

#include <vector>

using ctgrad::print;
using ctgrad::Tensor;
using namespace ctgrad::literals;
namespace autograd = ctgrad::autograd;
namespace F = ctgrad::nn::functional;

int main() {
    ctgrad::manual_seed(0);

    // 1. y = x^3 at x = 2: dy/dx = 3x^2 = 12, d2y/dx2 = 6x = 12
    Tensor x = ctgrad::tensor(2.0, {.requires_grad = true});
    Tensor y = ctgrad::pow(x, 3_c);
    const Tensor dy = autograd::grad(y, {x}, {.create_graph = true})[0];
    print("dy/dx:", dy.item(), "requires_grad:", dy.requires_grad());
    const Tensor d2y = autograd::grad(dy, {x})[0];
    print("d2y/dx2:", d2y);

    // 2. Newton's method in one variable: x <- x - f'(x) / f''(x) for f(x) = x^4 - 3x^2 + x
    Tensor t = ctgrad::tensor(2.0, {.requires_grad = true});
    for (int step = 0; step != 5; ++step) {
        const Tensor f = ctgrad::pow(t, 4_c) - 3.0 * ctgrad::pow(t, 2_c) + t;
        const Tensor g = autograd::grad(f, {t}, {.create_graph = true})[0];
        const Tensor h = autograd::grad(g, {t})[0];
        print("step", step, "x =", t.detach(), "f =", f.detach(), "f' =", g.detach(), "f'' =", h);
        ctgrad::no_grad off;
        t -= g.detach() / h;
    }

    // 3. The Hessian of Rosenbrock's function at (-1.5, 2), one row per gradient entry
    Tensor p = ctgrad::tensor({-1.5, 2.0}, {.requires_grad = true});
    const Tensor r = ctgrad::pow(1.0 - p[0], 2_c) + 100.0 * ctgrad::pow(p[1] - ctgrad::pow(p[0], 2_c), 2_c);
    const Tensor gr = autograd::grad(r, {p}, {.create_graph = true})[0];
    print("gradient:", gr.detach());
    const std::vector<Tensor> rows{autograd::grad(gr[0], {p}, {.retain_graph = true})[0],
                                   autograd::grad(gr[1], {p}, {.retain_graph = true})[0]};
    print("Hessian:", ctgrad::stack(rows));
    // a Hessian-vector product without the Hessian: the gradient of <gradient, v>
    const Tensor v = ctgrad::tensor({1.0, -1.0});
    print("H v:", autograd::grad((gr * v).sum(), {p})[0]);

    // 4. A gradient penalty (as in WGAN-GP): the norm of d critic / d input pushed towards 1,
    // minimised by SGD on the critic's weights
    Tensor w1 = ctgrad::randn({8, 2}, {.requires_grad = true});
    Tensor b1 = ctgrad::zeros({8}, {.requires_grad = true});
    Tensor w2 = ctgrad::randn({1, 8}, {.requires_grad = true});
    const Tensor inputs = ctgrad::randn({16, 2}, {.requires_grad = true});
    ctgrad::optim::SGD opt({w1, b1, w2}, {.lr = 0.05});
    for (int step = 0; step != 30; ++step) {
        const Tensor critic = F::linear(F::linear(inputs, w1, b1).tanh(), w2).sum();
        const Tensor gx = autograd::grad(critic, {inputs}, {.create_graph = true})[0];
        const Tensor norm = ctgrad::sqrt(ctgrad::pow(gx, 2_c).sum(1));
        const Tensor penalty = ctgrad::pow(norm - 1.0, 2_c).mean();
        opt.zero_grad();
        penalty.backward();
        opt.step();
        if (step % 10 == 0 || step == 29) print("step", step, "penalty =", penalty.detach());
    }
}
