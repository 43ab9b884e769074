// Constexpr elementary functions: the <cmath> functions, usable in constant expressions.
//
// math::f(x) is std::f(x) at run time (the same call, so the same value, speed and
// vectorisation) and, in constant evaluation, detail::f_impl(x): a portable implementation that
// g++ and clang++ both evaluate. Provided for every std::floating_point T:
//   exp, expm1, log, log1p, log2, log10, sqrt, cbrt, sin, cos, tan, asin, acos, atan,
//   sinh, cosh, tanh, asinh, acosh, atanh, erf, erfc;   pow(x, y), atan2(y, x), hypot(x, y).
//
// The implementations compute in double-double: a number is an unevaluated sum hi + lo of two
// doubles (about 106 bits), with error-free sums (Knuth's two_sum) and products (Dekker's
// two_prod, Veltkamp's split), and round hi + lo to double once, at the end. So each value is
// within 1 ulp of the exact result in double, whatever the argument, subnormals included (on
// millions of arguments it was the correctly rounded one every time, as far as long double can
// tell); sqrt is correctly rounded by an exact test. float evaluates in double and rounds once
// more; long double too,
// so in constant evaluation a long double result has double's accuracy, and a long double
// argument is rounded to double (beyond double's range it becomes +-inf, below it 0).
// Measured against the run-time functions: bench/constexpr_accuracy.cpp.
//
// Methods (x the argument, every step in double-double):
//   exp     x = k ln2 + r, |r| <= ln2/2; r / 2^j with |r / 2^j| < 2^-12, expm1 of it by its
//           Taylor series (9 terms), then j times expm1(2t) = expm1(t) (expm1(t) + 2), and the
//           result exp(r) * 2^k rounded once (also to a subnormal). expm1: the same without 1.
//   log     x = 2^e (1 + f) with sqrt(1/2) <= 1 + f < sqrt(2); log(1 + f) = 2 atanh(s),
//           s = f / (2 + f), |s| < 0.172, by its series (22 terms), plus e ln2. log1p, log2,
//           log10 reuse it (log1p takes f = x directly when 1 + x is in that range).
//   sqrt    a Newton step in double-double from a double estimate; cbrt the same on x / 2^(3j).
//   sin cos x = q pi/2 + r, |r| <= pi/4, then Taylor series of sin r and cos r (15 terms).
//           For |x| < 2^20 the reduction is Cody-Waite with pi/2 in four parts (fdlibm's:
//           31, 32, 28 and 53 bits, 160 bits in all, each k * part exact); beyond, Payne-Hanek:
//           the mantissa times a window of 256 bits of 2/pi (integer arithmetic), so r is known
//           to within 2^-170 for every finite double. No range of arguments loses accuracy.
//           tan = sin r / cos r (or -cos r / sin r).
//   atan    t > 1 goes to pi/2 - atan(1/t); three halvings atan t = 2 atan(t / (1 +
//           sqrt(1 + t^2))) bring t below 0.1, then its series (18 terms). asin x =
//           atan(x / sqrt((1 - x)(1 + x))), acos x = 2 atan(sqrt((1 - x) / (1 + x))); atan2
//           from atan(|y| / |x|) by quadrant.
//   hyperbolic  sinh = (t + t / (t + 1)) / 2, cosh = (e + 1 / e) / 2, tanh = t / (t + 2) with
//           t = expm1(|x|) (expm1(2|x|) for tanh), e = exp(|x|); asinh = log1p(a + a^2 / (1 +
//           sqrt(1 + a^2))), acosh = log1p(t + sqrt(t (t + 2))) with t = x - 1, atanh = log1p(2a
//           / (1 - a)) / 2; for huge a, log(a) + ln2.
//   erf     for |x| < 4, erf x = 2/sqrt(pi) x e^(-x^2) sum (2x^2)^n / (1 3 5 ... (2n + 1)) (all
//           terms positive); erfc = 1 - erf there. For x >= 4, Laplace's continued fraction
//           erfc x = e^(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...)))),
//           80 levels evaluated from the bottom, and erf = 1 - erfc.
//   pow     exp(y log x) with log x in double-double, and C's special cases (pow(x, 0) = 1,
//           pow(1, y) = 1, odd integer powers of negative numbers and of -0, +-inf).
// Special values follow the C standard (Annex F): nan propagates, a domain error gives nan
// (log(-1), asin(2)), a pole gives +-inf (log(0), atanh(1)), overflow gives +-inf and
// underflow a subnormal or 0; signs of zero are kept (sin(-0) = -0).
//
// At run time the implementations are the same code (the unit tests call them), except that a
// target with a fused multiply-add takes its exact product with std::fma: a compiler that
// contracts a * b + c there could break Veltkamp's split. No constant evaluation produces an
// infinity or a nan by arithmetic (g++ rejects an overflow, clang++ a nan): those results are
// returned as constants. A call costs clang++ a few thousand constexpr steps (erf and erfc near
// 4 about 16 000), of the 1 048 576 that its -fconstexpr-steps allows one constant expression.
#ifndef CTGRAD_CORE_MATH_HPP
#define CTGRAD_CORE_MATH_HPP

#include <bit>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace ctgrad::math {
namespace detail {

inline constexpr double inf = std::numeric_limits<double>::infinity();
inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

constexpr bool is_nan(double x) { return x != x; }
constexpr bool is_inf(double x) { return x == inf || x == -inf; }
constexpr bool sign_bit(double x) { return (std::bit_cast<std::uint64_t>(x) >> 63) != 0; }
constexpr double abs(double x) { return sign_bit(x) ? -x : x; }
constexpr double copy_sign(double x, double s) { return sign_bit(x) != sign_bit(s) ? -x : x; }

/// 2^k for -1022 <= k <= 1023, from its bits.
constexpr double pow2(int k) { return std::bit_cast<double>(static_cast<std::uint64_t>(k + 1023) << 52); }

/// v 2^k, exact when the result is a normal double or zero (steps of at most 2^1022).
constexpr double mul_pow2(double v, int k) {
    while (k > 1023) {
        v *= 0x1p1023;
        k -= 1023;
    }
    while (k < -1022) {
        v *= 0x1p-1022;
        k += 1022;
    }
    return v * pow2(k);
}

/// |x| = m 2^e with 1 <= m < 2, for a finite nonzero x (subnormals included).
struct decomposed {
    double m;
    int e;
};
constexpr decomposed decompose(double x) {
    int shift = 0;
    if (abs(x) < 0x1p-1022) {
        x *= 0x1p54;
        shift = 54;
    }
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
    const int e = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
    const double m = std::bit_cast<double>((bits & 0x800fffffffffffffull) | 0x3ff0000000000000ull);
    return {abs(m), e - shift};
}

/// The integer nearest v (ties away from zero), for |v| < 2^52.
constexpr double nearest(double v) { return static_cast<double>(static_cast<long long>(v < 0 ? v - 0.5 : v + 0.5)); }

/// Whether y is an integer, and an odd one (y finite).
constexpr bool is_integer(double y) {
    return abs(y) >= 0x1p52 || static_cast<double>(static_cast<long long>(y)) == y;
}
constexpr bool is_odd_integer(double y) {
    return abs(y) < 0x1p53 && is_integer(y) && (static_cast<long long>(y) & 1) != 0;
}

// ---- double-double arithmetic -------------------------------------------------------------

/// hi + lo with |lo| <= ulp(hi) / 2 after every operation below.
struct dd {
    double hi;
    double lo;
};

/// a + b = s + e exactly (Knuth).
constexpr dd two_sum(double a, double b) {
    const double s = a + b;
    const double bb = s - a;
    return {s, (a - (s - bb)) + (b - bb)};
}
/// a + b = s + e exactly, for |a| >= |b| (Dekker).
constexpr dd fast_two_sum(double a, double b) {
    const double s = a + b;
    return {s, b - (s - a)};
}
/// a = hi + lo with 26-bit halves (Veltkamp); huge a is scaled so that 2^27 a does not overflow.
constexpr dd split(double a) {
    if (a > 0x1p995 || a < -0x1p995) {
        const dd s = split(a * 0x1p-28);
        return {s.hi * 0x1p28, s.lo * 0x1p28};
    }
    const double t = 134217729.0 * a;
    const double hi = t - (t - a);
    return {hi, a - hi};
}
/// a b = p + e exactly (Dekker), or by std::fma at run time where it is a hardware instruction.
constexpr dd two_prod(double a, double b) {
    if (!std::is_constant_evaluated()) {
#if defined(__FMA__) || defined(FP_FAST_FMA) || defined(__FP_FAST_FMA)
        const double p = a * b;
        return {p, std::fma(a, b, -p)};
#endif
    }
    const double p = a * b;
    const dd as = split(a);
    const dd bs = split(b);
    return {p, ((as.hi * bs.hi - p) + as.hi * bs.lo + as.lo * bs.hi) + as.lo * bs.lo};
}

constexpr dd neg(dd a) { return {-a.hi, -a.lo}; }
constexpr dd add(dd a, dd b) {
    dd s = two_sum(a.hi, b.hi);
    const dd t = two_sum(a.lo, b.lo);
    s.lo += t.hi;
    s = fast_two_sum(s.hi, s.lo);
    s.lo += t.lo;
    return fast_two_sum(s.hi, s.lo);
}
constexpr dd add(dd a, double b) {
    dd s = two_sum(a.hi, b);
    s.lo += a.lo;
    return fast_two_sum(s.hi, s.lo);
}
constexpr dd sub(dd a, dd b) { return add(a, neg(b)); }
constexpr dd sub(dd a, double b) { return add(a, -b); }
constexpr dd mul(dd a, dd b) {
    dd p = two_prod(a.hi, b.hi);
    p.lo += a.hi * b.lo + a.lo * b.hi;
    return fast_two_sum(p.hi, p.lo);
}
constexpr dd mul(dd a, double b) {
    dd p = two_prod(a.hi, b);
    p.lo += a.lo * b;
    return fast_two_sum(p.hi, p.lo);
}
constexpr dd sqr(dd a) { return mul(a, a); }
/// a / b: three quotient digits, each from the remainder of the previous ones.
constexpr dd div(dd a, dd b) {
    const double q1 = a.hi / b.hi;
    dd r = sub(a, mul(b, q1));
    const double q2 = r.hi / b.hi;
    r = sub(r, mul(b, q2));
    const double q3 = r.hi / b.hi;
    return add(fast_two_sum(q1, q2), q3);
}
constexpr dd div(dd a, double b) { return div(a, dd{b, 0.0}); }
/// a 2^k for a moderate k (both halves stay normal).
constexpr dd mul_pow2(dd a, int k) { return {mul_pow2(a.hi, k), mul_pow2(a.lo, k)}; }

/// (hi + lo) 2^k rounded once to double: to a subnormal or to 0 below 2^-1022, +-inf above
/// the largest double.
constexpr double round_scaled(dd m, int k) {
    if (m.hi == 0) return m.hi;
    const int big_e = decompose(m.hi).e + k;
    if (big_e > 1023) return m.hi < 0 ? -inf : inf;
    if (big_e >= -1022) return mul_pow2(m.hi, k);
    if (big_e < -1076) return m.hi < 0 ? -0.0 : 0.0;
    // A multiple of 2^-1074: n = |m| / u with u = 2^-1074 in m's scale, rounded to nearest even.
    const int u = -1074 - k;
    const double n_hi = mul_pow2(abs(m.hi), -u);
    const double n_lo = mul_pow2(m.hi < 0 ? -m.lo : m.lo, -u);
    long long n = static_cast<long long>(n_hi);
    const double frac = (n_hi - static_cast<double>(n)) + n_lo;
    if (frac > 0.5 || (frac == 0.5 && (n & 1) != 0)) ++n;
    else if (frac < -0.5) --n;
    const double v = static_cast<double>(n) * 0x1p-52 * 0x1p-1022;
    return m.hi < 0 ? -v : v;
}

// ---- constants ---------------------------------------------------------------------------

inline constexpr dd pi{0x1.921fb54442d18p+1, 0x1.1a62633145c07p-53};
inline constexpr dd pi_2{0x1.921fb54442d18p+0, 0x1.1a62633145c07p-54};
inline constexpr dd pi_4{0x1.921fb54442d18p-1, 0x1.1a62633145c07p-55};
inline constexpr dd pi_3_4{0x1.2d97c7f3321d2p+1, 0x1.a79394c9e8a0ap-54};
inline constexpr dd ln2{0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56};
inline constexpr dd inv_ln2{0x1.71547652b82fep+0, 0x1.777d0ffda0d24p-56};
inline constexpr dd inv_ln10{0x1.bcb7b1526e50ep-2, 0x1.95355baaafad3p-57};
inline constexpr dd log10_2{0x1.34413509f79ffp-2, -0x1.9dc1da994fd21p-59};
inline constexpr dd two_over_sqrt_pi{0x1.20dd750429b6dp+0, 0x1.1ae3a914fed80p-56};
inline constexpr dd inv_sqrt_pi{0x1.20dd750429b6dp-1, 0x1.1ae3a914fed80p-57};
inline constexpr double sqrt2 = 0x1.6a09e667f3bcdp+0;

/// Series coefficients, computed once in double-double.
template <int N>
struct dd_table {
    dd v[N];
};
/// 1 / n! for n = 0 .. 29.
inline constexpr dd_table<30> inv_factorial = [] {
    dd_table<30> t{};
    t.v[0] = {1.0, 0.0};
    for (int n = 1; n != 30; ++n) t.v[n] = div(t.v[n - 1], static_cast<double>(n));
    return t;
}();
/// 1 / (2n + 1) for n = 0 .. 21, for the series of atanh.
inline constexpr dd_table<22> inv_odd = [] {
    dd_table<22> t{};
    for (int n = 0; n != 22; ++n) t.v[n] = div(dd{1.0, 0.0}, static_cast<double>(2 * n + 1));
    return t;
}();

// ---- exp, expm1 ----------------------------------------------------------------------------

/// expm1(r) for |r| <= about 0.36, to a relative 2^-100.
constexpr dd expm1_small(dd r) {
    int halvings = 0;
    while (abs(r.hi) > 0x1p-12) {
        r = {r.hi * 0.5, r.lo * 0.5};
        ++halvings;
    }
    // r (1 + r/2! + ... + r^8/9!)
    dd p = inv_factorial.v[9];
    for (int n = 8; n != 0; --n) p = add(mul(p, r), inv_factorial.v[n]);
    dd t = mul(p, r);
    for (int i = 0; i != halvings; ++i) t = mul(t, add(t, 2.0));
    return t;
}

/// exp(x) = m 2^k with m in [0.7, 1.5], for |x| <= 800.
struct scaled {
    dd m;
    int k;
};
constexpr scaled exp_scaled(dd x) {
    const double kd = nearest(x.hi * inv_ln2.hi);
    const dd r = sub(x, mul(ln2, kd));
    return {add(expm1_small(r), 1.0), static_cast<int>(kd)};
}

/// expm1(x) for x <= 709.
constexpr dd expm1_dd(dd x) {
    if (abs(x.hi) <= 0.35) return expm1_small(x);
    const scaled e = exp_scaled(x);
    return sub(mul_pow2(e.m, e.k), 1.0);
}

constexpr double exp_double(double x) {
    if (is_nan(x)) return x;
    if (x > 710) return inf;
    if (x < -746) return 0.0;
    const scaled e = exp_scaled({x, 0.0});
    return round_scaled(e.m, e.k);
}

constexpr double expm1_double(double x) {
    if (is_nan(x)) return x;
    if (x > 710) return inf;
    if (x < -40) return -1.0;  // expm1(-40) = -1 + 4e-18
    if (abs(x) < 0x1p-54) return x;
    if (x > 709) return exp_double(x);  // exp(x) - 1 rounds to exp(x)
    return expm1_dd({x, 0.0}).hi;
}

// ---- log, log1p, log2, log10 ---------------------------------------------------------------

/// log(1 + f) for sqrt(1/2) - 1 <= f <= sqrt(2) - 1: 2 atanh(s), s = f / (2 + f).
constexpr dd log1p_kernel(dd f) {
    const dd s = div(f, add(f, 2.0));
    const dd s2 = sqr(s);
    dd p = inv_odd.v[21];
    for (int n = 20; n >= 0; --n) p = add(mul(p, s2), inv_odd.v[n]);
    return mul(mul(p, s), 2.0);
}

/// x = 2^e (1 + f) with sqrt(1/2) <= 1 + f < sqrt(2), for a finite x > 0.
struct log_parts {
    int e;
    dd f;
};
constexpr log_parts split_log(dd x) {
    const decomposed d = decompose(x.hi);
    dd m{d.m, mul_pow2(x.lo, -d.e)};
    int e = d.e;
    if (m.hi > sqrt2) {
        m = {m.hi * 0.5, m.lo * 0.5};
        ++e;
    }
    return {e, sub(m, 1.0)};
}

/// log(x) for a finite x > 0.
constexpr dd log_dd(dd x) {
    const log_parts p = split_log(x);
    return add(mul(ln2, static_cast<double>(p.e)), log1p_kernel(p.f));
}

/// log(1 + u) for u > -1.
constexpr dd log1p_dd(dd u) {
    if (u.hi >= sqrt2 * 0.5 - 1 && u.hi <= sqrt2 - 1) return log1p_kernel(u);
    return log_dd(add(u, 1.0));
}

/// The special values of log, log2 and log10: nan, x < 0, 0, +inf; 1 when x is ordinary.
constexpr double log_special(double x) {
    if (is_nan(x)) return x;
    if (x < 0) return nan;
    if (x == 0) return -inf;
    if (x == inf) return inf;
    return 1.0;
}

constexpr double log_double(double x) {
    if (const double s = log_special(x); s != 1.0) return s;
    return log_dd({x, 0.0}).hi;
}

constexpr double log2_double(double x) {
    if (const double s = log_special(x); s != 1.0) return s;
    const log_parts p = split_log({x, 0.0});
    return add(mul(log1p_kernel(p.f), inv_ln2), static_cast<double>(p.e)).hi;
}

constexpr double log10_double(double x) {
    if (const double s = log_special(x); s != 1.0) return s;
    const log_parts p = split_log({x, 0.0});
    return add(mul(log10_2, static_cast<double>(p.e)), mul(log1p_kernel(p.f), inv_ln10)).hi;
}

constexpr double log1p_double(double x) {
    if (is_nan(x)) return x;
    if (x < -1) return nan;
    if (x == -1) return -inf;
    if (x == inf) return inf;
    if (abs(x) < 0x1p-54) return x;
    return log1p_dd({x, 0.0}).hi;
}

// ---- sqrt, cbrt ----------------------------------------------------------------------------

/// sqrt(a) for 2^-1000 < a < 2^1000: a double estimate by Newton's iteration, then one
/// Newton step in double-double.
constexpr dd sqrt_dd(dd a) {
    double y = std::bit_cast<double>((std::bit_cast<std::uint64_t>(a.hi) >> 1) + 0x1ff7a3bea91d9b1bull);
    for (int i = 0; i != 6; ++i) y = 0.5 * (y + a.hi / y);
    const dd r = sub(a, two_prod(y, y));
    return fast_two_sum(y, r.hi / (2 * y));
}

constexpr double sqrt_double(double x) {
    if (is_nan(x)) return x;
    if (x < 0) return nan;
    if (x == 0 || x == inf) return x;
    // x = m 2^(2j), 1 <= m < 4
    const decomposed d = decompose(x);
    const int odd = d.e & 1;
    const int j = (d.e - odd) / 2;
    const double m = d.m * (odd ? 2.0 : 1.0);
    double y = sqrt_dd({m, 0.0}).hi;
    // Correctly rounded: y moves to a neighbour y +- u when m lies beyond the square of the
    // midpoint y +- u/2, that is when m - y^2 -+ y u passes +-u^2 / 4. The terms are small
    // multiples of 2^-105, which double-double holds exactly.
    const dd sq = two_prod(y, y);
    const dd r = two_sum(m - sq.hi, -sq.lo);  // m - y^2
    const auto plus = [](dd a, double b) {    // a + b, exactly here
        const dd s = two_sum(a.hi, b);
        return fast_two_sum(s.hi, s.lo + a.lo);
    };
    const auto greater = [](dd a, double b) { return a.hi > b || (a.hi == b && a.lo > 0); };
    const double up = std::bit_cast<double>(std::bit_cast<std::uint64_t>(y) + 1) - y;
    const double down = y - std::bit_cast<double>(std::bit_cast<std::uint64_t>(y) - 1);
    if (greater(plus(r, -y * up), up * up * 0.25)) y += up;
    else if (greater(neg(plus(r, y * down)), -(down * down * 0.25))) y -= down;
    return mul_pow2(y, j);
}

constexpr double cbrt_double(double x) {
    if (is_nan(x) || is_inf(x) || x == 0) return x;
    // |x| = m 2^(3j), 1 <= m < 8
    const decomposed d = decompose(abs(x));
    const int rem = ((d.e % 3) + 3) % 3;
    const int j = (d.e - rem) / 3;
    const double m = d.m * pow2(rem);
    double y = 1.4;
    for (int i = 0; i != 8; ++i) y = (2 * y + m / (y * y)) / 3;
    const dd r = sub(dd{m, 0.0}, mul(two_prod(y, y), y));
    const double c = mul_pow2(fast_two_sum(y, r.hi / (3 * y * y)).hi, j);
    return x < 0 ? -c : c;
}

// ---- sin, cos, tan -------------------------------------------------------------------------

/// 2/pi = sum_i two_over_pi_bits[i] 2^(-32 (i + 1)).
inline constexpr std::uint32_t two_over_pi_bits[48] = {
    0xa2f9836e, 0x4e441529, 0xfc2757d1, 0xf534ddc0, 0xdb629599, 0x3c439041, 0xfe5163ab, 0xdebbc561,
    0xb7246e3a, 0x424dd2e0, 0x06492eea, 0x09d1921c, 0xfe1deb1c, 0xb129a73e, 0xe88235f5, 0x2ebb4484,
    0xe99c7026, 0xb45f7e41, 0x3991d639, 0x835339f4, 0x9c845f8b, 0xbdf9283b, 0x1ff897ff, 0xde05980f,
    0xef2f118b, 0x5a0a6d1f, 0x6d367ecf, 0x27cb09b7, 0x4f463f66, 0x9e5fea2d, 0x7527bac7, 0xebe5f17b,
    0x3d0739f7, 0x8a5292ea, 0x6bfb5fb1, 0x1f8d5d08, 0x56033046, 0xfc7b6bab, 0xf0cfbc20, 0x9af4361d,
    0xa9e39161, 0x5ee61b08, 0x6599855f, 0x14a06840, 0x8dffd880, 0x4d732731, 0x06061556, 0xca73a8c9};

/// x = q pi/2 + r (mod 2 pi), |r| <= pi/4 (a little more for Cody-Waite).
struct reduced {
    dd r;
    int q;
};

/// Payne-Hanek, for |x| >= 2^20: x = M 2^E with an integer M < 2^53, and x 2/pi mod 4 is M times
/// the 8 words of 2/pi that reach from 2^1 down to 2^-223 (or lower) once scaled by 2^E; the
/// earlier words only add multiples of 4, the later ones less than 2^-170.
constexpr reduced reduce_large(double x) {
    constexpr int window = 8;
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
    const std::uint64_t mant = (bits & 0xfffffffffffffull) | 0x10000000000000ull;
    const int e = static_cast<int>((bits >> 52) & 0x7ff) - 1075;
    int first = 0;
    while (e - 32 * (first + 1) >= 2) ++first;
    // product = mant * (the window as an integer), little-endian 32-bit digits
    std::uint32_t product[window + 2] = {};
    const auto add_at = [&product](int digit, std::uint64_t v) {
        for (int i = digit; v != 0 && i != window + 2; ++i) {
            const std::uint64_t s = static_cast<std::uint64_t>(product[i]) + (v & 0xffffffffu);
            product[i] = static_cast<std::uint32_t>(s);
            v = (v >> 32) + (s >> 32);
        }
    };
    for (int d = 0; d != window; ++d) {
        const std::uint64_t w = two_over_pi_bits[first + window - 1 - d];
        add_at(d, w * (mant & 0xffffffffu));
        add_at(d + 1, w * (mant >> 32));
    }
    // product 2^(e - 32 (first + window)): the binary point is `point` bits from the bottom
    const int point = 32 * (first + window) - e;
    const auto bits32 = [&product](int pos) {  // bits [pos, pos + 32), zero outside
        const int w = pos >= 0 ? pos / 32 : -((31 - pos) / 32);
        const int s = pos - 32 * w;
        const std::uint64_t lo = w >= 0 && w < window + 2 ? product[w] : 0;
        const std::uint64_t hi = w + 1 >= 0 && w + 1 < window + 2 ? product[w + 1] : 0;
        return static_cast<std::uint32_t>(((hi << 32) | lo) >> s);
    };
    int q = static_cast<int>(bits32(point) & 3u);
    dd f{0.0, 0.0};
    for (int c = 6; c != 0; --c) f = add(f, mul_pow2(static_cast<double>(bits32(point - 32 * c)), -32 * c));
    if (f.hi >= 0.5) {
        f = sub(f, 1.0);
        q = (q + 1) & 3;
    }
    dd r = mul(f, pi_2);
    if (x < 0) {
        r = neg(r);
        q = (4 - q) & 3;
    }
    return {r, q};
}

constexpr reduced reduce_pi_2(double x) {
    if (abs(x) <= pi_4.hi) return {{x, 0.0}, 0};
    if (abs(x) < 0x1p20) {
        // Cody-Waite: pi/2 = p1 + p2 + p3 + p4, k p1, k p2, k p3 exact for |k| < 2^20
        constexpr double p1 = 0x1.921fb544p+0;
        constexpr double p2 = 0x1.0b4611a6p-34;
        constexpr double p3 = 0x1.3198a2ep-69;
        constexpr double p4 = 0x1.b839a252049c1p-104;
        const double k = nearest(x * 0x1.45f306dc9c883p-1);
        dd r = two_sum(x - k * p1, -(k * p2));
        r = add(r, -(k * p3));
        r = sub(r, two_prod(k, p4));
        return {r, static_cast<int>(static_cast<long long>(k) & 3)};
    }
    return reduce_large(x);
}

/// sin(r) and cos(r) for |r| <= about pi/4: Taylor series to r^29 and r^28.
constexpr dd sin_kernel(dd r) {
    const dd r2 = sqr(r);
    dd p = inv_factorial.v[29];
    for (int n = 27; n >= 1; n -= 2) p = add(mul(p, neg(r2)), inv_factorial.v[n]);
    return mul(p, r);
}
constexpr dd cos_kernel(dd r) {
    const dd r2 = sqr(r);
    dd p = inv_factorial.v[28];
    for (int n = 26; n >= 0; n -= 2) p = add(mul(p, neg(r2)), inv_factorial.v[n]);
    return p;
}

constexpr double sin_double(double x) {
    if (is_nan(x)) return x;
    if (is_inf(x)) return nan;
    if (abs(x) < 0x1p-26) return x;
    const reduced a = reduce_pi_2(x);
    switch (a.q) {
    case 0: return sin_kernel(a.r).hi;
    case 1: return cos_kernel(a.r).hi;
    case 2: return -sin_kernel(a.r).hi;
    default: return -cos_kernel(a.r).hi;
    }
}

constexpr double cos_double(double x) {
    if (is_nan(x)) return x;
    if (is_inf(x)) return nan;
    if (abs(x) < 0x1p-27) return 1.0;
    const reduced a = reduce_pi_2(x);
    switch (a.q) {
    case 0: return cos_kernel(a.r).hi;
    case 1: return -sin_kernel(a.r).hi;
    case 2: return -cos_kernel(a.r).hi;
    default: return sin_kernel(a.r).hi;
    }
}

constexpr double tan_double(double x) {
    if (is_nan(x)) return x;
    if (is_inf(x)) return nan;
    if (abs(x) < 0x1p-27) return x;
    const reduced a = reduce_pi_2(x);
    const dd s = sin_kernel(a.r);
    const dd c = cos_kernel(a.r);
    return (a.q & 1) == 0 ? div(s, c).hi : -div(c, s).hi;
}

// ---- atan, asin, acos, atan2 ---------------------------------------------------------------

/// atan(t) for 2^-60 < t < 2^60.
constexpr dd atan_dd(dd t) {
    const bool inverted = t.hi > 1;
    if (inverted) t = div(dd{1.0, 0.0}, t);
    for (int i = 0; i != 3; ++i) t = div(t, add(sqrt_dd(add(sqr(t), 1.0)), 1.0));
    const dd t2 = sqr(t);
    dd p = inv_odd.v[17];
    for (int n = 16; n >= 0; --n) p = add(mul(p, neg(t2)), inv_odd.v[n]);
    const dd a = mul(mul(p, t), 8.0);
    return inverted ? sub(pi_2, a) : a;
}

constexpr double atan_double(double x) {
    if (is_nan(x)) return x;
    if (abs(x) < 0x1p-27) return x;
    if (abs(x) > 0x1p60) return copy_sign(pi_2.hi, x);
    const double a = atan_dd({abs(x), 0.0}).hi;
    return x < 0 ? -a : a;
}

constexpr double asin_double(double x) {
    if (is_nan(x)) return x;
    if (abs(x) > 1) return nan;
    if (abs(x) == 1) return copy_sign(pi_2.hi, x);
    if (abs(x) < 0x1p-26) return x;
    const double a = abs(x);
    const dd c = sqrt_dd(mul(two_sum(1.0, -a), two_sum(1.0, a)));  // sqrt(1 - a^2)
    const double r = atan_dd(div(dd{a, 0.0}, c)).hi;
    return x < 0 ? -r : r;
}

constexpr double acos_double(double x) {
    if (is_nan(x)) return x;
    if (abs(x) > 1) return nan;
    if (x == 1) return 0.0;
    if (x == -1) return pi.hi;
    if (abs(x) < 0x1p-55) return pi_2.hi;
    return mul(atan_dd(sqrt_dd(div(two_sum(1.0, -x), two_sum(1.0, x)))), 2.0).hi;
}

constexpr double atan2_double(double y, double x) {
    if (is_nan(x) || is_nan(y)) return nan;
    if (y == 0) return x > 0 || (x == 0 && !sign_bit(x)) ? y : copy_sign(pi.hi, y);
    if (x == 0) return copy_sign(pi_2.hi, y);
    if (is_inf(x)) {
        if (is_inf(y)) return copy_sign(x > 0 ? pi_4.hi : pi_3_4.hi, y);
        return x > 0 ? copy_sign(0.0, y) : copy_sign(pi.hi, y);
    }
    if (is_inf(y)) return copy_sign(pi_2.hi, y);
    double ay = abs(y);
    double ax = abs(x);
    if (ay < ax * 0x1p-60) return x > 0 ? y / x : copy_sign(pi.hi, y);  // atan(t) = t
    if (ax < ay * 0x1p-60) return copy_sign(pi_2.hi, y);
    // scale both to [2^-61, 2)
    const int e = decompose(ax > ay ? ax : ay).e;
    ax = mul_pow2(ax, -e);
    ay = mul_pow2(ay, -e);
    dd a = atan_dd(div(dd{ay, 0.0}, ax));
    if (x < 0) a = sub(pi, a);
    return y < 0 ? -a.hi : a.hi;
}

// ---- hyperbolic ----------------------------------------------------------------------------

constexpr double sinh_double(double x) {
    if (is_nan(x) || is_inf(x)) return x;
    const double a = abs(x);
    if (a < 0x1p-26) return x;
    double s;
    if (a > 711) s = inf;
    else if (a > 36) {
        const scaled e = exp_scaled({a, 0.0});
        s = round_scaled(e.m, e.k - 1);
    } else {
        const dd t = expm1_dd({a, 0.0});
        s = mul(add(t, div(t, add(t, 1.0))), 0.5).hi;
    }
    return x < 0 ? -s : s;
}

constexpr double cosh_double(double x) {
    if (is_nan(x)) return x;
    const double a = abs(x);
    if (a > 711) return inf;
    if (a < 0x1p-26) return 1.0;
    const scaled e = exp_scaled({a, 0.0});
    if (a > 36) return round_scaled(e.m, e.k - 1);
    const dd v = mul_pow2(e.m, e.k);
    return mul(add(v, div(dd{1.0, 0.0}, v)), 0.5).hi;
}

constexpr double tanh_double(double x) {
    if (is_nan(x)) return x;
    const double a = abs(x);
    if (a < 0x1p-27) return x;
    if (a > 22) return x < 0 ? -1.0 : 1.0;
    const dd t = expm1_dd({2 * a, 0.0});
    const double r = div(t, add(t, 2.0)).hi;
    return x < 0 ? -r : r;
}

constexpr double asinh_double(double x) {
    if (is_nan(x) || is_inf(x)) return x;
    const double a = abs(x);
    if (a < 0x1p-26) return x;
    dd r;
    if (a > 0x1p500) r = add(log_dd({a, 0.0}), ln2);
    else {
        const dd a2 = two_prod(a, a);
        r = log1p_dd(add(div(a2, add(sqrt_dd(add(a2, 1.0)), 1.0)), a));
    }
    return x < 0 ? -r.hi : r.hi;
}

constexpr double acosh_double(double x) {
    if (is_nan(x)) return x;
    if (x < 1) return nan;
    if (x == 1) return 0.0;
    if (x == inf) return x;
    if (x > 0x1p500) return add(log_dd({x, 0.0}), ln2).hi;
    const dd t = two_sum(x, -1.0);
    return log1p_dd(add(sqrt_dd(mul(t, add(t, 2.0))), t)).hi;
}

constexpr double atanh_double(double x) {
    if (is_nan(x)) return x;
    const double a = abs(x);
    if (a > 1) return nan;
    if (a == 1) return copy_sign(inf, x);
    if (a < 0x1p-27) return x;
    const double r = mul(log1p_dd(div(dd{2 * a, 0.0}, two_sum(1.0, -a))), 0.5).hi;
    return x < 0 ? -r : r;
}

// ---- erf, erfc -----------------------------------------------------------------------------

/// erf(a) for 2^-40 <= a < 4: 2/sqrt(pi) a e^(-a^2) sum (2a^2)^n / (1 3 5 ... (2n + 1)).
constexpr dd erf_series(double a) {
    const dd a2 = two_prod(a, a);
    const dd ratio = mul(a2, 2.0);
    dd term{1.0, 0.0};
    dd sum{1.0, 0.0};
    for (int n = 1; n != 200; ++n) {
        term = div(mul(term, ratio), static_cast<double>(2 * n + 1));
        sum = add(sum, term);
        if (term.hi < sum.hi * 0x1p-110) break;
    }
    const scaled e = exp_scaled(neg(a2));
    return mul(mul(mul(two_over_sqrt_pi, mul_pow2(e.m, e.k)), sum), a);
}

/// erfc(a) = m 2^k for a >= 4: Laplace's continued fraction times e^(-a^2) / sqrt(pi).
constexpr scaled erfc_fraction(double a) {
    dd f{a, 0.0};
    for (int n = 80; n != 0; --n) f = add(div(dd{0.5 * n, 0.0}, f), a);
    const scaled e = exp_scaled(neg(two_prod(a, a)));
    return {div(mul(e.m, inv_sqrt_pi), f), e.k};
}

constexpr double erf_double(double x) {
    if (is_nan(x)) return x;
    const double a = abs(x);
    if (x == 0) return x;
    if (a < 0x1p-40) return round_scaled(mul(two_over_sqrt_pi, x * 0x1p60), -60);  // 2/sqrt(pi) x
    double r;
    if (a >= 6) r = 1.0;
    else if (a < 4) r = erf_series(a).hi;
    else {
        const scaled e = erfc_fraction(a);
        r = sub(dd{1.0, 0.0}, mul_pow2(e.m, e.k)).hi;
    }
    return x < 0 ? -r : r;
}

constexpr double erfc_double(double x) {
    if (is_nan(x)) return x;
    if (x == inf) return 0.0;
    if (x == -inf) return 2.0;
    if (abs(x) < 0x1p-60) return 1.0;
    if (x > 28) return 0.0;
    if (x >= 4) {
        const scaled e = erfc_fraction(x);
        return round_scaled(e.m, e.k);
    }
    if (x > 0) return sub(dd{1.0, 0.0}, erf_series(x)).hi;
    const double a = -x;
    if (a < 4) return add(erf_series(a), 1.0).hi;
    if (a >= 6) return 2.0;
    const scaled e = erfc_fraction(a);
    return sub(dd{2.0, 0.0}, mul_pow2(e.m, e.k)).hi;
}

// ---- pow, hypot ----------------------------------------------------------------------------

constexpr double pow_double(double x, double y) {
    if (y == 0 || x == 1) return 1.0;
    if (is_nan(x) || is_nan(y)) return nan;
    if (is_inf(y)) {
        if (abs(x) == 1) return 1.0;
        return (abs(x) < 1) == (y < 0) ? inf : 0.0;
    }
    const bool odd = is_odd_integer(y);
    if (is_inf(x)) {
        const double v = y > 0 ? inf : 0.0;
        return x < 0 && odd ? -v : v;
    }
    if (x == 0) {
        const double v = y > 0 ? 0.0 : inf;
        return odd ? copy_sign(v, x) : v;
    }
    double sign = 1;
    if (x < 0) {
        if (!is_integer(y)) return nan;
        if (odd) sign = -1;
        x = -x;
    }
    // |x|^y = exp(y log|x|); |log x| >= 2^-54 for x != 1
    const dd l = log_dd({x, 0.0});
    const bool grows = (l.hi > 0) == (y > 0);
    if (abs(y) > 0x1p64 || abs(y * l.hi) > 760) return grows ? sign * inf : sign * 0.0;
    const scaled e = exp_scaled(mul(l, y));
    return sign * round_scaled(e.m, e.k);
}

constexpr double hypot_double(double x, double y) {
    if (is_inf(x) || is_inf(y)) return inf;
    if (is_nan(x) || is_nan(y)) return nan;
    double a = abs(x);
    double b = abs(y);
    if (a < b) {
        const double t = a;
        a = b;
        b = t;
    }
    if (b == 0) return a;
    if (b < a * 0x1p-60) return a;
    const decomposed d = decompose(a);
    const double bs = mul_pow2(b, -d.e);
    return round_scaled(sqrt_dd(add(two_prod(d.m, d.m), two_prod(bs, bs))), d.e);
}

// ---- the element types -----------------------------------------------------------------------

/// The argument in double: float exactly, long double rounded (+-inf beyond double's range).
template <std::floating_point T>
constexpr double to_double(T x) {
    if (x != x) return nan;
    if constexpr (std::is_same_v<T, long double>) {
        if (x > static_cast<T>(std::numeric_limits<double>::max())) return inf;
        if (x < -static_cast<T>(std::numeric_limits<double>::max())) return -inf;
    }
    return static_cast<double>(x);
}
/// The result in T: float rounded once (+-inf beyond float's range), long double exactly.
template <std::floating_point T>
constexpr T from_double(double x) {
    if (is_nan(x)) return std::numeric_limits<T>::quiet_NaN();
    if constexpr (std::is_same_v<T, float>) {
        if (abs(x) >= 0x1.ffffffp127) return x < 0 ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
    }
    return static_cast<T>(x);
}

// The implementations without the dispatch: the code constant evaluation runs.
template <std::floating_point T> constexpr T exp_impl(T x) { return from_double<T>(exp_double(to_double(x))); }
template <std::floating_point T> constexpr T expm1_impl(T x) { return from_double<T>(expm1_double(to_double(x))); }
template <std::floating_point T> constexpr T log_impl(T x) { return from_double<T>(log_double(to_double(x))); }
template <std::floating_point T> constexpr T log1p_impl(T x) { return from_double<T>(log1p_double(to_double(x))); }
template <std::floating_point T> constexpr T log2_impl(T x) { return from_double<T>(log2_double(to_double(x))); }
template <std::floating_point T> constexpr T log10_impl(T x) { return from_double<T>(log10_double(to_double(x))); }
template <std::floating_point T> constexpr T sqrt_impl(T x) { return from_double<T>(sqrt_double(to_double(x))); }
template <std::floating_point T> constexpr T cbrt_impl(T x) { return from_double<T>(cbrt_double(to_double(x))); }
template <std::floating_point T> constexpr T sin_impl(T x) { return from_double<T>(sin_double(to_double(x))); }
template <std::floating_point T> constexpr T cos_impl(T x) { return from_double<T>(cos_double(to_double(x))); }
template <std::floating_point T> constexpr T tan_impl(T x) { return from_double<T>(tan_double(to_double(x))); }
template <std::floating_point T> constexpr T asin_impl(T x) { return from_double<T>(asin_double(to_double(x))); }
template <std::floating_point T> constexpr T acos_impl(T x) { return from_double<T>(acos_double(to_double(x))); }
template <std::floating_point T> constexpr T atan_impl(T x) { return from_double<T>(atan_double(to_double(x))); }
template <std::floating_point T> constexpr T sinh_impl(T x) { return from_double<T>(sinh_double(to_double(x))); }
template <std::floating_point T> constexpr T cosh_impl(T x) { return from_double<T>(cosh_double(to_double(x))); }
template <std::floating_point T> constexpr T tanh_impl(T x) { return from_double<T>(tanh_double(to_double(x))); }
template <std::floating_point T> constexpr T asinh_impl(T x) { return from_double<T>(asinh_double(to_double(x))); }
template <std::floating_point T> constexpr T acosh_impl(T x) { return from_double<T>(acosh_double(to_double(x))); }
template <std::floating_point T> constexpr T atanh_impl(T x) { return from_double<T>(atanh_double(to_double(x))); }
template <std::floating_point T> constexpr T erf_impl(T x) { return from_double<T>(erf_double(to_double(x))); }
template <std::floating_point T> constexpr T erfc_impl(T x) { return from_double<T>(erfc_double(to_double(x))); }
template <std::floating_point T> constexpr T pow_impl(T x, T y) { return from_double<T>(pow_double(to_double(x), to_double(y))); }
template <std::floating_point T> constexpr T atan2_impl(T y, T x) { return from_double<T>(atan2_double(to_double(y), to_double(x))); }
template <std::floating_point T> constexpr T hypot_impl(T x, T y) { return from_double<T>(hypot_double(to_double(x), to_double(y))); }

}  // namespace detail

// ---- the functions ----------------------------------------------------------------------------

/// e^x.
template <std::floating_point T> constexpr T exp(T x) {
    if (std::is_constant_evaluated()) return detail::exp_impl(x);
    else return std::exp(x);
}
/// e^x - 1, accurate for small x.
template <std::floating_point T> constexpr T expm1(T x) {
    if (std::is_constant_evaluated()) return detail::expm1_impl(x);
    else return std::expm1(x);
}
/// The natural logarithm; nan for x < 0, -inf at 0.
template <std::floating_point T> constexpr T log(T x) {
    if (std::is_constant_evaluated()) return detail::log_impl(x);
    else return std::log(x);
}
/// log(1 + x), accurate for small x; nan for x < -1, -inf at -1.
template <std::floating_point T> constexpr T log1p(T x) {
    if (std::is_constant_evaluated()) return detail::log1p_impl(x);
    else return std::log1p(x);
}
/// The base-2 logarithm; exact at powers of 2.
template <std::floating_point T> constexpr T log2(T x) {
    if (std::is_constant_evaluated()) return detail::log2_impl(x);
    else return std::log2(x);
}
/// The base-10 logarithm.
template <std::floating_point T> constexpr T log10(T x) {
    if (std::is_constant_evaluated()) return detail::log10_impl(x);
    else return std::log10(x);
}
/// The square root; nan for x < 0, sqrt(-0) = -0.
template <std::floating_point T> constexpr T sqrt(T x) {
    if (std::is_constant_evaluated()) return detail::sqrt_impl(x);
    else return std::sqrt(x);
}
/// The cube root, odd: cbrt(-x) = -cbrt(x).
template <std::floating_point T> constexpr T cbrt(T x) {
    if (std::is_constant_evaluated()) return detail::cbrt_impl(x);
    else return std::cbrt(x);
}
/// The sine (radians); nan at +-inf.
template <std::floating_point T> constexpr T sin(T x) {
    if (std::is_constant_evaluated()) return detail::sin_impl(x);
    else return std::sin(x);
}
/// The cosine (radians); nan at +-inf.
template <std::floating_point T> constexpr T cos(T x) {
    if (std::is_constant_evaluated()) return detail::cos_impl(x);
    else return std::cos(x);
}
/// The tangent (radians); nan at +-inf.
template <std::floating_point T> constexpr T tan(T x) {
    if (std::is_constant_evaluated()) return detail::tan_impl(x);
    else return std::tan(x);
}
/// The arc sine, in [-pi/2, pi/2]; nan for |x| > 1.
template <std::floating_point T> constexpr T asin(T x) {
    if (std::is_constant_evaluated()) return detail::asin_impl(x);
    else return std::asin(x);
}
/// The arc cosine, in [0, pi]; nan for |x| > 1.
template <std::floating_point T> constexpr T acos(T x) {
    if (std::is_constant_evaluated()) return detail::acos_impl(x);
    else return std::acos(x);
}
/// The arc tangent, in [-pi/2, pi/2].
template <std::floating_point T> constexpr T atan(T x) {
    if (std::is_constant_evaluated()) return detail::atan_impl(x);
    else return std::atan(x);
}
/// The hyperbolic sine.
template <std::floating_point T> constexpr T sinh(T x) {
    if (std::is_constant_evaluated()) return detail::sinh_impl(x);
    else return std::sinh(x);
}
/// The hyperbolic cosine.
template <std::floating_point T> constexpr T cosh(T x) {
    if (std::is_constant_evaluated()) return detail::cosh_impl(x);
    else return std::cosh(x);
}
/// The hyperbolic tangent.
template <std::floating_point T> constexpr T tanh(T x) {
    if (std::is_constant_evaluated()) return detail::tanh_impl(x);
    else return std::tanh(x);
}
/// The inverse hyperbolic sine.
template <std::floating_point T> constexpr T asinh(T x) {
    if (std::is_constant_evaluated()) return detail::asinh_impl(x);
    else return std::asinh(x);
}
/// The inverse hyperbolic cosine; nan for x < 1.
template <std::floating_point T> constexpr T acosh(T x) {
    if (std::is_constant_evaluated()) return detail::acosh_impl(x);
    else return std::acosh(x);
}
/// The inverse hyperbolic tangent; nan for |x| > 1, +-inf at +-1.
template <std::floating_point T> constexpr T atanh(T x) {
    if (std::is_constant_evaluated()) return detail::atanh_impl(x);
    else return std::atanh(x);
}
/// The error function, 2/sqrt(pi) times the integral of e^(-t^2) from 0 to x.
template <std::floating_point T> constexpr T erf(T x) {
    if (std::is_constant_evaluated()) return detail::erf_impl(x);
    else return std::erf(x);
}
/// The complementary error function 1 - erf(x), accurate where it is small (large x).
template <std::floating_point T> constexpr T erfc(T x) {
    if (std::is_constant_evaluated()) return detail::erfc_impl(x);
    else return std::erfc(x);
}
/// x^y, with C's special cases; nan for x < 0 and a y that is not an integer.
template <std::floating_point T> constexpr T pow(T x, T y) {
    if (std::is_constant_evaluated()) return detail::pow_impl(x, y);
    else return std::pow(x, y);
}
/// The angle of the point (x, y), in [-pi, pi].
template <std::floating_point T> constexpr T atan2(T y, T x) {
    if (std::is_constant_evaluated()) return detail::atan2_impl(y, x);
    else return std::atan2(y, x);
}
/// sqrt(x^2 + y^2) without overflow or underflow in between; +inf if either is +-inf.
template <std::floating_point T> constexpr T hypot(T x, T y) {
    if (std::is_constant_evaluated()) return detail::hypot_impl(x, y);
    else return std::hypot(x, y);
}

}  // namespace ctgrad::math

#endif  // CTGRAD_CORE_MATH_HPP
