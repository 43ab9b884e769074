// The checks of the derivative fuzz test (see fuzz.hpp), and its main: the slices of the batch
// (batch.cpp, compiled once per slice) register themselves; main runs them in order and prints
// a summary. Exit status 1 when a derivative is wrong, when too many points were skipped (a
// test that checks nothing fails) or when an operation of the tables was never checked.
//
// References: central differences of f (for first derivatives) and of the symbolic first
// derivatives (for second derivatives) in long double, with steps h, h/2 and h/4 made into two
// Richardson extrapolations R1 (from h, h/2) and R2 (from h/2, h/4), both of fourth order. R2
// is the reference and |R2 - R1| bounds its error (by about 15 times).
//
// A point is skipped, and counted by reason, when a value on its stencil is not finite
// ("domain"), when a kink argument changes sign on the stencil ("kink"), when |f| or a
// reference exceeds 1e6 (near a pole, "large"), or when the error bound of a reference exceeds a
// tenth of the tolerance (the function is not smooth at the scale of the step, "rough").
// Whether a point is skipped depends on f and the references only, never on the derivative
// under test. The symbolic derivatives (d, d<2>, grad, hessian) are evaluated in double.
//
// Tolerances, with err(s, r) = |s - r| / (1 + max(|s|, |r|)):
//   symbolic against a difference   err <= 1e-8 (the references are accurate to 1e-9);
//   reverse mode against forward    err <= 1e-11 (the same numbers computed in another order);
//   hessian (1, 0) against (0, 1)   equal (one type, derived once).
#include "fuzz.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace ctgrad_fuzz {

namespace {
constexpr double tolerance = 1e-8;
constexpr double modes_tolerance = 1e-11;
constexpr long double reference_bound = tolerance / 10;
constexpr long double large = 1e6;
/// A run fails when more than this fraction of its points is skipped.
constexpr double max_skipped_fraction = 0.25;
/// How many failures are printed in full.
constexpr int printed_failures = 20;

enum skip_reason { domain, kink, big, rough, reasons };
constexpr const char* reason_names[reasons] = {"domain", "kink", "large", "rough"};

struct reference {
    long double value;
    long double bound;
};

reference richardson(const differences& d) {
    const long double r1 = (4 * d.d[1] - d.d[0]) / 3;
    const long double r2 = (4 * d.d[2] - d.d[1]) / 3;
    return {r2, std::fabs(r2 - r1)};
}

double error(double s, long double r) {
    const long double sl = s;
    return static_cast<double>(std::fabs(sl - r) / (1 + std::max(std::fabs(sl), std::fabs(r))));
}

template <std::size_t N, class Table>
std::vector<std::string> names_of(const Table& table) {
    std::vector<std::string> out;
    std::apply([&](const auto&... op) { (out.emplace_back(op.name), ...); }, table);
    return out;
}
}  // namespace

class run {
public:
    std::size_t expressions = 0;
    std::size_t stateful = 0;
    std::size_t points = 0;
    std::size_t checked = 0;
    std::size_t skipped[reasons] = {};
    std::size_t failed_points = 0;
    double max_error = 0;
    std::string max_error_at;
    double max_modes_error = 0;
    std::vector<std::size_t> unary_expressions = std::vector<std::size_t>(unary_count);
    std::vector<std::size_t> unary_points = std::vector<std::size_t>(unary_count);
    std::vector<std::size_t> binary_expressions = std::vector<std::size_t>(binary_count);
    std::vector<std::size_t> binary_points = std::vector<std::size_t>(binary_count);
    std::ostringstream failures;
};

long double step_at(double p) { return step_scale * std::max(1.0L, std::fabs(static_cast<long double>(p))); }

std::array<double, 2> point(std::uint64_t seed, int k) {
    const auto uniform = [&](std::uint64_t j) {
        const std::uint64_t u = draw(seed, 1000 + 2 * static_cast<std::uint64_t>(k) + j);
        return -2.0 + 4.0 * static_cast<double>(u >> 11) * 0x1p-53;
    };
    return {uniform(0), uniform(1)};
}

void count_expression(run& r, const expression_info& info) {
    ++r.expressions;
    if (info.stateful) ++r.stateful;
    for (std::size_t k = 0; k != unary_count; ++k)
        if (info.unary_used >> k & 1) ++r.unary_expressions[k];
    for (std::size_t k = 0; k != binary_count; ++k)
        if (info.binary_used >> k & 1) ++r.binary_expressions[k];
}

namespace {
struct comparison {
    const char* what;
    double symbolic;
    long double reference;
    long double bound;
};
}  // namespace

bool check(run& r, const expression_info& info, const sample& s) {
    ++r.points;
    const auto skip = [&](skip_reason why) {
        ++r.skipped[why];
        return false;
    };
    if (!s.finite) return skip(domain);
    if (s.kink) return skip(kink);
    const reference rx = richardson(s.fd_x), ry = richardson(s.fd_y);
    const reference rxx = richardson(s.fd_xx), rxy = richardson(s.fd_xy), ryy = richardson(s.fd_yy);
    const comparison against_differences[] = {
        {"d/dx", s.fx, rx.value, rx.bound},        {"d/dy", s.fy, ry.value, ry.bound},
        {"d2/dx2", s.fxx, rxx.value, rxx.bound},   {"d2/dxdy", s.fxy, rxy.value, rxy.bound},
        {"d2/dy2", s.fyy, ryy.value, ryy.bound},
    };
    if (std::fabs(s.f) > large) return skip(big);
    for (const comparison& c : against_differences)
        if (std::fabs(c.reference) > large) return skip(big);
    for (const comparison& c : against_differences)
        if (c.bound > reference_bound * (1 + std::fabs(c.reference))) return skip(rough);

    ++r.checked;
    for (std::size_t k = 0; k != unary_count; ++k)
        if (info.unary_used >> k & 1) ++r.unary_points[k];
    for (std::size_t k = 0; k != binary_count; ++k)
        if (info.binary_used >> k & 1) ++r.binary_points[k];

    bool failed = false;
    for (const comparison& c : against_differences) {
        const double e = std::isfinite(c.symbolic) ? error(c.symbolic, c.reference) : INFINITY;
        if (e > r.max_error) {
            r.max_error = e;
            std::ostringstream where;
            where << c.what << " of expression " << info.index << " at x = " << s.p << ", y = " << s.q;
            r.max_error_at = where.str();
        }
        failed = failed || !(e <= tolerance);
    }
    const comparison modes[] = {
        {"grad x", s.gx, s.fx, 0},           {"grad y", s.gy, s.fy, 0},
        {"hessian (0, 0)", s.h[0][0], s.fxx, 0}, {"hessian (0, 1)", s.h[0][1], s.fxy, 0},
        {"hessian (1, 1)", s.h[1][1], s.fyy, 0},
    };
    for (const comparison& c : modes) {
        const double e = std::isfinite(c.symbolic) ? error(c.symbolic, c.reference) : INFINITY;
        r.max_modes_error = std::max(r.max_modes_error, e);
        failed = failed || !(e <= modes_tolerance);
    }
    failed = failed || !(s.h[1][0] == s.h[0][1]);
    if (failed) ++r.failed_points;
    return failed;
}

void report_failure(run& r, const expression_info& info, const sample& s, const formulas& text) {
    if (r.failed_points > printed_failures) return;
    const reference rx = richardson(s.fd_x), ry = richardson(s.fd_y);
    const reference rxx = richardson(s.fd_xx), rxy = richardson(s.fd_xy), ryy = richardson(s.fd_yy);
    auto& os = r.failures;
    os.precision(17);
    os << "FAILED: expression " << info.index << " (seed " << info.seed << (info.stateful ? ", with literals" : "")
       << ") at x = " << s.p << ", y = " << s.q << "\n"
       << "  f         = " << text.f << " = " << static_cast<double>(s.f) << "\n";
    const auto line = [&](const char* what, const std::string& formula, double symbolic, const reference& ref) {
        os << "  " << what << " = " << formula << "\n      symbolic " << symbolic << ", central difference "
           << static_cast<double>(ref.value) << " (+- " << static_cast<double>(ref.bound) << "), error "
           << error(symbolic, ref.value) << "\n";
    };
    line("d/dx     ", text.fx, s.fx, rx);
    line("d/dy     ", text.fy, s.fy, ry);
    line("d2/dx2   ", text.fxx, s.fxx, rxx);
    line("d2/dxdy  ", text.fxy, s.fxy, rxy);
    line("d2/dy2   ", text.fyy, s.fyy, ryy);
    os << "  grad      = [" << s.gx << ", " << s.gy << "] (forward [" << s.fx << ", " << s.fy << "])\n"
       << "  hessian   = [[" << s.h[0][0] << ", " << s.h[0][1] << "], [" << s.h[1][0] << ", " << s.h[1][1]
       << "]] (forward [[" << s.fxx << ", " << s.fxy << "], [" << s.fxy << ", " << s.fyy << "]])\n";
}

namespace {
std::vector<std::pair<std::size_t, slice_runner>>& slices() {
    static std::vector<std::pair<std::size_t, slice_runner>> all;
    return all;
}
}  // namespace

registration::registration(std::size_t first, slice_runner runner) { slices().emplace_back(first, runner); }

}  // namespace ctgrad_fuzz

int main() {
    using namespace ctgrad_fuzz;
    auto& all = slices();
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    run r;
    for (const auto& slice : all) slice.second(r);

    std::size_t skipped = 0;
    for (std::size_t n : r.skipped) skipped += n;
    const double skipped_fraction = r.points == 0 ? 1.0 : static_cast<double>(skipped) / static_cast<double>(r.points);

    std::cout << "derivative fuzz, seed " << CTGRAD_FUZZ_SEED << ": " << r.expressions << " expressions ("
              << r.stateful << " with runtime literals), " << r.points << " points, " << r.checked << " checked, "
              << skipped << " skipped (";
    for (int k = 0; k != reasons; ++k) std::cout << (k ? ", " : "") << reason_names[k] << " " << r.skipped[k];
    std::cout << "), " << r.failed_points << " failed\n"
              << "max error against differences " << r.max_error << " (tolerance " << tolerance << ", "
              << r.max_error_at << "); max error reverse against forward " << r.max_modes_error << " (tolerance "
              << modes_tolerance << ")\n";

    bool ok = r.failed_points == 0;
    std::cout << "points checked per operation (expressions using it):";
    const auto coverage = [&](const std::vector<std::string>& names, const std::vector<std::size_t>& points,
                              const std::vector<std::size_t>& expressions) {
        for (std::size_t k = 0; k != names.size(); ++k) {
            std::cout << (k % 8 == 0 ? "\n  " : "  ") << names[k] << " " << points[k] << " (" << expressions[k] << ")";
            ok = ok && points[k] != 0;
        }
    };
    coverage(names_of<unary_count>(unary_ops), r.unary_points, r.unary_expressions);
    coverage(names_of<binary_count>(binary_ops), r.binary_points, r.binary_expressions);
    std::cout << "\n";

    if (r.failed_points != 0) std::cout << r.failures.str();
    if (skipped_fraction > max_skipped_fraction) {
        std::cout << "FAILED: " << skipped_fraction * 100 << "% of the points were skipped (at most "
                  << max_skipped_fraction * 100 << "%)\n";
        ok = false;
    }
    for (std::size_t k = 0; k != r.unary_points.size(); ++k)
        if (r.unary_points[k] == 0) std::cout << "FAILED: no point checked an expression with " << names_of<unary_count>(unary_ops)[k] << "\n";
    for (std::size_t k = 0; k != r.binary_points.size(); ++k)
        if (r.binary_points[k] == 0) std::cout << "FAILED: no point checked an expression with " << names_of<binary_count>(binary_ops)[k] << "\n";
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
