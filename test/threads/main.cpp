// Several threads using ctgrad at once, run under ThreadSanitizer in CI (preset tsan):
//
//   shared_leaf           separate graphs on separate threads add into one leaf's .grad:
//                         every contribution arrives (PyTorch serialises AccumulateGrad)
//   shared_leaf_chained   the same through graphs of several statements (buffered leaves)
//   grad_mode_per_thread  no_grad in one thread while another records a graph
//   fused_shared_data     concurrent value_and_grad over the same read-only arrays
//
// Every value below is an integer in float, so the expected sums are exact. Boost.Test's
// checks are not thread-safe: the threads record what they see and the checks come after.
#define BOOST_TEST_MODULE ctgrad_threads
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/tensor.hpp>

#include <array>
#include <atomic>
#include <cstddef>
#include <thread>
#include <tuple>
#include <vector>

namespace {

constexpr int threads = 4;
constexpr int steps = 200;

template <class F>
void run_threads(const F& body) {
    std::vector<std::thread> pool;
    for (int k = 0; k != threads; ++k) pool.emplace_back(body, k);
    for (std::thread& t : pool) t.join();
}

}  // namespace

BOOST_AUTO_TEST_CASE(shared_leaf) {
    // One statement that reads only leaves adds straight into w.grad, under w's lock.
    ctgrad::Tensor w = ctgrad::tensor({1., 2., 3.}, {.requires_grad = true});
    ctgrad::Tensor s = ctgrad::tensor(2., {.requires_grad = true});  // broadcast: a sum per pass
    run_threads([&](int k) {
        ctgrad::Tensor x = ctgrad::tensor({1., 1., 1.});
        for (int i = 0; i != steps; ++i) (w * x * s + static_cast<double>(k)).sum().backward();
    });
    const double n = threads * steps;
    BOOST_TEST(w.grad().values()[0] == 2 * n);
    BOOST_TEST(w.grad().values()[2] == 2 * n);
    BOOST_TEST(s.grad().item() == 6 * n);
}

BOOST_AUTO_TEST_CASE(shared_leaf_chained) {
    // Graphs of three statements: leaves' gradients wait in the pass's buffers, then are added
    // into .grad under the leaf's lock.
    ctgrad::Tensor w = ctgrad::tensor({1., 2.}, {.requires_grad = true});
    std::array<std::array<float, 2>, threads> x_grads{};
    run_threads([&](int k) {
        ctgrad::Tensor x = ctgrad::tensor({3., 4.}, {.requires_grad = true});
        for (int i = 0; i != steps; ++i) {
            ctgrad::Tensor a = w * x;
            ctgrad::Tensor b = a + w;
            b.sum().backward();
        }
        x_grads[static_cast<std::size_t>(k)] = {x.grad().values()[0], x.grad().values()[1]};
    });
    for (const auto& g : x_grads) {
        BOOST_TEST(g[0] == steps * 1.);
        BOOST_TEST(g[1] == steps * 2.);
    }
    const double n = threads * steps;
    BOOST_TEST(w.grad().values()[0] == 4 * n);  // x + 1
    BOOST_TEST(w.grad().values()[1] == 5 * n);
}

BOOST_AUTO_TEST_CASE(grad_mode_per_thread) {
    ctgrad::Tensor w = ctgrad::tensor({1., 2.}, {.requires_grad = true});
    std::atomic<int> wrong{0};
    run_threads([&](int k) {
        for (int i = 0; i != steps; ++i) {
            if (k % 2 == 0) {
                ctgrad::no_grad guard;
                ctgrad::Tensor y = w * 2.;
                if (y.requires_grad() || ctgrad::is_grad_enabled()) ++wrong;
            } else {
                ctgrad::Tensor y = w * 2.;
                if (!y.requires_grad() || !ctgrad::is_grad_enabled()) ++wrong;
                y.sum().backward();
            }
        }
    });
    BOOST_TEST(wrong.load() == 0);
    BOOST_TEST(w.grad().values()[0] == 2. * (threads / 2) * steps);
}

BOOST_AUTO_TEST_CASE(fused_shared_data) {
    using namespace ctgrad::literals;
    constexpr auto w = ctgrad::var<"w">;
    constexpr auto b = ctgrad::var<"b">;
    constexpr auto x = ctgrad::var<"x">;
    constexpr auto y = ctgrad::var<"y">;
    constexpr auto loss = mean(pow(w * x + b - y, 2_c));
    std::vector<double> xs(10000), ys(10000);
    for (std::size_t i = 0; i != xs.size(); ++i) {
        xs[i] = static_cast<double>(i % 17) - 8.;
        ys[i] = 2. * xs[i] + 1.;
    }
    const auto expected = ctgrad::value_and_grad(loss, ctgrad::wrt(w, b), w = 0.5, b = -1., x = xs, y = ys);
    std::atomic<int> wrong{0};
    run_threads([&](int) {
        for (int i = 0; i != steps; ++i) {
            const auto r = ctgrad::value_and_grad(loss, ctgrad::wrt(w, b), w = 0.5, b = -1., x = xs, y = ys);
            if (r != expected) ++wrong;
        }
    });
    BOOST_TEST(wrong.load() == 0);
}
