// gradcheck for tensors, as torch.autograd.gradcheck (slow mode, backward AD):
//
//     DoubleTensor x = tensor<double>({1., 2., 3.}, {.requires_grad = true});
//     DoubleTensor y = tensor<double>({4., 5., 6.});
//     bool ok = autograd::gradcheck([](const DoubleTensor& a, const DoubleTensor& b) { return (a * b).sum(); }, {x, y});
//
// fn takes the inputs as torch's fn(*inputs) does: one tensor per element of `{x, y, ...}`, or
// one tensor for `gradcheck(fn, x)`, or the std::vector itself when the inputs are one. It
// returns a Tensor (or a statement on tensors) of any shape. The numerical Jacobian perturbs,
// one element at a time, copies of the inputs that require grad, by +-eps in their dtype, and
// takes (fn(x + eps) - fn(x - eps)) / (2 eps); the analytical Jacobian is built row by row with
// backward of one-hot grad_outputs (retain_graph) into those copies' .grad, so the inputs and
// their .grad are left as they were. Both have a row per element of the input and a column per
// element of the output, and pass when |analytical - numerical| <= atol + rtol * |numerical|,
// elementwise. The messages are torch 1.13's: see gradcheck below.
#ifndef CTGRAD_AUTOGRAD_GRADCHECK_HPP
#define CTGRAD_AUTOGRAD_GRADCHECK_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/errors.hpp>
#include <ctgrad/autograd/tensor.hpp>
#include <ctgrad/eval/gradcheck.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctgrad {
namespace detail {

/// torch's warning for an input that requires grad and is not float64, once per input index
/// (Python shows a warning once per distinct text).
inline void warn_gradcheck_precision(std::size_t index) {
    static std::mutex mutex;
    static std::vector<bool> warned;
    const std::lock_guard<std::mutex> lock(mutex);
    if (index >= warned.size()) warned.resize(index + 1, false);
    if (warned[index]) return;
    warned[index] = true;
    const std::string text = "UserWarning: Input #" + std::to_string(index) +
                             " requires gradient and is not a double precision floating point or complex. This check "
                             "will likely fail if all the inputs are not of double precision floating point or complex. \n";
    std::fputs(text.c_str(), stderr);
}

/// Whether fn's result is a tensor of dtype T (a Tensor, or a statement that evaluates to one).
template <class R, class T>
inline constexpr bool gradcheck_returns_tensor = std::is_convertible_v<R, basic_tensor<T>>;
/// The condition of gradcheck's static_asserts, printed with fn's type and the arguments.
template <class Fn, class... Arguments>
inline constexpr bool gradcheck_fn_takes_the_inputs = false;
template <class Result>
inline constexpr bool gradcheck_fn_returns_a_tensor_of_the_inputs_dtype = false;

/// fn called with N tensors: whether it can be, and its result (std::invoke_result).
template <class F, class T, class Seq> struct gradcheck_call;
template <class F, class T, std::size_t... I>
struct gradcheck_call<F, T, std::index_sequence<I...>> {
    template <std::size_t> using argument = basic_tensor<T>&;
    static constexpr bool invocable = std::is_invocable_v<F&, argument<I>...>;
    using result = std::invoke_result<F&, argument<I>...>;
};

/// gradcheck over `inputs`, with `call(work)` evaluating fn on `work` (the inputs, those that
/// require grad replaced by copies) as a tensor.
template <class T, class Call>
bool gradcheck_tensors(const Call& call, std::span<const basic_tensor<T>> inputs, const gradcheck_options& options) {
    // torch's _check_inputs: at least one input requires grad; a warning for each that is not float64.
    std::vector<std::size_t> differentiable;
    for (std::size_t k = 0; k != inputs.size(); ++k) {
        if (!inputs[k].requires_grad()) continue;
        if constexpr (!CTGRAD_IS_SAME(T, double)) warn_gradcheck_precision(k);
        differentiable.push_back(k);
    }
    if (differentiable.empty())
        throw value_error(
            "gradcheck expects at least one input tensor to require gradient, but none of the them have "
            "requires_grad=True.");

    std::vector<basic_tensor<T>> work(inputs.begin(), inputs.end());
    for (const std::size_t k : differentiable)
        work[k] = from_values<T>(inputs[k].values(), inputs[k].shape(), tensor_options{.requires_grad = true});
    const basic_tensor<T> out = call(work);
    const std::size_t outputs = out.numel();

    const auto values_of = [](const basic_tensor<T>& t) { return std::vector<T>(t.values().begin(), t.values().end()); };
    const auto fail = [&](const std::string& message) {
        if (options.raise_exception) throw gradcheck_error(message);
        return false;
    };

    // The numerical Jacobians: element i of input j perturbed in place, in T, as torch does.
    std::vector<std::vector<T>> numerical(differentiable.size());
    for (std::size_t j = 0; j != differentiable.size(); ++j) {
        basic_tensor<T>& input = work[differentiable[j]];
        const std::size_t rows = input.numel();
        numerical[j].assign(rows * outputs, T(0));
        T* data = input.data_ptr();
        for (std::size_t i = 0; i != rows; ++i) {
            const T original = data[i];
            // The values are copied at once: fn may return its input (torch clones the outputs).
            data[i] = original - static_cast<T>(options.eps);
            const std::vector<T> below = values_of(call(work));
            data[i] = original + static_cast<T>(options.eps);
            const std::vector<T> above = values_of(call(work));
            data[i] = original;
            if (below.size() != outputs || above.size() != outputs)
                throw error("Expected `func` to return outputs with the same shape when inputs are perturbed");
            for (std::size_t c = 0; c != outputs; ++c)
                numerical[j][i * outputs + c] = (above[c] - below[c]) / static_cast<T>(2 * options.eps);
        }
    }

    // An output that does not require grad: its numerical gradient must be zero.
    if (!out.requires_grad()) {
        for (const std::vector<T>& jacobian : numerical)
            for (const T v : jacobian)
                if (v != T(0)) return fail("Numerical gradient for function expected to be zero");
        return true;
    }

    // The analytical Jacobians, a column (torch's row of vjp) per output element: backward of a
    // one-hot grad_output, the graph retained.
    std::vector<std::vector<T>> analytical(differentiable.size());
    for (std::size_t j = 0; j != differentiable.size(); ++j) analytical[j].assign(work[differentiable[j]].numel() * outputs, T(0));
    basic_tensor<T> seed = zeros<T>(out.shape());
    for (std::size_t c = 0; c != outputs; ++c) {
        std::fill(seed.data_ptr(), seed.data_ptr() + outputs, T(0));
        seed.data_ptr()[c] = T(1);
        out.backward(seed, true);
        for (std::size_t j = 0; j != differentiable.size(); ++j) {
            basic_tensor<T>& input = work[differentiable[j]];
            const basic_tensor<T> g = input.grad();
            if (g.defined()) {
                const std::span<const T> values = g.values();
                for (std::size_t i = 0; i != values.size(); ++i) analytical[j][i * outputs + c] = values[i];
            }
            input.set_grad({});
        }
    }

    for (std::size_t j = 0; j != differentiable.size(); ++j) {
        for (std::size_t k = 0; k != numerical[j].size(); ++k) {
            if (gradcheck_close(static_cast<double>(analytical[j][k]), static_cast<double>(numerical[j][k]), options.atol,
                                options.rtol))
                continue;
            return fail(jacobian_mismatch_message<T, T>(j, numerical[j], analytical[j], numerical[j].size() / outputs, outputs));
        }
    }
    return true;
}

}  // namespace detail

namespace autograd {

using ctgrad::gradcheck_error;
using ctgrad::gradcheck_options;

/// torch.autograd.gradcheck(fn, (x, y, ...)): `gradcheck(fn, {x, y}, options)` calls fn(x, y)
/// (copies of x and y for those that require grad) and checks the gradient by each input that
/// requires grad against central differences. True when every element of every Jacobian
/// passes; otherwise throws gradcheck_error with torch's message ("Jacobian mismatch for output
/// 0 with respect to input j,\nnumerical:...\nanalytical:...\n", j counting the inputs that
/// require grad), or returns false when options.raise_exception is false. No input requiring
/// grad throws value_error (torch's ValueError), whatever raise_exception; float inputs that
/// require grad print torch's warning once per input index.
template <class F, class T, std::size_t N>
bool gradcheck(F&& fn, const basic_tensor<T> (&inputs)[N], const gradcheck_options& options = {}) {
    using Seq = std::make_index_sequence<N>;
    using Call = detail::gradcheck_call<F, T, Seq>;
    if constexpr (!Call::invocable) {
        static_assert(detail::gradcheck_fn_takes_the_inputs<std::remove_cvref_t<F>, basic_tensor<T>[N]>,
                      "ctgrad::autograd::gradcheck(fn, {x, y, ...}): fn must take the tensors one by one, as fn(x, y, ...)");
        return false;
    } else {
        using R = typename Call::result::type;
        if constexpr (!detail::gradcheck_returns_tensor<R, T>) {
            static_assert(detail::gradcheck_fn_returns_a_tensor_of_the_inputs_dtype<R>,
                          "ctgrad::autograd::gradcheck: fn must return a tensor of the inputs' dtype (a Tensor or a "
                          "statement on tensors)");
            return false;
        } else {
            const auto call = [&](std::vector<basic_tensor<T>>& work) {
                return [&]<std::size_t... I>(std::index_sequence<I...>) {
                    return basic_tensor<T>(std::invoke(fn, work[I]...));
                }(Seq{});
            };
            return detail::gradcheck_tensors<T>(call, std::span<const basic_tensor<T>>(inputs, N), options);
        }
    }
}

/// gradcheck(fn, x): one input, fn(x).
template <class F, class T>
bool gradcheck(F&& fn, const basic_tensor<T>& input, const gradcheck_options& options = {}) {
    const basic_tensor<T> inputs[1] = {input};
    return autograd::gradcheck(static_cast<F&&>(fn), inputs, options);
}

/// gradcheck(fn, inputs) with the inputs in a std::vector (their number known at run time):
/// fn takes the vector, fn(const std::vector<Tensor>&).
template <class F, class T>
bool gradcheck(F&& fn, const std::vector<basic_tensor<T>>& inputs, const gradcheck_options& options = {}) {
    using V = std::vector<basic_tensor<T>>;
    if constexpr (!std::is_invocable_v<F&, const V&>) {
        static_assert(detail::gradcheck_fn_takes_the_inputs<std::remove_cvref_t<F>, V>,
                      "ctgrad::autograd::gradcheck(fn, inputs): with the inputs in a std::vector, fn must take the "
                      "vector, as fn(const std::vector<Tensor>&)");
        return false;
    } else if constexpr (!detail::gradcheck_returns_tensor<std::invoke_result_t<F&, const V&>, T>) {
        static_assert(detail::gradcheck_fn_returns_a_tensor_of_the_inputs_dtype<std::invoke_result_t<F&, const V&>>,
                      "ctgrad::autograd::gradcheck: fn must return a tensor of the inputs' dtype (a Tensor or a "
                      "statement on tensors)");
        return false;
    } else {
        const auto call = [&](std::vector<basic_tensor<T>>& work) {
            return basic_tensor<T>(std::invoke(fn, static_cast<const V&>(work)));
        };
        return detail::gradcheck_tensors<T>(call, std::span<const basic_tensor<T>>(inputs), options);
    }
}

}  // namespace autograd
}  // namespace ctgrad

#endif
