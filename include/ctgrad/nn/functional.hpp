// ctgrad::nn::functional, torch.nn.functional's losses and layers on Tensors: linear, relu,
// sigmoid, tanh, softmax, log_softmax, mse_loss, l1_loss, binary_cross_entropy,
// binary_cross_entropy_with_logits, nll_loss and cross_entropy (class indices with class weights and label
// smoothing, or class probabilities), with PyTorch's grad_fn names and messages.
//
// A loss other than l1_loss has one node, as in PyTorch; its value is computed by a fused statement (the sum in PyTorch's order); its grad_fn is
// one eager node, as PyTorch's (MseLossBackward0, ...).
#ifndef CTGRAD_NN_FUNCTIONAL_HPP
#define CTGRAD_NN_FUNCTIONAL_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/eager.hpp>
#include <ctgrad/autograd/errors.hpp>
#include <ctgrad/autograd/grad_mode.hpp>
#include <ctgrad/autograd/shape_ops.hpp>
#include <ctgrad/autograd/tensor.hpp>
#include <ctgrad/autograd/dtypes.hpp>
#include <ctgrad/io/python_repr.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctgrad::nn::functional {

using ctgrad::relu;
using ctgrad::sigmoid;
using ctgrad::tanh;

namespace detail {

using ctgrad::detail::impl_of;
using ctgrad::detail::make_eager;
using ctgrad::detail::tensor_impl;
using ctgrad::detail::tensor_of;

enum class reduction_kind { none, mean, sum };

inline reduction_kind parse_reduction(std::string_view r) {
    if (r == "mean") return reduction_kind::mean;
    if (r == "sum") return reduction_kind::sum;
    if (r == "none") return reduction_kind::none;
    throw value_error(std::string(r) + " is not a valid value for reduction");
}

/// Input and target of a loss: the same shape (PyTorch broadcasts with a warning; ctgrad
/// asks for equal shapes).
template <class T>
void check_loss_shapes(const tensor_impl<T>& input, const tensor_impl<T>& target) {
    if (!(input.shape == target.shape))
        throw error("ctgrad: a loss needs input and target of the same shape (got " + input.shape.str() + " and " +
                    target.shape.str() + "); PyTorch would broadcast them with a warning");
}

/// An element-wise loss: the values `term(x, y)` per element, reduced; backward adds
/// `dterm(x, y) * g` into the input's (and, with `dtarget`, the target's) gradient.
template <class T, class Term, class DInput, class DTarget>
std::shared_ptr<tensor_impl<T>> make_loss(std::string name, const std::shared_ptr<tensor_impl<T>>& x,
                                          const std::shared_ptr<tensor_impl<T>>& y, reduction_kind red, Term term,
                                          DInput dinput, DTarget dtarget) {
    check_loss_shapes(*x, *y);
    const std::size_t n = x->numel();
    const tensor_size shape = red == reduction_kind::none ? x->shape : tensor_size{};
    return make_eager<T>(
        std::move(name), shape, {x, y},
        [&](std::span<T> out) {
            const T* xv = x->data();
            const T* yv = y->data();
            if (red == reduction_kind::none) {
                for (std::size_t i = 0; i != n; ++i) out[i] = term(xv[i], yv[i]);
                return;
            }
            // the terms, then their sum in PyTorch's order (a statement over a temporary)
            auto terms = ctgrad::detail::new_impl<T>(x->shape);
            for (std::size_t i = 0; i != n; ++i) terms->data()[i] = term(xv[i], yv[i]);
            const ctgrad::no_grad off;
            const basic_tensor<T> t(std::move(terms));
            out[0] = static_cast<T>(red == reduction_kind::mean ? ctgrad::mean(t).item() : ctgrad::sum(t).item());
        },
        [x, y, n, red, dinput, dtarget](std::span<const T> g, std::span<T* const> in) {
            const T* xv = x->data();
            const T* yv = y->data();
            const T scale = red == reduction_kind::mean ? T(1) / static_cast<T>(n) : T(1);
            for (std::size_t i = 0; i != n; ++i) {
                const T gi = red == reduction_kind::none ? g[i] : g[0] * scale;
                if (in[0]) in[0][i] += dinput(xv[i], yv[i]) * gi;
                if (in[1]) in[1][i] += dtarget(xv[i], yv[i]) * gi;
            }
        });
}

}  // namespace detail

/// F.mse_loss(input, target, reduction="mean"): MseLossBackward0.
template <tensor_like A, tensor_like B>
auto mse_loss(const A& input, const B& target, std::string_view reduction = "mean") {
    using T = typename A::value_type;
    const auto red = detail::parse_reduction(reduction);
    auto out = detail::make_loss<T>(
        "MseLossBackward0", detail::impl_of(input), detail::impl_of(target), red,
        [](T x, T y) { return (x - y) * (x - y); }, [](T x, T y) { return T(2) * (x - y); },
        [](T x, T y) { return T(2) * (y - x); });
    // create_graph: 2 (x - y) g (g / n for the mean) as a statement
    out = ctgrad::detail::with_graph<T>(std::move(out), [red](const std::shared_ptr<detail::tensor_impl<T>>& g,
                                                              std::span<const ctgrad::detail::targ<T>> args) {
        const basic_tensor<T> x(args[0].t), y(args[1].t);
        basic_tensor<T> c(g);
        if (red == detail::reduction_kind::mean) c = basic_tensor<T>(c / static_cast<T>(x.numel()));
        const basic_tensor<T> dx(T(2) * (x - y) * c);
        std::vector<std::shared_ptr<detail::tensor_impl<T>>> grads(2);
        if (args[0].grad) grads[0] = dx.impl_ptr();
        if (args[1].grad) grads[1] = basic_tensor<T>(-dx).impl_ptr();
        return grads;
    });
    return detail::tensor_of<A>(std::move(out));
}

/// F.l1_loss(input, target, reduction="mean"): a statement, as PyTorch's composite
/// abs(input - target).mean() (MeanBackward0).
template <tensor_like A, tensor_like B>
auto l1_loss(const A& input, const B& target, std::string_view reduction = "mean") {
    using R = detail::tensor_of<A>;
    const auto red = detail::parse_reduction(reduction);
    detail::check_loss_shapes(*detail::impl_of(input), *detail::impl_of(target));
    if (red == detail::reduction_kind::mean) return R(ctgrad::mean(ctgrad::abs(input - target)));
    if (red == detail::reduction_kind::sum) return R(ctgrad::sum(ctgrad::abs(input - target)));
    return R(ctgrad::abs(input - target));
}

/// F.binary_cross_entropy(p, target, reduction="mean"): the logs clamped at -100, as PyTorch.
template <tensor_like A, tensor_like B>
auto binary_cross_entropy(const A& input, const B& target, std::string_view reduction = "mean") {
    using T = typename A::value_type;
    const auto p = detail::impl_of(input);
    for (std::size_t i = 0; i != p->numel(); ++i)
        if (!(p->data()[i] >= T(0) && p->data()[i] <= T(1)))
            throw error("all elements of input should be between 0 and 1");
    const auto red = detail::parse_reduction(reduction);
    auto out = detail::make_loss<T>(
        "BinaryCrossEntropyBackward0", p, detail::impl_of(target), red,
        [](T x, T y) {
            const T lx = std::max(std::log(x), T(-100));
            const T l1x = std::max(std::log1p(-x), T(-100));
            return (y - T(1)) * l1x - y * lx;
        },
        [](T x, T y) { return (x - y) / std::max((T(1) - x) * x, T(1e-12)); },
        [](T x, T) { return std::max(std::log1p(-x), T(-100)) - std::max(std::log(x), T(-100)); });
    // create_graph: (x - y) / max((1 - x) x, 1e-12) g and (clamped log(1 - x) - clamped log x) g
    // (g / n for the mean) as statements
    out = ctgrad::detail::with_graph<T>(std::move(out), [red](const std::shared_ptr<detail::tensor_impl<T>>& g,
                                                              std::span<const ctgrad::detail::targ<T>> args) {
        const basic_tensor<T> x(args[0].t), y(args[1].t);
        basic_tensor<T> c(g);
        if (red == detail::reduction_kind::mean) c = basic_tensor<T>(c / static_cast<T>(x.numel()));
        std::vector<std::shared_ptr<detail::tensor_impl<T>>> grads(2);
        if (args[0].grad) grads[0] = basic_tensor<T>((x - y) / ctgrad::clamp_min((1.0 - x) * x, 1e-12) * c).impl_ptr();
        if (args[1].grad)
            grads[1] = basic_tensor<T>((ctgrad::clamp_min(ctgrad::log1p(-x), -100.0) - ctgrad::clamp_min(ctgrad::log(x), -100.0)) * c).impl_ptr();
        return grads;
    });
    return detail::tensor_of<A>(std::move(out));
}

/// F.binary_cross_entropy_with_logits(logits, target, reduction="mean"): stable for any logit.
template <tensor_like A, tensor_like B>
auto binary_cross_entropy_with_logits(const A& input, const B& target, std::string_view reduction = "mean") {
    using T = typename A::value_type;
    const auto red = detail::parse_reduction(reduction);
    auto out = detail::make_loss<T>(
        "BinaryCrossEntropyWithLogitsBackward0", detail::impl_of(input), detail::impl_of(target), red,
        [](T x, T y) {
            const T m = std::max(-x, T(0));
            return (T(1) - y) * x + m + std::log(std::exp(-m) + std::exp(-x - m));
        },
        [](T x, T y) { return T(1) / (T(1) + std::exp(-x)) - y; }, [](T x, T) { return -x; });
    // create_graph: (sigmoid(x) - y) g and -x g (g / n for the mean) as statements
    out = ctgrad::detail::with_graph<T>(std::move(out), [red](const std::shared_ptr<detail::tensor_impl<T>>& g,
                                                              std::span<const ctgrad::detail::targ<T>> args) {
        const basic_tensor<T> x(args[0].t), y(args[1].t);
        basic_tensor<T> c(g);
        if (red == detail::reduction_kind::mean) c = basic_tensor<T>(c / static_cast<T>(x.numel()));
        std::vector<std::shared_ptr<detail::tensor_impl<T>>> grads(2);
        if (args[0].grad) grads[0] = basic_tensor<T>((ctgrad::sigmoid(x) - y) * c).impl_ptr();
        if (args[1].grad) grads[1] = basic_tensor<T>(-x * c).impl_ptr();
        return grads;
    });
    return detail::tensor_of<A>(std::move(out));
}

/// F.linear(x, weight, bias): x @ weight.T + bias; for a matrix x with a bias, one
/// AddmmBackward0 node as PyTorch (its inputs: bias, x, weight.t()).
template <tensor_like X, tensor_like W>
auto linear(const X& x, const W& weight) {
    return ctgrad::matmul(x, detail::tensor_of<W>(detail::impl_of(weight)).t());
}
template <tensor_like X, tensor_like W, tensor_like B>
auto linear(const X& x, const W& weight, const B& bias) {
    using T = typename X::value_type;
    const auto xi = detail::impl_of(x);
    const auto wt = detail::tensor_of<W>(detail::impl_of(weight)).t();
    const auto bi = detail::impl_of(bias);
    if (xi->shape.size() != 2) return detail::tensor_of<X>(ctgrad::matmul(detail::tensor_of<X>(xi), wt) + detail::tensor_of<B>(bi));
    const auto wi = wt.impl_ptr();
    if (xi->shape[1] != wi->shape[0]) ctgrad::detail::throw_mm_mismatch<T>(xi->shape, wi->shape);
    const std::size_t m = xi->shape[0], k = xi->shape[1], n = wi->shape[1];
    if (bi->numel() != n && bi->numel() != 1)
        throw error("The size of tensor a (" + std::to_string(bi->numel()) + ") must match the size of tensor b (" +
                    std::to_string(n) + ") at non-singleton dimension 1");
    return detail::tensor_of<X>(
        ctgrad::detail::make_product<T>("AddmmBackward0", tensor_size{m, n}, bi, xi, wi, m, k, n));
}

namespace detail {

/// softmax (Log = false) or log_softmax over dimension `dim`, as PyTorch: x - max, exp, sum.
template <bool Log, class T>
std::shared_ptr<tensor_impl<T>> make_softmax(const std::shared_ptr<tensor_impl<T>>& x, std::int64_t dim) {
    const std::size_t d = ctgrad::detail::wrap_dim(dim, x->shape.size());
    const auto parts = ctgrad::detail::split_at_dim(x->shape, d);
    const std::size_t outer = parts[0], n = parts[1], inner = parts[2];
    auto out = make_eager<T>(
        Log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", x->shape, {x},
        [&](std::span<T> o) {
            const T* xv = x->data();
            for (std::size_t a = 0; a != outer; ++a)
                for (std::size_t i = 0; i != inner; ++i) {
                    const auto at = [&](std::size_t k) { return (a * n + k) * inner + i; };
                    T m = xv[at(0)];
                    for (std::size_t k = 1; k < n; ++k) m = std::max(m, xv[at(k)]);
                    T s = 0;
                    for (std::size_t k = 0; k != n; ++k) s += std::exp(xv[at(k)] - m);
                    if constexpr (Log) {
                        const T ls = std::log(s);
                        for (std::size_t k = 0; k != n; ++k) o[at(k)] = xv[at(k)] - m - ls;
                    } else {
                        for (std::size_t k = 0; k != n; ++k) o[at(k)] = std::exp(xv[at(k)] - m) / s;
                    }
                }
        },
        nullptr, true);
    if (out->grad_fn) {
        // the backward reads the result (PyTorch saves it): kept by value, not by the tensor,
        // so that the node does not own the tensor that owns it
        std::vector<T> result(out->data(), out->data() + out->numel());
        static_cast<ctgrad::detail::eager_node<T>&>(*out->grad_fn).backward =
            [result = std::move(result), outer, n, inner](std::span<const T> g, std::span<T* const> in) {
                for (std::size_t a = 0; a != outer; ++a)
                    for (std::size_t i = 0; i != inner; ++i) {
                        const auto at = [&](std::size_t k) { return (a * n + k) * inner + i; };
                        T s = 0;
                        for (std::size_t k = 0; k != n; ++k) s += Log ? g[at(k)] : g[at(k)] * result[at(k)];
                        for (std::size_t k = 0; k != n; ++k)
                            in[0][at(k)] += Log ? g[at(k)] - std::exp(result[at(k)]) * s : result[at(k)] * (g[at(k)] - s);
                    }
            };
        // create_graph: the same formulas as tensor operations, with the result computed again
        // from the input (so that it is differentiated too)
        out = ctgrad::detail::with_graph<T>(std::move(out), [d](const std::shared_ptr<tensor_impl<T>>& g,
                                                                 std::span<const ctgrad::detail::targ<T>> args) {
            const basic_tensor<T> y(make_softmax<Log, T>(args[0].t, static_cast<std::int64_t>(d)));
            const basic_tensor<T> gt(g);
            const auto di = static_cast<std::int64_t>(d);
            if constexpr (Log) return std::vector<std::shared_ptr<tensor_impl<T>>>{basic_tensor<T>(gt - ctgrad::exp(y) * gt.sum(di, true)).impl_ptr()};
            else return std::vector<std::shared_ptr<tensor_impl<T>>>{basic_tensor<T>(y * (gt - basic_tensor<T>(gt * y).sum(di, true))).impl_ptr()};
        });
    }
    return out;
}

}  // namespace detail

/// F.softmax(x, dim) and F.log_softmax(x, dim) (also torch.softmax, torch.log_softmax).
template <tensor_like A>
auto softmax(const A& x, std::int64_t dim) {
    return detail::tensor_of<A>(detail::make_softmax<false>(detail::impl_of(x), dim));
}
template <tensor_like A>
auto log_softmax(const A& x, std::int64_t dim) {
    return detail::tensor_of<A>(detail::make_softmax<true>(detail::impl_of(x), dim));
}

namespace detail {

/// Which element of each row nll_loss reads, and how its gradient is scaled: the class of
/// each row, whether the row counts (its target is not ignore_index), the row's class weight
/// (1 without weights) and the denominator of the mean (the sum of the weights counted).
struct nll_picks {
    std::vector<std::size_t> cls;
    std::vector<bool> used;
    std::vector<double> w;  // exact: each is a value of the loss's own dtype
    double total_weight;
    std::size_t n, classes;
    reduction_kind red;
    tensor_size input_shape, output_shape;

    /// nll_loss's forward form, in ATen's order: o = -v[i, cls[i]] * w[i], summed over the
    /// rows and divided by the total weight for the mean.
    template <class T>
    void gather(const T* v, T* o) const {
        if (red == reduction_kind::none) {
            for (std::size_t i = 0; i != n; ++i) o[i] = used[i] ? -v[i * classes + cls[i]] * static_cast<T>(w[i]) : T(0);
            return;
        }
        T total = 0;
        for (std::size_t i = 0; i != n; ++i)
            if (used[i]) total -= v[i * classes + cls[i]] * static_cast<T>(w[i]);
        o[0] = red == reduction_kind::mean ? total / static_cast<T>(total_weight) : total;
    }
    /// Its backward form, added into in: in[i, cls[i]] += -(g / total weight) * w[i] (mean),
    /// -g * w[i] (sum) or -g[i] * w[i] (none); +0 everywhere else, as PyTorch scatters into zeros.
    template <class T>
    void scatter_add(const T* g, T* in) const {
        for (std::size_t k = 0; k != n * classes; ++k) in[k] += T(0);
        for (std::size_t i = 0; i != n; ++i) {
            if (!used[i]) continue;
            const T gi = red == reduction_kind::none ? -g[i]
                         : red == reduction_kind::mean ? -(g[0] / static_cast<T>(total_weight)) : -g[0];
            in[i * classes + cls[i]] += gi * static_cast<T>(w[i]);
        }
    }
};
template <class T>
std::shared_ptr<tensor_impl<T>> make_nll_pick(const std::shared_ptr<tensor_impl<T>>& g, const nll_picks& p, bool scatter);

/// PyTorch's check of nll_loss's class weights: one per class, none requiring grad.
template <class T>
void check_class_weight(const basic_tensor<T>& weight, std::size_t classes) {
    if (!weight.defined()) return;
    if (weight.dim() != 1 || weight.numel() != classes)
        throw ctgrad::error("weight tensor should be defined either for all " + std::to_string(classes) +
                            " classes or no classes but got weight tensor of shape: " + weight.shape().str());
    if (weight.requires_grad() && is_grad_enabled())
        throw ctgrad::error("The function 'nll_loss_forward' is not differentiable with respect to argument 'weight'. "
                            "This input cannot have requires_grad True.");
}

/// nll_loss of log-probabilities x ([N, C], or [C] with a 0-dimensional target) and class
/// indices: -w[target[i]] * x[i, target[i]], skipping ignore_index; "mean" divides by the sum
/// of the weights of the targets not ignored (their number without weights; NaN when there
/// is none, as PyTorch).
template <class T>
std::shared_ptr<tensor_impl<T>> make_nll_loss(const std::shared_ptr<tensor_impl<T>>& x, const LongTensor& target,
                                              const basic_tensor<T>& weight, reduction_kind red,
                                              std::int64_t ignore_index) {
    const tensor_size s = x->shape;
    if (s.size() != 1 && s.size() != 2)
        throw ctgrad::error("ctgrad: nll_loss and cross_entropy take an input of shape [N, C] or [C] (got " +
                            std::to_string(s.size()) + " dimensions)");
    const bool batched = s.size() == 2;
    const std::size_t n = batched ? s[0] : 1, classes = batched ? s[1] : s[0];
    const tensor_size ts = target.shape();
    const std::size_t tn = ts.size() == 0 ? 0 : ts[0];
    if (batched && tn != n)
        throw ctgrad::value_error("Expected input batch_size (" + std::to_string(n) + ") to match target batch_size (" +
                                  std::to_string(tn) + ").");
    if (ts.size() > 1) throw ctgrad::error("0D or 1D target tensor expected, multi-target not supported");
    if (!batched && ts.size() != 0)
        throw ctgrad::error("size mismatch (got input: " + s.str() + ", target: " + ts.str() + ")");
    check_class_weight(weight, classes);
    const auto tv = target.values();
    const T* wv = weight.defined() ? weight.values().data() : nullptr;
    nll_picks p{std::vector<std::size_t>(n), std::vector<bool>(n), std::vector<double>(n, 1.0), 0.0, n, classes,
                red, s,
                red == reduction_kind::none ? (batched ? tensor_size{n} : tensor_size{}) : tensor_size{}};
    T total_weight = 0;
    for (std::size_t i = 0; i != n; ++i) {
        p.used[i] = tv[i] != ignore_index;
        if (!p.used[i]) continue;
        if (tv[i] < 0 || tv[i] >= static_cast<std::int64_t>(classes))
            throw ctgrad::index_error("Target " + std::to_string(tv[i]) + " is out of bounds.");
        p.cls[i] = static_cast<std::size_t>(tv[i]);
        if (wv != nullptr) p.w[i] = static_cast<double>(wv[p.cls[i]]);
        total_weight += static_cast<T>(p.w[i]);
    }
    p.total_weight = static_cast<double>(total_weight);
    auto out = make_eager<T>(
        "NllLossBackward0", p.output_shape, {x}, [&](std::span<T> o) { p.gather(x->data(), o.data()); },
        [p](std::span<const T> g, std::span<T* const> in) { p.scatter_add(g.data(), in[0]); }, false);
    return ctgrad::detail::with_graph<T>(std::move(out), [p](const std::shared_ptr<tensor_impl<T>>& g,
                                                             std::span<const ctgrad::detail::targ<T>>) {
        return std::vector<std::shared_ptr<tensor_impl<T>>>{make_nll_pick<T>(g, p, true)};
    });
}

/// create_graph: nll_loss's gradient as an operation of the output's gradient g (scatter =
/// true: its backward form into zeros) and its adjoint, nll_loss's forward form applied to g
/// (scatter = false); each is the other's gradient, as nll_loss_backward's is nll_loss.
template <class T>
std::shared_ptr<tensor_impl<T>> make_nll_pick(const std::shared_ptr<tensor_impl<T>>& g, const nll_picks& p, bool scatter) {
    auto out = make_eager<T>(
        scatter ? "NllLossBackwardBackward0" : "NllLossBackward0", scatter ? p.input_shape : p.output_shape, {g},
        [&](std::span<T> o) {
            if (scatter) p.scatter_add(g->data(), o.data());
            else p.gather(g->data(), o.data());
        },
        [p, scatter](std::span<const T> gg, std::span<T* const> in) {
            if (scatter) {
                std::vector<T> picked(p.output_shape.numel());
                p.gather(gg.data(), picked.data());
                for (std::size_t k = 0; k != picked.size(); ++k) in[0][k] += picked[k];
            } else {
                p.scatter_add(gg.data(), in[0]);
            }
        },
        false);
    return ctgrad::detail::with_graph<T>(std::move(out), [p, scatter](const std::shared_ptr<tensor_impl<T>>& gg,
                                                                       std::span<const ctgrad::detail::targ<T>>) {
        return std::vector<std::shared_ptr<tensor_impl<T>>>{make_nll_pick<T>(gg, p, !scatter)};
    });
}

template <class A>
using value_t = typename std::remove_cvref_t<A>::value_type;

/// t * k or t / k as ATen's mul(Tensor, Scalar) and div(Tensor, Scalar) inside a composite
/// loss: one MulBackward1 or DivBackward1 node, as PyTorch records them.
template <bool Divide, class T>
basic_tensor<T> scalar_node(const basic_tensor<T>& t, T k) {
    const auto x = t.impl_ptr();
    auto out = make_eager<T>(
        Divide ? "DivBackward1" : "MulBackward1", x->shape, {x},
        [&](std::span<T> o) {
            for (std::size_t i = 0; i != o.size(); ++i) o[i] = Divide ? x->data()[i] / k : x->data()[i] * k;
        },
        [k](std::span<const T> g, std::span<T* const> in) {
            for (std::size_t i = 0; i != g.size(); ++i) in[0][i] += Divide ? g[i] / k : g[i] * k;
        },
        false);
    return basic_tensor<T>(ctgrad::detail::with_graph<T>(
        std::move(out), [k](const std::shared_ptr<tensor_impl<T>>& g, std::span<const ctgrad::detail::targ<T>>) {
            return std::vector<std::shared_ptr<tensor_impl<T>>>{scalar_node<Divide>(basic_tensor<T>(g), k).impl_ptr()};
        }));
}

/// cross_entropy with label smoothing and class indices, built as PyTorch 1.13 builds it:
/// (1 - eps) * nll_loss(logp) + eps / C * (the loss of a uniform target), the second term
/// -sum_c w_c logp[i, c] per row, zero where the target is ignored, and for the mean divided by
/// the number of rows counted (by the sum of their class weights with weights).
template <class T>
basic_tensor<T> smoothed_cross_entropy(const basic_tensor<T>& logp, const LongTensor& target,
                                       const basic_tensor<T>& weight, reduction_kind red, std::int64_t ignore_index,
                                       double eps) {
    const std::int64_t class_dim = logp.dim() == 1 ? 0 : 1;
    const std::size_t classes = logp.shape()[static_cast<std::size_t>(class_dim)];
    const basic_tensor<T> nll(make_nll_loss(logp.impl_ptr(), target, weight, red, ignore_index));
    basic_tensor<T> smooth;
    if (weight.defined()) {
        const basic_tensor<T> w = logp.dim() == 1 ? weight : weight.view({1, static_cast<std::int64_t>(classes)});
        smooth = -basic_tensor<T>((logp * w).sum(class_dim, false));
    } else {
        smooth = -basic_tensor<T>(logp.sum(class_dim, false));
    }
    const BoolTensor ignored = target == ignore_index;
    smooth = where(ignored, T(0), smooth);
    basic_tensor<T> ret;
    if (red == reduction_kind::mean) {
        if (weight.defined()) {
            const auto tv = target.values();
            const auto wv = weight.values();
            T weight_sum = 0;
            for (std::size_t i = 0; i != tv.size(); ++i)
                if (tv[i] != ignore_index) weight_sum += wv[static_cast<std::size_t>(tv[i])];
            ret = smooth.sum() / weight_sum;
        } else {
            ret = smooth.index({~ignored}).mean();
        }
    } else if (red == reduction_kind::sum) {
        ret = smooth.sum();
    } else {
        ret = smooth;
    }
    return basic_tensor<T>(scalar_node<false>(nll, static_cast<T>(1 - eps)) +
                           scalar_node<false>(ret, static_cast<T>(eps / static_cast<double>(classes))));
}

/// cross_entropy with class probabilities (a target of the input's shape), as PyTorch 1.13:
/// -(logp * target [* w]) summed over the classes, for the mean over all elements divided by the
/// number of rows; label smoothing mixes the target with the uniform distribution first.
template <class T>
basic_tensor<T> soft_cross_entropy(const basic_tensor<T>& logp, basic_tensor<T> target,
                                   const basic_tensor<T>& weight, reduction_kind red, double eps) {
    const std::int64_t class_dim = logp.dim() == 1 ? 0 : 1;
    const std::size_t classes = logp.shape()[static_cast<std::size_t>(class_dim)];
    check_class_weight(weight, classes);
    if (eps > 0)
        target = target * static_cast<T>(1 - eps) + static_cast<T>(eps / static_cast<double>(classes));
    basic_tensor<T> terms = logp * target;
    if (weight.defined())
        terms = terms * (logp.dim() == 1 ? weight : weight.view({1, static_cast<std::int64_t>(classes)}));
    if (red == reduction_kind::none) return -basic_tensor<T>(terms.sum(class_dim, false));
    basic_tensor<T> total = -basic_tensor<T>(terms.sum());
    if (red == reduction_kind::sum) return total;
    if (logp.numel() == 0) return scalar_node<true>(total, std::numeric_limits<T>::quiet_NaN());
    return scalar_node<true>(total, static_cast<T>(logp.numel() / classes));
}

}  // namespace detail

/// F.nll_loss(log_probabilities, target, weight=None, reduction="mean", ignore_index=-100):
/// input [N, C] with a target of N class indices, or [C] with a 0-dimensional one
/// (NllLossBackward0); `weight`, when defined, holds one weight per class.
template <tensor_like A>
auto nll_loss(const A& input, const LongTensor& target, const basic_tensor<detail::value_t<A>>& weight,
              std::string_view reduction = "mean", std::int64_t ignore_index = -100) {
    return ctgrad::detail::tensor_of<A>(detail::make_nll_loss(ctgrad::detail::impl_of(input), target, weight,
                                                              detail::parse_reduction(reduction), ignore_index));
}
template <tensor_like A>
auto nll_loss(const A& input, const LongTensor& target, std::string_view reduction = "mean",
              std::int64_t ignore_index = -100) {
    return nll_loss(input, target, basic_tensor<detail::value_t<A>>(), reduction, ignore_index);
}

/// The keyword arguments of F.cross_entropy, for `F::cross_entropy(x, y, {.label_smoothing = 0.1})`.
template <class T>
struct cross_entropy_options {
    basic_tensor<T> weight{};
    std::string_view reduction = "mean";
    std::int64_t ignore_index = -100;
    double label_smoothing = 0.0;
};

/// F.cross_entropy(logits, target, weight=None, reduction="mean", ignore_index=-100,
/// label_smoothing=0.0) with class indices: nll_loss(log_softmax(logits, class dimension),
/// target), as PyTorch builds it; with label smoothing, PyTorch's composite (AddBackward0).
template <tensor_like A>
auto cross_entropy(const A& input, const LongTensor& target,
                   const cross_entropy_options<std::type_identity_t<detail::value_t<A>>>& options) {
    using T = detail::value_t<A>;
    const auto red = detail::parse_reduction(options.reduction);
    if (options.label_smoothing > 1.0)
        throw ctgrad::error("label_smoothing must be between 0.0 and 1.0. Got: " +
                            ctgrad::python_repr(options.label_smoothing));
    const basic_tensor<T> x = ctgrad::detail::tensor_of<A>(ctgrad::detail::impl_of(input));
    const std::int64_t class_dim = x.dim() == 1 ? 0 : 1;
    const basic_tensor<T> logp = log_softmax(x, class_dim);
    if (options.label_smoothing > 0.0)
        return detail::smoothed_cross_entropy(logp, target, options.weight, red, options.ignore_index,
                                              options.label_smoothing);
    return basic_tensor<T>(detail::make_nll_loss(logp.impl_ptr(), target, options.weight, red, options.ignore_index));
}
template <tensor_like A>
auto cross_entropy(const A& input, const LongTensor& target, const basic_tensor<detail::value_t<A>>& weight,
                   std::string_view reduction = "mean", std::int64_t ignore_index = -100,
                   double label_smoothing = 0.0) {
    return cross_entropy(input, target, {weight, reduction, ignore_index, label_smoothing});
}
template <tensor_like A>
auto cross_entropy(const A& input, const LongTensor& target, std::string_view reduction = "mean",
                   std::int64_t ignore_index = -100) {
    return cross_entropy(input, target, {basic_tensor<detail::value_t<A>>(), reduction, ignore_index, 0.0});
}

/// F.cross_entropy with class probabilities: a floating-point target of the input's shape
/// (ignore_index must stay negative, as PyTorch asks).
template <tensor_like A>
auto cross_entropy(const A& input, const basic_tensor<detail::value_t<A>>& target,
                   const cross_entropy_options<std::type_identity_t<detail::value_t<A>>>& options = {}) {
    using T = detail::value_t<A>;
    const basic_tensor<T> x = ctgrad::detail::tensor_of<A>(ctgrad::detail::impl_of(input));
    if (!(x.shape() == target.shape())) {
        if (target.dim() > 1) throw ctgrad::error("0D or 1D target tensor expected, multi-target not supported");
        throw ctgrad::error(std::string("expected scalar type Long but found ") +
                            (std::is_same_v<T, double> ? "Double" : "Float"));
    }
    if (options.ignore_index >= 0) throw ctgrad::error("ignore_index is not supported for floating point target");
    if (options.label_smoothing > 1.0)
        throw ctgrad::error("label_smoothing must be between 0.0 and 1.0. Got: " +
                            ctgrad::python_repr(options.label_smoothing));
    const std::int64_t class_dim = x.dim() == 1 ? 0 : 1;
    return detail::soft_cross_entropy(log_softmax(x, class_dim), target, options.weight,
                                      detail::parse_reduction(options.reduction), options.label_smoothing);
}

/// A probability target of the other dtype (PyTorch would promote it): one sentence.
template <tensor_like A, class U>
    requires(!std::is_same_v<U, detail::value_t<A>>)
auto cross_entropy(const A& input, const basic_tensor<U>& target,
                   const cross_entropy_options<std::type_identity_t<detail::value_t<A>>>& options = {}) {
    static_assert(std::is_same_v<U, detail::value_t<A>>,
                  "ctgrad: cross_entropy's probability target must have the input's dtype (float or double); "
                  "convert it with target.to<float>() or target.to<double>()");
    return cross_entropy(input, target.template to<detail::value_t<A>>(), options);
}

}  // namespace ctgrad::nn::functional

#endif
