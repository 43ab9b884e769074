// gradcheck for expressions, as torch.autograd.gradcheck: the symbolic gradient against central
// differences.
//
//     bool ok = ctgrad::gradcheck(loss, ctgrad::wrt(w, b), w = 0.5, b = 0.1, x = xs, y = ys);
//     ctgrad::gradcheck(f, ctgrad::wrt(x), {.eps = 1e-4, .raise_exception = false}, x = 0.5);
//
// The analytical side is what the library computes: value_and_grad for a loss (a scalar: every
// array inside sum, mean or dot, or no array at all), the expressions of grad evaluated for an
// element-wise expression over arrays (one output per element). The numerical side is
// (f(v + eps) - f(v - eps)) / (2 eps) for every wrt variable v bound to a number, and for every
// element of one bound to an array (perturbed in a copy), with every binding widened to double:
// the differences are taken in double precision even when the arrays hold float.
//
// Both are Jacobians as torch lays them out, one row per element of the variable and one column
// per output, compared with torch's criterion, elementwise:
//
//     |analytical - numerical| <= atol + rtol * |numerical|
//
// The first variable (in the order of wrt) that fails makes a gradcheck_error (with
// raise_exception; otherwise gradcheck returns false) whose message is torch's, then a line
// naming the variable and the first failing element:
//
//     Jacobian mismatch for output 0 with respect to input 0,
//     numerical:tensor([[0.5000]], dtype=torch.float64)
//     analytical:tensor([[0.]], dtype=torch.float64)
//     input 0 is the variable x: numerical 0.5, analytical 0; |analytical - numerical| = 0.5 > atol + rtol * |numerical| = 0.00051
//
// "input k" is the k-th variable of wrt(...), as torch counts the inputs that require grad.
#ifndef CTGRAD_EVAL_GRADCHECK_HPP
#define CTGRAD_EVAL_GRADCHECK_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/errors.hpp>
#include <ctgrad/autograd/format.hpp>
#include <ctgrad/core/reductions.hpp>
#include <ctgrad/diff/reverse.hpp>
#include <ctgrad/eval/context.hpp>
#include <ctgrad/eval/evaluate.hpp>
#include <ctgrad/eval/fused.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace ctgrad {

/// The options of gradcheck, with torch.autograd.gradcheck's defaults:
/// `gradcheck(f, wrt(x), {.eps = 1e-4, .raise_exception = false}, x = 0.5)`.
struct gradcheck_options {
    double eps = 1e-6;             ///< the perturbation of central differences
    double atol = 1e-5;            ///< absolute tolerance
    double rtol = 1e-3;            ///< relative tolerance, of |numerical|
    bool raise_exception = true;   ///< throw gradcheck_error on a mismatch (else return false)
};

/// torch.autograd.gradcheck.GradcheckError (a RuntimeError): a gradient that does not match its
/// central differences; the message is torch's.
class gradcheck_error : public error {
public:
    using error::error;
};

namespace detail {

// The conditions of gradcheck's static_asserts: false where they are instantiated; their
// arguments (a variable spelled as characters) show next to the sentence.
template <class Variable> inline constexpr bool gradcheck_binds_the_wrt_variable = false;
template <class Variable> inline constexpr bool gradcheck_f_uses_the_wrt_variable = false;
template <class F> inline constexpr bool gradcheck_f_is_a_loss_or_element_wise = false;

/// The first variable of wrt(...) (`Wrt`) that no binding binds, spelled; void when all are bound.
template <class Bound, class Wrt> struct first_wrt_unbound { using type = void; };
template <class Bound, class V, class... Vars> struct first_wrt_unbound<Bound, wrt_t<V, Vars...>> {
    using type = std::conditional_t<Bound::template contains<V>, typename first_wrt_unbound<Bound, wrt_t<Vars...>>::type,
                                    typename name_of<V>::type>;
};

/// The checks of gradcheck(f, wrt(vars...), bindings...): true when they pass; otherwise one
/// static_assert fails (or wrt already reported its argument), and gradcheck returns false.
template <class F, class Wrt, class... Bindings>
consteval bool check_gradcheck() {
    if constexpr (!expression<F>) {
        static_assert(is_an_expression<F>, "ctgrad::gradcheck(f, wrt(x, ...), ...): f must be a ctgrad expression");
        return false;
    } else if constexpr (CTGRAD_IS_SAME(Wrt, wrt_t<>)) {
        static_assert(never<readable<F>>, "ctgrad::gradcheck(f, wrt(x, ...), ...): name at least one variable in wrt(...)");
        return false;
    } else if constexpr (!wrt_traits<Wrt>::variables) {
        return false;  // wrt(...) said it
    } else if constexpr (!(is_binding<Bindings> && ...)) {
        static_assert(are_bindings<Bindings...>,
                      "ctgrad::gradcheck(f, wrt(x, ...), ...): after wrt(...) (and gradcheck_options) come bindings such as "
                      "x = 1.0");
        return false;
    } else {
        using Bound = bound_set<binding_key_t<Bindings>...>;
        using unbound = typename first_wrt_unbound<Bound, Wrt>::type;
        if constexpr (!CTGRAD_IS_SAME(unbound, void)) {
            static_assert(gradcheck_binds_the_wrt_variable<unbound>,
                          "ctgrad::gradcheck(f, wrt(x, ...), ...): every variable of wrt(...) must be bound, to a number or "
                          "to an array");
            return false;
        } else if constexpr (!check_evaluation<F, Bindings...>()) {
            return false;
        } else if constexpr (has_reduction<F> && array_outside_reduction<F, array_variables<Bindings...>>::value) {
            static_assert(gradcheck_f_is_a_loss_or_element_wise<readable<F>>,
                          "ctgrad::gradcheck(f, wrt(x, ...), ...): f must reduce every array to a scalar (sum, mean, dot), "
                          "or reduce none (element-wise)");
            return false;
        } else {
            using unused = typename wrt_traits<Wrt>::template first_unused_by<F>;
            if constexpr (!CTGRAD_IS_SAME(unused, void)) {
                static_assert(gradcheck_f_uses_the_wrt_variable<unused>,
                              "ctgrad::gradcheck(f, wrt(x, ...), ...): f does not use a variable of wrt(...); remove it "
                              "from wrt");
                return false;
            } else {
                return true;
            }
        }
    }
}

/// The position of the binding of `V` among `Keys`.
template <class V, class... Keys>
consteval std::size_t binding_index() {
    constexpr bool same[] = {CTGRAD_IS_SAME(V, Keys)..., true};
    std::size_t i = 0;
    while (!same[i]) ++i;
    return i;
}

/// A bound value widened to double, for the central differences: a number, or a copy of an array.
template <class V>
auto widened(const V& value) {
    if constexpr (std::is_arithmetic<V>::value) return static_cast<double>(value);
    else return std::vector<double>(value.begin(), value.end());
}

/// The values of an evaluation as doubles: one for a loss, one per element otherwise.
template <class R>
void append_outputs(std::vector<double>& out, const R& r) {
    if constexpr (std::is_arithmetic<R>::value) out.push_back(static_cast<double>(r));
    else out.insert(out.end(), r.begin(), r.end());
}

/// A number in six significant digits, as printf's %g: "0.5", "0.00051", "1e-07".
inline std::string six_digits(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
    char buffer[64];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 6).ptr;
    return std::string(buffer, end);
}

/// torch.allclose's test on one element: |a - n| <= atol + rtol * |n| (equal infinities pass).
inline bool gradcheck_close(double a, double n, double atol, double rtol) {
    return a == n || std::abs(a - n) <= atol + rtol * std::abs(n);
}

/// torch's message for input `input` (and output 0): the two Jacobians, rows the input's
/// elements, columns the outputs'.
template <class N, class A>
std::string jacobian_mismatch_message(std::size_t input, std::span<const N> numerical, std::span<const A> analytical,
                                      std::size_t rows, std::size_t columns) {
    const std::array<std::size_t, 2> shape{rows, columns};
    format_suffix n_suffix;
    n_suffix.float64 = CTGRAD_IS_SAME(N, double);
    format_suffix a_suffix;
    a_suffix.float64 = CTGRAD_IS_SAME(A, double);
    return "Jacobian mismatch for output 0 with respect to input " + std::to_string(input) +
           ",\nnumerical:" + format_tensor<N>(numerical, shape, n_suffix) +
           "\nanalytical:" + format_tensor<A>(analytical, shape, a_suffix) + "\n";
}

/// gradcheck after the checks.
template <class F, class... Vars, class... Bindings>
bool gradcheck_checked(const F& f, wrt_t<Vars...>, const gradcheck_options& options, const Bindings&... bindings) {
    using T = evaluation_scalar<element_t<binding_value_t<Bindings>>...>;
    constexpr bool element_wise = (is_span<binding_value_t<Bindings>> || ...) && !has_reduction<F>;
    const std::size_t outputs = element_wise ? common_length(bindings...) : 1;

    // The analytical side: for each wrt variable, its elements' rows of the Jacobian.
    std::array<std::vector<T>, sizeof...(Vars)> analytical;
    if constexpr (element_wise) {
        // d f_j / d v: grad's expressions evaluated, one value per element j; for an array
        // variable, d f_j / d x_i is 0 for i != j (f is element-wise).
        const auto derivatives = grad(f, Vars{}...);
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((analytical[K] = [&] {
                 using V = std::tuple_element_t<K, std::tuple<Vars...>>;
                 const std::vector<T> column = evaluate(std::get<K>(derivatives), bindings...);
                 if constexpr (bound_to_array<V, Bindings...>) {
                     std::vector<T> jacobian(outputs * outputs, T(0));
                     for (std::size_t j = 0; j != outputs; ++j) jacobian[j * outputs + j] = column[j];
                     return jacobian;
                 } else {
                     return column;
                 }
             }()),
             ...);
        }(std::index_sequence_for<Vars...>{});
    } else {
        const auto result = value_and_grad(f, wrt_t<Vars...>{}, bindings...);
        [&]<std::size_t... K>(std::index_sequence<K...>) {
            ((analytical[K] = [&] {
                 const auto& g = std::get<K + 1>(result);
                 if constexpr (std::is_arithmetic<std::remove_cvref_t<decltype(g)>>::value) return std::vector<T>{g};
                 else return std::vector<T>(g.begin(), g.end());
             }()),
             ...);
        }(std::index_sequence_for<Vars...>{});
    }

    // The numerical side, in double: each wrt variable (each element of an array) perturbed in
    // a copy of the bindings.
    auto values = std::tuple{widened(bindings.value)...};
    const auto evaluate_at = [&](std::vector<double>& out) {
        std::apply([&](const auto&... v) { append_outputs(out, evaluate(f, (binding_key_t<Bindings>{} = v)...)); }, values);
    };
    const auto difference = [&](double& v, std::vector<double>& jacobian) {
        const double original = v;
        std::vector<double> below, above;
        v = original - options.eps;
        evaluate_at(below);
        v = original + options.eps;
        evaluate_at(above);
        v = original;
        for (std::size_t j = 0; j != outputs; ++j) jacobian.push_back((above[j] - below[j]) / (2 * options.eps));
    };

    bool ok = true;
    std::size_t input = 0;
    const auto check = [&](auto var) {
        using V = decltype(var);
        if (!ok) return;
        auto& bound = std::get<binding_index<V, binding_key_t<Bindings>...>()>(values);
        std::vector<double> numerical;
        if constexpr (std::is_arithmetic<std::remove_cvref_t<decltype(bound)>>::value) {
            difference(bound, numerical);
        } else {
            numerical.reserve(bound.size() * outputs);
            for (double& element : bound) difference(element, numerical);
        }
        const std::vector<T>& a = analytical[input];
        const std::size_t rows = numerical.size() / (outputs == 0 ? 1 : outputs);
        for (std::size_t k = 0; k != numerical.size() && ok; ++k) {
            const double ak = static_cast<double>(a[k]);
            if (gradcheck_close(ak, numerical[k], options.atol, options.rtol)) continue;
            ok = false;
            if (!options.raise_exception) return;
            const std::size_t row = k / outputs;
            const std::size_t column = k % outputs;
            std::string where = "input " + std::to_string(input) + " is the variable " + std::string(V::name());
            if constexpr (!std::is_arithmetic<std::remove_cvref_t<decltype(bound)>>::value)
                where += "; first mismatch at " + std::string(V::name()) + "[" + std::to_string(row) + "]";
            if (element_wise) where += ", output element " + std::to_string(column);
            throw gradcheck_error(jacobian_mismatch_message<double, T>(input, numerical, a, rows, outputs) + where +
                                  ": numerical " + six_digits(numerical[k]) + ", analytical " + six_digits(ak) +
                                  "; |analytical - numerical| = " + six_digits(std::abs(ak - numerical[k])) +
                                  " > atol + rtol * |numerical| = " +
                                  six_digits(options.atol + options.rtol * std::abs(numerical[k])) + "\n");
        }
        ++input;
    };
    (check(Vars{}), ...);
    return ok;
}

}  // namespace detail

/// Checks the gradient of `f` by each variable of wrt(...) against central differences, as
/// torch.autograd.gradcheck: true when every element passes |analytical - numerical| <=
/// atol + rtol * |numerical|; otherwise throws gradcheck_error with torch's message (or returns
/// false without raise_exception). `f` is a loss (every array reduced by sum, mean or dot; or
/// numbers only) or an element-wise expression over arrays; every wrt variable must be bound.
///
///     ctgrad::gradcheck(mean(pow(w * x + b - y, 2_c)), ctgrad::wrt(w, b), w = 0.5, b = 0.1, x = xs, y = ys);
///     ctgrad::gradcheck(f, ctgrad::wrt(x), {.eps = 1e-4, .atol = 1e-4}, x = 0.5);
template <class F, class... Vars, class... Bindings>
bool gradcheck(const F& f, wrt_t<Vars...> vars, const gradcheck_options& options, const Bindings&... bindings) {
    if constexpr (!detail::check_gradcheck<F, wrt_t<Vars...>, Bindings...>()) return false;
    else return detail::gradcheck_checked(f, vars, options, bindings...);
}

/// gradcheck with torch's default options (eps 1e-6, atol 1e-5, rtol 1e-3, raise_exception).
template <class F, class... Vars, class... Bindings>
bool gradcheck(const F& f, wrt_t<Vars...> vars, const Bindings&... bindings) {
    return gradcheck(f, vars, gradcheck_options{}, bindings...);
}

}  // namespace ctgrad

#endif
