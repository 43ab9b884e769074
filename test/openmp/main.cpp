// The OpenMP path of the fused loop: the same result as the serial loop (to rounding), and
// the same bits on every run for a given number of threads.
#define BOOST_TEST_MODULE ctgrad_openmp
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>

#include <omp.h>

#include <cmath>
#include <cstddef>
#include <vector>

namespace {
using namespace ctgrad::literals;
constexpr auto w = ctgrad::var<"w">;
constexpr auto b = ctgrad::var<"b">;
constexpr auto x = ctgrad::var<"x">;
constexpr auto y = ctgrad::var<"y">;

template <class T>
struct data {
    std::vector<T> xs, ys;
    explicit data(std::size_t n) : xs(n), ys(n) {
        for (std::size_t i = 0; i != n; ++i) {
            xs[i] = static_cast<T>(std::sin(0.001 * static_cast<double>(i)));
            ys[i] = static_cast<T>(2 * xs[i] + 1 + 0.01 * std::cos(0.7 * static_cast<double>(i)));
        }
    }
};
}  // namespace

BOOST_AUTO_TEST_CASE(parallel_matches_serial_and_is_reproducible) {
    const std::size_t n = 3 * ctgrad::detail::parallel_threshold + 17;
    const data<double> d(n);
    const auto loss = mean(pow(w * x + b - y, 2_c));
    double ref_l = 0, ref_w = 0, ref_b = 0;
    for (std::size_t i = 0; i != n; ++i) {
        const double r = 0.5 * d.xs[i] + 0.1 - d.ys[i];
        ref_l += r * r;
        ref_w += 2 * r * d.xs[i];
        ref_b += 2 * r;
    }
    const double nn = static_cast<double>(n);
    for (int threads : {1, 2, 3}) {
        omp_set_num_threads(threads);
        const auto [l, gw, gb] = ctgrad::value_and_grad(loss, ctgrad::wrt(w, b), w = 0.5, b = 0.1, x = d.xs, y = d.ys);
        BOOST_TEST(l == ref_l / nn, boost::test_tools::tolerance(1e-12));
        BOOST_TEST(gw == ref_w / nn, boost::test_tools::tolerance(1e-12));
        BOOST_TEST(gb == ref_b / nn, boost::test_tools::tolerance(1e-12));
        for (int again = 0; again != 3; ++again) {
            const auto [l2, gw2, gb2] = ctgrad::value_and_grad(loss, ctgrad::wrt(w, b), w = 0.5, b = 0.1, x = d.xs, y = d.ys);
            BOOST_TEST(l2 == l);  // bitwise: the reduction order depends only on n and the thread count
            BOOST_TEST(gw2 == gw);
            BOOST_TEST(gb2 == gb);
        }
    }
}
