// A tensor statement: tensor_expr, the lazy result of operations on tensors, whose C++ type
// is the statement's graph, and expr_node, the graph node that keeps a materialised statement
// for its backward (see autograd/tensor.hpp).
#ifndef CTGRAD_AUTOGRAD_STATEMENT_HPP
#define CTGRAD_AUTOGRAD_STATEMENT_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/errors.hpp>
#include <ctgrad/autograd/format.hpp>
#include <ctgrad/autograd/grad_fn.hpp>
#include <ctgrad/autograd/shape.hpp>
#include <ctgrad/autograd/slots.hpp>
#include <ctgrad/autograd/statement_eval.hpp>
#include <ctgrad/autograd/storage.hpp>
#include <ctgrad/autograd/torch_names.hpp>
#include <ctgrad/core/reductions.hpp>
#include <ctgrad/eval/dag.hpp>
#include <ctgrad/eval/fused.hpp>

#include <boost/hana/at.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctgrad {

template <class T> class basic_tensor;
/// A float32 tensor, PyTorch's default dtype.
using Tensor = basic_tensor<float>;
/// A float64 tensor (dtype=torch.float64).
using DoubleTensor = basic_tensor<double>;

template <class T, class E, std::size_t L> class tensor_expr;

/// The element-wise functions that Tensors and statements also have as methods (`x.exp()`):
/// the list, and the declaration of one method (autograd/tensor.hpp defines them).
#define CTGRAD_DETAIL_ELEMENTWISE_METHODS(X) \
    X(exp) X(log) X(sin) X(cos) X(tan) X(tanh) X(sigmoid) X(sqrt) X(abs) X(relu) X(log1p) X(expm1) X(reciprocal)
#define CTGRAD_DETAIL_DECLARE_METHOD(fn) auto fn() const;

namespace detail {

/// How a statement's node answers create_graph (autograd/create_graph.hpp).
enum class graph_mode : unsigned char {
    off,       ///< CTGRAD_CREATE_GRAPH is 0: not supported
    on,        ///< its backward as statements of its derivative
    gradient,  ///< a gradient statement made by create_graph: differentiable once, not again
};
template <class T, class E, std::size_t L, graph_mode Mode = CTGRAD_CREATE_GRAPH ? graph_mode::on : graph_mode::off>
struct expr_node;

/// What the Tensor layer reads and writes of a statement and its users do not: its operands
/// (slots), its shape and the number of elements its element-wise part runs over.
struct statement_access {
    template <class X> static auto& args(X& e) { return e.args; }
    template <class X> static auto& shape(X& e) { return e.shape_; }
    template <class X> static auto& domain(X& e) { return e.domain; }
    template <class X, class T> static void evaluate(const X& e, T* out) { e.evaluate_into(out); }
};

inline void warn_non_leaf_grad() {
    static std::atomic<bool> warned{false};
    if (!warned.exchange(true))
        std::fputs(
            "UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
            "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a "
            "non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, "
            "make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more "
            "informations.\n",
            stderr);
}

template <class X> struct is_tensor_expr_v_trait : std::bool_constant<false> {};
template <class X> concept is_tensor_expr_v = is_tensor_expr_v_trait<X>::value;
template <class T, class E, std::size_t L> struct is_tensor_expr_v_trait<tensor_expr<T, E, L>> : std::bool_constant<true> {};
template <class X> struct is_tensor_v_trait : std::bool_constant<false> {};
template <class X> concept is_tensor_v = is_tensor_v_trait<X>::value;
template <class T> struct is_tensor_v_trait<basic_tensor<T>> : std::bool_constant<true> {};

}  // namespace detail

/// A Tensor or a lazy tensor expression.
template <class X>
concept tensor_like = detail::is_tensor_v<std::remove_cvref_t<X>> || detail::is_tensor_expr_v<std::remove_cvref_t<X>>;

/// The result of operations on tensors, not yet evaluated: its type is the statement's
/// graph. It prints, answers requires_grad(), grad_fn(), item(), and backward() runs the
/// compile-time gradient of the whole statement. Assign it to a Tensor to keep its value.
template <class T, class E, std::size_t L>
class tensor_expr {
public:
    using value_type = T;
    using expression_type = E;
    static constexpr std::size_t slots = L;
    static constexpr bool reduced = detail::has_reduction<E>;

    [[nodiscard]] tensor_size shape() const { return shape_; }
    [[nodiscard]] tensor_size size() const { return shape_; }
    [[nodiscard]] std::size_t dim() const { return shape_.size(); }
    [[nodiscard]] std::size_t numel() const { return shape_.numel(); }

    /// True when some tensor it reads requires grad and grad mode was on when it was built.
    [[nodiscard]] bool requires_grad() const {
        return std::any_of(args.begin(), args.end(), [](const detail::targ<T>& a) { return a.grad; });
    }
    /// A result that requires grad is not a leaf; one that does not is.
    [[nodiscard]] bool is_leaf() const { return !requires_grad(); }

    /// A mistake: a statement is not stored, so it has no .grad to keep.
    template <class... Args>
    void retain_grad(const Args&...) const {
        static_assert(detail::never<T, Args...>,
                      "ctgrad: retain_grad() needs a Tensor; assign the statement to one first (Tensor y = ...; y.retain_grad();)");
    }

    /// The grad_fn of the statement's last operation (None when it does not require grad).
    [[nodiscard]] ctgrad::grad_fn grad_fn() const {
        if (!requires_grad()) return {};
        return detail::describe_expr<E>(args, static_cast<const void*>(this));
    }

    /// .grad of a non-leaf: None, with PyTorch's warning (once) when it requires grad.
    [[nodiscard]] basic_tensor<T> grad() const;

    /// The values, evaluated now.
    [[nodiscard]] std::vector<T> values() const {
        if (numel() == 1) return {static_cast<T>(item())};
        std::vector<T> out(numel());
        evaluate_into(out.data());
        return out;
    }

    /// item(): the single value, as a double (Python's float).
    [[nodiscard]] double item() const {
        if (numel() != 1) throw value_error("only one element tensors can be converted to Python scalars");
        if (!has_value_) {
            evaluate_into(&value_);
            has_value_ = true;
        }
        return static_cast<double>(value_);
    }

    /// backward(): one pass of the compile-time gradient; the leaves' .grad accumulate.
    /// create_graph: as Tensor::backward's (the statement is evaluated to a Tensor first).
    void backward(bool retain_graph = false, bool create_graph = false) const {
        check_backward_root();
        if (numel() != 1) throw error("grad can be implicitly created only for scalar outputs");
        if (create_graph) return backward_graph(nullptr);
        const T one(1);
        run(&one, 0, retain_graph);
    }
    /// backward(gradient): the vector-Jacobian product with `gradient` (the output's shape).
    void backward(const basic_tensor<T>& gradient, bool retain_graph = false, bool create_graph = false) const;

    /// A Tensor with the values that does not require grad.
    [[nodiscard]] basic_tensor<T> detach() const;

    // Method forms of the element-wise functions (`(x * w).exp()`), defined with the functions.
    CTGRAD_DETAIL_ELEMENTWISE_METHODS(CTGRAD_DETAIL_DECLARE_METHOD)
    auto neg() const;

    auto sum() const&;
    auto mean() const&;
    template <class P> auto pow(const P& p) const&;
    // On a temporary (`pow(y_pred - y, 2_c).mean()`), the result takes over its slots.
    auto sum() &&;
    auto mean() &&;
    template <class P> auto pow(const P& p) &&;
    /// sum / mean over one dimension (`x.pow(2).sum(1)`): the statement evaluated, then
    /// reduced (SumBackward1, MeanBackward1).
    basic_tensor<T> sum(std::int64_t dim, bool keepdim = false) const&;
    basic_tensor<T> mean(std::int64_t dim, bool keepdim = false) const&;
    /// `.to(dtype)` (`.double()`, `.float()`, `.long()`): the statement evaluated, then converted
    /// (ToCopyBackward0 between float and double, its gradient converted back).
    template <class U>
    auto to() const {
        return basic_tensor<T>(*this).template to<U>();
    }

    friend std::ostream& operator<<(std::ostream& os, const tensor_expr& e) {
        const std::vector<T> v = e.values();
        const auto fn = e.grad_fn();
        return os << detail::format_values<T>(v, e.shape_.dims(), false, fn ? fn.name() : std::string());
    }

private:
    // The statement's operands, its shape and the number of elements its element-wise part runs
    // over, and its loops: the Tensor layer reaches them through detail::statement_access.
    friend struct detail::statement_access;
    template <class> friend class basic_tensor;
    template <class, class, std::size_t, detail::graph_mode> friend struct detail::expr_node;

    std::array<detail::targ<T>, L> args{};
    tensor_size shape_{};
    std::size_t domain = 0;

    /// The operands as the loops read them: a tensor of one element, like a number, is read
    /// by every element.
    void fill_operands(std::array<detail::runtime_operand<T>, L>& ops) const {
        for (std::size_t k = 0; k != L; ++k) {
            const detail::targ<T>& a = args[k];
            if (!a.t) ops[k].set_number(a.number);
            else if (a.t->numel() == 1) ops[k].set_number(a.t->data()[0]);
            else ops[k].set_array(a.t->data());
        }
    }

    /// Writes the numel() values into `out`.
    void evaluate_into(T* out) const {
        std::array<detail::runtime_operand<T>, L> ops;
        fill_operands(ops);
        const auto map = detail::slot_map(ops, std::make_index_sequence<L>{});
        if constexpr (!reduced) {
            detail::for_elements<T>(0, domain, [&](auto width, std::size_t i) {
                using P = detail::lanes_of<T, decltype(width)::value>;
                detail::store_lanes(out + i, detail::dag_eval(E{}, detail::at_element<P>(map, i)));
            });
        } else {
            out[0] = outer_value(map);
        }
    }

    /// Adds the vector-Jacobian product with `g` (stride 0: one value for every element)
    /// into the sinks of the slots.
    T backward_into(const T* g, std::size_t gstride, detail::engine<T>& eng) const {
        std::array<T*, L> sinks{};
        eng.lock_direct_leaves(args);
        const struct unlock {
            detail::engine<T>& e;
            ~unlock() { e.unlock_direct_leaves(); }
        } unlock_at_exit{eng};
        for (std::size_t k = 0; k != L; ++k) sinks[k] = eng.sink(args[k]);
        std::array<detail::runtime_operand<T>, L> ops;
        fill_operands(ops);
        const auto map = detail::slot_map(ops, std::make_index_sequence<L>{});
        detail::runtime_operand<T> seed;
        if (gstride == 0) seed.set_number(g[0]);
        else seed.set_array(g);
        // Where each slot's adjoints go, decided once: nowhere; into its gradient element by
        // element; or, for a slot of one element read by every element, summed in PyTorch's
        // order (the loop returns those sums).
        using detail::sink_kind;
        std::array<sink_kind, L> kinds{};
        for (std::size_t k = 0; k != L; ++k)
            kinds[k] = !sinks[k] ? sink_kind::none : ops[k].is_number() ? sink_kind::summed : sink_kind::each;
        // The adjoints of summed slots are returned (the others' as +0, masked without a branch);
        // those of slots taken element by element are added into their gradients.
        const auto add_broadcast = [&](const std::array<T, L>& total) {
            if (domain == 0) return;
            for (std::size_t k = 0; k != L; ++k)
                if (kinds[k] == sink_kind::summed) sinks[k][0] += total[k];
        };
        return [&]<std::size_t... K>(std::index_sequence<K...>) {
            if constexpr (!reduced) {
                const auto state = detail::make_dag_state(E{});
                T first{};
                add_broadcast(detail::sum_elements<T, L>(detail::torch_order{}, domain, [&](auto width, std::size_t i) {
                    using P = detail::lanes_of<T, decltype(width)::value>;
                    const auto r = detail::dag_value_and_grad<detail::tslot<K>...>(E{}, detail::at_element<P>(map, i), state,
                                                                                   seed.template load<P>(i));
                    if constexpr (!detail::is_pack<P>) {
                        if (i == 0) first = r[0];  // the value item() gives for one element
                    }
                    return detail::accumulate_adjoints<E, T, L>(std::make_index_sequence<L>{}, sinks, kinds, i, r);
                }));
                return first;
            } else if constexpr (detail::is_reduction<E>) {
                // The statement is one reduction (a loss such as mean((w x + b - y)^2)): the
                // coefficient of its body is known before the pass, so the value and every
                // adjoint come from one pass, the value added in the same order as alone.
                using Body = typename E::operand_type;
                const T coef = detail::reduction_scaled<E>(g[0], domain);
                const auto bstate = detail::make_dag_state(Body{});
                const auto total = detail::sum_elements<T, L + 1>(detail::torch_order{}, domain, [&](auto width, std::size_t i) {
                    using P = detail::lanes_of<T, decltype(width)::value>;
                    const auto r = detail::dag_value_and_grad<detail::tslot<K>...>(Body{}, detail::at_element<P>(map, i),
                                                                                   bstate, P(coef));
                    const std::array<P, L> b = detail::accumulate_adjoints<Body, T, L>(std::make_index_sequence<L>{}, sinks, kinds, i, r);
                    return std::array<P, L + 1>{r[0], b[K]...};
                });
                add_broadcast(std::array<T, L>{total[1 + K]...});
                return detail::reduction_scaled<E>(total[0], domain);
            } else {
                using G = typename detail::split_parts<E>::outer;
                using R = typename detail::split_parts<E>::reduction;
                using Body = typename detail::split_parts<E>::body;
                const std::array<T, 1> s{reduction_value(map)};
                const auto gstate = detail::make_dag_state(G{});
                const auto outer = detail::dag_value_and_grad<detail::tslot<K>..., detail::slot<0>>(
                    G{}, detail::outer_context<T, std::remove_cvref_t<decltype(map)>, 1>{map, s}, gstate, g[0]);
                ((sinks[K] && detail::depends_on<G, detail::tslot<K>> ? void(sinks[K][0] += outer[1 + K]) : void()), ...);
                const T coef = detail::reduction_scaled<R>(outer[1 + L], domain);
                const auto bstate = detail::make_dag_state(Body{});
                add_broadcast(detail::sum_elements<T, L>(detail::torch_order{}, domain, [&](auto width, std::size_t i) {
                    using P = detail::lanes_of<T, decltype(width)::value>;
                    const auto r = detail::dag_value_and_grad<detail::tslot<K>...>(Body{}, detail::at_element<P>(map, i),
                                                                                   bstate, P(coef));
                    return detail::accumulate_adjoints<Body, T, L>(std::make_index_sequence<L>{}, sinks, kinds, i, r);
                }));
                return outer[0];
            }
        }(std::make_index_sequence<L>{});
    }

    /// PyTorch's check that a tensor saved for backward was not modified in place since.
    /// A statement of sums and differences reads no value in its backward; any other
    /// reads every tensor it holds (PyTorch saves fewer, so it raises in fewer cases).
    void check_versions() const {
        if constexpr (!detail::linear_statement<E>) detail::check_saved_versions<T>(args);
    }

    /// Runs the statement's backward as the root of a backward pass.
    void run(const T* g, std::size_t gstride, bool retain_graph) const {
        if (released_) detail::throw_second_backward();
        check_versions();
        detail::engine<T> eng(retain_graph);
        eng.discover(args);
        const T value = backward_into(g, gstride, eng);
        if (autograd::is_anomaly_enabled()) eng.check_anomaly(detail::statement_name<E>(args), args);
        if (numel() == 1 && !has_value_) {  // the value backward saw is the one item() gives
            value_ = value;
            has_value_ = true;
        }
        if (!retain_graph && !detail::linear_statement<E>) released_ = true;
        eng.run(args);
    }

    /// backward with create_graph: through the statement evaluated as a Tensor.
    void backward_graph(const basic_tensor<T>* gradient) const;

    void check_backward_root() const {
        if (!requires_grad()) throw error("element 0 of tensors does not require grad and does not have a grad_fn");
    }


    template <class Map>
    T reduction_value(const Map& map) const {
        using R = typename detail::split_parts<E>::reduction;
        using Body = typename detail::split_parts<E>::body;
        const auto total = detail::sum_elements<T, 1>(detail::torch_order{}, domain, [&](auto width, std::size_t i) {
            using P = detail::lanes_of<T, decltype(width)::value>;
            return std::array<P, 1>{detail::dag_eval(Body{}, detail::at_element<P>(map, i))};
        });
        return detail::reduction_scaled<R>(total[0], domain);
    }
    template <class Map>
    T outer_value(const Map& map) const {
        using G = typename detail::split_parts<E>::outer;
        const std::array<T, 1> s{reduction_value(map)};
        return detail::dag_eval(G{}, detail::outer_context<T, Map, 1>{map, s});
    }

    mutable bool released_ = false;
    // A one-element result keeps its value once computed, as PyTorch's result does: item()
    // after the parameters moved gives the value the statement had.
    mutable T value_{};
    mutable bool has_value_ = false;
};

namespace detail {

/// A materialised statement that requires grad: its backward is the statement's. With
/// create_graph, its backward is a statement of the compile-time derivative for each operand
/// (autograd/create_graph.hpp) when CTGRAD_CREATE_GRAPH is 1; such gradient statements
/// (graph_mode::gradient) can be differentiated once more, not with create_graph again.
template <class T, class E, std::size_t L, graph_mode Mode>
struct expr_node final : node<T> {
    /// `result_version`: the version counter of the tensor this node produced, checked in
    /// backward when PyTorch's node saves its result.
    explicit expr_node(tensor_expr<T, E, L> e, std::shared_ptr<const std::uint64_t> result_version = {}, bool force = false)
        : expr(std::move(e)) {
        if (result_version && (force || saves_result<E>(expr.args))) {
            saved_result_version = *result_version;
            this->result_version = std::move(result_version);
        }
    }
    tensor_expr<T, E, L> expr;
    bool released = false;
    std::shared_ptr<const std::uint64_t> result_version;  ///< empty unless the result is saved
    std::uint64_t saved_result_version = 0;

    [[nodiscard]] std::string name() const override { return statement_name<E>(expr.args); }
    [[nodiscard]] ctgrad::grad_fn describe() const override { return describe_expr<E>(expr.args, this->id()); }
    [[nodiscard]] std::span<const targ<T>> inputs() const override { return expr.args; }
    void take_inputs(std::vector<std::shared_ptr<tensor_impl<T>>>& out) override {
        for (targ<T>& a : expr.args)
            if (a.t) out.push_back(std::move(a.t));
    }
    void apply(const T* g, std::size_t stride, engine<T>& eng, bool retain_graph) override {
        if (released) throw_second_backward();
        expr.check_versions();
        if (result_version && *result_version != saved_result_version)
            throw_modified_result<T>(expr.shape(), name(), *result_version, saved_result_version);
        expr.backward_into(g, stride, eng);
        if (!retain_graph && !linear_statement<E>) released = true;
    }
    void apply_graph(const std::shared_ptr<tensor_impl<T>>& g, std::vector<std::shared_ptr<tensor_impl<T>>>& out) override;
};

}  // namespace detail

}  // namespace ctgrad

#endif
