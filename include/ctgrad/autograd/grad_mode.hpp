// Grad mode: whether operations on tensors record a graph (torch.is_grad_enabled), and the
// RAII guards that change it for one thread (torch.no_grad, torch.enable_grad); anomaly
// detection (torch.autograd.detect_anomaly).
#ifndef CTGRAD_AUTOGRAD_GRAD_MODE_HPP
#define CTGRAD_AUTOGRAD_GRAD_MODE_HPP

#include <atomic>

namespace ctgrad {

namespace detail {
inline bool& grad_mode_flag() {
    thread_local bool enabled = true;
    return enabled;
}
}  // namespace detail

/// torch.is_grad_enabled(): true unless a no_grad guard is alive on this thread.
inline bool is_grad_enabled() { return detail::grad_mode_flag(); }

/// torch.set_grad_enabled(mode) as a plain call.
inline void set_grad_enabled(bool mode) { detail::grad_mode_flag() = mode; }

/// `with torch.no_grad():` as a scope: `{ ctgrad::no_grad guard; w -= lr * w.grad(); }`.
/// Results computed while it lives do not require grad; the previous mode comes back at
/// the end of the scope.
class no_grad {
public:
    no_grad() : previous_(is_grad_enabled()) { set_grad_enabled(false); }
    ~no_grad() { set_grad_enabled(previous_); }
    no_grad(const no_grad&) = delete;
    no_grad& operator=(const no_grad&) = delete;

private:
    bool previous_;
};

/// `with torch.enable_grad():` as a scope.
class enable_grad {
public:
    enable_grad() : previous_(is_grad_enabled()) { set_grad_enabled(true); }
    ~enable_grad() { set_grad_enabled(previous_); }
    enable_grad(const enable_grad&) = delete;
    enable_grad& operator=(const enable_grad&) = delete;

private:
    bool previous_;
};

namespace detail {
inline std::atomic<bool>& anomaly_flag() {
    static std::atomic<bool> enabled{false};
    return enabled;
}
}  // namespace detail

namespace autograd {

/// torch.is_anomaly_enabled().
inline bool is_anomaly_enabled() { return detail::anomaly_flag().load(std::memory_order_relaxed); }
/// torch.autograd.set_detect_anomaly(mode) as a plain call (global, as in PyTorch).
inline void set_detect_anomaly(bool mode) { detail::anomaly_flag().store(mode, std::memory_order_relaxed); }

/// `with torch.autograd.detect_anomaly():` as a scope: a backward node that returns NaN in a
/// gradient raises PyTorch's error naming it ("Function 'SqrtBackward0' returned nan values in
/// its 0th output."). A fused statement is one node, named after its last operation.
class detect_anomaly {
public:
    detect_anomaly() : previous_(is_anomaly_enabled()) { set_detect_anomaly(true); }
    ~detect_anomaly() { set_detect_anomaly(previous_); }
    detect_anomaly(const detect_anomaly&) = delete;
    detect_anomaly& operator=(const detect_anomaly&) = delete;

private:
    bool previous_;
};

}  // namespace autograd

}  // namespace ctgrad

#endif
