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
// Broadcasting: operands are combined when their shapes broadcast as in PyTorch and each
// has either the result's number of elements or a single element (a 1x1 times a 10x1, a
// number times anything). Other broadcasts throw; docs/pytorch-differences.md says why.
#ifndef CTGRAD_AUTOGRAD_TENSOR_HPP
#define CTGRAD_AUTOGRAD_TENSOR_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/format.hpp>
#include <ctgrad/autograd/grad_mode.hpp>
#include <ctgrad/autograd/random.hpp>
#include <ctgrad/core/operators.hpp>
#include <ctgrad/core/reductions.hpp>
#include <ctgrad/eval/dag.hpp>
#include <ctgrad/eval/fused.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctgrad {

/// PyTorch's RuntimeError: the message is PyTorch's wherever PyTorch has one.
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// PyTorch's ValueError (item() of a tensor with several elements).
class value_error : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// Options of the tensor factories: `tensor({1., 2.}, {.requires_grad = true})`.
struct tensor_options {
    bool requires_grad = false;
};

template <class T> class basic_tensor;
/// A float32 tensor, PyTorch's default dtype.
using Tensor = basic_tensor<float>;
/// A float64 tensor (dtype=torch.float64).
using DoubleTensor = basic_tensor<double>;

template <class T, class E, std::size_t L> class tensor_expr;

/// torch.Size: the shape of a tensor of rank 0 to 2; prints as `torch.Size([10, 1])`.
class tensor_size {
public:
    static constexpr std::size_t max_rank = 2;
    tensor_size() = default;
    tensor_size(std::initializer_list<std::size_t> dims) {
        if (dims.size() > max_rank) throw error("ctgrad: tensors of rank 0 to 2 are supported");
        for (std::size_t d : dims) dims_[rank_++] = d;
    }
    [[nodiscard]] std::size_t size() const { return rank_; }
    [[nodiscard]] std::size_t operator[](std::size_t i) const { return dims_[i]; }
    [[nodiscard]] std::size_t numel() const {
        std::size_t n = 1;
        for (std::size_t i = 0; i != rank_; ++i) n *= dims_[i];
        return n;
    }
    [[nodiscard]] std::span<const std::size_t> dims() const { return {dims_.data(), rank_}; }
    /// "[10, 1]", as in PyTorch's messages.
    [[nodiscard]] std::string str() const {
        std::string s = "[";
        for (std::size_t i = 0; i != rank_; ++i) s += (i ? ", " : "") + std::to_string(dims_[i]);
        return s + "]";
    }
    friend bool operator==(const tensor_size& a, const tensor_size& b) {
        return a.rank_ == b.rank_ && std::equal(a.dims_.begin(), a.dims_.begin() + a.rank_, b.dims_.begin());
    }
    friend std::ostream& operator<<(std::ostream& os, const tensor_size& s) { return os << "torch.Size(" << s.str() << ")"; }

private:
    std::array<std::size_t, max_rank> dims_{};
    std::size_t rank_ = 0;
};

/// A grad_fn as Python shows it: a name, an identity and the next functions. Empty is None.
/// The next functions of a graph built across statements are described when first asked
/// for, so that naming or printing a tensor at the end of a long chain costs one node.
class grad_fn {
public:
    struct edge;
    grad_fn() = default;
    grad_fn(std::string name, const void* id, std::vector<edge> next);
    /// A grad_fn whose next functions `next()` gives when first asked for.
    grad_fn(std::string name, const void* id, std::function<std::vector<edge>()> next);

    explicit operator bool() const { return data_ != nullptr; }
    /// grad_fn.name(): "MulBackward0", "torch::autograd::AccumulateGrad".
    [[nodiscard]] std::string name() const { return data_ ? data_->name : std::string("None"); }
    /// The identity printed after "object at" (Python's id()): for AccumulateGrad, the leaf's.
    [[nodiscard]] const void* id() const { return data_ ? data_->id : nullptr; }
    /// grad_fn.next_functions: one (function, input number) pair per input; None for an input
    /// that does not require grad.
    [[nodiscard]] const std::vector<edge>& next_functions() const;

    friend std::ostream& operator<<(std::ostream& os, const grad_fn& f) {
        if (!f) return os << "None";
        std::string_view n = f.data_->name;
        if (n.starts_with("torch::autograd::")) n.remove_prefix(17);
        return os << '<' << n << " object at " << f.data_->id << '>';
    }

private:
    struct data {
        std::string name;
        const void* id;
        mutable std::function<std::vector<edge>()> make_next;
        mutable std::vector<edge> next;
        mutable std::once_flag once;
    };
    std::shared_ptr<const data> data_;
};

struct grad_fn::edge {
    grad_fn function;
    int input_nr = 0;
};

inline grad_fn::grad_fn(std::string name, const void* id, std::vector<edge> next) {
    auto d = std::make_shared<data>();
    d->name = std::move(name);
    d->id = id;
    d->next = std::move(next);
    data_ = std::move(d);
}

inline grad_fn::grad_fn(std::string name, const void* id, std::function<std::vector<edge>()> next) {
    auto d = std::make_shared<data>();
    d->name = std::move(name);
    d->id = id;
    d->make_next = std::move(next);
    data_ = std::move(d);
}

inline const std::vector<grad_fn::edge>& grad_fn::next_functions() const {
    static const std::vector<edge> none;
    if (!data_) return none;
    std::call_once(data_->once, [d = data_.get()] {
        if (d->make_next) {
            d->next = d->make_next();
            d->make_next = nullptr;  // drops what it kept alive
        }
    });
    return data_->next;
}

/// Prints next_functions as Python prints the tuple: `((<AccumulateGrad object at 0x...>, 0), (None, 0))`.
inline std::ostream& operator<<(std::ostream& os, const std::vector<grad_fn::edge>& edges) {
    os << '(';
    for (std::size_t i = 0; i != edges.size(); ++i) {
        if (i) os << ", ";
        os << '(' << edges[i].function << ", " << edges[i].input_nr << ')';
    }
    if (edges.size() == 1) os << ',';
    return os << ')';
}

namespace detail {

// ---- storage, tensors and graph nodes --------------------------------------------------

template <class T> struct node;

template <class T>
struct tensor_impl {
    std::shared_ptr<std::vector<T>> storage;
    std::shared_ptr<std::uint64_t> version;  ///< shared with detach(), not with data()
    tensor_size shape;
    bool requires_grad = false;
    bool retains_grad = false;
    std::shared_ptr<tensor_impl> grad;
    std::shared_ptr<node<T>> grad_fn;  ///< empty for a leaf
    /// Serialises backward passes that add into .grad (PyTorch's AccumulateGrad lock): graphs
    /// run on different threads may share this tensor.
    std::mutex grad_mutex;

    tensor_impl() = default;
    /// A copy of the fields (not of the lock).
    tensor_impl(const tensor_impl& o)
        : storage(o.storage), version(o.version), shape(o.shape), requires_grad(o.requires_grad),
          retains_grad(o.retains_grad), grad(o.grad), grad_fn(o.grad_fn) {}
    tensor_impl& operator=(const tensor_impl&) = delete;
    ~tensor_impl();

    T* data() { return storage->data(); }
    const T* data() const { return storage->data(); }
    [[nodiscard]] std::size_t numel() const { return shape.numel(); }
};

template <class T>
std::shared_ptr<tensor_impl<T>> new_impl(const tensor_size& shape, T fill = T(0)) {
    auto t = std::make_shared<tensor_impl<T>>();
    t->storage = std::make_shared<std::vector<T>>(shape.numel(), fill);
    t->version = std::make_shared<std::uint64_t>(0);
    t->shape = shape;
    return t;
}

/// One operand slot of a statement: a tensor (with its version when captured) or a number.
template <class T>
struct targ {
    using value_type = T;
    std::shared_ptr<tensor_impl<T>> t;  ///< empty for a number
    T number{};
    std::uint64_t version = 0;
    bool grad = false;  ///< the gradient flows into this slot
};

template <class T> class engine;

inline std::uint64_t next_sequence_number() {
    static std::atomic<std::uint64_t> counter{0};
    return counter.fetch_add(1, std::memory_order_relaxed);
}

/// A type-erased grad_fn of a materialised tensor: a statement kept for its backward.
template <class T>
struct node {
    node() = default;
    node(const node&) = delete;
    node& operator=(const node&) = delete;
    virtual ~node() = default;
    /// The order of creation (PyTorch's sequence_nr): a backward pass runs the ready node
    /// created last first.
    const std::uint64_t sequence_nr = next_sequence_number();
    /// The identity Python would print for this grad_fn.
    [[nodiscard]] const void* id() const { return this; }
    /// grad_fn.name() of the statement's last operation.
    [[nodiscard]] virtual std::string name() const = 0;
    [[nodiscard]] virtual ctgrad::grad_fn describe() const = 0;
    /// The statement's slots: the tensors (and numbers) it reads.
    [[nodiscard]] virtual std::span<const targ<T>> inputs() const = 0;
    /// Moves the tensors it reads into `out` (when the graph is destroyed).
    virtual void take_inputs(std::vector<std::shared_ptr<tensor_impl<T>>>& out) = 0;
    /// Adds this node's vector-Jacobian product with `grad` (the output's gradient) into
    /// the inputs' sinks.
    virtual void apply(const T* grad, std::size_t stride, engine<T>& eng, bool retain_graph) = 0;
};

/// Destroys the graph behind a tensor without recursion: a chain of a million statements
/// is freed in a loop, not by a million nested destructors.
template <class T>
tensor_impl<T>::~tensor_impl() {
    if (!grad_fn) return;
    std::vector<std::shared_ptr<node<T>>> nodes;
    nodes.push_back(std::move(grad_fn));
    std::vector<std::shared_ptr<tensor_impl>> inputs;
    while (!nodes.empty()) {
        std::shared_ptr<node<T>> n = std::move(nodes.back());
        nodes.pop_back();
        if (n.use_count() != 1) continue;  // still in use elsewhere: only this reference goes
        n->take_inputs(inputs);
        for (auto& t : inputs)
            if (t && t.use_count() == 1 && t->grad_fn) nodes.push_back(std::move(t->grad_fn));
        inputs.clear();  // tensors without their graph now: each goes in one step
    }
}

[[noreturn]] inline void throw_second_backward() {
    throw error(
        "Trying to backward through the graph a second time (or directly access saved tensors after they have already "
        "been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). "
        "Specify retain_graph=True if you need to backward through the graph a second time or if you need to access "
        "saved tensors after calling backward.");
}

template <class T>
std::string torch_type_name() {
    return CTGRAD_IS_SAME(T, double) ? "torch.DoubleTensor" : "torch.FloatTensor";
}

/// Runs a backward pass: leaves accumulate into .grad, non-leaf tensors into buffers that
/// their nodes consume when all their consumers have run, the node created last first (as
/// PyTorch's engine). With leaves only, it allocates nothing once the leaves' .grad exist.
/// The graph is walked without recursion, in time linear in its nodes and edges.
template <class T>
class engine {
public:
    explicit engine(bool retain_graph) : retain_graph_(retain_graph) {}
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;
    ~engine() { unlock_direct_leaves(); }

    /// Where slot `a`'s gradient goes, or null when no gradient flows into it. A statement that
    /// reads only leaves adds straight into their .grad (locked by lock_direct_leaves); in a
    /// graph across statements a leaf's gradient waits in a buffer until all its inputs have
    /// arrived, as in PyTorch (a backward that fails half-way leaves such a leaf's .grad alone).
    T* sink(const targ<T>& a) {
        if (!a.grad || !a.t) return nullptr;
        tensor_impl<T>& t = *a.t;
        if (!t.grad_fn && !buffer_leaves_) {
            if (!t.grad) t.grad = new_impl<T>(t.shape, T(-0.0));
            return t.grad->data();
        }
        item& it = items_[index_.at(&t)];
        if (it.grad.empty()) it.grad.assign(t.numel(), T(-0.0));
        return it.grad.data();
    }

    /// Locks the .grad of every leaf that `inputs` adds into directly (a statement that reads
    /// only leaves), in address order so that two passes never wait for each other.
    template <class Inputs>
    void lock_direct_leaves(const Inputs& inputs) {
        if (buffer_leaves_) return;
        std::array<tensor_impl<T>*, 64> leaves{};
        std::size_t n = 0;
        for (const targ<T>& a : inputs)
            if (a.grad && a.t && !a.t->grad_fn && n != leaves.size()) leaves[n++] = a.t.get();
        std::sort(leaves.begin(), leaves.begin() + static_cast<std::ptrdiff_t>(n));
        for (std::size_t k = 0; k != n; ++k) {
            if (k != 0 && leaves[k] == leaves[k - 1]) continue;
            leaves[k]->grad_mutex.lock();
            locked_[locked_count_++] = &leaves[k]->grad_mutex;
        }
    }
    void unlock_direct_leaves() {
        while (locked_count_ != 0) locked_[--locked_count_]->unlock();
    }

    /// Counts the edges into every tensor reachable from `inputs` that collects a gradient:
    /// the non-leaf ones, and the leaves too when there is a non-leaf one.
    template <class Inputs>
    void discover(const Inputs& inputs) {
        std::vector<tensor_impl<T>*> stack;
        const auto visit = [&](std::span<const targ<T>> in) {
            for (const targ<T>& a : in) {
                if (!a.grad || !a.t || !a.t->grad_fn) continue;
                const auto [k, fresh] = add(a.t.get());
                ++items_[k].deps;
                if (fresh) stack.push_back(a.t.get());
            }
        };
        visit(std::span<const targ<T>>(inputs.data(), inputs.size()));
        while (!stack.empty()) {
            tensor_impl<T>* t = stack.back();
            stack.pop_back();
            visit(t->grad_fn->inputs());
        }
        if (items_.empty()) return;
        buffer_leaves_ = true;
        const std::size_t nodes = items_.size();
        count_leaves(std::span<const targ<T>>(inputs.data(), inputs.size()));
        for (std::size_t k = 0; k != nodes; ++k) count_leaves(items_[k].t->grad_fn->inputs());
    }

    /// After the root: the non-leaf tensors, each once all its consumers have run.
    template <class Inputs>
    void run(const Inputs& root_inputs) {
        release(std::span<const targ<T>>(root_inputs.data(), root_inputs.size()));
        while (!ready_.empty()) {
            std::pop_heap(ready_.begin(), ready_.end());
            const std::size_t k = ready_.back().second;
            ready_.pop_back();
            items_[k].done = true;
            tensor_impl<T>* t = items_[k].t;
            std::vector<T> g = std::move(items_[k].grad);  // freed once this node has run
            if (g.empty()) g.assign(t->numel(), T(-0.0));
            if (t->retains_grad) accumulate_grad(*t, g.data());
            node<T>& n = *t->grad_fn;
            n.apply(g.data(), 1, *this, retain_graph_);
            release(n.inputs());
        }
    }

    static void accumulate_grad(tensor_impl<T>& t, const T* g) {
        // PyTorch's retain_grad hook: grad = new.clone(), then grad = grad + new (a new tensor)
        auto fresh = new_impl<T>(t.shape, T(-0.0));
        T* out = fresh->data();
        const std::lock_guard<std::mutex> lock(t.grad_mutex);
        const T* old = t.grad ? t.grad->data() : nullptr;
        for (std::size_t i = 0, n = t.numel(); i != n; ++i) out[i] = old ? old[i] + g[i] : g[i];
        t.grad = std::move(fresh);
    }

private:
    struct item {
        tensor_impl<T>* t;
        std::vector<T> grad;  ///< allocated when the first gradient arrives
        std::size_t deps = 0;
        bool done = false;
    };

    void count_leaves(std::span<const targ<T>> inputs) {
        for (const targ<T>& a : inputs)
            if (a.grad && a.t && !a.t->grad_fn) ++items_[add(a.t.get()).first].deps;
    }

    std::pair<std::size_t, bool> add(tensor_impl<T>* t) {
        const auto [pos, fresh] = index_.try_emplace(t, items_.size());
        if (fresh) items_.push_back(item{t, {}});
        return {pos->second, fresh};
    }

    void release(std::span<const targ<T>> inputs) {
        for (const targ<T>& a : inputs) {
            if (!a.grad || !a.t || (!a.t->grad_fn && !buffer_leaves_)) continue;
            const std::size_t k = index_.at(a.t.get());
            item& it = items_[k];
            if (--it.deps != 0 || it.done) continue;
            if (a.t->grad_fn) {
                ready_.emplace_back(a.t->grad_fn->sequence_nr, k);
                std::push_heap(ready_.begin(), ready_.end());
                continue;
            }
            it.done = true;  // a leaf with all its inputs: .grad
            if (it.grad.empty()) it.grad.assign(a.t->numel(), T(-0.0));
            tensor_impl<T>& t = *a.t;
            const std::lock_guard<std::mutex> lock(t.grad_mutex);
            if (!t.grad) {
                t.grad = new_impl<T>(t.shape);
                std::copy(it.grad.begin(), it.grad.end(), t.grad->data());
            } else {
                T* out = t.grad->data();
                for (std::size_t i = 0, n = t.numel(); i != n; ++i) out[i] += it.grad[i];
            }
            std::vector<T>().swap(it.grad);
        }
    }

    std::vector<item> items_;
    std::unordered_map<const tensor_impl<T>*, std::size_t> index_;
    std::vector<std::pair<std::uint64_t, std::size_t>> ready_;  ///< a max-heap by sequence_nr
    std::array<std::mutex*, 64> locked_{};
    std::size_t locked_count_ = 0;
    bool retain_graph_;
    bool buffer_leaves_ = false;
};

// ---- slots: the variables of a tensor statement ----------------------------------------

/// Slot K of a statement, "\x02" and two digits: no user variable starts with that character.
template <std::size_t K>
inline constexpr fixed_string<4> tslot_name = [] {
    static_assert(K < 64, "ctgrad: at most 64 tensors and numbers in one statement; assign part of it to a Tensor");
    fixed_string<4> s;
    s.chars[0] = '\x02';
    s.chars[1] = static_cast<char>('0' + K / 10);
    s.chars[2] = static_cast<char>('0' + K % 10);
    return s;
}();
template <std::size_t K>
using tslot = variable<tslot_name<K>>;

consteval std::size_t tslot_number(std::string_view name) {
    return std::size_t(name[1] - '0') * 10 + std::size_t(name[2] - '0');
}
template <class V>
inline constexpr std::size_t tslot_index = tslot_number(V::name());

/// E with every slot number raised by Off (the right operand's slots follow the left's).
template <class E, std::size_t Off> struct shift { using type = E; };
template <fixed_string N, std::size_t Off>
struct shift<variable<N>, Off> { using type = tslot<tslot_number(N.view()) + Off>; };
template <class Op, class A, std::size_t Off>
struct shift<unary<Op, A>, Off> { using type = unary<Op, typename shift<A, Off>::type>; };
template <class Op, class L, class R, std::size_t Off>
struct shift<binary<Op, L, R>, Off> { using type = binary<Op, typename shift<L, Off>::type, typename shift<R, Off>::type>; };
template <class E, std::size_t Off> using shift_t = typename shift<E, Off>::type;

/// The number of slots in E (each slot occurs once).
template <class E> inline constexpr std::size_t slot_count = 0;
template <fixed_string N> inline constexpr std::size_t slot_count<variable<N>> = 1;
template <class Op, class A> inline constexpr std::size_t slot_count<unary<Op, A>> = slot_count<A>;
template <class Op, class L, class R>
inline constexpr std::size_t slot_count<binary<Op, L, R>> = slot_count<L> + slot_count<R>;

/// uses_slot<E>::value<K>: whether slot K occurs in E.
template <class E>
struct uses_slot {
    template <std::size_t K>
    static constexpr bool value = depends_on<E, tslot<K>>;
};

/// Whether backward reads no value (sums and differences only): such a statement keeps
/// nothing that a second backward could miss.
template <class E> struct linear_statement_trait : std::bool_constant<is_variable<E> || is_constant<E>> {};
template <class E> concept linear_statement = linear_statement_trait<E>::value;
template <class Op, class A> struct linear_statement_trait<unary<Op, A>> : std::bool_constant<(CTGRAD_IS_SAME(Op, neg_op) || CTGRAD_IS_SAME(Op, sum_op) || CTGRAD_IS_SAME(Op, mean_op)) && linear_statement<A>> {};
template <class Op, class L, class R> struct linear_statement_trait<binary<Op, L, R>> : std::bool_constant<(CTGRAD_IS_SAME(Op, add_op) || CTGRAD_IS_SAME(Op, sub_op)) && linear_statement<L> && linear_statement<R>> {};

// ---- PyTorch's names -------------------------------------------------------------------

}  // namespace detail

/// 1 / a, as torch.reciprocal;  d/da = -r^2.  `2.0 / x` is `reciprocal(x) * 2.0`, as in PyTorch.
struct reciprocal_op : detail::op_base<"reciprocal", notation::function> {
    template <class T> static constexpr T value(T a) { return T(1) / a; }
    template <class A, class R> static constexpr auto partial(const A&, const R& r) { return make_neg(make_mul(r, r)); }
};

namespace detail {


template <class Op> inline constexpr std::string_view backward_name = "";
template <> inline constexpr std::string_view backward_name<add_op> = "AddBackward0";
template <> inline constexpr std::string_view backward_name<sub_op> = "SubBackward0";
template <> inline constexpr std::string_view backward_name<mul_op> = "MulBackward0";
template <> inline constexpr std::string_view backward_name<div_op> = "DivBackward0";
template <> inline constexpr std::string_view backward_name<neg_op> = "NegBackward0";
template <std::intmax_t N> inline constexpr std::string_view backward_name<ipow_op<N>> = "PowBackward0";
template <> inline constexpr std::string_view backward_name<exp_op> = "ExpBackward0";
template <> inline constexpr std::string_view backward_name<log_op> = "LogBackward0";
template <> inline constexpr std::string_view backward_name<sin_op> = "SinBackward0";
template <> inline constexpr std::string_view backward_name<cos_op> = "CosBackward0";
template <> inline constexpr std::string_view backward_name<tan_op> = "TanBackward0";
template <> inline constexpr std::string_view backward_name<tanh_op> = "TanhBackward0";
template <> inline constexpr std::string_view backward_name<sqrt_op> = "SqrtBackward0";
template <> inline constexpr std::string_view backward_name<sigmoid_op> = "SigmoidBackward0";
template <> inline constexpr std::string_view backward_name<log1p_op> = "Log1PBackward0";
template <> inline constexpr std::string_view backward_name<expm1_op> = "Expm1Backward0";
template <> inline constexpr std::string_view backward_name<abs_op> = "AbsBackward0";
template <> inline constexpr std::string_view backward_name<relu_op> = "ReluBackward0";
template <> inline constexpr std::string_view backward_name<reciprocal_op> = "ReciprocalBackward0";
template <> inline constexpr std::string_view backward_name<sum_op> = "SumBackward0";
template <> inline constexpr std::string_view backward_name<mean_op> = "MeanBackward0";

template <class T>
bool is_number_slot(const targ<T>& a) { return !a.t; }

/// Whether any slot in [Off, Off + slot_count<E>) takes a gradient.
template <class E, std::size_t Off, class Args>
bool any_grad(const Args& args) {
    for (std::size_t k = Off; k != Off + slot_count<E>; ++k)
        if (args[k].grad) return true;
    return false;
}

template <class T>
grad_fn describe_tensor(const targ<T>& a);

/// The identity of the node `k` places after `id` in the statement's tree (preorder): distinct
/// for the distinct nodes of one statement.
inline const void* node_id(const void* id, std::uint64_t k) {
    return reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(id) + k);
}

/// grad_fn.name() of E's last operation (its slots start at Off), as describe_expr names it.
template <class E, std::size_t Off, class Args>
std::string statement_name(const Args& args) {
    using T = typename Args::value_type::value_type;
    if constexpr (is_variable<E> || is_constant<E>) {
        return {};
    } else if constexpr (is_unary<E>) {
        return std::string(backward_name<op_t<E>>);
    } else {
        using Op = op_t<E>;
        constexpr std::size_t RO = Off + slot_count<typename E::left_type>;
        if constexpr (CTGRAD_IS_SAME(Op, sub_op) && is_variable<typename E::left_type>)
            if (is_number_slot<T>(args[Off])) return "RsubBackward1";
        if constexpr (CTGRAD_IS_SAME(Op, pow_op)) {
            if constexpr (is_variable<typename E::right_type>)
                if (is_number_slot<T>(args[RO])) return "PowBackward0";
            return "PowBackward1";
        } else {
            return std::string(backward_name<Op>);
        }
    }
}

/// The grad_fn of the node E whose slots start at Off, as PyTorch would build it.
template <class E, std::size_t Off, class Args>
grad_fn describe_expr(const Args& args, const void* id) {
    if constexpr (is_variable<E>) {
        return describe_tensor(args[Off]);
    } else if constexpr (is_constant<E>) {
        return {};
    } else if constexpr (is_unary<E>) {
        using A = typename E::operand_type;
        std::vector<grad_fn::edge> next{{any_grad<A, Off>(args) ? describe_expr<A, Off>(args, node_id(id, 1)) : grad_fn{}, 0}};
        return {statement_name<E, Off>(args), id, std::move(next)};
    } else {
        using Lt = typename E::left_type;
        using Rt = typename E::right_type;
        constexpr std::size_t RO = Off + slot_count<Lt>;
        auto left = [&] { return grad_fn::edge{any_grad<Lt, Off>(args) ? describe_expr<Lt, Off>(args, node_id(id, 1)) : grad_fn{}, 0}; };
        auto right = [&] {
            return grad_fn::edge{any_grad<Rt, RO>(args) ? describe_expr<Rt, RO>(args, node_id(id, 1 + tree_size<Lt>)) : grad_fn{}, 0};
        };
        // A number operand has no edge: `2 - t` (RsubBackward1) and `t ** 2.` (PowBackward0).
        std::string name = statement_name<E, Off>(args);
        if (name == "RsubBackward1") return {std::move(name), id, {right()}};
        if (name == "PowBackward0") return {std::move(name), id, {left()}};
        return {std::move(name), id, {left(), right()}};
    }
}

// ---- evaluation of a statement ---------------------------------------------------------

template <class T, std::size_t L>
struct slot_views {
    std::array<const T*, L> p{};
    std::array<std::size_t, L> s{};  ///< 1: one element per index; 0: broadcast
};

template <class T, std::size_t L>
struct slot_context {
    using scalar = T;
    const slot_views<T, L>& v;
    std::size_t i;
    template <class V>
    CTGRAD_ALWAYS_INLINE T get() const {
        constexpr std::size_t k = tslot_index<V>;
        return v.p[k][i * v.s[k]];
    }
};

/// Context of the outer function of a reduction: the slot of the reduction reads its value.
template <class T, std::size_t L>
struct outer_slot_context {
    using scalar = T;
    const slot_views<T, L>& v;
    T reduced;
    template <class V>
    CTGRAD_ALWAYS_INLINE T get() const {
        if constexpr (is_slot<V>) return reduced;
        else return v.p[tslot_index<V>][0];
    }
};

template <class E>
using split_t = decltype(split_reductions<0>(std::declval<const E&>()));

[[noreturn]] inline void throw_unsupported_broadcast(const tensor_size& a, const tensor_size& out) {
    throw error("ctgrad: broadcasting a tensor of shape " + a.str() + " to " + out.str() +
                " is not supported; an operand must have the result's number of elements or a single element");
}

/// M sums over i < n of value(i) (a std::array<T, M>), each added in the order of PyTorch
/// 1.13's CPU sum kernel (cascade_sum with 32-byte vectors, as built for AVX2): the same
/// order gives the same float bits as torch.sum and as the reduction of a broadcast gradient.
/// Each value(i) is computed once, in increasing i within each block.
template <class T, std::size_t M, class F>
std::array<T, M> torch_sum(std::size_t n, const F& value) {
    using A = std::array<T, M>;
    constexpr std::size_t lanes = 32 / sizeof(T);
    const auto add = [](A& a, const A& b) {
        for (std::size_t m = 0; m != M; ++m) a[m] += b[m];
    };
    // row_sum with 4 interleaved accumulators and 4 cascade levels over `size` rows of 4;
    // Acc is A or a vector of lanes A's.
    const auto multi_row_sum = [](std::size_t size, const auto& load, auto zero, const auto& plus) {
        using Acc = decltype(zero);
        constexpr std::size_t levels = 4;
        const std::size_t bits = size <= 2 ? 1 : static_cast<std::size_t>(std::bit_width(size - 1));
        const std::size_t level_power = std::max<std::size_t>(4, bits / levels);
        const std::size_t level_step = std::size_t(1) << level_power;
        const std::size_t level_mask = level_step - 1;
        std::array<std::array<Acc, 4>, levels> acc;
        for (auto& r : acc) r.fill(zero);
        std::size_t i = 0;
        while (i + level_step <= size) {
            for (std::size_t j = 0; j != level_step; ++j, ++i)
                for (std::size_t k = 0; k != 4; ++k) plus(acc[0][k], load(i, k));
            for (std::size_t j = 1; j != levels; ++j) {
                for (std::size_t k = 0; k != 4; ++k) {
                    plus(acc[j][k], acc[j - 1][k]);
                    acc[j - 1][k] = zero;
                }
                if ((i & (level_mask << (j * level_power))) != 0) break;
            }
        }
        for (; i < size; ++i)
            for (std::size_t k = 0; k != 4; ++k) plus(acc[0][k], load(i, k));
        for (std::size_t j = 1; j != levels; ++j)
            for (std::size_t k = 0; k != 4; ++k) plus(acc[0][k], acc[j][k]);
        return acc[0];
    };
    if (n < lanes) {  // scalar_inner_sum
        const std::size_t rows = n / 4;
        auto p = multi_row_sum(rows, [&](std::size_t i, std::size_t k) { return value(i * 4 + k); }, A{}, add);
        for (std::size_t i = rows * 4; i < n; ++i) add(p[0], value(i));
        for (std::size_t k = 1; k != 4; ++k) add(p[0], p[k]);
        return p[0];
    }
    // vectorized_inner_sum: rows of 4 vectors, lane by lane; then the tail, then the lanes.
    using V = std::array<A, lanes>;
    const auto vadd = [&](V& a, const V& b) {
        for (std::size_t l = 0; l != lanes; ++l) add(a[l], b[l]);
    };
    const auto vload = [&](std::size_t vi) {
        V r;
        for (std::size_t l = 0; l != lanes; ++l) r[l] = value(vi * lanes + l);
        return r;
    };
    const std::size_t vectors = n / lanes;
    const std::size_t rows = vectors / 4;
    auto p = multi_row_sum(rows, [&](std::size_t i, std::size_t k) { return vload(i * 4 + k); }, V{}, vadd);
    for (std::size_t i = rows * 4; i < vectors; ++i) vadd(p[0], vload(i));
    for (std::size_t k = 1; k != 4; ++k) vadd(p[0], p[k]);
    A total{};
    for (std::size_t i = vectors * lanes; i < n; ++i) add(total, value(i));
    for (std::size_t l = 0; l != lanes; ++l) add(total, p[0][l]);
    return total;
}

inline tensor_size broadcast_shapes(const tensor_size& a, const tensor_size& b) {
    const std::size_t rank = std::max(a.size(), b.size());
    std::array<std::size_t, tensor_size::max_rank> dims{};
    for (std::size_t j = 0; j != rank; ++j) {  // j counts from the last dimension
        const std::size_t da = j < a.size() ? a[a.size() - 1 - j] : 1;
        const std::size_t db = j < b.size() ? b[b.size() - 1 - j] : 1;
        if (da != db && da != 1 && db != 1)
            throw error("The size of tensor a (" + std::to_string(da) + ") must match the size of tensor b (" +
                        std::to_string(db) + ") at non-singleton dimension " + std::to_string(rank - 1 - j));
        dims[rank - 1 - j] = da == 1 ? db : da;
    }
    if (rank == 0) return {};
    if (rank == 1) return {dims[0]};
    return {dims[0], dims[1]};
}

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

template <class T>
std::string format_values(std::span<const T> values, const tensor_size& shape, bool requires_grad, const std::string& fn) {
    format_suffix suffix;
    suffix.float64 = CTGRAD_IS_SAME(T, double);
    suffix.requires_grad = requires_grad;
    suffix.grad_fn = fn;
    return format_tensor<T>(values, shape.dims(), suffix);
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

    std::array<detail::targ<T>, L> args{};
    tensor_size shape_{};
    std::size_t domain = 0;  ///< the number of elements the element-wise part runs over

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
        return detail::describe_expr<E, 0>(args, static_cast<const void*>(this));
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
    void backward(bool retain_graph = false) const {
        check_backward_root();
        if (numel() != 1) throw error("grad can be implicitly created only for scalar outputs");
        const T one(1);
        run(&one, 0, retain_graph);
    }
    /// backward(gradient): the vector-Jacobian product with `gradient` (the output's shape).
    void backward(const basic_tensor<T>& gradient, bool retain_graph = false) const;

    /// A Tensor with the values that does not require grad.
    [[nodiscard]] basic_tensor<T> detach() const;

    auto sum() const;
    auto mean() const;
    template <class P> auto pow(const P& p) const;

    // ---- implementation --------------------------------------------------------------

    detail::slot_views<T, L> views() const {
        detail::slot_views<T, L> v;
        for (std::size_t k = 0; k != L; ++k) {
            const detail::targ<T>& a = args[k];
            if (a.t) {
                v.p[k] = a.t->data();
                v.s[k] = a.t->numel() == 1 ? 0 : 1;
            } else {
                v.p[k] = &a.number;
                v.s[k] = 0;
            }
        }
        return v;
    }

    /// Writes the numel() values into `out`.
    void evaluate_into(T* out) const {
        const auto v = views();
        if constexpr (!reduced) {
            for (std::size_t i = 0; i != domain; ++i) out[i] = detail::dag_eval(E{}, detail::slot_context<T, L>{v, i});
        } else {
            out[0] = outer_value(v);
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
        const auto v = views();
        // A slot of one element read by every element (stride 0) takes the sum of the
        // elements' adjoints, added in PyTorch's order; the others take theirs in place.
        const auto accumulate = [&](std::size_t i, const auto& r, auto uses) {
            std::array<T, L> broadcast{};
            [&]<std::size_t... K>(std::index_sequence<K...>) {
                ((sinks[K] && decltype(uses)::template value<K>
                      ? (v.s[K] == 0 ? void(broadcast[K] = r[1 + K]) : void(sinks[K][i] += r[1 + K]))
                      : void()),
                 ...);
            }(std::make_index_sequence<L>{});
            return broadcast;
        };
        const auto add_broadcast = [&](const std::array<T, L>& total) {
            if (domain == 0) return;
            for (std::size_t k = 0; k != L; ++k)
                if (sinks[k] && v.s[k] == 0) sinks[k][0] += total[k];
        };
        return [&]<std::size_t... K>(std::index_sequence<K...>) {
            if constexpr (!reduced) {
                const auto state = detail::make_dag_state(E{});
                T first{};
                add_broadcast(detail::torch_sum<T, L>(domain, [&](std::size_t i) {
                    const auto r = detail::dag_value_and_grad<detail::tslot<K>...>(E{}, detail::slot_context<T, L>{v, i},
                                                                                   state, g[i * gstride]);
                    if (i == 0) first = r[0];
                    return accumulate(i, r, detail::uses_slot<E>{});
                }));
                return first;
            } else if constexpr (detail::is_reduction<E>) {
                // The statement is one reduction (a loss such as mean((w x + b - y)^2)): the
                // coefficient of its body is known before the pass, so the value and every
                // adjoint come from one pass, the value added in the same order as alone.
                using Body = typename E::operand_type;
                T coef = g[0];
                if constexpr (detail::is_mean<E>) coef = coef / static_cast<T>(domain);
                const auto bstate = detail::make_dag_state(Body{});
                const auto total = detail::torch_sum<T, L + 1>(domain, [&](std::size_t i) {
                    const auto r = detail::dag_value_and_grad<detail::tslot<K>...>(Body{}, detail::slot_context<T, L>{v, i},
                                                                                   bstate, coef);
                    const std::array<T, L> b = accumulate(i, r, detail::uses_slot<Body>{});
                    std::array<T, L + 1> out;
                    out[0] = r[0];
                    std::copy(b.begin(), b.end(), out.begin() + 1);
                    return out;
                });
                std::array<T, L> broadcast;
                std::copy(total.begin() + 1, total.end(), broadcast.begin());
                add_broadcast(broadcast);
                if constexpr (detail::is_mean<E>) return total[0] / static_cast<T>(domain);
                else return total[0];
            } else {
                using Split = detail::split_t<E>;
                using G = std::remove_cvref_t<decltype(std::declval<Split>().first)>;
                using R = std::remove_cvref_t<decltype(boost::hana::at_c<0>(std::declval<Split>().second))>;
                using Body = typename R::operand_type;
                const T s = reduction_value(v);
                const auto gstate = detail::make_dag_state(G{});
                const auto outer = detail::dag_value_and_grad<detail::tslot<K>..., detail::slot<0>>(
                    G{}, detail::outer_slot_context<T, L>{v, s}, gstate, g[0]);
                ((sinks[K] && detail::depends_on<G, detail::tslot<K>> ? void(sinks[K][0] += outer[1 + K]) : void()), ...);
                T coef = outer[1 + L];
                if constexpr (detail::is_mean<R>) coef = coef / static_cast<T>(domain);
                const auto bstate = detail::make_dag_state(Body{});
                add_broadcast(detail::torch_sum<T, L>(domain, [&](std::size_t i) {
                    const auto r = detail::dag_value_and_grad<detail::tslot<K>...>(Body{}, detail::slot_context<T, L>{v, i},
                                                                                   bstate, coef);
                    return accumulate(i, r, detail::uses_slot<Body>{});
                }));
                return outer[0];
            }
        }(std::make_index_sequence<L>{});
    }

    /// PyTorch's check that a tensor saved for backward was not modified in place since.
    /// A statement of sums and differences reads no value in its backward; any other
    /// reads every tensor it holds (PyTorch saves fewer, so it raises in fewer cases).
    void check_versions() const {
        if constexpr (detail::linear_statement<E>) return;
        for (const detail::targ<T>& a : args) {
            if (!a.t || *a.t->version == a.version) continue;
            std::string what = "[" + detail::torch_type_name<T>() + " " + a.t->shape.str() + "]";
            if (a.t->grad_fn) what += ", which is output 0 of " + a.t->grad_fn->name() + ",";
            throw error("one of the variables needed for gradient computation has been modified by an inplace "
                        "operation: " +
                        what + " is at version " + std::to_string(*a.t->version) + "; expected version " +
                        std::to_string(a.version) +
                        " instead. Hint: enable anomaly detection to find the operation that failed to compute its "
                        "gradient, with torch.autograd.set_detect_anomaly(True).");
        }
    }

    /// Runs the statement's backward as the root of a backward pass.
    void run(const T* g, std::size_t gstride, bool retain_graph) const {
        if (released_) detail::throw_second_backward();
        check_versions();
        detail::engine<T> eng(retain_graph);
        eng.discover(args);
        const T value = backward_into(g, gstride, eng);
        if (numel() == 1 && !has_value_) {  // the value backward saw is the one item() gives
            value_ = value;
            has_value_ = true;
        }
        if (!retain_graph && !detail::linear_statement<E>) released_ = true;
        eng.run(args);
    }

    void check_backward_root() const {
        if (!requires_grad()) throw error("element 0 of tensors does not require grad and does not have a grad_fn");
    }


    friend std::ostream& operator<<(std::ostream& os, const tensor_expr& e) {
        const std::vector<T> v = e.values();
        const auto fn = e.grad_fn();
        return os << detail::format_values<T>(v, e.shape_, false, fn ? fn.name() : std::string());
    }

private:
    T reduction_value(const detail::slot_views<T, L>& v) const {
        using Split = detail::split_t<E>;
        using R = std::remove_cvref_t<decltype(boost::hana::at_c<0>(std::declval<Split>().second))>;
        using Body = typename R::operand_type;
        const auto total = detail::torch_sum<T, 1>(domain, [&](std::size_t i) {
            return std::array<T, 1>{detail::dag_eval(Body{}, detail::slot_context<T, L>{v, i})};
        });
        if constexpr (detail::is_mean<R>) return total[0] / static_cast<T>(domain);
        else return total[0];
    }
    T outer_value(const detail::slot_views<T, L>& v) const {
        using Split = detail::split_t<E>;
        using G = std::remove_cvref_t<decltype(std::declval<Split>().first)>;
        return detail::dag_eval(G{}, detail::outer_slot_context<T, L>{v, reduction_value(v)});
    }

    mutable bool released_ = false;
    // A one-element result keeps its value once computed, as PyTorch's result does: item()
    // after the parameters moved gives the value the statement had.
    mutable T value_{};
    mutable bool has_value_ = false;
};

namespace detail {

/// Whether PyTorch's backward function of E's last operation saves its result (exp, expm1,
/// tan, tanh, sigmoid, sqrt, relu, and PowBackward1, a power with a tensor exponent): then
/// modifying the result in place makes that backward raise.
template <class E, class Args>
bool saves_result(const Args& args) {
    if constexpr (is_unary<E>) {
        using Op = op_t<E>;
        return CTGRAD_IS_SAME(Op, exp_op) || CTGRAD_IS_SAME(Op, expm1_op) || CTGRAD_IS_SAME(Op, tan_op) ||
               CTGRAD_IS_SAME(Op, tanh_op) || CTGRAD_IS_SAME(Op, sigmoid_op) || CTGRAD_IS_SAME(Op, sqrt_op) ||
               CTGRAD_IS_SAME(Op, relu_op);
    } else if constexpr (is_binary<E> && CTGRAD_IS_SAME(op_t<E>, pow_op)) {
        if constexpr (is_variable<typename E::right_type>) return !is_number_slot(args[slot_count<typename E::left_type>]);
        else return true;
    } else {
        return false;
    }
}

/// A materialised statement that requires grad: its backward is the statement's.
template <class T, class E, std::size_t L>
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

    [[nodiscard]] std::string name() const override { return statement_name<E, 0>(expr.args); }
    [[nodiscard]] ctgrad::grad_fn describe() const override { return describe_expr<E, 0>(expr.args, this->id()); }
    [[nodiscard]] std::span<const targ<T>> inputs() const override { return expr.args; }
    void take_inputs(std::vector<std::shared_ptr<tensor_impl<T>>>& out) override {
        for (targ<T>& a : expr.args)
            if (a.t) out.push_back(std::move(a.t));
    }
    void apply(const T* g, std::size_t stride, engine<T>& eng, bool retain_graph) override {
        if (released) throw_second_backward();
        expr.check_versions();
        if (result_version && *result_version != saved_result_version)
            throw error("one of the variables needed for gradient computation has been modified by an inplace "
                        "operation: [" +
                        torch_type_name<T>() + " " + expr.shape().str() + "], which is output 0 of " + name() +
                        ", is at version " + std::to_string(*result_version) + "; expected version " +
                        std::to_string(saved_result_version) +
                        " instead. Hint: enable anomaly detection to find the operation that failed to compute its "
                        "gradient, with torch.autograd.set_detect_anomaly(True).");
        expr.backward_into(g, stride, eng);
        if (!retain_graph && !linear_statement<E>) released = true;
    }
};

template <class T>
grad_fn describe_tensor(const targ<T>& a) {
    if (!a.t || !a.grad) return {};
    if (a.t->grad_fn) {  // another statement's node: its inputs are described when asked for
        std::shared_ptr<const node<T>> n = a.t->grad_fn;
        std::string name = n->name();
        const void* id = n->id();
        return {std::move(name), id, std::function<std::vector<grad_fn::edge>()>([n] { return n->describe().next_functions(); })};
    }
    return {"torch::autograd::AccumulateGrad", static_cast<const void*>(a.t.get()), std::vector<grad_fn::edge>{}};
}

}  // namespace detail

/// A tensor of rank 0 to 2 with shared storage, as torch.Tensor: requires_grad, grad(),
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
    /// The version counter bumped by each in-place operation (t._version).
    [[nodiscard]] std::uint64_t version() const { return *impl().version; }

    void backward(bool retain_graph = false) const {
        if (!impl().requires_grad) throw error("element 0 of tensors does not require grad and does not have a grad_fn");
        if (numel() != 1) throw error("grad can be implicitly created only for scalar outputs");
        const T one(1);
        run_backward(&one, 0, retain_graph);
    }
    void backward(const basic_tensor& gradient, bool retain_graph = false) const {
        if (!impl().requires_grad) throw error("element 0 of tensors does not require grad and does not have a grad_fn");
        if (!(gradient.shape() == shape()))
            throw error("Mismatch in shape: grad_output[0] has a shape of torch.Size(" + gradient.shape().str() +
                        ") and output[0] has a shape of torch.Size(" + shape().str() + ").");
        run_backward(gradient.impl().data(), 1, retain_graph);
    }

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

    friend std::ostream& operator<<(std::ostream& os, const basic_tensor& t) {
        if (!t.defined()) return os << "None";
        const auto& i = t.impl();
        return os << detail::format_values<T>(t.values(), i.shape, i.requires_grad && !i.grad_fn,
                                              i.grad_fn ? i.grad_fn->name() : std::string());
    }

    // ---- implementation --------------------------------------------------------------

    [[nodiscard]] detail::tensor_impl<T>& impl() const {
        if (!impl_) throw error("ctgrad: the tensor is None (undefined)");
        return *impl_;
    }
    [[nodiscard]] const std::shared_ptr<detail::tensor_impl<T>>& impl_ptr() const { return impl_; }

private:
    void run_backward(const T* g, std::size_t stride, bool retain_graph) const {
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
    e.args[0] = targ<T>{t.impl_ptr(), T(0), *impl.version, impl.requires_grad && is_grad_enabled()};
    e.shape_ = impl.shape;
    e.domain = impl.numel();
    return e;
}

template <class T, class N>
tensor_expr<T, tslot<0>, 1> number_operand(N n) {
    tensor_expr<T, tslot<0>, 1> e;
    e.args[0].number = static_cast<T>(n);
    e.domain = 1;
    return e;
}

/// A statement's operand as a statement. A reduced statement is evaluated first unless
/// `KeepReduced` (it meets only numbers and unary functions, which stay in one loop).
template <class T, bool KeepReduced, class X>
auto operand(const X& x) {
    if constexpr (std::is_arithmetic<X>::value) {
        return number_operand<T>(x);
    } else if constexpr (is_tensor_v<X>) {
        return leaf_operand(x);
    } else if constexpr (X::reduced && !KeepReduced) {
        return leaf_operand(basic_tensor<T>(x));
    } else {
        return x;
    }
}

/// Clears the gradient flags when grad mode is off: the result does not require grad.
template <class Expr>
Expr finish(Expr e) {
    if (!is_grad_enabled())
        for (auto& a : e.args) a.grad = false;
    return e;
}

template <class Op, class X>
auto make_unary_statement(const X& x);

template <class Op, class A, class B>
auto make_binary(const A& a, const B& b) {
    if constexpr (CTGRAD_IS_SAME(Op, div_op) && std::is_arithmetic<A>::value) {
        return make_binary<mul_op>(make_unary_statement<reciprocal_op>(b), a);  // PyTorch's rdiv
    } else {
        using T = tensor_scalar_t<A, B>;
        static_assert(!(tensor_like<A> && tensor_like<B>) ||
                          CTGRAD_IS_SAME(typename scalar_of<A>::type, typename scalar_of<B>::type),
                      "ctgrad: both tensors of an operation must have the same dtype (float or double)");
        constexpr bool a_number = std::is_arithmetic<A>::value;
        constexpr bool b_number = std::is_arithmetic<B>::value;
        const auto ea = operand<T, b_number>(a);
        const auto eb = operand<T, a_number>(b);
        using EA = typename std::remove_cvref_t<decltype(ea)>::expression_type;
        using EB = typename std::remove_cvref_t<decltype(eb)>::expression_type;
        constexpr std::size_t LA = std::remove_cvref_t<decltype(ea)>::slots;
        constexpr std::size_t LB = std::remove_cvref_t<decltype(eb)>::slots;
        tensor_expr<T, binary<Op, EA, shift_t<EB, LA>>, LA + LB> out;
        std::copy(ea.args.begin(), ea.args.end(), out.args.begin());
        std::copy(eb.args.begin(), eb.args.end(), out.args.begin() + LA);
        if constexpr (a_number) {
            out.shape_ = eb.shape_;
            out.domain = eb.domain;
        } else if constexpr (b_number) {
            out.shape_ = ea.shape_;
            out.domain = ea.domain;
        } else {
            out.shape_ = broadcast_shapes(ea.shape_, eb.shape_);
            out.domain = out.shape_.numel();
            for (const tensor_size& s : {ea.shape_, eb.shape_})
                if (s.numel() != out.domain && s.numel() != 1) throw_unsupported_broadcast(s, out.shape_);
        }
        return finish(out);
    }
}

template <class Op, class X>
auto make_unary_statement(const X& x) {
    using T = typename scalar_of<X>::type;
    const auto ex = operand<T, true>(x);
    using EX = typename std::remove_cvref_t<decltype(ex)>::expression_type;
    constexpr std::size_t LX = std::remove_cvref_t<decltype(ex)>::slots;
    tensor_expr<T, unary<Op, EX>, LX> out;
    out.args = ex.args;
    out.shape_ = ex.shape_;
    out.domain = ex.domain;
    return finish(out);
}

template <class Op, class X>
auto make_reduction_statement(const X& x) {
    using T = typename scalar_of<X>::type;
    const auto ex = operand<T, false>(x);  // a reduced statement is evaluated first
    using EX = typename std::remove_cvref_t<decltype(ex)>::expression_type;
    constexpr std::size_t LX = std::remove_cvref_t<decltype(ex)>::slots;
    tensor_expr<T, unary<Op, EX>, LX> out;
    out.args = ex.args;
    out.shape_ = tensor_size{};
    out.domain = ex.domain;
    return finish(out);
}

template <class A, class B>
concept tensor_operands = (tensor_like<A> && (tensor_like<B> || std::is_arithmetic<B>::value)) ||
                          (std::is_arithmetic<A>::value && tensor_like<B>);

}  // namespace detail

template <class A, class B> requires detail::tensor_operands<A, B>
auto operator+(const A& a, const B& b) { return detail::make_binary<add_op>(a, b); }
template <class A, class B> requires detail::tensor_operands<A, B>
auto operator-(const A& a, const B& b) { return detail::make_binary<sub_op>(a, b); }
template <class A, class B> requires detail::tensor_operands<A, B>
auto operator*(const A& a, const B& b) { return detail::make_binary<mul_op>(a, b); }
template <class A, class B> requires detail::tensor_operands<A, B>
auto operator/(const A& a, const B& b) { return detail::make_binary<div_op>(a, b); }
template <tensor_like A>
auto operator-(const A& a) { return detail::make_unary_statement<neg_op>(a); }

/// pow(t, 2_c): the exponent known at compile time (computed by multiplications).
template <tensor_like A, std::intmax_t N>
auto pow(const A& a, constant<N, 1>) { return detail::make_unary_statement<ipow_op<N>>(a); }
/// pow(t, 2.5), pow(t, u), pow(2., t): torch.pow.
template <class A, class B> requires detail::tensor_operands<A, B>
auto pow(const A& a, const B& b) { return detail::make_binary<pow_op>(a, b); }

#define CTGRAD_DETAIL_TENSOR_FUNCTION(fn)                                                   \
    template <tensor_like A>                                                                \
    auto fn(const A& a) { return detail::make_unary_statement<fn##_op>(a); }
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
#undef CTGRAD_DETAIL_TENSOR_FUNCTION

/// torch.sum / torch.mean of all elements: a 0-dimensional result.
template <tensor_like A>
auto sum(const A& a) { return detail::make_reduction_statement<sum_op>(a); }
template <tensor_like A>
auto mean(const A& a) { return detail::make_reduction_statement<mean_op>(a); }

template <class T>
auto basic_tensor<T>::sum() const { return ctgrad::sum(*this); }
template <class T>
auto basic_tensor<T>::mean() const { return ctgrad::mean(*this); }
template <class T>
template <class P>
auto basic_tensor<T>::pow(const P& p) const { return ctgrad::pow(*this, p); }
template <class T, class E, std::size_t L>
auto tensor_expr<T, E, L>::sum() const { return ctgrad::sum(*this); }
template <class T, class E, std::size_t L>
auto tensor_expr<T, E, L>::mean() const { return ctgrad::mean(*this); }
template <class T, class E, std::size_t L>
template <class P>
auto tensor_expr<T, E, L>::pow(const P& p) const { return ctgrad::pow(*this, p); }

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
void tensor_expr<T, E, L>::backward(const basic_tensor<T>& gradient, bool retain_graph) const {
    check_backward_root();
    if (!(gradient.shape() == shape_))
        throw error("Mismatch in shape: grad_output[0] has a shape of torch.Size(" + gradient.shape().str() +
                    ") and output[0] has a shape of torch.Size(" + shape_.str() + ").");
    run(gradient.impl().data(), 1, retain_graph);
}

template <class T>
template <class Op, class R>
basic_tensor<T>& basic_tensor<T>::inplace(const R& r) {
    check_inplace();
    auto e = detail::make_binary<Op>(*this, r);
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
    tensor_data(std::initializer_list<tensor_data> items) : items_(items), list_(true) {}

    /// The shape; throws value_error for ragged lists, as torch.tensor does.
    [[nodiscard]] tensor_size shape() const {
        if (!list_) return {};
        if (items_.empty()) return {0};
        const tensor_size inner = items_.front().shape();
        for (const tensor_data& item : items_)
            if (!(item.shape() == inner))
                throw value_error("expected sequence of length " + std::to_string(inner.size() ? inner[0] : 0) +
                                  " at dim 1 (got " + std::to_string(item.shape().size() ? item.shape()[0] : 0) + ")");
        if (inner.size() == 0) return {items_.size()};
        if (inner.size() == 1) return {items_.size(), inner[0]};
        throw error("ctgrad: tensors of rank 0 to 2 are supported");
    }
    template <class T>
    void flatten(T*& out) const {
        if (!list_) *out++ = static_cast<T>(value_);
        for (const tensor_data& item : items_) item.flatten(out);
    }

private:
    double value_ = 0;
    std::vector<tensor_data> items_;
    bool list_ = false;
};

/// torch.tensor(data, requires_grad=...): `tensor({1., 2., 3.}, {.requires_grad = true})`,
/// `tensor({{1., 2.}, {3., 4.}})`, `tensor(3.)`; float64 with `tensor<double>(...)`.
template <class T = float>
basic_tensor<T> tensor(const tensor_data& data, tensor_options options = {}) {
    auto t = detail::new_impl<T>(data.shape());
    T* out = t->data();
    data.flatten(out);
    t->requires_grad = options.requires_grad;
    return basic_tensor<T>(std::move(t));
}

/// A tensor holding a copy of `values` with the given shape.
template <class T>
basic_tensor<T> from_values(std::span<const T> values, tensor_size shape, tensor_options options = {}) {
    if (values.size() != shape.numel()) throw error("ctgrad::from_values: " + std::to_string(values.size()) + " values for shape " + shape.str());
    auto t = detail::new_impl<T>(shape);
    std::copy(values.begin(), values.end(), t->data());
    t->requires_grad = options.requires_grad;
    return basic_tensor<T>(std::move(t));
}

template <class T = float>
basic_tensor<T> full(tensor_size shape, double value, tensor_options options = {}) {
    auto t = detail::new_impl<T>(shape, static_cast<T>(value));
    t->requires_grad = options.requires_grad;
    return basic_tensor<T>(std::move(t));
}
/// torch.zeros(2, 3) is `zeros({2, 3})`.
template <class T = float>
basic_tensor<T> zeros(tensor_size shape, tensor_options options = {}) { return full<T>(shape, 0.0, options); }
template <class T = float>
basic_tensor<T> ones(tensor_size shape, tensor_options options = {}) { return full<T>(shape, 1.0, options); }
/// torch.randn(10, 1) is `randn({10, 1})`: PyTorch's numbers for the same manual_seed.
template <class T = float>
basic_tensor<T> randn(tensor_size shape, tensor_options options = {}) {
    auto t = detail::new_impl<T>(shape);
    fill_randn<T>(std::span<T>(t->data(), t->numel()));
    t->requires_grad = options.requires_grad;
    return basic_tensor<T>(std::move(t));
}
/// torch.arange(n): 0, 1, ..., n - 1.
template <class T = float>
basic_tensor<T> arange(std::size_t n, tensor_options options = {}) {
    auto t = detail::new_impl<T>(tensor_size{n});
    for (std::size_t i = 0; i != n; ++i) t->data()[i] = static_cast<T>(i);
    t->requires_grad = options.requires_grad;
    return basic_tensor<T>(std::move(t));
}

}  // namespace ctgrad

#endif
