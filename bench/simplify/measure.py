#!/usr/bin/env python3
"""ctgrad's simplification against SymPy's, on the derivatives printed by derivatives.cpp.

Usage:
    measure.py [FILE|-] [--check MEDIAN MAX] [--forms]

FILE (default: standard input) holds the lines printed by derivatives.cpp:
    <index> TAB <formula as written in C++> TAB <variables: "x" or "x,y"> TAB <ctgrad's derivative>

For each line:

1. The formula's C++ text is read as SymPy (pow(a, b) -> a**b, 3_c -> 3, 0.25_c -> 1/4,
   frac<1, 2> -> 1/2; sigmoid, log1p and expm1 are SymPy functions with their derivatives, so
   SymPy has the same vocabulary as ctgrad), and differentiated by sympy.diff: once by each
   variable, in order ("x,y" is d(d(f, x), y)).
2. ctgrad's printed derivative is parsed, without evaluation or simplification, into a syntax
   tree (a small parser of ctgrad's printed grammar: + - * / ^, unary -, function calls,
   where(c, 0, v) with conditions <= >= == &&), and built into a SymPy expression with
   evaluate=False. It must equal SymPy's derivative: both are evaluated with 40 significant
   digits at 8 random points (every variable in [0.3, 2]; a point where either side is not
   finite is skipped) and must agree to a relative 1e-25 (1e-12 when a number with a decimal
   point appears: SymPy reads those with 15 digits). A wrong derivative makes the script exit
   with status 1 after printing the table.
3. Both sides are counted: ctgrad's printed derivative, and sympy.simplify of SymPy's derivative
   printed by SymPy's str().

THE OPERATION COUNT (one definition, one function, `count_ops_printed`, for both sides): the
printed text is parsed into its syntax tree by the same parser, and each operator or function
application written in it counts 1:
    binary + - * / and ^ (SymPy's **), unary -, each function call (exp, log, sqrt, sigmoid, ...),
    each comparison and && inside where(); numbers and names count 0 (a fraction printed 1/2
    counts its /, a negative number its -).
One allowance, the same on both sides: a sum whose first term is printed with a leading minus
and that adds some term with + is counted without that minus, as it could be written with the
positive term first (SymPy prints y - x as "-x + y": 1, not 2).
So `x - y`, `1/x`, `-x`, `2*x`, `x**2` and `x^2` count 1 each, `x^(-2)` counts 2, `x**(3/2)` 2,
`1/sqrt(x)` 2, `exp(x)/(exp(x) + 1)` 4. These are checked each time the script starts.

Why not sympy.count_ops on an unevaluated parse: parse_expr(..., evaluate=False) still folds the
signs and numbers of a product and sorts its factors, so ctgrad's `2 * x * -1 / x^2 / x^2` (7
printed operations) counts 4 there, and `-(x - y)` becomes `-x + y`. Counting the printed syntax
tree counts what is written.

The ratio of a case is ctgrad's count over SymPy's, with a count of 0 taken as 1 on both sides
(a derivative that is a name or a number costs one). The script prints a markdown table (#,
formula, variables, the two counts, ratio) and the median ratio, the largest ratio, and how many
cases are above 1.3 and above 3. --forms adds both printed forms under the table.
--check MEDIAN MAX exits with status 2 if the median ratio exceeds MEDIAN or a ratio exceeds MAX.
"""

import argparse
import random
import re
import statistics
import sys

import sympy
from sympy.codegen.cfunctions import expm1, log1p
from sympy.parsing.sympy_parser import parse_expr, standard_transformations


# ---- functions SymPy lacks, with their derivatives ------------------------------------------

class sigmoid(sympy.Function):
    """1 / (1 + exp(-a))."""

    def fdiff(self, argindex=1):
        return sigmoid(self.args[0]) * (1 - sigmoid(self.args[0]))


class relu(sympy.Function):
    """max(a, 0)."""

    def fdiff(self, argindex=1):
        return sympy.Heaviside(self.args[0], 0)


def where(condition, value):
    """ctgrad's where(c, 0, v): 0 where c holds, else v."""
    return sympy.Piecewise((0, condition), (value, True))


# Names a formula or a printed derivative may call, as SymPy functions.
FUNCTIONS = {
    'exp': sympy.exp, 'log': sympy.log, 'sin': sympy.sin, 'cos': sympy.cos, 'tan': sympy.tan,
    'tanh': sympy.tanh, 'sqrt': sympy.sqrt, 'abs': sympy.Abs, 'sign': sympy.sign,
    'step': lambda a: sympy.Heaviside(a, 0), 'sigmoid': sigmoid, 'relu': relu,
    'log1p': log1p, 'expm1': expm1,
}

# To evaluate numerically: the functions above in elementary terms.
ELEMENTARY = [
    (sigmoid, lambda a: 1 / (1 + sympy.exp(-a))),
    (log1p, lambda a: sympy.log(1 + a)),
    (expm1, lambda a: sympy.exp(a) - 1),
    (relu, lambda a: sympy.Max(a, 0)),
]


def symbol(name):
    return sympy.Symbol(name, real=True)


# ---- the printed grammar: tokens and syntax tree ---------------------------------------------
#
# Nodes: ('num', text), ('name', text), ('neg', a), ('bin', op, a, b) with op in + - * / ^,
# ('call', name, [args]), ('cmp', op, a, b) with op in <= >= == &&, and ('tuple', [items])
# (only in SymPy's printing: Piecewise((0, Eq(x, 0)), (v, True)); a tuple counts 0).
# Binding, loosest first: &&, comparisons, + -, * /, unary -, ^ (right-associative; its
# exponent may start with a unary minus, as in Python's x**-2). This is how both ctgrad and
# SymPy's str() print.

TOKEN = re.compile(r'\s*(?:(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)|([A-Za-z_]\w*)|(\*\*|<=|>=|==|&&|[-+*/^(),]))')


def tokenize(text):
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        match = TOKEN.match(text, pos)
        if not match:
            raise ValueError(f'cannot read {text[pos:]!r} in {text!r}')
        number, name, op = match.groups()
        tokens.append(('num', number) if number else ('name', name) if name else ('op', '^' if op == '**' else op))
        pos = match.end()
    return tokens


BINARY = {'&&': (-1, 'cmp'), '<=': (0, 'cmp'), '>=': (0, 'cmp'), '==': (0, 'cmp'),
          '+': (1, 'bin'), '-': (1, 'bin'), '*': (2, 'bin'), '/': (2, 'bin')}


class Parser:
    def __init__(self, text):
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self, op=None):
        token = self.peek()
        if op is not None and token != ('op', op):
            raise ValueError(f'expected {op!r} at token {self.pos} of {self.text!r}')
        self.pos += 1
        return token

    def parse(self):
        tree = self.expression(-1)
        if self.pos != len(self.tokens):
            raise ValueError(f'unexpected {self.peek()[1]!r} in {self.text!r}')
        return tree

    def expression(self, min_precedence):
        left = self.unary()
        while True:
            kind, value = self.peek()
            if kind != 'op' or value not in BINARY or BINARY[value][0] < min_precedence:
                return left
            precedence, node = BINARY[value]
            self.take()
            right = self.expression(precedence + 1)  # left-associative
            left = (node, value, left, right)

    def unary(self):
        if self.peek() == ('op', '-'):
            self.take()
            return ('neg', self.unary())
        return self.power()

    def power(self):
        base = self.atom()
        if self.peek() == ('op', '^'):
            self.take()
            return ('bin', '^', base, self.unary())  # right-associative, binds tighter than unary - on its left
        return base

    def atom(self):
        kind, value = self.take()
        if kind == 'num':
            return ('num', value)
        if kind == 'name':
            if self.peek() == ('op', '('):
                self.take()
                args = [self.expression(-1)]
                while self.peek() == ('op', ','):
                    self.take()
                    args.append(self.expression(-1))
                self.take(')')
                return ('call', value, args)
            return ('name', value)
        if (kind, value) == ('op', '('):
            items = [self.expression(-1)]
            while self.peek() == ('op', ','):  # a tuple, as in SymPy's Piecewise((v, c), ...)
                self.take()
                items.append(self.expression(-1))
            self.take(')')
            return items[0] if len(items) == 1 else ('tuple', items)
        raise ValueError(f'unexpected {value!r} in {self.text!r}')


def parse_printed(text):
    return Parser(text).parse()


# ---- the operation count ---------------------------------------------------------------------

def leads_with_minus(tree):
    """Whether the printed text of `tree` starts with a unary minus."""
    if tree[0] == 'neg':
        return True
    if tree[0] == 'bin' and tree[1] in '*/':
        return leads_with_minus(tree[2])
    return False


def sum_terms(tree):
    """The terms of a chain of + and -, each with the operator before it (None for the first)."""
    if tree[0] == 'bin' and tree[1] in '+-':
        return sum_terms(tree[2]) + [(tree[1], tree[3])]
    return [(None, tree)]


def count_tree(tree):
    kind = tree[0]
    if kind in ('num', 'name'):
        return 0
    if kind == 'neg':
        return 1 + count_tree(tree[1])
    if kind == 'call':
        return 1 + sum(count_tree(arg) for arg in tree[2])
    if kind == 'tuple':
        return sum(count_tree(item) for item in tree[1])
    if kind == 'bin' and tree[1] in '+-':
        terms = sum_terms(tree)
        total = len(terms) - 1 + sum(count_tree(term) for _, term in terms)
        if leads_with_minus(terms[0][1]) and any(op == '+' for op, _ in terms[1:]):
            total -= 1  # -a + b is b - a
        return total
    return 1 + count_tree(tree[2]) + count_tree(tree[3])  # * / ^, comparisons, &&


def count_ops_printed(text):
    """The operation count of a printed formula (module docstring)."""
    return count_tree(parse_printed(text))


def check_count():
    cases = {'x - y': 1, '1/x': 1, '1 / x': 1, '-x': 1, '2*x': 1, '2 * x': 1, 'x**2': 1, 'x^2': 1,
             '-x + y': 1, '-x - y': 2, 'x^(-2)': 2, 'x**(-2)': 2, 'x**(3/2)': 2, '1/sqrt(x)': 2,
             'exp(x)/(exp(x) + 1)': 4, '2 * x * -1 / x^2 / x^2': 7, '-(x - y)': 2, 'x': 0, '0': 0,
             '-2*x + y': 2, 'where(x <= 0, 0, 1)': 2, 'where(y == 0 && x >= 0, 0, y * x^(y - 1))': 7}
    for text, expected in cases.items():
        got = count_ops_printed(text)
        assert got == expected, f'count of {text!r}: {got}, expected {expected}'
    # SymPy's printing of the same expressions counts the same
    x, y = sympy.symbols('x y')
    for expr, expected in [(x - y, 1), (1 / x, 1), (-x, 1), (2 * x, 1), (x**2, 1), (y - x, 1), (x**-2, 2)]:
        got = count_ops_printed(str(expr))
        assert got == expected, f'count of SymPy {expr}: {got}, expected {expected}'


# ---- ctgrad's printed derivative as an unevaluated SymPy expression ----------------------------

def to_sympy(tree, symbols):
    kind = tree[0]
    if kind == 'num':
        return sympy.Rational(tree[1]) if '.' not in tree[1] and 'e' not in tree[1].lower() else sympy.Float(tree[1], 40)
    if kind == 'name':
        return symbols.setdefault(tree[1], symbol(tree[1]))
    if kind == 'neg':
        return sympy.Mul(-1, to_sympy(tree[1], symbols), evaluate=False)
    if kind == 'call':
        name, args = tree[1], tree[2]
        if name == 'where':
            if len(args) != 3 or args[1] != ('num', '0'):
                raise ValueError('where takes (condition, 0, value)')
            return where(to_sympy(args[0], symbols), to_sympy(args[2], symbols))
        if name not in FUNCTIONS:
            raise ValueError(f'unknown function {name}')
        operands = [to_sympy(arg, symbols) for arg in args]
        if name == 'step':
            return sympy.Heaviside(*operands, 0, evaluate=False)
        return FUNCTIONS[name](*operands, evaluate=False)
    op, a, b = tree[1], to_sympy(tree[2], symbols), to_sympy(tree[3], symbols)
    if op == '+':
        return sympy.Add(a, b, evaluate=False)
    if op == '-':
        return sympy.Add(a, sympy.Mul(-1, b, evaluate=False), evaluate=False)
    if op == '*':
        return sympy.Mul(a, b, evaluate=False)
    if op == '/':
        return sympy.Mul(a, sympy.Pow(b, -1, evaluate=False), evaluate=False)
    if op == '^':
        return sympy.Pow(a, b, evaluate=False)
    if op == '&&':
        return sympy.And(a, b)
    return {'<=': sympy.Le, '>=': sympy.Ge, '==': sympy.Eq}[op](a, b, evaluate=False)


# ---- the formula: C++ text as SymPy ----------------------------------------------------------

def formula_to_sympy(text, symbols):
    python = text.replace('ctgrad::', '')
    python = re.sub(r'frac\s*<\s*(-?\d+)\s*,\s*(-?\d+)\s*>', r'Rational(\1, \2)', python)
    python = re.sub(r'(\d+(?:\.\d*)?)_c\b', r"Rational('\1')", python)
    for name in re.findall(r'[A-Za-z_]\w*', python):
        if name not in FUNCTIONS and name not in ('pow', 'Rational'):
            symbols.setdefault(name, symbol(name))
    names = dict(FUNCTIONS, pow=lambda a, b: a**b, Rational=sympy.Rational, **symbols)
    return parse_expr(python, local_dict=names, transformations=standard_transformations)


# ---- equality at random points ---------------------------------------------------------------

def elementary(expr):
    for function, definition in ELEMENTARY:
        expr = expr.replace(function, definition)
    return expr


def agree(ours, theirs, symbols, seed):
    rng = random.Random(seed)
    ours, theirs = elementary(ours), elementary(theirs)
    names = sorted(set(ours.free_symbols) | set(theirs.free_symbols), key=str)
    # numbers typed with a decimal point are read as SymPy's 15-digit floats
    inexact = ours.atoms(sympy.Float) or theirs.atoms(sympy.Float)
    tolerance = sympy.Float('1e-12' if inexact else '1e-25', 40)
    checked = 0
    for _ in range(40):
        if checked == 8:
            break
        point = {s: sympy.Rational(rng.randint(300, 2000), 997) for s in names}
        a = sympy.N(ours.subs(point), 40)
        b = sympy.N(theirs.subs(point), 40)
        if not (a.is_number and b.is_number and a.is_finite and b.is_finite):
            continue
        if abs(a - b) > tolerance * max(1, abs(b)):
            return False
        checked += 1
    return checked > 0


# ---- the run ---------------------------------------------------------------------------------

def cell(text):
    return '`' + text.replace('`', "'") + '`'


def main():
    options = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    options.add_argument('input', nargs='?', default='-', help='output of derivatives.cpp (default: standard input)')
    options.add_argument('--check', nargs=2, type=float, metavar=('MEDIAN', 'MAX'),
                         help='exit with status 2 if the median ratio exceeds MEDIAN or a ratio exceeds MAX')
    options.add_argument('--forms', action='store_true', help="print ctgrad's and SymPy's derivative of each case")
    args = options.parse_args()

    check_count()
    stream = sys.stdin if args.input == '-' else open(args.input, encoding='utf-8')
    lines = [line.rstrip('\n') for line in stream if line.strip()]

    rows, wrong = [], []
    for line in lines:
        index, formula, wrt, printed = line.split('\t')
        symbols = {}
        f = formula_to_sympy(formula, symbols)
        reference = f
        for name in wrt.split(','):
            reference = sympy.diff(reference, symbols.setdefault(name, symbol(name)))
        ours = to_sympy(parse_printed(printed), symbols)
        if not agree(ours, reference, symbols, seed=int(index)):
            wrong.append((index, formula, wrt, printed, reference))
        simplified = sympy.simplify(reference)
        theirs = str(simplified)
        c, s = count_ops_printed(printed), count_ops_printed(theirs)
        rows.append((index, formula, wrt, c, s, max(c, 1) / max(s, 1), printed, theirs))

    print('| # | formula | wrt | ctgrad ops | SymPy ops | ratio |')
    print('| ---: | --- | --- | ---: | ---: | ---: |')
    for index, formula, wrt, c, s, ratio, _, _ in rows:
        print(f'| {index} | {cell(formula)} | {wrt} | {c} | {s} | {ratio:.2f} |')
    ratios = [row[5] for row in rows]
    median, largest = statistics.median(ratios), max(ratios)
    print()
    print(f'median ratio {median:.2f}, max ratio {largest:.2f}, '
          f'cases above 1.3: {sum(r > 1.3 for r in ratios)}, above 3: {sum(r > 3 for r in ratios)} (of {len(ratios)})')

    if args.forms:
        print()
        for index, formula, wrt, c, s, ratio, printed, theirs in sorted(rows, key=lambda row: -row[5]):
            print(f'{index}. d/{wrt} {formula}  (ratio {ratio:.2f})')
            print(f'    ctgrad ({c}): {printed}')
            print(f'    SymPy  ({s}): {theirs}')

    status = 0
    if wrong:
        print(file=sys.stderr)
        for index, formula, wrt, printed, reference in wrong:
            print(f'WRONG derivative {index}: d/{wrt} {formula}: ctgrad {printed}, SymPy {reference}', file=sys.stderr)
        status = 1
    elif args.check and (median > args.check[0] or largest > args.check[1]):
        print(f'check failed: median {median:.2f} (limit {args.check[0]}), max {largest:.2f} (limit {args.check[1]})',
              file=sys.stderr)
        status = 2
    return status


if __name__ == '__main__':
    sys.exit(main())
