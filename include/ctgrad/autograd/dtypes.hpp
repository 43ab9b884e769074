// torch.int64 and torch.bool tensors, and the operations that make or read them: labels and
// indices (`tensor<std::int64_t>({0, 2, 1})`, `arange<std::int64_t>(5)`), comparisons
// (`x > 0` is a BoolTensor), `where`, `clamp` with tensor bounds, `argmax` / `argmin`,
// `max` / `min` over a dimension with their indices, conversions (`to<float>()`) and
// PyTorch's type promotion between the supported dtypes.
//
// Integer and bool tensors never require grad, as in PyTorch; they carry no graph. Their
// storage is shared by copies and by reshape (no version counter: nothing saves them).
//
// Promotion (torch.result_type for the dtypes here): the categories rank bool < integer <
// floating. Two tensors give the higher of their dtypes (float32 with float64 gives float64).
// A number takes part only by its category: one above the tensor's gives that category's
// default dtype (int64, float32), otherwise the tensor's dtype wins (a float32 tensor compared
// with 0.1 compares in float32).
#ifndef CTGRAD_AUTOGRAD_DTYPES_HPP
#define CTGRAD_AUTOGRAD_DTYPES_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/eager.hpp>
#include <ctgrad/autograd/errors.hpp>
#include <ctgrad/autograd/format.hpp>
#include <ctgrad/autograd/shape.hpp>
#include <ctgrad/autograd/tensor.hpp>
#include <ctgrad/autograd/shape_ops.hpp>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctgrad {

template <class I> class basic_int_tensor;
/// torch.int64 (torch.LongTensor): labels, indices, counts.
using LongTensor = basic_int_tensor<std::int64_t>;
/// torch.bool (torch.BoolTensor): the result of a comparison, the condition of `where`.
using BoolTensor = basic_int_tensor<bool>;

namespace detail {

/// bool is stored as one byte per element (std::vector<bool> has no data()).
template <class I> using int_storage_t = std::conditional_t<std::is_same_v<I, bool>, std::uint8_t, I>;

template <class X> struct is_int_tensor_trait : std::false_type {};
template <class I> struct is_int_tensor_trait<basic_int_tensor<I>> : std::true_type {};
template <class X> concept int_tensor = is_int_tensor_trait<std::remove_cvref_t<X>>::value;

/// A tensor of any supported dtype: float, double, int64 or bool.
template <class X> concept any_tensor = tensor_like<std::remove_cvref_t<X>> || int_tensor<X>;

/// The dtype of an operand: its element type; a C++ number stands for a Python number.
template <class X, class = void> struct dtype_of { using type = std::remove_cvref_t<X>; };
template <class X> requires tensor_like<std::remove_cvref_t<X>> || int_tensor<X>
struct dtype_of<X> { using type = typename std::remove_cvref_t<X>::value_type; };
template <class X> using dtype_of_t = typename dtype_of<X>::type;

/// A floating value as int64, as PyTorch on x86: truncated toward zero; NaN, infinities and
/// values out of range give INT64_MIN (the value of the x86 conversion, not undefined here).
template <class V>
std::int64_t to_int64(V v) {
    if constexpr (std::is_floating_point_v<V>) {
        if (!(v >= V(-9223372036854775808.0) && v < V(9223372036854775808.0))) return std::numeric_limits<std::int64_t>::min();
    }
    return static_cast<std::int64_t>(v);
}

/// 0 bool, 1 integer, 2 floating.
template <class V> inline constexpr int category = std::is_same_v<V, bool> ? 0 : std::is_integral_v<V> ? 1 : 2;

/// The default dtype of a category (what a Python number becomes alone).
template <int C> using default_dtype = std::conditional_t<C == 0, bool, std::conditional_t<C == 1, std::int64_t, float>>;

/// torch.result_type of two operands, at least one a tensor.
template <class A, class B>
struct promote {
    using VA = dtype_of_t<A>;
    using VB = dtype_of_t<B>;
    static constexpr bool ta = any_tensor<A>, tb = any_tensor<B>;
    static constexpr int ca = category<VA>, cb = category<VB>;
    using both = std::conditional_t<(ca != cb), std::conditional_t<(ca > cb), VA, VB>,
                                    std::conditional_t<(sizeof(VA) >= sizeof(VB)), VA, VB>>;
    using type = std::conditional_t<ta && tb, both,
                 std::conditional_t<ta, std::conditional_t<(cb > ca), default_dtype<cb>, VA>,
                                        std::conditional_t<(ca > cb), default_dtype<ca>, VB>>>;
};
template <class A, class B> using promote_t = typename promote<A, B>::type;

/// The shape of an operand (a number: 0-dimensional).
template <class X>
tensor_size shape_of(const X& x) {
    if constexpr (std::is_arithmetic_v<std::remove_cvref_t<X>>) return {};
    else return x.shape();
}

/// An operand's values as V (no graph): a number once, a tensor element by element.
template <class V, class X>
std::vector<V> values_as(const X& x) {
    using D = std::remove_cvref_t<X>;
    if constexpr (std::is_arithmetic_v<D>) {
        return {static_cast<V>(x)};
    } else if constexpr (int_tensor<D>) {
        const auto v = x.values();
        std::vector<V> out(v.size());
        for (std::size_t i = 0; i != v.size(); ++i) out[i] = static_cast<V>(v[i]);
        return out;
    } else {
        const auto t = impl_of(x);
        std::vector<V> out(t->numel());
        for (std::size_t i = 0; i != out.size(); ++i) out[i] = static_cast<V>(t->data()[i]);
        return out;
    }
}

}  // namespace detail

/// A torch.int64 or torch.bool tensor of rank 0 to 4. Copies share the data, as Python names
/// do; a default-constructed one is None.
template <class I>
class basic_int_tensor {
    static_assert(std::is_same_v<I, std::int64_t> || std::is_same_v<I, bool>,
                  "ctgrad: integer tensors hold std::int64_t (torch.int64) or bool (torch.bool)");

public:
    using value_type = I;
    using storage_type = detail::int_storage_t<I>;

    basic_int_tensor() = default;
    /// A tensor of the given shape holding `values` in row-major order.
    basic_int_tensor(tensor_size shape, std::vector<storage_type> values)
        : data_(std::make_shared<std::vector<storage_type>>(std::move(values))), shape_(shape) {
        if (data_->size() != shape_.numel())
            throw error("ctgrad: " + std::to_string(data_->size()) + " values for shape " + shape_.str());
    }

    [[nodiscard]] bool defined() const { return data_ != nullptr; }
    [[nodiscard]] tensor_size shape() const { check(); return shape_; }
    [[nodiscard]] tensor_size size() const { return shape(); }
    [[nodiscard]] std::size_t dim() const { return shape().size(); }
    [[nodiscard]] std::size_t numel() const { return shape().numel(); }
    /// The elements in row-major order (bools as 0 and 1).
    [[nodiscard]] std::span<const storage_type> values() const { check(); return {data_->data(), data_->size()}; }
    [[nodiscard]] storage_type* data_ptr() { check(); return data_->data(); }

    /// Integer and bool tensors never require grad and have no grad_fn.
    [[nodiscard]] bool requires_grad() const { return false; }
    [[nodiscard]] bool is_leaf() const { return true; }
    [[nodiscard]] ctgrad::grad_fn grad_fn() const { return {}; }
    basic_int_tensor& requires_grad_(bool on = true) {
        if (on) throw error("only Tensors of floating point dtype can require gradients");
        return *this;
    }

    /// item(): the single value (Python's int or bool).
    [[nodiscard]] I item() const {
        if (numel() != 1) throw value_error("only one element tensors can be converted to Python scalars");
        return static_cast<I>((*data_)[0]);
    }

    /// t[i]: the i-th entry along the first dimension (a copy).
    [[nodiscard]] basic_int_tensor operator[](std::int64_t index) const {
        const tensor_size s = shape();
        if (s.size() == 0) throw index_error("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
        const auto n = static_cast<std::int64_t>(s[0]);
        if (index < -n || index >= n)
            throw index_error("index " + std::to_string(index) + " is out of bounds for dimension 0 with size " + std::to_string(n));
        const std::size_t i = static_cast<std::size_t>(index < 0 ? index + n : index);
        const std::size_t inner = n == 0 ? 0 : numel() / static_cast<std::size_t>(n);
        std::vector<storage_type> v(data_->begin() + static_cast<std::ptrdiff_t>(i * inner),
                                    data_->begin() + static_cast<std::ptrdiff_t>((i + 1) * inner));
        return basic_int_tensor(tensor_size(s.dims().subspan(1)), std::move(v));
    }

    /// reshape / view: the same data with another shape (-1 inferred).
    [[nodiscard]] basic_int_tensor reshape(std::initializer_list<std::int64_t> dims) const {
        basic_int_tensor t = *this;
        t.shape_ = detail::infer_shape(std::span<const std::int64_t>(dims.begin(), dims.size()), numel());
        return t;
    }
    [[nodiscard]] basic_int_tensor view(std::initializer_list<std::int64_t> dims) const { return reshape(dims); }

    /// to<U>(): a copy as dtype U, as .float() / .double() / .long() / .bool() (to<bool>() is
    /// "not zero"); the same tensor when U is its dtype.
    template <class U>
    [[nodiscard]] auto to() const {
        if constexpr (std::is_same_v<U, I>) {
            return *this;
        } else if constexpr (std::is_floating_point_v<U>) {
            const auto v = values();
            auto t = detail::new_impl<U>(shape_);
            for (std::size_t i = 0; i != v.size(); ++i) t->data()[i] = static_cast<U>(v[i]);
            return basic_tensor<U>(std::move(t));
        } else {
            const auto v = values();
            std::vector<detail::int_storage_t<U>> out(v.size());
            for (std::size_t i = 0; i != v.size(); ++i) out[i] = static_cast<detail::int_storage_t<U>>(static_cast<U>(v[i]));
            return basic_int_tensor<U>(shape_, std::move(out));
        }
    }

    /// sum(): a 0-dimensional torch.int64 (of a bool tensor, the number of True).
    [[nodiscard]] LongTensor sum() const;
    /// sum over one dimension, as torch.int64.
    [[nodiscard]] LongTensor sum(std::int64_t dim, bool keepdim = false) const;
    /// mean() raises as PyTorch's: an integer tensor has no floating mean.
    [[nodiscard]] basic_tensor<float> mean() const {
        throw error(std::string("mean(): could not infer output dtype. Input dtype must be either a floating point or "
                                "complex dtype. Got: ") + (std::is_same_v<I, bool> ? "Bool" : "Long"));
    }
    /// argmax(): the index of the first largest element of the flattened tensor.
    [[nodiscard]] LongTensor argmax() const;
    [[nodiscard]] LongTensor argmax(std::int64_t dim, bool keepdim = false) const;

    friend std::ostream& operator<<(std::ostream& os, const basic_int_tensor& t) {
        if (!t.defined()) return os << "None";
        const auto v = t.values();
        std::vector<std::int64_t> wide(v.begin(), v.end());
        detail::format_suffix suffix;
        suffix.boolean = std::is_same_v<I, bool>;
        return os << detail::format_tensor<std::int64_t>(wide, t.shape_.dims(), suffix);
    }

private:
    void check() const {
        if (!data_) throw error("ctgrad: the tensor is None (undefined)");
    }

    std::shared_ptr<std::vector<storage_type>> data_;
    tensor_size shape_;
};

// ---- factories -------------------------------------------------------------------------

namespace detail {
template <class I>
void check_no_grad(tensor_options options) {
    if (options.requires_grad) throw error("Only Tensors of floating point and complex dtype can require gradients");
}
}  // namespace detail

/// torch.tensor([...]) of integers or bools: `tensor<std::int64_t>({0, 2, 1})`,
/// `tensor<bool>({1, 0})`; requires_grad raises, as in PyTorch.
template <class I> requires(std::is_same_v<I, std::int64_t> || std::is_same_v<I, bool>)
basic_int_tensor<I> tensor(const tensor_data& data, tensor_options options = {}) {
    detail::check_no_grad<I>(options);
    const tensor_size shape = data.shape();
    std::vector<double> flat(shape.numel());
    double* out = flat.data();
    data.flatten(out);
    std::vector<detail::int_storage_t<I>> v(flat.size());
    for (std::size_t i = 0; i != v.size(); ++i)
        v[i] = static_cast<detail::int_storage_t<I>>(std::is_same_v<I, bool> ? flat[i] != 0.0 : detail::to_int64(flat[i]));
    return basic_int_tensor<I>(shape, std::move(v));
}

/// torch.full / zeros / ones with dtype=torch.int64 or torch.bool.
template <class I> requires(std::is_same_v<I, std::int64_t> || std::is_same_v<I, bool>)
basic_int_tensor<I> full(tensor_size shape, I value, tensor_options options = {}) {
    detail::check_no_grad<I>(options);
    return basic_int_tensor<I>(shape, std::vector<detail::int_storage_t<I>>(shape.numel(), static_cast<detail::int_storage_t<I>>(value)));
}
template <class I> requires(std::is_same_v<I, std::int64_t> || std::is_same_v<I, bool>)
basic_int_tensor<I> zeros(tensor_size shape, tensor_options options = {}) { return full<I>(shape, I(0), options); }
template <class I> requires(std::is_same_v<I, std::int64_t> || std::is_same_v<I, bool>)
basic_int_tensor<I> ones(tensor_size shape, tensor_options options = {}) { return full<I>(shape, I(1), options); }

/// torch.arange(n) (int64 in PyTorch; `arange<std::int64_t>(n)` here, as ctgrad's arange(n)
/// defaults to float32) and torch.arange(start, end, step).
template <class I> requires std::is_same_v<I, std::int64_t>
LongTensor arange(std::int64_t start, std::int64_t end, std::int64_t step = 1) {
    if (step == 0) throw error("step must be nonzero");
    if ((step > 0 && start > end) || (step < 0 && start < end))
        throw error("upper bound and larger bound inconsistent with step sign");
    const auto n = static_cast<std::size_t>((end - start + step + (step > 0 ? -1 : 1)) / step);
    std::vector<std::int64_t> v(n);
    for (std::size_t i = 0; i != n; ++i) v[i] = start + static_cast<std::int64_t>(i) * step;
    return LongTensor(tensor_size{n}, std::move(v));
}
template <class I> requires std::is_same_v<I, std::int64_t>
LongTensor arange(std::int64_t n) { return arange<I>(0, n, 1); }

// ---- comparisons and arithmetic ----------------------------------------------------------

namespace detail {

/// Two operands combined element by element in dtype V with broadcasting: f(a, b) -> R.
template <class R, class V, class A, class B, class F>
basic_int_tensor<R> combine(const A& a, const B& b, F f) {
    const tensor_size sa = shape_of(a), sb = shape_of(b);
    const tensor_size s = broadcast_shapes(sa, sb);
    const std::vector<V> va = values_as<V>(a), vb = values_as<V>(b);
    const std::vector<std::size_t> ia = broadcast_index(sa, s), ib = broadcast_index(sb, s);
    std::vector<int_storage_t<R>> out(s.numel());
    for (std::size_t i = 0; i != out.size(); ++i) out[i] = static_cast<int_storage_t<R>>(f(va[ia[i]], vb[ib[i]]));
    return basic_int_tensor<R>(s, std::move(out));
}

/// Operands of a comparison: a tensor of any dtype with a tensor or a number.
template <class A, class B>
concept comparable = (any_tensor<A> && (any_tensor<B> || std::is_arithmetic_v<std::remove_cvref_t<B>>)) ||
                     (std::is_arithmetic_v<std::remove_cvref_t<A>> && any_tensor<B>);

/// Operands of integer arithmetic: an integer tensor with an integer tensor or an integer number.
template <class A, class B>
concept int_operands = (int_tensor<A> && (int_tensor<B> || std::is_integral_v<std::remove_cvref_t<B>>)) ||
                       (std::is_integral_v<std::remove_cvref_t<A>> && int_tensor<B>);

/// An integer or bool tensor with a floating tensor, a statement or a floating number: the
/// integer side is converted and the floating operation (and its gradient) applies.
template <class A, class B>
concept mixed_operands = (int_tensor<A> && (tensor_like<std::remove_cvref_t<B>> || std::is_floating_point_v<std::remove_cvref_t<B>>)) ||
                         ((tensor_like<std::remove_cvref_t<A>> || std::is_floating_point_v<std::remove_cvref_t<A>>) && int_tensor<B>);

/// The floating operand of a mixed operation, as itself; an integer tensor converted to V.
template <class V, class X>
decltype(auto) as_floating(X&& x) {
    if constexpr (int_tensor<X>) return x.template to<V>();
    else return static_cast<X&&>(x);
}

}  // namespace detail

#define CTGRAD_DETAIL_COMPARISON(op)                                                                   \
    template <class A, class B> requires detail::comparable<A, B>                                      \
    BoolTensor operator op(const A& a, const B& b) {                                                   \
        using V = detail::promote_t<A, B>;                                                             \
        return detail::combine<bool, V>(a, b, [](V x, V y) { return x op y; });                        \
    }
CTGRAD_DETAIL_COMPARISON(<)
CTGRAD_DETAIL_COMPARISON(<=)
CTGRAD_DETAIL_COMPARISON(>)
CTGRAD_DETAIL_COMPARISON(>=)
CTGRAD_DETAIL_COMPARISON(==)
CTGRAD_DETAIL_COMPARISON(!=)
#undef CTGRAD_DETAIL_COMPARISON

/// torch.eq / ne / lt / le / gt / ge.
template <class A, class B> requires detail::comparable<A, B> BoolTensor eq(const A& a, const B& b) { return a == b; }
template <class A, class B> requires detail::comparable<A, B> BoolTensor ne(const A& a, const B& b) { return a != b; }
template <class A, class B> requires detail::comparable<A, B> BoolTensor lt(const A& a, const B& b) { return a < b; }
template <class A, class B> requires detail::comparable<A, B> BoolTensor le(const A& a, const B& b) { return a <= b; }
template <class A, class B> requires detail::comparable<A, B> BoolTensor gt(const A& a, const B& b) { return a > b; }
template <class A, class B> requires detail::comparable<A, B> BoolTensor ge(const A& a, const B& b) { return a >= b; }

/// `a & b`, `a | b`, `a ^ b` and `~a` of bool tensors: logical and, or, xor and not.
inline BoolTensor operator&(const BoolTensor& a, const BoolTensor& b) {
    return detail::combine<bool, bool>(a, b, [](bool x, bool y) { return x && y; });
}
inline BoolTensor operator|(const BoolTensor& a, const BoolTensor& b) {
    return detail::combine<bool, bool>(a, b, [](bool x, bool y) { return x || y; });
}
inline BoolTensor operator^(const BoolTensor& a, const BoolTensor& b) {
    return detail::combine<bool, bool>(a, b, [](bool x, bool y) { return x != y; });
}
inline BoolTensor operator~(const BoolTensor& a) {
    return detail::combine<bool, bool>(a, false, [](bool x, bool) { return !x; });
}

/// + - * of integer tensors (and integer numbers) stay torch.int64; `/` is true division,
/// torch.float32, as in PyTorch. Two bool tensors are added as int64 here (PyTorch: logical
/// or); convert first to say which.
#define CTGRAD_DETAIL_INT_ARITHMETIC(op)                                                               \
    template <class A, class B> requires detail::int_operands<A, B>                                    \
    LongTensor operator op(const A& a, const B& b) {                                                   \
        return detail::combine<std::int64_t, std::int64_t>(a, b, [](std::int64_t x, std::int64_t y) { return x op y; }); \
    }
CTGRAD_DETAIL_INT_ARITHMETIC(+)
CTGRAD_DETAIL_INT_ARITHMETIC(-)
CTGRAD_DETAIL_INT_ARITHMETIC(*)
#undef CTGRAD_DETAIL_INT_ARITHMETIC
template <class A, class B> requires detail::int_operands<A, B>
basic_tensor<float> operator/(const A& a, const B& b) {
    return basic_tensor<float>(detail::as_floating<float>(a) / detail::as_floating<float>(b));
}

/// An integer or bool tensor with a floating tensor or a floating number: the floating
/// operation, the integer side converted to the result's dtype (int64 + float32 is float32).
#define CTGRAD_DETAIL_MIXED_ARITHMETIC(op)                                                             \
    template <class A, class B> requires detail::mixed_operands<A, B>                                  \
    auto operator op(const A& a, const B& b) {                                                         \
        using V = detail::promote_t<A, B>;                                                             \
        return detail::as_floating<V>(a) op detail::as_floating<V>(b);                                 \
    }
CTGRAD_DETAIL_MIXED_ARITHMETIC(+)
CTGRAD_DETAIL_MIXED_ARITHMETIC(-)
CTGRAD_DETAIL_MIXED_ARITHMETIC(*)
CTGRAD_DETAIL_MIXED_ARITHMETIC(/)
#undef CTGRAD_DETAIL_MIXED_ARITHMETIC

// ---- reductions and indices --------------------------------------------------------------

namespace detail {

/// The extremum of each slice along `dim` (all elements when `all`) and its index: the first
/// one, NaN counting as the largest and the smallest (as PyTorch's max / argmax).
template <bool Max, class V>
void extremum_indices(std::span<const V> x, const tensor_size& shape, std::size_t dim, bool all,
                      std::vector<V>& values, std::vector<std::int64_t>& indices) {
    std::array<std::size_t, 3> parts{1, x.size(), 1};
    if (!all) parts = split_at_dim(shape, dim);
    const std::size_t outer = parts[0], n = parts[1], inner = parts[2];
    values.assign(outer * inner, V{});
    indices.assign(outer * inner, 0);
    for (std::size_t o = 0; o != outer; ++o)
        for (std::size_t i = 0; i != inner; ++i) {
            std::size_t best = 0;
            V m = x[o * n * inner + i];
            for (std::size_t k = 1; k < n; ++k) {
                const V v = x[(o * n + k) * inner + i];
                if constexpr (std::is_floating_point_v<V>) {
                    if (m != m) break;  // NaN wins
                    if (v != v || (Max ? v > m : v < m)) { m = v; best = k; }
                } else {
                    if (Max ? v > m : v < m) { m = v; best = k; }
                }
            }
            values[o * inner + i] = m;
            indices[o * inner + i] = static_cast<std::int64_t>(best);
        }
}

/// The checks and the result's shape of a reduction over `dim` (rank 0 allowed).
inline std::size_t reduction_dim(const tensor_size& s, std::int64_t dim, const char* name) {
    const std::size_t d = wrap_dim(dim, s.size());
    if (s.size() != 0 && s[d] == 0)
        throw index_error(std::string(name) + "(): Expected reduction dim " + std::to_string(d) + " to have non-zero size.");
    return d;
}

}  // namespace detail

/// torch.return_types.max / min: the values and the indices of the extremum over a dimension.
/// `auto [values, indices] = max(x, 1);`
template <class Values, bool Max>
struct extremum_result {
    Values values;
    LongTensor indices;

    friend std::ostream& operator<<(std::ostream& os, const extremum_result& r) {
        return os << "torch.return_types." << (Max ? "max" : "min") << "(\nvalues=" << r.values << ",\nindices=" << r.indices
                  << ")";
    }
};


namespace detail {

/// The values and indices of max / min over `dim` of any tensor; a floating tensor's values
/// keep a MaxBackward0 / MinBackward0 node that sends the gradient to the index.
template <bool Max, class X>
auto extremum_with_indices(const X& x, std::int64_t dim, bool keepdim) {
    const tensor_size s = x.shape();
    const std::size_t d = reduction_dim(s, dim, Max ? "max" : "min");
    const tensor_size out_shape = reduced_shape(s, d, keepdim);
    std::vector<std::int64_t> idx;
    if constexpr (int_tensor<X>) {
        using I = typename std::remove_cvref_t<X>::value_type;
        std::vector<int_storage_t<I>> values;
        extremum_indices<Max, int_storage_t<I>>(x.values(), s, d, s.size() == 0, values, idx);
        return extremum_result<basic_int_tensor<I>, Max>{basic_int_tensor<I>(out_shape, std::move(values)),
                                                         LongTensor(out_shape, std::move(idx))};
    } else {
        using T = typename std::remove_cvref_t<X>::value_type;
        const auto t = impl_of(x);
        std::vector<T> values;
        extremum_indices<Max, T>(std::span<const T>(t->data(), t->numel()), s, d, s.size() == 0, values, idx);
        const std::array<std::size_t, 3> parts = s.size() == 0 ? std::array<std::size_t, 3>{1, 1, 1} : split_at_dim(s, d);
        const std::size_t n = parts[1], inner = parts[2];
        auto out = make_eager<T>(
            Max ? "MaxBackward0" : "MinBackward0", out_shape, {t},
            [&](std::span<T> o) { std::copy(values.begin(), values.end(), o.begin()); },
            [idx, n, inner, total = t->numel()](std::span<const T> g, std::span<T* const> in) {
                // PyTorch scatters into zeros: +0 reaches every other element
                for (std::size_t k = 0; k != total; ++k) in[0][k] += T(0);
                for (std::size_t j = 0; j != g.size(); ++j) {
                    const std::size_t o = j / inner, i = j % inner;
                    in[0][(o * n + static_cast<std::size_t>(idx[j])) * inner + i] += g[j];
                }
            },
            false);
        // create_graph: g scattered to the indices (its gradient gathers them)
        auto map = std::make_shared<std::vector<std::size_t>>(idx.size());
        for (std::size_t j = 0; j != idx.size(); ++j)
            (*map)[j] = (j / inner * n + static_cast<std::size_t>(idx[j])) * inner + j % inner;
        out = with_graph<T>(std::move(out), [map, s](const std::shared_ptr<tensor_impl<T>>& g, std::span<const targ<T>>) {
            return std::vector<std::shared_ptr<tensor_impl<T>>>{
                make_index_map<T>(Max ? "MaxBackward0Backward0" : "MinBackward0Backward0", g, map, s, true)};
        });
        return extremum_result<basic_tensor<T>, Max>{basic_tensor<T>(std::move(out)), LongTensor(out_shape, std::move(idx))};
    }
}

/// argmax / argmin: over `dim`, or of the flattened tensor (a 0-dimensional result).
template <bool Max, class X>
LongTensor arg_extremum(const X& x, const std::int64_t* dim, bool keepdim) {
    const tensor_size s = x.shape();
    if (!dim) {
        if (s.numel() == 0)
            throw error(std::string(Max ? "argmax" : "argmin") +
                        "(): Expected reduction dim to be specified for input.numel() == 0.");
        using V = std::conditional_t<int_tensor<X>, int_storage_t<dtype_of_t<X>>, dtype_of_t<X>>;
        const std::vector<V> v = values_as<V>(x);
        std::vector<V> values;
        std::vector<std::int64_t> idx;
        extremum_indices<Max, V>(v, s, 0, true, values, idx);
        return LongTensor(keepdim ? tensor_size(std::vector<std::size_t>(s.size(), 1)) : tensor_size{}, std::move(idx));
    }
    const std::size_t d = reduction_dim(s, *dim, Max ? "argmax" : "argmin");
    using V = std::conditional_t<int_tensor<X>, int_storage_t<dtype_of_t<X>>, dtype_of_t<X>>;
    const std::vector<V> v = values_as<V>(x);
    std::vector<V> values;
    std::vector<std::int64_t> idx;
    extremum_indices<Max, V>(v, s, d, s.size() == 0, values, idx);
    return LongTensor(reduced_shape(s, d, keepdim), std::move(idx));
}

/// max(x) / min(x) of all elements (MaxBackward1 / MinBackward1): the gradient is shared
/// evenly among the elements equal to the result.
template <bool Max, class T>
std::shared_ptr<tensor_impl<T>> make_full_extremum(const std::shared_ptr<tensor_impl<T>>& t) {
    if (t->numel() == 0)
        throw error(std::string(Max ? "max" : "min") +
                    "(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with "
                    "the 'dim' argument.");
    std::vector<T> values;
    std::vector<std::int64_t> idx;
    extremum_indices<Max, T>(std::span<const T>(t->data(), t->numel()), t->shape, 0, true, values, idx);
    const T m = values[0];
    auto out = make_eager<T>(
        Max ? "MaxBackward1" : "MinBackward1", tensor_size{}, {t}, [&](std::span<T> o) { o[0] = m; },
        [t, m](std::span<const T> g, std::span<T* const> in) {
            const T* x = t->data();
            const std::size_t n = t->numel();
            std::size_t count = 0;
            for (std::size_t i = 0; i != n; ++i) count += x[i] == m || (x[i] != x[i] && m != m);
            const T share = g[0] / static_cast<T>(count);
            for (std::size_t i = 0; i != n; ++i) in[0][i] += x[i] == m || (x[i] != x[i] && m != m) ? share : T(0);
        },
        true);
    // create_graph: g / count on the elements equal to the result
    return with_graph<T>(std::move(out), [m](const std::shared_ptr<tensor_impl<T>>& g, std::span<const targ<T>> args) {
        const tensor_impl<T>& x = *args[0].t;
        auto ties = std::make_shared<std::vector<bool>>(x.numel());
        std::size_t count = 0;
        for (std::size_t i = 0; i != x.numel(); ++i) {
            const T v = x.data()[i];
            (*ties)[i] = v == m || (v != v && m != m);
            count += (*ties)[i] ? 1 : 0;
        }
        const auto share = basic_tensor<T>(basic_tensor<T>(g) / static_cast<T>(count)).impl_ptr();
        return std::vector<std::shared_ptr<tensor_impl<T>>>{make_masked<T>(make_expand<T>(share, x.shape, false), ties)};
    });
}

/// A floating operand of where / clamp as a tensor: a number is a 0-dimensional constant.
template <class T, class X>
std::shared_ptr<tensor_impl<T>> floating_operand(const X& x) {
    if constexpr (std::is_arithmetic_v<std::remove_cvref_t<X>>) {
        return new_impl<T>(tensor_size{}, static_cast<T>(x));
    } else if constexpr (!std::is_same_v<dtype_of_t<X>, T>) {
        static_assert(std::is_same_v<dtype_of_t<X>, T>,
                      "ctgrad: the operands of where and clamp are tensors of one dtype (float or double) or numbers");
        return std::shared_ptr<tensor_impl<T>>{};
    } else {
        return impl_of(x);
    }
}

template <class X> concept floating_or_number = tensor_like<std::remove_cvref_t<X>> || std::is_arithmetic_v<std::remove_cvref_t<X>>;

}  // namespace detail

/// torch.max(x, dim, keepdim) / torch.min: the values (MaxBackward0: the gradient goes to the
/// index) and the indices. `auto [values, indices] = max(x, 1);`
template <class X, std::integral D> requires detail::any_tensor<X> && (!std::is_same_v<D, bool>)
auto max(const X& x, D dim, bool keepdim = false) { return detail::extremum_with_indices<true>(x, static_cast<std::int64_t>(dim), keepdim); }
template <class X, std::integral D> requires detail::any_tensor<X> && (!std::is_same_v<D, bool>)
auto min(const X& x, D dim, bool keepdim = false) { return detail::extremum_with_indices<false>(x, static_cast<std::int64_t>(dim), keepdim); }

/// torch.max(x) / torch.min(x): the extremum of all elements, 0-dimensional.
template <class X> requires tensor_like<std::remove_cvref_t<X>>
auto max(const X& x) { return detail::tensor_of<X>(detail::make_full_extremum<true>(detail::impl_of(x))); }
template <class X> requires tensor_like<std::remove_cvref_t<X>>
auto min(const X& x) { return detail::tensor_of<X>(detail::make_full_extremum<false>(detail::impl_of(x))); }

/// torch.argmax(x) (of the flattened tensor) and torch.argmax(x, dim, keepdim); argmin.
template <class X> requires detail::any_tensor<X>
LongTensor argmax(const X& x) { return detail::arg_extremum<true>(x, nullptr, false); }
template <class X, std::integral D> requires detail::any_tensor<X> && (!std::is_same_v<D, bool>)
LongTensor argmax(const X& x, D dim, bool keepdim = false) {
    const auto d = static_cast<std::int64_t>(dim);
    return detail::arg_extremum<true>(x, &d, keepdim);
}
template <class X> requires detail::any_tensor<X>
LongTensor argmin(const X& x) { return detail::arg_extremum<false>(x, nullptr, false); }
template <class X, std::integral D> requires detail::any_tensor<X> && (!std::is_same_v<D, bool>)
LongTensor argmin(const X& x, D dim, bool keepdim = false) {
    const auto d = static_cast<std::int64_t>(dim);
    return detail::arg_extremum<false>(x, &d, keepdim);
}

/// torch.where(condition, a, b): a where the condition holds, else b, broadcast together
/// (WhereBackward0: the gradient goes to a where it holds and to b elsewhere).
template <class A, class B>
    requires detail::floating_or_number<A> && detail::floating_or_number<B> &&
             (tensor_like<std::remove_cvref_t<A>> || tensor_like<std::remove_cvref_t<B>>)
auto where(const BoolTensor& condition, const A& a, const B& b) {
    using T = detail::promote_t<A, B>;
    const auto ta = detail::floating_operand<T>(a), tb = detail::floating_operand<T>(b);
    const tensor_size s = detail::broadcast_shapes(detail::broadcast_shapes(condition.shape(), ta->shape), tb->shape);
    auto ic = detail::broadcast_index(condition.shape(), s), ia = detail::broadcast_index(ta->shape, s),
         ib = detail::broadcast_index(tb->shape, s);
    std::vector<bool> c(s.numel());
    const auto cv = condition.values();
    for (std::size_t i = 0; i != c.size(); ++i) c[i] = cv[ic[i]] != 0;
    auto out = detail::make_eager<T>(
        "WhereBackward0", s, {ta, tb},
        [&](std::span<T> o) {
            for (std::size_t i = 0; i != o.size(); ++i) o[i] = c[i] ? ta->data()[ia[i]] : tb->data()[ib[i]];
        },
        [c, ia, ib](std::span<const T> g, std::span<T* const> in) {
            for (std::size_t i = 0; i != g.size(); ++i) {
                // where(c, g, 0) and where(c, 0, g), as PyTorch: +0 where the other branch is taken
                if (in[0]) in[0][ia[i]] += c[i] ? g[i] : T(0);
                if (in[1]) in[1][ib[i]] += c[i] ? T(0) : g[i];
            }
        },
        false);
    // create_graph: the gradient masked by the condition, summed back to each operand's shape
    auto keep = std::make_shared<std::vector<bool>>(c);
    auto other = std::make_shared<std::vector<bool>>(c);
    other->flip();
    out = detail::with_graph<T>(std::move(out), [keep, other](const std::shared_ptr<detail::tensor_impl<T>>& g,
                                                              std::span<const detail::targ<T>> args) {
        return std::vector<std::shared_ptr<detail::tensor_impl<T>>>{
            detail::make_sum_to<T>(detail::make_masked<T>(g, keep), args[0].t->shape),
            detail::make_sum_to<T>(detail::make_masked<T>(g, other), args[1].t->shape)};
    });
    return basic_tensor<T>(std::move(out));
}

/// torch.clamp(x, min, max) with tensor bounds, broadcast together (ClampBackward0): the
/// gradient goes to x where min <= x <= max, to min where x < min < max and to max where
/// x > max or max < min, as PyTorch's.
template <class X, class L, class H>
    requires tensor_like<std::remove_cvref_t<X>> && tensor_like<std::remove_cvref_t<L>> && tensor_like<std::remove_cvref_t<H>>
auto clamp(const X& x, const L& lo, const H& hi) {
    using T = detail::dtype_of_t<X>;
    const auto tx = detail::floating_operand<T>(x), tl = detail::floating_operand<T>(lo), th = detail::floating_operand<T>(hi);
    const tensor_size s = detail::broadcast_shapes(detail::broadcast_shapes(tx->shape, tl->shape), th->shape);
    auto ix = detail::broadcast_index(tx->shape, s), il = detail::broadcast_index(tl->shape, s),
         ih = detail::broadcast_index(th->shape, s);
    auto out = detail::make_eager<T>(
        "ClampBackward0", s, {tx, tl, th},
        [&](std::span<T> o) {
            for (std::size_t i = 0; i != o.size(); ++i) {
                const T v = tx->data()[ix[i]], l = tl->data()[il[i]], h = th->data()[ih[i]];
                o[i] = v != v || l != l || h != h ? v + l + h : std::min(std::max(v, l), h);  // NaN anywhere: NaN
            }
        },
        [tx, tl, th, ix, il, ih](std::span<const T> g, std::span<T* const> in) {
            for (std::size_t i = 0; i != g.size(); ++i) {
                const T v = tx->data()[ix[i]], l = tl->data()[il[i]], h = th->data()[ih[i]];
                if (in[0]) in[0][ix[i]] += v >= l && v <= h ? g[i] : T(0);
                if (in[1]) in[1][il[i]] += v < l && l < h ? g[i] : T(0);
                if (in[2]) in[2][ih[i]] += v > h || h < l ? g[i] : T(0);
            }
        },
        true);
    // create_graph: the gradient routed by the same conditions, summed back to each shape
    out = detail::with_graph<T>(std::move(out), [ix, il, ih](const std::shared_ptr<detail::tensor_impl<T>>& g,
                                                             std::span<const detail::targ<T>> args) {
        const std::size_t n = ix.size();
        auto mx = std::make_shared<std::vector<bool>>(n), ml = std::make_shared<std::vector<bool>>(n),
             mh = std::make_shared<std::vector<bool>>(n);
        for (std::size_t i = 0; i != n; ++i) {
            const T v = args[0].t->data()[ix[i]], l = args[1].t->data()[il[i]], h = args[2].t->data()[ih[i]];
            (*mx)[i] = v >= l && v <= h;
            (*ml)[i] = v < l && l < h;
            (*mh)[i] = v > h || h < l;
        }
        return std::vector<std::shared_ptr<detail::tensor_impl<T>>>{
            detail::make_sum_to<T>(detail::make_masked<T>(g, mx), args[0].t->shape),
            detail::make_sum_to<T>(detail::make_masked<T>(g, ml), args[1].t->shape),
            detail::make_sum_to<T>(detail::make_masked<T>(g, mh), args[2].t->shape)};
    });
    return basic_tensor<T>(std::move(out));
}

// ---- indexing: t.index({...}) ------------------------------------------------------------

namespace indexing {
/// Python's None in an index: a new dimension of size 1.
struct none_t {};
inline constexpr none_t None{};
/// Python's ... in an index: as many full dimensions as the other entries leave.
struct ellipsis_t {};
inline constexpr ellipsis_t Ellipsis{};

/// A bound of a slice: a number or None.
struct slice_bound {
    template <std::integral I> requires(!std::is_same_v<I, bool>)
    slice_bound(I v) : value(static_cast<std::int64_t>(v)), given(true) {}  // NOLINT: implicit, as Python's slice bounds
    slice_bound(none_t) {}                                  // NOLINT
    std::int64_t value = 0;
    bool given = false;
};

/// Python's start:stop:step; `Slice()` is `:`, `Slice(1)` is `1:`, `Slice(None, 2)` is `:2`.
struct Slice {
    Slice(slice_bound start_ = None, slice_bound stop_ = None, std::int64_t step_ = 1) : start(start_), stop(stop_), step(step_) {}
    slice_bound start, stop;
    std::int64_t step;
};
}  // namespace indexing

/// One entry of t.index({...}).
class tensor_index {
public:
    enum class kind { integer, slice, none, ellipsis, longs, mask };
    template <std::integral I> requires(!std::is_same_v<I, bool>)
    tensor_index(I i) : kind_(kind::integer), integer_(static_cast<std::int64_t>(i)) {}  // NOLINT: implicit, as Python's indices
    tensor_index(indexing::Slice s) : kind_(kind::slice), slice_(s) {}   // NOLINT
    tensor_index(indexing::none_t) : kind_(kind::none) {}                 // NOLINT
    tensor_index(indexing::ellipsis_t) : kind_(kind::ellipsis) {}         // NOLINT
    tensor_index(LongTensor t) : kind_(kind::longs), longs_(std::move(t)) {}  // NOLINT
    tensor_index(BoolTensor t) : kind_(kind::mask), mask_(std::move(t)) {}    // NOLINT

    [[nodiscard]] kind which() const { return kind_; }
    [[nodiscard]] std::int64_t integer() const { return integer_; }
    [[nodiscard]] const indexing::Slice& slice() const { return slice_; }
    [[nodiscard]] const LongTensor& longs() const { return longs_; }
    [[nodiscard]] const BoolTensor& mask() const { return mask_; }
    /// The dimensions of the tensor this entry consumes.
    /// A 0-dimensional LongTensor indexes as an integer, as in PyTorch.
    [[nodiscard]] bool scalar_longs() const { return kind_ == kind::longs && longs_.dim() == 0; }
    [[nodiscard]] std::size_t consumes() const {
        switch (kind_) {
            case kind::integer: case kind::slice: case kind::longs: return 1;
            case kind::mask: return mask_.dim();
            default: return 0;
        }
    }

private:
    kind kind_;
    std::int64_t integer_ = 0;
    indexing::Slice slice_{};
    LongTensor longs_;
    BoolTensor mask_;
};

namespace detail {

/// Applies one entry of x.index({...}) to `cur`, at its dimension d (advanced past the
/// dimensions the entry leaves in the result); `consumed` is what all entries consume.
template <class T>
void index_entry(std::shared_ptr<tensor_impl<T>>& cur, const tensor_index& e, std::size_t& d, std::size_t rank,
                 std::size_t consumed) {
    using K = tensor_index::kind;
    const tensor_size s = cur->shape;
    const K which = e.scalar_longs() ? K::integer : e.which();
    switch (which) {
        case K::integer: {
            const auto n = static_cast<std::int64_t>(s[d]);
            const std::int64_t i = e.scalar_longs() ? e.longs().item() : e.integer();
            if (i < -n || i >= n)
                throw index_error("index " + std::to_string(i) + " is out of bounds for dimension " + std::to_string(d) +
                                  " with size " + std::to_string(n));
            cur = detail::make_slice<T>("SelectBackward0", cur, d, static_cast<std::size_t>(i < 0 ? i + n : i), 1, true);
            break;
        }
        case K::slice: {
            const indexing::Slice& sl = e.slice();
            if (sl.step <= 0) throw value_error("step must be greater than zero");
            const auto n = static_cast<std::int64_t>(s[d]);
            const auto clip = [n](const indexing::slice_bound& b, std::int64_t dflt) {
                if (!b.given) return dflt;
                const std::int64_t v = b.value < 0 ? b.value + n : b.value;
                return std::clamp<std::int64_t>(v, 0, n);
            };
            const std::int64_t start = clip(sl.start, 0), stop = std::max(start, clip(sl.stop, n));
            const std::int64_t length = (stop - start + sl.step - 1) / sl.step;
            cur = detail::make_slice<T>("SliceBackward0", cur, d, static_cast<std::size_t>(start),
                                        static_cast<std::size_t>(length), false, static_cast<std::size_t>(sl.step));
            ++d;
            break;
        }
        case K::none: {
            std::array<std::size_t, tensor_size::max_rank + 1> dims{};
            std::size_t r = 0;
            for (std::size_t j = 0; j != s.size(); ++j) {
                if (j == d) dims[r++] = 1;
                dims[r++] = s[j];
            }
            if (d == s.size()) dims[r++] = 1;
            if (r > tensor_size::max_rank) throw error("ctgrad: tensors of rank 0 to 4 are supported");
            cur = detail::make_view<T>("UnsqueezeBackward0", cur, tensor_size(std::span<const std::size_t>(dims.data(), r)));
            ++d;
            break;
        }
        case K::ellipsis:
            d += rank - consumed;
            break;
        case K::longs: {
            const LongTensor& idx = e.longs();
            const auto n = static_cast<std::int64_t>(s[d]);
            std::vector<std::size_t> positions(idx.numel());
            const auto v = idx.values();
            for (std::size_t j = 0; j != v.size(); ++j) {
                if (v[j] < -n || v[j] >= n)
                    throw index_error("index " + std::to_string(v[j]) + " is out of bounds for dimension " +
                                      std::to_string(d) + " with size " + std::to_string(n));
                positions[j] = static_cast<std::size_t>(v[j] < 0 ? v[j] + n : v[j]);
            }
            const tensor_size is = idx.shape();
            cur = detail::make_gather<T>(cur, d, 1, std::move(positions), is.dims());
            d += is.size();
            break;
        }
        case K::mask: {
            const BoolTensor& mask = e.mask();
            const tensor_size ms = mask.shape();
            for (std::size_t j = 0; j != ms.size(); ++j)
                if (ms[j] != s[d + j])
                    throw index_error("The shape of the mask " + ms.str() + " at index " + std::to_string(j) +
                                      " does not match the shape of the indexed tensor " + s.str() + " at index " +
                                      std::to_string(d + j));
            std::vector<std::size_t> positions;
            const auto v = mask.values();
            for (std::size_t j = 0; j != v.size(); ++j)
                if (v[j]) positions.push_back(j);
            const std::array<std::size_t, 1> middle{positions.size()};
            cur = detail::make_gather<T>(cur, d, ms.size(), std::move(positions), middle);
            d += 1;
            break;
        }
    }
}

/// x.index({...}) with several LongTensor entries (PyTorch's advanced indexing, IndexBackward0):
/// the other entries are applied first, each LongTensor entry keeping its dimension; then the
/// index tensors, broadcast together, pick one element of those dimensions each. The picked
/// dimensions are replaced by the broadcast shape where they were when they are next to each
/// other, else placed first, as in PyTorch.
template <class T>
basic_tensor<T> index_with_tensors(std::shared_ptr<tensor_impl<T>> cur, std::initializer_list<tensor_index> indices,
                                   std::size_t consumed) {
    using K = tensor_index::kind;
    const std::size_t rank = cur->shape.size();
    std::vector<std::size_t> dims;        // the dimensions of `cur` the index tensors pick from
    std::vector<const LongTensor*> picks;
    std::size_t d = 0;
    for (const tensor_index& e : indices) {
        const K which = e.scalar_longs() ? K::integer : e.which();
        if (which == K::mask)
            throw error("ctgrad: index() takes one BoolTensor entry, or LongTensor entries (not both)");
        if (which == K::longs) {
            dims.push_back(d++);
            picks.push_back(&e.longs());
        } else {
            index_entry<T>(cur, e, d, rank, consumed);
        }
    }
    tensor_size shape = picks[0]->shape();
    for (std::size_t k = 1; k != picks.size(); ++k) {
        const tensor_size b = picks[k]->shape();
        const std::size_t r = std::max(shape.size(), b.size());
        bool ok = true;
        for (std::size_t j = 0; j != r; ++j) {
            const std::size_t da = j < shape.size() ? shape[shape.size() - 1 - j] : 1, db = j < b.size() ? b[b.size() - 1 - j] : 1;
            ok = ok && (da == db || da == 1 || db == 1);
        }
        if (!ok) {
            std::string shapes;
            for (std::size_t i = 0; i != picks.size(); ++i) shapes += (i ? ", " : "") + picks[i]->shape().str();
            throw index_error("shape mismatch: indexing tensors could not be broadcast together with shapes " + shapes);
        }
        shape = broadcast_shapes(shape, b);
    }
    bool adjacent = true;
    for (std::size_t k = 1; k != dims.size(); ++k) adjacent = adjacent && dims[k] == dims[k - 1] + 1;
    const tensor_size s = cur->shape;
    std::vector<std::size_t> sizes;
    for (const std::size_t dim : dims) sizes.push_back(s[dim]);
    std::size_t first = dims[0];
    if (!adjacent) {  // the picked dimensions first, the others after them in order
        std::array<std::size_t, tensor_size::max_rank> perm{};
        std::size_t r = 0;
        for (const std::size_t dim : dims) perm[r++] = dim;
        for (std::size_t j = 0; j != s.size(); ++j)
            if (std::find(dims.begin(), dims.end(), j) == dims.end()) perm[r++] = j;
        cur = make_permuted<T>("PermuteBackward0", cur, perm);
        first = 0;
    }
    std::vector<std::vector<std::size_t>> at;
    for (const LongTensor* p : picks) at.push_back(broadcast_index(p->shape(), shape));
    std::vector<std::size_t> positions(shape.numel());
    for (std::size_t j = 0; j != positions.size(); ++j) {
        std::size_t pos = 0;
        for (std::size_t k = 0; k != picks.size(); ++k) {
            const auto n = static_cast<std::int64_t>(sizes[k]);
            const std::int64_t v = picks[k]->values()[at[k][j]];
            if (v < -n || v >= n)
                throw index_error("index " + std::to_string(v) + " is out of bounds for dimension " + std::to_string(dims[k]) +
                                  " with size " + std::to_string(n));
            pos = pos * sizes[k] + static_cast<std::size_t>(v < 0 ? v + n : v);
        }
        positions[j] = pos;
    }
    return basic_tensor<T>(make_gather<T>(cur, first, picks.size(), std::move(positions), shape.dims()));
}

}  // namespace detail

template <class T>
basic_tensor<T> basic_tensor<T>::index(std::initializer_list<tensor_index> indices) const {
    using K = tensor_index::kind;
    auto cur = checked_ptr();
    const std::size_t rank = cur->shape.size();
    std::size_t consumed = 0, tensors = 0, ellipses = 0;
    for (const tensor_index& e : indices) {
        consumed += e.consumes();
        tensors += (e.which() == K::longs && !e.scalar_longs()) || e.which() == K::mask;
        ellipses += e.which() == K::ellipsis;
    }
    if (consumed > rank) throw index_error("too many indices for tensor of dimension " + std::to_string(rank));
    if (ellipses > 1) throw index_error("an index can only have a single ellipsis ('...')");
    if (tensors > 1) return detail::index_with_tensors<T>(cur, indices, consumed);
    std::size_t d = 0;  // the dimension of `cur` the next entry applies to
    for (const tensor_index& e : indices) detail::index_entry<T>(cur, e, d, rank, consumed);
    // x[...] (no entry that selects, slices or gathers): a new tensor viewing x, as PyTorch's alias
    if (cur == checked_ptr()) cur = detail::make_view<T>("AliasBackward0", cur, cur->shape);
    return basic_tensor<T>(std::move(cur));
}

template <class T>
basic_tensor<T>& basic_tensor<T>::index_put_(std::initializer_list<tensor_index> indices, const basic_tensor<T>& values,
                                             bool accumulate) {
    check_inplace();
    if (!values.defined()) throw error("ctgrad: index_put_ of an undefined tensor");
    // the flat positions of the indexed elements: the same index applied to their numbers
    std::vector<std::size_t> pos;
    tensor_size picked_shape;
    {
        const ctgrad::no_grad guard;
        std::vector<double> numbers_of(numel());
        for (std::size_t i = 0; i != numbers_of.size(); ++i) numbers_of[i] = static_cast<double>(i);
        const basic_tensor<double> numbers = from_values<double>(std::span<const double>(numbers_of), shape());
        const basic_tensor<double> picked = numbers.index(indices);
        picked_shape = picked.shape();
        for (const double v : picked.values()) pos.push_back(static_cast<std::size_t>(v));
    }
    const tensor_size vs = values.shape();
    bool fits = vs.size() <= picked_shape.size();
    for (std::size_t j = 0; fits && j != vs.size(); ++j) {
        const std::size_t a = vs[vs.size() - 1 - j], b = picked_shape[picked_shape.size() - 1 - j];
        fits = a == b || a == 1;
    }
    if (!fits)
        throw error("shape mismatch: value tensor of shape " + vs.str() + " cannot be broadcast to indexing result of shape " +
                    picked_shape.str());
    const std::vector<std::size_t> at = detail::broadcast_index(vs, picked_shape);
    detail::tensor_impl<T>& self = impl();
    const auto put = [&](T* out, const T* v) {
        for (std::size_t j = 0; j != pos.size(); ++j) {
            if (accumulate) out[pos[j]] += v[at[j]];
            else out[pos[j]] = v[at[j]];
        }
    };
    const auto vimpl = values.impl_ptr();
    if (is_grad_enabled() && (self.requires_grad || vimpl->requires_grad)) {
        // recorded as in the other in-place operations: the node reads the old value, kept
        // aside, and this tensor becomes its result
        auto old = std::make_shared<detail::tensor_impl<T>>(self);
        old->storage = std::make_shared<std::vector<T>>(*self.storage);
        old->version = std::make_shared<std::uint64_t>(0);
        old->grad = nullptr;
        old->retains_grad = false;
        // PyTorch's node: IndexPutBackward0 for an index with tensors, else CopySlices (a copy
        // into a view)
        bool advanced = false;
        for (const tensor_index& e : indices)
            advanced = advanced || (e.which() == tensor_index::kind::longs && !e.scalar_longs()) ||
                       e.which() == tensor_index::kind::mask;
        auto out = detail::make_eager<T>(
            advanced ? "IndexPutBackward0" : "torch::autograd::CopySlices", self.shape, {old, vimpl},
            [&](std::span<T> o) {
                std::copy(old->data(), old->data() + old->numel(), o.begin());
                put(o.data(), vimpl->data());
            },
            [pos, at, accumulate](std::span<const T> g, std::span<T* const> in) {
                if (in[0]) {
                    std::vector<bool> written(g.size(), false);
                    if (!accumulate)
                        for (const std::size_t p : pos) written[p] = true;
                    for (std::size_t i = 0; i != g.size(); ++i) in[0][i] += written[i] ? T(0) : g[i];
                }
                if (in[1])
                    for (std::size_t j = 0; j != pos.size(); ++j) in[1][at[j]] += g[pos[j]];
            },
            false);
        std::copy(out->data(), out->data() + out->numel(), self.data());
        self.grad_fn = out->grad_fn;
        self.requires_grad = true;
    } else {
        put(self.data(), vimpl->data());
    }
    ++*self.version;
    return *this;
}

template <class T>
basic_tensor<T>& basic_tensor<T>::index_put_(std::initializer_list<tensor_index> indices, T value, bool accumulate) {
    return index_put_(indices, from_values<T>(std::span<const T>(&value, 1), tensor_size{}), accumulate);
}

template <class T>
basic_tensor<T> basic_tensor<T>::operator[](const LongTensor& indices) const { return index({indices}); }
template <class T>
basic_tensor<T> basic_tensor<T>::operator[](const BoolTensor& mask) const { return index({mask}); }

// ---- members -----------------------------------------------------------------------------

template <class I>
LongTensor basic_int_tensor<I>::sum() const {
    std::int64_t total = 0;
    for (const storage_type v : values()) total += static_cast<std::int64_t>(v);
    return LongTensor(tensor_size{}, std::vector<std::int64_t>{total});
}

template <class I>
LongTensor basic_int_tensor<I>::sum(std::int64_t dim, bool keepdim) const {
    const tensor_size s = shape();
    const std::size_t d = detail::wrap_dim(dim, s.size());
    const std::array<std::size_t, 3> parts = s.size() == 0 ? std::array<std::size_t, 3>{1, 1, 1} : detail::split_at_dim(s, d);
    const std::size_t outer = parts[0], n = parts[1], inner = parts[2];
    const auto v = values();
    std::vector<std::int64_t> out(outer * inner, 0);
    for (std::size_t o = 0; o != outer; ++o)
        for (std::size_t k = 0; k != n; ++k)
            for (std::size_t i = 0; i != inner; ++i) out[o * inner + i] += static_cast<std::int64_t>(v[(o * n + k) * inner + i]);
    return LongTensor(detail::reduced_shape(s, d, keepdim), std::move(out));
}

template <class I>
LongTensor basic_int_tensor<I>::argmax() const { return ctgrad::argmax(*this); }
template <class I>
LongTensor basic_int_tensor<I>::argmax(std::int64_t dim, bool keepdim) const { return ctgrad::argmax(*this, dim, keepdim); }

template <class T>
LongTensor basic_tensor<T>::argmax() const { return ctgrad::argmax(*this); }
template <class T>
LongTensor basic_tensor<T>::argmax(std::int64_t dim, bool keepdim) const { return ctgrad::argmax(*this, dim, keepdim); }

namespace detail {

/// The grad_fn of a tensor converted between float and double (ToCopyBackward0). Each dtype
/// has its own backward engine: this node's backward converts the gradient and runs a
/// backward pass of the source's dtype from the source (keeping that graph, which other
/// conversions of the same source may still need). Under autograd::grad that pass adds into
/// no .grad and gives what it finds for the call's inputs to the call (capture_root).
template <class To, class From>
struct dtype_bridge final : node<To> {
    explicit dtype_bridge(std::shared_ptr<tensor_impl<From>> s) : src(std::move(s)), version(*src->version) {}
    std::shared_ptr<tensor_impl<From>> src;
    std::uint64_t version;

    [[nodiscard]] std::string name() const override { return "ToCopyBackward0"; }
    [[nodiscard]] ctgrad::grad_fn describe() const override {
        return {"ToCopyBackward0", this->id(),
                std::vector<grad_fn::edge>{{describe_tensor<From>(targ<From>{src, From(0), version, true}), 0}}};
    }
    [[nodiscard]] std::span<const targ<To>> inputs() const override { return {}; }
    void take_inputs(std::vector<std::shared_ptr<tensor_impl<To>>>&) override {}
    void apply(const To* g, std::size_t stride, engine<To>& eng, bool) override {
        if (eng.capturing()) {
            // autograd::grad: a nested pass of the source's dtype that adds into no .grad; the
            // gradients it finds for the call's inputs of that dtype are added to the call's
            // (and a conversion back, further down, does the same in the other direction)
            engine<From>* const root = capture_root<From>();
            engine<From> nested(true);
            nested.capture(root ? root->capture_targets() : std::vector<const tensor_impl<From>*>{});
            const std::array<targ<From>, 1> roots{targ<From>{src, From(0), version, true}};
            nested.discover(roots);
            From* sink = nested.sink(roots[0]);
            for (std::size_t i = 0, n = src->numel(); i != n; ++i) sink[i] += static_cast<From>(g[i * stride]);
            nested.run(roots);
            if (root)
                for (std::size_t k = 0, n = root->capture_targets().size(); k != n; ++k) root->add_captured(k, nested.captured(k));
            return;
        }
        auto gf = new_impl<From>(src->shape);
        for (std::size_t i = 0, n = src->numel(); i != n; ++i) gf->data()[i] = static_cast<From>(g[i * stride]);
        basic_tensor<From>(src).backward(basic_tensor<From>(std::move(gf)), true);
    }
    void apply_graph(const std::shared_ptr<tensor_impl<To>>& g, std::vector<std::shared_ptr<tensor_impl<To>>>& out) override {
        out.clear();
        if (graph_capture_active())
            throw ctgrad::error("ctgrad: autograd::grad with create_graph=true does not follow a conversion between "
                                "float and double (ToCopyBackward0); compute the gradient in one dtype, or use "
                                "backward(create_graph=true)");
        const std::array<std::shared_ptr<tensor_impl<From>>, 1> roots{src};
        const std::array<std::shared_ptr<tensor_impl<From>>, 1> seeds{convert_dtype<From>(basic_tensor<To>(g)).impl_ptr()};
        graph_backward<From>(roots, seeds, {}, false);
    }
};

/// t as dtype U; when t requires grad, the result's grad_fn is ToCopyBackward0.
template <class U, class T>
basic_tensor<U> convert_dtype(const basic_tensor<T>& t) {
    auto out = new_impl<U>(t.shape());
    const auto v = t.values();
    for (std::size_t i = 0; i != v.size(); ++i) out->data()[i] = static_cast<U>(v[i]);
    if (t.requires_grad() && is_grad_enabled()) {
        out->requires_grad = true;
        out->grad_fn = std::make_shared<dtype_bridge<U, T>>(t.checked_ptr());
    }
    return basic_tensor<U>(std::move(out));
}

}  // namespace detail

template <class T>
template <class U>
auto basic_tensor<T>::to() const {
    if constexpr (std::is_same_v<U, T>) {
        return *this;
    } else if constexpr (std::is_floating_point_v<U>) {
        return detail::convert_dtype<U>(*this);
    } else {
        static_assert(std::is_same_v<U, std::int64_t> || std::is_same_v<U, bool>,
                      "ctgrad: to<U>() converts to float, double, std::int64_t or bool");
        const auto v = values();
        std::vector<detail::int_storage_t<U>> out(v.size());
        for (std::size_t i = 0; i != v.size(); ++i)
            out[i] = static_cast<detail::int_storage_t<U>>(std::is_same_v<U, bool> ? v[i] != T(0) : detail::to_int64(v[i]));
        return basic_int_tensor<U>(shape(), std::move(out));
    }
}

}  // namespace ctgrad

#endif
