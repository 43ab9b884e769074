// torch.Size and broadcasting: the shapes of tensors of rank 0 to 4.
#ifndef CTGRAD_AUTOGRAD_SHAPE_HPP
#define CTGRAD_AUTOGRAD_SHAPE_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/errors.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <ostream>
#include <span>
#include <string>

namespace ctgrad {

/// torch.Size: the shape of a tensor of rank 0 to 4; prints as `torch.Size([10, 1])`.
class tensor_size {
public:
    static constexpr std::size_t max_rank = 4;
    tensor_size() = default;
    tensor_size(std::initializer_list<std::size_t> dims) {
        if (dims.size() > max_rank) throw error("ctgrad: tensors of rank 0 to 4 are supported");
        for (std::size_t d : dims) dims_[rank_++] = d;
    }
    /// From a list of dimensions (rank 0 to 4).
    explicit tensor_size(std::span<const std::size_t> dims) {
        if (dims.size() > max_rank) throw error("ctgrad: tensors of rank 0 to 4 are supported");
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
    [[nodiscard]] std::string str() const;
    friend bool operator==(const tensor_size& a, const tensor_size& b) {
        if (a.rank_ != b.rank_) return false;
        for (std::size_t i = 0; i != a.rank_; ++i)  // not std::equal: a call to memcmp for two numbers
            if (a.dims_[i] != b.dims_[i]) return false;
        return true;
    }
    friend std::ostream& operator<<(std::ostream& os, const tensor_size& s) { return os << "torch.Size(" << s.str() << ")"; }

private:
    std::array<std::size_t, max_rank> dims_{};
    std::size_t rank_ = 0;
};

namespace detail {

/// The shape a and b broadcast to; PyTorch's error when they do not.
CTGRAD_RUNTIME_INLINE tensor_size broadcast_shapes(const tensor_size& a, const tensor_size& b);

#if CTGRAD_RUNTIME_DEFINITIONS

CTGRAD_RUNTIME_INLINE tensor_size broadcast_shapes(const tensor_size& a, const tensor_size& b) {
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
    return tensor_size(std::span<const std::size_t>(dims.data(), rank));
}

#endif  // CTGRAD_RUNTIME_DEFINITIONS

}  // namespace detail

#if CTGRAD_RUNTIME_DEFINITIONS
CTGRAD_RUNTIME_INLINE std::string tensor_size::str() const {
    std::string s = "[";
    for (std::size_t i = 0; i != rank_; ++i) s += (i ? ", " : "") + std::to_string(dims_[i]);
    return s + "]";
}
#endif

}  // namespace ctgrad

#endif
