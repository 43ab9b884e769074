// create_graph=True: a backward pass whose gradients are tensors recorded in the graph, so
// that they can be differentiated again (second derivatives, Hessian-vector products,
// gradient penalties).
//
// A statement's backward is, for each operand K that takes a gradient, the statement
// `g * d(E)/d(slot K)`: the compile-time derivative of the statement's expression, evaluated
// by the same fused loops over the same operands and recorded like any statement. A
// reduction's operand takes the coefficient of the reduction (g, or g / n for a mean) times
// the derivative of its body; a slot of one element read by every element takes the sum.
// Such gradient statements can be differentiated once more, not with create_graph again.
// An eager operation's backward under create_graph is its graph_backward, written with
// other operations (the gradient of a broadcast is a sum back to its shape and the other
// way round, of a view a view, of a product products). The pass itself runs as backward()
// does, the node created last first, with grad mode on.
#ifndef CTGRAD_AUTOGRAD_CREATE_GRAPH_HPP
#define CTGRAD_AUTOGRAD_CREATE_GRAPH_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/eager.hpp>
#include <ctgrad/autograd/errors.hpp>
#include <ctgrad/autograd/grad_mode.hpp>
#include <ctgrad/autograd/slots.hpp>
#include <ctgrad/autograd/statement.hpp>
#include <ctgrad/autograd/storage.hpp>
#include <ctgrad/autograd/tensor.hpp>
#include <ctgrad/diff/derivative.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ctgrad {

namespace detail {

/// E with its slots renumbered 0, 1, ... in preorder, so that each occurs once (a statement's
/// form); slot_sources<E>[j] is the slot that occurrence j was.
template <class E, std::size_t Off> struct renumber { using type = E; };
template <fixed_string N, std::size_t Off> struct renumber<variable<N>, Off> { using type = tslot<Off>; };
template <class Op, class A, std::size_t Off>
struct renumber<unary<Op, A>, Off> { using type = unary<Op, typename renumber<A, Off>::type>; };
template <class Op, class L, class R, std::size_t Off>
struct renumber<binary<Op, L, R>, Off> {
    using type = binary<Op, typename renumber<L, Off>::type, typename renumber<R, Off + slot_count<L>>::type>;
};

template <class E>
constexpr void fill_slot_sources(std::size_t* out, std::size_t& i) {
    if constexpr (is_variable<E>) out[i++] = tslot_index<E>;
    else if constexpr (is_unary<E>) fill_slot_sources<typename E::operand_type>(out, i);
    else if constexpr (is_binary<E>) {
        fill_slot_sources<typename E::left_type>(out, i);
        fill_slot_sources<typename E::right_type>(out, i);
    }
}
template <class E>
inline constexpr auto slot_sources = [] {
    std::array<std::size_t, slot_count<E>> s{};
    std::size_t i = 0;
    fill_slot_sources<E>(s.data(), i);
    return s;
}();

/// E with variable From replaced by To.
template <class E, class From, class To> struct replace_variable { using type = E; };
template <class From, class To> struct replace_variable<From, From, To> { using type = To; };
template <class Op, class A, class From, class To>
struct replace_variable<unary<Op, A>, From, To> { using type = unary<Op, typename replace_variable<A, From, To>::type>; };
template <class Op, class L, class R, class From, class To>
struct replace_variable<binary<Op, L, R>, From, To> {
    using type = binary<Op, typename replace_variable<L, From, To>::type, typename replace_variable<R, From, To>::type>;
};

/// Why a statement's node has no create_graph backward.
[[noreturn]] inline void throw_no_statement_graph(const std::string& name, bool gradient) {
    if (gradient)
        throw error("ctgrad: create_graph=True through a gradient computed with create_graph=True (a third "
                    "derivative) is not supported; such a gradient can be differentiated once");
    throw error("ctgrad: create_graph=True through " + name +
                " needs the statements' differentiable backward: define CTGRAD_CREATE_GRAPH to 1 before including "
                "ctgrad, in every translation unit");
}

/// A statement operand reading tensor t as it is now.
template <class T>
targ<T> graph_operand(const std::shared_ptr<tensor_impl<T>>& t) {
    return targ<T>{t, T(0), *t->version, wants_grad(*t)};
}
/// Operand a of a recorded statement, read again now (a number stays a number).
template <class T>
targ<T> graph_operand(const targ<T>& a) {
    if (!a.t) return targ<T>{nullptr, a.number, 0, false};
    return graph_operand<T>(a.t);
}

/// The tensor of statement D (slot j of D reads operands[j]) over `domain` elements with
/// `shape`; recorded (when it requires grad) as a gradient statement (graph_mode::gradient).
template <class T, class D>
std::shared_ptr<tensor_impl<T>> graph_statement(std::span<const targ<T>> operands, const tensor_size& shape,
                                                std::size_t domain) {
    static_assert(!has_state<D>, "ctgrad: internal: a gradient statement holds no run-time number");
    if constexpr (is_zero<D>) {
        return new_impl<T>(shape);
    } else if constexpr (is_variable<D>) {  // the operand itself (broadcast to the shape)
        const targ<T>& a = operands[tslot_index<D>];
        if (!a.t) return new_impl<T>(shape, a.number);
        if (a.t->numel() == shape.numel()) return a.t;
        return make_expand<T>(a.t, shape, false);
    } else if constexpr (slot_count<D> > max_statement_slots) {
        throw error("ctgrad: create_graph=True: the derivative of a statement reads more than 64 operands; split the "
                    "statement in two");
    } else {
        using R = typename renumber<D, 0>::type;
        constexpr std::size_t n = slot_count<D>;
        tensor_expr<T, R, n> e;
        for (std::size_t j = 0; j != n; ++j) statement_access::args(e)[j] = operands[slot_sources<D>[j]];
        statement_access::shape(e) = shape;
        statement_access::domain(e) = domain;
        auto out = new_impl<T>(shape);
        statement_access::evaluate(e, out->data());
        if (e.requires_grad()) {
            out->requires_grad = true;
            out->grad_fn = std::make_shared<expr_node<T, R, n, graph_mode::gradient>>(e, out->version);
        }
        return out;
    }
}

/// The statement g * dE/d(slot K) over operands [g, E's operands...].
template <class T, class E, std::size_t K>
std::shared_ptr<tensor_impl<T>> slot_vjp(std::span<const targ<T>> operands, const tensor_size& shape, std::size_t domain) {
    using D = decltype(derivative(std::declval<const E&>(), tslot<K>{}));
    using P = decltype(make_mul(tslot<0>{}, std::declval<const shift_t<D, 1>&>()));
    return graph_statement<T, P>(operands, shape, domain);
}

/// A gradient of the statement's shape (or of its elements) as the gradient of operand a: a
/// view with a's shape, or the sum when a holds one element read by every element.
template <class T>
std::shared_ptr<tensor_impl<T>> operand_gradient(std::shared_ptr<tensor_impl<T>> r, const targ<T>& a) {
    const tensor_impl<T>& t = *a.t;
    if (t.numel() == 1 && r->numel() != 1) r = basic_tensor<T>(ctgrad::sum(basic_tensor<T>(r))).impl_ptr();
    if (!(r->shape == t.shape)) r = make_view<T>("ViewBackward0", r, t.shape);
    return r;
}

/// The coefficient of reduction R's body: g, or g / n for a mean.
template <class T, class R>
std::shared_ptr<tensor_impl<T>> reduction_coefficient(const std::shared_ptr<tensor_impl<T>>& g, std::size_t n) {
    if constexpr (is_mean<R>) return basic_tensor<T>(basic_tensor<T>(g) / static_cast<T>(n)).impl_ptr();
    else return g;
}

/// The gradients of the operands of a reduction's body, from its coefficient (operands[0]).
template <class T, class Body, std::size_t L>
void body_vjp(std::span<const targ<T>> operands, std::span<const targ<T>> args, std::size_t domain,
              std::vector<std::shared_ptr<tensor_impl<T>>>& out) {
    [&]<std::size_t... K>(std::index_sequence<K...>) {
        ((args[K].grad && depends_on<Body, tslot<K>>
              ? void(out[K] = operand_gradient<T>(slot_vjp<T, Body, K>(operands, tensor_size{domain}, domain), args[K]))
              : void()),
         ...);
    }(std::make_index_sequence<L>{});
}

/// The gradients of a statement's operands as gradient statements.
template <class T, class E, std::size_t L>
void statement_graph_vjp(const tensor_expr<T, E, L>& expr, const std::shared_ptr<tensor_impl<T>>& g,
                         std::vector<std::shared_ptr<tensor_impl<T>>>& out) {
    const auto& args = statement_access::args(expr);
    const std::size_t domain = statement_access::domain(expr);
    const tensor_size shape = statement_access::shape(expr);
    std::vector<targ<T>> ops;
    ops.reserve(L + 2);
    ops.push_back(graph_operand<T>(g));
    for (const targ<T>& a : args) ops.push_back(graph_operand<T>(a));
    if constexpr (!has_reduction<E>) {
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((args[K].grad ? void(out[K] = operand_gradient<T>(slot_vjp<T, E, K>(ops, shape, domain), args[K])) : void()), ...);
        }(std::make_index_sequence<L>{});
    } else if constexpr (is_reduction<E>) {
        ops[0] = graph_operand<T>(reduction_coefficient<T, E>(g, domain));
        body_vjp<T, typename E::operand_type, L>(ops, args, domain, out);
    } else {
        // G(outer slots, s) with s = R(Body): s is computed again as a tensor (slot L of G).
        using G = typename split_parts<E>::outer;
        using R = typename split_parts<E>::reduction;
        using G2 = typename replace_variable<G, slot<0>, tslot<L>>::type;
        const std::shared_ptr<tensor_impl<T>> s =
            graph_statement<T, R>(std::span<const targ<T>>(ops).subspan(1), tensor_size{}, domain);
        ops.push_back(graph_operand<T>(s));
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((args[K].grad && depends_on<G2, tslot<K>>
                  ? void(out[K] = operand_gradient<T>(slot_vjp<T, G2, K>(ops, shape, 1), args[K]))
                  : void()),
             ...);
        }(std::make_index_sequence<L>{});
        const std::shared_ptr<tensor_impl<T>> gs = slot_vjp<T, G2, L>(ops, tensor_size{}, 1);
        ops.pop_back();
        ops[0] = graph_operand<T>(reduction_coefficient<T, R>(gs, domain));
        body_vjp<T, typename R::operand_type, L>(ops, args, domain, out);
    }
}

/// A copy of g recorded as CopyBackwards (what .grad holds after backward with create_graph).
template <class T>
std::shared_ptr<tensor_impl<T>> make_clone(const std::shared_ptr<tensor_impl<T>>& g) {
    const std::size_t n = g->numel();
    auto out = make_eager<T>(
        "CopyBackwards", g->shape, {g}, [&](std::span<T> out) { std::copy(g->data(), g->data() + n, out.data()); },
        [n](std::span<const T> gg, std::span<T* const> in) {
            for (std::size_t i = 0; i != n; ++i) in[0][i] += gg[i];
        },
        false);
    return with_graph<T>(std::move(out), [](const std::shared_ptr<tensor_impl<T>>& gg, std::span<const targ<T>>) {
        return std::vector<std::shared_ptr<tensor_impl<T>>>{gg};
    });
}



template <class T, class E, std::size_t L, graph_mode Mode>
void expr_node<T, E, L, Mode>::apply_graph(const std::shared_ptr<tensor_impl<T>>& g,
                                           std::vector<std::shared_ptr<tensor_impl<T>>>& out) {
    if constexpr (Mode != graph_mode::on) {
        (void)g;
        (void)out;
        throw_no_statement_graph(name(), Mode == graph_mode::gradient);
    } else {
        if (released) throw_second_backward();
        expr.check_versions();
        if (result_version && *result_version != saved_result_version)
            throw_modified_result<T>(expr.shape(), name(), *result_version, saved_result_version);
        out.assign(L, nullptr);
        statement_graph_vjp<T, E, L>(expr, g, out);
    }
}

/// a + b (tensors of one shape) as an operation (AddBackward0), differentiable again: the sum
/// of two gradients of one tensor. An eager operation, not a statement, so that the runtime
/// library does not depend on CTGRAD_CREATE_GRAPH.
template <class T>
std::shared_ptr<tensor_impl<T>> make_gradient_sum(const std::shared_ptr<tensor_impl<T>>& a, const std::shared_ptr<tensor_impl<T>>& b) {
    const std::size_t n = a->numel();
    auto out = make_eager<T>(
        "AddBackward0", a->shape, {a, b},
        [&](std::span<T> o) {
            for (std::size_t i = 0; i != n; ++i) o[i] = a->data()[i] + b->data()[i];
        },
        [n](std::span<const T> g, std::span<T* const> in) {
            for (std::size_t k = 0; k != 2; ++k)
                if (in[k])
                    for (std::size_t i = 0; i != n; ++i) in[k][i] += g[i];
        },
        false);
    return with_graph<T>(std::move(out), [](const std::shared_ptr<tensor_impl<T>>& g, std::span<const targ<T>>) {
        return std::vector<std::shared_ptr<tensor_impl<T>>>{g, g};
    });
}

#if CTGRAD_RUNTIME_DEFINITIONS

template <class T>
std::vector<std::shared_ptr<tensor_impl<T>>> graph_backward(std::span<const std::shared_ptr<tensor_impl<T>>> roots,
                                                           std::span<const std::shared_ptr<tensor_impl<T>>> seeds,
                                                           std::span<const tensor_impl<T>* const> targets, bool capture) {
    using ptr = std::shared_ptr<tensor_impl<T>>;
    const enable_grad on;
    const struct capture_flag {
        bool previous;
        explicit capture_flag(bool c) : previous(graph_capture_active()) { graph_capture_active() = c; }
        ~capture_flag() { graph_capture_active() = previous; }
        capture_flag(const capture_flag&) = delete;
        capture_flag& operator=(const capture_flag&) = delete;
    } flag(capture);
    struct item {
        ptr t;
        ptr grad;
        std::size_t deps = 0;
    };
    std::vector<item> items;
    std::unordered_map<const tensor_impl<T>*, std::size_t> index;
    const auto add = [&](const ptr& t) {
        const auto [at, fresh] = index.try_emplace(t.get(), items.size());
        if (fresh) items.push_back(item{t, nullptr, 0});
        return std::pair<std::size_t, bool>{at->second, fresh};
    };
    const auto sum_into = [](ptr& acc, const ptr& g) {
        acc = acc ? make_gradient_sum<T>(acc, g) : g;
    };
    // Every tensor a gradient flows into, with the number of edges into it.
    std::vector<std::size_t> stack;
    for (const ptr& r : roots) {
        const auto [k, fresh] = add(r);
        if (fresh && r->grad_fn) stack.push_back(k);
    }
    while (!stack.empty()) {
        const std::size_t k = stack.back();
        stack.pop_back();
        for (const targ<T>& a : items[k].t->grad_fn->inputs()) {
            if (!a.grad || !a.t) continue;
            const auto [j, fresh] = add(a.t);
            ++items[j].deps;
            if (fresh && a.t->grad_fn) stack.push_back(j);
        }
    }
    for (std::size_t k = 0; k != roots.size(); ++k) sum_into(items[index.at(roots[k].get())].grad, seeds[k]);
    std::vector<ptr> captured(targets.size());
    // A gradient arrived in full: hooks (on a copy: a hook's result is not differentiated),
    // captured or kept in .grad.
    const auto finish = [&](item& it) {
        tensor_impl<T>& t = *it.t;
        if (!it.grad) it.grad = new_impl<T>(t.shape);
        if (!t.hooks.empty()) {
            ptr copy = new_impl<T>(t.shape);
            std::copy(it.grad->data(), it.grad->data() + t.numel(), copy->data());
            for (const auto& hook : t.hooks) hook(std::span<T>(copy->data(), t.numel()));
            if (!std::equal(copy->data(), copy->data() + t.numel(), it.grad->data())) it.grad = copy;
        }
        for (std::size_t k = 0; k != targets.size(); ++k)
            if (targets[k] == &t) captured[k] = it.grad;
        if (capture || (t.grad_fn && !t.retains_grad)) return;
        const std::lock_guard<std::mutex> lock(t.grad_mutex);
        // PyTorch's AccumulateGrad with grad mode on: a clone first, then grad + new.
        t.grad = t.grad ? make_gradient_sum<T>(t.grad, it.grad) : make_clone<T>(it.grad);
    };
    std::vector<std::pair<std::uint64_t, std::size_t>> ready;
    for (std::size_t k = 0; k != items.size(); ++k) {
        if (items[k].deps != 0) continue;
        if (items[k].t->grad_fn) ready.emplace_back(items[k].t->grad_fn->sequence_nr, k);
        else finish(items[k]);  // a leaf root
    }
    std::make_heap(ready.begin(), ready.end());
    std::vector<ptr> grads;
    while (!ready.empty()) {
        std::pop_heap(ready.begin(), ready.end());
        const std::size_t k = ready.back().second;
        ready.pop_back();
        finish(items[k]);
        const ptr t = items[k].t;
        const ptr g = std::move(items[k].grad);
        node<T>& n = *t->grad_fn;
        grads.clear();
        n.apply_graph(g, grads);
        const std::span<const targ<T>> inputs = n.inputs();
        std::size_t output = 0;
        for (std::size_t j = 0; j != inputs.size(); ++j) {
            const targ<T>& a = inputs[j];
            if (!a.t) continue;
            const std::size_t nr = output++;
            if (!a.grad) continue;
            item& in = items[index.at(a.t.get())];
            if (j < grads.size() && grads[j]) {
                if (autograd::is_anomaly_enabled())
                    for (std::size_t i = 0, m = grads[j]->numel(); i != m; ++i)
                        if (grads[j]->data()[i] != grads[j]->data()[i])
                            throw error("Function '" + n.name() + "' returned nan values in its " + std::to_string(nr) +
                                        "th output.");
                sum_into(in.grad, grads[j]);
            }
            if (--in.deps != 0) continue;
            if (a.t->grad_fn) {
                ready.emplace_back(a.t->grad_fn->sequence_nr, index.at(a.t.get()));
                std::push_heap(ready.begin(), ready.end());
            } else {
                finish(in);
            }
        }
    }
    return captured;
}

#endif  // CTGRAD_RUNTIME_DEFINITIONS

}  // namespace detail

}  // namespace ctgrad

#endif
