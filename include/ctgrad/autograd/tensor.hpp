// The runtime autograd layer: Tensor with PyTorch's semantics, fused underneath.
//
// An operation on tensors returns a tensor_expr: a lazy expression whose C++ type is the
// computation graph of the statement (a ctgrad expression over numbered slots), holding the
// tensors and numbers it reads. Its backward is the compile-time derivative of the whole
// statement, run as one loop over the elements (two when a reduction's coefficient is needed
// first). Assigning it to a Tensor evaluates it and, when it requires grad, keeps it behind a
// type-erased node whose backward is still that compiled derivative: static within a
// statement, dynamic across statements.
//
// Broadcasting: operands are combined when their shapes broadcast as in PyTorch. An operand
// with the result's number of elements or a single element is read in the statement's loop;
// any other (a [3] added to a [N, 3], a [3, 1] times a [1, 3]) reads a copy broadcast to the
// result's shape, whose gradient sums back over the broadcast dimensions (autograd/eager.hpp).
//
// The pieces: autograd/shape.hpp (torch.Size), storage.hpp (tensor_impl, node, engine),
// slots.hpp, torch_names.hpp, statement_eval.hpp and statement.hpp (tensor_expr, expr_node);
// this header adds basic_tensor, the operators and the factories.
#ifndef CTGRAD_AUTOGRAD_TENSOR_HPP
#define CTGRAD_AUTOGRAD_TENSOR_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/eager.hpp>
#include <ctgrad/autograd/errors.hpp>
#include <ctgrad/autograd/format.hpp>
#include <ctgrad/autograd/grad_fn.hpp>
#include <ctgrad/autograd/grad_mode.hpp>
#include <ctgrad/autograd/random.hpp>
#include <ctgrad/autograd/shape.hpp>
#include <ctgrad/autograd/slots.hpp>
#include <ctgrad/autograd/statement.hpp>
#include <ctgrad/autograd/storage.hpp>
#include <ctgrad/autograd/torch_names.hpp>
#include <ctgrad/core/operators.hpp>
#include <ctgrad/core/reductions.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <ostream>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctgrad {

/// Options of the tensor factories: `tensor({1., 2.}, {.requires_grad = true})`.
struct tensor_options {
    bool requires_grad = false;
};

template <class I> class basic_int_tensor;
class tensor_index;

/// What register_hook returns: remove() unregisters the hook, as PyTorch's RemovableHandle.
class hook_handle {
public:
    hook_handle() = default;
    explicit hook_handle(std::shared_ptr<bool> active) : active_(std::move(active)) {}
    void remove() {
        if (active_) *active_ = false;
    }

private:
    std::shared_ptr<bool> active_;
};

/// A tensor of rank 0 to 4 with shared storage, as torch.Tensor: requires_grad, grad(),
/// grad_fn(), backward(), zero_(), no_grad, in-place updates with PyTorch's checks.
/// Copies share the tensor, as Python names do; a default-constructed Tensor is None.
template <class T>
class basic_tensor {
    static_assert(CTGRAD_IS_SAME(T, float) || CTGRAD_IS_SAME(T, double), "ctgrad: tensors hold float or double");

public:
    using value_type = T;

    basic_tensor() = default;
    explicit basic_tensor(std::shared_ptr<detail::tensor_impl<T>> impl) : impl_(std::move(impl)) {}

    /// Evaluates a statement: `Tensor a = x * y;`. A result that requires grad keeps the
    /// statement as its grad_fn.
    template <class E, std::size_t L>
    basic_tensor(const tensor_expr<T, E, L>& e) : impl_(detail::new_impl<T>(e.shape())) {  // NOLINT: implicit, as `a = x * y` in Python
        e.evaluate_into(impl_->data());
        if (e.requires_grad()) {
            impl_->requires_grad = true;
            impl_->grad_fn = std::make_shared<detail::expr_node<T, E, L>>(e, impl_->version);
        }
    }

    /// False for None (the grad of a tensor no backward has reached).
    [[nodiscard]] bool defined() const { return impl_ != nullptr; }
    [[nodiscard]] tensor_size shape() const { return impl().shape; }
    [[nodiscard]] tensor_size size() const { return impl().shape; }
    [[nodiscard]] std::size_t dim() const { return impl().shape.size(); }
    [[nodiscard]] std::size_t numel() const { return impl().numel(); }
    [[nodiscard]] std::span<const T> values() const { return {impl().data(), impl().numel()}; }
    [[nodiscard]] T* data_ptr() { return impl().data(); }

    [[nodiscard]] bool requires_grad() const { return impl().requires_grad; }
    /// requires_grad_(): only a leaf's flag can change.
    basic_tensor& requires_grad_(bool on = true) {
        if (impl().grad_fn && !on)
            throw error(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a "
                "subgraph that doesn't require differentiation use var_no_grad = var.detach().");
        impl().requires_grad = on || impl().grad_fn != nullptr;
        return *this;
    }
    [[nodiscard]] bool is_leaf() const { return !impl().grad_fn; }
    [[nodiscard]] ctgrad::grad_fn grad_fn() const { return impl().grad_fn ? impl().grad_fn->describe() : ctgrad::grad_fn{}; }
    /// .grad: None until a backward reaches this leaf (or a non-leaf that retains its grad).
    [[nodiscard]] basic_tensor grad() const {
        if (impl().grad_fn && !impl().retains_grad) detail::warn_non_leaf_grad();
        return basic_tensor(impl().grad);
    }
    /// Sets .grad (None with an undefined tensor), as `x.grad = None`.
    void set_grad(const basic_tensor& g) { impl().grad = g.impl_; }
    /// retain_grad(): a non-leaf keeps its gradient in .grad after backward.
    void retain_grad() {
        if (!impl().requires_grad) throw error("can't retain_grad on Tensor that has requires_grad=False");
        if (impl().grad_fn) impl().retains_grad = true;
    }
    [[nodiscard]] bool retains_grad() const { return impl().retains_grad; }
    /// register_hook(fn): fn(grad) runs when this tensor's gradient is computed, with grad
    /// mode off; a returned Tensor (of the same shape) replaces the gradient, a void fn or an
    /// undefined Tensor keeps it. A leaf's hook sees the gradient before it is added to .grad.
    /// Returns a handle whose remove() unregisters the hook (PyTorch's RemovableHandle).
    template <class F>
    hook_handle register_hook(F fn) {
        if (!impl().requires_grad) throw error("cannot register a hook on a tensor that doesn't require gradient");
        auto active = std::make_shared<bool>(true);
        impl().hooks.push_back([fn = std::move(fn), shape = impl().shape, active](std::span<T> g) {
            if (!*active) return;
            auto t = detail::new_impl<T>(shape);
            std::copy(g.begin(), g.end(), t->data());
            const basic_tensor grad(std::move(t));
            const no_grad off;
            if constexpr (std::is_void_v<std::invoke_result_t<F&, const basic_tensor&>>) {
                fn(grad);
            } else {
                const basic_tensor r = fn(grad);
                if (!r.defined()) return;
                if (!(r.shape() == shape))
                    throw error("hook '<lambda>' has changed the size of value");
                const std::span<const T> v = r.values();
                std::copy(v.begin(), v.end(), g.begin());
            }
        });
        return hook_handle(std::move(active));
    }
    /// The version counter bumped by each in-place operation (t._version).
    [[nodiscard]] std::uint64_t version() const { return *impl().version; }

    /// backward(), backward(gradient): the leaves' .grad accumulate the gradient of this tensor
    /// (seeded with `gradient`, or 1 for one element; an undefined gradient is that default).
    /// create_graph: the gradients are recorded as tensor operations (so .grad can be
    /// differentiated again) and the graph is kept, as PyTorch's backward(create_graph=True).
    void backward(bool retain_graph = false, bool create_graph = false) const;
    void backward(const basic_tensor& gradient, bool retain_graph = false, bool create_graph = false) const;

    /// item(): the single value, as a double (Python's float).
    [[nodiscard]] double item() const {
        if (numel() != 1) throw value_error("only one element tensors can be converted to Python scalars");
        return static_cast<double>(impl().data()[0]);
    }

    /// detach(): shares storage and version counter; no grad.
    [[nodiscard]] basic_tensor detach() const {
        auto t = std::make_shared<detail::tensor_impl<T>>();
        t->storage = impl().storage;
        t->version = impl().version;
        t->shape = impl().shape;
        return basic_tensor(std::move(t));
    }
    /// .data: shares storage but not the version counter, so autograd does not see changes.
    [[nodiscard]] basic_tensor data() const {
        basic_tensor t = detach();
        t.impl_->version = std::make_shared<std::uint64_t>(0);
        return t;
    }
    /// `w.data = v`: w takes v's storage and shape; its graph and version are kept.
    void set_data(const basic_tensor& v) {
        impl().storage = v.impl().storage;
        impl().shape = v.impl().shape;
    }

    /// zero_(), fill_(v): in place, with PyTorch's leaf check.
    basic_tensor& zero_() { return fill_(T(0)); }
    basic_tensor& fill_(T value) {
        check_inplace();
        std::fill(impl().storage->begin(), impl().storage->end(), value);
        ++*impl().version;
        return *this;
    }

    template <class R> basic_tensor& operator+=(const R& r) { return inplace<add_op>(r); }
    template <class R> basic_tensor& operator-=(const R& r) { return inplace<sub_op>(r); }
    template <class R> basic_tensor& operator*=(const R& r) { return inplace<mul_op>(r); }
    template <class R> basic_tensor& operator/=(const R& r) { return inplace<div_op>(r); }

    auto sum() const;
    auto mean() const;
    template <class P> auto pow(const P& p) const;

    // Shapes and products (autograd/shape_ops.hpp): reshape and view share the storage,
    // transpose and t() copy; x.T is ctgrad::T(x).
    [[nodiscard]] basic_tensor reshape(std::initializer_list<std::int64_t> shape) const;
    [[nodiscard]] basic_tensor view(std::initializer_list<std::int64_t> shape) const;
    [[nodiscard]] basic_tensor flatten() const;
    [[nodiscard]] basic_tensor unsqueeze(std::int64_t dim) const;
    [[nodiscard]] basic_tensor squeeze() const;
    [[nodiscard]] basic_tensor squeeze(std::int64_t dim) const;
    [[nodiscard]] basic_tensor expand(std::initializer_list<std::int64_t> sizes) const;
    [[nodiscard]] basic_tensor transpose(std::int64_t dim0, std::int64_t dim1) const;
    [[nodiscard]] basic_tensor t() const;
    /// sum / mean over one dimension (SumBackward1, MeanBackward1).
    [[nodiscard]] basic_tensor sum(std::int64_t dim, bool keepdim = false) const;
    [[nodiscard]] basic_tensor mean(std::int64_t dim, bool keepdim = false) const;
    [[nodiscard]] basic_tensor matmul(const basic_tensor& other) const;
    [[nodiscard]] basic_tensor mm(const basic_tensor& other) const;
    /// select(dim, index), t[index] (select(0, index)) and narrow(dim, start, length): copies
    /// (SelectBackward0, SliceBackward0).
    [[nodiscard]] basic_tensor select(std::int64_t dim, std::int64_t index) const;
    [[nodiscard]] basic_tensor operator[](std::int64_t index) const;
    [[nodiscard]] basic_tensor narrow(std::int64_t dim, std::int64_t start, std::int64_t length) const;
    /// index({...}): Python's t[...] with integers, `indexing::Slice(start, stop, step)`,
    /// `indexing::None`, `indexing::Ellipsis`, and one BoolTensor or LongTensors (broadcast
    /// together; autograd/dtypes.hpp), as LibTorch's Tensor::index: `x.index({Slice(0, 2), 1})`
    /// is x[0:2, 1], `x.index({rows, cols})` is x[rows, cols].
    [[nodiscard]] basic_tensor index(std::initializer_list<tensor_index> indices) const;
    /// index_put_({...}, values, accumulate = false): Python's `t[...] = values` (or `+=` with
    /// accumulate), values broadcast to the indexed elements' shape (IndexPutBackward0, or
    /// CopySlices for an index without tensors: the gradient of the elements written over is 0
    /// without accumulate; values get theirs).
    basic_tensor& index_put_(std::initializer_list<tensor_index> indices, const basic_tensor& values,
                             bool accumulate = false);
    basic_tensor& index_put_(std::initializer_list<tensor_index> indices, T value, bool accumulate = false);
    /// x[idx] and x[mask]: index({idx}), index({mask}).
    [[nodiscard]] basic_tensor operator[](const basic_int_tensor<std::int64_t>& indices) const;
    [[nodiscard]] basic_tensor operator[](const basic_int_tensor<bool>& mask) const;

    /// to<U>(): this tensor as float, double, std::int64_t or bool (autograd/dtypes.hpp), as
    /// .float() / .double() / .long() / .bool(); itself when U is its dtype.
    template <class U> [[nodiscard]] auto to() const;
    /// argmax(): the index of the first largest element (flattened), or over `dim`.
    [[nodiscard]] basic_int_tensor<std::int64_t> argmax() const;
    [[nodiscard]] basic_int_tensor<std::int64_t> argmax(std::int64_t dim, bool keepdim = false) const;

    // Method forms of the element-wise functions (`x.exp()` is exp(x)): statements.
    CTGRAD_DETAIL_ELEMENTWISE_METHODS(CTGRAD_DETAIL_DECLARE_METHOD)
    auto neg() const;

    // Named in-place forms: x.add_(y) is x += y (PyTorch's checks, version bump, grad_fn).
    template <class R> basic_tensor& add_(const R& r) { return *this += r; }
    template <class R> basic_tensor& sub_(const R& r) { return *this -= r; }
    template <class R> basic_tensor& mul_(const R& r) { return *this *= r; }
    template <class R> basic_tensor& div_(const R& r) { return *this /= r; }

    friend std::ostream& operator<<(std::ostream& os, const basic_tensor& t) {
        if (!t.defined()) return os << "None";
        const auto& i = t.impl();
        return os << detail::format_values<T>(t.values(), i.shape.dims(), i.requires_grad && !i.grad_fn,
                                              i.grad_fn ? i.grad_fn->name() : std::string());
    }

    // ---- implementation --------------------------------------------------------------

    [[nodiscard]] detail::tensor_impl<T>& impl() const {
        if (!impl_) throw error("ctgrad: the tensor is None (undefined)");
        return *impl_;
    }
    [[nodiscard]] const std::shared_ptr<detail::tensor_impl<T>>& impl_ptr() const { return impl_; }
    /// impl_ptr(), which throws for None.
    [[nodiscard]] const std::shared_ptr<detail::tensor_impl<T>>& checked_ptr() const {
        (void)impl();
        return impl_;
    }

private:
    void run_backward(const T* g, std::size_t stride, bool retain_graph) const;

    void check_inplace() const {
        if (is_grad_enabled() && impl().requires_grad && !impl().grad_fn)
            throw error("a leaf Variable that requires grad is being used in an in-place operation.");
    }

    template <class Op, class R>
    basic_tensor& inplace(const R& r);

    std::shared_ptr<detail::tensor_impl<T>> impl_;
};

// ---- building statements ---------------------------------------------------------------

namespace detail {

template <class X> struct scalar_of { using type = void; };
template <class T> struct scalar_of<basic_tensor<T>> { using type = T; };
template <class T, class E, std::size_t L> struct scalar_of<tensor_expr<T, E, L>> { using type = T; };

template <class A, class B>
using tensor_scalar_t = std::conditional_t<tensor_like<A>, typename scalar_of<std::remove_cvref_t<A>>::type,
                                           typename scalar_of<std::remove_cvref_t<B>>::type>;

template <class T>
tensor_expr<T, tslot<0>, 1> leaf_operand(const basic_tensor<T>& t) {
    if (!t.defined()) throw error("ctgrad: an operand is None (an undefined tensor)");
    tensor_expr<T, tslot<0>, 1> e;
    auto& impl = t.impl();
    statement_access::args(e)[0] = targ<T>{t.impl_ptr(), T(0), *impl.version, impl.requires_grad && is_grad_enabled()};
    statement_access::shape(e) = impl.shape;
    statement_access::domain(e) = impl.numel();
    return e;
}

template <class T, class N>
tensor_expr<T, tslot<0>, 1> number_operand(N n) {
    tensor_expr<T, tslot<0>, 1> e;
    statement_access::args(e)[0].number = static_cast<T>(n);
    statement_access::domain(e) = 1;
    return e;
}

/// How the operators pass an operand on: a number by value, a tensor by const reference, a
/// statement by const reference or, when it is a temporary (a part of a longer statement),
/// as an rvalue whose slots the result takes over without copying them. So each function
/// below is instantiated once per operand type, not once per reference kind.
template <class X>
CTGRAD_ALWAYS_INLINE decltype(auto) pass(X&& x) {
    using D = std::remove_cvref_t<X>;
    if constexpr (std::is_arithmetic<D>::value) return D(x);
    else if constexpr (is_tensor_v<D> || std::is_lvalue_reference<X>::value) return static_cast<const D&>(x);
    else return static_cast<D&&>(x);
}

/// A statement's operand as a statement. A reduced statement is evaluated first unless
/// `KeepReduced` (it meets only numbers and unary functions, which stay in one loop).
template <class T, bool KeepReduced, class X>
auto operand(X&& x) {
    using D = std::remove_cvref_t<X>;
    if constexpr (std::is_arithmetic<D>::value) {
        return number_operand<T>(x);
    } else if constexpr (is_tensor_v<D>) {
        return leaf_operand(x);
    } else if constexpr (D::reduced && !KeepReduced) {
        return leaf_operand(basic_tensor<T>(x));
    } else {
        return D(static_cast<X&&>(x));
    }
}

/// Clears the gradient flags when grad mode is off: the result does not require grad.
template <class Expr>
Expr finish(Expr e) {
    if (!is_grad_enabled())
        for (auto& a : statement_access::args(e)) a.grad = false;
    return e;
}

template <class Op, class X>
auto make_unary_statement(X&& x);

/// Whether two operands do not mix float and double tensors.
template <class A, class B>
inline constexpr bool operands_share_dtype = !(tensor_like<A> && tensor_like<B>) ||
                                   std::is_same_v<typename scalar_of<A>::type, typename scalar_of<B>::type>;

/// A float64 operand as it is; a float32 tensor or statement converted to float64
/// (ToCopyBackward0, its gradient converted back): float32 with float64 is float64.
template <class U, class T>
basic_tensor<U> convert_dtype(const basic_tensor<T>& t);  // autograd/dtypes.hpp

template <class X>
std::conditional_t<!tensor_like<X> || std::is_same_v<typename scalar_of<X>::type, double>, X, basic_tensor<double>>
as_double(const X& x) {
    if constexpr (!tensor_like<X> || CTGRAD_IS_SAME(typename scalar_of<X>::type, double)) return x;
    else return convert_dtype<double>(basic_tensor<float>(x));
}

template <class Op, class A0, class B0>
auto make_binary(A0&& a, B0&& b) {
    using A = std::remove_cvref_t<A0>;
    using B = std::remove_cvref_t<B0>;
    if constexpr (CTGRAD_IS_SAME(Op, div_op) && std::is_arithmetic<A>::value) {
        return make_binary<mul_op>(make_unary_statement<reciprocal_op>(static_cast<B0&&>(b)), a);  // PyTorch's rdiv
    } else if constexpr (!operands_share_dtype<A, B>) {
        return make_binary<Op>(as_double(a), as_double(b));
    } else {
        using T = tensor_scalar_t<A, B>;
        constexpr bool a_number = std::is_arithmetic<A>::value;
        constexpr bool b_number = std::is_arithmetic<B>::value;
        auto ea = operand<T, b_number>(static_cast<A0&&>(a));
        auto eb = operand<T, a_number>(static_cast<B0&&>(b));
        using EA = typename std::remove_cvref_t<decltype(ea)>::expression_type;
        using EB = typename std::remove_cvref_t<decltype(eb)>::expression_type;
        constexpr std::size_t LA = std::remove_cvref_t<decltype(ea)>::slots;
        constexpr std::size_t LB = std::remove_cvref_t<decltype(eb)>::slots;
        if constexpr (LA + LB > max_statement_slots) {  // said here, before slot 64 is spelled
            static_assert(LA + LB <= max_statement_slots,
                          "ctgrad: at most 64 tensors and numbers in one statement; assign part of it to a Tensor");
            return ea;
        } else {
            tensor_expr<T, binary<Op, EA, shift_t<EB, LA>>, LA + LB> out;
            using access = statement_access;
            std::move(access::args(ea).begin(), access::args(ea).end(), access::args(out).begin());
            std::move(access::args(eb).begin(), access::args(eb).end(), access::args(out).begin() + LA);
            tensor_size& shape = access::shape(out);
            std::size_t& domain = access::domain(out);
            if constexpr (a_number) {
                shape = access::shape(eb);
                domain = access::domain(eb);
            } else if constexpr (b_number) {
                shape = access::shape(ea);
                domain = access::domain(ea);
            } else {
                shape = broadcast_shapes(access::shape(ea), access::shape(eb));
                domain = shape.numel();
                // An operand of another shape (a [3] added to a [N, 3]) reads a broadcast copy.
                for (const tensor_size& s : {access::shape(ea), access::shape(eb)})
                    if (s.numel() != domain && s.numel() != 1) {
                        broadcast_slots<T>(access::args(out), shape);
                        break;
                    }
            }
            return finish(std::move(out));
        }
    }
}

template <class Op, class X>
auto make_unary_statement(X&& x) {
    using T = typename scalar_of<std::remove_cvref_t<X>>::type;
    auto ex = operand<T, true>(static_cast<X&&>(x));
    using EX = typename std::remove_cvref_t<decltype(ex)>::expression_type;
    constexpr std::size_t LX = std::remove_cvref_t<decltype(ex)>::slots;
    tensor_expr<T, unary<Op, EX>, LX> out;
    statement_access::args(out) = std::move(statement_access::args(ex));
    statement_access::shape(out) = statement_access::shape(ex);
    statement_access::domain(out) = statement_access::domain(ex);
    return finish(std::move(out));
}

template <class Op, class X>
auto make_reduction_statement(X&& x) {
    using T = typename scalar_of<std::remove_cvref_t<X>>::type;
    auto ex = operand<T, false>(static_cast<X&&>(x));  // a reduced statement is evaluated first
    using EX = typename std::remove_cvref_t<decltype(ex)>::expression_type;
    constexpr std::size_t LX = std::remove_cvref_t<decltype(ex)>::slots;
    tensor_expr<T, unary<Op, EX>, LX> out;
    statement_access::args(out) = std::move(statement_access::args(ex));
    statement_access::shape(out) = tensor_size{};
    statement_access::domain(out) = statement_access::domain(ex);
    return finish(std::move(out));
}

template <class A, class B>
concept tensor_operands = (tensor_like<A> && (tensor_like<B> || std::is_arithmetic<B>::value)) ||
                          (std::is_arithmetic<A>::value && tensor_like<B>);

}  // namespace detail

template <class A, class B> requires detail::tensor_operands<std::remove_cvref_t<A>, std::remove_cvref_t<B>>
auto operator+(A&& a, B&& b) { return detail::make_binary<add_op>(detail::pass(static_cast<A&&>(a)), detail::pass(static_cast<B&&>(b))); }
template <class A, class B> requires detail::tensor_operands<std::remove_cvref_t<A>, std::remove_cvref_t<B>>
auto operator-(A&& a, B&& b) { return detail::make_binary<sub_op>(detail::pass(static_cast<A&&>(a)), detail::pass(static_cast<B&&>(b))); }
template <class A, class B> requires detail::tensor_operands<std::remove_cvref_t<A>, std::remove_cvref_t<B>>
auto operator*(A&& a, B&& b) { return detail::make_binary<mul_op>(detail::pass(static_cast<A&&>(a)), detail::pass(static_cast<B&&>(b))); }
template <class A, class B> requires detail::tensor_operands<std::remove_cvref_t<A>, std::remove_cvref_t<B>>
auto operator/(A&& a, B&& b) { return detail::make_binary<div_op>(detail::pass(static_cast<A&&>(a)), detail::pass(static_cast<B&&>(b))); }
template <class A> requires tensor_like<A>
auto operator-(A&& a) { return detail::make_unary_statement<neg_op>(detail::pass(static_cast<A&&>(a))); }

/// pow(t, 2_c): the exponent known at compile time (computed by multiplications).
// pow takes const references: the core's pow(const A&, const B&), unconstrained so that its
// misuse message can name it, would be as good a match as a forwarding reference.
template <tensor_like A, std::intmax_t N>
auto pow(const A& a, constant<N, 1>) { return detail::make_unary_statement<ipow_op<N>>(a); }
template <class T, class E, std::size_t L, std::intmax_t N>
auto pow(tensor_expr<T, E, L>&& a, constant<N, 1>) { return detail::make_unary_statement<ipow_op<N>>(std::move(a)); }
/// pow(t, 2.5), pow(t, u), pow(2., t): torch.pow.
template <class A, class B> requires detail::tensor_operands<A, B>
auto pow(const A& a, const B& b) { return detail::make_binary<pow_op>(detail::pass(a), detail::pass(b)); }

#define CTGRAD_DETAIL_TENSOR_FUNCTION(fn)                                                   \
    template <class A> requires tensor_like<A>                                              \
    auto fn(A&& a) { return detail::make_unary_statement<fn##_op>(detail::pass(static_cast<A&&>(a))); }
CTGRAD_DETAIL_TENSOR_FUNCTION(exp)
CTGRAD_DETAIL_TENSOR_FUNCTION(log)
CTGRAD_DETAIL_TENSOR_FUNCTION(sin)
CTGRAD_DETAIL_TENSOR_FUNCTION(cos)
CTGRAD_DETAIL_TENSOR_FUNCTION(tan)
CTGRAD_DETAIL_TENSOR_FUNCTION(tanh)
CTGRAD_DETAIL_TENSOR_FUNCTION(sqrt)
CTGRAD_DETAIL_TENSOR_FUNCTION(sigmoid)
CTGRAD_DETAIL_TENSOR_FUNCTION(log1p)
CTGRAD_DETAIL_TENSOR_FUNCTION(expm1)
CTGRAD_DETAIL_TENSOR_FUNCTION(abs)
CTGRAD_DETAIL_TENSOR_FUNCTION(relu)
CTGRAD_DETAIL_TENSOR_FUNCTION(reciprocal)
CTGRAD_DETAIL_TENSOR_FUNCTION(atan)
CTGRAD_DETAIL_TENSOR_FUNCTION(asin)
CTGRAD_DETAIL_TENSOR_FUNCTION(acos)
CTGRAD_DETAIL_TENSOR_FUNCTION(sinh)
CTGRAD_DETAIL_TENSOR_FUNCTION(cosh)
CTGRAD_DETAIL_TENSOR_FUNCTION(asinh)
CTGRAD_DETAIL_TENSOR_FUNCTION(acosh)
CTGRAD_DETAIL_TENSOR_FUNCTION(atanh)
CTGRAD_DETAIL_TENSOR_FUNCTION(erf)
CTGRAD_DETAIL_TENSOR_FUNCTION(erfc)
CTGRAD_DETAIL_TENSOR_FUNCTION(log2)
CTGRAD_DETAIL_TENSOR_FUNCTION(log10)
#undef CTGRAD_DETAIL_TENSOR_FUNCTION

/// A user's operation (ctgrad::function_op, core/ops.hpp) on a Tensor; its grad_fn is the op's
/// torch_backward name.
template <class Op, class A> requires tensor_like<A>
auto apply(A&& a) { return detail::make_unary_statement<Op>(detail::pass(static_cast<A&&>(a))); }
template <class Op, class A, class B> requires detail::tensor_operands<std::remove_cvref_t<A>, std::remove_cvref_t<B>>
auto apply(A&& a, B&& b) { return detail::make_binary<Op>(detail::pass(static_cast<A&&>(a)), detail::pass(static_cast<B&&>(b))); }

namespace detail {
template <class A, class B>
concept two_tensors = tensor_like<std::remove_cvref_t<A>> && tensor_like<std::remove_cvref_t<B>>;
}  // namespace detail

/// torch.atan2, torch.hypot, torch.maximum and torch.minimum (also max(a, b), min(a, b)): of two
/// tensors, as in PyTorch.
#define CTGRAD_DETAIL_TENSOR_FUNCTION2(fn, op)                                              \
    template <class A, class B> requires detail::two_tensors<A, B>                         \
    auto fn(A&& a, B&& b) { return detail::make_binary<op>(detail::pass(static_cast<A&&>(a)), detail::pass(static_cast<B&&>(b))); }
CTGRAD_DETAIL_TENSOR_FUNCTION2(atan2, atan2_op)
CTGRAD_DETAIL_TENSOR_FUNCTION2(hypot, hypot_op)
CTGRAD_DETAIL_TENSOR_FUNCTION2(maximum, max_op)
CTGRAD_DETAIL_TENSOR_FUNCTION2(minimum, min_op)
CTGRAD_DETAIL_TENSOR_FUNCTION2(max, max_op)
CTGRAD_DETAIL_TENSOR_FUNCTION2(min, min_op)
#undef CTGRAD_DETAIL_TENSOR_FUNCTION2

/// torch.clamp_min(t, lo), torch.clamp_max(t, hi) and torch.clamp(t, lo, hi) with number bounds:
/// the gradient passes where lo <= t <= hi.
template <class A, class L> requires tensor_like<std::remove_cvref_t<A>> && std::is_arithmetic<L>::value
auto clamp_min(A&& a, L lo) { return detail::make_binary<clamp_min_op>(detail::pass(static_cast<A&&>(a)), lo); }
template <class A, class H> requires tensor_like<std::remove_cvref_t<A>> && std::is_arithmetic<H>::value
auto clamp_max(A&& a, H hi) { return detail::make_binary<clamp_max_op>(detail::pass(static_cast<A&&>(a)), hi); }
template <class A, class L, class H>
    requires tensor_like<std::remove_cvref_t<A>> && std::is_arithmetic<L>::value && std::is_arithmetic<H>::value
auto clamp(A&& a, L lo, H hi) { return clamp_max(clamp_min(static_cast<A&&>(a), lo), hi); }
/// torch.clamp_min(t, lo) and torch.clamp_max(t, hi) with a tensor bound, broadcast with t
/// (ClampMinBackward1 / ClampMaxBackward1; also PyTorch's clamp(t, min=lo) with one bound): the
/// gradient goes to t where lo <= t (t <= hi), else to the bound.
template <class A, class B> requires detail::two_tensors<A, B>
auto clamp_min(A&& a, B&& lo) {
    return detail::make_binary<clamp_min_op>(detail::pass(static_cast<A&&>(a)), detail::pass(static_cast<B&&>(lo)));
}
template <class A, class B> requires detail::two_tensors<A, B>
auto clamp_max(A&& a, B&& hi) {
    return detail::make_binary<clamp_max_op>(detail::pass(static_cast<A&&>(a)), detail::pass(static_cast<B&&>(hi)));
}

/// PyTorch has no cbrt: a Tensor says so.
template <class A> requires tensor_like<std::remove_cvref_t<A>>
auto cbrt(A&&) {
    static_assert(detail::is_a_ctgrad_function<detail::readable<std::remove_cvref_t<A>>>,
                  "ctgrad: cbrt has no Tensor form, as in PyTorch; write pow(t, 1.0 / 3) for positive t");
    return 0;
}

/// torch.sum / torch.mean of all elements: a 0-dimensional result.
template <class A> requires tensor_like<A>
auto sum(A&& a) { return detail::make_reduction_statement<sum_op>(detail::pass(static_cast<A&&>(a))); }
template <class A> requires tensor_like<A>
auto mean(A&& a) { return detail::make_reduction_statement<mean_op>(detail::pass(static_cast<A&&>(a))); }

#define CTGRAD_DETAIL_TENSOR_METHOD(fn)                                              \
    template <class T>                                                               \
    auto basic_tensor<T>::fn() const { return ctgrad::fn(*this); }                   \
    template <class T, class E, std::size_t L>                                       \
    auto tensor_expr<T, E, L>::fn() const { return ctgrad::fn(*this); }
CTGRAD_DETAIL_ELEMENTWISE_METHODS(CTGRAD_DETAIL_TENSOR_METHOD)
#undef CTGRAD_DETAIL_TENSOR_METHOD
template <class T>
auto basic_tensor<T>::neg() const { return -*this; }
template <class T, class E, std::size_t L>
auto tensor_expr<T, E, L>::neg() const { return -*this; }

template <class T>
auto basic_tensor<T>::sum() const { return ctgrad::sum(*this); }
template <class T>
auto basic_tensor<T>::mean() const { return ctgrad::mean(*this); }
template <class T>
template <class P>
auto basic_tensor<T>::pow(const P& p) const { return ctgrad::pow(*this, p); }
template <class T, class E, std::size_t L>
auto tensor_expr<T, E, L>::sum() const& { return ctgrad::sum(*this); }
template <class T, class E, std::size_t L>
auto tensor_expr<T, E, L>::mean() const& { return ctgrad::mean(*this); }
template <class T, class E, std::size_t L>
template <class P>
auto tensor_expr<T, E, L>::pow(const P& p) const& { return ctgrad::pow(*this, p); }
template <class T, class E, std::size_t L>
auto tensor_expr<T, E, L>::sum() && { return ctgrad::sum(std::move(*this)); }
template <class T, class E, std::size_t L>
auto tensor_expr<T, E, L>::mean() && { return ctgrad::mean(std::move(*this)); }
template <class T, class E, std::size_t L>
template <class P>
auto tensor_expr<T, E, L>::pow(const P& p) && { return ctgrad::pow(std::move(*this), p); }

template <class T, class E, std::size_t L>
basic_tensor<T> tensor_expr<T, E, L>::grad() const {
    if (requires_grad()) detail::warn_non_leaf_grad();
    return {};
}

template <class T, class E, std::size_t L>
basic_tensor<T> tensor_expr<T, E, L>::detach() const {
    auto t = detail::new_impl<T>(shape_);
    evaluate_into(t->data());
    return basic_tensor<T>(std::move(t));
}

template <class T, class E, std::size_t L>
void tensor_expr<T, E, L>::backward(const basic_tensor<T>& gradient, bool retain_graph, bool create_graph) const {
    check_backward_root();
    if (!gradient.defined()) return backward(retain_graph, create_graph);
    if (!(gradient.shape() == shape_))
        throw error("Mismatch in shape: grad_output[0] has a shape of torch.Size(" + gradient.shape().str() +
                    ") and output[0] has a shape of torch.Size(" + shape_.str() + ").");
    if (create_graph) return backward_graph(&gradient);
    run(gradient.impl().data(), 1, retain_graph);
}

template <class T, class E, std::size_t L>
void tensor_expr<T, E, L>::backward_graph(const basic_tensor<T>* gradient) const {
    const basic_tensor<T> result(*this);
    if (gradient) result.backward(*gradient, true, true);
    else result.backward(true, true);
}

template <class T>
template <class Op, class R>
basic_tensor<T>& basic_tensor<T>::inplace(const R& r) {
    check_inplace();
    auto e = detail::make_binary<Op>(detail::pass(*this), detail::pass(r));
    if (!(e.shape() == shape()))
        throw error("output with shape " + shape().str() + " doesn't match the broadcast shape " + e.shape().str());
    detail::tensor_impl<T>& self = impl();
    if (e.requires_grad()) {
        // Recorded: the statement reads the old value of this tensor, kept aside, and this
        // tensor becomes its result (a non-leaf).
        auto old = std::make_shared<detail::tensor_impl<T>>(self);
        old->storage = std::make_shared<std::vector<T>>(*self.storage);
        old->version = std::make_shared<std::uint64_t>(0);
        old->grad = nullptr;
        old->retains_grad = false;
        for (auto& a : e.args)
            if (a.t == impl_) {
                a.t = old;
                a.version = 0;
            }
        // PyTorch's mul_/div_ save `other`; when it is this tensor, the bump below invalidates it.
        bool other_aliases = false;
        if constexpr (CTGRAD_IS_SAME(Op, mul_op) || CTGRAD_IS_SAME(Op, div_op))
            if constexpr (detail::is_tensor_v<R>) other_aliases = r.impl_ptr() == impl_;
        e.evaluate_into(self.data());
        self.grad_fn = std::make_shared<detail::expr_node<T, typename decltype(e)::expression_type, decltype(e)::slots>>(
            e, other_aliases ? std::shared_ptr<const std::uint64_t>(self.version) : nullptr, other_aliases);
        self.requires_grad = true;
    } else {
        // Element i reads only element i of this tensor before writing it.
        e.evaluate_into(self.data());
    }
    ++*self.version;
    return *this;
}

// ---- factories -------------------------------------------------------------------------

/// The nested lists of torch.tensor: a number, `{1., 2.}` or `{{1., 2.}, {3., 4.}}`; a
/// column is `{{1.}, {2.}}`.
class tensor_data {
public:
    tensor_data(double value) : value_(value) {}  // NOLINT: implicit, as a Python number
    tensor_data(std::initializer_list<tensor_data> items);
    tensor_data(const tensor_data&);
    tensor_data& operator=(const tensor_data&);
    ~tensor_data();

    /// The shape; throws value_error for ragged lists, as torch.tensor does.
    [[nodiscard]] tensor_size shape() const;
    /// Writes the numbers in row-major order from out on (out ends past the last).
    template <class T>
    void flatten(T*& out) const;

private:
    double value_ = 0;
    std::vector<tensor_data> items_;
    bool list_ = false;
};

/// torch.tensor(data, requires_grad=...): `tensor({1., 2., 3.}, {.requires_grad = true})`,
/// `tensor({{1., 2.}, {3., 4.}})`, `tensor(3.)`; float64 with `tensor<double>(...)`.
template <class T = float> requires std::is_floating_point_v<T>
basic_tensor<T> tensor(const tensor_data& data, tensor_options options = {});

/// A tensor holding a copy of `values` with the given shape.
template <class T>
basic_tensor<T> from_values(std::span<const T> values, tensor_size shape, tensor_options options = {});

/// torch.full(shape, value).
template <class T = float> requires std::is_floating_point_v<T>
basic_tensor<T> full(tensor_size shape, double value, tensor_options options = {});
/// torch.zeros(2, 3) is `zeros({2, 3})`.
template <class T = float> requires std::is_floating_point_v<T>
basic_tensor<T> zeros(tensor_size shape, tensor_options options = {}) { return full<T>(shape, 0.0, options); }
template <class T = float> requires std::is_floating_point_v<T>
basic_tensor<T> ones(tensor_size shape, tensor_options options = {}) { return full<T>(shape, 1.0, options); }
/// torch.randn(10, 1) is `randn({10, 1})`: PyTorch's numbers for the same manual_seed.
template <class T = float>
basic_tensor<T> randn(tensor_size shape, tensor_options options = {});
/// torch.arange(n): 0, 1, ..., n - 1.
template <class T = float> requires std::is_floating_point_v<T>
basic_tensor<T> arange(std::size_t n, tensor_options options = {});

// ---- the run-time part: compiled once in ctgrad::runtime when CTGRAD_SEPARATE_RUNTIME ----

#if CTGRAD_RUNTIME_DEFINITIONS

template <class T>
void basic_tensor<T>::backward(bool retain_graph, bool create_graph) const {
    backward(basic_tensor(), retain_graph, create_graph);
}

template <class T>
void basic_tensor<T>::backward(const basic_tensor& gradient, bool retain_graph, bool create_graph) const {
    if (!impl().requires_grad) throw error("element 0 of tensors does not require grad and does not have a grad_fn");
    if (!gradient.defined() && numel() != 1) throw error("grad can be implicitly created only for scalar outputs");
    if (gradient.defined() && !(gradient.shape() == shape()))
        throw error("Mismatch in shape: grad_output[0] has a shape of torch.Size(" + gradient.shape().str() +
                    ") and output[0] has a shape of torch.Size(" + shape().str() + ").");
    if (create_graph) {
        static std::atomic<bool> warned{false};
        if (!warned.exchange(true))
            std::fputs("UserWarning: Using backward() with create_graph=True will create a reference cycle between the "
                       "parameter and its gradient which can cause a memory leak. We recommend using autograd.grad when "
                       "creating the graph to avoid this. If you have to use this function, make sure to reset the .grad "
                       "fields of your parameters to None after use to break the cycle and avoid the leak.\n",
                       stderr);
        const std::array<std::shared_ptr<detail::tensor_impl<T>>, 1> roots{impl_};
        const std::array<std::shared_ptr<detail::tensor_impl<T>>, 1> seeds{
            gradient.defined() ? gradient.impl_ptr() : detail::new_impl<T>(shape(), T(1))};
        detail::graph_backward<T>(roots, seeds, {}, false);
        return;
    }
    const T one(1);
    if (gradient.defined()) run_backward(gradient.impl().data(), 1, retain_graph);
    else run_backward(&one, 0, retain_graph);
}

template <class T>
void basic_tensor<T>::run_backward(const T* g, std::size_t stride, bool retain_graph) const {
    detail::tensor_impl<T>& t = impl();
    if (!t.grad_fn) {  // a leaf that requires grad: its gradient is the seed itself
        const std::lock_guard<std::mutex> lock(t.grad_mutex);
        if (!t.grad) t.grad = detail::new_impl<T>(t.shape, T(-0.0));
        T* out = t.grad->data();
        for (std::size_t i = 0, n = t.numel(); i != n; ++i) out[i] += g[i * stride];
        return;
    }
    detail::engine<T> eng(retain_graph);
    const std::array<detail::targ<T>, 1> root{detail::targ<T>{impl_, T(0), *t.version, true}};
    eng.discover(root);
    T* sink = eng.sink(root[0]);
    for (std::size_t i = 0, n = t.numel(); i != n; ++i) sink[i] += g[i * stride];
    eng.run(root);
}

CTGRAD_RUNTIME_INLINE tensor_data::tensor_data(std::initializer_list<tensor_data> items) : items_(items), list_(true) {}
CTGRAD_RUNTIME_INLINE tensor_data::tensor_data(const tensor_data&) = default;
CTGRAD_RUNTIME_INLINE tensor_data& tensor_data::operator=(const tensor_data&) = default;
CTGRAD_RUNTIME_INLINE tensor_data::~tensor_data() = default;

CTGRAD_RUNTIME_INLINE tensor_size tensor_data::shape() const {
    if (!list_) return {};
    if (items_.empty()) return {0};
    const tensor_size inner = items_.front().shape();
    for (const tensor_data& item : items_)
        if (!(item.shape() == inner))
            throw value_error("expected sequence of length " + std::to_string(inner.size() ? inner[0] : 0) +
                              " at dim 1 (got " + std::to_string(item.shape().size() ? item.shape()[0] : 0) + ")");
    std::array<std::size_t, tensor_size::max_rank> dims{};
    if (inner.size() + 1 > dims.size()) throw error("ctgrad: tensors of rank 0 to 4 are supported");
    dims[0] = items_.size();
    std::copy(inner.dims().begin(), inner.dims().end(), dims.begin() + 1);
    return tensor_size(std::span<const std::size_t>(dims.data(), inner.size() + 1));
}

template <class T>
void tensor_data::flatten(T*& out) const {
    if (!list_) *out++ = static_cast<T>(value_);
    for (const tensor_data& item : items_) item.flatten(out);
}

template <class T> requires std::is_floating_point_v<T>
basic_tensor<T> tensor(const tensor_data& data, tensor_options options) {
    auto t = detail::new_impl<T>(data.shape());
    T* out = t->data();
    data.flatten(out);
    t->requires_grad = options.requires_grad;
    return basic_tensor<T>(std::move(t));
}

template <class T>
basic_tensor<T> from_values(std::span<const T> values, tensor_size shape, tensor_options options) {
    if (values.size() != shape.numel()) throw error("ctgrad::from_values: " + std::to_string(values.size()) + " values for shape " + shape.str());
    auto t = detail::new_impl<T>(shape);
    std::copy(values.begin(), values.end(), t->data());
    t->requires_grad = options.requires_grad;
    return basic_tensor<T>(std::move(t));
}

template <class T> requires std::is_floating_point_v<T>
basic_tensor<T> full(tensor_size shape, double value, tensor_options options) {
    auto t = detail::new_impl<T>(shape, static_cast<T>(value));
    t->requires_grad = options.requires_grad;
    return basic_tensor<T>(std::move(t));
}

template <class T>
basic_tensor<T> randn(tensor_size shape, tensor_options options) {
    auto t = detail::new_impl<T>(shape);
    fill_randn<T>(std::span<T>(t->data(), t->numel()));
    t->requires_grad = options.requires_grad;
    return basic_tensor<T>(std::move(t));
}

template <class T> requires std::is_floating_point_v<T>
basic_tensor<T> arange(std::size_t n, tensor_options options) {
    auto t = detail::new_impl<T>(tensor_size{n});
    for (std::size_t i = 0; i != n; ++i) t->data()[i] = static_cast<T>(i);
    t->requires_grad = options.requires_grad;
    return basic_tensor<T>(std::move(t));
}

#endif  // CTGRAD_RUNTIME_DEFINITIONS

}  // namespace ctgrad

// The members that change shapes, defined once basic_tensor is complete.
// (which includes autograd/dtypes.hpp at its end: torch.int64 and torch.bool tensors)
#include <ctgrad/autograd/shape_ops.hpp>

#endif
