// print(tensor) as PyTorch 1.13 writes it (torch/_tensor_str.py) for float32 and float64
// strided CPU tensors of any rank:
//
//   tensor(56.)                      tensor([ 4., 10., 18.], grad_fn=<MulBackward0>)
//   tensor([ 0.5000,  1.5000, -2.0000], requires_grad=True)
//   tensor([[ 1.5410],
//           [-0.2934]])              tensor([1.0000e-05, 1.0000e+00], dtype=torch.float64)
//
// The rules reproduced (default print options: precision 4, threshold 1000, edgeitems 3,
// linewidth 80, sci_mode chosen automatically):
//
//   * One format for the whole tensor, chosen from its nonzero finite values (only the values
//     shown when the tensor is summarised): all integral -> "56." (int mode); otherwise fixed
//     "%.4f"; scientific "%.4e" when max/min > 1000 or max > 1e8 (or, outside int mode,
//     min < 1e-4), on absolute values. Every element is right-aligned to the widest of those
//     values; nan, inf and zeros do not take part in the choice (and are never padded wider).
//   * Rows wrap after floor((linewidth - indent) / (width + 2)) elements; continuation lines
//     and inner rows are indented to stand under the first element.
//   * More than threshold elements: each dimension longer than 2 * edgeitems shows its first
//     and last edgeitems entries around "..." .
//   * Suffixes (dtype=torch.float64 as the default dtype is float32; grad_fn=<...>, or
//     requires_grad=True for leaves) follow ", " on the last line, or start a new line indented
//     by len("tensor(") when the line would pass linewidth.
//   * Empty tensors print "[]", plus size=(...) unless they are one-dimensional.
//
// Numbers are rendered with std::to_chars, which like Python's format() rounds the exact binary
// value correctly (ties to even), independent of the C locale. NaN prints "nan" whatever its
// sign bit, as in Python.
#ifndef CTGRAD_AUTOGRAD_FORMAT_HPP
#define CTGRAD_AUTOGRAD_FORMAT_HPP

#include <ctgrad/detail/config.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

namespace ctgrad {
namespace detail {

/// What follows the numbers in print(tensor).
struct format_suffix {
    bool float64 = false;       ///< the tensor's dtype is torch.float64: "dtype=torch.float64"
    bool requires_grad = false; ///< "requires_grad=True", printed only when grad_fn is empty
    std::string grad_fn{};      ///< e.g. "MulBackward0": "grad_fn=<MulBackward0>"
    bool boolean = false;       ///< integer data holding torch.bool values: printed True / False
};

/// torch.set_printoptions; the defaults are PyTorch's.
struct print_options {
    int precision = 4;
    std::size_t threshold = 1000;     ///< summarise when there are more elements than this
    std::size_t edgeitems = 3;
    std::size_t linewidth = 80;
    std::optional<bool> sci_mode{};   ///< none: chosen from the values
};

/// Python's format(value, ".{precision}f") / ".{precision}e" for a double.
CTGRAD_RUNTIME_INLINE std::string python_format(double value, int precision, bool scientific);

/// print(tensor) / repr(tensor): data in row-major order, shape empty for a 0-dimensional
/// tensor. T is float or double (the printed dtype from suffix.float64), or std::int64_t for
/// torch.int64 and torch.bool (suffix.boolean), which PyTorch prints without a dtype: every
/// value as Python's str() of it, right-aligned to the widest shown.
template <class T>
std::string format_tensor(std::span<const T> data, std::span<const std::size_t> shape, const format_suffix& suffix,
                          const print_options& options = {});

/// print(tensor) of a tensor's values: float64 from T, "requires_grad=True" when asked (a
/// leaf) and "grad_fn=<fn>" when fn is not empty.
template <class T>
std::string format_values(std::span<const T> values, std::span<const std::size_t> shape, bool requires_grad,
                          const std::string& fn);

#if CTGRAD_RUNTIME_DEFINITIONS

CTGRAD_RUNTIME_INLINE std::string python_format(double value, int precision, bool scientific) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
    // Fixed notation of the largest double with precision digits fits in 309 + 1 + 1 + precision.
    std::string out(static_cast<std::size_t>(precision) + 330, '\0');
    const auto format = scientific ? std::chars_format::scientific : std::chars_format::fixed;
    const auto result = std::to_chars(out.data(), out.data() + out.size(), value, format, precision);
    if (result.ec != std::errc{}) throw std::runtime_error("ctgrad: number formatting failed");
    out.resize(static_cast<std::size_t>(result.ptr - out.data()));
    return out;
}

/// The kind of elements a tensor holds, for printing.
enum class element_kind { floating, integer, boolean };

/// torch._tensor_str._Formatter: for a floating-point tensor its modes, for an integer or bool
/// one str() of each value.
class number_formatter {
public:
    /// values: the elements that will be shown (the summarised data when summarising).
    number_formatter(const std::vector<double>& values, const print_options& options,
                     element_kind kind = element_kind::floating)
        : precision_(options.precision), kind_(kind) {
        if (kind_ != element_kind::floating) {
            for (double v : values) max_width_ = std::max(max_width_, text(v).size());
            return;
        }
        // As in PyTorch, a forced sci_mode applies only when some value is nonzero and finite.
        if (analyse(values) && options.sci_mode) sci_mode_ = *options.sci_mode;
    }

    [[nodiscard]] std::size_t width() const { return max_width_; }

    [[nodiscard]] std::string format(double value) const {
        std::string s;
        if (kind_ != element_kind::floating) {
            s = text(value);
        } else if (sci_mode_) {
            s = python_format(value, precision_, true);
        } else if (int_mode_) {
            s = python_format(value, 0, false);
            if (std::isfinite(value)) s += '.';
        } else {
            s = python_format(value, precision_, false);
        }
        if (s.size() < max_width_) s.insert(0, max_width_ - s.size(), ' ');
        return s;
    }

private:
    /// str() of an integer (exact below 2^53) or bool element.
    [[nodiscard]] std::string text(double value) const {
        if (kind_ == element_kind::boolean) return value != 0.0 ? "True" : "False";
        // int64 values come as doubles; the largest rounds up to 2^63, out of long long's range
        if (value >= 9223372036854775807.0) return "9223372036854775807";
        return std::to_string(static_cast<long long>(value));
    }

    /// Chooses the mode and width; false when no value is nonzero and finite.
    bool analyse(const std::vector<double>& values) {
        std::vector<double> nonzero_finite;
        for (double v : values) {
            if (std::isfinite(v) && v != 0.0) nonzero_finite.push_back(v);
        }
        if (nonzero_finite.empty()) return false;

        double min_abs = std::abs(nonzero_finite.front());
        double max_abs = min_abs;
        for (double v : nonzero_finite) {
            min_abs = std::min(min_abs, std::abs(v));
            max_abs = std::max(max_abs, std::abs(v));
        }
        int_mode_ = std::all_of(nonzero_finite.begin(), nonzero_finite.end(), [](double v) { return v == std::ceil(v); });

        const bool wide = max_abs / min_abs > 1000.0 || max_abs > 1.0e8;
        if (int_mode_) {
            sci_mode_ = wide;
        } else {
            sci_mode_ = wide || min_abs < 1.0e-4;
        }
        for (double v : nonzero_finite) {
            std::size_t len = 0;
            if (sci_mode_) {
                len = python_format(v, precision_, true).size();
            } else if (int_mode_) {
                len = python_format(v, 0, false).size() + 1;
            } else {
                len = python_format(v, precision_, false).size();
            }
            max_width_ = std::max(max_width_, len);
        }
        return true;
    }

    int precision_;
    element_kind kind_;
    bool int_mode_ = true;
    bool sci_mode_ = false;
    std::size_t max_width_ = 1;
};

/// Indices along one dimension that are printed: all, or the first and last edgeitems.
CTGRAD_RUNTIME_INLINE std::vector<std::size_t> shown_indices(std::size_t size, bool summarize, const print_options& options) {
    std::vector<std::size_t> shown;
    if (summarize && size > 2 * options.edgeitems) {
        for (std::size_t i = 0; i < options.edgeitems; ++i) shown.push_back(i);
        for (std::size_t i = size - options.edgeitems; i < size; ++i) shown.push_back(i);
    } else {
        for (std::size_t i = 0; i < size; ++i) shown.push_back(i);
    }
    return shown;
}

template <class T>
class tensor_printer {
public:
    tensor_printer(std::span<const T> data, std::span<const std::size_t> shape, const print_options& options,
                   element_kind kind)
        : data_(data), shape_(shape), options_(options), kind_(kind) {
        std::size_t n = 1;
        for (std::size_t s : shape_) n *= s;
        summarize_ = n > options_.threshold;
        strides_.assign(shape_.size(), 1);
        for (std::size_t d = shape_.size(); d-- > 1;) strides_[d - 1] = strides_[d] * shape_[d];
    }

    /// _tensor_str(self, indent) for a tensor with at least one element.
    [[nodiscard]] std::string str(std::size_t indent) const {
        std::vector<double> shown;
        collect(0, 0, shown);
        const number_formatter formatter(shown, options_, kind_);
        return render(0, 0, indent, formatter);
    }

private:
    void collect(std::size_t dim, std::size_t offset, std::vector<double>& out) const {
        if (dim == shape_.size()) {
            out.push_back(static_cast<double>(data_[offset]));
            return;
        }
        for (std::size_t i : shown_indices(shape_[dim], summarize_, options_)) collect(dim + 1, offset + i * strides_[dim], out);
    }

    [[nodiscard]] std::string render(std::size_t dim, std::size_t offset, std::size_t indent, const number_formatter& f) const {
        const std::size_t rank = shape_.size() - dim;
        if (rank == 0) return f.format(static_cast<double>(data_[offset]));
        const std::size_t size = shape_[dim];
        const bool elide = summarize_ && size > 2 * options_.edgeitems;
        if (rank == 1) {
            std::vector<std::string> items;
            for (std::size_t i : shown_indices(size, summarize_, options_)) {
                if (elide && i == size - options_.edgeitems) items.emplace_back(" ...");
                items.push_back(f.format(static_cast<double>(data_[offset + i * strides_[dim]])));
            }
            const auto element_length = static_cast<double>(f.width() + 2);
            const double room = static_cast<double>(options_.linewidth) - static_cast<double>(indent);
            const auto per_line = static_cast<std::size_t>(std::max(1.0, std::floor(room / element_length)));
            std::string out = "[";
            const std::string line_break = ",\n" + std::string(indent + 1, ' ');
            for (std::size_t i = 0; i < items.size(); ++i) {
                if (i != 0) out += (i % per_line == 0) ? line_break : std::string(", ");
                out += items[i];
            }
            return out + "]";
        }
        std::vector<std::string> slices;
        for (std::size_t i : shown_indices(size, summarize_, options_)) {
            if (elide && i == size - options_.edgeitems) slices.emplace_back("...");
            slices.push_back(render(dim + 1, offset + i * strides_[dim], indent + 1, f));
        }
        const std::string separator = "," + std::string(rank - 1, '\n') + std::string(indent + 1, ' ');
        std::string out = "[";
        for (std::size_t i = 0; i < slices.size(); ++i) {
            if (i != 0) out += separator;
            out += slices[i];
        }
        return out + "]";
    }

    std::span<const T> data_;
    std::span<const std::size_t> shape_;
    const print_options& options_;
    element_kind kind_;
    std::vector<std::size_t> strides_;
    bool summarize_ = false;
};

/// _add_suffixes: appends ", suffix" or starts a new line, then the closing parenthesis.
CTGRAD_RUNTIME_INLINE std::string add_suffixes(std::string tensor_str, const std::vector<std::string>& suffixes, std::size_t indent,
                                std::size_t linewidth) {
    // PyTorch's len(s) - s.rfind("\n") + 1: two more than the last line's length.
    const std::size_t newline = tensor_str.rfind('\n');
    std::size_t last_line_len =
        newline == std::string::npos ? tensor_str.size() + 2 : tensor_str.size() - newline + 1;
    for (const std::string& suffix : suffixes) {
        if (last_line_len + suffix.size() + 2 > linewidth) {
            tensor_str += ",\n" + std::string(indent, ' ') + suffix;
            last_line_len = indent + suffix.size();
        } else {
            tensor_str += ", " + suffix;
            last_line_len += suffix.size() + 2;
        }
    }
    return tensor_str + ")";
}

/// Python's str(tuple(shape)): "(2, 0)", "(0,)".
CTGRAD_RUNTIME_INLINE std::string python_tuple(std::span<const std::size_t> shape) {
    std::string out = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i != 0) out += ", ";
        out += std::to_string(shape[i]);
    }
    if (shape.size() == 1) out += ',';
    return out + ")";
}

template <class T>
std::string format_tensor(std::span<const T> data, std::span<const std::size_t> shape, const format_suffix& suffix,
                          const print_options& options) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, std::int64_t>,
                  "format_tensor: float, double or std::int64_t elements");
    constexpr bool floating = !std::is_same_v<T, std::int64_t>;
    const element_kind kind = floating ? element_kind::floating
                              : suffix.boolean ? element_kind::boolean : element_kind::integer;
    std::size_t numel = 1;
    for (std::size_t s : shape) numel *= s;
    if (numel != data.size()) throw std::invalid_argument("ctgrad::format_tensor: data size does not match the shape");

    const std::string prefix = "tensor(";
    const std::size_t indent = prefix.size();
    std::vector<std::string> suffixes;
    std::string body;
    if (numel == 0) {
        if (shape.size() != 1) suffixes.push_back("size=" + python_tuple(shape));
        body = "[]";
    } else {
        body = tensor_printer<T>(data, shape, options, kind).str(indent);
    }
    if (numel == 0 && !floating) suffixes.emplace_back(suffix.boolean ? "dtype=torch.bool" : "dtype=torch.int64");
    if (suffix.float64) suffixes.emplace_back("dtype=torch.float64");
    if (!suffix.grad_fn.empty()) {
        // Python shows the class name: <CopySlices> for torch::autograd::CopySlices
        std::string_view name = suffix.grad_fn;
        if (name.starts_with("torch::autograd::")) name.remove_prefix(17);
        suffixes.push_back("grad_fn=<" + std::string(name) + ">");
    } else if (suffix.requires_grad) {
        suffixes.emplace_back("requires_grad=True");
    }
    return add_suffixes(prefix + body, suffixes, indent, options.linewidth);
}

template <class T>
std::string format_values(std::span<const T> values, std::span<const std::size_t> shape, bool requires_grad,
                          const std::string& fn) {
    format_suffix suffix;
    suffix.float64 = CTGRAD_IS_SAME(T, double);
    suffix.requires_grad = requires_grad;
    suffix.grad_fn = fn;
    return format_tensor<T>(values, shape, suffix);
}

#endif  // CTGRAD_RUNTIME_DEFINITIONS

} // namespace detail
} // namespace ctgrad

#endif
