// The fused loop allocates nothing: value_and_grad with scalar wrt variables, evaluate of a
// loss and evaluate_into run without a single call to operator new, and neither does a training
// step through the Tensor API once the gradients exist.
//
// Its own executable: it replaces the global operator new and delete (every replaceable form),
// counting calls on this thread only while a counting_scope is alive, so Boost.Test's own
// allocations (and other threads') are never counted. Controls show that the counter sees
// allocations: a direct call of operator new, an element-wise evaluate returning a
// std::vector, and a gradient with respect to an array.
#define BOOST_TEST_MODULE ctgrad_alloc
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <span>
#include <tuple>
#include <vector>

namespace {

// volatile: the compiler must not assume that a call to operator new leaves these unchanged.
thread_local volatile bool counting = false;
thread_local volatile std::size_t allocations = 0;
thread_local volatile std::size_t deallocations = 0;

void note_allocation() {
    if (counting) allocations = allocations + 1;
}
void note_deallocation(void* p) {
    if (counting && p != nullptr) deallocations = deallocations + 1;
}

void* allocate(std::size_t size) noexcept {
    note_allocation();
    return std::malloc(size == 0 ? 1 : size);
}

void* allocate_aligned(std::size_t size, std::align_val_t alignment) noexcept {
    note_allocation();
    std::size_t a = static_cast<std::size_t>(alignment);
    if (a < sizeof(void*)) a = sizeof(void*);
    const std::size_t rounded = (size == 0 ? a : (size + a - 1) / a * a);  // aligned_alloc wants a multiple
    return std::aligned_alloc(a, rounded);
}

void* allocate_or_throw(std::size_t size) {
    if (void* p = allocate(size)) return p;
    throw std::bad_alloc();
}

void* allocate_aligned_or_throw(std::size_t size, std::align_val_t alignment) {
    if (void* p = allocate_aligned(size, alignment)) return p;
    throw std::bad_alloc();
}

void release(void* p) noexcept {
    note_deallocation(p);
    std::free(p);
}

struct allocation_count {
    std::size_t allocations;
    std::size_t deallocations;
};

/// Counts the allocations on this thread while alive.
class counting_scope {
public:
    counting_scope() {
        allocations = 0;
        deallocations = 0;
        counting = true;
    }
    ~counting_scope() { counting = false; }
    counting_scope(const counting_scope&) = delete;
    counting_scope& operator=(const counting_scope&) = delete;
    allocation_count count() const { return {allocations, deallocations}; }
};

/// Runs `f` with counting on and returns the counts.
template <class F>
allocation_count count_allocations(const F& f) {
    counting_scope scope;
    f();
    return scope.count();
}

}  // namespace

// ---- replacements of every replaceable global allocation and deallocation function -----------

void* operator new(std::size_t size) { return allocate_or_throw(size); }
void* operator new[](std::size_t size) { return allocate_or_throw(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return allocate(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return allocate(size); }
void* operator new(std::size_t size, std::align_val_t al) { return allocate_aligned_or_throw(size, al); }
void* operator new[](std::size_t size, std::align_val_t al) { return allocate_aligned_or_throw(size, al); }
void* operator new(std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept { return allocate_aligned(size, al); }
void* operator new[](std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept { return allocate_aligned(size, al); }

void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }

namespace {

using namespace ctgrad::literals;
constexpr auto x = ctgrad::var<"x">;
constexpr auto y = ctgrad::var<"y">;
constexpr auto w = ctgrad::var<"w">;
constexpr auto b = ctgrad::var<"b">;
constexpr auto mu = ctgrad::var<"mu">;
constexpr auto sigma = ctgrad::var<"sigma">;

constexpr auto mse = mean(pow(w * x + b - y, 2_c));
constexpr auto log_density = sum(-log(sigma) - pow(x - mu, 2_c) / (2_c * pow(sigma, 2_c)));

using scalar_types = std::tuple<float, double>;

template <class T>
struct data {
    std::vector<T> xs, ys;
    explicit data(std::size_t n) : xs(n), ys(n) {
        for (std::size_t i = 0; i != n; ++i) {
            xs[i] = static_cast<T>(std::sin(0.37 * static_cast<double>(i)));
            ys[i] = static_cast<T>(3 * xs[i] + 1 + 0.1 * std::cos(0.71 * static_cast<double>(i)));
        }
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(fused_allocations)

BOOST_AUTO_TEST_CASE(the_counter_sees_allocations) {
    void* p = nullptr;
    const allocation_count c = count_allocations([&] {
        p = ::operator new(16);
        ::operator delete(p);
    });
    BOOST_TEST(c.allocations == 1u);
    BOOST_TEST(c.deallocations == 1u);
    BOOST_TEST(p != nullptr);

    const allocation_count aligned = count_allocations([&] {
        p = ::operator new(16, std::align_val_t{64});
        ::operator delete(p, std::align_val_t{64});
    });
    BOOST_TEST(aligned.allocations == 1u);
    BOOST_TEST(aligned.deallocations == 1u);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(value_and_grad_wrt_scalars, T, scalar_types) {
    for (std::size_t n : {std::size_t(10), std::size_t(1000)}) {
        BOOST_TEST_CONTEXT("n = " << n) {
            const data<T> d(n);
            std::tuple<T, T, T> r1{};
            const allocation_count c1 = count_allocations(
                [&] { r1 = ctgrad::value_and_grad(mse, ctgrad::wrt(w, b), w = T(0.5), b = T(0.1), x = d.xs, y = d.ys); });
            BOOST_TEST(c1.allocations == 0u);
            BOOST_TEST(c1.deallocations == 0u);
            BOOST_TEST(std::get<0>(r1) == ctgrad::evaluate(mse, w = T(0.5), b = T(0.1), x = d.xs, y = d.ys));
            BOOST_TEST(std::isfinite(std::get<1>(r1)));

            std::tuple<T, T, T> r2{};
            const allocation_count c2 = count_allocations(
                [&] { r2 = ctgrad::value_and_grad(log_density, ctgrad::wrt(mu, sigma), mu = T(0.3), sigma = T(1.3), x = d.xs); });
            BOOST_TEST(c2.allocations == 0u);
            BOOST_TEST(std::isfinite(std::get<2>(r2)));
        }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(evaluate_of_a_loss, T, scalar_types) {
    for (std::size_t n : {std::size_t(10), std::size_t(1000)}) {
        BOOST_TEST_CONTEXT("n = " << n) {
            const data<T> d(n);
            T v1{}, v2{}, v3{};
            const allocation_count c = count_allocations([&] {
                v1 = ctgrad::evaluate(mse, w = T(0.5), b = T(0.1), x = d.xs, y = d.ys);
                v2 = ctgrad::evaluate(sum(x * x) / mean(x) + dot(x, y), x = d.xs, y = d.ys);
                v3 = (log(sum(exp(x))))(x = std::span<const T>(d.xs));
            });
            BOOST_TEST(c.allocations == 0u);
            BOOST_TEST(c.deallocations == 0u);
            BOOST_TEST((std::isfinite(v1) && std::isfinite(v2) && std::isfinite(v3)));
        }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(evaluate_into, T, scalar_types) {
    for (std::size_t n : {std::size_t(10), std::size_t(1000)}) {
        BOOST_TEST_CONTEXT("n = " << n) {
            const data<T> d(n);
            std::vector<T> out(n, T(0));
            const allocation_count c = count_allocations(
                [&] { ctgrad::evaluate_into(std::span<T>(out), exp(-x) * w + y - b, x = d.xs, y = d.ys, w = T(2), b = T(1)); });
            BOOST_TEST(c.allocations == 0u);
            BOOST_TEST(c.deallocations == 0u);
            BOOST_TEST(out[n - 1] == std::exp(-d.xs[n - 1]) * T(2) + d.ys[n - 1] - T(1), boost::test_tools::tolerance(T(1e-5)));
        }
    }
}

// A gradient by an array written into the caller's buffer (ctgrad::into): nothing is allocated,
// and the numbers are those of the gradient returned as a std::vector.
BOOST_AUTO_TEST_CASE_TEMPLATE(value_and_grad_into_buffers, T, scalar_types) {
    for (std::size_t n : {std::size_t(10), std::size_t(1000)}) {
        BOOST_TEST_CONTEXT("n = " << n) {
            const data<T> d(n);
            std::vector<T> dx(n, T(-1)), dy(n, T(-1));
            T value{}, dw{};
            const allocation_count c = count_allocations([&] {
                const auto [v, gw, gx, gy] = ctgrad::value_and_grad(mse, ctgrad::wrt(w, x, y), ctgrad::into(x, dx),
                                                                    ctgrad::into(y, dy), w = T(0.5), b = T(0.1), x = d.xs,
                                                                    y = d.ys);
                static_assert(std::is_same_v<std::remove_cv_t<decltype(gx)>, std::span<T>>);
                value = v;
                dw = gw;
                BOOST_TEST((gx.data() == dx.data() && gy.data() == dy.data()));
            });
            BOOST_TEST(c.allocations == 0u);
            BOOST_TEST(c.deallocations == 0u);
            const auto [v, gw, gx, gy] = ctgrad::value_and_grad(mse, ctgrad::wrt(w, x, y), w = T(0.5), b = T(0.1), x = d.xs, y = d.ys);
            BOOST_TEST(value == v);
            BOOST_TEST(dw == gw);
            BOOST_TEST(dx == gx, boost::test_tools::per_element());
            BOOST_TEST(dy == gy, boost::test_tools::per_element());
            std::vector<T> short_buffer(n - 1);
            BOOST_CHECK_THROW(ctgrad::value_and_grad(mse, ctgrad::wrt(x), ctgrad::into(x, short_buffer), w = T(0.5), b = T(0.1),
                                                     x = d.xs, y = d.ys),
                              std::invalid_argument);
        }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(controls_that_allocate, T, scalar_types) {
    const data<T> d(1000);
    // an element-wise evaluate returns a std::vector
    std::vector<T> elementwise;
    const allocation_count c1 = count_allocations([&] { elementwise = ctgrad::evaluate(w * x + b, x = d.xs, w = T(2), b = T(1)); });
    BOOST_TEST(c1.allocations >= 1u);
    BOOST_TEST(elementwise.size() == d.xs.size());
    // a gradient with respect to an array is a std::vector
    std::tuple<T, std::vector<T>> with_array;
    const allocation_count c2 = count_allocations([&] { with_array = ctgrad::value_and_grad(log(sum(exp(x))), ctgrad::wrt(x), x = d.xs); });
    BOOST_TEST(c2.allocations >= 1u);
    BOOST_TEST(std::get<1>(with_array).size() == d.xs.size());
}

BOOST_AUTO_TEST_SUITE_END()

// Exercise 3's training step through the Tensor API: once w.grad and b.grad exist, forward,
// zeroing, backward and the no_grad update allocate nothing.
BOOST_AUTO_TEST_SUITE(tensor_allocations)

template <class T>
struct regression {
    ctgrad::basic_tensor<T> x_data, y_true, w, b;
    regression() {
        ctgrad::manual_seed(0);
        x_data = ctgrad::randn<T>({10, 1});
        y_true = 2.0 * x_data + 1.0;
        w = ctgrad::randn<T>({1, 1}, {.requires_grad = true});
        b = ctgrad::randn<T>({1, 1}, {.requires_grad = true});
    }
    double step(double lr) {
        auto loss = ctgrad::mean(pow(w * x_data + b - y_true, 2_c));
        if (w.grad().defined()) {
            w.grad().zero_();
            b.grad().zero_();
        }
        loss.backward();
        {
            ctgrad::no_grad guard;
            w -= lr * w.grad();
            b -= lr * b.grad();
        }
        return loss.item();
    }
};

BOOST_AUTO_TEST_CASE_TEMPLATE(training_step_allocates_nothing_once_grads_exist, T, scalar_types) {
    regression<T> r;
    const double first = r.step(0.01);  // creates w.grad and b.grad
    double last = 0;
    const allocation_count c = count_allocations([&] {
        for (int i = 0; i != 99; ++i) last = r.step(0.01);
    });
    BOOST_TEST(c.allocations == 0u);
    BOOST_TEST(c.deallocations == 0u);
    // The loss falls and w, b end where PyTorch's exercise 3 ends (w = 1.689080, b = 0.714315).
    BOOST_TEST(last < first);
    BOOST_TEST(r.w.item() == 1.689080, boost::test_tools::tolerance(2e-6));
    BOOST_TEST(r.b.item() == 0.714315, boost::test_tools::tolerance(2e-6));
}

BOOST_AUTO_TEST_CASE(a_materialised_statement_allocates) {
    regression<float> r;
    r.step(0.01);
    const allocation_count c = count_allocations([&] {
        ctgrad::Tensor loss = ctgrad::mean(pow(r.w * r.x_data + r.b - r.y_true, 2_c));  // a new tensor and its node
        BOOST_TEST(loss.requires_grad());
    });
    BOOST_TEST(c.allocations >= 1u);
}

BOOST_AUTO_TEST_SUITE_END()
