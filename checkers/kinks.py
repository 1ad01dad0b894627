r"""Kinks: where the cost of a gradient claim is not differentiable, named instead of "failing".

A cost built with $|g|$, $\max(a, b)$, $\min(a, b)$, $\operatorname{sign}(g)$, $H(g)$ or a
``Piecewise`` has no derivative on the set where $g = 0$ (or $a = b$, or a branch condition
turns).  There, any "derivative" is a convention: SymPy's $\frac{d}{du}\max(u, 0) = H(u)$ takes
$H(0) = \tfrac12$, JAX's ``jax.nn.relu`` takes 0, PyTorch takes 0, central differences give
the average of the two one-sided slopes.  A claimed derivative that picks another convention is
not wrong, and reporting a "mismatch" at $u = 0$ is the false failure users of other tools
complain about (pytorch#114234, jax#29111).

So: :func:`find_kinks` lists the kink sets of a gradient claim's cost (the sets
$\{g = 0\}$, read off the expression tree, restricted to the ``wrt`` variables the kink depends
on); :func:`on_kink` tells which sampled points lie exactly on one ($g = 0$ in float64) and
:func:`point_on_kink` whether an exact counterexample does (exact rational arithmetic).  The
engine (:func:`checkers.engine.verify`, behind every entry point) sets those points aside and
names the kink.  A claim that is wrong off the kink is still REFUTED there.  Points merely
*near* a kink are ordinary points: JAX differentiates one branch, and central differences that
straddle the kink have a large Richardson error estimate or are decided by the mpmath referee.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import sympy as sp

from derivations import GradientClaim

from .lambdify import numpy_fn

__all__ = ["Kink", "find_kinks", "on_kink", "point_on_kink"]



@dataclass(frozen=True)
class Kink:
    r"""The set $\{\mathrm{lhs} = \mathrm{rhs}\}$ where the cost is not differentiable; ``origin``
    is the node of the cost that makes the kink."""

    lhs: sp.Expr
    rhs: sp.Expr
    origin: sp.Expr

    @property
    def g(self) -> sp.Expr:
        return self.lhs - self.rhs

    def describe(self) -> str:
        return f"{sp.sstr(self.lhs)} = {sp.sstr(self.rhs)} (kink of {sp.sstr(self.origin)})"


def _side(a, b):
    """``(a, b)`` with the non-constant side first (``u = 0`` rather than ``0 = u``)."""
    return (b, a) if a.is_number and not b.is_number else (a, b)


def _zero_sets(node) -> list:
    if isinstance(node, (sp.Abs, sp.sign, sp.Heaviside)):
        return [(node.args[0], sp.S.Zero)]
    if isinstance(node, (sp.Max, sp.Min)):
        return [_side(a, b) for a, b in itertools.combinations(node.args, 2)]
    if isinstance(node, sp.Piecewise):
        out = []
        for _, cond in node.args:
            if isinstance(cond, sp.Basic) and cond not in (sp.true, sp.false):
                out += [_side(r.lhs, r.rhs) for r in cond.atoms(sp.Rel)]
        return out
    return []


def _branches(node, lhs, rhs):
    """The two expressions ``node`` takes on either side of ``lhs = rhs`` (None: not known)."""
    if isinstance(node, sp.Abs):
        return node.args[0], -node.args[0]
    if isinstance(node, sp.sign):
        return sp.S.One, -sp.S.One
    if isinstance(node, sp.Heaviside):
        return sp.S.One, sp.S.Zero
    if isinstance(node, (sp.Max, sp.Min)) and len(node.args) == 2:
        return node.args
    return None


def _smooth_across(claim, node, lhs, rhs, g) -> bool:
    r"""Is the cost differentiable across $g = 0$ after all?  A kink needs unequal one-sided
    derivatives: replace ``node`` by its expression on each side ($|g| \to \pm g$,
    $\max(a, b) \to a, b$, $H(g) \to 1, 0$, $\operatorname{sign} g \to \pm 1$), and the set
    is no kink when the two costs and their derivatives in every ``wrt`` variable agree on
    $g = 0$ (solved for one of its variables; SymPy must show each difference is 0 there).
    $z/(1 + |z|)$ at $z = 0$: both sides have derivative 1, so ``jax.nn.soft_sign`` has no
    kink and a backward pass wrong at 0 alone is refuted there.  Anything SymPy cannot settle
    keeps the kink (the conservative answer: a kink only sets points aside)."""
    sides = _branches(node, lhs, rhs)
    if sides is None:
        return False
    wrt = list(claim.wrt)
    syms = sorted(g.free_symbols, key=lambda s: (s not in claim.wrt, str(s)))
    for s in syms:
        try:
            if sp.degree(g, s) != 1:
                continue
            sol = sp.solve(g, s, dict=True)
        except (sp.PolynomialError, NotImplementedError, TypeError, ValueError):
            continue
        if len(sol) != 1:
            continue
        try:
            for entry in claim.cost:
                a, b = (entry.xreplace({node: side}) for side in sides)
                for d in [a - b] + [sp.diff(a - b, w) for w in wrt]:
                    if sp.simplify(d.subs(sol[0])) != 0:
                        return False
        except (TypeError, ValueError, NotImplementedError, ZeroDivisionError):
            return False
        return True
    return False


def find_kinks(claim) -> tuple:
    """The kink sets of a gradient claim's cost that depend on a ``wrt`` variable (may be empty)."""
    if not isinstance(claim, GradientClaim):
        return ()
    wrt = set(claim.wrt)
    found, seen = [], set()
    nodes = set()
    for entry in claim.cost:
        nodes |= {n for n in sp.preorder_traversal(entry)
                  if isinstance(n, (sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min, sp.Piecewise))}
    for node in sorted(nodes, key=sp.default_sort_key):
        for lhs, rhs in _zero_sets(node):
            g = sp.sympify(lhs - rhs)
            if g.is_number or not (g.free_symbols & wrt) or g in seen or -g in seen:
                continue
            if g.is_nonzero:  # e.g. |exp(u)|: never on its kink
                continue
            if _smooth_across(claim, node, lhs, rhs, g):   # e.g. z/(1 + |z|) at z = 0
                continue
            seen.add(g)
            found.append(Kink(sp.sympify(lhs), sp.sympify(rhs), node))
    return tuple(found)


def on_kink(kinks, variables, points) -> np.ndarray:
    """Index of the first kink each point lies on exactly ($g = 0$ in float64), or -1."""
    points = np.atleast_2d(np.asarray(points, dtype=np.float64))
    where = np.full(points.shape[0], -1)
    cols = tuple(points[:, i] for i in range(points.shape[1]))
    for k, kink in enumerate(kinks):
        with np.errstate(all="ignore"):
            g = np.real(numpy_fn(tuple(variables), kink.g)(*cols)).reshape(points.shape[0])
        where = np.where((where < 0) & (g == 0), k, where)
    return where


def _exact_number(text):
    try:
        return sp.Rational(str(text))
    except (TypeError, ValueError):
        return None


def point_on_kink(kinks, point: dict):
    """The kink a counterexample's point (``{name: exact text}``) lies on exactly, or None."""
    if not kinks or not point:
        return None
    values = {}
    for name, text in point.items():
        v = _exact_number(text)
        if v is None:
            return None
        values[name] = v
    for kink in kinks:
        sub = {s: values[str(s)] for s in kink.g.free_symbols if str(s) in values}
        if len(sub) != len(kink.g.free_symbols):
            continue
        try:
            if sp.simplify(kink.g.xreplace(sub)) == 0:
                return kink
        except (TypeError, ValueError):
            continue
    return None
