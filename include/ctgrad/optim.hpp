// ctgrad::optim: torch.optim.SGD (momentum, dampening, weight decay, nesterov) and
// torch.optim.Adam (weight decay, amsgrad), with zero_grad() (set_to_none=false by default, as in 1.13) and
// step() doing PyTorch 1.13's single-tensor updates, operation by operation.
#ifndef CTGRAD_OPTIM_HPP
#define CTGRAD_OPTIM_HPP

#include <ctgrad/detail/config.hpp>
#include <ctgrad/autograd/errors.hpp>
#include <ctgrad/autograd/tensor.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <type_traits>
#include <string>
#include <utility>
#include <vector>

namespace ctgrad::optim {

namespace detail {

template <class T>
std::vector<basic_tensor<T>> checked_params(std::vector<basic_tensor<T>> params) {
    if (params.empty()) throw value_error("optimizer got an empty parameter list");
    for (const auto& p : params) {
        if (!p.defined()) throw error("ctgrad: an optimizer's parameter is None (an undefined tensor)");
        if (!p.is_leaf()) throw value_error("can't optimize a non-leaf Tensor");
    }
    return params;
}

inline void check_non_negative(double v, const char* what) {
    if (!(v >= 0.0)) throw value_error(std::string("Invalid ") + what + ": " + std::to_string(v));
}

/// Python's repr of a float as PyTorch prints it in messages ("-0.1").
inline std::string number(double v) {
    std::string s = std::to_string(v);
    while (s.size() > 1 && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s += '0';
    return s;
}

/// `a + alpha * b` as ATen's add with alpha: a fused multiply-add in its vectorised kernel.
template <class T>
T add_alpha(T a, T b, T alpha) {
    return std::fma(alpha, b, a);
}

/// The parameters of an initializer list, when their dtype is the optimizer's.
template <class T, class U>
std::vector<basic_tensor<T>> same_dtype(std::initializer_list<basic_tensor<U>> params) {
    static_assert(std::is_same_v<T, U>,
                  "ctgrad: optim::SGD and optim::Adam hold float Tensors; use optim::basic_sgd<double> or "
                  "optim::basic_adam<double> for DoubleTensor");
    if constexpr (std::is_same_v<T, U>) return std::vector<basic_tensor<T>>(params);
    else return {};
}

/// zero_grad(set_to_none): None, or zeros in place.
template <class T>
void zero_grads(std::vector<basic_tensor<T>>& params, bool set_to_none) {
    for (auto& p : params) {
        auto& impl = p.impl();
        if (!impl.grad) continue;
        if (set_to_none) {
            impl.grad = nullptr;
        } else {
            std::fill(impl.grad->storage->begin(), impl.grad->storage->end(), T(0));
            ++*impl.grad->version;
        }
    }
}

}  // namespace detail

/// The options of SGD: `{.lr = 0.1, .momentum = 0.9}`.
struct sgd_options {
    double lr = 1e-3;
    double momentum = 0;
    double dampening = 0;
    double weight_decay = 0;
    bool nesterov = false;
    bool maximize = false;
};

/// torch.optim.SGD.
template <class T>
class basic_sgd {
public:
    /// `{w, b}`: the parameters, of this optimizer's dtype.
    template <class U>
    basic_sgd(std::initializer_list<basic_tensor<U>> params, sgd_options options)
        : basic_sgd(std::vector<basic_tensor<T>>(detail::same_dtype<T, U>(params)), options) {}
    basic_sgd(std::vector<basic_tensor<T>> params, sgd_options options)
        : params_(detail::checked_params(std::move(params))), options_(options), buffers_(params_.size()) {
        if (!(options.lr >= 0.0)) throw value_error("Invalid learning rate: " + detail::number(options.lr));
        if (!(options.momentum >= 0.0)) throw value_error("Invalid momentum value: " + detail::number(options.momentum));
        if (!(options.weight_decay >= 0.0))
            throw value_error("Invalid weight_decay value: " + detail::number(options.weight_decay));
        if (options.nesterov && (options.momentum <= 0 || options.dampening != 0))
            throw value_error("Nesterov momentum requires a momentum and zero dampening");
    }

    /// optimizer.zero_grad(set_to_none=False), PyTorch 1.13's default: the gradients become
    /// zeros in place; with true, None.
    void zero_grad(bool set_to_none = false) { detail::zero_grads(params_, set_to_none); }

    /// optimizer.step(): PyTorch's _single_tensor_sgd, element by element.
    void step() {
        const T lr = static_cast<T>(options_.lr), wd = static_cast<T>(options_.weight_decay);
        const T momentum = static_cast<T>(options_.momentum), keep = static_cast<T>(1.0 - options_.dampening);
        for (std::size_t k = 0; k != params_.size(); ++k) {
            auto& p = params_[k].impl();
            if (!p.grad) continue;
            const std::size_t n = p.numel();
            T* w = p.data();
            const T* g = p.grad->data();
            std::vector<T>& buf = buffers_[k];
            const bool first = buf.empty();
            if (options_.momentum != 0 && first) buf.resize(n);
            for (std::size_t i = 0; i != n; ++i) {
                T d = options_.maximize ? -g[i] : g[i];
                if (options_.weight_decay != 0) d = detail::add_alpha(d, w[i], wd);
                if (options_.momentum != 0) {
                    const T kept = buf[i] * momentum;
                    buf[i] = first ? d : detail::add_alpha(kept, d, keep);
                    d = options_.nesterov ? detail::add_alpha(d, buf[i], momentum) : buf[i];
                }
                w[i] = detail::add_alpha(w[i], d, -lr);
            }
            ++*p.version;
        }
    }

    [[nodiscard]] const std::vector<basic_tensor<T>>& params() const { return params_; }
    [[nodiscard]] sgd_options& options() { return options_; }

private:
    std::vector<basic_tensor<T>> params_;
    sgd_options options_;
    std::vector<std::vector<T>> buffers_;  ///< momentum buffers, empty before the first step
};

/// The options of Adam: `{.lr = 1e-3, .betas = {0.9, 0.999}}`.
struct adam_options {
    double lr = 1e-3;
    std::pair<double, double> betas{0.9, 0.999};
    double eps = 1e-8;
    double weight_decay = 0;
    bool amsgrad = false;
    bool maximize = false;
};

/// torch.optim.Adam.
template <class T>
class basic_adam {
public:
    /// `{w, b}`: the parameters, of this optimizer's dtype.
    template <class U>
    basic_adam(std::initializer_list<basic_tensor<U>> params, adam_options options)
        : basic_adam(std::vector<basic_tensor<T>>(detail::same_dtype<T, U>(params)), options) {}
    basic_adam(std::vector<basic_tensor<T>> params, adam_options options)
        : params_(detail::checked_params(std::move(params))), options_(options), state_(params_.size()) {
        if (!(options.lr >= 0.0)) throw value_error("Invalid learning rate: " + detail::number(options.lr));
        if (!(options.eps >= 0.0)) throw value_error("Invalid epsilon value: " + detail::number(options.eps));
        if (!(options.betas.first >= 0.0 && options.betas.first < 1.0))
            throw value_error("Invalid beta parameter at index 0: " + detail::number(options.betas.first));
        if (!(options.betas.second >= 0.0 && options.betas.second < 1.0))
            throw value_error("Invalid beta parameter at index 1: " + detail::number(options.betas.second));
        if (!(options.weight_decay >= 0.0))
            throw value_error("Invalid weight_decay value: " + detail::number(options.weight_decay));
    }

    void zero_grad(bool set_to_none = false) { detail::zero_grads(params_, set_to_none); }

    /// optimizer.step(): PyTorch's _single_tensor_adam; the bias corrections in double, as
    /// Python computes them.
    void step() {
        const double beta1 = options_.betas.first, beta2 = options_.betas.second;
        for (std::size_t k = 0; k != params_.size(); ++k) {
            auto& p = params_[k].impl();
            if (!p.grad) continue;
            const std::size_t n = p.numel();
            state& s = state_[k];
            if (s.exp_avg.empty()) {
                s.exp_avg.assign(n, T(0));
                s.exp_avg_sq.assign(n, T(0));
                if (options_.amsgrad) s.max_exp_avg_sq.assign(n, T(0));
            }
            s.step += 1;
            const double step = static_cast<double>(s.step);
            const double bias_correction1 = 1 - std::pow(beta1, step);
            const double bias_correction2 = 1 - std::pow(beta2, step);
            const T step_size = static_cast<T>(options_.lr / bias_correction1);
            const T bc2_sqrt = static_cast<T>(std::sqrt(bias_correction2));
            const T b1 = static_cast<T>(beta1), b2 = static_cast<T>(beta2);
            const T one_b1 = static_cast<T>(1 - beta1), one_b2 = static_cast<T>(1 - beta2);
            const T wd = static_cast<T>(options_.weight_decay), eps = static_cast<T>(options_.eps);
            T* w = p.data();
            const T* g = p.grad->data();
            for (std::size_t i = 0; i != n; ++i) {
                T gi = options_.maximize ? -g[i] : g[i];
                if (options_.weight_decay != 0) gi = detail::add_alpha(gi, w[i], wd);
                // Each operation its own statement, so that no compiler fuses what ATen does not.
                const T avg = s.exp_avg[i] * b1;
                s.exp_avg[i] = detail::add_alpha(avg, gi, one_b1);
                const T sq = s.exp_avg_sq[i] * b2;
                const T scaled = one_b2 * gi;
                s.exp_avg_sq[i] = std::fma(scaled, gi, sq);  // addcmul_: fused in ATen's kernel
                T v = s.exp_avg_sq[i];
                if (options_.amsgrad) {
                    s.max_exp_avg_sq[i] = std::max(s.max_exp_avg_sq[i], v);
                    v = s.max_exp_avg_sq[i];
                }
                const T root = std::sqrt(v) / bc2_sqrt;
                const T denom = root + eps;
                const T num = -step_size * s.exp_avg[i];
                const T delta = num / denom;
                w[i] = w[i] + delta;  // addcdiv_
            }
            ++*p.version;
        }
    }

    [[nodiscard]] const std::vector<basic_tensor<T>>& params() const { return params_; }
    [[nodiscard]] adam_options& options() { return options_; }

private:
    struct state {
        std::int64_t step = 0;
        std::vector<T> exp_avg, exp_avg_sq, max_exp_avg_sq;
    };
    std::vector<basic_tensor<T>> params_;
    adam_options options_;
    std::vector<state> state_;
};

/// float32 optimizers, as torch.optim.SGD / torch.optim.Adam on float tensors.
using SGD = basic_sgd<float>;
using Adam = basic_adam<float>;

}  // namespace ctgrad::optim

#endif
