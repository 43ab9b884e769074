// Accuracy of the constexpr math functions (ctgrad/core/math.hpp): each implementation, run at
// run time, against the standard function on a grid of its domain, in double and in float.
// Prints a markdown table: the largest distance in ulps from std::f in double and in float, and
// in double the largest error against std::f in long double (x87 extended, 64-bit mantissa),
// which tells the implementation's own error from the C library's.
//
//   g++ -std=c++20 -O2 -Iinclude bench/constexpr_accuracy.cpp -o constexpr_accuracy && ./constexpr_accuracy
#include <ctgrad/core/math.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace cm = ctgrad::math::detail;

/// A deterministic generator (splitmix64).
struct random_bits {
    std::uint64_t state = 0x9e3779b97f4a7c15ull;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1p-53; }
};

/// Points of [a, b]: n evenly spaced and n uniformly random.
void linear(std::vector<double>& out, double a, double b, int n, random_bits& g) {
    for (int i = 0; i != n; ++i) out.push_back(a + (b - a) * i / (n - 1));
    for (int i = 0; i != n; ++i) out.push_back(a + (b - a) * g.uniform());
}
/// 2n points with magnitudes log-uniform in [lo, hi], both signs if `both`.
void logarithmic(std::vector<double>& out, double lo, double hi, int n, bool both, random_bits& g) {
    const double la = std::log2(lo), lb = std::log2(hi);
    for (int i = 0; i != 2 * n; ++i) {
        double v = std::exp2(la + (lb - la) * (i < n ? static_cast<double>(i) / (n - 1) : g.uniform()));
        v = std::clamp(v, lo, hi);
        out.push_back(both && (g.next() & 1) ? -v : v);
    }
}

/// Distance in representable numbers; 0 for two nans, a huge number for one.
template <class T>
std::uint64_t ulps(T a, T b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : ~std::uint64_t(0) >> 1;
    if (a == 0 && b == 0) return std::signbit(a) == std::signbit(b) ? 0 : ~std::uint64_t(0) >> 1;
    using I = std::conditional_t<sizeof(T) == 8, std::int64_t, std::int32_t>;
    const auto ordered = [](T v) -> std::int64_t {
        const I i = std::bit_cast<I>(v);
        return i < 0 ? static_cast<std::int64_t>(std::numeric_limits<I>::min()) - i : static_cast<std::int64_t>(i);
    };
    const std::int64_t d = ordered(a) - ordered(b);
    return static_cast<std::uint64_t>(d < 0 ? -d : d);
}

/// The error of v in ulps of v against the reference r (long double).
double error_against(double v, long double r) {
    if (std::isnan(v) || std::isnan(r)) return std::isnan(v) && std::isnan(r) ? 0 : 1e300;
    if (v == static_cast<double>(r) && (std::isinf(v) || v == 0)) return 0;
    if (std::isinf(v)) return 1e300;
    const double a = std::abs(v);
    const int e = a < 0x1p-1022 ? -1022 : std::ilogb(a);
    const long double ulp = std::ldexp(1.0L, std::max(e, -1022) - 52);
    return static_cast<double>(std::abs(static_cast<long double>(v) - r) / ulp);
}

struct unary {
    const char* name;
    const char* domain;
    std::function<void(std::vector<double>&, bool, random_bits&)> points;  // bool: float
    double (*impl_d)(double);
    float (*impl_f)(float);
    double (*std_d)(double);
    float (*std_f)(float);
    long double (*std_l)(long double);
};

struct binary {
    const char* name;
    const char* domain;
    std::function<void(std::vector<std::pair<double, double>>&, bool, random_bits&)> points;
    double (*impl_d)(double, double);
    float (*impl_f)(float, float);
    double (*std_d)(double, double);
    float (*std_f)(float, float);
    long double (*std_l)(long double, long double);
};

#define UNARY(f) \
    [](double x) { return cm::f##_impl(x); }, [](float x) { return cm::f##_impl(x); }, \
        [](double x) { return std::f(x); }, [](float x) { return std::f(x); }, [](long double x) { return std::f(x); }
#define BINARY(f) \
    [](double x, double y) { return cm::f##_impl(x, y); }, [](float x, float y) { return cm::f##_impl(x, y); }, \
        [](double x, double y) { return std::f(x, y); }, [](float x, float y) { return std::f(x, y); }, \
        [](long double x, long double y) { return std::f(x, y); }

constexpr double dmin = 0x1p-1074;
constexpr double dmax = std::numeric_limits<double>::max();
constexpr double fmin = 0x1p-149;
constexpr double fmax = std::numeric_limits<float>::max();

/// Special arguments every function sees.
void specials(std::vector<double>& v) {
    const double inf = std::numeric_limits<double>::infinity();
    for (double s : {0.0, -0.0, inf, -inf, std::numeric_limits<double>::quiet_NaN(), 1.0, -1.0, 0.5, -0.5, 2.0, -2.0})
        v.push_back(s);
}

/// Nearest doubles to k pi/2 and their neighbours: the hard cases of the argument reduction.
void near_pi_2(std::vector<double>& v, bool f, random_bits& g) {
    for (int k = 1; k <= 600; ++k) {
        const long double t = k * 1.57079632679489661923132169163975144L;
        v.push_back(f ? static_cast<float>(t) : static_cast<double>(t));
    }
    for (int i = 0; i != 400; ++i) {
        const long double k = std::floor(g.uniform() * (f ? 1e5 : 1e9));
        const long double t = k * 1.57079632679489661923132169163975144L;
        v.push_back(f ? static_cast<float>(t) : static_cast<double>(t));
    }
}

const std::vector<unary>& unaries() {
    static const std::vector<unary> table = {
        {"exp", "[-746, 710] (float [-104, 89]), +-[2^-1074, 1]",
         [](auto& v, bool f, auto& g) {
             linear(v, f ? -104 : -746, f ? 89 : 710, 3000, g);
             logarithmic(v, f ? fmin : dmin, 1, 1000, true, g);
         },
         UNARY(exp)},
        {"expm1", "[-50, 710] (float [-20, 89]), +-[2^-1074, 1]",
         [](auto& v, bool f, auto& g) {
             linear(v, f ? -20 : -50, f ? 89 : 710, 2000, g);
             linear(v, -1, 1, 1000, g);
             logarithmic(v, f ? fmin : dmin, 1, 1000, true, g);
         },
         UNARY(expm1)},
        {"log", "(0, max] log-uniform, [0.5, 2]",
         [](auto& v, bool f, auto& g) {
             logarithmic(v, f ? fmin : dmin, f ? fmax : dmax, 3000, false, g);
             linear(v, 0.5, 2, 1000, g);
         },
         UNARY(log)},
        {"log1p", "(-1, max]: [-1, 2], +-[2^-1074, 1], [1, max]",
         [](auto& v, bool f, auto& g) {
             linear(v, -0.999999, 2, 1500, g);
             logarithmic(v, f ? fmin : dmin, 1, 1000, true, g);
             logarithmic(v, 1, f ? fmax : dmax, 1000, false, g);
             for (int k = 1; k != (f ? 24 : 53); ++k) v.push_back(-1 + std::ldexp(1.0, -k));
         },
         UNARY(log1p)},
        {"log2", "(0, max] log-uniform, [0.5, 2]",
         [](auto& v, bool f, auto& g) {
             logarithmic(v, f ? fmin : dmin, f ? fmax : dmax, 3000, false, g);
             linear(v, 0.5, 2, 1000, g);
         },
         UNARY(log2)},
        {"log10", "(0, max] log-uniform, [0.5, 2]",
         [](auto& v, bool f, auto& g) {
             logarithmic(v, f ? fmin : dmin, f ? fmax : dmax, 3000, false, g);
             linear(v, 0.5, 2, 1000, g);
             for (int k = -300; k <= 300; ++k) v.push_back(std::pow(10.0, k));
         },
         UNARY(log10)},
        {"sqrt", "[0, max] log-uniform, [0, 4]",
         [](auto& v, bool f, auto& g) {
             logarithmic(v, f ? fmin : dmin, f ? fmax : dmax, 3000, false, g);
             linear(v, 0, 4, 1000, g);
         },
         UNARY(sqrt)},
        {"cbrt", "+-[2^-1074, max] log-uniform, [-8, 8]",
         [](auto& v, bool f, auto& g) {
             logarithmic(v, f ? fmin : dmin, f ? fmax : dmax, 3000, true, g);
             linear(v, -8, 8, 1000, g);
         },
         UNARY(cbrt)},
        {"sin", "[-10, 10], [-1e5, 1e5], +-[2^-1074, max], near k pi/2",
         [](auto& v, bool f, auto& g) {
             linear(v, -10, 10, 1000, g);
             linear(v, -1e5, 1e5, 1000, g);
             logarithmic(v, f ? fmin : dmin, f ? fmax : dmax, 1500, true, g);
             near_pi_2(v, f, g);
         },
         UNARY(sin)},
        {"cos", "[-10, 10], [-1e5, 1e5], +-[2^-1074, max], near k pi/2",
         [](auto& v, bool f, auto& g) {
             linear(v, -10, 10, 1000, g);
             linear(v, -1e5, 1e5, 1000, g);
             logarithmic(v, f ? fmin : dmin, f ? fmax : dmax, 1500, true, g);
             near_pi_2(v, f, g);
         },
         UNARY(cos)},
        {"tan", "[-10, 10], [-1e5, 1e5], +-[2^-1074, max], near k pi/2",
         [](auto& v, bool f, auto& g) {
             linear(v, -10, 10, 1000, g);
             linear(v, -1e5, 1e5, 1000, g);
             logarithmic(v, f ? fmin : dmin, f ? fmax : dmax, 1500, true, g);
             near_pi_2(v, f, g);
         },
         UNARY(tan)},
        {"asin", "[-1, 1], +-[2^-1074, 1], 1 - 2^-k",
         [](auto& v, bool f, auto& g) {
             linear(v, -1, 1, 2000, g);
             logarithmic(v, f ? fmin : dmin, 1, 1000, true, g);
             for (int k = 1; k != (f ? 25 : 54); ++k) v.push_back(1 - std::ldexp(1.0, -k)), v.push_back(-1 + std::ldexp(1.0, -k));
         },
         UNARY(asin)},
        {"acos", "[-1, 1], +-[2^-1074, 1], 1 - 2^-k",
         [](auto& v, bool f, auto& g) {
             linear(v, -1, 1, 2000, g);
             logarithmic(v, f ? fmin : dmin, 1, 1000, true, g);
             for (int k = 1; k != (f ? 25 : 54); ++k) v.push_back(1 - std::ldexp(1.0, -k)), v.push_back(-1 + std::ldexp(1.0, -k));
         },
         UNARY(acos)},
        {"atan", "+-[2^-1074, max] log-uniform, [-10, 10]",
         [](auto& v, bool f, auto& g) {
             logarithmic(v, f ? fmin : dmin, f ? fmax : dmax, 2000, true, g);
             linear(v, -10, 10, 1000, g);
         },
         UNARY(atan)},
        {"sinh", "[-711, 711] (float [-90, 90]), +-[2^-1074, 1]",
         [](auto& v, bool f, auto& g) {
             linear(v, f ? -90 : -711, f ? 90 : 711, 2000, g);
             linear(v, -2, 2, 500, g);
             logarithmic(v, f ? fmin : dmin, 1, 1000, true, g);
         },
         UNARY(sinh)},
        {"cosh", "[-711, 711] (float [-90, 90]), +-[2^-1074, 1]",
         [](auto& v, bool f, auto& g) {
             linear(v, f ? -90 : -711, f ? 90 : 711, 2000, g);
             linear(v, -2, 2, 500, g);
             logarithmic(v, f ? fmin : dmin, 1, 1000, true, g);
         },
         UNARY(cosh)},
        {"tanh", "[-25, 25], +-[2^-1074, 1]",
         [](auto& v, bool f, auto& g) {
             linear(v, -25, 25, 2000, g);
             logarithmic(v, f ? fmin : dmin, 1, 1500, true, g);
         },
         UNARY(tanh)},
        {"asinh", "+-[2^-1074, max] log-uniform, [-10, 10]",
         [](auto& v, bool f, auto& g) {
             logarithmic(v, f ? fmin : dmin, f ? fmax : dmax, 2000, true, g);
             linear(v, -10, 10, 1000, g);
         },
         UNARY(asinh)},
        {"acosh", "[1, max]: 1 + [2^-52, 1] log-uniform, [1, 10], [1, max]",
         [](auto& v, bool f, auto& g) {
             std::vector<double> t;
             logarithmic(t, f ? 0x1p-23 : 0x1p-52, 1, 1000, false, g);
             for (double d : t) v.push_back(1 + d);
             linear(v, 1, 10, 1000, g);
             logarithmic(v, 1, f ? fmax : dmax, 1000, false, g);
         },
         UNARY(acosh)},
        {"atanh", "(-1, 1), +-[2^-1074, 1], 1 - 2^-k",
         [](auto& v, bool f, auto& g) {
             linear(v, -1, 1, 2000, g);
             logarithmic(v, f ? fmin : dmin, 1, 1000, true, g);
             for (int k = 1; k != (f ? 25 : 54); ++k) v.push_back(1 - std::ldexp(1.0, -k)), v.push_back(-1 + std::ldexp(1.0, -k));
         },
         UNARY(atanh)},
        {"erf", "[-7, 7], +-[2^-1074, 1]",
         [](auto& v, bool f, auto& g) {
             linear(v, -7, 7, 2500, g);
             logarithmic(v, f ? fmin : dmin, 1, 1000, true, g);
         },
         UNARY(erf)},
        {"erfc", "[-7, 28] (float [-7, 11]), +-[2^-1074, 1]",
         [](auto& v, bool f, auto& g) {
             linear(v, -7, f ? 11 : 28, 2500, g);
             linear(v, 3, 5, 500, g);
             logarithmic(v, f ? fmin : dmin, 1, 500, true, g);
         },
         UNARY(erfc)},
    };
    return table;
}

const std::vector<binary>& binaries() {
    static const std::vector<binary> table = {
        {"pow", "x in [2^-1074, max] log-uniform, y in [-800, 800] scaled to the range; x < 0 with integer y; x near 1",
         [](auto& v, bool f, auto& g) {
             const double lmin = f ? -149 : -1074, lmax = f ? 128 : 1024;
             for (int i = 0; i != 4000; ++i) {
                 const double lx = lmin + (lmax - lmin) * g.uniform();
                 const double x = std::exp2(lx);
                 // y with |y log2 x| up to a little beyond the range of results
                 const double ly = (g.uniform() * 2 - 1) * (lmax + 30) / std::max(std::abs(lx), 1.0);
                 v.push_back({x, ly});
             }
             for (int i = 0; i != 1000; ++i) {  // negative bases, integer exponents
                 const double x = -std::exp2((g.uniform() * 2 - 1) * (f ? 10 : 60));
                 v.push_back({x, std::floor((g.uniform() * 2 - 1) * (f ? 12 : 40))});
             }
             for (int i = 0; i != 1000; ++i) {  // x near 1, large y
                 const double x = 1 + (g.uniform() * 2 - 1) * (f ? 1e-3 : 1e-9);
                 v.push_back({x, (g.uniform() * 2 - 1) * (f ? 5e4 : 5e11)});
             }
             for (int i = 0; i != 1000; ++i) v.push_back({g.uniform() * 10, (g.uniform() * 2 - 1) * 10});
         },
         BINARY(pow)},
        {"atan2", "y, x in +-[2^-1074, max] log-uniform; both in [-10, 10]",
         [](auto& v, bool f, auto& g) {
             std::vector<double> a, b;
             logarithmic(a, f ? fmin : dmin, f ? fmax : dmax, 2500, true, g);
             logarithmic(b, f ? fmin : dmin, f ? fmax : dmax, 2500, true, g);
             for (std::size_t i = 0; i != a.size(); ++i) v.push_back({a[i], b[i]});
             for (int i = 0; i != 3000; ++i) v.push_back({(g.uniform() * 2 - 1) * 10, (g.uniform() * 2 - 1) * 10});
         },
         BINARY(atan2)},
        {"hypot", "x, y in +-[2^-1074, max] log-uniform; ratios 2^-70 .. 1",
         [](auto& v, bool f, auto& g) {
             std::vector<double> a, b;
             logarithmic(a, f ? fmin : dmin, f ? fmax : dmax, 2500, true, g);
             logarithmic(b, f ? fmin : dmin, f ? fmax : dmax, 2500, true, g);
             for (std::size_t i = 0; i != a.size(); ++i) v.push_back({a[i], b[i]});
             for (int i = 0; i != 3000; ++i) {
                 const double x = std::exp2((g.uniform() * 2 - 1) * (f ? 120 : 1000));
                 v.push_back({x, x * std::exp2(-70 * g.uniform())});
             }
         },
         BINARY(hypot)},
    };
    return table;
}

std::string show(double x) {
    char b[40];
    std::snprintf(b, sizeof b, "%a", x);
    return b;
}
std::string show(double x, double y) { return show(x) + ", " + show(y); }

struct row {
    std::string name, domain;
    std::size_t points_d = 0, points_f = 0;
    std::uint64_t worst_d = 0, worst_f = 0;
    double worst_ref = 0;
    std::string arg_d, arg_f, arg_ref;  // where
};

void print(const std::vector<row>& rows) {
    std::printf("| function | domain tested | points (double / float) | max ulp, double | max ulp, float | "
                "max error, double, against long double (ulp) |\n");
    std::printf("| --- | --- | ---: | ---: | ---: | ---: |\n");
    for (const row& r : rows)
        std::printf("| %s | %s | %zu / %zu | %llu | %llu | %.2f |\n", r.name.c_str(), r.domain.c_str(), r.points_d, r.points_f,
                    static_cast<unsigned long long>(r.worst_d), static_cast<unsigned long long>(r.worst_f), r.worst_ref);
    std::printf("\nWorst arguments (double, float, against long double):\n\n");
    for (const row& r : rows) std::printf("- %s: %s; %s; %s\n", r.name.c_str(), r.arg_d.c_str(), r.arg_f.c_str(), r.arg_ref.c_str());
}

}  // namespace

int main() {
    std::vector<row> rows;
    for (const unary& u : unaries()) {
        row r;
        r.name = u.name;
        r.domain = u.domain;
        random_bits g;
        std::vector<double> xs;
        specials(xs);
        u.points(xs, false, g);
        for (double x : xs) {
            const double v = u.impl_d(x);
            const std::uint64_t d = ulps(v, u.std_d(x));
            if (d > r.worst_d) r.worst_d = d, r.arg_d = show(x);
            const double e = error_against(v, u.std_l(x));
            if (e > r.worst_ref) r.worst_ref = e, r.arg_ref = show(x);
        }
        r.points_d = xs.size();
        std::vector<double> fs;
        specials(fs);
        u.points(fs, true, g);
        for (double x : fs) {
            const float xf = static_cast<float>(x);
            const std::uint64_t d = ulps(u.impl_f(xf), u.std_f(xf));
            if (d > r.worst_f) r.worst_f = d, r.arg_f = show(xf);
        }
        r.points_f = fs.size();
        rows.push_back(r);
    }
    for (const binary& b : binaries()) {
        row r;
        r.name = b.name;
        r.domain = b.domain;
        random_bits g;
        std::vector<std::pair<double, double>> ps;
        std::vector<double> s;
        specials(s);
        for (double x : s)
            for (double y : s) ps.push_back({x, y});
        std::vector<std::pair<double, double>> fs = ps;
        b.points(ps, false, g);
        for (auto [x, y] : ps) {
            const double v = b.impl_d(x, y);
            const std::uint64_t d = ulps(v, b.std_d(x, y));
            if (d > r.worst_d) r.worst_d = d, r.arg_d = show(x, y);
            const double e = error_against(v, b.std_l(x, y));
            if (e > r.worst_ref) r.worst_ref = e, r.arg_ref = show(x, y);
        }
        r.points_d = ps.size();
        b.points(fs, true, g);
        for (auto [x, y] : fs) {
            const float xf = static_cast<float>(x), yf = static_cast<float>(y);
            const std::uint64_t d = ulps(b.impl_f(xf, yf), b.std_f(xf, yf));
            if (d > r.worst_f) r.worst_f = d, r.arg_f = show(xf, yf);
        }
        r.points_f = fs.size();
        rows.push_back(r);
    }
    print(rows);
}
