// Operations computed eagerly, outside the fused statements: broadcasting a tensor to a larger
// shape, shape changes, products and reductions over a dimension. Each keeps an eager_node,
// a grad_fn whose backward is a function of the output's gradient that adds into the inputs'
// gradients, run by the same engine as the statements' nodes (autograd/storage.hpp).
#ifndef CTGRAD_AUTOGRAD_EAGER_HPP
#define CTGRAD_AUTOGRAD_EAGER_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/errors.hpp>
#include <ctgrad/autograd/grad_fn.hpp>
#include <ctgrad/autograd/grad_mode.hpp>
#include <ctgrad/autograd/shape.hpp>
#include <ctgrad/autograd/storage.hpp>
#include <ctgrad/autograd/torch_names.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace ctgrad {

namespace detail {

/// An eagerly computed operation's grad_fn: `backward(grad_out, grad_in)` adds the
/// vector-Jacobian product with the output's gradient into grad_in[k] (null for an input
/// that takes no gradient).
template <class T>
struct eager_node final : node<T> {
    using backward_fn = std::function<void(std::span<const T>, std::span<T* const>)>;
    /// The backward as tensor operations, for create_graph: the gradients of the inputs (one
    /// per input, empty for none) from the output's gradient; the inputs are passed, not kept.
    using graph_fn = std::function<std::vector<std::shared_ptr<tensor_impl<T>>>(const std::shared_ptr<tensor_impl<T>>&,
                                                                                std::span<const targ<T>>)>;

    eager_node(std::string name, std::vector<targ<T>> inputs, std::size_t out_numel, backward_fn bw, bool reads_values,
               bool transparent = false)
        : op_name(std::move(name)), args(std::move(inputs)), numel(out_numel), backward(std::move(bw)),
          reads_values_(reads_values), transparent_(transparent) {}

    std::string op_name;
    std::vector<targ<T>> args;
    std::size_t numel;
    backward_fn backward;
    graph_fn graph_backward;  ///< empty: create_graph is not supported through this node
    bool reads_values_;
    bool transparent_;
    bool released = false;

    [[nodiscard]] std::string name() const override { return op_name; }
    [[nodiscard]] bool transparent() const override { return transparent_; }
    [[nodiscard]] ctgrad::grad_fn describe() const override {
        std::vector<grad_fn::edge> next;
        for (const targ<T>& a : args)
            if (a.t) next.push_back({a.grad ? describe_tensor(a) : grad_fn{}, 0});
        return {op_name, this->id(), std::move(next)};
    }
    [[nodiscard]] std::span<const targ<T>> inputs() const override { return args; }
    void take_inputs(std::vector<std::shared_ptr<tensor_impl<T>>>& out) override {
        for (targ<T>& a : args)
            if (a.t) out.push_back(std::move(a.t));
    }
    void apply(const T* g, std::size_t stride, engine<T>& eng, bool retain_graph) override {
        if (released) throw_second_backward();
        if (reads_values_) check_saved_versions<T>(args);
        std::vector<T> expanded;
        if (stride == 0) {
            expanded.assign(numel, g[0]);
            g = expanded.data();
        }
        eng.lock_direct_leaves(args);
        const struct unlock {
            engine<T>& e;
            ~unlock() { e.unlock_direct_leaves(); }
        } unlock_at_exit{eng};
        std::vector<T*> sinks(args.size());
        for (std::size_t k = 0; k != args.size(); ++k) sinks[k] = eng.sink(args[k]);
        backward(std::span<const T>(g, numel), sinks);
        if (!retain_graph && reads_values_) released = true;
    }
    void apply_graph(const std::shared_ptr<tensor_impl<T>>& g, std::vector<std::shared_ptr<tensor_impl<T>>>& out) override {
        if (released) throw_second_backward();
        if (!graph_backward) this->throw_no_graph_backward(op_name);
        if (reads_values_) check_saved_versions<T>(args);
        out = graph_backward(g, args);
        out.resize(args.size());
        for (std::size_t k = 0; k != args.size(); ++k)
            if (!args[k].grad) out[k] = nullptr;
    }
};

/// Gives the eager node behind `out` (if any) its backward as tensor operations; returns out.
template <class T>
std::shared_ptr<tensor_impl<T>> with_graph(std::shared_ptr<tensor_impl<T>> out, typename eager_node<T>::graph_fn f) {
    if (out->grad_fn)
        if (auto* n = dynamic_cast<eager_node<T>*>(out->grad_fn.get())) n->graph_backward = std::move(f);
    return out;
}

template <class T>
std::shared_ptr<tensor_impl<T>> make_expand(const std::shared_ptr<tensor_impl<T>>& t, const tensor_size& shape,
                                            bool transparent);

/// The strides (in elements) of a contiguous tensor of shape `from` read as shape `to` (rank
/// of `to`): 0 along the dimensions that broadcast.
inline std::array<std::size_t, tensor_size::max_rank> broadcast_strides(const tensor_size& from, const tensor_size& to) {
    std::array<std::size_t, tensor_size::max_rank> strides{};
    std::size_t stride = 1;
    for (std::size_t j = 0; j != from.size(); ++j) {  // j counts from the last dimension
        const std::size_t d = from[from.size() - 1 - j];
        strides[to.size() - 1 - j] = d == 1 ? 0 : stride;
        stride *= d;
    }
    return strides;
}

/// Calls f(i, k) for every element i of shape `to` in order, k being the element of the
/// contiguous tensor with shape `from` that broadcasts to it.
template <class F>
void for_each_broadcast(const tensor_size& from, const tensor_size& to, F&& f) {
    const auto strides = broadcast_strides(from, to);
    std::array<std::size_t, tensor_size::max_rank> dims{1, 1, 1, 1}, st{};
    const std::size_t pad = tensor_size::max_rank - to.size();
    for (std::size_t j = 0; j != to.size(); ++j) {
        dims[pad + j] = to[j];
        st[pad + j] = strides[j];
    }
    std::size_t i = 0;
    for (std::size_t a = 0; a != dims[0]; ++a)
        for (std::size_t b = 0; b != dims[1]; ++b)
            for (std::size_t c = 0; c != dims[2]; ++c) {
                const std::size_t base = a * st[0] + b * st[1] + c * st[2];
                for (std::size_t e = 0; e != dims[3]; ++e) f(i++, base + e * st[3]);
            }
}

/// For each element of `to`, the element of a tensor of shape `from` broadcast to it.
inline std::vector<std::size_t> broadcast_index(const tensor_size& from, const tensor_size& to) {
    std::vector<std::size_t> idx(to.numel());
    for_each_broadcast(from, to, [&](std::size_t i, std::size_t k) { idx[i] = k; });
    return idx;
}

/// Whether a tensor's gradient is wanted: it requires grad and grad mode is on.
template <class T>
bool wants_grad(const tensor_impl<T>& t) {
    return t.requires_grad && is_grad_enabled();
}

/// A new tensor of shape `shape` computed from `inputs`: `fill(out)` writes its values; when
/// an input requires grad (and grad mode is on), the result keeps an eager_node named `name`
/// with `backward`. `reads_values`: the backward reads the inputs' values (then modifying them
/// in place before it runs raises, as in PyTorch).
template <class T, class Fill>
std::shared_ptr<tensor_impl<T>> make_eager(std::string name, const tensor_size& shape,
                                           std::vector<std::shared_ptr<tensor_impl<T>>> inputs, Fill&& fill,
                                           typename eager_node<T>::backward_fn backward, bool reads_values = true,
                                           bool transparent = false) {
    auto out = new_impl<T>(shape);
    fill(std::span<T>(out->data(), out->numel()));
    bool grad = false;
    for (const auto& t : inputs) grad = grad || wants_grad(*t);
    if (!grad) return out;
    std::vector<targ<T>> args;
    args.reserve(inputs.size());
    for (auto& t : inputs) {
        const bool g = wants_grad(*t);
        const std::uint64_t version = *t->version;
        args.push_back(targ<T>{std::move(t), T(0), version, g});
    }
    out->requires_grad = true;
    out->grad_fn = std::make_shared<eager_node<T>>(std::move(name), std::move(args), out->numel(), std::move(backward),
                                                   reads_values, transparent);
    return out;
}

/// A view of `t` with another shape and the same elements: it shares t's storage and version
/// counter, as PyTorch's views do.
template <class T>
std::shared_ptr<tensor_impl<T>> make_view(std::string name, const std::shared_ptr<tensor_impl<T>>& t, const tensor_size& shape) {
    auto out = std::make_shared<tensor_impl<T>>();
    out->storage = t->storage;
    out->version = t->version;
    out->shape = shape;
    if (!wants_grad(*t)) return out;
    out->requires_grad = true;
    const std::size_t n = t->numel();
    out->grad_fn = std::make_shared<eager_node<T>>(
        std::move(name), std::vector<targ<T>>{targ<T>{t, T(0), *t->version, true}}, n,
        [n](std::span<const T> g, std::span<T* const> in) {
            for (std::size_t i = 0; i != n; ++i) in[0][i] += g[i];
        },
        false);
    const tensor_size from = t->shape;
    return with_graph<T>(std::move(out), [from](const std::shared_ptr<tensor_impl<T>>& g, std::span<const targ<T>>) {
        // PyTorch's backward of a view reshapes the gradient: ReshapeAliasBackward0
        return std::vector<std::shared_ptr<tensor_impl<T>>>{make_view<T>("ReshapeAliasBackward0", g, from)};
    });
}

/// g (of a shape that `to` broadcasts to) summed back to shape `to`: the gradient of a
/// broadcast, itself differentiable (its gradient is the broadcast again).
template <class T>
std::shared_ptr<tensor_impl<T>> make_sum_to(const std::shared_ptr<tensor_impl<T>>& g, const tensor_size& to) {
    const tensor_size from = g->shape;
    if (from == to) return g;
    auto out = make_eager<T>(
        "SumBackward1", to, {g},
        [&](std::span<T> out) {
            const T* in = g->data();
            for_each_broadcast(to, from, [&](std::size_t i, std::size_t k) { out[k] += in[i]; });
        },
        [to, from](std::span<const T> gg, std::span<T* const> in) {
            for_each_broadcast(to, from, [&](std::size_t i, std::size_t k) { in[0][i] += gg[k]; });
        },
        false);
    return with_graph<T>(std::move(out), [from](const std::shared_ptr<tensor_impl<T>>& gg, std::span<const targ<T>>) {
        return std::vector<std::shared_ptr<tensor_impl<T>>>{make_expand<T>(gg, from, false)};
    });
}

/// t's values broadcast to `shape` (a copy); its gradient sums over the broadcast dimensions.
/// `transparent`: an operand's broadcast inside a statement, which grad_fn does not show.
template <class T>
std::shared_ptr<tensor_impl<T>> make_expand(const std::shared_ptr<tensor_impl<T>>& t, const tensor_size& shape,
                                            bool transparent) {
    const tensor_size from = t->shape;
    auto out = make_eager<T>(
        "ExpandBackward0", shape, {t},
        [&](std::span<T> out) {
            const T* in = t->data();
            for_each_broadcast(from, shape, [&](std::size_t i, std::size_t k) { out[i] = in[k]; });
        },
        [from, shape](std::span<const T> g, std::span<T* const> in) {
            T* sink = in[0];
            for_each_broadcast(from, shape, [&](std::size_t i, std::size_t k) { sink[k] += g[i]; });
        },
        false, transparent);
    return with_graph<T>(std::move(out), [from](const std::shared_ptr<tensor_impl<T>>& g, std::span<const targ<T>>) {
        return std::vector<std::shared_ptr<tensor_impl<T>>>{make_sum_to<T>(g, from)};
    });
}

/// t's elements picked by `map` (element i of the result is t's element map[i]), shape
/// `shape` (gather), or g's elements added into zeros of shape `shape` at map (scatter, the
/// gradient of the gather): each is the other's gradient, so both can be differentiated again.
template <class T>
std::shared_ptr<tensor_impl<T>> make_index_map(std::string name, const std::shared_ptr<tensor_impl<T>>& t,
                                               std::shared_ptr<const std::vector<std::size_t>> map, const tensor_size& shape,
                                               bool scatter) {
    const tensor_size from = t->shape;
    auto out = make_eager<T>(
        name, shape, {t},
        [&](std::span<T> o) {
            const std::vector<std::size_t>& m = *map;
            if (scatter)
                for (std::size_t i = 0; i != m.size(); ++i) o[m[i]] += t->data()[i];
            else
                for (std::size_t i = 0; i != m.size(); ++i) o[i] = t->data()[m[i]];
        },
        [map, scatter](std::span<const T> g, std::span<T* const> in) {
            const std::vector<std::size_t>& m = *map;
            if (scatter)
                for (std::size_t i = 0; i != m.size(); ++i) in[0][i] += g[m[i]];
            else
                for (std::size_t i = 0; i != m.size(); ++i) in[0][m[i]] += g[i];
        },
        false);
    return with_graph<T>(std::move(out), [name, map, from, scatter](const std::shared_ptr<tensor_impl<T>>& g, std::span<const targ<T>>) {
        return std::vector<std::shared_ptr<tensor_impl<T>>>{
            make_index_map<T>(scatter ? name : name.substr(0, name.size() - 1) + "Backward0", g, map, from, !scatter)};
    });
}

/// g where `mask` is `keep`, 0 elsewhere (a gradient routed by a condition); its gradient is
/// the same mask.
template <class T>
std::shared_ptr<tensor_impl<T>> make_masked(const std::shared_ptr<tensor_impl<T>>& g, std::shared_ptr<const std::vector<bool>> mask) {
    auto out = make_eager<T>(
        "WhereBackward0", g->shape, {g},
        [&](std::span<T> o) {
            for (std::size_t i = 0; i != o.size(); ++i) o[i] = (*mask)[i] ? g->data()[i] : T(0);
        },
        [mask](std::span<const T> gg, std::span<T* const> in) {
            for (std::size_t i = 0; i != gg.size(); ++i) in[0][i] += (*mask)[i] ? gg[i] : T(0);
        },
        false);
    return with_graph<T>(std::move(out), [mask](const std::shared_ptr<tensor_impl<T>>& gg, std::span<const targ<T>>) {
        return std::vector<std::shared_ptr<tensor_impl<T>>>{make_masked<T>(gg, mask)};
    });
}

/// Broadcasting inside a statement: a slot that holds neither one element nor the result's
/// number of elements reads a copy of its tensor broadcast to the result's shape.
template <class T, class Args>
void broadcast_slots(Args& args, const tensor_size& shape) {
    const std::size_t n = shape.numel();
    for (targ<T>& a : args) {
        if (!a.t || a.t->numel() == 1 || a.t->numel() == n) continue;
        a.t = make_expand<T>(a.t, shape, true);
        a.version = 0;
        a.grad = a.t->requires_grad;
    }
}

}  // namespace detail

}  // namespace ctgrad

#endif
