// A user's differentiable operation with its own forward and backward, as
// torch.autograd.Function:
//
//     struct Exp : ctgrad::autograd::Function<Exp> {
//         static Tensor forward(ctgrad::autograd::context& ctx, const Tensor& x) {
//             Tensor r = x.exp();
//             ctx.save_for_backward({r});
//             return r;
//         }
//         static std::vector<Tensor> backward(ctgrad::autograd::context& ctx, const Tensor& grad) {
//             return {grad * ctx.saved_tensors()[0]};
//         }
//     };
//     Tensor y = Exp::apply(x);   // grad_fn: ExpBackward
//
// forward runs with grad mode off; backward gets the output's gradient and returns one
// gradient per Tensor argument of apply (an undefined Tensor for None), also with grad mode off,
// or on under create_graph=True: then the operations of backward are recorded and its gradients
// can be differentiated again (through the inputs it saved; a saved output is kept detached).
#ifndef CTGRAD_AUTOGRAD_FUNCTION_HPP
#define CTGRAD_AUTOGRAD_FUNCTION_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/eager.hpp>
#include <ctgrad/autograd/errors.hpp>
#include <ctgrad/autograd/grad_mode.hpp>
#include <ctgrad/autograd/tensor.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctgrad::autograd {

/// ctx of a custom Function: the tensors forward saves for backward, and which inputs need a
/// gradient.
template <class T>
class basic_context {
public:
    /// ctx.save_for_backward(a, b): kept until the backward that uses them has run.
    void save_for_backward(std::vector<basic_tensor<T>> tensors) { saved_ = std::move(tensors); }
    /// ctx.saved_tensors.
    [[nodiscard]] const std::vector<basic_tensor<T>>& saved_tensors() const {
        if (released_)
            throw error(
                "Trying to backward through the graph a second time (or directly access saved tensors after they have "
                "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
                "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
                "if you need to access saved tensors after calling backward.");
        return saved_;
    }
    /// Numbers forward keeps for backward (Python's `ctx.scale = scale`), as LibTorch's saved_data.
    std::map<std::string, double> saved_data;

    /// ctx.needs_input_grad: one flag per Tensor argument of apply.
    [[nodiscard]] const std::vector<bool>& needs_input_grad() const { return needs_input_grad_; }

private:
    template <class> friend struct Function;
    std::vector<basic_tensor<T>> saved_;
    std::vector<bool> needs_input_grad_;
    bool released_ = false;
};
using context = basic_context<float>;

}  // namespace ctgrad::autograd

namespace ctgrad::detail {

/// The unqualified name of class D, as Python names a Function's grad_fn after its class.
template <class D>
std::string function_class_name() {
    std::string_view s = __PRETTY_FUNCTION__;  // "... [with D = ns::Exp; ...]" or "... [D = ns::Exp]"
    const std::size_t at = s.find("D = ");
    if (at == std::string_view::npos) return "Custom";
    s.remove_prefix(at + 4);
    s = s.substr(0, s.find_first_of(";]"));
    if (const std::size_t colon = s.rfind("::"); colon != std::string_view::npos) s.remove_prefix(colon + 2);
    return std::string(s);
}

template <class X> struct function_tensor_arg : std::false_type {};
template <class T> struct function_tensor_arg<basic_tensor<T>> : std::true_type {};

/// The dtype of the first Tensor argument.
template <class... Args> struct function_first_scalar { using type = float; };
template <class A, class... Args> struct function_first_scalar<A, Args...> : function_first_scalar<Args...> {};
template <class T, class... Args> struct function_first_scalar<basic_tensor<T>, Args...> { using type = T; };

}  // namespace ctgrad::detail

namespace ctgrad::autograd {

/// The base of a custom operation: `struct F : Function<F> { static Tensor forward(context&,
/// ...); static std::vector<Tensor> backward(context&, const Tensor&); };`, used as F::apply(...).
template <class Derived>
struct Function {
    template <class... Args>
    static auto apply(const Args&... args) {
        if constexpr ((ctgrad::detail::is_tensor_expr_v<Args> || ...)) {
            static_assert(!(ctgrad::detail::is_tensor_expr_v<Args> || ...),
                          "ctgrad: pass Tensors to Function::apply; assign a statement to a Tensor first");
            return basic_tensor<float>();
        } else {
            return apply_tensors(args...);
        }
    }

private:
    template <class... Args>
    static auto apply_tensors(const Args&... args) {
        static_assert((ctgrad::detail::function_tensor_arg<std::remove_cvref_t<Args>>::value || ...),
                      "ctgrad: Function::apply needs at least one Tensor argument");
        using T = typename ctgrad::detail::function_first_scalar<Args...>::type;
        using ctgrad::detail::tensor_impl;
        auto ctx = std::make_shared<basic_context<T>>();
        std::vector<std::shared_ptr<tensor_impl<T>>> inputs;
        const auto collect = [&](const auto& a) {
            if constexpr (ctgrad::detail::function_tensor_arg<std::remove_cvref_t<decltype(a)>>::value) {
                if (!a.defined()) throw error("ctgrad: an operand is None (an undefined tensor)");
                inputs.push_back(a.impl_ptr());
                ctx->needs_input_grad_.push_back(ctgrad::detail::wants_grad(*a.impl_ptr()));
            }
        };
        (collect(args), ...);
        basic_tensor<T> out;
        {
            const no_grad off;
            out = Derived::forward(*ctx, args...);
        }
        if (!out.defined()) throw error("ctgrad: a Function's forward must return a Tensor");
        bool grad = false;
        for (const bool g : ctx->needs_input_grad_) grad = grad || g;
        if (!grad) return out;
        // The output: a new tensor sharing the result's storage, so that a forward returning an
        // input (or a tensor with a graph of its own) does not change that tensor.
        auto result = std::make_shared<tensor_impl<T>>();
        result->storage = out.impl().storage;
        result->version = out.impl().version;
        result->shape = out.impl().shape;
        // A saved output would own the node that owns it: the context keeps a detached view.
        for (auto& s : ctx->saved_)
            if (s.defined() && s.impl_ptr() == out.impl_ptr()) s = basic_tensor<T>(std::shared_ptr<tensor_impl<T>>(out.detach().impl_ptr()));
        std::vector<ctgrad::detail::targ<T>> targs;
        for (std::size_t k = 0; k != inputs.size(); ++k)
            targs.push_back(ctgrad::detail::targ<T>{inputs[k], T(0), *inputs[k]->version, ctx->needs_input_grad_[k]});
        const tensor_size shape = result->shape;
        std::vector<tensor_size> input_shapes;
        for (const auto& t : inputs) input_shapes.push_back(t->shape);
        std::string name = ctgrad::detail::function_class_name<Derived>() + "Backward";
        result->requires_grad = true;
        auto node = std::make_shared<ctgrad::detail::eager_node<T>>(
            name, std::move(targs), result->numel(),
            [ctx, shape, name, input_shapes](std::span<const T> g, std::span<T* const> sinks) {
                const basic_tensor<T> grad_out = from_values<T>(g, shape);
                std::vector<basic_tensor<T>> grads;
                {
                    const no_grad off;
                    grads = Derived::backward(*ctx, grad_out);
                }
                ctx->released_ = true;
                ctx->saved_.clear();
                const std::size_t count = input_shapes.size();
                if (grads.size() != count)
                    throw error("function " + name + " returned an incorrect number of gradients (expected " +
                                std::to_string(count) + ", got " + std::to_string(grads.size()) + ")");
                for (std::size_t k = 0; k != count; ++k) {
                    if (!sinks[k] || !grads[k].defined()) continue;
                    if (!(grads[k].shape() == input_shapes[k]))
                        throw error("Function " + name + " returned an invalid gradient at index " + std::to_string(k) +
                                    " - got " + grads[k].shape().str() + " but expected shape compatible with " +
                                    input_shapes[k].str());
                    const std::span<const T> v = grads[k].values();
                    for (std::size_t i = 0; i != v.size(); ++i) sinks[k][i] += v[i];
                }
            },
            true);
        // create_graph: backward runs with grad mode on and its result is the gradient, as
        // recorded (the context keeps its saved tensors: the graph is retained).
        node->graph_backward = [ctx, name, input_shapes](const std::shared_ptr<tensor_impl<T>>& g,
                                                         std::span<const ctgrad::detail::targ<T>>) {
            const std::vector<basic_tensor<T>> grads = Derived::backward(*ctx, basic_tensor<T>(g));
            const std::size_t count = input_shapes.size();
            if (grads.size() != count)
                throw error("function " + name + " returned an incorrect number of gradients (expected " +
                            std::to_string(count) + ", got " + std::to_string(grads.size()) + ")");
            std::vector<std::shared_ptr<tensor_impl<T>>> out(count);
            for (std::size_t k = 0; k != count; ++k) {
                if (!grads[k].defined()) continue;
                if (!(grads[k].shape() == input_shapes[k]))
                    throw error("Function " + name + " returned an invalid gradient at index " + std::to_string(k) +
                                " - got " + grads[k].shape().str() + " but expected shape compatible with " +
                                input_shapes[k].str());
                out[k] = grads[k].impl_ptr();
            }
            return out;
        };
        result->grad_fn = std::move(node);
        return basic_tensor<T>(std::move(result));
    }
};

/// Options of autograd::grad, PyTorch's keyword arguments.
struct grad_options {
    bool retain_graph = false;
    bool create_graph = false;
    bool allow_unused = false;
};

/// torch.autograd.grad(outputs, inputs, grad_outputs): the gradients of the outputs (seeded
/// with grad_outputs, or 1 for one-element outputs) with respect to the inputs, without adding
/// into any .grad. Hooks run as in backward. With create_graph=true the gradients are recorded
/// as tensor operations and can be differentiated again (autograd/create_graph.hpp).
template <class T>
std::vector<basic_tensor<T>> grad(const std::vector<basic_tensor<T>>& outputs, const std::vector<basic_tensor<T>>& inputs,
                                  const std::vector<basic_tensor<T>>& grad_outputs = {}, grad_options options = {}) {
    using ctgrad::detail::targ;
    using ctgrad::detail::tensor_impl;
    if (!grad_outputs.empty() && grad_outputs.size() != outputs.size())
        throw error("grad requires one grad_output per output (got " + std::to_string(grad_outputs.size()) + " for " +
                    std::to_string(outputs.size()) + " outputs)");
    std::vector<targ<T>> roots;
    for (std::size_t k = 0; k != outputs.size(); ++k) {
        const auto& o = outputs[k].impl_ptr();
        if (!o) throw error("ctgrad: an output is None (an undefined tensor)");
        if (!o->requires_grad) throw error("element " + std::to_string(k) + " of tensors does not require grad and does not have a grad_fn");
        if (grad_outputs.empty() && o->numel() != 1) throw error("grad can be implicitly created only for scalar outputs");
        if (!grad_outputs.empty() && !(grad_outputs[k].shape() == o->shape))
            throw error("Mismatch in shape: grad_output[" + std::to_string(k) + "] has a shape of torch.Size(" +
                        grad_outputs[k].shape().str() + ") and output[" + std::to_string(k) +
                        "] has a shape of torch.Size(" + o->shape.str() + ").");
        if (!o->grad_fn) throw error("ctgrad: autograd::grad of a leaf output is not supported");
        roots.push_back(targ<T>{o, T(0), *o->version, true});
    }
    std::vector<const tensor_impl<T>*> targets;
    for (const auto& x : inputs) {
        if (!x.defined() || !x.impl().requires_grad) throw error("One of the differentiated Tensors does not require grad");
        targets.push_back(x.impl_ptr().get());
    }
    if (options.create_graph) {
        std::vector<std::shared_ptr<tensor_impl<T>>> root_tensors, seeds;
        for (std::size_t k = 0; k != roots.size(); ++k) {
            root_tensors.push_back(roots[k].t);
            seeds.push_back(grad_outputs.empty() ? ctgrad::detail::new_impl<T>(roots[k].t->shape, T(1))
                                                 : grad_outputs[k].impl_ptr());
        }
        const auto captured = ctgrad::detail::graph_backward<T>(root_tensors, seeds, targets, true);
        std::vector<basic_tensor<T>> result;
        for (std::size_t k = 0; k != inputs.size(); ++k) {
            if (!captured[k] && !options.allow_unused)
                throw error("One of the differentiated Tensors appears to not have been used in the graph. Set "
                            "allow_unused=True if this is the desired behavior.");
            result.emplace_back(captured[k]);
        }
        return result;
    }
    ctgrad::detail::engine<T> eng(options.retain_graph);
    eng.capture(targets);
    // a path through a conversion to the other dtype is followed by a nested pass, which
    // captures into this one (autograd/dtypes.hpp, dtype_bridge)
    const struct root_scope {
        ctgrad::detail::engine<T>* previous;
        explicit root_scope(ctgrad::detail::engine<T>* e) : previous(ctgrad::detail::capture_root<T>()) {
            ctgrad::detail::capture_root<T>() = e;
        }
        root_scope(const root_scope&) = delete;
        root_scope& operator=(const root_scope&) = delete;
        ~root_scope() { ctgrad::detail::capture_root<T>() = previous; }
    } scope(&eng);
    eng.discover(roots);
    for (std::size_t k = 0; k != roots.size(); ++k) {
        T* sink = eng.sink(roots[k]);
        const std::size_t n = roots[k].t->numel();
        if (grad_outputs.empty()) sink[0] += T(1);
        else {
            const std::span<const T> g = grad_outputs[k].values();
            for (std::size_t i = 0; i != n; ++i) sink[i] += g[i];
        }
    }
    eng.run(roots);
    std::vector<basic_tensor<T>> result;
    for (std::size_t k = 0; k != inputs.size(); ++k) {
        std::vector<T>& g = eng.captured(k);
        if (g.empty()) {
            if (!options.allow_unused)
                throw error("One of the differentiated Tensors appears to not have been used in the graph. Set "
                            "allow_unused=True if this is the desired behavior.");
            result.emplace_back();
            continue;
        }
        result.push_back(from_values<T>(g, inputs[k].shape()));
    }
    return result;
}

/// torch.autograd.grad(output, inputs) for one output.
template <class T>
std::vector<basic_tensor<T>> grad(const basic_tensor<T>& output, const std::vector<basic_tensor<T>>& inputs,
                                  grad_options options = {}) {
    return grad<T>(std::vector<basic_tensor<T>>{output}, inputs, {}, options);
}
/// torch.autograd.grad(statement, inputs): the statement evaluated to a Tensor first.
template <class T, class E, std::size_t L>
std::vector<basic_tensor<T>> grad(const tensor_expr<T, E, L>& output, const std::vector<basic_tensor<T>>& inputs,
                                  grad_options options = {}) {
    return grad<T>(std::vector<basic_tensor<T>>{basic_tensor<T>(output)}, inputs, {}, options);
}

}  // namespace ctgrad::autograd

#endif
