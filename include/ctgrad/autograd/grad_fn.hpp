// grad_fn as Python shows it: a name, an identity and the next functions.
#ifndef CTGRAD_AUTOGRAD_GRAD_FN_HPP
#define CTGRAD_AUTOGRAD_GRAD_FN_HPP

#include <ctgrad/detail/config.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ctgrad {

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

/// Prints next_functions as Python prints the tuple: `((<AccumulateGrad object at 0x...>, 0), (None, 0))`.
CTGRAD_RUNTIME_INLINE std::ostream& operator<<(std::ostream& os, const std::vector<grad_fn::edge>& edges);

#if CTGRAD_RUNTIME_DEFINITIONS

CTGRAD_RUNTIME_INLINE grad_fn::grad_fn(std::string name, const void* id, std::vector<edge> next) {
    auto d = std::make_shared<data>();
    d->name = std::move(name);
    d->id = id;
    d->next = std::move(next);
    data_ = std::move(d);
}

CTGRAD_RUNTIME_INLINE grad_fn::grad_fn(std::string name, const void* id, std::function<std::vector<edge>()> next) {
    auto d = std::make_shared<data>();
    d->name = std::move(name);
    d->id = id;
    d->make_next = std::move(next);
    data_ = std::move(d);
}

CTGRAD_RUNTIME_INLINE const std::vector<grad_fn::edge>& grad_fn::next_functions() const {
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

CTGRAD_RUNTIME_INLINE std::ostream& operator<<(std::ostream& os, const std::vector<grad_fn::edge>& edges) {
    os << '(';
    for (std::size_t i = 0; i != edges.size(); ++i) {
        if (i) os << ", ";
        os << '(' << edges[i].function << ", " << edges[i].input_nr << ')';
    }
    if (edges.size() == 1) os << ',';
    return os << ')';
}

#endif  // CTGRAD_RUNTIME_DEFINITIONS

}  // namespace ctgrad

#endif
