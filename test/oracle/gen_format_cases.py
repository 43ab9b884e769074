"""Prints the expected print(tensor) strings of test/unit/format.cpp, as produced by PyTorch.

    python3 test/oracle/gen_format_cases.py > test/unit/format_cases.inc

Needs torch 1.13 (the version ctgrad reproduces). Each case builds a real torch tensor (a real
autograd graph for the grad_fn cases), prints it, and records its data exactly: short tensors
as a list of hex-float values, long ones as the pattern a + b * ((i * k) % m) for element i
(b * ((i * k) % m) is exact or a is 0, so C++ computes the same doubles), rounded to the
tensor's dtype.
"""
import math
import re
import sys

import torch

F32 = torch.float32
F64 = torch.float64

DEFAULT_OPTIONS = dict(precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None)


def pattern_values(n, a, b, k, m):
    return [a + b * ((i * k) % m) for i in range(n)]


CASES = []


def case(name, build, options=None):
    """build() returns (tensor, pattern or None); pattern = (n, a, b, k, m)."""
    CASES.append((name, build, options or {}))


def plain(values, dtype=F32, shape=None):
    def build():
        t = torch.tensor(values, dtype=dtype)
        return (t.reshape(shape) if shape is not None else t), None
    return build


def patterned(n, a, b, k, m, shape, dtype=F32):
    def build():
        t = torch.tensor(pattern_values(n, a, b, k, m), dtype=dtype).reshape(shape)
        return t, (n, a, b, k, m)
    return build


def leaf(values, dtype=F32, shape=None):
    def build():
        t = torch.tensor(values, dtype=dtype)
        if shape is not None:
            t = t.reshape(shape)
        return t.requires_grad_(), None
    return build


def from_graph(fn):
    def build():
        return fn(), None
    return build


def randn(seed, *shape, dtype=F32):
    def build():
        torch.manual_seed(seed)
        return torch.randn(*shape, dtype=dtype), None
    return build


nan, inf = math.nan, math.inf

# --- the tutorial's tensors
case("scalar_integral", plain(56.0, shape=()))
case("vector_integral", plain([1.0, 2.0, 3.0]))
case("mul_backward", from_graph(lambda: torch.tensor([1.0, 2.0, 3.0], requires_grad=True) * torch.tensor([4.0, 5.0, 6.0])))
case("leaf_requires_grad", leaf([0.5, 1.5, -2.0]))
case("randn_column", randn(0, 10, 1))
case("mean_backward", from_graph(lambda: (torch.tensor([0.1566, 0.1566], requires_grad=True) * 1.0).mean()))
case("scalar_sum_backward", from_graph(lambda: torch.tensor([1.25, 2.5], requires_grad=True).sum()))
case("pow_backward", from_graph(lambda: torch.tensor([-1.5, 0.25, 2.0], requires_grad=True) ** 2))

# --- fixed notation
case("four_decimals", plain([0.12345, 1.5, 3.14159]))
case("mixed_signs", plain([-0.12345, 1.5, -3.14159, 2.0]))
case("round_half_even", plain([0.03125, 1.03125, 1.09375, 2.0]))
case("ratio_exactly_1000", plain([0.5, 500.0, 1.25]))
case("randn_16", randn(0, 16))
case("randn_2x3_float64", randn(1, 2, 3, dtype=F64))
case("one_third_float32", plain([1 / 3, 2 / 3]))
case("one_third_float64", plain([1 / 3, 2 / 3], dtype=F64))

# --- integral values
case("integral_mixed_signs", plain([4.0, -10.0, 18.0, 0.0]))
case("integral_below_1e8", plain([100000000.0, 1000000.0]))
case("integral_wide_ratio", plain([1.0, 12345.0]))
case("integral_ratio_617", plain([123456.0, 200.0]))
case("integral_large", plain([3.0e9, 1.0e9]))

# --- scientific notation
case("sci_large", plain([1.5e9, 2.25]))
case("sci_tiny", plain([1.0e-5, 0.5]))
case("sci_wide_ratio", plain([0.001, 5.5]))
case("sci_ratio_1001", plain([0.5, 500.5]))
case("sci_negative", plain([-1.0e-6, 2.5, -300.0]))
case("sci_with_zero", plain([0.0, 1.0e-7, -2.0]))
case("sci_float64_extremes", plain([1.0e300, 1.0, -1.0e-300], dtype=F64))
case("sci_float32_max", plain([3.4028234663852886e38, -1.0]))
case("sci_float32_subnormal", plain([1.401298464324817e-45, 1.0]))

# --- nan, inf, zero, negative zero
case("nan_inf_fixed", plain([1.5, nan, inf, -inf]))
case("nan_only", plain([nan]))
case("nan_scalar", plain(nan, shape=()))
case("inf_integral", plain([inf, 1.0, 2.0]))
case("neg_inf_scalar", plain(-inf, shape=()))
case("nan_sci", plain([1.0e-5, nan]))
case("negative_nan", from_graph(lambda: torch.tensor([0.0, 1.5]) / torch.tensor([0.0, 1.0])))
case("zeros", plain([0.0, 0.0, 0.0]))
case("zero_scalar", plain(0.0, shape=()))
case("zero_scalar_float64", plain(0.0, shape=(), dtype=F64))
case("negative_zero_fixed", plain([-0.0, 1.5]))
case("negative_zero_integral", plain([-0.0, 2.0]))
case("negative_zero_scalar", plain(-0.0, shape=()))

# --- rank 2 and 3
case("matrix_fixed", plain([[1.5, -0.25, 3.0], [0.125, 10.0, -7.75]]))
case("matrix_integral", plain([[1.0, 2.0], [30.0, -4.0], [5.0, 6.0]]))
case("matrix_row", plain([[0.5, 1.5, 2.5]]))
case("rank3", plain([[[1.0, 2.0], [3.0, 4.0]], [[5.5, 6.0], [7.0, -8.0]]]))
case("rank3_float64_leaf", leaf([[[0.5]], [[-1.5]]], dtype=F64))
case("randn_3x4_mul_backward", from_graph(lambda: (torch.manual_seed(3), torch.randn(3, 4, requires_grad=True) * 2.0)[1]))

# --- long rows that wrap
case("wrap_fixed", patterned(30, -1.5, 0.2109375, 7, 23, (30,)))
case("wrap_integral", patterned(40, -20.0, 1.0, 1, 41, (40,)))
case("wrap_sci", patterned(25, 0.0, 1.0e-6, 3, 17, (25,)))
case("wrap_matrix", patterned(60, 0.5, 0.015625, 5, 61, (3, 20)))
case("wrap_float64_grad_fn", from_graph(
    lambda: torch.tensor(pattern_values(24, -2.0, 0.125, 5, 37), dtype=F64, requires_grad=True) * 1.0))
case("wrap_matrix_float64_leaf", leaf(pattern_values(36, 1.0, 0.0078125, 11, 97), dtype=F64, shape=(2, 18)))

# --- where the suffixes go
case("suffix_fits", leaf([0.5] * 9))
case("suffix_new_line", leaf([0.5] * 10))
case("suffix_float64_grad_new_line", from_graph(
    lambda: torch.tensor([0.25, 1.5, -2.0, 3.0, 4.5, -5.0, 6.75], dtype=F64, requires_grad=True) + 1.0))
case("suffix_float64_grad_second_line", from_graph(
    lambda: torch.tensor([0.25, 1.5, -2.0, 3.0, 4.5, -5.0, 6.75, 8.0, 9.0], dtype=F64, requires_grad=True) + 1.0))
case("suffix_float64_long_grad_fn", from_graph(
    lambda: torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0], dtype=F64, requires_grad=True).exp()))
case("suffix_after_wrapped_matrix", from_graph(
    lambda: torch.tensor(pattern_values(16, 0.0, 0.25, 3, 17), dtype=F64, requires_grad=True).reshape(2, 8) * 1.0))

# --- summarised (> 1000 elements)
case("summary_vector", patterned(2000, -3.0, 0.001953125, 7, 1999, (2000,)))
case("summary_vector_integral", patterned(1001, 0.0, 1.0, 1, 1001, (1001,)))
case("summary_matrix", patterned(1200, -1.0, 0.0009765625, 13, 1201, (40, 30)))
case("summary_rows_only", patterned(1001, 0.25, 0.5, 1, 1001, (1001, 1)))
case("summary_columns_only", patterned(1200, -5.0, 0.0078125, 17, 1199, (2, 600)))
case("summary_rank3", patterned(1100, 2.0, 0.125, 3, 101, (11, 10, 10)))
case("summary_float64_leaf", lambda: (torch.tensor(pattern_values(1500, 1.0, 0.0625, 7, 1499), dtype=F64).requires_grad_(),
                                      (1500, 1.0, 0.0625, 7, 1499)))
case("summary_sci_hidden_middle", patterned(1200, 0.0, 1.0e-5, 1, 1200, (1200,)))

# --- float32 against float64
case("same_values_float32", plain([0.1, 0.2, 0.7]))
case("same_values_float64", plain([0.1, 0.2, 0.7], dtype=F64))
case("float64_integral", plain([1.0, 2.0, 3.0], dtype=F64))
case("float64_scalar", plain(2.5, shape=(), dtype=F64))

# --- empty
case("empty", plain([]))
case("empty_float64", plain([], dtype=F64))
case("empty_matrix", plain([], shape=(0, 3)))
case("empty_matrix_float64_leaf", leaf([], dtype=F64, shape=(0, 3)))
case("empty_columns", plain([], shape=(2, 0)))

# --- other print options
case("precision_2", plain([0.12345, 1.5, -3.14159]), dict(precision=2))
case("precision_0_fixed", plain([0.5, 1.5, 2.5, 3.25]), dict(precision=0))
case("sci_mode_true", plain([1.5, 2.0]), dict(sci_mode=True))
case("sci_mode_false", plain([1.0e-5, 0.5]), dict(sci_mode=False))
case("sci_mode_true_integral", plain([1.0, 2.0]), dict(sci_mode=True))
case("sci_mode_true_zeros", plain([0.0, -0.0]), dict(sci_mode=True))
case("sci_mode_false_large_float64", plain([1.0e10, 0.5], dtype=F64), dict(sci_mode=False))
case("linewidth_40", patterned(12, 0.5, 0.25, 5, 13, (12,)), dict(linewidth=40))
case("threshold_5", patterned(12, 0.0, 1.0, 1, 12, (3, 4)), dict(threshold=5, edgeitems=1))
case("threshold_5_edgeitems_2", patterned(30, 1.5, 0.5, 7, 29, (30,)), dict(threshold=5, edgeitems=2))


def cpp_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def hex_float(v):
    return re.sub(r"\.?0+p", "p", float(v).hex())


def cpp_double(v):
    if math.isnan(v):
        return "-nan_" if math.copysign(1.0, v) < 0 else "nan_"
    if math.isinf(v):
        return "-inf_" if v < 0 else "inf_"
    return hex_float(v)


def main():
    out = sys.stdout
    out.write("// Generated by test/oracle/gen_format_cases.py with torch " + torch.__version__.split("+")[0] + "; do not edit.\n")
    out.write("//   python3 test/oracle/gen_format_cases.py > test/unit/format_cases.inc\n")
    for name, build, options in CASES:
        opts = dict(DEFAULT_OPTIONS, **options)
        torch.set_printoptions(**opts)
        try:
            tensor, pattern = build()
            expected = repr(tensor)
        finally:
            torch.set_printoptions(profile="default", sci_mode=None)
        data = tensor.detach().reshape(-1).tolist()
        if pattern is not None:
            n, a, b, k, m = pattern
            assert n == len(data)
            values_field = "{.n = %d, .a = %s, .b = %s, .k = %d, .m = %d}" % (n, hex_float(a), hex_float(b), k, m)
            ref = torch.tensor(pattern_values(*pattern), dtype=tensor.dtype).tolist()
            assert all(x == y or (math.isnan(x) and math.isnan(y)) for x, y in zip(ref, data)), name
            fields = [".pattern = " + values_field]
        else:
            fields = [".values = {" + ", ".join(cpp_double(v) for v in data) + "}"]
        shape = ", ".join(str(s) for s in tensor.shape)
        grad_fn = type(tensor.grad_fn).__name__ if tensor.grad_fn is not None else ""
        line = [".name = " + cpp_string(name), ".float64 = %s" % ("true" if tensor.dtype == F64 else "false"),
                ".shape = {" + shape + "}"] + fields
        if tensor.requires_grad and tensor.grad_fn is None:
            line.append(".requires_grad = true")
        if grad_fn:
            line.append(".grad_fn = " + cpp_string(grad_fn))
        if options:
            o = []
            for key in ("precision", "threshold", "edgeitems", "linewidth"):
                if key in options:
                    o.append(".%s = %d" % (key, options[key]))
            if "sci_mode" in options:
                o.append(".sci_mode = %s" % ("true" if options["sci_mode"] else "false"))
            line.append(".options = {" + ", ".join(o) + "}")
        line.append(".expected = " + cpp_string(expected))
        out.write("{" + ", ".join(line) + "},\n")


if __name__ == "__main__":
    main()
