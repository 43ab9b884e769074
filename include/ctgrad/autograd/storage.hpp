// Storage and the backward engine: a tensor's shared data and version counter (tensor_impl),
// the operand slots of a statement (targ), the type-erased graph node of a materialised
// statement (node) and the engine that runs a backward pass over such nodes.
#ifndef CTGRAD_AUTOGRAD_STORAGE_HPP
#define CTGRAD_AUTOGRAD_STORAGE_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/errors.hpp>
#include <ctgrad/autograd/grad_fn.hpp>
#include <ctgrad/autograd/grad_mode.hpp>
#include <ctgrad/autograd/shape.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ctgrad {

namespace detail {

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
    /// register_hook: each rewrites the gradient arriving at this tensor, in order, before it is
    /// accumulated (a leaf) or passed on (a non-leaf).
    std::vector<std::function<void(std::span<T>)>> hooks;
    /// Serialises backward passes that add into .grad (PyTorch's AccumulateGrad lock): graphs
    /// run on different threads may share this tensor.
    std::mutex grad_mutex;

    tensor_impl() = default;
    /// A copy of the fields (not of the lock).
    tensor_impl(const tensor_impl& o)
        : storage(o.storage), version(o.version), shape(o.shape), requires_grad(o.requires_grad),
          retains_grad(o.retains_grad), grad(o.grad), grad_fn(o.grad_fn), hooks(o.hooks) {}
    tensor_impl& operator=(const tensor_impl&) = delete;
    ~tensor_impl();

    T* data() { return storage->data(); }
    const T* data() const { return storage->data(); }
    [[nodiscard]] std::size_t numel() const { return shape.numel(); }
};

/// A new tensor of the given shape, every element `fill`, version 0.
template <class T>
std::shared_ptr<tensor_impl<T>> new_impl(const tensor_size& shape, T fill = T(0));

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
    /// True for a broadcast inside a statement, which PyTorch's grad_fn does not show: its
    /// input stands in its place.
    [[nodiscard]] virtual bool transparent() const { return false; }
    /// The statement's slots: the tensors (and numbers) it reads.
    [[nodiscard]] virtual std::span<const targ<T>> inputs() const = 0;
    /// Moves the tensors it reads into `out` (when the graph is destroyed).
    virtual void take_inputs(std::vector<std::shared_ptr<tensor_impl<T>>>& out) = 0;
    /// Adds this node's vector-Jacobian product with `grad` (the output's gradient) into
    /// the inputs' sinks.
    virtual void apply(const T* grad, std::size_t stride, engine<T>& eng, bool retain_graph) = 0;
    /// create_graph: the vector-Jacobian product with `grad` computed by tensor operations
    /// that are recorded in the graph (so it can be differentiated again): out[k] is the
    /// gradient of inputs()[k], left empty when none flows into it.
    virtual void apply_graph(const std::shared_ptr<tensor_impl<T>>& grad, std::vector<std::shared_ptr<tensor_impl<T>>>& out) {
        (void)grad;
        (void)out;
        throw_no_graph_backward(name());
    }

protected:
    [[noreturn]] static void throw_no_graph_backward(const std::string& name) {
        throw error("ctgrad: create_graph=True is not supported through " + name +
                    ": its backward is not recorded as a graph (see docs/pytorch-differences.md)");
    }
};

[[noreturn]] CTGRAD_RUNTIME_INLINE void throw_second_backward();

/// Set while a create_graph pass of autograd::grad runs on this thread (it adds into no .grad).
inline bool& graph_capture_active() {
    thread_local bool active = false;
    return active;
}

/// The backward pass of create_graph=True from `roots` seeded with `seeds`
/// (autograd/create_graph.hpp): leaves' .grad take the gradients (capture = false), or the
/// gradients of `targets` are returned and no .grad changes (capture = true, autograd::grad).
template <class T>
std::vector<std::shared_ptr<tensor_impl<T>>> graph_backward(std::span<const std::shared_ptr<tensor_impl<T>>> roots,
                                                           std::span<const std::shared_ptr<tensor_impl<T>>> seeds,
                                                           std::span<const tensor_impl<T>* const> targets, bool capture);

template <class T>
std::string torch_type_name() {
    return CTGRAD_IS_SAME(T, double) ? "torch.DoubleTensor" : "torch.FloatTensor";
}

/// PyTorch's check that a tensor saved for backward was not modified in place since: a
/// statement that reads values in its backward reads every tensor it holds (PyTorch saves
/// fewer, so it raises in fewer cases). Over a span, so compiled once per dtype.
template <class T>
void check_saved_versions(std::span<const targ<T>> args);

/// PyTorch's error when a statement's result, which its backward reads, was modified in place.
template <class T>
[[noreturn]] void throw_modified_result(const tensor_size& shape, const std::string& name, std::uint64_t version,
                                        std::uint64_t expected);

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
    T* sink(const targ<T>& a);

    /// Locks the .grad of every leaf that `inputs` adds into directly (a statement that reads
    /// only leaves), in address order so that two passes never wait for each other.
    // The engine's functions take a statement's slots as a span: one instantiation per dtype,
    // not one per statement length.
    void lock_direct_leaves(std::span<const targ<T>> inputs);
    void unlock_direct_leaves() {
        while (locked_count_ != 0) locked_[--locked_count_]->unlock();
    }

    /// Counts the edges into every tensor reachable from `inputs` that collects a gradient:
    /// the non-leaf ones, and the leaves too when there is a non-leaf one.
    void discover(std::span<const targ<T>> inputs);

    /// After the root: the non-leaf tensors, each once all its consumers have run.
    void run(std::span<const targ<T>> root_inputs);

    /// PyTorch's retain_grad hook: grad = new.clone(), then grad = grad + new (a new tensor).
    static void accumulate_grad(tensor_impl<T>& t, const T* g);

    /// torch.autograd.grad: before discover(), the tensors whose gradients are wanted; the pass
    /// then adds into no .grad and captured(k) holds the gradient of targets[k] (empty when
    /// the pass did not reach it).
    void capture(std::vector<const tensor_impl<T>*> targets) {
        for (const tensor_impl<T>* t : targets) captured_.emplace_back(t, std::vector<T>{});
        capturing_ = true;
    }
    [[nodiscard]] std::vector<T>& captured(std::size_t k) { return captured_[k].second; }
    /// The tensors given to capture(), in order.
    [[nodiscard]] std::vector<const tensor_impl<T>*> capture_targets() const {
        std::vector<const tensor_impl<T>*> out;
        for (const auto& c : captured_) out.push_back(c.first);
        return out;
    }
    /// Adds g, the part of targets[k]'s gradient that a nested pass found (a path through a
    /// conversion to the other dtype), to what this pass captures.
    void add_captured(std::size_t k, const std::vector<T>& g) { add_gradient(captured_[k].second, g); }
    /// Whether this pass is torch.autograd.grad's (it adds into no .grad).
    [[nodiscard]] bool capturing() const { return capturing_; }

    /// Anomaly mode: throws PyTorch's error when node `name` left a NaN in the gradient of one
    /// of its tensor inputs (its k-th output, counting the tensor inputs).
    void check_anomaly(const std::string& name, std::span<const targ<T>> inputs);

private:
    struct item {
        tensor_impl<T>* t;
        std::vector<T> grad;  ///< allocated when the first gradient arrives
        std::size_t deps = 0;
        bool done = false;
    };

    void count_leaves(std::span<const targ<T>> inputs);
    std::pair<std::size_t, bool> add(tensor_impl<T>* t);
    void release(std::span<const targ<T>> inputs);

    std::vector<item> items_;
    std::unordered_map<const tensor_impl<T>*, std::size_t> index_;
    std::vector<std::pair<std::uint64_t, std::size_t>> ready_;  ///< a max-heap by sequence_nr
    std::array<std::mutex*, 64> locked_;  ///< [0, locked_count_) is used
    std::size_t locked_count_ = 0;
    bool retain_graph_;
    bool buffer_leaves_ = false;
    bool capturing_ = false;
    std::vector<std::pair<const tensor_impl<T>*, std::vector<T>>> captured_;

    /// Runs t's hooks on its gradient g, then keeps g when t is captured.
    void finish_gradient(const tensor_impl<T>& t, std::vector<T>& g) {
        for (const auto& hook : t.hooks) hook(std::span<T>(g));
        for (auto& [target, out] : captured_)
            if (target == &t) add_gradient(out, g);
    }
    static void add_gradient(std::vector<T>& out, const std::vector<T>& g) {
        if (g.empty()) return;
        if (out.empty()) {
            out = g;
            return;
        }
        for (std::size_t i = 0; i != out.size(); ++i) out[i] += g[i];
    }
};

/// The engine of the autograd::grad call running on this thread for dtype T, if any: a pass
/// through a conversion to the other dtype (ToCopyBackward0) captures into it.
template <class T>
engine<T>*& capture_root() {
    thread_local engine<T>* root = nullptr;
    return root;
}

#if CTGRAD_RUNTIME_DEFINITIONS

template <class T>
std::shared_ptr<tensor_impl<T>> new_impl(const tensor_size& shape, T fill) {
    auto t = std::make_shared<tensor_impl<T>>();
    t->storage = std::make_shared<std::vector<T>>(shape.numel(), fill);
    t->version = std::make_shared<std::uint64_t>(0);
    t->shape = shape;
    return t;
}

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

[[noreturn]] CTGRAD_RUNTIME_INLINE void throw_second_backward() {
    throw error(
        "Trying to backward through the graph a second time (or directly access saved tensors after they have already "
        "been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). "
        "Specify retain_graph=True if you need to backward through the graph a second time or if you need to access "
        "saved tensors after calling backward.");
}

template <class T>
void check_saved_versions(std::span<const targ<T>> args) {
    for (const targ<T>& a : args) {
        if (!a.t || *a.t->version == a.version) continue;
        std::string what = "[" + torch_type_name<T>() + " " + a.t->shape.str() + "]";
        if (a.t->grad_fn) what += ", which is output 0 of " + a.t->grad_fn->name() + ",";
        throw error("one of the variables needed for gradient computation has been modified by an inplace "
                    "operation: " +
                    what + " is at version " + std::to_string(*a.t->version) + "; expected version " +
                    std::to_string(a.version) +
                    " instead. Hint: enable anomaly detection to find the operation that failed to compute its "
                    "gradient, with torch.autograd.set_detect_anomaly(True).");
    }
}

template <class T>
void throw_modified_result(const tensor_size& shape, const std::string& name, std::uint64_t version,
                           std::uint64_t expected) {
    throw error("one of the variables needed for gradient computation has been modified by an inplace operation: [" +
                torch_type_name<T>() + " " + shape.str() + "], which is output 0 of " + name + ", is at version " +
                std::to_string(version) + "; expected version " + std::to_string(expected) +
                " instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, "
                "with torch.autograd.set_detect_anomaly(True).");
}

template <class T>
T* engine<T>::sink(const targ<T>& a) {
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

template <class T>
void engine<T>::lock_direct_leaves(std::span<const targ<T>> inputs) {
    if (buffer_leaves_) return;
    std::array<tensor_impl<T>*, 64> leaves;  // [0, n) is used: no need to clear 512 bytes per pass
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

template <class T>
void engine<T>::discover(std::span<const targ<T>> inputs) {
    std::vector<tensor_impl<T>*> stack;
    const auto visit = [&](std::span<const targ<T>> in) {
        for (const targ<T>& a : in) {
            if (!a.grad || !a.t || !a.t->grad_fn) continue;
            const auto [k, fresh] = add(a.t.get());
            ++items_[k].deps;
            if (fresh) stack.push_back(a.t.get());
        }
    };
    visit(inputs);
    while (!stack.empty()) {
        tensor_impl<T>* t = stack.back();
        stack.pop_back();
        visit(t->grad_fn->inputs());
    }
    // Leaves add into .grad directly unless a gradient must first pass their hooks or be captured.
    bool hooked = false;
    for (const targ<T>& a : inputs) hooked = hooked || (a.grad && a.t && !a.t->grad_fn && !a.t->hooks.empty());
    if (items_.empty() && !hooked && !capturing_) return;
    const std::size_t nodes = items_.size();
    count_leaves(inputs);
    for (std::size_t k = 0; k != nodes; ++k) count_leaves(items_[k].t->grad_fn->inputs());
    buffer_leaves_ = true;
}

template <class T>
void engine<T>::run(std::span<const targ<T>> root_inputs) {
    release(root_inputs);
    while (!ready_.empty()) {
        std::pop_heap(ready_.begin(), ready_.end());
        const std::size_t k = ready_.back().second;
        ready_.pop_back();
        items_[k].done = true;
        tensor_impl<T>* t = items_[k].t;
        std::vector<T> g = std::move(items_[k].grad);  // freed once this node has run
        if (g.empty()) g.assign(t->numel(), T(-0.0));
        finish_gradient(*t, g);
        if (t->retains_grad) accumulate_grad(*t, g.data());
        node<T>& n = *t->grad_fn;
        n.apply(g.data(), 1, *this, retain_graph_);
        if (autograd::is_anomaly_enabled()) check_anomaly(n.name(), n.inputs());
        release(n.inputs());
    }
}

template <class T>
void engine<T>::check_anomaly(const std::string& name, std::span<const targ<T>> inputs) {
    std::size_t k = 0;
    for (const targ<T>& a : inputs) {
        if (!a.t) continue;
        const T* g = nullptr;
        std::size_t n = 0;
        if (a.grad && (a.t->grad_fn || buffer_leaves_)) {
            const auto at = index_.find(a.t.get());
            if (at != index_.end()) {
                g = items_[at->second].grad.data();
                n = items_[at->second].grad.size();
            }
        } else if (a.grad && a.t->grad) {
            g = a.t->grad->data();
            n = a.t->grad->numel();
        }
        for (std::size_t i = 0; i != n; ++i)
            if (g[i] != g[i])
                throw error("Function '" + name + "' returned nan values in its " + std::to_string(k) + "th output.");
        ++k;
    }
}

template <class T>
void engine<T>::accumulate_grad(tensor_impl<T>& t, const T* g) {
    auto fresh = new_impl<T>(t.shape, T(-0.0));
    T* out = fresh->data();
    const std::lock_guard<std::mutex> lock(t.grad_mutex);
    const T* old = t.grad ? t.grad->data() : nullptr;
    for (std::size_t i = 0, n = t.numel(); i != n; ++i) out[i] = old ? old[i] + g[i] : g[i];
    t.grad = std::move(fresh);
}

template <class T>
void engine<T>::count_leaves(std::span<const targ<T>> inputs) {
    for (const targ<T>& a : inputs)
        if (a.grad && a.t && !a.t->grad_fn) ++items_[add(a.t.get()).first].deps;
}

template <class T>
std::pair<std::size_t, bool> engine<T>::add(tensor_impl<T>* t) {
    const auto [pos, fresh] = index_.try_emplace(t, items_.size());
    if (fresh) items_.push_back(item{t, {}});
    return {pos->second, fresh};
}

template <class T>
void engine<T>::release(std::span<const targ<T>> inputs) {
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
        finish_gradient(t, it.grad);
        if (capturing_) {  // torch.autograd.grad adds into no .grad
            std::vector<T>().swap(it.grad);
            continue;
        }
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

#endif  // CTGRAD_RUNTIME_DEFINITIONS

}  // namespace detail

}  // namespace ctgrad

#endif
