// A pairwise energy for users outside machine learning: eight particles in 3-D with the
// Lennard-Jones potential between every pair,
//     E = sum over pairs of 4 (r^-12 - r^-6),   r^2 = |p - q|^2,
// written with vector variables p and q, each bound to rows of the same positions through a
// list of pairs: step k of the loop sees particles I[k] and J[k]. The forces are minus the
// gradient: value_and_grad adds each pair's share into the rows it read. Steepest descent then
// relaxes the cluster. Its twin, pytorch/pairwise_energy.py, prints the same lines (lines
// starting with "# " are ctgrad's own).
#include <ctgrad/symbolic.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <vector>

int main() {
    using namespace ctgrad::literals;
    constexpr std::size_t n = 8;
    constexpr auto p = ctgrad::vec<"p">;
    constexpr auto q = ctgrad::vec<"q">;

    // The corners of a cube of side 1.1, each moved a little.
    std::vector<double> P(n * 3);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < 3; ++k)
            P[i * 3 + k] = 1.1 * double((i >> k) & 1) + 0.05 * std::sin(1.3 * double(i) + 2.1 * double(k));
    // Every pair i < j once.
    std::vector<std::int64_t> I, J;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j) I.push_back(std::int64_t(i)), J.push_back(std::int64_t(j));

    const auto r2 = ctgrad::squared_norm(p - q);
    const auto energy = ctgrad::sum(4_c * (ctgrad::pow(r2, -6_c) - ctgrad::pow(r2, -3_c)));
    std::printf("# E = %s\n", ctgrad::to_string(energy).str().c_str());
    std::printf("# dE/dp = %s\n", ctgrad::to_string(ctgrad::d(energy, p)).str().c_str());

    std::vector<double> gp(n * 3), gq(n * 3), F(n * 3);
    auto forces = [&] {
        auto [e, dp, dq] = ctgrad::value_and_grad(energy, ctgrad::wrt(p, q), ctgrad::into(p, gp), ctgrad::into(q, gq),
                                                  p = ctgrad::rows(P, 3, I), q = ctgrad::rows(P, 3, J));
        for (std::size_t k = 0; k < n * 3; ++k) F[k] = -(dp[k] + dq[k]);
        return e;
    };
    std::printf("energy = %.6f\n", forces());
    for (std::size_t i : {0, 7}) std::printf("force on %zu = [%.6f, %.6f, %.6f]\n", i, F[i * 3], F[i * 3 + 1], F[i * 3 + 2]);
    double total[3] = {0, 0, 0};
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < 3; ++k) total[k] += F[i * 3 + k];
    std::printf("# the forces add up to [%.1e, %.1e, %.1e]\n", total[0], total[1], total[2]);

    // Steepest descent: move every particle along its force.
    for (int step = 1; step <= 50; ++step) {
        for (std::size_t k = 0; k < n * 3; ++k) P[k] += 0.01 * F[k];
        const double e = forces();
        if (step % 10 == 0) std::printf("step %d: energy = %.6f\n", step, e);
    }
}
