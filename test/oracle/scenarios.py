"""Catalogue of small torch.autograd scenarios: the expected output of ctgrad's C++ twin.

    /usr/bin/python3 test/oracle/scenarios.py                 # every scenario, in order
    /usr/bin/python3 test/oracle/scenarios.py grad_mul        # one scenario
    /usr/bin/python3 test/oracle/scenarios.py 'error_*' print_nan_inf   # shell-style patterns
    /usr/bin/python3 test/oracle/scenarios.py --list          # the names, one a line

Each scenario prints a header line "== <name>" and then only plain print(...) output (tensors,
bools, grads, grad_fn names, item() values), so that a C++ program printing the same lines can
be compared with it line by line (test/oracle/compare.py). Lines beginning with "# " are
explanations; compare.py ignores them. Needs torch 1.13, the version ctgrad reproduces.

Rules for new scenarios: deterministic (torch.manual_seed before every randn), small, only the
torch API the C++ Tensor mirrors (torch.tensor/zeros/ones/randn/arange, arithmetic operators,
exp/log/sin/cos/tanh/sigmoid/relu/sqrt/abs, sum/mean/pow, backward/grad/grad_fn/is_leaf/
requires_grad/requires_grad_/retain_grad/zero_/item/detach/data, torch.no_grad, -= += *=), and
grad_fn printed via .name() (never the object, whose repr holds an address). Errors are
printed as "<ExceptionType>: <first line of the message>".
"""
import fnmatch
import sys

import torch
import torch.nn.functional as F

F64 = torch.float64

SCENARIOS = []


def scenario(fn):
    SCENARIOS.append(fn)
    return fn


def show_error(e):
    lines = str(e).splitlines()
    print(f"{type(e).__name__}:", lines[0] if lines else "")


def show_errors_of(f):
    """Runs f and prints its error, as show_errors_of in scenarios.cpp."""
    try:
        f()
    except (RuntimeError, ValueError, IndexError) as e:
        show_error(e)


def fn_name(t):
    """grad_fn name of t, or None for a leaf / a tensor outside the graph."""
    return t.grad_fn.name() if t.grad_fn is not None else None


def next_fns(t):
    return [(f.name() if f is not None else None, i) for f, i in t.grad_fn.next_functions]


def vec(requires_grad=True, dtype=None):
    """The catalogue's standard mixed-sign vector."""
    return torch.tensor([0.5, 1.5, -2.0], requires_grad=requires_grad, dtype=dtype)


def pos(requires_grad=True, dtype=None):
    """A positive vector, for log / sqrt / pow 0.5."""
    return torch.tensor([0.25, 1.0, 4.0], requires_grad=requires_grad, dtype=dtype)


def unary_grad(make_x, op):
    """y = op(x); y.sum().backward(); prints y, its grad_fn name and x.grad."""
    x = make_x()
    y = op(x)
    print(y)
    print(fn_name(y))
    y.sum().backward()
    print(x.grad)


# ---------------------------------------------------------------------------
# Gradients of every op
# ---------------------------------------------------------------------------
@scenario
def grad_add():
    x = vec()
    y = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    z = x + y
    print(z)
    print(fn_name(z))
    z.sum().backward()
    print(x.grad)
    print(y.grad)


@scenario
def grad_sub():
    x = vec()
    y = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    z = x - y
    print(z)
    print(fn_name(z))
    z.sum().backward()
    print(x.grad)
    print(y.grad)


@scenario
def grad_mul():
    x = vec()
    y = torch.tensor([4.0, 5.0, 6.0], requires_grad=True)
    z = x * y
    print(z)
    print(fn_name(z))
    z.sum().backward()
    print(x.grad)
    print(y.grad)


@scenario
def grad_div():
    x = vec()
    y = torch.tensor([4.0, -5.0, 8.0], requires_grad=True)
    z = x / y
    print(z)
    print(fn_name(z))
    z.sum().backward()
    print(x.grad)
    print(y.grad)


@scenario
def grad_neg():
    unary_grad(vec, lambda x: -x)


@scenario
def grad_pow2():
    unary_grad(vec, lambda x: x ** 2)


@scenario
def grad_pow3():
    unary_grad(vec, lambda x: x.pow(3))


@scenario
def grad_pow_half():
    unary_grad(pos, lambda x: x ** 0.5)


@scenario
def grad_exp():
    unary_grad(vec, torch.exp)


@scenario
def grad_log():
    unary_grad(pos, torch.log)


@scenario
def grad_sin():
    unary_grad(vec, torch.sin)


@scenario
def grad_cos():
    unary_grad(vec, torch.cos)


@scenario
def grad_tanh():
    unary_grad(vec, torch.tanh)


@scenario
def grad_sigmoid():
    unary_grad(vec, torch.sigmoid)


@scenario
def grad_relu():
    print("# relu'(0) is 0")
    unary_grad(lambda: torch.tensor([0.5, 0.0, -2.0], requires_grad=True), torch.relu)


@scenario
def grad_sqrt():
    unary_grad(pos, torch.sqrt)


@scenario
def grad_abs():
    print("# abs'(0) is 0 (sign(0))")
    unary_grad(lambda: torch.tensor([0.5, 0.0, -2.0], requires_grad=True), torch.abs)


@scenario
def grad_sum():
    x = vec()
    s = x.sum()
    print(s)
    print(fn_name(s))
    s.backward()
    print(x.grad)


@scenario
def grad_mean():
    x = vec()
    m = x.mean()
    print(m)
    print(fn_name(m))
    m.backward()
    print(x.grad)


@scenario
def grad_chain():
    print("# a small composite: mean((w*x + b - y)**2)")
    w = torch.tensor(0.5, requires_grad=True)
    b = torch.tensor(-1.0, requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0])
    y = torch.tensor([0.0, 1.0, 1.0])
    loss = ((w * x + b - y) ** 2).mean()
    print(loss)
    loss.backward()
    print(w.grad)
    print(b.grad)
    print(w.grad.item(), b.grad.item())


# ---------------------------------------------------------------------------
# Accumulation, zero_, no_grad
# ---------------------------------------------------------------------------
@scenario
def grad_accumulation():
    x = vec()
    (x * x).sum().backward()
    print(x.grad)
    (x * 3.0).sum().backward()
    print(x.grad)


@scenario
def grad_zero():
    x = vec()
    (x * x).sum().backward()
    print(x.grad)
    g = x.grad
    x.grad.zero_()
    print(x.grad)
    print(g)
    (x * 2.0).sum().backward()
    print(x.grad)


@scenario
def no_grad_basic():
    x = vec()
    print(torch.is_grad_enabled())
    with torch.no_grad():
        print(torch.is_grad_enabled())
        y = x * 2.0
        print(y)
        print(y.requires_grad, y.is_leaf, fn_name(y))
    print(torch.is_grad_enabled())
    z = x * 2.0
    print(z.requires_grad, z.is_leaf, fn_name(z))


@scenario
def no_grad_rebind():
    print("# w = w - lr*grad under no_grad: a new tensor, leaf, no longer requires grad")
    w = vec()
    (w * w).sum().backward()
    print(w.grad)
    with torch.no_grad():
        w = w - 0.1 * w.grad
    print(w)
    print(w.requires_grad, w.is_leaf, w.grad)


@scenario
def no_grad_inplace():
    print("# w -= lr*grad under no_grad: same leaf, still requires grad, grad kept")
    w = vec()
    (w * w).sum().backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
    print(w)
    print(w.requires_grad, w.is_leaf, fn_name(w))
    print(w.grad)
    w.grad.zero_()
    (w * w).sum().backward()
    print(w.grad)


@scenario
def no_grad_inplace_ops():
    w = vec()
    with torch.no_grad():
        w += 1.0
        print(w)
        w *= 2.0
        print(w)
        w -= torch.tensor([1.0, 1.0, 1.0])
    print(w)
    print(w.requires_grad, w.is_leaf)


# ---------------------------------------------------------------------------
# Leaves, non-leaves, retain_grad, detach, requires_grad_, data, item
# ---------------------------------------------------------------------------
@scenario
def nonleaf_grad_none():
    print("# reading .grad of a non-leaf gives None (plus a UserWarning on stderr)")
    x = vec()
    y = x * 2.0
    y.sum().backward()
    print(y.grad)
    print(x.grad)


@scenario
def retain_grad():
    x = vec()
    y = x * 2.0
    y.retain_grad()
    z = (y * y).sum()
    z.backward()
    print(y.grad)
    print(x.grad)
    print(y.is_leaf, y.requires_grad)


@scenario
def backward_gradient():
    x = vec()
    y = x * x
    y.backward(torch.tensor([1.0, 0.1, 0.01]))
    print(x.grad)


@scenario
def backward_gradient_rank2():
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x * 3.0
    y.backward(torch.ones(2, 2))
    print(x.grad)


@scenario
def leaf_flags():
    a = torch.tensor([1.0, 2.0])
    b = torch.tensor([1.0, 2.0], requires_grad=True)
    print(a.is_leaf, a.requires_grad, a.grad, fn_name(a))
    print(b.is_leaf, b.requires_grad, b.grad, fn_name(b))
    c = a * 2.0
    d = b * 2.0
    print(c.is_leaf, c.requires_grad, fn_name(c))
    print(d.is_leaf, d.requires_grad, fn_name(d))
    e = a + b
    print(e.is_leaf, e.requires_grad, fn_name(e))


@scenario
def detach_flags():
    x = vec()
    y = x * 2.0
    d = y.detach()
    print(d)
    print(d.is_leaf, d.requires_grad, fn_name(d))
    dx = x.detach()
    print(dx)
    print(dx.is_leaf, dx.requires_grad)
    print("# detach shares storage")
    with torch.no_grad():
        dx *= 10.0
    print(x)


@scenario
def requires_grad_inplace():
    x = torch.tensor([1.0, -1.0, 2.0])
    print(x.requires_grad)
    r = x.requires_grad_()
    print(x.requires_grad, r.requires_grad, x.is_leaf)
    print(x)
    (x * x).sum().backward()
    print(x.grad)
    x.requires_grad_(False)
    print(x.requires_grad)
    print(x)


@scenario
def data_shares_storage():
    x = vec()
    d = x.data
    print(d)
    print(d.requires_grad, d.is_leaf)
    d *= 2.0
    print(x)
    d -= 1.0
    print(x)
    print(x.requires_grad, x.is_leaf)


@scenario
def item_values():
    a = torch.tensor(2.5)
    print(a.item())
    b = torch.tensor([0.1])
    print(b.item())
    c = torch.tensor([0.1], dtype=F64)
    print(c.item())
    x = vec()
    s = (x * x).sum()
    print(s.item())
    m = x.mean()
    print(m.item())
    print(torch.tensor([[3.0]]).item())


# ---------------------------------------------------------------------------
# Broadcasting and Python scalars
# ---------------------------------------------------------------------------
@scenario
def broadcast_1x1_4x1():
    a = torch.tensor([[2.0]], requires_grad=True)
    b = torch.tensor([[1.0], [2.0], [3.0], [4.0]], requires_grad=True)
    c = a * b
    print(c)
    c.sum().backward()
    print(a.grad)
    print(b.grad)


@scenario
def broadcast_0d_vector():
    s = torch.tensor(3.0, requires_grad=True)
    v = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    c = s * v + s
    print(c)
    c.sum().backward()
    print(s.grad)
    print(v.grad)


@scenario
def python_scalars():
    x = vec()
    for y in (x + 1, 1 + x, x - 1, 2 - x, 2 * x, x * 2, x / 2, 1 / x, x ** 2, 2 ** x):
        print(y)
        print(fn_name(y))
    print("# 1/x is reciprocal(x)*1: MulBackward0 over ReciprocalBackward0")
    print(next_fns(1 / x))
    (1 / x + 2 ** x).sum().backward()
    print(x.grad)


# ---------------------------------------------------------------------------
# grad_fn names and next_functions
# ---------------------------------------------------------------------------
@scenario
def grad_fn_names():
    x = vec()
    y = torch.tensor([4.0, 5.0, 6.0], requires_grad=True)
    print(fn_name(x))
    for t in (x + y, x - y, x * y, x / y, -x, x ** 2, x ** 0.5, x.pow(3), x.exp(), x.log(),
              x.sin(), x.cos(), x.tanh(), x.sigmoid(), x.relu(), x.sqrt(), x.abs(),
              x.sum(), x.mean()):
        print(fn_name(t))


@scenario
def next_functions():
    x = vec()
    y = torch.tensor([4.0, 5.0, 6.0], requires_grad=True)
    c = torch.tensor([1.0, 1.0, 1.0])
    z = x * y
    print(next_fns(z))
    w = z + c
    print(next_fns(w))
    s = w.sum()
    print(next_fns(s))
    print(next_fns(x * 2.0))
    print(next_fns(-x))
    print(next_fns(x.exp()))
    print(next_fns(c * x))


# ---------------------------------------------------------------------------
# Ranks and dtypes
# ---------------------------------------------------------------------------
@scenario
def rank0():
    x = torch.tensor(2.0, requires_grad=True)
    print(x)
    y = x * x * x
    print(y)
    y.backward()
    print(x.grad)
    print(x.grad.item())


@scenario
def rank2_grad():
    x = torch.tensor([[1.0, -2.0, 3.0], [0.5, 0.25, -4.0]], requires_grad=True)
    y = (x * x).sum()
    print(y)
    y.backward()
    print(x.grad)
    m = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    n = m.mean()
    n.backward()
    print(m.grad)


@scenario
def float64_grad():
    x = vec(dtype=F64)
    print(x)
    y = x.exp() * x
    print(y)
    y.sum().backward()
    print(x.grad)
    print(y.sum().item())


@scenario
def float64_mixed_python_scalar():
    x = torch.tensor([1.0, 2.0], dtype=F64, requires_grad=True)
    y = x / 3
    print(y)
    print(y.sum().item())
    z = torch.tensor([1.0, 2.0], dtype=F64) * 0.1
    print(z)
    print(z.sum().item())


# ---------------------------------------------------------------------------
# Errors (exact messages, first line only)
# ---------------------------------------------------------------------------
@scenario
def error_backward_nonscalar():
    x = vec()
    y = x * 2.0
    try:
        y.backward()
    except RuntimeError as e:
        show_error(e)


@scenario
def error_no_grad_fn():
    x = torch.tensor([1.0, 2.0])
    s = x.sum()
    try:
        s.backward()
    except RuntimeError as e:
        show_error(e)
    x = vec()
    with torch.no_grad():
        s = (x * x).sum()
    try:
        s.backward()
    except RuntimeError as e:
        show_error(e)


@scenario
def error_inplace_leaf():
    x = vec()
    try:
        x -= 1.0
    except RuntimeError as e:
        show_error(e)
    print(x)
    try:
        x *= 2.0
    except RuntimeError as e:
        show_error(e)
    print(x)


@scenario
def error_backward_twice():
    x = vec()
    y = torch.tensor([4.0, 5.0, 6.0], requires_grad=True)
    s = (x * y).sum()
    s.backward()
    print(x.grad)
    try:
        s.backward()
    except RuntimeError as e:
        show_error(e)
    print(x.grad)


@scenario
def error_version_counter():
    print("# a saved leaf modified under no_grad")
    x = vec()
    y = torch.tensor([4.0, 5.0, 6.0], requires_grad=True)
    z = x * y
    with torch.no_grad():
        y += 1.0
    try:
        z.sum().backward()
    except RuntimeError as e:
        show_error(e)
    print("# a saved non-leaf modified in place")
    a = x * 2.0
    b = a * a
    a += 1.0
    try:
        b.sum().backward()
    except RuntimeError as e:
        show_error(e)
    print("# float64")
    u = vec(dtype=F64)
    v = u.exp()
    v *= 2.0
    try:
        v.sum().backward()
    except RuntimeError as e:
        show_error(e)


@scenario
def error_item_multi():
    print("# a ValueError, not a RuntimeError")
    try:
        torch.tensor([1.0, 2.0, 3.0]).item()
    except (RuntimeError, ValueError) as e:
        show_error(e)


@scenario
def error_broadcast_mismatch():
    try:
        torch.ones(3) + torch.ones(4)
    except RuntimeError as e:
        show_error(e)
    try:
        torch.ones(2, 3) * torch.ones(3, 2)
    except RuntimeError as e:
        show_error(e)


# ---------------------------------------------------------------------------
# Printing
# ---------------------------------------------------------------------------
@scenario
def print_integers():
    print(torch.tensor([1.0, 2.0, 3.0]))
    print(torch.tensor([-1.0, 0.0, 100.0]))
    print(torch.tensor(56.0))
    print(torch.zeros(3))
    print(torch.ones(2, 2))
    print(torch.tensor([123456.0, 7.0]))


@scenario
def print_mixed_signs():
    print(torch.tensor([0.5, -1.25, 3.0]))
    print(torch.tensor([-0.0, 0.1, -0.1234567]))
    print(torch.tensor([1.0, -10.5, 100.25, -1000.125]))
    print(torch.tensor(-0.5))


@scenario
def print_sci_small():
    print(torch.tensor([1e-5, 2e-5, 3e-5]))
    print(torch.tensor([1e-5, -1.0]))
    print(torch.tensor(1e-5))


@scenario
def print_sci_large():
    print(torch.tensor([1e9, 2.5e9]))
    print(torch.tensor([1e9, 1.0]))
    print(torch.tensor(1e9))


@scenario
def print_sci_mixed():
    print(torch.tensor([1e-3, 1e4]))
    print(torch.tensor([1e-3, 1e3]))
    print(torch.tensor([1e-4, 1.0, 1e4]))
    print(torch.tensor([0.001, 0.01, 0.1]))


@scenario
def print_nan_inf():
    nan, inf = float("nan"), float("inf")
    print(torch.tensor([nan, inf, -inf, 1.0]))
    print(torch.tensor([nan, 0.5]))
    print(torch.tensor([inf, 1e-5]))
    print(torch.tensor(nan))
    print(torch.tensor([1.0, 2.0]) / torch.tensor([0.0, 0.0]))
    print(torch.tensor([-1.0]).log())


@scenario
def print_long_wrap():
    print(torch.arange(30.0) / 7)
    print(torch.arange(20.0))
    print(torch.arange(30.0) * 1e5)


@scenario
def print_matrix():
    print(torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    print(torch.tensor([[0.5, -1.5], [1e-5, 2.0]]))
    print(torch.zeros(2, 3))
    print(torch.tensor([[1.0], [2.0]]))
    print((torch.arange(24.0) / 7).pow(2) - 10)


@scenario
def print_float64():
    print(torch.tensor([1.0, 2.0], dtype=F64))
    print(torch.tensor([0.1, 0.2, 0.3], dtype=F64))
    print(torch.tensor(1.5, dtype=F64))
    print(torch.tensor([[1e-5, 1.0], [2.0, 3.0]], dtype=F64))
    print(torch.tensor([1.0, 2.0], dtype=F64, requires_grad=True))
    print(torch.zeros(2, dtype=F64))


@scenario
def print_requires_grad():
    print(torch.tensor([1.0, 2.0, 3.0], requires_grad=True))
    print(torch.tensor(0.5, requires_grad=True))
    print(torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True))
    print((torch.arange(30.0) / 7).requires_grad_())
    print(torch.tensor([1e-5, 1.0], requires_grad=True))


@scenario
def print_grad_fn():
    x = vec()
    print(x * 2.0)
    print((x * x).sum())
    print(x.mean())
    print(torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True) + 1)
    print(vec(dtype=F64) * 2.0)
    print(torch.arange(30.0).requires_grad_() / 7)


# ---------------------------------------------------------------------------
# randn
# ---------------------------------------------------------------------------
def randn_seed(seed):
    for n in (5, 16, 17, 40):
        torch.manual_seed(seed)
        print(torch.randn(n))


@scenario
def randn_seed0():
    randn_seed(0)


@scenario
def randn_seed1():
    randn_seed(1)


@scenario
def randn_seed42():
    randn_seed(42)


@scenario
def randn_rank2():
    torch.manual_seed(0)
    print(torch.randn(10, 1))
    torch.manual_seed(0)
    print(torch.randn(3, 4))
    torch.manual_seed(42)
    print(torch.randn(3, 4))


@scenario
def randn_float64():
    for seed in (0, 1, 42):
        for n in (5, 16, 17):
            torch.manual_seed(seed)
            print(torch.randn(n, dtype=F64))
    torch.manual_seed(0)
    print(torch.randn(3, 4, dtype=F64))


@scenario
def randn_consecutive():
    print("# two draws after one seed continue the stream")
    torch.manual_seed(0)
    print(torch.randn(3))
    print(torch.randn(3))
    torch.manual_seed(0)
    print(torch.randn(6))


@scenario
def randn_requires_grad():
    torch.manual_seed(0)
    w = torch.randn(3).requires_grad_()
    print(w)
    (w * w).sum().backward()
    print(w.grad)


# ---------------------------------------------------------------------------
# The graph engine across materialised tensors
# ---------------------------------------------------------------------------
@scenario
def graph_diamond():
    x = vec()
    a = x * 2.0
    b = a * a + a
    print(b)
    print(fn_name(b))
    print(next_fns(b))
    b.sum().backward()
    print(x.grad)


@scenario
def graph_shared_nonleaf():
    x = vec()
    a = x.exp()
    b = a * 3.0
    c = a * a
    (b + c).sum().backward()
    print(x.grad)
    print("# a sum saves nothing: two passes through x + 1")
    u = x + 1.0
    v = u * 3.0
    w = u * 2.0
    v.sum().backward()
    print(x.grad)
    w.sum().backward()
    print(x.grad)
    print("# exp saves its result, freed by the first pass")
    p = x.exp()
    q = p * 3.0
    r = p * 2.0
    q.sum().backward()
    print(x.grad)
    try:
        r.sum().backward()
    except RuntimeError as e:
        show_error(e)
    print(x.grad)


@scenario
def retain_grad_used_twice():
    x = vec()
    a = x * x
    a.retain_grad()
    b = a * 2.0
    c = a * a
    (b + c).sum().backward()
    print(a.grad)
    print(x.grad)
    print(a.retains_grad, b.retains_grad)


@scenario
def retain_grad_second_pass():
    print("# a retained grad is replaced (grad + new), a leaf's grad accumulates in place")
    x = vec()
    a = x * x
    a.retain_grad()
    s = (a * 2.0).sum()
    s.backward(retain_graph=True)
    g = a.grad
    h = x.grad
    s.backward()
    print(a.grad)
    print(g)
    print(x.grad)
    print(h)


@scenario
def retain_graph_three_times():
    x = vec()
    a = x * x
    s = (a * 3.0).sum()
    s.backward(retain_graph=True)
    print(x.grad)
    s.backward(retain_graph=True)
    print(x.grad)
    s.backward()
    print(x.grad)
    try:
        s.backward()
    except RuntimeError as e:
        show_error(e)
    print(x.grad)


@scenario
def backward_twice_sums_only():
    x = vec()
    y = torch.tensor([4.0, 5.0, 6.0], requires_grad=True)
    a = x - y
    s = (a + x).sum()
    s.backward()
    s.backward()
    print(x.grad)
    print(y.grad)
    print("# a product below the sum: the second pass raises, after x's direct gradient")
    b = x * y
    t = (b + x).sum()
    t.backward()
    print(x.grad)
    try:
        t.backward()
    except RuntimeError as e:
        show_error(e)
    print(x.grad)
    print(y.grad)


# ---------------------------------------------------------------------------
# In-place operations and the version counter
# ---------------------------------------------------------------------------
@scenario
def inplace_nonleaf_recorded():
    x = vec()
    a = x * 2.0
    a += 1.0
    print(a)
    print(fn_name(a), a.is_leaf, a._version)
    print(next_fns(a))
    a *= 3.0
    print(a)
    print(next_fns(a))
    a.sum().backward()
    print(x.grad)
    print("# an in-place op with a tensor that requires grad makes a non-leaf")
    c = torch.tensor([1.0, 2.0, 3.0])
    c += x
    print(c)
    print(c.requires_grad, c.is_leaf, fn_name(c))
    print(next_fns(c))
    c.sum().backward()
    print(x.grad)


@scenario
def inplace_self_alias():
    x = vec()
    a = x * 2.0
    a += a
    print(a)
    a.sum().backward()
    print(x.grad)
    print("# b *= b: mul_ saved b as its other operand before bumping its version")
    b = x * 2.0
    b *= b
    print(b)
    try:
        b.sum().backward()
    except RuntimeError as e:
        show_error(e)
    print("# c *= c.detach(): the detached tensor shares the version counter")
    c = x * 2.0
    c *= c.detach()
    print(c)
    try:
        c.sum().backward()
    except RuntimeError as e:
        show_error(e)
    print(x.grad)


@scenario
def inplace_no_grad_saved():
    x = vec()
    a = x * 2.0
    b = a * a
    with torch.no_grad():
        a += 1.0
    print(a)
    print(a.requires_grad, a.is_leaf, a._version)
    try:
        b.sum().backward()
    except RuntimeError as e:
        show_error(e)
    print("# exp saves its result")
    u = x.exp()
    with torch.no_grad():
        u *= 2.0
    print(u)
    try:
        u.sum().backward()
    except RuntimeError as e:
        show_error(e)
    print(x.grad)


@scenario
def detach_version_shared():
    x = vec()
    a = x.exp()
    d = a.detach()
    d += 1.0
    print(a)
    print(a._version, d._version)
    try:
        a.sum().backward()
    except RuntimeError as e:
        show_error(e)
    y = vec()
    z = y * y
    dy = y.detach()
    dy *= 2.0
    print(y)
    print(y._version, dy._version)
    try:
        z.sum().backward()
    except RuntimeError as e:
        show_error(e)
    print(y.grad)


@scenario
def data_untracked():
    x = vec()
    a = x * x
    d = x.data
    d *= 2.0
    print(x)
    print(x._version, d._version)
    a.sum().backward()
    print(a)
    print(x.grad)


# ---------------------------------------------------------------------------
# .grad, requires_grad_, accumulation
# ---------------------------------------------------------------------------
@scenario
def set_grad_none():
    x = vec()
    (x * x).sum().backward()
    g = x.grad
    print(g)
    x.grad = None
    print(x.grad)
    (x * 3.0).sum().backward()
    print(x.grad)
    print(g)


@scenario
def requires_grad_then_use():
    x = torch.tensor([1.0, -1.0, 2.0])
    y = x * 2.0
    x.requires_grad_()
    print(y.requires_grad, y.is_leaf)
    z = x * y
    print(fn_name(z), next_fns(z))
    z.sum().backward()
    print(x.grad)
    try:
        z.requires_grad_(False)
    except RuntimeError as e:
        show_error(e)
    try:
        y.retain_grad()
    except RuntimeError as e:
        show_error(e)


@scenario
def broadcast_1x1_accumulate():
    w = torch.tensor([[0.5]], requires_grad=True)
    x = torch.tensor([[0.1], [0.2], [0.3], [0.7], [1.1]])
    for _ in range(3):
        loss = ((w * x - 1.0) ** 2).mean()
        loss.backward()
        print(loss.item(), w.grad, w.grad.item())


# ---------------------------------------------------------------------------
# Ops through the engine
# ---------------------------------------------------------------------------
@scenario
def float64_engine():
    x = torch.tensor([0.1, 0.7, -1.3], dtype=F64, requires_grad=True)
    a = x * x
    b = a.exp() + a
    c = b * x
    s = c.sum()
    print(s)
    s.backward()
    print(x.grad)
    print(s.item())


@scenario
def mean_2d_grad():
    x = torch.tensor([[1.0, -2.0, 3.0], [0.5, 0.25, -4.0]], requires_grad=True)
    a = x * x
    m = a.mean()
    print(m)
    print(fn_name(m))
    m.backward()
    print(x.grad)
    (x * 3.0).mean().backward()
    print(x.grad)


@scenario
def unary_chain():
    x = vec()
    y = x.sin().exp()
    print(y)
    print(fn_name(y), next_fns(y))
    y.sum().backward()
    print(x.grad)
    u = torch.tensor([0.3, -0.8, 1.7], requires_grad=True)
    v = u.cos().sigmoid().log().tanh()
    print(v)
    v.sum().backward()
    print(u.grad)
    print(u.grad.sum().item())


@scenario
def pow_tensor_exponent():
    x = torch.tensor([0.3, 1.7, 2.5], requires_grad=True)
    p = torch.tensor([2.0, 0.5, -1.5], requires_grad=True)
    y = x ** p
    print(y)
    print(fn_name(y), next_fns(y))
    y.sum().backward()
    print(x.grad)
    print(p.grad)
    print(x.grad.sum().item(), p.grad.sum().item())


@scenario
def sub_rsub_neg():
    x = vec()
    y = torch.tensor([4.0, 5.0, 6.0], requires_grad=True)
    z = 1.0 - (x - y)
    print(z)
    print(fn_name(z), next_fns(z))
    w = -(2.0 - x) - y
    print(w)
    print(fn_name(w), next_fns(w))
    (z * w).sum().backward()
    print(x.grad)
    print(y.grad)


@scenario
def div_broadcast_0d():
    s = torch.tensor(3.0, requires_grad=True)
    v = torch.tensor([1.0, 2.0, 5.0], requires_grad=True)
    y = v / s
    print(y)
    y.sum().backward()
    print(s.grad)
    print(v.grad)
    z = s / v
    print(z)
    z.sum().backward()
    print(s.grad)
    print(v.grad)


@scenario
def backward_gradient_intermediate():
    x = vec()
    a = x * x
    b = a * 2.0
    b.backward(torch.tensor([1.0, 0.5, 0.25]), retain_graph=True)
    print(x.grad)
    a.backward(torch.tensor([1.0, 1.0, 1.0]))
    print(x.grad)
    try:
        b.backward(torch.tensor([1.0, 0.5, 0.25]))
    except RuntimeError as e:
        show_error(e)
    print(x.grad)


@scenario
def item_1x1():
    a = torch.tensor([[2.5]], requires_grad=True)
    y = a * a
    print(y)
    print(y.item())
    y.backward()
    print(a.grad)
    print(a.grad.item())
    print((a * 3.0).sum().item())
    z = torch.tensor([[0.1]]) * 3.0
    print(z.item())


@scenario
def grad_negative_zero():
    print("# relu'(x) is 0 where x <= 0, and NegBackward0 makes it -0")
    x = torch.tensor([0.5, 0.0, -2.0], requires_grad=True)
    y = torch.relu(-x)
    y.sum().backward()
    print(x.grad)
    u = torch.tensor([0.0, 1.0], requires_grad=True)
    (-(u * u)).sum().backward()
    print(u.grad)


# ---------------------------------------------------------------------------
# Gradients at the edges: zero bases, tiny divisors, masks under inf/nan, far tails
# ---------------------------------------------------------------------------
@scenario
def edge_pow_zero_base():
    print("# d/dx x**y is 0 where y == 0; d/dy is 0 where x == 0 and y >= 0")
    x = torch.tensor([0.0, 0.0, 0.0, 0.0, 0.0, 2.0], requires_grad=True)
    y = torch.tensor([-1.0, 0.0, 0.5, 1.0, 2.0, 0.0], requires_grad=True)
    z = x ** y
    print(z)
    z.sum().backward()
    print(x.grad)
    print(y.grad)
    print("# d/dx selects 0 whatever flows in; d/dy multiplies what flows in")
    inf = float("inf")
    u = torch.tensor([0.0, 0.0, 1.0], requires_grad=True)
    v = torch.tensor([0.0, 2.0, 0.0], requires_grad=True)
    w = u ** v
    w.backward(torch.tensor([inf, inf, inf]))
    print(u.grad)
    print(v.grad)
    print("# a number base 0: PowBackward1")
    p = torch.tensor([-1.0, 0.0, 0.5, 2.0], requires_grad=True)
    q = 0.0 ** p
    print(q)
    print(fn_name(q))
    q.sum().backward()
    print(p.grad)
    print("# float64")
    a = torch.tensor([0.0, 0.0, 0.0], dtype=F64, requires_grad=True)
    b = torch.tensor([0.0, 0.5, 3.0], dtype=F64, requires_grad=True)
    (a ** b).sum().backward()
    print(a.grad)
    print(b.grad)


@scenario
def edge_pow_zero_exponent():
    print("# a power 0 has the gradient +0, also at a zero base and whatever flows in")
    x = torch.tensor([0.0, 2.0], requires_grad=True)
    y = x.pow(0)
    print(y)
    print(fn_name(y))
    y.sum().backward()
    print(x.grad)
    u = torch.tensor([0.0, 2.0], requires_grad=True)
    (u ** 0.0).sum().backward()
    print(u.grad)
    v = torch.tensor([0.0, 2.0], requires_grad=True)
    (v ** 0.0).backward(torch.tensor([float("inf"), float("nan")]))
    print(v.grad)
    r = torch.tensor([0.0, 2.0], requires_grad=True)
    (r ** 0.5).sum().backward()
    print(r.grad)


@scenario
def edge_div_tiny():
    print("# d(a/b)/db is -(a/b)/b: no overflow of b**2")
    a = torch.tensor([1e-200], dtype=F64, requires_grad=True)
    b = torch.tensor([1e-200], dtype=F64, requires_grad=True)
    (a / b).sum().backward()
    print(a.grad)
    print(b.grad)
    print(a.grad.item(), b.grad.item())
    p = torch.tensor([1e-25, 3.0], requires_grad=True)
    q = torch.tensor([1e-25, 7.0], requires_grad=True)
    (p / q).sum().backward()
    print(p.grad)
    print(q.grad)
    print("# the rounding of g / b and -g * ((a / b) / b)")
    s = torch.tensor([1.5], requires_grad=True)
    t = torch.tensor([1.1], requires_grad=True)
    ((s / t) * 3.0).sum().backward()
    print(s.grad.item(), t.grad.item())


@scenario
def edge_relu_mask():
    print("# relu passes nothing where x <= 0, whatever flows in: a select, not a product")
    nan, inf = float("nan"), float("inf")
    x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    torch.sqrt(torch.relu(x)).sum().backward()
    print(x.grad)
    u = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    torch.relu(u).backward(torch.tensor([inf, nan, inf]))
    print(u.grad)
    print("# +0 where masked, also under a negative gradient")
    v = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    torch.relu(v).backward(torch.tensor([-1.0, -1.0, -1.0]))
    print(v.grad)
    print("# relu(nan) is nan, and its gradient passes")
    w = torch.tensor([nan, -1.0, 2.0], requires_grad=True)
    r = torch.relu(w)
    print(r)
    r.sum().backward()
    print(w.grad)
    print("# abs multiplies by sign(x): nan at 0 under an infinite gradient")
    a = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    torch.sqrt(torch.abs(a)).sum().backward()
    print(a.grad)


@scenario
def edge_sigmoid_tails():
    print("# sigmoid is 1 / (1 + exp(-x)): exactly 0 once exp(-x) overflows")
    x = torch.tensor([-100.0, -90.0, -88.72, 0.0, 3.0], requires_grad=True)
    s = torch.sigmoid(x)
    print(s)
    s.sum().backward()
    print(x.grad)
    u = torch.tensor([-100.0, -90.0, 0.0, 3.0], requires_grad=True)
    t = torch.sigmoid(u)
    print(t)
    t.sum().backward()
    print(u.grad)
    d = torch.tensor([-709.78, -709.79, -745.0, 0.0], dtype=F64, requires_grad=True)
    e = torch.sigmoid(d)
    print(e)
    e.sum().backward()
    print(d.grad)
    print(torch.sigmoid(torch.tensor(-800.0, dtype=F64)).item(), torch.sigmoid(torch.tensor(40.0)).item())


# ---------------------------------------------------------------------------
# Inverse trigonometric, hyperbolic and special functions
# ---------------------------------------------------------------------------
def mid(requires_grad=True, dtype=None):
    """A vector inside (-1, 1), for asin / acos / atanh."""
    return torch.tensor([0.5, -0.25, 0.9], requires_grad=requires_grad, dtype=dtype)


def above1(requires_grad=True, dtype=None):
    """A vector above 1, for acosh."""
    return torch.tensor([1.5, 2.0, 4.0], requires_grad=requires_grad, dtype=dtype)


def binary_grad(x, y, op):
    """z = op(x, y); z.sum().backward(); prints z, its grad_fn name, x.grad and y.grad."""
    z = op(x, y)
    print(z)
    print(fn_name(z))
    z.sum().backward()
    print(x.grad)
    print(y.grad)


def print_g15(*values):
    """Items to 15 significant digits: torch's kernels (SLEEF's acos, its erf and log10
    backward formulas) and the standard library's may differ in the last bit of a double."""
    print(" ".join("%.15g" % v for v in values))


def unary_grad_item(x, op):
    """unary_grad on a given x, then the sums of the value and of the gradient as items."""
    y = op(x)
    print(y)
    print(fn_name(y))
    y.sum().backward()
    print(x.grad)
    print_g15(y.sum().item(), x.grad.sum().item())


@scenario
def grad_atan():
    unary_grad(vec, torch.atan)


@scenario
def grad_asin():
    unary_grad(mid, torch.asin)


@scenario
def grad_acos():
    unary_grad(mid, torch.acos)


@scenario
def grad_sinh():
    unary_grad(vec, torch.sinh)


@scenario
def grad_cosh():
    unary_grad(vec, torch.cosh)


@scenario
def grad_asinh():
    unary_grad(vec, torch.asinh)


@scenario
def grad_acosh():
    unary_grad(above1, torch.acosh)


@scenario
def grad_atanh():
    unary_grad(mid, torch.atanh)


@scenario
def grad_erf():
    unary_grad(vec, torch.erf)


@scenario
def grad_erfc():
    unary_grad(vec, torch.erfc)


@scenario
def grad_log2():
    unary_grad(pos, torch.log2)


@scenario
def grad_log10():
    unary_grad(pos, torch.log10)


@scenario
def float64_special_unary():
    for make, op in ((vec, torch.atan), (mid, torch.asin), (mid, torch.acos), (vec, torch.sinh),
                     (vec, torch.cosh), (vec, torch.asinh), (above1, torch.acosh),
                     (mid, torch.atanh), (vec, torch.erf), (vec, torch.erfc), (pos, torch.log2),
                     (pos, torch.log10)):
        unary_grad_item(make(dtype=F64), op)


@scenario
def grad_atan2():
    print("# atan2(y, x): the angle of the point (x, y)")
    y = vec()
    x = torch.tensor([4.0, -5.0, 8.0], requires_grad=True)
    binary_grad(y, x, torch.atan2)


@scenario
def grad_hypot():
    x = vec()
    y = torch.tensor([4.0, -5.0, 8.0], requires_grad=True)
    binary_grad(x, y, torch.hypot)


@scenario
def grad_maximum():
    x = vec()
    y = torch.tensor([1.0, -1.0, 3.0], requires_grad=True)
    binary_grad(x, y, torch.maximum)
    print("# torch.max of two tensors is torch.maximum")
    u = vec()
    v = torch.tensor([1.0, -1.0, 3.0], requires_grad=True)
    binary_grad(u, v, torch.max)


@scenario
def grad_minimum():
    x = vec()
    y = torch.tensor([1.0, -1.0, 3.0], requires_grad=True)
    binary_grad(x, y, torch.minimum)
    print("# torch.min of two tensors is torch.minimum")
    u = vec()
    v = torch.tensor([1.0, -1.0, 3.0], requires_grad=True)
    binary_grad(u, v, torch.min)


@scenario
def grad_clamp():
    x = torch.tensor([-3.0, -0.5, 0.25, 1.5, 4.0], requires_grad=True)
    y = torch.clamp(x, -1.0, 2.0)
    print(y)
    print(fn_name(y))
    y.sum().backward()
    print(x.grad)
    u = torch.tensor([-3.0, -0.5, 0.25, 1.5, 4.0], requires_grad=True)
    v = torch.clamp_min(u, 0.0)
    print(v)
    print(fn_name(v))
    v.sum().backward()
    print(u.grad)
    w = torch.tensor([-3.0, -0.5, 0.25, 1.5, 4.0], requires_grad=True)
    m = torch.clamp_max(w, 1.0)
    print(m)
    print(fn_name(m))
    m.sum().backward()
    print(w.grad)


@scenario
def float64_special_binary():
    for op in (torch.atan2, torch.hypot, torch.maximum, torch.minimum):
        x = torch.tensor([0.1, 0.7, -1.3], dtype=F64, requires_grad=True)
        y = torch.tensor([0.3, -0.2, -1.3], dtype=F64, requires_grad=True)
        z = op(x, y)
        print(z)
        print(fn_name(z))
        z.sum().backward()
        print(x.grad)
        print(y.grad)
        print_g15(z.sum().item(), x.grad.sum().item(), y.grad.sum().item())
    c = torch.tensor([0.1, 0.7, -1.3, 0.5], dtype=F64, requires_grad=True)
    d = torch.clamp(c, -1.0, 0.5)
    print(d)
    print(fn_name(d))
    d.sum().backward()
    print(c.grad)


@scenario
def grad_fn_names_special():
    x = vec()
    y = torch.tensor([4.0, 5.0, 6.0], requires_grad=True)
    for t in (x.atan(), x.asin(), x.acos(), x.sinh(), x.cosh(), x.asinh(), x.acosh(), x.atanh(),
              x.erf(), x.erfc(), x.log2(), x.log10(), torch.atan2(x, y), torch.hypot(x, y),
              torch.maximum(x, y), torch.minimum(x, y), torch.max(x, y), torch.min(x, y),
              torch.clamp_min(x, 0.0), torch.clamp_max(x, 1.0), torch.clamp(x, 0.0, 1.0),
              torch.nn.functional.softplus(x)):
        print(fn_name(t))


@scenario
def next_functions_special():
    x = vec()
    y = torch.tensor([4.0, 5.0, 6.0], requires_grad=True)
    c = torch.tensor([1.0, 1.0, 1.0])
    print("# clamp with two number bounds is one node, ClampBackward1, with one edge")
    print(next_fns(torch.clamp(x, 0.0, 1.0)))
    print(next_fns(torch.clamp_min(x, 2.0)))
    print(next_fns(torch.clamp_max(x, 2.0)))
    print(next_fns(torch.clamp(x * 2.0, -1.0, 1.0)))
    print(next_fns(torch.clamp_min(x, 2.0) * 3.0))
    print(next_fns(torch.maximum(x, y)))
    print(next_fns(torch.minimum(c, x)))
    print(next_fns(torch.atan2(x, c)))
    print(next_fns(torch.hypot(x.exp(), y)))
    print(next_fns(x.erf().atan()))


# ---------------------------------------------------------------------------
# The special functions at their edges
# ---------------------------------------------------------------------------
@scenario
def edge_maximum_tie_nan():
    print("# at a tie each operand gets half the gradient")
    nan = float("nan")
    x = torch.tensor([1.0, 2.0, -3.0, 0.0], requires_grad=True)
    y = torch.tensor([1.0, 1.0, -3.0, -0.0], requires_grad=True)
    z = torch.maximum(x, y)
    print(z)
    z.backward(torch.tensor([1.0, 1.0, 3.0, 5.0]))
    print(x.grad)
    print(y.grad)
    u = torch.tensor([1.0, 2.0, -3.0, 0.0], requires_grad=True)
    v = torch.tensor([1.0, 1.0, -3.0, -0.0], requires_grad=True)
    w = torch.minimum(u, v)
    print(w)
    w.backward(torch.tensor([1.0, 1.0, 3.0, 5.0]))
    print(u.grad)
    print(v.grad)
    print("# nan wins, and both operands get the whole gradient")
    a = torch.tensor([nan, 1.0, nan, 2.0], requires_grad=True)
    b = torch.tensor([1.0, nan, nan, 1.0], requires_grad=True)
    m = torch.maximum(a, b)
    print(m)
    m.sum().backward()
    print(a.grad)
    print(b.grad)
    p = torch.tensor([nan, 1.0, nan, 2.0], requires_grad=True)
    q = torch.tensor([1.0, nan, nan, 1.0], requires_grad=True)
    n = torch.minimum(p, q)
    print(n)
    n.sum().backward()
    print(p.grad)
    print(q.grad)
    print("# float64, and a tensor with itself")
    r = torch.tensor([0.5, nan, 2.0], dtype=F64, requires_grad=True)
    s = torch.tensor([0.5, 0.5, 3.0], dtype=F64, requires_grad=True)
    (torch.maximum(r, s) + torch.minimum(r, s)).sum().backward()
    print(r.grad)
    print(s.grad)
    t = vec()
    torch.maximum(t, t).sum().backward()
    print(t.grad)


@scenario
def edge_clamp_bounds():
    print("# the bounds are included; nan stays nan with the gradient 0")
    nan = float("nan")
    x = torch.tensor([nan, -1.0, 0.5, 1.0, 2.0, 3.0], requires_grad=True)
    y = torch.clamp(x, 0.5, 2.0)
    print(y)
    y.sum().backward()
    print(x.grad)
    u = torch.tensor([nan, -1.0, 0.5, 1.0, 2.0, 3.0], requires_grad=True)
    v = torch.clamp_min(u, 0.5)
    print(v)
    v.sum().backward()
    print(u.grad)
    w = torch.tensor([nan, -1.0, 0.5, 1.0, 2.0, 3.0], requires_grad=True)
    m = torch.clamp_max(w, 2.0)
    print(m)
    m.sum().backward()
    print(w.grad)
    print("# lo > hi: every value is hi, and nothing passes")
    a = torch.tensor([nan, -1.0, 0.5, 1.0, 2.0, 3.0], requires_grad=True)
    b = torch.clamp(a, 2.0, 0.5)
    print(b)
    b.sum().backward()
    print(a.grad)
    print("# lo == hi")
    c = torch.tensor([0.0, 1.0, 2.0], requires_grad=True)
    d = torch.clamp(c, 1.0, 1.0)
    print(d)
    d.sum().backward()
    print(c.grad)
    print("# float64, infinite inputs")
    inf = float("inf")
    e = torch.tensor([-inf, 0.5, inf, nan], dtype=F64, requires_grad=True)
    f = torch.clamp(e, -1.0, 1.0)
    print(f)
    f.backward(torch.tensor([2.0, 3.0, 4.0, 5.0], dtype=F64))
    print(e.grad)


@scenario
def edge_hypot_origin():
    print("# at (0, 0) the gradient is 0/0: nan")
    x = torch.tensor([0.0, 0.0, -0.0, 3.0], requires_grad=True)
    y = torch.tensor([0.0, 3.0, 0.0, -4.0], requires_grad=True)
    h = torch.hypot(x, y)
    print(h)
    h.sum().backward()
    print(x.grad)
    print(y.grad)
    print("# no overflow of the squares")
    a = torch.tensor([3e30, 1e-30], requires_grad=True)
    b = torch.tensor([4e30, 1e-30], requires_grad=True)
    r = torch.hypot(a, b)
    print(r)
    r.sum().backward()
    print(a.grad)
    print(b.grad)
    p = torch.tensor([0.0, 3e300], dtype=F64, requires_grad=True)
    q = torch.tensor([0.0, 4e300], dtype=F64, requires_grad=True)
    s = torch.hypot(p, q)
    print(s)
    s.sum().backward()
    print(p.grad)
    print(q.grad)


@scenario
def edge_atan2_quadrants():
    print("# the four quadrants, then the axes and the origin")
    y = torch.tensor([1.0, 1.0, -1.0, -1.0, 0.0, 2.0, 0.0, -2.0, 0.0], requires_grad=True)
    x = torch.tensor([1.0, -1.0, -1.0, 1.0, 2.0, 0.0, -2.0, 0.0, 0.0], requires_grad=True)
    a = torch.atan2(y, x)
    print(a)
    a.sum().backward()
    print(y.grad)
    print(x.grad)
    print("# signed zeros pick the branch")
    u = torch.tensor([0.0, -0.0, 0.0, -0.0], dtype=F64, requires_grad=True)
    v = torch.tensor([0.0, 0.0, -0.0, -0.0], dtype=F64, requires_grad=True)
    b = torch.atan2(u, v)
    print(b)
    print(b.sum().item())
    b.sum().backward()
    print(u.grad)
    print(v.grad)
    print("# float64 on the negative x axis")
    p = torch.tensor([1e-300, -1e-300, 0.0], dtype=F64, requires_grad=True)
    q = torch.tensor([-1.0, -1.0, -1.0], dtype=F64, requires_grad=True)
    c = torch.atan2(p, q)
    print(c)
    c.sum().backward()
    print(p.grad)
    print(q.grad)


@scenario
def edge_domain_nan():
    print("# outside the domain the value is nan; at the ends of it +-inf")
    nan = float("nan")
    x = torch.tensor([-2.0, -1.0, 1.0, 2.0, nan], requires_grad=True)
    a = torch.asin(x)
    print(a)
    a.sum().backward()
    print(x.grad)
    u = torch.tensor([-2.0, -1.0, 1.0, 2.0], requires_grad=True)
    b = torch.acos(u)
    print(b)
    b.sum().backward()
    print(u.grad)
    v = torch.tensor([0.5, -1.0, 1.0, 1.5], requires_grad=True)
    c = torch.acosh(v)
    print(c)
    c.sum().backward()
    print(v.grad)
    w = torch.tensor([-1.5, -1.0, 1.0, 1.5], requires_grad=True)
    d = torch.atanh(w)
    print(d)
    d.sum().backward()
    print(w.grad)
    print("# log2 and log10 at 0 and below")
    p = torch.tensor([0.0, -1.0, 8.0], requires_grad=True)
    e = torch.log2(p)
    print(e)
    e.sum().backward()
    print(p.grad)
    q = torch.tensor([0.0, -1.0, 1000.0], requires_grad=True)
    f = torch.log10(q)
    print(f)
    f.sum().backward()
    print(q.grad)
    print("# float64")
    r = torch.tensor([1.0, 1.0 + 1e-12, 0.999], dtype=F64, requires_grad=True)
    g = torch.acosh(r)
    print(g)
    g.sum().backward()
    print(r.grad)
    s = torch.tensor([1.0, 1.0 - 1e-12, 2.0], dtype=F64, requires_grad=True)
    h = torch.atanh(s) + torch.asin(s)
    print(h)
    h.sum().backward()
    print(s.grad)


@scenario
def edge_erf_tails():
    print("# erf saturates at +-1, erfc reaches 2 and underflows to 0; exp(-x*x) underflows")
    x = torch.tensor([-10.0, -5.0, 5.0, 10.0, 30.0], requires_grad=True)
    e = torch.erf(x)
    print(e)
    e.sum().backward()
    print(x.grad)
    u = torch.tensor([-10.0, -5.0, 5.0, 9.0, 30.0], requires_grad=True)
    c = torch.erfc(u)
    print(c)
    c.sum().backward()
    print(u.grad)
    d = torch.tensor([-30.0, 5.0, 10.0, 26.0, 30.0], dtype=F64, requires_grad=True)
    f = torch.erfc(d)
    print(f)
    f.sum().backward()
    print(d.grad)
    print(torch.erfc(torch.tensor(10.0, dtype=F64)).item(), torch.erf(torch.tensor(0.5)).item())


@scenario
def edge_sinh_cosh_overflow():
    print("# sinh and cosh overflow to +-inf, with infinite gradients")
    x = torch.tensor([-90.0, -89.0, 0.0, 89.0, 90.0], requires_grad=True)
    s = torch.sinh(x)
    print(s)
    s.sum().backward()
    print(x.grad)
    u = torch.tensor([-90.0, -89.0, 0.0, 89.0, 90.0], requires_grad=True)
    c = torch.cosh(u)
    print(c)
    c.sum().backward()
    print(u.grad)
    print("# atan and asinh at large |x|")
    v = torch.tensor([-1e20, 1e20, 1e-20], requires_grad=True)
    a = torch.atan(v) + torch.asinh(v)
    print(a)
    a.sum().backward()
    print(v.grad)


# ---------------------------------------------------------------------------
# Statements mixing them, and a user's op
# ---------------------------------------------------------------------------
@scenario
def chain_special_mixed():
    x = vec()
    y = torch.tensor([4.0, -5.0, 8.0], requires_grad=True)
    z = torch.atan2(x, y) * torch.erf(x) + torch.hypot(x, y)
    print(z)
    print(fn_name(z), next_fns(z))
    z.sum().backward()
    print(x.grad)
    print(y.grad)
    u = torch.tensor([0.3, -0.8, 1.7], requires_grad=True)
    v = torch.clamp(torch.sinh(u), -0.5, 2.0) * torch.maximum(torch.log2(u * u), torch.atan(u)) - torch.acosh(u * u + 1.5)
    print(v)
    print(fn_name(v), next_fns(v))
    v.sum().backward()
    print(u.grad)
    print("# float64")
    a = torch.tensor([0.1, 0.7, -1.3], dtype=F64, requires_grad=True)
    b = torch.tensor([0.3, -0.2, 2.5], dtype=F64, requires_grad=True)
    c = torch.atan2(a, b) * torch.erfc(a) + torch.hypot(a, b) / torch.minimum(a, b).cosh()
    print(c)
    c.sum().backward()
    print(a.grad)
    print(b.grad)
    print_g15(c.sum().item(), a.grad.sum().item(), b.grad.sum().item())


@scenario
def apply_softplus():
    print("# a user's op: softplus(a) = log1p(exp(a)), d/da = sigmoid(a)")
    x = vec()
    y = torch.nn.functional.softplus(x)
    print(y)
    print(fn_name(y), next_fns(y))
    y.sum().backward()
    print(x.grad)
    u = torch.tensor([-20.0, -1.0, 0.0, 1.0, 15.0], dtype=F64, requires_grad=True)
    v = torch.nn.functional.softplus(u)
    print(v)
    v.sum().backward()
    print(u.grad)
    print(v.sum().item())


@scenario
def apply_softplus_chain():
    x = vec()
    y = torch.tensor([4.0, -5.0, 8.0], requires_grad=True)
    z = torch.nn.functional.softplus(torch.atan2(x, y)) * torch.clamp(y, -1.0, 6.0) + torch.maximum(torch.nn.functional.softplus(x), torch.erf(y))
    print(z)
    print(fn_name(z), next_fns(z))
    z.sum().backward()
    print(x.grad)
    print(y.grad)
    print("# the op's result kept and reused")
    s = torch.nn.functional.softplus(x * 2.0)
    t = torch.hypot(s, y) - torch.clamp_min(s, 1.0)
    print(t)
    print(fn_name(s), next_fns(s))
    print(fn_name(t), next_fns(t))
    t.sum().backward()
    print(x.grad)
    print(y.grad)

# ---------------------------------------------------------------------------
# ---------------------------------------------------------------------------
# Beyond the tutorial: full broadcasting, rank 3 and 4, shapes, reductions over a
# dimension, matrix products
# ---------------------------------------------------------------------------
@scenario
def broadcast_row_to_matrix():
    x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    b = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = x * b + b
    print(y)
    print(next_fns(y))
    (y * y).sum().backward()
    print(x.grad)
    print(b.grad)


@scenario
def broadcast_outer():
    c = torch.tensor([[1.0], [2.0], [3.0]], requires_grad=True)
    r = torch.tensor([[1.0, 10.0]], requires_grad=True)
    o = c * r - r
    print(o)
    print(o.shape)
    o.pow(2).sum().backward()
    print(c.grad)
    print(r.grad)


@scenario
def broadcast_rank3():
    a = torch.tensor([[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]], requires_grad=True)
    s = torch.tensor([[0.5], [2.0]], requires_grad=True)
    y = a * s
    print(y)
    print(y.shape)
    y.sum().backward()
    print(a.grad)
    print(s.grad)


@scenario
def broadcast_inplace_row():
    x = torch.zeros(2, 3)
    x += torch.tensor([1.0, 2.0, 3.0])
    print(x)
    try:
        y = torch.zeros(3)
        y += torch.ones(2, 3)
    except RuntimeError as e:
        show_error(e)


@scenario
def rank4_print():
    t = torch.arange(24.0).reshape(1, 2, 3, 4)
    print(t)
    print(t.shape)
    print(t.sum(3))


@scenario
def shape_views():
    x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    r = x.reshape(3, 2)
    print(r)
    print(fn_name(r))
    v = x.view(-1)
    print(v)
    print(fn_name(v))
    u = x.unsqueeze(1)
    print(u.shape)
    print(fn_name(u))
    print(u.squeeze().shape)
    print(fn_name(u.squeeze()))
    print(u.squeeze(1).shape)
    print(fn_name(u.squeeze(1)))
    print(x.unsqueeze(-1).shape)
    (r * torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum().backward()
    print(x.grad)


@scenario
def shape_transpose():
    x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    t = x.t()
    print(t)
    print(fn_name(t))
    tt = x.T
    print(fn_name(tt))
    tr = x.transpose(0, 1)
    print(fn_name(tr))
    (t * torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum().backward()
    print(x.grad)


@scenario
def shape_expand():
    b = torch.tensor([1.0, 2.0], requires_grad=True)
    e = b.expand(3, 2)
    print(e)
    print(fn_name(e))
    (e * torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).sum().backward()
    print(b.grad)
    c = torch.tensor([[1.0], [2.0]]).expand(-1, 3)
    print(c)


@scenario
def reduce_dim():
    x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    s0 = x.sum(0)
    print(s0)
    print(fn_name(s0))
    s1 = x.sum(1, keepdim=True)
    print(s1)
    m = x.mean(-1)
    print(m)
    print(fn_name(m))
    m0 = x.mean(0, keepdim=True)
    print(m0)
    (s0.sum() + (s1 * 2).sum() + (m * m).sum()).backward()
    print(x.grad)


@scenario
def reduce_dim_rank3():
    a = torch.arange(12.0).reshape(2, 3, 2).requires_grad_()
    s = a.sum(1)
    print(s)
    print(a.mean(2, keepdim=True))
    s.pow(2).sum().backward()
    print(a.grad)


@scenario
def matmul_mm():
    a = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    w = torch.tensor([[0.5, -1.0], [2.0, 0.25], [-0.5, 1.5]], requires_grad=True)
    y = a @ w
    print(y)
    print(fn_name(y))
    print(next_fns(y))
    (y * y).sum().backward()
    print(a.grad)
    print(w.grad)
    z = torch.mm(a, w)
    print(z)


@scenario
def matmul_vectors():
    a = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    v = torch.tensor([1.0, -1.0, 2.0], requires_grad=True)
    r = torch.tensor([0.5, 2.0], requires_grad=True)
    mv = a @ v
    print(mv)
    print(fn_name(mv))
    vm = r @ a
    print(vm)
    print(fn_name(vm))
    d = v @ v
    print(d)
    print(fn_name(d))
    (mv.sum() + vm.sum() + d).backward()
    print(a.grad)
    print(v.grad)
    print(r.grad)


@scenario
def matmul_chain_bias():
    torch.manual_seed(0)
    x = torch.randn(4, 3)
    w = torch.randn(3, 2, requires_grad=True)
    b = torch.randn(2, requires_grad=True)
    h = torch.tanh(x @ w + b)
    print(h)
    loss = h.pow(2).mean()
    print(loss)
    loss.backward()
    print(w.grad)
    print(b.grad)


@scenario
def error_shapes():
    x = torch.ones(2, 3)
    for f in (lambda: x.reshape(4, 2), lambda: x.view(-1, -1), lambda: x.sum(2), lambda: x.unsqueeze(3),
              lambda: x.transpose(0, 2), lambda: x.expand(3, 3), lambda: x @ torch.ones(2, 3),
              lambda: x @ torch.ones(2), lambda: torch.ones(3) @ torch.ones(4), lambda: torch.mm(torch.ones(3), x),
              lambda: torch.ones(2, 3, 4).t()):
        try:
            f()
        except (RuntimeError, IndexError) as e:
            show_error(e)



# ---------------------------------------------------------------------------
# torch.nn.functional and torch.optim
# ---------------------------------------------------------------------------
@scenario
def nn_mse_l1():
    import torch.nn.functional as F
    x = torch.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
    y = torch.tensor([[1.0, 0.0], [1.5, 0.25]])
    for reduction in ("mean", "sum", "none"):
        loss = F.mse_loss(x, y, reduction=reduction)
        print(loss)
    loss = F.mse_loss(x, y)
    loss.backward()
    print(x.grad)
    x.grad = None
    l1 = F.l1_loss(x, y)
    print(l1)
    l1.backward()
    print(x.grad)


@scenario
def nn_bce():
    import torch.nn.functional as F
    z = torch.tensor([-2.0, 0.5, 3.0, -0.25], requires_grad=True)
    t = torch.tensor([0.0, 1.0, 1.0, 0.0])
    loss = F.binary_cross_entropy_with_logits(z, t)
    print(loss)
    loss.backward()
    print(z.grad)
    p = torch.sigmoid(z.detach()).requires_grad_()
    loss2 = F.binary_cross_entropy(p, t)
    print(loss2)
    loss2.backward()
    print(p.grad)
    print(F.binary_cross_entropy(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.0])))


@scenario
def nn_linear():
    import torch.nn.functional as F
    torch.manual_seed(1)
    x = torch.randn(3, 4)
    w = torch.randn(2, 4, requires_grad=True)
    b = torch.randn(2, requires_grad=True)
    y = F.linear(x, w, b)
    print(y)
    print(fn_name(y))
    print(next_fns(y))
    y.pow(2).sum().backward()
    print(w.grad)
    print(b.grad)
    print(F.linear(x, w))


@scenario
def nn_softmax():
    import torch.nn.functional as F
    x = torch.tensor([[1.0, 2.0, 3.0], [1.0, -1.0, 0.0]], requires_grad=True)
    s = F.softmax(x, dim=1)
    print(s)
    print(fn_name(s))
    ls = F.log_softmax(x, dim=-1)
    print(ls)
    print(fn_name(ls))
    (s * torch.tensor([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]])).sum().backward()
    print(x.grad)
    x.grad = None
    (ls * torch.tensor([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]])).sum().backward()
    print(x.grad)
    print(F.softmax(x, dim=0))


@scenario
def optim_sgd():
    w = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, momentum=0.9, weight_decay=0.01)
    for step in range(5):
        opt.zero_grad()
        loss = (w * w * torch.tensor([1.0, 2.0, 3.0])).sum()
        loss.backward()
        opt.step()
        print(step, loss.item(), w)
    print(w.grad)
    opt.zero_grad()
    print(w.grad)


@scenario
def optim_sgd_nesterov_zero():
    w = torch.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.05, momentum=0.5, nesterov=True)
    for step in range(3):
        opt.zero_grad(set_to_none=False)
        loss = w.pow(2).mean()
        loss.backward()
        opt.step()
    print(w)
    print(w.grad)
    print(w._version)


@scenario
def optim_adam():
    w = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
    b = torch.tensor(0.25, requires_grad=True)
    opt = torch.optim.Adam([w, b], lr=0.1)
    for step in range(5):
        opt.zero_grad()
        loss = ((w * torch.tensor([1.0, 2.0, 3.0]) + b - 1) ** 2).sum()
        loss.backward()
        opt.step()
        print(step, loss.item())
    print(w)
    print(b)
    opt2 = torch.optim.Adam([w], lr=0.01, weight_decay=0.1, amsgrad=True)
    for step in range(3):
        opt2.zero_grad()
        (w ** 2).sum().backward()
        opt2.step()
    print(w)


@scenario
def error_nn_optim():
    import torch.nn.functional as F
    w = torch.tensor([0.2, 0.7], requires_grad=True)
    for f in (lambda: F.mse_loss(w, torch.ones(2), reduction="bad"),
              lambda: torch.optim.SGD([w], lr=-0.1),
              lambda: torch.optim.SGD([w], lr=0.1, nesterov=True),
              lambda: torch.optim.Adam([w], lr=0.1, betas=(1.0, 0.9)),
              lambda: torch.optim.Adam([w], eps=-1.0),
              lambda: F.binary_cross_entropy(w * 2, torch.ones(2)),
              lambda: torch.optim.SGD([], lr=0.1),
              lambda: torch.optim.SGD([w * 2], lr=0.1),
              lambda: F.softmax(w, 1)):
        try:
            f()
        except (RuntimeError, ValueError, IndexError) as e:
            show_error(e)



@scenario
def method_forms():
    x = torch.tensor([0.5, 1.5, -2.0], requires_grad=True)
    y = x.exp() + x.sin() * x.tanh() - x.sigmoid() + x.abs().sqrt() + x.neg().relu()
    print(y)
    print(fn_name(y))
    y.sum().backward()
    print(x.grad)
    z = (x * 2).log1p().expm1().reciprocal()
    print(z)
    print((x * x).cos().tan())


@scenario
def inplace_named():
    a = torch.tensor([1.0, 2.0, 3.0])
    a.add_(torch.tensor([0.5, 0.5, 0.5]))
    a.mul_(2)
    a.sub_(1)
    a.div_(torch.tensor([1.0, 2.0, 4.0]))
    print(a)
    print(a._version)
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    h = w * 3
    h.add_(w)
    print(h)
    print(fn_name(h))
    h.sum().backward()
    print(w.grad)
    try:
        w.mul_(2)
    except RuntimeError as e:
        show_error(e)


@scenario
def select_narrow():
    x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    r = x[1]
    print(r)
    print(fn_name(r))
    c = x.select(1, -1)
    print(c)
    n = x.narrow(1, 1, 2)
    print(n)
    print(fn_name(n))
    (r.sum() + (c * 10).sum() + (n * 100).sum()).backward()
    print(x.grad)
    print(x[-2])


@scenario
def cat_stack():
    a = torch.tensor([[1.0, 2.0]], requires_grad=True)
    b = torch.tensor([[3.0, 4.0], [5.0, 6.0]])
    c = torch.cat([a, b])
    print(c)
    print(fn_name(c))
    print(next_fns(c))
    print(torch.cat([b, b], dim=1))
    s = torch.stack([a[0], b[1]], dim=1)
    print(s)
    print(fn_name(s))
    (c.sum() + (s * 10).sum()).backward()
    print(a.grad)


@scenario
def error_index_cat():
    x = torch.ones(2, 3)
    for f in (lambda: x.select(0, 5), lambda: x[5], lambda: x[-3], lambda: x.narrow(1, 2, 2),
              lambda: torch.cat([]), lambda: torch.cat([torch.ones(2, 2), torch.ones(3, 3)], 1),
              lambda: torch.cat([torch.ones(2, 2), torch.ones(2)]),
              lambda: torch.stack([torch.ones(2), torch.ones(3)]), lambda: torch.stack([])):
        try:
            f()
        except (RuntimeError, IndexError) as e:
            show_error(e)



class Exp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        r = x.exp()
        ctx.save_for_backward(r)
        return r

    @staticmethod
    def backward(ctx, grad):
        (r,) = ctx.saved_tensors
        return grad * r


class ScaledProduct(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b, scale):
        ctx.save_for_backward(a, b)
        ctx.scale = scale
        return a * b * scale

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad * b * ctx.scale, grad * a * ctx.scale, None


class WrongShape(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return torch.ones(3)


class WrongCount(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return grad, grad


@scenario
def custom_function():
    x = torch.tensor([0.5, 1.0, -1.0], requires_grad=True)
    y = Exp.apply(x)
    print(y)
    print(fn_name(y))
    print(next_fns(y))
    (y * y).sum().backward()
    print(x.grad)
    print(Exp.apply(torch.tensor([1.0])))
    try:
        y.sum().backward()
    except RuntimeError as e:
        show_error(e)


@scenario
def custom_function_two_inputs():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, -1.0])
    p = ScaledProduct.apply(a, b, 0.5)
    print(p)
    print(fn_name(p))
    print(next_fns(p))
    q = (p + a).sum()
    q.backward()
    print(a.grad)
    print(b.grad)


@scenario
def error_custom_function():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    for f in (WrongShape, WrongCount):
        try:
            f.apply(x).sum().backward()
        except RuntimeError as e:
            show_error(e)



@scenario
def autograd_grad():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    h = x * w
    loss = (h * h).sum()
    gx, gw = torch.autograd.grad(loss, [x, w], retain_graph=True)
    print(gx)
    print(gw)
    print(x.grad)
    (gh,) = torch.autograd.grad(loss, [h], retain_graph=True)
    print(gh)
    (g2,) = torch.autograd.grad([h], [x], grad_outputs=[torch.tensor([1.0, 0.0, -1.0])], retain_graph=True)
    print(g2)
    loss.backward()
    print(x.grad)
    u = torch.tensor([1.0], requires_grad=True)
    print(torch.autograd.grad((x * 2).sum(), [x, u], allow_unused=True))


@scenario
def tensor_hooks():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: g * 2)
    y = x * x
    y.register_hook(lambda g: print("y's gradient:", g))
    z = y * 3
    z.sum().backward()
    print(x.grad)
    w = torch.tensor([1.0, -1.0], requires_grad=True)
    w.register_hook(lambda g: g + 1)
    w.register_hook(lambda g: g * 10)
    (w * 5).sum().backward()
    print(w.grad)


@scenario
def error_grad_hooks():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    for f in (lambda: torch.autograd.grad(y.sum(), [x, torch.ones(2)]),
              lambda: torch.autograd.grad(y.sum(), [torch.ones(2, requires_grad=True)]),
              lambda: torch.autograd.grad(y, [x]),
              lambda: torch.autograd.grad(torch.ones(2).sum(), [x]),
              lambda: torch.ones(2).register_hook(lambda g: g)):
        try:
            f()
        except RuntimeError as e:
            show_error(e)
    x.register_hook(lambda g: torch.ones(3))
    try:
        (x * 2).sum().backward()
    except RuntimeError as e:
        show_error(e)



@scenario
def reduce_amax_logsumexp():
    x = torch.tensor([[1.0, 3.0, 3.0], [2.0, -1.0, 0.0]], requires_grad=True)
    a = x.amax(1)
    print(a)
    print(fn_name(a))
    m = torch.amin(x, 0, keepdim=True)
    print(m)
    lse = torch.logsumexp(x, 1)
    print(lse)
    print(fn_name(lse))
    (a.sum() + m.sum() + lse.sum()).backward()
    print(x.grad)


@scenario
def matmul_batched():
    a = torch.tensor([[[1.0, 2.0], [3.0, 4.0]], [[0.5, -1.0], [2.0, 0.0]]], requires_grad=True)
    b = torch.tensor([[[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]], [[2.0, 1.0, 0.0], [1.0, 1.0, 1.0]]], requires_grad=True)
    c = torch.bmm(a, b)
    print(c)
    print(fn_name(c))
    d = a @ b
    print(fn_name(d))
    (c * c).sum().backward()
    print(a.grad)
    print(b.grad)
    for f in (lambda: torch.bmm(torch.ones(2, 3, 4), torch.ones(3, 4, 5)),
              lambda: torch.bmm(torch.ones(3, 4), torch.ones(2, 3, 5))):
        try:
            f()
        except RuntimeError as e:
            show_error(e)



@scenario
def detect_anomaly_nan():
    x = torch.tensor([-1.0, 4.0], requires_grad=True)
    with torch.autograd.detect_anomaly():
        y = torch.sqrt(x)
        z = y * 0
        try:
            z.sum().backward()
        except RuntimeError as e:
            show_error(e)
        a = torch.tensor([0.0, 1.0], requires_grad=True)
        b = torch.tensor([0.0, 2.0], requires_grad=True)
        q = a / b
        try:
            q.sum().backward()
        except RuntimeError as e:
            show_error(e)
    print(torch.is_anomaly_enabled())
    y = torch.sqrt(x)
    (y * 0).sum().backward()
    print(x.grad)


# ---- torch.int64 and torch.bool, comparisons, where, max / argmax, cross_entropy ----------

@scenario
def int_tensor_print():
    print(torch.arange(5))
    print(torch.tensor([1, -10, 3]))
    print(torch.tensor([[1, 2], [30, 4]]))
    print(torch.tensor(7), torch.tensor(True))
    print(torch.tensor([True, False]))
    print(torch.tensor([[True, False], [False, True]]))
    print(torch.tensor([], dtype=torch.int64), torch.zeros(0, 2, dtype=torch.bool))
    print(torch.arange(1200))
    print(torch.arange(2, 11, 3), torch.arange(5, 0, -2))
    print(torch.zeros(2, dtype=torch.int64), torch.ones(3, dtype=torch.bool), torch.full((2,), 7))


@scenario
def int_tensor_reduce():
    t = torch.tensor([[3, -1, 4], [1, 5, 9]])
    print(t.sum(), t.sum(0), t.sum(1, keepdim=True))
    b = torch.tensor([True, False, True, True])
    print(b.sum(), b.sum().item())
    print(t[1], t[0][2].item(), t[-1].item() if t[-1].numel() == 1 else t[-1])
    print(t.reshape(3, 2), t.view(-1))
    print(t.requires_grad, t.is_leaf, t.grad_fn)


@scenario
def int_tensor_errors():
    for f in (lambda: torch.tensor([1, 2], requires_grad=True),
              lambda: torch.arange(3).mean(),
              lambda: torch.tensor([True]).mean(),
              lambda: torch.arange(3).requires_grad_(),
              lambda: torch.arange(3)[3],
              lambda: torch.arange(3).item()):
        try:
            f()
        except (RuntimeError, ValueError, IndexError) as e:
            show_error(e)


@scenario
def compare_ops():
    x = torch.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]], requires_grad=True)
    print(x > 2)
    print(x <= 3, x == 4, x != 4)
    print(2 < x[0], 5.0 >= x[1])
    a = torch.tensor([0, 2, 2])
    print(torch.arange(3) == a, torch.eq(a, 2), torch.ne(a, torch.arange(3)))
    print(torch.lt(x, 3.5), torch.ge(a, 1), torch.gt(x[0], x[1]), torch.le(x[0], 3))
    print(torch.tensor([[1.0], [2.0], [3.0]]) < torch.tensor([[1.5, 2.5, 3.5]]))
    print(torch.tensor(0.1) > 0.1, torch.tensor(0.1, dtype=F64) > 0.1)
    print(torch.tensor([1, 2, 3]) > 1.5, torch.tensor([float("nan"), 1.0]) == torch.tensor([float("nan"), 1.0]))
    print((x > 2).requires_grad, (x > 2).grad_fn)


@scenario
def bool_logic():
    a = torch.tensor([True, True, False, False])
    b = torch.tensor([True, False, True, False])
    print(a & b, a | b)
    print(a ^ b, ~a)
    x = torch.tensor([-1.0, 0.5, 2.0, 3.0])
    print((x > 0) & (x < 2.5))


@scenario
def dtype_promotion():
    i = torch.arange(3)
    f = torch.tensor([0.5, 1.0, 2.0])
    print(i + f, f * i, i - f)
    print(i * 2, i + 1, 3 - i, i * i)
    print(i / 2, i * 1.5, i / torch.tensor([1, 2, 4]))
    print(i + torch.tensor([0.5, 1.0, 2.0], dtype=F64))
    print(torch.tensor([True, False, True]) * f)
    print((i + f).dtype == torch.float32, (i * 2).dtype == torch.int64)


@scenario
def dtype_promotion_grad():
    x = torch.tensor([0.5, 1.5, -2.0], requires_grad=True)
    labels = torch.tensor([1, 0, 2])
    y = x * labels + labels
    print(y)
    y.sum().backward()
    print(x.grad)
    z = (x > 0) * x
    print(z, fn_name(z))


@scenario
def dtype_conversion():
    i = torch.tensor([3, -2, 0])
    print(i.float(), i.double(), i.bool())
    f = torch.tensor([1.7, -1.7, 0.0, 2.5])
    print(f.long(), f.bool(), f.double())
    print(torch.tensor([True, False]).long(), torch.tensor([True, False]).float())
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    print(x.long(), x.long().requires_grad)


@scenario
def max_min_dim():
    x = torch.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]], requires_grad=True)
    m = torch.max(x, 1)
    print(m.values, m.indices)
    print(torch.max(x, 1, keepdim=True))
    values, indices = torch.min(x, 0)
    print(values, indices, fn_name(values))
    (m.values.sum() + 2 * values.sum()).backward()
    print(x.grad)
    t = torch.tensor([[2.0, 7.0, 7.0], [1.0, 1.0, 0.0]], requires_grad=True)
    v, i = torch.max(t, 1)
    print(v, i)
    v.sum().backward()
    print(t.grad)
    print(torch.max(torch.tensor([[3, 9], [8, 1]]), 0))
    print(torch.max(torch.tensor(2.5), 0))


@scenario
def max_min_full():
    x = torch.tensor([[1.0, 6.0, 3.0], [6.0, 2.0, 0.5]], requires_grad=True)
    m = torch.max(x)
    print(m, fn_name(m))
    m.backward()
    print(x.grad)
    x.grad = None
    n = x.min()
    print(n, fn_name(n))
    n.backward()
    print(x.grad)
    for f in (lambda: torch.max(torch.ones(0)), lambda: torch.max(x, 2)):
        try:
            f()
        except (RuntimeError, IndexError) as e:
            show_error(e)


@scenario
def argmax_argmin():
    x = torch.tensor([[1.0, 5.0, 5.0], [4.0, 2.0, 6.0]])
    print(torch.argmax(x), torch.argmax(x, 1), torch.argmax(x, 0, keepdim=True))
    print(torch.argmin(x), torch.argmin(x, dim=1), x.argmax(), x.argmax(1))
    print(torch.argmax(torch.tensor([3, 9, 9, 1])), torch.argmax(torch.tensor([float("nan"), 1.0, 2.0])))
    print(torch.argmax(x, 1, keepdim=True))


@scenario
def where_grad():
    x = torch.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]], requires_grad=True)
    y = torch.tensor([10.0, 20.0, 30.0], requires_grad=True)
    w = torch.where(x > 2, x, y)
    print(w, fn_name(w))
    print(next_fns(w))
    (w * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    print(x.grad)
    print(y.grad)
    x.grad = None
    z = torch.where(x < 3, x * x, 0.0)
    print(z, next_fns(z))
    z.sum().backward()
    print(x.grad)
    print(torch.where(torch.tensor([True, False]), torch.tensor([1.0, 2.0]), torch.tensor([[3.0], [4.0]])))


@scenario
def clamp_tensor_bounds():
    x = torch.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]], requires_grad=True)
    lo = torch.tensor([2.0, 2.0, 2.0], requires_grad=True)
    hi = torch.tensor(4.0, requires_grad=True)
    c = torch.clamp(x, lo, hi)
    print(c, fn_name(c))
    c.sum().backward()
    print(x.grad, lo.grad, hi.grad)
    a = torch.tensor([0.0, 5.0], requires_grad=True)
    lo2 = torch.tensor([3.0, 3.0], requires_grad=True)
    hi2 = torch.tensor([1.0, 1.0], requires_grad=True)
    d = torch.clamp(a, lo2, hi2)
    print(d)
    d.sum().backward()
    print(a.grad, lo2.grad, hi2.grad)


@scenario
def clamp_one_tensor_bound():
    x = torch.tensor([0.5, 2.0, -1.0, 1.0], requires_grad=True)
    lo = torch.tensor([1.0, 1.0, 1.0, 1.0], requires_grad=True)
    w = torch.tensor([1.0, 2.0, 3.0, 4.0])
    y = torch.clamp_min(x, lo)
    print(y, next_fns(y))
    (y * w).sum().backward()
    print(x.grad, lo.grad)
    x.grad = None
    lo.grad = None
    z = torch.clamp_max(x, lo)
    (z * w).sum().backward()
    print(z, x.grad, lo.grad)
    m = torch.tensor([[0.5, 2.0], [1.0, -3.0]], requires_grad=True)
    b = torch.tensor([1.0, 0.0], requires_grad=True)
    c = torch.clamp_max(m, b)
    c.sum().backward()
    print(c, m.grad, b.grad)
    nan = float("nan")
    l2 = torch.tensor([1.0, nan, 1.0], requires_grad=True)
    x2 = torch.tensor([0.5, 2.0, nan], requires_grad=True)
    n = torch.clamp_min(x2, l2)
    n.sum().backward()
    print(n, x2.grad, l2.grad)
    print(torch.clamp_min(x2, nan), torch.clamp_max(x2, nan), torch.clamp(x2, 0.0, 1.0))
    print(torch.clamp_min(x2 * 2, l2 + 1), fn_name(torch.clamp_min(x, 0.0)))


@scenario
def cross_entropy_loss():
    x = torch.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0], [0.5, 0.5, -1.0]], requires_grad=True)
    t = torch.tensor([2, 0, 1])
    loss = F.cross_entropy(x, t)
    print(loss, next_fns(loss))
    loss.backward()
    print(x.grad)
    print(F.cross_entropy(x, t, reduction="sum"), F.cross_entropy(x, t, reduction="none"))
    print(F.cross_entropy(x, torch.tensor([2, -100, 1])), F.cross_entropy(x, torch.tensor([1, 0, 0]), ignore_index=0))
    print(F.cross_entropy(torch.tensor([1.0, 2.0, 0.5]), torch.tensor(1)))
    print(F.cross_entropy(torch.tensor([[1.0, 2.0]]), torch.tensor([-100])))
    d = torch.tensor([[0.2, -0.4], [1.5, 0.3]], dtype=F64, requires_grad=True)
    l2 = F.cross_entropy(d, torch.tensor([1, 0]))
    l2.backward()
    print(l2, d.grad)


@scenario
def nll_loss_grad():
    x = torch.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]], requires_grad=True)
    lp = F.log_softmax(x, 1)
    t = torch.tensor([1, 2])
    loss = F.nll_loss(lp, t)
    print(loss, next_fns(loss))
    loss.backward()
    print(x.grad)
    y = torch.tensor([[-0.5, -1.0], [-2.0, -0.1]], requires_grad=True)
    n = F.nll_loss(y, torch.tensor([0, 1]), reduction="none")
    print(n)
    n.sum().backward()
    print(y.grad)


@scenario
def cross_entropy_errors():
    x = torch.ones(2, 3)
    for f in (lambda: F.cross_entropy(x, torch.tensor([3, 0])),
              lambda: F.cross_entropy(x, torch.tensor([-1, 0])),
              lambda: F.cross_entropy(x, torch.tensor([1, 0, 1])),
              lambda: F.cross_entropy(x, torch.tensor(1)),
              lambda: F.cross_entropy(torch.ones(3), torch.tensor([1])),
              lambda: F.nll_loss(x, torch.tensor([0, 1]), reduction="avg")):
        try:
            f()
        except (RuntimeError, ValueError, IndexError) as e:
            show_error(e)


@scenario
def cross_entropy_class_weights():
    x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-2.0, 1.0, 0.0], [0.1, 0.2, 0.3]], requires_grad=True)
    t = torch.tensor([0, 2, 1, -100])
    w = torch.tensor([1.0, 2.0, 0.5])
    loss = F.cross_entropy(x, t, w)
    print(loss, next_fns(loss))
    loss.backward()
    print(x.grad)
    print(F.cross_entropy(x, t, w, reduction="sum"), F.cross_entropy(x, t, w, reduction="none"))
    print(F.nll_loss(x, torch.tensor([2, 2, 0, 1]), w), F.nll_loss(x, torch.tensor([0, 2, 1, 1]), w, reduction="none", ignore_index=2))
    print(F.nll_loss(x, torch.tensor([-100, -100, -100, -100]), w), F.cross_entropy(x, torch.tensor([1, 1, 1, 1]), torch.zeros(3)))
    print(F.cross_entropy(torch.tensor([1.0, 2.0, 0.5]), torch.tensor(2), w))
    show_errors_of(lambda: F.cross_entropy(x, t, torch.ones(2)))
    show_errors_of(lambda: F.nll_loss(x, t, torch.ones(1, 3)))
    show_errors_of(lambda: F.nll_loss(x, t, torch.ones(3, requires_grad=True)))


@scenario
def cross_entropy_label_smoothing():
    x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-2.0, 1.0, 0.0], [0.1, 0.2, 0.3]], requires_grad=True)
    t = torch.tensor([0, 2, 1, -100])
    w = torch.tensor([1.0, 2.0, 0.5])
    loss = F.cross_entropy(x, t, label_smoothing=0.1)
    print(loss, next_fns(loss))
    loss.backward()
    print(x.grad)
    x.grad = None
    weighted = F.cross_entropy(x, t, weight=w, label_smoothing=0.2)
    weighted.backward()
    print(weighted, x.grad)
    print(F.cross_entropy(x, t, reduction="sum", label_smoothing=0.3),
          F.cross_entropy(x, torch.tensor([0, 2, 1, 1]), weight=w, reduction="none", ignore_index=1, label_smoothing=0.5))
    print(F.cross_entropy(x, t, w, reduction="mean", ignore_index=-100, label_smoothing=1.0),
          F.cross_entropy(x, t, label_smoothing=-0.5))
    print(F.cross_entropy(torch.tensor([1.0, 2.0, 0.5]), torch.tensor(1), weight=w, label_smoothing=0.1))
    show_errors_of(lambda: F.cross_entropy(x, t, label_smoothing=1.5))


@scenario
def cross_entropy_probabilities():
    x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-2.0, 1.0, 0.0], [0.1, 0.2, 0.3]], requires_grad=True)
    p = torch.tensor([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]])
    w = torch.tensor([1.0, 2.0, 0.5])
    loss = F.cross_entropy(x, p)
    print(loss, next_fns(loss))
    loss.backward()
    print(x.grad)
    x.grad = None
    smoothed = F.cross_entropy(x, p, weight=w, label_smoothing=0.1)
    smoothed.backward()
    print(smoothed, x.grad)
    print(F.cross_entropy(x, p, reduction="sum"), F.cross_entropy(x, p, weight=w, reduction="none"))
    print(F.cross_entropy(torch.tensor([1.0, 2.0, 0.5]), torch.tensor([0.0, 0.5, 0.5])))
    show_errors_of(lambda: F.cross_entropy(x, p, ignore_index=1))
    show_errors_of(lambda: F.cross_entropy(x, torch.tensor([1.0, 2.0, 0.0, 1.0])))
    show_errors_of(lambda: F.cross_entropy(x, torch.ones(4, 2)))


@scenario
def classification_accuracy():
    logits = torch.tensor([[0.2, 1.5], [2.0, -1.0], [0.3, 0.1], [-0.5, 0.5]])
    labels = torch.tensor([1, 0, 1, 1])
    pred = logits.argmax(1)
    correct = pred == labels
    print(pred, correct)
    print(correct.sum(), correct.sum().item(), correct.float().mean())
    print(correct.float().mean().item())


@scenario
def index_slices():
    x = torch.arange(12.0).reshape(3, 4).requires_grad_()
    for y in (x[0:2, 1], x[:, 1], x[1:], x[::2, -1], x[None, 1], x[..., 2], x[1, 1:3], x[-5:10], x[2:1], x[:, :],
              x[1:, ::3], x[..., None, 0]):
        print(y, fn_name(y))
    y = x[0:2, 1]
    print(next_fns(y))
    (x[::2, 1:3] * torch.tensor([1.0, 2.0])).sum().backward()
    print(x.grad)


@scenario
def index_tensors():
    x = torch.arange(12.0).reshape(3, 4).requires_grad_()
    print(x[torch.tensor([2, 0])])
    y = x[:, torch.tensor([[3, 0], [1, 1]])]
    print(y, fn_name(y), next_fns(y))
    z = x[:, torch.tensor([1, 1, -1])]
    print(z)
    z.sum().backward()
    print(x.grad)
    x.grad = None
    m = x[x > 5]
    print(m, fn_name(m))
    (m * m).sum().backward()
    print(x.grad)
    print(x[torch.tensor([True, False, True])], x[1, torch.tensor([False, True, True, False])])


@scenario
def index_errors():
    x = torch.arange(12.0).reshape(3, 4)
    for f in (lambda: x[3], lambda: x[0, 0, 0], lambda: x[torch.tensor([4])],
              lambda: x[torch.tensor([True, False])], lambda: x[::-1], lambda: x[:, 5]):
        try:
            f()
        except (IndexError, ValueError, RuntimeError) as e:
            show_error(e)


@scenario
def index_several_tensors():
    x = torch.arange(12.0).reshape(3, 4)
    x.requires_grad_()
    y = x[torch.tensor([0, 2, 2]), torch.tensor([1, -1, 3])]
    print(y, next_fns(y))
    y.sum().backward()
    print(x.grad)
    print(x[torch.tensor([[0], [2]]), torch.tensor([1, 3])])
    z = torch.arange(24.0).reshape(2, 3, 4)
    z.requires_grad_()
    a = z[:, torch.tensor([0, 2]), torch.tensor([1, 1])]
    b = z[torch.tensor([1, 0]), :, torch.tensor([3, 0])]
    print(a, b)
    (b * torch.arange(6.0).reshape(2, 3)).sum().backward()
    print(z.grad)
    print(fn_name(x[1, torch.tensor([0, 2])]), x[0:2, torch.tensor([0, 2])])
    show_errors_of(lambda: x[torch.tensor([0, 1]), torch.tensor([0, 1, 2])])
    show_errors_of(lambda: x[torch.tensor([0, 3]), torch.tensor([0, 1])])
    show_errors_of(lambda: x[torch.tensor([0, 1]), torch.tensor([0, 4])])


@scenario
def index_put():
    x = torch.zeros(2, 3)
    v = torch.tensor([1.0, 2.0], requires_grad=True)
    x.index_put_((torch.tensor([0, 1]), torch.tensor([2, 0])), v)
    print(x, fn_name(x))
    z = torch.zeros(3)
    z.index_put_((torch.tensor([0, 0, 2]),), torch.tensor(1.0), accumulate=True)
    print(z)
    show_errors_of(lambda: z.index_put_((torch.tensor([0, 1]),), torch.tensor([1.0, 2.0, 3.0])))
    w = torch.ones(3, requires_grad=True)
    show_errors_of(lambda: w.index_put_((torch.tensor([0]),), torch.tensor(2.0)))
    a = torch.ones(3, requires_grad=True)
    b = a * 2
    vv = torch.tensor([5.0, 6.0], requires_grad=True)
    b.index_put_((torch.tensor([2, 0]),), vv)
    print(b)
    (b * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    print(a.grad, vv.grad)
    m = torch.zeros(2, 3)
    m[:, 1] = torch.tensor([7.0, 8.0])
    m[m > 7.5] = -1.0
    print(m)
    c = torch.ones(2, 2, requires_grad=True)
    d = c * 1
    d[0] += torch.tensor([3.0, 4.0], requires_grad=True)
    d.sum().backward()
    print(d, c.grad)


@scenario
def matmul_broadcast():
    torch.manual_seed(0)
    cases = [((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((4,), (2, 4, 5)), ((2, 3, 4), (4,)),
             ((2, 1, 3, 4), (5, 4, 2)), ((2, 3, 4), (1, 4, 5)), ((2, 2, 3, 4), (2, 2, 4, 5))]
    for sa, sb in cases:
        a = torch.randn(*sa, requires_grad=True)
        b = torch.randn(*sb, requires_grad=True)
        c = a @ b
        print(tuple(c.shape), fn_name(c))
        (c * c).sum().backward()
        print(a.grad.sum(), b.grad.sum())
    a = torch.tensor([[[1.0, 2.0], [3.0, 4.0]], [[0.5, -1.0], [2.0, 0.0]]], requires_grad=True)
    w = torch.tensor([[1.0, -1.0], [0.5, 2.0]], requires_grad=True)
    c = torch.matmul(a, w)
    print(c)
    c.sum().backward()
    print(a.grad)
    print(w.grad)
    for f in (lambda: torch.ones(2, 3, 4) @ torch.ones(3, 4, 5), lambda: torch.ones(2, 3, 4) @ torch.ones(2, 5, 4),
              lambda: torch.ones(2, 3, 4) @ torch.ones(5, 5), lambda: torch.ones(2, 3, 4) @ torch.ones(5)):
        try:
            f()
        except RuntimeError as e:
            show_error(e)


@scenario
def hook_remove():
    x = torch.tensor([0.5, 1.5, -2.0], requires_grad=True)
    h = x.register_hook(lambda g: g * 10)
    (x * x).sum().backward()
    print(x.grad)
    h.remove()
    x.grad = None
    (x * x).sum().backward()
    print(x.grad)
    h.remove()


@scenario
def print_sep_end():
    x = torch.tensor([1.0, 2.0])
    print("a", "b", 3, sep=", ")
    print("loss", 0.25, sep=": ", end="!\n")
    print(x, x.sum(), sep="\n")
    print("no newline", end="")
    print(" then this")


@scenario
def dtype_index_edge_cases():
    print(torch.tensor([float("nan"), float("inf"), 1e30, -2.7]).long())
    print(torch.clamp(torch.tensor([1.0, 2.0]), torch.tensor([float("nan"), 0.0]), torch.tensor([3.0, float("nan")])))
    x = torch.arange(6.0).reshape(2, 3).requires_grad_()
    a = x[...]
    print(a, fn_name(a), a is x)
    s = x[torch.tensor(1)]
    print(s, fn_name(s))
    t = x[torch.tensor(1), torch.tensor([0, 2])]
    print(t, fn_name(t), next_fns(t))
    for f in (lambda: F.cross_entropy(torch.ones(2, 3), torch.ones(2, 2, dtype=torch.long)),
              lambda: torch.ones(3, 4) @ torch.ones(2, 5, 6), lambda: torch.ones(4) @ torch.ones(2, 5, 6)):
        try:
            f()
        except (RuntimeError, ValueError) as e:
            show_error(e)


@scenario
def float_with_double():
    x = torch.tensor([1.5, -2.25], requires_grad=True)
    y = torch.tensor([0.1, 3.0], dtype=torch.float64, requires_grad=True)
    z = x * y + torch.exp(x) / y
    print(z, fn_name(z))
    z.sum().backward()
    print(x.grad, y.grad)
    w = x.double()
    print(w, next_fns(w))


@scenario
def grad_through_conversions():
    x = torch.tensor([1.0, 2.0, 3.0], dtype=F64, requires_grad=True)
    y = x * 2.0 + (x.float() * 3.0).double()
    g = torch.autograd.grad(y.sum(), [x])
    print(g[0], x.grad)
    a = torch.tensor([1.0, -2.0], requires_grad=True)
    b = torch.tensor([0.5, 4.0], dtype=F64, requires_grad=True)
    z = (a * b).sum()
    gb = torch.autograd.grad(z, [b])
    print(gb[0], a.grad, b.grad)
    w = torch.tensor([1.0, 3.0], requires_grad=True)
    u = (w.double() * w.double()).float().sum()
    print(torch.autograd.grad(u, [w])[0], w.grad)
    print(torch.autograd.grad((w.double() * 2.0).float().sum(), [w])[0])


@scenario
def create_graph_through_eager_ops():
    # views, products and reductions over a dimension record their backward without CTGRAD_CREATE_GRAPH
    x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    w = torch.tensor([[1.0, -1.0], [0.5, 2.0]], requires_grad=True)
    y = x.view(2, 2).matmul(w).sum(1).sum(0)
    g = torch.autograd.grad(y, [x], create_graph=True)
    print(g[0], g[0].requires_grad)
    print(torch.autograd.grad(g[0].sum(0), [w])[0])



def main(argv):
    args = argv[1:]
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if args and args[0] == "--list":
        for fn in SCENARIOS:
            print(fn.__name__)
        return 0
    selected = [fn for fn in SCENARIOS
                if not args or any(fnmatch.fnmatchcase(fn.__name__, p) for p in args)]
    if not selected:
        print(f"scenarios.py: no scenario matches {' '.join(args)}", file=sys.stderr)
        return 2
    for fn in selected:
        print(f"== {fn.__name__}")
        fn()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
